"""Segments: the graph cut into the parts that change together.

A build emits the graph as segments of N-Quads lines (:mod:`kg_builder.dump`
writes them). The cut is chosen so that a changed article touches as few
segments as possible and every line belongs to exactly one segment:

==============  ==========================  ==============================================================
segment         key                         lines
==============  ==========================  ==============================================================
reference       ``reference``               ontology, schemes, curated reference data, the gazetteer's
                                            entities, the Ombudsman's offices (sorted; blank nodes named
                                            by their content)
run             ``run``                     the run and its software agent (last: its end time is
                                            when every other segment was emitted)
article         ``article:<id>``            the article, its claims and their evidence, its own findings,
                                            and ``<run> prov:used <article>``
shared          ``shared``                  nodes several articles describe (outlets, people, service
                                            units, rounds the reference data lacks), each line once
curation        ``curation``                curators' decisions and the claims they add
group           ``group:<year>/<entity>``   the results of one entity in one round and of its units, their
                                            consolidated values and conflicts, and the findings across
                                            their claims (which point to spans the articles describe)
==============  ==========================  ==============================================================

Consolidation never looks past a group: every decision is about one result or
one entity's units in one round. So a changed article re-consolidates only its
groups. Shared nodes come in *items* (all the lines one article gives one node);
items are counted by :mod:`kg_builder.manifest`, so a line leaves the graph only
when no article describes the node that way any more.

Pure: takes pipeline data, returns lines. Reads the ontology files (reference only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, BNode, Graph, Namespace, URIRef

from kg_builder import consolidate, dump
from kg_builder.emit import Emitter, RunInfo, Triples
from kg_builder.iri import short_hash
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Claim, Extraction

if TYPE_CHECKING:
    from kg_builder.curation import Decision

REFERENCE, RUN, SHARED, CURATION = "reference", "run", "shared", "curation"
#: Where each kind of segment lies in the dump (articles by source file, groups by key).
ORDER = {REFERENCE: "0", SHARED: "3", CURATION: "4", RUN: "6"}  # the run last: it ends when the rest is emitted

Bands = dict[int, list[tuple[str, Decimal, Decimal]]]


def article_key(article_id: str) -> str:
    return f"article:{article_id}"


def article_order(source_file: str) -> str:
    return f"2:{source_file}"


def group_key(group: str) -> str:
    return f"group:{group}"


def group_order(group: str) -> str:
    return f"5:{group}"


def group_of(claim: Claim) -> str | None:
    """The result group of a claim: its round and the entity its subject (or the subject's owner) is."""
    if claim.subject is None:
        return None
    return f"{claim.year}/{claim.subject.split('/unit/')[0]}"


@dataclass(frozen=True)
class ArticlePart:
    """One article's segment, the shared items it describes, and its claims for consolidation."""

    lines: list[str]
    shared: dict[str, list[str]]  # item id -> lines
    ranked: list[consolidate.RankedClaim]

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({g for rc in self.ranked if (g := group_of(rc.claim)) is not None}))


@dataclass(frozen=True)
class CurationPart:
    lines: list[str]
    shared: dict[str, list[str]]
    ranked: list[consolidate.RankedClaim]  # the claims curators added


@dataclass(frozen=True)
class Reference:
    lines: list[str]
    bands: Bands
    curated_years: frozenset[int]


