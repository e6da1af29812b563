"""Build: the whole pipeline, from a corpus directory to a validated store.

ingest -> extract (+ link) -> emit -> consolidate -> validate -> store.
Outputs in ``OUT``: ``kg.nq`` (every named graph), ``store/`` (pyoxigraph),
``report/`` (validation and build report), ``manifest.sqlite`` (what the next
build needs to redo only what changed) and ``cache/`` (extractions).

Two ways to the same graph:

* a **clean** build reads every file, emits every segment
  (:mod:`kg_builder.segments`), bulk-loads a new store and validates all of it;
* an **incremental** build (the default when ``OUT`` holds the manifest of a
  build with the same code, rules, ontology, shapes, curation and settings)
  re-reads only the files whose size or mtime changed, re-emits their
  articles and the result groups those touch, applies the difference to a
  checkpoint of the live store (RocksDB hard links: instant), validates the
  nodes the change touched, and writes the new dump by copying the unchanged
  byte ranges of the old one. Its ``kg.nq`` is byte for byte the clean
  build's, but for the run's times (``tests/test_incremental.py``).

Either way, outputs are replaced only when the new graph conforms: a failed
build leaves the previous ``kg.nq``, ``store/`` and manifest in place, so a
server keeps serving the last good graph.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg_builder import curation, dump, parallel, segments, shacl, store, validate
from kg_builder.cache import ExtractionCache, reference_hash
from kg_builder.config import PACKAGE_ROOT, PROJECT_ROOT, Settings
from kg_builder.consolidate import RankedClaim
from kg_builder.emit import RunInfo, run_iri
from kg_builder.extract import extract
from kg_builder.ingest import FileStat, IngestError, merge_duplicates, read_file, scan
from kg_builder.iri import Iris, short_hash
from kg_builder.link import Gazetteer
from kg_builder.manifest import LAYOUT_VERSION, MANIFEST, ArticleRecord, FileRecord, Manifest, report_of
from kg_builder.model import Article, Extraction
from kg_builder.segments import Assembler

BUILD_ID_FILE = "build-id"
DUMP = "kg.nq"
CURATION = "curation"  # the contributor name of curators' claims among a group's members


class BuildError(Exception):
    """The build could not produce a graph; nothing in OUT was replaced."""


@dataclass
class BuildResult:
    conforms: bool
    articles: int
    claims: int
    triples: int
    ingest_errors: list[IngestError] = field(default_factory=list)
    issues: list[validate.Issue] = field(default_factory=list)
    unlinked: list[dict[str, str]] = field(default_factory=list)
    build_id: str = ""
    extracted: int = 0  # articles extracted by this build
    cached: int = 0  # articles whose extraction was not redone (from the cache, or untouched)
    incremental: bool = False
    reason: str = ""  # why the build was a clean one (empty for an incremental build)
    findings: list[dict] = field(default_factory=list)  # data-quality findings in the graph (validate.findings)

    @property
    def ok(self) -> bool:
        return self.conforms


def build(settings: Settings, *, strict: bool = False, full: bool = False) -> BuildResult:
    """Run the pipeline; replace the outputs only on success.

    Incremental when ``OUT`` holds a usable manifest and ``full`` is not set;
    the result's ``reason`` says why a build was a clean one.
    """
    out = settings.out_dir
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        _remove_temporaries(out)  # of a build that was killed
        started = _now()
        print_ = fingerprint(settings)
        previous, reason = (None, "--full was given") if full else _usable_manifest(out, print_)
        if previous is not None:
            try:
                return _Incremental(settings, strict, started, print_, previous).run()
            except _NeedsClean as exc:
                reason = str(exc)
            except sqlite3.DatabaseError as exc:
                reason = f"the manifest could not be read ({exc})"
            finally:
                previous.close()
                _remove_temporaries(out)
        try:
            return _Clean(settings, strict, started, print_, reason).run()
        finally:
            _remove_temporaries(out)


def _swap(new: Path, live: Path, old: Path) -> None:
    """Put ``new`` in the place of ``live``; the old file is removed in the background.

    Two renames, not one replace: on ext4 a rename over an existing file flushes
    the new file to disk first (auto_da_alloc; 0.4 s for a national dump). For
    the microseconds between the renames ``live`` is missing, which a reader
    sees as a build in progress; a crash there leaves a manifest that does not
    describe the outputs, so the next build is a clean one.
    """
    had = live.exists()
    if had:
        live.rename(old)
    new.rename(live)
    if had:
        store.remove_later(old)


def _remove_temporaries(out: Path) -> None:
    """A build's files beside the published ones (``.kg-*``, ``.store-*``, ``.manifest-*``) that were not published."""
    for path in out.glob(".kg-*.nq.tmp"):  # also .kg-old-*: an old dump whose removal was cut short
        path.unlink(missing_ok=True)
    for path in out.glob(".manifest-*.tmp"):
        path.unlink(missing_ok=True)
    for path in out.glob(".store-*"):
        shutil.rmtree(path, ignore_errors=True)


