"""Every constraint of the core shapes and every sanity check: a fixture that passes, and one that makes it fire.

``fixtures/shapes/valid.ttl`` holds one node of each kind the builder emits;
with the ontology's schemes and reference data it conforms. :data:`CASES`
breaks it with one SPARQL update per *constraint* (a node shape, a path and a
SHACL component, or a named SPARQL constraint) and pyshacl, the reference
engine, must report exactly that constraint. :func:`constraints` lists the
constraints of ``shapes/*.ttl``; a constraint without a case fails
``test_every_constraint_has_a_case``.

Sanity checks (``shapes/sanity/*.rq``, warnings on Oxigraph) get the same
treatment in :data:`SANITY`, plus: deprecated claims are skipped, each focus
node is reported once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg_builder import validate

FIXTURE = Path(__file__).parent / "fixtures" / "shapes" / "valid.ttl"
OKGSH = "https://w3id.org/kepatuhan-kg/def/shapes#"
BASE = "https://w3id.org/kepatuhan-kg/"
PREFIXES = """PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


# --- the fixture's nodes ----------------------------------------------------------------

def I(path: str) -> str:  # noqa: E743 - an IRI under {base}id/
    return f"<{BASE}id/{path}>"


def D(path: str) -> str:
    return f"<{BASE}def/{path}>"


RESULT, UNIT_RESULT = I("assessment/2023/kab-sleman"), I("assessment/2023/kab-sleman/unit/dinas-sosial")
ROUND, ROUND22 = I("assessment/2023"), I("assessment/2022")
ENTITY, PROVINCE, CITY = I("entity/kab-sleman"), I("entity/prov-jawa-timur"), I("entity/kota-contoh")
UNIT, MINISTRY, AGENCY = I("entity/kab-sleman/unit/dinas-sosial"), I("entity/kementerian-contoh"), I("entity/lembaga-contoh")
ORI, OFFICE = I("org/ombudsman-ri"), I("org/ombudsman-ri/perwakilan/jawa-timur")
ART, ART2 = I("article/00112233445566aa"), I("article/00112233445566bb")
SPAN = f"<{BASE}id/article/00112233445566aa#char=10,34>"
QUOTE = f"<{BASE}id/article/00112233445566aa#quote=10,34>"
POS = f"<{BASE}id/article/00112233445566aa#position=10,34>"
OUTLET, KETUA, BUPATI = I("outlet/kabar-contoh-id"), I("person/contoh-ketua"), I("person/contoh-bupati")
AGENT, RUN, CURATION, FINDING = I("agent/kg-builder-test"), I("run/test"), I("curation/test"), I("finding/test")
SCORE, RANK, TOPN, ZONE, OPINION = I("claim/score"), I("claim/rank"), I("claim/topn"), I("claim/zone"), I("claim/opinion")
AWARD, COVERAGE, DIMENSION, DIMSCORE = I("claim/award"), I("claim/coverage"), I("claim/dimension"), I("claim/dimension-score")
LAW, BAND = I("legal/uu-25-2009"), I("band/2022-B")
DEPRECATED = D("statement-rank/deprecated")
#: a second article, enough to be an okg:NewsArticle (rdflib's SPARQL parser cannot read a negative
#: decimal such as -1.00: those are written "-1.00"^^xsd:decimal below)
ARTICLE2 = f"{ART2} a okg:NewsArticle ."
#: reference blank nodes of round 2023 (ontology/reference.ttl)
WEIGHT = f"{ROUND} okg:dimensionWeight ?w . ?w okg:dimension {D('dimension/input')} ."
COUNT = f"{ROUND} okg:officialCount ?c . ?c okg:entityCategory {D('entity-category/kota')} ."


def add(*triples: str) -> str:
    return "INSERT DATA { " + " ".join(triples) + " }"


def drop(s: str, p: str) -> str:
    return f"DELETE WHERE {{ {s} {p} ?o }}"


def put(s: str, p: str, o: str, *more: str) -> str:
    """Replace every value of ``s p`` with ``o`` (and add ``more`` triples)."""
    return f"DELETE {{ {s} {p} ?old }} INSERT {{ {s} {p} {o} . {' '.join(more)} }} WHERE {{ OPTIONAL {{ {s} {p} ?old }} }}"


def on(where: str, delete: str = "", insert: str = "") -> str:
    return f"DELETE {{ {delete} }} INSERT {{ {insert} }} WHERE {{ {where} }}"


# --- every constraint, broken once ----------------------------------------------------

