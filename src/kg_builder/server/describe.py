"""Descriptions of resources: which triples a Linked Data document holds.

A resource's document holds its own triples (over all named graphs), the
triples of its hash IRIs and blank nodes, some incoming links, and the
labels of what it links to. Some kinds bring their context, so that one
document answers the usual question about them:

* a result: every claim about it with its evidence span and quote selectors,
  and its unit results;
* an article: its claims and findings with their spans and quotes;
* an entity: its results and its service units;
* a round: its results; a concept scheme: its concepts; the ontology: every
  term under ``def/okg``.

Reads the store with ``quads_for_pattern`` (bounded lookups, no scans, except
the ontology which is cached per build by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOS_PREF = ox.NamedNode(SKOS + "prefLabel")
SKOS_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
SKOS_TOP_OF = ox.NamedNode(SKOS + "topConceptOf")
SKOS_CONCEPT = SKOS + "Concept"
SKOS_SCHEME = SKOS + "ConceptScheme"
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
OA_SOURCE = ox.NamedNode("http://www.w3.org/ns/oa#hasSource")
ORG_UNIT_OF = ox.NamedNode("http://www.w3.org/ns/org#unitOf")
SCHEMA_NAME = ox.NamedNode("https://schema.org/name")

#: Incoming links kept in a generic document (the rest is a SPARQL query away).
MAX_INCOMING = 500
ENTITY_CLASSES = ("ProvincialGovernment", "RegencyGovernment", "CityGovernment", "Ministry", "Agency",
                  "ServiceUnit", "AssessedEntity", "RegionalGovernment", "Institution")


@dataclass(frozen=True)
class Vocab:
    """The project's IRIs under one base."""

    base: str

    @property
    def okg(self) -> str:
        return f"{self.base}def/okg#"

    def term(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.okg + name)


def types_of(store: ox.Store, node: ox.NamedNode) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(node, RDF_TYPE, None) if isinstance(q.object, ox.NamedNode)}


def kind_of(store: ox.Store, iri: str, base: str) -> str:
    """What the page of ``iri`` should show: result, round, article, entity, claim, concept, scheme, ontology, graph, other."""
    v = Vocab(base)
    types = types_of(store, ox.NamedNode(iri))
    okg = v.okg
    if iri == f"{base}def/okg":
        return "ontology"
    if {okg + "AssessmentResult", okg + "UnitResult"} & types:
        return "result"
    if okg + "AssessmentRound" in types:
        return "round"
    if okg + "NewsArticle" in types:
        return "article"
    if any(okg + c in types for c in ENTITY_CLASSES) or iri.startswith(f"{base}id/entity/"):
        return "entity"
    if okg + "Claim" in types or any(t.startswith(okg) and t.endswith("Claim") for t in types):
        return "claim"
    if SKOS_SCHEME in types:
        return "scheme"
    if SKOS_CONCEPT in types:
        return "concept"
    if iri.startswith(f"{base}graph/"):
        return "graph"
    if iri.startswith(f"{base}def/") and iri.count("/") == base.count("/") + 1:
        return "scheme"  # a scheme IRI (def/zone) whose concepts exist even if the scheme has no triples yet
    return "other"


def exists(store: ox.Store, iri: str) -> bool:
    """True when ``iri`` is the subject or object of any quad (or a named graph)."""
    node = ox.NamedNode(iri)
    if next(iter(store.quads_for_pattern(node, None, None)), None) is not None:
        return True
    if next(iter(store.quads_for_pattern(None, None, node)), None) is not None:
        return True
    return node in set(store.named_graphs())


