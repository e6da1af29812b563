"""The researchers' catalogue (``queries/*.rq``): each query's exact answer.

Every query runs on the graph built from the bundled corpus and its rows are
asserted exactly. Where the five seed articles cannot answer a question (no
entity has a zone in two rounds, no two articles disagree), the query also
runs on ``fixtures/queries/history.ttl``, a small graph written for it, and
those rows are asserted too.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg_builder.query import run_query

from conftest import BASE, ROOT

QUERIES = ROOT / "queries"
FIXTURE = Path(__file__).parent / "fixtures" / "queries" / "history.ttl"
HEADER = ("title", "question (en)", "pertanyaan (id)", "parameters", "returns")
ALL = sorted(p.stem for p in QUERIES.glob("*.rq"))


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> object:
    """IRIs without the base, numbers as numbers, everything else as its text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value.removeprefix(BASE)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt == "integer":
            return int(term.value)
        if dt == "decimal":
            return Decimal(term.value).normalize()
        return term.value
    return str(term)


def rows(store: ox.Store, name: str, *columns: str) -> list[tuple]:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    out = []
    for sol in store.query(text, use_default_graph_as_union=True):
        out.append(tuple(short(sol[c]) for c in columns))
    return out


@pytest.fixture(scope="module")
def history() -> ox.Store:
    store = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load(path.read_bytes(), ox.RdfFormat.TURTLE)
    store.load(FIXTURE.read_bytes(), ox.RdfFormat.TURTLE)
    return store


def D(x: str) -> Decimal:
    return Decimal(x).normalize()


def test_catalogue_has_at_least_fifteen_documented_queries():
    assert len(ALL) >= 15
    for name in ALL:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        head = {m.group(1): m.group(2) for m in re.finditer(r"^# ([^:]+): (.+)$", text, re.M)}
        assert all(head.get(h) for h in HEADER), (name, sorted(head))


@pytest.mark.parametrize("name", ALL)
def test_every_query_runs_through_kg_query(built, name):
    out = json.loads(run_query(built[0].out_dir, (QUERIES / f"{name}.rq").read_text(encoding="utf-8"), "json"))
    assert out["head"]["vars"]


def test_ranking(store):
    assert rows(store, "ranking", "entity", "score", "statedRank") == [
        ("id/entity/kab-tanjung-jabung-barat", D("91.46"), 2),
        ("id/entity/kab-sarolangun", D("90.53"), 3),
    ]


def test_ranking_within_a_province_and_other_category(store):
    text = (QUERIES / "ranking.rq").read_text(encoding="utf-8").replace(
        '(<https://w3id.org/kepatuhan-kg/def/entity-category/kabupaten> "2024"^^xsd:gYear UNDEF)',
        '(<https://w3id.org/kepatuhan-kg/def/entity-category/kota> "2024"^^xsd:gYear <https://w3id.org/kepatuhan-kg/id/entity/prov-jambi>)')
    got = [(short(s["entity"]), short(s["score"]), short(s["statedRank"]))
           for s in store.query(text, use_default_graph_as_union=True)]
    assert got == [("id/entity/kota-jambi", D("93.68"), 1)]


def test_year_over_year(store):
    assert rows(store, "year-over-year", "entity", "fromYear", "toYear", "change") == [
        ("id/entity/prov-jambi", "2022", "2023", D("-1.21")),
        ("id/entity/kab-lebong", "2022", "2023", D("7.78")),
    ]


def test_year_over_year_skips_to_the_next_known_round(history):
    assert rows(history, "year-over-year", "entity", "fromYear", "toYear", "change") == [
        ("id/entity/kab-contoh", "2022", "2023", D("-12.5")),
        ("id/entity/kab-contoh", "2021", "2022", D("1.5")),
    ]


def test_zone_moves(store, history):
    assert rows(store, "zone-moves", "entity") == []
    assert rows(history, "zone-moves", "entity", "fromYear", "fromZone", "toYear", "toZone") == [
        ("id/entity/kab-contoh", "2021", "def/zone/hijau", "2023", "def/zone/kuning"),
        ("id/entity/kab-contoh", "2022", "def/zone/hijau", "2023", "def/zone/kuning"),
    ]