CASES: dict[str, str] = {
    # rounds
    "RoundShape NodeKind": add('[] a okg:AssessmentRound ; okg:assessmentYear "2019"^^xsd:gYear ; skos:prefLabel "x" .'),
    "RoundShape Pattern": add(f'{I("round/2023")} a okg:AssessmentRound ; okg:assessmentYear "2023"^^xsd:gYear ; skos:prefLabel "x" .'),
    "RoundShape okg:announcedOn Datatype": put(ROUND, "okg:announcedOn", '"14 Desember 2023"'),
    "RoundShape okg:announcedOn MaxCount": add(f'{ROUND} okg:announcedOn "2023-12-15"^^xsd:date .'),
    "RoundShape okg:assessmentYear Datatype": put(ROUND, "okg:assessmentYear", '"2023"'),
    "RoundShape okg:assessmentYear MaxCount": add(f'{ROUND} okg:assessmentYear "2024"^^xsd:gYear .'),
    "RoundShape okg:assessmentYear MinCount": drop(ROUND, "okg:assessmentYear"),
    "RoundShape okg:assessmentYear Pattern": put(ROUND, "okg:assessmentYear", '"1999"^^xsd:gYear'),
    "RoundShape okg:dimensionWeight Class": add(f"{ROUND} okg:dimensionWeight {ART} ."),
    "RoundShape okg:legalBasis Class": add(f"{ROUND} okg:legalBasis {ART} ."),
    "RoundShape okg:officialCount Class": add(f"{ROUND} okg:officialCount {ART} ."),
    "RoundShape okg:resultsDecree Class": put(ROUND, "okg:resultsDecree", ART),
    "RoundShape okg:resultsDecree MaxCount": add(f"{ROUND} okg:resultsDecree {LAW} ."),
    "RoundShape okg:scoreBand Class": add(f"{ROUND} okg:scoreBand {ART} ."),
    "RoundShape skos:prefLabel MinCount": drop(ROUND, "skos:prefLabel"),
    # results and consolidation
    "ResultShape NodeKind": add(f"[] a okg:AssessmentResult ; okg:assessedEntity {ENTITY} ; okg:inRound {ROUND22} ."),
    "ResultShape Pattern": add(f"{I('result/kab-sleman')} a okg:AssessmentResult ; okg:assessedEntity {ENTITY} ; okg:inRound {ROUND22} ."),
    "ResultShape OneResultPerEntityAndRound": add(
        f"{I('assessment/2023/kab-sleman-2')} a okg:AssessmentResult ; okg:assessedEntity {ENTITY} ; okg:inRound {ROUND} ."),
    "ResultShape ScoreFromSupportingClaim": put(RESULT, "okg:score", "95.00"),
    "ResultShape ZoneFromSupportingClaim": put(RESULT, "okg:zone", D("zone/merah")),
    "ResultShape OpinionFromSupportingClaim": add(f"{RESULT} okg:opinion {D('opinion/B')} ."),
    "ResultShape ScoreConflictUnsettled": add(
        f"{I('claim/score-b')} a okg:ScoreClaim , okg:Claim ; okg:aboutResult {RESULT} ; okg:score 19.20 ;"
        f" okg:statementRank {D('statement-rank/normal')} ."),
    "ResultShape ZoneConflictUnsettled": add(
        f"{I('claim/zone-b')} a okg:ZoneClaim , okg:Claim ; okg:aboutResult {RESULT} ; okg:zone {D('zone/merah')} ;"
        f" okg:statementRank {D('statement-rank/normal')} ."),
    "ResultShape OpinionConflictUnsettled": add(
        f"{RESULT} okg:opinion {D('opinion/A')} .",
        f"{I('claim/opinion-b')} a okg:OpinionClaim , okg:Claim ; okg:aboutResult {RESULT} ; okg:opinion {D('opinion/B')} ;"
        f" okg:statementRank {D('statement-rank/normal')} ."),
    "ResultShape SupportIsLiveAndAboutTheResult": add(f"{RESULT} okg:supportedBy {COVERAGE} ."),
    "ResultShape okg:assessedEntity Class": put(RESULT, "okg:assessedEntity", ORI),
    "ResultShape okg:assessedEntity MaxCount": add(f"{RESULT} okg:assessedEntity {AGENCY} ."),
    "ResultShape okg:assessedEntity MinCount": drop(RESULT, "okg:assessedEntity"),
    "ResultShape okg:assessedEntity NodeKind": put(RESULT, "okg:assessedEntity", '"Sleman"'),
    "ResultShape okg:consolidationStatus MaxCount": add(f"{RESULT} okg:consolidationStatus {D('consolidation-status/agreed')} ."),
    "ResultShape okg:consolidationStatus Node": put(RESULT, "okg:consolidationStatus", D("zone/hijau")),
    "ResultShape okg:inRound Class": put(RESULT, "okg:inRound", ENTITY),
    "ResultShape okg:inRound MaxCount": add(f"{RESULT} okg:inRound {ROUND22} ."),
    "ResultShape okg:inRound MinCount": drop(RESULT, "okg:inRound"),
    "ResultShape okg:opinion MaxCount": add(f"{RESULT} okg:opinion {D('opinion/A')} , {D('opinion/B')} ."),
    "ResultShape okg:opinion Node": put(RESULT, "okg:opinion", D("zone/hijau")),
    "ResultShape okg:score Datatype": put(RESULT, "okg:score", '"91.20"'),
    "ResultShape okg:score MaxCount": add(f"{RESULT} okg:score 91.21 ."),
    "ResultShape okg:score MaxInclusive": put(RESULT, "okg:score", "120.00"),
    "ResultShape okg:score MinInclusive": put(RESULT, "okg:score", '"-1.00"^^xsd:decimal'),
    "ResultShape okg:supportedBy Class": add(f"{RESULT} okg:supportedBy {ART} ."),
    "ResultShape okg:zone MaxCount": add(f"{RESULT} okg:zone {D('zone/kuning')} ."),
    "ResultShape okg:zone Node": put(RESULT, "okg:zone", D("opinion/A")),
    "UnitResultShape UnitResultMatchesItsParent": put(UNIT_RESULT, "okg:inRound", ROUND22),
    "UnitResultShape okg:assessedEntity Class": put(UNIT_RESULT, "okg:assessedEntity", ENTITY),
    "UnitResultShape okg:partOfResult Class": put(UNIT_RESULT, "okg:partOfResult", ROUND),
    "UnitResultShape okg:partOfResult MaxCount": add(
        f"{UNIT_RESULT} okg:partOfResult {I('assessment/2023/kota-contoh')} .",
        f"{I('assessment/2023/kota-contoh')} a okg:AssessmentResult ; okg:assessedEntity {CITY} ; okg:inRound {ROUND} ."),
    "UnitResultShape okg:partOfResult MinCount": drop(UNIT_RESULT, "okg:partOfResult"),
    # claims
    "ClaimShape Xone": add(f"{SCORE} okg:aboutRound {ROUND} ."),
    "ClaimShape EvidenceFromTheClaimsArticle": put(SCORE, "prov:wasDerivedFrom", ART2, ARTICLE2),
    "ClaimShape ConflictAboutTheSameResult": add(f"{SCORE} okg:conflictsWith {COVERAGE} ."),
    "ClaimShape (okg:evidence oa:hasSelector oa:exact) MinCount": drop(QUOTE, "oa:exact"),
    "ClaimShape okg:aboutResult Class": put(SCORE, "okg:aboutResult", ROUND),
    "ClaimShape okg:aboutRound Class": put(COVERAGE, "okg:aboutRound", RESULT),
    "ClaimShape okg:confidence Datatype": put(SCORE, "okg:confidence", '"0.9"'),
    "ClaimShape okg:confidence MaxCount": add(f"{SCORE} okg:confidence 0.8 ."),
    "ClaimShape okg:confidence MaxInclusive": put(SCORE, "okg:confidence", "1.5"),
    "ClaimShape okg:confidence MinInclusive": put(SCORE, "okg:confidence", '"-0.1"^^xsd:decimal'),
    "ClaimShape okg:conflictsWith Class": add(f"{SCORE} okg:conflictsWith {ART} ."),
    "ClaimShape okg:evidence MinCount": drop(SCORE, "okg:evidence"),
    "ClaimShape okg:evidence Node": drop(SPAN, "oa:hasSource"),
    "ClaimShape okg:statedLabel Datatype": put(ZONE, "okg:statedLabel", "1"),
    "ClaimShape okg:statedLabel MaxCount": add(f'{ZONE} okg:statedLabel "Zona Hijau" .'),
    "ClaimShape okg:statementRank MaxCount": add(f"{SCORE} okg:statementRank {D('statement-rank/preferred')} ."),
    "ClaimShape okg:statementRank MinCount": drop(SCORE, "okg:statementRank"),
    "ClaimShape okg:statementRank Node": put(SCORE, "okg:statementRank", D("zone/hijau")),
    "ClaimShape prov:wasDerivedFrom Class": put(SCORE, "prov:wasDerivedFrom", ORI),
    "ClaimShape prov:wasDerivedFrom MaxCount": add(f"{SCORE} prov:wasDerivedFrom {ART2} .", ARTICLE2),
    "ClaimShape prov:wasDerivedFrom MinCount": drop(SCORE, "prov:wasDerivedFrom"),
    "ClaimShape prov:wasGeneratedBy MaxCount": add(f"{SCORE} prov:wasGeneratedBy {CURATION} ."),
    "ClaimShape prov:wasGeneratedBy MinCount": drop(SCORE, "prov:wasGeneratedBy"),
    "ClaimShape prov:wasGeneratedBy Or": put(SCORE, "prov:wasGeneratedBy", ART),
    "ScoreClaimShape okg:aboutResult MinCount": drop(SCORE, "okg:aboutResult"),
    "ScoreClaimShape okg:score Datatype": put(SCORE, "okg:score", '"91,20"'),
    "ScoreClaimShape okg:score MaxCount": add(f"{SCORE} okg:score 91.21 ."),
    "ScoreClaimShape okg:score MaxInclusive": put(SCORE, "okg:score", "120.50"),
    "ScoreClaimShape okg:score MinCount": drop(SCORE, "okg:score"),
    "ScoreClaimShape okg:score MinInclusive": put(SCORE, "okg:score", '"-1.00"^^xsd:decimal'),
    "RankClaimShape okg:rankOutOf Datatype": put(RANK, "okg:rankOutOf", '"268"'),
    "RankClaimShape okg:rankOutOf MaxCount": add(f"{RANK} okg:rankOutOf 300 ."),
    "RankClaimShape okg:rankOutOf MinInclusive": put(RANK, "okg:rankOutOf", "0"),
    "RankClaimShape okg:rankPosition Datatype": put(RANK, "okg:rankPosition", '"4"'),
    "RankClaimShape okg:rankPosition LessThanOrEquals": put(RANK, "okg:rankPosition", "300"),
    "RankClaimShape okg:rankPosition MaxCount": add(f"{RANK} okg:rankPosition 5 ."),
    "RankClaimShape okg:rankPosition MinCount": drop(RANK, "okg:rankPosition"),
    "RankClaimShape okg:rankPosition MinInclusive": put(RANK, "okg:rankPosition", "0"),
    "RankClaimShape okg:rankScope MaxCount": add(f"{RANK} okg:rankScope {D('rank-scope/tidak-disebut')} ."),
    "RankClaimShape okg:rankScope MinCount": drop(RANK, "okg:rankScope"),
    "RankClaimShape okg:rankScope Node": put(RANK, "okg:rankScope", D("zone/hijau")),
    "TopNClaimShape okg:rankScope MaxCount": add(f"{TOPN} okg:rankScope {D('rank-scope/tidak-disebut')} ."),
    "TopNClaimShape okg:rankScope Node": put(TOPN, "okg:rankScope", D("zone/hijau")),
    "TopNClaimShape okg:topN Datatype": put(TOPN, "okg:topN", '"10"'),
    "TopNClaimShape okg:topN MaxCount": add(f"{TOPN} okg:topN 5 ."),
    "TopNClaimShape okg:topN MinCount": drop(TOPN, "okg:topN"),
    "TopNClaimShape okg:topN MinInclusive": put(TOPN, "okg:topN", "0"),
    "ZoneClaimShape okg:zone MaxCount": add(f"{ZONE} okg:zone {D('zone/kuning')} ."),
    "ZoneClaimShape okg:zone MinCount": drop(ZONE, "okg:zone"),
    "ZoneClaimShape okg:zone Node": put(ZONE, "okg:zone", D("zone/ungu")),
    "OpinionClaimShape okg:opinion MaxCount": add(f"{OPINION} okg:opinion {D('opinion/B')} ."),
    "OpinionClaimShape okg:opinion MinCount": drop(OPINION, "okg:opinion"),
    "OpinionClaimShape okg:opinion Node": put(OPINION, "okg:opinion", D("zone/hijau")),
    "CoverageClaimShape okg:aboutRound MinCount": drop(COVERAGE, "okg:aboutRound"),
    "CoverageClaimShape okg:count Datatype": put(COVERAGE, "okg:count", '"banyak"'),
    "CoverageClaimShape okg:count MaxCount": add(f"{COVERAGE} okg:count 416 ."),
    "CoverageClaimShape okg:count MinCount": drop(COVERAGE, "okg:count"),
    "CoverageClaimShape okg:count MinInclusive": put(COVERAGE, "okg:count", "-1"),
    "CoverageClaimShape okg:entityCategory MaxCount": add(f"{COVERAGE} okg:entityCategory {D('entity-category/kota')} ."),
    "CoverageClaimShape okg:entityCategory MinCount": drop(COVERAGE, "okg:entityCategory"),
    "CoverageClaimShape okg:entityCategory Node": put(COVERAGE, "okg:entityCategory", D("zone/hijau")),
    "DimensionClaimShape okg:aboutRound MinCount": drop(DIMENSION, "okg:aboutRound"),
    "DimensionClaimShape okg:dimension MaxCount": add(f"{DIMENSION} okg:dimension {D('dimension/proses')} ."),
    "DimensionClaimShape okg:dimension MinCount": drop(DIMENSION, "okg:dimension"),
    "DimensionClaimShape okg:dimension Node": put(DIMENSION, "okg:dimension", D("zone/hijau")),
    "DimensionScoreClaimShape okg:aboutResult MinCount": drop(DIMSCORE, "okg:aboutResult"),
    "DimensionScoreClaimShape okg:dimension MaxCount": add(f"{DIMSCORE} okg:dimension {D('dimension/proses')} ."),
    "DimensionScoreClaimShape okg:dimension MinCount": drop(DIMSCORE, "okg:dimension"),
    "DimensionScoreClaimShape okg:dimension Node": put(DIMSCORE, "okg:dimension", D("zone/hijau")),
    "DimensionScoreClaimShape okg:score Datatype": put(DIMSCORE, "okg:score", '"85,50"'),
    "DimensionScoreClaimShape okg:score MaxCount": add(f"{DIMSCORE} okg:score 80.00 ."),
    "DimensionScoreClaimShape okg:score MaxInclusive": put(DIMSCORE, "okg:score", "120.00"),
    "DimensionScoreClaimShape okg:score MinCount": drop(DIMSCORE, "okg:score"),
    "DimensionScoreClaimShape okg:score MinInclusive": put(DIMSCORE, "okg:score", '"-1.00"^^xsd:decimal'),
    "AwardClaimShape okg:aboutResult MinCount": drop(AWARD, "okg:aboutResult"),
    "AwardClaimShape okg:awardingBody MaxCount": add(f"{AWARD} okg:awardingBody {OFFICE} ."),
    "AwardClaimShape okg:awardingBody Or": put(AWARD, "okg:awardingBody", ENTITY),
    "AwardClaimShape okg:computedWeekday Datatype": put(AWARD, "okg:computedWeekday", "4"),
    "AwardClaimShape okg:computedWeekday MaxCount": add(f'{AWARD} okg:computedWeekday "Jumat" .'),
    "AwardClaimShape okg:eventDate Datatype": put(AWARD, "okg:eventDate", '"29/2/2023"'),
    "AwardClaimShape okg:eventDate MaxCount": add(f'{AWARD} okg:eventDate "2023-12-15"^^xsd:date .'),
    "AwardClaimShape okg:eventDateText Datatype": put(AWARD, "okg:eventDateText", '"Kamis (14/12)"@id'),
    "AwardClaimShape okg:eventDateText MaxCount": add(f'{AWARD} okg:eventDateText "Kamis (14/12/2023)" .'),
    "AwardClaimShape okg:eventPlace Datatype": put(AWARD, "okg:eventPlace", '"Jakarta"@id'),
    "AwardClaimShape okg:eventPlace MaxCount": add(f'{AWARD} okg:eventPlace "Jakarta" .'),
    "AwardClaimShape okg:presentedBy Class": put(AWARD, "okg:presentedBy", ORI),
    "AwardClaimShape okg:presentedBy MaxCount": add(f"{AWARD} okg:presentedBy {BUPATI} ."),
    "AwardClaimShape okg:presenterRole MaxCount": add(f"{AWARD} okg:presenterRole {D('presenter-role/anggota')} ."),
    "AwardClaimShape okg:presenterRole Node": put(AWARD, "okg:presenterRole", D("zone/hijau")),
    "AwardClaimShape okg:receivedBy Class": put(AWARD, "okg:receivedBy", ORI),
    "AwardClaimShape okg:receivedBy MaxCount": add(f"{AWARD} okg:receivedBy {KETUA} ."),
    "AwardClaimShape okg:statedWeekday Datatype": put(AWARD, "okg:statedWeekday", "4"),
    "AwardClaimShape okg:statedWeekday MaxCount": add(f'{AWARD} okg:statedWeekday "Jumat" .'),
    # evidence
    "EvidenceShape Class": f"DELETE DATA {{ {SPAN} a oa:SpecificResource }}",
    "EvidenceShape NodeKind": add(f"{SCORE} okg:evidence [ a oa:SpecificResource ; oa:hasSource {ART} ] ."),
    "EvidenceShape Pattern": add(f"{SCORE} okg:evidence <{BASE}id/article/00112233445566aa#span-1> ."),
    "EvidenceShape QuoteLengthIsEndMinusStart": put(QUOTE, "oa:exact", '"Pemkab Contoh"'),
    "EvidenceShape SpanIriNamesItsOffsets": put(POS, "oa:start", "11"),
    "EvidenceShape oa:hasSelector QualifiedMaxCount[oa:TextPositionSelector]": add(
        f"{SPAN} oa:hasSelector <{BASE}id/article/00112233445566aa#position-2> .",
        f"<{BASE}id/article/00112233445566aa#position-2> a oa:TextPositionSelector ; oa:start 10 ; oa:end 34 ."),
    "EvidenceShape oa:hasSelector QualifiedMaxCount[oa:TextQuoteSelector]": add(
        f"{SPAN} oa:hasSelector <{BASE}id/article/00112233445566aa#quote-2> .",
        f'<{BASE}id/article/00112233445566aa#quote-2> a oa:TextQuoteSelector ; oa:exact "Pemkab Contoh nilai 91,2" .'),
    "EvidenceShape oa:hasSelector QualifiedMinCount[oa:TextPositionSelector]": f"DELETE DATA {{ {SPAN} oa:hasSelector {POS} }}",
    "EvidenceShape oa:hasSelector QualifiedMinCount[oa:TextQuoteSelector]": f"DELETE DATA {{ {SPAN} oa:hasSelector {QUOTE} }}",
    "EvidenceShape oa:hasSource Class": put(SPAN, "oa:hasSource", ORI),
    "EvidenceShape oa:hasSource MaxCount": add(f"{SPAN} oa:hasSource {ART2} .", ARTICLE2),
    "EvidenceShape oa:hasSource MinCount": drop(SPAN, "oa:hasSource"),
    "QuoteSelectorShape oa:exact Datatype": put(QUOTE, "oa:exact", '"Pemkab Contoh nilai 91,2"@id'),
    "QuoteSelectorShape oa:exact MaxCount": add(f'{QUOTE} oa:exact "Pemkab Contoh nilai 91.2" .'),
    "QuoteSelectorShape oa:exact MinCount": drop(QUOTE, "oa:exact"),
    "QuoteSelectorShape oa:exact MinLength": put(QUOTE, "oa:exact", '""'),
    "QuoteSelectorShape oa:prefix Datatype": put(QUOTE, "oa:prefix", "1"),
    "QuoteSelectorShape oa:prefix MaxCount": add(f'{QUOTE} oa:prefix "Kata " .'),
    "QuoteSelectorShape oa:suffix Datatype": put(QUOTE, "oa:suffix", "1"),
    "QuoteSelectorShape oa:suffix MaxCount": add(f'{QUOTE} oa:suffix " lagi" .'),
    "PositionSelectorShape oa:end Datatype": put(POS, "oa:end", '"34"'),
    "PositionSelectorShape oa:end MaxCount": add(f"{POS} oa:end 35 ."),
    "PositionSelectorShape oa:end MinCount": drop(POS, "oa:end"),
    "PositionSelectorShape oa:end MinInclusive": put(POS, "oa:end", "0"),
    "PositionSelectorShape oa:start Datatype": put(POS, "oa:start", '"10"'),
    "PositionSelectorShape oa:start LessThan": put(POS, "oa:start", "40"),
    "PositionSelectorShape oa:start MaxCount": add(f"{POS} oa:start 11 ."),
    "PositionSelectorShape oa:start MinCount": drop(POS, "oa:start"),
    "PositionSelectorShape oa:start MinInclusive": put(POS, "oa:start", "-1"),
    # articles and outlets
    "ArticleShape NodeKind": add('[] a okg:NewsArticle ; okg:contentSha256 "x" ; okg:sourceFile "x.txt" .'),
    "ArticleShape Pattern": add(f'{I("article/XYZ")} a okg:NewsArticle ; okg:sourceFile "x.txt" .'),
    "ArticleShape dct:identifier MaxCount": add(f'{ART} dct:identifier "aabbccddeeff0011" .'),
    "ArticleShape dct:identifier Pattern": put(ART, "dct:identifier", '"xyz"'),
    "ArticleShape okg:contentSha256 MaxCount": add(f'{ART} okg:contentSha256 "{"ab" * 32}" .'),
    "ArticleShape okg:contentSha256 MinCount": drop(ART, "okg:contentSha256"),
    "ArticleShape okg:contentSha256 Pattern": put(ART, "okg:contentSha256", '"xyz"'),
    "ArticleShape okg:sourceFile Datatype": put(ART, "okg:sourceFile", '"contoh.txt"@id'),
    "ArticleShape okg:sourceFile MinCount": drop(ART, "okg:sourceFile"),
    "ArticleShape schema:datePublished Datatype": put(ART, "schema:datePublished", '"2023-12-15"'),
    "ArticleShape schema:datePublished MaxCount": add(f'{ART} schema:datePublished "2023-12-16"^^xsd:date .'),
    "ArticleShape schema:publisher Class": put(ART, "schema:publisher", ORI),
    "ArticleShape schema:publisher MaxCount": add(
        f"{ART} schema:publisher {I('outlet/kabar-lain-id')} .",
        f'{I("outlet/kabar-lain-id")} a schema:NewsMediaOrganization ; schema:name "Kabar Lain" .'),
    "ArticleShape schema:url MaxCount": add(f"{ART} schema:url <https://kabar-contoh.id/berita/2> ."),
    "ArticleShape schema:url NodeKind": put(ART, "schema:url", '"https://kabar-contoh.id/berita/1"'),
    "OutletShape NodeKind": add('[] a schema:NewsMediaOrganization ; schema:name "Kabar" .'),
    "OutletShape Pattern": add(f'{I("outlet/Kabar_Contoh")} a schema:NewsMediaOrganization ; schema:name "Kabar" .'),
    "OutletShape schema:name Datatype": put(OUTLET, "schema:name", '"Kabar Contoh"@id'),
    "OutletShape schema:name MaxCount": add(f'{OUTLET} schema:name "Kabar Contoh Online" .'),
    "OutletShape schema:name MinCount": drop(OUTLET, "schema:name"),
    # people, software, curation
    "PersonShape NodeKind": add('[] a schema:Person ; schema:name "Tanpa IRI" .'),
    "PersonShape Pattern": add(f'<{BASE}id/person/> a schema:Person ; schema:name "!!!" .'),  # a curator "!!!"
    "PersonShape schema:alternateName Datatype": put(KETUA, "schema:alternateName", '"Contoh Ketoea"@id'),
    "PersonShape schema:name Datatype": put(KETUA, "schema:name", '"Contoh Ketua"@id'),
    "PersonShape schema:name MaxCount": add(f'{KETUA} schema:name "C. Ketua" .'),
    "PersonShape schema:name MinCount": drop(KETUA, "schema:name"),
    "ExtractorShape NodeKind": add('[] a okg:Extractor , prov:SoftwareAgent ; rdfs:label "x" ; owl:versionInfo "1" .'),
    "ExtractorShape owl:versionInfo Datatype": put(AGENT, "owl:versionInfo", "1"),
    "ExtractorShape owl:versionInfo MaxCount": add(f'{AGENT} owl:versionInfo "test-2" .'),
    "ExtractorShape owl:versionInfo MinCount": drop(AGENT, "owl:versionInfo"),
    "ExtractorShape rdfs:label MaxCount": add(f'{AGENT} rdfs:label "kg-builder lain" .'),
    "ExtractorShape rdfs:label MinCount": drop(AGENT, "rdfs:label"),
    "RunShape okg:extractionMethod MaxCount": add(f"{RUN} okg:extractionMethod {D('extraction-method/curated')} ."),
    "RunShape okg:extractionMethod Node": put(RUN, "okg:extractionMethod", D("zone/hijau")),
    "RunShape okg:gitCommit Datatype": put(RUN, "okg:gitCommit", "1"),
    "RunShape okg:gitCommit MaxCount": add(f'{RUN} okg:gitCommit "abc" .'),
    "RunShape okg:rulesVersion Datatype": put(RUN, "okg:rulesVersion", "1"),
    "RunShape okg:rulesVersion MaxCount": add(f'{RUN} okg:rulesVersion "test-2" .'),
    "RunShape okg:rulesVersion MinCount": drop(RUN, "okg:rulesVersion"),
    "RunShape prov:endedAtTime Datatype": put(RUN, "prov:endedAtTime", '"2026-11-23"'),
    "RunShape prov:endedAtTime MaxCount": add(f'{RUN} prov:endedAtTime "2026-11-23T00:00:02Z"^^xsd:dateTime .'),
    "RunShape prov:endedAtTime MinCount": drop(RUN, "prov:endedAtTime"),
    "RunShape prov:startedAtTime Datatype": put(RUN, "prov:startedAtTime", '"2026"'),
    "RunShape prov:startedAtTime LessThanOrEquals": put(RUN, "prov:startedAtTime", '"2026-11-24T00:00:00Z"^^xsd:dateTime'),
    "RunShape prov:startedAtTime MaxCount": add(f'{RUN} prov:startedAtTime "2026-11-22T23:59:59Z"^^xsd:dateTime .'),
    "RunShape prov:startedAtTime MinCount": drop(RUN, "prov:startedAtTime"),
    "UsedShape Or": add(f"{RUN} prov:used {ORI} ."),
    "RunShape prov:used MinCount": drop(RUN, "prov:used"),
    "RunShape prov:wasAssociatedWith Class": put(RUN, "prov:wasAssociatedWith", ORI),
    "RunShape prov:wasAssociatedWith MinCount": drop(RUN, "prov:wasAssociatedWith"),
    "CurationShape okg:curationReason Datatype": put(CURATION, "okg:curationReason", "1"),
    "CurationShape okg:curationReason MinCount": drop(CURATION, "okg:curationReason"),
    "CurationShape prov:endedAtTime Datatype": put(CURATION, "prov:endedAtTime", '"2026-11-20"'),
    "CurationShape prov:endedAtTime MaxCount": add(f'{CURATION} prov:endedAtTime "2026-11-21T00:00:00Z"^^xsd:dateTime .'),
    "CurationShape prov:used MinCount": drop(CURATION, "prov:used"),
    "CurationShape prov:wasAssociatedWith Class": put(CURATION, "prov:wasAssociatedWith", ORI),
    "CurationShape prov:wasAssociatedWith MinCount": drop(CURATION, "prov:wasAssociatedWith"),
    # findings
    "FindingShape FindingEvidenceFromItsArticle": put(FINDING, "prov:wasDerivedFrom", ART2, ARTICLE2),
    "FindingShape okg:evidence MinCount": drop(FINDING, "okg:evidence"),
    "FindingShape okg:evidence Node": drop(SPAN, "oa:hasSource"),
    "FindingShape okg:findingAbout MaxCount": add(f"{FINDING} okg:findingAbout {PROVINCE} ."),
    "FindingShape okg:findingAbout NodeKind": put(FINDING, "okg:findingAbout", '"Sleman"'),
    "FindingShape okg:findingType MaxCount": add(f"{FINDING} okg:findingType {D('finding-type/name-variant')} ."),
    "FindingShape okg:findingType MinCount": drop(FINDING, "okg:findingType"),
    "FindingShape okg:findingType Node": put(FINDING, "okg:findingType", D("finding-type/typo")),
    "FindingShape okg:message MinCount": drop(FINDING, "okg:message"),
    "FindingShape prov:wasDerivedFrom Class": put(FINDING, "prov:wasDerivedFrom", ORI),
    "FindingShape prov:wasDerivedFrom MaxCount": add(f"{FINDING} prov:wasDerivedFrom {ART2} .", ARTICLE2),
    "FindingShape prov:wasDerivedFrom MinCount": drop(FINDING, "prov:wasDerivedFrom"),
    # reference data
    "AssessingBodyShape NodeKind": add('[] a okg:AssessingBody ; rdfs:label "Ombudsman lain" .'),
    "AssessingBodyShape okg:legalBasis Class": add(f"{ORI} okg:legalBasis {ART} ."),
    "AssessingBodyShape rdfs:label MinCount": drop(ORI, "rdfs:label"),
    "RepresentativeOfficeShape okg:forProvince Class": put(OFFICE, "okg:forProvince", ENTITY),
    "RepresentativeOfficeShape okg:forProvince MaxCount": add(
        f"{OFFICE} okg:forProvince {I('entity/prov-lain')} .", f"{I('entity/prov-lain')} a okg:ProvincialGovernment ."),
    "RepresentativeOfficeShape okg:forProvince MinCount": drop(OFFICE, "okg:forProvince"),
    "RepresentativeOfficeShape org:unitOf Class": put(OFFICE, "org:unitOf", ENTITY),
    "RepresentativeOfficeShape org:unitOf MaxCount": add(
        f"{OFFICE} org:unitOf {I('org/lain')} .", f"{I('org/lain')} a okg:AssessingBody ."),
    "RepresentativeOfficeShape org:unitOf MinCount": drop(OFFICE, "org:unitOf"),
    "RepresentativeOfficeShape rdfs:label MinCount": drop(OFFICE, "rdfs:label"),
    "MinistryShape NodeKind": add(f'[] a okg:Ministry ; rdfs:label "x" ; okg:entityCategory {D("entity-category/kementerian")} .'),
    "MinistryShape okg:entityCategory HasValue": put(MINISTRY, "okg:entityCategory", D("entity-category/lembaga")),
    "MinistryShape okg:entityCategory MaxCount": add(f"{MINISTRY} okg:entityCategory {D('entity-category/lembaga')} ."),
    "MinistryShape okg:entityCategory MinCount": drop(MINISTRY, "okg:entityCategory"),
    "MinistryShape rdfs:label MinCount": drop(MINISTRY, "rdfs:label"),
    "AgencyShape NodeKind": add(f'[] a okg:Agency ; rdfs:label "x" ; okg:entityCategory {D("entity-category/lembaga")} .'),
    "AgencyShape okg:entityCategory HasValue": put(AGENCY, "okg:entityCategory", D("entity-category/kementerian")),
    "AgencyShape okg:entityCategory MaxCount": add(f"{AGENCY} okg:entityCategory {D('entity-category/kementerian')} ."),
    "AgencyShape okg:entityCategory MinCount": drop(AGENCY, "okg:entityCategory"),
    "AgencyShape rdfs:label MinCount": drop(AGENCY, "rdfs:label"),
    "RegionalGovernmentShape okg:bpsCode MaxCount": add(f'{ENTITY} okg:bpsCode "3510" .'),
    "RegionalGovernmentShape okg:bpsCode Pattern": put(ENTITY, "okg:bpsCode", '"35.09"'),
    "RegionalGovernmentShape okg:entityCategory MaxCount": add(f"{ENTITY} okg:entityCategory {D('entity-category/kota')} ."),
    "RegionalGovernmentShape okg:entityCategory MinCount": drop(ENTITY, "okg:entityCategory"),
    "RegionalGovernmentShape okg:entityCategory Node": put(ENTITY, "okg:entityCategory", D("zone/hijau")),
    "RegionalGovernmentShape okg:kodeWilayah Datatype": put(ENTITY, "okg:kodeWilayah", "3509"),
    "RegionalGovernmentShape okg:kodeWilayah MaxCount": add(f'{ENTITY} okg:kodeWilayah "35.10" .'),
    "RegionalGovernmentShape okg:kodeWilayah MinCount": drop(ENTITY, "okg:kodeWilayah"),
    "RegionalGovernmentShape okg:kodeWilayah Pattern": put(ENTITY, "okg:kodeWilayah", '"3509"'),
    "RegionalGovernmentShape rdfs:label MinCount": drop(ENTITY, "rdfs:label"),
    "ProvincialGovernmentShape okg:entityCategory HasValue": put(PROVINCE, "okg:entityCategory", D("entity-category/kota")),
    "RegencyGovernmentShape okg:entityCategory HasValue": put(ENTITY, "okg:entityCategory", D("entity-category/kota")),
    "CityGovernmentShape okg:entityCategory HasValue": put(CITY, "okg:entityCategory", D("entity-category/kabupaten")),
    "LocalGovernmentShape okg:inProvince Class": put(ENTITY, "okg:inProvince", CITY),
    "LocalGovernmentShape okg:inProvince MaxCount": add(
        f"{ENTITY} okg:inProvince {I('entity/prov-lain')} .", f"{I('entity/prov-lain')} a okg:ProvincialGovernment ."),
    "LocalGovernmentShape okg:inProvince MinCount": drop(ENTITY, "okg:inProvince"),
    "ServiceUnitShape okg:unitType MaxCount": add(f"{UNIT} okg:unitType {D('unit-type/puskesmas')} ."),
    "ServiceUnitShape okg:unitType Node": put(UNIT, "okg:unitType", D("zone/hijau")),
    "ServiceUnitShape org:unitOf Class": put(UNIT, "org:unitOf", ORI),
    "ServiceUnitShape org:unitOf MaxCount": add(f"{UNIT} org:unitOf {AGENCY} ."),
    "ServiceUnitShape org:unitOf MinCount": drop(UNIT, "org:unitOf"),
    "ServiceUnitShape org:unitOf NodeKind": put(UNIT, "org:unitOf", '"Sleman"'),
    "ServiceUnitShape rdfs:label MinCount": drop(UNIT, "rdfs:label"),
    "LegalInstrumentShape NodeKind": add('[] a okg:LegalInstrument ; dct:title "x" ; rdfs:label "x" ; dct:source <https://example.org/x> .'),
    "LegalInstrumentShape Pattern": add(
        f'{I("legal/UU_1_2000")} a okg:LegalInstrument ; dct:title "x" ; rdfs:label "x" ; dct:source <https://example.org/x> .'),
    "LegalInstrumentShape dct:source MinCount": drop(LAW, "dct:source"),
    "LegalInstrumentShape dct:title MinCount": drop(LAW, "dct:title"),
    "LegalInstrumentShape rdfs:label MinCount": drop(LAW, "rdfs:label"),
    "ScoreBandShape dct:source MinCount": drop(BAND, "dct:source"),
    "ScoreBandShape okg:bandConcept MaxCount": add(f"{BAND} okg:bandConcept {D('opinion/A')} ."),
    "ScoreBandShape okg:bandConcept MinCount": drop(BAND, "okg:bandConcept"),
    "ScoreBandShape okg:bandConcept Or": put(BAND, "okg:bandConcept", D("dimension/input")),
    "ScoreBandShape okg:maxScore Datatype": put(BAND, "okg:maxScore", '"87.99"'),
    "ScoreBandShape okg:maxScore MaxCount": add(f"{BAND} okg:maxScore 88.00 ."),
    "ScoreBandShape okg:maxScore MaxInclusive": put(BAND, "okg:maxScore", "120.00"),
    "ScoreBandShape okg:maxScore MinCount": drop(BAND, "okg:maxScore"),
    "ScoreBandShape okg:minScore Datatype": put(BAND, "okg:minScore", '"78"'),
    "ScoreBandShape okg:minScore LessThan": put(BAND, "okg:minScore", "90.00"),
    "ScoreBandShape okg:minScore MaxCount": add(f"{BAND} okg:minScore 77.00 ."),
    "ScoreBandShape okg:minScore MinCount": drop(BAND, "okg:minScore"),
    "ScoreBandShape okg:minScore MinInclusive": put(BAND, "okg:minScore", '"-1.00"^^xsd:decimal'),
    "CategoryCountShape dct:source MinCount": on(COUNT + " ?c dct:source ?s .", "?c dct:source ?s ."),
    "CategoryCountShape okg:count Datatype": on(COUNT + " ?c okg:count ?n .", "?c okg:count ?n .", '?c okg:count "banyak" .'),
    "CategoryCountShape okg:count MaxCount": on(COUNT, "", "?c okg:count 99 ."),
    "CategoryCountShape okg:count MinCount": on(COUNT + " ?c okg:count ?n .", "?c okg:count ?n ."),
    "CategoryCountShape okg:count MinInclusive": on(COUNT + " ?c okg:count ?n .", "?c okg:count ?n .", "?c okg:count -1 ."),
    "CategoryCountShape okg:entityCategory MaxCount": on(COUNT, "", f"?c okg:entityCategory {D('entity-category/kabupaten')} ."),
    "CategoryCountShape okg:entityCategory MinCount": on(COUNT, f"?c okg:entityCategory {D('entity-category/kota')} ."),
    "CategoryCountShape okg:entityCategory Node": on(
        COUNT, f"?c okg:entityCategory {D('entity-category/kota')} .", f"?c okg:entityCategory {D('zone/hijau')} ."),
    "DimensionWeightShape dct:source MinCount": on(WEIGHT + " ?w dct:source ?s .", "?w dct:source ?s ."),
    "DimensionWeightShape okg:dimension MaxCount": on(WEIGHT, "", f"?w okg:dimension {D('dimension/proses')} ."),
    "DimensionWeightShape okg:dimension MinCount": on(WEIGHT, f"?w okg:dimension {D('dimension/input')} ."),
    "DimensionWeightShape okg:dimension Node": on(
        WEIGHT, f"?w okg:dimension {D('dimension/input')} .", f"?w okg:dimension {D('zone/hijau')} ."),
    "DimensionWeightShape okg:weightPercent Datatype": on(
        WEIGHT + " ?w okg:weightPercent ?p .", "?w okg:weightPercent ?p .", '?w okg:weightPercent "21.85" .'),
    "DimensionWeightShape okg:weightPercent MaxCount": on(WEIGHT, "", "?w okg:weightPercent 10.00 ."),
    "DimensionWeightShape okg:weightPercent MaxInclusive": on(
        WEIGHT + " ?w okg:weightPercent ?p .", "?w okg:weightPercent ?p .", "?w okg:weightPercent 120.00 ."),
    "DimensionWeightShape okg:weightPercent MinInclusive": on(
        WEIGHT + " ?w okg:weightPercent ?p .", "?w okg:weightPercent ?p .", '?w okg:weightPercent "-1.00"^^xsd:decimal .'),
}


