"""Shared fixtures: one real build of the bundled corpus, one real server.

The build runs once per test session into a temporary directory (the real
pipeline: pyshacl, pyoxigraph); the server is a real uvicorn process on a
free port serving that build. Tests that need a different corpus build their
own with :func:`build_into`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg_builder.build import BuildResult, build
from kg_builder.config import PROJECT_ROOT, Settings, settings

ROOT = PROJECT_ROOT
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
OKG = "https://w3id.org/kepatuhan-kg/def/okg#"
BASE = "https://w3id.org/kepatuhan-kg/"
PREFIXES = f"""PREFIX okg: <{OKG}>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""


def build_into(out: Path, corpus: Path = CORPUS, **overrides: object) -> tuple[Settings, BuildResult]:
    s = settings(corpus_dir=corpus, out_dir=out, **overrides)
    return s, build(s)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildResult]:
    """The bundled corpus, built once for the whole session."""
    out = tmp_path_factory.mktemp("build")
    s, result = build_into(out)
    assert result.conforms, [i for i in result.issues if i.severity == "Violation"]
    return s, result


@pytest.fixture(scope="session")
def store(built):
    from kg_builder.store import open_store

    return open_store(built[0].out_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(out_dir: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``kg serve`` under uvicorn in its own process; returns it and its base URL."""
    port = free_port()
    log = tempfile.TemporaryFile()  # not a pipe: an unread pipe fills up and blocks the server's logging
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg_builder", "serve", "--out", str(out_dir), "--port", str(port), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            out = log.read().decode(errors="replace")
            raise RuntimeError(f"server exited early: {out}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start in 30 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def serving(out_dir: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``kg serve`` for the duration of a ``with`` block; yields its base URL."""
    proc, url = start_server(out_dir, *extra, env=env)
    try:
        yield url
    finally:
        stop(proc)


class Listener:
    """A local TCP listener that records every request reaching it (to prove nothing was fetched)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.requests.append(conn.recv(65536))
                conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="session")
def server(built):
    """A real uvicorn server over the session build."""
    with serving(built[0].out_dir) as url:
        yield url
