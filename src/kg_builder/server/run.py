"""Running the server: uvicorn with the HTTP protocol this application needs.

:func:`run` is ``uvicorn.run`` plus one choice: the httptools protocol of
:mod:`kg_builder.server.longurl`, so that a GET query whose URL is too long
to parse gets the endpoint's 414 and not the parser's 400. The event loop is
uvicorn's choice (uvloop where installed); the query workers' messages do
not depend on it (:mod:`kg_builder.server.ipc`).

``kg serve`` starts the server through :func:`run`. Starts the server;
touches nothing else.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from kg_builder.server.longurl import HttpToolsProtocol


def run(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info",
        access_log: bool = True) -> None:
    """Serve ``app`` until interrupted."""
    import uvicorn

    http: object = HttpToolsProtocol if HttpToolsProtocol is not None else "auto"
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=access_log,
                http=http)  # type: ignore[arg-type]
