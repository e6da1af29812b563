"""A failed build replaces nothing: the previous graph and store keep serving."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import httpx
import pytest
from conftest import CORPUS, ROOT, build_into, start_server

from kg_builder.build import BuildError, build
from kg_builder.config import settings

Q_BLITAR = "SELECT ?s WHERE { <https://w3id.org/kepatuhan-kg/id/assessment/2024/kota-blitar> <https://w3id.org/kepatuhan-kg/def/okg#score> ?s }"


def test_build_writes_graph_store_and_report(built):
    s, result = built
    assert (s.out_dir / "kg.nq").stat().st_size > 0
    assert (s.out_dir / "store").is_dir()
    assert (s.out_dir / "report" / "validation.txt").exists()
    assert (s.out_dir / "report" / "build.json").exists()
    assert result.articles == 5


def test_bad_shapes_leave_previous_store_serving(tmp_path):
    out = tmp_path / "out"
    s, first = build_into(out)
    assert first.conforms
    before = (out / "kg.nq").read_bytes()
    proc, url = start_server(out)
    try:
        bad = tmp_path / "shapes"
        bad.mkdir()
        (bad / "core.ttl").write_text("this is @not turtle ;;", encoding="utf-8")
        with pytest.raises(BuildError):
            build(settings(corpus_dir=CORPUS, out_dir=out, shapes_dir=bad))
        assert (out / "kg.nq").read_bytes() == before
        r = httpx.get(f"{url}/sparql", params={"query": Q_BLITAR}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200
        assert r.json()["results"]["bindings"][0]["s"]["value"] == "98.19"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_non_conforming_graph_is_refused_and_previous_kept(tmp_path):
    out = tmp_path / "out"
    build_into(out)
    before = (out / "kg.nq").read_bytes()
    strict = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", strict)
    # an extra shape every claim violates: the new graph must not replace the old one
    (strict / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix okg: <https://w3id.org/kepatuhan-kg/def/okg#> .\n"
        "<urn:x:NeedsNothingness> a sh:NodeShape ; sh:targetClass okg:Claim ;\n"
        "  sh:property [ sh:path okg:confidence ; sh:maxCount 0 ] .\n",
        encoding="utf-8",
    )
    cli = subprocess.run(
        [sys.executable, "-m", "kg_builder", "build", "--corpus", str(CORPUS), "--out", str(out), "--shapes", str(strict)],
        capture_output=True, text=True,
    )
    assert cli.returncode == 1
    assert "does not conform" in cli.stderr
    assert (out / "kg.nq").read_bytes() == before
    assert "Violation" in (out / "report" / "validation.txt").read_text()
    # the Turtle report holds the same violations as SHACL results, each with its shape, path and value
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    ttl = Graph().parse(out / "report" / "validation.ttl")
    report = json.loads((out / "report" / "validation.json").read_text())
    violations = [r for r in ttl.subjects(SH.resultSeverity, SH.Violation)]
    assert len(violations) == sum(1 for i in report if i["severity"] == "Violation") > 0
    for r in violations:
        assert ttl.value(r, SH.sourceShape) == URIRef("urn:x:NeedsNothingness")
        assert str(ttl.value(r, SH.resultPath)).endswith("#confidence")
        assert ttl.value(r, SH.value) is not None and ttl.value(r, SH.focusNode) is not None
    assert (None, SH.conforms, None) in ttl and not ttl.value(next(ttl.subjects(SH.conforms, None)), SH.conforms).toPython()


def test_strict_build_fails_on_bad_input_file(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary\x00")
    s, result = build_into(tmp_path / "lenient", corpus=corpus)
    assert result.conforms and any("broken.txt" in e.path for e in result.ingest_errors)
    with pytest.raises(BuildError, match="broken.txt"):
        build(settings(corpus_dir=corpus, out_dir=tmp_path / "strict"), strict=True)
    assert not (tmp_path / "strict" / "kg.nq").exists()


def test_kg_validate_reports_on_the_built_graph_and_keeps_the_build_report(built):
    s, _ = built
    before = (s.out_dir / "report" / "build.json").read_text()
    for engine in ("sparql", "pyshacl"):
        cli = subprocess.run([sys.executable, "-m", "kg_builder", "validate", "--out", str(s.out_dir), "--engine", engine],
                             capture_output=True, text=True)
        assert cli.returncode == 0, cli.stderr
        assert "0 violation(s)" in cli.stdout
        assert "[Warning]" in cli.stdout and "quote:" in cli.stdout  # seed 003's impossible date, with its quote
    assert (s.out_dir / "report" / "build.json").read_text() == before


def test_bad_input_in_a_strict_build_leaves_the_previous_graph_serving(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    s, first = build_into(out, corpus=corpus)
    assert first.conforms
    before = {name: (out / name).read_bytes() for name in ("kg.nq", "build-id")}
    proc, url = start_server(out)
    try:
        (corpus / "broken.txt").write_bytes(b"\x00\x01binary\x00")
        cli = subprocess.run([sys.executable, "-m", "kg_builder", "build", "--corpus", str(corpus), "--out", str(out),
                              "--strict"], capture_output=True, text=True)
        assert cli.returncode == 2 and "broken.txt" in cli.stderr and "nothing replaced" in cli.stderr
        assert {name: (out / name).read_bytes() for name in before} == before
        r = httpx.get(f"{url}/sparql", params={"query": Q_BLITAR}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["s"]["value"] == "98.19"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_dump_says_each_quad_once(built):
    # a parent result was written again for each of its unit results (Lebong's seven units)
    s, _ = built
    lines = (s.out_dir / "kg.nq").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) > 1000
