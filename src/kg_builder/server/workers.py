"""Query workers: SPARQL evaluation in separate processes with a hard time limit.

A pyoxigraph query cannot be interrupted from Python, so every query sent
to ``/sparql`` runs in a worker process that holds its own read-only handle
on the store. When a query passes its time limit the worker is killed and a
fresh one takes its place, so the work really stops and the next query does
not wait for it. Several workers serve at once: one client's heavy query
never blocks another's. Workers serialise the result themselves (the
pyoxigraph serialisers) and enforce the row and byte caps, so only the bytes
to send cross the process boundary, as framed messages over a socket pair
(:mod:`kg_builder.server.ipc`: a result of any size arrives whole, whatever
the event loop). Unless federated queries are allowed, a worker gives up
the network before it opens the store (:mod:`kg_builder.server.sandbox`):
even a ``SERVICE`` the guard missed cannot fetch anything.

Touches: the store directory (read-only) and child processes it starts.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg_builder.server import ipc

#: Largest job message a worker reads (a query is capped far below this by the protocol layer).
MAX_JOB_BYTES = 64 << 20
#: Room for the framing and the answer's other fields beyond the result body.
ANSWER_OVERHEAD = 1 << 20


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
    network_denied: bool = False  # whether the worker that answered runs without network


class QueryTimeout(Exception):
    """The query passed its time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy until the time limit."""


class WorkerLost(Exception):
    """A worker died while evaluating (out of memory, crash); it was replaced."""


# ---------------------------------------------------------------- worker side
SERVICE_REFUSED = ("the query tried to fetch data from another server (SERVICE); this endpoint never does: "
                   "query this graph only")


def _evaluate(store: object, job: QueryJob, network_denied: bool = False) -> QueryAnswer:
    """Run ``job`` on ``store`` and serialise the result; every failure of the query is a 4xx answer.

    pyoxigraph evaluates lazily, so errors can surface while the solutions
    are read: the whole read is inside the ``try``.
    """
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
        return _plain(400, f"SPARQL syntax error: {exc}")
    except PermissionError as exc:
        if network_denied:  # the sandbox refused a socket: only SERVICE opens one
            return _plain(403, SERVICE_REFUSED)
        return _plain(400, f"the query could not be evaluated: {exc}")
    except ValueError as exc:
        return _plain(400, f"invalid request: {exc}")
    except (OSError, RuntimeError, TypeError, ArithmeticError, LookupError) as exc:
        # evaluation errors of the query itself (a failing SERVICE, an unsupported term, ...)
        return _plain(400, f"the query could not be evaluated: {exc}")
    if len(answer.body) > job.max_bytes:
        return _too_large(f"the result is larger than {job.max_bytes} bytes; add a LIMIT or narrow the query")
    answer.seconds = time.perf_counter() - started
    return answer


def tsv_term(term: object) -> str:
    """A term as SPARQL TSV writes it: N-Triples, and a triple term as ``<<( s p o )>>``.

    ``str()`` of a pyoxigraph Triple is its three terms without delimiters,
    which the TSV reader cannot read back; the delimiters are added here,
    recursively for nested triple terms.
    """
    subject = getattr(term, "subject", None)
    if subject is None:
        return str(term)
    return f"<<( {tsv_term(subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} )>>"  # type: ignore[attr-defined]


def _solutions(ox: object, result: object, job: QueryJob) -> tuple[bytes | None, int]:
    """Serialise at most ``max_rows`` solutions; ``None`` when there are more.

    Solutions are read in Python to count them, written as SPARQL TSV
    (:func:`tsv_term`) and re-read by pyoxigraph, whose serialisers then
    write the requested format.
    """
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    lines = ["\t".join("?" + n for n in names)]
    rows = 0
    width = range(len(names))
    for solution in result:  # type: ignore[attr-defined]
        rows += 1
        if rows > job.max_rows:
            return None, rows
        lines.append("\t".join("" if (t := solution[i]) is None else tsv_term(t) for i in width))
    text = ("\n".join(lines) + "\n").encode("utf-8")
    if job.result_format == "TSV":
        return text, rows
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)  # type: ignore[attr-defined]
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, job.result_format or "JSON")), rows  # type: ignore[attr-defined]


def _plain(status: int, message: str) -> QueryAnswer:
    return QueryAnswer(status, "text/plain", (message.rstrip("\n") + "\n").encode("utf-8"))


def _not_acceptable(kind: str) -> QueryAnswer:
    return _plain(406, f"none of the accepted media types can carry {kind}")


def _too_large(message: str) -> QueryAnswer:
    return _plain(413, message)


def serve(sock: socket.socket, out_dir: str, deny_network: bool = True) -> None:
    """Worker main loop: give up the network, open the store, answer jobs until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    denied = False
    if deny_network:
        from kg_builder.server.sandbox import deny_network as _deny

        denied = _deny()  # before the store opens its threads
        if not denied:
            print("kg query worker: the network could not be switched off on this platform; "
                  "the SERVICE guard alone stands", file=sys.stderr, flush=True)
    from kg_builder.store import open_store

    sock.setblocking(True)
    store = None
    opened_for: str | None = None
    while True:
        try:
            build_id, job = ipc.recv(sock, MAX_JOB_BYTES)
        except (EOFError, OSError, KeyboardInterrupt, ipc.MessageTooLarge):
            return
        try:
            if store is None or build_id != opened_for:
                store = None
                store = open_store(Path(out_dir))
                opened_for = build_id
        except Exception as exc:  # noqa: BLE001 - the store is missing or unreadable: not the query's fault
            answer = _plain(503, f"the graph store could not be opened ({type(exc).__name__}); try again shortly")
        else:
            try:
                answer = _evaluate(store, job, denied)
            except Exception as exc:  # noqa: BLE001 - a worker never dies of one query; the parent hides details
                answer = _plain(500, f"the query could not be answered ({type(exc).__name__})")
        answer.network_denied = denied
        try:
            ipc.send(sock, answer)
        except OSError:
            return


