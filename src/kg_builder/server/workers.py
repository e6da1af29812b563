"""Query workers: SPARQL evaluation in separate processes with a hard time limit.

A pyoxigraph query cannot be interrupted from Python, so every query sent
to ``/sparql`` runs in a worker process that holds its own read-only handle
on the store. When a query passes its time limit the worker is killed and a
fresh one takes its place, so the work really stops and the next query does
not wait for it. Several workers serve at once: one client's heavy query
never blocks another's. Workers serialise the result themselves (the
pyoxigraph serialisers) and enforce the row and byte caps, so only the bytes
to send cross the process boundary.

Touches: the store directory (read-only) and child processes it starts.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate, with the formats already negotiated and the caps to apply."""

    query: str
    result_mime: str | None  # chosen for SELECT/ASK, None if the client accepts none
    graph_mime: str | None  # chosen for CONSTRUCT/DESCRIBE
    result_format: str | None  # pyoxigraph QueryResultsFormat name
    graph_format: str | None  # pyoxigraph RdfFormat name
    union_default_graph: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 100_000
    max_bytes: int = 50_000_000


@dataclass
class QueryAnswer:
    """What a worker sends back: a body to send, or an error status and message."""

    status: int
    mime: str
    body: bytes
    form: str = ""  # "solutions", "boolean", "graph" or "" for errors
    rows: int = 0
    seconds: float = 0.0


class QueryTimeout(Exception):
    """The query passed its time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy until the time limit."""


class WorkerLost(Exception):
    """A worker died while evaluating (out of memory, crash); it was replaced."""


# ---------------------------------------------------------------- worker side
def _evaluate(store: object, job: QueryJob) -> QueryAnswer:
    import pyoxigraph as ox

    kwargs: dict[str, object] = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in (job.default_graphs or ())]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in (job.named_graphs or ())]
    elif job.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    started = time.perf_counter()
    try:
        result = store.query(job.query, **kwargs)  # type: ignore[attr-defined]
        if isinstance(result, ox.QueryBoolean):
            if job.result_format is None:
                return _not_acceptable("SPARQL results")
            body = result.serialize(format=getattr(ox.QueryResultsFormat, job.result_format))
            answer = QueryAnswer(200, job.result_mime or "", body, "boolean", 1)
        elif isinstance(result, ox.QuerySolutions):
            if job.result_format is None:
                return _not_acceptable("SPARQL results")
            body, rows = _solutions(ox, result, job)
            if body is None:
                return _too_large(f"the result has more than {job.max_rows} rows; add a LIMIT or narrow the query")
            answer = QueryAnswer(200, job.result_mime or "", body, "solutions", rows)
        else:
            if job.graph_format is None:
                return _not_acceptable("RDF")
            triples = list(itertools.islice(result, job.max_rows + 1))
            if len(triples) > job.max_rows:
                return _too_large(f"the result has more than {job.max_rows} triples; add a LIMIT or narrow the query")
            fmt = getattr(ox.RdfFormat, job.graph_format)
            items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples] if fmt.supports_datasets else triples
            body = ox.serialize(items, format=fmt)
            answer = QueryAnswer(200, job.graph_mime or "", body, "graph", len(triples))
    except SyntaxError as exc:
        return QueryAnswer(400, "text/plain", f"SPARQL syntax error: {exc}\n".encode())
    except ValueError as exc:
        return QueryAnswer(400, "text/plain", f"invalid request: {exc}\n".encode())
    except OSError as exc:
        return QueryAnswer(500, "text/plain", f"the query could not be evaluated: {exc}\n".encode())
    if len(answer.body) > job.max_bytes:
        return _too_large(f"the result is larger than {job.max_bytes} bytes; add a LIMIT or narrow the query")
    answer.seconds = time.perf_counter() - started
    return answer


def _solutions(ox: object, result: object, job: QueryJob) -> tuple[bytes | None, int]:
    """Serialise at most ``max_rows`` solutions; ``None`` when there are more.

    Solutions are read in Python to count them, written as SPARQL TSV
    (whose terms are N-Triples, exactly ``str(term)``) and re-read by
    pyoxigraph, whose serialisers then write the requested format.
    """
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    lines = ["\t".join("?" + n for n in names)]
    rows = 0
    for solution in result:  # type: ignore[attr-defined]
        rows += 1
        if rows > job.max_rows:
            return None, rows
        lines.append("\t".join("" if (t := solution[i]) is None else str(t) for i in range(len(names))))
    if job.result_format == "TSV":
        return ("\n".join(lines) + "\n").encode("utf-8"), rows
    parsed = ox.parse_query_results(  # type: ignore[attr-defined]
        ("\n".join(lines) + "\n").encode("utf-8"), format=ox.QueryResultsFormat.TSV  # type: ignore[attr-defined]
    )
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, job.result_format or "JSON")), rows  # type: ignore[attr-defined]


