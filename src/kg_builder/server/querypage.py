"""The query page: the ``queries/`` catalogue, one-click runs, a results table and download links.

``/query`` lists the catalogue; ``/query?name=NAME`` runs a catalogue query
and ``/query?query=TEXT`` runs any query, through the same checks and worker
pool as ``/sparql`` (read-only, time limit, caps). The table links every IRI
to its page; the download links are ``/sparql`` URLs with a ``format``.
Works without script. Reads the catalogue and the store (for labels).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kg_builder.config import Settings
from kg_builder.server import catalogue, pages, sparql

router = APIRouter()
MAX_TABLE_ROWS = 1000
NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "short", "gYear")
RESULT_DOWNLOADS = [("JSON", "json"), ("XML", "xml"), ("CSV", "csv"), ("TSV", "tsv")]
GRAPH_DOWNLOADS = [("Turtle", "ttl"), ("N-Triples", "nt"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdfxml"), ("N-Quads", "nq")]


@dataclass
class Cell:
    text: str
    href: str = ""
    iri: str = ""
    numeric: bool = False


@dataclass
class Table:
    head: list[str]
    rows: list[list[Cell]]
    boolean: bool | None = None


def _cell(view: pages.View, term: dict[str, str] | None) -> Cell:
    if not term:
        return Cell("")
    if term.get("type") == "uri":
        iri = term["value"]
        return Cell(view.label(iri), view.href(iri), iri)
    datatype = term.get("datatype", "")
    return Cell(term.get("value", ""), numeric=datatype.endswith(NUMERIC))


def _term_cell(view: pages.View, term: object) -> Cell:
    if isinstance(term, ox.NamedNode):
        return Cell(view.label(term.value), view.href(term.value), term.value)
    if isinstance(term, ox.Literal):
        return Cell(term.value, numeric=term.datatype.value.endswith(NUMERIC))
    return Cell(str(term))


def to_table(view: pages.View, mime: str, body: bytes) -> Table:
    """A worker's JSON results or N-Triples as a table (the first MAX_TABLE_ROWS rows)."""
    if mime.startswith("application/sparql-results+json"):
        data = json.loads(body)
        if "boolean" in data:
            return Table([], [], bool(data["boolean"]))
        head = data["head"].get("vars", [])
        rows = [[_cell(view, b.get(v)) for v in head] for b in data["results"]["bindings"][:MAX_TABLE_ROWS]]
        return Table(head, rows)
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    rows = []
    for i, t in enumerate(triples):
        if i >= MAX_TABLE_ROWS:
            break
        rows.append([_term_cell(view, t.subject), _term_cell(view, t.predicate), _term_cell(view, t.object)])
    return Table(["subject", "predicate", "object"], rows)


@router.get("/query", response_class=HTMLResponse, summary="Query page: the catalogue, run a query, see a table")
async def query_page(request: Request) -> HTMLResponse:
    app = request.app
    settings: Settings = app.state.settings
    entries = catalogue.load(settings.queries_dir)
    name = request.query_params.get("name")
    text = request.query_params.get("query") or ""
    selected = None
    status, error, table, downloads = 200, "", None, []
    if name:
        selected = next((q for q in entries if q.name == name), None)
        if selected is None:
            status, error = 404, f"the catalogue has no query named {name!r}"
        else:
            text = selected.text
    if text and not error:
        try:
            job = sparql.build_job(text, {}, "application/sparql-results+json, application/n-triples", settings)
        except sparql.ProtocolError as exc:
            status, error = exc.status, exc.message
        else:
            result = await sparql.answer(app, job, sparql.client_of(request))
            if result.status != 200:
                status, error = result.status, result.body.decode("utf-8", "replace").strip()
            else:
                view = pages.View(app.state.store.get(), settings.base, request.scope.get("root_path", ""))
                table = to_table(view, result.mime, result.body)
                formats = GRAPH_DOWNLOADS if result.form == "graph" else RESULT_DOWNLOADS
                root = request.scope.get("root_path", "")
                downloads = [(label, f"{root}/sparql?" + urlencode({"query": text, "format": fmt})) for label, fmt in formats]
    html = pages.render("query.html", request, catalogue=entries, text=text, selected=selected, result=table,
                        error=error, status=status if error else "", downloads=downloads,
                        timeout=f"{settings.query_timeout_s:g}")
    headers = {"Retry-After": "1"} if status in (429, 503) else None
    return HTMLResponse(html, status_code=status, headers=headers)
