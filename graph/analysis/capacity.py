"""Capacity: the part of each node's output that remains when some nodes are removed (Leontief).

capacity(n) = 0 when n is removed; else the minimum, over n's dependency kinds, of
min(1, sum over the kind's suppliers of weight x capacity(supplier)). A node with no dependency has
capacity 1. Weights are the projection's: the stated shares, or an equal split (they add up to 1 per
kind, so every capacity is 1 before a removal). This is the short-run loss when no supplier can be
substituted: a node produces in the proportion of its scarcest input.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> index = sample_projection().index
    >>> kept = capacities(index, {index.number["gpu-x"]})  # GPU X was 0.75 of the cloud's chips
    >>> kept[index.number["cloud"]], kept[index.number["chat-app"]]
    (0.25, 0.25)
"""

from __future__ import annotations

from ..model.projection import SupplyIndex


def capacities(index: SupplyIndex, removed: set[int], order: list[int] | None = None) -> dict[int, float]:
    """The capacity of every node upstream of `removed` (numbers; every other node has capacity 1)."""
    if order is None:
        order = index.upstream(removed)
    capacity: dict[int, float] = {}
    requires = index.requires
    for n in order:
        if n in removed:
            capacity[n] = 0.0
            continue
        value = 1.0
        for suppliers in requires[n]:
            total = 0.0
            for s, weight in suppliers:
                total += weight * capacity.get(s, 1.0)
            if total < value:
                value = total
        capacity[n] = value
    return capacity
