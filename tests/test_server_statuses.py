"""Statuses and headers real clients rely on (audit G5, G6, G9), over real servers.

The session ``kg serve`` answers most; one server started through
:mod:`kg_builder.server.run` (uvicorn with the long-URL protocol, as ``kg serve`` starts it) answers the
GET query too long for the HTTP parser. Clients: httpx, SPARQLWrapper with
its defaults, rdflib following redirects.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from conftest import BASE, OKG
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID
from SPARQLWrapper import N3, SPARQLWrapper

JSON_RESULTS = "application/sparql-results+json"
BLITAR = f"{BASE}id/assessment/2024/kota-blitar"
TRIPLE_TERM = "SELECT (TRIPLE(<a:a>, <a:b>, <a:c>) AS ?t) ?n WHERE { VALUES ?n { 1 2 } }"


# ---------------------------------------------------------------- G5: unknown paths, HEAD, 304, triple terms
@pytest.mark.parametrize("path", ["/nope", "/favicon.ico", "/robots.txt", "/sparql/", "/.well-known/nope", "/download"])
def test_unknown_paths_are_404_with_vary(server, path):
    r = httpx.get(f"{server}{path}")
    assert r.status_code == 404, (path, r.status_code)
    assert "Accept" in r.headers.get("vary", "")
    html = httpx.get(f"{server}{path}", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert httpx.head(f"{server}{path}").status_code == 404
    assert httpx.put(f"{server}{path}", content=b"x").status_code == 403  # still read-only


def test_head_on_the_endpoint_is_like_get(server):
    get = httpx.get(f"{server}/sparql", headers={"Accept": "text/turtle"})
    head = httpx.head(f"{server}/sparql", headers={"Accept": "text/turtle"})
    assert get.status_code == head.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"] and head.content == b""
    q = httpx.head(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS})
    assert q.status_code == 200 and q.headers["content-type"].startswith(JSON_RESULTS)


def test_if_none_match_on_an_unknown_document_is_404(server):
    known = httpx.get(f"{server}/doc/entity/kab-jember", headers={"Accept": "text/turtle"})
    tag = known.headers["etag"]
    assert httpx.get(f"{server}/doc/entity/kab-jember", headers={"Accept": "text/turtle", "If-None-Match": tag}
                     ).status_code == 304
    for header in (tag, "*"):
        for path in ("/doc/entity/nope", "/doc/entity/nope.ttl", "/def/nope"):
            r = httpx.get(f"{server}{path}", headers={"Accept": "text/turtle", "If-None-Match": header})
            assert r.status_code == 404, (path, header, r.status_code)


@pytest.mark.parametrize("accept", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_triple_terms_in_every_result_format(server, accept):
    r = httpx.get(f"{server}/sparql", params={"query": TRIPLE_TERM}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    if accept == JSON_RESULTS:
        t = r.json()["results"]["bindings"][0]["t"]
        assert t["type"] == "triple" and t["value"]["object"]["value"] == "a:c"
    elif accept == "text/tab-separated-values":
        assert "<<( <a:a> <a:b> <a:c> )>>" in r.text
    else:
        assert "a:c" in r.text


def test_virtual_iris_of_the_void_dereference(server):
    void = Graph().parse(data=httpx.get(f"{server}/.well-known/void", headers={"Accept": "text/turtle"}).text,
                         format="turtle")
    dataset = URIRef(f"{BASE}id/dataset/okg")
    assert (dataset, RDF.type, VOID.Dataset) in void
    root = void.value(dataset, VOID.rootResource)
    assert str(root) == f"{BASE}id/assessment"
    r = httpx.get(f"{server}/id/assessment", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/doc/assessment"
    g = Graph().parse(f"{server}/id/assessment")  # rdflib follows the 303
    members = set(g.objects(URIRef(root), URIRef("http://www.w3.org/ns/prov#hadMember")))
    assert URIRef(f"{BASE}id/assessment/2023") in members and URIRef(f"{BASE}id/assessment/2024") in members
    html = httpx.get(f"{server}/doc/assessment", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "id/assessment/2023" in html.text
    r = httpx.get(f"{server}/id/dataset/okg", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/.well-known/void"
    d = Graph().parse(f"{server}/id/dataset/okg")
    assert (URIRef(dataset), RDF.type, VOID.Dataset) in d


# ---------------------------------------------------------------- G6: real clients' defaults
def test_sparqlwrapper_default_construct_is_rdf_xml(server):
    w = SPARQLWrapper(f"{server}/sparql")  # return format XML: format=xml, output=xml, Accept rdf+xml
    w.setQuery(f"CONSTRUCT {{ <{BLITAR}> ?p ?o }} WHERE {{ <{BLITAR}> ?p ?o }}")
    result = w.query()
    assert result.response.headers["content-type"].startswith("application/rdf+xml")
    g = result.convert()
    assert float(g.value(URIRef(BLITAR), URIRef(OKG + "score"))) == 98.19
    select = SPARQLWrapper(f"{server}/sparql")  # the same default on SELECT: SPARQL XML results
    select.setQuery(f"SELECT ?s WHERE {{ <{BLITAR}> <{OKG}score> ?s }}")
    assert "98.19" in select.query().convert().toxml()


def test_n3_is_served_as_turtle(server):
    q = f"CONSTRUCT {{ <{BLITAR}> ?p ?o }} WHERE {{ <{BLITAR}> ?p ?o }}"
    w = SPARQLWrapper(f"{server}/sparql")
    w.setQuery(q)
    w.setReturnFormat(N3)
    g = Graph().parse(data=w.query().convert(), format="n3")
    assert (URIRef(BLITAR), URIRef(OKG + "score"), Literal("98.19", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#decimal"))) in g
    for accept in ("text/n3", "text/rdf+n3"):
        r = httpx.get(f"{server}/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        assert len(Graph().parse(data=r.text, format="n3")) == len(g)
    doc = httpx.get(f"{server}/doc/assessment/2024/kota-blitar", headers={"Accept": "text/n3"})
    assert doc.status_code == 200 and doc.headers["content-type"].startswith("text/n3")


def test_format_names_suit_every_query_form(server):
    construct = f"CONSTRUCT WHERE {{ <{BLITAR}> ?p ?o }}"
    select = f"SELECT ?p WHERE {{ <{BLITAR}> ?p ?o }}"
    cases = [(construct, "xml", "application/rdf+xml"), (construct, "json", "application/ld+json"),
             (select, "xml", "application/sparql-results+xml"), (select, "json", JSON_RESULTS),
             (construct, "n3", "text/n3")]
    for query, fmt, mime in cases:
        r = httpx.get(f"{server}/sparql", params={"query": query, "format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(mime), (fmt, r.status_code, r.text[:200])
        o = httpx.get(f"{server}/sparql", params={"query": query, "output": fmt})  # Fuseki's name for it
        assert o.headers["content-type"].startswith(mime)


# ---------------------------------------------------------------- G9: headers and charsets
def test_content_location_is_a_valid_uri(server):
    r = httpx.get(f"{server}/def/okg%23Claim", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    location = r.headers["content-location"]
    assert "#" not in location and location == "/def/okg%23Claim.ttl"
    assert httpx.get(f"{server}{location}").status_code == 200
    for link in r.headers["link"].split(","):
        assert "#" not in link.split(";")[0]


def test_the_303_keeps_the_format_parameter(server):
    r = httpx.get(f"{server}/id/assessment/2024/kota-blitar", params={"format": "jsonld"})
    assert r.status_code == 303 and urlsplit(r.headers["location"]).query == "format=jsonld"
    followed = httpx.get(f"{server}/id/assessment/2024/kota-blitar", params={"format": "jsonld"}, follow_redirects=True)
    assert followed.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize("charset,status", [("latin-1", 415), ("ISO-8859-1", 415), ("utf-16", 415),
                                            ("utf-8", 200), ("UTF-8", 200), ('"utf-8"', 200), ("us-ascii", 200)])
def test_charset_of_a_direct_post(server, charset, status):
    body = 'SELECT ?x WHERE { BIND("é" AS ?x) }'.encode("utf-8" if status == 200 else "latin-1")
    if charset == "us-ascii":
        body = b"ASK {}"
    r = httpx.post(f"{server}/sparql", content=body, headers={
        "Content-Type": f"application/sparql-query; charset={charset}", "Accept": JSON_RESULTS})
    assert r.status_code == status, (charset, r.status_code, r.text)
    if status == 415:
        assert "UTF-8" in r.text


# ---------------------------------------------------------------- G5: a GET too long for the HTTP parser
@pytest.mark.parametrize("size", [66_000, 90_000, 99_000])
def test_a_get_query_too_long_for_the_url_is_414_with_advice(server, size):
    query = "ASK {} #" + "x" * size
    host, port = urlsplit(server).hostname, urlsplit(server).port
    conn = http.client.HTTPConnection(host, port, timeout=30)  # httpx itself refuses URLs this long
    try:
        conn.request("GET", "/sparql?" + urlencode({"query": query}))
        r = conn.getresponse()
        text = r.read().decode()
        assert r.status == 414, (r.status, text)
        assert "POST" in text and "65535" in text
        conn.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}))  # the same connection goes on
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert httpx.post(f"{server}/sparql", content=query.encode(),
                      headers={"Content-Type": "application/sparql-query"}).status_code == 200