# ---------------------------------------------------------------- server side
@dataclass
class Worker:
    """One worker process and the parent's (non-blocking) end of its socket pair."""

    process: mp.process.BaseProcess
    sock: socket.socket
    started: float = field(default_factory=time.monotonic)

    async def call(self, message: object, timeout: float, limit: int) -> QueryAnswer:
        """Send ``message`` and read the whole answer; TimeoutError after ``timeout`` seconds.

        Both directions go through the event loop's socket calls, which wait
        for room or data as often as a large message needs (no thread, no task).
        """
        async with asyncio.timeout(timeout):
            await ipc.asend(self.sock, message)
            answer = await ipc.arecv(self.sock, limit)
        if not isinstance(answer, QueryAnswer):
            raise WorkerLost("unexpected message from a worker")
        return answer

    def kill(self) -> None:
        try:
            self.sock.close()
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
    network_denied: bool | None = None  # as the last answering worker said


class WorkerPool:
    """A fixed number of query workers; a killed or dead worker is replaced at once."""

    def __init__(self, out_dir: Path, size: int, deny_network: bool = True) -> None:
        self.out_dir = out_dir
        self.size = max(1, size)
        self.deny_network = deny_network
        self.stats = PoolStats()
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[Worker] | None = None
        self._all: list[Worker] = []

    def _spawn(self) -> Worker:
        parent, child = socket.socketpair()
        process = self._ctx.Process(target=serve, args=(child, str(self.out_dir), self.deny_network), daemon=True,
                                    name="kg-query-worker")
        process.start()
        child.close()
        parent.setblocking(False)
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
        except TimeoutError:
            self.stats.busy += 1
            raise PoolBusy() from None
        if not worker.process.is_alive():
            self._retire(worker)
            self.stats.restarts += 1
            worker = self._spawn()
        self.stats.queries += 1
        self.stats.in_flight += 1
        try:
            answer = await worker.call((build_id, job), max(0.001, deadline - loop.time()),
                                       job.max_bytes + ANSWER_OVERHEAD)
        except TimeoutError:
            self.stats.timeouts += 1
            self._replace(worker)
            raise QueryTimeout() from None
        except asyncio.CancelledError:
            self._replace(worker)
            raise
        except (EOFError, OSError, WorkerLost, ipc.MessageTooLarge, ipc.ProtocolBroken):
            self.stats.lost += 1
            self._replace(worker)
            raise WorkerLost() from None
        finally:
            self.stats.in_flight -= 1
        self.stats.network_denied = answer.network_denied
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
