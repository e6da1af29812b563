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
* ``shared_contributions`` / ``shared_nodes``: what each article says of the
  nodes several articles describe (people, outlets, service units, curators,
  rounds), and each node's lines merged from all of it
  (:meth:`kg_builder.segments.Assembler.shared`);
* ``issues``: the validation issues of the graph, by focus node.

A build writes a new manifest beside the old one and renames it into place
with the rest of its outputs; a manifest whose build id is not the published
one is ignored (the next build is a clean one).

Reads and writes only the manifest file it is given.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg_builder.dump import Segment

if TYPE_CHECKING:
    from kg_builder.segments import Contribution

MANIFEST = "manifest.sqlite"
#: Bump when the tables or the dump's segment layout change: an older manifest is then ignored.
LAYOUT_VERSION = "4"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sidecar TEXT NOT NULL,
  article TEXT, problem TEXT);
CREATE TABLE articles (
  id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, source_file TEXT NOT NULL, claims INTEGER NOT NULL,
  report TEXT NOT NULL, groups TEXT NOT NULL, shared TEXT NOT NULL);
CREATE TABLE group_articles (grp TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (grp, article));
CREATE TABLE shared_contributions (
  node TEXT NOT NULL, contributor TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (node, contributor, data));
CREATE INDEX shared_by_contributor ON shared_contributions (contributor);
CREATE TABLE shared_nodes (node TEXT PRIMARY KEY, lines TEXT NOT NULL);
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
    shared: tuple[str, ...]  # the shared nodes it says something of


def report_of(text: str) -> dict:
    """An article's report as stored: unlinked mentions and warnings (empty when the text is)."""
    return json.loads(text) if text else {"unlinked": [], "warnings": []}


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
    def create(cls, path: Path) -> Manifest:
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
        return {r[0]: ArticleRecord(r[0], r[1], r[2], r[3], report_of(r[4]), tuple(json.loads(r[5])),
                                    tuple(json.loads(r[6]))) for r in rows}

    def article_summary(self) -> list[tuple[str, str, int, str]]:
        """``(source_file, sha256, claims, report JSON)`` of every article, by source file (read it with
        :func:`report_of`: most articles have nothing to report, and their report is stored empty)."""
        return self.db.execute("SELECT source_file, sha256, claims, report FROM articles ORDER BY source_file").fetchall()

    def put_articles(self, records: Iterable[ArticleRecord]) -> None:
        records = list(records)
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.id, r.sha256, r.source_file, r.claims,
              json.dumps(r.report, ensure_ascii=False) if any(r.report.values()) else "",
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

    # -- segments ---------------------------------------------------------------------
    def segments(self) -> dict[str, Segment]:
        return {k: Segment(k, o, a, b) for k, o, a, b in json.loads(self.meta("segments") or "[]")}

    def replace_segments(self, segments: Iterable[Segment]) -> None:
        self.set_meta("segments", json.dumps([[s.key, s.order, s.start, s.end] for s in segments]))

    # -- shared nodes -----------------------------------------------------------------
    def put_contributions(self, said: Iterable[tuple[str, Contribution]]) -> None:
        """``(contributor, contribution)`` pairs."""
        self.db.executemany("INSERT OR IGNORE INTO shared_contributions VALUES (?, ?, ?, ?)",
                            [(c.node, who, c.kind, c.data) for who, c in said])

    def drop_contributions(self, contributor: str, nodes: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM shared_contributions WHERE node = ? AND contributor = ?",
                            [(n, contributor) for n in nodes])

    def contributions(self, node: str) -> tuple[str, list[str]] | None:
        """``(kind, [data, ...])`` of every contribution to ``node``, in a fixed order; None when there is none."""
        rows = self.db.execute("SELECT kind, data FROM shared_contributions WHERE node = ? ORDER BY contributor, data",
                               (node,)).fetchall()
        return (rows[0][0], [r[1] for r in rows]) if rows else None

    def node_lines(self, node: str) -> list[str]:
        row = self.db.execute("SELECT lines FROM shared_nodes WHERE node = ?", (node,)).fetchone()
        return row[0].splitlines(keepends=True) if row else []

    def put_node_lines(self, nodes: dict[str, list[str]]) -> None:
        """Each node's current lines (a node without lines leaves the table)."""
        self.db.executemany("DELETE FROM shared_nodes WHERE node = ?", [(n,) for n, ls in nodes.items() if not ls])
        self.db.executemany("INSERT OR REPLACE INTO shared_nodes VALUES (?, ?)",
                            [(n, "".join(ls)) for n, ls in nodes.items() if ls])

    def shared_lines(self) -> list[str]:
        """The lines of the shared segment: every shared node's, sorted."""
        return sorted(line for (text,) in self.db.execute("SELECT lines FROM shared_nodes")
                      for line in text.splitlines(keepends=True))

    # -- validation issues ------------------------------------------------------------
    def issues(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT issue FROM issues ORDER BY rowid")]

    def replace_issues(self, issues: Iterable[dict]) -> None:
        self.db.execute("DELETE FROM issues")
        self.db.executemany("INSERT INTO issues VALUES (?, ?)",
                            [(i["focus"], json.dumps(i, ensure_ascii=False)) for i in issues])
