"""Running the server: uvicorn with the HTTP protocol this application needs.

:func:`run` is ``uvicorn.run`` plus one choice: the httptools protocol of
:mod:`kg_builder.server.longurl`, so that a GET query whose URL is too long
to parse gets the endpoint's 414 and not the parser's 400. The event loop is
uvicorn's choice (uvloop where installed); the query workers' messages do
not depend on it (:mod:`kg_builder.server.ipc`).

``python -m kg_builder.server.run --out DIR --port P`` serves a build the
same way ``kg serve`` does, with the settings of :mod:`kg_builder.config`.
Starts the server; touches nothing else.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from starlette.types import ASGIApp

from kg_builder.server.longurl import HttpToolsProtocol


def run(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info",
        access_log: bool = True) -> None:
    """Serve ``app`` until interrupted."""
    import uvicorn

    http: object = HttpToolsProtocol if HttpToolsProtocol is not None else "auto"
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=access_log,
                http=http)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    from kg_builder.config import settings
    from kg_builder.server.app import create_app

    p = argparse.ArgumentParser(prog="python -m kg_builder.server.run", description="serve a built graph")
    p.add_argument("--out", default=None)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--queries", default=None, help="the query catalogue folder (default queries/)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    args = p.parse_args(argv)
    s = settings(**({"out_dir": Path(args.out)} if args.out else {}))
    if args.queries:
        s = replace(s, queries_dir=Path(args.queries))
    run(create_app(s), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
