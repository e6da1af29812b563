"""The FastAPI application: ``create_app(settings)`` wires the routes.

Read-only by construction: the store is opened read-only, the SPARQL layer
refuses updates before they reach it, and every route is GET/HEAD except
``/sparql`` (queries by POST): other methods are 403, an unknown path 404.
Queries from clients run in worker processes without network
(:mod:`kg_builder.server.workers`), a few at a time per client
(:mod:`kg_builder.server.clients`); Linked Data pages use bounded lookups
in this process. Middleware: CORS for every origin (preflight included),
gzip, request metrics, 414 for URLs too long to read. Errors never carry a
stack trace to the client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route

from kg_builder import __version__
from kg_builder.config import Settings
from kg_builder.server import downloads, linkeddata, querypage, sparql, void
from kg_builder.server.clients import ClientLimiter, effective_cap
from kg_builder.server.longurl import LongUrlMiddleware
from kg_builder.server.metrics import Metrics, MetricsMiddleware
from kg_builder.server.state import StoreHolder
from kg_builder.server.workers import WorkerPool

__all__ = ["StoreHolder", "create_app"]

DESCRIPTION = """SPARQL 1.1 endpoint and Linked Data for the Ombudsman RI compliance-assessment graph.

* `/sparql`: SPARQL 1.1 Protocol (queries only; updates 403; SERVICE refused; time limit 503;
  a few queries at once per client, 429 beyond).
* `/id/…` → 303 → `/doc/…`: descriptions as Turtle, JSON-LD, N-Triples, RDF/XML or HTML.
* `/def/okg`: the ontology; `/def/<scheme>` concept schemes.
* `/.well-known/void`, `/download/`, `/metrics`, `/healthz`, `/query`.
"""


def create_app(settings: Settings) -> FastAPI:
    holder = StoreHolder(settings.out_dir)
    pool = WorkerPool(settings.out_dir, settings.query_workers, deny_network=not settings.allow_service)
    clients = ClientLimiter(effective_cap(settings.max_queries_per_client, pool.size))
    metrics = Metrics()
    dumps = downloads.DumpCache()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            dumps.clear()

    app = FastAPI(title="Kepatuhan KG", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # the Swagger/ReDoc pages load scripts from a CDN
    app.state.settings = settings
    app.state.store = holder
    app.state.pool = pool
    app.state.clients = clients
    app.state.metrics = metrics
    app.state.dumps = dumps

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return linkeddata.not_found(request, None, "nothing is served at this path")
        return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return PlainTextResponse("invalid request parameters\n", status_code=400)

    @app.exception_handler(Exception)
    async def _no_traces(request: Request, exc: Exception) -> Response:
        metrics.count("kg_internal_errors_total", kind=type(exc).__name__)
        return PlainTextResponse("internal error: the server could not answer this request\n", status_code=500)

    @app.api_route("/healthz", methods=["GET", "HEAD"], response_class=PlainTextResponse, summary="Liveness and build id")
    def healthz() -> str:
        holder.get()
        return f"ok {holder.build_id()}\n"

    @app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics_route() -> Response:
        stats = pool.stats
        gauges = {
            "kg_query_workers": ("Query worker processes.", float(pool.size), {}),
            "kg_query_workers_busy": ("Queries being evaluated now.", float(stats.in_flight), {}),
            "kg_query_worker_restarts_total": ("Workers killed and replaced (time limit, crash).", float(stats.restarts), {}),
            "kg_query_timeouts_total": ("Queries stopped at the time limit.", float(stats.timeouts), {}),
            "kg_query_workers_network_denied": ("1 if the query workers run without network (SERVICE cannot fetch).",
                                                float(bool(stats.network_denied)), {}),
            "kg_query_client_cap": ("Queries one client may have in flight (0: no cap).", float(clients.cap), {}),
            "kg_build_info": ("The build being served.", 1.0, {"build_id": holder.build_id(), "version": __version__}),
            "kg_uptime_seconds": ("Seconds since the server started.", __import__("time").time() - metrics.started, {}),
        }
        return PlainTextResponse(metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8")

    app.include_router(sparql.router)
    # The same handler as a plain Starlette route in front: it skips FastAPI's per-request
    # dependency solving (a tenth of a millisecond per query); the APIRoute stays for OpenAPI.
    app.router.routes.insert(0, Route("/sparql", sparql.sparql_endpoint, methods=["GET", "POST"], name="sparql-fast"))
    app.include_router(querypage.router)
    app.include_router(void.router)
    app.include_router(downloads.router)
    app.include_router(linkeddata.router_for(""))
    prefix = linkeddata.base_path(settings)
    if prefix:
        app.include_router(linkeddata.router_for(prefix))

    @app.api_route("/{path:path}", methods=["PUT", "DELETE", "PATCH", "POST"], include_in_schema=False)
    async def _read_only(path: str) -> Response:
        return PlainTextResponse("this server is read-only: nothing can be written through it\n", status_code=403)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def _unknown(request: Request, path: str) -> Response:
        # without this route a GET here would match the write methods' path and be answered 405
        return linkeddata.not_found(request, None, "nothing is served at this path")

    app.add_middleware(LongUrlMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1000,
                       exclude_content_types=("application/gzip", "text/event-stream"))
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["ETag", "Content-Location", "Link", "Vary"], max_age=86400)
    app.add_middleware(MetricsMiddleware, metrics=metrics, paths={sparql.sparql_endpoint: "/sparql"})
    return app
