"""Parallel extraction: the per-article stage across worker processes.

Extraction is a pure function of one article (and the gazetteer), so it
spreads over processes with no shared state: each worker loads the gazetteer
once, articles go out in chunks, and the results come back in article order,
so a parallel build writes exactly the graph a serial one does. Articles
already in the cache never reach a worker.

Touches nothing on disk but the cache (through :class:`ExtractionCache`),
which each worker writes for the articles it extracts.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kg_builder.cache import ExtractionCache
from kg_builder.extract import extract
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Extraction

_gazetteer: Gazetteer | None = None
_cache: ExtractionCache | None = None


def _init(reference_dir: str, cache: ExtractionCache) -> None:
    global _gazetteer, _cache
    _gazetteer = Gazetteer.load(Path(reference_dir))
    _cache = cache


def _extract_chunk(articles: list[Article]) -> list[Extraction]:
    """Extract and keep in the cache, here in the worker: the writes run in parallel too."""
    assert _gazetteer is not None and _cache is not None
    out = []
    for a in articles:
        x = extract(a, _gazetteer)
        _cache.put(a.sha256, x)
        out.append(x)
    return out


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extract_all(
    articles: list[Article], gazetteer: Gazetteer, reference_dir: Path, cache: ExtractionCache, jobs: int,
    min_parallel: int = 64,
) -> list[Extraction]:
    """Every article's extraction, from the cache or made now (in ``jobs`` processes), in input order.

    Below ``min_parallel`` uncached articles the pool's start-up costs more than it saves.
    """
    found: list[Extraction | None] = []
    todo: list[int] = []
    for i, a in enumerate(articles):
        x = cache.get(a.sha256)
        if x is None or x.article_id != a.id:
            x = None
            todo.append(i)
        found.append(x)
    if jobs <= 1 or len(todo) < min_parallel:
        made = [extract(articles[i], gazetteer) for i in todo]
        for i, x in zip(todo, made):
            cache.put(articles[i].sha256, x)
    else:
        size = max(8, len(todo) // (jobs * 8))
        chunks = [[articles[i] for i in todo[k : k + size]] for k in range(0, len(todo), size)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(str(reference_dir), cache)) as pool:
            made = [x for part in pool.map(_extract_chunk, chunks) for x in part]
    for i, x in zip(todo, made):
        found[i] = x
    return [x for x in found if x is not None]
