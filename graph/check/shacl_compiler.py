"""A SHACL engine for stackmap's shapes that compiles each shape to SPARQL and runs it on Oxigraph.

The shapes in ontology/shapes.ttl stay the definition of valid data; this module only evaluates them
faster than pyshacl (which runs its SPARQL on rdflib: about 13 s on the shipped map, with each query
text prepared once, where this engine takes a fraction of a second). It supports the part of SHACL
the shapes use, and refuses anything else at compile time:

- targets: sh:targetClass (instances of the class and of its sub-classes);
- property shapes whose sh:path is an IRI, an sh:inversePath or an sh:alternativePath of IRIs;
- sh:minCount, sh:maxCount, sh:class, sh:datatype (with lexical checks), sh:nodeKind, sh:minLength,
  sh:maxLength, sh:pattern (+ sh:flags), sh:in, sh:min/maxInclusive, sh:min/maxExclusive, sh:or,
  sh:node, and nested property shapes with sh:minCount or sh:maxCount 0/1 inside sh:node and sh:or;
- SPARQL-based constraints (sh:sparql with sh:select, sh:prefixes/sh:declare, {?var} messages).

Tests run pyshacl on the same data and require the same results.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..source import vocab

SH = vocab.SH
_TYPE_PATH = f"<{vocab.RDF_TYPE}>/<{vocab.RDFS}subClassOf>*"
_NO_LIMIT = 10**15

# Lexical forms a literal of these datatypes must have to be well-typed.
_LEXICAL = {
    vocab.XSD_DECIMAL: r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    vocab.XSD_INTEGER: r"^[+-]?[0-9]+$",
    vocab.XSD_BOOLEAN: r"^(true|false|1|0)$",
    vocab.XSD_DATE: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this engine does not compile."""


@dataclass(frozen=True)
class RawResult:
    """One validation result: focus node, path (IRI or None), value (or None) and message."""

    focus: str
    path: str | None
    value: str | None
    message: str


@dataclass(frozen=True)
class CompiledCheck:
    """One SPARQL query that returns the violations of one constraint (?this, ?path, ?value)."""

    query: str
    message: str
    cycle_predicates: tuple[str, ...] = ()  # a `$this (p|q)+ $this` constraint: run only if these edges cycle
    precheck: str | None = None  # an ASK that is false when the query cannot find a violation
    messages: tuple[tuple[str, str], ...] = ()  # (path IRI, message) of merged checks, else `message` for all


def _missing_query(target: str, paths: list[str]) -> str:
    """The targets that lack a value of one of paths (minCount 1 of each), with that ?path."""
    values = " ".join(f"<{p}>" for p in paths)
    return (
        f"SELECT ?this ?path WHERE {{ {target} VALUES ?path {{ {values} }} "
        "OPTIONAL { ?this ?path ?value } FILTER (!BOUND(?value)) }"
    )


def _merge_missing(checks: list[CompiledCheck], target: str) -> list[CompiledCheck]:
    """checks with the minCount checks of one target (those carrying `messages`) merged into one
    query over VALUES ?path: the targets are enumerated once instead of once per property."""
    merged = [c for c in checks if c.messages]
    if len(merged) < 2:
        return checks
    messages = tuple(pair for c in merged for pair in c.messages)
    paths = sorted({path for path, _ in messages})
    one = CompiledCheck(_missing_query(target, paths), merged[0].message, messages=messages)
    first = checks.index(merged[0])
    rest = [c for c in checks if not c.messages]
    return [*rest[:first], one, *rest[first:]]


class _Shapes:
    """Index of the shapes graph: subject -> predicate -> objects."""

    def __init__(self, triples: list[ox.Triple]):
        self.index: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.index[t.subject][t.predicate.value].append(t.object)

    def objects(self, node, prop: str) -> list:
        return self.index.get(node, {}).get(SH + prop if "://" not in prop else prop, [])

    def one(self, node, prop: str):
        values = self.objects(node, prop)
        return values[0] if values else None

    def items(self, head) -> list:
        out = []
        while head is not None and not (isinstance(head, ox.NamedNode) and head.value == vocab.RDF + "nil"):
            out.append(self.one(head, vocab.RDF + "first"))
            head = self.one(head, vocab.RDF + "rest")
        return out


def _term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return str(term)
    raise UnsupportedShape(f"blank node {term} where a term is expected")


