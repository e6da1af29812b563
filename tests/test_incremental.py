"""Incremental builds give exactly the graph, store and report of a clean build (issues 5 and 8).

Each step changes the corpus the way a user would (a new article, an edited
one, a removed one, a duplicate, a sidecar, a broken file, a touch), builds
incrementally into the same output directory, then builds the same corpus
clean into another and compares: the dump line for line, the store quad for
quad, the validation issues and the build report. The articles written for
these tests are in ``fixtures/articles/`` and below.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, CORPUS, PREFIXES, ROOT

from kg_builder.build import BuildResult, build
from kg_builder.config import settings
from kg_builder.manifest import MANIFEST
from kg_builder.store import open_store

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SLEMAN = f"<{BASE}id/assessment/2023/kab-sleman>"
TIMES = ("prov#startedAtTime", "prov#endedAtTime")

# written for this test, in the style of the regional news
KULON_PROGO = """WATES, Kabar Selatan - Pemerintah Kabupaten Kulon Progo meraih zona hijau dalam Penilaian Kepatuhan \
Penyelenggaraan Pelayanan Publik tahun 2023 dari Ombudsman RI.

Pemkab Kulon Progo memperoleh nilai 99,50 dan menempati peringkat pertama di Daerah Istimewa Yogyakarta.
"""


def dump_lines(out: Path) -> list[str]:
    return [line for line in (out / "kg.nq").read_text(encoding="utf-8").splitlines()
            if not any(t in line for t in TIMES)]


def store_quads(out: Path) -> set[str]:
    """The store's quads, blank node labels (local to one load) blanked, the run's times left out."""
    st = open_store(out)
    return {re.sub(r"_:[0-9A-Za-z]+", "_:b", str(q)) for q in st if not any(t in q.predicate.value for t in TIMES)}


def issues(out: Path) -> set[tuple]:
    data = json.loads((out / "report" / "validation.json").read_text(encoding="utf-8"))
    return {(i["severity"], i["focus"], i["path"], i["message"], i["article"], i["quote"]) for i in data}


def report(out: Path) -> dict:
    data = json.loads((out / "report" / "build.json").read_text(encoding="utf-8"))
    keys = ("articles", "claims", "triples", "unlinked_mentions", "warnings", "ingest_errors", "conforms", "findings")
    return {k: data.get(k) for k in keys}


class Corpus:
    """A corpus directory that a test edits, with one output directory built incrementally."""

    def __init__(self, tmp: Path, curation: Path | None = None, shapes: Path | None = None) -> None:
        self.tmp = tmp
        self.dir = tmp / "corpus"
        shutil.copytree(CORPUS, self.dir)
        self.out = tmp / "out"
        self.extra = {"curation_dir": curation or tmp / "no-curation"}
        if shapes is not None:
            self.extra["shapes_dir"] = shapes
        self.clean_builds = 0

    def build(self, **kw: object) -> BuildResult:
        return build(settings(corpus_dir=self.dir, out_dir=self.out, **self.extra), **kw)  # type: ignore[arg-type]

    def assert_same_as_clean(self) -> None:
        self.clean_builds += 1
        clean = self.tmp / f"clean-{self.clean_builds}"
        result = build(settings(corpus_dir=self.dir, out_dir=clean, **self.extra), full=True)  # type: ignore[arg-type]
        assert result.conforms and not result.incremental
        assert dump_lines(self.out) == dump_lines(clean)
        assert store_quads(self.out) == store_quads(clean)
        assert issues(self.out) == issues(clean)
        assert report(self.out) == report(clean)


def scores(out: Path) -> list[tuple[str, str | None, str]]:
    st = open_store(out)
    res = st.query(PREFIXES + f"""SELECT ?v ?status WHERE {{
        {SLEMAN} okg:consolidationStatus ?status . OPTIONAL {{ {SLEMAN} okg:score ?v }} }}""",
                   use_default_graph_as_union=True)
    return [(s["status"].value.rsplit("/", 1)[1], s["v"].value if s["v"] else None) for s in res]


def test_every_kind_of_change_gives_the_clean_build(tmp_path):
    c = Corpus(tmp_path)
    first = c.build()
    assert first.conforms and not first.incremental and first.extracted == 5

    # a new article
    shutil.copy(ARTICLES / "sleman-a.txt", c.dir / "sleman-a.txt")
    r = c.build()
    assert r.conforms and r.incremental and (r.extracted, r.cached) == (1, 5)
    assert scores(c.out) == [("single-source", "91.2")]
    c.assert_same_as_clean()

    # a second article that disagrees: the result loses its value, the conflict shows
    shutil.copy(ARTICLES / "sleman-b.txt", c.dir / "sleman-b.txt")
    r = c.build()
    assert r.incremental and r.extracted == 1, r.reason
    assert scores(c.out) == [("conflicting", None)]
    c.assert_same_as_clean()

    # an edited article (the seed with Kota Blitar's score)
    blitar = next(p for p in sorted(c.dir.glob("*.txt")) if "98,19" in p.read_text(encoding="utf-8"))
    blitar.write_text(blitar.read_text(encoding="utf-8").replace("98,19", "97,19"), encoding="utf-8")
    r = c.build()
    assert r.incremental and r.extracted == 1, r.reason
    assert any('"97.19"' in line for line in dump_lines(c.out))
    assert not any('"98.19"' in line for line in dump_lines(c.out))
    c.assert_same_as_clean()

    # a removed article: the conflict goes with it
    (c.dir / "sleman-b.txt").unlink()
    r = c.build()
    assert r.incremental and r.extracted == 0, r.reason
    assert scores(c.out) == [("single-source", "91.2")]
    c.assert_same_as_clean()

    # the same text under a second name, and a sidecar with metadata
    shutil.copy(c.dir / "sleman-a.txt", c.dir / "sleman-a2.txt")
    (c.dir / "sleman-a.meta.yaml").write_text("publisher: Warta Mataram\nurl: https://example.org/sleman\n",
                                             encoding="utf-8")
    r = c.build()
    assert r.incremental and r.articles == 6, r.reason
    assert any("sleman-a2.txt" in line and "sourceFile" in line for line in dump_lines(c.out))
    assert any("https://example.org/sleman" in line for line in dump_lines(c.out))
    c.assert_same_as_clean()

    # a broken file is reported by name and the rest still builds
    (c.dir / "broken.txt").write_bytes(b"\x00\x01binary\x00")
    r = c.build()
    assert r.conforms and r.incremental and any("broken.txt" in e.path for e in r.ingest_errors)
    c.assert_same_as_clean()
    (c.dir / "broken.txt").unlink()

    # a touched file (new mtime, same text): nothing but the run's times changes
    before = dump_lines(c.out)
    os.utime(blitar, ns=(blitar.stat().st_atime_ns, blitar.stat().st_mtime_ns + 10**9))
    r = c.build()
    assert r.incremental and r.extracted == 0 and not r.ingest_errors, r.reason
    assert dump_lines(c.out) == before
    c.assert_same_as_clean()


def test_a_new_unit_and_a_new_outlet_are_added_and_removed_with_their_articles(tmp_path):
    c = Corpus(tmp_path)
    c.build()
    before = store_quads(c.out)
    shutil.copy(ARTICLES / "bantul-units.txt", c.dir / "bantul-units.txt")
    r = c.build()
    assert r.incremental, r.reason
    added = store_quads(c.out) - before
    assert any("/id/entity/kab-bantul/unit/" in q and "graph/reference" in q for q in added)
    c.assert_same_as_clean()
    (c.dir / "bantul-units.txt").unlink()
    r = c.build()
    assert r.incremental, r.reason
    assert store_quads(c.out) == before


def test_a_change_to_a_curated_article_rebuilds_clean(tmp_path):
    curation = tmp_path / "curation"
    curation.mkdir()
    (curation / "review.yaml").write_text("""curator: Dewi Lestari
