"""A fair share of the query workers per client (audit G7), over a real server.

One client (127.0.0.1) sends as many endless queries as there are workers;
beyond its share (2) it is answered 429 at once with Retry-After, and
another client (127.0.0.2: any loopback address reaches the server) is
answered while the first client's queries still run. Before the cap, the
other client waited until the time limit.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from conftest import serving

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def shared(built):
    with serving(built[0].out_dir, env={
            "KG_QUERY_TIMEOUT": "3", "KG_QUERY_WORKERS": "4", "KG_MAX_QUERIES_PER_CLIENT": "2"}) as url:
        yield url


def from_address(address: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any of 127.0.0.0/8 reaches the server)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_one_client_cannot_hold_every_worker(shared):
    outcomes: list[tuple[int, float, str, str | None]] = []
    lock = threading.Lock()

    def heavy() -> None:
        started = time.monotonic()
        with from_address("127.0.0.1") as c:
            r = c.get(f"{shared}/sparql", params={"query": ENDLESS})
        with lock:
            outcomes.append((r.status_code, time.monotonic() - started, r.text, r.headers.get("retry-after")))

    threads = [threading.Thread(target=heavy) for _ in range(4)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    time.sleep(0.5)
    with from_address("127.0.0.2") as other:
        started = time.monotonic()
        r = other.get(f"{shared}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON_RESULTS})
        took = time.monotonic() - started
    heavy_running = any(t.is_alive() for t in threads)
    for t in threads:
        t.join(timeout=60)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert heavy_running and took < 1.5, took  # answered while the first client's queries ran
    refused = [o for o in outcomes if o[0] == 429]
    stopped = [o for o in outcomes if o[0] == 503]
    assert len(refused) == 2 and len(stopped) == 2, [(o[0], round(o[1], 2)) for o in outcomes]
    assert all(o[1] < 1.0 and o[3] and "2 queries" in o[2] for o in refused)  # at once, with Retry-After
    # the share is given back: the same client is answered again afterwards
    with from_address("127.0.0.1") as c:
        assert c.get(f"{shared}/sparql", params={"query": "ASK {}"}).status_code == 200
    metrics = httpx.get(f"{shared}/metrics").text
    assert 'kg_sparql_queries_total{outcome="429"} 2' in metrics
    assert "kg_query_client_cap 2" in metrics


def test_the_cap_leaves_one_worker_for_others():
    from kg_builder.server.clients import ClientLimiter, effective_cap

    assert effective_cap(2, 4) == 2 and effective_cap(8, 4) == 3 and effective_cap(2, 2) == 1
    assert effective_cap(5, 1) == 1 and effective_cap(0, 4) == 0
    limiter = ClientLimiter(2)
    assert limiter.acquire("a") and limiter.acquire("a") and not limiter.acquire("a") and limiter.acquire("b")
    limiter.release("a")
    assert limiter.acquire("a") and limiter.refused == 1


def test_the_cap_is_configured_in_settings(monkeypatch):
    from kg_builder.config import settings

    assert settings().max_queries_per_client == 2
    monkeypatch.setenv("KG_MAX_QUERIES_PER_CLIENT", "5")
    assert settings().max_queries_per_client == 5
