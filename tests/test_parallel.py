"""Parallel extraction gives the serial build's graph, byte for byte."""

from __future__ import annotations

from conftest import build_into


def test_two_processes_build_the_same_graph_as_one(tmp_path):
    s1, one = build_into(tmp_path / "one", jobs=1)
    s2, two = build_into(tmp_path / "two", jobs=2, parallel_min_articles=1)
    assert one.conforms and two.conforms
    assert (one.extracted, two.extracted) == (5, 5)

    def body(path):
        return [line for line in path.read_text(encoding="utf-8").splitlines()
                if "prov#startedAtTime" not in line and "prov#endedAtTime" not in line]

    assert body(s1.out_dir / "kg.nq") == body(s2.out_dir / "kg.nq")
