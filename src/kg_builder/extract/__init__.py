"""Extract: every stated result of one article, as claims with evidence spans.

``extract(article, gazetteer)`` is a pure function of the article text and
the reference data: no I/O, no global state, so it parallelises and caches
by (text hash, rules version). It reads :attr:`Article.body` (page furniture
blanked, offsets unchanged) and returns an :class:`Extraction`.

How a value finds its subject and year, in order:

1. the recognisers (``numbers``, ``labels``, ``dates``, ``people``, and the
   gazetteer's names) give spans;
2. a value belongs to the nearest entity or unit named before it in the same
   sentence (a place such as "di Provinsi Jambi" or an official's title is
   only a fallback); without one, scores and ranks go to the article's main
   entity, while zones and opinions are dropped (they are then a general
   statement, e.g. about all awardees);
3. its year is the nearest year named before it in the sentence ("tahun lalu"
   and "tahun sebelumnya" count back from the article's assessment year),
   else the article's assessment year.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from kg_builder.config import RULES_VERSION
from kg_builder.extract import dates as dates_mod
from kg_builder.extract.labels import (
    COVERAGE,
    DIMENSION,
    OPINION,
    ZONE,
    category_of,
    dimension_of,
    opinion_of,
)
from kg_builder.extract.numbers import CARDINALS, ORDINAL_WORD, SCORE, parse_score, word_number
from kg_builder.extract.people import RoleMention, find_people, person_key
from kg_builder.extract.text import sentences
from kg_builder.extract.variants import Words, body_variants, name_variants, prefixed_variants
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Claim, Entity, Extraction, Finding, Mention, Person, Span

__all__ = ["extract"]

OMBUDSMAN = "lembaga-ombudsman-republik-indonesia"

_YEAR = re.compile(
    r"(?P<rel>tahun\s+(?:lalu|sebelumnya|kemarin)|tahun\s+ini)|(?<![\d/])(?<![\d]-)(?P<year>20[12]\d)(?![\d/])(?!\s*[-–]\s*20)",
    re.I
)
_SCORE_CUE = re.compile(
    r"(?:nilai(?:nya)?|skor(?:nya)?|score|angka|diangka[t]?|poin|indeks|sebesar|meraih|memperoleh|mendapat(?:kan)?|mencapai"
    r"|(?:naik|turun|meningkat|menurun)\s+menjadi)"
    r"(?:\s*(?:\s(?:kepatuhan(?:nya)?|penilaian|akhir|kumulatif|rata-rata|total|sebesar|yakni|yaitu|mencapai|hanya|dan\s+zona)|/\s*zona))*"
    r"\s*(?:[:=]\s*)?$",
    re.I,
)
_RANK = re.compile(
    rf"\b(?:peringkat|posisi|urutan|ranking|rangking|juara)\s*(?:ke[- ]?\s*)?(?P<n>\d{{1,3}}|{ORDINAL_WORD})\b"
    rf"|\b(?:di|ke)\s?(?:urutan|ututan|posisi|peringkat)\s+(?:ke[- ]?\s*)?(?P<n2>\d{{1,3}}|{ORDINAL_WORD})\b",
    re.I,
)
_RANK_OF = re.compile(r"^\s*(?:\w+\s+){0,4}?dari\s+(?P<of>\d{1,3})\b", re.I)
_TOPN = re.compile(r"\b(?P<n>\d{1,2}|tiga|lima|sepuluh)\s+besar\b", re.I)
_WISH = re.compile(r"\b(?:berharap|harapan|menargetkan|target(?:kan)?|ingin|semoga|mempertahankan|dapat\s+meraih|bertekad|mengejar)\b", re.I)
_PLACE_BEFORE = re.compile(r"(?:\bdi|\bse-?|\bdalam|\bke|\bwilayah|\bdaerah)\s*$", re.I)
_NOT_SCORE_AFTER = re.compile(r"^\s*(?:%|(?:persen|orang|unit|lokus|instansi|kementerian|lembaga|pemda|pemerintah|kabupaten|kota|provinsi|tahun(?!\s+(?:ini|lalu|sebelumnya))|bulan|hari|besar|responden|produk|layanan|ke\s+atas)\b)", re.I)
_NATIONAL = re.compile(r"nasional|se-?\s*Indonesia|tingkat\s+pusat"
                       r"|di\s+antara\s+(?:seluruh\s+)?(?:kementerian|lembaga|pemerintah\s+\w+|pemprov|pemkab|pemkot)\s+lain", re.I)
_PROVINCIAL = re.compile(r"\bse-?\s*(?:Provinsi|Prov\.?|Jatim|Jateng|Jabar|Sumbar|Sumut|Sumsel|Kalsel|Kaltim|Sulsel)\b"
                         r"|\bse-\s*[A-Z]\w+|di\s+Provinsi|tingkat\s+provinsi|dalam\s+Provinsi", re.I)
_AWARDEES = re.compile(r"mendapat(?:kan)?\s+penghargaan|penerima\s+penghargaan|yang\s+meraih", re.I)
_HANDOVER = re.compile(r"diserahkan|menyerahkan|penyerahan|diberikan|memberikan|dianugerahkan|diterima", re.I)
_ASSESSMENT_CUE = re.compile(r"penilaian|penghargaan|opini|predikat|kepatuhan|survei|anugerah|penganugerahan|zona", re.I)


@dataclass
class _Context:
    article: Article
    body: str
    sentences: list[Span]
    mentions: list[Mention]
    year: int
    main: str | None
    findings: list[Finding] = field(default_factory=list)
    gazetteer: Gazetteer | None = None


def extract(article: Article, gazetteer: Gazetteer) -> Extraction:
    """Claims, mentions, people and quality findings stated in one article."""
    body = article.body
    sents = sentences(body)
    mentions = [_mark_place(m, body) for m in gazetteer.find_mentions(body)]
    govs = [m for m in mentions if m.entity and m.entity != OMBUDSMAN]
    main = _main_entity(govs)
    year = _assessment_year(body, sents, article.meta.published)
    units: dict[str, Entity] = {}
    found_units = gazetteer.find_units(body, main)
    if found_units:
        # "Kantor Pertanahan Kabupaten Buru" names a unit, not the regency inside it
        covered = [u.span for u, _ in found_units]
        mentions = [m for m in mentions if not any(c.covers(m.span) for c in covered)]
        main = _main_entity([m for m in mentions if m.entity and m.entity != OMBUDSMAN])
        for mention, unit in gazetteer.find_units(body, main):
            units.setdefault(unit.key, unit)
            mentions.append(mention)
    mentions += [_mark_place(m, body) for m in _listed(body, sents, mentions, gazetteer)]
    mentions += _local_aliases(body, mentions, gazetteer)
    mentions = _located(body, sorted(mentions, key=lambda m: m.span), gazetteer)
    words = Words(body)
    mentions, variant_findings = _place_variants(words, mentions, gazetteer)
    mentions.sort(key=lambda m: m.span)
    if year is None:
        return Extraction(article.id, (), tuple(mentions), main_entity=main, units=tuple(units.values()),
                          rules_version=RULES_VERSION, warnings=("no assessment year found",))
    ctx = _Context(article, body, sents, mentions, year, main, gazetteer=gazetteer)
    claims: list[Claim] = []
    claims += _scores(ctx)
    claims += _ranks(ctx)
    claims += _zones_and_opinions(ctx)
    claims += _the_others(ctx, claims)
    claims += _coverage(ctx)
    claims += _dimensions(ctx)
    places = frozenset(e.short_name for e in gazetteer.entities.values() if e.short_name)
    roles = find_people(body, places)
    people = _people(roles, gazetteer, words)
    award, findings = _award(ctx, roles, people)
    if award:
        claims.append(award)
    claims = _dedupe(claims)
    findings += ctx.findings + variant_findings + _name_findings(body, people) + _body_findings(body)
    return Extraction(
        article_id=article.id,
        claims=tuple(claims),
        mentions=tuple(mentions),
        people=tuple(people.values()),
        findings=tuple(findings),
        assessment_year=year,
        main_entity=main,
        units=tuple(units.values()),
        rules_version=RULES_VERSION,
    )


# --- article-level context ---------------------------------------------------

def _mark_place(m: Mention, body: str) -> Mention:
    """"di Provinsi Jambi", "Ombudsman RI Provinsi Jambi": a place or an office, not the subject."""
    before = body[max(0, m.span.start - 40) : m.span.start]
    if m.note in (None, "bare", "listed") and _PLACE_BEFORE.search(before[-12:]):
        return Mention(m.span, m.surface, m.entity, m.kind, "place")
    if m.note in (None, "bare", "listed") and re.search(
            r"(?:Ombudsman(?:\s+(?:RI|Republik\s+Indonesia))?|Perwakilan)\s*$", before, re.I):
        return Mention(m.span, m.surface, m.entity, m.kind, "place")
    if m.note in (None, "bare", "listed") and re.search(r"\bk?husus\s+untuk\s*$", before, re.I):
        return Mention(m.span, m.surface, m.entity, m.kind, "place")  # "khusus untuk Provinsi Gorontalo, ...": a scope
    after = body[m.span.end : m.span.end + 40]
    line_start = m.span.start == 0 or body[m.span.start - 1] == "\n"
    if line_start and re.match(r"\s*(?:\([A-Za-z. ]+\)\s*)?[-–—]|,\s*[\w.]+\s*[-–—]", after):
        return Mention(m.span, m.surface, m.entity, m.kind, "place")  # the dateline: "Padang (ANTARA) -"
    if re.search(r"(?:^|\n)[ \t]*[\w.]+,[ \t]*$", before) and re.match(r"[ \t]*[-–—]", after):
        return Mention(m.span, m.surface, m.entity, m.kind, "place")  # the dateline after the outlet: "60DTK, Gorontalo –"
    if m.note in ("bare", "listed"):
        line = body[body.rfind("\n", 0, m.span.start) + 1 : (body.find("\n", m.span.end) + 1 or len(body) + 1) - 1]
        if len(line.split()) <= 3 and not re.search(r"[.,;:()\d]", line):
            return Mention(m.span, m.surface, m.entity, m.kind, "place")  # a rubric over the headline: "Berita Jateng"
    return m


_LIST_CUE = re.compile(r"zona|nilai|skor|kategori|predikat|peringkat|posisi|urutan|opini|kualitas|\(\d", re.I)
_GROUP_WORD = re.compile(r"\b(?:kabupaten|kota|daerah|pemda|pemkab|pemkot|pemko|wilayah)\b", re.I)
_KIND_WORD = re.compile(r"\b(?P<kab>kabupaten|pemkab|kab\.)(?!\s*/)|\b(?P<kota>kota|pemkot|pemko)\b", re.I)


def _listed(body: str, sents: list[Span], mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """Bare names in the lists of a sentence ("yaitu Aceh Selatan, Aceh Barat Daya dan Pidie")."""
    provinces = set()
    for m in mentions:
        e = gazetteer.get(m.entity) if m.entity else None
        if e is None:
            continue
        if e.kind == "provinsi":
            provinces.add(e.key)
        elif e.province:
            provinces.add(e.province)
    out: list[Mention] = []
    taken = [m.span for m in mentions]
    for s in sents:
        text = body[s.start : s.end]
        if not _LIST_CUE.search(text):
            continue
        is_list = len(re.findall(r",|\bdan\b|\bserta\b", text)) >= 2 and bool(
            _GROUP_WORD.search(text) or provinces or any(s.start <= m.span.start < s.end for m in mentions))
        for m in gazetteer.find_listed(body, s.start, s.end, None, frozenset(provinces)):
            introduced = re.search(r"\b(?:yaitu|yakni|antara\s+lain|adalah|ialah)\s*:?\s*$",
                                   body[max(s.start, m.span.start - 30) : m.span.start], re.I)
            if not (is_list or introduced) and " " not in m.surface:
                continue  # outside a list only a distinctive two-word name ("Gorontalo Utara") stands alone
            clash = [t for t in mentions if t.span.start < m.span.end and m.span.start < t.span.end]
            if any(t.note != "bare" or t.span.end - t.span.start > m.span.end - m.span.start for t in clash):
                continue
            if any(t.start < m.span.end and m.span.start < t.end for t in taken if t not in [c.span for c in clash]):
                continue
            for t in clash:
                mentions.remove(t)
            hint = None
            for k in _KIND_WORD.finditer(body, s.start, m.span.start):
                hint = "kabupaten" if k.group("kab") else "kota"
            if hint and hint != m.kind:
                again = gazetteer.find_listed(body, m.span.start, m.span.end, hint, frozenset(provinces))
                if not again:
                    continue
                m = again[0]
            out.append(m)
            taken.append(m.span)
    return out


def _located(body: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """"Pemkab Badung, Bali (97,53)": the province after a comma says where the regency lies."""
    out = list(mentions)
    for i in range(1, len(out)):
        m, prev = out[i], out[i - 1]
        e = gazetteer.get(prev.entity) if prev.entity else None
        if (m.kind == "provinsi" and m.note in (None, "bare") and e is not None and e.province == m.entity
                and re.fullmatch(r"\s*,\s*", body[prev.span.end : m.span.start])):
            out[i] = Mention(m.span, m.surface, m.entity, m.kind, "place")
    return out


#: Kind words that may stand in brackets after a name without being its abbreviation.
_NOT_ALIASES = {"pemkab", "pemkot", "pemko", "pemprov", "pemda", "opd", "kab", "prov", "persero", "tbk"}


def _local_aliases(body: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """"Kementerian Hukum dan Hak Asasi Manusia (Kemenkumham)": the bracketed short form names the same
    entity wherever else this article uses it, even when the gazetteer keeps that form on no entity
    (a former name shared by several successors)."""
    out: list[Mention] = []
    taken = [m.span for m in mentions]
    for m in mentions:
        if not m.entity or m.entity == OMBUDSMAN or m.note in ("place", "official", "unlinked"):
            continue
        # the printed name may run on past the part the gazetteer knows ("Kementerian Hukum dan Hak Asasi Manusia")
        a = re.match(r"(?:[ \t]+(?:dan|[A-Z][\w-]*)){0,6}?[ \t]*\((?P<abbr>[A-Z][A-Za-z-]{2,15})\)",
                     body[m.span.end : m.span.end + 64])
        if a is None or a.group("abbr").lower() in _NOT_ALIASES:
            continue
        if gazetteer.keys_named(a.group("abbr")) - {m.entity}:
            continue  # "Kabupaten Lebong (Bengkulu)": the name of another place, not a short form
        abbr = a.group("abbr")
        for occ in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", body):
            span = Span(occ.start(), occ.end())
            if occ.start() < m.span.end + a.end() or any(t.start < span.end and span.start < t.end for t in taken):
                continue
            out.append(Mention(span, abbr, m.entity, m.kind, "bare"))
            taken.append(span)
    return out


def _main_entity(govs: list[Mention]) -> str | None:
    """The government the article is about: most often named, first named on ties."""
    strong = [m for m in govs if m.note in (None, "bare")] or govs
    if not strong:
        return None
    counts = Counter(m.entity for m in strong)
    best = max(counts.values())
    for m in strong:
        if counts[m.entity] == best:
            return m.entity
    return None


def _assessment_year(body: str, sents: list[Span], published: str | None = None) -> int | None:
    """The round the article reports: years named near assessment words win.

    An article that names no year at all (an excerpt whose dateline was cut off) falls back on
    its publication date from the sidecar, read like a printed date.
    """
    votes: Counter[int] = Counter()
    for s in sents:
        text = body[s.start : s.end]
        years = [int(m.group("year")) for m in _YEAR.finditer(text)
                 if m.group("year") and not _in_date(body, s.start + m.start())]
        if not years:
            continue
        if _WISH.search(text):
            continue  # "tahun 2022 ini bisa bangkit lagi": a hope, not the round reported
        weight = 2 if _ASSESSMENT_CUE.search(text) else 1
        for y in years:
            if re.search(rf"sejak\s+(?:tahun\s+)?{y}|[Pp]ada\s+{y}\s*,", text):
                continue
            votes[y] += weight
    dated = [d for d in dates_mod.find_dates(body, None) if d.date]
    if dated:
        # results for year N are announced from Nov/Dec of N and handed over until mid N+1
        d = dated[0].date
        hint = d.year if d.month >= 7 else d.year - 1
        votes[hint] += 2
    if not votes and published and (pm := re.match(r"(20[12]\d)-(\d\d)", published)):
        y, month = int(pm.group(1)), int(pm.group(2))
        votes[y if month >= 7 else y - 1] += 1
    if not votes:
        return None
    best = max(votes.values())
    return max(y for y, v in votes.items() if v == best)


def _sentence(ctx: _Context, pos: int) -> Span:
    for s in ctx.sentences:
        if s.start <= pos < s.end:
            return s
    return Span(pos, pos + 1)


def _subject_before(ctx: _Context, pos: int, sent: Span, *, fallback: bool) -> str | None:
    """The nearest entity or unit named before ``pos`` in its sentence."""
    best = weak = None
    for m in ctx.mentions:
        if m.span.start >= pos or m.span.start < sent.start or not m.entity or m.entity == OMBUDSMAN:
            continue
        if m.note in ("place", "official"):
            weak = m.entity
        else:
            best = m.entity
    if best:
        return best
    if weak and fallback:
        return weak
    if fallback and (carried := _carried_subject(ctx, sent)):
        return carried
    return ctx.main if fallback else None


def _carried_subject(ctx: _Context, sent: Span) -> str | None:
    """"Gorontalo Utara menempati posisi ke-87. Kabupaten itu pun meraih nilai 83,94": the
    subject of a sentence that names none, when it refers back ("itu", "tersebut") to the last
    one named in the sentence before."""
    head = ctx.body[sent.start : min(sent.end, sent.start + 60)]
    if not (re.search(r"\b(?:itu|tersebut|ini)\b", head, re.I)
            or re.match(r"[\"“]?(?:Nilai|Skor|Peringkat|Posisi|Urutan)(?:nya)?\b", head)):
        return None
    prev = None
    for s in ctx.sentences:
        if s.start >= sent.start:
            break
        prev = s
    if prev is None:
        return None
    named = _subjects(ctx, prev.start, prev.end)
    return named[-1].entity if named else None


def _year_before(ctx: _Context, pos: int, sent: Span) -> int:
    """The year a value is for: the last year named before it in its clause, else the round's."""
    year = ctx.year
    for m in _YEAR.finditer(ctx.body, sent.start, pos):
        if re.search(r"\b(?:1[0-9]|[2-9])\d\s*\)?\s*,\s*dan\b|;", ctx.body[m.end() : pos]):
            continue  # "dari tahun sebelumnya yang mencapai 79,91, dan menduduki peringkat 10"
        if re.search(r"[-–]\s*$", ctx.body[max(0, m.start() - 2) : m.start()]):
            continue
        if m.group("year"):
            if _in_date(ctx.body, m.start()):
                continue
            year = int(m.group("year"))
        elif "ini" in m.group("rel").lower():
            year = ctx.year
        else:
            year = ctx.year - 1
    return year