# --- what the graph depends on besides the corpus ----------------------------------------

def fingerprint(settings: Settings) -> dict[str, str]:
    """Hashes of everything except the corpus that shapes the graph, by part: settings, code, reference
    data, ontology, shapes, curation. An incremental build is only done on top of a build with the same."""
    def digest(*files: Path, text: str = "") -> str:
        h = hashlib.sha256(text.encode())
        for path in files:
            h.update(str(path).encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:16]

    def under(folder: Path, pattern: str) -> list[Path]:
        return sorted(p for p in folder.glob(pattern) if p.is_file()) if folder.is_dir() else []

    keys = ("base", "software_version", "rules_version", "quote_context_chars", "max_quote_chars", "max_article_bytes")
    setting_text = "".join(f"{k}={getattr(settings, k)}\n" for k in keys)
    setting_text += f"corpus={settings.corpus_dir.resolve()}\nlayout={LAYOUT_VERSION}\n"
    code = [p for p in sorted(PACKAGE_ROOT.rglob("*.py")) if "server" not in p.relative_to(PACKAGE_ROOT).parts]
    return {
        "settings": digest(text=setting_text),
        "code": digest(*code),
        "reference data": digest(*under(settings.reference_dir, "*.csv")),
        "ontology": digest(*under(settings.ontology_dir, "*.ttl")),
        "shapes": digest(*under(settings.shapes_dir, "**/*")),
        "curation": digest(*under(settings.curation_dir, "*.yaml")),
    }


def _usable_manifest(out: Path, print_: dict[str, str]) -> tuple[Manifest | None, str]:
    """The last build's manifest if the next build may start from it, else why not."""
    path = out / MANIFEST
    if not path.exists() or not (out / DUMP).exists() or not (out / store.STORE_DIR).is_dir():
        return None, "no earlier build in the output directory"
    try:
        m = Manifest(path)
        layout, old, built = m.meta("layout"), json.loads(m.meta("fingerprint") or "{}"), m.meta("build_id")
        size = m.meta("dump_size")
    except Exception:  # a damaged manifest only costs a clean build
        return None, "the manifest could not be read"
    problem = None
    if layout != LAYOUT_VERSION:
        problem = "the manifest is of another layout"
    elif changed := [part for part in print_ if old.get(part) != print_[part]]:
        problem = f"{', '.join(changed)} changed since the last build"
    elif built != _published_id(out) or size != str((out / DUMP).stat().st_size):
        problem = "the published outputs are not the ones the manifest describes"
    if problem:
        m.close()
        return None, problem
    return m, ""


# --- helpers shared by both ways -----------------------------------------------------------

