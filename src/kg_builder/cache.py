"""Cache: per-article extractions on disk, keyed by (canonical text hash, rules version).

Extraction is a pure function of the article's canonical text and the rules,
so its result can be kept between builds: a rebuild after one article changed
re-extracts that article only. The key includes ``RULES_VERSION`` (and the
gazetteer's hash, since linking reads it), so changed rules or reference data
re-extract everything. Entries are JSON files under ``OUT/cache/``; a missing
or unreadable entry is simply a miss.

This module reads and writes ``OUT/cache/`` and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg_builder.model import Claim, Entity, Extraction, Finding, Mention, Person, Span

CACHE_DIR = "cache"


#: The modules an extraction depends on besides the gazetteer: a change to any of them is a new cache.
EXTRACTOR_MODULES = ("extract", "link.py", "ingest.py", "model.py")


def reference_hash(reference_dir: Path) -> str:
    """A hash of the gazetteer files and of the extractor's code.

    Linking depends on the gazetteer as much as on the rules, and a change to
    the extractor's code that forgot to bump ``RULES_VERSION`` must not reuse
    extractions made by the old code.
    """
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    code = [p for name in EXTRACTOR_MODULES for p in sorted((package / name).rglob("*.py"))
            if (package / name).is_dir()] + [package / n for n in EXTRACTOR_MODULES if n.endswith(".py")]
    for path in [*sorted(reference_dir.glob("*.csv")), *code]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class ExtractionCache:
    """Extractions of earlier builds, and counts of what this build found there."""

    def __init__(self, out_dir: Path, rules_version: str, reference_key: str) -> None:
        self.dir = out_dir / CACHE_DIR / f"{_safe(rules_version)}-{reference_key}"
        self.hits = 0
        self.misses = 0

    def _path(self, sha256: str) -> Path:
        return self.dir / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str) -> Extraction | None:
        """The cached extraction, counted as a hit or a miss of this build."""
        x = self.peek(sha256)
        if x is None:
            self.misses += 1
        else:
            self.hits += 1
        return x

    def peek(self, sha256: str) -> Extraction | None:
        """The cached extraction, not counted (for an article this build does not extract)."""
        try:
            return from_json(json.loads(self._path(sha256).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, sha256: str, x: Extraction) -> None:
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(to_json(x), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in text)


# --- (de)serialisation: plain JSON, decimals as strings ------------------------------

def to_json(x: Extraction) -> dict[str, Any]:
    def enc(v: Any) -> Any:
        if isinstance(v, Decimal):
            return {"$decimal": str(v)}
        if isinstance(v, dict):
            return {k: enc(i) for k, i in v.items()}
        if isinstance(v, (list, tuple)):
            return [enc(i) for i in v]
        return v

    return enc(asdict(x))


def _dec(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"$decimal"}:
        return Decimal(v["$decimal"])
    return v


def _build(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    kwargs = {k: _dec(v) for k, v in data.items() if k in names}
    for key in ("span", "evidence"):
        if key in kwargs and isinstance(kwargs[key], dict):
            kwargs[key] = Span(**kwargs[key])
    for key, value in list(kwargs.items()):
        if isinstance(value, list):
            kwargs[key] = tuple(value)
    return cls(**kwargs)


def from_json(data: dict[str, Any]) -> Extraction:
    return Extraction(
        article_id=data["article_id"],
        claims=tuple(_build(Claim, c) for c in data["claims"]),
        mentions=tuple(_build(Mention, m) for m in data["mentions"]),
        people=tuple(_build(Person, p) for p in data["people"]),
        findings=tuple(_build(Finding, f) for f in data["findings"]),
        assessment_year=data["assessment_year"],
        main_entity=data["main_entity"],
        units=tuple(_build(Entity, u) for u in data["units"]),
        rules_version=data["rules_version"],
        warnings=tuple(data["warnings"]),
    )
