"""Shared fixtures: one real build of the bundled corpus, one real server.

The build runs once per test session into a temporary directory (the real
pipeline: pyshacl, pyoxigraph); the server is a real uvicorn process on a
free port serving that build. Tests that need a different corpus build their
own with :func:`build_into`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
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


@pytest.fixture(scope="session")
def server(built):
    """A real uvicorn server over the session build."""
    proc, url = start_server(built[0].out_dir)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
