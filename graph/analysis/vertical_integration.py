"""Vertical integration: vendors that offer in two or more top layers (applications, models,
infrastructure), alone or together with the companies they own (`parent` ties, followed down).

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> [(i.vendor, i.subsidiaries, i.group_top_layers) for i in vertical_integration(sample_projection())]
    [('cloudco', ('modelco',), ('models', 'infrastructure'))]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model.projection import Projection, top_layer_of


@dataclass(frozen=True)
class Integration:
    """A vertically integrated vendor: its own top layers with its offerings in each, and the top
    layers of its group (itself and its subsidiaries)."""

    vendor: str
    top_layers: tuple[str, ...]
    offerings: dict[str, tuple[str, ...]]
    subsidiaries: tuple[str, ...]
    group_top_layers: tuple[str, ...]


def vertical_integration(projection: Projection) -> list[Integration]:
    """Every vendor whose own offerings, or whose group's, span two or more top layers."""
    layers = projection.layers
    graph = projection.graph
    children: dict[str, set[str]] = defaultdict(set)
    for tie in projection.ties:
        if tie.key == "parent":
            children[tie.object].add(tie.subject)

    def own(vendor: str) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = defaultdict(list)
        for n in projection.nodes_of(vendor):
            if n in graph:
                found[graph.nodes[n]["top_layer"]].append(n)
        return {top: tuple(sorted(found[top])) for top in sorted(found, key=lambda t: layers[t].order)}

    def group(vendor: str) -> set[str]:
        members, stack = set(), [vendor]
        while stack:
            for child in children[stack.pop()]:
                if child not in members and child != vendor:
                    members.add(child)
                    stack.append(child)
        return members

    results = []
    for vendor in projection.vendors:
        offerings = own(vendor)
        subsidiaries = group(vendor)
        tops = set(offerings)
        for s in subsidiaries:
            tops.update(top_layer_of(layers, graph.nodes[n]["layer"]) for n in projection.nodes_of(s) if n in graph)
        if len(tops) >= 2:
            results.append(
                Integration(
                    vendor=vendor,
                    top_layers=tuple(offerings),
                    offerings=offerings,
                    subsidiaries=tuple(sorted(subsidiaries)),
                    group_top_layers=tuple(sorted(tops, key=lambda t: layers[t].order)),
                )
            )
    return results
