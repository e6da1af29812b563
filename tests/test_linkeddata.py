"""Linked Data over a real server: /id 303 /doc, formats by Accept and extension, 404, ETag/304, gzip, /def.

The session build uses the default base (https://w3id.org/kepatuhan-kg/);
the server answers for every IRI under the base by its path, at the root
(``/id/...``) and under the base path (``/kepatuhan-kg/id/...``). rdflib is
pointed at the server's URL of an IRI and follows the 303 itself.
"""

from __future__ import annotations

import gzip

import httpx
import pytest
from conftest import BASE, OKG
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
K = Namespace(OKG)
JEMBER = f"{BASE}id/entity/kab-jember"
JEMBER_2023 = f"{BASE}id/assessment/2023/kab-jember"
FORMATS = {".ttl": ("text/turtle", "turtle"), ".jsonld": ("application/ld+json", "json-ld"),
           ".nt": ("application/n-triples", "nt"), ".rdf": ("application/rdf+xml", "xml")}


def local(server: str, iri: str) -> str:
    """The server's URL for an IRI under the base."""
    assert iri.startswith(BASE)
    return f"{server}/{iri[len(BASE):]}"


def vary(r: httpx.Response) -> set[str]:
    return {v.strip() for v in r.headers.get("vary", "").split(",") if v.strip()}


