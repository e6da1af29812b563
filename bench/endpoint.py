"""Benchmark: small-query latency of ``kg serve`` against ``oxigraph serve-read-only`` on the same kg.nq.

Builds the bundled corpus into a temporary directory (or uses ``--out``),
loads the same ``kg.nq`` into a second store for Oxigraph's own server
(``oxigraph load``; union default graph on, as ours), starts both on
loopback ports, and times a few small queries: p50/p99 latency and requests
per second at each concurrency (``--concurrency 1,8,32``), each client from
its own loopback address (127.0.0.2, .3, ...) as distinct users would be.
``--catalogue`` times five queries of ``queries/`` instead. Request counts are
bounded; both servers are stopped at the end. Writes only in temporary
directories.

    .venv/bin/python bench/endpoint.py [--out build] [--requests 400] [--concurrency 1,8,32] [--catalogue]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

QUERIES = {
    "ASK one IRI": "ASK { <https://w3id.org/kepatuhan-kg/id/assessment/2024/kota-blitar> ?p ?o }",
    "SELECT by IRI": "SELECT ?p ?o WHERE { <https://w3id.org/kepatuhan-kg/id/entity/kab-jember> ?p ?o }",
    "SELECT join LIMIT 10": """PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
SELECT ?r ?e ?s WHERE { ?r okg:assessedEntity ?e ; okg:score ?s } ORDER BY DESC(?s) LIMIT 10""",
    "quotes of a result": """PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?c ?q WHERE { ?c okg:aboutResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-jember> ;
  okg:evidence/oa:hasSelector/oa:exact ?q }""",
}

#: The catalogue queries timed with --catalogue: lookups a researcher runs often. Not the
#: whole-graph listings (stated-ranks, single-source, year-over-year: thousands of rows and
#: seconds of evaluation at 10 000 articles, in either server), which time the engine, not the endpoint.
CATALOGUE = ("units-of-result", "claims-behind-value", "entity-history", "quality-findings", "ranking")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited ({proc.returncode})")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: not ready after {seconds} s")


@dataclass
class Run:
    p50_ms: float
    p99_ms: float
    rps: float
    errors: int


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(endpoint: str, query: str, requests: int, concurrency: int) -> Run:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker(i: int) -> None:
        mine: list[float] = []
        # each client from its own loopback address, as distinct users are (kg serve caps queries per client)
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + i % 250}")
        with httpx.Client(timeout=30, headers={"Accept": "application/sparql-results+json"},
                          transport=transport) as client:
            try:  # warm the connection
                client.get(endpoint, params={"query": query})
            except httpx.HTTPError:
                pass
            for _ in range(per_thread):
                t0 = time.perf_counter()
                try:
                    ok = client.get(endpoint, params={"query": query}).status_code == 200
                except httpx.HTTPError:  # a timed-out request is an error, and its time is its latency
                    ok = False
                mine.append(time.perf_counter() - t0)
                if not ok:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return Run(percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000, len(latencies) / wall, errors[0])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, help="a build directory with kg.nq and store/ (default: build the corpus)")
    p.add_argument("--requests", type=int, default=400, help="requests per query and concurrency")
    p.add_argument("--concurrency", default="1,8", help="comma-separated client counts (e.g. 1,8,32)")
    p.add_argument("--catalogue", action="store_true",
                   help="time five catalogue queries from queries/ instead of the small built-in ones")
    args = p.parse_args()
    queries = QUERIES
    if args.catalogue:
        root = Path(__file__).resolve().parents[1] / "queries"
        queries = {name: (root / f"{name}.rq").read_text(encoding="utf-8") for name in CATALOGUE}
    levels = [int(c) for c in args.concurrency.split(",")]
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(oxigraph).exists():
        print("bench: the `oxigraph` command is missing: pip install oxigraph", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        out = args.out
        if out is None:
            out = tmp / "build"
            subprocess.run([sys.executable, "-m", "kg_builder", "build", "--out", str(out)], check=True,
                           stdout=subprocess.DEVNULL)
        ox_dir = tmp / "oxigraph"
        subprocess.run([oxigraph, "load", "--location", str(ox_dir), "--file", str(out / "kg.nq")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours_port, ox_port = free_port(), free_port()
        procs.append(subprocess.Popen([sys.executable, "-m", "kg_builder", "serve", "--out", str(out), "--port",
                                       str(ours_port), "--log-level", "warning", "--no-access-log"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([oxigraph, "serve-read-only", "--location", str(ox_dir), "--bind",
                                       f"127.0.0.1:{ox_port}", "--union-default-graph"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ours, theirs = f"http://127.0.0.1:{ours_port}/sparql", f"http://127.0.0.1:{ox_port}/query"
        wait_ready(ours, procs[0])
        wait_ready(theirs, procs[1])
        quads = sum(1 for _ in open(out / "kg.nq", encoding="utf-8"))
        print(f"kg.nq: {quads} quads; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the run; "
              f"{args.requests} requests per cell; "
              f"kg serve with {os.environ.get('KG_QUERY_WORKERS', '4')} workers")
        header = f"{'query':22} {'conc':>4} | {'kg p50':>7} {'kg p99':>7} {'kg r/s':>7} | {'ox p50':>7} {'ox p99':>7} {'ox r/s':>7} | {'p50 ×':>6} {'r/s ×':>6}"
        print(header)
        print("-" * len(header))
        for name, query in queries.items():
            for conc in levels:
                a = measure(ours, query, args.requests, conc)
                b = measure(theirs, query, args.requests, conc)
                print(f"{name:22} {conc:>4} | {a.p50_ms:7.2f} {a.p99_ms:7.2f} {a.rps:7.1f} | {b.p50_ms:7.2f} "
                      f"{b.p99_ms:7.2f} {b.rps:7.1f} | {a.p50_ms / b.p50_ms:6.2f} {a.rps / b.rps:6.2f}"
                      + (f"  errors: kg {a.errors}, ox {b.errors}" if a.errors or b.errors else ""))
        print("latencies in ms; 'p50 ×' = kg p50 / oxigraph p50 (lower is better for kg); "
              "'r/s ×' = kg throughput / oxigraph throughput")
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
