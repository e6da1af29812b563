"""The FastAPI application: ``create_app(settings)`` wires the routes.

Read-only by construction: the store is opened read-only, and the SPARQL
layer refuses updates before they reach it. The store is reopened when a
new build is published (``OUT/build-id`` changes), so ``kg build`` can run
while the server serves the previous graph.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from kg_builder import __version__
from kg_builder.config import Settings
from kg_builder.server import sparql
from kg_builder.store import open_store


class StoreHolder:
    """The live store; reopened when a newer build has been published."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._build_id: str | None = None
        self._store: ox.Store | None = None

    def build_id(self) -> str:
        path = self.out_dir / "build-id"
        return path.read_text(encoding="utf-8").strip() if path.exists() else "none"

    def get(self) -> ox.Store:
        current = self.build_id()
        with self._lock:
            if self._store is None or current != self._build_id:
                self._store = open_store(self.out_dir)
                self._build_id = current
            return self._store


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Kepatuhan KG",
        version=__version__,
        description="SPARQL 1.1 endpoint and Linked Data for the Ombudsman RI compliance-assessment graph.",
    )
    holder = StoreHolder(settings.out_dir)
    app.state.settings = settings
    app.state.store = holder

    @app.exception_handler(Exception)
    async def _no_traces(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - safety net
        return JSONResponse({"error": "internal error"}, status_code=500)

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        holder.get()
        return f"ok {holder.build_id()}\n"

    app.include_router(sparql.router)
    return app
