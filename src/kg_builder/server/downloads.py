"""Dumps under ``/download/``: the N-Quads of the build (plain and gzipped) and Turtle of the union graph.

``kg.nq`` is the build's own file. The other files are made on first request
and kept, per build, in a cache directory the server owns (a temporary
directory, never the build directory), so serving them is a file send.
Writes only in that cache directory.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from kg_builder.config import Settings
from kg_builder.server import conditional, pages, rdfout
from kg_builder.server.state import StoreHolder

router = APIRouter()


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    description: str


DUMPS = [
    Dump("kg.nq.gz", "application/gzip", "N-Quads, gzip: every named graph"),
    Dump("kg.nq", "application/n-quads", "N-Quads: every named graph"),
    Dump("kg.ttl", "text/turtle", "Turtle: the union of the named graphs"),
    Dump("kg.ttl.gz", "application/gzip", "Turtle, gzip: the union of the named graphs"),
]


class DumpCache:
    """Files derived from one build, made once."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kg-downloads-"))
        self._lock = threading.Lock()

    def path(self, holder: StoreHolder, settings: Settings, name: str) -> Path:
        if name == "kg.nq":
            return settings.out_dir / "kg.nq"
        build = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in holder.build_id())
        target = self.dir / build / name
        with self._lock:
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(target.suffix + ".part")
                self._make(holder, settings, name, tmp)
                tmp.rename(target)
        return target

    def _make(self, holder: StoreHolder, settings: Settings, name: str, tmp: Path) -> None:
        if name == "kg.nq.gz":
            with open(settings.out_dir / "kg.nq", "rb") as src, gzip.open(tmp, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        elif name == "kg.ttl":
            store = holder.get()
            triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            with open(tmp, "wb") as out:
                ox.serialize(triples, out, format=ox.RdfFormat.TURTLE, prefixes=rdfout.prefixes(settings.base))  # type: ignore[arg-type]
        elif name == "kg.ttl.gz":
            ttl = tmp.parent / "kg.ttl"
            if not ttl.exists():
                part = tmp.parent / "kg.ttl.part"
                self._make(holder, settings, "kg.ttl", part)
                part.rename(ttl)
            with open(ttl, "rb") as src, gzip.open(tmp, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@router.get("/download/", response_class=HTMLResponse, summary="The dumps")
async def index(request: Request) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    holder: StoreHolder = request.app.state.store
    nq = settings.out_dir / "kg.nq"
    files = [{"name": d.name, "description": d.description,
              "size": nq.stat().st_size if d.name == "kg.nq" and nq.exists() else None} for d in DUMPS]
    return HTMLResponse(pages.render("downloads.html", request, files=files, build_id=holder.build_id()))


@router.api_route("/download/{name}", methods=["GET", "HEAD"], summary="One dump", response_class=Response)
async def download(request: Request, name: str) -> Response:
    settings: Settings = request.app.state.settings
    holder: StoreHolder = request.app.state.store
    dump = next((d for d in DUMPS if d.name == name), None)
    if dump is None:
        return PlainTextResponse(f"no such download: {name}; see /download/\n", status_code=404)
    if not (settings.out_dir / "kg.nq").exists():
        return PlainTextResponse("this build has no kg.nq\n", status_code=404)
    tag = conditional.etag(holder.build_id(), name)
    if conditional.matches(request, tag):
        return conditional.not_modified(tag)
    cache: DumpCache = request.app.state.dumps
    path = await run_in_threadpool(cache.path, holder, settings, name)
    return FileResponse(path, media_type=dump.media_type, filename=name, headers={"ETag": tag})
