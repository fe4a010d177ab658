"""The moat matrix: for each leaf layer and moat type, the vendors claimed to hold that moat there.

A claim about an offering counts in that offering's layer; a claim about a vendor counts in every
layer the vendor offers in (or its own layer when it has no offering).

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> cells = moat_matrix(sample_projection(), ["scale", "algorithmic"]).cells
    >>> cells["cloud-platforms"]["scale"], cells["closed-foundation-models"]["algorithmic"]
    (('cloudco',), ('modelco',))
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.projection import Projection


@dataclass(frozen=True)
class MoatMatrix:
    """Rows are leaf layers in stack order, columns moat types; every cell lists vendor ids, sorted."""

    layers: tuple[str, ...]
    moat_types: tuple[str, ...]
    cells: dict[str, dict[str, tuple[str, ...]]]


def moat_matrix(projection: Projection, moat_types: list[str]) -> MoatMatrix:
    """The matrix over every leaf layer and the given moat types (ids, in the order to show them)."""
    graph = projection.graph
    layers = tuple(layer.id for layer in sorted(projection.layers.values(), key=lambda x: x.order) if layer.leaf)
    cells: dict[str, dict[str, set[str]]] = {layer: {m: set() for m in moat_types} for layer in layers}
    for claim in projection.moats:
        nodes = [claim.about] if claim.about in graph else projection.nodes_of(claim.vendor)
        for n in nodes:
            if n in graph:
                cells[graph.nodes[n]["layer"]].setdefault(claim.moat_type, set()).add(claim.vendor)
    return MoatMatrix(
        layers=layers,
        moat_types=tuple(moat_types),
        cells={layer: {m: tuple(sorted(v)) for m, v in row.items()} for layer, row in cells.items()},
    )
