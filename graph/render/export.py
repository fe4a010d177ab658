"""Serialise the map's dataset: Turtle, TriG, N-Quads or JSON-LD, byte-identical for the same data.

Quads are sorted before writing (graph, subject, predicate, object), so the output never depends on
the store's internal order. Turtle has no named graphs: it holds the union of all graphs. The sorting
works on the store's own N-Triples text of each graph (a line per triple), which orders exactly as the
terms do and keeps millions of quads out of Python objects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from ..source import vocab

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


def _graph_lines(store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[bytes]]]:
    """Each graph of the store (the default graph first, then by name) with its sorted N-Triples lines."""
    graphs: list = sorted(store.named_graphs(), key=str)
    graphs.insert(0, ox.DefaultGraph())
    for graph in graphs:
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
        if lines:
            lines.sort()
            yield graph, lines


def nquads(quads: Iterable[ox.Quad] | ox.Store) -> bytes:
    """The quads (a store or an iterable) as sorted N-Quads without duplicates."""
    return b"".join(nquads_chunks(_store(quads)))


def nquads_chunks(store: ox.Store) -> Iterator[bytes]:
    """The store's quads as sorted N-Quads (the bytes of `nquads`), a chunk per graph."""
    for graph, lines in _graph_lines(store):
        if not isinstance(graph, ox.DefaultGraph):
            name = b" " + str(graph).encode("utf-8") + b" ."
            lines = [line[:-2] + name for line in lines]  # "<s> <p> <o> ." -> "<s> <p> <o> <g> ."
        lines.append(b"")
        yield b"\n".join(lines)


def write_nquads_and_trig(chunks: Iterable[bytes], nquads: Path, trig: Path) -> None:
    """Write the N-Quads chunks, in order, to the file nquads, and the TriG `serialize_many` gives for
    their quads to the file trig, in one pass: a thread writes the N-Quads while this one turns the
    same chunks into TriG, so waiting for the disk overlaps the serialising. About _WRITE_AHEAD bytes
    are held at a time."""
    with open(nquads, "wb") as out, open(trig, "wb") as trig_out, ThreadPoolExecutor(max_workers=1) as writer:
        writing: deque[Future] = deque()

        def quads() -> Iterator[ox.Quad]:
            for batch in _batches(chunks):
                writing.append(writer.submit(out.write, batch))
                while len(writing) > _WRITE_AHEAD // _BATCH_BYTES:
                    writing.popleft().result()
                yield from ox.parse(batch, format=ox.RdfFormat.N_QUADS)

        ox.serialize(quads(), trig_out, format=ox.RdfFormat.TRIG, prefixes=vocab.PREFIXES)
        while writing:
            writing.popleft().result()


_BATCH_BYTES = 1 << 20  # N-Quads handed to the writing thread at a time
_WRITE_AHEAD = 16 << 20  # bytes handed over and not yet written, at most (about)


def _batches(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks joined into batches of at least _BATCH_BYTES (the last may be smaller)."""
    batch: list[bytes] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= _BATCH_BYTES:
            yield batch[0] if len(batch) == 1 else b"".join(batch)  # a large chunk is not copied
            batch, size = [], 0
    if batch:
        yield b"".join(batch)


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
    sorted_quads = nquads(store) if any(FORMATS[f].supports_datasets for f in fmts) else b""
    out = {}
    for fmt in fmts:
        rdf_format = FORMATS[fmt]
        if fmt == "nquads":
            out[fmt] = sorted_quads
        elif rdf_format.supports_datasets:
            ordered = ox.parse(sorted_quads, format=ox.RdfFormat.N_QUADS)
            out[fmt] = ox.serialize(ordered, format=rdf_format, prefixes=vocab.PREFIXES)
        else:
            triples = ox.parse(_sorted_triples(store), format=ox.RdfFormat.N_TRIPLES)
            out[fmt] = ox.serialize(triples, format=rdf_format, prefixes=vocab.PREFIXES)
    return out
