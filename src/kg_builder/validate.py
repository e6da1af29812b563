"""Validate: SHACL core shapes (violations) and sanity checks (warnings).

Core shapes (``shapes/*.ttl``) run in pyshacl over one merged rdflib graph
with inference off (MODEL.md 3.9: sub-property inference invents
violations, and reference data must be in the data graph). Sanity checks
(``shapes/sanity/*.rq``, each a SELECT of ``?focus ?message``) run as plain
SPARQL on the Oxigraph store: the same checks as SHACL-SPARQL are two
orders of magnitude slower in pyshacl.

The report names, for a claim, its article and the quote it rests on.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SH

OA = Namespace("http://www.w3.org/ns/oa#")


@dataclass(frozen=True)
class Issue:
    """One line of the validation report."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    message: str
    shape: str | None = None
    value: str | None = None
    article: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Report:
    conforms: bool
    issues: tuple[Issue, ...]
    results_graph: Graph

    @property
    def violations(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "Violation"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "Violation"]


#: The base the shapes and sanity queries are written under (see :func:`rebase`).
DEFAULT_BASE = "https://w3id.org/kepatuhan-kg/"


#: Sanity checks are not SHACL shapes; the report names them with this prefix and the file's stem.
SANITY_SHAPE = "urn:kepatuhan-kg:sanity:"


def rebase(text: str, base: str) -> str:
    """Shapes and queries name concept IRIs under the default base; a build under another base rewrites them."""
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)


def load_shapes(shapes_dir: Path, base: str = DEFAULT_BASE) -> Graph:
    shapes = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"{shapes_dir}: no SHACL shapes (*.ttl) found")
    for path in files:
        try:
            shapes.parse(data=rebase(path.read_text(encoding="utf-8"), base), format="turtle")
        except Exception as exc:  # rdflib raises many kinds of parser errors
            raise ValueError(f"{path}: cannot parse shapes: {exc}") from exc
    return shapes


def shacl(data: Graph, shapes: Graph) -> Report:
    """Run the core shapes on ``data``; violations make the report non-conforming."""
    from pyshacl import validate as shacl_validate  # the reference engine: slow to import, rarely needed

    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    issues = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        severity = str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        path = results.value(r, SH.resultPath)
        msg = results.value(r, SH.resultMessage)
        value = results.value(r, SH.value)
        article, quote = _claim_context(data, focus) if isinstance(focus, URIRef) else (None, None)
        issues.append(
            Issue(
                severity=severity,
                focus=str(focus),
                path=None if path is None else _path_text(results, path),
                message=str(msg) if msg else "constraint not met",
                shape=str(results.value(r, SH.sourceShape)),
                value=None if value is None else str(value),
                article=article,
                quote=quote,
            )
        )
    issues.sort(key=lambda i: (i.severity != "Violation", i.focus, i.path or "", i.message))
    violations = any(i.severity == "Violation" for i in issues)
    return Report(conforms=not violations, issues=tuple(issues), results_graph=results)


def _path_text(g: Graph, path: object) -> str:
    if isinstance(path, URIRef):
        return str(path)
    items = list(g.items(path)) if (path, RDF.first, None) in g else []
    return " / ".join(str(i) for i in items) if items else str(path)


def _claim_context(data: Graph, focus: URIRef) -> tuple[str | None, str | None]:
    article = data.value(focus, PROV.wasDerivedFrom)
    quote = None
    ev = next((o for p, o in data.predicate_objects(focus) if str(p).endswith("/def/okg#evidence")), None)
    if ev is not None:
        for sel in data.objects(ev, OA.hasSelector):
            exact = data.value(sel, OA.exact)
            if exact is not None:
                quote = str(exact)
    return (str(article) if article else None), quote


