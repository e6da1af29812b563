"""SHACL core shapes compiled to SPARQL, run on the Oxigraph store.

pyshacl validates a graph of a few thousand triples in seconds but spends
minutes on a national build (it walks every focus node in Python and re-parses
SPARQL constraints per node). The shapes in ``shapes/*.ttl`` use a small set of
SHACL Core components, so each (shape, constraint) compiles to one SPARQL
SELECT over the whole store that returns the violating focus nodes; Oxigraph
answers those in milliseconds to seconds.

The compiler knows exactly the components the shapes use (listed in
``SUPPORTED``) and refuses any other, so a new shape cannot silently go
unchecked. ``tests/test_shacl.py`` holds the two engines to the same verdict,
focus nodes and shapes on the bundled corpus and on a broken fixture for every
shape; pyshacl stays the reference (``kg validate --engine pyshacl``).

Reads a shapes graph (rdflib) and queries a store (pyoxigraph); writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

INSTANCE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"

#: Constraint parameters the compiler understands (besides sh:path, sh:message, sh:severity, targets).
SUPPORTED = {
    SH.minCount, SH.maxCount, SH.datatype, SH.minInclusive, SH.maxInclusive, SH.minLength, SH.pattern,
    SH.nodeKind, SH["class"], SH.node, SH["or"], SH.xone, SH.lessThan, SH.lessThanOrEquals,
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.hasValue, SH.sparql, SH.property,
}
#: What the compiler checks on a node shape itself (the rest of SUPPORTED belongs to property shapes).
NODE_LEVEL = {SH["class"], SH.nodeKind, SH.pattern, SH["or"], SH.xone, SH.sparql, SH.property}
IGNORED = {SH.path, SH.message, SH.severity, SH.targetClass, SH.targetObjectsOf, SH.declare, SH.name,
           SH.description, RDF.type, SH.deactivated}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this compiler does not implement."""


