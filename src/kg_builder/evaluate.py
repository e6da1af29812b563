"""Evaluate: the extractor measured against hand-made gold annotations.

``kg eval --corpus DIR --gold DIR`` runs :func:`kg_builder.extract.extract`
on every article that has a gold file and compares, field by field, the
*facts* each side states. A fact is a tuple that must match exactly:

=============  ==============================================
field          tuple
=============  ==============================================
entity-year    (article, entity, year)
score          (article, entity, year, score)
rank           (article, entity, year, rank)
zone           (article, entity, year, zone)
opinion        (article, entity, year, opinion concept)
year           (article, year)
=============  ==============================================

Gold names are resolved with the same gazetteer the extractor uses (a gold
name that does not resolve keeps its normalised text, so it can only count as
a miss: the figures never improve by dropping what we cannot link). Gold
opinions are printed words; they are mapped to concepts with the extractor's
label patterns, and a word no pattern knows stays a miss too.

Gold files use the ``corpus-dev`` format (see ``docs/EXTRACTION.md``): one
JSON file per article, ``NNN.json`` next to ``NNN.txt``, or with a
``seed_file`` entry naming the text file. This module reads files and
prints; the comparison itself (:func:`score_facts`) is pure.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kg_builder.config import Settings
from kg_builder.extract import extract
from kg_builder.extract.labels import OPINION, opinion_of
from kg_builder.ingest import read_article
from kg_builder.iri import slugify
from kg_builder.link import Gazetteer
from kg_builder.model import Extraction

FIELDS = ("entity-year", "score", "rank", "zone", "opinion", "year")
#: Claim kinds that state a result of an entity (and so an entity-year).
RESULT_KINDS = {"score", "rank", "zone", "opinion", "topn"}

Fact = tuple[Any, ...]


@dataclass(frozen=True)
class FieldScore:
    """Counts and errors of one field."""

    name: str
    true_pos: int
    false_pos: int
    false_neg: int
    misses: tuple[Fact, ...] = ()
    false_hits: tuple[Fact, ...] = ()

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        stated = self.true_pos + self.false_neg
        return self.true_pos / stated if stated else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    fields: dict[str, FieldScore]
    articles: int
    negatives: tuple[str, ...] = ()  # article ids whose gold states nothing
    negative_false_hits: tuple[Fact, ...] = ()
    unmatched_gold: tuple[str, ...] = ()  # gold files without a text file
    unresolved: tuple[str, ...] = field(default_factory=tuple)  # gold names the gazetteer does not know


# --- turning both sides into facts -------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def gold_entity_key(fact: dict[str, Any], gazetteer: Gazetteer) -> tuple[str, bool]:
    """``(key, resolved)`` for a gold fact's entity, in the extractor's key space."""
    name = fact["entity"]
    kind = fact.get("entity_kind")
    if kind == "kepolisian" and not re.match(r"Pol(?:res|resta|restabes|sek)\b", name):
        kind = "lembaga"  # "Polri" itself is an agency in the gazetteer
    if kind in ("provinsi", "kabupaten", "kota", "kementerian", "lembaga"):
        key = gazetteer.resolve(name, kind)
        if key:
            return key, True
        return f"?{_norm(name)}", False
    # units (and Polres): compare the unit's own slug, with its parent when known
    return unit_eval_key(name, fact.get("parent"), fact.get("region"), gazetteer), True


def unit_eval_key(name: str, parent: str | None, region: str | None, gazetteer: Gazetteer) -> str:
    """A unit named in gold, as ``unit:<slug>``: kind words and its place stripped.

    The name goes through the extractor's own unit patterns first, so that
    "Dinas Penanaman Modal dan PTSP" and "DPMPTSP" are one unit here as there.
    """
    whole = gazetteer.find_units(name, "gold")
    if whole and whole[0][0].span.start == 0 and whole[0][0].span.end >= len(name.rstrip(". ")):
        return predicted_entity_key(whole[0][1].key)  # "Polres Manggarai", "Kantor Pertanahan Kota Ambon"
    text = name
    for piece in filter(None, (parent, region)):
        bare = re.sub(r"^(?:Pemerintah\s+)?(?:Kabupaten|Kota|Provinsi)\s+", "", piece)
        text = re.sub(rf"\s+(?:(?:Pemerintah\s+)?(?:Kabupaten|Kota|Provinsi|Kab\.)\s+)?{re.escape(bare)}$", "", text)
    units = gazetteer.find_units(text, "gold")
    if units and units[0][0].span.start == 0:
        return predicted_entity_key(units[0][1].key)
    return f"unit:{slugify(text)}"


def predicted_entity_key(key: str) -> str:
    """An extracted subject key in the evaluation's key space (units by slug)."""
    if "/unit/" in key:
        return "unit:" + key.rsplit("/unit/", 1)[1]
    return key


def gold_opinions(text: str | None, year: int) -> set[str]:
    """Concepts named by a gold opinion text ("predikat A; kualitas tertinggi")."""
    if not text:
        return set()
    out = set()
    for piece in text.split(";"):
        mapped = [opinion_of(m, year) for m in OPINION.finditer(piece)]
        concepts = {f"{s}/{c}" for s, c in filter(None, mapped)}
        out |= concepts or {f"?{_norm(piece)}"}
    return out


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def gold_facts(article: str, gold: dict[str, Any], gazetteer: Gazetteer) -> tuple[dict[str, set[Fact]], list[str]]:
    facts: dict[str, set[Fact]] = {f: set() for f in FIELDS}
    unresolved = []
    for fact in gold.get("facts", []):
        key, ok = gold_entity_key(fact, gazetteer)
        if not ok:
            unresolved.append(f"{article}: {fact['entity']}")
        year = fact.get("assessment_year")
        if year is None:
            continue
        facts["entity-year"].add((article, key, year))
        facts["year"].add((article, year))
        if (score := _decimal(fact.get("score"))) is not None:
            facts["score"].add((article, key, year, score))
        ranks = [fact.get("rank")] + [r.get("rank") for r in fact.get("additional_ranks") or [] if isinstance(r, dict)]
        for rank in ranks:
            if rank is not None:
                facts["rank"].add((article, key, year, int(rank)))
        if fact.get("zone"):
            facts["zone"].add((article, key, year, fact["zone"].lower()))
        for concept in gold_opinions(fact.get("opinion"), year):
            facts["opinion"].add((article, key, year, concept))
    return facts, unresolved