def test_units_of_result(store):
    got = rows(store, "units-of-result", "unitName", "unitScore", "entityScore")
    assert got == [
        ("Puskesmas Taba Atas", D("94.13"), D("92")),
        ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", D("92.85"), D("92")),
        ("Dinas Kesehatan", D("92.47"), D("92")),
        ("Puskesmas Sukaraja", D("92.21"), D("92")),
        ("Dinas Kependudukan dan Pencatatan Sipil", D("91.89"), D("92")),
        ("Dinas Sosial", D("90.85"), D("92")),
        ("Dinas Pendidikan", D("89.57"), D("92")),
    ]
    means = {round(m, 4) for (m,) in rows(store, "units-of-result", "unitMean")}
    assert means == {Decimal("91.9957")}


def test_claims_behind_value(store):
    got = rows(store, "claims-behind-value", "kind", "value", "file", "quote")
    assert got == [
        ("def/okg#AwardClaim", "Kamis (14/12)", "000_25594368f4837db1.txt", "Kamis (14/12)"),
        ("def/okg#RankClaim", "4", "000_25594368f4837db1.txt", "Jember peringkat empat"),
        ("def/okg#RankClaim", "4", "000_25594368f4837db1.txt",
         "Jember menempati posisi ke-4 secara nasional dari 268 kabupaten yang mendapatkan penghargaan"),
        ("def/okg#RankClaim", "4", "000_25594368f4837db1.txt", "Kabupaten Jember mendapatkan urutan ke-4"),
    ]


def test_conflicts(store, history):
    assert rows(store, "conflicts", "result") == []
    assert rows(history, "conflicts", "result", "status", "value", "otherValue") == [
        ("id/assessment/2024/kab-contoh", "def/consolidation-status/conflicting", "79", "97"),
    ]


def test_coverage(store):
    assert rows(store, "coverage", "year", "category", "inGraph", "official") == [
        ("2022", "def/entity-category/kabupaten", 1, 415),
        ("2022", "def/entity-category/provinsi", 1, 34),
        ("2023", "def/entity-category/kabupaten", 2, 415),
        ("2023", "def/entity-category/kota", 1, 98),
        ("2023", "def/entity-category/provinsi", 1, 34),
        ("2024", "def/entity-category/kabupaten", 2, 416),
        ("2024", "def/entity-category/kota", 2, 98),
    ]


def test_zone_distribution(store):
    assert rows(store, "zone-distribution", "year", "category", "zone", "results") == [
        ("2023", "def/entity-category/kabupaten", "def/zone/hijau", 1),
        ("2024", "def/entity-category/kota", "def/zone/hijau", 1),
    ]


def test_awards(store):
    assert rows(store, "awards", "year", "entity", "presenterName", "role", "recipientName", "body", "date") == [
        ("2023", "id/entity/kab-jember", None, None, None, "id/org/ombudsman-ri", "2023-12-14"),
        ("2023", "id/entity/kab-lebong", "Jaka Andhika", "def/presenter-role/pjs-kepala-perwakilan", "Kopli Ansori",
         "id/org/ombudsman-ri/perwakilan/bengkulu", None),
        ("2023", "id/entity/prov-jambi", "Robert Na Endi Jaweng", "def/presenter-role/anggota", "Al Haris",
         "id/org/ombudsman-ri", "2024-02-06"),
        ("2024", "id/entity/kota-blitar", "Mokhammad Najih", "def/presenter-role/ketua", "Suharyono",
         "id/org/ombudsman-ri", "2024-11-14"),
        ("2024", "id/entity/kota-jambi", "Al Haris", "def/presenter-role/gubernur", "Sri Purwaningsih",
         "id/org/ombudsman-ri/perwakilan/jambi", "2024-12-03"),
    ]


def test_dimensions(store):
    got = rows(store, "dimensions", "year", "dimension", "weight", "articles")
    assert [r for r in got if r[0] == "2023" and r[2] is not None] == [
        ("2023", "def/dimension/proses", D("32.37"), 1),
        ("2023", "def/dimension/output", D("24.24"), 1),
        ("2023", "def/dimension/input", D("21.85"), 1),
        ("2023", "def/dimension/pengaduan", D("21.54"), 1),
    ]
    assert ("2021", "def/dimension/proses", None, 0) in got
    assert sorted(d for y, d, w, a in got if y == "2023" and w is None) == [
        "def/dimension/pengelolaan-pengaduan", "def/dimension/persepsi-maladministrasi",
        "def/dimension/sarana-prasarana", "def/dimension/standar-pelayanan"]


