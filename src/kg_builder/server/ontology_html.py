"""The ontology's HTML documentation at ``/def/okg``.

The page itself comes from :mod:`kg_builder.vocabulary`; this module is the
server's call site. Pure: graph in, HTML out.
"""

from __future__ import annotations

from rdflib import Graph

from kg_builder import vocabulary


def render_html(graph: Graph, base: str, alternates: list[tuple[str, str]], root: str = "") -> str:
    """The ontology documentation, rendered by :func:`kg_builder.vocabulary.render_html`."""
    return vocabulary.render_html(graph, base, alternates)