# --- which constraints exist, which fired --------------------------------------------

NAMES = {"https://w3id.org/kepatuhan-kg/def/okg#": "okg:", "http://www.w3.org/ns/oa#": "oa:",
         "http://www.w3.org/ns/prov#": "prov:", "http://www.w3.org/ns/org#": "org:", "https://schema.org/": "schema:",
         "http://purl.org/dc/terms/": "dct:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
         "http://www.w3.org/2002/07/owl#": "owl:", "http://www.w3.org/2004/02/skos/core#": "skos:"}

#: constraint parameter -> the SHACL component it belongs to (without "ConstraintComponent")
COMPONENTS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minLength: "MinLength", SH.pattern: "Pattern", SH.nodeKind: "NodeKind",
    SH["class"]: "Class", SH.node: "Node", SH["or"]: "Or", SH.xone: "Xone", SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.hasValue: "HasValue", SH.qualifiedMinCount: "QualifiedMinCount",
    SH.qualifiedMaxCount: "QualifiedMaxCount",
}


def short(iri: object) -> str:
    for ns, prefix in NAMES.items():
        if str(iri).startswith(ns):
            return prefix + str(iri)[len(ns):]
    return str(iri)


def path_text(shapes: Graph, path: object) -> str:
    if isinstance(path, URIRef):
        return short(path)
    return "(" + " ".join(short(p) for p in Collection(shapes, path)) + ")"


