"""No network for query workers: a seccomp filter that refuses every socket but local ones.

Why: pyoxigraph evaluates ``SERVICE <url>`` by fetching the URL, and it has
no switch to turn that off. The guard refuses such queries before they run,
but a guard can miss a spelling; the worker process must not be able to
fetch even then. After :func:`deny_network`, the kernel answers ``EPERM`` to
any ``socket()`` call other than ``AF_UNIX`` (and to ``io_uring_setup``,
which could open sockets another way) in every thread of this process and
in the threads and children it starts later, so a ``SERVICE`` call fails with
``PermissionError`` and no packet leaves. Sockets that already exist (the
worker's pipe to the server) keep working. ``no_new_privs`` is set first, as
the kernel requires for an unprivileged filter.

Linux on x86-64 or AArch64 only; elsewhere :func:`deny_network` returns
``False`` and the guard alone stands. Touches only the calling process.
"""

from __future__ import annotations

import ctypes
import platform
import sys

# seccomp / BPF constants (linux/seccomp.h, linux/filter.h, linux/audit.h)
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_EPERM = 1
_AF_UNIX = 1
_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x05 | 0x10 | 0x00  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x05 | 0x30 | 0x00  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06 | 0x00  # BPF_RET | BPF_K
# offsets in struct seccomp_data
_NR, _ARCH, _ARG0 = 0, 4, 16
_X32_BIT = 0x40000000

_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1

#: machine -> (AUDIT_ARCH, socket, io_uring_setup, seccomp) syscall numbers
_ARCHES: dict[str, tuple[int, int, int, int]] = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def program(arch: int, nr_socket: int, nr_io_uring: int) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jump-if-true, jump-if-false, operand) instructions.

    A call made under another ABI (a foreign architecture or x32) is refused
    outright, so a socket cannot be opened under a syscall number the
    filter does not check.
    """
    deny = _SECCOMP_RET_ERRNO | _EPERM
    return [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),  # foreign ABI
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 0, 1, _X32_BIT),
        (_RET_K, 0, 0, deny),  # x32 numbering
        (_JEQ_K, 0, 1, nr_io_uring),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 3, nr_socket),
        (_LD_W_ABS, 0, 0, _ARG0),  # the address family
        (_JEQ_K, 1, 0, _AF_UNIX),
        (_RET_K, 0, 0, deny),
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
    ]


def deny_network() -> bool:
    """Forbid new non-local sockets in this process for good; ``False`` where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    numbers = _ARCHES.get(platform.machine())
    if numbers is None:
        return False
    arch, nr_socket, nr_io_uring, nr_seccomp = numbers
    code = program(arch, nr_socket, nr_io_uring)
    instructions = (_Instruction * len(code))(*(_Instruction(*i) for i in code))
    prog = _Program(len(code), instructions)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    # every thread of the process at once (TSYNC), so a thread started before this call is covered too
    if libc.syscall(nr_seccomp, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(prog)) == 0:
        return True
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) == 0
