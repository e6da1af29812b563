"""IRIs under the base that the server describes although the store has no triples about them.

The VoID description names two: the dataset (``id/dataset/okg``) and its
root resource (``id/assessment``, the assessment as a whole, parent of the
rounds ``id/assessment/2023``). Every IRI under the base must dereference,
so these do too: the dataset's IRI is described by the VoID document itself
(its ``/id/`` answers 303 to ``/.well-known/void``), and the root resource's
document lists the rounds in the store, with their labels. Reads the store.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg_builder.server.describe import RDF_TYPE, RDFS_LABEL
from kg_builder.server.void import dataset_iri

PROV = "http://www.w3.org/ns/prov#"
VOID_IN_DATASET = ox.NamedNode("http://rdfs.org/ns/void#inDataset")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
VOID_PATH = "/.well-known/void"


def root_iri(base: str) -> str:
    return f"{base}id/assessment"


def redirect_path(iri: str, base: str) -> str | None:
    """Where a virtual IRI's description lives when it is not under ``/doc/`` (the dataset: the VoID)."""
    return VOID_PATH if iri == dataset_iri(base) else None


def is_virtual(iri: str, base: str) -> bool:
    return iri in (dataset_iri(base), root_iri(base))


def rounds(store: ox.Store, base: str) -> list[ox.NamedNode]:
    """The assessment rounds in the store, in IRI order."""
    cls = ox.NamedNode(f"{base}def/okg#AssessmentRound")
    found = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, cls) if isinstance(q.subject, ox.NamedNode)}
    return sorted(found, key=lambda n: n.value)


def describe(store: ox.Store, iri: str, base: str) -> list[ox.Triple] | None:
    """The triples of a virtual resource's document; ``None`` if ``iri`` is not one of them."""
    if iri != root_iri(base):
        return None
    node = ox.NamedNode(iri)
    triples = [
        ox.Triple(node, RDF_TYPE, ox.NamedNode(PROV + "Collection")),
        ox.Triple(node, RDFS_LABEL, ox.Literal("Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik", language="id")),
        ox.Triple(node, RDFS_LABEL, ox.Literal("Ombudsman RI compliance assessment: every round", language="en")),
        ox.Triple(node, VOID_IN_DATASET, ox.NamedNode(dataset_iri(base))),
    ]
    for r in rounds(store, base):
        triples.append(ox.Triple(node, ox.NamedNode(PROV + "hadMember"), r))
        triples.append(ox.Triple(r, RDF_TYPE, ox.NamedNode(f"{base}def/okg#AssessmentRound")))
        for q in store.quads_for_pattern(r, RDFS_LABEL, None):
            triples.append(ox.Triple(r, RDFS_LABEL, q.object))
    return list(dict.fromkeys(triples))


def as_store(triples: list[ox.Triple]) -> ox.Store:
    """An in-memory store of ``triples``, for the HTML page's lookups."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store
