"""Conditional requests: ETags from the build id, and 304 on ``If-None-Match``.

Every document the server derives from the graph changes only when a new
build is published, so its validator is the build id plus the variant
(format). The tags are weak (``W/``) because gzip may re-encode the bytes.
Pure header logic.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response


def etag(build_id: str, variant: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_.:" else "_" for ch in f"{build_id}-{variant}")
    return f'W/"{safe}"'


def matches(request: Request, tag: str) -> bool:
    """Weak comparison of ``If-None-Match`` with ``tag`` (``*`` matches anything)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    bare = tag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


def not_modified(tag: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=304, headers={"ETag": tag, **(headers or {})})
