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
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef

from kg_builder import consolidate, curation, store, validate
from kg_builder.cache import ExtractionCache, reference_hash
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
    extracted: int = 0  # articles extracted by this build
    cached: int = 0  # articles whose extraction came from the cache

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
    articles: list[Article], extractions: list[Extraction], gazetteer: Gazetteer, settings: Settings, run: RunInfo,
    decisions: list[curation.Decision] | None = None,
) -> dict[str, Graph]:
    """The three named graphs of a build, from extractions already made (and curation applied)."""
    emitter = Emitter(settings.base)
    decisions = decisions or []
    by_id = {a.id: a for a in articles}
    ranks: dict[URIRef, str] = {}
    for d in decisions:
        if not d.added:
            for c in d.claims:
                iri = emitter.claim_iri(by_id[d.article_id], c)
                # a deprecation wins over a preference of the same claim
                if ranks.get(iri) != "deprecated":
                    ranks[iri] = d.rank
    units: dict[str, Entity] = {}
    for x in extractions:
        for u in x.units:
            units.setdefault(u.key, u)
    years = {c.year for x in extractions for c in x.claims} | {c.year for d in decisions if d.added for c in d.claims}
    reference = emitter.reference(settings.ontology_dir, gazetteer, sorted(units.values(), key=lambda e: e.key), years)
    claims = Graph()
    run_iri = emitter.run(claims, run, articles)
    ranked: list[consolidate.RankedClaim] = []
    for a, x in zip(articles, extractions):
        emitter.extraction(claims, a, x, run_iri, settings.quote_context_chars, ranks)
        for c in x.claims:
            iri = emitter.claim_iri(a, c)
            ranked.append(consolidate.RankedClaim(iri, a.id, c, ranks.get(iri, "normal")))
    for d in decisions:
        a = by_id[d.article_id]
        made = emitter.curation(claims, d, a, settings.quote_context_chars)
        if d.added:
            ranked += [consolidate.RankedClaim(iri, a.id, c) for iri, c in zip(made, d.claims)]
    for article_id, finding in consolidate.cross_findings(ranked, zone_bands(reference, settings.base)):
        emitter.finding(claims, by_id[article_id], finding, settings.quote_context_chars)
    consolidated = Graph()
    consolidate.emit(consolidated, ranked, emitter.iris)
    return {"reference": reference, "claims": claims, "consolidated": consolidated}


def zone_bands(reference: Graph, base: str) -> dict[int, list[tuple[str, Decimal, Decimal]]]:
    """Each round's zone bands from the reference data: year -> [(zone slug, min, max)]."""
    out: dict[int, list[tuple[str, Decimal, Decimal]]] = {}
    rows = reference.query(
        """PREFIX okg: <%sdef/okg#>
           SELECT ?year ?zone ?min ?max WHERE {
             ?round okg:assessmentYear ?year ; okg:scoreBand ?b .
             ?b okg:bandConcept ?zone ; okg:minScore ?min ; okg:maxScore ?max .
             FILTER (CONTAINS(STR(?zone), "/def/zone/")) }""" % base
    )
    for year, zone, lo, hi in rows:  # type: ignore[misc]
        out.setdefault(int(str(year)), []).append((str(zone).rsplit("/", 1)[1], Decimal(str(lo)), Decimal(str(hi))))
    return out


def canonical_bnodes(g: Graph) -> Graph:
    """``g`` with each blank node named by a hash of what it says (recursively).

    rdflib names blank nodes at random when it parses the ontology files, so
    two builds would differ; the blank nodes here are trees (a category count,
    a dimension weight, a creator), and their content names them stably.
    """
    memo: dict[BNode, str] = {}

    def label(b: BNode, seen: frozenset[BNode] = frozenset()) -> str:
        if b in memo:
            return memo[b]
        parts = []
        for p, o in g.predicate_objects(b):
            if isinstance(o, BNode):
                o_text = "[cycle]" if o in seen else "_:" + label(o, seen | {b})
            else:
                o_text = o.n3()
            parts.append(f"{p.n3()} {o_text}")
        memo[b] = "b" + short_hash(*sorted(parts))
        return memo[b]

    out = Graph()
    for s, p, o in g:
        out.add((BNode(label(s)) if isinstance(s, BNode) else s, p, BNode(label(o)) if isinstance(o, BNode) else o))
    return out


def write_nquads(named: dict[str, Graph], base: str, path: Path) -> int:
    """Every graph as sorted N-Quads (sorted so that two builds diff cleanly)."""
    ds = Dataset()
    for name, g in named.items():
        target = ds.graph(URIRef(f"{base}graph/{name}"))
        for t in canonical_bnodes(g):
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
    cache = ExtractionCache(out, settings.rules_version, reference_hash(settings.reference_dir))
    extractions = [_extract(a, gazetteer, cache) for a in articles]
    try:
        decisions = curation.apply(curation.load(settings.curation_dir), articles, extractions)
    except curation.CurationError as exc:
        raise BuildError(str(exc)) from exc
    build_id = short_hash(settings.software_version, settings.rules_version, *(a.sha256 for a in articles),
                          *(f"{d.entry.file}:{d.entry.index}:{d.rank}" for d in decisions))
    run = RunInfo(
        iri=f"{settings.base}id/run/{build_id}",
        started=started,
        ended=_now(),
        software_version=settings.software_version,
        rules_version=settings.rules_version,
        git_commit=_git_commit(),
    )
    try:
        named = graphs(articles, extractions, gazetteer, settings, run, decisions)
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
        "extracted": cache.misses,
        "from_cache": cache.hits,
        "curation_decisions": [{"file": d.entry.file, "entry": d.entry.index + 1, "action": d.entry.action,
                                "curator": d.entry.curator, "claims": len(d.claims)} for d in decisions],
        "ingest_errors": [{"file": e.path, "problem": e.problem} for e in corpus.errors],
        "unlinked_mentions": unlinked,
        "warnings": {a.source_file: list(x.warnings) for a, x in zip(articles, extractions) if x.warnings},
    }
    report_dir = out / "report"
    if not report.conforms:
        summary["conforms"] = False
        validate.write_report(report_dir, list(report.issues), report.results_graph, summary)
        return BuildResult(False, len(articles), summary["claims"], 0, list(corpus.errors),
                           list(report.issues), unlinked, build_id, cache.misses, cache.hits)
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
    return BuildResult(True, len(articles), summary["claims"], triples, list(corpus.errors), issues, unlinked, build_id,
                       cache.misses, cache.hits)


def _extract(a: Article, gazetteer: Gazetteer, cache: ExtractionCache) -> Extraction:
    """An article's extraction from the cache, or made now and cached."""
    x = cache.get(a.sha256)
    if x is None or x.article_id != a.id:
        x = extract(a, gazetteer)
        cache.put(a.sha256, x)
    return x


def _unlinked(articles: list[Article], extractions: list[Extraction]) -> list[dict[str, str]]:
    return [
        {"file": a.source_file, "surface": m.surface, "start": str(m.span.start)}
        for a, x in zip(articles, extractions)
        for m in x.mentions
        if m.entity is None
    ]