def core(
    store: ox.Store, checks: list, base: str = DEFAULT_BASE, *, union: bool = True, threads: int = 1,
    focus: list[str] | None = None, chunk: int = 2000,
) -> list[Issue]:
    """The core shapes, compiled to SPARQL (:mod:`kg_builder.shacl`), run on the store (or on ``focus`` only)."""
    from kg_builder import shacl

    if focus is not None and not focus:
        return []
    out = []
    for v in shacl.run(store, checks, union=union, threads=threads, focus=focus, chunk=chunk):
        article, quote = _store_context(store, v.focus, base, union)
        out.append(Issue(v.check.severity, v.focus, v.check.path, v.check.message, shape=v.check.shape,
                         value=v.value, article=article, quote=quote))
    out.sort(key=lambda i: (i.severity != "Violation", i.focus, i.path or "", i.message))
    return out


def _store_context(store: ox.Store, focus: str, base: str, union: bool = True) -> tuple[str | None, str | None]:
    """A claim's article and quote, for the report."""
    if not focus.startswith(("http://", "https://")):
        return None, None
    for sol in store.query(
        f"""PREFIX okg: <{base}def/okg#> PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?f ?a ?q WHERE {{ ?f prov:wasDerivedFrom ?a . OPTIONAL {{ ?f okg:evidence/oa:hasSelector/oa:exact ?q }} }}
            LIMIT 1""",
        use_default_graph_as_union=union, substitutions={ox.Variable("f"): ox.NamedNode(focus)},
    ):
        return (sol["a"].value if sol["a"] else None), (sol["q"].value if sol["q"] else None)
    return None, None


def focused(query: str, focus: list[str]) -> str:
    """A sanity query restricted to ``focus``: ``VALUES ?focus`` opens its WHERE clause.

    Sanity queries are ``SELECT ?focus ?message WHERE { ... }`` (shapes/sanity/README
    convention); the first ``WHERE {`` is the query's own.
    """
    at = re.search(r"WHERE\s*\{", query, re.IGNORECASE)
    if at is None:
        raise ValueError("a sanity query must be SELECT ?focus ?message WHERE { ... }")
    values = " ".join(f"<{iri}>" for iri in focus)
    return f"{query[:at.end()]} VALUES ?focus {{ {values} }} {query[at.end():]}"


def sanity(
    store: ox.Store, sanity_dir: Path, base: str = DEFAULT_BASE, *, union: bool = True,
    focus: list[str] | None = None, chunk: int = 2000,
) -> list[Issue]:
    """The warning checks, each a ``SELECT ?focus ?message`` over the union graph (or about ``focus`` only)."""
    out: list[Issue] = []
    for path in sorted(sanity_dir.glob("*.rq")):
        text = rebase(path.read_text(encoding="utf-8"), base)
        severity = "Info" if "# severity: info" in text.lower() else "Warning"
        if focus is None:
            queries = [text]
        else:
            queries = [focused(text, focus[i : i + chunk]) for i in range(0, len(focus), chunk)]
        rows = [row for query in queries for row in store.query(query, use_default_graph_as_union=union)]
        for row in rows:
            node, message = row["focus"], row["message"]
            article, quote = _store_context(store, node.value, base, union)
            out.append(Issue(severity, node.value, None, message.value if message else path.stem,
                             shape=f"{SANITY_SHAPE}{path.stem}", article=article, quote=quote))
    return out


def findings(store: ox.Store, base: str = DEFAULT_BASE) -> list[dict[str, str | None]]:
    """Every data-quality finding of the graph, for the build report: type, message, article and quote.

    Two plain joins rather than one query with an OPTIONAL quote: Oxigraph evaluates an
    OPTIONAL's right side over the whole store (9 s at 50 000 articles, against 0.04 s).
    """
    prefixes = (f"PREFIX okg: <{base}def/okg#> PREFIX oa: <http://www.w3.org/ns/oa#> "
                "PREFIX prov: <http://www.w3.org/ns/prov#> ")
    quotes: dict[str, str] = {}
    for r in store.query(prefixes + """SELECT ?f ?quote WHERE { ?f a okg:QualityFinding ; okg:evidence ?span .
                                         ?span oa:hasSelector ?sel . ?sel oa:exact ?quote }""",
                         use_default_graph_as_union=True):
        quotes.setdefault(r["f"].value, r["quote"].value)
    out = [{"finding": r["f"].value, "type": r["type"].value.rsplit("/", 1)[-1], "message": r["message"].value,
            "article": r["article"].value, "quote": quotes.get(r["f"].value)}
           for r in store.query(prefixes + """SELECT ?f ?type ?message ?article WHERE {
                                  ?f a okg:QualityFinding ; okg:findingType ?type ; okg:message ?message ;
                                     prov:wasDerivedFrom ?article }""", use_default_graph_as_union=True)]
    return sorted(out, key=lambda f: (f["article"] or "", f["type"], f["finding"]))


