"""The ontology's HTML documentation at ``/def/okg``.

The ontology engineer's ``kg_builder.vocabulary.render_html(graph) -> str``
is the real renderer; this module calls it when it exists and otherwise
renders a plain term list (classes, properties, other terms with labels and
definitions) with the same call. Remove the fallback once
``vocabulary.render_html`` is on main everywhere. Pure: graph in, HTML out.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS

from kg_builder.server import pages


@dataclass
class Term:
    local: str
    labels: list[str]
    definition: str


def render_html(graph: Graph, base: str, alternates: list[tuple[str, str]], root: str = "") -> str:
    """The ontology documentation: ``vocabulary.render_html`` if available, else a term list."""
    try:
        from kg_builder.vocabulary import render_html as vocabulary_render  # type: ignore[import-not-found]
    except ImportError:
        vocabulary_render = None
    if vocabulary_render is not None:
        return vocabulary_render(graph)
    return _term_list(graph, base, alternates, root)


def _term_list(graph: Graph, base: str, alternates: list[tuple[str, str]], root: str) -> str:
    onto = URIRef(f"{base}def/okg")
    ns = f"{base}def/okg#"
    sections: dict[str, list[Term]] = {"Kelas": [], "Properti": [], "Istilah lain": []}
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)})
    for s in subjects:
        types = set(graph.objects(s, RDF.type))
        labels = [f"{o} ({o.language})" if getattr(o, "language", None) else str(o) for o in graph.objects(s, RDFS.label)]
        definition = next((str(o) for p in (SKOS.definition, RDFS.comment, DCTERMS.description) for o in graph.objects(s, p)), "")
        term = Term(str(s)[len(ns):], sorted(labels), definition)
        if types & {OWL.Class, RDFS.Class} or (s, RDFS.subClassOf, None) in graph:
            sections["Kelas"].append(term)
        elif types & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty} \
                or (s, RDFS.domain, None) in graph or (s, RDFS.range, None) in graph:
            sections["Properti"].append(term)
        else:
            sections["Istilah lain"].append(term)
    title = next((str(o) for o in graph.objects(onto, RDFS.label)), None) or next(
        (str(o) for o in graph.objects(onto, DCTERMS.title)), "Ontologi okg")
    description = next((str(o) for p in (DCTERMS.description, RDFS.comment, SKOS.definition) for o in graph.objects(onto, p)), "")
    return pages.ENV.get_template("ontology.html").render(
        root=root, version=pages.__version__, title=title, iri=str(onto), description=description,
        sections=[(k, v) for k, v in sections.items() if v], alternates=alternates)
