"""Benchmark: extraction throughput on one core (articles per second).

Runs ``ingest`` + ``extract`` (the per-article, parallelisable part of the
build) over every article of one or more corpus directories, several rounds,
in this single process, and prints a table. Reads files; writes nothing.

    .venv/bin/python bench/extract_throughput.py [--rounds 20] [CORPUS_DIR ...]

Default corpus: the bundled ``corpus/``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from kg_builder.config import PROJECT_ROOT, settings
from kg_builder.extract import extract
from kg_builder.ingest import read_corpus
from kg_builder.link import Gazetteer


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("corpora", nargs="*", type=Path, default=[PROJECT_ROOT / "corpus"])
    p.add_argument("--rounds", type=int, default=20)
    args = p.parse_args()

    s = settings()
    t0 = time.perf_counter()
    gazetteer = Gazetteer.load(s.reference_dir)
    gazetteer.find_mentions("Pemkab Jember")  # compile the name patterns once
    load_s = time.perf_counter() - t0

    rows = []
    for corpus_dir in args.corpora:
        t0 = time.perf_counter()
        corpus = read_corpus(corpus_dir, settings(corpus_dir=corpus_dir))
        ingest_s = time.perf_counter() - t0
        articles = corpus.articles
        chars = sum(len(a.text) for a in articles)
        per_round = []
        claims = 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            claims = sum(len(extract(a, gazetteer).claims) for a in articles)
            per_round.append(time.perf_counter() - t0)
        best, median = min(per_round), statistics.median(per_round)
        rows.append((corpus_dir.name, len(articles), chars, claims, ingest_s, median, len(articles) / median,
                     len(articles) / best, chars / median / 1000))

    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one process")
    print(f"gazetteer load + pattern compile: {load_s * 1000:.0f} ms (once per process)\n")
    header = ("corpus", "articles", "chars", "claims", "ingest s", "extract s (median)", "articles/s (median)",
              "articles/s (best)", "kchars/s")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        print(f"{r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]:.3f} | {r[5]:.3f} | {r[6]:.1f} | {r[7]:.1f} | {r[8]:.0f}")


if __name__ == "__main__":
    main()
