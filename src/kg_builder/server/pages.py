"""HTML for people: server-rendered pages of resources, the home page and shared layout.

Each page is a Jinja2 template (autoescaped: every value from the graph is
escaped) fed by small queries on the store. Links to resources under the
base go to this server's ``/doc/`` and ``/def/`` pages, so the site can be
browsed wherever it runs; the IRI itself is shown next to each title. No
script and no external resource: the pages work offline. Reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape

from kg_builder import __version__
from kg_builder.server.chart import score_chart
from kg_builder.server.describe import RDF_TYPE, Vocab, types_of

ENV = Environment(
    loader=PackageLoader("kg_builder.server", "templates"),
    autoescape=select_autoescape(["html", "xml"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
LABEL_PREDICATES = [ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SCHEMA + "name")]
KNOWN_PREFIXES = {
    RDFS: "rdfs", SKOS: "skos", OA: "oa", PROV: "prov", SCHEMA: "schema",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf", "http://www.w3.org/2001/XMLSchema#": "xsd",
    "http://www.w3.org/2002/07/owl#": "owl", "http://purl.org/dc/terms/": "dct", "http://www.w3.org/ns/org#": "org",
}
#: Claim predicates that are plumbing, not what the claim states.
CLAIM_PLUMBING = {"evidence", "aboutResult", "aboutRound", "extractionRule", "statementRank", "confidence"}


def render(template: str, request: Request | None, **context: Any) -> str:
    """Render ``template`` with the shared layout context."""
    root = request.scope.get("root_path", "") if request is not None else ""
    return ENV.get_template(template).render(root=root, version=__version__, **context)


@dataclass
class Link:
    """An IRI as shown on a page: where it points here, its label, the IRI."""

    iri: str
    href: str
    label: str


@dataclass
class Value:
    """A cell: a link or a literal with its datatype or language."""

    text: str
    link: Link | None = None
    note: str = ""


@dataclass
class Row:
    predicate: Link
    values: list[Value] = field(default_factory=list)


class View:
    """Label and link lookups for one page."""

    def __init__(self, store: ox.Store, base: str, root: str = "") -> None:
        self.store = store
        self.base = base
        self.root = root
        self.v = Vocab(base)
        self._labels: dict[str, str] = {}

    # -- links and labels ----------------------------------------------------------
    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            rest = iri[len(self.base):]
            if rest.startswith("id/"):
                return f"{self.root}/doc/{rest[3:]}"
            if rest.startswith("def/okg#"):
                return f"{self.root}/def/okg#{rest[8:]}"
            return f"{self.root}/{rest}"
        return iri

    def label(self, iri: str) -> str:
        if iri in self._labels:
            return self._labels[iri]
        node = ox.NamedNode(iri)
        found: dict[str, str] = {}
        for p in LABEL_PREDICATES:
            for q in self.store.quads_for_pattern(node, p, None):
                if isinstance(q.object, ox.Literal):
                    found.setdefault(q.object.language or "", q.object.value)
            if found:
                break
        text = found.get("id") or found.get("") or found.get("en") or next(iter(found.values()), None)
        self._labels[iri] = text or self._derived_label(iri)
        return self._labels[iri]

    def _derived_label(self, iri: str) -> str:
        """A readable name for IRIs that carry no label (results, rounds, articles, concepts)."""
        rest = iri[len(self.base):] if iri.startswith(self.base) else ""
        parts = rest.split("/")
        if parts[0] == "id" and len(parts) >= 3 and parts[1] == "assessment":
            if len(parts) == 3:
                return f"Penilaian {parts[2]}"
            entity = f"{self.base}id/entity/{'/'.join(parts[3:])}"
            name = self.label(entity) if entity != iri else "/".join(parts[3:])
            return f"{name} · {parts[2]}"
        if parts[0] == "id" and len(parts) == 3 and parts[1] == "article" and "#" not in parts[2]:
            return f"Artikel {parts[2]}"
        if parts[0] == "def" and len(parts) == 3:
            return parts[2].replace("-", " ")
        return self.short(iri)

    def short(self, iri: str) -> str:
        if iri.startswith(self.v.okg):
            return "okg:" + iri[len(self.v.okg):]
        for ns, prefix in KNOWN_PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        if iri.startswith(self.base):
            return iri[len(self.base):]
        return iri

    def link(self, iri: str) -> Link:
        return Link(iri, self.href(iri), self.label(iri))

    def value(self, term: object) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value), self.link(term.value))
        if isinstance(term, ox.Literal):
            note = f"@{term.language}" if term.language else (
                "" if term.datatype.value.endswith("#string") else self.short(term.datatype.value))
            return Value(term.value, None, note)
        return Value(str(term))

    # -- graph access ----------------------------------------------------------------
    def objects(self, subject: str, predicate: str) -> list[object]:
        seen: dict[object, None] = {}
        for q in self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None):
            seen.setdefault(q.object, None)
        return list(seen)

    def first(self, subject: str, predicate: str) -> object | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def okg(self, subject: str, name: str) -> object | None:
        return self.first(subject, self.v.okg + name)

    def subjects(self, predicate: str, obj: str, limit: int = 100_000) -> list[str]:
        out: dict[str, None] = {}
        for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj)):
            if isinstance(q.subject, ox.NamedNode):
                out.setdefault(q.subject.value, None)
                if len(out) >= limit:
                    break
        return list(out)

    def rows(self, iri: str) -> list[Row]:
        """The resource's own properties, grouped by predicate, types first."""
        grouped: dict[str, list[Value]] = {}
        seen: set[tuple[str, object]] = set()
        for q in self.store.quads_for_pattern(ox.NamedNode(iri), None, None):
            key = (q.predicate.value, q.object)
            if key in seen:
                continue
            seen.add(key)
            grouped.setdefault(q.predicate.value, []).append(self.value(q.object))
        order = sorted(grouped, key=lambda p: (p != RDF_TYPE.value, self.short(p)))
        return [Row(Link(p, self.href(p), self.short(p)), grouped[p]) for p in order]

    def types(self, iri: str) -> list[Link]:
        return [Link(t, self.href(t), self.short(t)) for t in sorted(types_of(self.store, ox.NamedNode(iri)))]


