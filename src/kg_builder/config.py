"""Every setting of the project, in one place.

Paths, the IRI base, limits and versions live here; other modules import
them instead of keeping constants of their own. Environment variables
(``KG_*``) override the defaults so that a deployment can change the base
IRI or the limits without touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg_builder import __version__

#: The repository root when running from a checkout; data files are found from here.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = Path(__file__).resolve().parent

#: Version of the extraction rules. Bump it whenever a change to ``extract``,
#: ``link`` or ``ingest`` can change what is extracted: it is part of the
#: per-article cache key, so a bump re-extracts every article.
RULES_VERSION = "2026.12.01-2"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Run-time settings. Build one with :func:`settings`; pass it down."""

    base: str = "https://w3id.org/kepatuhan-kg/"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    out_dir: Path = PROJECT_ROOT / "build"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    queries_dir: Path = PROJECT_ROOT / "queries"
    curation_dir: Path = PROJECT_ROOT / "curation"
    reference_dir: Path = PACKAGE_ROOT / "reference"
    #: Articles larger than this are refused by ingest (bytes).
    max_article_bytes: int = 2_000_000
    #: Longest quote kept as evidence (code points); longer spans are refused.
    max_quote_chars: int = 300
    #: Characters of context kept on each side of a quote (oa:prefix/oa:suffix).
    quote_context_chars: int = 32
    #: Server limits.
    query_timeout_s: float = 30.0
    max_query_bytes: int = 100_000
    max_result_rows: int = 100_000
    #: Largest serialised result the endpoint sends (bytes); more is answered 413.
    max_result_bytes: int = 50_000_000
    #: Query worker processes (each query runs in one; killed at the time limit).
    query_workers: int = 4
    #: Queries one client (IP address) may have waiting or running at once; one more is answered 429.
    #: At most the worker count less one is in force, so one client never holds every worker; 0 turns it off.
    max_queries_per_client: int = 2
    allow_service: bool = False
    #: Worker processes for extraction; 0 means every core.
    jobs: int = 0
    #: Fewer uncached articles than this are extracted in-process (a pool costs ~0.3 s to start).
    parallel_min_articles: int = 64
    #: An incremental build gives way to a clean one when more than this share of the corpus files changed
    #: (and more than ``incremental_always_below`` files).
    incremental_max_share: float = 0.2
    incremental_always_below: int = 100
    #: Focus nodes per validation query of an incremental build.
    focus_chunk: int = 2000
    software_version: str = __version__
    rules_version: str = RULES_VERSION
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def okg(self) -> str:
        """The ontology's hash namespace."""
        return f"{self.base}def/okg#"


def settings(**overrides: object) -> Settings:
    """Settings from the defaults, the ``KG_*`` environment, then ``overrides``."""
    env: dict[str, object] = {}
    if "KG_BASE" in os.environ:
        env["base"] = _env("KG_BASE", Settings.base)
    if "KG_QUERY_TIMEOUT" in os.environ:
        env["query_timeout_s"] = float(_env("KG_QUERY_TIMEOUT", "30"))
    if "KG_JOBS" in os.environ:
        env["jobs"] = int(_env("KG_JOBS", "0"))
    if "KG_ALLOW_SERVICE" in os.environ:
        env["allow_service"] = _env("KG_ALLOW_SERVICE", "0") in {"1", "true", "yes"}
    for key, name, cast in (
        ("query_workers", "KG_QUERY_WORKERS", int),
        ("max_queries_per_client", "KG_MAX_QUERIES_PER_CLIENT", int),
        ("max_result_rows", "KG_MAX_RESULT_ROWS", int),
        ("max_result_bytes", "KG_MAX_RESULT_BYTES", int),
        ("max_query_bytes", "KG_MAX_QUERY_BYTES", int),
        ("queries_dir", "KG_QUERIES_DIR", Path),
        ("curation_dir", "KG_CURATION_DIR", Path),
    ):
        if name in os.environ:
            env[key] = cast(os.environ[name])
    env.update(overrides)
    for key in ("corpus_dir", "out_dir", "ontology_dir", "shapes_dir", "queries_dir", "curation_dir"):
        if key in env and not isinstance(env[key], Path):
            env[key] = Path(str(env[key]))
    return Settings(**env)  # type: ignore[arg-type]
