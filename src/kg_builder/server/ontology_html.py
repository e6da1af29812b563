"""The ontology's HTML documentation at ``/def/okg``.

The page itself comes from :mod:`kg_builder.vocabulary`; this module is the
server's call site. The caller hands over the ontology's own triples
(``def/okg`` and ``def/okg#...``); given the store, the page also documents
every concept scheme and concept of the build (``def/<scheme>``,
``def/<scheme>/<concept>``), which live outside the ``okg#`` namespace.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg_builder import vocabulary

SKOS = "http://www.w3.org/2004/02/skos/core#"


def scheme_triples(store: ox.Store, base: str) -> bytes:
    """Every triple about the concept schemes and concepts under ``{base}def/``, as N-Triples."""
    prefix = f"{base}def/".replace("\\", "\\\\").replace('"', '\\"')
    query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        VALUES ?kind {{ <{SKOS}ConceptScheme> <{SKOS}Concept> }}
        ?s a ?kind . FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{prefix}"))
        ?s ?p ?o }}"""
    return store.query(query, use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES)


def render_html(graph: Graph, base: str, alternates: list[tuple[str, str]], root: str = "",
                store: ox.Store | None = None) -> str:
    """The ontology documentation, rendered by :func:`kg_builder.vocabulary.render_html`, with the schemes."""
    if store is not None:
        full = Graph()
        full += graph
        full.parse(data=scheme_triples(store, base).decode("utf-8"), format="nt")
        graph = full
    return vocabulary.render_html(graph, base, alternates)