class _Compiler:
    def __init__(self, shapes: _Shapes):
        self.shapes = shapes
        self.fresh = itertools.count()

    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    # -- paths ------------------------------------------------------------------------------------

    def path(self, node) -> tuple[str, str | None, list[str]]:
        """(SPARQL path text, the single predicate IRI or None, the alternative predicate IRIs)."""
        if isinstance(node, ox.NamedNode):
            return f"<{node.value}>", node.value, [node.value]
        inverse = self.shapes.one(node, "inversePath")
        if isinstance(inverse, ox.NamedNode):
            return f"^<{inverse.value}>", inverse.value, []
        alternatives = self.shapes.one(node, "alternativePath")
        if alternatives is not None:
            iris = [t.value for t in self.shapes.items(alternatives)]
            return "(" + "|".join(f"<{i}>" for i in iris) + ")", None, iris
        raise UnsupportedShape(f"unsupported sh:path {node}")

    # -- value conformance --------------------------------------------------------------------------

    def conforms(self, shape, value: str) -> str:
        """A SPARQL expression, true when `value` conforms to every constraint of `shape`."""
        s = self.shapes
        parts: list[str] = []
        for cls in s.objects(shape, "class"):
            parts.append(f"EXISTS {{ {value} {_TYPE_PATH} <{cls.value}> }}")
        for dt in s.objects(shape, "datatype"):
            check = f"(isLiteral({value}) && DATATYPE({value}) = <{dt.value}>"
            if dt.value in _LEXICAL:  # well-typed: the lexical form matches and the value casts
                check += f' && REGEX(STR({value}), "{_LEXICAL[dt.value]}")'
                check += f" && COALESCE(STRLEN(STR(<{dt.value}>(STR({value})))) > 0, false)"
            parts.append(check + ")")
        for kind in s.objects(shape, "nodeKind"):
            test = {SH + "IRI": "isIRI", SH + "Literal": "isLiteral", SH + "BlankNode": "isBlank"}.get(kind.value)
            if test is None:
                raise UnsupportedShape(f"sh:nodeKind {kind.value}")
            parts.append(f"{test}({value})")
        for n in s.objects(shape, "minLength"):
            parts.append(f"(!isBlank({value}) && STRLEN(STR({value})) >= {int(n.value)})")
        for n in s.objects(shape, "maxLength"):
            parts.append(f"(!isBlank({value}) && STRLEN(STR({value})) <= {int(n.value)})")
        for pattern in s.objects(shape, "pattern"):
            flags = s.one(shape, "flags")
            extra = f", {_term(flags)}" if flags is not None else ""
            parts.append(f"(!isBlank({value}) && REGEX(STR({value}), {_term(pattern)}{extra}))")
        for members in s.objects(shape, "in"):
            parts.append(f"({value} IN ({', '.join(_term(m) for m in s.items(members))}))")
        for prop, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
            for bound in s.objects(shape, prop):
                parts.append(f"COALESCE({value} {op} {_term(bound)}, false)")
        for alternatives in s.objects(shape, "or"):
            options = [self.conforms(member, value) for member in s.items(alternatives)]
            parts.append("(" + " || ".join(options) + ")")
        for node in s.objects(shape, "node"):
            parts.append(self.conforms(node, value))
        for prop in s.objects(shape, "property"):
            text, _, _ = self.path(s.one(prop, "path"))
            other = self.var()
            for n in s.objects(prop, "maxCount"):
                if int(n.value) != 0:
                    raise UnsupportedShape("nested sh:maxCount other than 0")
                parts.append(f"NOT EXISTS {{ {value} {text} {other} }}")
            for n in s.objects(prop, "minCount"):
                if int(n.value) != 1:
                    raise UnsupportedShape("nested sh:minCount other than 1")
                parts.append(f"EXISTS {{ {value} {text} {other} }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    # -- checks ---------------------------------------------------------------------------------------

    def property_checks(self, shape, target: str, message: str | None) -> list[CompiledCheck]:
        s = self.shapes
        path_node = s.one(shape, "path")
        text, single, alternatives = self.path(path_node)
        message = str(s.one(shape, "message").value) if s.one(shape, "message") else message or "value does not conform"
        if single is not None and not text.startswith("^"):
            step = f"?this <{single}> ?value . BIND (<{single}> AS ?path)"
        elif single is not None:
            step = f"?value <{single}> ?this . BIND (<{single}> AS ?path)"
        else:
            step = f"VALUES ?path {{ {' '.join(f'<{i}>' for i in alternatives)} }} ?this ?path ?value ."
        checks = []
        minimum = [int(n.value) for n in s.objects(shape, "minCount")]
        maximum = [int(n.value) for n in s.objects(shape, "maxCount")]
        if single is not None and set(minimum + maximum) <= {1}:
            # Counts of one predicate as joins, the property's triples first (most properties are rare
            # on their targets): far faster on Oxigraph than grouping every target.
            plain = f"?value <{single}> ?this" if text.startswith("^") else f"?this <{single}> ?value"
            bind = f"BIND (<{single}> AS ?path)"
            if maximum:
                other = plain.replace("?value", "?_other")
                # Whether any node at all has two values of the predicate (more of its triples than
                # nodes), shared by every shape of that predicate: far cheaper than the join with the target.
                many = plain.replace("?this", "?_s").replace("?value", "?_o")
                node = "?_o" if text.startswith("^") else "?_s"
                checks.append(
                    CompiledCheck(
                        f"SELECT DISTINCT ?this ?path WHERE {{ {plain} . {other} . "
                        f"FILTER (!sameTerm(?value, ?_other)) {target} {bind} }}",
                        message,
                        precheck=f"ASK {{ {{ SELECT (COUNT(*) AS ?_n) (COUNT(DISTINCT {node}) AS ?_m) "
                        f"WHERE {{ {many} }} }} FILTER (?_n != ?_m) }}",
                    )
                )
            if minimum and text.startswith("^"):
                checks.append(
                    CompiledCheck(
                        f"SELECT ?this ?path WHERE {{ {target} OPTIONAL {{ {plain} }} "
                        f"FILTER (!BOUND(?value)) {bind} }}",
                        message,
                    )
                )
            elif minimum:  # merged with the target's other minCount checks by node_shape
                checks.append(CompiledCheck(_missing_query(target, [single]), message, messages=((single, message),)))
        elif minimum or maximum:
            counts = [f"COUNT(DISTINCT ?value) < {n}" for n in minimum]
            counts += [f"COUNT(DISTINCT ?value) > {n}" for n in maximum]
            path_bind = f"<{single}>" if single else "?unused"
            checks.append(
                CompiledCheck(
                    f"SELECT ?this (SAMPLE({path_bind}) AS ?path) WHERE {{ {target} OPTIONAL {{ {step} }} }} "
                    f"GROUP BY ?this HAVING ({' || '.join(counts)})",
                    message,
                )
            )
        value_shape = self.conforms(shape, "?value")
        if value_shape != "true":
            # Whether a value conforms depends on the value alone: the check runs only when some
            # distinct value of the property (on any subject) fails, which valid data never has.
            if single is None:
                values = f"VALUES ?_p {{ {' '.join(f'<{i}>' for i in alternatives)} }} ?_s ?_p ?value"
            elif text.startswith("^"):
                values = f"?value <{single}> ?_s"
            else:
                values = f"?_s <{single}> ?value"
            # (A LIMIT above any count keeps Oxigraph from pushing the filter into the DISTINCT.)
            bad = f"{{ SELECT DISTINCT ?value WHERE {{ {values} }} LIMIT {_NO_LIMIT} }} FILTER (!{value_shape})"
            checks.append(
                CompiledCheck(
                    f"SELECT ?this ?path ?value WHERE {{ {step} {target} FILTER (!{value_shape}) }}",
                    message,
                    precheck=f"ASK {{ {bad} }}",
                )
            )
        return checks

    def sparql_check(self, constraint, target: str) -> CompiledCheck:
        s = self.shapes
        select = s.one(constraint, "select")
        if select is None:
            raise UnsupportedShape("sh:sparql without sh:select")
        prefixes = []
        for owner in s.objects(constraint, "prefixes"):
            for declaration in s.objects(owner, "declare"):
                prefix = s.one(declaration, "prefix").value
                namespace = s.one(declaration, "namespace").value
                prefixes.append(f"PREFIX {prefix}: <{namespace}>")
        text = select.value.replace("$this", "?this")
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if match is None:
            raise UnsupportedShape("sh:select without WHERE {")
        text = text[: match.end()] + f" {target} " + text[match.end() :]
        message = s.one(constraint, "message")
        namespaces = {p.split()[1][:-1]: p.split()[2][1:-1] for p in prefixes}
        return CompiledCheck(
            "\n".join([*sorted(set(prefixes)), text]),
            message.value if message else "violation",
            _cycle_predicates(select.value, namespaces),
        )

    def node_shape(self, shape) -> list[CompiledCheck]:
        s = self.shapes
        classes = [c.value for c in s.objects(shape, "targetClass")]
        if not classes:
            return []
        target = " UNION ".join(f"{{ ?this {_TYPE_PATH} <{c}> }}" for c in classes)
        if len(classes) == 1:
            target = target[2:-2] + " ."
        message = s.one(shape, "message")
        checks = []
        for prop in s.objects(shape, "property"):
            checks += self.property_checks(prop, target, message.value if message else None)
        checks = _merge_missing(checks, target)
        for constraint in s.objects(shape, "sparql"):
            checks.append(self.sparql_check(constraint, target))
        unsupported = {"or", "xone", "and", "not", "node", "class", "datatype", "in", "closed"} & {
            p[len(SH) :] for p in s.index.get(shape, {})
        }
        if unsupported:
            raise UnsupportedShape(f"node-level {', '.join(sorted(unsupported))} on a node shape")
        return checks


@lru_cache(maxsize=4)
def compile_shapes(shapes_path: Path) -> tuple[CompiledCheck, ...]:
    """Every check of the shapes file, as SPARQL queries; UnsupportedShape for features it lacks."""
    shapes = _Shapes(list(ox.parse(path=str(shapes_path), format=ox.RdfFormat.TURTLE)))
    compiler = _Compiler(shapes)
    node_shapes = sorted({t for t, props in shapes.index.items() if SH + "targetClass" in props}, key=lambda n: str(n))
    checks: list[CompiledCheck] = []
    for shape in node_shapes:
        checks += compiler.node_shape(shape)
    return tuple(checks)


_CYCLE = re.compile(r"^\s*SELECT\s+\$this\s+WHERE\s*\{\s*\$this\s+\(([^()]*)\)\+\s+\$this\s*\.?\s*\}\s*$", re.I)


def _cycle_predicates(select: str, namespaces: dict[str, str]) -> tuple[str, ...]:
    """The predicates of a `SELECT $this WHERE { $this (p|q|...)+ $this }` constraint, else ()."""
    match = _CYCLE.match(select)
    if match is None:
        return ()
    iris = []
    for name in match.group(1).split("|"):
        name = name.strip()
        if name.startswith("<") and name.endswith(">"):
            iris.append(name[1:-1])
        elif ":" in name and name.split(":", 1)[0] in namespaces:
            prefix, local = name.split(":", 1)
            iris.append(namespaces[prefix] + local)
        else:
            return ()
    return tuple(iris)


def _has_cycle(store: ox.Store, predicates: tuple[str, ...]) -> bool:
    """Whether the edges of these predicates (over all graphs) form a cycle, self-loops included
    (Kahn's algorithm: some node is never freed of incoming edges). The nodes are numbered as they
    are read, so the algorithm works on lists of numbers."""
    values = " ".join(f"<{p}>" for p in predicates)
    query = f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"  # an edge given twice counts twice
    number: dict[ox.NamedNode | ox.BlankNode | ox.Literal, int] = {}  # by term: "x" and _:x are two nodes
    successors: list[list[int]] = []
    incoming: list[int] = []

    def numbered(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> int:
        n = number.get(term)
        if n is None:
            n = number[term] = len(successors)
            successors.append([])
            incoming.append(0)
        return n

    for s, o in store.query(query, use_default_graph_as_union=True):
        successors[numbered(s)].append(target := numbered(o))
        incoming[target] += 1
    free = [n for n, count in enumerate(incoming) if not count]
    freed = 0
    while free:
        freed += 1
        for o in successors[free.pop()]:
            incoming[o] -= 1
            if not incoming[o]:
                free.append(o)
    return freed < len(successors)


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


Opened = list[tuple[int, "ox.QuerySolutions | None"]]
"""Checks by number, each with its query opened, or None when it can find nothing."""


class CheckStopped(Exception):
    """The check was told to stop (`Beside.stop`) before it had finished."""


@dataclass(frozen=True)
class Beside:
    """How a check running beside other work signals it: `opened` is set once every query is opened
    (from then on the store may change without changing what they find); setting `stop` makes the
    check raise CheckStopped instead of opening or reading its next query (a query cannot be
    interrupted)."""

    opened: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def check_stop(self) -> None:
        """Raise CheckStopped when the check was told to stop."""
        if self.stop.is_set():
            raise CheckStopped


def _open(
    store: ox.Store, checks: tuple[CompiledCheck, ...], numbers: list[int], beside: Beside | None = None
) -> Opened:
    """The checks at `numbers` (indices into checks), each with its query opened on the store as it is
    now, or None when its precheck or cycle test shows it can find nothing. An opened query reads the
    store as it was when it was opened, however long it is then read (Oxigraph's repeatable read); it
    must be read in the thread that opened it."""
    cycles: dict[tuple[str, ...], bool] = {}
    possible: dict[str, bool] = {}  # precheck -> its answer (several shapes share one)
    opened: Opened = []
    for number in numbers:
        if beside and beside.stop.is_set():
            break  # `run_checks` raises CheckStopped once the queries opened so far are dropped
        check = checks[number]
        if check.cycle_predicates not in cycles:
            cycles[check.cycle_predicates] = bool(check.cycle_predicates) and _has_cycle(store, check.cycle_predicates)
        if check.precheck and check.precheck not in possible:
            possible[check.precheck] = bool(store.query(check.precheck, use_default_graph_as_union=True))
        if (check.precheck and not possible[check.precheck]) or (
            check.cycle_predicates and not cycles[check.cycle_predicates]
        ):  # no cycle among these edges: the path query (slow on large maps) finds nothing
            opened.append((number, None))
        else:
            opened.append((number, store.query(check.query, use_default_graph_as_union=True)))
    return opened


def _read(
    checks: tuple[CompiledCheck, ...],
    opened: Opened,
    progress: Callable[[str], None] | None = None,
    beside: Beside | None = None,
) -> dict[int, list[RawResult]]:
    """The violations the opened checks find, by check number (those read before `beside.stop`)."""
    found: dict[int, list[RawResult]] = {}
    for done, (number, solutions) in enumerate(opened, start=1):
        if beside and beside.stop.is_set():
            break
        if progress and done % 20 == 0:
            progress(f"checked {done} of {len(opened)} shape constraints")
        check = checks[number]
        results = found[number] = []
        if solutions is None:
            continue
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {n: t for n, t in zip(names, solution, strict=True) if t is not None}
            if "this" not in row:
                continue
            path = row.get("path")
            value = row.get("value")
            if check.messages:
                messages = [m for p, m in check.messages if path is not None and p == path.value]
            else:
                messages = [check.message]
            for text in messages:
                message = _PLACEHOLDER.sub(
                    lambda m, row=row: row[m.group(1)].value if m.group(1) in row else m.group(0), text
                )
                results.append(
                    RawResult(
                        focus=row["this"].value,
                        path=path.value if isinstance(path, ox.NamedNode) else None,
                        value=value.value if value is not None else None,
                        message=message,
                    )
                )
    return found


def _halves(checks: tuple[CompiledCheck, ...]) -> tuple[list[int], list[int]]:
    """The check numbers split in two alternately, checks sharing a precheck kept together."""
    owner: dict[str | None, int] = {}
    halves: tuple[list[int], list[int]] = ([], [])
    for number, check in enumerate(checks):
        key = check.precheck or check.cycle_predicates or number
        if key not in owner:
            owner[key] = 0 if len(halves[0]) <= len(halves[1]) else 1
        halves[owner[key]].append(number)
    return halves


def run_checks(
    store: ox.Store,
    checks: tuple[CompiledCheck, ...],
    progress: Callable[[str], None] | None = None,
    threads: int = 1,
    beside: Beside | None = None,
) -> list[RawResult]:
    """The violations found by running every check on store (default graph = union of all graphs),
    in the order of the checks. With `threads` 2 (large maps), half of the checks run in a second
    thread on the same store: Oxigraph evaluates a query without holding the GIL, so the two use both
    cores and share the store (a forked process ends up with its own copy of the store's pages it
    reads, since Oxigraph's reads write to them: 1.2 GB at 100,000 vendors). `beside` hears when
    every query is opened, and may stop the check."""
    numbers = list(range(len(checks)))
    parts = [numbers] if threads < 2 or len(checks) < 2 else list(_halves(checks))
    all_open = threading.Barrier(len(parts), action=beside.opened.set if beside else None)

    def run(part: list[int], say: Callable[[str], None] | None) -> dict[int, list[RawResult]]:
        try:
            mine = _open(store, checks, part, beside)
        except BaseException:
            all_open.abort()  # the other part stops waiting for this one
            raise
        all_open.wait()
        found = _read(checks, mine, say, beside)
        mine.clear()  # an opened query may only be dropped by the thread that opened it
        if beside:
            beside.check_stop()
        return found

    if len(parts) == 1:
        found = run(numbers, progress)
    else:
        with ThreadPoolExecutor(max_workers=1) as worker:
            other = worker.submit(run, parts[1], None)
            try:
                found = run(parts[0], progress)
            except threading.BrokenBarrierError:
                other.result()  # the error that stopped the other part
                raise
            found.update(other.result())
    return [result for number in numbers for result in found[number]]
