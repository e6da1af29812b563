"""Emit: articles, claims, evidence and reference entities as RDF.

Three named graphs (DESIGN.md "IRIs"): ``graph/reference`` (ontology,
schemes, rounds, entities), ``graph/claims`` (articles, claims, evidence,
people, findings, the run) and ``graph/consolidated`` (results and their
agreed values, written by :mod:`kg_builder.consolidate`). Every IRI comes from
:mod:`kg_builder.iri`; this module decides only which triples to write.

Literals are always well typed: scores ``xsd:decimal``, ranks and counts
``xsd:integer``, dates ``xsd:date`` only when the date exists (the printed text
goes to ``okg:eventDateText`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from kg_builder.iri import Iris, short_hash
from kg_builder.link import Gazetteer
from kg_builder.model import Article, Claim, Entity, Extraction, Finding, Person

if TYPE_CHECKING:
    from kg_builder.curation import Decision



class Vocab:
    """A namespace whose terms are made once.

    rdflib's ``Namespace`` builds (and validates) a new ``URIRef`` on every
    attribute access; emitting a national corpus asks for a few million terms,
    so each is kept after its first use.
    """

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(self._base + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)


RDF, RDFS, XSD, OWL = Vocab(str(ns.RDF)), Vocab(str(ns.RDFS)), Vocab(str(ns.XSD)), Vocab(str(ns.OWL))
PROV, SKOS, DCTERMS = Vocab(str(ns.PROV)), Vocab(str(ns.SKOS)), Vocab(str(ns.DCTERMS))
OA = Vocab("http://www.w3.org/ns/oa#")
ORG = Vocab("http://www.w3.org/ns/org#")
SCHEMA = Vocab("https://schema.org/")

CLAIM_CLASS = {
    "score": "ScoreClaim", "rank": "RankClaim", "topn": "TopNClaim", "zone": "ZoneClaim",
    "opinion": "OpinionClaim", "award": "AwardClaim", "coverage": "CoverageClaim",
    "dimension": "DimensionClaim",
}
ENTITY_CLASS = {
    "provinsi": "ProvincialGovernment", "kabupaten": "RegencyGovernment", "kota": "CityGovernment",
    "kementerian": "Ministry", "lembaga": "Agency", "unit": "ServiceUnit",
}
#: The base the Turtle files of ``ontology/`` are written under.
DEFAULT_BASE = "https://w3id.org/kepatuhan-kg/"
#: The assessing body is in the list of agencies but is not an assessed entity.
NOT_ASSESSED = {"lembaga-ombudsman-republik-indonesia"}


class Triples:
    """A write-only bag of triples: what the claims and consolidated graphs need.

    An rdflib ``Graph`` indexes every triple three ways as it is added, which
    dominates a national build; these graphs are only written out, so a list
    does (duplicates are removed when their N-Quads lines are made, in segments).
    """

    def __init__(self) -> None:
        self._items: list[tuple] = []

    def add(self, triple: tuple) -> None:
        self._items.append(triple)

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class RunInfo:
    """The build as a PROV activity.

    Its IRI names the software and rules version (:func:`run_iri`), not the
    build: a claim an unchanged article gave stays the same triple from build
    to build, and only the run's times and commit are restated.
    """

    iri: str
    started: str  # xsd:dateTime lexical form
    ended: str
    software_version: str
    rules_version: str
    git_commit: str | None


def run_iri(iris: Iris, software_version: str, rules_version: str) -> str:
    """The run's IRI: one per software and rules version (see :class:`RunInfo`)."""
    return iris.run(short_hash(software_version, rules_version))


def d(value: Decimal) -> Literal:
    """An ``xsd:decimal`` literal; the lexical form keeps the printed precision."""
    return Literal(str(value), datatype=XSD.decimal)


