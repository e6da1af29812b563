"""The SPARQL 1.1 Protocol for queries: GET, POST form, POST sparql-query.

This module reads the protocol request (query, dataset parameters, format),
refuses what must not run (updates 403, ``SERVICE`` 403 unless allowed,
oversized queries 413, a body in another charset than UTF-8 415), hands the
query to a worker process (time limit, caps, at most a few at once per
client: 429 beyond) and turns every outcome into an answer with a readable
message: syntax and evaluation errors and malformed requests are 4xx, a
query past its time limit is 503, and no stack trace ever reaches a client.
Without a query, ``GET`` and ``HEAD`` answer the Service Description. The
default graph is the union of the named graphs unless the query or the
request names a dataset. ``format`` (or Fuseki's ``output``) overrides
Accept, one media type per query form (``xml``: SPARQL XML or RDF/XML).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from kg_builder.config import Settings
from kg_builder.server import catalogue, pages, rdfout, service
from kg_builder.server.guard import inspect
from kg_builder.server.negotiate import GRAPH_TYPES, RESULT_TYPES, format_types, negotiate, resolve_format
from kg_builder.server.void import statistics
from kg_builder.server.workers import PoolBusy, QueryAnswer, QueryJob, QueryTimeout, WorkerLost

router = APIRouter()

#: Offered in this order when the client has no preference.
RESULT_OFFER = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json", "application/xml", "text/xml"]
GRAPH_OFFER = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
               "application/n-quads", "application/trig", "text/plain", "application/x-turtle", "text/n3",
               "text/rdf+n3"]
SD_OFFER = ["text/turtle", "application/ld+json", "text/html", "application/rdf+xml", "application/n-triples"]
READ_ONLY = "updates are not allowed: this endpoint is read-only"
TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain", "application/n-triples",
              "application/n-quads", "application/trig", "text/n3", "text/rdf+n3"}
#: Charsets a POST body may declare: UTF-8 and its subset ASCII (the SPARQL media types are UTF-8).
UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


class ProtocolError(Exception):
    """A request the protocol layer answers itself, with a status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "a parameter is not valid UTF-8 once percent-decoded") from None


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_protocol(request: Request, settings: Settings) -> tuple[str | None, dict[str, list[str]]]:
    """The query text (or None) and every parameter; raises ProtocolError for malformed or refused requests."""
    raw = request.scope.get("query_string", b"")
    try:
        params = _parse_form(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL query string is not UTF-8") from None
    queries = list(params.get("query", []))
    if "update" in params:
        raise ProtocolError(403, READ_ONLY)
    if request.method == "POST":
        ctype, charset = content_type(request.headers.get("content-type", ""))
        body = await _read_body(request, settings.max_query_bytes * 3 + 10_000)
        if ctype == "application/sparql-update":
            raise ProtocolError(403, READ_ONLY)
        if charset is not None and charset not in UTF8_NAMES:
            raise ProtocolError(415, f"the body is declared as charset={charset}; send it as UTF-8 "
                                     "(charset=utf-8, or no charset)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the request body is not UTF-8") from None
        if ctype == "application/x-www-form-urlencoded":
            form = _parse_form(text)
            if "update" in form:
                raise ProtocolError(403, READ_ONLY)
            queries += form.get("query", [])
            for key, values in form.items():
                if key != "query":
                    params.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            queries.append(text)
        else:
            raise ProtocolError(415, f"unsupported content type {ctype or '(none)'!r}; send application/sparql-query "
                                     "or application/x-www-form-urlencoded")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one 'query' parameter: send exactly one")
    return (queries[0] if queries else None), params


def content_type(header: str) -> tuple[str, str | None]:
    """The media type of a Content-Type header, lower-cased, and its charset parameter if any."""
    mime, *rest = header.split(";")
    charset = None
    for param in rest:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return mime.strip().lower(), charset


def requested_format(params: dict[str, list[str]]) -> list[str]:
    """The ``format`` values of a request, or Fuseki's ``output`` where there is no ``format``."""
    for name in ("format", "output"):
        values = [v for v in params.get(name, []) if v.strip()]
        if values:
            return values
    return []


def format_accept(values: list[str]) -> str | None:
    """The ``format`` values as one Accept value; ProtocolError when none of them is known.

    SPARQLWrapper sends two values for some formats (``rdf+xml`` and
    ``application/rdf+xml``): every known value counts.
    """
    if not values:
        return None
    types = [t for v in values for t in format_types(v)]
    known = [t for t in types if t in RESULT_TYPES or t in GRAPH_TYPES or t == "text/html"]
    if not known:
        raise ProtocolError(400, f"unknown format {values[0]!r}; use json, xml, csv, tsv, "
                                 "ttl, n3, nt, jsonld, rdfxml, nq or trig")
    return ", ".join(dict.fromkeys(known))


def build_job(query: str, params: dict[str, list[str]], accept: str | None, settings: Settings) -> QueryJob:
    """Check ``query`` and the dataset parameters and negotiate the formats; raises ProtocolError."""
    if len(query.encode("utf-8")) > settings.max_query_bytes:
        raise ProtocolError(413, f"the query is larger than {settings.max_query_bytes} bytes")
    if not query.strip():
        raise ProtocolError(400, "the query is empty")
    shape = inspect(query)
    if shape.is_update:
        raise ProtocolError(403, READ_ONLY)
    if shape.uses_service and not settings.allow_service:
        raise ProtocolError(403, "federated queries (SERVICE) are disabled on this endpoint: "
                                 "it does not fetch data from other servers")
    defaults = params.get("default-graph-uri")
    named = params.get("named-graph-uri")
    for iri in (defaults or []) + (named or []):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"not an absolute IRI: {iri!r}") from None
    fmt = format_accept(requested_format(params))
    wanted = fmt or accept
    result_mime = negotiate(wanted, RESULT_OFFER)
    graph_mime = negotiate(wanted, GRAPH_OFFER)
    if result_mime is None and graph_mime is None:
        raise ProtocolError(406, "none of the accepted media types is offered; offered: "
                                 + ", ".join(RESULT_OFFER[:4] + GRAPH_OFFER[:6]))
    with_dataset = defaults is not None or named is not None
    return QueryJob(
        query=query,
        result_mime=result_mime,
        graph_mime=graph_mime,
        result_format=RESULT_TYPES.get(result_mime or ""),
        graph_format=GRAPH_TYPES.get(graph_mime or ""),
        union_default_graph=not shape.has_dataset_clause,
        default_graphs=tuple(defaults or ()) if with_dataset else None,
        named_graphs=tuple(named or ()) if with_dataset else None,
        max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
    )


