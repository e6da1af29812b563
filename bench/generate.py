"""Generate a synthetic national-scale corpus with gold annotations known by construction.

Articles are written from templates in the phrasing of Indonesian regional news
(provincial rankings, single results with last year's value, zone lists with
bare names, unit scores, national top-3 lists, ministries, and articles with no
result at all), with page furniture around them. Every entity comes from the
gazetteer: all 552 regional governments and the ministries and agencies, over
the rounds 2015-2025 (no 2020). Each ``NNNNNN.txt`` gets a ``NNNNNN.json`` gold
file in the ``kg eval`` format. Same ``--seed``, same corpus.

    python bench/generate.py --size 10000 --seed 7 --out /tmp/corpus-10k

Writes only under ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from kg_builder.config import settings
from kg_builder.link import Gazetteer
from kg_builder.model import Entity

YEARS = [y for y in range(2015, 2026) if y != 2020]
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
OUTLETS = ["Warta Nusantara", "Kabar Daerah", "Suara Publik", "Lintas Kota", "Harian Pelayanan", "Berita Rakyat"]
UNITS = ["Dinas Sosial", "Dinas Kesehatan", "Dinas Pendidikan", "Dinas Kependudukan dan Pencatatan Sipil", "DPMPTSP"]
PUSKESMAS = ["Sukamaju", "Mekarsari", "Tanjung Harapan", "Sidomulyo", "Karya Bakti", "Suka Damai", "Bangun Jaya"]
TICKERS = ["Harga cabai naik jelang akhir tahun", "Banjir rendam dua desa", "Jalan provinsi mulai diperbaiki",
           "Festival budaya digelar pekan depan", "Stok beras dinyatakan aman"]


@dataclass
class Fact:
    entity: Entity
    year: int
    score: float | None = None
    rank: int | None = None
    zone: str | None = None

    def gold(self) -> dict:
        kind = self.entity.kind
        parent = None
        if kind == "unit":
            parent = self.entity.parent
        return {
            "entity": self.entity.name, "entity_kind": kind, "parent": parent, "region": self.entity.short_name,
            "assessment_year": self.year, "score": self.score, "rank": self.rank, "rank_scope": None,
            "rank_of": None, "zone": self.zone, "opinion": None, "awarded_by": [], "event_date": None,
            "dimensions": [], "evidence": [],
        }


def zone_of(score: float, year: int) -> str | None:
    if year >= 2025:
        return None
    if year >= 2022:
        return "hijau" if score >= 78 else "kuning" if score >= 54 else "merah"
    return "hijau" if score >= 81 else "kuning" if score >= 51 else "merah"


def fmt(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


class Writer:
    """Templates; each returns (text, facts).

    Each (entity, year) has one true score, drawn from the seed: articles may
    report different subsets, but never disagree, as in the real record.
    """

    def __init__(self, rng: random.Random, gaz: Gazetteer, seed: int) -> None:
        self.rng = rng
        self.gaz = gaz
        self.seed = seed
        self.provinces = gaz.regions("provinsi")
        self.local: dict[str, list[Entity]] = {}
        for e in gaz.regions("kabupaten") + gaz.regions("kota"):
            self.local.setdefault(e.province or "", []).append(e)
        self.bodies = [e for e in gaz.entities.values()
                       if e.kind in ("kementerian", "lembaga") and e.key != "lembaga-ombudsman-republik-indonesia"
                       and "/" not in e.name]
        names = gaz._local_names  # bare names and the entities bearing them
        self.listable = {e.key for e in gaz.regions("kabupaten") if len(names.get(e.short_name.lower(), [])) == 1}

    def score(self, lo: float = 40, hi: float = 99.5) -> float:
        return round(self.rng.uniform(lo, hi), 2)

    def truth(self, e: Entity, year: int) -> float:
        return round(random.Random(f"{self.seed}:{e.key}:{year}").uniform(35, 99.5), 2)

    def date(self, year: int) -> str:
        d = dt.date(year, 12, 1) + dt.timedelta(days=self.rng.randrange(0, 60))
        return f"{WEEKDAYS[d.weekday()]} ({d.day}/{d.month}/{d.year})"

    def prefix(self, e: Entity) -> str:
        return {"kabupaten": "Pemkab", "kota": "Pemkot", "provinsi": "Pemprov"}[e.kind] + " " + (e.short_name or "")

    def furniture(self, body: str, place: str) -> str:
        r = self.rng
        ticker = "\n".join(f"- {t}" for t in r.sample(TICKERS, 2))
        outlet = r.choice(OUTLETS)
        return (f"{ticker}\n{place.upper()}, {outlet} - {body}\n\nBaca juga: {r.choice(TICKERS)}\n"
                f"Editor: {r.choice(['Sari', 'Budi', 'Rina', 'Agus'])}\n")

    def ranking(self, year: int) -> tuple[str, list[Fact]]:
        prov = self.rng.choice(self.provinces)
        members = self.rng.sample(self.local[prov.key], min(len(self.local[prov.key]), self.rng.randint(3, 6)))
        members = sorted(members, key=lambda e: -self.truth(e, year))
        scores = [self.truth(e, year) for e in members]
        lines = [f"Ombudsman RI Perwakilan Provinsi {prov.short_name} menyerahkan hasil penilaian kepatuhan "
                 f"pelayanan publik tahun {year} kepada pemerintah daerah se-{prov.short_name}, {self.date(year)}."]
        parts, facts = [], []
        for i, (e, s) in enumerate(zip(members, scores), start=1):
            parts.append(f"Peringkat {i}, {self.prefix(e)} dengan nilai {fmt(s)}.")
            facts.append(Fact(e, year, s, i))
        lines.append("Rinciannya antara lain, " + parts[0][0].lower() + parts[0][1:] + " " + " ".join(parts[1:]))
        return "\n".join(lines), facts

    def single(self, year: int) -> tuple[str, list[Fact]]:
        prov = self.rng.choice(self.provinces)
        e = self.rng.choice(self.local[prov.key])
        s = self.truth(e, year)
        z = zone_of(s, year)
        text = (f"{e.name} meraih nilai {fmt(s)} dalam Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik "
                f"tahun {year} yang diumumkan Ombudsman RI.")
        facts = [Fact(e, year, s, zone=z)]
        if z:
            text += f" Dengan capaian itu {self.prefix(e)} berada di zona {z}."
        if year - 1 in YEARS:
            p = self.truth(e, year - 1)
            text += f" Hasilnya, dari nilai {fmt(p)} (pada tahun lalu) menjadi {fmt(s)} tahun ini."
            facts.append(Fact(e, year - 1, p))
        return text, facts

    def zone_list(self, year: int) -> tuple[str, list[Fact]]:
        year = min(year, 2024)
        by_zone: dict[tuple[str, str], list[Entity]] = {}
        for p in self.provinces:
            for e in self.local[p.key]:
                if e.key in self.listable:
                    by_zone.setdefault((p.key, zone_of(self.truth(e, year), year) or ""), []).append(e)
        (prov_key, zone), pool = self.rng.choice(sorted((k, v) for k, v in by_zone.items() if len(v) >= 3))
        prov = self.gaz.get(prov_key)
        members = self.rng.sample(pool, 3)
        scores = [self.truth(e, year) for e in members]
        items = [f"Kabupaten {members[0].short_name} ({fmt(scores[0])})",
                 f"{members[1].short_name} ({fmt(scores[1])})", f"{members[2].short_name} ({fmt(scores[2])})"]
        text = (f"Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun {year}. Sebanyak tiga kabupaten di "
                f"Provinsi {prov.short_name} berada di zona {zone}, antara lain {items[0]}, {items[1]} dan {items[2]}.")
        return text, [Fact(e, year, s, zone=zone) for e, s in zip(members, scores)]

    def units(self, year: int) -> tuple[str, list[Fact]]:
        prov = self.rng.choice(self.provinces)
        e = self.rng.choice(self.local[prov.key])
        names = self.rng.sample(UNITS, 2) + [f"Puskesmas {self.rng.choice(PUSKESMAS)}"]
        mean = self.truth(e, year)
        a, b = (round(min(100.0, max(0.0, mean + self.rng.uniform(-2, 2))), 2) for _ in range(2))
        c = round(3 * mean - a - b, 2)
        if not 0 <= c <= 100:
            a = b = c = mean
        scores = [a, b, c]
        text = (f"{e.name} memperoleh nilai {fmt(mean)} dalam penilaian kepatuhan Ombudsman RI tahun {year}. "
                f"Nilai itu berasal dari unit layanan yang dinilai, yaitu {names[0]} dengan nilai {fmt(scores[0])}. "
                f"Kemudian, {names[1]} dengan nilai {fmt(scores[1])}, dan {names[2]} {fmt(scores[2])}.")
        facts = [Fact(e, year, mean)]
        for n, s in zip(names, scores):
            unit = Entity(key=f"{e.key}/unit/x", kind="unit", name=n, parent=e.name)
            facts.append(Fact(unit, year, s))
        return text, facts

    def top3(self, year: int) -> tuple[str, list[Fact]]:
        kind = self.rng.choice(["kabupaten", "kota"])
        pool = self.gaz.regions(kind)
        members = sorted(self.rng.sample(pool, 3), key=lambda e: -self.truth(e, year))
        scores = [self.truth(e, year) for e in members]
        word = {"kabupaten": "Pemerintah Kabupaten (Pemkab)", "kota": "Pemerintah Kota (Pemkot)"}[kind]
        lines = [f"Ombudsman RI mengumumkan hasil penilaian kepatuhan tahun {year}.",
                 f"Adapun 3 besar {word} dengan nilai tertinggi secara nasional, yaitu:"]
        for i, (e, s) in enumerate(zip(members, scores), start=1):
            prov = self.gaz.get(e.province or "")
            lines.append(f"{i}. {self.prefix(e)}, {prov.short_name if prov else ''} ({fmt(s)}).")
        return "\n".join(lines), [Fact(e, year, s, i) for i, (e, s) in enumerate(zip(members, scores), start=1)]

    def ministry(self, year: int) -> tuple[str, list[Fact]]:
        e = self.rng.choice(self.bodies)
        s, r = self.truth(e, year), self.rng.randint(1, 25)
        text = (f"Pada penilaian kepatuhan pelayanan publik Ombudsman RI tahun {year}, {e.name} meraih nilai "
                f"{fmt(s)} dan menduduki peringkat {r} di antara instansi pusat lainnya.")
        return text, [Fact(e, year, s, r)]

    def negative(self, year: int) -> tuple[str, list[Fact]]:
        prov = self.rng.choice(self.provinces)
        n = self.rng.randint(50, 400)
        return (f"Ombudsman RI Perwakilan Provinsi {prov.short_name} menerima {n} laporan masyarakat sepanjang "
                f"tahun {year}. Sebagian besar laporan menyangkut layanan pertanahan dan kepegawaian."), []


TEMPLATES = [("ranking", 3), ("single", 3), ("zone_list", 2), ("units", 2), ("top3", 1), ("ministry", 2), ("negative", 1)]


def generate(size: int, seed: int, out: Path) -> dict[str, int]:
    rng = random.Random(seed)
    gaz = Gazetteer.load(settings().reference_dir)
    writer = Writer(rng, gaz, seed)
    names = [n for n, w in TEMPLATES for _ in range(w)]
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for i in range(size):
        kind = rng.choice(names)
        year = rng.choice(YEARS)
        body, facts = getattr(writer, kind)(year)
        text = writer.furniture(body, rng.choice(["Jakarta", "Medan", "Makassar", "Surabaya", "Kupang"]))
        stem = f"{i:06d}"
        (out / f"{stem}.txt").write_text(text, encoding="utf-8")
        gold = {"id": stem, "template": kind, "facts": [f.gold() for f in facts]}
        (out / f"{stem}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    counts = generate(args.size, args.seed, args.out)
    print(f"{args.size} articles in {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
