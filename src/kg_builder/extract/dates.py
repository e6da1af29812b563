"""Dates as Indonesian news prints them, checked against the calendar.

Forms: "Kamis (14/12)" (year from context), "Selasa (06/02/2024)",
"Kamis, 14 November 2024", "3 Desember 2024". An impossible date
("Kamis (29/2/2023)") is kept as text with an issue code and never becomes
an ``xsd:date``; a weekday that does not match the date is flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8,
    "agt": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12,
}
_WEEKDAY = r"(?P<weekday>Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu|Ahad)"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(
    rf"(?:{_WEEKDAY}\s*,?\s*)?(?:\(\s*(?P<d1>\d{{1,2}})\s*/\s*(?P<m1>\d{{1,2}})(?:\s*/\s*(?P<y1>\d{{2,4}}))?\s*\)"
    rf"|(?<!\d)(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\.?\s+(?P<y2>\d{{4}}))",
    re.I,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: dt.date | None  # None when the printed date does not exist
    stated_weekday: str | None
    computed_weekday: str | None
    issue: str | None  # "invalid-calendar-date", "weekday-mismatch", "year-from-context"


def find_dates(text: str, context_year: int | None) -> list[DateMention]:
    """Every date in ``text``; a missing year is taken from ``context_year``."""
    out = []
    for m in DATE.finditer(text):
        weekday = m.group("weekday")
        if weekday:
            weekday = {"jumat": "Jumat", "jum'at": "Jumat", "ahad": "Minggu"}.get(weekday.lower(), weekday.capitalize())
        if m.group("d1"):
            day, month = int(m.group("d1")), int(m.group("m1"))
            year_text = m.group("y1")
            if year_text is None and not weekday:
                continue  # "(14/12)" alone is too weak to be a date
        else:
            day, month = int(m.group("d2")), MONTHS[m.group("m2").lower()]
            year_text = m.group("y2")
        issue = None
        if year_text is None:
            if context_year is None:
                continue
            year, issue = context_year, "year-from-context"
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            date: dt.date | None = dt.date(year, month, day)
        except ValueError:
            date = None
        computed = WEEKDAYS[date.weekday()] if date else None
        if date is None:
            issue = "invalid-calendar-date"
        elif weekday and computed != weekday:
            issue = "weekday-mismatch"
        out.append(DateMention(m.start(), m.end(), m.group(0), date, weekday, computed, issue))
    return out