def client_of(request: Request) -> str:
    """The client's address (uvicorn puts a trusted proxy's forwarded address here)."""
    return request.client.host if request.client else "unknown"


async def answer(app: object, job: QueryJob, client: str = "unknown") -> QueryAnswer:
    """Run ``job`` in the worker pool; every outcome, failures included, comes back as an answer.

    ``client`` has at most its share of queries in flight (:mod:`kg_builder.server.clients`);
    one more is answered 429 without waiting for a worker.
    """
    settings: Settings = app.state.settings  # type: ignore[attr-defined]
    metrics = app.state.metrics  # type: ignore[attr-defined]
    limiter = app.state.clients  # type: ignore[attr-defined]
    if not limiter.acquire(client):
        metrics.count("kg_sparql_queries_total", outcome="429")
        return _plain(429, f"this client already has {limiter.cap} queries running, the most one client may have "
                           "at once; wait for one to finish and try again")
    try:
        result = await app.state.pool.run(job, app.state.store.build_id(), settings.query_timeout_s)  # type: ignore[attr-defined]
    except QueryTimeout:
        metrics.count("kg_sparql_queries_total", outcome="timeout")
        return _plain(503, f"the query ran longer than the limit of {settings.query_timeout_s:g} s and was stopped; "
                           "narrow it (more specific patterns, a LIMIT) and try again")
    except PoolBusy:
        metrics.count("kg_sparql_queries_total", outcome="busy")
        return _plain(503, "every query worker stayed busy until the time limit; try again shortly")
    except WorkerLost:
        metrics.count("kg_sparql_queries_total", outcome="lost")
        return _plain(503, "the query stopped its worker (probably out of memory); narrow it and try again")
    finally:
        limiter.release(client)
    metrics.count("kg_sparql_queries_total", outcome=str(result.status))
    if result.status == 200:
        metrics.observe("kg_sparql_query_seconds", result.seconds)
    return result


