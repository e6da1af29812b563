"""The SPARQL 1.1 Protocol for queries: GET, POST form, POST sparql-query.

Results come from pyoxigraph's own serialisers; this module only chooses
the format (``Accept`` with q-values, or a ``format`` parameter) and turns
errors into 4xx answers with a readable message. The default graph is the
union of the named graphs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

router = APIRouter()

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
FORMAT_ALIASES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers most (q-values honoured, q=0 excludes)."""
    if not accept:
        return offered[0]
    prefs: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        prefs.append((q, i, mime))
    best: tuple[float, int, str] | None = None
    for mime in offered:
        q = _quality(mime, prefs)
        if q > 0 and (best is None or q > best[0]):
            best = (q, 0, mime)
    return best[2] if best else None


def _quality(mime: str, prefs: list[tuple[float, int, str]]) -> float:
    major = mime.split("/")[0]
    exact = [q for q, _, m in prefs if m == mime]
    if exact:
        return exact[0]
    partial = [q for q, _, m in prefs if m == f"{major}/*"]
    if partial:
        return partial[0]
    anyq = [q for q, _, m in prefs if m == "*/*"]
    return anyq[0] if anyq else 0.0


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


async def _query_text(request: Request) -> tuple[str | None, PlainTextResponse | None]:
    params = parse_qs(request.url.query, keep_blank_values=True)
    queries = params.get("query", [])
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, _error(400, "the request body is not UTF-8")
        if ctype == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            if "update" in form:
                return None, _error(403, "updates are not allowed: this endpoint is read-only")
            queries += form.get("query", [])
        elif ctype == "application/sparql-query":
            queries.append(text)
        elif ctype == "application/sparql-update":
            return None, _error(403, "updates are not allowed: this endpoint is read-only")
        else:
            return None, _error(415, f"unsupported content type {ctype!r}; use application/sparql-query "
                                     "or application/x-www-form-urlencoded")
    if "update" in params:
        return None, _error(403, "updates are not allowed: this endpoint is read-only")
    if len(queries) > 1:
        return None, _error(400, "more than one 'query' parameter")
    return (queries[0] if queries else None), None


@router.api_route("/sparql", methods=["GET", "POST"])
async def sparql_endpoint(request: Request) -> Response:
    query, error = await _query_text(request)
    if error:
        return error
    if query is None:
        return _error(400, "no query: pass one in the 'query' parameter")
    if _UPDATE.match(query):
        return _error(403, "updates are not allowed: this endpoint is read-only")
    store: ox.Store = request.app.state.store.get()
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    params = parse_qs(request.url.query)
    fmt = params.get("format", [None])[0]
    accept = FORMAT_ALIASES.get(fmt, fmt) if fmt else request.headers.get("accept")
    if isinstance(result, ox.QueryTriples):
        mime = negotiate(accept, list(GRAPH_TYPES))
        if mime is None:
            return _error(406, f"no acceptable format; offered: {', '.join(GRAPH_TYPES)}")
        body = result.serialize(format=GRAPH_TYPES[mime])
    else:
        mime = negotiate(accept, list(RESULT_TYPES))
        if mime is None:
            return _error(406, f"no acceptable format; offered: {', '.join(RESULT_TYPES)}")
        body = result.serialize(format=RESULT_TYPES[mime])
    return Response(body, media_type=mime, headers={"Vary": "Accept"})
