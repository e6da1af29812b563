"""Every core shape and every sanity check, on a fixture that passes and one that makes it fire.

``fixtures/shapes/valid.ttl`` holds one node of each kind the builder emits;
with the ontology's schemes and reference data it conforms. Each case below
breaks it with one SPARQL update and expects a violation from one named shape
(or a warning from one sanity query) — and nothing from that shape before.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from kg_builder import validate

from conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "shapes" / "valid.ttl"
OKGSH = "https://w3id.org/kepatuhan-kg/def/shapes#"
PREFIXES = """PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX id: <https://w3id.org/kepatuhan-kg/id/>
PREFIX def: <https://w3id.org/kepatuhan-kg/def/>
PREFIX band: <https://w3id.org/kepatuhan-kg/id/band/>
"""
ART = "<https://w3id.org/kepatuhan-kg/id/article/00112233445566aa"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validate.load_shapes(ROOT / "shapes")


def expand(update: str) -> str:
    """Write ``id:a\\/b`` names as full IRIs (rdflib's SPARQL parser keeps the backslash escapes)."""
    return re.sub(r"\b(id|def):([\w\\/-]+)",
                  lambda m: f"<https://w3id.org/kepatuhan-kg/{m.group(1)}/{m.group(2).replace(chr(92), '')}>", update)


def valid_graph() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    g.parse(FIXTURE, format="turtle")
    return g


def node_shapes_of(report: validate.Report, shapes: Graph) -> set[str]:
    """The named node shapes behind the violations (property shapes mapped to their node shape)."""
    out = set()
    for r in report.results_graph.subjects(RDF.type, SH.ValidationResult):
        if report.results_graph.value(r, SH.resultSeverity) != SH.Violation:
            continue
        src = report.results_graph.value(r, SH.sourceShape)
        parents = set(shapes.subjects(SH.property, src)) | {src}
        out |= {str(p).removeprefix(OKGSH) for p in parents if isinstance(p, URIRef) and str(p).startswith(OKGSH)}
    return out


def test_the_valid_fixture_conforms(shapes):
    report = validate.shacl(valid_graph(), shapes)
    assert report.conforms, validate.render(report.violations)


BREAKS = {
    "RoundShape": 'DELETE { id:assessment\\/2023 okg:assessmentYear ?y } INSERT { id:assessment\\/2023 okg:assessmentYear "2023" } '
                  'WHERE { id:assessment\\/2023 okg:assessmentYear ?y }',
    "ResultShape": "INSERT DATA { id:assessment\\/2023\\/kab-sleman okg:assessedEntity id:entity\\/prov-jawa-timur }",
    "UnitResultShape": "DELETE WHERE { id:assessment\\/2023\\/kab-sleman\\/unit\\/dinas-sosial okg:partOfResult ?r }",
    "ClaimShape": "DELETE WHERE { id:claim\\/score prov:wasDerivedFrom ?a }",
    "ScoreClaimShape": "DELETE { id:claim\\/score okg:score ?s } INSERT { id:claim\\/score okg:score 120.5 } WHERE { id:claim\\/score okg:score ?s }",
    "RankClaimShape": "DELETE { id:claim\\/rank okg:rankPosition ?r } INSERT { id:claim\\/rank okg:rankPosition 300 } WHERE { id:claim\\/rank okg:rankPosition ?r }",
    "TopNClaimShape": "DELETE { id:claim\\/topn okg:topN ?n } INSERT { id:claim\\/topn okg:topN 0 } WHERE { id:claim\\/topn okg:topN ?n }",
    "ZoneClaimShape": "DELETE { id:claim\\/zone okg:zone ?z } INSERT { id:claim\\/zone okg:zone <https://w3id.org/kepatuhan-kg/def/zone/ungu> } WHERE { id:claim\\/zone okg:zone ?z }",
    "OpinionClaimShape": "DELETE { id:claim\\/opinion okg:opinion ?o } INSERT { id:claim\\/opinion okg:opinion <https://w3id.org/kepatuhan-kg/def/zone/hijau> } WHERE { id:claim\\/opinion okg:opinion ?o }",
    "CoverageClaimShape": 'DELETE { id:claim\\/coverage okg:count ?c } INSERT { id:claim\\/coverage okg:count "banyak" } WHERE { id:claim\\/coverage okg:count ?c }',
    "DimensionClaimShape": "DELETE WHERE { id:claim\\/dimension okg:dimension ?d }",
    "AwardClaimShape": 'DELETE { id:claim\\/award okg:eventDate ?d } INSERT { id:claim\\/award okg:eventDate "29/2/2023" } WHERE { id:claim\\/award okg:eventDate ?d }',
    "EvidenceShape": f'DELETE {{ {ART}#quote=10,34> oa:exact ?e }} INSERT {{ {ART}#quote=10,34> oa:exact "Pemkab Contoh" }} WHERE {{ {ART}#quote=10,34> oa:exact ?e }}',
    "QuoteSelectorShape": f'DELETE {{ {ART}#quote=10,34> oa:exact ?e }} INSERT {{ {ART}#quote=10,34> oa:exact "" }} WHERE {{ {ART}#quote=10,34> oa:exact ?e }}',
    "PositionSelectorShape": f"DELETE {{ {ART}#position=10,34> oa:start ?s }} INSERT {{ {ART}#position=10,34> oa:start 40 }} WHERE {{ {ART}#position=10,34> oa:start ?s }}",
    "ArticleShape": 'DELETE { id:article\\/00112233445566aa okg:contentSha256 ?h } INSERT { id:article\\/00112233445566aa okg:contentSha256 "xyz" } WHERE { id:article\\/00112233445566aa okg:contentSha256 ?h }',
    "RegionalGovernmentShape": 'DELETE { id:entity\\/kab-sleman okg:kodeWilayah ?k } INSERT { id:entity\\/kab-sleman okg:kodeWilayah "3509" } WHERE { id:entity\\/kab-sleman okg:kodeWilayah ?k }',
    "LocalGovernmentShape": "DELETE WHERE { id:entity\\/kab-sleman okg:inProvince ?p }",
    "ServiceUnitShape": "DELETE WHERE { id:entity\\/kab-sleman\\/unit\\/dinas-sosial org:unitOf ?o }",
    "RepresentativeOfficeShape": "DELETE { ?o okg:forProvince ?p } INSERT { ?o okg:forProvince id:entity\\/kab-sleman } WHERE { BIND(id:org\\/ombudsman-ri\\/perwakilan\\/jawa-timur AS ?o) ?o okg:forProvince ?p }",
    "ScoreBandShape": "DELETE { band:2022-B okg:minScore ?m } INSERT { band:2022-B okg:minScore 99.00 } WHERE { band:2022-B okg:minScore ?m }",
    "CategoryCountShape": "INSERT DATA { id:assessment\\/2023 okg:officialCount [ a okg:CategoryCount ; okg:count -1 ; okg:entityCategory <https://w3id.org/kepatuhan-kg/def/entity-category/kota> ] }",
    "FindingShape": "DELETE { id:finding\\/test okg:findingType ?t } INSERT { id:finding\\/test okg:findingType <https://w3id.org/kepatuhan-kg/def/finding-type/typo> } WHERE { id:finding\\/test okg:findingType ?t }",
    "RunShape": "DELETE WHERE { id:run\\/test prov:used ?a }",
}


def test_every_targeted_shape_has_a_case(shapes):
    targeted = {str(s).removeprefix(OKGSH) for s in shapes.subjects(RDF.type, SH.NodeShape)
                if str(s).startswith(OKGSH) and any(shapes.predicate_objects(s)) and (
                    shapes.value(s, SH.targetClass) or shapes.value(s, SH.targetObjectsOf))}
    assert targeted == set(BREAKS)


@pytest.mark.parametrize("shape", sorted(BREAKS))
def test_shape_fires_on_its_broken_fixture(shapes, shape):
    g = valid_graph()
    before = validate.shacl(g, shapes)
    assert shape not in node_shapes_of(before, shapes)
    g.update(PREFIXES + expand(BREAKS[shape]))
    after = validate.shacl(g, shapes)
    assert not after.conforms
    assert shape in node_shapes_of(after, shapes), validate.render(after.violations)


# --- sanity checks (warnings, SPARQL on Oxigraph) ------------------------------------

SANITY = {
    "weekday-vs-date": 'INSERT DATA { id:claim\\/award okg:statedWeekday "Senin" ; okg:computedWeekday "Kamis" }',
    "zone-vs-score": "DELETE { id:claim\\/zone okg:zone ?z } INSERT { id:claim\\/zone okg:zone def:zone\\/kuning } WHERE { id:claim\\/zone okg:zone ?z }",
    "opinion-vs-score": "DELETE { id:claim\\/opinion okg:opinion ?o } INSERT { id:claim\\/opinion okg:opinion def:opinion\\/D } WHERE { id:claim\\/opinion okg:opinion ?o }",
    "award-date-vs-round": 'DELETE { id:claim\\/award okg:eventDate ?d } INSERT { id:claim\\/award okg:eventDate "2026-01-01"^^xsd:date } WHERE { id:claim\\/award okg:eventDate ?d }',
    "unit-mean-vs-result": """INSERT DATA {
        id:assessment\\/2023\\/kab-sleman\\/unit\\/dinkes okg:partOfResult id:assessment\\/2023\\/kab-sleman .
        id:claim\\/u1 a okg:ScoreClaim ; okg:aboutResult id:assessment\\/2023\\/kab-sleman\\/unit\\/dinas-sosial ; okg:score 70.00 .
        id:claim\\/u2 a okg:ScoreClaim ; okg:aboutResult id:assessment\\/2023\\/kab-sleman\\/unit\\/dinkes ; okg:score 72.00 . }""",
}


def sanity_on(g: Graph) -> dict[str, list[validate.Issue]]:
    store = ox.Store()
    store.load(g.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    out: dict[str, list[validate.Issue]] = {}
    for issue in validate.sanity(store, ROOT / "shapes" / "sanity"):
        out.setdefault(issue.shape.removeprefix(validate.SANITY_SHAPE), []).append(issue)
    return out


def test_every_sanity_query_has_a_case():
    assert {p.stem for p in (ROOT / "shapes" / "sanity").glob("*.rq")} == set(SANITY)


@pytest.mark.parametrize("check", sorted(SANITY))
def test_sanity_check_fires_on_its_broken_fixture(check):
    g = valid_graph()
    assert check not in sanity_on(g)
    g.update(PREFIXES + expand(SANITY[check]))
    fired = sanity_on(g).get(check, [])
    assert len(fired) == 1 and fired[0].severity == "Warning" and fired[0].message
