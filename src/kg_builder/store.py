"""Store: the pyoxigraph store the server reads, replaced atomically.

A build loads ``kg.nq`` into a fresh directory next to the live store and
renames it into place only after validation passed, so a failed build
leaves the previous store (and the server reading it) untouched.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pyoxigraph as ox

STORE_DIR = "store"


def load_fresh(nq_path: Path, out_dir: Path) -> tuple[ox.Store, Path]:
    """A new store with the quads of ``nq_path``, in a temporary directory of ``out_dir``."""
    tmp = out_dir / f".store-{uuid.uuid4().hex[:8]}"
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(nq_path), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return store, tmp


def publish(tmp: Path, out_dir: Path) -> Path:
    """Move a validated store into place; the old one is removed afterwards."""
    live = out_dir / STORE_DIR
    old = out_dir / f".store-old-{uuid.uuid4().hex[:8]}"
    if live.exists():
        live.rename(old)
    tmp.rename(live)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return live


def discard(tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)


def open_store(out_dir: Path) -> ox.Store:
    """The live store, read-only (several processes may read it at once)."""
    live = out_dir / STORE_DIR
    if not live.exists():
        raise FileNotFoundError(f"{live}: no store; run `kg build` first")
    return ox.Store.read_only(str(live))
