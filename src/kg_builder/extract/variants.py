"""Spelling variants inside one article: a person, a place or the awarding body printed two ways.

News written in a hurry spells the same name differently a few paragraphs
apart ("Jaka Andhika" / "Jhaka andika", "Saiful Roswandi" / "Saiful
Ruswandi", "Kota Jambi" / "Kotta Jambi", "Ombudsman" / "Ombusdman"). None of
these may create a second person or entity; each is recorded as a
data-quality finding with the variant's span.

A variant is a run of the same number of words as the known name, each word
equal to the name's word or (for words of four letters or more) one edit
away, with at least one word different; case is ignored, so "andika" and
"Andhika" differ by one letter. The known spelling is the one the article
gives with a role or a kind prefix; the variant may stand anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
#: Words one edit away from a kind prefix that are ordinary words or places, not typos of it.
_NOT_PREFIX_TYPOS = {"kita", "kata", "koto", "kuta", "kote", "kotak", "provinsial"}


@dataclass(frozen=True)
class Variant:
    start: int
    end: int
    surface: str


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance with transpositions, cut off above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_BLANKS = re.compile(r"[ \t\u00a0]+|[ \t\u00a0]*\n[ \t\u00a0]*")


class Words:
    """The words of a text with their offsets, read once and shared by every variant search."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        #: joined[i]: word i and word i+1 are separated by blanks only (one line break at most)
        self.joined = [bool(_BLANKS.fullmatch(text, a[1], b[0])) for a, b in zip(self.items, self.items[1:])]
        #: positions of the capitalised words, by length, and of every word, by its lower-cased form
        self.capitalised: dict[int, list[int]] = {}
        self.positions: dict[str, list[int]] = {}
        for i, (_, _, w) in enumerate(self.items):
            if w[0].isupper():
                self.capitalised.setdefault(len(w), []).append(i)
            self.positions.setdefault(w.lower(), []).append(i)

    def runs(self, lengths: list[int], starts: list[int] | None = None):
        """Runs of joined words, the first capitalised, each within one letter of the length in ``lengths``
        (only from ``starts`` when given)."""
        items, joined, n = self.items, self.joined, len(lengths)
        if starts is None:
            starts = sorted(i for d in (-1, 0, 1) for i in self.capitalised.get(lengths[0] + d, ()))
        for i in starts:
            if i < 0:
                continue
            if i + n > len(items):
                continue
            if any(abs(len(items[i + k][2]) - lengths[k]) > 1 for k in range(1, n)):
                continue
            if all(joined[i + k] for k in range(n - 1)):
                yield items[i : i + n]


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]


def _close(known: list[str], seen: list[str], min_len: int = 4) -> bool:
    """Every word equal or (when long enough) one edit away, and not all equal (ignoring case)."""
    diffs = 0
    for k, s in zip(known, seen):
        k, s = k.lower(), s.lower()
        if k == s:
            continue
        if len(k) < min_len or not one_edit(k, s):
            return False
        diffs += 1
    return diffs > 0


def name_variants(text: str | Words, name: str, others: set[str] = frozenset()) -> list[Variant]:
    """Other spellings of a person's ``name`` in ``text`` (one per distinct spelling)."""
    words = text if isinstance(text, Words) else Words(text)
    text = words.text
    known = name.split()
    if not known or (len(known) == 1 and len(known[0]) < 6):
        return []  # one short word alone is too weak to call a variant
    out: dict[str, Variant] = {}
    lowered_others = {o.lower() for o in others}
    for run in words.runs([len(k) for k in known]):
        seen = [w for _, _, w in run]
        if not seen[0][0].isupper() or not _close(known, seen):
            continue
        surface = text[run[0][0] : run[-1][1]]
        flat = " ".join(seen)
        if flat.lower() in lowered_others:
            continue  # another person's own name
        out.setdefault(flat, Variant(run[0][0], run[-1][1], surface))
    return list(out.values())


def prefixed_variants(text: str | Words, prefix: str, name: str, taken: list[tuple[int, int]]) -> list[Variant]:
    """"Kotta Jambi" for "Kota Jambi": the kind word or the name one edit away, the other exact.

    ``taken`` are spans already read as names (a real entity), never variants.
    """
    words = text if isinstance(text, Words) else Words(text)
    text = words.text
    known = [prefix, *name.split()]
    # one part is printed exactly: start where the kind word stands, or one word before the name
    starts = sorted(set(words.positions.get(prefix.lower(), []))
                    | {i - 1 for i in words.positions.get(known[1].lower(), [])})
    out = []
    for run in words.runs([len(k) for k in known], starts):
        seen = [w for _, _, w in run]
        if not all(w[0].isupper() for w in seen):
            continue
        if not _close(known, seen, min_len=4):
            continue
        prefix_typo = seen[0].lower() != prefix.lower()
        name_typo = [s.lower() for s in seen[1:]] != [k.lower() for k in known[1:]]
        if prefix_typo and name_typo:
            continue  # both parts changed: another name, not a misprint of this one
        if prefix_typo and seen[0].lower() in _NOT_PREFIX_TYPOS:
            continue
        if name_typo and any(len(k) < 5 and k.lower() != s.lower() for k, s in zip(known[1:], seen[1:])):
            continue  # "Batu" / "Baru": short names one letter apart are often two real places
        start, end = run[0][0], run[-1][1]
        if any(a == start or (a <= start and end <= b) for a, b in taken):
            continue  # read as a name already (another entity's, or this one's)
        out.append(Variant(start, end, text[start:end]))
    return out


_BODY = "ombudsman"


def body_variants(text: str) -> list[Variant]:
    """Misspellings of the awarding body's name ("Ombusdman", "Ombudsmen")."""
    out: dict[str, Variant] = {}
    for m in _WORD.finditer(text):
        w = m.group(0)
        low = w.lower()
        if low.startswith(_BODY) or not 7 <= len(low) <= 11 or low[0] != "o":
            continue
        if not text[m.end() :].strip():
            continue  # the excerpt is cut off inside the word ("... penilaian Ombudsm")
        if edit_distance(low, _BODY, 2) <= 2:
            out.setdefault(w, Variant(m.start(), m.end(), w))
    return list(out.values())