def render(issues: list[Issue] | tuple[Issue, ...]) -> str:
    """The human report: one block per issue, violations first."""
    if not issues:
        return "No violations, no warnings.\n"
    lines = []
    for i in issues:
        lines.append(f"[{i.severity}] {i.focus}")
        if i.path:
            lines.append(f"    path:    {i.path}")
        lines.append(f"    message: {i.message}")
        if i.value:
            lines.append(f"    value:   {i.value}")
        if i.article:
            lines.append(f"    article: {i.article}")
        if i.quote:
            lines.append(f"    quote:   \"{' '.join(i.quote.split())}\"")
    counts = {s: sum(1 for i in issues if i.severity == s) for s in ("Violation", "Warning", "Info")}
    lines.append(f"\n{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info.")
    return "\n".join(lines) + "\n"


def report_graph(issues: list[Issue], results: Graph | None) -> Graph:
    """The whole report as SHACL: one ``sh:ValidationResult`` per issue.

    ``results`` is pyshacl's own results graph when the reference engine ran;
    issues of the compiled engine and of the sanity checks are written here.
    Each result about a claim also names the claim's article
    (``prov:wasDerivedFrom``) and the quote it rests on (``rdfs:comment``), as
    the text report does.
    """
    g = Graph()
    g.bind("sh", SH)
    if results is not None:
        g += results
    report = next(iter(g.subjects(RDF.type, SH.ValidationReport)), None) or BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.set((report, SH.conforms, Literal(not any(i.severity == "Violation" for i in issues))))
    for i in issues:
        sanity_check = (i.shape or "").startswith(SANITY_SHAPE)
        if results is not None and not sanity_check:
            continue  # pyshacl's own results are already in the graph
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, URIRef(i.focus) if i.focus.startswith(("http://", "https://", "urn:")) else BNode(i.focus)))
        g.add((r, SH.resultSeverity, SH[i.severity]))
        g.add((r, SH.resultMessage, Literal(i.message)))
        if sanity_check:
            g.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if i.shape:
            g.add((r, SH.sourceShape, URIRef(i.shape)))
        if i.path:
            steps = [URIRef(step.strip("<> ")) for step in re.findall(r"<[^>]*>", i.path)]
            if len(steps) == 1:
                g.add((r, SH.resultPath, steps[0]))
            elif steps:  # a sequence path is an RDF list
                g.add((r, SH.resultPath, Collection(g, BNode(), steps).uri))
        if i.value is not None:
            g.add((r, SH.value, Literal(i.value)))
    for r in list(g.subjects(RDF.type, SH.ValidationResult)):
        focus = g.value(r, SH.focusNode)
        issue = next((i for i in issues if i.focus == str(focus) and i.article), None)
        if issue:
            g.add((r, PROV.wasDerivedFrom, URIRef(issue.article)))
            if issue.quote:
                g.add((r, RDFS.comment, Literal(f"quote: {' '.join(issue.quote.split())}")))
    return g


def write_report(report_dir: Path, issues: list[Issue], results: Graph | None, summary: dict | None) -> None:
    """``validation.txt``, ``.json`` and ``.ttl``; and ``build.json`` when a build gives its ``summary``."""
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "validation.txt").write_text(render(issues), encoding="utf-8")
    (report_dir / "validation.json").write_text(
        json.dumps([asdict(i) for i in issues], indent=1, ensure_ascii=False), encoding="utf-8"
    )
    # N-Triples, which is Turtle too: rdflib's pretty Turtle takes a second for a few hundred issues
    report_graph(issues, results).serialize(report_dir / "validation.ttl", format="nt", encoding="utf-8")
    if summary is not None:
        (report_dir / "build.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False, default=str),
                                               encoding="utf-8")
