"""Prometheus metrics in the text exposition format, without a client library.

Counters and histograms live in memory of the server process; an ASGI
middleware counts every request by route template, method and status, and
``/metrics`` renders them with the worker pool's counters and the build id.
Touches nothing outside the process.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
HELP = {
    "kg_http_requests_total": ("counter", "HTTP requests by route template, method and status."),
    "kg_http_request_seconds": ("histogram", "Time to answer an HTTP request."),
    "kg_sparql_queries_total": ("counter", "SPARQL queries by outcome (HTTP status, timeout, busy, lost)."),
    "kg_sparql_query_seconds": ("histogram", "Time a worker spent evaluating and serialising a query."),
}

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """A small registry: counters and histograms keyed by name and labels."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, Labels], float] = defaultdict(float)
        self._hist: dict[tuple[str, Labels], list[float]] = {}
        self.started = time.time()

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] += amount

    def observe(self, name: str, value: float, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            h = self._hist.setdefault(key, [0.0] * (len(BUCKETS) + 2))  # buckets..., +Inf count, sum
            for i, bound in enumerate(BUCKETS):
                if value <= bound:
                    h[i] += 1
            h[len(BUCKETS)] += 1
            h[len(BUCKETS) + 1] += value

    def render(self, gauges: dict[str, tuple[str, float, dict[str, str]]]) -> str:
        """The exposition text; ``gauges`` maps a name to (help, value, labels)."""
        lines: list[str] = []
        with self._lock:
            counters = dict(self._counters)
            hists = {k: list(v) for k, v in self._hist.items()}
        names = sorted({n for n, _ in counters} | {n for n, _ in hists})
        for name in names:
            kind, help_text = HELP.get(name, ("counter", name))
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
            for (n, labels), value in sorted(counters.items()):
                if n == name:
                    lines.append(f"{name}{_labels(labels)} {_num(value)}")
            for (n, labels), h in sorted(hists.items()):
                if n != name:
                    continue
                for i, bound in enumerate(BUCKETS):
                    lines.append(f"{name}_bucket{_labels(labels + (('le', _num(bound)),))} {_num(h[i])}")
                lines.append(f"{name}_bucket{_labels(labels + (('le', '+Inf'),))} {_num(h[len(BUCKETS)])}")
                lines.append(f"{name}_count{_labels(labels)} {_num(h[len(BUCKETS)])}")
                lines.append(f"{name}_sum{_labels(labels)} {h[len(BUCKETS) + 1]!r}")
        for name, (help_text, value, labels) in sorted(gauges.items()):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge",
                      f"{name}{_labels(tuple(sorted(labels.items())))} {_num(value)}"]
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class MetricsMiddleware:
    """Counts requests by route template (not raw path: IRIs would explode the label set)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: dict[object, str] | None = None) -> None:
        self.app = app
        self.metrics = metrics
        #: endpoint function -> path template, for plain Starlette routes (which set no ``scope["route"]``)
        self.paths = paths if paths is not None else {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or self.paths.get(scope.get("endpoint")) or "unmatched"
            self.metrics.count("kg_http_requests_total", route=template, method=scope.get("method", ""),
                               status=str(status["code"]))
            self.metrics.observe("kg_http_request_seconds", time.perf_counter() - started, route=template)
