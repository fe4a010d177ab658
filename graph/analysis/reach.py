"""Reach: how many applications depend on each node and each vendor.

The reach of a node is the number of applications with a dependency path of one edge or more to it.
The reach of a vendor is the number of applications with such a path to any of its nodes (its own
apps count when they depend on its other offerings). Computed from each application's supply chain,
so the cost is the total size of the applications' supply chains.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> result = reach(sample_projection())
    >>> result.vendors["fabco"], result.vendors["openco"], result.nodes["gpu-y"]
    (2, 1, 2)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model.projection import Projection
from ..runtime.gc_pause import gc_paused


@dataclass(frozen=True)
class Reach:
    """Applications depending on each node and on each vendor (counts; every node and vendor listed)."""

    nodes: dict[str, int]
    vendors: dict[str, int]


@gc_paused()
def reach(projection: Projection) -> Reach:
    """The reach of every node and vendor of the projection. Supply chains are built suppliers first
    as set unions of the suppliers' chains (each kept until its last consumer has read it), and
    counted over the applications."""
    index = projection.index
    graph = projection.graph
    vendor_of = [graph.nodes[n]["vendor"] for n in index.ids]
    node_counts: Counter[int] = Counter()
    vendor_counts: Counter[str] = Counter()
    chains: list[frozenset[int] | None] = [None] * len(index.ids)  # downstream(n)
    chain_vendors: list[frozenset[str] | None] = [None] * len(index.ids)  # their vendors
    remaining = [len(c) for c in index.consumers]
    for n, kinds in enumerate(index.requires):
        suppliers = {s for kind in kinds for s, _ in kind}
        chain = set(suppliers)
        vendors = {vendor_of[s] for s in suppliers}
        for s in suppliers:
            chain |= chains[s]
            vendors |= chain_vendors[s]
            remaining[s] -= 1
            if remaining[s] == 0:  # every consumer has read it
                chains[s] = chain_vendors[s] = None
        if index.is_app[n]:
            node_counts.update(chain)
            vendor_counts.update(vendors)
        if index.consumers[n]:
            chains[n], chain_vendors[n] = frozenset(chain), frozenset(vendors)
    nodes = {index.ids[i]: node_counts[i] for i in range(len(index.ids))}
    return Reach(nodes=dict(sorted(nodes.items())), vendors={v: vendor_counts[v] for v in projection.vendors})


def apps_depending_on(projection: Projection, nodes: list[str]) -> list[str]:
    """The applications with a dependency path to any of the given nodes, sorted."""
    index = projection.index
    found = index.dependents(index.number[n] for n in nodes)
    return sorted(index.ids[i] for i in found if index.is_app[i])