class Emitter:
    """Turns pipeline data into triples under one IRI base."""

    def __init__(self, base: str) -> None:
        self.iris = Iris(base)
        self.okg = Vocab(self.iris.okg)

    # -- reference -------------------------------------------------------------------
    def reference(
        self, ontology_dir: Path, gazetteer: Gazetteer, units: Iterable[Entity], years: Iterable[int] = ()
    ) -> Graph:
        """Ontology, schemes and curated reference data, plus every known entity.

        The Turtle files are written under the default base; a build under
        another base (``KG_BASE``) gets the same files with the base replaced,
        so that every IRI of the graph answers on the deployment's host.
        """
        g = Graph()
        for path in sorted(ontology_dir.glob("*.ttl")):
            text = path.read_text(encoding="utf-8")
            if self.iris.base != DEFAULT_BASE:
                text = text.replace(DEFAULT_BASE, self.iris.base)
            try:
                g.parse(data=text, format="turtle", publicID=path.as_uri())
            except Exception as exc:  # rdflib raises several types for bad Turtle
                raise ValueError(f"{path}: not valid Turtle: {exc}") from exc
        for e in gazetteer.entities.values():
            if e.key not in NOT_ASSESSED:
                self.entity(g, e)
        for u in units:
            self.entity(g, u)
        self.offices(g, gazetteer)
        for year in sorted(set(years)):
            self.round(g, year)
        return g

    def offices(self, g: Graph, gazetteer: Gazetteer) -> None:
        """The Ombudsman's provincial offices, one per province of the gazetteer."""
        okg, iris = self.okg, self.iris
        ori = URIRef(iris.org("ombudsman-ri"))
        for p in gazetteer.regions("provinsi"):
            office = URIRef(iris.org(f"ombudsman-ri/perwakilan/{p.key.removeprefix('prov-')}"))
            g.add((office, RDF.type, okg.RepresentativeOffice))
            g.add((office, RDFS.label, Literal(f"Ombudsman RI Perwakilan Provinsi {p.short_name}", lang="id")))
            g.add((office, ORG.unitOf, ori))
            g.add((office, okg.forProvince, URIRef(iris.entity(p.key))))

    def round(self, g: Graph, year: int) -> None:
        """A round an article reports that the curated reference data lacks: typed, dated, labelled."""
        okg = self.okg
        s = URIRef(self.iris.round(year))
        if (s, RDF.type, okg.AssessmentRound) in g:
            return
        g.add((s, RDF.type, okg.AssessmentRound))
        g.add((s, okg.assessmentYear, Literal(str(year), datatype=XSD.gYear)))
        g.add((s, SKOS.prefLabel, Literal(f"Penilaian kepatuhan {year}", lang="id")))
        g.add((s, SKOS.editorialNote, Literal("Named by an article; no curated reference data for this round.", lang="en")))

    def entity(self, g: Graph, e: Entity) -> None:
        okg, iris = self.okg, self.iris
        s = URIRef(iris.entity(e.key))
        g.add((s, RDF.type, okg[ENTITY_CLASS[e.kind]]))
        g.add((s, RDFS.label, Literal(e.name, lang="id")))
        if e.kind == "unit":
            g.add((s, ORG.unitOf, URIRef(iris.entity(e.parent or ""))))
            if e.unit_type:
                g.add((s, okg.unitType, URIRef(iris.concept("unit-type", e.unit_type))))
            return
        g.add((s, okg.entityCategory, URIRef(iris.concept("entity-category", e.kind))))
        for alt in e.alt_names:
            g.add((s, SKOS.altLabel, Literal(alt, lang="id")))
        if e.code:
            g.add((s, okg.kodeWilayah, Literal(e.code)))
        if e.bps_code:
            g.add((s, okg.bpsCode, Literal(e.bps_code)))
        if e.wikidata:
            g.add((s, SCHEMA.sameAs, URIRef(f"http://www.wikidata.org/entity/{e.wikidata}")))
        if e.province:
            g.add((s, okg.inProvince, URIRef(iris.entity(e.province))))

    # -- claims -----------------------------------------------------------------------
    def article(self, g: Graph, a: Article, shared: Graph | None = None) -> URIRef:
        """The article node into ``g``; its outlet, a node other articles describe too, into ``shared``."""
        okg, iris = self.okg, self.iris
        shared = g if shared is None else shared
        s = URIRef(iris.article(a.id))
        g.add((s, RDF.type, okg.NewsArticle))
        g.add((s, RDF.type, SCHEMA.NewsArticle))
        g.add((s, RDF.type, PROV.Entity))
        g.add((s, DCTERMS.identifier, Literal(a.id)))
        g.add((s, okg.contentSha256, Literal(a.sha256)))
        for f in (a.source_file, *a.also_source_files):
            g.add((s, okg.sourceFile, Literal(f)))
        g.add((s, SCHEMA.inLanguage, Literal("id")))
        meta = a.meta
        if meta.outlet:
            outlet = URIRef(iris.outlet(meta.outlet))
            g.add((s, SCHEMA.publisher, outlet))
            self.outlet(shared, outlet, meta.outlet)
        if meta.url:
            g.add((s, SCHEMA.url, URIRef(meta.url)))
        if meta.published:
            g.add((s, SCHEMA.datePublished, Literal(meta.published, datatype=XSD.date)))
        if meta.author:
            g.add((s, SCHEMA.author, Literal(meta.author)))
        if meta.editor:
            g.add((s, SCHEMA.editor, Literal(meta.editor)))
        if meta.headline:
            g.add((s, SCHEMA.headline, Literal(meta.headline)))
        if meta.dateline:
            g.add((s, SCHEMA.locationCreated, Literal(meta.dateline)))
        return s

    def evidence(self, g: Graph, a: Article, start: int, end: int, context: int) -> URIRef:
        """A span of the article with its quote and position selectors."""
        iris = self.iris
        art = URIRef(iris.article(a.id))
        span = URIRef(iris.span(a.id, start, end))
        quote = URIRef(f"{iris.article(a.id)}#quote={start},{end}")
        pos = URIRef(f"{iris.article(a.id)}#position={start},{end}")
        g.add((span, RDF.type, OA.SpecificResource))
        g.add((span, OA.hasSource, art))
        g.add((span, OA.hasSelector, quote))
        g.add((span, OA.hasSelector, pos))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(a.text[start:end])))
        g.add((quote, OA.prefix, Literal(a.text[max(0, start - context) : start])))
        g.add((quote, OA.suffix, Literal(a.text[end : end + context])))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(start, datatype=XSD.integer)))
        g.add((pos, OA.end, Literal(end, datatype=XSD.integer)))
        return span

    def claim_iri(self, a: Article | str, c: Claim) -> URIRef:
        """A claim's IRI: a hash of its article (or the article's id), kind, target, span and values."""
        target = f"{c.year}/{c.subject}" if c.subject else str(c.year)
        values = sorted((k, str(v)) for k, v in c.values().items())
        article_id = a if isinstance(a, str) else a.id
        return URIRef(self.iris.claim(article_id, c.kind, target, c.evidence.start, c.evidence.end, values))

    def result_iri(self, year: int, entity_key: str) -> URIRef:
        return URIRef(self.iris.result(year, entity_key))

    def claim(
        self, g: Graph, a: Article, c: Claim, run: URIRef, context: int, rank: str = "normal",
        attributed_to: URIRef | None = None,
    ) -> URIRef:
        okg, iris = self.okg, self.iris
        s = self.claim_iri(a, c)
        g.add((s, RDF.type, okg[CLAIM_CLASS[c.kind]]))
        g.add((s, RDF.type, okg.Claim))
        if c.subject:
            g.add((s, okg.aboutResult, self.result_iri(c.year, c.subject)))
        else:
            g.add((s, okg.aboutRound, URIRef(iris.round(c.year))))
        g.add((s, PROV.wasDerivedFrom, URIRef(iris.article(a.id))))
        g.add((s, PROV.wasGeneratedBy, run))
        g.add((s, okg.evidence, self.evidence(g, a, c.evidence.start, c.evidence.end, context)))
        g.add((s, okg.confidence, d(c.confidence)))
        g.add((s, okg.extractionRule, Literal(c.rule)))
        g.add((s, okg.statementRank, URIRef(iris.concept("statement-rank", rank))))
        if attributed_to is not None:
            g.add((s, PROV.wasAttributedTo, attributed_to))
        if c.score is not None:
            g.add((s, okg.score, d(c.score)))
        if c.rank is not None:
            g.add((s, okg.rankPosition, Literal(c.rank, datatype=XSD.integer)))
        if c.rank_of is not None:
            g.add((s, okg.rankOutOf, Literal(c.rank_of, datatype=XSD.integer)))
        if c.top_n is not None:
            g.add((s, okg.topN, Literal(c.top_n, datatype=XSD.integer)))
        if c.rank_scope:
            g.add((s, okg.rankScope, URIRef(iris.concept("rank-scope", c.rank_scope))))
        if c.zone:
            g.add((s, okg.zone, URIRef(iris.concept("zone", c.zone))))
        if c.opinion:
            g.add((s, okg.opinion, URIRef(iris.concept(c.opinion_scheme or "opinion", c.opinion))))
        if c.stated_label:
            g.add((s, okg.statedLabel, Literal(" ".join(c.stated_label.split()))))
        if c.category:
            g.add((s, okg.entityCategory, URIRef(iris.concept("entity-category", c.category))))
        if c.count is not None:
            g.add((s, okg["count"], Literal(c.count, datatype=XSD.integer)))
        if c.dimension:
            g.add((s, okg.dimension, URIRef(iris.concept("dimension", c.dimension))))
        if c.kind == "award":
            if c.presenter:
                g.add((s, okg.presentedBy, URIRef(iris.person(c.presenter))))
            if c.presenter_role:
                g.add((s, okg.presenterRole, URIRef(iris.concept("presenter-role", _role(c.presenter_role)))))
            if c.recipient:
                g.add((s, okg.receivedBy, URIRef(iris.person(c.recipient))))
            if c.awarding_body:
                g.add((s, okg.awardingBody, URIRef(iris.org(c.awarding_body))))
            if c.event_date:
                g.add((s, okg.eventDate, Literal(c.event_date, datatype=XSD.date)))
            if c.event_date_text:
                g.add((s, okg.eventDateText, Literal(c.event_date_text)))
            if c.event_place:
                g.add((s, okg.eventPlace, Literal(c.event_place)))
            if c.stated_weekday:
                g.add((s, okg.statedWeekday, Literal(c.stated_weekday)))
            if c.computed_weekday:
                g.add((s, okg.computedWeekday, Literal(c.computed_weekday)))
            if c.date_issue:
                g.add((s, okg.dateIssue, Literal(c.date_issue)))
        return s

    def person(self, g: Graph, p: Person) -> None:
        """An official as the article names them (several articles may describe one person)."""
        s = URIRef(self.iris.person(p.key))
        g.add((s, RDF.type, SCHEMA.Person))
        g.add((s, RDF.type, PROV.Person))
        g.add((s, SCHEMA.name, Literal(p.name)))
        g.add((s, RDFS.label, Literal(p.name)))
        for v in p.variants:
            g.add((s, SCHEMA.alternateName, Literal(v)))
        if p.office:
            g.add((s, ORG.memberOf, URIRef(self.iris.org(p.office))))

    def outlet(self, g: Graph, s: URIRef, name: str, others: Iterable[str] = ()) -> None:
        """A news outlet: its name (the one printed most often, when articles differ) and the others."""
        g.add((s, RDF.type, SCHEMA.NewsMediaOrganization))
        g.add((s, SCHEMA.name, Literal(name)))
        for other in others:
            g.add((s, SCHEMA.alternateName, Literal(other)))

    def curator(self, g: Graph, s: URIRef, name: str, others: Iterable[str] = ()) -> None:
        """A person who reviewed claims (``curation/*.yaml``)."""
        g.add((s, RDF.type, PROV.Person))
        g.add((s, RDF.type, SCHEMA.Person))
        g.add((s, SCHEMA.name, Literal(name)))
        for other in others:
            g.add((s, SCHEMA.alternateName, Literal(other)))

    def finding(self, g: Graph, a: Article | str, f: Finding, context: int) -> URIRef:
        """A data-quality finding of one article.

        Given the article, the finding describes its evidence span; given only
        the article's id (a finding across claims, which rests on a claim's own
        span), it points to the span the claim's article already describes.
        """
        okg, iris = self.okg, self.iris
        article_id = a if isinstance(a, str) else a.id
        s = URIRef(iris.finding(article_id, f.type, f.evidence.start, f.evidence.end, f.about))
        g.add((s, RDF.type, okg.QualityFinding))
        g.add((s, okg.findingType, URIRef(iris.concept("finding-type", f.type))))
        g.add((s, okg.message, Literal(f.message, lang="en")))
        g.add((s, PROV.wasDerivedFrom, URIRef(iris.article(article_id))))
        if isinstance(a, str):
            span = URIRef(iris.span(article_id, f.evidence.start, f.evidence.end))
        else:
            span = self.evidence(g, a, f.evidence.start, f.evidence.end, context)
        g.add((s, okg.evidence, span))
        if f.about:
            target = (iris.person(f.about) if f.type == "name-variant"
                      else iris.org("ombudsman-ri") if f.type == "body-name-variant" else iris.entity(f.about))
            g.add((s, okg.findingAbout, URIRef(target)))
        return s

    def extraction(
        self, g: Graph, a: Article, x: Extraction, run: URIRef, context: int, ranks: dict[URIRef, str] | None = None,
        shared: Graph | None = None,
    ) -> None:
        """All triples of one article: the article, its claims (with curated ranks), people and findings.

        Nodes other articles may describe too (people, the outlet) go to ``shared`` when it is given.
        """
        shared = g if shared is None else shared
        self.article(g, a, shared)
        g.add((run, PROV.used, URIRef(self.iris.article(a.id))))
        for p in x.people:
            self.person(shared, p)
        for c in x.claims:
            self.claim(g, a, c, run, context, rank=(ranks or {}).get(self.claim_iri(a, c), "normal"))
        for f in x.findings:
            self.finding(g, a, f, context)

    def curation(
        self, g: Graph, d: Decision, a: Article, context: int, shared: Graph | None = None
    ) -> list[URIRef]:
        """A curator's decision as a PROV activity; an added fact becomes a claim it generated.

        The curator, a person other decisions name too, goes to ``shared`` when it is given.
        """
        okg, iris = self.okg, self.iris
        shared = g if shared is None else shared
        e = d.entry
        act = URIRef(iris.curation(e.file, e.index, e.action, a.id, e.quote))
        curator = URIRef(iris.curator(e.curator_key))
        self.curator(shared, curator, e.curator)
        g.add((act, RDF.type, okg.Curation))
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, PROV.wasAssociatedWith, curator))
        g.add((act, okg.curationReason, Literal(e.reason)))
        g.add((act, RDFS.label, Literal(f"{e.action}: {e.file}, entry {e.index + 1}")))
        if e.date and len(e.date) == 10:
            g.add((act, PROV.endedAtTime, Literal(f"{e.date}T00:00:00Z", datatype=XSD.dateTime)))
        g.add((act, PROV.used, URIRef(iris.article(a.id))))
        made = []
        for c in d.claims:
            if d.added:
                s = self.claim(g, a, c, act, context, rank="normal", attributed_to=curator)
            else:
                s = self.claim_iri(a, c)
                g.add((s, PROV.wasInfluencedBy, act))
                g.add((act, PROV.used, s))
            made.append(s)
        return made

    def run(self, g: Graph, info: RunInfo) -> URIRef:
        """The run and its software agent; each article adds ``prov:used`` itself (:meth:`extraction`)."""
        okg = self.okg
        s = URIRef(info.iri)
        agent = URIRef(self.iris.agent(info.software_version))
        g.add((s, RDF.type, okg.ExtractionRun))
        g.add((s, RDF.type, PROV.Activity))
        g.add((s, PROV.startedAtTime, Literal(info.started, datatype=XSD.dateTime)))
        g.add((s, PROV.endedAtTime, Literal(info.ended, datatype=XSD.dateTime)))
        g.add((s, PROV.wasAssociatedWith, agent))
        g.add((s, okg.rulesVersion, Literal(info.rules_version)))
        g.add((s, okg.extractionMethod, URIRef(self.iris.concept("extraction-method", "rule-based"))))
        if info.git_commit:
            g.add((s, okg.gitCommit, Literal(info.git_commit)))
        g.add((agent, RDF.type, okg.Extractor))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(f"kg-builder {info.software_version}")))
        g.add((agent, OWL.versionInfo, Literal(info.software_version)))
        return s


def _role(role: str) -> str:
    """Recipients' titles are not presenter roles; anything else is ``other``."""
    return role if role in {"ketua", "wakil-ketua", "anggota", "kepala-perwakilan", "pjs-kepala-perwakilan",
                            "asisten", "gubernur"} else "other"
