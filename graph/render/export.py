"""Serialise the map's dataset: Turtle, TriG, N-Quads or JSON-LD, byte-identical for the same data.

Quads are sorted before writing (graph, subject, predicate, object), so the output never depends on
the store's internal order. Turtle has no named graphs: it holds the union of all graphs. The sorting
works on the store's own N-Triples text of each graph (a line per triple), which orders exactly as the
terms do and keeps millions of quads out of Python objects. The build's dataset files are written
from those lines in one pass (`write_nquads_and_trig`): the N-Quads by a thread, the TriG by a
converter process (`trig_converter`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from ..source import vocab
from . import trig_converter

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


GraphLines = tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[bytes]]


def graph_lines(store: ox.Store) -> Iterator[GraphLines]:
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
    return b"".join(_quads_chunk(graph, lines) for graph, lines in graph_lines(_store(quads)))


def _quads_chunk(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, lines: list[bytes]) -> bytes:
    """One graph's sorted N-Triples lines as N-Quads ("<s> <p> <o> ." -> "<s> <p> <o> <g> .")."""
    if not isinstance(graph, ox.DefaultGraph):
        suffix = b" " + str(graph).encode("utf-8") + b" ."
        lines = [line[:-2] + suffix for line in lines]
    return b"\n".join(lines) + b"\n"


def write_nquads_and_trig(graphs: Iterable[GraphLines], nquads: Path, trig: Path) -> None:
    """Write the graphs (each with its sorted N-Triples lines, as `graph_lines` gives them), in order,
    as N-Quads to the file nquads and as the TriG `serialize_many` gives for their quads to the file
    trig, in one pass. The TriG is made by a converter process (`trig_converter`) that reads the
    graphs as TriG blocks from a pipe: Oxigraph's own `oxigraph convert` when the `oxigraph` command
    of pyoxigraph's version is installed, natively and off Python's objects, and pyoxigraph in a
    Python process otherwise. It works on the other core while this thread sorts the next graphs; a
    thread hands the N-Quads to the file and the blocks to the pipe. About _WRITE_AHEAD bytes are
    held at a time."""
    with (
        open(nquads, "wb") as out,
        trig_converter.converting(trig) as converter,
        ThreadPoolExecutor(max_workers=1) as writer,
    ):
        writing: deque[Future] = deque()

        def put(quads: bytes, blocks: bytes) -> None:
            out.write(quads)
            converter.write(blocks)

        for quads, blocks in _batches(_chunks(graphs)):
            writing.append(writer.submit(put, quads, blocks))
            while len(writing) > _WRITE_AHEAD // _BATCH_BYTES:
                writing.popleft().result()
        while writing:
            writing.popleft().result()


_BATCH_BYTES = 1 << 20  # N-Quads handed to the writing thread at a time
_WRITE_AHEAD = 16 << 20  # bytes handed over and not yet written, at most (about)


_SLICE_LINES = 20_000  # lines of one graph made into N-Quads and TriG at a time


def _chunks(graphs: Iterable[GraphLines]) -> Iterator[tuple[bytes, bytes]]:
    """Each graph's lines as N-Quads and as a TriG block (the default graph's lines stand alone), in
    slices of at most _SLICE_LINES lines: a graph's slices joined are its N-Quads and its block, and a
    large graph (the analysis graph holds a line per node and vendor) is never copied whole. A graph
    without lines gives nothing (`graph_lines` yields none)."""
    for graph, lines in graphs:
        named = not isinstance(graph, ox.DefaultGraph)
        opening, closing = (str(graph).encode("utf-8") + b" {\n", b"}\n") if named else (b"", b"")
        for start in range(0, len(lines), _SLICE_LINES):
            part = lines[start : start + _SLICE_LINES]
            block = b"\n".join(part) + b"\n"
            if start == 0:
                block = opening + block
            if start + _SLICE_LINES >= len(lines):
                block += closing
            yield _quads_chunk(graph, part), block


def _batches(chunks: Iterable[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, bytes]]:
    """The pairs of chunks joined into batches of at least _BATCH_BYTES of N-Quads (the last may be smaller)."""
    quads: list[bytes] = []
    blocks: list[bytes] = []
    size = 0
    for chunk, block in chunks:
        quads.append(chunk)
        blocks.append(block)
        size += len(chunk)
        if size >= _BATCH_BYTES:
            yield b"".join(quads), b"".join(blocks)
            quads, blocks, size = [], [], 0
    if quads:
        yield b"".join(quads), b"".join(blocks)


def _sorted_triples(store: ox.Store) -> bytes:
    """The union of the store's graphs as sorted N-Triples without duplicates."""
    lines = sorted({line for _, lines_of_graph in graph_lines(store) for line in lines_of_graph})
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
