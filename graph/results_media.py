"""Media types of the SPARQL endpoint: choose one from an Accept header (or a `format=` name) and
encode a QueryResult in it. SELECT and ASK answer in SPARQL results JSON (default), XML, CSV or TSV;
CONSTRUCT and DESCRIBE in Turtle (default), N-Triples or RDF/XML."""

from __future__ import annotations

import pyoxigraph as ox

from . import vocab
from .results_format import to_csv, to_json, to_tsv
from .sparql import QueryResult

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, NTRIPLES, RDFXML = "text/turtle", "application/n-triples", "application/rdf+xml"
RESULT_TYPES = (JSON, XML, CSV, TSV)  # in order of preference
GRAPH_TYPES = (TURTLE, NTRIPLES, RDFXML)
ALIASES = {"application/json": JSON, "application/xml": XML, "text/xml": XML, "text/plain": NTRIPLES}
FORMAT_NAMES = {
    "json": JSON,
    "xml": XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "ntriples": NTRIPLES,
    "nt": NTRIPLES,
    "rdfxml": RDFXML,
}


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (unparseable q counts as 0)."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """How much the client accepts media: the q of the most specific range matching it."""
    best, specificity = 0.0, -1
    for pattern, q in ranges:
        pattern = ALIASES.get(pattern, pattern)
        kind = pattern.split("/")[0]
        level = 2 if pattern == media else 1 if pattern == f"{kind}/*" and media.startswith(kind + "/") else -1
        if pattern == "*/*":
            level = 0
        if level > specificity:
            best, specificity = q, level
    return best


def choose(accept: str | None, kind: str, format_name: str | None = None) -> str:
    """The media type to answer a result of `kind` in: the `format=` name when it fits the kind, else
    the client's most preferred type we offer, else the default (JSON, or Turtle for graphs)."""
    offered = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    if format_name:
        named = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if named in offered:
            return named
    ranges = _ranges(accept or "")
    scored = [(_quality(media, ranges), -i, media) for i, media in enumerate(offered)]
    q, _, media = max(scored)
    return media if q > 0 else offered[0]


def _xml(result: QueryResult) -> bytes:
    parsed = ox.parse_query_results(to_json(result).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=ox.QueryResultsFormat.XML)


def encode(result: QueryResult, media: str) -> bytes:
    """The result in the media type (one `choose` gave for its kind)."""
    if result.kind == "graph":
        triples = sorted(result.triples, key=str)
        if media == NTRIPLES:
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        rdf_format = ox.RdfFormat.RDF_XML if media == RDFXML else ox.RdfFormat.TURTLE
        return ox.serialize(triples, format=rdf_format, prefixes=vocab.PREFIXES)
    if media == XML:
        return _xml(result)
    text = {JSON: to_json, CSV: to_csv, TSV: to_tsv}[media](result)
    return text.encode("utf-8")


def content_type(media: str) -> str:
    """The Content-Type header for a media type (UTF-8 for the textual ones)."""
    return media if media in (XML, RDFXML) else f"{media}; charset=utf-8"
