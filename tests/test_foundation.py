"""Each pipeline stage on the seed articles, then the built graph as a whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import BASE, CORPUS, OKG, PREFIXES
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg_builder.config import settings
from kg_builder.emit import Emitter
from kg_builder.extract import extract
from kg_builder.ingest import article_id, canonicalize, read_corpus
from kg_builder.link import Gazetteer
from kg_builder.query import select
from kg_builder.validate import load_shapes, shacl

S = settings()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(S.reference_dir)


@pytest.fixture(scope="module")
def seeds():
    corpus = read_corpus(CORPUS, S)
    assert not corpus.errors
    return {a.source_file[:3]: a for a in corpus.articles}


# --- ingest -------------------------------------------------------------------------

def test_canonical_text_is_lf_and_nfc():
    assert canonicalize("Pemkab\r\nLebong\rx") == "Pemkab\nLebong\nx"
    assert canonicalize("Cafe\u0301") == "Caf\u00e9"


def test_article_id_is_sha256_prefix_of_canonical_text(seeds):
    a = seeds["003"]
    ident, digest = article_id(a.text)
    assert a.id == ident == digest[:16] and a.sha256 == digest and len(digest) == 64


def test_seed_furniture_is_located_not_removed(seeds):
    a = seeds["004"]
    ticker = a.text[a.furniture[0].start : a.furniture[0].end]
    assert ticker.startswith("- Semarak May Day")
    assert len(a.body) == len(a.text) and "Semarak" not in a.body
    jember = seeds["000"]
    assert any(jember.text[f.start : f.end].startswith("Baca juga") for f in jember.furniture)


# --- link -----------------------------------------------------------------------------

def test_gazetteer_keys_codes_and_kinds(gazetteer):
    jember = gazetteer.get("kab-jember")
    assert jember and jember.code == "35.09" and jember.province == "prov-jawa-timur"
    assert gazetteer.get("kota-blitar").kind == "kota" and gazetteer.get("kab-blitar").kind == "kabupaten"
    assert len(gazetteer.regions("provinsi")) == 38
    assert len(gazetteer.regions("kabupaten")) + len(gazetteer.regions("kota")) == 514


def test_prefixes_decide_the_kind(gazetteer):
    found = {m.surface: m.entity for m in gazetteer.find_mentions("Pemkot Blitar dan Pemkab Blitar serta Pemprov Sumbar")}
    assert found == {"Pemkot Blitar": "kota-blitar", "Pemkab Blitar": "kab-blitar", "Pemprov Sumbar": "prov-sumatera-barat"}


# --- extract --------------------------------------------------------------------------

def _facts(x, kind):
    return {(c.subject, c.year, c.score if kind == "score" else c.rank) for c in x.claims if c.kind == kind}


def test_extract_seed_scores_ranks_and_years(seeds, gazetteer):
    x = {k: extract(a, gazetteer) for k, a in seeds.items()}
    assert ("kab-jember", 2023, 4) in _facts(x["000"], "rank")
    assert _facts(x["001"], "score") == {("prov-jambi", 2022, Decimal("89.62")), ("prov-jambi", 2023, Decimal("88.41"))}
    assert ("kota-blitar", 2024, Decimal("98.19")) in _facts(x["002"], "score")
    assert ("kota-blitar", 2024, 6) in _facts(x["002"], "rank")
    lebong_units = {(s, v) for s, y, v in _facts(x["003"], "score") if "/unit/" in s and y == 2023}
    assert len(lebong_units) == 7
    assert ("kab-lebong/unit/puskesmas-taba-atas", Decimal("94.13")) in lebong_units
    assert ("kota-jambi", 2024, 36) in _facts(x["004"], "rank")
    assert {c.zone for c in x["003"].claims if c.kind == "zone"} == {"hijau"}


def test_every_evidence_span_quotes_the_canonical_text(seeds, gazetteer):
    for a in seeds.values():
        for c in extract(a, gazetteer).claims:
            quote = a.text[c.evidence.start : c.evidence.end]
            assert quote.strip() and len(quote) <= S.max_quote_chars


def test_impossible_date_is_a_finding_not_a_date(seeds, gazetteer):
    x = extract(seeds["003"], gazetteer)
    award = next(c for c in x.claims if c.kind == "award")
    assert award.event_date is None and award.date_issue == "invalid-calendar-date"
    assert award.event_date_text == "Kamis (29/2/2023)"
    assert any(f.type == "invalid-calendar-date" for f in x.findings)


# --- emit and validate ------------------------------------------------------------------

def test_emitted_claim_has_evidence_with_both_selectors(seeds, gazetteer):
    a = seeds["002"]
    x = extract(a, gazetteer)
    g = Graph()
    em = Emitter(BASE)
    run = URIRef(f"{BASE}id/run/test")
    em.extraction(g, a, x, run, 32)
    score = next(c for c in x.claims if c.kind == "score")
    claim = em.claim_iri(a, score)
    assert (claim, URIRef(OKG + "score"), Literal("98.19", datatype=XSD.decimal)) in g
    span = g.value(claim, URIRef(OKG + "evidence"))
    assert str(span) == f"{BASE}id/article/{a.id}#char={score.evidence.start},{score.evidence.end}"


def test_built_graph_conforms_and_a_broken_copy_does_not(built):
    s, result = built
    assert result.conforms and result.triples > 1000
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(s.out_dir / "kg.nq", format="nquads")
    g = Graph()
    for ctx in ds.graphs():
        g += ctx
    claim = next(g.subjects(URIRef(OKG + "score"), None))
    g.remove((claim, URIRef(OKG + "score"), None))
    g.add((claim, URIRef(OKG + "score"), Literal("120.5", datatype=XSD.decimal)))
    report = shacl(g, load_shapes(S.shapes_dir))
    assert not report.conforms
    assert any(i.focus == str(claim) and i.severity == "Violation" for i in report.issues)


# --- the store answers the foundation's questions ------------------------------------------

def test_store_answers_jember_blitar_lebong(store):
    rows = select(store, PREFIXES + """
        SELECT ?pos ?of ?quote WHERE {
          ?c a okg:RankClaim ; okg:aboutResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-jember> ;
             okg:rankPosition ?pos ; okg:evidence/oa:hasSelector/oa:exact ?quote .
          OPTIONAL { ?c okg:rankOutOf ?of } }""")
    assert {r["pos"] for r in rows} == {"4"} and any(r["of"] == "268" for r in rows)
    rows = select(store, PREFIXES + """
        SELECT ?score WHERE { <https://w3id.org/kepatuhan-kg/id/assessment/2024/kota-blitar> okg:score ?score }""")
    assert [r["score"] for r in rows] == ["98.19"]
    rows = select(store, PREFIXES + """
        SELECT ?unit ?score ?quote WHERE {
          ?r okg:partOfResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-lebong> .
          ?c okg:aboutResult ?r ; okg:score ?score ; okg:evidence/oa:hasSelector/oa:exact ?quote .
          ?r okg:assessedEntity ?unit }""")
    assert len(rows) == 7
    assert {r["score"] for r in rows} == {"94.13", "92.85", "92.47", "92.21", "91.89", "90.85", "89.57"}
    assert all(r["score"].replace(".", ",") in r["quote"] for r in rows)
