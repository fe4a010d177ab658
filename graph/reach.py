"""Reach: how many applications depend on each node and each vendor.

The reach of a node is the number of applications with a dependency path of one edge or more to it.
The reach of a vendor is the number of applications with such a path to any of its nodes (its own
apps count when they depend on its other offerings). Computed from each application's supply chain,
so the cost is the total size of the applications' supply chains.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gc_pause import gc_paused
from .projection import Projection


@dataclass(frozen=True)
class Reach:
    """Applications depending on each node and on each vendor (counts; every node and vendor listed)."""

    nodes: dict[str, int]
    vendors: dict[str, int]


@gc_paused()
def reach(projection: Projection) -> Reach:
    """The reach of every node and vendor of the projection."""
    index = projection.index
    graph = projection.graph
    vendor_of = [graph.nodes[n]["vendor"] for n in index.ids]
    node_counts = [0] * len(index.ids)
    vendor_counts = dict.fromkeys(projection.vendors, 0)
    for app, is_app in enumerate(index.is_app):
        if not is_app:
            continue
        chain = index.downstream(app)
        for n in chain:
            node_counts[n] += 1
        for v in {vendor_of[n] for n in chain}:
            vendor_counts[v] += 1
    nodes = {index.ids[i]: c for i, c in enumerate(node_counts)}
    return Reach(nodes=dict(sorted(nodes.items())), vendors=vendor_counts)


def apps_depending_on(projection: Projection, nodes: list[str]) -> list[str]:
    """The applications with a dependency path to any of the given nodes, sorted."""
    index = projection.index
    found = index.dependents(index.number[n] for n in nodes)
    return sorted(index.ids[i] for i in found if index.is_app[i])
