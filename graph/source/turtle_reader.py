"""Read one Turtle data file into quads of its named graph, with what it declares and refers to.

Lines are found by searching the text for an entity's prefixed name or full IRI, because RDF parsers
keep no positions.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..runtime.terminal import printable
from . import vocab
from .facts import FIGURE, OFFERING, PARTIES, SOURCE, VENDOR, FileFacts, Reference
from .problems import Problem, text_problem

DECLARING_CLASSES = {
    vocab.VENDOR: VENDOR,
    vocab.OFFERING: OFFERING,
    vocab.SOURCE_CLASS: SOURCE,
    vocab.FIGURE: FIGURE,
}
_LOCATION_RE = re.compile(r"line (\d+)(?: between columns (\d+) and \d+)?(?::\s*)?(.*?)(?: \(line \d+\))?$", re.DOTALL)


def _reference_kinds(predicate: str, dependency_iris: set[str], tie_iris: set[str]) -> tuple[str, ...] | None:
    if predicate in dependency_iris or predicate in (vocab.ABOUT, vocab.RDF_SUBJECT, vocab.RDF_OBJECT):
        return PARTIES
    if predicate in tie_iris or predicate == vocab.OFFERED_BY:
        return (VENDOR,)
    if predicate == vocab.SOURCE:
        return (SOURCE,)
    return None


class _LineFinder:
    """Finds the first line mentioning a term, by prefixed name (stack:x) or full IRI."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def find(self, iri: str) -> int:
        identifier = vocab.local_id(iri) or re.split(r"[/#]", iri)[-1]
        patterns = [re.escape(f"<{iri}>")]
        if identifier:
            patterns.append(r"(?<![\w-])[A-Za-z][\w-]*:" + re.escape(identifier) + r"(?![\w-])")
        pattern = re.compile("|".join(patterns))
        for number, line in enumerate(self.lines, start=1):
            if pattern.search(line):
                return number
        return 0


def _key_name(iri: str, keys: dict[str, str]) -> str:
    """How a problem names a predicate: its YAML key, else its prefixed name."""
    return keys.get(iri) or vocab.prefixed(iri)


_STATEMENTS = (vocab.DEPENDENCY, vocab.TIE, vocab.MOAT_CLAIM)


def _owned_subjects(triples: list[ox.Triple], graph: str) -> set[str]:
    """The subjects a file may state facts about: the ids it declares (typed as a vendor, offering,
    source or figure), the statements of dependencies, ties and moat claims about those, and the
    file's own graph."""
    declared = {
        t.subject.value
        for t in triples
        if t.predicate.value == vocab.RDF_TYPE
        and t.object.value in DECLARING_CLASSES
        and isinstance(t.subject, ox.NamedNode)
    }
    statements = {
        t.subject.value for t in triples if t.predicate.value == vocab.RDF_TYPE and t.object.value in _STATEMENTS
    }
    about = {
        t.subject.value
        for t in triples
        if t.subject.value in statements
        and t.predicate.value in (vocab.RDF_SUBJECT, vocab.ABOUT)
        and t.object.value in declared
    }
    return declared | about | {graph}


def _refuse_subject(facts: FileFacts, subject: str, line: int) -> None:
    """Report a statement about a subject the file does not declare (once per subject)."""
    identifier = vocab.local_id(subject)
    if identifier is not None:
        if (identifier, line) not in facts.foreign and all(i != identifier for i, _ in facts.foreign):
            facts.foreign.append((identifier, line))
        return
    message = (
        f"states facts about {vocab.prefixed(subject)}, a term of the ontology: the ontology changes only in ontology/"
        if subject.startswith(vocab.SM) or vocab.prefixed(subject) != subject
        else f"states facts about <{subject}>, which is not a stackmap id: subjects are ids under {vocab.ID}"
    )
    problem = Problem(facts.relpath, line, printable(message))
    if problem not in facts.problems:
        facts.problems.append(problem)


def read_turtle(
    relpath: str, text: str, keys: dict[str, str], dependency_iris: set[str], tie_iris: set[str]
) -> FileFacts:
    """The facts of one Turtle data file given its text; syntax problems included. `keys` maps
    relation IRIs to their YAML keys, for messages."""
    facts = FileFacts(relpath=relpath, graph=vocab.file_graph(relpath))
    graph = ox.NamedNode(facts.graph)
    try:
        triples = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        message = str(error)
        match = _LOCATION_RE.search(message)
        line = int(match.group(1)) if match else 0
        if match and match.group(3):
            column = f" (column {match.group(2)})" if match.group(2) else ""
            message = f"{match.group(3).strip()}{column}"
        return facts.refuse(line, f"Turtle syntax error: {printable(message)[:300]}; fix the syntax")
    if not triples:
        return facts.refuse(0, "the file holds no triples: describe a vendor in it or delete it")
    finder = _LineFinder(text)
    blank_reported = False
    owned = _owned_subjects(triples, facts.graph)
    for triple in triples:
        s, p, o = triple.subject, triple.predicate, triple.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            if not blank_reported:
                facts.problems.append(
                    Problem(relpath, 0, f"blank nodes are not allowed: give every node an IRI under {vocab.ID}")
                )
                blank_reported = True
            continue
        if s.value not in owned:
            _refuse_subject(facts, s.value, finder.find(s.value))
            continue
        if isinstance(o, ox.Literal) and (trouble := text_problem(o.value, multiline=True)):
            facts.problems.append(
                Problem(relpath, finder.find(s.value), f"the value of {_key_name(p.value, keys)} {trouble}")
            )
            continue
        facts.quads.append(ox.Quad(s, p, o, graph))
        if p.value == vocab.LABEL and isinstance(o, ox.Literal) and (identifier := vocab.local_id(s.value)):
            facts.names.setdefault(identifier, o.value)
        if (s.value,) not in facts.lines:
            facts.lines[(s.value,)] = finder.find(s.value)
        if p.value == vocab.RDF_TYPE and o.value in DECLARING_CLASSES:
            identifier = vocab.local_id(s.value)
            if identifier is not None:
                facts.declared.setdefault(identifier, (DECLARING_CLASSES[o.value], facts.lines[(s.value,)]))
        if isinstance(o, ox.NamedNode) and (kinds := _reference_kinds(p.value, dependency_iris, tie_iris)):
            target = vocab.local_id(o.value)
            if target is not None:
                line = finder.find(o.value) or facts.lines[(s.value,)]
                facts.references.append(Reference(target, kinds, _key_name(p.value, keys), line))
    graph_iri = facts.graph
    facts.quads.append(
        ox.Quad(ox.NamedNode(graph_iri), ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(vocab.DATA_FILE), graph)
    )
    facts.quads.append(ox.Quad(ox.NamedNode(graph_iri), ox.NamedNode(vocab.PATH), ox.Literal(relpath), graph))
    return facts
