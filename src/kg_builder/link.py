"""Link: names in the text to canonical entities, through the gazetteer.

The gazetteer (``reference/regions.csv``, ``reference/ministries.csv``, copied
with their sources from the Kemendagri 2025 code list and official lists)
gives every regional government and central body a stable key such as
``kab-jember``, ``kota-blitar``, ``prov-jambi`` or ``kementerian-luar-negeri``.
Service units get ``{parent}/unit/{slug}``.

:class:`Gazetteer` reads the CSV files once; :meth:`Gazetteer.find_mentions`
is a pure function of a text. Names with a kind prefix ("Pemkab Jember",
"Kota Blitar", "Pemprov Sumbar") link directly; a bare name links only when
the same article names that entity with a prefix too, or when it is a
province name no kabupaten/kota shares.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from kg_builder.iri import slugify
from kg_builder.model import Entity, Mention, Span

KIND_PREFIX = {"provinsi": "prov", "kabupaten": "kab", "kota": "kota"}

#: Words before a region name that fix its kind. Officials' titles are kept
#: apart: "Gubernur Jambi" names the province but is a person's title.
GOVERNMENT_PREFIXES: dict[str, tuple[str, ...]] = {
    "provinsi": ("Pemerintah Provinsi", "Pemprov", "Pemerintahan Provinsi", "Provinsi", "Prov."),
    "kabupaten": ("Pemerintah Kabupaten", "Pemerintahan Kabupaten", "Pemkab", "Kabupaten", "Kab."),
    "kota": ("Pemerintah Kota", "Pemerintahan Kota", "Pemkot", "Pemko", "Kota"),
}
OFFICIAL_PREFIXES: dict[str, tuple[str, ...]] = {
    "provinsi": ("Gubernur", "Wakil Gubernur", "Pj Gubernur", "Plt Gubernur", "Sekda Provinsi"),
    "kabupaten": ("Bupati", "Wakil Bupati", "Pj Bupati", "Plt Bupati", "Wabup"),
    "kota": ("Wali Kota", "Walikota", "Wakil Wali Kota", "Pj Wali Kota", "Pj. Wali Kota", "Plt Wali Kota"),
}

#: Service-unit patterns: (unit-type slug, regex, slug of the unit or None to
#: derive it from the captured name). Order matters: longer names first.
_UNIT_PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    ("dpmptsp", r"Dinas\s+Penanaman\s+Modal\s+(?:dan\s+)?(?:Pelayanan\s+(?:Terpadu\s+)?Satu\s+Pintu|PTSP)"
                r"(?:\s*\(DPMPTSP\))?|DPMPTSP|DPM-PTSP|DPMPPTK", "dpmptsp"),
    ("dinas-dukcapil", r"Dinas\s+Kependudukan\s+dan\s+Pencatatan\s+Sipil(?:\s*\((?:Disdukcapil|Dukcapil)\))?"
                       r"|Dinas\s+Dukcapil|Disdukcapil|Dispendukcapil|Dukcapil", "dinas-dukcapil"),
    ("dinas-sosial", r"Dinas\s+Sosial(?:\s+Kependudukan\s+dan\s+Pencatatan\s+Sipil)?|Dinsos", "dinas-sosial"),
    ("dinas-kesehatan", r"Dinas\s+Kesehatan|Dinkes", "dinas-kesehatan"),
    ("dinas-pendidikan", r"Dinas\s+Pendidikan(?:\s+dan\s+Kebudayaan)?|Disdik(?:bud)?", "dinas-pendidikan"),
    ("puskesmas", r"Puskesmas\s+(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})", None),
    ("rsud", r"RSUD\s+(?P<name>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})", None),
    ("kanwil-bpn", r"(?:Kantor\s+Wilayah|Kanwil)\s+(?:Agraria\s+dan\s+Tata\s+Ruang\s*/\s*Badan\s+Pertanahan\s+Nasional"
                   r"(?:\s*\(ATR\s*/\s*BPN\))?|ATR\s*/\s*BPN|BPN|Kementerian\s+ATR\s*/\s*BPN)\s+"
                   r"(?P<name>(?:Provinsi\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})", None),
    ("kantor-pertanahan", r"(?:Kantor\s+Pertanahan|Kantah)\s+(?P<name>(?:Kabupaten|Kab\.|Kota)?\s*[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})", None),
    ("polres", r"(?P<kind>Polresta|Polres|Polrestabes)\s+(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})", None),
)
_UNIT_NAMES = {
    "dpmptsp": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "dinas-dukcapil": "Dinas Kependudukan dan Pencatatan Sipil",
    "dinas-sosial": "Dinas Sosial",
    "dinas-kesehatan": "Dinas Kesehatan",
    "dinas-pendidikan": "Dinas Pendidikan",
}
#: One printed head per unit type, so "Kantah Buru" and "Kantor Pertanahan Buru" are one unit.
_UNIT_HEADS = {"kanwil-bpn": "Kantor Wilayah ATR/BPN", "kantor-pertanahan": "Kantor Pertanahan"}
#: Words that end a captured unit name (they start the next clause).
_NAME_STOP = {"Dengan", "Dan", "Yang", "Di", "Ke", "Dari", "Kemudian", "Sebesar", "Nilai", "Mendapat",
              "Peringkat", "Raih", "Meraih", "Terima", "Menerima", "Pelayanan", "Tahun", "Zona", "Predikat",
              "Ombudsman", "Juara", "Terbaik", "Masuk", "Dapat", "Jadi", "Sabet"}


#: A government named with an unambiguous prefix but unknown to the gazetteer
#: ("Pemkab Xyz"): reported as an unlinked mention, never dropped silently.
_UNKNOWN_GOVERNMENT = re.compile(
    r"(?<![\w/])(?P<prefix>Pemerintah\s+Kabupaten|Pemerintah\s+Kota|Pemerintah\s+Provinsi|Pemkab|Pemkot|Pemko|Pemprov)"
    r"\s+(?P<name>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})"
)


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    targets: dict[str, str]  # lower-cased surface name -> entity key


class Gazetteer:
    """Regions, ministries and agencies with their names, codes and keys."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities: dict[str, Entity] = {e.key: e for e in entities}

    # -- loading -------------------------------------------------------------
    @classmethod
    def load(cls, reference_dir: Path) -> Gazetteer:
        return cls(load_regions(reference_dir / "regions.csv") + load_bodies(reference_dir / "ministries.csv"))

    def get(self, key: str) -> Entity | None:
        return self.entities.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.entities

    def regions(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    # -- name indexes ----------------------------------------------------------
    @cached_property
    def _names_by_kind(self) -> dict[str, dict[str, str]]:
        """kind -> {lower-cased name or alias: key}; ambiguous aliases dropped."""
        out: dict[str, dict[str, str]] = {}
        clashes: dict[str, set[str]] = {}
        for e in self.entities.values():
            names = out.setdefault(e.kind, {})
            for n in (_bare(e), *e.alt_names):
                k = n.lower()
                if k in names and names[k] != e.key:
                    clashes.setdefault(e.kind, set()).add(k)
                names[k] = e.key
        for kind, bad in clashes.items():
            for k in bad:
                out[kind].pop(k, None)
        return out

    @cached_property
    def _every_name(self) -> dict[str, set[str]]:
        """Lower-cased names and aliases of every entity -> all the keys that bear them (clashes kept)."""
        out: dict[str, set[str]] = {}
        for e in self.entities.values():
            for n in (_bare(e), e.name, *e.alt_names):
                out.setdefault(n.lower(), set()).add(e.key)
        return out

    def keys_named(self, name: str) -> set[str]:
        """Every entity whose name or alias is ``name`` (any case), ambiguous ones included."""
        return set(self._every_name.get(name.lower().strip(), ()))

    @cached_property
    def _region_pattern(self) -> re.Pattern[str]:
        names = set()
        for kind in KIND_PREFIX:
            names.update(self._names_by_kind.get(kind, {}))
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        prefixes = sorted(
            {p for ps in (*GOVERNMENT_PREFIXES.values(), *OFFICIAL_PREFIXES.values()) for p in ps},
            key=len,
            reverse=True,
        )
        prefix_alt = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in prefixes)
        return re.compile(
            rf"(?<![\w/])(?P<prefix>{prefix_alt})\s+(?:\(\w+\)\s+)?(?P<name>{alternation})(?![\w])",
            re.I,
        )

    @cached_property
    def _body_pattern(self) -> _Pattern:
        targets: dict[str, str] = {}
        for e in self.entities.values():
            if e.kind in ("kementerian", "lembaga"):
                for n in (e.name, *e.alt_names):
                    if len(n) >= 2:
                        targets.setdefault(n.lower(), e.key)
        alternation = "|".join(re.escape(n) for n in sorted(targets, key=len, reverse=True))
        # Abbreviations are matched case-sensitively (BPS, not "bps"); full names either way.
        return _Pattern(re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.I), targets)

    # -- recognising -----------------------------------------------------------
    def find_mentions(self, text: str) -> list[Mention]:
        """Every region, ministry and agency named in ``text``, sorted by position."""
        mentions: list[Mention] = []
        taken: list[Span] = []
        for m in self._region_pattern.finditer(text):
            prefix = re.sub(r"\s+", " ", m.group("prefix")).lower()
            kind, official = _kind_of_prefix(prefix)
            key = self._names_by_kind.get(kind, {}).get(m.group("name").lower())
            if key is None:
                continue
            span = Span(m.start(), m.end())
            mentions.append(Mention(span, m.group(0), key, kind, "official" if official else None))
            taken.append(span)
        # Bare names: entities named with a prefix elsewhere, and unambiguous provinces.
        named = {m.entity for m in mentions if m.entity}
        bare_targets: dict[str, str] = {}
        for key in named:
            e = self.entities[key]
            for n in (_bare(e), *e.alt_names):
                if len(n) >= 4:
                    bare_targets.setdefault(n, key)
        for n, key in self._province_bare_names.items():
            bare_targets.setdefault(n, key)
        if bare_targets:
            for m in self._bare_matches(text, bare_targets):
                span = Span(m.start(), m.end())
                if any(t.start <= span.start < t.end for t in taken):
                    continue
                key = bare_targets[m.group(0)]
                kind = self.entities[key].kind
                note = "place" if key not in named else "bare"
                mentions.append(Mention(span, m.group(0), key, kind, note))
                taken.append(span)
        for m in self._body_pattern.regex.finditer(text):
            surface = m.group(0)
            if surface.isupper() or " " not in surface:
                # abbreviations: exact case only
                if surface.lower() not in self._body_pattern.targets or not _is_abbrev_match(surface, self):
                    continue
            span = Span(m.start(), m.end())
            if any(t.start <= span.start < t.end for t in taken):
                continue
            key = self._body_pattern.targets[surface.lower()]
            mentions.append(Mention(span, surface, key, self.entities[key].kind))
            taken.append(span)
        for m in _UNKNOWN_GOVERNMENT.finditer(text):
            span = Span(m.start(), m.end())
            if any(t.start < span.end and span.start < t.end for t in taken):
                continue
            prefix = re.sub(r"\s+", " ", m.group("prefix")).lower()
            kind, _ = _kind_of_prefix(prefix)
            mentions.append(Mention(span, m.group(0), None, kind, "unlinked"))
            taken.append(span)
        mentions.sort(key=lambda x: x.span)
        return mentions

    def _bare_matches(self, text: str, targets: dict[str, str]) -> list[re.Match[str]]:
        """Leftmost-longest, non-overlapping matches of ``targets`` as bare words.

        The province names are one pattern compiled once; only the few names this
        article gave with a prefix make a pattern of their own (compiling the
        whole alternation for every article was half of extraction's time).
        """
        own = [n for n in targets if n not in self._province_bare_names]
        found = list(self._province_bare_pattern.finditer(text))
        if own:
            found += _bare_regex(own).finditer(text)
        found.sort(key=lambda m: (m.start(), m.start() - m.end()))
        out: list[re.Match[str]] = []
        for m in found:
            if not out or m.start() >= out[-1].end():
                out.append(m)
        return out

    @cached_property
    def _province_bare_pattern(self) -> re.Pattern[str]:
        return _bare_regex(self._province_bare_names)

    @cached_property
    def _province_bare_names(self) -> dict[str, str]:
        """Province names and aliases no kabupaten/kota shares (case-sensitive)."""
        local = set(self._names_by_kind.get("kabupaten", {})) | set(self._names_by_kind.get("kota", {}))
        out = {}
        for e in self.regions("provinsi"):
            for n in (_bare(e), *e.alt_names):
                if n.lower() not in local and len(n) >= 4 and n[0].isupper():
                    out[n] = e.key
        return out

    def find_units(self, text: str, parent: str | None) -> list[tuple[Mention, Entity]]:
        """Service units named in ``text``, as children of ``parent``."""
        found: list[tuple[Mention, Entity]] = []
        taken: list[Span] = []
        for unit_type, pattern, fixed_slug in _UNIT_PATTERNS:
            for m in re.finditer(rf"(?<![\w])(?:{pattern})(?![\w])", text):
                span = Span(m.start(), m.end())
                if any(t.start < span.end and span.start < t.end for t in taken):
                    continue
                surface = m.group(0)
                if fixed_slug:
                    slug, name = fixed_slug, _UNIT_NAMES[fixed_slug]
                else:
                    raw = _trim_name(m.group("name"))
                    if not raw:
                        continue
                    surface = text[m.start() : m.start("name") + len(raw)]
                    span = Span(m.start(), m.start() + len(surface))
                    head = _UNIT_HEADS.get(unit_type) or surface[: m.start("name") - m.start()].strip()
                    name = " ".join(head.split() + [raw])
                    slug = slugify(name)
                owner = parent
                if unit_type in ("kantor-pertanahan", "kanwil-bpn"):
                    owner = "kementerian-agraria-dan-tata-ruang" if "kementerian-agraria-dan-tata-ruang" in self else parent
                elif unit_type == "polres":
                    owner = "lembaga-kepolisian-negara-republik-indonesia" if "lembaga-kepolisian-negara-republik-indonesia" in self else parent
                if owner is None:
                    continue
                entity = Entity(
                    key=f"{owner}/unit/{slug}", kind="unit", name=name, parent=owner, unit_type=unit_type
                )
                found.append((Mention(span, surface, entity.key, "unit"), entity))
                taken.append(span)
        found.sort(key=lambda x: x[0].span)
        return found

    @cached_property
    def _local_names(self) -> dict[str, list[Entity]]:
        """Lower-cased bare kabupaten/kota names (and aliases) -> the entities that bear them."""
        out: dict[str, list[Entity]] = {}
        for e in self.entities.values():
            if e.kind in ("kabupaten", "kota"):
                for n in (_bare(e), *e.alt_names):
                    if len(n) >= 4:
                        out.setdefault(n.lower(), []).append(e)
        return out

    @cached_property
    def _local_pattern(self) -> re.Pattern[str]:
        alternation = "|".join(re.escape(n) for n in sorted(self._local_names, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.I)

    def find_listed(
        self, text: str, start: int, end: int, kind_hint: str | None, provinces: frozenset[str]
    ) -> list[Mention]:
        """Bare kabupaten/kota names in ``text[start:end]``, a list the caller has found.

        In a list ("yaitu Aceh Selatan, Aceh Barat Daya, ... dan Pidie") the
        kind words are said once for all, so a bare name is linked when the
        sentence's kind (``kind_hint``) or the provinces the article is about
        make it unambiguous. The name must start with a capital letter.
        """
        out = []
        for m in self._local_pattern.finditer(text, start, end):
            if not m.group(0)[0].isupper():
                continue
            candidates = self._local_names[m.group(0).lower()]
            if kind_hint:
                hinted = [e for e in candidates if e.kind == kind_hint]
                candidates = hinted or candidates
            if len(candidates) > 1 and provinces:
                local = [e for e in candidates if e.province in provinces]
                candidates = local or candidates
            if len(candidates) > 1:
                kinds = {e.kind for e in candidates}
                if len(kinds) > 1:
                    candidates = [e for e in candidates if e.kind == "kabupaten"]
                if len({e.key for e in candidates}) != 1:
                    continue
            e = candidates[0]
            out.append(Mention(Span(m.start(), m.end()), m.group(0), e.key, e.kind, "listed"))
        return out

    def resolve(self, name: str, kind: str | None = None) -> str | None:
        """The key of a canonical name such as "Pemerintah Kabupaten Lebong" (for gold files)."""
        for m in self.find_mentions(name):
            if m.entity and (kind is None or m.kind == kind):
                return m.entity
        low = name.lower().strip()
        for e in self.entities.values():
            if e.name.lower() == low and (kind is None or e.kind == kind):
                return e.key
        return None


def _bare_regex(names: Iterable[str]) -> re.Pattern[str]:
    """Any of ``names`` as a word of its own (hyphens count as word characters), longest first."""
    names = sorted(names, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!)")  # an empty alternation would match the empty string everywhere
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


def _bare(e: Entity) -> str:
    """The name without kind words: "Jember", "Jawa Timur"; bodies keep their full name."""
    return e.short_name or e.name


def _kind_of_prefix(prefix: str) -> tuple[str, bool]:
    for kind, ps in GOVERNMENT_PREFIXES.items():
        if prefix in {p.lower() for p in ps}:
            return kind, False
    for kind, ps in OFFICIAL_PREFIXES.items():
        if prefix in {p.lower() for p in ps}:
            return kind, True
    raise KeyError(prefix)


def _is_abbrev_match(surface: str, gaz: Gazetteer) -> bool:
    key = gaz._body_pattern.targets[surface.lower()]
    e = gaz.entities[key]
    return surface in e.alt_names or surface == e.name


def _trim_name(raw: str) -> str:
    words = raw.split()
    out = []
    for w in words:
        if w in _NAME_STOP:
            break
        out.append(w)
    return " ".join(out).rstrip(".,")


def load_regions(path: Path) -> list[Entity]:
    """Provinces, regencies and cities from the Kemendagri-coded gazetteer."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    province_key = {
        r["code"]: f"prov-{slugify(r['name'])}" for r in rows if r["kind"] == "provinsi"
    }
    out = []
    for r in rows:
        kind = r["kind"]
        key = f"{KIND_PREFIX[kind]}-{slugify(r['name'])}"
        official = r["official_name"]
        label = {
            "provinsi": f"Pemerintah Provinsi {r['name']}",
            "kabupaten": f"Pemerintah Kabupaten {r['name']}",
            "kota": f"Pemerintah Kota {r['name']}",
        }[kind]
        alts = tuple(a.strip() for a in r["alt_names"].split(";") if a.strip())
        if official and official not in (r["name"],):
            stripped = re.sub(r"^(Provinsi|Kabupaten Administrasi|Kabupaten|Kota Administrasi|Kota)\s+", "", official)
            if stripped != r["name"]:
                alts += (stripped,)
        out.append(
            Entity(
                key=key,
                kind=kind,  # type: ignore[arg-type]
                name=label,
                short_name=r["name"],
                code=r["code"],
                province=None if kind == "provinsi" else province_key[r["province_code"]],
                alt_names=alts,
                bps_code=r["bps_code"] or None,
                wikidata=r["wikidata"] or None,
            )
        )
    return out


def load_bodies(path: Path) -> list[Entity]:
    """Ministries and agencies, with the short names used in the news."""
    out = []
    for r in csv.DictReader(path.open(encoding="utf-8")):
        kind = "kementerian" if r["kind"].startswith("kementerian") else "lembaga"
        name = r["name"]
        first = name.split("/")[0]
        slug = slugify(re.sub(r"^Kementerian\s+", "", first)) if kind == "kementerian" else slugify(first)
        shorts = tuple(s.strip() for s in r["short_names"].split(";") if s.strip())
        formers = tuple(s.strip() for s in r["former_names"].split(";") if s.strip())
        out.append(
            Entity(key=f"{kind}-{slug}", kind=kind, name=name, alt_names=shorts + formers)  # type: ignore[arg-type]
        )
    # former names shared by several successors are ambiguous: keep them on none
    seen: dict[str, int] = {}
    for e in out:
        for a in e.alt_names:
            seen[a] = seen.get(a, 0) + 1
    return [replace(e, alt_names=tuple(a for a in e.alt_names if seen[a] == 1)) for e in out]
