"""The reference engine's rdflib processor that prepares each query text once gives rdflib's own
answers, for every binding, and rdflib's processor is back once the block ends."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef, plugin, query
from rdflib.plugins.sparql.processor import SPARQLProcessor

from graph.check.prepared_sparql import PreparedOnceProcessor, _prepared, queries_prepared_once

EX = "https://example.org/"
NAMES = "SELECT ?name WHERE { $this <https://example.org/name> ?name } ORDER BY ?name"


def _graph() -> Graph:
    graph = Graph()
    for subject, name in (("a", "Alpha"), ("a", "Able"), ("b", "Beta")):
        graph.add((URIRef(EX + subject), URIRef(EX + "name"), Literal(name)))
    return graph


def _names(graph: Graph, subject: str) -> list[str]:
    return [str(row[0]) for row in graph.query(NAMES, initBindings={"this": URIRef(EX + subject)})]


def test_prepared_once_gives_rdflibs_rows_for_each_binding_and_parses_the_text_once() -> None:
    graph = _graph()
    plain = {s: _names(graph, s) for s in ("a", "b", "c")}
    assert plain == {"a": ["Able", "Alpha"], "b": ["Beta"], "c": []}
    _prepared.cache_clear()
    with queries_prepared_once():
        assert plugin.get("sparql", query.Processor) is PreparedOnceProcessor
        assert {s: _names(graph, s) for s in ("a", "b", "c", "a")} == plain
        other = Graph()
        other.add((URIRef(EX + "c"), URIRef(EX + "name"), Literal("Gamma")))
        assert _names(other, "c") == ["Gamma"]  # the same prepared query on another graph
    info = _prepared.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_rdflibs_processor_is_back_after_the_block_even_after_an_error() -> None:
    try:
        with queries_prepared_once():
            raise ValueError("inside")
    except ValueError:
        pass
    assert plugin.get("sparql", query.Processor) is SPARQLProcessor
