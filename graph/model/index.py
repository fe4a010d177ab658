"""The dependency graph compiled to integer lists, numbered suppliers first, for the analyses that
simulate removals many times."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ..runtime.gc_pause import gc_paused

APPLICATIONS = "applications"  # the top layer whose nodes are the apps


@dataclass(frozen=True)
class SupplyIndex:
    """The dependency graph as integer lists. Node i is `ids[i]`; nodes are numbered suppliers first
    (every supplier has a lower number than its consumers), so sorting numbers is a topological order.
    `requires[i]` holds one tuple per dependency kind, of (supplier, weight) pairs; `consumers[i]`
    the nodes that depend on i."""

    ids: tuple[str, ...]
    number: dict[str, int]
    requires: tuple[tuple[tuple[tuple[int, float], ...], ...], ...]
    consumers: tuple[tuple[int, ...], ...]
    is_app: tuple[bool, ...]

    def upstream(self, nodes: Iterable[int]) -> list[int]:
        """The nodes and every node that depends on one of them, directly or transitively, suppliers first."""
        nodes = set(nodes)
        return sorted(nodes | self.dependents(nodes))

    def dependents(self, nodes: Iterable[int]) -> set[int]:
        """Every node that depends on one of the given nodes through at least one edge."""
        seen: set[int] = set()
        stack = list(nodes)
        consumers = self.consumers
        while stack:
            for c in consumers[stack.pop()]:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return seen

    def downstream(self, node: int) -> set[int]:
        """Every node the given one depends on, directly or transitively (itself excluded)."""
        seen: set[int] = set()
        stack = [node]
        requires = self.requires
        while stack:
            for kind in requires[stack.pop()]:
                for s, _ in kind:
                    if s not in seen:
                        seen.add(s)
                        stack.append(s)
        return seen


def supplier_order(graph: nx.DiGraph) -> list[str]:
    """The nodes suppliers first, ties broken by the smallest id (networkx's lexicographical topological
    sort of the reversed graph); on a graph with a cycle, only the nodes outside and below every cycle."""
    succ, pred = graph.succ, graph.pred
    waiting = {n: len(suppliers) for n, suppliers in succ.items()}
    ready = [n for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for consumer in pred[n]:
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                heapq.heappush(ready, consumer)
    return order


@gc_paused()
def compile_index(graph: nx.DiGraph) -> SupplyIndex:
    """Number the nodes suppliers first (ties broken by id) and compile requirements and consumers."""
    order = supplier_order(graph)
    number = {n: i for i, n in enumerate(order)}
    requires = []
    consumers: list[list[int]] = [[] for _ in order]
    succ = graph.succ
    for i, n in enumerate(order):
        kinds: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for supplier, data in succ[n].items():
            s = number[supplier]
            for key, link in data["relations"].items():
                kinds[key].append((s, link.weight))
            consumers[s].append(i)
        requires.append(tuple(tuple(sorted(kinds[k])) for k in sorted(kinds)))
    nodes = graph.nodes
    is_app = tuple(nodes[n]["top_layer"] == APPLICATIONS for n in order)
    return SupplyIndex(
        ids=tuple(order),
        number=number,
        requires=tuple(requires),
        consumers=tuple(tuple(sorted(c)) for c in consumers),
        is_app=is_app,
    )
