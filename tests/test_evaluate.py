"""``kg eval``: the extractor measured against the seed articles' gold annotations.

``tests/gold/`` holds the gold files of the five seed articles (the facts a
person read in them); the articles themselves are the bundled ``corpus/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS

from kg_builder.config import settings
from kg_builder.evaluate import evaluate, gold_opinions, score_facts

GOLD = Path(__file__).parent / "gold"


@pytest.fixture(scope="module")
def seeds_eval():
    return evaluate(CORPUS, GOLD, settings())


def test_every_seed_gold_file_finds_its_article(seeds_eval):
    assert seeds_eval.articles == 5
    assert seeds_eval.unmatched_gold == ()
    assert seeds_eval.unresolved == ()


@pytest.mark.parametrize("field", ["score", "rank", "zone"])
def test_seeds_extract_with_f1_one(seeds_eval, field):
    s = seeds_eval.fields[field]
    assert (s.misses, s.false_hits) == ((), ())
    assert s.f1 == 1.0 and s.true_pos > 0


def test_seed_entity_years_and_opinions_are_all_found(seeds_eval):
    for field in ("entity-year", "opinion", "year"):
        s = seeds_eval.fields[field]
        assert (field, s.misses, s.false_hits) == (field, (), ())


def test_scoring_counts_misses_and_false_hits():
    gold = {"score": {("a", "kab-x", 2023, 1), ("a", "kab-y", 2023, 2)}}
    found = {"score": {("a", "kab-x", 2023, 1), ("a", "kab-z", 2023, 3)}}
    s = score_facts(gold, found)["score"]
    assert (s.true_pos, s.false_pos, s.false_neg) == (1, 1, 1)
    assert s.precision == s.recall == s.f1 == 0.5
    assert s.misses == (("a", "kab-y", 2023, 2),) and s.false_hits == (("a", "kab-z", 2023, 3),)


def test_gold_opinion_words_become_concepts():
    assert gold_opinions("predikat A; kualitas tertinggi", 2022) == {"opinion/A"}
    assert gold_opinions("tingkat kepatuhan sedang", 2021) == {"predicate/sedang"}
    # words no pattern knows stay as text, so they can only count as misses
    assert gold_opinions("nilai A-", 2022) == {"?nilai a-"}


def test_kg_eval_prints_the_table_and_the_errors(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.txt").write_text(
        "Pemerintah Kabupaten Sleman meraih nilai 95,10 dalam penilaian kepatuhan Ombudsman RI tahun 2023.\n",
        encoding="utf-8",
    )
    (corpus / "x.json").write_text(json.dumps({"id": "x", "facts": [
        {"entity": "Pemerintah Kabupaten Sleman", "entity_kind": "kabupaten", "assessment_year": 2023,
         "score": 95.1, "rank": 2, "zone": None, "opinion": None},
    ]}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kg_builder", "eval", "--corpus", str(corpus), "--gold", str(corpus)],
                         capture_output=True, text=True, check=True).stdout
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line[:1].isalpha() and len(line.split()) == 7}
    assert lines["score"][1:] == ["1", "1", "1", "1.000", "1.000", "1.000"]
    assert lines["rank"][1:4] == ["1", "0", "0"]
    assert "- x | kab-sleman | 2023 | 2" in out
