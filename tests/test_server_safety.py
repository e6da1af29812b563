"""No outbound fetch, whatever the query's spelling; evaluation errors are 4xx (audit G2).

Escaped local names (``x:a\\;\\#``) blinded the old SERVICE guard and the
server fetched the URL. Now the guard reads the grammar's own tokens, and
beneath it the query workers have no network at all, which is shown by
sending a SERVICE query straight to a real worker (past the guard) with a
local listener that must see nothing, next to a worker with network that
does reach it (so the test can fail).
"""

from __future__ import annotations

import asyncio
import subprocess
import time

import httpx
import pytest
from conftest import Listener

JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture
def listener():
    lis = Listener()
    yield lis
    lis.close()


def payloads(port: int) -> list[str]:
    """The audit's bypasses, and neighbours of them."""
    return [
        rf"PREFIX x: <http://x/> SELECT ?x WHERE {{ OPTIONAL {{ ?s x:a\;\# ?o }} SERVICE <http://127.0.0.1:{port}/ssrf> {{ ?x ?y ?z }} }}",
        rf"""PREFIX x: <http://x/> SELECT ?x WHERE {{ OPTIONAL {{ ?s x:a\;\' ?o }} SERVICE <http://127.0.0.1:{port}/evil> {{ ?s ?p "'" }} }}""",
        rf"""PREFIX x: <http://x/> SELECT ?x WHERE {{ OPTIONAL {{ ?s x:a\;\' ?o }} SERVICE SILENT <http://127.0.0.1:{port}/evil> {{ ?s ?p "'" }} }}""",
        rf"PREFIX x: <http://x/> SELECT * WHERE {{ ?s x:a\#\" ?o . SERVICE <http://127.0.0.1:{port}/q> {{ ?s ?p ?o }} }}",
        r"PREFIX x: <http://x/> SELECT * WHERE { ?s x:a%23\# ?o } LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p '''x''' . sErViCe <http://localhost:{port}/q> {{ ?s ?p ?o }} }}",
    ]


def test_the_audit_bypasses_are_refused_and_nothing_is_fetched(server, listener):
    for q in payloads(listener.port):
        r = httpx.get(f"{server}/sparql", params={"query": q}, headers={"Accept": JSON_RESULTS})
        if "SERVICE" in q.upper():
            assert r.status_code == 403 and "SERVICE" in r.text, (q, r.status_code, r.text)
        else:
            assert r.status_code == 200, (q, r.text)  # an escaped name alone is an ordinary query
    time.sleep(0.3)
    assert listener.requests == []


def test_an_update_with_no_space_after_the_prefix_is_403(server):
    r = httpx.get(f"{server}/sparql", params={"query": "PREFIX x:<http://x/>INSERT DATA { x:a x:b x:c }"})
    assert r.status_code == 403 and "read-only" in r.text


def test_guard_reads_escaped_local_names_as_one_token():
    from kg_builder.server.guard import inspect, tokens

    toks = tokens(r"PREFIX x: <http://x/> SELECT * WHERE { ?s x:a\;\# ?o } # SERVICE")
    assert [t.text for t in toks if t.kind == "pname"] == ["x:", r"x:a\;\#"]
    assert not inspect(r"SELECT * WHERE { ?s <http://x/> 'SERVICE' } # SERVICE").uses_service
    assert not inspect('SELECT * WHERE { ?s ?p "x"@service . ?s service:x ?service }').uses_service
    assert inspect(r"SELECT * { ?s x:a\;\# ?o SERVICE <http://x/> {} }").uses_service
    assert inspect("PREFIX x:<http://x/>INSERT DATA { x:a x:b x:c }").is_update
    assert inspect("SELECT * FROM <http://x/> { ?s ?p ?o }").has_dataset_clause


# ---------------------------------------------------------------- beneath the guard: workers without network
def job(query: str):
    from kg_builder.server.workers import QueryJob

    return QueryJob(query=query, result_mime=JSON_RESULTS, graph_mime=None, result_format="JSON", graph_format=None)


def run_in_pool(out_dir, query: str, deny_network: bool):
    """The query sent to a real worker process, past the guard."""
    from kg_builder.server.workers import WorkerPool

    async def go():
        pool = WorkerPool(out_dir, 1, deny_network=deny_network)
        pool.start()
        try:
            return await pool.run(job(query), "test", 20)
        finally:
            pool.stop()

    return asyncio.run(go())


@pytest.mark.parametrize("silent", ["", "SILENT"])
def test_a_worker_cannot_fetch_even_when_the_guard_is_bypassed(built, listener, silent):
    q = f"SELECT * WHERE {{ SERVICE {silent} <http://127.0.0.1:{listener.port}/ssrf> {{ ?s ?p ?o }} }}"
    answer = run_in_pool(built[0].out_dir, q, deny_network=True)
    assert answer.network_denied is True
    if silent:
        assert answer.status == 200  # SILENT: the failed call gives no rows, and no request left
    else:
        assert answer.status == 403 and b"SERVICE" in answer.body, answer.body
    time.sleep(0.3)
    assert listener.requests == []


def test_a_worker_with_network_does_fetch_so_the_sandbox_is_what_stops_it(built, listener):
    q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/ssrf> {{ ?s ?p ?o }} }}"
    answer = run_in_pool(built[0].out_dir, q, deny_network=False)
    time.sleep(0.3)
    assert listener.requests and b"/ssrf" in listener.requests[0]
    # the remote failure is the query's problem: a 4xx with the reason, never a 500
    assert answer.status == 400 and b"could not be evaluated" in answer.body, answer.body


def test_the_sandbox_refuses_sockets_in_a_process(tmp_path, listener):
    code = f"""
import socket, sys
from kg_builder.server.sandbox import deny_network
assert deny_network()
a, b = socket.socketpair()  # local sockets still work
try:
    socket.create_connection(("127.0.0.1", {listener.port}), timeout=2)
except PermissionError:
    print("refused")
"""
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.stdout.strip() == "refused", out.stderr
    time.sleep(0.2)
    assert listener.requests == []


def test_evaluation_errors_are_4xx_never_500(server):
    for q in [
        "SELECT (TRIPLE(<a:a>,<a:b>,<a:c>) AS ?t) WHERE {}",
        "SELECT ?x WHERE { BIND(<<( <a:a> <a:b> <a:c> )>> AS ?x) }",
        "SELECT (1/0 AS ?x) WHERE {}",
        'SELECT (STRDT("x", <a:b>) AS ?x) WHERE {}',
    ]:
        r = httpx.get(f"{server}/sparql", params={"query": q}, headers={"Accept": JSON_RESULTS})
        assert r.status_code < 500, (q, r.status_code, r.text)
