"""Serialise the map's dataset: Turtle, TriG, N-Quads or JSON-LD, byte-identical for the same data.

Quads are sorted before writing (graph, subject, predicate, object), so the output never depends on
the store's internal order. Turtle has no named graphs: it holds the union of all graphs. The sorting
works on the store's own N-Triples text of each graph (a line per triple), which orders exactly as the
terms do and keeps millions of quads out of Python objects.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from . import vocab

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {"turtle": "ttl", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}


def _store(quads: Iterable[ox.Quad] | ox.Store) -> ox.Store:
    if isinstance(quads, ox.Store):
        return quads
    store = ox.Store()
    store.extend(quads)  # a quad given twice is kept once
    return store


def _graph_order(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The store's graphs in the order they are written: the default graph first, then by name."""
    graphs: list = sorted(store.named_graphs(), key=str)
    graphs.insert(0, ox.DefaultGraph())
    return graphs


def _graph_lines(
    store: ox.Store, graphs: list | None = None
) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[bytes]]]:
    """Each graph (of `graphs`, default all, in order) that holds triples, with its sorted N-Triples lines."""
    for graph in _graph_order(store) if graphs is None else graphs:
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
        if lines:
            lines.sort()
            yield graph, lines


def _nquads(store: ox.Store, graphs: list | None = None) -> bytes:
    """The quads of `graphs` (default all) as sorted N-Quads."""
    out = io.BytesIO()  # written graph by graph, so only one graph's lines are held at a time
    for graph, lines in _graph_lines(store, graphs):
        if not isinstance(graph, ox.DefaultGraph):
            name = b" " + str(graph).encode("utf-8") + b" ."
            lines = [line[:-2] + name for line in lines]  # "<s> <p> <o> ." -> "<s> <p> <o> <g> ."
        lines.append(b"")
        out.write(b"\n".join(lines))
    return out.getvalue()


def nquads(quads: Iterable[ox.Quad] | ox.Store) -> bytes:
    """The quads (a store or an iterable) as sorted N-Quads without duplicates."""
    return _nquads(_store(quads))


def _dataset_formats(store: ox.Store, graphs: list, fmts: list[str]) -> dict[str, bytes]:
    """The quads of `graphs` in each of the dataset formats `fmts`, sorted."""
    sorted_quads = _nquads(store, graphs)
    out = {}
    for fmt in fmts:
        if fmt == "nquads":
            out[fmt] = sorted_quads
        else:
            ordered = ox.parse(sorted_quads, format=ox.RdfFormat.N_QUADS)
            out[fmt] = ox.serialize(ordered, format=FORMATS[fmt], prefixes=vocab.PREFIXES)
    return out


def _sorted_triples(store: ox.Store) -> bytes:
    """The union of the store's graphs as sorted N-Triples without duplicates."""
    lines = sorted({line for _, graph_lines in _graph_lines(store) for line in graph_lines})
    return b"\n".join([*lines, b""]) if lines else b""


def serialize(quads: Iterable[ox.Quad] | ox.Store, fmt: str) -> bytes:
    """The quads (a store or an iterable) in format `fmt` (one of FORMATS)."""
    return serialize_many(quads, [fmt])[fmt]


def serialize_many(quads: Iterable[ox.Quad] | ox.Store, fmts: Iterable[str]) -> dict[str, bytes]:
    """The quads in each of the formats `fmts`, sorting them once for all."""
    fmts = list(fmts)
    for fmt in fmts:
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
    store = _store(quads)
    datasets = [f for f in fmts if FORMATS[f].supports_datasets]
    out = _dataset_formats(store, _graph_order(store), datasets) if datasets else {}
    for fmt in fmts:
        if fmt not in out:  # no named graphs: the union of the graphs
            triples = ox.parse(_sorted_triples(store), format=ox.RdfFormat.N_TRIPLES)
            out[fmt] = ox.serialize(triples, format=FORMATS[fmt], prefixes=vocab.PREFIXES)
    return {fmt: out[fmt] for fmt in fmts}
