"""Media types of the SPARQL endpoint: choose one from an Accept header (or a `format=` name) and
encode a QueryResult in it. SELECT and ASK answer in SPARQL results JSON (default), XML, CSV or TSV;
CONSTRUCT and DESCRIBE (and the service description) in Turtle (default), N-Triples, RDF/XML or
JSON-LD."""

from __future__ import annotations

import pyoxigraph as ox

from ..query.formats import to_csv, to_json, to_tsv
from ..query.sparql import QueryResult
from ..source import vocab

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, NTRIPLES, RDFXML = "text/turtle", "application/n-triples", "application/rdf+xml"
JSONLD = "application/ld+json"
RESULT_TYPES = (JSON, XML, CSV, TSV)  # in order of preference
GRAPH_TYPES = (TURTLE, NTRIPLES, RDFXML, JSONLD)
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
    "jsonld": JSONLD,
    "json-ld": JSONLD,  # SPARQLWrapper's name
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


class UnknownFormat(ValueError):
    """A `format=` name the endpoint does not know."""


class NotAcceptable(ValueError):
    """A format or an Accept header that no media type offered for the query's kind satisfies."""


def _names(offered: tuple[str, ...]) -> str:
    names = sorted(name for name, media in FORMAT_NAMES.items() if media in offered)
    return f"{', '.join(names)} (or by Accept: {', '.join(offered)})"


def choose(accept: str | None, kind: str, format_name: str | None = None) -> str:
    """The media type to answer a result of `kind` ('select', 'ask', 'graph' or 'description', the
    service description) in: the `format=`
    name, else the client's most preferred type we offer, else (no Accept) the default (JSON, or
    Turtle for graphs). UnknownFormat for a name we do not know; NotAcceptable when the name or the
    Accept header asks only for types we cannot give this kind of result in."""
    what = {"graph": "CONSTRUCT and DESCRIBE queries", "description": "The service description"}.get(
        kind, "SELECT and ASK queries"
    )
    offered = GRAPH_TYPES if kind in ("graph", "description") else RESULT_TYPES
    if format_name is not None:
        named = FORMAT_NAMES.get(format_name.lower())
        if named is None and "/" in format_name:  # a media type given as the format (Virtuoso takes those)
            media = format_name.split(";")[0].strip().lower()
            named = ALIASES.get(media, media) if ALIASES.get(media, media) in (*RESULT_TYPES, *GRAPH_TYPES) else None
        if named is None:
            raise UnknownFormat(f"unknown format {format_name[:40]!r}: use one of {', '.join(sorted(FORMAT_NAMES))}")
        if named not in offered:
            raise NotAcceptable(f"{what} answer in {_names(offered)}, not {format_name}")
        return named
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    scored = [(_quality(media, ranges), -i, media) for i, media in enumerate(offered)]
    q, _, media = max(scored)
    if q <= 0:
        raise NotAcceptable(f"{what} answer in {_names(offered)}; the Accept header allows none of them")
    return media


def _xml(result: QueryResult) -> bytes:
    parsed = ox.parse_query_results(to_json(result).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=ox.QueryResultsFormat.XML)


_RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RDFXML: ox.RdfFormat.RDF_XML,
    JSONLD: ox.RdfFormat.JSON_LD,
}


def encode_triples(triples, media: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of GRAPH_TYPES, sorted (the same triples give the same bytes), with stackmap's
    prefixes and `prefixes`."""
    ordered = sorted(triples, key=str)
    if media == NTRIPLES:
        return ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(ordered, format=_RDF_FORMATS[media], prefixes={**vocab.PREFIXES, **(prefixes or {})})


def encode(result: QueryResult, media: str) -> bytes:
    """The result in the media type (one `choose` gave for its kind)."""
    if result.kind == "graph":
        return encode_triples(result.triples, media)
    if media == XML:
        return _xml(result)
    text = {JSON: to_json, CSV: to_csv, TSV: to_tsv}[media](result)
    return text.encode("utf-8")


def content_type(media: str) -> str:
    """The Content-Type header for a media type (UTF-8 for the textual ones)."""
    return media if media in (XML, RDFXML, JSONLD) else f"{media}; charset=utf-8"