class _NeedsClean(Exception):
    """The change cannot be applied incrementally (e.g. it touches a curated article)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _git_commit() -> str | None:
    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _published_id(out: Path) -> str | None:
    try:
        return (out / BUILD_ID_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


class _lock:
    """One build at a time per output directory."""

    def __init__(self, out: Path) -> None:
        self.path = out / ".build.lock"

    def __enter__(self) -> None:
        self.f = self.path.open("w")
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.f.close()
            raise BuildError(f"{self.path.parent}: another build is running there") from None

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def _error_record(rel: str, st: FileStat, e: IngestError) -> FileRecord:
    return FileRecord(rel, st.size, st.mtime_ns, st.sidecar, None, json.dumps([e.path, e.problem], ensure_ascii=False))


def _error_of(r: FileRecord) -> IngestError:
    path, problem = json.loads(r.problem or "[]")
    return IngestError(path, problem)


def _ranks(decisions: list[curation.Decision], by_id: dict[str, Article], iris: Iris) -> dict[URIRef, str]:
    """Statement ranks set by curators: claim IRI -> deprecated | preferred (a deprecation wins)."""
    from kg_builder.emit import Emitter

    emitter = Emitter(iris.base)
    ranks: dict[URIRef, str] = {}
    for d in decisions:
        if not d.added:
            for c in d.claims:
                iri = emitter.claim_iri(by_id[d.article_id], c)
                if ranks.get(iri) != "deprecated":
                    ranks[iri] = d.rank
    return ranks


def _article_report(a: Article, x: Extraction) -> dict:
    """What the build report lists for one article: its unlinked mentions and warnings."""
    return {
        "unlinked": [{"file": a.source_file, "surface": m.surface, "start": str(m.span.start)}
                     for m in x.mentions if m.entity is None],
        "warnings": list(x.warnings),
    }


def _build_id(settings: Settings, shas: list[str], decisions: list[curation.Decision]) -> str:
    return short_hash(settings.software_version, settings.rules_version, *shas,
                      *(f"{d.entry.file}:{d.entry.index}:{d.rank}" for d in decisions))


def _stages(clock: dict[str, float]) -> dict[str, float]:
    """Seconds spent in each stage, from the marks taken as the build went."""
    names = list(clock)
    return {b: round(clock[b] - clock[a], 3) for a, b in zip(names, names[1:])} | {
        "total": round(clock[names[-1]] - clock[names[0]], 3)}


def _issue_dicts(issues: list[validate.Issue]) -> list[dict]:
    from dataclasses import asdict

    return [asdict(i) for i in issues]


class _Build:
    """What a clean and an incremental build share: settings, clock, shapes, publishing."""

    incremental = False

    reason = ""

    def __init__(self, settings: Settings, strict: bool, started: str, print_: dict[str, str]) -> None:
        self.s = settings
        self.strict = strict
        self.started = started
        self.print_ = print_
        self.out = settings.out_dir
        self.clock = {"start": time.perf_counter()}
        self.iris = Iris(settings.base)
        self.jobs = settings.jobs or parallel.default_jobs()
        self.cache = ExtractionCache(self.out, settings.rules_version, reference_hash(settings.reference_dir))
        self.tag = short_hash(started, os.getpid(), time.perf_counter_ns())[:8]

    def mark(self, stage: str) -> None:
        self.clock[stage] = time.perf_counter()

    def checks(self) -> list[shacl.Check]:
        """The core shapes compiled to SPARQL; kept in the cache under the shapes' and compiler's hash."""
        files = sorted(p for p in self.s.shapes_dir.glob("*.ttl")) + [Path(shacl.__file__)]
        try:
            key = short_hash(self.s.base, *(hashlib.sha256(p.read_bytes()).hexdigest() for p in files))
            kept = self.out / "cache" / f"checks-{key}.pickle"
            if kept.exists():
                with contextlib.suppress(Exception):  # an unreadable cache entry is compiled again
                    return pickle.loads(kept.read_bytes())
            checks = shacl.compile_shapes(validate.load_shapes(self.s.shapes_dir, self.s.base))
        except (ValueError, OSError, SyntaxError) as exc:
            raise BuildError(str(exc)) from exc
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(checks))
        os.replace(tmp, kept)
        return checks

    @property
    def run_iri(self) -> str:
        return run_iri(self.iris, self.s.software_version, self.s.rules_version)

    def run_info(self) -> RunInfo:
        """The run, ending now (call it when everything else is emitted)."""
        return RunInfo(
            iri=self.run_iri,
            started=self.started,
            ended=_now(),
            software_version=self.s.software_version,
            rules_version=self.s.rules_version,
            git_commit=_git_commit(),
        )

    def load_curation(self) -> list[curation.Entry]:
        try:
            return curation.load(self.s.curation_dir)
        except curation.CurationError as exc:
            raise BuildError(str(exc)) from exc

    def apply_curation(self, entries: list[curation.Entry], articles: list[Article],
                       extractions: list[Extraction], gazetteer: Gazetteer) -> list[curation.Decision]:
        def known(key: str) -> bool:
            return key.split("/unit/")[0] in gazetteer.entities

        try:
            return curation.apply(entries, articles, extractions, known)
        except curation.CurationError as exc:
            raise BuildError(str(exc)) from exc

    def finish(
        self, *, conforms: bool, issues: list[validate.Issue], summary: dict, tmp_nq: Path, tmp_store: Path,
        manifest: Manifest, triples: int, build_id: str, articles: int, claims: int,
        errors: list[IngestError], unlinked: list[dict[str, str]], extracted: int,
    ) -> BuildResult:
        """Publish the outputs if the graph conforms; otherwise drop them and keep the previous ones."""
        report_dir = self.out / "report"
        summary.update({"incremental": self.incremental, "clean_because": self.reason, "extracted": extracted,
                        "from_cache": articles - extracted})
        if not conforms:
            store.discard(tmp_store)
            tmp_nq.unlink(missing_ok=True)
            manifest.close()
            manifest.path.unlink(missing_ok=True)
            summary["conforms"] = False
            validate.write_report(report_dir, issues, None, summary)
            return BuildResult(False, articles, claims, 0, errors, issues, unlinked, build_id, extracted,
                               articles - extracted, self.incremental, self.reason)
        stamp = f"{build_id}-{self.started}"
        manifest.replace_issues(_issue_dicts(issues))
        manifest.set_meta("triples", str(triples))
        manifest.set_meta("fingerprint", json.dumps(self.print_, sort_keys=True))
        manifest.set_meta("build_id", stamp)
        manifest.set_meta("dump_size", str(tmp_nq.stat().st_size))
        manifest.commit()
        manifest.close()
        _swap(tmp_nq, self.out / DUMP, self.out / f".kg-old-{self.tag}.nq.tmp")
        store.publish(tmp_store, self.out)
        _swap(manifest.path, self.out / MANIFEST, self.out / f".manifest-old-{self.tag}.tmp")
        (self.out / BUILD_ID_FILE).write_text(f"{stamp}\n", encoding="utf-8")
        self.mark("publish")
        summary.update({"conforms": True, "triples": triples, "seconds": _stages(self.clock)})
        validate.write_report(report_dir, issues, None, summary)
        return BuildResult(True, articles, claims, triples, errors, issues, unlinked, build_id, extracted,
                           articles - extracted, self.incremental, self.reason, summary.get("findings", []))


# --- the clean build -----------------------------------------------------------------------

class _Clean(_Build):
    def __init__(self, settings: Settings, strict: bool, started: str, print_: dict[str, str], reason: str) -> None:
        super().__init__(settings, strict, started, print_)
        self.reason = reason

    def run(self) -> BuildResult:
        s, out = self.s, self.out
        try:
            gazetteer = Gazetteer.load(s.reference_dir)
            if not s.corpus_dir.is_dir():
                raise IngestError(s.corpus_dir, "corpus directory does not exist")
            stats = scan(s.corpus_dir)
        except (IngestError, OSError) as exc:
            raise BuildError(str(exc)) from exc
        read = {rel: read_file(s.corpus_dir / rel, s.corpus_dir, s) for rel in stats}
        errors = [r for r in read.values() if isinstance(r, IngestError)]
        if self.strict and errors:
            raise BuildError("; ".join(str(e) for e in errors))
        articles = merge_duplicates([r for r in read.values() if isinstance(r, Article)])
        if not articles:
            raise BuildError(f"{s.corpus_dir}: no readable article")
        self.mark("ingest")
        extractions = parallel.extract_all(articles, gazetteer, s.reference_dir, self.cache, self.jobs,
                                           s.parallel_min_articles)
        # the graph needs claims, people, findings and units; of the mentions only the unlinked ones (for the
        # report): dropping the rest keeps memory flat at national scale
        extractions = [replace(x, mentions=tuple(m for m in x.mentions if m.entity is None)) for x in extractions]
        self.mark("extract")
        decisions = self.apply_curation(self.load_curation(), articles, extractions, gazetteer)
        by_id = {a.id: a for a in articles}
        checks = self.checks()
        build_id = _build_id(s, [a.sha256 for a in articles], decisions)

        asm = Assembler(s.base, self.run_iri, s.quote_context_chars, ranks=_ranks(decisions, by_id, self.iris))
        try:
            ref = asm.reference(s.ontology_dir, gazetteer)
        except (ValueError, OSError, SyntaxError) as exc:
            raise BuildError(str(exc)) from exc
        asm.curated_years = ref.curated_years
        manifest = Manifest.create(out / f".manifest-{self.tag}.tmp")
        tmp_nq = out / f".kg-{self.tag}.nq.tmp"
        writer = dump.DumpWriter(tmp_nq)
        said: list[tuple[str, segments.Contribution]] = []  # (contributor, contribution)
        by_group: dict[str, list[RankedClaim]] = defaultdict(list)
        records = []
        try:
            writer.write(segments.REFERENCE, segments.ORDER[segments.REFERENCE], ref.lines)
            for a, x in zip(articles, extractions):
                part = asm.article(a, x)
                writer.write(segments.article_key(a.id), segments.article_order(a.source_file), part.lines)
                said += [(a.id, c) for c in part.contributions]
                for g, rcs in segments.group_claims([part.ranked]).items():
                    by_group[g] += rcs
                records.append(ArticleRecord(a.id, a.sha256, a.source_file, len(x.claims), _article_report(a, x),
                                             part.groups, part.nodes))
            cur = asm.curation(decisions, by_id)
            said += [(CURATION, c) for c in cur.contributions]
            curated_groups = segments.group_claims([cur.ranked])
            for g, rcs in curated_groups.items():
                by_group[g] += rcs
            node_lines = _shared_nodes(asm, said)
            writer.write(segments.SHARED, segments.ORDER[segments.SHARED],
                         sorted(line for lines in node_lines.values() for line in lines))
            writer.write(segments.CURATION, segments.ORDER[segments.CURATION], cur.lines)
            for g in sorted(by_group):
                writer.write(segments.group_key(g), segments.group_order(g), asm.group(by_group[g], ref.bands))
            writer.write(segments.RUN, segments.ORDER[segments.RUN], asm.run(self.run_info()))
        except (ValueError, OSError) as exc:
            writer.close()
            tmp_nq.unlink(missing_ok=True)
            manifest.close()
            manifest.path.unlink(missing_ok=True)
            raise BuildError(str(exc)) from exc
        writer.close()
        self.mark("emit")

        # the manifest: what the next build starts from
        files = []
        for rel, st in stats.items():
            r = read[rel]
            files.append(_error_record(rel, st, r) if isinstance(r, IngestError)
                         else FileRecord(rel, st.size, st.mtime_ns, st.sidecar, r.id, None))
        manifest.put_files(files)
        manifest.put_articles(records)
        manifest.add_group_members((g, CURATION) for g in curated_groups)
        manifest.put_contributions(said)
        manifest.put_node_lines(node_lines)
        manifest.replace_segments(writer.segments)
        manifest.set_meta("run", self.run_iri)
        manifest.set_meta("bands", json.dumps(segments.bands_to_json(ref.bands)))
        manifest.set_meta("curated_years", json.dumps(sorted(ref.curated_years)))

        claims = sum(len(x.claims) for x in extractions)
        unlinked = [u for r in records for u in r.report["unlinked"]]
        summary = {
            "started": self.started, "build_id": build_id, "corpus": str(s.corpus_dir), "articles": len(articles),
            "claims": claims, "curation_decisions": _decisions_summary(decisions),
            "ingest_errors": [{"file": e.path, "problem": e.problem} for e in errors],
            "unlinked_mentions": unlinked,
            "warnings": {r.source_file: r.report["warnings"] for r in records if r.report["warnings"]},
        }
        # load the new store beside the live one and validate it there (on disk: memory stays flat)
        ox_store, tmp_store = store.load_fresh(tmp_nq, out)
        self.mark("load")
        try:
            issues = validate.core(ox_store, checks, s.base, threads=self.jobs)
            conforms = not any(i.severity == "Violation" for i in issues)
            if conforms:
                issues += validate.sanity(ox_store, s.shapes_dir / "sanity", s.base)
            summary["findings"] = validate.findings(ox_store, s.base)
            triples = len(ox_store)
        finally:
            del ox_store
        self.mark("validate")
        return self.finish(conforms=conforms, issues=issues, summary=summary, tmp_nq=tmp_nq, tmp_store=tmp_store,
                           manifest=manifest, triples=triples, build_id=build_id, articles=len(articles),
                           claims=claims, errors=errors, unlinked=unlinked, extracted=self.cache.misses)


def _decisions_summary(decisions: list[curation.Decision]) -> list[dict]:
    return [{"file": d.entry.file, "entry": d.entry.index + 1, "action": d.entry.action,
             "curator": d.entry.curator, "claims": len(d.claims)} for d in decisions]


# --- the incremental build -----------------------------------------------------------------

@dataclass
class _Change:
    """What changed in the corpus since the last build, file by file and article by article."""

    stats: dict[str, FileStat]  # every article file now
    changed: set[str]  # files new or with another size, mtime or sidecar
    gone: set[str]  # files no longer there
    read: dict[str, Article | IngestError]  # the changed files, read again
    after: dict[str, str]  # file -> article id, now
    files_of: dict[str, list[str]]  # article id -> its files (sorted; the first is the primary one), now,
    old_files_of: dict[str, list[str]]  # and at the last build: both for the articles a changed file names
    errors: list[IngestError]  # every file that cannot be read, old or new

    def files(self, aid: str) -> list[str]:
        """Any article's files now (a scan of every file: for the few articles curation names)."""
        return self.files_of.get(aid) or sorted(rel for rel, a in self.after.items() if a == aid)

    @property
    def touched(self) -> list[str]:
        """Articles to emit again: new, with another set of files, or with a changed file (a sidecar, a touch)."""
        return sorted({aid for aid in self.files_of if self.files_of[aid] != self.old_files_of.get(aid)} |
                      {self.after[rel] for rel in self.changed if rel in self.after})

    @property
    def removed(self) -> list[str]:
        return sorted(aid for aid in self.old_files_of if aid not in self.files_of)