class Collector:
    """An ordered set of triples, with the lookups the descriptions need."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.triples: dict[ox.Triple, None] = {}
        self._done: set[object] = set()

    def add(self, t: ox.Triple) -> None:
        self.triples.setdefault(t, None)

    def subject(self, node: ox.NamedNode | ox.BlankNode, with_hashes: bool = True) -> None:
        """``node``'s triples, and those of the blank nodes and hash IRIs it leads to."""
        if node in self._done:
            return
        self._done.add(node)
        prefix = node.value + "#" if isinstance(node, ox.NamedNode) else None
        follow: list[ox.NamedNode | ox.BlankNode] = []
        for q in self.store.quads_for_pattern(node, None, None):
            self.add(ox.Triple(q.subject, q.predicate, q.object))
            o = q.object
            if isinstance(o, ox.BlankNode) or (with_hashes and isinstance(o, ox.NamedNode) and prefix and o.value.startswith(prefix)):
                follow.append(o)
            elif with_hashes and isinstance(o, ox.NamedNode) and "#" in o.value and isinstance(node, ox.NamedNode) \
                    and "#" in node.value and o.value.split("#")[0] == node.value.split("#")[0]:
                follow.append(o)  # a span's selectors: article#char=… -> article#quote=…
        for o in follow:
            self.subject(o)

    def incoming(self, node: ox.NamedNode, predicate: ox.NamedNode | None = None, limit: int = MAX_INCOMING) -> list[ox.NamedNode | ox.BlankNode]:
        out: list[ox.NamedNode | ox.BlankNode] = []
        for q in islice(self.store.quads_for_pattern(None, predicate, node), limit):
            self.add(ox.Triple(q.subject, q.predicate, q.object))
            out.append(q.subject)
        return list(dict.fromkeys(out))

    def labels(self) -> None:
        """Labels of every IRI mentioned, so a client can show names without another request."""
        nodes = {t.object for t in self.triples if isinstance(t.object, ox.NamedNode)}
        nodes |= {t.subject for t in self.triples if isinstance(t.subject, ox.NamedNode)}
        nodes |= {t.predicate for t in self.triples}
        for n in nodes:
            for p in (RDFS_LABEL, SKOS_PREF):
                for q in self.store.quads_for_pattern(n, p, None):
                    self.add(ox.Triple(q.subject, q.predicate, q.object))

    def result(self) -> list[ox.Triple]:
        return list(self.triples)


def describe(store: ox.Store, iri: str, kind: str, base: str) -> list[ox.Triple]:
    """The triples of ``iri``'s document (see the module docstring for what each kind brings)."""
    v = Vocab(base)
    node = ox.NamedNode(iri)
    c = Collector(store)
    c.subject(node)
    if kind == "result":
        for claim in c.incoming(node, v.term("aboutResult")):
            if isinstance(claim, ox.NamedNode):
                c.subject(claim)
                for q in store.quads_for_pattern(claim, v.term("evidence"), None):
                    if isinstance(q.object, ox.NamedNode):
                        c.subject(q.object)
        for unit in c.incoming(node, v.term("partOfResult")):
            if isinstance(unit, ox.NamedNode):
                c.subject(unit, with_hashes=False)
    elif kind == "article":
        for derived in c.incoming(node, PROV_DERIVED, limit=10_000):
            if isinstance(derived, ox.NamedNode):
                c.subject(derived)
        for span in c.incoming(node, OA_SOURCE, limit=10_000):
            c.subject(span)
    elif kind == "entity":
        for result in c.incoming(node, v.term("assessedEntity"), limit=10_000):
            if isinstance(result, ox.NamedNode):
                c.subject(result, with_hashes=False)
        for unit in c.incoming(node, ORG_UNIT_OF, limit=10_000):
            if isinstance(unit, ox.NamedNode):
                c.subject(unit, with_hashes=False)
    elif kind == "round":
        for result in c.incoming(node, v.term("inRound"), limit=50_000):
            if isinstance(result, ox.NamedNode):
                c.subject(result, with_hashes=False)
    elif kind == "claim":
        for q in store.quads_for_pattern(node, v.term("evidence"), None):
            if isinstance(q.object, ox.NamedNode):
                c.subject(q.object)
    elif kind == "scheme":
        members = c.incoming(node, SKOS_IN_SCHEME, limit=10_000) + c.incoming(node, SKOS_TOP_OF, limit=10_000)
        if not members:
            members = [ox.NamedNode(s) for s in concepts_under(store, iri)]
        for m in members:
            if isinstance(m, ox.NamedNode):
                c.subject(m, with_hashes=False)
    elif kind in ("concept", "other", "graph"):
        c.incoming(node, limit=MAX_INCOMING if kind != "concept" else 50)
    c.labels()
    return c.result()


def concepts_under(store: ox.Store, scheme_iri: str) -> list[str]:
    """Concepts whose IRI is ``scheme_iri/...`` (for schemes the ontology has not declared yet)."""
    prefix = scheme_iri.rstrip("/") + "/"
    rows = store.query(
        "SELECT DISTINCT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> "
        f'FILTER(STRSTARTS(STR(?c), "{_escape_literal(prefix)}")) }} ORDER BY ?c',
        use_default_graph_as_union=True,
    )
    return [r[0].value for r in rows]  # type: ignore[union-attr]


def ontology(store: ox.Store, base: str) -> list[ox.Triple]:
    """Every triple about the ontology and its terms (``def/okg`` and ``def/okg#…``), with blank-node closure."""
    onto = f"{base}def/okg"
    rows = store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && (STR(?s) = "{_escape_literal(onto)}" '
        f'|| STRSTARTS(STR(?s), "{_escape_literal(onto)}#"))) }} ORDER BY ?s',
        use_default_graph_as_union=True,
    )
    c = Collector(store)
    for r in rows:  # type: ignore[union-attr]
        c.subject(r[0], with_hashes=False)
    return c.result()


def _escape_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
