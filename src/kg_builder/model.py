"""Plain data passed between the pipeline stages.

Nothing here does I/O or knows about RDF: ``ingest`` makes :class:`Article`,
``link`` makes :class:`Entity`, ``extract`` makes :class:`Claim`, and ``emit``
turns them into triples. Offsets are Unicode code points over the canonical
text, end exclusive, so ``article.text[span.start:span.end]`` is the quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

EntityKind = Literal["provinsi", "kabupaten", "kota", "kementerian", "lembaga", "unit"]
ClaimKind = Literal[
    "score", "rank", "topn", "zone", "opinion", "award", "coverage", "dimension"
]


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of the canonical text: ``text[start:end]``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def covers(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def union(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True)
class ArticleMeta:
    """What the text or its sidecar says about the article itself."""

    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    author: str | None = None
    editor: str | None = None
    dateline: str | None = None
    headline: str | None = None


@dataclass(frozen=True)
class Article:
    """One news article in canonical form (UTF-8 decoded, LF, NFC)."""

    id: str  # first 16 hex of sha256
    source_file: str  # path relative to the corpus directory
    text: str
    sha256: str
    furniture: tuple[Span, ...] = ()
    meta: ArticleMeta = ArticleMeta()
    also_source_files: tuple[str, ...] = ()  # duplicates with the same text

    @property
    def body(self) -> str:
        """The text with page furniture blanked out (same length, same offsets)."""
        if not self.furniture:
            return self.text
        chars = list(self.text)
        for span in self.furniture:
            for i in range(span.start, span.end):
                if chars[i] != "\n":
                    chars[i] = " "
        return "".join(chars)


@dataclass(frozen=True)
class Entity:
    """A canonical assessed entity (or one of its service units)."""

    key: str  # IRI path under id/entity/, e.g. "kab-jember", "kab-lebong/unit/dinas-sosial"
    kind: EntityKind
    name: str  # e.g. "Pemerintah Kabupaten Jember", "Dinas Sosial"
    short_name: str | None = None  # name without kind words, e.g. "Jember"
    code: str | None = None  # Kemendagri code for regions
    province: str | None = None  # key of the province for kab/kota
    parent: str | None = None  # key of the owning entity for units
    unit_type: str | None = None  # unit-type concept slug for units
    alt_names: tuple[str, ...] = ()
    bps_code: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class Mention:
    """A name in the text resolved (or not) to an entity."""

    span: Span
    surface: str
    entity: str | None  # entity key; None when unlinked
    kind: str  # entity kind, or "unknown"
    note: str | None = None


@dataclass(frozen=True)
class Person:
    """An official named in an article, with the role the article gives."""

    key: str  # slug
    name: str  # as printed (first spelling)
    role: str | None = None  # presenter-role slug
    office: str | None = None  # org key, e.g. "ombudsman-ri/perwakilan/jambi"
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """One value one article states about one result (or round).

    ``kind`` says which value fields are set. ``subject`` is an entity key
    (``None`` for round-level claims such as coverage counts).
    """

    kind: ClaimKind
    year: int
    evidence: Span
    subject: str | None = None
    rule: str = ""
    confidence: Decimal = Decimal("0.9")
    score: Decimal | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_scope: str | None = None  # rank-scope concept slug
    top_n: int | None = None
    zone: str | None = None  # zone concept slug
    opinion: str | None = None  # opinion concept slug (A..E, or predicate/2025 slug)
    opinion_scheme: str | None = None  # "opinion", "predicate", "opinion-2025"
    stated_label: str | None = None
    category: str | None = None  # entity-category slug, for coverage
    count: int | None = None
    dimension: str | None = None  # dimension concept slug
    # award hand-over
    presenter: str | None = None  # person key
    presenter_role: str | None = None
    recipient: str | None = None  # person key
    awarding_body: str | None = None  # org key
    event_date: str | None = None  # ISO date, only when valid
    event_date_text: str | None = None
    event_place: str | None = None
    stated_weekday: str | None = None
    computed_weekday: str | None = None
    date_issue: str | None = None

    def values(self) -> dict[str, Any]:
        """The value fields that are set, for keys, JSON and comparison."""
        return {k: v for k in _CLAIM_VALUE_FIELDS if (v := getattr(self, k)) is not None}


_CLAIM_VALUE_FIELDS = tuple(
    f.name for f in fields(Claim) if f.name not in {"kind", "year", "evidence", "subject", "rule", "confidence"}
)


@dataclass(frozen=True)
class Finding:
    """A data-quality finding: something the article states that cannot be right."""

    type: str  # finding-type concept slug
    message: str
    evidence: Span
    about: str | None = None  # entity key or claim subject


@dataclass(frozen=True)
class Extraction:
    """Everything the extractor found in one article."""

    article_id: str
    claims: tuple[Claim, ...]
    mentions: tuple[Mention, ...] = ()
    people: tuple[Person, ...] = ()
    findings: tuple[Finding, ...] = ()
    assessment_year: int | None = None
    main_entity: str | None = None
    units: tuple[Entity, ...] = ()  # service units first met in this article
    rules_version: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)