class _Incremental(_Build):
    """The build that redoes only what a corpus change touches (see the module docstring)."""

    incremental = True

    def __init__(self, settings: Settings, strict: bool, started: str, print_: dict[str, str],
                 previous: Manifest) -> None:
        super().__init__(settings, strict, started, print_)
        self.previous = previous
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load(self.s.reference_dir)
        return self._gazetteer

    def run(self) -> BuildResult:
        s, out = self.s, self.out
        change = self._change()
        touched, removed = change.touched, change.removed
        new_articles = {aid: self._article(aid, change.files_of[aid], change.read) for aid in touched}
        self.mark("ingest")
        new_x = {aid: self._extraction(a) for aid, a in new_articles.items()}
        self.mark("extract")
        old_records = self.previous.articles(sorted({*touched, *removed}))
        decisions, curated = self._curation(change, new_articles, old_records)
        if self.run_iri != self.previous.meta("run"):
            raise _NeedsClean("the run changed")
        asm = Assembler(s.base, self.run_iri, s.quote_context_chars,
                        frozenset(json.loads(self.previous.meta("curated_years") or "[]")),
                        _ranks(decisions, curated | new_articles, self.iris))
        manifest = self._manifest_copy()

        # the touched articles' segments, and the shared lines that leave and enter the graph
        written: dict[str, tuple[str, list[str]]] = {}  # segment key -> (order, lines)
        replaced = {segments.article_key(aid) for aid in {*touched, *removed}} | {segments.RUN}
        parts = {aid: asm.article(new_articles[aid], new_x[aid]) for aid in touched}
        for aid, part in parts.items():
            written[segments.article_key(aid)] = (segments.article_order(new_articles[aid].source_file), part.lines)
        left, entered = self._update_shared(manifest, asm, old_records, parts)
        manifest.drop_articles(old_records.values())
        manifest.put_articles(ArticleRecord(aid, new_articles[aid].sha256, new_articles[aid].source_file,
                                            len(new_x[aid].claims), _article_report(new_articles[aid], new_x[aid]),
                                            part.groups, part.nodes) for aid, part in parts.items())

        # the result groups the change touches, consolidated again from all their claims
        groups = sorted({g for r in old_records.values() for g in r.groups} |
                        {g for p in parts.values() for g in p.groups})
        curated_by_group = segments.group_claims([asm.curation(decisions, curated).ranked])
        bands = segments.bands_from_json(json.loads(self.previous.meta("bands") or "{}"))
        group_claims: set[str] = set()
        for g in groups:
            members = manifest.articles(m for m in manifest.group_members(g) if m != CURATION)
            ranked = self._group_claims(g, members, parts, asm) + curated_by_group.get(g, [])
            replaced.add(segments.group_key(g))
            if ranked:
                written[segments.group_key(g)] = (segments.group_order(g), asm.group(ranked, bands))
            group_claims |= {str(rc.iri) for rc in ranked}
        if left or entered:
            written[segments.SHARED] = (segments.ORDER[segments.SHARED], manifest.shared_lines())
            replaced.add(segments.SHARED)
        written[segments.RUN] = (segments.ORDER[segments.RUN], asm.run(self.run_info()))
        self.mark("emit")

        # the new dump (the old one's unchanged byte ranges, copied in the kernel) is written meanwhile
        old_segments = manifest.segments()
        tmp_nq = out / f".kg-{self.tag}.nq.tmp"
        kept_segments = [seg for k, seg in old_segments.items() if k not in replaced]
        with ThreadPoolExecutor(1) as splicer:
            spliced = splicer.submit(dump.splice, out / DUMP, tmp_nq, kept_segments, written)
            conforms, issues, found, triples, changed_quads, tmp_store = self._patch_store(
                manifest, old_segments, replaced, written, left, entered, group_claims)
            manifest.replace_segments(spliced.result())
        self.mark("dump")  # what the splice took beyond the store's patching and validation

        # the new manifest and report
        manifest.drop_files(change.gone)
        manifest.put_files(
            _error_record(rel, change.stats[rel], r) if isinstance(r, IngestError)
            else FileRecord(rel, change.stats[rel].size, change.stats[rel].mtime_ns, change.stats[rel].sidecar, r.id, None)
            for rel, r in change.read.items())
        rows = manifest.article_summary()
        build_id = _build_id(s, [sha for _, sha, _, _ in rows], decisions)
        reports = [(f, report_of(rep)) for f, _, _, rep in rows if rep]
        unlinked = [u for _, rep in reports for u in rep["unlinked"]]
        claims = sum(n for _, _, n, _ in rows)
        summary = {
            "started": self.started, "build_id": build_id, "corpus": str(s.corpus_dir),
            "articles": len(rows), "claims": claims, "curation_decisions": _decisions_summary(decisions),
            "ingest_errors": [{"file": e.path, "problem": e.problem} for e in change.errors],
            "unlinked_mentions": unlinked,
            "warnings": {f: rep["warnings"] for f, rep in reports if rep["warnings"]},
            "changed_files": sorted(change.changed | change.gone), "articles_touched": len(touched) + len(removed),
            "groups_touched": len(groups), "quads_removed": changed_quads[0], "quads_added": changed_quads[1],
            "findings": found,
        }
        return self.finish(conforms=conforms, issues=issues, summary=summary, tmp_nq=tmp_nq, tmp_store=tmp_store,
                           manifest=manifest, triples=triples, build_id=build_id, articles=len(rows),
                           claims=claims, errors=change.errors, unlinked=unlinked, extracted=self.cache.misses)

    # -- the steps ----------------------------------------------------------------------
    def _patch_store(
        self, manifest: Manifest, old_segments: dict[str, dump.Segment], replaced: set[str],
        written: dict[str, tuple[str, list[str]]], left: set[str], entered: set[str], group_claims: set[str],
    ) -> tuple[bool, list[validate.Issue], list[dict], int, tuple[int, int], Path]:
        """The difference, applied to a checkpoint of the live store and validated where it touched.

        The focus is every IRI of a changed quad and every claim of a touched group
        (a sanity check relates the claims of one result); issues found before on
        other nodes are kept. Returns (conforms, issues, findings, quads, (removed,
        added), the new store's directory).
        """
        s = self.s
        removals, additions = self._difference(old_segments, replaced, written, left, entered)
        tmp_store = self.out / f".store-{self.tag}"
        live = store.open_store(self.out)
        live.backup(str(tmp_store))  # RocksDB checkpoint: hard links, instant
        del live
        ox_store = ox.Store(str(tmp_store))
        removed_quads, added_quads = _quads(removals), _quads(additions)
        triples = int(self.previous.meta("triples") or "0") + _apply(ox_store, removed_quads, added_quads)
        self.mark("load")
        focus = sorted(_iris(removed_quads + added_quads) | group_claims)
        try:
            fresh = validate.core(ox_store, self.checks(), s.base, threads=self.jobs, focus=focus, chunk=s.focus_chunk)
            conforms = not any(i.severity == "Violation" for i in fresh)
            if conforms:
                fresh += validate.sanity(ox_store, s.shapes_dir / "sanity", s.base, focus=focus, chunk=s.focus_chunk)
            found = validate.findings(ox_store, s.base)
            ox_store.flush()
        finally:
            del ox_store
        focus_set = set(focus)
        kept = [validate.Issue(**i) for i in manifest.issues() if i["focus"] not in focus_set]
        issues = sorted(kept + fresh, key=lambda i: (i.severity != "Violation", i.focus, i.path or "", i.message))
        self.mark("validate")
        return conforms, issues, found, triples, (len(removals), len(additions)), tmp_store

    def _change(self) -> _Change:
        """Which files changed (size, mtime, sidecar), what they read as now, and which articles that touches."""
        s = self.s
        if not s.corpus_dir.is_dir():
            raise BuildError(f"{s.corpus_dir}: corpus directory does not exist")
        stats = scan(s.corpus_dir)
        old_files = self.previous.files()
        changed = {rel for rel, st in stats.items()
                   if (r := old_files.get(rel)) is None or FileStat(r.size, r.mtime_ns, r.sidecar) != st}
        gone = set(old_files) - set(stats)
        if len(changed | gone) > max(s.incremental_max_share * len(stats), s.incremental_always_below):
            raise _NeedsClean(f"{len(changed | gone)} of {len(stats)} files changed: a clean build is as quick")
        read = {rel: read_file(s.corpus_dir / rel, s.corpus_dir, s) for rel in sorted(changed)}
        before = {rel: r.article for rel, r in old_files.items() if r.article}
        after = {rel: aid for rel, aid in before.items() if rel not in changed and rel not in gone}
        after.update({rel: r.id for rel, r in read.items() if isinstance(r, Article)})
        errors = [_error_of(r) for rel, r in old_files.items() if r.problem and rel not in changed and rel not in gone]
        errors += [r for r in read.values() if isinstance(r, IngestError)]
        if self.strict and errors:
            raise BuildError("; ".join(str(e) for e in sorted(errors, key=lambda e: e.path)))
        if not after:
            raise BuildError(f"{s.corpus_dir}: no readable article")

        named = ({before[rel] for rel in changed | gone if rel in before} |
                 {after[rel] for rel in changed if rel in after})
        return _Change(stats, changed, gone, read, after, _by_article(after, named), _by_article(before, named),
                       sorted(errors, key=lambda e: e.path))

    def _curation(self, change: _Change, new_articles: dict[str, Article],
                  old_records: dict[str, ArticleRecord]) -> tuple[list[curation.Decision], dict[str, Article]]:
        """The curators' decisions (their files are unchanged: the fingerprint says so) and the articles they name.

        A change to an article a decision names may move the decision anywhere: that takes a clean build.
        """
        entries = self.load_curation()
        if not entries:
            return [], {}
        names = {e.article for e in entries}
        for aid in {*change.touched, *change.removed}:
            own = {aid, *change.files_of.get(aid, ()), *change.old_files_of.get(aid, ())}
            own |= {r.sha256 for r in (old_records.get(aid), new_articles.get(aid)) if r is not None}
            if own & names:
                raise _NeedsClean(f"a curated article changed ({sorted(own & names)[0]}): "
                                  "curators' decisions may now apply elsewhere")
        ids = sorted({aid for n in names
                      if (aid := change.after.get(n) or self.previous.article_with_sha(n) or n) and change.files(aid)})
        curated = {aid: self._article(aid, change.files(aid)) for aid in ids}
        decisions = self.apply_curation(entries, list(curated.values()),
                                        [self._cached(a.sha256, a.id) for a in curated.values()], self.gazetteer)
        return decisions, curated

    @staticmethod
    def _update_shared(manifest: Manifest, asm: Assembler, old_records: dict[str, ArticleRecord],
                       parts: dict[str, segments.ArticlePart]) -> tuple[set[str], set[str]]:
        """Replace the old articles' contributions to shared nodes by the new ones, describe the nodes they
        touch again, and return the lines that leave and enter the graph."""
        nodes: set[str] = set()
        for r in old_records.values():
            manifest.drop_contributions(r.id, r.shared)
            nodes |= set(r.shared)
        for aid, part in parts.items():
            manifest.put_contributions((aid, c) for c in part.contributions)
            nodes |= set(part.nodes)
        left: set[str] = set()
        entered: set[str] = set()
        described = {}
        for node in sorted(nodes):
            got = manifest.contributions(node)
            described[node] = asm.shared(node, *got) if got else []
            old, new = set(manifest.node_lines(node)), set(described[node])
            left |= old - new
            entered |= new - old
        manifest.put_node_lines(described)
        return left, entered

    def _difference(self, old_segments: dict[str, dump.Segment], replaced: set[str],
                    written: dict[str, tuple[str, list[str]]], left: set[str], entered: set[str]
                    ) -> tuple[set[str], set[str]]:
        """The lines to remove from and add to the store: the replaced segments' old lines against their new ones.

        The shared segment is diffed by its counted lines, not by its text.
        """
        old_lines: set[str] = set()
        for seg, seg_lines in dump.read_segments(self.out / DUMP,
                                                 [old_segments[k] for k in replaced if k in old_segments]):
            if seg.key != segments.SHARED:
                old_lines.update(seg_lines)
        new_lines = {line for k, (_, seg_lines) in written.items() if k != segments.SHARED for line in seg_lines}
        removals = (old_lines - new_lines) | (left - entered)
        additions = (new_lines - old_lines) | (entered - left)
        if any("_:" in line for line in removals | additions):
            raise _NeedsClean("a changed segment names a blank node")  # only the reference segment may
        return removals, additions

    # -- helpers ------------------------------------------------------------------------
    def _manifest_copy(self) -> Manifest:
        tmp = self.out / f".manifest-{self.tag}.tmp"
        self.previous.db.commit()
        shutil.copyfile(self.previous.path, tmp)
        return Manifest(tmp)

    def _article(self, aid: str, files: list[str], read: dict[str, Article | IngestError] | None = None) -> Article:
        """An article as its primary file reads now (already read when it changed)."""
        got = (read or {}).get(files[0]) or read_file(self.s.corpus_dir / files[0], self.s.corpus_dir, self.s)
        if not isinstance(got, Article) or got.id != aid:
            raise _NeedsClean(f"{files[0]} changed while it was read")
        return replace(got, also_source_files=tuple(files[1:]))

    def _extraction(self, a: Article) -> Extraction:
        x = self.cache.get(a.sha256)
        if x is None or x.article_id != a.id:
            x = extract(a, self.gazetteer)
            self.cache.put(a.sha256, x)
        return replace(x, mentions=tuple(m for m in x.mentions if m.entity is None))

    def _cached(self, sha: str, aid: str) -> Extraction:
        """An unchanged article's extraction, from the cache (not counted: this build did not redo it)."""
        x = self.cache.peek(sha)
        if x is None or x.article_id != aid:
            raise _NeedsClean(f"the extraction cache lost article {aid}")
        return x

    def _group_claims(self, group: str, members: dict[str, ArticleRecord], parts: dict[str, segments.ArticlePart],
                      asm: Assembler) -> list[RankedClaim]:
        """The claims of one group, in the order a clean build has them (articles by source file)."""
        out: list[RankedClaim] = []
        for aid, r in sorted(members.items(), key=lambda kv: kv[1].source_file):
            if aid in parts:
                ranked = parts[aid].ranked
            else:
                ranked = []
                for c in self._cached(r.sha256, aid).claims:
                    iri = asm.emitter.claim_iri(aid, c)
                    ranked.append(RankedClaim(iri, aid, c, asm.ranks.get(iri, "normal")))
            out += [rc for rc in ranked if segments.group_of(rc.claim) == group]
        return out


