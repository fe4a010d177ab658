"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/):
what GET /sparql without a query answers. It says the endpoint runs SPARQL 1.1 queries (no updates),
which result formats it writes, that its default graph is the union of its named graphs, and lists
those graphs (the ones `default-graph-uri` and `named-graph-uri` may name). No blank nodes: the
dataset and its graphs are named from the endpoint's URL, so the same graphs give the same bytes."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {"sd": SD, "formats": FORMATS}
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)


def service_description(endpoint: str, graphs: Iterable[str]) -> list[ox.Triple]:
    """The triples describing the endpoint at URL `endpoint` holding the named `graphs`."""

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    service, dataset = ox.NamedNode(endpoint), ox.NamedNode(f"{endpoint}#dataset")
    default = ox.NamedNode(f"{endpoint}#default-graph")
    a = ox.NamedNode(RDF_TYPE)
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS),
    ]
    for graph in sorted(graphs):
        node = ox.NamedNode(f"{endpoint}#graph={urllib.parse.quote(graph, safe='')}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, a, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    return triples
