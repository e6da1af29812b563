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
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace, URIRef
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


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"{shapes_dir}: no SHACL shapes (*.ttl) found")
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of parser errors
            raise ValueError(f"{path}: cannot parse shapes: {exc}") from exc
    return shapes


def shacl(data: Graph, shapes: Graph) -> Report:
    """Run the core shapes on ``data``; violations make the report non-conforming."""
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
    ev = data.value(focus, URIRef("https://w3id.org/kepatuhan-kg/def/okg#evidence"))
    if ev is not None:
        for sel in data.objects(ev, OA.hasSelector):
            exact = data.value(sel, OA.exact)
            if exact is not None:
                quote = str(exact)
    return (str(article) if article else None), quote


def sanity(store: ox.Store, sanity_dir: Path) -> list[Issue]:
    """The warning checks, each a ``SELECT ?focus ?message`` over the union graph."""
    out = []
    for path in sorted(sanity_dir.glob("*.rq")):
        query = path.read_text(encoding="utf-8")
        severity = "Info" if "# severity: info" in query.lower() else "Warning"
        for row in store.query(query, use_default_graph_as_union=True):
            focus = row["focus"]
            message = row["message"]
            article = quote = None
            for sol in store.query(
                """PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
                   PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#>
                   SELECT ?f ?a ?q WHERE { ?f prov:wasDerivedFrom ?a .
                     OPTIONAL { ?f okg:evidence/oa:hasSelector/oa:exact ?q } } LIMIT 1""",
                use_default_graph_as_union=True,
                substitutions={ox.Variable("f"): focus},
            ):
                article = sol["a"].value if sol["a"] else None
                quote = sol["q"].value if sol["q"] else None
            out.append(
                Issue(severity, focus.value, None, message.value if message else path.stem,
                      shape=path.stem, article=article, quote=quote)
            )
    return out


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


def write_report(report_dir: Path, issues: list[Issue], results: Graph | None, extra: dict) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "validation.txt").write_text(render(issues), encoding="utf-8")
    (report_dir / "validation.json").write_text(
        json.dumps([asdict(i) for i in issues], indent=1, ensure_ascii=False), encoding="utf-8"
    )
    if results is not None:
        results.serialize(report_dir / "validation.ttl", format="turtle")
    (report_dir / "build.json").write_text(json.dumps(extra, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
