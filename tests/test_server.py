"""The SPARQL endpoint over a real uvicorn server: protocol, formats, negotiation, safety, limits.

Two servers: the session ``server`` (default settings) and ``limited`` (a
2-second time limit, 2 workers, small caps, its own query catalogue), both
real ``kg serve`` processes on the session build.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from conftest import BASE, OKG, PREFIXES, Listener, start_server, stop
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TURTLE, XML, SPARQLWrapper

BLITAR = f"{BASE}id/assessment/2024/kota-blitar"
SCORES = PREFIXES + "SELECT ?r ?s WHERE { ?r a okg:AssessmentResult ; okg:score ?s } ORDER BY ?r"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CATALOGUE_QUERY = """# Skor hasil penilaian
# Semua hasil yang punya nilai, untuk uji katalog.
PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
SELECT ?hasil ?nilai WHERE { ?hasil a okg:AssessmentResult ; okg:score ?nilai } ORDER BY DESC(?nilai)
"""


@pytest.fixture(scope="module")
def limited(built, tmp_path_factory):
    queries = tmp_path_factory.mktemp("queries")
    (queries / "skor.rq").write_text(CATALOGUE_QUERY, encoding="utf-8")
    proc, url = start_server(built[0].out_dir, "--queries", str(queries), env={
        "KG_QUERY_TIMEOUT": "2", "KG_QUERY_WORKERS": "2", "KG_MAX_RESULT_ROWS": "50", "KG_MAX_QUERY_BYTES": "4000"})
    yield url
    stop(proc)


def get(server: str, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(f"{server}/sparql", params={"query": query, **params}, headers=headers, timeout=30)


def count_triples(server: str) -> int:
    r = get(server, COUNT, "application/sparql-results+json")
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- results formats
def test_select_in_all_four_result_formats_agrees(server):
    j = get(server, SCORES, "application/sparql-results+json")
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/sparql-results+json")
    expected = [(b["r"]["value"], b["s"]["value"]) for b in j.json()["results"]["bindings"]]
    assert (BLITAR, "98.19") in expected and len(expected) >= 5

    x = get(server, SCORES, "application/sparql-results+xml")
    assert x.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    rows = ET.fromstring(x.content).findall(".//s:result", ns)
    assert [(r.find("s:binding[@name='r']/s:uri", ns).text, r.find("s:binding[@name='s']/s:literal", ns).text)
            for r in rows] == expected

    c = get(server, SCORES, "text/csv")
    assert c.headers["content-type"].startswith("text/csv")
    assert [(row["r"], row["s"]) for row in csv.DictReader(io.StringIO(c.text))] == expected

    t = get(server, SCORES, "text/tab-separated-values")
    lines = t.text.strip().split("\n")
    assert lines[0] == "?r\t?s" and len(lines) == len(expected) + 1
    assert f"<{BLITAR}>\t" in t.text


def test_ask_true_and_false(server):
    yes = get(server, f"ASK {{ <{BLITAR}> ?p ?o }}", "application/sparql-results+json")
    no = get(server, f"ASK {{ <{BASE}id/entity/tidak-ada> ?p ?o }}", "application/sparql-results+json")
    assert yes.json()["boolean"] is True and no.json()["boolean"] is False


@pytest.mark.parametrize("mime,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/n-quads", "nquads"), ("application/trig", "trig"),
])
def test_construct_in_every_graph_format_is_the_same_graph(server, mime, rdflib_format):
    q = f"CONSTRUCT {{ <{BLITAR}> ?p ?o }} WHERE {{ <{BLITAR}> ?p ?o }}"
    reference = Graph().parse(data=get(server, q, "application/n-triples").text, format="nt")
    assert len(reference) >= 3
    r = get(server, q, mime)
    assert r.status_code == 200 and r.headers["content-type"].startswith(mime)
    if rdflib_format in ("nquads", "trig"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=r.text, format=rdflib_format)
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
    else:
        g = Graph().parse(data=r.text, format=rdflib_format)
    assert isomorphic(g, reference)


def test_describe_returns_the_resource(server):
    r = get(server, f"DESCRIBE <{BLITAR}>", "text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert float(g.value(URIRef(BLITAR), URIRef(OKG + "score"))) == 98.19


# ---------------------------------------------------------------- negotiation
def test_q_values_choose_and_q0_excludes(server):
    r = get(server, SCORES, "text/csv;q=0, application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5")
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    assert "Accept" in r.headers["vary"]
    r = get(server, SCORES, "text/*;q=0.8, text/csv;q=0")
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    assert get(server, SCORES, "text/csv;q=0").status_code == 406


def test_format_parameter_overrides_accept(server):
    r = get(server, SCORES, "application/sparql-results+xml", format="csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert get(server, SCORES, None, format="nonsense").status_code == 400


def test_nothing_acceptable_is_406(server):
    assert get(server, SCORES, "image/png").status_code == 406
    assert get(server, f"CONSTRUCT WHERE {{ <{BLITAR}> ?p ?o }}", "application/sparql-results+json").status_code == 406


# ---------------------------------------------------------------- protocol operations and dataset
def test_post_form_and_post_direct(server):
    direct = httpx.post(f"{server}/sparql", content=SCORES.encode(), headers={
        "Content-Type": "application/sparql-query; charset=utf-8", "Accept": "application/sparql-results+json"})
    form = httpx.post(f"{server}/sparql", data={"query": SCORES}, headers={"Accept": "application/sparql-results+json"})
    assert direct.status_code == form.status_code == 200
    assert direct.json() == form.json() == get(server, SCORES, "application/sparql-results+json").json()


def test_default_graph_is_the_union_and_dataset_parameters_narrow_it(server):
    union = count_triples(server)
    claims = get(server, COUNT, "application/sparql-results+json", **{"default-graph-uri": f"{BASE}graph/claims"})
    n_claims = int(claims.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_claims < union
    from_clause = get(server, f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/claims> WHERE {{ ?s ?p ?o }}",
                      "application/sparql-results+json")
    assert int(from_clause.json()["results"]["bindings"][0]["n"]["value"]) == n_claims
    named = httpx.get(f"{server}/sparql", params=[
        ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", f"{BASE}graph/reference")],
        headers={"Accept": "application/sparql-results+json"})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [f"{BASE}graph/reference"]


# ---------------------------------------------------------------- errors are 4xx with a message
def test_syntax_error_is_400_with_a_message(server):
    r = get(server, "SELEKT * WHERE { ?s ?p ?o }")
    assert r.status_code == 400 and "syntax" in r.text.lower()


def test_repeated_query_parameter_is_400(server):
    r = httpx.get(f"{server}/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400 and "more than one" in r.text
    r = httpx.post(f"{server}/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert r.status_code == 400


def test_body_that_is_not_utf8_is_400(server):
    r = httpx.post(f"{server}/sparql", content=b"ASK { \xff\xfe }", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "UTF-8" in r.text
    r = httpx.post(f"{server}/sparql", content=b"query=ASK%20%7B%ff%7D", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_unknown_content_type_is_415(server):
    r = httpx.post(f"{server}/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = httpx.post(f"{server}/sparql", content=b"ASK {}")
    assert r.status_code == 415


MALFORMED = [
    ("GET", "/sparql?query=", None, None),
    ("GET", "/sparql?query=%00%01", None, None),
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B", None, None),
    ("GET", "/sparql?query=%E0%A4%A", None, None),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, None),
    ("GET", "/sparql?query=ASK%7B%7D&format=", None, None),
    ("GET", "/sparql?query=SELECT%20(1%2F0%20AS%20%3Fx)%20%7B%7D", None, None),
    ("POST", "/sparql", b"\x00\x01\x02", "application/sparql-query"),
    ("POST", "/sparql", b"query", "application/x-www-form-urlencoded"),
    ("POST", "/sparql", b"", "application/sparql-query"),
    ("POST", "/sparql", b"{}", "application/json"),
    ("GET", "/sparql?query=ASK%7B%7D", None, None, ),
    ("GET", "/doc/%00", None, None),
    ("GET", "/doc/entity/%3Cscript%3E", None, None),
    ("GET", "/id/", None, None),
    ("GET", "/id/entity/a%20b", None, None),
    ("GET", "/def/zone/%FF", None, None),
    ("GET", "/doc/entity/kab-jember.exe", None, None),
    ("GET", "/download/../../etc/passwd", None, None),
    ("GET", "/query?name=%00", None, None),
    ("GET", "/query?query=SELECT", None, None),
    ("GET", "/.well-known/void?format=zzz", None, None),
]


@pytest.mark.parametrize("method,path,body,ctype", MALFORMED)
def test_malformed_inputs_get_4xx_never_500(server, method, path, body, ctype):
    headers = {"Content-Type": ctype} if ctype else {}
    r = httpx.request(method, f"{server}{path}", content=body, headers=headers, timeout=30)
    assert r.status_code < 500, (path, r.status_code, r.text)
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_odd_headers_never_500(server):
    for accept in ["", ";;;", "*/*;q=abc", "text/turtle;q=2", "application/sparql-results+json;q=-1, */*;q=0.1"]:
        r = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Accept": accept})
        assert r.status_code in (200, 406), (accept, r.status_code)


# ---------------------------------------------------------------- read-only, SERVICE
UPDATE = f'PREFIX okg: <{OKG}> INSERT DATA {{ GRAPH <{BASE}graph/claims> {{ <{BLITAR}> okg:score 1.0 }} }}'


def test_updates_are_refused_on_every_route_and_nothing_changes(server):
    before = count_triples(server)
    attempts = [
        httpx.post(f"{server}/sparql", data={"update": UPDATE}),
        httpx.post(f"{server}/sparql", content=UPDATE.encode(), headers={"Content-Type": "application/sparql-update"}),
        httpx.get(f"{server}/sparql", params={"update": UPDATE}),
        httpx.get(f"{server}/sparql", params={"query": UPDATE}),
        httpx.post(f"{server}/sparql", data={"query": UPDATE}),
        httpx.post(f"{server}/sparql", content=UPDATE.encode(), headers={"Content-Type": "application/sparql-query"}),
        httpx.get(f"{server}/sparql", params={"query": "# a comment\nPREFIX x: <http://x/>\n  DROP ALL"}),
        httpx.get(f"{server}/sparql", params={"query": "CLEAR DEFAULT"}),
        httpx.get(f"{server}/sparql", params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        httpx.get(f"{server}/query", params={"query": UPDATE}),
        httpx.put(f"{server}/doc/assessment/2024/kota-blitar", content=b"<a> <b> <c> .", headers={"Content-Type": "text/turtle"}),
        httpx.delete(f"{server}/doc/assessment/2024/kota-blitar"),
        httpx.post(f"{server}/doc/assessment/2024/kota-blitar", content=b"<a> <b> <c> .", headers={"Content-Type": "text/turtle"}),
    ]
    assert [a.status_code for a in attempts] == [403] * len(attempts), [(a.request.url, a.status_code) for a in attempts]
    assert all("read-only" in a.text for a in attempts)
    assert count_triples(server) == before
    scores = get(server, f"SELECT ?s WHERE {{ <{BLITAR}> <{OKG}score> ?s }}", "application/sparql-results+json")
    assert [b["s"]["value"] for b in scores.json()["results"]["bindings"]] == ["98.19"]


def test_service_is_refused_and_nothing_is_fetched(server):
    listener = Listener()
    try:
        for q in [
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<http://127.0.0.1:{listener.port}/> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        ]:
            r = get(server, q)
            assert r.status_code == 403 and "SERVICE" in r.text, q
        time.sleep(0.3)
        assert listener.requests == []
    finally:
        listener.close()
    # the word in a string, a comment or a variable name is not the keyword
    ok = get(server, 'SELECT ?service WHERE { BIND("SERVICE <http://x/> {}" AS ?service) } # SERVICE',
             "application/sparql-results+json")
    assert ok.status_code == 200


# ---------------------------------------------------------------- limits
def test_endless_query_is_stopped_at_the_limit_while_another_client_is_answered(limited):
    outcome: dict[str, object] = {}

    def heavy() -> None:
        started = time.monotonic()
        r = httpx.get(f"{limited}/sparql", params={"query": ENDLESS}, timeout=60)
        outcome["heavy"] = (r.status_code, r.text, time.monotonic() - started)

    t = threading.Thread(target=heavy)
    t.start()
    time.sleep(0.5)
    quick_started = time.monotonic()
    # another client: another loopback address (one address may hold only its share of the workers)
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as other:
        quick = other.get(f"{limited}/sparql", params={"query": f"ASK {{ <{BLITAR}> ?p ?o }}"},
                          headers={"Accept": "application/sparql-results+json"})
    quick_took = time.monotonic() - quick_started
    heavy_still_running = t.is_alive()
    t.join(timeout=60)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert heavy_still_running and quick_took < 1.5, quick_took  # answered while the heavy query ran
    status, text, took = outcome["heavy"]
    assert status == 503 and "limit of 2 s" in text
    assert 1.8 <= took < 8, took
    # the killed worker was replaced: the server keeps answering, and says so in /metrics
    assert get(limited, "ASK {}", "application/sparql-results+json").status_code == 200
    metrics = httpx.get(f"{limited}/metrics").text
    assert "kg_query_timeouts_total 1" in metrics or "kg_query_timeouts_total 2" in metrics
    assert 'kg_sparql_queries_total{outcome="timeout"}' in metrics


def test_too_many_rows_is_413(limited):
    r = get(limited, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert r.status_code == 413 and "50 rows" in r.text
    r = get(limited, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert r.status_code == 413
    assert get(limited, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 50", "text/csv").status_code == 200


def test_too_large_query_is_413(limited):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    assert get(limited, big).status_code == 413
    r = httpx.post(f"{limited}/sparql", content=big.encode() * 10, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


# ---------------------------------------------------------------- real clients
def wrapper(server: str, query: str, fmt: str) -> SPARQLWrapper:
    w = SPARQLWrapper(f"{server}/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    return w


def test_sparqlwrapper_select_ask_construct(server):
    rows = wrapper(server, SCORES, JSON).query().convert()["results"]["bindings"]
    assert any(r["r"]["value"] == BLITAR and r["s"]["value"] == "98.19" for r in rows)
    xml_doc = wrapper(server, SCORES, XML).query().convert()
    assert BLITAR in xml_doc.toxml()
    csv_text = wrapper(server, SCORES, CSV).query().convert().decode()
    assert f"{BLITAR},98.19" in csv_text
    assert wrapper(server, f"ASK {{ <{BLITAR}> ?p ?o }}", JSON).query().convert()["boolean"] is True
    construct = f"CONSTRUCT {{ <{BLITAR}> ?p ?o }} WHERE {{ <{BLITAR}> ?p ?o }}"
    graphs = []
    for fmt in (TURTLE, RDFXML, JSONLD):
        result = wrapper(server, construct, fmt).query().convert()
        g = result if isinstance(result, Graph) else Graph().parse(data=result, format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
        assert float(g.value(URIRef(BLITAR), URIRef(OKG + "score"))) == 98.19
        graphs.append(g)
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


def test_sparqlwrapper_post(server):
    w = wrapper(server, SCORES, JSON)
    w.setMethod("POST")
    assert len(w.query().convert()["results"]["bindings"]) >= 5


# ---------------------------------------------------------------- service description, CORS, metrics, OpenAPI
def test_service_description_formats_and_examples(limited):
    ttl = httpx.get(f"{limited}/sparql", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    svc = URIRef(f"{limited}/sparql")
    assert (svc, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    assert (svc, URIRef(sd + "feature"), URIRef(sd + "BasicFederatedQuery")) not in g
    names = {str(o) for o in g.objects(None, URIRef(sd + "name"))}
    assert {f"{BASE}graph/claims", f"{BASE}graph/reference", f"{BASE}graph/consolidated"} <= names
    selects = [str(o) for o in g.objects(None, URIRef("http://www.w3.org/ns/shacl#select"))]
    assert selects == [CATALOGUE_QUERY]
    assert "union" in ttl.text
    jsonld = httpx.get(f"{limited}/sparql", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.text, format="json-ld"), g)
    html = httpx.get(f"{limited}/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.headers["content-type"].startswith("text/html") and "Skor hasil penilaian" in html.text


def test_cors_for_every_origin_with_preflight(server):
    r = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = httpx.get(f"{server}/doc/entity/kab-jember", headers={"Origin": "https://peneliti.example", "Accept": "text/turtle"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = httpx.options(f"{server}/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "content-type" in pre.headers["access-control-allow-headers"].lower()


def test_metrics_are_prometheus_text(server):
    get(server, "ASK {}")
    r = httpx.get(f"{server}/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = [line for line in r.text.splitlines() if line and not line.startswith("#")]
    for line in lines:
        name_labels, value = line.rsplit(" ", 1)
        float(value)
    assert any(line.startswith('kg_http_requests_total{method="GET",route="/sparql",status="200"}') for line in lines)
    assert any(line.startswith("kg_build_info{") for line in lines)
    assert "# TYPE kg_http_request_seconds histogram" in r.text


def test_openapi_document(server):
    doc = httpx.get(f"{server}/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/sparql", "/doc/{path}", "/id/{path}", "/def/{path}", "/.well-known/void", "/metrics"} <= set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/sparql"]["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= params


def test_healthz_names_the_build(server, built):
    r = httpx.get(f"{server}/healthz")
    build_id = (built[0].out_dir / "build-id").read_text().strip()
    assert r.text.strip() == f"ok {build_id}"


def test_results_are_json_parseable_for_unicode(server):
    r = get(server, 'SELECT ?x WHERE { BIND("Kabupaten Jember — ‘peringkat’ é" AS ?x) }', "application/sparql-results+json")
    assert json.loads(r.content)["results"]["bindings"][0]["x"]["value"] == "Kabupaten Jember — ‘peringkat’ é"