def test_quality_findings(store):
    assert rows(store, "quality-findings", "type", "about", "quote") == [
        ("def/finding-type/invalid-calendar-date", "id/entity/kab-lebong", "Kamis (29/2/2023)"),
        ("def/finding-type/name-variant", "id/person/saiful-roswandi", "Saiful Ruswandi"),
    ]


def test_articles_by_outlet(store):
    assert rows(store, "articles-by-outlet", "outlet", "articles", "claims", "results") == [
        ("Bengkulutoday.com", 1, 19, 9),
        ("ANTARA News Jawa Timur", 1, 13, 1),
        ("Mediajambi.com", 1, 10, 3),
        ("serayunusantara.com", 1, 8, 2),
        ("Thehok.id", 1, 6, 2),
    ]


def test_province_gaps(store):
    assert rows(store, "province-gaps", "code") == [
        ("15.01",), ("15.02",), ("15.04",), ("15.05",), ("15.07",), ("15.08",), ("15.09",), ("15.72",)]


def test_entity_history(store):
    assert rows(store, "entity-history", "year", "score", "zone", "opinion", "ranks", "articles") == [
        ("2022", D("84.22"), None, None, "5", 1),
        ("2023", D("92"), "def/zone/hijau", "def/opinion/A", "3", 1),
    ]


def test_single_source(store):
    got = rows(store, "single-source", "result", "file")
    assert len(got) == 16
    assert ("id/assessment/2024/kota-blitar", "002_6c621c034e1211b9.txt") in got
    assert ("id/assessment/2023/kab-lebong/unit/dinas-sosial", "003_d642cc889d79e6ae.txt") in got
    assert not any(r[0] == "id/assessment/2023/kab-jember" for r in got)  # ranks only: no agreed value


def test_single_source_leaves_out_results_with_two_articles(history):
    assert rows(history, "single-source", "result") == [("id/assessment/2022/kab-contoh",)]


def test_stated_ranks(store):
    assert rows(store, "stated-ranks", "year", "entity", "rank", "outOf", "scope") == [
        ("2022", "id/entity/kab-lebong", 5, None, "def/rank-scope/provinsi-kabkota"),
        ("2023", "id/entity/kab-jember", 4, None, "def/rank-scope/nasional-kategori"),
        ("2023", "id/entity/kab-jember", 4, 268, "def/rank-scope/nasional-penerima-penghargaan"),
        ("2023", "id/entity/kab-lebong", 3, None, "def/rank-scope/provinsi-kabkota"),
        ("2024", "id/entity/kab-sarolangun", 3, None, "def/rank-scope/provinsi-kabkota"),
        ("2024", "id/entity/kab-tanjung-jabung-barat", 2, None, "def/rank-scope/provinsi-kabkota"),
        ("2024", "id/entity/kota-blitar", 6, None, "def/rank-scope/nasional-kategori"),
        ("2024", "id/entity/kota-jambi", 1, None, "def/rank-scope/provinsi-kabkota"),
        ("2024", "id/entity/kota-jambi", 36, 98, "def/rank-scope/nasional-kategori"),
    ]


def test_score_bands(store):
    got = rows(store, "score-bands", "year", "concept", "min", "max")
    assert [r for r in got if r[0] == "2024"] == [
        ("2024", "def/opinion/A", D("88"), D("100")),
        ("2024", "def/zone/hijau", D("78"), D("100")),
        ("2024", "def/opinion/B", D("78"), D("87.99")),
        ("2024", "def/opinion/C", D("54"), D("77.99")),
        ("2024", "def/zone/kuning", D("54"), D("77.99")),
        ("2024", "def/opinion/D", D("32"), D("53.99")),
        ("2024", "def/zone/merah", D("0"), D("53.99")),
        ("2024", "def/opinion/E", D("0"), D("31.99")),
    ]
    assert [r for r in got if r[0] == "2021"] == [
        ("2021", "def/zone/hijau", D("81"), D("100")),
        ("2021", "def/zone/kuning", D("51"), D("80.99")),
        ("2021", "def/zone/merah", D("0"), D("50.99")),
    ]
    assert not [r for r in got if r[0] == "2025"]
