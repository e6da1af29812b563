"""Claims, provenance, consolidation, curation and incremental builds (issue 5).

The disagreeing articles in ``fixtures/articles/`` were written for these tests:
``sleman-a.txt`` gives Kabupaten Sleman 91,20 for 2023, ``sleman-b.txt`` 19,20
(a transposed typo), and ``bantul-units.txt`` a score whose zone and units do
not fit it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, CORPUS, PREFIXES, build_into

from kg_builder.build import BuildError, build
from kg_builder.config import settings
from kg_builder.ingest import read_corpus
from kg_builder.store import open_store

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SLEMAN = f"<{BASE}id/assessment/2023/kab-sleman>"


def q(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    out = []
    for sol in store.query(PREFIXES + query, use_default_graph_as_union=True):
        out.append({v.value: (sol[v].value if sol[v] is not None else None) for v in sol.variables} if hasattr(sol, "variables") else {})
    return out


def rows(store: ox.Store, query: str) -> list[tuple]:
    res = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in res]


def corpus_of(tmp_path: Path, *names: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in names:
        shutil.copy(ARTICLES / n, corpus / n)
    return corpus


def curation_dir(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "curation"
    d.mkdir(exist_ok=True)
    (d / "review.yaml").write_text(text, encoding="utf-8")
    return d


def without_times(nq: Path) -> list[str]:
    return [line for line in nq.read_text(encoding="utf-8").splitlines()
            if "prov#startedAtTime" not in line and "prov#endedAtTime" not in line]


# --- evidence ------------------------------------------------------------------------

def test_every_quote_is_found_at_its_offsets(built, store):
    s = built[0]
    texts = {a.id: a.text for a in read_corpus(s.corpus_dir, s).articles}
    evidence = rows(store, """
        SELECT ?article ?exact ?prefix ?suffix ?start ?end WHERE {
          ?x okg:evidence ?ev . ?ev oa:hasSource ?article ; oa:hasSelector ?q , ?p .
          ?q oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix . ?p oa:start ?start ; oa:end ?end }""")
    assert len(evidence) >= 50
    for article, exact, prefix, suffix, start, end in evidence:
        text = texts[article.rsplit("/", 1)[1]]
        start, end = int(start), int(end)
        assert text[start:end] == exact
        assert text[:start].endswith(prefix) and text[end:].startswith(suffix)


def test_articles_carry_hash_file_and_metadata_but_never_their_text(built, store):
    s = built[0]
    articles = read_corpus(s.corpus_dir, s).articles
    got = rows(store, """SELECT ?a ?sha ?file ?outlet WHERE {
        ?a a okg:NewsArticle , schema:NewsArticle , prov:Entity ; okg:contentSha256 ?sha ; okg:sourceFile ?file .
        OPTIONAL { ?a schema:publisher/schema:name ?outlet } }""")
    assert {(a.sha256, a.source_file) for a in articles} == {(sha, f) for _, sha, f, _ in got}
    assert {o for *_, o in got} == {"ANTARA News Jawa Timur", "Thehok.id", "serayunusantara.com",
                                    "Bengkulutoday.com", "Mediajambi.com"}
    longest = max(len(a.text) for a in articles)
    # what comes from the articles (the claims graph) is quotes, never whole texts; the reference data's
    # definitions may be longer
    literals = rows(store, f"SELECT (MAX(STRLEN(STR(?o))) AS ?n) WHERE {{ GRAPH <{BASE}graph/claims> {{ ?s ?p ?o }} "
                           "FILTER (isLiteral(?o)) }")
    assert int(literals[0][0]) < min(longest, s.max_quote_chars + 1)


def test_the_build_is_a_prov_activity(built, store):
    got = rows(store, """SELECT ?run ?start ?end ?version ?rules (COUNT(DISTINCT ?a) AS ?used) WHERE {
        ?run a okg:ExtractionRun , prov:Activity ; prov:startedAtTime ?start ; prov:endedAtTime ?end ;
             okg:rulesVersion ?rules ; prov:used ?a ; prov:wasAssociatedWith ?agent .
        ?agent a prov:SoftwareAgent ; rdfs:label ?version } GROUP BY ?run ?start ?end ?version ?rules""")
    assert len(got) == 1
    run, start, end, version, rules, used = got[0]
    assert start <= end and rules == built[0].rules_version and int(used) == 5
    assert built[0].software_version in version
    generated = rows(store, f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a okg:Claim ; prov:wasGeneratedBy <{run}> }}")
    assert int(generated[0][0]) == built[1].claims


# --- consolidation and curation --------------------------------------------------------

def test_disagreeing_articles_leave_the_result_without_a_value(tmp_path):
    s, result = build_into(tmp_path / "out", corpus_of(tmp_path, "sleman-a.txt", "sleman-b.txt"),
                           curation_dir=tmp_path / "none")
    assert result.conforms
    st = open_store(s.out_dir)
    assert rows(st, f"SELECT ?v WHERE {{ {SLEMAN} okg:score ?v }}") == []
    assert rows(st, f"SELECT ?s WHERE {{ {SLEMAN} okg:consolidationStatus ?s }}") == [
        (f"{BASE}def/consolidation-status/conflicting",)]
    pairs = rows(st, f"""SELECT ?a ?b WHERE {{ ?x okg:aboutResult {SLEMAN} ; okg:score ?a ; okg:conflictsWith ?y .
                          ?y okg:score ?b }} ORDER BY ?a""")
    assert pairs == [("19.2", "91.2"), ("91.2", "19.2")]
    # no claim supports a value the result does not have
    assert rows(st, f"SELECT ?c WHERE {{ {SLEMAN} okg:supportedBy ?c . ?c a okg:ScoreClaim }}") == []
    # the zone both articles agree on still consolidates
    assert rows(st, f"SELECT ?z WHERE {{ {SLEMAN} okg:zone ?z }}") == [(f"{BASE}def/zone/hijau",)]


PREFER = """curator: Dewi Lestari
entries:
  - action: prefer
    article: sleman-a.txt
    quote: "Pemkab Sleman memperoleh nilai 91,20"
    kind: score
    value: "91.20"
    reason: The Perwakilan's own release gives 91,20; the other outlet transposed the digits.
    date: 2026-11-20
  - action: deprecate
    article: sleman-b.txt
    quote: "nilai 19,20"
    kind: score
    reason: Transposed digits of 91,20.
