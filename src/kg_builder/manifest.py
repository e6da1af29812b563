"""Manifest: what the last build read and where each part of its graph lies.

``OUT/manifest.sqlite`` lets the next build redo only what changed. It holds

* ``meta``: the fingerprint of everything but the corpus that shapes the
  graph (code, rules, ontology, shapes, curation, settings), the build id and
  the dump's size, the run's IRI, the zone bands and curated round years;
* ``files``: every corpus file with its size and mtime (and its sidecar's),
  the article it gave or the problem it had;
* ``articles``: each article's hash, primary file, claim count, report lines
  (unlinked mentions, warnings), result groups and shared items;
* the byte range of each segment of ``kg.nq`` (:mod:`kg_builder.dump`), as
  one JSON value of ``meta``: every offset moves when one segment changes
  size, and one value is written far quicker than 50 000 rows;
* ``group_articles``: which articles state something about each result group;
* ``shared_items`` / ``shared_lines``: the nodes several articles describe
  (people, outlets, service units, rounds), counted, so that a line leaves
  the graph only when no article describes it any more;
* ``issues``: the validation issues of the graph, by focus node.

A build writes a new manifest beside the old one and renames it into place
with the rest of its outputs; a manifest whose build id is not the published
one is ignored (the next build is a clean one).

Reads and writes only the manifest file it is given.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from kg_builder.dump import Segment

MANIFEST = "manifest.sqlite"
#: Bump when the tables or the dump's segment layout change: an older manifest is then ignored.
LAYOUT_VERSION = "3"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sidecar TEXT NOT NULL,
  article TEXT, problem TEXT);
CREATE TABLE articles (
  id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, source_file TEXT NOT NULL, claims INTEGER NOT NULL,
  report TEXT NOT NULL, groups TEXT NOT NULL, shared TEXT NOT NULL);
CREATE TABLE group_articles (grp TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (grp, article));
CREATE TABLE shared_items (item TEXT PRIMARY KEY, lines TEXT NOT NULL, count INTEGER NOT NULL);
CREATE TABLE shared_lines (line TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE issues (focus TEXT NOT NULL, issue TEXT NOT NULL);
CREATE INDEX issues_focus ON issues (focus);
"""


@dataclass(frozen=True)
class FileRecord:
    """A corpus file as the last build saw it."""

    path: str
    size: int
    mtime_ns: int
    sidecar: str  # "size:mtime_ns" of NAME.meta.yaml, or "" when there is none
    article: str | None
    problem: str | None


@dataclass(frozen=True)
class ArticleRecord:
    id: str
    sha256: str
    source_file: str
    claims: int
    report: dict
    groups: tuple[str, ...]
    shared: tuple[str, ...]