def predicted_facts(article: str, extraction: Extraction) -> dict[str, set[Fact]]:
    facts: dict[str, set[Fact]] = {f: set() for f in FIELDS}
    for c in extraction.claims:
        if c.kind not in RESULT_KINDS or c.subject is None:
            continue
        key = predicted_entity_key(c.subject)
        facts["entity-year"].add((article, key, c.year))
        facts["year"].add((article, c.year))
        if c.kind == "score" and c.score is not None:
            facts["score"].add((article, key, c.year, c.score.quantize(Decimal("0.01"))))
        elif c.kind == "rank" and c.rank is not None:
            facts["rank"].add((article, key, c.year, c.rank))
        elif c.kind == "zone" and c.zone:
            facts["zone"].add((article, key, c.year, c.zone))
        elif c.kind == "opinion" and c.opinion:
            facts["opinion"].add((article, key, c.year, f"{c.opinion_scheme}/{c.opinion}"))
    return facts


def score_facts(gold: dict[str, set[Fact]], found: dict[str, set[Fact]]) -> dict[str, FieldScore]:
    """Exact-match precision/recall per field; the pure heart of ``kg eval``."""
    out = {}
    for name in FIELDS:
        g, f = gold.get(name, set()), found.get(name, set())
        out[name] = FieldScore(
            name, len(g & f), len(f - g), len(g - f),
            misses=tuple(sorted(g - f, key=str)), false_hits=tuple(sorted(f - g, key=str)),
        )
    return out


# --- I/O at the edge ---------------------------------------------------------------

def pair_files(corpus: Path, gold_dir: Path) -> tuple[list[tuple[str, Path, dict[str, Any]]], list[str]]:
    """(article id, text file, gold) for every gold file; names of gold files without text."""
    pairs, unmatched = [], []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        candidates = [corpus / f"{gold_path.stem}.txt"]
        if gold.get("seed_file"):
            candidates.append(corpus / Path(gold["seed_file"]).name)
        candidates.append(corpus / f"{gold_path.stem.removeprefix('seed_')}.txt")
        text = next((c for c in candidates if c.is_file()), None)
        if text is None:
            unmatched.append(gold_path.name)
            continue
        pairs.append((text.stem, text, gold))
    return pairs, unmatched


def evaluate(corpus: Path, gold_dir: Path, settings: Settings) -> Evaluation:
    gazetteer = Gazetteer.load(settings.reference_dir)
    pairs, unmatched = pair_files(corpus, gold_dir)
    gold_all: dict[str, set[Fact]] = defaultdict(set)
    found_all: dict[str, set[Fact]] = defaultdict(set)
    negatives, negative_hits, unresolved = [], [], []
    for name, path, gold in pairs:
        article = read_article(path, corpus, settings)
        extraction = extract(article, gazetteer)
        g, bad = gold_facts(name, gold, gazetteer)
        f = predicted_facts(name, extraction)
        unresolved += bad
        for k in FIELDS:
            gold_all[k] |= g[k]
            found_all[k] |= f[k]
        if not gold.get("facts"):
            negatives.append(name)
            negative_hits += sorted(f["entity-year"], key=str)
    return Evaluation(
        fields=score_facts(gold_all, found_all),
        articles=len(pairs),
        negatives=tuple(negatives),
        negative_false_hits=tuple(negative_hits),
        unmatched_gold=tuple(unmatched),
        unresolved=tuple(unresolved),
    )


def render(ev: Evaluation, *, show_errors: bool = True) -> str:
    lines = [f"articles: {ev.articles} (negatives: {len(ev.negatives)})", ""]
    lines.append(f"{'field':<12} {'gold':>5} {'found':>5} {'tp':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for s in ev.fields.values():
        lines.append(
            f"{s.name:<12} {s.true_pos + s.false_neg:>5} {s.true_pos + s.false_pos:>5} {s.true_pos:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
        )
    lines.append(f"false hits on negative articles: {len(ev.negative_false_hits)}")
    if ev.unmatched_gold:
        lines.append(f"gold files without a text: {', '.join(ev.unmatched_gold)}")
    if ev.unresolved:
        lines.append("gold names the gazetteer does not resolve:")
        lines += [f"  {u}" for u in ev.unresolved]
    if show_errors:
        for s in ev.fields.values():
            if s.misses:
                lines.append(f"\n{s.name}: misses ({len(s.misses)})")
                lines += [f"  - {_show(f)}" for f in s.misses]
            if s.false_hits:
                lines.append(f"\n{s.name}: false hits ({len(s.false_hits)})")
                lines += [f"  + {_show(f)}" for f in s.false_hits]
        for f in ev.negative_false_hits:
            lines.append(f"  negative article hit: {_show(f)}")
    return "\n".join(lines)


def _show(fact: Iterable[Any]) -> str:
    return " | ".join(str(x) for x in fact)