"""


def test_curation_resolves_the_conflict_and_is_attributed(tmp_path):
    s, result = build_into(tmp_path / "out", corpus_of(tmp_path, "sleman-a.txt", "sleman-b.txt"),
                           curation_dir=curation_dir(tmp_path, PREFER))
    assert result.conforms
    st = open_store(s.out_dir)
    assert rows(st, f"SELECT ?v WHERE {{ {SLEMAN} okg:score ?v }}") == [("91.2",)]
    assert rows(st, f"SELECT ?s WHERE {{ {SLEMAN} okg:consolidationStatus ?s }}") == [
        (f"{BASE}def/consolidation-status/resolved",)]
    ranked = rows(st, f"""SELECT ?v ?rank ?name ?reason WHERE {{
        ?c okg:aboutResult {SLEMAN} ; okg:score ?v ; okg:statementRank ?rank ; prov:wasInfluencedBy ?act .
        ?act a okg:Curation ; okg:curationReason ?reason ; prov:wasAssociatedWith/schema:name ?name }} ORDER BY ?v""")
    assert ranked == [
        ("19.2", f"{BASE}def/statement-rank/deprecated", "Dewi Lestari", "Transposed digits of 91,20."),
        ("91.2", f"{BASE}def/statement-rank/preferred", "Dewi Lestari",
         "The Perwakilan's own release gives 91,20; the other outlet transposed the digits."),
    ]
    # the deprecated claim no longer supports anything; the disagreement stays visible
    assert rows(st, f"SELECT ?v WHERE {{ {SLEMAN} okg:supportedBy/okg:score ?v }}") == [("91.2",)]
    assert len(rows(st, "SELECT ?a WHERE { ?a okg:conflictsWith ?b }")) == 2


def test_curation_adds_a_missed_fact_with_its_quote_and_curator(tmp_path):
    text = """curator: Dewi Lestari
