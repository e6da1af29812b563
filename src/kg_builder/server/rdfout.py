"""Writing RDF documents: triples in the negotiated format, with the project's prefixes.

Linked Data documents, the Service Description and the VoID description all
leave the server through :func:`serialize`, so every document has the same
prefixes and the same formats. Pure: triples in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from kg_builder.server.negotiate import GRAPH_TYPES


def prefixes(base: str) -> dict[str, str]:
    return {
        "okg": f"{base}def/okg#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "prov": "http://www.w3.org/ns/prov#",
        "oa": "http://www.w3.org/ns/oa#",
        "org": "http://www.w3.org/ns/org#",
        "schema": "https://schema.org/",
        "dct": "http://purl.org/dc/terms/",
        "void": "http://rdfs.org/ns/void#",
        "dcat": "http://www.w3.org/ns/dcat#",
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "sh": "http://www.w3.org/ns/shacl#",
    }


def serialize(triples: Iterable[ox.Triple], mime: str, base: str) -> bytes:
    """``triples`` as ``mime`` (one of :data:`GRAPH_TYPES`); quad formats put them in the default graph."""
    fmt = getattr(ox.RdfFormat, GRAPH_TYPES[mime])
    items = sorted(triples, key=_order)
    if fmt.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in items]
        return ox.serialize(items, format=fmt)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        used = _used_prefixes(items, prefixes(base))
        return ox.serialize(items, format=fmt, prefixes=used)
    return ox.serialize(items, format=fmt)


def from_rdflib(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph as pyoxigraph triples (for documents assembled with rdflib)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _order(t: ox.Triple) -> tuple[object, ...]:
    """Subjects grouped (IRIs before blank nodes), rdf:type first: readable Turtle."""
    s = t.subject
    return (isinstance(s, ox.BlankNode), str(s), t.predicate.value != RDF_TYPE, t.predicate.value, str(t.object))


def _used_prefixes(triples: list[ox.Triple], candidates: dict[str, str]) -> dict[str, str]:
    iris: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in candidates.items() if any(i.startswith(ns) for i in iris)}
