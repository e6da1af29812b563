"""VoID and DCAT: the dataset described for crawlers and catalogues.

``/.well-known/void`` answers a VoID description (RFC 5785 location) that is
also a DCAT dataset: statistics (triples, entities, classes, properties, per
named graph), example resources, the SPARQL endpoint and the dumps. The
statistics are computed once per build (they scan the whole store) and
shared with the Service Description. Reads the store.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID
from starlette.concurrency import run_in_threadpool

from kg_builder.server import conditional, rdfout
from kg_builder.server.negotiate import EXTENSION_OF, negotiate, resolve_format

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: Classes whose first instance is offered as an example resource.
EXAMPLE_CLASSES = ("AssessmentResult", "RegencyGovernment", "CityGovernment", "NewsArticle", "AssessmentRound", "ScoreClaim")


@dataclass(frozen=True)
class Statistics:
    """Counts over the union of the named graphs (and per graph)."""

    quads: int
    triples: int
    subjects: int
    objects: int
    entities: int
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def _count(store: ox.Store, query: str) -> int:
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        return int(row[0].value)
    return 0


def statistics(store: ox.Store, base: str) -> Statistics:
    """Scan the store once per statistic; cached per build by the caller."""
    okg = f"{base}def/okg#"
    graphs = {}
    for g in store.named_graphs():
        graphs[g.value] = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}")
    classes = {
        row[0].value: int(row[1].value)
        for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
                               use_default_graph_as_union=True)  # type: ignore[union-attr]
        if isinstance(row[0], ox.NamedNode)
    }
    properties = {
        row[0].value: int(row[1].value)
        for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
                               use_default_graph_as_union=True)  # type: ignore[union-attr]
    }
    examples: list[str] = []
    for cls in EXAMPLE_CLASSES:
        for row in store.query(f"SELECT ?s WHERE {{ ?s a <{okg}{cls}> FILTER(isIRI(?s)) }} ORDER BY ?s LIMIT 1",
                               use_default_graph_as_union=True):  # type: ignore[union-attr]
            examples.append(row[0].value)
    return Statistics(
        quads=len(store),
        triples=sum(properties.values()),
        subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        objects=_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        entities=_count(store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}'),
        classes=classes,
        properties=properties,
        graphs=graphs,
        examples=examples,
    )


@dataclass(frozen=True)
class Links:
    """Where the server is reached, for the endpoint and download URLs."""

    site: str  # e.g. http://127.0.0.1:8000 (no trailing slash)

    @property
    def sparql(self) -> str:
        return f"{self.site}/sparql"

    def download(self, name: str) -> str:
        return f"{self.site}/download/{name}"


DUMPS = {
    "kg.nq.gz": ("application/n-quads", "application/gzip"),
    "kg.ttl": ("text/turtle", None),
    "kg.ttl.gz": ("text/turtle", "application/gzip"),
}


def dataset_iri(base: str) -> str:
    return f"{base}id/dataset/okg"


def void_graph(stats: Statistics, base: str, links: Links, build_id: str) -> Graph:
    """The VoID + DCAT description of the dataset."""
    g = Graph()
    ds = URIRef(dataset_iri(base))
    doc = URIRef(f"{base}.well-known/void")
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal("VoID description of Kepatuhan KG", lang="en")))
    g.add((doc, URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), ds))
    for t in (VOID.Dataset, DCAT.Dataset):
        g.add((ds, RDF.type, t))
    g.add((ds, DCTERMS.title, Literal("Kepatuhan KG", lang="en")))
    g.add((ds, DCTERMS.title, Literal("Graf Pengetahuan Kepatuhan Pelayanan Publik", lang="id")))
    g.add((ds, DCTERMS.description, Literal(
        "The Ombudsman Republik Indonesia's annual public-service compliance assessment "
        "(Penilaian Kepatuhan), as claims extracted from Indonesian news with their quotes, "
        "consolidated results and reference data.", lang="en")))
    g.add((ds, DCTERMS.identifier, Literal(build_id)))
    g.add((ds, DCAT.keyword, Literal("Ombudsman", lang="id")))
    g.add((ds, DCAT.keyword, Literal("kepatuhan pelayanan publik", lang="id")))
    g.add((ds, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/id")))
    g.add((ds, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((ds, VOID.vocabulary, URIRef(f"{base}def/okg")))
    for vocab in ("http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "https://schema.org/"):
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(links.sparql)))
    g.add((ds, VOID.rootResource, URIRef(f"{base}id/assessment")))
    for name in DUMPS:
        g.add((ds, VOID.dataDump, URIRef(links.download(name))))
    g.add((ds, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.subjects, datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(stats.objects, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
    for iri in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(iri)))
    for cls, n in stats.classes.items():
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in stats.properties.items():
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for graph_iri, n in stats.graphs.items():
        sub = URIRef(graph_iri)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, RDF.type, SD.NamedGraph))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
    for name, (mime, packaging) in DUMPS.items():
        dist = URIRef(links.download(name))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{mime}")))
        if packaging:
            g.add((dist, DCAT.compressFormat, URIRef(f"https://www.iana.org/assignments/media-types/{packaging}")))
    service = URIRef(links.sparql)
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, RDF.type, SD.Service))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.distribution, BNode("sparql")))
    g.add((BNode("sparql"), RDF.type, DCAT.Distribution))
    g.add((BNode("sparql"), DCAT.accessService, service))
    g.add((BNode("sparql"), DCAT.accessURL, service))
    return g


# ---------------------------------------------------------------- route
router = APIRouter()
VOID_OFFER = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


def site_of(request: Request) -> str:
    """Where this server is reached (scheme, host, root path), without a trailing slash."""
    return str(request.base_url).rstrip("/")


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], response_class=Response,
                  summary="VoID + DCAT description of the dataset, with statistics")
async def well_known_void(request: Request) -> Response:
    settings = request.app.state.settings
    holder = request.app.state.store
    fmt = resolve_format(request.query_params.get("format"))
    mime = negotiate(fmt or request.headers.get("accept"), VOID_OFFER)
    if mime is None:
        return PlainTextResponse("offered: " + ", ".join(VOID_OFFER) + "\n", status_code=406, headers={"Vary": "Accept"})
    build = holder.build_id()
    site = site_of(request)
    tag = conditional.etag(build, f"void{EXTENSION_OF.get(mime, '')}-{zlib.crc32(site.encode())}")
    headers = {"ETag": tag, "Vary": "Accept"}
    if conditional.matches(request, tag):
        return conditional.not_modified(tag, {"Vary": "Accept"})
    stats = await run_in_threadpool(holder.cached, "statistics", lambda store: statistics(store, settings.base))
    graph = void_graph(stats, settings.base, Links(site), build)
    body = await run_in_threadpool(rdfout.serialize, rdfout.from_rdflib(graph), mime, settings.base)
    return Response(body, media_type=mime, headers=headers)
