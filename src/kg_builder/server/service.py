"""The SPARQL Service Description answered by ``/sparql`` without a query.

It says what a client needs before its first query: the endpoint, the
query language and result formats, that the default graph is the union of
the named graphs (``sd:UnionDefaultGraph``), the named graphs with their
sizes, the limits (time, rows, bytes, query size), that updates and
federated ``SERVICE`` are refused, and the ``queries/`` catalogue as
examples (``sh:SPARQLExecutable``, the convention of the SIB SPARQL
examples). Builds an rdflib graph; reads nothing itself.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg_builder.config import Settings
from kg_builder.server.catalogue import CatalogueQuery
from kg_builder.server.clients import effective_cap
from kg_builder.server.void import Statistics, dataset_iri

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")
UNION_NOTE = (
    "The default graph is the union of the named graphs (reference, claims, consolidated): "
    "a query without GRAPH or FROM sees every triple. Use GRAPH <…/graph/claims> to read one graph, "
    "or the default-graph-uri / named-graph-uri parameters to choose the dataset."
)


def limits_note(settings: Settings) -> str:
    service = "allowed" if settings.allow_service else "refused (403)"
    return (
        f"Read-only: updates are refused (403). Federated SERVICE is {service}. "
        f"Each query may run {settings.query_timeout_s:g} s; past that it is stopped and answered 503. "
        f"Results are capped at {settings.max_result_rows} rows and {settings.max_result_bytes} bytes, "
        f"queries at {settings.max_query_bytes} bytes (413 beyond); a query too long for a URL is sent by POST. "
        + (f"One client (address) may have {cap} queries waiting or running at once; "
           "one more is answered 429 with Retry-After."
           if (cap := effective_cap(settings.max_queries_per_client, settings.query_workers)) else "")
    ).strip()


def description(settings: Settings, endpoint: str, stats: Statistics, examples: list[CatalogueQuery]) -> Graph:
    """The Service Description of the endpoint reached at ``endpoint``."""
    g = Graph()
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    if settings.allow_service:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMATS:
        g.add((svc, SD.resultFormat, FORMATS[name]))
    g.add((svc, DCTERMS.title, Literal("Kepatuhan KG SPARQL endpoint", lang="en")))
    g.add((svc, DCTERMS.description, Literal(UNION_NOTE, lang="en")))
    g.add((svc, RDFS.comment, Literal(limits_note(settings), lang="en")))
    dataset = BNode("dataset")
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, URIRef(dataset_iri(settings.base))))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal(UNION_NOTE, lang="en")))
    g.add((default, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    for graph_iri, n in stats.graphs.items():
        ng = BNode()
        g.add((dataset, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(graph_iri)))
        desc = BNode()
        g.add((ng, SD.graph, desc))
        g.add((desc, RDF.type, SD.Graph))
        g.add((desc, VOID.triples, Literal(n, datatype=XSD.integer)))
    for q in examples:
        ex = URIRef(f"{endpoint}#example-{q.name}")
        g.add((svc, SCHEMA.workExample, ex))
        g.add((ex, RDF.type, SH.SPARQLExecutable))
        kind = {"SELECT": SH.SPARQLSelectExecutable, "CONSTRUCT": SH.SPARQLConstructExecutable,
                "ASK": SH.SPARQLAskExecutable}.get(q.form)
        if kind is not None:
            g.add((ex, RDF.type, kind))
        g.add((ex, RDFS.label, Literal(q.title)))
        if q.description:
            g.add((ex, RDFS.comment, Literal(q.description)))
        prop = {"SELECT": SH.select, "CONSTRUCT": SH.construct, "ASK": SH.ask}.get(q.form, SCHEMA.text)
        g.add((ex, prop, Literal(q.text)))
        g.add((ex, SCHEMA.target, svc))
    return g
