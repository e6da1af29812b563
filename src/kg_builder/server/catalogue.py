"""The researchers' query catalogue: the ``*.rq`` files of ``queries/``.

Read at request time, so the files present when the server runs are the
ones listed (in the Service Description and on the query page). The leading
``#`` comment lines of a file are its title (the first) and description (the
rest). Reads files only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg_builder.server.guard import inspect

MAX_QUERY_FILE_BYTES = 200_000


@dataclass(frozen=True)
class CatalogueQuery:
    """One query of the catalogue."""

    name: str  # file stem, used in URLs
    title: str
    description: str
    text: str
    form: str  # SELECT, CONSTRUCT, ASK, DESCRIBE, or "" when unknown


def load(queries_dir: Path) -> list[CatalogueQuery]:
    """Every readable ``*.rq`` file of ``queries_dir``, sorted by name; unreadable files are skipped."""
    if not queries_dir.is_dir():
        return []
    out: list[CatalogueQuery] = []
    for path in sorted(queries_dir.glob("*.rq")):
        try:
            if path.stat().st_size > MAX_QUERY_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append(_parse(path.stem, text))
    return out


def find(queries_dir: Path, name: str) -> CatalogueQuery | None:
    return next((q for q in load(queries_dir) if q.name == name), None)


HEADER = re.compile(r"^([A-Za-z][\w ()-]*?)\s*:\s*(.*)$")


def _parse(name: str, text: str) -> CatalogueQuery:
    """Leading comments: ``# title: …`` / ``# question (en): …`` headers, or a free first line as the title."""
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if comments:
                break
            continue
        if not stripped.startswith("#"):
            break
        comments.append(stripped.lstrip("#").strip())
    comments = [c for c in comments if c]
    fields: dict[str, str] = {}
    free: list[str] = []
    for c in comments:
        m = HEADER.match(c)
        if m and not c.lower().startswith(("prefix", "select", "http")):
            fields[m.group(1).strip().lower()] = m.group(2).strip()
        else:
            free.append(c)
    title = fields.get("title") or (free[0] if free else name.replace("-", " ").replace("_", " "))
    rest = free[1:] if not fields.get("title") else free
    parts = [fields[k] for k in ("question (en)", "pertanyaan (id)", "question", "description") if fields.get(k)]
    parts += rest
    for key in ("parameters", "returns"):
        if fields.get(key):
            parts.append(f"{key.capitalize()}: {fields[key]}")
    form = inspect(text).form or ""
    return CatalogueQuery(name, title, " ".join(parts), text, form)