def _plain(status: int, message: str) -> QueryAnswer:
    return QueryAnswer(status, "text/plain", (message + "\n").encode("utf-8"))


async def execute(request: Request, job: QueryJob) -> Response:
    """Run ``job`` and answer it over HTTP."""
    result = await answer(request.app, job, client_of(request))
    if result.status != 200:
        headers = {"Vary": "Accept"}
        if result.status in (429, 503):
            headers["Retry-After"] = "1"
        return error(result.status, result.body.decode("utf-8", "replace"), headers)
    media = result.mime + ("; charset=utf-8" if result.mime in TEXT_TYPES else "")
    return Response(result.body, media_type=media, headers={"Vary": "Accept"})


async def describe_service(request: Request) -> Response:
    """The Service Description, in the negotiated format (HTML for browsers)."""
    app = request.app
    settings: Settings = app.state.settings
    fmt = resolve_format(request.query_params.get("format"))
    mime = negotiate(fmt or request.headers.get("accept"), SD_OFFER)
    if mime is None:
        return error(406, "the Service Description is offered as " + ", ".join(SD_OFFER), {"Vary": "Accept"})
    holder = app.state.store
    stats = await _in_thread(holder.cached, "statistics", lambda store: statistics(store, settings.base))
    endpoint = str(request.url.replace(query=None, fragment=None))
    examples = catalogue.load(settings.queries_dir)
    if mime == "text/html":
        html = pages.render("service.html", request, settings=settings, endpoint=endpoint, stats=stats,
                            examples=examples, union_note=service.UNION_NOTE, limits=service.limits_note(settings))
        return Response(html, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    graph = service.description(settings, endpoint, stats, examples)
    body = rdfout.serialize(rdfout.from_rdflib(graph), mime, settings.base)
    return Response(body, media_type=mime, headers={"Vary": "Accept"})


async def _in_thread(fn, *args):  # type: ignore[no-untyped-def]
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


SPARQL_OPENAPI = {
    "parameters": [
        {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). Without it, the Service Description."},
        {"name": "default-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
         "description": "Graphs merged into the default graph (by default: the union of all named graphs)."},
        {"name": "named-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": [
            "json", "xml", "csv", "tsv", "ttl", "n3", "nt", "jsonld", "rdfxml", "nq", "trig", "html"]},
         "description": "Overrides Accept (for links). json and xml suit every query form: SPARQL results "
                        "for SELECT/ASK, JSON-LD or RDF/XML for CONSTRUCT/DESCRIBE. 'output' is a synonym."},
    ],
    "requestBody": {"required": False, "content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "string"}, "named-graph-uri": {"type": "string"}}}},
    }},
    "responses": {
        "200": {"description": "Query results", "content": {m: {} for m in RESULT_OFFER[:4] + GRAPH_OFFER[:6]}},
        "400": {"description": "Syntax error, repeated query, body not UTF-8, bad IRI"},
        "403": {"description": "Update or SERVICE refused"},
        "406": {"description": "No acceptable format"},
        "413": {"description": "Query or result too large"},
        "414": {"description": "URL too long: send the query by POST"},
        "415": {"description": "Unsupported content type, or a charset other than UTF-8"},
        "429": {"description": "This client already has its share of queries running (Retry-After)"},
        "503": {"description": "Time limit reached; the query was stopped"},
    },
}


@router.api_route("/sparql", methods=["GET", "POST"], summary="SPARQL 1.1 query endpoint",
                  openapi_extra=SPARQL_OPENAPI, response_class=Response, name="sparql")
async def sparql_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        query, params = await read_protocol(request, settings)
        if query is None:
            if request.method in ("GET", "HEAD"):
                return await describe_service(request)
            raise ProtocolError(400, "no query: pass one in the 'query' parameter or as an application/sparql-query body")
        if format_accept(requested_format(params)) == "text/html":
            root = request.scope.get("root_path", "")
            return RedirectResponse(f"{root}/query?" + urlencode({"query": query}), status_code=303)
        job = build_job(query, params, request.headers.get("accept"), settings)
    except ProtocolError as exc:
        request.app.state.metrics.count("kg_sparql_queries_total", outcome=str(exc.status))
        return error(exc.status, exc.message, {"Vary": "Accept"})
    return await execute(request, job)