#: Where a compiled query takes its focus nodes from (see :meth:`Check.query_for`).
TARGET = "%%TARGET%%"


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT of ``?this`` (and maybe ``?value``) that lists violations.

    ``template`` names its focus nodes by :data:`TARGET`: the shape's targets over
    the whole store, or only the given nodes (an incremental build validates
    the nodes its change touched, nothing else).
    """

    shape: str  # the named node shape
    path: str | None
    message: str
    severity: str
    template: str
    target_groups: tuple[str, ...]  # the shape's target patterns, each a group binding ?this
    has_value: bool = False
    target_classes: tuple[str, ...] = ()  # sh:targetClass IRIs
    target_objects_of: tuple[str, ...] = ()  # sh:targetObjectsOf IRIs

    def applies(self, classes: set[str], predicates: set[str]) -> bool:
        """Whether some focus node can be a target: it is an instance of a target class (``classes``: every
        class of the focus nodes, superclasses included) or the object of a target predicate."""
        return bool(classes.intersection(self.target_classes) or predicates.intersection(self.target_objects_of))

    @property
    def query(self) -> str:
        """Every violation in the store."""
        targets = " UNION ".join(self.target_groups)
        return self.template.replace(TARGET, f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}")

    def query_for(self, focus: list[str]) -> str:
        """The violations among ``focus`` (IRIs) only."""
        values = " ".join(f"<{iri}>" for iri in focus)
        # each focus node is tested against the targets (EXISTS): a UNION of targets next to VALUES
        # would be evaluated for every node of the store first
        test = " || ".join(f"EXISTS {group}" for group in self.target_groups)
        return self.template.replace(TARGET, f"{{ VALUES ?this {{ {values} }} FILTER ({test}) }}")


def _term(t: object) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        return t.n3()
    raise UnsupportedShape(f"cannot use {t!r} in a query")


def _path(g: Graph, path: object) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if isinstance(path, BNode) and (path, RDF.first, None) in g:
        return "/".join(_path(g, p) for p in Collection(g, path))
    raise UnsupportedShape(f"unsupported path {path!r}")


def _check_params(g: Graph, shape: object) -> None:
    for p in set(g.predicates(shape, None)):
        if p not in SUPPORTED and p not in IGNORED:
            raise UnsupportedShape(f"{shape}: SHACL parameter {p} is not supported by the SPARQL compiler")


class Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.prefixes = "".join(
            f"PREFIX {g_prefix}: <{ns}>\n"
            for decl in shapes.objects(None, SH.declare)
            for g_prefix, ns in [(shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace))]
            if g_prefix is not None and ns is not None
        )

    # -- node shapes with targets -------------------------------------------------------
    def compile(self) -> list[Check]:
        checks: list[Check] = []
        for shape in sorted(set(self.g.subjects(RDF.type, SH.NodeShape)), key=str):
            if not self._targets(shape):
                continue
            checks += self._node_shape(shape)
        return checks

    def _targets(self, shape: object) -> list[str]:
        out = [f"{{ ?this {INSTANCE} {_term(c)} }}" for c in self.g.objects(shape, SH.targetClass)]
        out += [f"{{ ?_t {_term(p)} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return out

    def _severity(self, shape: object) -> str:
        sev = self.g.value(shape, SH.severity)
        return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"

    def _node_shape(self, shape: object) -> list[Check]:
        g = self.g
        _check_params(g, shape)
        for p in set(g.predicates(shape, None)) - NODE_LEVEL - IGNORED:
            raise UnsupportedShape(f"{shape}: {p} on a node shape is not supported by the SPARQL compiler")
        targets = tuple(self._targets(shape))
        kinds = (tuple(str(c) for c in g.objects(shape, SH.targetClass)),
                 tuple(str(p) for p in g.objects(shape, SH.targetObjectsOf)))
        name, sev = str(shape), self._severity(shape)
        checks = []

        def add(path: str | None, message: str, where: str, value: str = "") -> None:
            q = f"{self.prefixes}SELECT DISTINCT ?this {value} WHERE {{ {TARGET} {where} }}"
            checks.append(Check(name, path, message, sev, q, targets, False, *kinds))

        for c in g.objects(shape, SH["class"]):
            add(None, f"not an instance of {c}", f"FILTER NOT EXISTS {{ ?this {INSTANCE} {_term(c)} }}")
        for k in g.objects(shape, SH.nodeKind):
            if k != SH.IRI:
                raise UnsupportedShape(f"{shape}: sh:nodeKind {k}")
            add(None, "not an IRI", "FILTER (!isIRI(?this))")
        for p in g.objects(shape, SH.pattern):
            add(None, f"does not match {p}", f"FILTER (isBlank(?this) || !REGEX(STR(?this), {_term(p)}))")
        for lst in g.objects(shape, SH["or"]):
            conds = [self._conforms("?this", m) for m in Collection(g, lst)]
            add(None, "must conform to one of the shapes in sh:or", f"FILTER (!({' || '.join(conds)}))")
        for lst in g.objects(shape, SH.xone):
            members = list(Collection(g, lst))
            conds = [self._conforms("?this", m) for m in members]
            count = " + ".join(f"IF({c}, 1, 0)" for c in conds)
            add(None, "must conform to exactly one of the shapes in sh:xone", f"FILTER (({count}) != 1)")
        for sparql in g.objects(shape, SH.sparql):
            select = str(g.value(sparql, SH.select)).replace("$this", "?this")
            message = str(g.value(sparql, SH.message) or "SPARQL constraint")
            inner = select[select.index("WHERE") + len("WHERE"):].strip()
            if not (inner.startswith("{") and inner.endswith("}")):
                raise UnsupportedShape(f"{sparql}: the SELECT must end with its WHERE group")
            # the group's patterns join the focus nodes directly: as a nested group Oxigraph would
            # evaluate it for every node first (35 s instead of 0.1 s for a few focus nodes at 50k)
            add(None, message, inner[1:-1])
        for prop in g.objects(shape, SH.property):
            checks += self._property(shape, prop, targets, sev, kinds)
        return checks

    # -- property shapes --------------------------------------------------------------
    def _property(self, shape: object, prop: object, targets: tuple[str, ...], sev: str,
                  kinds: tuple[tuple[str, ...], tuple[str, ...]]) -> list[Check]:
        g = self.g
        _check_params(g, prop)
        path = _path(g, g.value(prop, SH.path))
        message = str(g.value(prop, SH.message) or f"constraint on {path}")
        checks: list[Check] = []

        def add(where: str) -> None:
            q = f"{self.prefixes}SELECT DISTINCT ?this ?value WHERE {{ {TARGET} {where} }}"
            checks.append(Check(str(shape), path, message, sev, q, targets, True, *kinds))

        def counted(cond: str, test: str) -> None:
            add(f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {TARGET} "
                f"OPTIONAL {{ ?this {path} ?v {cond} }} }} GROUP BY ?this }} FILTER ({test}) BIND (?n AS ?value)")

        each = f"?this {path} ?value ."
        # minCount 1 and maxCount 0/1 are most of the shapes: cheaper as (NOT) EXISTS than as counts
        if (n := g.value(prop, SH.minCount)) is not None:
            if int(n) == 1 and isinstance(g.value(prop, SH.path), URIRef):
                # (Oxigraph plans NOT EXISTS over a sequence path badly: those keep the count)
                add(f"FILTER NOT EXISTS {{ ?this {path} ?_v }} BIND (0 AS ?value)")
            else:
                counted("", f"?n < {int(n)}")
        if (n := g.value(prop, SH.maxCount)) is not None:
            if int(n) == 0:
                add(f"{each}")
            elif int(n) == 1:
                add(f"?this {path} ?value , ?_other . FILTER (?value != ?_other)")
            else:
                counted("", f"?n > {int(n)}")
        if (q := g.value(prop, SH.qualifiedValueShape)) is not None:
            cond = f"FILTER ({self._conforms('?v', q)})"
            lo, hi = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
            tests = ([f"?n < {int(lo)}"] if lo is not None else []) + ([f"?n > {int(hi)}"] if hi is not None else [])
            counted(cond, " || ".join(tests))
        for dt in g.objects(prop, SH.datatype):
            add(f"{each} FILTER (!isLiteral(?value) || DATATYPE(?value) != {_term(dt)})")
        for v in g.objects(prop, SH.minInclusive):
            add(f"{each} FILTER (!(?value >= {_term(v)}))")
        for v in g.objects(prop, SH.maxInclusive):
            add(f"{each} FILTER (!(?value <= {_term(v)}))")
        for v in g.objects(prop, SH.minLength):
            add(f"{each} FILTER (isBlank(?value) || STRLEN(STR(?value)) < {int(v)})")
        for v in g.objects(prop, SH.pattern):
            add(f"{each} FILTER (isBlank(?value) || !REGEX(STR(?value), {_term(v)}))")
        for k in g.objects(prop, SH.nodeKind):
            if k != SH.IRI:
                raise UnsupportedShape(f"{prop}: sh:nodeKind {k}")
            add(f"{each} FILTER (!isIRI(?value))")
        for c in g.objects(prop, SH["class"]):
            add(f"{each} FILTER NOT EXISTS {{ ?value {INSTANCE} {_term(c)} }}")
        for node in g.objects(prop, SH.node):
            if self._targets(node):
                continue  # the node shape checks these values itself, as its own focus nodes
            add(f"{each} FILTER (!({self._conforms('?value', node)}))")
        for lst in g.objects(prop, SH["or"]):
            conds = [self._conforms("?value", m) for m in Collection(g, lst)]
            add(f"{each} FILTER (!({' || '.join(conds)}))")
        for other in g.objects(prop, SH.lessThan):
            add(f"{each} ?this {_term(other)} ?_w . FILTER (!(?value < ?_w))")
        for other in g.objects(prop, SH.lessThanOrEquals):
            add(f"{each} ?this {_term(other)} ?_w . FILTER (!(?value <= ?_w))")
        for v in g.objects(prop, SH.hasValue):
            add(f"FILTER NOT EXISTS {{ ?this {path} {_term(v)} }} BIND ({_term(v)} AS ?value)")
        return checks

    # -- "does ?x conform to this (small, target-less) shape" as a SPARQL expression ---------
    def _conforms(self, var: str, shape: object) -> str:
        g = self.g
        _check_params(g, shape)
        parts: list[str] = []
        path = g.value(shape, SH.path)
        p = _path(g, path) if path is not None else None
        for v in g.objects(shape, SH.hasValue):
            parts.append(f"EXISTS {{ {var} {p} {_term(v)} }}" if p else f"({var} = {_term(v)})")
        for c in g.objects(shape, SH["class"]):
            parts.append(f"EXISTS {{ {var} {INSTANCE} {_term(c)} }}")
        for node in g.objects(shape, SH.node):
            parts.append(self._conforms(var, node))
        for prop in g.objects(shape, SH.property):
            parts.append(self._conforms(var, prop))
        for lst in g.objects(shape, SH["or"]):
            parts.append("(" + " || ".join(self._conforms(var, m) for m in Collection(g, lst)) + ")")
        if p is not None:
            lo, hi = g.value(shape, SH.minCount), g.value(shape, SH.maxCount)
            if lo is not None:
                if int(lo) > 1:
                    raise UnsupportedShape(f"{shape}: sh:minCount {lo} inside a nested shape")
                if int(lo) == 1:
                    parts.append(f"EXISTS {{ {var} {p} ?_a }}")
            if hi is not None:
                if int(hi) != 1:
                    raise UnsupportedShape(f"{shape}: sh:maxCount {hi} inside a nested shape")
                parts.append(f"NOT EXISTS {{ {var} {p} ?_a , ?_b FILTER (?_a != ?_b) }}")
        if not parts:
            raise UnsupportedShape(f"{shape}: nothing to test in a nested shape")
        return "(" + " && ".join(parts) + ")"


def compile_shapes(shapes: Graph) -> list[Check]:
    return Compiler(shapes).compile()


@dataclass(frozen=True)
class Violation:
    check: Check
    focus: str
    value: str | None


def run(
    store: ox.Store, checks: list[Check], *, union: bool = True, threads: int = 1, focus: list[str] | None = None,
    chunk: int = 2000,
) -> list[Violation]:
    """Every violation of every check, over the union of the store's graphs (or its default graph).

    With ``focus``, only those nodes are validated, ``chunk`` of them per query.
    Oxigraph evaluates queries outside the GIL, so ``threads`` > 1 runs checks side by side.
    """

    if focus is not None:
        classes, predicates = _kinds_of(store, checks, focus, union, chunk)
        checks = [c for c in checks if c.applies(classes, predicates)]

    def one(c: Check) -> list[Violation]:
        found = []
        if focus is None:
            queries = [c.query]
        else:
            queries = [c.query_for(focus[i : i + chunk]) for i in range(0, len(focus), chunk)]
        for query in queries:
            for row in store.query(query, use_default_graph_as_union=union):
                this = row["this"]
                value = row["value"] if c.has_value else None
                found.append(Violation(c, this.value if this is not None else "",
                                       value.value if value is not None else None))
        return found

    if threads <= 1:
        return [v for c in checks for v in one(c)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [v for part in pool.map(one, checks) for v in part]


def _kinds_of(store: ox.Store, checks: list[Check], focus: list[str], union: bool,
              chunk: int) -> tuple[set[str], set[str]]:
    """Every class the focus nodes belong to (superclasses too), and the target predicates that point to one.

    An incremental build validates a few nodes: the checks none of them can be a
    target of are not run at all (each query costs a few milliseconds even when
    it finds nothing).
    """
    classes: set[str] = set()
    predicates: set[str] = set()
    candidates = sorted({p for c in checks for p in c.target_objects_of})
    for i in range(0, len(focus), chunk):
        values = " ".join(f"<{iri}>" for iri in focus[i : i + chunk])
        classes |= {r["t"].value for r in store.query(
            f"SELECT DISTINCT ?t WHERE {{ VALUES ?x {{ {values} }} ?x {INSTANCE} ?t }}",
            use_default_graph_as_union=union)}
        for p in candidates:
            if p not in predicates and store.query(f"ASK {{ VALUES ?x {{ {values} }} ?_s <{p}> ?x }}",
                                                   use_default_graph_as_union=union):
                predicates.add(p)
    return classes, predicates
