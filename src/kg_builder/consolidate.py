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
from kg_builder.model import Claim, Finding

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
    """The consolidation decisions, deterministic in the order of the input.

    Deprecated claims never give a value but still count for ``conflictsWith``:
    a disagreement a curator settled stays visible, and its status is *resolved*.
    """
    groups: dict[tuple[str, str], list[tuple[RankedClaim, object]]] = defaultdict(list)
    for rc in claims:
        v = _value(rc.claim)
        if v is None or rc.claim.subject is None:
            continue
        result = iris.result(rc.claim.year, rc.claim.subject)
        groups[(result, v[0])].append((rc, v[1]))
    out = []
    for (result, prop), members in sorted(groups.items()):
        pairs = tuple(
            sorted(
                {tuple(sorted((a.iri, b.iri))) for a, va in members for b, vb in members if va != vb}  # type: ignore[misc]
            )
        )
        live = [(rc, v) for rc, v in members if rc.rank != "deprecated"]
        if not live:
            continue
        preferred = [(rc, v) for rc, v in live if rc.rank == "preferred"]
        chosen = {v for _, v in preferred} if preferred else {v for _, v in live}
        if len(chosen) != 1:
            out.append(Outcome(URIRef(result), prop, "conflicting", None, tuple(rc.iri for rc, _ in live), pairs))
            continue
        value = next(iter(chosen))
        support = tuple(rc.iri for rc, v in live if v == value)
        if pairs:
            status = "resolved"  # sources disagree; a curator's ranking decided
        else:
            status = "agreed" if len({rc.article_id for rc, v in live if v == value}) > 1 else "single-source"
        out.append(Outcome(URIRef(result), prop, status, value, support, pairs))
    return out


def emit(g: Graph, claims: list[RankedClaim], iris: Iris) -> list[Outcome]:
    """Write results, their consolidated values, support and conflicts into ``g``."""
    okg = Namespace(iris.okg)
    results: dict[str, tuple[int, str]] = {}
    for rc in claims:
        c = rc.claim
        if c.subject:
            results[iris.result(c.year, c.subject)] = (c.year, c.subject)
    for _, (year, subject) in sorted(results.items()):
        _result(g, okg, iris, year, subject)
    outcomes = decide(claims, iris)
    status: dict[URIRef, str] = {}
    for o in outcomes:
        if o.status != "conflicting":  # claims support a value; a conflicting result has none
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


# --- checks across claims: findings no single article can show -------------------------

#: How far the mean of a result's units may be from its stated score (points).
UNIT_MEAN_TOLERANCE = Decimal("1.0")


def cross_findings(
    claims: list[RankedClaim], bands: dict[int, list[tuple[str, Decimal, Decimal]]]
) -> list[tuple[str, Finding]]:
    """(article id, finding) for zones outside their score's band and unit means far from the score.

    ``bands`` maps a year to its zone bands ``(zone slug, min, max)`` from the reference data.
    A finding is recorded in the article whose claim it questions, with that claim's evidence.
    """
    live = [rc for rc in claims if rc.rank != "deprecated" and rc.claim.subject]
    scores: dict[tuple[int, str], list[RankedClaim]] = defaultdict(list)
    for rc in live:
        if rc.claim.kind == "score" and rc.claim.score is not None:
            scores[(rc.claim.year, rc.claim.subject)].append(rc)  # type: ignore[index]
    out: list[tuple[str, Finding]] = []
    for rc in live:
        c = rc.claim
        if c.kind != "zone" or not c.zone:
            continue
        for sc in scores.get((c.year, c.subject), []):  # type: ignore[arg-type]
            band = next((z for z, lo, hi in bands.get(c.year, []) if lo <= sc.claim.score <= hi), None)  # type: ignore[operator]
            if band and band != c.zone:
                out.append((rc.article_id, Finding(
                    "zone-score-mismatch",
                    f"zone {c.zone} is stated, but the score {sc.claim.score} is in the {band} band of {c.year}",
                    c.evidence, c.subject)))
                break
    units: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for (year, subject), rcs in scores.items():
        if "/unit/" in subject:
            units[(year, subject.split("/unit/")[0])].append(rcs[0].claim.score)  # type: ignore[arg-type]
    for (year, parent), values in sorted(units.items()):
        if len(values) < 2:
            continue
        mean = sum(values) / len(values)
        for sc in scores.get((year, parent), []):
            if abs(sc.claim.score - mean) > UNIT_MEAN_TOLERANCE:  # type: ignore[operator]
                out.append((sc.article_id, Finding(
                    "unit-mean-mismatch",
                    f"the score {sc.claim.score} is {abs(sc.claim.score - mean):.2f} points from the mean "
                    f"{mean:.2f} of its {len(values)} units",
                    sc.claim.evidence, parent)))
    return out
