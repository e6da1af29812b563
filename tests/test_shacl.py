"""The SPARQL-compiled shapes give pyshacl's verdict.

``kg_builder.shacl`` compiles ``shapes/*.ttl`` to SPARQL run on Oxigraph, so a
national build validates in seconds. pyshacl is the reference: on the valid
fixture, on every broken fixture of ``test_shapes.py`` and on the graph built
from the bundled corpus, both engines must agree on the verdict, and the
compiled checks must name the broken shape and only shapes pyshacl names too.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg_builder import shacl, validate

from conftest import ROOT
from test_shapes import BREAKS, OKGSH, PREFIXES, expand, node_shapes_of, valid_graph


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


def compiled_shapes(g: Graph, checks) -> set[str]:
    return {v.check.shape.removeprefix(OKGSH) for v in shacl.run(store_of(g), checks) if v.check.severity == "Violation"}


def test_valid_fixture_passes_both(shapes, checks):
    g = valid_graph()
    assert validate.shacl(g, shapes).conforms
    assert compiled_shapes(g, checks) == set()


@pytest.mark.parametrize("shape", sorted(BREAKS))
def test_both_engines_catch_each_broken_fixture(shapes, checks, shape):
    g = valid_graph()
    g.update(PREFIXES + expand(BREAKS[shape]))
    reference = node_shapes_of(validate.shacl(g, shapes), shapes)
    compiled = compiled_shapes(g, checks)
    assert shape in reference and shape in compiled
    assert compiled <= reference


def test_both_engines_pass_the_bundled_build(built, checks):
    store = ox.Store()
    store.bulk_load(path=str(built[0].out_dir / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert shacl.run(store, checks) == []


def test_an_unsupported_shacl_feature_is_refused(shapes):
    broken = Graph()
    broken += shapes
    prop = next(iter(broken.objects(URIRef(OKGSH + "RoundShape"), SH.property)))
    broken.add((prop, SH.uniqueLang, Literal(True)))
    with pytest.raises(shacl.UnsupportedShape, match="uniqueLang"):
        shacl.compile_shapes(broken)
