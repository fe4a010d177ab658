"""The nodes that fail when one node (one offering) alone is removed, for every node at once.

The node-level counterpart of the vendor cut sets of `single_removals`: with the survival rule (a
node fails when it is removed, or when every supplier of one of its dependency kinds has failed),

    cut(n) = {n} | union over n's kinds of (intersection over the kind's suppliers s of cut(s)),

the set of nodes whose removal alone makes n fail. So removing m makes n fail exactly when m is in
cut(n). One pass from suppliers to consumers; the cost is the total size of the cut sets.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> failing_without_each_node(sample_projection().index)["cloud"]
    ['big-model', 'chat-app', 'code-app', 'open-model']
"""

from __future__ import annotations

from collections import defaultdict

from ..model.projection import SupplyIndex
from ..runtime.gc_pause import gc_paused


@gc_paused()
def node_cut_sets(index: SupplyIndex) -> list[frozenset[int]]:
    """cut(n) for every node number of the index (see the module docstring)."""
    cuts: list[frozenset[int]] = []
    for n, kinds in enumerate(index.requires):
        cut = {n}
        for kind in kinds:
            common = set(cuts[kind[0][0]])
            for s, _ in kind[1:]:
                if not common:
                    break
                common &= cuts[s]
            cut |= common
        cuts.append(frozenset(cut))
    return cuts


def failing_without_each_node(index: SupplyIndex) -> dict[str, list[str]]:
    """For every node whose loss makes another node fail: those other nodes (ids, sorted)."""
    failing: dict[int, list[int]] = defaultdict(list)
    for n, cut in enumerate(node_cut_sets(index)):
        for m in cut:
            if m != n:
                failing[m].append(n)
    ids = index.ids
    return {ids[m]: sorted(ids[n] for n in nodes) for m, nodes in sorted(failing.items(), key=lambda kv: ids[kv[0]])}
