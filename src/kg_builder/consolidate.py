"""Consolidate: one value per result, only where the claims agree.

Claims are never edited. For each result and each consolidated property
(score, zone, opinion) the non-deprecated claims are grouped: a preferred
claim (set by curation) wins with status *resolved*; otherwise agreeing
claims give the value (*single-source* when they come from one article,
*agreed* from two or more); disagreeing claims give no value, status
*conflicting*, and ``okg:conflictsWith`` between each disagreeing pair.
Scores are compared after rounding to two decimals. Ranks stay claims:
the same entity has several ranks in different scopes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from kg_builder.iri import Iris
from kg_builder.model import Claim

STATUS_ORDER = ("agreed", "single-source", "resolved", "conflicting")  # later is worse


@dataclass(frozen=True)
class RankedClaim:
    """A claim with its IRI, its article and the statement rank curation gave it."""

    iri: URIRef
    article_id: str
    claim: Claim
    rank: str = "normal"  # preferred | normal | deprecated


@dataclass(frozen=True)
class Outcome:
    """What consolidation decided for one (result, property)."""

    result: URIRef
    prop: str
    status: str
    value: object | None
    support: tuple[URIRef, ...]
    conflicts: tuple[tuple[URIRef, URIRef], ...]


def _value(c: Claim) -> tuple[str, object] | None:
    if c.kind == "score" and c.score is not None:
        return "score", c.score.quantize(Decimal("0.01"))
    if c.kind == "zone" and c.zone:
        return "zone", c.zone
    if c.kind == "opinion" and c.opinion:
        return "opinion", (c.opinion_scheme or "opinion", c.opinion)
    return None


def decide(claims: list[RankedClaim], iris: Iris) -> list[Outcome]:
    """The consolidation decisions, deterministic in the order of the input."""
    groups: dict[tuple[str, str], list[tuple[RankedClaim, object]]] = defaultdict(list)
    for rc in claims:
        v = _value(rc.claim)
        if v is None or rc.rank == "deprecated" or rc.claim.subject is None:
            continue
        result = iris.result(rc.claim.year, rc.claim.subject)
        groups[(result, v[0])].append((rc, v[1]))
    out = []
    for (result, prop), members in sorted(groups.items()):
        preferred = [(rc, v) for rc, v in members if rc.rank == "preferred"]
        if preferred and len({v for _, v in preferred}) == 1:
            value = preferred[0][1]
            support = tuple(rc.iri for rc, v in members if v == value)
            out.append(Outcome(URIRef(result), prop, "resolved", value, support, ()))
            continue
        values = {v for _, v in members}
        if len(values) == 1:
            articles = {rc.article_id for rc, _ in members}
            status = "agreed" if len(articles) > 1 else "single-source"
            out.append(Outcome(URIRef(result), prop, status, members[0][1], tuple(rc.iri for rc, _ in members), ()))
            continue
        pairs = tuple(
            sorted(
                {tuple(sorted((a.iri, b.iri))) for a, va in members for b, vb in members if va != vb}  # type: ignore[misc]
            )
        )
        out.append(Outcome(URIRef(result), prop, "conflicting", None, tuple(rc.iri for rc, _ in members), pairs))
    return out


def emit(g: Graph, claims: list[RankedClaim], iris: Iris) -> list[Outcome]:
    """Write results, their consolidated values, support and conflicts into ``g``."""
    okg = Namespace(iris.okg)
    results: dict[str, tuple[int, str]] = {}
    for rc in claims:
        c = rc.claim
        if c.subject:
            results[iris.result(c.year, c.subject)] = (c.year, c.subject)
    for result, (year, subject) in sorted(results.items()):
        _result(g, okg, iris, year, subject)
    outcomes = decide(claims, iris)
    status: dict[URIRef, str] = {}
    for o in outcomes:
        for claim in o.support:
            g.add((o.result, okg.supportedBy, claim))
        for a, b in o.conflicts:
            g.add((a, okg.conflictsWith, b))
            g.add((b, okg.conflictsWith, a))
        if o.value is not None:
            if o.prop == "score":
                g.add((o.result, okg.score, Literal(str(o.value), datatype=XSD.decimal)))
            elif o.prop == "zone":
                g.add((o.result, okg.zone, URIRef(iris.concept("zone", str(o.value)))))
            elif o.prop == "opinion":
                scheme, slug = o.value  # type: ignore[misc]
                g.add((o.result, okg.opinion, URIRef(iris.concept(scheme, slug))))
        prev = status.get(o.result)
        if prev is None or STATUS_ORDER.index(o.status) > STATUS_ORDER.index(prev):
            status[o.result] = o.status
    for result, st in status.items():
        g.add((result, okg.consolidationStatus, URIRef(iris.concept("consolidation-status", st))))
    return outcomes


def _result(g: Graph, okg: Namespace, iris: Iris, year: int, subject: str) -> URIRef:
    s = URIRef(iris.result(year, subject))
    if "/unit/" in subject:
        parent = subject.split("/unit/")[0]
        g.add((s, RDF.type, okg.UnitResult))
        g.add((s, okg.partOfResult, _result(g, okg, iris, year, parent)))
    else:
        g.add((s, RDF.type, okg.AssessmentResult))
    g.add((s, okg.assessedEntity, URIRef(iris.entity(subject))))
    g.add((s, okg.inRound, URIRef(iris.round(year))))
    return s
