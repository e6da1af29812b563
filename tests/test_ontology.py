"""The ontology, concept schemes and reference data: they parse, are consistent, pass the lint pack."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from conftest import OKG, ROOT
from owlrl.Namespaces import ERRNS
from pyshacl import validate as shacl_validate
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import OWL, RDFS, SKOS

from kg_builder.validate import load_shapes

ONTOLOGY = ROOT / "ontology"
LINT = ROOT / "queries" / "lint"
O = Namespace(OKG)  # noqa: E741 (the okg: terms, as O.Claim)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def data(built) -> Graph:
    """The graph built from corpus/, its named graphs merged (what the endpoint's default graph shows).

    (``Graph().parse(..., format="nquads")`` keeps nothing: the quads go to named graphs a plain
    Graph does not show, so the dataset is read and flattened.)
    """
    ds = Dataset()
    ds.parse(built[0].out_dir / "kg.nq", format="nquads")
    flat = Graph()
    for s, p, o, _ in ds.quads():
        flat.add((s, p, o))
    assert len(flat) > 5000
    return flat


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


def test_owl_rl_closure_finds_no_inconsistency(vocab, data):
    flat = Graph()
    flat += vocab
    flat += data  # the data too: its typing must fit the axioms
    assert len(flat) > len(vocab) + 5000
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
def test_lint_pack_finds_nothing(vocab, data, name):
    assert lint(lint_store(vocab, data), name) == []


BROKEN = {
    "labels": lambda g: g.remove((O.Claim, RDFS.label, Literal("Klaim", lang="id"))),
    "definitions": lambda g: [g.remove((O.score, SKOS.definition, d)) for d in list(g.objects(O.score, SKOS.definition))
                              if d.language == "id"],
    "concept-labels": lambda g: g.remove((URIRef("https://w3id.org/kepatuhan-kg/def/zone/hijau"), SKOS.prefLabel,
                                          Literal("Green zone", lang="en"))),
    "duplicate-labels": lambda g: g.add((O.rankOutOf, RDFS.label, Literal("peringkat", lang="id"))),
    "undeclared-terms": lambda g: g.add((URIRef("https://example.org/c"), O.scoreTypo, Literal(1))),
    "concepts-in-scheme": lambda g: g.add((URIRef("https://example.org/c"), O.zone,
                                           URIRef("https://w3id.org/kepatuhan-kg/def/zone/ungu"))),
    "sources": lambda g: g.remove((URIRef("https://w3id.org/kepatuhan-kg/def/opinion/B"), DCT.source, None)),
    "examples": lambda g: g.add((O.Claim, SKOS.example, Literal("<https://w3id.org/kepatuhan-kg/id/claim/0000000000000000>"))),
    "header": lambda g: g.remove((URIRef("https://w3id.org/kepatuhan-kg/def/okg"), DCT.license, None)),
    "label-whitespace": lambda g: g.add((O.score, SKOS.altLabel, Literal("nilai  akhir", lang="id"))),
    "top-concepts": lambda g: [g.remove((c, SKOS.topConceptOf, s)) for c, s in list(g.subject_objects(SKOS.topConceptOf))
                               if str(s).endswith("/def/rank-scope")],
}


def test_every_lint_query_has_a_case():
    assert set(BROKEN) == set(LINT_QUERIES)


@pytest.mark.parametrize("name", LINT_QUERIES)
def test_each_lint_query_catches_its_problem(vocab, data, name):
    instances = data - vocab  # the build's reference graph holds the ontology too: break only one copy
    broken = Graph()
    broken += vocab
    BROKEN[name](broken)
    assert lint(lint_store(vocab, instances), name) == []
    assert lint(lint_store(broken, instances), name) != []


#: Concepts of the assessment's own schemes that no source supports. Each must exist (the extractor maps a
#: printed phrase to it) and says so in skos:editorialNote; a new unsourced concept fails this test.
UNSOURCED = {
    "opinion-2025/kualitas-tinggi-tanpa-maladministrasi",
    "opinion-2025/kualitas-rendah-tanpa-maladministrasi",
    "opinion-2025/kualitas-terendah-tanpa-maladministrasi",
}


def test_every_domain_concept_cites_a_source_or_says_why_not(vocab):
    base = "https://w3id.org/kepatuhan-kg/def/"
    ours = URIRef(base + "okg")
    concepts = {c for c in vocab.subjects(RDF.type, SKOS.Concept) if str(c).startswith(base)}
    domain = {c for c in concepts if (c, RDFS.isDefinedBy, ours) not in vocab}
    unsourced = {str(c)[len(base):] for c in domain if vocab.value(c, DCT.source) is None}
    assert unsourced == UNSOURCED
    for slug in UNSOURCED:
        note = str(vocab.value(URIRef(base + slug), SKOS.editorialNote))
        assert "Not attested" in note and "extractor" in note
    schemes = set(vocab.subjects(RDF.type, SKOS.ConceptScheme))
    assert all(vocab.value(s, DCT.source) is not None or (s, RDFS.isDefinedBy, ours) in vocab for s in schemes)


def test_the_placeholder_2025_opinions_are_the_ones_the_extractor_can_emit():
    """They stay only because extract/labels.py maps the printed pattern to them."""
    from kg_builder.extract.labels import OPINION, opinion_of

    for q in ("tinggi", "rendah", "terendah"):
        m = OPINION.search(f"meraih predikat Kualitas {q.capitalize()} Tanpa Maladministrasi")
        assert m is not None and opinion_of(m, 2025) == ("opinion-2025", f"kualitas-{q}-tanpa-maladministrasi")


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
    from pyshacl.errors import ReportableRuntimeError

    with pytest.raises(ReportableRuntimeError, match="does not validate against the SHACL Shapes SHACL"):
        shacl_validate(Graph(), shacl_graph=shapes, meta_shacl=True, inference="none")


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
        + [("finding-type", t) for t in ("invalid-calendar-date", "weekday-mismatch", "name-variant", "place-variant",
                                        "body-name-variant", "rank-exceeds-denominator", "label-contradiction",
                                        "zone-score-mismatch", "unit-mean-mismatch")]
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