def _in_date(body: str, pos: int) -> bool:
    return bool(re.search(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*$|\d{1,2}\s+[A-Z][a-z]+\s+$", body[max(0, pos - 16) : pos]))


def _year_after(ctx: _Context, end: int, sent: Span) -> int | None:
    """"73,44 (pada tahun lalu)", "91,95 tahun ini", "nilai 80 di tahun 2021": a year right after a value."""
    m = re.match(r"\s*\(?\s*(?:pada\s+|di\s+)?(?:tahun\s+(?P<rel>lalu|sebelumnya|kemarin|ini)|(?:tahun\s+)?(?P<year>20[12]\d))\b",
                 ctx.body[end : min(sent.end, end + 30)], re.I)
    if not m:
        return None
    if m.group("year"):
        return int(m.group("year"))
    return ctx.year if m.group("rel").lower() == "ini" else ctx.year - 1


def _claim_span(ctx: _Context, start: int, end: int, sent: Span, subject_pos: int | None = None) -> Span:
    """Evidence: from the subject (when in the same sentence and near) to the value."""
    if subject_pos is not None and sent.start <= subject_pos < start and start - subject_pos <= 160:
        start = subject_pos
    return Span(start, end)


def _subject_pos(ctx: _Context, subject: str | None, pos: int, sent: Span) -> int | None:
    best = None
    for m in ctx.mentions:
        if m.entity == subject and sent.start <= m.span.start < pos:
            best = m.span.start
    return best


# --- recognisers turned into claims --------------------------------------------

def _scores(ctx: _Context) -> list[Claim]:
    out = []
    for m in SCORE.finditer(ctx.body):
        before = ctx.body[max(0, m.start() - 40) : m.start()]
        after = ctx.body[m.end() : m.end() + 20]
        if _NOT_SCORE_AFTER.match(after) or re.search(r"ke[- ]?\s*$", before, re.I):
            continue
        if re.match(r"\s*(?:[-–]|s\.?d\.?|sampai|hingga)\s*\d", after) or re.search(r"\d\s*[-–]\s*$", before) \
                or re.search(r"interval\s+(?:nilai\s+)?$|rentang\s+(?:nilai\s+)?$", before, re.I):
            continue  # a band such as "81-100" or "51,00-80,99", not a score
        if m.group("space") and not m.group("frac"):
            continue
        value = parse_score(m.group("int"), m.group("frac"))
        if value is None:
            continue
        sent = _sentence(ctx, m.start())
        cue = bool(_SCORE_CUE.search(before))
        earlier = bool(re.search(r"(?:sebelumnya|dari)\s+(?:nilai\s+|skor\s+)?$", before, re.I)
                       and re.match(r"\s*(?:\([^)]*\)\s*)?(?:naik\s+|meningkat\s+|turun\s+|menurun\s+)?menjadi\s+\d", after + ctx.body[m.end() + 20 : m.end() + 40], re.I))
        became = bool(re.search(r"\d\s+(?:naik\s+|meningkat\s+|turun\s+|menurun\s+)?menjadi\s+$", before, re.I))
        cue = cue or earlier or became
        listed = _listed_after_name(ctx, m.start(), sent)
        in_parens = before.rstrip().endswith("(") and after.lstrip().startswith(")")
        if not (cue or listed or in_parens):
            continue
        if not m.group("frac") and not cue:
            continue
        if re.fullmatch(r"20[12]\d", m.group("int")) or len(m.group("int")) == 3 and value < 100:
            continue
        subject = _subject_before(ctx, m.start(), sent, fallback=True)
        if subject is None:
            continue
        # "yang sebelumnya 97,72 menjadi 98,68": the earlier value is last year's, the new one this round's
        year = _year_after(ctx, m.end(), sent) or (
            ctx.year - 1 if earlier else ctx.year if became else _year_before(ctx, m.start(), sent))
        span = _claim_span(ctx, _cue_start(ctx.body, m.start()), m.end(), sent,
                           _subject_pos(ctx, subject, m.start(), sent))
        out.append(Claim("score", year, span, subject=subject, rule="score/cue" if cue else "score/list",
                         confidence=Decimal("0.9") if cue else Decimal("0.8"),
                         score=value.quantize(Decimal("0.01"))))
    return out


#: Fewer of these than any province has never make up a whole category, so "dari 98 kota" is national.
_NATIONAL_AT_LEAST = {"kabupaten": 100, "kota": 90, "provinsi": 30, "pemerintah provinsi": 30,
                      "pemerintah kabupaten": 100, "pemerintah kota": 90}


def _national_count(after: str, of: int) -> bool:
    """"posisi ke-26 dari 34 provinsi", "urutan 185 dari 416 kabupaten": the denominator is a national count."""
    m = _RANK_OF.match(after)
    if not m:
        return False
    noun = re.match(r"\s*(pemerintah\s+(?:provinsi|kabupaten|kota)|kabupaten|kota|provinsi)\b(?!\s*/)", after[m.end():], re.I)
    return bool(noun) and of >= _NATIONAL_AT_LEAST[re.sub(r"\s+", " ", noun.group(1).lower())]


def _cue_start(body: str, pos: int) -> int:
    m = re.search(r"(?:(?:dengan|memperoleh|meraih|mendapat(?:kan)?)\s+)?(?:nilai|skor|angka|diangka[t]?)(?:\s+\w+){0,3}\s*$", body[max(0, pos - 50) : pos], re.I)
    return pos - (len(body[max(0, pos - 50) : pos]) - m.start()) if m else pos


def _listed_after_name(ctx: _Context, pos: int, sent: Span) -> bool:
    """"Dinas Kesehatan 92,47": the number follows a name directly."""
    for m in ctx.mentions:
        if m.entity and sent.start <= m.span.end <= pos and re.fullmatch(r"[\s(:,]*", ctx.body[m.span.end : pos]):
            return True
    return False


def _ranks(ctx: _Context) -> list[Claim]:
    out = []
    for m in _RANK.finditer(ctx.body):
        n = word_number(m.group("n") or m.group("n2"))
        if not n or n > 600:
            continue
        sent = _sentence(ctx, m.start())
        before = ctx.body[sent.start : m.start()]
        if _WISH.search(before[-80:]):
            continue
        after = ctx.body[m.end() : sent.end]
        if re.match(r"\s*besar", after, re.I):
            continue
        ahead = _subject_after(ctx, m.end(), sent) if not _subject_in_clause(ctx, m.start(), sent) else None
        subject = ahead.entity if ahead else _subject_before(ctx, m.start(), sent, fallback=True)
        if subject is None:
            continue
        of = None
        end = ahead.span.end if ahead else m.end()
        if om := _RANK_OF.match(after):
            of = int(om.group("of"))
            end = m.end() + om.end()
            if n > of:
                # "peringkat 40 dari 34 provinsi": recorded, but the claim keeps the rank alone
                printed = " ".join(ctx.body[m.start() : end].split())
                ctx.findings.append(Finding(
                    "rank-exceeds-denominator",
                    f"rank {n} is greater than its printed denominator {of} ({printed!r}); the rank is kept without it",
                    Span(m.start(), end), subject))
                of = None
        clause = ctx.body[sent.start : sent.end]
        tail = ctx.body[m.end() : min(sent.end, m.end() + 120)]
        if _AWARDEES.search(tail) and of:
            scope = "nasional-penerima-penghargaan"
        elif of and _national_count(ctx.body[m.end() : sent.end], of):
            scope = "nasional-kategori"
        elif _NATIONAL.search(ctx.body[max(sent.start, m.start() - 60) : min(sent.end, m.end() + 120)]):
            scope = "nasional-kategori"
        elif _PROVINCIAL.search(clause):
            scope = "provinsi-kabkota"
        else:
            scope = "tidak-disebut"
        if scope == "nasional-penerima-penghargaan":
            end = m.end() + _AWARDEES.search(tail).end()
        year = _year_before(ctx, m.start(), sent)
        span = _claim_span(ctx, m.start(), end, sent, _subject_pos(ctx, subject, m.start(), sent))
        out.append(Claim("rank", year, span, subject=subject, rule="rank/ordinal",
                         rank=n, rank_of=of, rank_scope=scope))
    out += _listed_ranks(ctx)
    for m in _TOPN.finditer(ctx.body):
        sent = _sentence(ctx, m.start())
        before = ctx.body[sent.start : m.start()]
        if re.search(r"peringkat\s+\S+\s*$", before, re.I) or _WISH.search(before[-60:]):
            continue
        subject = _subject_before(ctx, m.start(), sent, fallback=False)
        if subject is None:
            continue
        n = word_number(m.group("n"))
        tail = ctx.body[m.end() : min(sent.end, m.end() + 30)]
        scope = "nasional-kategori" if _NATIONAL.match(tail.strip()) else "tidak-disebut"
        end = m.end() + (len(tail) - len(tail.lstrip()) + len(tail.strip().split()[0]) if scope == "nasional-kategori" else 0)
        out.append(Claim("topn", _year_before(ctx, m.start(), sent), Span(m.start(), end), subject=subject,
                         rule="rank/top-n", top_n=n, rank_scope=scope))
    return out


#: Between a rank and the name it belongs to: "Di posisi kedua, Pemkot X", "peringkat pertama diraih oleh X".
_RANK_TO_NAME = re.compile(
    r"[\s,:]*(?:(?:diraih|diisi|ditempati|diduduki|disandang|dipegang)\s+oleh\s+|(?:adalah|yaitu|yakni|ada|ialah)\s+)?",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\bdan\b|\bsedangkan\b|\bsementara\b", re.I)


def _subject_in_clause(ctx: _Context, pos: int, sent: Span) -> bool:
    """Whether a name stands between the last clause break and ``pos``."""
    start = sent.start
    for b in _CLAUSE_BREAK.finditer(ctx.body, sent.start, pos):
        start = b.end()
    return bool(_subjects(ctx, start, pos))


def _subject_after(ctx: _Context, end: int, sent: Span) -> Mention | None:
    """The name right after a value, when only a connector stands between."""
    glue = _RANK_TO_NAME.match(ctx.body, end, sent.end)
    after = _subjects(ctx, glue.end() if glue else end, sent.end)
    if after and glue and after[0].span.start == glue.end():
        return after[0]
    return None


_ORDINAL_HEAD = re.compile(
    r"(?:^|(?<=[.;,])\s+|\bdan\s+|\bkemudian\s+)(?P<ord>pertama|ke(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh))\b",
    re.I,
)
_NUMBERED = re.compile(r"^[ \t]*(?P<n>\d{1,2})[.)]\s+", re.M)
_RANKING_CUE = re.compile(r"peringkat|urutan|berurutan|posisi|ranking|\d+\s+besar|terbaik|tertinggi", re.I)


def _listed_ranks(ctx: _Context) -> list[Claim]:
    """Ranks given by a list's order: "Kedua, Kota X (83,90)." and numbered lines "1. Pemkab X (98,02)"."""
    out = []
    if not _RANKING_CUE.search(ctx.body):
        return out
    for m in _ORDINAL_HEAD.finditer(ctx.body):
        sent = _sentence(ctx, m.start("ord"))
        ahead = _subject_after(ctx, m.end(), sent)
        if ahead is None:
            continue
        n = word_number(m.group("ord"))
        out.append(Claim("rank", _year_before(ctx, m.start("ord"), sent), Span(m.start("ord"), ahead.span.end),
                         subject=ahead.entity, rule="rank/ordinal-list", rank=n, rank_scope="tidak-disebut"))
    for m in _NUMBERED.finditer(ctx.body):
        intro = ctx.body[max(0, m.start() - 300) : m.start()]
        if not re.search(r"\d+\s+besar|peringkat|terbaik|tertinggi|urutan", intro, re.I):
            continue
        sent = _sentence(ctx, m.end())
        ahead = _subject_after(ctx, m.end(), Span(m.end(), max(sent.end, m.end() + 1)))
        if ahead is None:
            continue
        n = int(m.group("n"))
        out.append(Claim("rank", _year_before(ctx, m.end(), sent), Span(m.start("n"), ahead.span.end),
                         subject=ahead.entity, rule="rank/numbered-list", rank=n,
                         rank_scope="nasional-kategori" if _NATIONAL.search(intro[-200:]) else "tidak-disebut"))
    return out


_GROUP_NOUN = (r"(?:pemerintah\s+daerah|pemda|daerah|kabupaten(?:\s*/\s*kota)?|kota|pemkab|pemkot|pemko|instansi"
               r"|polres|kantor\s+pertanahan|kantah|kementerian|lembaga|unit(?:\s+layanan)?|opd|puskesmas|lokus)")
_GROUP_COUNT = re.compile(
    rf"\b(?P<n>\d{{1,3}}|{'|'.join(w for w in CARDINALS if ' ' not in w)})(?:\s*\(\d{{1,3}}\))?\s+{_GROUP_NOUN}\b", re.I
)


def _counted_group(ctx: _Context, start: int, end: int, sent: Span, kind: str) -> list[str]:
    """"Delapan pemda lainnya meraih kategori B. ... urutan pertama adalah Kabupaten Bima ...":
    a label said of N entities counted before it goes to the next N named after it (within a
    few sentences, and only when exactly that many are named before another label of its kind)."""
    clause = ctx.body[sent.start : start]
    counts = list(_GROUP_COUNT.finditer(clause))
    if not counts or _subjects(ctx, sent.start + counts[-1].start(), start):
        return []
    n = word_number(counts[-1].group("n"))
    if not n or n > 40:
        return []
    found: list[str] = []
    window = [s for s in ctx.sentences if s.end > end][: max(4, n + 2)]
    this = _label_value(ctx, start, end, kind)
    for s in window:
        lo = max(s.start, end)
        stop = s.end
        for other in _labels(ctx, lo, s.end, kind):
            if other[2] != this:
                stop = other[0]  # another group's label: this group's list has ended
                break
        for m in _subjects(ctx, lo, stop):
            if m.entity not in found:
                found.append(m.entity)
        if len(found) >= n or stop < s.end:
            break
    return found[:n] if len(found) >= n else []


_PREDICATE_ZONE = {"tinggi": "hijau", "sedang": "kuning", "rendah": "merah"}


def _contradicting_zone(ctx: _Context, m: re.Match[str], predicate: str, sent: Span) -> re.Match[str] | None:
    """"predikat kepatuhan tinggi zona merah": a predicate next to a zone of another band."""
    for z in ZONE.finditer(ctx.body, max(sent.start, m.start() - 30), min(sent.end, m.end() + 30)):
        if z.group("zone").lower() != _PREDICATE_ZONE.get(predicate):
            return z
    return None


def _in_year_range_clause(ctx: _Context, pos: int, sent: Span) -> bool:
    """"selama kurun waktu tahun 2015-2019 bertahan di predikat rendah": about a span of years."""
    return bool(re.search(r"20[12]\d\s*[-–]\s*20[12]\d(?!.*[,;])", ctx.body[sent.start : pos]))


def _labels(ctx: _Context, start: int, end: int, kind: str) -> list[tuple[int, int, object]]:
    """(start, end, value) of the zone or opinion labels in ``body[start:end]``."""
    if kind == "zone":
        return [(m.start(), m.end(), m.group("zone").lower()) for m in ZONE.finditer(ctx.body, start, end)]
    return [(m.start(), m.end(), opinion_of(m, ctx.year)) for m in OPINION.finditer(ctx.body, start, end)]


def _label_value(ctx: _Context, start: int, end: int, kind: str) -> object:
    found = _labels(ctx, start, end, kind)
    return found[0][2] if found else None


def _zones_and_opinions(ctx: _Context) -> list[Claim]:
    out = []
    for m in ZONE.finditer(ctx.body):
        sent = _sentence(ctx, m.start())
        year = _year_before(ctx, m.start(), sent)
        if _said_of_before(ctx, m.start(), sent):
            continue
        targets = _label_targets(ctx, m.start(), m.end(), sent, "zone")
        years = [year] + ([year - 1] if _as_last_year(ctx, m.end(), sent) else [])
        for y in years:
            for subject in targets:
                out.append(Claim("zone", y, Span(m.start(), m.end()), subject=subject,
                                 rule="zone/colour", zone=m.group("zone").lower(), stated_label=m.group(0)))
    for m in OPINION.finditer(ctx.body):
        sent = _sentence(ctx, m.start())
        year = _year_before(ctx, m.start(), sent)
        mapped = opinion_of(m, year)
        if mapped is None:
            continue
        scheme, slug = mapped
        if _in_year_range_clause(ctx, m.start(), sent) or _said_of_before(ctx, m.start(), sent):
            continue
        if scheme == "predicate" and (clash := _contradicting_zone(ctx, m, slug, sent)):
            ctx.findings.append(Finding(
                "label-contradiction",
                f"{m.group(0)!r} is said together with {clash.group(0)!r}; the zone is kept, the predicate is not",
                Span(min(m.start(), clash.start()), max(m.end(), clash.end())), None))
            continue
        targets = _label_targets(ctx, m.start(), m.end(), sent, "opinion")
        stated = [(year, scheme, slug)]
        if _as_last_year(ctx, m.end(), sent) and (before := opinion_of(m, year - 1)):
            stated.append((year - 1, *before))
        for y, sc, sl in stated:
            for subject in targets:
                out.append(Claim("opinion", y, Span(m.start(), m.end()), subject=subject, rule=f"opinion/{sc}",
                                 opinion=sl, opinion_scheme=sc, stated_label=m.group(0)))
    return out


_OTHERS = re.compile(
    r"\b(?:sementara|sedangkan)\s+(?:(?:itu|daerah|pemda|kabupaten|kota)\s+)?(?:yang\s+lain(?:nya)?|sisanya|selebihnya)"
    r"\s+(?:masih\s+)?(?:masuk|berada|meraih|mendapat\w*)(?:\s+(?:dalam|di|pada|ke))?\s*$",
    re.I,
)


def _the_others(ctx: _Context, claims: list[Claim]) -> list[Claim]:
    """"Satu-satunya di Gorontalo, sementara yang lain masuk dalam zona kuning": a zone said of "the
    others" goes to every regional government the article gives a result in that year and no zone."""
    out = []
    for m in ZONE.finditer(ctx.body):
        sent = _sentence(ctx, m.start())
        if not _OTHERS.search(ctx.body, sent.start, m.start()) or _subjects(ctx, sent.start, sent.end):
            continue
        year = _year_before(ctx, m.start(), sent)
        zoned = {c.subject for c in claims if c.kind == "zone" and c.year == year}
        with_result = _unique(c.subject for c in claims if c.kind in ("score", "rank") and c.year == year
                              and c.subject and "/" not in c.subject and c.subject.split("-")[0] in ("prov", "kab", "kota"))
        for subject in with_result:
            if subject not in zoned:
                out.append(Claim("zone", year, Span(m.start(), m.end()), subject=subject, rule="zone/the-others",
                                 confidence=Decimal("0.7"), zone=m.group("zone").lower(), stated_label=m.group(0)))
    return out


def _label_targets(ctx: _Context, start: int, end: int, sent: Span, kind: str) -> list[str]:
    """Whom a zone or opinion label is about, by the first rule that names anyone."""
    heading = _heading_targets(ctx, start, end, sent)
    if heading is not None:
        return heading
    return (_blanket_targets(ctx, start, sent) or _group_targets(ctx, start, end, sent)
            or _counted_group(ctx, start, end, sent, kind))


def _said_of_before(ctx: _Context, pos: int, sent: Span) -> bool:
    """"yang sebelumnya telah meraih predikat tinggi": a label of an earlier, unnamed round."""
    before = ctx.body[max(sent.start, pos - 40) : pos]
    return bool(re.search(r"(?<!tahun\s)\bsebelumnya\b(?:\s+(?:telah|sudah|pernah|meraih|memperoleh|mendapat|masuk|berada|di|pada|dalam))*\s*$",
                          before, re.I))


def _as_last_year(ctx: _Context, end: int, sent: Span) -> bool:
    """"kategori A zona hijau sama seperti tahun lalu": the label held the year before too."""
    m = re.match(r"[^.;]{0,60}?\b(?:sama\s+)?seperti\s+(?:pada\s+)?tahun\s+(?:lalu|sebelumnya|kemarin)\b",
                 ctx.body[end : sent.end], re.I)
    return bool(m) and not re.search(r"\b(?:tidak|tak|bukan|berbeda|beda)\s+(?:sama\s+)?seperti\b", m.group(0), re.I)


#: "Dalam kategori Pemkot dengan zona hijau kualitas tertinggi, Pemkot X ...": a label said once for a
#: ranked list that goes on over the next sentences.
_HEADING = re.compile(r"[\"“]?\s*(?:Dalam|Pada|Untuk)\s+kategori\s+[^,.;]{0,80}?,", re.I)
_RANKED_LINE = re.compile(r"\b(?:posisi|peringkat|urutan|nilai|skor|score)\b|\(\d", re.I)
_HEADING_BREAK = re.compile(r"[\"“]?\s*(?:Sementara|Sedangkan|Namun|Adapun|Selain|Menurut|Sebelumnya|Mayoritas|Secara)\b", re.I)


def _heading_targets(ctx: _Context, start: int, end: int, sent: Span) -> list[str] | None:
    """Names under a heading label: those after its comma and in the sentences that follow, until a
    sentence opens with a contrast ("Sementara itu, ..."), states a label of its own, names nobody or
    starts another heading. None when the label is not in a heading."""
    h = _HEADING.match(ctx.body, sent.start, sent.end)
    if not h or not (h.start() <= start and end <= h.end()):
        return None
    heading = ctx.body[h.start() : h.end()]
    kinds = set()
    if k := _KIND_WORD.search(heading):
        kinds = {"kabupaten"} if k.group("kab") else {"kota"}
    if re.search(r"\b(?:provinsi|pemprov)\b", heading, re.I):
        kinds.add("provinsi")
    found = list(_subjects(ctx, h.end(), sent.end))
    nxt = sent
    for _ in range(6):
        nxt = _next_sentence(ctx, nxt)
        if nxt is None or _HEADING.match(ctx.body, nxt.start, nxt.end) or _HEADING_BREAK.match(ctx.body, nxt.start, nxt.end) \
                or _same_label(ctx, nxt.start, nxt.end, start, end):
            break
        names = _subjects(ctx, nxt.start, nxt.end)
        if not names or not _RANKED_LINE.search(ctx.body, nxt.start, nxt.end):
            break  # the ranked list has ended
        found += names
    return _unique(m.entity for m in found if not kinds or m.kind in kinds)


_BLANKET = re.compile(
    r"\b(?:semua|seluruh)\s+(?:pemerintah\s+)?(?P<grp>kabupaten\s*(?:/|dan)?\s*kota|kab(?:upaten)?/kota|kabupaten|kota"
    r"|pemda|pemerintah\s+daerah|daerah)\s+(?:di|se-?)\s*",
    re.I,
)


def _blanket_targets(ctx: _Context, start: int, sent: Span) -> list[str]:
    """"semua kabupaten kota di Jawa Tengah sudah masuk zona hijau": every government of that kind and
    province the article names."""
    if ctx.gazetteer is None:
        return []
    for b in _BLANKET.finditer(ctx.body, max(sent.start, start - 120), start):
        if re.search(r"\b(?:belum|tidak|tak|bukan|hampir)\s*$", ctx.body[max(sent.start, b.start() - 12) : b.start()], re.I):
            continue  # "belum semua kabupaten ...", "hampir seluruh daerah ...": not every one
        prov = next((m for m in ctx.mentions if m.span.start == b.end() and m.kind == "provinsi" and m.entity), None)
        if prov is None or not re.fullmatch(r"(?:\s+\w+){0,4}?\s+(?:masuk|berada|meraih|mendapat\w*)(?:\s+(?:dalam|di|pada|ke))?\s*",
                                            ctx.body[prov.span.end : start], re.I):
            continue
        grp = b.group("grp").lower()
        kinds = {"kabupaten", "kota"} if not re.fullmatch(r"kabupaten|kota", grp) else {grp}
        out = []
        for m in ctx.mentions:
            e = ctx.gazetteer.get(m.entity) if m.entity else None
            if e and e.kind in kinds and e.province == prov.entity and m.note not in ("place", "official"):
                out.append(e.key)
        return _unique(out)
    return []


#: What may stand between two names of one list: separators and each name's score.
_LIST_GLUE = re.compile(
    r"(?:\s*\([A-Z][\w./-]{1,14}\))?"  # "Kementerian Agraria dan Tata Ruang (ATR), serta ..."
    r"[\s,;:()]*(?:(?:dengan\s+)?(?:nilai|skor|score)(?:\s+\w+){0,2}?\s*)?"
    r"(?:\(?\d{1,3}(?:[.,]\s?\d{1,2})?\)?)?[\s,;()]*(?:\b(?:dan|serta)\b)?\s*",
    re.I,
)
#: Words that open a list after a group's label: "zona hijau yaitu A, B dan C".
_LIST_INTRO = re.compile(
    r"(?:[^.]|\.(?=\d)){0,60}?\b(?:yaitu|yakni|antara\s+lain|adalah|di\s*antaranya|meliputi|diantaranya|ialah)\b[\s:,]*"
    r"|\s*:\s*"
    r"|\s*,\s*(?:kata|ujar|ungkap|jelas|sebut|tutur)\w*\s+[^,.]{1,40},\s*",
    re.I,
)


def _subjects(ctx: _Context, start: int, end: int) -> list[Mention]:
    return [m for m in ctx.mentions
            if start <= m.span.start and m.span.end <= end and m.entity and m.entity != OMBUDSMAN
            and m.note not in ("place", "official")]


def _group_targets(ctx: _Context, start: int, end: int, sent: Span) -> list[str]:
    """Whom a zone or opinion phrase is about: a list after it, else the name (or list) before it."""
    if _generic_only(ctx, start, sent):
        return []
    intro = _LIST_INTRO.match(ctx.body, end, sent.end)
    if intro and not _subjects(ctx, end, intro.end()):
        after = _subjects(ctx, intro.end(), sent.end)
        if after and re.fullmatch(r"[\s\w,]*", ctx.body[intro.end() : after[0].span.start]) \
                and after[0].span.start - intro.end() <= 30 \
                and not _any_label(ctx, intro.end(), after[0].span.start):
            run = _glued_run(ctx, after)
            return _unique(m.entity for m in run + _continued(ctx, sent, run[-1].span.end, start, end))
    clause = sent.start
    for b in re.finditer(r"\b(?:sedangkan|sementara|namun|tetapi)\b|;", ctx.body[sent.start : start], re.I):
        clause = sent.start + b.end()
    before = _subjects(ctx, clause, start)
    if not before:
        nxt = _next_sentence(ctx, sent)
        if nxt and re.match(r"[\"“]?\s*(?:di\s*antaranya|antara\s+lain|yaitu|yakni|meliputi)\b", ctx.body[nxt.start : nxt.end], re.I):
            return _group_targets(ctx, nxt.start, nxt.start, nxt)  # the list goes on in the next sentence
    if not before and (carried := _anaphoric_subject(ctx, sent)):
        return [carried]
    if not before or _generic(ctx, start, sent):
        return []
    run = [before[-1]]
    for m in reversed(before[:-1]):
        if not _LIST_GLUE.fullmatch(ctx.body, m.span.end, run[-1].span.start):
            break
        run.append(m)
    return _unique(m.entity for m in reversed(run))


def _glued_run(ctx: _Context, names: list[Mention]) -> list[Mention]:
    """The names of one list: the first and those joined to it by commas, "dan" and scores."""
    run = [names[0]]
    for m in names[1:]:
        if not _LIST_GLUE.fullmatch(ctx.body, run[-1].span.end, m.span.start):
            break
        run.append(m)
    return run


def _any_label(ctx: _Context, start: int, end: int) -> bool:
    return start < end and bool(ZONE.search(ctx.body, start, end) or OPINION.search(ctx.body, start, end))


def _same_label(ctx: _Context, start: int, end: int, label_start: int, label_end: int) -> bool:
    """Whether ``body[start:end]`` states a zone or opinion of the kind of the label at ``label_start``."""
    kind = "zone" if ZONE.match(ctx.body, label_start, label_end) else "opinion"
    return bool(_labels(ctx, start, end, kind))


#: A sentence that goes on with the list of the one before: "Lalu, Pemkab X 80,87, Pemkot Y 79,41."
_CONTINUATION = re.compile(r"[\"“]?\s*(?:lalu|berikutnya|kemudian|selanjutnya|disusul(?:\s+oleh)?)\s*,?\s*(?:ada\s+)?", re.I)


def _list_ends_sentence(ctx: _Context, last_end: int, sent: Span) -> bool:
    stop = sent.end - 1 if ctx.body[sent.end - 1] in ".!?" else sent.end
    return last_end >= stop or bool(_LIST_GLUE.fullmatch(ctx.body, last_end, stop))


def _continued(ctx: _Context, sent: Span, last_end: int, label_start: int, label_end: int) -> list[Mention]:
    """A label that opened a list running to the end of its sentence also covers the next sentences
    that only continue the list ("... nilai B yaitu A 85,35, B 84,16. Lalu, C 80,87, D 80,71.")."""
    out: list[Mention] = []
    while _list_ends_sentence(ctx, last_end, sent):
        nxt = _next_sentence(ctx, sent)
        if nxt is None:
            break
        head = _CONTINUATION.match(ctx.body, nxt.start, nxt.end)
        if head is None or head.end() == nxt.start or _same_label(ctx, nxt.start, nxt.end, label_start, label_end):
            break
        names = _subjects(ctx, head.end(), nxt.end)
        if not names or names[0].span.start != head.end():
            break
        run = _glued_run(ctx, names)
        if not _list_ends_sentence(ctx, run[-1].span.end, nxt):
            break  # "Kemudian, Pemkab X menyerahkan ...": a new statement, not the list going on
        out += run
        sent, last_end = nxt, run[-1].span.end
    return out


_ANAPHOR = re.compile(
    r"[\"“]?\s*(?:Kabupaten|Kota|Provinsi|Pemkab|Pemkot|Pemko|Pemprov|Pemda|Daerah|Instansi|Kementerian|Lembaga"
    r"|Polres|Dinas|Kantor|Puskesmas)\b[^,.;]{0,30}?\b(?:itu|tersebut)\b",
)


def _anaphoric_subject(ctx: _Context, sent: Span) -> str | None:
    """"Kabupaten paling bungsu itu pun meraih ... zona hijau": a sentence whose subject refers back
    to the one named last in the sentence before."""
    if not _ANAPHOR.match(ctx.body, sent.start, sent.end):
        return None
    return _carried_subject(ctx, sent)


def _next_sentence(ctx: _Context, sent: Span) -> Span | None:
    for s in ctx.sentences:
        if s.start >= sent.end:
            return s
    return None


def _unique(keys) -> list[str]:
    out: list[str] = []
    for k in keys:
        if k and k not in out:
            out.append(k)
    return out


def _generic_only(ctx: _Context, pos: int, sent: Span) -> bool:
    """"jumlah instansi yang masuk zona hijau": a count, about nobody in particular."""
    return bool(re.search(r"\bjumlah\s+\w+\s+yang\s+(?:masuk|berada)[^.,]{0,20}$", ctx.body[max(sent.start, pos - 60) : pos], re.I))


def _generic(ctx: _Context, pos: int, sent: Span) -> bool:
    """A statement about a group ("yang masuk zona hijau") rather than the subject."""
    before = ctx.body[max(sent.start, pos - 60) : pos]
    return bool(re.search(r"\b(?:jumlah|seluruh|semua|para)\b[^.]*\byang\s+(?:masuk|meraih|memperoleh)", before, re.I))


def _coverage(ctx: _Context) -> list[Claim]:
    out = []
    for s in ctx.sentences:
        text = ctx.body[s.start : s.end]
        hits = list(COVERAGE.finditer(text))
        if len(hits) < 2 or not re.search(r"menilai|dinilai|penilaian|terhadap|diikuti|peserta", text, re.I):
            continue
        for m in hits:
            cat = category_of(re.sub(r"\s+", " ", m.group("cat")))
            out.append(Claim("coverage", ctx.year, Span(s.start + m.start(), s.start + m.end()), rule="coverage/list",
                             category=cat, count=int(m.group("n"))))
    return out


def _dimensions(ctx: _Context) -> list[Claim]:
    out = []
    for s in ctx.sentences:
        text = ctx.body[s.start : s.end]
        if not re.search(r"dimensi|variabel|dinilai|penilaian|aspek|indikator", text, re.I):
            continue
        hits = list(DIMENSION.finditer(text))
        slugs = {dimension_of(h) for h in hits}
        if len(slugs) < 3:
            continue
        seen = set()
        for h in hits:
            slug = dimension_of(h)
            if slug in seen:
                continue
            seen.add(slug)
            out.append(Claim("dimension", ctx.year, Span(s.start + h.start(), s.start + h.end()),
                             rule="dimension/list", dimension=slug, stated_label=h.group(0)))
    return out


# --- people and the award hand-over ----------------------------------------------

def _people(roles: list[RoleMention], gazetteer: Gazetteer, words: Words | None = None) -> dict[str, Person]:
    """One person per name; later spellings of the same person become variants.

    Variants are looked for in the whole article, not only next to a role:
    "tutup Jhaka andika Pjs kepala perwakilan" names the "Jaka Andhika" of a
    hand-over sentence elsewhere.
    """
    people: dict[str, Person] = {}
    for r in roles:
        if not r.name:
            continue
        key = person_key(r.name)
        match = next((p for p in people.values() if _same_person(p.name, r.name)), None)
        if match and match.key != key:
            if r.name not in match.variants:
                people[match.key] = Person(match.key, match.name, match.role, match.office, match.variants + (r.name,))
            continue
        office = None
        if r.role in ("kepala-perwakilan", "pjs-kepala-perwakilan") and r.place:
            prov = gazetteer.resolve(f"Provinsi {r.place.removeprefix('Provinsi ')}", "provinsi")
            office = f"ombudsman-ri/perwakilan/{prov.removeprefix('prov-') if prov else _slug(r.place)}"
        elif r.role in ("ketua", "wakil-ketua", "anggota"):
            office = "ombudsman-ri"
        if key not in people:
            people[key] = Person(key, r.name, r.role, office)
    names = {p.name for p in people.values()}
    for key, p in list(people.items()):
        if words is None:
            break
        extra = []
        for v in name_variants(words, p.name, names - {p.name}):
            spelled = " ".join(v.surface.split())
            if spelled not in p.variants and spelled not in extra and spelled != p.name:
                extra.append(spelled)
        if extra:
            people[key] = Person(p.key, p.name, p.role, p.office, p.variants + tuple(extra))
    return people


def _first(body: str, words: str) -> Span | None:
    """The first place ``words`` are printed (any blanks, a line break, between them)."""
    m = re.search(r"(?<![\w])" + r"\s+".join(re.escape(w) for w in words.split()) + r"(?![\w])", body)
    return Span(m.start(), m.end()) if m else None


def _name_findings(body: str, people: dict[str, Person]) -> list[Finding]:
    """A person spelled two ways, wherever in the article the other spelling stands."""
    out = []
    for p in people.values():
        for v in p.variants:
            if span := _first(body, v):
                out.append(Finding("name-variant", f"{p.name!r} is also spelled {v!r}", span, p.key))
    return out


def _body_findings(body: str) -> list[Finding]:
    """The awarding body's own name misprinted ("Ombusdman")."""
    return [Finding("body-name-variant", f"'Ombudsman' is misspelled {v.surface!r}", Span(v.start, v.end), OMBUDSMAN)
            for v in body_variants(body)]


_VARIANT_PREFIXES = {"provinsi": ("Provinsi", "Pemprov"), "kabupaten": ("Kabupaten", "Pemkab"),
                     "kota": ("Kota", "Pemkot", "Pemko")}


def _place_variants(words: Words, mentions: list[Mention], gazetteer: Gazetteer) -> tuple[list[Mention], list[Finding]]:
    """"Kotta Jambi" in an article that names "Kota Jambi": a finding, and a mention of Kota Jambi."""
    named: list[str] = []
    for m in mentions:
        if m.entity and m.kind in _VARIANT_PREFIXES and m.note in (None, "bare", "listed") and m.entity not in named:
            named.append(m.entity)
    if not named:
        return mentions, []
    taken = [(m.span.start, m.span.end) for m in mentions if m.entity]
    findings: list[Finding] = []
    added: list[Mention] = []
    for key in named:
        e = gazetteer.get(key)
        if e is None or not e.short_name:
            continue
        spelled: set[str] = set()
        for prefix in _VARIANT_PREFIXES[e.kind]:
            for v in prefixed_variants(words, prefix, e.short_name, taken):
                flat = " ".join(v.surface.split())
                if any(x.entity and x.entity != key and x.span.start == 0 and x.span.end == len(v.surface)
                       for x in gazetteer.find_mentions(v.surface)):
                    continue  # the name of another place, correctly spelled
                added.append(Mention(Span(v.start, v.end), v.surface, key, e.kind, None))
                if flat not in spelled:
                    spelled.add(flat)
                    findings.append(Finding("place-variant", f"'{prefix} {e.short_name}' is also spelled {flat!r}",
                                            Span(v.start, v.end), key))
    if not added:
        return mentions, []
    kept = [m for m in mentions if not any(a.span.start < m.span.end and m.span.start < a.span.end for a in added)]
    return kept + added, findings


def _slug(text: str) -> str:
    from kg_builder.iri import slugify

    return slugify(text)


def _same_person(a: str, b: str) -> bool:
    """"Saiful Roswandi" / "Saiful Ruswandi": same words but for one letter."""
    wa, wb = a.lower().split(), b.lower().split()
    if len(wa) != len(wb) or wa == wb:
        return wa == wb
    diffs = sum(1 for x, y in zip(wa, wb) if x != y)
    if diffs != 1:
        return False
    x, y = next((x, y) for x, y in zip(wa, wb) if x != y)
    return len(x) == len(y) and sum(1 for c, d in zip(x, y) if c != d) == 1


_PRESENTER_ROLES = ("ketua", "wakil-ketua", "anggota", "kepala-perwakilan", "pjs-kepala-perwakilan", "gubernur")


def _award(ctx: _Context, roles: list[RoleMention], people: dict[str, Person]) -> tuple[Claim | None, list[Finding]]:
    """The hand-over: who gave the award to whom, when and where."""
    findings: list[Finding] = []
    if ctx.main is None:
        return None, findings
    dated = dates_mod.find_dates(ctx.body, ctx.year + 0)
    handover_dates = []
    for d in dated:
        sent = _sentence(ctx, d.start)
        if _HANDOVER.search(ctx.body[sent.start : sent.end]) or re.search(r"penghargaan|penganugerahan|acara", ctx.body[sent.start : sent.end], re.I):
            handover_dates.append(d)
    presenter_role = None
    presenter = recipient = None
    body_office = None
    for sent in ctx.sentences:
        text = ctx.body[sent.start : sent.end]
        if not _HANDOVER.search(text):
            continue
        in_sent = [r for r in roles if sent.start <= r.start < sent.end and r.name]
        givers = [r for r in in_sent if r.role in _PRESENTER_ROLES]
        if givers and presenter is None:
            giver = _giver(text, sent.start, givers)
            presenter, presenter_role = person_key(giver.name), giver.role
            others = [r for r in in_sent if r is not giver and r.role not in ("ketua", "anggota", "wakil-ketua", "kepala-perwakilan", "pjs-kepala-perwakilan")]
            if others:
                recipient = person_key(others[0].name)
        if presenter:
            break
    if recipient is None:
        recipient = _recipient(ctx, roles)
    for p in people.values():
        if p.key == presenter and p.office:
            body_office = p.office
    if presenter and presenter_role == "gubernur":
        office_people = [p for p in people.values() if p.office and "perwakilan" in p.office]
        body_office = office_people[0].office if office_people else None
    if not (presenter or handover_dates):
        return None, findings
    when = handover_dates[0] if handover_dates else None
    start = when.start if when else min(r.start for r in roles if r.name and person_key(r.name) == presenter)
    end = when.end if when else max(r.end for r in roles if r.name and person_key(r.name) == presenter)
    place = _event_place(ctx, _sentence(ctx, start), start)
    if place and start - place[0].end <= 120:
        start = min(start, place[0].start)  # the evidence then states where as well as when
    span = Span(start, end)
    claim = Claim(
        "award", ctx.year, span, subject=ctx.main, rule="award/handover",
        presenter=presenter, presenter_role=presenter_role, recipient=recipient,
        awarding_body=body_office or "ombudsman-ri", event_place=place[1] if place else None,
        event_date=when.date.isoformat() if when and when.date else None,
        event_date_text=when.text if when else None,
        stated_weekday=when.stated_weekday if when else None,
        computed_weekday=when.computed_weekday if when else None,
        date_issue=when.issue if when and when.issue != "year-from-context" else None,
    )
    if when and when.issue == "invalid-calendar-date":
        findings.append(Finding("invalid-calendar-date", f"the printed date {when.text!r} does not exist",
                                Span(when.start, when.end), ctx.main))
    elif when and when.issue == "weekday-mismatch":
        findings.append(Finding("weekday-mismatch",
                                f"{when.text!r}: the date is a {when.computed_weekday}, not a {when.stated_weekday}",
                                Span(when.start, when.end), ctx.main))
    return claim, findings


_OMBUDSMAN_ROLES = ("ketua", "anggota", "wakil-ketua", "kepala-perwakilan", "pjs-kepala-perwakilan")


def _recipient(ctx: _Context, roles: list[RoleMention]) -> str | None:
    """"diberikan Ombudsman kepada Bupati Jember Hendy Siswanto", "diterima langsung oleh Bupati X":
    the official named right after "kepada" / "diterima oleh" in a hand-over sentence."""
    for r in roles:
        if not r.name or r.role in _OMBUDSMAN_ROLES:
            continue
        sent = _sentence(ctx, r.start)
        if not _HANDOVER.search(ctx.body[sent.start : sent.end]):
            continue
        before = ctx.body[max(sent.start, r.start - 40) : r.start]
        if re.search(r"(?:\bkepada|\bditerima\s+(?:\w+\s+){0,2}?oleh)\s*$", before, re.I):
            return person_key(r.name)
    return None


#: Words that open the name of a venue ("di Hotel ...", "di auditorium Rumah Dinas ...").
_VENUE = (r"hotel|gedung|auditorium|aula|ballroom|ruang(?:an)?|balai|kantor|rumah\s+dinas|rumah\s+jabatan|rumdin"
          r"|pendopo|pendapa|graha|wisma|istana|kompleks|hall|gelanggang|lapangan|taman")
_PLACE_WORD = re.compile(rf"\s*(?:(?P<venue>(?i:{_VENUE}))\b|(?P<cap>[A-Z][\w'’.-]*)|(?P<abbr>\([A-Za-z. ]{{1,20}}\)))")
_NOT_PLACE = {*dates_mod.WEEKDAYS, "Jum'at", "Ahad", *(m.capitalize() for m in dates_mod.MONTHS)}


def _place_at(body: str, pos: int, limit: int) -> tuple[int, str] | None:
    """The venue that starts at ``pos`` (after "di "), with a city after a comma: (end, name)."""
    end, words = pos, []
    while (m := _PLACE_WORD.match(body, end, limit)) is not None:
        word = m.group("venue") or m.group("cap") or m.group("abbr")
        if not words and not (m.group("venue") or m.group("cap")):
            break
        if m.group("cap") and word.rstrip(".,") in _NOT_PLACE:
            break
        if m.group("cap") and word.endswith(".") and len(word) > 3:
            words.append(word.rstrip("."))
            end = m.end() - 1
            break
        words.append(word)
        end = m.end()
    if not words:
        return None
    city = re.match(r",\s*(?P<city>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?=\s*(?:,|\.|$|\bpada\b))", body[end:limit])
    if city and city.group("city").split()[0] not in _NOT_PLACE and words[0].lower() != city.group("city").lower():
        words += [",", city.group("city")]
        end += city.end()
    return end, " ".join(words).replace(" ,", ",")


def _event_place(ctx: _Context, sent: Span, anchor: int) -> tuple[Span, str] | None:
    """Where the hand-over happened: the venue after "di" in the sentence of its date, nearest before the date."""
    found = []
    for m in re.finditer(r"(?<![\w-])di\s+", ctx.body[sent.start : sent.end]):
        pos = sent.start + m.end()
        got = _place_at(ctx.body, pos, sent.end)
        if got is None:
            continue
        end, name = got
        first = name.split()[0]
        if not re.match(rf"(?i:{_VENUE})$", first) and len(name.split()) == 1 and first in _NOT_PLACE:
            continue
        found.append((Span(sent.start + m.start(), end), name))
    if not found:
        return None
    before = [f for f in found if f[0].end <= anchor]
    return before[-1] if before else found[0]


def _giver(text: str, offset: int, givers: list[RoleMention]) -> RoleMention:
    """Prefer the official named right after "oleh" / "diserahkan"."""
    for g in givers:
        before = text[max(0, g.start - offset - 40) : g.start - offset]
        if re.search(r"(?:oleh|diserahkan|menyerahkan)\s*(?:\w+\s*){0,2}$", before, re.I):
            return g
    return givers[0]


# --- clean-up ---------------------------------------------------------------------

def _dedupe(claims: list[Claim]) -> list[Claim]:
    """Drop exact repeats (same kind, subject, year, values and span)."""
    seen = set()
    out = []
    for c in claims:
        key = (c.kind, c.subject, c.year, c.evidence, tuple(sorted(c.values().items())))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out



