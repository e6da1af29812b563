"""A new build published under a running server: queries, documents and ETags follow it.

The server is started on a build of two articles; the whole corpus is then
built into the same directory while it runs. The query workers and the
Linked Data layer reopen the store when ``build-id`` changes, and the ETag
of a document changes with the build.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
from conftest import BASE, CORPUS, build_into, start_server

COUNT_RESULTS = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/kepatuhan-kg/def/okg#AssessmentResult> }"


def results(url: str) -> int:
    r = httpx.get(f"{url}/sparql", params={"query": COUNT_RESULTS}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_server_follows_a_new_build(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    articles = sorted(CORPUS.glob("*.txt"))
    for path in articles[:2]:
        shutil.copy(path, small / path.name)
        meta = path.with_suffix(".meta.yaml")
        if meta.exists():
            shutil.copy(meta, small / meta.name)
    out = tmp_path / "out"
    build_into(out, small)
    proc, url = start_server(out)
    try:
        before = results(url)
        first_id = httpx.get(f"{url}/healthz").text.split()[1]
        home = httpx.get(f"{url}/", headers={"Accept": "text/html"})
        tag = home.headers["etag"]
        time.sleep(1.1)  # build ids carry a timestamp in seconds
        build_into(out, CORPUS)
        second_id = httpx.get(f"{url}/healthz").text.split()[1]
        assert second_id != first_id
        assert results(url) > before  # every worker reopens; ask a few times to reach each of them
        assert all(results(url) == results(url) for _ in range(4))
        again = httpx.get(f"{url}/", headers={"Accept": "text/html", "If-None-Match": tag})
        assert again.status_code == 200 and again.headers["etag"] != tag
        doc = httpx.get(f"{url}/doc/assessment/2024/kota-blitar.ttl")
        assert doc.status_code == 200 and f"<{BASE}id/assessment/2024/kota-blitar>" in doc.text
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
