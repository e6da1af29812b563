"""Curation: reviewed decisions about claims, read from ``curation/*.yaml``.

A curator can *deprecate* a claim (a typo, a misreading), *prefer* one claim
over others it conflicts with, or *add* a fact the extractor misses. Every
entry needs a reason and a quote that must occur verbatim in the article's
canonical text: that quote is how the entry points at the claim (the claim's
evidence must overlap it) and, for an added fact, it becomes the evidence.
An entry that cannot be applied fails the build with a message naming the
file and the entry: a curation that silently stops applying would be worse
than none.

File format (one file may hold many entries)::

    curator: Siti Rahma              # who reviewed; becomes a prov:Person under id/curator/
    entries:
      - action: deprecate            # deprecate | prefer | add
        article: 003_d642cc889d79e6ae.txt   # source file, or the article id
        quote: "dengan nilai 92.00"
        kind: score                  # score | rank | topn | zone | opinion
        subject: kab-lebong          # entity key (required to add)
        year: 2023                   # assessment year (required to add)
        value: "92.00"               # the value (required to add; a filter otherwise)
        reason: "..."
        date: 2026-11-23             # optional

Reading files is the only I/O here; :func:`apply` is pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from kg_builder.iri import slugify
from kg_builder.model import Article, Claim, Extraction, Span

ACTIONS = ("deprecate", "prefer", "add")
KINDS = ("score", "rank", "topn", "zone", "opinion")
ENTRY_KEYS = {"action", "article", "quote", "kind", "subject", "year", "value", "reason", "date", "scheme"}
#: The concepts of the zone scheme (ontology/schemes.ttl), and the years a round may have.
ZONES = ("hijau", "kuning", "merah")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CurationError(Exception):
    """A curation entry that cannot be read or applied; names its file and entry."""

    def __init__(self, path: Path | str, index: int | None, problem: str) -> None:
        where = f"{path}" if index is None else f"{path}, entry {index + 1}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Entry:
    """One reviewed decision."""

    file: str
    index: int
    curator: str
    action: str
    article: str
    quote: str
    kind: str
    reason: str
    subject: str | None = None
    year: int | None = None
    value: str | None = None
    scheme: str | None = None
    date: str | None = None

    @property
    def curator_key(self) -> str:
        return slugify(self.curator)


@dataclass(frozen=True)
class Decision:
    """An entry applied: the claims it ranked, or the claim it added, in which article."""

    entry: Entry
    article_id: str
    rank: str  # "deprecated" | "preferred" | "normal" (added claims)
    claims: tuple[Claim, ...]
    added: bool = False


def load(curation_dir: Path) -> list[Entry]:
    """Every entry of every ``*.yaml`` file, checked for form (not yet against articles)."""
    entries: list[Entry] = []
    if not curation_dir.is_dir():
        return entries
    for path in sorted(curation_dir.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CurationError(path, None, f"not valid YAML: {str(exc).splitlines()[0]}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise CurationError(path, None, "expected a mapping with 'curator' and a list of 'entries'")
        curator = str(data.get("curator") or "").strip()
        if not curator:
            raise CurationError(path, None, "no curator: every decision is attributed to a person")
        if not slugify(curator):
            raise CurationError(path, None, f"the curator's name {curator!r} has no letters or digits to name them by")
        for i, raw in enumerate(data["entries"]):
            entries.append(_entry(path, i, curator, raw))
    return entries


def _entry(path: Path, i: int, curator: str, raw: Any) -> Entry:
    if not isinstance(raw, dict):
        raise CurationError(path, i, "an entry must be a mapping")
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise CurationError(path, i, f"unknown keys {sorted(unknown)}")
    for key in ("action", "article", "quote", "kind", "reason"):
        if not str(raw.get(key) or "").strip():
            raise CurationError(path, i, f"'{key}' is required")
    action, kind = str(raw["action"]), str(raw["kind"])
    if action not in ACTIONS:
        raise CurationError(path, i, f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if kind not in KINDS:
        raise CurationError(path, i, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if action == "add" and not (raw.get("subject") and raw.get("year") and raw.get("value") is not None):
        raise CurationError(path, i, "'add' needs subject, year and value")
    year = raw.get("year")
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        raise CurationError(path, i, f"year must be a number, not {year!r}") from None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise CurationError(path, i, f"year {year} is not the year of an assessment round ({FIRST_YEAR}-{LAST_YEAR})")
    if kind == "zone" and raw.get("value") is not None and str(raw["value"]) not in ZONES:
        raise CurationError(path, i, f"a zone is one of {', '.join(ZONES)}, not {raw['value']!r}")
    return Entry(
        file=path.name, index=i, curator=curator, action=action, article=str(raw["article"]),
        quote=str(raw["quote"]), kind=kind, reason=" ".join(str(raw["reason"]).split()),
        subject=str(raw["subject"]) if raw.get("subject") else None, year=year,
        value=str(raw["value"]) if raw.get("value") is not None else None,
        scheme=str(raw["scheme"]) if raw.get("scheme") else None,
        date=str(raw["date"]) if raw.get("date") else None,
    )


def apply(
    entries: list[Entry], articles: list[Article], extractions: list[Extraction],
    known: Callable[[str], bool] | None = None,
) -> list[Decision]:
    """Match each entry to its article and claims; raise :class:`CurationError` when one cannot apply.

    ``known`` says whether an entity key exists (the gazetteer): a fact added
    about an unknown entity is refused here, naming its file and entry.
    """
    by_name: dict[str, tuple[Article, Extraction]] = {}
    for a, x in zip(articles, extractions):
        for name in (a.id, a.sha256, a.source_file, *a.also_source_files):
            by_name[name] = (a, x)
    out = []
    for e in entries:
        if e.article not in by_name:
            raise CurationError(e.file, e.index, f"article {e.article!r} is not in the corpus")
        a, x = by_name[e.article]
        spans = _find_all(a.text, e.quote)
        if not spans:
            raise CurationError(e.file, e.index, f"the quote {e.quote!r} is not in {a.source_file}")
        if e.action == "add":
            if known is not None and e.subject and not known(e.subject):
                raise CurationError(e.file, e.index, f"subject {e.subject!r} is not an entity of the gazetteer "
                                    "(nor a unit of one, 'kab-x/unit/slug')")
            out.append(Decision(e, a.id, "normal", (_new_claim(e, spans[0]),), added=True))
            continue
        matches = tuple(
            c for c in x.claims
            if c.kind == e.kind
            and (e.subject is None or c.subject == e.subject)
            and (e.year is None or c.year == e.year)
            and (e.value is None or _same_value(c, e.value))
            and any(c.evidence.start < s.end and s.start < c.evidence.end for s in spans)
        )
        if not matches:
            raise CurationError(e.file, e.index, f"no {e.kind} claim in {a.source_file} overlaps the quote {e.quote!r}"
                                + (f" with value {e.value}" if e.value else ""))
        out.append(Decision(e, a.id, "deprecated" if e.action == "deprecate" else "preferred", matches))
    return out


def _find_all(text: str, quote: str) -> list[Span]:
    spans, start = [], 0
    while (i := text.find(quote, start)) >= 0:
        spans.append(Span(i, i + len(quote)))
        start = i + 1
    return spans


def _same_value(c: Claim, value: str) -> bool:
    if c.kind == "score" and c.score is not None:
        try:
            return c.score == Decimal(value.replace(",", "."))
        except InvalidOperation:
            return False
    current = {"rank": c.rank, "topn": c.top_n, "zone": c.zone, "opinion": c.opinion}.get(c.kind)
    return str(current) == value


def _new_claim(e: Entry, span: Span) -> Claim:
    base = Claim(e.kind, e.year or 0, span, subject=e.subject, rule="curation", confidence=Decimal("1"))
    value = e.value or ""
    try:
        if e.kind == "score":
            return replace(base, score=Decimal(value.replace(",", ".")).quantize(Decimal("0.01")))
        if e.kind == "rank":
            return replace(base, rank=int(value), rank_scope="tidak-disebut")
        if e.kind == "topn":
            return replace(base, top_n=int(value), rank_scope="tidak-disebut")
    except (InvalidOperation, ValueError):
        raise CurationError(e.file, e.index, f"{value!r} is not a valid {e.kind}") from None
    if e.kind == "zone":
        return replace(base, zone=value)
    return replace(base, opinion=value, opinion_scheme=e.scheme or "opinion")
