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

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> ranked = chokepoints(sample_projection())
    >>> [(c.rank, c.vendor, len(c.apps_cut_off)) for c in ranked.ranking[:3]]
    [(1, 'cloudco', 2), (1, 'fabco', 2), (3, 'modelco', 1)]
    >>> [pair.vendors for pair in ranked.pairs]
    [('chipx', 'chipy'), ('modelco', 'openco')]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model.projection import APPLICATIONS, LARGE_GRAPH, Projection, SupplyIndex
from .single_removals import critical_pairs, single_removals

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
    cuts: list[frozenset[int] | None] = field(default_factory=list, repr=False, compare=False)  # see single_removals

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


def chokepoints(
    projection: Projection, pair_pool: int = PAIR_POOL, progress: Callable[[str], None] | None = None
) -> Chokepoints:
    """Rank every candidate vendor, find the critical pairs of the top `pair_pool`, and add the
    supplements (see the module docstring). Every single removal comes from one pass
    (graph/single_removals.py), equal to simulating each removal with survival and capacity."""
    index = projection.index
    if progress and len(index.ids) < LARGE_GRAPH:
        progress = None
    outcome = single_removals(projection, progress)
    n_apps = sum(index.is_app) or 1
    names = candidates(projection)

    def key(vendor: str) -> tuple[int, float]:
        lost = round(outcome.capacity_lost.get(vendor, 0.0) / n_apps, _DIGITS)
        return (-len(outcome.apps_cut_off.get(vendor, ())), -lost)

    keys = {v: key(v) for v in names}
    ordered = sorted(names, key=lambda v: (keys[v], v))
    ranking: list[Candidate] = []
    for position, vendor in enumerate(ordered, start=1):
        tied = ranking and keys[ranking[-1].vendor] == keys[vendor]
        apps = sorted(index.ids[a] for a in outcome.apps_cut_off.get(vendor, ()))
        ranking.append(Candidate(vendor, ranking[-1].rank if tied else position, tuple(apps), -keys[vendor][1]))
    cuts = outcome.cuts
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    candidate_set = set(names)
    for a in ordered[:pair_pool]:
        for b, apps in critical_pairs(projection, a, cuts).items():
            pair = tuple(sorted((a, b)))
            if b in candidate_set and pair not in found:
                found[pair] = tuple(sorted(index.ids[n] for n in apps))
    pairs = sorted(
        (CriticalPair(p, apps) for p, apps in found.items()), key=lambda p: (-len(p.apps_cut_off), p.vendors)
    )
    articulation, betweenness = _supplements(index)
    return Chokepoints(ranking, pairs, articulation, betweenness, cuts)


def _igraph():
    """The igraph module, imported without its optional matplotlib drawing support: igraph imports
    matplotlib.pyplot whenever it is installed (about 0.6 s), and stackmap never draws with igraph."""
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # makes `import matplotlib` fail
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


def _supplements(index: SupplyIndex) -> tuple[list[str], dict[str, float]]:
    """Articulation points and non-zero betweenness centrality of the node graph (igraph)."""
    igraph = _igraph()
    edges = [
        (consumer, supplier) for consumer, kinds in enumerate(index.requires) for kind in kinds for supplier, _ in kind
    ]
    g = igraph.Graph(n=len(index.ids), edges=sorted(set(edges)), directed=True)
    articulation = sorted(index.ids[n] for n in g.articulation_points())
    values = g.betweenness(directed=True)
    betweenness = {index.ids[n]: round(v, 6) for n, v in enumerate(values) if v > 0}
    return articulation, dict(sorted(betweenness.items(), key=lambda kv: (-kv[1], kv[0])))
