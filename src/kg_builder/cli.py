"""The ``kg`` command: build, validate, extract, eval, query, serve.

Only argument parsing and printing live here; each command calls one
function of the pipeline modules. Exit codes: 0 success, 1 the graph does
not conform (or a query failed), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from kg_builder import __version__
from kg_builder.config import Settings, settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "out", None):
        overrides["out_dir"] = Path(args.out)
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = Path(args.corpus)
    if getattr(args, "shapes", None):
        overrides["shapes_dir"] = Path(args.shapes)
    if getattr(args, "curation", None):
        overrides["curation_dir"] = Path(args.curation)
    if getattr(args, "base", None):
        overrides["base"] = args.base
    if getattr(args, "jobs", None) is not None:
        overrides["jobs"] = args.jobs
    return settings(**overrides)


def cmd_build(args: argparse.Namespace) -> int:
    from kg_builder.build import BuildError, build

    s = _settings(args)
    try:
        result = build(s, strict=args.strict, full=args.full)
    except BuildError as exc:
        print(f"kg build: failed, nothing replaced: {exc}", file=sys.stderr)
        return 2
    for e in result.ingest_errors:
        print(f"kg build: skipped {e}", file=sys.stderr)
    for u in result.unlinked:
        print(f"kg build: unlinked mention {u['surface']!r} in {u['file']}", file=sys.stderr)
    for f in result.findings[:20]:
        quote = f" \"{' '.join((f['quote'] or '').split())}\"" if f["quote"] else ""
        print(f"kg build: finding [{f['type']}] {f['message']}{quote}", file=sys.stderr)
    if len(result.findings) > 20:
        print(f"kg build: ... {len(result.findings) - 20} more findings in {s.out_dir / 'report' / 'build.json'}",
              file=sys.stderr)
    violations = [i for i in result.issues if i.severity == "Violation"]
    warnings = [i for i in result.issues if i.severity != "Violation"]
    if not result.conforms:
        from kg_builder.validate import render

        print(render(violations), file=sys.stderr)
        print(
            f"kg build: the graph does not conform ({len(violations)} violations); "
            f"previous {s.out_dir / 'kg.nq'} and store kept. Report: {s.out_dir / 'report'}",
            file=sys.stderr,
        )
        return 1
    how = "incremental" if result.incremental else f"clean ({result.reason})" if result.reason else "clean"
    print(
        f"kg build: {result.articles} articles, {result.claims} claims, {result.triples} quads; "
        f"conforms ({len(warnings)} warnings). {how} build: {result.extracted} articles extracted. "
        f"Output in {s.out_dir}"
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """SHACL on the built graph. The default engine runs the shapes compiled to SPARQL on
    Oxigraph (what ``kg build`` does); ``--engine pyshacl`` runs the reference engine."""
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    from kg_builder import shacl, validate
    from kg_builder.store import open_store

    s = _settings(args)
    nq = s.out_dir / "kg.nq"
    if not nq.exists():
        print(f"kg validate: {nq} does not exist; run `kg build` first", file=sys.stderr)
        return 2
    try:
        store = open_store(s.out_dir)
    except (FileNotFoundError, OSError):
        store = ox.Store()
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    shapes = validate.load_shapes(s.shapes_dir, s.base)
    results = None
    if args.engine == "pyshacl":
        ds = Dataset()
        ds.parse(nq, format="nquads")
        merged = Graph()
        for ctx in ds.graphs():
            merged += ctx
        report = validate.shacl(merged, shapes)
        issues, results = list(report.issues), report.results_graph
    else:
        issues = validate.core(store, shacl.compile_shapes(shapes), s.base)
    issues += validate.sanity(store, s.shapes_dir / "sanity", s.base)
    validate.write_report(s.out_dir / "report", issues, results, None)  # build.json stays the build's
    print(validate.render(issues), end="")
    return 1 if any(i.severity == "Violation" for i in issues) else 0


def _json_default(o: object) -> object:
    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(type(o))


def cmd_extract(args: argparse.Namespace) -> int:
    from kg_builder.extract import extract
    from kg_builder.ingest import IngestError, read_article
    from kg_builder.link import Gazetteer

    s = settings()
    path = Path(args.file)
    try:
        article = read_article(path, path.parent, s)
    except (IngestError, OSError) as exc:
        print(f"kg extract: {exc}", file=sys.stderr)
        return 2
    x = extract(article, Gazetteer.load(s.reference_dir))
    if args.json:
        data = asdict(x)
        data["article"] = {"id": article.id, "sha256": article.sha256, "source_file": article.source_file,
                           "meta": asdict(article.meta), "furniture": [asdict(f) for f in article.furniture]}
        for c in data["claims"]:
            c["quote"] = article.text[c["evidence"]["start"] : c["evidence"]["end"]]
        print(json.dumps(data, indent=1, ensure_ascii=False, default=_json_default))
        return 0
    print(f"{article.source_file}  id={article.id}  year={x.assessment_year}  main={x.main_entity}")
    for c in x.claims:
        values = ", ".join(f"{k}={v}" for k, v in c.values().items())
        quote = " ".join(article.text[c.evidence.start : c.evidence.end].split())
        print(f"  {c.kind:9} {c.year} {c.subject or '-':45} {values}\n            [{c.evidence.start},{c.evidence.end}] \"{quote}\"")
    for f in x.findings:
        print(f"  finding   {f.type}: {f.message}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg_builder.query import QueryError, run_query

    s = _settings(args)
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    if not text:
        print("kg query: give a QUERY or --file F.rq", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(run_query(s.out_dir, text, args.format))
    except QueryError as exc:
        print(f"kg query: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kg_builder.server.app import create_app
    from kg_builder.server.run import run

    s = _settings(args)
    if args.query_timeout is not None:
        s = replace(s, query_timeout_s=args.query_timeout)
    if args.workers is not None:
        s = replace(s, query_workers=args.workers)
    if args.queries:
        s = replace(s, queries_dir=Path(args.queries))
    if not (s.out_dir / "store").exists():
        print(f"kg serve: {s.out_dir / 'store'} does not exist; run `kg build` first", file=sys.stderr)
        return 2
    run(create_app(s), host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kg_builder.evaluate import evaluate, render

    result = evaluate(Path(args.corpus), Path(args.gold), settings())
    print(render(result, show_errors=not args.summary))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Kepatuhan KG: build, validate and serve the graph.")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="the whole pipeline: corpus -> validated graph and store")
    b.add_argument("--corpus", default=None, help="corpus directory (default: corpus/)")
    b.add_argument("--out", default=None, help="output directory (default: build/)")
    b.add_argument("--shapes", default=None, help="SHACL shapes directory (default: shapes/)")
    b.add_argument("--strict", action="store_true", help="fail on any unreadable input file")
    b.add_argument("--curation", help="folder of reviewed decisions (*.yaml); default curation/ (KG_CURATION_DIR)")
    b.add_argument("--full", action="store_true",
                   help="a clean build of the whole corpus, even where the last build's manifest allows an "
                        "incremental one")
    b.add_argument("--jobs", type=int, default=None, help="extraction processes (default: every core)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="SHACL validation of the built graph, with a readable report")
    v.add_argument("--out", default=None)
    v.add_argument("--shapes", default=None)
    v.add_argument("--engine", choices=["sparql", "pyshacl"], default="sparql",
                   help="sparql: the shapes compiled to SPARQL on Oxigraph (fast); pyshacl: the reference engine")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("extract", help="what the extractor finds in one article, with spans")
    e.add_argument("file")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_extract)

    ev = sub.add_parser("eval", help="precision/recall/F1 per field against gold files")
    ev.add_argument("--corpus", required=True)
    ev.add_argument("--gold", required=True)
    ev.add_argument("--summary", action="store_true", help="figures only, no list of misses")
    ev.set_defaults(func=cmd_eval)

    q = sub.add_parser("query", help="SPARQL on the built store")
    q.add_argument("query", nargs="?")
    q.add_argument("--file")
    q.add_argument("--out", default=None)
    q.add_argument("--format", default="table", choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples"])
    q.set_defaults(func=cmd_query)

    sv = sub.add_parser("serve", help="the SPARQL endpoint and Linked Data server")
    sv.add_argument("--out", default=None)
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--query-timeout", type=float, default=None, help="seconds per query (default 30, or KG_QUERY_TIMEOUT)")
    sv.add_argument("--workers", type=int, default=None, help="query worker processes (default 4, or KG_QUERY_WORKERS)")
    sv.add_argument("--queries", default=None, help="the query catalogue folder (default queries/)")
    sv.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    sv.add_argument("--no-access-log", dest="access_log", action="store_false", help="do not log each request")
    sv.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))
