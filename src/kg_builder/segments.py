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
                                            units, curators, rounds the reference data lacks)
curation        ``curation``                curators' decisions and the claims they add
group           ``group:<year>/<entity>``   the results of one entity in one round and of its units, their
                                            consolidated values and conflicts, and the findings across
                                            their claims (which point to spans the articles describe)
==============  ==========================  ==============================================================

Consolidation never looks past a group: every decision is about one result or
one entity's units in one round. So a changed article re-consolidates only its
groups. A shared node is described from every *contribution* (what one article
says of it, :class:`Contribution`), merged so that the description depends on
the set of contributions and never on their order: the name printed most often
is the name (ties: the first in sorted order), the others become alternative
names. Two outlets spelling a person "Mokhammad Najih" and "MOKHAMMAD NAJIH"
give one person with one name, not a node the shapes refuse.

Pure: takes pipeline data, returns lines. Reads the ontology files (reference only).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, SKOS

from kg_builder import consolidate, dump
from kg_builder.emit import Emitter, RunInfo, Triples
from kg_builder.iri import short_hash
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Claim, Entity, Extraction, Person

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


@dataclass(frozen=True, order=True)
class Contribution:
    """What one article (or the curation) says of a shared node: its kind and a JSON object."""

    node: str  # the node's IRI
    kind: str  # person | curator | outlet | unit | round
    data: str  # JSON, keys sorted


def _contribution(node: str, kind: str, **data: object) -> Contribution:
    return Contribution(node, kind, json.dumps(data, sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True)
class ArticlePart:
    """One article's segment, what it says of shared nodes, and its claims for consolidation."""

    lines: list[str]
    contributions: list[Contribution]
    ranked: list[consolidate.RankedClaim]

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({g for rc in self.ranked if (g := group_of(rc.claim)) is not None}))

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(sorted({c.node for c in self.contributions}))


@dataclass(frozen=True)
class CurationPart:
    lines: list[str]
    contributions: list[Contribution]
    ranked: list[consolidate.RankedClaim]  # the claims curators added


class _Discard:
    """A triple sink that keeps nothing: shared nodes are described from contributions instead."""

    def add(self, triple: tuple) -> None:
        pass


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
        own = Triples()
        self.emitter.extraction(own, a, x, self.run_iri, self.context, self.ranks, shared=_Discard())  # type: ignore[arg-type]
        iris = self.iris
        said = [_contribution(iris.person(p.key), "person", name=p.name, variants=sorted(p.variants), office=p.office)
                for p in x.people]
        if a.meta.outlet:
            said.append(_contribution(iris.outlet(a.meta.outlet), "outlet", name=a.meta.outlet))
        said += [_contribution(iris.entity(u.key), "unit", name=u.name, parent=u.parent, unit_type=u.unit_type)
                 for u in x.units]
        said += self._rounds({c.year for c in x.claims})
        ranked = []
        for c in x.claims:
            iri = self.emitter.claim_iri(a, c)
            ranked.append(consolidate.RankedClaim(iri, a.id, c, self.ranks.get(iri, "normal")))
        # a span cited by two claims is described twice: each line once, in emission order
        lines = list(dict.fromkeys(dump.lines(own, self.graphs["claims"])))
        return ArticlePart(lines, sorted(set(said)), ranked)

    def curation(self, decisions: list[Decision], by_id: dict[str, Article]) -> CurationPart:
        part = Triples()
        ranked: list[consolidate.RankedClaim] = []
        said = []
        for d in decisions:
            a = by_id[d.article_id]
            made = self.emitter.curation(part, d, a, self.context, shared=_Discard())  # type: ignore[arg-type]
            said.append(_contribution(self.iris.curator(d.entry.curator_key), "curator", name=d.entry.curator))
            if d.added:
                ranked += [consolidate.RankedClaim(iri, a.id, c) for iri, c in zip(made, d.claims)]
        said += self._rounds({rc.claim.year for rc in ranked})
        return CurationPart(list(dict.fromkeys(dump.lines(part, self.graphs["claims"]))), sorted(set(said)), ranked)

    def shared(self, node: str, kind: str, datas: list[str]) -> list[str]:
        """The lines of one shared node, from every contribution (JSON objects) to it: sorted, each once."""
        data = [json.loads(d) for d in datas]
        if not data:
            return []
        g = Triples()
        s = URIRef(node)
        if kind in ("person", "curator"):
            name, others = _choose([d["name"] for d in data])
            if kind == "person":
                variants = sorted({v for d in data for v in d["variants"]} | set(others) - {name})
                self.emitter.person(g, Person(node.rsplit("/", 1)[1], name, variants=tuple(variants)))  # type: ignore[arg-type]
                for office in sorted({d["office"] for d in data if d["office"]}):
                    g.add((s, ORG.memberOf, URIRef(self.iris.org(office))))
            else:
                self.emitter.curator(g, s, name, others)  # type: ignore[arg-type]
            graph = "claims"
        elif kind == "outlet":
            name, others = _choose([d["name"] for d in data])
            self.emitter.outlet(g, s, name, others)  # type: ignore[arg-type]
            graph = "claims"
        elif kind == "unit":
            name, others = _choose([d["name"] for d in data])
            parent, _ = _choose([d["parent"] for d in data])
            types = [d["unit_type"] for d in data if d["unit_type"]]
            unit_type = _choose(types)[0] if types else None
            key = node.removeprefix(self.iris.entity(""))
            self.emitter.entity(g, Entity(key, "unit", name, parent=parent, unit_type=unit_type))  # type: ignore[arg-type]
            for other in others:
                g.add((s, SKOS.altLabel, Literal(other, lang="id")))
            graph = "reference"
        elif kind == "round":
            r = Graph()
            self.emitter.round(r, int(data[0]["year"]))
            for t in r:
                g.add(t)
            graph = "reference"
        else:
            raise ValueError(f"{node}: unknown kind of shared node {kind!r}")
        return sorted(set(dump.lines(g, self.graphs[graph])))

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
        # each unit result names its parent result again: each line once, in emission order
        return list(dict.fromkeys(dump.lines(results, self.graphs["consolidated"])
                                  + dump.lines(findings, self.graphs["claims"])))

    def _rounds(self, years: set[int]) -> list[Contribution]:
        """The rounds the articles name that the reference data lacks."""
        return [_contribution(self.iris.round(y), "round", year=y) for y in sorted(years - self.curated_years)]


def _choose(names: list[str]) -> tuple[str, list[str]]:
    """The name given most often (ties: the first in sorted order) and the others, sorted."""
    counts = Counter(names)
    best = min(counts, key=lambda n: (-counts[n], n))
    return best, sorted(set(counts) - {best})


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
        f"""PREFIX okg: <{base}def/okg#>
           SELECT ?year ?zone ?min ?max WHERE {{
             ?round okg:assessmentYear ?year ; okg:scoreBand ?b .
             ?b okg:bandConcept ?zone ; okg:minScore ?min ; okg:maxScore ?max .
             FILTER (CONTAINS(STR(?zone), "/def/zone/")) }}"""
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
