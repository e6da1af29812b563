"""Vocabulary documentation: the ontology and concept schemes as one HTML page.

pyLODE would need network access for its templates' assets, so the project
renders its own page: the header (title, description, creators, dates,
version, licence, namespace), a table of contents, then every class and property with its labels
in Indonesian and English, definition, hierarchy, domain and range (or
``schema:domainIncludes``) and example, then every concept scheme with its
concepts (notation, labels, definition, broader/narrower, mappings, sources,
editorial notes).
Pure: an rdflib graph in, a self-contained, escaped HTML string out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

SCHEMA = "https://schema.org/"
DEFAULT_BASE = "https://w3id.org/kepatuhan-kg/"

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2327;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0}h2{border-bottom:2px solid #2b6a4f;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin:1.6rem 0 .3rem;font-size:1.1rem}.iri{font:13px monospace;color:#555;word-break:break-all}
.term{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;margin:.7rem 0}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.15rem .8rem;margin:.4rem 0}dt{color:#555}dd{margin:0}
.lang{font-size:11px;color:#777;border:1px solid #ccc;border-radius:3px;padding:0 .25rem;margin-left:.25rem}
nav ul{columns:3;font-size:14px}a{color:#1f5fa8}code{font-size:13px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _local(iri: str, base: str) -> str:
    for prefix, short in ((f"{base}def/okg#", "okg:"), (f"{base}def/", ""), (SCHEMA, "schema:"),
                          ("http://www.w3.org/ns/prov#", "prov:"), ("http://www.w3.org/ns/org#", "org:"),
                          ("http://www.w3.org/ns/oa#", "oa:"), ("http://www.w3.org/2004/02/skos/core#", "skos:"),
                          ("http://www.w3.org/2001/XMLSchema#", "xsd:")):
        if iri.startswith(prefix):
            return short + iri[len(prefix):]
    return iri


def _link(term: object, base: str) -> str:
    if isinstance(term, URIRef):
        text = _local(str(term), base)
        href = f"#{_e(text)}" if text.startswith("okg:") else _e(str(term))
        return f'<a href="{href}">{_e(text)}</a>'
    return _e(term)


def _labels(g: Graph, s: object, *props: URIRef) -> str:
    out = []
    for p in props:
        for o in sorted(g.objects(s, p), key=lambda o: (getattr(o, "language", "") or "", str(o))):
            lang = f'<span class="lang">{_e(o.language)}</span>' if isinstance(o, Literal) and o.language else ""
            out.append(f"{_e(o)}{lang}")
    return " · ".join(out)


def _agents(g: Graph, agents: Iterable[object], base: str) -> list[str]:
    """Creators and contributors: a name (schema:name, foaf:name or rdfs:label of the node, or the literal
    itself), linked when the agent has an IRI or a URL."""
    out = []
    for a in agents:
        if isinstance(a, Literal):
            out.append(_e(a))
            continue
        names = [n for p in (URIRef(SCHEMA + "name"), FOAF.name, RDFS.label) for n in g.objects(a, p)]
        name = _e(sorted(names, key=str)[0]) if names else None
        url = g.value(a, URIRef(SCHEMA + "url")) or (a if isinstance(a, URIRef) else None)
        if url is not None:
            out.append(f'<a href="{_e(url)}">{name or _e(_local(str(url), base))}</a>')
        elif name:
            out.append(name)
    return sorted(out)


def _row(name: str, values: Iterable[str]) -> str:
    values = [v for v in values if v]
    return f"<dt>{_e(name)}</dt><dd>{', '.join(values)}</dd>" if values else ""


def render_html(graph: Graph, base: str = DEFAULT_BASE, alternates: list[tuple[str, str]] | None = None) -> str:
    """The documentation page of the ontology and schemes in ``graph``."""
    g = graph
    onto = URIRef(f"{base}def/okg")
    ns = f"{base}def/okg#"
    title = _labels(g, onto, DCTERMS.title) or "okg"
    terms = sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ns)}, key=str)
    classes = [t for t in terms if (t, RDF.type, OWL.Class) in g]
    props = [t for t in terms if (t, RDF.type, OWL.ObjectProperty) in g or (t, RDF.type, OWL.DatatypeProperty) in g]
    schemes = sorted((s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if str(s).startswith(f"{base}def/")), key=str)

    parts = [f"<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>{_e(_local(str(onto), base))} — "
             f"Kepatuhan KG</title><style>{CSS}</style></head><body><main>"]
    parts.append(f"<h1>{title}</h1><p class=\"iri\">{_e(onto)}</p>")
    parts.append(f"<p>{_labels(g, onto, DCTERMS.description)}</p><dl>")
    parts.append(_row("creators", _agents(g, g.objects(onto, DCTERMS.creator), base)))
    parts.append(_row("contributors", _agents(g, g.objects(onto, DCTERMS.contributor), base)))
    parts.append(_row("created", [_e(v) for v in g.objects(onto, DCTERMS.created)]))
    parts.append(_row("modified", [_e(v) for v in g.objects(onto, DCTERMS.modified)]))
    parts.append(_row("version", [_e(v) for v in g.objects(onto, OWL.versionInfo)]))
    parts.append(_row("version IRI", [_link(v, base) for v in g.objects(onto, OWL.versionIRI)]))
    parts.append(_row("licence", [_link(v, base) for v in g.objects(onto, DCTERMS.license)]))
    parts.append(_row("namespace", [f"<code>{_e(ns)}</code> (okg:)"]))
    parts.append(_row("also as", [f'<a href="{_e(href)}">{_e(name)}</a>' for name, href in (alternates or [])]))
    parts.append("</dl>")
    parts.append("<nav><h2>Isi · Contents</h2><ul>")
    parts += [f'<li><a href="#{_e(_local(str(t), base))}">{_e(_local(str(t), base))}</a></li>' for t in classes + props]
    parts += [f'<li><a href="#scheme-{_e(_local(str(s), base))}">{_e(_local(str(s), base))}</a></li>' for s in schemes]
    parts.append("</ul></nav>")

    parts.append("<h2>Kelas · Classes</h2>")
    for t in classes:
        parts.append(_term(g, t, base, [
            ("subclass of", [_link(o, base) for o in g.objects(t, RDFS.subClassOf)]),
            ("disjoint with", [_link(o, base) for o in g.objects(t, OWL.disjointWith)]),
            ("subclasses", [_link(s, base) for s in sorted(g.subjects(RDFS.subClassOf, t), key=str)]),
        ]))
    parts.append("<h2>Properti · Properties</h2>")
    for t in props:
        kinds = ["object property" if (t, RDF.type, OWL.ObjectProperty) in g else "datatype property"]
        kinds += ["functional"] * ((t, RDF.type, OWL.FunctionalProperty) in g)
        kinds += ["symmetric"] * ((t, RDF.type, OWL.SymmetricProperty) in g)
        parts.append(_term(g, t, base, [
            ("kind", [", ".join(kinds)]),
            ("domain", [_link(o, base) for o in g.objects(t, RDFS.domain)]),
            ("used on (domainIncludes)", [_link(o, base) for o in g.objects(t, URIRef(SCHEMA + "domainIncludes"))]),
            ("range", [_link(o, base) for o in g.objects(t, RDFS.range)]),
        ]))
    parts.append("<h2>Skema konsep · Concept schemes</h2>")
    for s in schemes:
        name = _local(str(s), base)
        parts.append(f'<h3 id="scheme-{_e(name)}">{_labels(g, s, SKOS.prefLabel)}</h3><p class="iri">{_e(s)}</p>')
        parts.append(f"<p>{_labels(g, s, SKOS.definition)}</p><dl>")
        parts.append(_row("source", [_link(o, base) for o in g.objects(s, DCTERMS.source)]))
        parts.append(_row("defined by", [_link(o, base) for o in g.objects(s, RDFS.isDefinedBy)]))
        parts.append(_row("editorial note", [_labels(g, s, SKOS.editorialNote)]))
        parts.append("</dl>")
        concepts = sorted(g.subjects(SKOS.inScheme, s), key=lambda c: (str(g.value(c, SKOS.notation) or ""), str(c)))
        for c in concepts:
            parts.append(_term(g, c, base, [
                ("notation", [_e(n) for n in g.objects(c, SKOS.notation)]),
                ("also called", [_labels(g, c, SKOS.altLabel)]),
                ("broader", [_link(o, base) for o in g.objects(c, SKOS.broader)]),
                ("narrower", [_link(o, base) for o in g.objects(c, SKOS.narrower)]),
                ("matches", [_link(o, base) for p in (SKOS.broadMatch, SKOS.closeMatch, SKOS.exactMatch)
                             for o in g.objects(c, p)]),
                ("source", [_link(o, base) for o in g.objects(c, DCTERMS.source)]),
                ("defined by", [_link(o, base) for o in g.objects(c, RDFS.isDefinedBy)]),
                ("editorial note", [_labels(g, c, SKOS.editorialNote)]),
            ], label_props=(SKOS.prefLabel,)))
    parts.append("</main></body></html>")
    return "".join(parts)


def _term(g: Graph, t: URIRef, base: str, rows: list[tuple[str, list[str]]],
          label_props: tuple[URIRef, ...] = (RDFS.label,)) -> str:
    name = _local(str(t), base)
    out = [f'<div class="term" id="{_e(name)}"><h3>{_e(name)}</h3><p class="iri">{_e(t)}</p>',
           f"<p>{_labels(g, t, *label_props)}</p>",
           f"<p>{_labels(g, t, SKOS.definition, RDFS.comment)}</p><dl>"]
    out += [_row(k, v) for k, v in rows]
    out.append(_row("example", [f"<code>{_e(x)}</code>" for x in g.objects(t, SKOS.example)]))
    out.append("</dl></div>")
    return "".join(out)
