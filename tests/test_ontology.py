"""The ontology, concept schemes and reference data: they parse, are consistent, pass the lint pack."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from owlrl.Namespaces import ERRNS
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from kg_builder.validate import load_shapes

from conftest import OKG, ROOT

ONTOLOGY = ROOT / "ontology"
LINT = ROOT / "queries" / "lint"
O = Namespace(OKG)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def lint_store(*graphs: Graph) -> ox.Store:
    store = ox.Store()
    for g in graphs:
        store.load(g.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    return store


def lint(store: ox.Store, name: str) -> list[tuple[str, str]]:
    query = (LINT / f"{name}.rq").read_text(encoding="utf-8")
    return [(r["term"].value, r["problem"].value) for r in store.query(query)]


LINT_QUERIES = sorted(p.stem for p in LINT.glob("*.rq"))


@pytest.mark.parametrize("path", sorted(ONTOLOGY.glob("*.ttl")), ids=lambda p: p.name)
def test_every_ontology_file_parses(path: Path):
    assert len(Graph().parse(path, format="turtle")) > 50


def test_ontology_header(vocab):
    onto = URIRef("https://w3id.org/kepatuhan-kg/def/okg")
    assert (onto, RDF.type, OWL.Ontology) in vocab
    for p in ("http://purl.org/dc/terms/title", "http://purl.org/dc/terms/license",
              "http://purl.org/dc/terms/creator", str(OWL.versionIRI)):
        assert vocab.value(onto, URIRef(p)) is not None, p


def test_owl_rl_closure_finds_no_inconsistency(vocab, built):
    g = Graph()
    g += vocab
    g.parse(built[0].out_dir / "kg.nq", format="nquads")  # the data too: its typing must fit the axioms
    flat = Graph()
    for t in g:
        flat.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(flat)
    errors = [str(o) for s in flat.subjects(RDF.type, ERRNS.ErrorMessage) for o in flat.objects(s, ERRNS.error)]
    assert errors == []
    assert not list(flat.subjects(RDF.type, OWL.Nothing))


def test_owl_rl_closure_does_detect_an_inconsistency(vocab):
    """The check above can fail: a thing both a regency and a city government is caught."""
    g = Graph()
    g += vocab
    x = URIRef("https://example.org/x")
    g.add((x, RDF.type, O.RegencyGovernment))
    g.add((x, RDF.type, O.CityGovernment))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert list(g.subjects(RDF.type, ERRNS.ErrorMessage))


@pytest.mark.parametrize("name", LINT_QUERIES)
def test_lint_pack_finds_nothing(vocab, built, name):
    data = Graph().parse(built[0].out_dir / "kg.nq", format="nquads")
    flat = Graph()
    for t in data:
        flat.add(t)
    assert lint(lint_store(vocab, flat), name) == []


BROKEN = {
    "labels": lambda g: g.remove((O.Claim, RDFS.label, Literal("Klaim", lang="id"))),
    "definitions": lambda g: g.remove((O.score, SKOS.definition, None)),
    "concept-labels": lambda g: g.remove((URIRef("https://w3id.org/kepatuhan-kg/def/zone/hijau"), SKOS.prefLabel,
                                          Literal("Green zone", lang="en"))),
    "duplicate-labels": lambda g: g.add((O.rankOutOf, RDFS.label, Literal("peringkat", lang="id"))),
    "undeclared-terms": lambda g: g.add((URIRef("https://example.org/c"), O.scoreTypo, Literal(1))),
    "concepts-in-scheme": lambda g: g.add((URIRef("https://example.org/c"), O.zone,
                                           URIRef("https://w3id.org/kepatuhan-kg/def/zone/ungu"))),
}


@pytest.mark.parametrize("name", LINT_QUERIES)
def test_each_lint_query_catches_its_problem(vocab, name):
    broken = Graph()
    broken += vocab
    BROKEN[name](broken)
    assert lint(lint_store(vocab), name) == []
    assert lint(lint_store(broken), name) != []


def test_shapes_pass_meta_shacl():
    shapes = load_shapes(ROOT / "shapes")
    # pyshacl validates the shapes graph against the SHACL-SHACL shapes when asked to
    conforms, _, text = shacl_validate(Graph(), shacl_graph=shapes, meta_shacl=True, inference="none")
    assert conforms, text


def test_meta_shacl_rejects_a_malformed_shape():
    shapes = load_shapes(ROOT / "shapes")
    shape = URIRef("https://example.org/BadShape")
    shapes.add((shape, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    shapes.add((shape, URIRef("http://www.w3.org/ns/shacl#minCount"), Literal("many")))
    with pytest.raises(Exception):
        ok, _, _ = shacl_validate(Graph(), shacl_graph=shapes, meta_shacl=True, inference="none")
        assert ok


def test_every_scheme_concept_the_builder_can_emit_is_declared(vocab):
    """Slugs written in code (extract/labels, link, emit) are concepts of their schemes."""
    from kg_builder.extract.labels import COVERAGE_CATEGORIES, DIMENSION_WORDS, OPINION_WORDS
    from kg_builder.link import _UNIT_PATTERNS

    base = "https://w3id.org/kepatuhan-kg/def/"
    expected = (
        [("opinion", v) for v in OPINION_WORDS.values()]
        + [("dimension", slug) for _, slug in DIMENSION_WORDS]
        + [("entity-category", slug) for _, slug in COVERAGE_CATEGORIES]
        + [("unit-type", t) for t, _, _ in _UNIT_PATTERNS]
        + [("predicate", w) for w in ("tinggi", "sedang", "rendah")]
        + [("opinion-2025", f"kualitas-{q}-tanpa-maladministrasi") for q in ("tertinggi", "tinggi", "sedang", "rendah", "terendah")]
        + [("finding-type", t) for t in ("invalid-calendar-date", "weekday-mismatch", "name-variant",
                                        "rank-exceeds-denominator", "label-contradiction")]
    )
    missing = [f"{s}/{c}" for s, c in expected
               if (URIRef(f"{base}{s}/{c}"), SKOS.inScheme, URIRef(f"{base}{s}")) not in vocab]
    assert missing == []


def test_rounds_have_years_and_sources(vocab):
    rounds = {int(str(vocab.value(r, O.assessmentYear))): r for r in vocab.subjects(RDF.type, O.AssessmentRound)}
    assert sorted(rounds) == [2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025]
    dct_source = URIRef("http://purl.org/dc/terms/source")
    for year, r in rounds.items():
        assert vocab.value(r, dct_source) is not None, year
    weights = [float(vocab.value(w, O.weightPercent)) for w in vocab.objects(rounds[2023], O.dimensionWeight)]
    assert sorted(weights) == [21.54, 21.85, 24.24, 32.37] and round(sum(weights), 2) == 100.0
