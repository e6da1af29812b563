"""Numbers as Indonesian news prints them: scores, ordinals, counts.

Scores are 0-100 with a decimal comma or point ("89,62", "92.00"), sometimes
with a stray space after the comma ("83, 81") or one decimal ("82,5").
Ordinals come as digits ("ke-4", "ke 36") or words ("keenam", "empat").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CARDINALS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "tiga belas": 13, "empat belas": 14, "lima belas": 15, "enam belas": 16,
    "tujuh belas": 17, "delapan belas": 18, "sembilan belas": 19, "dua puluh": 20,
}
ORDINALS = {"pertama": 1, **{f"ke{w}": n for w, n in CARDINALS.items() if n > 1}}
ORDINALS.update({f"ke-{w}": n for w, n in CARDINALS.items() if n > 1})

_WORDS = sorted({*CARDINALS, *ORDINALS}, key=len, reverse=True)
ORDINAL_WORD = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _WORDS)

#: A score-like number: 1-3 digits, optional decimal part after "," or ".".
SCORE = re.compile(r"(?<![\d.,/-])(?P<int>\d{1,3})(?:(?P<sep>[.,])(?P<space> ?)(?P<frac>\d{1,2}))?(?![\d]|[.,]\d)")


def parse_score(int_part: str, frac: str | None) -> Decimal | None:
    """The decimal value of a printed score, or None when it is not 0-100."""
    try:
        value = Decimal(f"{int_part}.{frac}" if frac else int_part)
    except InvalidOperation:
        return None
    if not Decimal(0) <= value <= Decimal(100):
        return None
    return value


def word_number(word: str) -> int | None:
    """"keenam" -> 6, "empat" -> 4, "pertama" -> 1, "ke-4" -> 4, "36" -> 36."""
    w = re.sub(r"\s+", " ", word.strip().lower())
    if w.isdigit():
        return int(w)
    if m := re.fullmatch(r"ke\s*-?\s*(\d+)", w):
        return int(m.group(1))
    return ORDINALS.get(w) or CARDINALS.get(w)
