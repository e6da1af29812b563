"""The extractor on phrasings of the news, one fixture per phrasing.

Every fixture below is written for these tests in the style of Indonesian
regional news (names and numbers are real places, invented values). Each test
pins one way a result is stated, so a rule change that breaks it fails here
rather than silently on the next corpus.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from kg_builder.config import settings
from kg_builder.extract import extract
from kg_builder.ingest import article_id, canonicalize, find_furniture
from kg_builder.link import Gazetteer
from kg_builder.model import Article, ArticleMeta, Extraction


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(settings().reference_dir)


def run(text: str, gazetteer: Gazetteer) -> Extraction:
    text = canonicalize(text)
    ident, digest = article_id(text)
    return extract(Article(ident, "fixture.txt", text, digest, find_furniture(text)), gazetteer)


def facts(x: Extraction, kind: str) -> set[tuple]:
    out = set()
    for c in x.claims:
        if c.kind != kind:
            continue
        value = {"score": c.score, "rank": c.rank, "zone": c.zone, "opinion": c.opinion, "topn": c.top_n}[kind]
        out.add((c.subject, c.year, value))
    return out


def test_every_claim_quotes_its_article(gazetteer):
    x_text = canonicalize(LIST_WITH_SCORES)
    x = run(LIST_WITH_SCORES, gazetteer)
    assert x.claims
    for c in x.claims:
        assert 0 <= c.evidence.start < c.evidence.end <= len(x_text)


LIST_WITH_SCORES = """KUPANG, Warta Timur - Ombudsman RI Perwakilan Nusa Tenggara Timur menyerahkan hasil Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik tahun 2023, Rabu (20/12/2023).

Sebanyak tiga kabupaten di Provinsi Nusa Tenggara Timur berada di zona merah, antara lain Kabupaten Alor (44,10), Belu (39,25) dan Ende (41,07).