# ---------------------------------------------------------------- page data
def number(term: object | None) -> float | None:
    if isinstance(term, ox.Literal):
        try:
            return float(Decimal(term.value))
        except (InvalidOperation, ValueError):
            return None
    return None


def text(view: View, term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return view.label(term.value)
    return getattr(term, "value", str(term))


def year_of(view: View, result: str) -> int | None:
    rnd = view.okg(result, "inRound")
    if isinstance(rnd, ox.NamedNode):
        y = view.okg(rnd.value, "assessmentYear")
        if isinstance(y, ox.Literal):
            try:
                return int(y.value[:4])
            except ValueError:
                return None
    return None


def result_summary(view: View, result: str) -> dict[str, Any]:
    """The agreed values of a result, for tables."""
    entity = view.okg(result, "assessedEntity")
    zone = view.okg(result, "zone")
    opinion = view.okg(result, "opinion")
    status = view.okg(result, "consolidationStatus")
    return {
        "link": view.link(result),
        "year": year_of(view, result),
        "entity": view.link(entity.value) if isinstance(entity, ox.NamedNode) else None,
        "score": text(view, view.okg(result, "score")),
        "score_value": number(view.okg(result, "score")),
        "rank": text(view, view.okg(result, "rankPosition")),
        "rank_of": text(view, view.okg(result, "rankOutOf")),
        "zone": view.link(zone.value) if isinstance(zone, ox.NamedNode) else None,
        "opinion": view.link(opinion.value) if isinstance(opinion, ox.NamedNode) else None,
        "status": view.link(status.value) if isinstance(status, ox.NamedNode) else None,
        "claims": len(view.subjects(view.v.okg + "aboutResult", result)),
    }


def claim_view(view: View, claim: str) -> dict[str, Any]:
    """A claim with what it states and its quote (prefix, exact, suffix) for highlighting."""
    okg = view.v.okg
    stated: list[tuple[Link, Value]] = []
    for q in view.store.quads_for_pattern(ox.NamedNode(claim), None, None):
        p = q.predicate.value
        if p.startswith(okg) and p[len(okg):] not in CLAIM_PLUMBING:
            pair = (Link(p, view.href(p), view.short(p)), view.value(q.object))
            if pair not in stated:
                stated.append(pair)
    kinds = [t.label for t in view.types(claim) if t.label.startswith("okg:") and t.label != "okg:Claim"]
    article = view.first(claim, PROV + "wasDerivedFrom")
    quote: dict[str, Any] = {}
    evidence = view.okg(claim, "evidence")
    if isinstance(evidence, ox.NamedNode):
        quote["span"] = evidence.value
        for sel in view.objects(evidence.value, OA + "hasSelector"):
            if not isinstance(sel, ox.NamedNode):
                continue
            for key in ("exact", "prefix", "suffix", "start", "end"):
                value = view.first(sel.value, OA + key)
                if value is not None:
                    quote[key] = value.value  # type: ignore[attr-defined]
    about = view.okg(claim, "aboutResult") or view.okg(claim, "aboutRound")
    return {
        "link": view.link(claim),
        "kinds": kinds,
        "stated": stated,
        "article": view.link(article.value) if isinstance(article, ox.NamedNode) else None,
        "about": view.link(about.value) if isinstance(about, ox.NamedNode) else None,
        "rank": text(view, view.okg(claim, "statementRank")),
        "confidence": text(view, view.okg(claim, "confidence")),
        "rule": text(view, view.okg(claim, "extractionRule")),
        "quote": quote,
    }


def entity_page(view: View, iri: str) -> dict[str, Any]:
    okg = view.v.okg
    results = [result_summary(view, r) for r in view.subjects(okg + "assessedEntity", iri)]
    results.sort(key=lambda r: (r["year"] or 0, r["link"].iri))
    units = []
    for unit in view.subjects("http://www.w3.org/ns/org#unitOf", iri):
        unit_results = [result_summary(view, r) for r in view.subjects(okg + "assessedEntity", unit)]
        unit_results.sort(key=lambda r: r["year"] or 0)
        units.append({"link": view.link(unit), "results": unit_results})
    units.sort(key=lambda u: u["link"].label)
    points = [(r["year"], r["score_value"]) for r in results if r["year"] and r["score_value"] is not None]
    return {"results": results, "units": units, "chart": score_chart(points)}


def result_page(view: View, iri: str) -> dict[str, Any]:
    okg = view.v.okg
    claims = [claim_view(view, c) for c in view.subjects(okg + "aboutResult", iri)]
    claims.sort(key=lambda c: (c["article"].iri if c["article"] else "", int(c["quote"].get("start", 0) or 0)))
    units = [result_summary(view, u) for u in view.subjects(okg + "partOfResult", iri)]
    units.sort(key=lambda u: -(u["score_value"] or 0))
    parent = view.okg(iri, "partOfResult")
    return {
        "summary": result_summary(view, iri),
        "claims": claims,
        "units": units,
        "parent": view.link(parent.value) if isinstance(parent, ox.NamedNode) else None,
        "supported_by": [view.link(o.value) for o in view.objects(iri, okg + "supportedBy") if isinstance(o, ox.NamedNode)],
    }


def article_page(view: View, iri: str) -> dict[str, Any]:
    derived = view.subjects(PROV + "wasDerivedFrom", iri)
    claims, findings = [], []
    for d in derived:
        types = types_of(view.store, ox.NamedNode(d))
        if view.v.okg + "QualityFinding" in types:
            f = claim_view(view, d)
            f["message"] = text(view, view.okg(d, "message"))
            f["type"] = text(view, view.okg(d, "findingType"))
            findings.append(f)
        else:
            claims.append(claim_view(view, d))
    claims.sort(key=lambda c: int(c["quote"].get("start", 0) or 0))
    spans = sorted({c["quote"].get("span") for c in claims + findings if c["quote"].get("span")})
    return {"claims": claims, "findings": findings, "span_count": len(spans)}


def round_page(view: View, iri: str) -> dict[str, Any]:
    okg = view.v.okg
    results = [result_summary(view, r) for r in view.subjects(okg + "inRound", iri)]
    top = [r for r in results if not view.okg(r["link"].iri, "partOfResult")]
    top.sort(key=lambda r: (-(r["score_value"] if r["score_value"] is not None else -1), r["link"].label))
    coverage = [claim_view(view, c) for c in view.subjects(okg + "aboutRound", iri)]
    coverage.sort(key=lambda c: (c["kinds"], c["article"].iri if c["article"] else "", int(c["quote"].get("start", 0) or 0)))
    bands = []
    band_nodes = list(view.objects(iri, okg + "scoreBand"))
    for scale in view.objects(iri, okg + "usesScale"):
        if isinstance(scale, ox.NamedNode):
            band_nodes += view.objects(scale.value, okg + "band")
    for band in band_nodes:
        if not isinstance(band, (ox.NamedNode, ox.BlankNode)):
            continue
        get = _getter(view, band)
        concept = get("bandConcept") or get("concept")
        low, high = get("minScore") or get("minInclusive"), get("maxScore") or get("maxInclusive")
        bands.append({
            "concept": view.link(concept.value) if isinstance(concept, ox.NamedNode) else None,
            "scheme": concept.value.rsplit("/", 2)[-2] if isinstance(concept, ox.NamedNode) else "",
            "min": text(view, low), "max": text(view, high), "min_value": number(low) or 0.0,
        })
    official = []
    for node in view.objects(iri, okg + "officialCount"):
        if isinstance(node, (ox.NamedNode, ox.BlankNode)):
            get = _getter(view, node)
            category = get("entityCategory")
            official.append({"category": view.link(category.value) if isinstance(category, ox.NamedNode) else None,
                             "count": text(view, get("count")), "value": number(get("count")) or 0})
    official.sort(key=lambda o: -o["value"])
    weights = []
    for node in view.objects(iri, okg + "dimensionWeight"):
        if isinstance(node, (ox.NamedNode, ox.BlankNode)):
            get = _getter(view, node)
            dim = get("dimension")
            weights.append({"dimension": view.link(dim.value) if isinstance(dim, ox.NamedNode) else None,
                            "weight": text(view, get("weightPercent")), "value": number(get("weightPercent")) or 0})
    weights.sort(key=lambda w: -w["value"])
    bands.sort(key=lambda b: (b["scheme"], -b["min_value"]))
    zones: dict[str, int] = {}
    for r in top:
        if r["zone"]:
            zones[r["zone"].label] = zones.get(r["zone"].label, 0) + 1
    return {"results": top, "unit_results": len(results) - len(top), "coverage": coverage, "bands": bands,
            "zones": zones, "official": official, "weights": weights}


def _getter(view: View, node: ox.NamedNode | ox.BlankNode):  # type: ignore[no-untyped-def]
    """``get(name)``: the first ``okg:name`` value of ``node`` (named or blank)."""
    def get(name: str) -> object | None:
        for q in view.store.quads_for_pattern(node, ox.NamedNode(view.v.okg + name), None):
            return q.object
        return None
    return get


def concept_page(view: View, iri: str, kind: str) -> dict[str, Any]:
    okg = view.v.okg
    members: list[Link] = []
    if kind == "scheme":
        from kg_builder.server.describe import concepts_under

        found = view.subjects(SKOS + "inScheme", iri) or concepts_under(view.store, iri)
        members = sorted((view.link(m) for m in found), key=lambda link: link.label)
    used = {}
    for prop in ("zone", "opinion", "dimension", "rankScope", "entityCategory", "unitType", "statementRank",
                 "consolidationStatus", "findingType"):
        n = len(view.subjects(okg + prop, iri, limit=100_000))
        if n:
            used[view.short(okg + prop)] = n
    scheme = view.first(iri, SKOS + "inScheme")
    return {"members": members, "used": used,
            "scheme": view.link(scheme.value) if isinstance(scheme, ox.NamedNode) else None}


def home_page(view: View) -> dict[str, Any]:
    okg = view.v.okg
    rounds = []
    for r in view.subjects(str(RDF_TYPE.value), okg + "AssessmentRound"):
        y = view.okg(r, "assessmentYear")
        rounds.append({"link": view.link(r), "year": getattr(y, "value", ""),
                       "results": len(view.subjects(okg + "inRound", r))})
    rounds.sort(key=lambda r: r["year"])
    entities: dict[str, Link] = {}
    for q in view.store.quads_for_pattern(None, ox.NamedNode(okg + "assessedEntity"), None):
        if isinstance(q.object, ox.NamedNode) and "/unit/" not in q.object.value:
            entities.setdefault(q.object.value, view.link(q.object.value))
    articles = [view.link(a) for a in view.subjects(str(RDF_TYPE.value), okg + "NewsArticle")]
    return {"rounds": rounds, "entities": sorted(entities.values(), key=lambda link: link.label),
            "articles": articles[:200]}