def test_id_answers_303_to_doc(server):
    r = httpx.get(local(server, JEMBER), headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/doc/entity/kab-jember"


def test_rdflib_parse_follows_the_303(server):
    g = Graph().parse(local(server, JEMBER))
    assert (URIRef(JEMBER), URIRef(OKG + "kodeWilayah"), Literal("35.09")) in g
    # the entity's document brings its results
    assert (URIRef(JEMBER_2023), K.assessedEntity, URIRef(JEMBER)) in g


def test_result_document_carries_its_claims_with_quotes(server):
    g = Graph().parse(local(server, JEMBER_2023))
    claims = set(g.subjects(K.aboutResult, URIRef(JEMBER_2023)))
    assert len(claims) >= 3
    quotes = {str(q) for c in claims for span in g.objects(c, K.evidence)
              for sel in g.objects(span, OA.hasSelector) for q in g.objects(sel, OA.exact)}
    assert "Jember peringkat empat" in quotes
    positions = [(int(s), int(e)) for c in claims for span in g.objects(c, K.evidence)
                 for sel in g.objects(span, OA.hasSelector)
                 for s in g.objects(sel, OA.start) for e in g.objects(sel, OA.end)]
    assert positions and all(e > s for s, e in positions)


def test_article_document_carries_its_claims_and_spans(server):
    g = Graph().parse(local(server, JEMBER_2023))
    article = next(iter(g.objects(next(iter(g.subjects(K.aboutResult, URIRef(JEMBER_2023)))), PROV.wasDerivedFrom)))
    a = Graph().parse(local(server, str(article)))
    claims = set(a.subjects(PROV.wasDerivedFrom, article))
    spans = set(a.subjects(OA.hasSource, article))
    assert len(claims) >= 4 and len(spans) >= 4
    assert all(str(s).startswith(str(article) + "#char=") for s in spans)
    assert any(a.objects(sel, OA.exact) for s in spans for sel in a.objects(s, OA.hasSelector))


@pytest.mark.parametrize("ext", list(FORMATS))
def test_formats_by_extension_and_by_accept_are_the_same_graph(server, ext):
    mime, fmt = FORMATS[ext]
    by_ext = httpx.get(f"{server}/doc/assessment/2023/kab-jember{ext}")
    by_accept = httpx.get(f"{server}/doc/assessment/2023/kab-jember", headers={"Accept": mime})
    assert by_ext.status_code == by_accept.status_code == 200
    assert by_ext.headers["content-type"].startswith(mime) and by_accept.headers["content-type"].startswith(mime)
    assert "Accept" not in vary(by_ext) and "Accept" in vary(by_accept)
    assert by_accept.headers["content-location"] == f"/doc/assessment/2023/kab-jember{ext}"
    g1 = Graph().parse(data=by_ext.text, format=fmt)
    g2 = Graph().parse(data=by_accept.text, format=fmt)
    ref = Graph().parse(data=httpx.get(f"{server}/doc/assessment/2023/kab-jember.nt").text, format="nt")
    assert isomorphic(g1, ref) and isomorphic(g2, ref) and len(ref) > 20


def test_html_by_accept_and_by_extension(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = httpx.get(local(server, JEMBER), headers={"Accept": browser}, follow_redirects=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Pemerintah Kabupaten Jember" in r.text
    assert httpx.get(f"{server}/doc/entity/kab-jember.html").text == r.text


def test_unknown_iri_is_404(server):
    assert httpx.get(f"{server}/id/entity/kab-tidak-ada").status_code == 404
    assert httpx.get(f"{server}/doc/entity/kab-tidak-ada.ttl").status_code == 404
    assert httpx.get(f"{server}/def/zone/ungu").status_code == 404
    html = httpx.get(f"{server}/doc/entity/kab-tidak-ada", headers={"Accept": "text/html"})
    assert html.status_code == 404 and "kab-tidak-ada" in html.text


def test_etag_from_the_build_and_304(server, built):
    build_id = (built[0].out_dir / "build-id").read_text().strip()
    url = f"{server}/doc/entity/kab-jember"
    r = httpx.get(url, headers={"Accept": "text/turtle"})
    tag = r.headers["etag"]
    assert build_id.split("-")[0] in tag
    again = httpx.get(url, headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    other = httpx.get(url, headers={"Accept": "application/ld+json", "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag
    stale = httpx.get(url, headers={"Accept": "text/turtle", "If-None-Match": 'W/"an-older-build"'})
    assert stale.status_code == 200


def test_gzip_when_accepted(server):
    raw = httpx.get(f"{server}/doc/assessment/2023/kab-jember.nt", headers={"Accept-Encoding": "identity"})
    with httpx.Client() as client:
        z = client.get(f"{server}/doc/assessment/2023/kab-jember.nt", headers={"Accept-Encoding": "gzip"})
        assert z.headers["content-encoding"] == "gzip"
        assert z.text == raw.text  # httpx decompressed it
    stream = httpx.get(f"{server}/doc/assessment/2023/kab-jember.nt", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" in stream.headers
    assert len(raw.content) > 1000


def test_ontology_and_schemes_under_def(server):
    g = Graph().parse(f"{server}/def/okg", format="turtle")
    assert (URIRef(OKG + "UnitResult"), URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef(OKG + "AssessmentResult")) in g
    html = httpx.get(f"{server}/def/okg", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "UnitResult" in html.text
    zone = Graph().parse(f"{server}/def/zone.ttl", format="turtle")
    concepts = {str(c) for c in zone.subjects(None, SKOS.Concept)}
    assert {f"{BASE}def/zone/hijau", f"{BASE}def/zone/kuning", f"{BASE}def/zone/merah"} <= concepts
    hijau = httpx.get(f"{server}/def/zone/hijau", headers={"Accept": "text/turtle"})
    assert hijau.status_code == 200 and "zone/hijau" in hijau.text


def test_named_graph_iris_dereference(server):
    g = Graph().parse(f"{server}/graph/claims.ttl", format="turtle")
    size = g.value(URIRef(f"{BASE}graph/claims"), URIRef("http://rdfs.org/ns/void#triples"))
    assert size is not None and int(size) > 100


def test_the_base_path_is_served_too(server):
    r = httpx.get(f"{server}/kepatuhan-kg/id/entity/kab-jember")
    assert r.status_code == 303 and r.headers["location"] == "/kepatuhan-kg/doc/entity/kab-jember"
    g = Graph().parse(f"{server}/kepatuhan-kg/id/entity/kab-jember")
    assert (URIRef(JEMBER), URIRef(OKG + "kodeWilayah"), Literal("35.09")) in g


def test_every_iri_under_the_base_dereferences(server, built):
    """Crawl: each IRI the build mentions under id/, def/ or graph/ answers 200 with triples about it."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(built[0].out_dir / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    iris: set[str] = set()
    for q in quads:
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and "#" not in term.value:
                iris.add(term.value)
    entities = sorted(i for i in iris if i.startswith(f"{BASE}id/entity/"))
    sample = sorted(i for i in iris if not i.startswith(f"{BASE}id/entity/")) + entities[:: max(1, len(entities) // 60)]
    assert len(sample) > 100
    failures = []
    with httpx.Client(base_url=server, follow_redirects=True, headers={"Accept": "application/n-triples"}) as client:
        for iri in sample:
            r = client.get("/" + iri[len(BASE):])
            if r.status_code != 200 or f"<{iri}>" not in r.text:
                failures.append((iri, r.status_code))
    assert not failures, failures[:10]


def test_void_with_statistics_and_examples(server):
    r = httpx.get(f"{server}/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    VOID = Namespace("http://rdfs.org/ns/void#")
    DCAT = Namespace("http://www.w3.org/ns/dcat#")
    ds = URIRef(f"{BASE}id/dataset/okg")
    assert int(g.value(ds, VOID.triples)) > 1000
    assert int(g.value(ds, VOID.classes)) > 5
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(f"{server}/sparql")
    examples = list(g.objects(ds, VOID.exampleResource))
    assert examples and all(httpx.get(local(server, str(e))).status_code == 303 for e in examples)
    dumps = {str(d) for d in g.objects(ds, VOID.dataDump)}
    assert f"{server}/download/kg.nq.gz" in dumps
    assert (URIRef(f"{server}/sparql"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), DCAT.DataService) in g
    assert len(list(g.objects(ds, DCAT.distribution))) >= 3


def test_downloads(server, built):
    nq = (built[0].out_dir / "kg.nq").read_bytes()
    z = httpx.get(f"{server}/download/kg.nq.gz")
    assert z.status_code == 200 and z.headers["content-type"] == "application/gzip"
    assert gzip.decompress(z.content) == nq
    ttl = httpx.get(f"{server}/download/kg.ttl")
    g = Graph().parse(data=ttl.text, format="turtle")
    import pyoxigraph as ox

    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS)}
    assert len(g) == len(triples)
    tag = z.headers["etag"]
    assert httpx.get(f"{server}/download/kg.nq.gz", headers={"If-None-Match": tag}).status_code == 304
    index = httpx.get(f"{server}/download/")
    assert index.status_code == 200 and "kg.nq.gz" in index.text
    assert httpx.get(f"{server}/download/secret.txt").status_code == 404