def targeted(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in set(shapes.subjects(RDF.type, SH.NodeShape))
                  if str(s).startswith(OKGSH) and (shapes.value(s, SH.targetClass) or shapes.value(s, SH.targetObjectsOf)))


def component_name(shapes: Graph, prop: object, param: URIRef) -> str:
    name = COMPONENTS[param]
    if param in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
        name += f"[{short(shapes.value(shapes.value(prop, SH.qualifiedValueShape), SH['class']))}]"
    return name


def constraints(shapes: Graph) -> set[str]:
    """Every constraint of the targeted node shapes: ``"Shape Component"``, ``"Shape path Component"``,
    ``"Shape SparqlConstraintName"``."""
    out = set()
    for s in targeted(shapes):
        name = str(s).removeprefix(OKGSH)
        out |= {f"{name} {c}" for p, c in COMPONENTS.items() if (s, p, None) in shapes}
        out |= {f"{name} {str(q).removeprefix(OKGSH)}" for q in shapes.objects(s, SH.sparql)}
        for prop in shapes.objects(s, SH.property):
            path = path_text(shapes, shapes.value(prop, SH.path))
            out |= {f"{name} {path} {component_name(shapes, prop, p)}" for p in COMPONENTS if (prop, p, None) in shapes}
    return out


def fired(results: Graph, shapes: Graph) -> set[str]:
    """The constraints behind the violations of a pyshacl results graph, named as :func:`constraints` names them."""
    out = set()
    for r in results.objects(None, SH.result):  # the report's own results, not the sh:detail of a nested shape
        if results.value(r, SH.resultSeverity) != SH.Violation:
            continue
        source = results.value(r, SH.sourceShape)
        component = str(results.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        path = shapes.value(source, SH.path)
        if path is not None:
            parent = next(shapes.subjects(SH.property, source), None)
            if parent is None:
                continue  # a member of an sh:or / sh:xone list: reported by its owner too
            param = next(p for p, c in COMPONENTS.items() if c == component)
            out.add(f"{str(parent).removeprefix(OKGSH)} {path_text(shapes, path)} {component_name(shapes, source, param)}")
        elif component == "SPARQL":
            out.add(f"{str(source).removeprefix(OKGSH)} {str(results.value(r, SH.sourceConstraint)).removeprefix(OKGSH)}")
        else:
            out.add(f"{str(source).removeprefix(OKGSH)} {component}")
    return out


def node_shapes_of(report: validate.Report, shapes: Graph) -> set[str]:
    """The named node shapes behind the violations (property shapes mapped to their node shape)."""
    return {c.split()[0] for c in fired(report.results_graph, shapes)}


# --- running pyshacl on the fixture, fast -------------------------------------------------

_TRANSLATED: dict[tuple, object] = {}


@contextlib.contextmanager
def translated_sparql() -> Iterator[None]:
    """rdflib parses each SHACL-SPARQL query again for every focus node: most of pyshacl's time on a small
    graph. Inside this block a query string is parsed and translated once (the translation is a pure
    function of the text, base and namespaces; evaluation is unchanged)."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.evaluate import evalQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in _TRANSLATED:
                _TRANSLATED[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = _TRANSLATED[key]
        return evalQuery(self.graph, strOrQuery, initBindings, base)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def reference(g: Graph, shapes: Graph, only: set[str] | None = None) -> Graph:
    """pyshacl's results graph for ``g`` (only the named node shapes' targets, if given).

    pyshacl's ``use_shapes`` loads only the shapes it names, and a ``sh:node`` to a shape it did not load
    passes silently: so the untargeted shapes (the closed concept values) always come along.
    """
    use = None
    if only:
        helpers = {s for s in set(shapes.subjects(RDF.type, SH.NodeShape)) if str(s).startswith(OKGSH)} - set(targeted(shapes))
        helpers |= set(shapes.objects(None, SH.node))
        use = sorted({OKGSH + s for s in only} | {str(s) for s in helpers})
    with translated_sparql():
        _, results, _ = pyshacl_validate(g, shacl_graph=shapes, inference="none", advanced=True,
                                         allow_warnings=True, use_shapes=use, inplace=True)
    return results


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validate.load_shapes(ROOT / "shapes")


_VALID: list[Graph] = []


def _valid() -> Graph:
    if not _VALID:
        g = Graph()
        for path in sorted((ROOT / "ontology").glob("*.ttl")):
            g.parse(path, format="turtle")
        g.parse(FIXTURE, format="turtle")
        _VALID.append(g)
    return _VALID[0]


def valid_graph() -> Graph:
    """The fixture with the ontology, schemes and reference data (a fresh copy each time)."""
    copy = Graph()
    copy += _valid()
    return copy


@contextlib.contextmanager
def broken_in_place(case: str) -> Iterator[Graph]:
    """The fixture broken by ``case``, then mended: copying the graph for each case would cost more than
    validating it."""
    g = _valid()
    before = set(g)
    g.update(PREFIXES + CASES[case])
    after = set(g)
    try:
        yield g
    finally:
        for t in after - before:
            g.remove(t)
        g.addN((s, p, o, g) for s, p, o in before - after)
        assert len(g) == len(before)


def broken(case: str) -> Graph:
    g = valid_graph()
    g.update(PREFIXES + CASES[case])
    return g


# --- the tests ----------------------------------------------------------------------------

def test_the_valid_fixture_conforms(shapes):
    report = validate.shacl(valid_graph(), shapes)
    assert report.conforms, validate.render(report.violations)


def test_every_constraint_has_a_case(shapes):
    """A constraint added to shapes/*.ttl without a case here fails; so does a case for a constraint that is gone."""
    assert set(CASES) == constraints(shapes)


def test_every_targeted_shape_has_a_constraint(shapes):
    assert {str(s).removeprefix(OKGSH) for s in targeted(shapes)} == {c.split()[0] for c in CASES}


def test_sparql_constraints_are_named(shapes):
    """Named, so that a report (and :func:`fired`) can tell two SPARQL constraints of one shape apart."""
    assert all(isinstance(q, URIRef) for q in shapes.objects(None, SH.sparql))


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_constraint_fires_on_its_broken_fixture(shapes, constraint):
    shape = constraint.split()[0]
    with broken_in_place(constraint) as g:
        found = fired(reference(g, shapes, {shape}), shapes)
    assert constraint in found, sorted(found)


# --- sanity checks (warnings, SPARQL on Oxigraph) ------------------------------------

NORMAL = D("statement-rank/normal")


def claim(name: str, kind: str, about: str, *values: str) -> str:
    """A live claim of the fixture's article (for the sanity fixtures)."""
    return (f"{I('claim/' + name)} a okg:{kind} , okg:Claim ; {about} ; prov:wasDerivedFrom {ART} ;"
            f" okg:statementRank {NORMAL} ; {' ; '.join(values)} .")


#: a unit of Sleman and two unit scores far below Sleman's 91.20 (mean 71.00)
UNITS = add(
    f"{I('assessment/2023/kab-sleman/unit/dinkes')} okg:partOfResult {RESULT} .",
    claim("u1", "ScoreClaim", f"okg:aboutResult {UNIT_RESULT}", "okg:score 70.00"),
    claim("u2", "ScoreClaim", f"okg:aboutResult {I('assessment/2023/kab-sleman/unit/dinkes')}", "okg:score 72.00"))

SANITY: dict[str, str] = {
    "weekday-vs-date": put(AWARD, "okg:statedWeekday", '"Senin"'),  # 14 December 2023 was a Thursday
    "zone-vs-score": put(ZONE, "okg:zone", D("zone/kuning")),
    "opinion-vs-score": put(OPINION, "okg:opinion", D("opinion/D")),
    "award-date-vs-round": put(AWARD, "okg:eventDate", '"2026-01-01"^^xsd:date'),
    "unit-mean-vs-result": UNITS,
    "coverage-vs-official": put(COVERAGE, "okg:count", "416"),  # the 2023 round assessed 415 kabupaten
}

#: the same breaks, with the claim they rest on other than the focus deprecated: no warning
DEPRECATED_OTHER: dict[str, str] = {
    "zone-vs-score": f"INSERT DATA {{ {SCORE} okg:statementRank {DEPRECATED} }} ; DELETE DATA {{ {SCORE} okg:statementRank {NORMAL} }}",
    "opinion-vs-score": f"INSERT DATA {{ {SCORE} okg:statementRank {DEPRECATED} }} ; DELETE DATA {{ {SCORE} okg:statementRank {NORMAL} }}",
    "unit-mean-vs-result": f"INSERT DATA {{ {I('claim/u1')} okg:statementRank {DEPRECATED} . {I('claim/u2')} okg:statementRank {DEPRECATED} }} ;"
                           f" DELETE DATA {{ {I('claim/u1')} okg:statementRank {NORMAL} . {I('claim/u2')} okg:statementRank {NORMAL} }}",
}

#: a second contradiction for the same focus: still one row
TWICE: dict[str, str] = {
    "zone-vs-score": add(claim("score-2", "ScoreClaim", f"okg:aboutResult {RESULT}", "okg:score 95.00")),
    "opinion-vs-score": add(claim("score-2", "ScoreClaim", f"okg:aboutResult {RESULT}", "okg:score 95.00")),
    "unit-mean-vs-result": add(claim("u3", "ScoreClaim", f"okg:aboutResult {UNIT_RESULT}", "okg:score 60.00")),
    "weekday-vs-date": add(f'{AWARD} okg:computedWeekday "Selasa" .'),
    "award-date-vs-round": add(f'{AWARD} okg:eventDate "2027-01-01"^^xsd:date .'),
    "coverage-vs-official": add(f"{COVERAGE} okg:count 417 ."),
}


def sanity_on(g: Graph) -> dict[str, list[validate.Issue]]:
    store = ox.Store()
    store.load(g.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    out: dict[str, list[validate.Issue]] = {}
    for issue in validate.sanity(store, ROOT / "shapes" / "sanity"):
        out.setdefault(issue.shape.removeprefix(validate.SANITY_SHAPE), []).append(issue)
    return out


def sanity_broken(check: str, *more: str) -> Graph:
    g = valid_graph()
    g.update(PREFIXES + SANITY[check])
    for update in more:
        g.update(PREFIXES + update)
    return g


FOCUS = {"weekday-vs-date": AWARD, "zone-vs-score": ZONE, "opinion-vs-score": OPINION, "award-date-vs-round": AWARD,
         "unit-mean-vs-result": SCORE, "coverage-vs-official": COVERAGE}


def test_every_sanity_query_has_a_case():
    names = {p.stem for p in (ROOT / "shapes" / "sanity").glob("*.rq")}
    assert names == set(SANITY) == set(FOCUS) == set(TWICE)


def test_the_valid_fixture_raises_no_warning():
    assert sanity_on(valid_graph()) == {}


@pytest.mark.parametrize("check", sorted(SANITY))
def test_sanity_check_fires_on_its_broken_fixture(check):
    fired_ = sanity_on(sanity_broken(check)).get(check, [])
    assert [(i.focus, i.severity) for i in fired_] == [(FOCUS[check].strip("<>"), "Warning")]
    assert fired_[0].message and fired_[0].article == ART.strip("<>")


@pytest.mark.parametrize("check", sorted(SANITY))
def test_sanity_check_skips_a_deprecated_focus(check):
    focus = FOCUS[check]
    g = sanity_broken(check, f"DELETE WHERE {{ {focus} okg:statementRank ?r }} ; INSERT DATA {{ {focus} okg:statementRank {DEPRECATED} }}")
    assert check not in sanity_on(g)


@pytest.mark.parametrize("check", sorted(DEPRECATED_OTHER))
def test_sanity_check_skips_deprecated_claims_it_compares_with(check):
    assert check not in sanity_on(sanity_broken(check, DEPRECATED_OTHER[check]))


@pytest.mark.parametrize("check", sorted(TWICE))
def test_sanity_check_reports_each_focus_once(check):
    fired_ = sanity_on(sanity_broken(check, TWICE[check])).get(check, [])
    assert [i.focus for i in fired_] == [FOCUS[check].strip("<>")]


def test_coverage_check_compares_regional_governments_with_the_sum_of_their_categories():
    """No official count for pemerintah daerah in a round: the sum of provinsi, kota and kabupaten is the official one."""
    g = valid_graph()
    g.update(PREFIXES + put(COVERAGE, "okg:entityCategory", D("entity-category/pemerintah-daerah")) + " ; "
             + put(COVERAGE, "okg:aboutRound", ROUND22) + " ; " + put(COVERAGE, "okg:count", "547"))
    assert "coverage-vs-official" not in sanity_on(g)  # 2022: 34 + 98 + 415
    g.update(PREFIXES + put(COVERAGE, "okg:count", "552"))
    [issue] = sanity_on(g)["coverage-vs-official"]
    assert "552" in issue.message and "547" in issue.message


def test_the_focus_convention_of_sanity_queries():
    """``VALUES ?focus`` goes right after the first ``WHERE {`` (incremental builds): it must be the query's own,
    with ?focus bound first; see shapes/sanity/README.md."""
    for path in sorted((ROOT / "shapes" / "sanity").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("WHERE {")
        assert head.split("SELECT", 1)[1].split()[0] == "?focus", path.name
        assert body.lstrip().startswith("?focus"), path.name
        assert "statement-rank/deprecated" in body, path.name
        assert "GROUP BY ?focus" in body, path.name
