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

import pyoxigraph as ox
import subprocess
import time
from decimal import Decimal
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from kg_builder import consolidate, curation, parallel, shacl, store, validate
from kg_builder.cache import ExtractionCache, reference_hash
from kg_builder.config import PROJECT_ROOT, Settings
from kg_builder.emit import Emitter, RunInfo, Triples
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


class QuadWriter:
    """Streams triples to ``kg.nq``, each with its named graph.

    Emission goes article by article straight to disk, so memory does not grow
    with the corpus. Lines are not de-duplicated here (the store does that).
    """

    def __init__(self, nq: Path, base: str) -> None:
        self.base = base
        self.nq = nq.open("w", encoding="utf-8", buffering=1 << 20)

    def write(self, triples: "Graph | Triples", graph: str) -> None:
        ctx = f" <{self.base}graph/{graph}> .\n"
        source = canonical_bnodes(triples) if isinstance(triples, Graph) else triples
        lines = [f"{s.n3()} {p.n3()} {_nq_object(o)}" for s, p, o in source]
        if isinstance(triples, Graph):
            lines.sort()  # the reference graph comes from parsed files: give it a stable order
        self.nq.write("".join(line + ctx for line in lines))

    def close(self) -> None:
        self.nq.close()


def write_graphs(
    articles: list[Article], extractions: list[Extraction], gazetteer: Gazetteer, settings: Settings, run: RunInfo,
    decisions: list[curation.Decision], out: QuadWriter,
) -> None:
    """The three named graphs of a build (reference, claims, consolidated), streamed to ``out``."""
    emitter = Emitter(settings.base)
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
    out.write(reference, "reference")
    bands = zone_bands(reference, settings.base)
    del reference
    part = Triples()
    run_iri = emitter.run(part, run, articles)
    out.write(part, "claims")
    ranked: list[consolidate.RankedClaim] = []
    for a, x in zip(articles, extractions):
        part = Triples()
        emitter.extraction(part, a, x, run_iri, settings.quote_context_chars, ranks)
        out.write(part, "claims")
        for c in x.claims:
            iri = emitter.claim_iri(a, c)
            ranked.append(consolidate.RankedClaim(iri, a.id, c, ranks.get(iri, "normal")))
    part = Triples()
    for d in decisions:
        a = by_id[d.article_id]
        made = emitter.curation(part, d, a, settings.quote_context_chars)
        if d.added:
            ranked += [consolidate.RankedClaim(iri, a.id, c) for iri, c in zip(made, d.claims)]
    for article_id, finding in consolidate.cross_findings(ranked, bands):
        emitter.finding(part, by_id[article_id], finding, settings.quote_context_chars)
    out.write(part, "claims")
    part = Triples()
    consolidate.emit(part, ranked, emitter.iris)
    out.write(part, "consolidated")


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


def _nq_object(o: object) -> str:
    """N-Quads for an object: rdflib's n3() of a literal may use triple quotes, which N-Quads does not allow."""
    if isinstance(o, Literal):
        text = (str(o).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
        if o.language:
            return f'"{text}"@{o.language}'
        if o.datatype is not None and str(o.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{text}"^^<{o.datatype}>'
        return f'"{text}"'
    return o.n3()  # type: ignore[attr-defined]


def build(settings: Settings, *, strict: bool = False) -> BuildResult:
    """Run the pipeline; replace ``OUT/kg.nq`` and ``OUT/store`` only on success."""
    started = _now()
    clock = {"start": time.perf_counter()}
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
    clock["ingest"] = time.perf_counter()
    cache = ExtractionCache(out, settings.rules_version, reference_hash(settings.reference_dir))
    extractions = parallel.extract_all(articles, gazetteer, settings.reference_dir, cache,
                                       settings.jobs or parallel.default_jobs(), settings.parallel_min_articles)
    # the graph needs claims, people, findings and units; of the mentions only the unlinked ones (for the
    # report): dropping the rest keeps memory flat at national scale
    extractions = [replace(x, mentions=tuple(m for m in x.mentions if m.entity is None)) for x in extractions]
    clock["extract"] = time.perf_counter()
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
        checks = shacl.compile_shapes(validate.load_shapes(settings.shapes_dir, settings.base))
    except (ValueError, OSError, SyntaxError) as exc:
        raise BuildError(str(exc)) from exc
    tmp_nq = out / f".kg-{build_id}.nq.tmp"
    writer = QuadWriter(tmp_nq, settings.base)
    try:
        write_graphs(articles, extractions, gazetteer, settings, run, decisions, writer)
    except (ValueError, OSError, SyntaxError) as exc:
        raise BuildError(str(exc)) from exc
    finally:
        writer.close()
    clock["emit"] = time.perf_counter()
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
    jobs = settings.jobs or parallel.default_jobs()
    # load the new store beside the live one and validate it there (on disk: memory stays flat)
    ox_store, tmp_store = store.load_fresh(tmp_nq, out)
    clock["load"] = time.perf_counter()
    try:
        issues = validate.core(ox_store, checks, settings.base, threads=jobs)
        conforms = not any(i.severity == "Violation" for i in issues)
        if conforms:
            issues += validate.sanity(ox_store, settings.shapes_dir / "sanity", settings.base)
        triples = len(ox_store)
    finally:
        del ox_store
    clock["validate"] = time.perf_counter()
    if not conforms:
        store.discard(tmp_store)
    if not conforms:
        tmp_nq.unlink(missing_ok=True)
        summary["conforms"] = False
        validate.write_report(report_dir, issues, None, summary)
        return BuildResult(False, len(articles), summary["claims"], 0, list(corpus.errors), issues, unlinked,
                           build_id, cache.misses, cache.hits)
    summary.update({"conforms": True, "triples": triples, "seconds": _stages(clock)})
    os.replace(tmp_nq, out / "kg.nq")
    store.publish(tmp_store, out)
    (out / BUILD_ID_FILE).write_text(f"{build_id}-{started}\n", encoding="utf-8")
    validate.write_report(report_dir, issues, None, summary)
    return BuildResult(True, len(articles), summary["claims"], triples, list(corpus.errors), issues, unlinked, build_id,
                       cache.misses, cache.hits)


def _stages(clock: dict[str, float]) -> dict[str, float]:
    """Seconds spent in each stage, from the marks taken as the build went."""
    names = list(clock)
    return {b: round(clock[b] - clock[a], 3) for a, b in zip(names, names[1:])} | {
        "total": round(clock[names[-1]] - clock[names[0]], 3)}


def _unlinked(articles: list[Article], extractions: list[Extraction]) -> list[dict[str, str]]:
    return [
        {"file": a.source_file, "surface": m.surface, "start": str(m.span.start)}
        for a, x in zip(articles, extractions)
        for m in x.mentions
        if m.entity is None
    ]
