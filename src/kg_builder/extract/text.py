"""Sentences and clauses over the canonical text, as spans (no copying).

Indonesian news breaks lines inside sentences (hard-wrapped pages) and
writes decimals with a point or a comma, so a sentence ends at ``.!?``
followed by white space and a capital or an opening quote, or at a blank
line; never inside "92.00", "Kab. Lebong" or "No. 252".
"""

from __future__ import annotations

import re

from kg_builder.model import Span

_ABBREVIATIONS = {"kab", "prov", "no", "nomor", "dr", "drs", "h", "hj", "ir", "st", "pj", "plt", "jl", "kec", "kel", "sdr"}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n[ \t\u00a0]*\n+")


def sentences(text: str) -> list[Span]:
    """Sentence spans covering the non-blank parts of ``text``."""
    out: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0).startswith("\n") is False:
            before = text[max(start, m.start() - 8) : m.start()]
            word = re.search(r"(\w+)\.$", before)
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            if re.search(r"(?:^|\n)[ \t]*\d{1,2}\.$", text[max(start, m.start() - 6) : m.start()]) or m.start() - start <= 3:
                continue  # "1. Pemkab Grobogan": the number of a list item, not a sentence
        _push(text, start, m.start(), out)
        start = m.end()
    _push(text, start, len(text), out)
    return out


def _push(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end))


def sentence_of(spans: list[Span], position: int) -> Span | None:
    """The sentence containing ``position``."""
    for s in spans:
        if s.start <= position < s.end:
            return s
    return None
