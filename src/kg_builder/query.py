"""Query: SPARQL over the built store, rendered as a table or a standard format.

Used by ``kg query`` and by the tests; the server has its own protocol layer
(``server/sparql.py``) but the same store and the same union default graph.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg_builder.store import open_store

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "table": ox.RdfFormat.TURTLE}


class QueryError(Exception):
    """A query that cannot run (syntax, no store); the message says why."""


def select(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    """Rows of a SELECT as plain strings (IRIs and literal values), for tests and tables."""
    result = store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("not a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def run_query(out_dir: Path, query: str, fmt: str = "table") -> str:
    try:
        store = open_store(out_dir)
    except (FileNotFoundError, OSError) as exc:
        raise QueryError(str(exc)) from exc
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"syntax error: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)).decode("utf-8")
    if fmt != "table":
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"format {fmt} is for CONSTRUCT/DESCRIBE results")
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_cell(row[n]) for n in names] for row in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} rows)")
    return "\n".join(out) + "\n"


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return " ".join(str(value).split())
