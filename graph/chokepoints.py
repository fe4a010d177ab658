"""Chokepoints: the vendors whose loss cuts the most applications off.

Candidates are the vendors with a node below the applications layer. Each is removed alone (all its
nodes) and ranked by the number of applications that fail (survival), then by the mean capacity
lost over all applications (1 - capacity, Leontief). Equal results share a rank (competition
ranking: 1, 1, 3), so a sole supplier beneath another can tie with it; ties are never broken.

For each of the top candidates, its critical pairs: another candidate such that the two together
cut off applications that neither cuts off alone (minimal cut sets of size two), with those apps.

Supplements, on the node graph: articulation points (nodes whose loss disconnects the graph when
direction is ignored) and betweenness centrality (share of shortest dependency paths through a node),
both computed by igraph, which is exact and fast at 100k nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .capacity import capacities
from .projection import APPLICATIONS, Projection, SupplyIndex
from .survival import failed_nodes

PAIR_POOL = 10  # critical pairs are searched among this many top-ranked candidates
_DIGITS = 9  # results equal to this many decimals are ties


@dataclass(frozen=True)
class Candidate:
    """One candidate's result when removed alone."""

    vendor: str
    rank: int
    apps_cut_off: tuple[str, ...]
    capacity_lost: float


@dataclass(frozen=True)
class CriticalPair:
    """Two vendors that together cut off applications neither cuts off alone."""

    vendors: tuple[str, str]
    apps_cut_off: tuple[str, ...]


@dataclass(frozen=True)
class Chokepoints:
    """The ranking of every candidate, the critical pairs among the top ones, and the supplements."""

    ranking: list[Candidate]
    pairs: list[CriticalPair]
    articulation_points: list[str]
    betweenness: dict[str, float]

    def rank_of(self, vendor: str) -> Candidate | None:
        """The candidate result of a vendor, or None when it is not a candidate."""
        return next((c for c in self.ranking if c.vendor == vendor), None)


def candidates(projection: Projection) -> list[str]:
    """The vendors with at least one node below the applications layer, sorted."""
    graph = projection.graph
    return [
        v
        for v in projection.vendors
        if any(n in graph and graph.nodes[n]["top_layer"] != APPLICATIONS for n in projection.nodes_of(v))
    ]


def _remove(index: SupplyIndex, removed: set[int], order: list[int]) -> tuple[frozenset[int], float]:
    """The failed applications and the mean capacity lost over all applications."""
    failed = failed_nodes(index, removed, order)
    capacity = capacities(index, removed, order)
    apps = frozenset(n for n in failed if index.is_app[n])
    n_apps = sum(index.is_app) or 1
    lost = sum(1.0 - c for n, c in capacity.items() if index.is_app[n]) / n_apps
    return apps, lost


def chokepoints(
    projection: Projection, pair_pool: int = PAIR_POOL, progress: Callable[[str], None] | None = None
) -> Chokepoints:
    """Rank every candidate vendor, find the critical pairs among the top `pair_pool`, and add the
    supplements (see the module docstring)."""
    index = projection.index
    results: dict[str, tuple[frozenset[int], float]] = {}
    names = candidates(projection)
    for done, vendor in enumerate(names, start=1):
        removed = {index.number[n] for n in projection.nodes_of(vendor)}
        order = index.upstream(removed)
        results[vendor] = _remove(index, removed, order)
        if progress and done % 2000 == 0:
            progress(f"chokepoints: removed {done:,} of {len(names):,} vendors one at a time")

    def key(vendor: str) -> tuple[int, float]:
        apps, lost = results[vendor]
        return (-len(apps), -round(lost, _DIGITS))

    ordered = sorted(names, key=lambda v: (key(v), v))
    ranking: list[Candidate] = []
    for position, vendor in enumerate(ordered, start=1):
        rank = ranking[-1].rank if ranking and key(ranking[-1].vendor) == key(vendor) else position
        apps, lost = results[vendor]
        ranking.append(Candidate(vendor, rank, tuple(sorted(index.ids[a] for a in apps)), round(lost, _DIGITS)))
    pairs = _critical_pairs(projection, ordered[:pair_pool], names, results)
    articulation, betweenness = _supplements(index)
    return Chokepoints(ranking, pairs, articulation, betweenness)


def _critical_pairs(
    projection: Projection, pool: list[str], names: list[str], results: dict[str, tuple[frozenset[int], float]]
) -> list[CriticalPair]:
    """For each vendor a of the pool and every other candidate b: the applications that fail when both
    go and when neither goes alone. Starting from what fails without a, only b's upstream can change."""
    index = projection.index
    requires = index.requires
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for a in pool:
        base = failed_nodes(index, {index.number[n] for n in projection.nodes_of(a)})
        for b in names:
            pair = tuple(sorted((a, b)))
            if b == a or pair in found:
                continue
            removed = {index.number[n] for n in projection.nodes_of(b)}
            new = removed - base
            for n in index.upstream(removed):
                if n in base or n in new:
                    continue
                for suppliers in requires[n]:
                    if all(s in base or s in new for s, _ in suppliers):
                        new.add(n)
                        break
            apps = sorted(index.ids[n] for n in new if index.is_app[n] and n not in results[b][0])
            if apps:
                found[pair] = tuple(apps)
    pairs = [CriticalPair(pair, apps) for pair, apps in found.items()]
    return sorted(pairs, key=lambda p: (-len(p.apps_cut_off), p.vendors))


def _supplements(index: SupplyIndex) -> tuple[list[str], dict[str, float]]:
    """Articulation points and non-zero betweenness centrality of the node graph (igraph)."""
    import igraph

    edges = [
        (consumer, supplier) for consumer, kinds in enumerate(index.requires) for kind in kinds for supplier, _ in kind
    ]
    g = igraph.Graph(n=len(index.ids), edges=sorted(set(edges)), directed=True)
    articulation = sorted(index.ids[n] for n in g.articulation_points())
    values = g.betweenness(directed=True)
    betweenness = {index.ids[n]: round(v, 6) for n, v in enumerate(values) if v > 0}
    return articulation, dict(sorted(betweenness.items(), key=lambda kv: (-kv[1], kv[0])))
