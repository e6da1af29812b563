"""Linked Data: every IRI under the base dereferences.

``/id/...`` (a thing) answers ``303 See Other`` to ``/doc/...`` (its
description); ``/doc/...``, ``/def/...`` (ontology, schemes, concepts) and
``/graph/...`` (named graphs) answer the description as Turtle, JSON-LD,
N-Triples, RDF/XML or HTML, chosen by Accept or by extension (``.ttl``,
``.jsonld``, ``.nt``, ``.rdf``, ``.html``). Unknown IRIs are 404 (with
``Vary: Accept``: the 404 too is HTML or text by Accept), and that is decided
before ``If-None-Match`` is looked at. Documents carry an ETag from the build
(304 on ``If-None-Match``), ``Vary: Accept`` when negotiated, and
``Content-Location`` of the chosen variant, percent-encoded. The 303 keeps
the query string (``?format=``). The IRIs the VoID names without the store
describing them (the dataset, the root resource) are served by
:mod:`kg_builder.server.virtual`. The same routes answer under the base
IRI's path (``/kepatuhan-kg/id/...``) so the server answers for the base
whatever host it runs on. Reads the store.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from rdflib import Graph
from starlette.concurrency import run_in_threadpool

from kg_builder.config import Settings
from kg_builder.server import conditional, describe, ontology_html, pages, rdfout, virtual
from kg_builder.server.negotiate import DOCUMENT_TYPES, EXTENSION_OF, negotiate, resolve_format, split_extension
from kg_builder.server.state import StoreHolder

NAMES = {"text/turtle": "Turtle", "application/ld+json": "JSON-LD", "application/n-triples": "N-Triples",
         "application/rdf+xml": "RDF/XML", "text/html": "HTML"}
TEMPLATES = {"entity": "entity.html", "result": "result.html", "article": "article.html", "round": "round.html",
             "concept": "concept.html", "scheme": "concept.html", "claim": "claim.html"}


def base_path(settings: Settings) -> str:
    """The path of the base IRI without its trailing slash (``/kepatuhan-kg``), or ``""``."""
    return urlsplit(settings.base).path.rstrip("/")


def _valid(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _wants_html(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html" and \
        "text/html" in request.headers.get("accept", "")


def not_found(request: Request, iri: str | None, message: str = "nothing is known about this IRI") -> Response:
    """404 as HTML for browsers, as text otherwise (so it varies by Accept)."""
    headers = {"Vary": "Accept"}
    if _wants_html(request):
        html = pages.render("error.html", request, status="404", message=message, iri=iri)
        return HTMLResponse(html, status_code=404, headers=headers)
    return PlainTextResponse(f"{message}: {iri}\n" if iri else message + "\n", status_code=404, headers=headers)


#: Characters left as they are in a path (RFC 3986 pchar and "/"); "#", "?", "%", spaces and the rest are encoded.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
#: Characters left as they are in a query string that is passed on (what is already encoded stays so).
QUERY_SAFE = PATH_SAFE + "?%"


def url_path(path: str) -> str:
    """``path`` percent-encoded for a header (``okg#Claim`` -> ``okg%23Claim``)."""
    return quote(path, safe=PATH_SAFE)


def with_query(request: Request, path: str) -> str:
    """``path`` with the request's query string, so that ``?format=`` survives a redirect."""
    raw: bytes = request.scope.get("query_string", b"")
    return f"{path}?{quote(raw, safe=QUERY_SAFE)}" if raw else path


def _alternates(doc_path: str) -> list[tuple[str, str]]:
    return [(NAMES[m], f"{doc_path}{EXTENSION_OF[m]}") for m in NAMES]


class Documents:
    """The handlers, bound to one URL prefix (``""`` or the base path)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    async def redirect(self, request: Request, path: str) -> Response:
        settings: Settings = request.app.state.settings
        holder: StoreHolder = request.app.state.store
        iri = f"{settings.base}id/{path}"
        if not path or not _valid(iri):
            return not_found(request, iri)
        root = request.scope.get("root_path", "")
        elsewhere = virtual.redirect_path(iri, settings.base)
        if elsewhere is not None:
            return RedirectResponse(with_query(request, f"{root}{elsewhere}"), status_code=303,
                                    headers={"Vary": "Accept"})
        store = holder.get()
        if not virtual.is_virtual(iri, settings.base) and not await run_in_threadpool(describe.exists, store, iri):
            return not_found(request, iri)
        return RedirectResponse(with_query(request, f"{root}{self.prefix}/doc/{url_path(path)}"), status_code=303,
                                headers={"Vary": "Accept"})

    async def document(self, request: Request, section: str, path: str) -> Response:
        """``section`` is ``id`` (served at /doc/), ``def`` or ``graph``."""
        settings: Settings = request.app.state.settings
        holder: StoreHolder = request.app.state.store
        stem, ext_mime = split_extension(path)
        iri = f"{settings.base}{section}/{stem}"
        if not stem or not _valid(iri):
            return not_found(request, iri)
        fmt = resolve_format(request.query_params.get("format"))
        mime = ext_mime or negotiate(fmt or request.headers.get("accept"), DOCUMENT_TYPES)
        if mime is None:
            return PlainTextResponse("none of the accepted media types is offered; offered: "
                                     + ", ".join(DOCUMENT_TYPES) + "\n", status_code=406, headers={"Vary": "Accept"})
        if mime == "text/plain":
            mime = "application/n-triples"
        root = request.scope.get("root_path", "")
        public = "doc" if section == "id" else section
        doc_path = f"{root}{self.prefix}/{public}/{url_path(stem)}"
        build = holder.build_id()
        tag = conditional.etag(build, EXTENSION_OF.get(mime, mime))
        headers = {"ETag": tag, "Link": ", ".join(f'<{href}>; rel="alternate"; type="{m}"'
                                                  for m, (_, href) in zip(NAMES, _alternates(doc_path)))}
        if ext_mime is None:
            headers["Vary"] = "Accept"
            headers["Content-Location"] = f"{doc_path}{EXTENSION_OF.get(mime, '')}"
        store = holder.get()
        # what exists is decided first: an unknown IRI is 404 whatever If-None-Match says
        if section == "def" and stem == "okg":
            triples = await run_in_threadpool(holder.cached, "ontology", lambda s: describe.ontology(s, settings.base))
            if not triples:
                return not_found(request, iri, "the ontology is not in this build")
            if conditional.matches(request, tag):
                return conditional.not_modified(tag, {"Vary": "Accept"} if ext_mime is None else None)
            if mime == "text/html":
                graph = Graph().parse(data=rdfout.serialize(triples, "application/n-triples", settings.base).decode("utf-8"),
                                      format="nt")
                html = ontology_html.render_html(graph, settings.base, _alternates(doc_path), root, store=store)
                return HTMLResponse(html, headers=headers)
            body = await run_in_threadpool(rdfout.serialize, triples, mime, settings.base)
            return Response(body, media_type=mime, headers=headers)
        made_up = virtual.describe(store, iri, settings.base) if section == "id" else None
        if made_up is not None:
            kind = "other"
        else:
            kind = await run_in_threadpool(describe.kind_of, store, iri, settings.base)
            known = await run_in_threadpool(describe.exists, store, iri)
            if not known and kind == "scheme":
                known = bool(await run_in_threadpool(describe.concepts_under, store, iri))
            if not known:
                return not_found(request, iri)
        if conditional.matches(request, tag):
            return conditional.not_modified(tag, {"Vary": "Accept"} if ext_mime is None else None)
        if mime == "text/html":
            page_store = virtual.as_store(made_up) if made_up is not None else store
            html = await run_in_threadpool(self._page, request, page_store, settings, iri, kind, doc_path)
            return HTMLResponse(html, headers=headers)
        if made_up is not None:
            triples = made_up
        else:
            triples = await run_in_threadpool(describe.describe, store, iri, kind, settings.base)
        if kind == "graph":
            from kg_builder.server.void import statistics

            stats = await run_in_threadpool(holder.cached, "statistics", lambda s: statistics(s, settings.base))
            triples += graph_triples(iri, stats.graphs.get(iri, 0))
        body = await run_in_threadpool(rdfout.serialize, triples, mime, settings.base)
        return Response(body, media_type=mime, headers=headers)

    def _page(self, request: Request, store: ox.Store, settings: Settings, iri: str, kind: str, doc_path: str) -> str:
        view = pages.View(store, settings.base, request.scope.get("root_path", "") + self.prefix)
        data: dict[str, object] = {}
        if kind == "entity":
            data = pages.entity_page(view, iri)
        elif kind == "result":
            data = pages.result_page(view, iri)
        elif kind == "article":
            data = pages.article_page(view, iri)
        elif kind == "round":
            data = pages.round_page(view, iri)
        elif kind in ("concept", "scheme"):
            data = pages.concept_page(view, iri, kind)
        elif kind == "claim":
            data = {"claim": pages.claim_view(view, iri)}
        incoming: list[pages.Link] = []
        if kind in ("other", "graph", "concept"):
            incoming = [view.link(s) for s in _incoming(store, iri)]
        alternates = _alternates(doc_path)
        return pages.render(
            TEMPLATES.get(kind, "resource.html"), request, title=view.label(iri), iri=iri, types=view.types(iri),
            rows=view.rows(iri), page=data, incoming=incoming, alternates=alternates,
            name_types={v: k for k, v in NAMES.items()}, kind=kind,
        )

    async def home(self, request: Request) -> Response:
        settings: Settings = request.app.state.settings
        holder: StoreHolder = request.app.state.store
        tag = conditional.etag(holder.build_id(), "home")
        if conditional.matches(request, tag):
            return conditional.not_modified(tag)
        store = holder.get()
        view = pages.View(store, settings.base, request.scope.get("root_path", "") + self.prefix)
        data = await run_in_threadpool(pages.home_page, view)
        return HTMLResponse(pages.render("home.html", request, page=data), headers={"ETag": tag})


def graph_triples(iri: str, size: int) -> list[ox.Triple]:
    """What the server knows of a named graph beyond its triples: its kind and size."""
    node = ox.NamedNode(iri)
    return [
        ox.Triple(node, describe.RDF_TYPE, ox.NamedNode("http://www.w3.org/ns/sparql-service-description#NamedGraph")),
        ox.Triple(node, ox.NamedNode("http://rdfs.org/ns/void#triples"),
                  ox.Literal(str(size), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ]


def _incoming(store: ox.Store, iri: str, limit: int = 50) -> list[str]:
    out: dict[str, None] = {}
    for q in store.quads_for_pattern(None, None, ox.NamedNode(iri)):
        if isinstance(q.subject, ox.NamedNode):
            out.setdefault(q.subject.value, None)
            if len(out) >= limit:
                break
    return list(out)


def router_for(prefix: str) -> APIRouter:
    """The Linked Data routes under ``prefix``."""
    docs = Documents(prefix)
    router = APIRouter()
    methods = ["GET", "HEAD"]

    @router.api_route(prefix + "/id/{path:path}", methods=methods, include_in_schema=not prefix,
                      summary="A thing's IRI: 303 See Other to its description", response_class=Response)
    async def thing(request: Request, path: str) -> Response:
        return await docs.redirect(request, path)

    @router.api_route(prefix + "/doc/{path:path}", methods=methods, include_in_schema=not prefix,
                      summary="A thing's description (Turtle, JSON-LD, N-Triples, RDF/XML, HTML; by Accept or extension)",
                      response_class=Response)
    async def document(request: Request, path: str) -> Response:
        return await docs.document(request, "id", path)

    @router.api_route(prefix + "/def/{path:path}", methods=methods, include_in_schema=not prefix,
                      summary="The ontology (def/okg), concept schemes and concepts", response_class=Response)
    async def definition(request: Request, path: str) -> Response:
        return await docs.document(request, "def", path)

    @router.api_route(prefix + "/graph/{path:path}", methods=methods, include_in_schema=not prefix,
                      summary="A named graph", response_class=Response)
    async def graph(request: Request, path: str) -> Response:
        return await docs.document(request, "graph", path)

    @router.api_route(prefix + "/", methods=methods, include_in_schema=not prefix, summary="Home page",
                      response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return await docs.home(request)

    return router