Sementara Kota Kupang meraih zona hijau dengan nilai 88,15.
"""


def test_bare_names_in_a_list_take_the_kind_and_province_of_the_sentence(gazetteer):
    x = run(LIST_WITH_SCORES, gazetteer)
    assert facts(x, "score") == {
        ("kab-alor", 2023, Decimal("44.10")),
        ("kab-belu", 2023, Decimal("39.25")),
        ("kab-ende", 2023, Decimal("41.07")),
        ("kota-kupang", 2023, Decimal("88.15")),
    }
    assert facts(x, "zone") == {
        ("kab-alor", 2023, "merah"), ("kab-belu", 2023, "merah"), ("kab-ende", 2023, "merah"),
        ("kota-kupang", 2023, "hijau"),
    }


def test_dateline_place_is_not_a_subject(gazetteer):
    x = run(LIST_WITH_SCORES, gazetteer)
    assert not any(c.subject == "kab-kupang" for c in x.claims)


ZONE_LIST_AFTER = """Banda Aceh - Ombudsman RI mengumumkan hasil Penilaian Kepatuhan Standar Pelayanan Publik Tahun 2022 bagi pemerintah daerah di Provinsi Aceh.
Daerah yang masuk zona hijau yaitu Aceh Tamiang, Bireuen, Gayo Lues dan Nagan Raya.
Sedangkan yang masih berada pada zona kuning, kata Kepala Perwakilan, Aceh Jaya dan Simeulue.
Untuk kota yang sudah berada pada zona hijau yaitu Langsa dan satu berada pada zona kuning yaitu Kota Sabang.
"""


def test_zone_goes_to_every_name_of_the_list_that_follows(gazetteer):
    x = run(ZONE_LIST_AFTER, gazetteer)
    assert facts(x, "zone") == {
        ("kab-aceh-tamiang", 2022, "hijau"), ("kab-bireuen", 2022, "hijau"),
        ("kab-gayo-lues", 2022, "hijau"), ("kab-nagan-raya", 2022, "hijau"),
        ("kab-aceh-jaya", 2022, "kuning"), ("kab-simeulue", 2022, "kuning"),
        ("kota-langsa", 2022, "hijau"), ("kota-sabang", 2022, "kuning"),
    }
    assert not any(c.subject == "prov-aceh" for c in x.claims if c.kind == "zone")


RANK_FIRST = """PEKANBARU - Hasil penilaian kepatuhan pelayanan publik Ombudsman RI tahun 2023 untuk pemda se-Riau, Selasa (19/12/2023).
Rinciannya antara lain, peringkat 1 Pemkab Siak dengan nilai 90,12. Peringkat 2, Pemko Dumai dengan nilai 88,40.
Di posisi ketiga, Pemkab Kampar dengan nilai 87,5, disusul oleh Pemkab Pelalawan di posisi keempat dengan nilai 86.
Pemkab Bengkalis menempati posisi kelima dengan nilai 85,01, dan posisi keenam diisi oleh Pemkab Rokan Hulu dengan nilai 84,44.
"""


def test_rank_said_before_the_name_belongs_to_the_name_after_it(gazetteer):
    x = run(RANK_FIRST, gazetteer)
    assert facts(x, "rank") == {
        ("kab-siak", 2023, 1), ("kota-dumai", 2023, 2), ("kab-kampar", 2023, 3),
        ("kab-pelalawan", 2023, 4), ("kab-bengkalis", 2023, 5), ("kab-rokan-hulu", 2023, 6),
    }
    assert ("kab-pelalawan", 2023, Decimal("86.00")) in facts(x, "score")
    assert ("kab-kampar", 2023, Decimal("87.50")) in facts(x, "score")


NUMBERED_TOP3 = """Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2022.
Adapun 3 besar Pemerintah Kabupaten (Pemkab) dengan nilai tertinggi secara nasional, yaitu:
1. Pemkab Sleman, DI Yogyakarta (97,02).
2. Pemkab Badung, Bali (96,53).
3. Pemkab Gresik, Jawa Timur (95,11).
"""


def test_numbered_list_under_a_top_three_gives_ranks_and_scores(gazetteer):
    x = run(NUMBERED_TOP3, gazetteer)
    assert facts(x, "rank") == {("kab-sleman", 2022, 1), ("kab-badung", 2022, 2), ("kab-gresik", 2022, 3)}
    assert facts(x, "score") == {
        ("kab-sleman", 2022, Decimal("97.02")), ("kab-badung", 2022, Decimal("96.53")),
        ("kab-gresik", 2022, Decimal("95.11")),
    }


ORDINAL_HEADS_AND_COUNTED_GROUP = """MATARAM - Ombudsman RI Perwakilan NTB mengungkapkan hasil penilaian kepatuhan tahun 2023, Kamis (01/02/2024).
Sebanyak empat pemda berhasil meraih kategori B atau opini kualitas tinggi. Secara berurutan, urutan pertama adalah Kabupaten Lombok Timur dengan nilai 86,20.
Kedua, Kota Mataram (84,90). Ketiga, Kabupaten Dompu (83,15). Keempat ada Kabupaten Bima (81,02).
"""


def test_ordinal_words_rank_a_list_and_a_counted_group_shares_its_opinion(gazetteer):
    x = run(ORDINAL_HEADS_AND_COUNTED_GROUP, gazetteer)
    assert facts(x, "rank") == {
        ("kab-lombok-timur", 2023, 1), ("kota-mataram", 2023, 2), ("kab-dompu", 2023, 3), ("kab-bima", 2023, 4),
    }
    assert facts(x, "opinion") == {
        ("kab-lombok-timur", 2023, "B"), ("kota-mataram", 2023, "B"), ("kab-dompu", 2023, "B"), ("kab-bima", 2023, "B"),
    }


PREVIOUS_YEAR = """Pemko Pekanbaru menerima penghargaan kepatuhan pelayanan publik dari Ombudsman RI tahun 2023.
Tahun lalu, Pemko Pekanbaru berada di peringkat sebelas. Hasilnya, dari nilai 70,10 (pada tahun lalu) naik menjadi 89,95 tahun ini.
Kementerian Hukum dan Hak Asasi Manusia mencapai Kategori B (kualitas tinggi) dengan nilai 83, 81, naik dari tahun sebelumnya yang mencapai 79, 91, dan menduduki peringkat 10 di antara kementerian lainnya.
"""


def test_values_of_the_previous_year_are_dated_back(gazetteer):
    x = run(PREVIOUS_YEAR, gazetteer)
    scores = facts(x, "score")
    assert ("kota-pekanbaru", 2022, Decimal("70.10")) in scores
    assert ("kota-pekanbaru", 2023, Decimal("89.95")) in scores
    assert ("kementerian-hukum", 2023, Decimal("83.81")) in scores
    assert ("kementerian-hukum", 2022, Decimal("79.91")) in scores
    ranks = facts(x, "rank")
    assert ("kota-pekanbaru", 2022, 11) in ranks
    assert ("kementerian-hukum", 2023, 10) in ranks


BEFORE_AND_AFTER = """Penilaian kepatuhan Ombudsman RI tahun 2024 kembali menempatkan Dinas Kesehatan Kabupaten Kendal di zona hijau.
Tahun ini Dinas Kesehatan berhasil mempertahankan kategori A seperti tahun lalu, dengan penilaian yang sebelumnya 96,10 menjadi 97,35.
"""

CARRIED_SUBJECT = """Survei kepatuhan pelayanan publik 2021 Ombudsman RI menempatkan Kabupaten Agam di zona kuning.
Kabupaten Mentawai yang berada di zona merah berada di urutan 350. Nilai kepatuhannya hanya 43,12.
"""


def test_earlier_value_and_the_value_it_became(gazetteer):
    x = run(BEFORE_AND_AFTER, gazetteer)
    unit = "kab-kendal/unit/dinas-kesehatan"
    assert facts(x, "score") == {(unit, 2023, Decimal("96.10")), (unit, 2024, Decimal("97.35"))}


def test_a_sentence_without_a_name_continues_the_previous_one(gazetteer):
    x = run(CARRIED_SUBJECT, gazetteer)
    assert facts(x, "score") == {("kab-kepulauan-mentawai", 2021, Decimal("43.12"))}
    assert facts(x, "rank") == {("kab-kepulauan-mentawai", 2021, 350)}


NOT_SCORES = """Ombudsman RI mengumumkan penilaian kepatuhan standar pelayanan publik 2021 untuk Pemkab Agam.
Zona hijau diberikan untuk nilai 81-100, zona kuning 51,00-80,99 dan zona merah 0-50,99.
Jumlah instansi yang masuk zona hijau naik sebesar 52,96% dibanding tahun sebelumnya.
Pemkab Agam menargetkan masuk 10 besar nasional tahun depan.
"""


def test_bands_percentages_and_wishes_are_not_results(gazetteer):
    x = run(NOT_SCORES, gazetteer)
    assert facts(x, "score") == set()
    assert facts(x, "rank") == set()
    assert facts(x, "topn") == set()


TOP_N = """Pemkab Banyuwangi masuk 10 besar nasional dalam penilaian kepatuhan Ombudsman RI tahun 2022 dengan nilai 95,5."""


def test_top_n_is_its_own_statement_not_a_rank(gazetteer):
    x = run(TOP_N, gazetteer)
    assert facts(x, "topn") == {("kab-banyuwangi", 2022, 10)}
    assert facts(x, "rank") == set()
    assert facts(x, "score") == {("kab-banyuwangi", 2022, Decimal("95.50"))}


OPINIONS_OF_EACH_ERA = """Ombudsman RI merilis hasil penilaian tahun 2022. Pemerintah Kota Padang meraih predikat A dengan nilai 89,45.
Pemerintah Kabupaten Agam berada pada kategori C dengan opini kualitas sedang.
"""

PREDICATE_2021 = """Survei kepatuhan pelayanan publik 2021 oleh Ombudsman RI. Kabupaten Tanah Datar berada di zona kuning atau tingkat kepatuhan sedang."""

OPINION_2025 = """Ombudsman RI Perwakilan Gorontalo menyerahkan hasil penilaian maladministrasi tahun 2025.
Untuk Pemerintah Provinsi Gorontalo, Ombudsman memberikan skor 76,82 dengan predikat Kualitas Sedang Tanpa Maladministrasi."""


def test_opinion_words_map_to_the_scheme_of_their_era(gazetteer):
    x = run(OPINIONS_OF_EACH_ERA, gazetteer)
    assert facts(x, "opinion") == {("kota-padang", 2022, "A"), ("kab-agam", 2022, "C")}
    y = run(PREDICATE_2021, gazetteer)
    assert {(c.subject, c.opinion_scheme, c.opinion) for c in y.claims if c.kind == "opinion"} == {
        ("kab-tanah-datar", "predicate", "sedang")}
    assert facts(y, "zone") == {("kab-tanah-datar", 2021, "kuning")}
    z = run(OPINION_2025, gazetteer)
    assert {(c.subject, c.year, c.opinion_scheme, c.opinion) for c in z.claims if c.kind == "opinion"} == {
        ("prov-gorontalo", 2025, "opinion-2025", "kualitas-sedang-tanpa-maladministrasi")}
    assert facts(z, "score") == {("prov-gorontalo", 2025, Decimal("76.82"))}


CONTRADICTION = """Ombudsman RI menilai 2021. Sebanyak dua kabupaten meraih predikat kepatuhan tinggi zona merah, yaitu Kabupaten Tambrauw (18,42) dan Kabupaten Maybrat (20,63)."""


def test_predicate_that_contradicts_its_zone_is_a_finding(gazetteer):
    x = run(CONTRADICTION, gazetteer)
    assert facts(x, "zone") == {("kab-tambrauw", 2021, "merah"), ("kab-maybrat", 2021, "merah")}
    assert facts(x, "opinion") == set()
    assert [f.type for f in x.findings] == ["label-contradiction"]


UNITS = """KUPANG - Ombudsman RI Perwakilan NTT menilai 21 Polres pada tahun 2022.
Terdapat satu Polres yang memperoleh score kualitas tertinggi kategori A yaitu Polres Sikka dengan score 88.73.
AMBON - Kantor Pertanahan Kabupaten Buru meraih zona kuning dengan nilai 68,84 dalam penilaian 2022.
"""


def test_police_and_land_offices_are_units_of_their_ministry(gazetteer):
    x = run(UNITS, gazetteer)
    scores = facts(x, "score")
    assert ("lembaga-kepolisian-negara-republik-indonesia/unit/polres-sikka", 2022, Decimal("88.73")) in scores
    land = "kementerian-agraria-dan-tata-ruang/unit/kantor-pertanahan-kabupaten-buru"
    assert (land, 2022, Decimal("68.84")) in scores
    assert (land, 2022, "kuning") in facts(x, "zone")
    assert not any(c.subject == "kab-buru" for c in x.claims)
    parents = {u.key: u.parent for u in x.units}
    assert parents[land] == "kementerian-agraria-dan-tata-ruang"


NEGATIVE = """Ombudsman RI Perwakilan Jawa Timur menerima 120 laporan masyarakat sepanjang tahun 2023.
Kepala Perwakilan mengatakan sebagian besar laporan menyangkut layanan pertanahan dan kepegawaian di Kabupaten Jember."""


def test_an_article_without_results_yields_no_result_claims(gazetteer):
    x = run(NEGATIVE, gazetteer)
    assert [c for c in x.claims if c.kind in ("score", "rank", "zone", "opinion", "topn")] == []


def test_unknown_government_is_an_unlinked_mention(gazetteer):
    x = run("Pemkab Purwokerto belum masuk zona hijau pada penilaian Ombudsman RI tahun 2022.", gazetteer)
    unlinked = [m for m in x.mentions if m.entity is None]
    assert [(m.surface, m.kind) for m in unlinked] == [("Pemkab Purwokerto", "kabupaten")]


def test_impossible_and_wrong_weekday_dates_are_findings(gazetteer):
    text = ("Penghargaan kepatuhan pelayanan publik 2023 dari Ombudsman RI diserahkan kepada Pemkab Lebong "
            "di Bengkulu, Kamis (29/2/2023).")
    assert [f.type for f in run(text, gazetteer).findings] == ["invalid-calendar-date"]
    text = ("Penghargaan kepatuhan pelayanan publik 2023 dari Ombudsman RI diserahkan kepada Pemkab Lebong, "
            "Senin (14/12/2023).")
    assert [f.type for f in run(text, gazetteer).findings] == ["weekday-mismatch"]


@pytest.mark.parametrize("seed", range(30))
def test_no_text_makes_the_extractor_crash(gazetteer, seed):
    rng = random.Random(seed)
    pieces = ["Pemkab", "Kota", "Jember", "zona", "hijau", "nilai", "98,19", "peringkat", "ke-", "dari", "(",
              ")", ",", ".", "\n", "yaitu", "2023", "tahun lalu", "Kamis", "(29/2/2023)", "1.", "Kedua", "kategori",
              "B", "😀", "\u200b", "Polres", "Kantor Pertanahan", "sebanyak", "tiga", "kabupaten", "%", "-", "dan",
              "Dalam kategori", "Lalu,", "sementara yang lain masuk", "semua kabupaten kota di", "Jawa Timur",
              "sebelumnya", "seperti tahun lalu", "itu", "(Kemenkumham)", "Kotta", "Ombusdman", "di Hotel", "kepada",
              "Bupati Jember Hendy Siswanto", "diututan", "kualias", "khusus untuk", "40 dari 34", "Berita", "–"]
    text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 300)))
    run(text or " ", gazetteer)  # must not raise


# --- data-quality findings anywhere in the article ---------------------------------

NAME_SPELLED_TWICE = """Ombudsman RI Perwakilan Sulawesi Tengah memaparkan hasil penilaian kepatuhan tahun 2023 kepada Pemkab Sigi.
Kepala Perwakilan Ombudsman RI Provinsi Sulawesi Tengah Dedi Askary mengatakan Pemkab Sigi meraih nilai 84,12.
"Kami mendorong perbaikan di unit layanan," kata Dedy askary usai paparan.
Menurut Dedi Askari, pengelolaan pengaduan masih menjadi catatan.
"""


def test_a_person_spelled_another_way_anywhere_is_a_finding(gazetteer):
    x = run(NAME_SPELLED_TWICE, gazetteer)
    assert not any(c.kind == "award" for c in x.claims)  # no hand-over: the finding does not need one
    found = {(f.type, f.about, NAME_SPELLED_TWICE[f.evidence.start : f.evidence.end]) for f in x.findings}
    assert found == {("name-variant", "dedi-askary", "Dedy askary"), ("name-variant", "dedi-askary", "Dedi Askari")}
    person = next(p for p in x.people if p.key == "dedi-askary")
    assert person.variants == ("Dedy askary", "Dedi Askari")
    assert ("kab-sigi", 2023, Decimal("84.12")) in facts(x, "score")


PLACE_SPELLED_TWICE = """Pemerintah Kota Jambi meraih nilai 93,10 dalam penilaian kepatuhan Ombudsman RI tahun 2024.
Capaian Kotta Jambi itu menempatkannya di peringkat kedua se-Provinsi Jambi.
Ombusdman RI Perwakilan Jambi menyerahkan piagam kepada Pemkot Jambi.
"""


def test_a_misspelt_place_and_a_misspelt_body_are_findings(gazetteer):
    x = run(PLACE_SPELLED_TWICE, gazetteer)
    text = canonicalize(PLACE_SPELLED_TWICE)
    found = {(f.type, f.about, text[f.evidence.start : f.evidence.end]) for f in x.findings}
    assert found == {
        ("place-variant", "kota-jambi", "Kotta Jambi"),
        ("body-name-variant", "lembaga-ombudsman-republik-indonesia", "Ombusdman"),
    }
    # the misprint still names Kota Jambi, so the rank of its sentence is Kota Jambi's
    assert facts(x, "rank") == {("kota-jambi", 2024, 2)}


def test_ordinary_words_and_cut_off_words_are_not_variants(gazetteer):
    text = ("Pemerintah Kota Batu meraih nilai 90,10 dari Ombudsman RI tahun 2024. Kota Baru tidak dinilai. "
            "Kata Wali Kota Batu, hasil itu diterima dengan syukur. Setelah menerima hasil penilaian Ombudsm")
    assert run(text, gazetteer).findings == ()


RANK_ABOVE_DENOMINATOR = """Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2023.
Pemerintah Provinsi Maluku Utara menempati peringkat 40 dari 34 provinsi dengan nilai 61,20.
"""


def test_rank_above_its_denominator_keeps_the_rank_and_records_the_printed_pair(gazetteer):
    x = run(RANK_ABOVE_DENOMINATOR, gazetteer)
    rank = next(c for c in x.claims if c.kind == "rank")
    assert (rank.subject, rank.rank, rank.rank_of) == ("prov-maluku-utara", 40, None)
    (finding,) = x.findings
    assert finding.type == "rank-exceeds-denominator" and finding.about == "prov-maluku-utara"
    assert "peringkat 40 dari 34" in finding.message


# --- the hand-over: where, and to whom ------------------------------------------------

HANDOVER_BY_THE_BODY = """Pemerintah Kabupaten Sumenep meraih penghargaan kepatuhan pelayanan publik tahun 2023 dari Ombudsman RI.
Penghargaan itu diserahkan Ombudsman kepada Bupati Sumenep Achmad Fauzi di Gedung Serbaguna Kantor Gubernur, Surabaya, pada Rabu (17/1/2024).
"""

HANDOVER_WITH_VENUE_IN_LOWER_CASE = """Pemkot Tegal menerima penghargaan Ombudsman RI tahun 2024 dengan nilai 91,02.
Piagam diserahkan oleh Kepala Perwakilan Ombudsman RI Provinsi Jawa Tengah Siti Farida dan diterima langsung oleh Wali Kota Tegal Dedy Yon Supriyono,
dalam acara yang berlangsung di aula Balai Kota Tegal, Senin (9/12/2024).
"""


def test_award_place_and_recipient_are_read_from_the_handover(gazetteer):
    x = run(HANDOVER_BY_THE_BODY, gazetteer)
    award = next(c for c in x.claims if c.kind == "award")
    assert (award.presenter, award.recipient) == (None, "achmad-fauzi")
    assert award.event_place == "Gedung Serbaguna Kantor Gubernur, Surabaya"
    assert award.event_date == "2024-01-17"
    text = canonicalize(HANDOVER_BY_THE_BODY)
    assert text[award.evidence.start : award.evidence.end].startswith("di Gedung Serbaguna")
    y = run(HANDOVER_WITH_VENUE_IN_LOWER_CASE, gazetteer)
    award = next(c for c in y.claims if c.kind == "award")
    assert (award.presenter, award.presenter_role, award.recipient) == ("siti-farida", "kepala-perwakilan",
                                                                        "dedy-yon-supriyono")
    assert award.event_place == "aula Balai Kota Tegal"
    assert award.event_date == "2024-12-09"


# --- labels said once for several sentences ------------------------------------------

HEADING_OVER_A_RANKED_LIST = """SURABAYA - Ombudsman RI Perwakilan Jawa Timur menyerahkan hasil Penilaian Kepatuhan tahun 2023, Rabu (20/12/2023).
Untuk kategori Pemkab dengan zona hijau kualitas tertinggi, Pemkab Lamongan berada di peringkat pertama dengan nilai 97,02.
Di posisi kedua, Pemkab Gresik dengan nilai 96,44, disusul oleh Pemkab Sidoarjo di posisi ketiga dengan nilai 95,87.
Sementara itu, Pemkab Tuban menempati posisi keempat dengan nilai 95,10.
Pada tahun 2023, semua kabupaten kota di Jawa Timur sudah masuk zona hijau.
"""


def test_a_heading_label_covers_the_ranked_list_until_a_contrast(gazetteer):
    x = run(HEADING_OVER_A_RANKED_LIST, gazetteer)
    listed = {"kab-lamongan", "kab-gresik", "kab-sidoarjo"}
    assert facts(x, "opinion") == {(k, 2023, "A") for k in listed}
    # Tuban comes after "Sementara itu": not under the heading, but under "semua kabupaten kota di Jawa Timur"
    assert facts(x, "zone") == {(k, 2023, "hijau") for k in listed | {"kab-tuban"}}
    assert facts(x, "rank") == {("kab-lamongan", 2023, 1), ("kab-gresik", 2023, 2), ("kab-sidoarjo", 2023, 3),
                                ("kab-tuban", 2023, 4)}
    assert not any(c.subject == "prov-jawa-timur" for c in x.claims if c.kind in ("zone", "opinion"))


LIST_GOES_ON_IN_THE_NEXT_SENTENCES = """Palu (ANTARA) - Ombudsman RI Perwakilan Sulawesi Tengah merilis penilaian kepatuhan tahun 2022.
Daerah yang memperoleh predikat tinggi dengan nilai B yaitu Pemerintah Kabupaten Poso 85,21, Pemerintah Kabupaten Banggai 83,40.
Lalu, Pemerintah Kabupaten Tolitoli 81,7, Pemerintah Kota Palu 80,12.
Berikutnya, Pemerintah Kabupaten Donggala 79,06.
Sementara Pemerintah Kabupaten Buol 66,10 berada pada zona kuning dengan kategori C.
"""


def test_a_list_label_goes_on_over_sentences_that_continue_the_list(gazetteer):
    x = run(LIST_GOES_ON_IN_THE_NEXT_SENTENCES, gazetteer)
    assert facts(x, "opinion") == {
        ("kab-poso", 2022, "B"), ("kab-banggai", 2022, "B"), ("kab-toli-toli", 2022, "B"),
        ("kota-palu", 2022, "B"), ("kab-donggala", 2022, "B"), ("kab-buol", 2022, "C"),
    }
    assert ("kab-toli-toli", 2022, Decimal("81.70")) in facts(x, "score")
    assert facts(x, "zone") == {("kab-buol", 2022, "kuning")}


ANAPHORA_AND_THE_OTHERS = """Ombudsman RI merilis hasil penilaian kepatuhan standar pelayanan publik 2021.
Di Provinsi Sulawesi Barat, Mamuju Tengah menempati posisi ke-60 dari 416 kabupaten.
Kabupaten termuda itu juga meraih kepatuhan yang tinggi dan tercatat dalam zona hijau dengan nilai 84,30.
"Hanya satu daerah, sementara yang lain masuk dalam zona kuning," ujarnya.
Selebihnya, Pemerintah Kabupaten Majene di posisi 190 dari 416 kabupaten dengan nilai 70,05 dan Pemerintah Provinsi Sulawesi Barat di posisi ke-20 dari 34 provinsi dengan nilai 74,80.
"""


def test_a_sentence_that_refers_back_and_a_zone_said_of_the_others(gazetteer):
    x = run(ANAPHORA_AND_THE_OTHERS, gazetteer)
    assert facts(x, "zone") == {("kab-mamuju-tengah", 2021, "hijau"), ("kab-majene", 2021, "kuning"),
                                ("prov-sulawesi-barat", 2021, "kuning")}
    assert facts(x, "opinion") == {("kab-mamuju-tengah", 2021, "tinggi")}
    assert ("kab-mamuju-tengah", 2021, Decimal("84.30")) in facts(x, "score")


EARLIER_AND_SAME_AS_LAST_YEAR = """Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2024.
Pemerintah Kabupaten Kulon Progo kembali meraih kategori A zona hijau sama seperti tahun lalu dengan nilai 96,20.
Selebihnya, yang sebelumnya telah meraih predikat tertinggi, dalam hal ini Pemerintah Kabupaten Bantul, kini memperoleh nilai 86,10.
"""


def test_same_as_last_year_dates_the_label_back_and_an_earlier_label_is_not_this_rounds(gazetteer):
    x = run(EARLIER_AND_SAME_AS_LAST_YEAR, gazetteer)
    assert facts(x, "zone") == {("kab-kulon-progo", 2024, "hijau"), ("kab-kulon-progo", 2023, "hijau")}
    assert facts(x, "opinion") == {("kab-kulon-progo", 2024, "A"), ("kab-kulon-progo", 2023, "A")}
    assert ("kab-bantul", 2024, Decimal("86.10")) in facts(x, "score")


LABELS_SIDE_BY_SIDE = """Sebanyak 3 kabupaten yang masuk pada zona kuning, 5 kabupaten zona merah, Kota Ternate meraih predikat kepatuhan tinggi yaitu zona hijau, serta Provinsi Maluku Utara yang bertahan pada zona kuning dalam penilaian Ombudsman RI tahun 2021."""


def test_a_label_after_yaitu_is_not_a_list_and_an_intro_does_not_skip_names(gazetteer):
    x = run(LABELS_SIDE_BY_SIDE, gazetteer)
    assert facts(x, "zone") == {("kota-ternate", 2021, "hijau"), ("prov-maluku-utara", 2021, "kuning")}
    assert facts(x, "opinion") == {("kota-ternate", 2021, "tinggi")}


# --- typos and forms the news prints -------------------------------------------------

TYPO_AND_DECIMAL_BAND = """KUPANG - Ombudsman RI Perwakilan NTT menilai 20 Polres pada tahun 2022.
Terdapat tiga Polres yang memperoleh score kualias tinggi kategori B dengan interval nilai 78.00-87.99 antara lain Polres Sikka dengan score 85.10, Polres Ngada dengan score 80.02 dan Polres Alor dengan score 79.30.
"""
TYPO_IN_A_RANK = """MATARAM - Penilaian kepatuhan tahun 2023 di NTB: urutan pertama adalah Kabupaten Sumbawa (86,02). Sedangkan diututan ke enam ditempati oleh Kabupaten Dompu (79,07)."""


def test_common_typos_and_decimal_bands_before_a_list(gazetteer):
    x = run(TYPO_AND_DECIMAL_BAND, gazetteer)
    police = "lembaga-kepolisian-negara-republik-indonesia/unit/polres-"
    assert facts(x, "opinion") == {(police + p, 2022, "B") for p in ("sikka", "ngada", "alor")}
    y = run(TYPO_IN_A_RANK, gazetteer)
    assert facts(y, "rank") == {("kab-sumbawa", 2023, 1), ("kab-dompu", 2023, 6)}


ABBREVIATION_DEFINED_IN_THE_ARTICLE = """JAKARTA - Kementerian Hukum dan Hak Asasi Manusia (Kemenkumham) menerima penghargaan Ombudsman RI tahun 2023.
Kementerian Agraria dan Tata Ruang (ATR), serta Kementerian Sosial masih berada di zona kuning.
Kemenkumham berhasil mencapai Kategori B (kualitas tinggi) dan menduduki peringkat 12 di antara kementerian lainnya.
"""


def test_a_short_form_defined_in_brackets_names_the_entity_later(gazetteer):
    x = run(ABBREVIATION_DEFINED_IN_THE_ARTICLE, gazetteer)
    assert ("kementerian-hukum", 2023, "B") in facts(x, "opinion")
    rank = next(c for c in x.claims if c.kind == "rank")
    assert (rank.subject, rank.rank, rank.rank_scope) == ("kementerian-hukum", 12, "nasional-kategori")
    assert facts(x, "zone") == {("kementerian-agraria-dan-tata-ruang", 2023, "kuning"),
                                ("kementerian-sosial", 2023, "kuning")}


RUBRIC_DATELINE_AND_LOCATION = """Berita Jatim
Pemkab dan Pemkot di Jatim Raih Zona Hijau Ombudsman RI 2023
SuaraKita, Madiun – Hanya dua daerah yang meraih kategori A dalam penilaian kepatuhan tahun 2023.
Khusus untuk Provinsi Jawa Timur, Pemkab Ngawi meraih nilai 93,11 dan Pemkab Magetan meraih nilai 92,40.
1. Pemkab Pacitan, Jawa Timur (95,04).
"""


def test_rubrics_datelines_scopes_and_locations_are_not_subjects(gazetteer):
    x = run(RUBRIC_DATELINE_AND_LOCATION, gazetteer)
    subjects = {c.subject for c in x.claims if c.kind in ("score", "rank", "zone", "opinion")}
    assert "prov-jawa-timur" not in subjects
    assert facts(x, "opinion") == {("kab-ngawi", 2023, "A"), ("kab-magetan", 2023, "A")}
    assert ("kab-pacitan", 2023, Decimal("95.04")) in facts(x, "score")


NO_YEAR_IN_THE_TEXT = """Adapun 3 besar Pemerintah Kota (Pemkot) dengan pelayanan publik terbaik, yaitu:
1. Pemkot Probolinggo, Jawa Timur (95,90)
2. Pemkot Cimahi, Jawa Barat (94,15)
"""


def test_an_article_without_a_year_falls_back_on_its_sidecar_date(gazetteer):
    text = canonicalize(NO_YEAR_IN_THE_TEXT)
    ident, digest = article_id(text)
    bare = extract(Article(ident, "f.txt", text, digest), gazetteer)
    assert bare.assessment_year is None and bare.claims == ()
    dated = extract(Article(ident, "f.txt", text, digest, meta=ArticleMeta(published="2023-12-20")), gazetteer)
    assert facts(dated, "rank") == {("kota-probolinggo", 2023, 1), ("kota-cimahi", 2023, 2)}
    assert facts(dated, "score") == {("kota-probolinggo", 2023, Decimal("95.90")), ("kota-cimahi", 2023, Decimal("94.15"))}


def test_a_place_in_brackets_is_not_a_short_form(gazetteer):
    text = ("Pemerintah Kabupaten Lebong (Bengkulu) meraih nilai 92,00 dari Ombudsman RI tahun 2023. "
            "Provinsi Bengkulu berada di zona hijau.")
    x = run(text, gazetteer)
    assert ("prov-bengkulu", 2023, "hijau") in facts(x, "zone")
    assert not any(m.entity == "kab-lebong" and m.surface == "Bengkulu" for m in x.mentions)


def test_a_denominator_of_a_whole_category_makes_the_rank_national(gazetteer):
    x = run(ANAPHORA_AND_THE_OTHERS, gazetteer)
    scopes = {(c.subject, c.rank, c.rank_of, c.rank_scope) for c in x.claims if c.kind == "rank"}
    assert ("kab-majene", 190, 416, "nasional-kategori") in scopes
    assert ("prov-sulawesi-barat", 20, 34, "nasional-kategori") in scopes
    # a word that merely starts with "se" ("sebelumnya", "Sementara") says nothing of a province
    y = run("Ombudsman RI menilai tahun 2023. Sementara itu, Pemkab Kendal menempati posisi keempat, naik dari tahun sebelumnya.",
            gazetteer)
    assert {(c.subject, c.rank_scope) for c in y.claims if c.kind == "rank"} == {("kab-kendal", "tidak-disebut")}


NOT_SAID_OF_EVERYONE = """Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2023.
Dalam kategori Pemkot dengan zona hijau kualitas tertinggi, Pemkot Salatiga menduduki peringkat pertama dengan nilai 97,10.
Pemkot Tegal menyampaikan apresiasi kepada Ombudsman RI.
Belum semua kabupaten kota di Jawa Tengah masuk zona hijau.
Kemudian, Pemkab Kudus menyerahkan bantuan kepada warga.
Pemkab Demak masuk zona kuning, tidak seperti tahun lalu.
"""


def test_labels_are_not_spread_past_their_list_or_onto_a_denial(gazetteer):
    x = run(NOT_SAID_OF_EVERYONE, gazetteer)
    assert facts(x, "zone") == {("kota-salatiga", 2023, "hijau"), ("kab-demak", 2023, "kuning")}
    assert facts(x, "opinion") == {("kota-salatiga", 2023, "A")}


def test_the_seed_articles_findings_and_hand_over_places(gazetteer):
    """The seeds' own errors and hand-overs, as the bundled graph should show them."""
    from conftest import CORPUS

    from kg_builder.ingest import read_article

    got_findings, got_awards = set(), {}
    for path in sorted(CORPUS.glob("*.txt")):
        a = read_article(path, CORPUS, settings())
        x = extract(a, gazetteer)
        got_findings |= {(path.name[:3], f.type, a.text[f.evidence.start : f.evidence.end]) for f in x.findings}
        award = next(c for c in x.claims if c.kind == "award")
        got_awards[path.name[:3]] = (award.event_place, award.recipient)
    assert got_findings == {
        ("000", "body-name-variant", "Ombusdman"),
        ("003", "invalid-calendar-date", "Kamis (29/2/2023)"),
        ("003", "name-variant", "Jhaka andika"),
        ("004", "name-variant", "Saiful Ruswandi"),
    }
    assert got_awards == {
        "000": ("Hotel Aryaduta Menteng, Jakarta", "hendy-siswanto"),
        "001": ("auditorium Rumah Dinas Gubernur Jambi", "al-haris"),
        "002": ("Hotel Le Meridien Jakarta", "suharyono"),
        "003": ("Ruang Rapat Rumah Dinas (Rumdin) Bupati", "kopli-ansori"),
        "004": ("ballroom Hotel Aston Jambi", "sri-purwaningsih"),
    }


def test_a_bare_name_is_read_longest_first_across_province_and_article_names(gazetteer):
    # "Aceh" is a province's bare name (one pattern for every article); "Aceh Besar"
    # becomes a bare name only because this text named Kabupaten Aceh Besar first.
    text = "Kabupaten Aceh Besar masuk zona hijau. Tahun lalu Aceh Besar di zona kuning, dan Aceh juga."
    bare = [(m.surface, m.entity, m.note) for m in gazetteer.find_mentions(text) if m.note in ("bare", "place")]
    besar = gazetteer.find_mentions("Kabupaten Aceh Besar")[0].entity
    aceh = next(m.entity for m in gazetteer.find_mentions("Provinsi Aceh"))
    assert bare == [("Aceh Besar", besar, "bare"), ("Aceh", aceh, "place")]
