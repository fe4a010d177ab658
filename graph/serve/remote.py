"""Run a query on a remote SPARQL endpoint (SPARQL 1.1 Protocol, POST form) and read its answer into
the same QueryResult a local query gives, so every output format works the same way.

The remote store decides what the default graph is: stackmap's queries expect the union of the
data graphs (see the README for each store's setting). No guard is applied: the store is the
user's own, and its query endpoint runs no updates.

Booleans are read in their canonical form: a store may write xsd:boolean as 1 and 0 (Virtuoso
does), which are the same values as true and false, so the output does not depend on the store.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..query.sparql import QueryResult, collect
from ..source import vocab
from . import http_client

ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"
)


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def with_prefixes(text: str) -> str:
    """The query with PREFIX lines for stackmap's prefixes first: local queries may use them
    undeclared, a remote store knows none of them (a query's own declarations come later and win).
    They go on the query's first line, so the store's error messages keep the query's line numbers."""
    return "".join(f"PREFIX {p}: <{iri}> " for p, iri in vocab.PREFIXES.items()) + text


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL = {"1": "true", "0": "false"}


def canonical(term):
    """The term with an xsd:boolean written 1 or 0 in its canonical form, true or false."""
    if isinstance(term, ox.Literal) and term.value in _CANONICAL and term.datatype.value == _BOOLEAN:
        return ox.Literal(_CANONICAL[term.value], datatype=term.datatype)
    return term


def _canonical_result(result: QueryResult) -> QueryResult:
    result.rows = [tuple(canonical(t) for t in row) for row in result.rows]
    result.triples = [ox.Triple(t.subject, t.predicate, canonical(t.object)) for t in result.triples]
    return result


def read_answer(content_type: str, body: bytes, limit: int) -> QueryResult:
    """A QueryResult from an endpoint's answer: query results (JSON, XML, CSV, TSV) or RDF triples,
    at most `limit` rows or triples (flagged `truncated`)."""
    media = _media_type(content_type)
    results_format = ox.QueryResultsFormat.from_media_type(media)
    try:
        if results_format is not None:
            return _canonical_result(collect(ox.parse_query_results(body, format=results_format), limit))
        rdf_format = ox.RdfFormat.from_media_type(media)
        if rdf_format is None:
            raise http_client.RemoteError(
                f"the endpoint answered with '{content_type}', which is neither results nor RDF"
            )
        triples = (ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(body, format=rdf_format))
        return _canonical_result(collect(triples, limit))
    except (SyntaxError, ValueError) as error:
        raise http_client.RemoteError(f"the endpoint's answer ({media}) could not be read: {error}") from None


def run_remote(
    endpoint: str,
    text: str,
    *,
    timeout: float = http_client.DEFAULT_TIMEOUT,
    limit: int = 10_000,
    env: Mapping[str, str] | None = None,
) -> QueryResult:
    """Send the query to `endpoint` and read the answer; RemoteError when the request fails (a malformed
    query comes back as the endpoint's HTTP 400 with its message)."""
    import urllib.parse

    answer = http_client.request(
        "POST",
        endpoint,
        body=urllib.parse.urlencode({"query": with_prefixes(text)}).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
        timeout=timeout,
        env=env,
    )
    return read_answer(answer.content_type, answer.body, limit)
