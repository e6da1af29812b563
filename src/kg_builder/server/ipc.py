"""Framed messages between the server and its query workers, over a socket pair.

Why not ``multiprocessing.Connection``: its ``recv()`` assumes a blocking
descriptor. An event loop that watches the descriptor (``loop.add_reader``,
as uvloop does it) switches it to non-blocking, and a message larger than
the socket buffer (about 16 KB of results) then arrives in parts:
``recv()`` raised ``BlockingIOError`` halfway and a good answer was lost.
Here each side reads in the way its descriptor allows: the server with the
event loop's own socket calls, which wait for every part of a message, and
the worker with plain blocking calls. A message is an 8-byte big-endian
length followed by a pickle; one request, then one answer, never more.

Touches only the sockets it is given.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct

HEADER = struct.Struct("!Q")
#: Bytes asked of the kernel per read on the server side (small answers arrive in one read).
CHUNK = 1 << 16


class MessageTooLarge(Exception):
    """The peer announced a message larger than the reader accepts."""


class ProtocolBroken(Exception):
    """The peer sent something that is not one framed message."""


def encode(message: object) -> bytes:
    """``message`` as a frame: its length, then its pickle."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def _length(header: bytes | bytearray | memoryview, limit: int) -> int:
    (size,) = HEADER.unpack_from(header)
    if size > limit:
        raise MessageTooLarge(f"a message of {size} bytes (at most {limit} are accepted)")
    return size


# ---------------------------------------------------------------- blocking side (the worker)
def send(sock: socket.socket, message: object) -> None:
    """Write one message on a blocking socket."""
    sock.sendall(encode(message))


def _read_exactly(sock: socket.socket, size: int) -> bytearray:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("the peer closed the socket")
        got += n
    return buf


def recv(sock: socket.socket, limit: int) -> object:
    """Read one message from a blocking socket; EOFError when the peer is gone."""
    size = _length(_read_exactly(sock, HEADER.size), limit)
    return pickle.loads(_read_exactly(sock, size))


# ---------------------------------------------------------------- event-loop side (the server)
async def asend(sock: socket.socket, message: object) -> None:
    """Write one message on a non-blocking socket, waiting for room as often as needed."""
    await asyncio.get_running_loop().sock_sendall(sock, encode(message))


async def arecv(sock: socket.socket, limit: int) -> object:
    """Read one whole message from a non-blocking socket, however many parts it arrives in."""
    loop = asyncio.get_running_loop()
    buf = bytearray()
    while len(buf) < HEADER.size:
        chunk = await loop.sock_recv(sock, CHUNK)
        if not chunk:
            raise EOFError("the peer closed the socket")
        buf += chunk
    total = HEADER.size + _length(buf, limit)
    if len(buf) > total:
        raise ProtocolBroken("more bytes than one message")
    if len(buf) < total:
        whole = bytearray(total)
        whole[: len(buf)] = buf
        view = memoryview(whole)
        got = len(buf)
        while got < total:
            n = await loop.sock_recv_into(sock, view[got:])
            if n == 0:
                raise EOFError("the peer closed the socket in the middle of a message")
            got += n
        buf = whole
    return pickle.loads(memoryview(buf)[HEADER.size:])
