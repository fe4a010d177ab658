"""Validate the merged data against the SHACL shapes of the ontology, reporting `file:line` problems.

Two engines give the same results: the shapes compiled to SPARQL on Oxigraph (the default, fast) and
pyshacl on an rdflib graph (the reference, used by the tests). Both validate the union of the data
files and the ontology (so `sh:class` sees the layers and moat types), with no inference. Each result
is located through its focus node: the file that describes that node, at the line of the offending
key when it is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set

import pyoxigraph as ox

from ..source import ontology, vocab
from ..source.facts import FileFacts
from ..source.problems import Problem, ordered
from .shacl_compiler import Beside, RawResult, compile_shapes, run_checks

_IRI_RE = re.compile(r"https?://[^\s,;()]+[^\s,;().]")


def _to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode):
    """The rdflib term for a pyoxigraph term (xsd:string literals become plain literals)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == vocab.XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_rdflib_graph(quads: Iterable[ox.Quad]):
    """An rdflib Graph of the triples of quads (graph names dropped)."""
    from rdflib import Graph

    graph = Graph()
    add = graph.add
    for q in quads:
        add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return graph


def _display(term, keys: dict[str, str]) -> str:
    """A term as a reader knows it: an id, a YAML key in backticks, or a prefixed name."""
    text = str(term)
    if text in keys:
        return f"`{keys[text]}`"
    identifier = vocab.local_id(text)
    if identifier:
        return identifier
    return vocab.prefixed(text)


def pyshacl_results(quads: Iterable[ox.Quad]) -> list[RawResult]:
    """Validation results of pyshacl (the reference engine) on the union of quads and the ontology."""
    from pyshacl import validate as pyshacl_validate
    from rdflib import RDF, BNode, Graph, Namespace

    from .prepared_sparql import queries_prepared_once

    sh = Namespace(vocab.SH)
    data = to_rdflib_graph([*ontology.ontology_quads(), *quads])
    shapes = Graph().parse(ontology.shapes_file(), format="turtle")
    with queries_prepared_once():  # the same results, each SPARQL constraint parsed once
        conforms, results, _ = pyshacl_validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
        )
    if conforms:
        return []
    out = []
    for result in results.subjects(RDF.type, sh.ValidationResult):
        path = results.value(result, sh.resultPath)
        value = results.value(result, sh.value)
        messages = sorted(str(m) for m in results.objects(result, sh.resultMessage))
        out.append(
            RawResult(
                focus=str(results.value(result, sh.focusNode)),
                path=str(path) if path is not None and not isinstance(path, BNode) else None,
                value=str(value) if value is not None else None,
                message=messages[0] if messages else "does not conform to the shapes",
            )
        )
    return out


def oxigraph_results(
    store: ox.Store,
    progress: Callable[[str], None] | None = None,
    threads: int = 1,
    beside: Beside | None = None,
) -> list[RawResult]:
    """Validation results of the shapes compiled to SPARQL, run on store (ontology and data), in
    one thread or split over two; `beside` as `run_checks` takes it."""
    return run_checks(store, compile_shapes(ontology.shapes_file()), progress, threads, beside)


def to_problems(
    results: list[RawResult],
    files: list[FileFacts],
    ignore_values: Set[str] = frozenset(),
    detailed: Callable[[FileFacts], FileFacts] | None = None,
) -> list[Problem]:
    """Problems at `file:line` for validation results; results whose focus or value is in
    ignore_values (an echo of a bad reference already reported with a did-you-mean) and results on
    a value the YAML reader already rejected are dropped. `detailed` gives a file's facts with the
    lines of every property, for files read without them."""
    if not results:
        return []
    keys = ontology.load_vocabulary().keys_by_iri
    rejected = {pair for f in files for pair in f.rejected}
    owner: dict[str, FileFacts] = {}
    for facts in files:
        for key in facts.lines:
            if len(key) == 1:
                owner.setdefault(key[0], facts)
    problems = []
    unsourced: dict[str, list[Problem]] = {}  # YAML file -> its facts without a source: said once per file
    for result in results:
        focus, path, value = result.focus, result.path, result.value
        if focus in ignore_values or (value is not None and value in ignore_values):
            continue
        if (focus, path) in rejected:
            continue
        facts = owner.get(focus)
        if facts is None:
            continue
        message = _IRI_RE.sub(lambda m: _display(m.group(0), keys), result.message)
        if not facts.detail_lines and detailed is not None:
            facts = owner[focus] = detailed(facts)
        line = facts.line_of(focus, path, value)
        name = facts.labels.get(focus) or _display(focus, keys)
        text = f"{name}: {message}"
        if path == vocab.SOURCE and value is None and not facts.relpath.endswith(".ttl"):
            unsourced.setdefault(facts.relpath, []).append(Problem(facts.relpath, line, text))
            continue
        if (
            value is not None
            and value != focus
            and value not in result.message
            and _display(value, keys) not in message
        ):
            text += f" (found {_display(value, keys)})"
        problems.append(Problem(facts.relpath, line, text))
    refused = {f.relpath for f in files if f.source_refused}  # the cause is reported where the file names it
    for relpath, missing in unsourced.items():
        if relpath in refused:
            continue
        if len(missing) == 1:
            problems += missing
            continue
        names = [p.message.split(": every fact", 1)[0] for p in sorted(missing)]
        listed = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        problems.append(
            Problem(
                relpath,
                1,
                f"{len(names)} facts have no source ({listed}): add `source: ID` at the top of the file, which "
                "every fact without its own takes; declare it under `sources:` (url, title, date), or give it in "
                "place: source: {url: ..., title: ..., date: YYYY-MM-DD}",
            )
        )
    return ordered(problems)


def raw_results(
    files: list[FileFacts],
    store: ox.Store,
    engine: str = "oxigraph",
    progress: Callable[[str], None] | None = None,
    threads: int = 1,
    beside: Beside | None = None,
) -> list[RawResult]:
    """The validation results of the data files (whose quads are in store), found by the `oxigraph`
    engine (shapes compiled to SPARQL, over `threads` threads) or by `pyshacl` (the reference).
    `beside.opened`, when given, is set as soon as the store may change without changing the
    results: once every query is opened (Oxigraph), or once the quads are copied (pyshacl)."""
    if engine == "pyshacl":
        graphs = [ox.NamedNode(f.graph) for f in files]
        quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
        if beside:
            beside.opened.set()
        return pyshacl_results(quads)
    if engine == "oxigraph":
        return oxigraph_results(store, progress, threads, beside)
    raise ValueError(f"unknown SHACL engine '{engine}': use oxigraph or pyshacl")
