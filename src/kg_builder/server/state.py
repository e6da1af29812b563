"""The server's view of the build: the live store, its build id, and per-build caches.

The store is reopened when a new build is published (``OUT/build-id``
changes), so ``kg build`` can run while the server serves the previous
graph. Values derived from the whole graph (statistics, the ontology
document) are computed once per build and dropped when the build changes.
Reads ``OUT/build-id`` and opens ``OUT/store`` read-only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg_builder.store import open_store

T = TypeVar("T")


class StoreHolder:
    """The live store; reopened when a newer build has been published."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._build_id: str | None = None
        self._store: ox.Store | None = None
        self._cache: dict[str, object] = {}
        self._cache_build: str | None = None
        self._computing: dict[str, threading.Lock] = {}
        self._id_cache: tuple[tuple[int, int, int], str] | None = None

    def build_id(self) -> str:
        """The published build's id; the file is re-read only when its inode, size or mtime change."""
        path = self.out_dir / "build-id"
        try:
            st = os.stat(path)
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
            cached = self._id_cache
            if cached is not None and cached[0] == key:
                return cached[1]
            value = path.read_text(encoding="utf-8").strip() or "none"
        except OSError:
            return "none"
        self._id_cache = (key, value)
        return value

    def get(self) -> ox.Store:
        current = self.build_id()
        with self._lock:
            if self._store is None or current != self._build_id:
                self._store = open_store(self.out_dir)
                self._build_id = current
            return self._store

    def cached(self, name: str, compute: Callable[[ox.Store], T]) -> T:
        """``compute(store)`` once per build (concurrent callers wait for the first)."""
        store = self.get()
        build = self._build_id
        with self._lock:
            if self._cache_build != build:
                self._cache = {}
                self._cache_build = build
            if name in self._cache:
                return self._cache[name]  # type: ignore[return-value]
            gate = self._computing.setdefault(name, threading.Lock())
        with gate:
            with self._lock:
                if self._cache_build == build and name in self._cache:
                    return self._cache[name]  # type: ignore[return-value]
            value = compute(store)
            with self._lock:
                if self._cache_build == build:
                    self._cache[name] = value
            return value
