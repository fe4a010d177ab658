"""`push`: upload the map's dataset to a triple store through the SPARQL 1.1 Graph Store HTTP Protocol.

One `PUT URL?graph=IRI` per named graph of the dataset replaces that graph and nothing else. The
graphs stackmap owns are listed in a manifest graph in the store (MANIFEST_GRAPH, `dcterms:hasPart`
per graph); a graph listed there that the dataset no longer has (its data file was deleted) is
removed with `DELETE URL?graph=IRI`. Graphs that stackmap never listed are left alone.

The manifest is first widened to old plus new graphs, then the graphs are put (CONNECTIONS at once)
and the stale ones deleted, then it is narrowed to the new graphs: a push cut short leaves no graph
unlisted.
With `graph=IRI` the whole dataset (as triples) replaces that one graph; the manifest is untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import pyoxigraph as ox

from ..source import vocab
from . import http_client

MANIFEST_GRAPH = "https://w3id.org/stackmap/manifest"
HAS_PART = "http://purl.org/dc/terms/hasPart"
TURTLE = "text/turtle; charset=utf-8"
CONNECTIONS = 4  # graphs put at once


@dataclass(frozen=True)
class PushResult:
    """The graphs a push replaced and the ones it deleted, and the triples it sent."""

    replaced: list[str]
    deleted: list[str]
    triples: int


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of one named graph (indirect identification, `?graph=IRI`)."""
    return http_client.with_params(endpoint, {"graph": graph})


def by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    """The triples of each named graph, sorted (default-graph quads are skipped: the map has none)."""
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            graphs[q.graph_name.value].add(ox.Triple(q.subject, q.predicate, q.object))
    return {g: sorted(ts, key=str) for g, ts in sorted(graphs.items())}


def turtle(triples: list[ox.Triple]) -> bytes:
    """Triples as Turtle, in the given order."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.PREFIXES)


def _manifest(graphs: Iterable[str]) -> bytes:
    node, part = ox.NamedNode(MANIFEST_GRAPH), ox.NamedNode(HAS_PART)
    return turtle([ox.Triple(node, part, ox.NamedNode(g)) for g in sorted(set(graphs))])


def owned_graphs(endpoint: str, *, timeout: float, env: Mapping[str, str] | None = None) -> list[str]:
    """The graphs the store's manifest lists (none when it has no manifest)."""
    answer = http_client.request(
        "GET",
        graph_url(endpoint, MANIFEST_GRAPH),
        headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
        timeout=timeout,
        env=env,
        ok=(404,),
    )
    if answer.status == 404 or not answer.body.strip():
        return []
    media = answer.content_type.split(";")[0].strip().lower()
    rdf_format = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE  # N-Triples is Turtle too
    try:
        triples = list(ox.parse(answer.body, format=rdf_format))
    except (SyntaxError, ValueError) as error:
        raise http_client.RemoteError(
            f"the store's manifest graph <{MANIFEST_GRAPH}> could not be read: {error}"
        ) from None
    return sorted(
        {t.object.value for t in triples if t.predicate.value == HAS_PART and isinstance(t.object, ox.NamedNode)}
    )


def _put(endpoint: str, graph: str, body: bytes, timeout: float, env) -> None:
    http_client.request(
        "PUT", graph_url(endpoint, graph), body=body, headers={"Content-Type": TURTLE}, timeout=timeout, env=env
    )


def _put_graph(endpoint: str, graph: str, triples: list[ox.Triple], timeout: float, env) -> None:
    _put(endpoint, graph, turtle(triples), timeout, env)  # serialised here: one body in memory per connection


def push(
    quads: Iterable[ox.Quad],
    endpoint: str,
    *,
    graph: str | None = None,
    timeout: float = http_client.DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> PushResult:
    """Replace the store's copies of the dataset's named graphs (or put everything into `graph`) and
    delete the graphs stackmap owned before but no longer has; RemoteError on any failed request."""
    report = progress or (lambda _m: None)
    http_client.check_url(endpoint)
    graphs = by_graph(quads)
    if graph is not None:
        union = sorted({t for ts in graphs.values() for t in ts}, key=str)
        report(f"putting {len(union):,} triples into <{graph}>")
        _put(endpoint, graph, turtle(union), timeout, env)
        return PushResult(replaced=[graph], deleted=[], triples=len(union))
    before = owned_graphs(endpoint, timeout=timeout, env=env)
    stale = sorted(set(before) - set(graphs))
    _put(endpoint, MANIFEST_GRAPH, _manifest([*before, *graphs]), timeout, env)
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        pending = [pool.submit(_put_graph, endpoint, name, triples, timeout, env) for name, triples in graphs.items()]
        try:
            for i, done in enumerate(as_completed(pending), 1):
                done.result()
                if i == 1 or i % 1000 == 0 or i == len(pending):
                    report(f"put {i:,} of {len(pending):,} graphs")
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    for name in stale:
        report(f"deleting <{name}>: no data file holds it any more")
        http_client.request("DELETE", graph_url(endpoint, name), timeout=timeout, env=env, ok=(404,))
    _put(endpoint, MANIFEST_GRAPH, _manifest(graphs), timeout, env)
    return PushResult(replaced=list(graphs), deleted=stale, triples=sum(len(t) for t in graphs.values()))
