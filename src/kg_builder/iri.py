"""IRIs: one place that mints every IRI of the graph from stable keys.

IRIs never depend on extraction order, counters or build time (a run's own
IRI excepted): the same article and statement give the same IRI on every
build, and a better extractor keeps every IRI it already minted. The
patterns are the UK linked-data convention (``def/``, ``id/``, ``doc/``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by ``-`` (diacritics folded)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", folded.lower()).strip("-")


def short_hash(*parts: object) -> str:
    """First 16 hex digits of SHA-256 over ``|``-joined parts."""
    joined = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Iris:
    """IRI patterns under one base (default ``https://w3id.org/kepatuhan-kg/``)."""

    base: str

    # vocabulary
    @property
    def okg(self) -> str:
        return f"{self.base}def/okg#"

    @property
    def ontology(self) -> str:
        return f"{self.base}def/okg"

    def concept(self, scheme: str, slug: str) -> str:
        return f"{self.base}def/{scheme}/{slug}"

    def scheme(self, scheme: str) -> str:
        return f"{self.base}def/{scheme}"

    # things
    def entity(self, key: str) -> str:
        return f"{self.base}id/entity/{key}"

    def org(self, key: str) -> str:
        return f"{self.base}id/org/{key}"

    def round(self, year: int) -> str:
        return f"{self.base}id/assessment/{year}"

    def result(self, year: int, entity_key: str) -> str:
        return f"{self.base}id/assessment/{year}/{entity_key}"

    def article(self, article_id: str) -> str:
        return f"{self.base}id/article/{article_id}"

    def span(self, article_id: str, start: int, end: int) -> str:
        return f"{self.base}id/article/{article_id}#char={start},{end}"

    def claim(self, *key: object) -> str:
        return f"{self.base}id/claim/{short_hash(*key)}"

    def finding(self, *key: object) -> str:
        return f"{self.base}id/finding/{short_hash(*key)}"

    def person(self, slug: str) -> str:
        return f"{self.base}id/person/{slug}"

    def curator(self, slug: str) -> str:
        """A person who reviewed claims (kept apart from the officials the news names)."""
        return f"{self.base}id/curator/{slug}"

    def outlet(self, name: str) -> str:
        return f"{self.base}id/outlet/{slugify(name)}"

    def run(self, stamp: str) -> str:
        return f"{self.base}id/run/{stamp}"

    def agent(self, version: str) -> str:
        return f"{self.base}id/agent/kg-builder-{version}"

    def curation(self, *key: object) -> str:
        return f"{self.base}id/curation/{short_hash(*key)}"

    def dataset(self) -> str:
        return f"{self.base}id/dataset/okg"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"
