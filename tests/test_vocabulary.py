"""The ontology's HTML documentation (kg_builder.vocabulary)."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import OKG, ROOT
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from kg_builder.vocabulary import render_html


def vocab() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.ids |= {v for k, v in attrs if k == "id" and v}
        self.scripts += tag == "script"


def test_every_term_and_concept_has_its_section_with_both_labels():
    g = vocab()
    page = render_html(g)
    parser = Ids()
    parser.feed(page)
    terms = {s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in g.subjects(RDF.type, t) if str(s).startswith(OKG)}
    assert len(terms) > 60
    assert {"okg:" + str(t)[len(OKG):] for t in terms} <= parser.ids
    assert parser.scripts == 0
    assert "Klaim nilai" in page and "Score claim" in page          # okg:ScoreClaim in both languages
    assert "Zona Hijau" in page and "Green zone" in page            # a concept
    assert 'id="scheme-zone"' in page and 'id="scheme-opinion-2025"' in page


def test_labels_are_escaped():
    g = vocab()
    g.add((URIRef(OKG + "Evil"), RDF.type, OWL.Class))
    g.add((URIRef(OKG + "Evil"), RDFS.label, Literal("<script>alert(1)</script>", lang="en")))
    g.add((URIRef(OKG + "Evil"), SKOS.definition, Literal("a & b", lang="en")))
    page = render_html(g)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a &amp; b" in page


def test_the_page_names_the_creators_and_dates():
    page = render_html(vocab())
    assert "<dt>creators</dt><dd>Kepatuhan KG developers</dd>" in page
    assert "<dt>modified</dt>" in page and "<dt>created</dt>" in page


def test_the_page_served_at_def_okg_documents_the_schemes_and_names_the_creators(server):
    """The server hands the page the ontology's own triples; the schemes (def/zone, def/opinion, ...) come from the store."""
    import httpx

    r = httpx.get(f"{server}/def/okg", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    parser = Ids()
    parser.feed(page)
    assert "<dt>creators</dt><dd>Kepatuhan KG developers</dd>" in page
    g = vocab()
    schemes = {str(s).rsplit("/", 1)[-1] for s in g.subjects(RDF.type, SKOS.ConceptScheme)}
    assert len(schemes) >= 14 and {f"scheme-{s}" for s in schemes} <= parser.ids
    concepts = {str(c)[len("https://w3id.org/kepatuhan-kg/def/"):] for c in g.subjects(RDF.type, SKOS.Concept)}
    assert concepts <= parser.ids                                     # every concept has its section
    assert "okg:ScoreClaim" in parser.ids and "Zona Hijau" in page and "Green zone" in page
    assert 'href="https://radarsumbar.com/sumbar/146401/' in page      # a concept's dct:source, linked
    assert "Not attested: no source found names this opinion." in page  # the placeholders say what they are
