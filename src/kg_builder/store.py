"""Store: the pyoxigraph store the server reads, replaced atomically.

A build loads ``kg.nq`` into a fresh directory next to the live store and
renames it into place only after validation passed, so a failed build
leaves the previous store (and the server reading it) untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pyoxigraph as ox

STORE_DIR = "store"


#: Lines per bulk load: pyoxigraph's bulk loader holds a whole input in memory,
#: so a national dump is fed in slices (same speed, a fraction of the memory).
LOAD_CHUNK_LINES = 300_000


def load_fresh(nq_path: Path, out_dir: Path) -> tuple[ox.Store, Path]:
    """A new store with the quads of ``nq_path``, in a temporary directory of ``out_dir``."""
    tmp = out_dir / f".store-{uuid.uuid4().hex[:8]}"
    store = ox.Store(str(tmp))
    with nq_path.open("rb") as f:
        chunk: list[bytes] = []
        for line in f:
            # a blank node's label is local to one load: never cut between lines that name blank nodes
            if len(chunk) >= LOAD_CHUNK_LINES and b"_:" not in line:
                store.bulk_load(b"".join(chunk), ox.RdfFormat.N_QUADS)
                chunk = []
            chunk.append(line)
        if chunk:
            store.bulk_load(b"".join(chunk), ox.RdfFormat.N_QUADS)
    store.flush()
    return store, tmp


def publish(tmp: Path, out_dir: Path) -> Path:
    """Move a validated store into place; the old one is removed afterwards, in the background."""
    live = out_dir / STORE_DIR
    old = out_dir / f".store-old-{uuid.uuid4().hex[:8]}"
    if live.exists():
        live.rename(old)
    tmp.rename(live)
    if old.exists():
        remove_later(old)
    return live


def remove_later(path: Path) -> None:
    """Delete ``path`` in a process of its own: freeing a national dump or store takes a second the build
    need not wait for. Whatever is left (a killed build) is removed by the next build."""
    try:
        subprocess.Popen(["rm", "-rf", "--", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def discard(tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)


def open_store(out_dir: Path) -> ox.Store:
    """The live store, read-only (several processes may read it at once)."""
    live = out_dir / STORE_DIR
    if not live.exists():
        raise FileNotFoundError(f"{live}: no store; run `kg build` first")
    return ox.Store.read_only(str(live))
