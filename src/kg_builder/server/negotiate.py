"""Content negotiation: which representation a client gets.

Parses ``Accept`` with q-values (``q=0`` excludes a type), resolves the
``format`` parameter used in links (``?format=csv``) and file extensions used
by Linked Data documents (``/doc/....ttl``). A short format name stands for
one media type per kind of answer, as in Fuseki and Virtuoso: ``xml`` is
SPARQL XML results for SELECT/ASK and RDF/XML for CONSTRUCT/DESCRIBE (what
SPARQLWrapper sends by default), ``json`` is SPARQL JSON or JSON-LD. N3 is
answered with Turtle, which every N3 reader reads. It only chooses media types; the
serialising is done by pyoxigraph (in the query workers or in
:mod:`kg_builder.server.describe`). Touches nothing but strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: SELECT / ASK results: media type -> pyoxigraph QueryResultsFormat name.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
#: CONSTRUCT / DESCRIBE results and Linked Data documents: media type -> pyoxigraph RdfFormat name.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
    "text/plain": "N_TRIPLES",
    "application/x-turtle": "TURTLE",
    # N3 is a superset of Turtle: a Turtle document is an N3 document, labelled as asked.
    "text/n3": "TURTLE",
    "text/rdf+n3": "TURTLE",
}
#: ``format=`` values accepted in URLs (short names and file extensions): the media types they stand for,
#: one per kind of answer (SPARQL results, RDF), so that ``xml`` and ``json`` suit every query form.
FORMAT_ALIASES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "srj": ("application/sparql-results+json",),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "srx": ("application/sparql-results+xml",),
    "csv": ("text/csv",), "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",), "ttl": ("text/turtle",),
    "n3": ("text/n3",),
    "nt": ("application/n-triples",), "ntriples": ("application/n-triples",),
    "n-triples": ("application/n-triples",),
    "jsonld": ("application/ld+json",), "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",), "rdf": ("application/rdf+xml",), "rdf+xml": ("application/rdf+xml",),
    "nq": ("application/n-quads",), "nquads": ("application/n-quads",), "n-quads": ("application/n-quads",),
    "trig": ("application/trig",), "html": ("text/html",),
}
#: Document extensions of ``/doc/...`` and ``/def/...``.
EXTENSIONS: dict[str, str] = {
    ".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml", ".html": "text/html", ".nq": "application/n-quads", ".trig": "application/trig",
    ".n3": "text/n3",
}
#: What a Linked Data document is offered as, in order of preference when the client has none.
DOCUMENT_TYPES: list[str] = [
    "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
    "text/html", "application/n-quads", "application/trig", "text/plain", "text/n3",
]
#: Extension of each document media type (for Content-Location and links).
EXTENSION_OF: dict[str, str] = {v: k for k, v in EXTENSIONS.items()}


@dataclass(frozen=True)
class Preference:
    """One entry of an Accept header."""

    mime: str
    q: float
    order: int


def parse_accept(accept: str | None) -> list[Preference]:
    """The entries of an Accept header; malformed q-values count as ``q=0``."""
    prefs: list[Preference] = []
    if not accept:
        return prefs
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime = fields[0].lower()
        if not mime:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        prefs.append(Preference(mime, q, i))
    return prefs


def quality(mime: str, prefs: list[Preference]) -> float:
    """The q-value the client gives ``mime``; the most specific matching range wins."""
    major = mime.split("/")[0]
    for candidate in (mime, f"{major}/*", "*/*"):
        matches = [p.q for p in prefs if p.mime == candidate]
        if matches:
            return matches[0]
    return 0.0


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers (ties go to the server's order); ``None`` if none is acceptable."""
    if accept is not None and len(accept) > 2000:
        accept = accept[:2000]
    return _negotiate(accept, tuple(offered))


@lru_cache(maxsize=4096)
def _negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    prefs = parse_accept(accept)
    if not prefs:
        return offered[0] if offered else None
    best: tuple[float, str] | None = None
    for mime in offered:
        q = quality(mime, prefs)
        if q > 0 and (best is None or q > best[0]):
            best = (q, mime)
    return best[1] if best else None


def format_types(value: str | None) -> tuple[str, ...]:
    """The media types a ``format`` value stands for: a short name's, or the value itself if it is a media type."""
    if not value:
        return ()
    value = value.strip().lower()
    if value in FORMAT_ALIASES:
        return FORMAT_ALIASES[value]
    return (value,) if "/" in value else ()


def resolve_format(value: str | None) -> str | None:
    """A ``format`` URL parameter as an Accept value (``None`` when absent).

    An unknown name is returned as it is: no offered type matches it, so
    the caller answers 406 (or 400 where it checks with :func:`format_types`).
    """
    if not value:
        return None
    types = format_types(value)
    return ", ".join(types) if types else value.strip().lower()


def split_extension(path: str) -> tuple[str, str | None]:
    """``entity/kab-jember.ttl`` -> (``entity/kab-jember``, ``text/turtle``); unknown suffixes are kept."""
    for ext, mime in EXTENSIONS.items():
        if path.endswith(ext):
            return path[: -len(ext)], mime
    return path, None
