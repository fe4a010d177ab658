"""Detours: how the apps that survive a removal get around it.

After a removal (survival, graph/analysis/survival.py), a dependency kind of a node is routed around when the
removal took out some of its suppliers and at least one other is still alive: the node keeps working
on the others (the suppliers of one kind are alternatives). The detours that matter are those in the
live supply of a working app: the nodes reached from a working app through live suppliers only. They
say why an app survives a vendor's loss, and so why that vendor cuts off fewer apps than another
(a chip that may be fabbed on any of a foundry's nodes survives on the nodes that lost nothing).

Example, on the tiny stack of `graph.model.sample`: without ChipX, the cloud runs on GPU Y alone.

    >>> from graph.model.sample import sample_projection
    >>> from graph.analysis.survival import failed_nodes
    >>> p = sample_projection()
    >>> failed = failed_nodes(p.index, {p.index.number["gpu-x"]})
    >>> detours(p, failed)
    (Detour(node='cloud', kind='runs_on', kept=('gpu-y',), lost=('gpu-x',)),)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.projection import Projection


@dataclass(frozen=True)
class Detour:
    """A dependency kind of `node` that lost the suppliers `lost` and works on `kept`."""

    node: str
    kind: str
    kept: tuple[str, ...]
    lost: tuple[str, ...]


def detours(projection: Projection, failed: set[int]) -> tuple[Detour, ...]:
    """Every detour in the live supply of the apps that work when the nodes `failed` (numbers, as
    `survival.failed_nodes` gives them) have failed: the lowest layer first (where the loss is met
    before what rests on it), then by node and kind."""
    index, graph = projection.index, projection.graph
    live = [i for i, app in enumerate(index.is_app) if app and i not in failed]
    seen = set(live)
    found: list[Detour] = []
    while live:
        n = live.pop()
        lost_some = False
        for kind in index.requires[n]:
            for s, _ in kind:
                if s in failed:
                    lost_some = True
                elif s not in seen:
                    seen.add(s)
                    live.append(s)
        if lost_some:  # only then is a kind routed around: name the kinds
            node = index.ids[n]
            for kind, suppliers in _kinds(projection, node).items():
                kept = sorted(s for s in suppliers if index.number[s] not in failed)
                lost = sorted(s for s in suppliers if index.number[s] in failed)
                if kept and lost:
                    found.append(Detour(node, kind, tuple(kept), tuple(lost)))
    order = {layer: info.order for layer, info in projection.layers.items()}
    return tuple(sorted(found, key=lambda d: (-order[graph.nodes[d.node]["layer"]], d.node, d.kind)))


def _kinds(projection: Projection, node: str) -> dict[str, list[str]]:
    """The suppliers of a node by dependency kind (its key in the data files: `runs_on`)."""
    kinds: dict[str, list[str]] = {}
    for supplier, data in projection.graph.succ[node].items():
        for kind in data["relations"]:
            kinds.setdefault(kind, []).append(supplier)
    return kinds
