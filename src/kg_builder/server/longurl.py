"""URLs too long to read: 414 with the endpoint's own message, not the HTTP parser's 400.

Why: a GET query of 66-100 KB is below the endpoint's query cap, but its URL
is beyond what httptools can parse (65,535 bytes); uvicorn then answered
``400 Invalid HTTP request received.`` before the application saw anything.
Two parts:

* :class:`LongUrlMiddleware` (ASGI) answers ``414 URI Too Long`` with a
  message that says what to do (POST the query) for a request whose target
  is longer than :data:`MAX_URL_BYTES`, or that the protocol below marked as
  such. It works under any HTTP implementation (h11 passes long URLs through).
* :class:`HttpToolsProtocol` (uvicorn's httptools protocol, one change): a
  request whose URL httptools cannot parse is passed on with its path only
  and the mark, instead of being refused by the parser. Used by
  :mod:`kg_builder.server.run`.

Touches nothing but the request it answers.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

#: The longest request target httptools can parse (its URL offsets are 16-bit).
MAX_URL_BYTES = 65_535
#: Where the protocol leaves the length of a URL it could not parse.
EXTENSION = "kg.url_too_long"

MESSAGE = ("the URL is {n} bytes long, more than the {limit} bytes this server reads; send a long query by POST "
           "(Content-Type: application/sparql-query, or a form with query=...)\n")


def too_long(scope: Scope) -> int:
    """The length of the request target if it is too long to serve, else 0."""
    marked = (scope.get("extensions") or {}).get(EXTENSION)
    if marked:
        return int(marked)
    n = len(scope.get("raw_path") or b"") + 1 + len(scope.get("query_string") or b"")
    return n if n > MAX_URL_BYTES else 0


class LongUrlMiddleware:
    """414 for a request target longer than :data:`MAX_URL_BYTES`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (n := too_long(scope)):
            await self.app(scope, receive, send)
            return
        body = MESSAGE.format(n=n, limit=MAX_URL_BYTES).encode("utf-8")
        await send({"type": "http.response.start", "status": 414, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"vary", b"Accept")]})
        await send({"type": "http.response.body", "body": body})


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # httptools is not installed: uvicorn uses h11, which passes long URLs on
    _Base = None  # type: ignore[assignment,misc]

if _Base is not None:

    class HttpToolsProtocol(_Base):  # type: ignore[misc,valid-type]
        """uvicorn's httptools protocol, passing a URL too long for ``httptools.parse_url`` on to the app, marked."""

        def on_headers_complete(self) -> None:
            length = len(self.url)
            if length <= MAX_URL_BYTES:
                super().on_headers_complete()
                return
            path = self.url.split(b"?", 1)[0]
            self.url = path if len(path) <= MAX_URL_BYTES else b"/"
            super().on_headers_complete()
            if self.scope.get("type") == "http":
                self.scope.setdefault("extensions", {})[EXTENSION] = length  # type: ignore[typeddict-item]
else:
    HttpToolsProtocol = None  # type: ignore[assignment,misc]