def _shared_nodes(asm: Assembler, said: list[tuple[str, segments.Contribution]]) -> dict[str, list[str]]:
    """Every shared node's lines, from all that was said of it."""
    by_node: dict[str, tuple[str, set[tuple[str, str]]]] = {}
    for who, c in said:
        by_node.setdefault(c.node, (c.kind, set()))[1].add((who, c.data))
    return {node: asm.shared(node, kind, [data for _, data in sorted(pairs)]) for node, (kind, pairs) in by_node.items()}


def _by_article(files: dict[str, str], ids: set[str]) -> dict[str, list[str]]:
    """file -> article id, inverted for the articles ``ids``: article id -> its files, sorted (the first is the
    primary one)."""
    out: dict[str, list[str]] = defaultdict(list)
    for rel, aid in files.items():
        if aid in ids:
            out[aid].append(rel)
    return {aid: sorted(rels) for aid, rels in out.items()}


def _quads(lines: set[str]) -> list[ox.Quad]:
    return list(ox.parse("".join(sorted(lines)).encode("utf-8"), ox.RdfFormat.N_QUADS)) if lines else []


def _apply(st: ox.Store, removals: list[ox.Quad], additions: list[ox.Quad]) -> int:
    """Remove and add quads; the change in the number of quads in the store."""
    delta = 0
    for q in removals:
        if q in st:
            st.remove(q)
            delta -= 1
    for q in additions:
        if q not in st:
            st.add(q)
            delta += 1
    return delta


def _iris(quads: list[ox.Quad]) -> set[str]:
    """The subject and object IRIs of quads (the nodes whose description changed)."""
    out = set()
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            out.add(q.subject.value)
        if isinstance(q.object, ox.NamedNode):
            out.add(q.object.value)
    return out
