"""What-if: remove vendors, offerings or every vendor of a country, and report what fails.

Survival (graph/analysis/survival.py) says which nodes fail; capacity (graph/analysis/capacity.py)
how much of each node's output remains. Reported: the removed nodes, the applications that fail,
the failed nodes of each layer, every application's capacity, the mean capacity of each layer's
nodes, and the detours beneath the applications that work (graph/analysis/detours.py: the
dependencies that lost a supplier and work on another).

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> result = whatif(sample_projection(), ["chipx"])
    >>> result.failed_apps, result.app_capacity
    ((), {'chat-app': 0.25, 'code-app': 0.25})
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.projection import Projection
from ..source.problems import did_you_mean
from .capacity import capacities
from .detours import Detour, detours
from .survival import failed_nodes


class UnknownName(LookupError):
    """An id or country code that the map does not have; the message carries a did-you-mean."""


@dataclass(frozen=True)
class WhatIf:
    """The outcome of one removal."""

    removed: tuple[str, ...]
    failed_apps: tuple[str, ...]
    failed_by_layer: dict[str, tuple[str, ...]]
    app_capacity: dict[str, float]
    mean_capacity_by_layer: dict[str, float]
    detours: tuple[Detour, ...] = ()


def resolve_ids(projection: Projection, ids: Iterable[str]) -> list[str]:
    """The nodes that stand for the given vendor and offering ids; UnknownName for an id the map lacks."""
    nodes: set[str] = set()
    known = set(projection.vendors) | set(projection.graph)
    for name in ids:
        if name in projection.vendors:
            nodes.update(projection.nodes_of(name))
        elif name in projection.graph:
            nodes.add(name)
        else:
            raise UnknownName(f"unknown vendor or offering '{name}'{did_you_mean(name, known) or ''}")
    return sorted(nodes)


def resolve_countries(projection: Projection, countries: Iterable[str]) -> list[str]:
    """The nodes of every vendor headquartered in the given countries (ISO codes, any case)."""
    known = sorted({v.country for v in projection.vendors.values() if v.country})
    nodes: set[str] = set()
    for code in countries:
        code = code.upper()
        if code not in known:
            raise UnknownName(f"no vendor of the map is in '{code}' (countries: {', '.join(known)})")
        for v in projection.vendors.values():
            if v.country == code:
                nodes.update(projection.nodes_of(v.id))
    return sorted(nodes)


def whatif(projection: Projection, ids: Iterable[str] = (), countries: Iterable[str] = ()) -> WhatIf:
    """What fails, and what capacity remains, when the given vendors, offerings and countries are removed."""
    names = sorted(set(resolve_ids(projection, ids)) | set(resolve_countries(projection, countries)))
    index = projection.index
    removed = {index.number[n] for n in names}
    order = index.upstream(removed)
    failed = failed_nodes(index, removed, order)
    capacity = capacities(index, removed, order)
    graph = projection.graph
    by_layer: dict[str, list[str]] = {}
    totals: dict[str, list[float]] = {}
    for i, n in enumerate(index.ids):
        layer = graph.nodes[n]["layer"]
        totals.setdefault(layer, []).append(capacity.get(i, 1.0))
        if i in failed:
            by_layer.setdefault(layer, []).append(n)
    order_of = {layer: projection.layers[layer].order for layer in totals}
    layers = sorted(totals, key=order_of.__getitem__)
    return WhatIf(
        removed=tuple(names),
        failed_apps=tuple(sorted(index.ids[i] for i in failed if index.is_app[i])),
        failed_by_layer={layer: tuple(sorted(by_layer[layer])) for layer in layers if layer in by_layer},
        app_capacity={a: capacity.get(index.number[a], 1.0) for a in projection.apps},
        mean_capacity_by_layer={layer: sum(totals[layer]) / len(totals[layer]) for layer in layers},
        detours=detours(projection, failed),
    )