entries:
  - action: add
    article: sleman-b.txt
    quote: "Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2023"
    kind: rank
    subject: kab-sleman
    year: 2023
    value: 7
    reason: The rank is in the outlet's infographic, not in the text; the sentence dates the round.
"""
    s, result = build_into(tmp_path / "out", corpus_of(tmp_path, "sleman-b.txt"),
                           curation_dir=curation_dir(tmp_path, text))
    assert result.conforms
    st = open_store(s.out_dir)
    got = rows(st, f"""SELECT ?rank ?who ?exact WHERE {{ ?c okg:aboutResult {SLEMAN} ; okg:rankPosition ?rank ;
        prov:wasAttributedTo/schema:name ?who ; prov:wasGeneratedBy/a okg:Curation ;
        okg:evidence/oa:hasSelector/oa:exact ?exact }}""")
    assert got == [("7", "Dewi Lestari", "Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun 2023")]
    # curators have IRIs of their own, apart from the officials the news names
    assert rows(st, "SELECT ?p WHERE { ?c prov:wasAttributedTo ?p }") == [(f"{BASE}id/curator/dewi-lestari",)]


def test_kg_build_takes_the_curation_folder_as_an_option(tmp_path):
    import subprocess
    import sys

    corpus = corpus_of(tmp_path, "sleman-a.txt", "sleman-b.txt")
    cli = subprocess.run([sys.executable, "-m", "kg_builder", "build", "--corpus", str(corpus), "--out",
                          str(tmp_path / "out"), "--curation", str(curation_dir(tmp_path, PREFER))],
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert rows(open_store(tmp_path / "out"), f"SELECT ?v WHERE {{ {SLEMAN} okg:score ?v }}") == [("91.2",)]


def test_curation_whose_quote_is_not_in_the_article_fails_the_build_and_keeps_the_graph(tmp_path):
    corpus = corpus_of(tmp_path, "sleman-a.txt", "sleman-b.txt")
    s, first = build_into(tmp_path / "out", corpus, curation_dir=tmp_path / "none")
    before = (s.out_dir / "kg.nq").read_bytes()
    bad = PREFER.replace("nilai 19,20", "nilai 91,02")
    with pytest.raises(BuildError, match=r"review\.yaml, entry 2: the quote 'nilai 91,02' is not in sleman-b\.txt"):
        build(settings(corpus_dir=corpus, out_dir=s.out_dir, curation_dir=curation_dir(tmp_path, bad)))
    assert (s.out_dir / "kg.nq").read_bytes() == before


@pytest.mark.parametrize(("text", "problem"), [
    ("entries: []\n", "no curator"),
    ("curator: X\nentries:\n  - action: ignore\n    article: a\n    quote: b\n    kind: score\n    reason: c\n", "action must be"),
    ("curator: X\nentries:\n  - action: deprecate\n    article: a\n    quote: b\n    kind: score\n", "'reason' is required"),
    ("curator: X\nentries:\n  - action: add\n    article: sleman-a.txt\n    quote: Pemkab\n    kind: score\n    reason: r\n",
     "'add' needs subject, year and value"),
    ("curator: '!!!'\nentries: []\n", "no letters or digits"),
    ("curator: X\nentries:\n  - action: add\n    article: sleman-a.txt\n    quote: Pemkab\n    kind: zone\n"
     "    subject: kab-sleman\n    year: 2023\n    value: ungu\n    reason: r\n", "review.yaml, entry 1: a zone is one of"),
    ("curator: X\nentries:\n  - action: add\n    article: sleman-a.txt\n    quote: Pemkab\n    kind: score\n"
     "    subject: kab-sleman\n    year: 1899\n    value: 80\n    reason: r\n", "entry 1: year 1899 is not"),
    ("curator: X\nentries:\n  - action: add\n    article: sleman-a.txt\n    quote: Pemkab\n    kind: score\n"
     "    subject: kab-tidak-ada\n    year: 2023\n    value: 80\n    reason: r\n",
     "review.yaml, entry 1: subject 'kab-tidak-ada' is not an entity"),
])
def test_malformed_curation_is_refused_clearly(tmp_path, text, problem):
    corpus = corpus_of(tmp_path, "sleman-a.txt")
    with pytest.raises(BuildError, match=problem):
        build(settings(corpus_dir=corpus, out_dir=tmp_path / "out", curation_dir=curation_dir(tmp_path, text)))


# --- data-quality findings across claims ---------------------------------------------------

def test_zone_contradicting_score_and_unit_mean_are_findings_in_the_graph(tmp_path):
    s, result = build_into(tmp_path / "out", corpus_of(tmp_path, "bantul-units.txt"), curation_dir=tmp_path / "none")
    assert result.conforms
    st = open_store(s.out_dir)
    got = rows(st, """SELECT ?type ?exact WHERE { ?f a okg:QualityFinding ; okg:findingType ?type ;
                       okg:evidence/oa:hasSelector/oa:exact ?exact } ORDER BY ?type""")
    assert got == [
        (f"{BASE}def/finding-type/unit-mean-mismatch", "Pemerintah Kabupaten Bantul memperoleh nilai 95,50"),
        (f"{BASE}def/finding-type/zone-score-mismatch", "zona merah"),
    ]
    # and the same two problems reach the build report as warnings
    messages = [i.message for i in result.issues if i.severity == "Warning"]
    assert any("merah" in m and "hijau" in m for m in messages)
    assert any("mean" in m for m in messages)


# --- stable IRIs and incremental builds -------------------------------------------------------

def test_building_twice_gives_the_same_graph_but_for_the_run_times(tmp_path, built):
    s, _ = build_into(tmp_path / "again")
    assert without_times(s.out_dir / "kg.nq") == without_times(built[0].out_dir / "kg.nq")


def test_rebuild_after_one_article_changes_reextracts_only_it(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    _, first = build_into(out, corpus)
    assert (first.extracted, first.cached) == (5, 0)
    target = next(p for p in sorted(corpus.glob("*.txt")) if "92,47" in p.read_text(encoding="utf-8"))
    target.write_text(target.read_text(encoding="utf-8").replace("92,47", "92,74"), encoding="utf-8")
    _, second = build_into(out, corpus)
    assert (second.extracted, second.cached) == (1, 4)
    _, clean = build_into(tmp_path / "clean", corpus)
    assert (clean.extracted, clean.cached) == (5, 0)
    assert without_times(out / "kg.nq") == without_times(tmp_path / "clean" / "kg.nq")
    assert any("92.74" in line for line in without_times(out / "kg.nq"))


def test_a_new_rules_version_reextracts_everything(tmp_path):
    out = tmp_path / "out"
    build_into(out)
    _, again = build_into(out, rules_version="test-bump")
    assert (again.extracted, again.cached) == (5, 0)


def test_claim_iris_do_not_depend_on_other_articles(tmp_path, built):
    """A claim's IRI comes from its article and its content: building one article alone mints the same IRIs."""
    s, _ = build_into(tmp_path / "alone", corpus_of(tmp_path, "sleman-a.txt"), curation_dir=tmp_path / "none")
    solo = {line.split()[0] for line in (s.out_dir / "kg.nq").read_text().splitlines() if "/id/claim/" in line.split()[0]}
    s2, _ = build_into(tmp_path / "both", corpus_of(tmp_path / "x", "sleman-a.txt", "bantul-units.txt") if False else
                       _two(tmp_path), curation_dir=tmp_path / "none")
    both = {line.split()[0] for line in (s2.out_dir / "kg.nq").read_text().splitlines()}
    assert solo and solo <= both


def _two(tmp_path: Path) -> Path:
    corpus = tmp_path / "two"
    corpus.mkdir()
    for n in ("sleman-a.txt", "bantul-units.txt"):
        shutil.copy(ARTICLES / n, corpus / n)
    return corpus


def test_the_build_report_lists_every_finding_of_the_graph(built):
    s, result = built
    report = json.loads((s.out_dir / "report" / "build.json").read_text(encoding="utf-8"))
    assert report["findings"] == result.findings
    types = {f["type"] for f in report["findings"]}
    # seed 003's impossible date and seed 001's two spellings of one official
    assert {"invalid-calendar-date", "name-variant"} <= types
    date = next(f for f in report["findings"] if f["type"] == "invalid-calendar-date")
    assert date["quote"] and "29/2/2023" in date["quote"] and date["article"].startswith(BASE + "id/article/")