class Assembler:
    """Turns pipeline data into segment lines under one base and one run."""

    def __init__(self, base: str, run_iri: str, context: int, curated_years: frozenset[int] = frozenset(),
                 ranks: dict[URIRef, str] | None = None) -> None:
        self.emitter = Emitter(base)
        self.iris = self.emitter.iris
        self.run_iri = URIRef(run_iri)
        self.context = context
        self.curated_years = curated_years
        self.ranks = ranks or {}
        self.graphs = {name: self.iris.graph(name) for name in ("reference", "claims", "consolidated")}

    # -- the parts ----------------------------------------------------------------------
    def reference(self, ontology_dir: Path, gazetteer: Gazetteer) -> Reference:
        g = self.emitter.reference(ontology_dir, gazetteer, ())
        okg = Namespace(self.iris.okg)
        years = frozenset(int(str(y)) for r in g.subjects(RDF.type, okg.AssessmentRound)
                          for y in g.objects(r, okg.assessmentYear))
        lines = sorted(dump.lines(canonical_bnodes(g), self.graphs["reference"]))
        return Reference(lines, zone_bands(g, self.iris.base), years)

    def run(self, info: RunInfo) -> list[str]:
        part = Triples()
        self.emitter.run(part, info)
        return dump.lines(part, self.graphs["claims"])

    def article(self, a: Article, x: Extraction) -> ArticlePart:
        own, shared = Triples(), Triples()
        self.emitter.extraction(own, a, x, self.run_iri, self.context, self.ranks, shared=shared)
        items = self._items(shared, "claims")
        for u in x.units:
            unit = Triples()
            self.emitter.entity(unit, u)  # type: ignore[arg-type]
            items.update(self._items(unit, "reference"))
        items.update(self._rounds({c.year for c in x.claims}))
        ranked = []
        for c in x.claims:
            iri = self.emitter.claim_iri(a, c)
            ranked.append(consolidate.RankedClaim(iri, a.id, c, self.ranks.get(iri, "normal")))
        return ArticlePart(dump.lines(own, self.graphs["claims"]), items, ranked)

    def curation(self, decisions: list["Decision"], by_id: dict[str, Article]) -> CurationPart:
        part, shared = Triples(), Triples()
        ranked: list[consolidate.RankedClaim] = []
        for d in decisions:
            a = by_id[d.article_id]
            made = self.emitter.curation(part, d, a, self.context, shared=shared)  # type: ignore[arg-type]
            if d.added:
                ranked += [consolidate.RankedClaim(iri, a.id, c) for iri, c in zip(made, d.claims)]
        items = self._items(shared, "claims")
        items.update(self._rounds({rc.claim.year for rc in ranked}))
        return CurationPart(dump.lines(part, self.graphs["claims"]), items, ranked)

    def group(self, ranked: list[consolidate.RankedClaim], bands: Bands) -> list[str]:
        """One group's results, consolidated values and findings across its claims.

        ``ranked`` must list the group's claims in the build's order (articles by
        source file, each article's claims in extraction order, then curated ones):
        consolidation is deterministic in that order.
        """
        results, findings = Triples(), Triples()
        consolidate.emit(results, ranked, self.iris)  # type: ignore[arg-type]
        for article_id, finding in consolidate.cross_findings(ranked, bands):
            self.emitter.finding(findings, article_id, finding, self.context)  # type: ignore[arg-type]
        return dump.lines(results, self.graphs["consolidated"]) + dump.lines(findings, self.graphs["claims"])

    # -- shared items -------------------------------------------------------------------
    def _items(self, triples: Triples, graph: str) -> dict[str, list[str]]:
        """The triples grouped by subject, one item per node, named by a hash of its lines."""
        by_subject: dict[object, list[tuple]] = defaultdict(list)
        for t in triples:
            by_subject[t[0]].append(t)
        out = {}
        for group in by_subject.values():
            item_lines = sorted(set(dump.lines(group, self.graphs[graph])))
            out[short_hash(*item_lines)] = item_lines
        return out

    def _rounds(self, years: set[int]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for year in sorted(years - self.curated_years):
            g = Graph()
            self.emitter.round(g, year)
            out.update(self._items(g, "reference"))  # type: ignore[arg-type]
        return out


def group_claims(parts: list[list[consolidate.RankedClaim]]) -> dict[str, list[consolidate.RankedClaim]]:
    """Claims by result group, keeping the order of ``parts`` (and of the claims within each)."""
    out: dict[str, list[consolidate.RankedClaim]] = defaultdict(list)
    for ranked in parts:
        for rc in ranked:
            g = group_of(rc.claim)
            if g is not None:
                out[g].append(rc)
    return out


def zone_bands(reference: Graph, base: str) -> Bands:
    """Each round's zone bands from the reference data: year -> [(zone slug, min, max)]."""
    out: Bands = {}
    rows = reference.query(
        """PREFIX okg: <%sdef/okg#>
           SELECT ?year ?zone ?min ?max WHERE {
             ?round okg:assessmentYear ?year ; okg:scoreBand ?b .
             ?b okg:bandConcept ?zone ; okg:minScore ?min ; okg:maxScore ?max .
             FILTER (CONTAINS(STR(?zone), "/def/zone/")) }""" % base
    )
    for year, zone, lo, hi in rows:  # type: ignore[misc]
        out.setdefault(int(str(year)), []).append((str(zone).rsplit("/", 1)[1], Decimal(str(lo)), Decimal(str(hi))))
    for bands in out.values():
        bands.sort()
    return out


def bands_to_json(bands: Bands) -> dict[str, list[list[str]]]:
    return {str(y): [[z, str(lo), str(hi)] for z, lo, hi in b] for y, b in bands.items()}


def bands_from_json(data: dict[str, list[list[str]]]) -> Bands:
    return {int(y): [(z, Decimal(lo), Decimal(hi)) for z, lo, hi in b] for y, b in data.items()}


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