def _not_acceptable(kind: str) -> QueryAnswer:
    return QueryAnswer(406, "text/plain", f"none of the accepted media types can carry {kind}\n".encode())


def _too_large(message: str) -> QueryAnswer:
    return QueryAnswer(413, "text/plain", (message + "\n").encode())


def serve(conn: Connection, out_dir: str) -> None:
    """Worker main loop: open the store, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    from kg_builder.store import open_store

    store = None
    opened_for: str | None = None
    while True:
        try:
            build_id, job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if store is None or build_id != opened_for:
                store = open_store(Path(out_dir))
                opened_for = build_id
            answer = _evaluate(store, job)
        except Exception as exc:  # a worker never dies of one query; the parent hides details
            answer = QueryAnswer(500, "text/plain", f"the query could not be evaluated ({type(exc).__name__})\n".encode())
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------- server side
@dataclass
class Worker:
    """One worker process and the parent's end of its pipe."""

    process: mp.process.BaseProcess
    conn: Connection
    started: float = field(default_factory=time.monotonic)

    async def call(self, message: object, timeout: float) -> QueryAnswer:
        """Send ``message`` and wait for the answer; TimeoutError after ``timeout`` seconds.

        The wait is a future woken by the pipe becoming readable (no thread,
        no task), with a timer for the limit.
        """
        self.conn.send(message)
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: None if ready.done() else ready.set_result(None))
        timer = loop.call_later(timeout, lambda: None if ready.done() else ready.set_exception(TimeoutError()))
        try:
            await ready
        finally:
            timer.cancel()
            loop.remove_reader(fd)
        answer = self.conn.recv()
        if not isinstance(answer, QueryAnswer):
            raise WorkerLost("unexpected message from a worker")
        return answer

    def kill(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


@dataclass
class PoolStats:
    """Counters read by ``/metrics``."""

    queries: int = 0
    timeouts: int = 0
    busy: int = 0
    restarts: int = 0
    lost: int = 0
    in_flight: int = 0


class WorkerPool:
    """A fixed number of query workers; a killed or dead worker is replaced at once."""

    def __init__(self, out_dir: Path, size: int) -> None:
        self.out_dir = out_dir
        self.size = max(1, size)
        self.stats = PoolStats()
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[Worker] | None = None
        self._all: list[Worker] = []

    def _spawn(self) -> Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=serve, args=(child, str(self.out_dir)), daemon=True, name="kg-query-worker")
        process.start()
        child.close()
        worker = Worker(process, parent)
        self._all.append(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)

    def start(self) -> None:
        """Start the workers (inside the running event loop)."""
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.size):
                self._idle.put_nowait(self._spawn())

    def stop(self) -> None:
        for worker in list(self._all):
            self._retire(worker)
        self._idle = None

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]

    async def run(self, job: QueryJob, build_id: str, timeout: float) -> QueryAnswer:
        """Evaluate ``job`` in a worker; raises QueryTimeout, PoolBusy or WorkerLost."""
        self.start()
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = self._idle.get_nowait() if not self._idle.empty() else await asyncio.wait_for(self._idle.get(), timeout)
        except (asyncio.TimeoutError, TimeoutError):
            self.stats.busy += 1
            raise PoolBusy() from None
        if not worker.process.is_alive():
            self._retire(worker)
            self.stats.restarts += 1
            worker = self._spawn()
        self.stats.queries += 1
        self.stats.in_flight += 1
        try:
            answer = await worker.call((build_id, job), max(0.001, deadline - loop.time()))
        except (asyncio.TimeoutError, TimeoutError):
            self.stats.timeouts += 1
            self._replace(worker)
            raise QueryTimeout() from None
        except asyncio.CancelledError:
            self._replace(worker)
            raise
        except (EOFError, OSError, WorkerLost):
            self.stats.lost += 1
            self._replace(worker)
            raise WorkerLost() from None
        finally:
            self.stats.in_flight -= 1
        self._idle.put_nowait(worker)
        return answer

    def _replace(self, worker: Worker) -> None:
        self._retire(worker)
        self.stats.restarts += 1
        if self._idle is not None:
            self._idle.put_nowait(self._spawn())


def default_worker_count() -> int:
    """Enough workers that a few heavy queries leave room for the rest."""
    return max(4, os.cpu_count() or 1)
