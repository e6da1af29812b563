"""Zone, opinion, predicate and dimension words, mapped to concept slugs.

The concept slugs are those of the SKOS schemes in ``ontology/schemes.ttl``
(zone, opinion, predicate, opinion-2025, dimension, entity-category). The
words drift in the news ("kualitas terbaik" for *tertinggi*), so each
pattern lists the variants seen; the printed words are kept as
``stated_label`` next to the concept.
"""

from __future__ import annotations

import re

ZONE = re.compile(r"\bzona(?:si)?\s+(?P<zone>hijau|kuning|merah)\b", re.I)

#: opinion words (2022-2024): letter by quality word
OPINION_WORDS = {"tertinggi": "A", "terbaik": "A", "tinggi": "B", "sedang": "C", "rendah": "D", "terendah": "E"}
OPINION = re.compile(
    r"\b(?:(?:opini|predikat|kategori)\s+(?:[\w-]+\s+){0,5}?)?(?:kualitas|kualias|kwalitas)\s+(?:nilai\s+)?(?P<q>tertinggi|terbaik|tinggi|sedang|rendah|terendah)\b"
    r"(?P<tanpa>\s+tanpa\s+mal[a]?administrasi)?"
    r"|\b(?:kategori|predikat|opini|nilai)\s+(?P<letter>[A-E])\b(?![\w-])"
    r"|\b(?:masuk\s+|dalam\s+)?kategori\s+(?P<kq>tertinggi|tinggi|sedang|rendah|terendah)\b"
    r"|\bpredikat\s+(?:kepatuhan\s+)?(?:standar\s+pelayanan\s+)?(?P<pq>tertinggi|tinggi|sedang|rendah)\b"
    r"|\b(?:tingkat\s+)?kepatuhan\s+(?:yang\s+)?(?P<tq>tinggi|sedang|rendah|terendah)\b",
    re.I,
)

DIMENSION_WORDS: tuple[tuple[str, str], ...] = (
    (r"pengelolaan\s+pengaduan|penanganan\s+pengaduan", "pengelolaan-pengaduan"),
    (r"kompetensi(?:\s+pelaksana)?", "kompetensi-pelaksana"),
    (r"sarana\s*(?:dan\s+|pra-?\s*|-\s*)?prasarana|sarana\s+pra-sarana|sarpras", "sarana-prasarana"),
    (r"persepsi(?:\s+(?:pengguna\s+layanan|maladministrasi|masyarakat))?", "persepsi-maladministrasi"),
    (r"standar[t]?\s+(?:pelayanan|layanan)", "standar-pelayanan"),
    (r"masukan|input", "input"),
    (r"proses", "proses"),
    (r"keluaran|output", "output"),
    (r"pengaduan", "pengaduan"),
)
DIMENSION = re.compile("|".join(f"(?P<d{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(DIMENSION_WORDS)), re.I)

COVERAGE_CATEGORIES: tuple[tuple[str, str], ...] = (
    (r"kementerian", "kementerian"),
    (r"lembaga", "lembaga"),
    (r"pemerintah\s+provinsi|pemprov|provinsi", "provinsi"),
    (r"pemerintah\s+kota|pemkot|kota", "kota"),
    (r"pemerintah\s+kabupaten|pemkab|kabupaten", "kabupaten"),
    (r"pemerintah\s+daerah|pemda", "pemerintah-daerah"),
)
COVERAGE = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3})\s+(?P<cat>"
    + "|".join(f"(?:{p})" for p, _ in COVERAGE_CATEGORIES)
    + r")\b",
    re.I,
)


def opinion_of(m: re.Match[str], year: int) -> tuple[str, str] | None:
    """``(scheme, slug)`` for an OPINION match in a round of ``year``."""
    if m.group("letter"):
        return ("opinion", m.group("letter").upper()) if year >= 2022 else None
    if m.group("q"):
        if m.group("tanpa") or year >= 2025:
            # 2025 (Opini Ombudsman): "Kualitas <q> Tanpa Maladministrasi"; the scale is provisional
            q = "tertinggi" if m.group("q").lower() == "terbaik" else m.group("q").lower()
            return ("opinion-2025", f"kualitas-{q}-tanpa-maladministrasi") if m.group("tanpa") else None
        return ("opinion", OPINION_WORDS[m.group("q").lower()]) if year >= 2022 else None
    word = (m.group("kq") or m.group("pq") or m.group("tq") or "").lower()
    if m.group("tq"):
        # "tingkat kepatuhan sedang" names the compliance predicate of the zone era (to 2021)
        word = "rendah" if word == "terendah" else word
        return ("predicate", word) if year <= 2021 else None
    if year >= 2022 and year < 2025:
        return ("opinion", OPINION_WORDS[word])
    if year <= 2021 and word in {"tinggi", "sedang", "rendah"}:
        return ("predicate", word)
    return None


def dimension_of(m: re.Match[str]) -> str:
    for i, (_, slug) in enumerate(DIMENSION_WORDS):
        if m.group(f"d{i}"):
            return slug
    raise ValueError(m.group(0))


def category_of(word: str) -> str:
    for pattern, slug in COVERAGE_CATEGORIES:
        if re.fullmatch(pattern, word, re.I):
            return slug
    raise ValueError(word)
