"""Serialise the map's dataset: Turtle, TriG, N-Quads or JSON-LD, byte-identical for the same data.

Quads are sorted before writing (graph, subject, predicate, object), so the output never depends on
the store's internal order. Turtle has no named graphs: it holds the union of all graphs.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from . import vocab

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {"turtle": "ttl", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}


def _key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def sorted_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads without duplicates, in a stable order."""
    return sorted(set(quads), key=_key)


def serialize(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """The quads in format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
    ordered = sorted_quads(quads)
    rdf_format = FORMATS[fmt]
    if not rdf_format.supports_datasets:
        triples = sorted(
            {ox.Triple(q.subject, q.predicate, q.object) for q in ordered},
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
        )
        return ox.serialize(triples, format=rdf_format, prefixes=vocab.PREFIXES)
    if fmt == "nquads":
        return ox.serialize(ordered, format=rdf_format)
    return ox.serialize(ordered, format=rdf_format, prefixes=vocab.PREFIXES)