class Manifest:
    """One manifest file, opened for reading and writing (changes take effect on :meth:`commit`)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        if create:
            path.unlink(missing_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level="DEFERRED")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        if create:
            self.db.executescript(SCHEMA)
            self.set_meta("layout", LAYOUT_VERSION)

    @classmethod
    def create(cls, path: Path) -> "Manifest":
        return cls(path, create=True)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- files ------------------------------------------------------------------------
    def files(self) -> dict[str, FileRecord]:
        return {r[0]: FileRecord(*r) for r in self.db.execute("SELECT * FROM files")}

    def put_files(self, records: Iterable[FileRecord]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                            [(r.path, r.size, r.mtime_ns, r.sidecar, r.article, r.problem) for r in records])

    def drop_files(self, paths: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])

    # -- articles ---------------------------------------------------------------------
    def articles(self, ids: Iterable[str] | None = None) -> dict[str, ArticleRecord]:
        if ids is None:
            rows = self.db.execute("SELECT * FROM articles").fetchall()
        else:
            rows = [r for i in ids for r in self.db.execute("SELECT * FROM articles WHERE id = ?", (i,))]
        return {r[0]: ArticleRecord(r[0], r[1], r[2], r[3], json.loads(r[4]), tuple(json.loads(r[5])),
                                    tuple(json.loads(r[6]))) for r in rows}

    def article_summary(self) -> list[tuple[str, str, int, str]]:
        """``(source_file, sha256, claims, report JSON)`` of every article, by source file."""
        return self.db.execute("SELECT source_file, sha256, claims, report FROM articles ORDER BY source_file").fetchall()

    def put_articles(self, records: Iterable[ArticleRecord]) -> None:
        records = list(records)
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.id, r.sha256, r.source_file, r.claims, json.dumps(r.report, ensure_ascii=False),
              json.dumps(list(r.groups)), json.dumps(list(r.shared))) for r in records])
        self.db.executemany("INSERT OR IGNORE INTO group_articles VALUES (?, ?)",
                            [(g, r.id) for r in records for g in r.groups])

    def drop_articles(self, records: Iterable[ArticleRecord]) -> None:
        records = list(records)
        self.db.executemany("DELETE FROM articles WHERE id = ?", [(r.id,) for r in records])
        self.db.executemany("DELETE FROM group_articles WHERE grp = ? AND article = ?",
                            [(g, r.id) for r in records for g in r.groups])

    def article_with_sha(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def group_members(self, group: str) -> list[str]:
        """The contributors of a result group: article ids (and ``curation`` for curators' claims)."""
        return [r[0] for r in self.db.execute("SELECT article FROM group_articles WHERE grp = ? ORDER BY article", (group,))]

    def add_group_members(self, members: Iterable[tuple[str, str]]) -> None:
        """``(group, contributor)`` pairs for contributors that are not articles."""
        self.db.executemany("INSERT OR IGNORE INTO group_articles VALUES (?, ?)", list(members))

    def add_shared_counts(self, items: dict[str, list[str]], counts: dict[str, int]) -> None:
        """A clean build's shared items with their contributor counts, in one go."""
        self.db.executemany("INSERT INTO shared_items VALUES (?, ?, ?)",
                            [(item, "".join(items[item]), n) for item, n in counts.items()])
        lines: dict[str, int] = {}
        for item in counts:
            for line in set(items[item]):
                lines[line] = lines.get(line, 0) + 1
        self.db.executemany("INSERT INTO shared_lines VALUES (?, ?)", list(lines.items()))

    # -- segments ---------------------------------------------------------------------
    def segments(self) -> dict[str, Segment]:
        return {k: Segment(k, o, a, b) for k, o, a, b in json.loads(self.meta("segments") or "[]")}

    def replace_segments(self, segments: Iterable[Segment]) -> None:
        self.set_meta("segments", json.dumps([[s.key, s.order, s.start, s.end] for s in segments]))

    # -- shared items -----------------------------------------------------------------
    def add_shared(self, items: dict[str, list[str]], delta: int) -> tuple[set[str], set[str]]:
        """Count one more (``delta`` = 1) or one fewer (-1) contributor of each item.

        Returns the lines that entered the graph (their first item appeared) and
        those that left it (their last item went).
        """
        entered: set[str] = set()
        left: set[str] = set()
        for item, item_lines in items.items():
            row = self.db.execute("SELECT count FROM shared_items WHERE item = ?", (item,)).fetchone()
            before = row[0] if row else 0
            after = before + delta
            if after < 0:
                raise ValueError(f"shared item {item} counted below zero")
            if row is None:
                self.db.execute("INSERT INTO shared_items VALUES (?, ?, ?)", (item, "".join(item_lines), after))
            else:
                self.db.execute("UPDATE shared_items SET count = ? WHERE item = ?", (after, item))
            if (before == 0) == (after == 0):
                continue  # the item stays in (or out of) the graph: its lines do not move
            step = 1 if after > 0 else -1
            for line in set(item_lines):
                r = self.db.execute("SELECT count FROM shared_lines WHERE line = ?", (line,)).fetchone()
                n = (r[0] if r else 0) + step
                self.db.execute("INSERT OR REPLACE INTO shared_lines VALUES (?, ?)", (line, n))
                if step > 0 and n == 1:
                    entered.add(line)
                elif step < 0 and n == 0:
                    left.add(line)
        return entered, left

    def shared_lines(self) -> list[str]:
        """The lines of the shared segment: every line some live item has, sorted."""
        return [r[0] for r in self.db.execute("SELECT line FROM shared_lines WHERE count > 0 ORDER BY line")]

    def shared_items(self, items: Iterable[str]) -> dict[str, list[str]]:
        out = {}
        for item in items:
            row = self.db.execute("SELECT lines FROM shared_items WHERE item = ?", (item,)).fetchone()
            if row is not None:
                out[item] = row[0].splitlines(keepends=True)
        return out

    # -- validation issues ------------------------------------------------------------
    def issues(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT issue FROM issues ORDER BY rowid")]

    def replace_issues(self, issues: Iterable[dict]) -> None:
        self.db.execute("DELETE FROM issues")
        self.db.executemany("INSERT INTO issues VALUES (?, ?)",
                            [(i["focus"], json.dumps(i, ensure_ascii=False)) for i in issues])
