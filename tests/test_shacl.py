"""The SPARQL-compiled shapes give pyshacl's verdict.

``kg_builder.shacl`` compiles ``shapes/*.ttl`` to SPARQL run on Oxigraph, so a
national build validates in seconds. pyshacl is the reference: on the valid
fixture, on the broken fixture of every constraint of ``test_shapes.py`` and on
the graph built from the bundled corpus, both engines must agree on the
verdict; for every broken fixture the compiled checks must name the broken
shape, and every (shape, path) they name pyshacl names too.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import ROOT
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from test_shapes import CASES, OKGSH, broken_in_place, fired, path_text, reference, targeted, valid_graph

from kg_builder import shacl, validate


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validate.load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def checks(shapes):
    return shacl.compile_shapes(shapes)


def store_of(g: Graph) -> ox.Store:
    store = ox.Store()
    store.load(g.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    return store


def compiled_pairs(g: Graph, checks) -> set[tuple[str, str | None]]:
    """(node shape, SPARQL path or None) of every violation the compiled checks find."""
    return {(v.check.shape.removeprefix(OKGSH), v.check.path) for v in shacl.run(store_of(g), checks)
            if v.check.severity == "Violation"}


def reference_pairs(results: Graph, shapes: Graph) -> set[tuple[str, str | None]]:
    """The same pairs from pyshacl's report, the path written as the compiler writes it."""
    out = set()
    for r in results.objects(None, SH.result):
        if results.value(r, SH.resultSeverity) != SH.Violation:
            continue
        source = results.value(r, SH.sourceShape)
        path = shapes.value(source, SH.path)
        if path is None:
            out.add((str(source).removeprefix(OKGSH), None))
        else:
            parent = next(shapes.subjects(SH.property, source), None)
            if parent is not None:
                out.add((str(parent).removeprefix(OKGSH), shacl._path(shapes, path)))
    return out


def expected_compiled_shape(shapes: Graph, constraint: str) -> str:
    """The node shape the compiled engine names for a broken constraint: the constraint's own, except for an
    sh:node to a targeted shape, which the compiler leaves to that shape (it checks the same nodes itself)."""
    shape, *rest = constraint.split()
    if len(rest) == 2 and rest[1] == "Node":
        targets = {str(s).removeprefix(OKGSH) for s in targeted(shapes)}
        for prop in shapes.objects(URIRef(OKGSH + shape), SH.property):
            if path_text(shapes, shapes.value(prop, SH.path)) != rest[0]:
                continue
            for node in shapes.objects(prop, SH.node):
                if str(node).removeprefix(OKGSH) in targets:
                    return str(node).removeprefix(OKGSH)
    return shape


def test_valid_fixture_passes_both(shapes, checks):
    g = valid_graph()
    assert validate.shacl(g, shapes).conforms
    assert compiled_pairs(g, checks) == set()


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_both_engines_catch_each_broken_constraint(shapes, checks, constraint):
    with broken_in_place(constraint) as g:
        compiled = compiled_pairs(g, checks)
        named = {s for s, _ in compiled} | {constraint.split()[0], expected_compiled_shape(shapes, constraint)}
        results = reference(g, shapes, named)
    assert expected_compiled_shape(shapes, constraint) in {s for s, _ in compiled}
    assert constraint in fired(results, shapes)
    assert compiled <= reference_pairs(results, shapes)


def test_both_engines_pass_the_bundled_build(built, shapes, checks):
    store = ox.Store()
    store.bulk_load(path=str(built[0].out_dir / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert shacl.run(store, checks) == []
    ds = Dataset()
    ds.parse(built[0].out_dir / "kg.nq", format="nquads")
    merged = Graph()
    merged.addN((s, p, o, merged) for s, p, o, _ in ds.quads())
    assert reference_pairs(reference(merged, shapes), shapes) == set()


def test_an_unsupported_shacl_feature_is_refused(shapes):
    broken = Graph()
    broken += shapes
    prop = next(iter(broken.objects(URIRef(OKGSH + "RoundShape"), SH.property)))
    broken.add((prop, SH.uniqueLang, Literal(True)))
    with pytest.raises(shacl.UnsupportedShape, match="uniqueLang"):
        shacl.compile_shapes(broken)


def test_a_constraint_on_a_node_shape_the_compiler_does_not_check_there_is_refused(shapes):
    """sh:minCount belongs to property shapes: on a node shape it would silently check nothing."""
    broken = Graph()
    broken += shapes
    broken.add((URIRef(OKGSH + "RoundShape"), SH.minCount, Literal(1)))
    with pytest.raises(shacl.UnsupportedShape, match="minCount on a node shape"):
        shacl.compile_shapes(broken)


def test_a_focused_run_reports_exactly_the_violations_of_its_focus_nodes(built, checks):
    """What an incremental build relies on: checks restricted to some nodes find what a whole run finds there."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(built[0].out_dir / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    claims = [r["c"].value for r in store.query(
        "SELECT ?c WHERE { ?c a <https://w3id.org/kepatuhan-kg/def/okg#ScoreClaim> } ORDER BY ?c LIMIT 6",
        use_default_graph_as_union=True)]
    # break two of the six claims: a score out of range and a missing article
    store.update(f"""PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#> PREFIX prov: <http://www.w3.org/ns/prov#>
        DELETE {{ GRAPH ?g {{ <{claims[0]}> okg:score ?s }} }} INSERT {{ GRAPH ?g {{ <{claims[0]}> okg:score 120.5 }} }}
        WHERE {{ GRAPH ?g {{ <{claims[0]}> okg:score ?s }} }} ;
        DELETE WHERE {{ GRAPH ?g {{ <{claims[3]}> prov:wasDerivedFrom ?a }} }}""")
    everywhere = {(v.check.shape, v.check.path, v.focus) for v in shacl.run(store, checks)}
    focused = {(v.check.shape, v.check.path, v.focus) for v in shacl.run(store, checks, focus=claims[:4], chunk=3)}
    assert focused == {t for t in everywhere if t[2] in claims[:4]}
    assert {t[2] for t in focused} == {claims[0], claims[3]}
