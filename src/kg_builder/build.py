"""Build: the whole pipeline, from a corpus directory to a validated store.

ingest -> extract (+ link) -> emit -> consolidate -> validate -> store.
Outputs in ``OUT``: ``kg.nq`` (every named graph), ``store/`` (pyoxigraph),
``report/`` (validation and build report). Outputs are replaced only when
the new graph conforms: a failed build leaves the previous ``kg.nq`` and
``store/`` in place, so a server keeps serving the last good graph.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg_builder import consolidate, store, validate
from kg_builder.config import PROJECT_ROOT, Settings
from kg_builder.emit import Emitter, RunInfo
from kg_builder.extract import extract
from kg_builder.ingest import IngestError, read_corpus
from kg_builder.iri import short_hash
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Entity, Extraction

BUILD_ID_FILE = "build-id"


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

    @property
    def ok(self) -> bool:
        return self.conforms


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _git_commit() -> str | None:
    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def graphs(
    articles: list[Article], extractions: list[Extraction], gazetteer: Gazetteer, settings: Settings, run: RunInfo
) -> dict[str, Graph]:
    """The three named graphs of a build, from extractions already made."""
    emitter = Emitter(settings.base)
    units: dict[str, Entity] = {}
    for x in extractions:
        for u in x.units:
            units.setdefault(u.key, u)
    years = {c.year for x in extractions for c in x.claims}
    reference = emitter.reference(settings.ontology_dir, gazetteer, sorted(units.values(), key=lambda e: e.key), years)
    claims = Graph()
    run_iri = emitter.run(claims, run, articles)
    ranked: list[consolidate.RankedClaim] = []
    for a, x in zip(articles, extractions):
        emitter.extraction(claims, a, x, run_iri, settings.quote_context_chars)
        for c in x.claims:
            ranked.append(consolidate.RankedClaim(emitter.claim_iri(a, c), a.id, c))
    consolidated = Graph()
    consolidate.emit(consolidated, ranked, emitter.iris)
    return {"reference": reference, "claims": claims, "consolidated": consolidated}


def write_nquads(named: dict[str, Graph], base: str, path: Path) -> int:
    """Every graph as sorted N-Quads (sorted so that two builds diff cleanly)."""
    ds = Dataset()
    for name, g in named.items():
        target = ds.graph(URIRef(f"{base}graph/{name}"))
        for t in g:
            target.add(t)
    text = ds.serialize(format="nquads")
    lines = sorted(set(line for line in text.splitlines() if line.strip()))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def build(settings: Settings, *, strict: bool = False) -> BuildResult:
    """Run the pipeline; replace ``OUT/kg.nq`` and ``OUT/store`` only on success."""
    started = _now()
    out = settings.out_dir
    out.mkdir(parents=True, exist_ok=True)
    try:
        gazetteer = Gazetteer.load(settings.reference_dir)
        corpus = read_corpus(settings.corpus_dir, settings)
    except (IngestError, OSError) as exc:
        raise BuildError(str(exc)) from exc
    if strict and corpus.errors:
        raise BuildError("; ".join(str(e) for e in corpus.errors))
    articles = sorted(corpus.articles, key=lambda a: a.source_file)
    if not articles:
        raise BuildError(f"{settings.corpus_dir}: no readable article")
    extractions = [extract(a, gazetteer) for a in articles]
    build_id = short_hash(settings.software_version, settings.rules_version, *(a.sha256 for a in articles))
    run = RunInfo(
        iri=f"{settings.base}id/run/{build_id}",
        started=started,
        ended=_now(),
        software_version=settings.software_version,
        rules_version=settings.rules_version,
        git_commit=_git_commit(),
    )
    try:
        named = graphs(articles, extractions, gazetteer, settings, run)
        shapes = validate.load_shapes(settings.shapes_dir, settings.base)
    except (ValueError, OSError, SyntaxError) as exc:
        raise BuildError(str(exc)) from exc
    merged = Graph()
    for g in named.values():
        merged += g
    report = validate.shacl(merged, shapes)
    unlinked = _unlinked(articles, extractions)
    summary = {
        "started": started,
        "build_id": build_id,
        "corpus": str(settings.corpus_dir),
        "articles": len(articles),
        "claims": sum(len(x.claims) for x in extractions),
        "ingest_errors": [{"file": e.path, "problem": e.problem} for e in corpus.errors],
        "unlinked_mentions": unlinked,
        "warnings": {a.source_file: list(x.warnings) for a, x in zip(articles, extractions) if x.warnings},
    }
    report_dir = out / "report"
    if not report.conforms:
        summary["conforms"] = False
        validate.write_report(report_dir, list(report.issues), report.results_graph, summary)
        return BuildResult(False, len(articles), summary["claims"], 0, list(corpus.errors),
                           list(report.issues), unlinked, build_id)
    tmp_nq = out / f".kg-{build_id}.nq.tmp"
    triples = write_nquads(named, settings.base, tmp_nq)
    ox_store, tmp_store = store.load_fresh(tmp_nq, out)
    try:
        warnings = validate.sanity(ox_store, settings.shapes_dir / "sanity", settings.base)
    finally:
        del ox_store
    issues = list(report.issues) + warnings
    summary.update({"conforms": True, "triples": triples})
    os.replace(tmp_nq, out / "kg.nq")
    store.publish(tmp_store, out)
    (out / BUILD_ID_FILE).write_text(f"{build_id}-{started}\n", encoding="utf-8")
    validate.write_report(report_dir, issues, report.results_graph, summary)
    return BuildResult(True, len(articles), summary["claims"], triples, list(corpus.errors), issues, unlinked, build_id)


def _unlinked(articles: list[Article], extractions: list[Extraction]) -> list[dict[str, str]]:
    return [
        {"file": a.source_file, "surface": m.surface, "start": str(m.span.start)}
        for a, x in zip(articles, extractions)
        for m in x.mentions
        if m.entity is None
    ]
