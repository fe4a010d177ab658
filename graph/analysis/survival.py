"""Survival: which nodes fail when some are removed.

A node fails when it is removed, or when every supplier of one of its dependency kinds has failed:
the kinds of a node are all required (AND), the suppliers within a kind are alternatives (OR). A
supplier of another kind never stands in. Only the removed nodes and the nodes upstream of them
(their dependents) can fail, so only those are visited, suppliers first.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> index = sample_projection().index
    >>> sorted(index.ids[i] for i in failed_nodes(index, {index.number["gpu-x"]}))  # the cloud has GPU Y too
    ['gpu-x']
    >>> len(failed_nodes(index, {index.number["fab-n5"]}))  # every node rests on the one foundry
    8
"""

from __future__ import annotations

from ..model.projection import SupplyIndex


def failed_nodes(index: SupplyIndex, removed: set[int], order: list[int] | None = None) -> set[int]:
    """The nodes (numbers) that fail when `removed` are taken away. `order` is `index.upstream(removed)`
    when the caller already has it."""
    if order is None:
        order = index.upstream(removed)
    failed = set(removed)
    requires = index.requires
    for n in order:
        if n in failed:
            continue
        for suppliers in requires[n]:
            if all(s in failed for s, _ in suppliers):
                failed.add(n)
                break
    return failed
