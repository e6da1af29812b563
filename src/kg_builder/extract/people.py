"""Officials named with their roles: who handed an award over, who received it.

A role phrase ("Ketua Ombudsman RI", "Pjs Kepala Perwakilan Ombudsman RI
Provinsi Bengkulu", "Gubernur Jambi") is followed by capitalised words: an
optional place, then the person's name. The place is recognised with the
gazetteer's region names, so "Gubernur Jambi Al Haris" gives the role
*gubernur*, the place "Jambi" and the name "Al Haris".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg_builder.iri import slugify

_OMB = r"Ombudsman(?:\s+(?:RI|Republik\s+Indonesia))?"

#: (presenter-role slug, regex of the role words)
ROLE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("pjs-kepala-perwakilan", rf"(?:Pejabat\s+Sementara\s+\(Pjs\)|Pjs\.?|Plt\.?|Pelaksana\s+Tugas)\s+Kepala\s+Perwakilan\s+{_OMB}"),
    ("kepala-perwakilan", rf"(?:Kepala\s+Perwakilan|Kaper)\s+{_OMB}"),
    ("wakil-ketua", rf"Wakil\s+Ketua\s+{_OMB}"),
    ("ketua", rf"Ketua\s+{_OMB}"),
    ("anggota", rf"(?:[Aa]nggota|Pimpinan)\s+{_OMB}"),
    ("gubernur", r"(?:(?:Pj|Plt)\.?\s+)?Gubernur"),
    ("bupati", r"(?:(?:Pj|Plt)\.?\s+)?Bupati"),
    ("wali-kota", r"(?:Penjabat\s+\(Pj\)\s+|(?:Pj|Plt)\.?\s+)?Wali\s*[Kk]ota"),
    ("asisten", r"Asisten\s+(?:[A-Z]\w*\s+|dan\s+){1,6}?(?:Sekretariat\s+Daerah|Setda)"),
)
PERSON = re.compile("|".join(f"(?P<r{i}>(?<![\\w]){p})" for i, (_, p) in enumerate(ROLE_PATTERNS)))
_WORD = r"(?:[A-Z][a-zA-Z'’-]*\.?|Na|bin|binti|al)"
_TAIL = re.compile(rf"(?:[ \t]*,)?[ \t]*\n?[ \t]*(?P<tail>{_WORD}(?:[ \t]*,?[ \t]*\n?[ \t]*{_WORD}){{0,7}})")
_PLACE_WORDS = {"Provinsi", "Prov.", "Kabupaten", "Kab.", "Kota"}
_STOP = {"Ombudsman", "RI", "Republik", "Indonesia", "Dalam", "Yang", "Di", "Pada", "Penghargaan", "Senin",
         "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu", "Nomor", "Tahun", "Hadiri", "Boyong", "Tegaskan",
         "Soroti", "Bahas", "Terimakasih", "Mengucapkan", "Sekretariat", "Daerah", "Setda", "Bersama"}


@dataclass(frozen=True)
class RoleMention:
    start: int
    end: int
    role: str
    name: str | None  # the person's name as printed, None when the role stands alone
    place: str | None  # region the role belongs to ("Jambi" of "Gubernur Jambi")


def find_people(text: str, place_names: frozenset[str] = frozenset()) -> list[RoleMention]:
    """Role phrases with the place and name that follow them."""
    out = []
    for m in PERSON.finditer(text):
        idx = next(i for i in range(len(ROLE_PATTERNS)) if m.group(f"r{i}"))
        role = ROLE_PATTERNS[idx][0]
        end = m.end()
        place = name = None
        t = _TAIL.match(text, end)
        if t:
            words = t.group("tail").replace(",", " , ").split()
            if words and words[0] in _PLACE_WORDS:
                words.pop(0)
            place, words = _take_place([w for w in words], place_names)
            if words and words[0] == ",":
                words.pop(0)
            kept: list[str] = []
            for w in words:
                if w == "," or w.rstrip(".,") in _STOP:
                    break
                kept.append(w)
                if w.endswith(".") and len(w) > 3:
                    break  # a full stop after a word ends the sentence
            if kept:
                name = " ".join(kept).rstrip(".,")
                if len(name) < 3:
                    name = None
            if name or place:
                last = (name or place or "").split()[-1]
                end = t.start("tail") + _end_of(t.group("tail"), last)
        out.append(RoleMention(m.start(), end, role, name, place))
    return out


def _take_place(words: list[str], place_names: frozenset[str]) -> tuple[str | None, list[str]]:
    for n in range(min(3, len(words)), 0, -1):
        cand = " ".join(words[:n]).rstrip(",.")
        if cand in place_names:
            return cand, words[n:]
    return None, words


def _end_of(raw: str, last: str) -> int:
    """Offset in ``raw`` just after the first whole-word occurrence of ``last``."""
    m = re.search(rf"(?<![\w]){re.escape(last)}(?![\w])", raw)
    return m.end() if m else len(raw)


def person_key(name: str) -> str:
    return slugify(name)