entries:
  - action: deprecate
    article: sleman-b.txt
    quote: "nilai 19,20"
    kind: score
    reason: Transposed digits of 91,20.
""", encoding="utf-8")
    c = Corpus(tmp_path, curation=curation)
    shutil.copy(ARTICLES / "sleman-a.txt", c.dir / "sleman-a.txt")
    shutil.copy(ARTICLES / "sleman-b.txt", c.dir / "sleman-b.txt")
    assert not c.build().incremental
    assert scores(c.out) == [("resolved", "91.2")]
    # an article the curation does not name: incremental, and the curated ranks still hold
    (c.dir / "kulon-progo.txt").write_text(KULON_PROGO, encoding="utf-8")
    r = c.build()
    assert r.incremental and r.extracted == 1, r.reason
    assert scores(c.out) == [("resolved", "91.2")]
    c.assert_same_as_clean()
    # the curated article itself: decisions may change anywhere, so the build is a clean one
    b = c.dir / "sleman-b.txt"
    b.write_text(b.read_text(encoding="utf-8") + "\nKomentar\n", encoding="utf-8")
    r = c.build()
    assert r.conforms and not r.incremental
    c.assert_same_as_clean()


def test_changed_shapes_or_full_flag_rebuild_clean(tmp_path):
    c = Corpus(tmp_path, shapes=tmp_path / "shapes")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    c.build()
    assert c.build().incremental
    assert not c.build(full=True).incremental
    with (tmp_path / "shapes" / "core.ttl").open("a", encoding="utf-8") as f:
        f.write("\n# a comment changes the fingerprint\n")
    assert not c.build().incremental


def test_a_failed_incremental_build_keeps_every_output(tmp_path):
    shapes = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    # a house rule every seed keeps and the new article breaks
    (shapes / "house.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix okg: <https://w3id.org/kepatuhan-kg/def/okg#> .\n"
        "<urn:x:NoPerfectScores> a sh:NodeShape ; sh:targetClass okg:ScoreClaim ;\n"
        "  sh:property [ sh:path okg:score ; sh:maxInclusive 99.0 ] .\n", encoding="utf-8")
    c = Corpus(tmp_path, shapes=shapes)
    assert c.build().conforms
    kept = {name: (c.out / name).read_bytes() for name in ("kg.nq", "build-id", MANIFEST)}
    live = store_quads(c.out)
    (c.dir / "kulon-progo.txt").write_text(KULON_PROGO, encoding="utf-8")
    r = c.build()
    assert r.incremental and not r.conforms, r.reason
    assert any("99.5" in (i.value or "") for i in r.issues if i.severity == "Violation")
    assert {name: (c.out / name).read_bytes() for name in kept} == kept
    assert store_quads(c.out) == live
    leftovers = [p.name for pattern in (".kg-*", ".store-*", ".manifest-*") for p in c.out.glob(pattern)]
    assert leftovers == []
    # the manifest still describes the published graph: the next build is incremental again
    (c.dir / "kulon-progo.txt").unlink()
    r = c.build()
    assert r.conforms and r.incremental
    c.assert_same_as_clean()


def test_a_store_missing_its_manifest_gets_a_clean_build(tmp_path):
    c = Corpus(tmp_path)
    c.build()
    (c.out / MANIFEST).unlink()
    r = c.build()
    assert r.conforms and not r.incremental
    assert (c.out / MANIFEST).exists()
    assert c.build().incremental


def test_a_damaged_manifest_gets_a_clean_build(tmp_path):
    c = Corpus(tmp_path)
    c.build()
    path = c.out / MANIFEST
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page of garbage
    path.write_bytes(bytes(data))
    r = c.build()
    assert r.conforms and not r.incremental and "manifest" in r.reason
    assert c.build().incremental


def test_two_builds_of_one_output_at_once_are_refused(tmp_path):
    import fcntl

    from kg_builder.build import BuildError

    c = Corpus(tmp_path)
    c.out.mkdir()
    with (c.out / ".build.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match="another build"):
            c.build()


def test_quads_counted_incrementally_match_the_store(tmp_path):
    c = Corpus(tmp_path)
    c.build()
    shutil.copy(ARTICLES / "bantul-units.txt", c.dir / "bantul-units.txt")
    r = c.build()
    assert r.triples == len(ox.Store.read_only(str(c.out / "store")))


def test_a_node_several_articles_describe_has_one_name_whatever_their_spelling(tmp_path):
    """Two outlets' sidecars spell the publisher differently: one node, the name given most often, the other
    as an alternative name (a second schema:name would break the shapes and fail the build)."""
    c = Corpus(tmp_path)
    for name in ("sleman-a.txt", "sleman-b.txt", "bantul-units.txt"):
        shutil.copy(ARTICLES / name, c.dir / name)
    c.build()
    (c.dir / "sleman-a.meta.yaml").write_text("publisher: Kabar Selatan\n", encoding="utf-8")
    (c.dir / "sleman-b.meta.yaml").write_text("publisher: KABAR SELATAN\n", encoding="utf-8")
    (c.dir / "bantul-units.meta.yaml").write_text("publisher: KABAR SELATAN\n", encoding="utf-8")
    r = c.build()
    assert r.conforms and r.incremental, r.reason
    outlet = [line for line in dump_lines(c.out) if line.startswith(f"<{BASE}id/outlet/kabar-selatan>")]
    assert sorted(line.split(" ", 2)[1:] for line in outlet) == sorted([
        ["<https://schema.org/name>", f'"KABAR SELATAN" <{BASE}graph/claims> .'],
        ["<https://schema.org/alternateName>", f'"Kabar Selatan" <{BASE}graph/claims> .'],
        ["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
         f"<https://schema.org/NewsMediaOrganization> <{BASE}graph/claims> ."]])
    c.assert_same_as_clean()
    # one spelling goes: the other is the only name left
    (c.dir / "sleman-b.meta.yaml").unlink()
    (c.dir / "bantul-units.meta.yaml").unlink()
    r = c.build()
    assert r.incremental, r.reason
    assert f'<{BASE}id/outlet/kabar-selatan> <https://schema.org/name> "Kabar Selatan" <{BASE}graph/claims> .' \
        in dump_lines(c.out)
    assert not any("KABAR SELATAN" in line for line in dump_lines(c.out))
    c.assert_same_as_clean()


def test_a_shared_node_does_not_depend_on_the_order_of_what_was_said_of_it():
    from itertools import permutations

    from kg_builder.segments import Assembler

    asm = Assembler(BASE, f"{BASE}id/run/x", 32)
    said = [json.dumps({"name": n, "variants": v, "office": o}, sort_keys=True) for n, v, o in (
        ("Mokhammad Najih", [], "ombudsman-ri"), ("MOKHAMMAD NAJIH", ["M. Najih"], None),
        ("Mokhammad Najih", [], "ombudsman-ri/perwakilan/jambi"))]
    described = {tuple(asm.shared(f"{BASE}id/person/mokhammad-najih", "person", list(p))) for p in permutations(said)}
    assert len(described) == 1
    lines = described.pop()
    assert sum("<https://schema.org/name>" in line for line in lines) == 1
    assert any('<https://schema.org/name> "Mokhammad Najih"' in line for line in lines)
    assert {line.split('"')[1] for line in lines if "alternateName" in line} == {"MOKHAMMAD NAJIH", "M. Najih"}
    assert sum("org#memberOf" in line for line in lines) == 2
