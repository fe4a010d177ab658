"""The outcome of removing each vendor alone, for every vendor at once, in one pass over the graph.

Removing vendor v removes all its nodes. Survival and capacity (graph/survival.py, graph/capacity.py)
then give, for every node n, whether it fails and the capacity it keeps. Simulating each vendor
separately costs the size of its upstream every time; this module gets the same answers from two
quantities carried from suppliers to consumers, so the cost is the total size of the nodes' supply
chains (the same order as reach):

- cut(n), the vendors whose removal alone makes n fail: n's own vendor, and for each dependency kind,
  the vendors that make every supplier of that kind fail:
  cut(n) = {vendor(n)} | union over kinds of (intersection over the kind's suppliers s of cut(s)).
- loss(n)[v] = 1 - capacity of n without v (kept only where it is above 0): 1 for n's own vendor,
  else the largest over kinds of 1 - min(1, sum of w_s x (1 - loss(s)[v])).

With `without`, the same quantities are computed with one vendor already removed: pairs {a, b} that
cut off what neither cuts off alone are then the b in cut_a(n) outside cut(n).

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> removals = single_removals(sample_projection())
    >>> sorted(removals.apps_cut_off), removals.capacity_lost["chipx"]
    (['chatco', 'cloudco', 'codeco', 'fabco', 'modelco'], 1.5)
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..model.projection import Projection
from ..runtime.gc_pause import gc_paused


@dataclass(frozen=True)
class SingleRemovals:
    """For every vendor: the applications that fail when it alone is removed (node numbers), and the
    sum over applications of the capacity they lose; and cut(n) for every node (see cut_sets)."""

    apps_cut_off: dict[str, list[int]]
    capacity_lost: dict[str, float]
    cuts: list[frozenset[int] | None]


@gc_paused()
def cut_sets(projection: Projection, without: int | None = None) -> list[frozenset[int] | None]:
    """cut(n) for every node (vendor numbers); with `without`, on the map where that vendor is
    removed, and None for the nodes that fail there."""
    index = projection.index
    owner = projection.owners
    cuts: list[frozenset[int] | None] = [None] * len(index.ids)
    for n, kinds in enumerate(index.requires):
        if owner[n] == without:
            continue
        cut = node_cut(owner[n], kinds, cuts)
        cuts[n] = None if cut is None else frozenset(cut)
    return cuts


def node_cut(own: int, kinds, cuts: list[frozenset[int] | None]) -> set[int] | None:
    """cut(n) from its suppliers' cut sets: {own} | union over kinds of the intersection of the cut
    sets of the kind's live suppliers; None when every supplier of some kind has failed (None)."""
    cut = {own}
    for kind in kinds:
        alive = [cuts[s] for s, _ in kind if cuts[s] is not None]
        if not alive:
            return None
        common = set(alive[0])
        for other in alive[1:]:
            common &= other
            if not common:
                break
        cut |= common
    return cut


@gc_paused()
def single_removals(projection: Projection, progress: Callable[[str], None] | None = None) -> SingleRemovals:
    """What removing each vendor alone does to the applications (see the module docstring)."""
    index = projection.index
    vendors, owner = list(projection.vendors), projection.owners
    cuts = cut_sets(projection)
    remaining = [len(c) for c in index.consumers]  # consumers still to read a node's loss
    losses: list[dict[int, float] | None] = [None] * len(index.ids)
    cut_off: dict[int, list[int]] = defaultdict(list)
    lost: dict[int, float] = defaultdict(float)
    step = max(1, len(index.ids) // 10)
    for n, kinds in enumerate(index.requires):
        loss: dict[int, float] = {}
        for kind in kinds:
            if len(kind) == 1:  # one supplier: the same sums as below, without the dict of sums
                s, w = kind[0]
                for v, x in losses[s].items():
                    kept = w - w * x
                    value = 1.0 - (kept if kept < 1.0 else 1.0)
                    if value > loss.get(v, 0.0):
                        loss[v] = value
                continue
            total_weight = 0.0
            weighted: dict[int, float] = defaultdict(float)
            for s, w in kind:
                total_weight += w
                for v, x in losses[s].items():
                    weighted[v] += w * x
            for v, x in weighted.items():
                kept = total_weight - x
                value = 1.0 - (kept if kept < 1.0 else 1.0)
                if value > loss.get(v, 0.0):
                    loss[v] = value
        for s in {s for kind in kinds for s, _ in kind}:
            remaining[s] -= 1
            if remaining[s] == 0:
                losses[s] = None  # every consumer has read it
        loss[owner[n]] = 1.0
        if remaining[n]:  # kept for its consumers (most apps have none)
            losses[n] = loss
        if index.is_app[n]:
            for v in cuts[n]:
                cut_off[v].append(n)
            for v, x in loss.items():
                lost[v] += x
        if progress and n % step == 0 and n:
            progress(f"chokepoints: {n:,} of {len(index.ids):,} nodes")
    return SingleRemovals(
        apps_cut_off={vendors[v]: sorted(apps) for v, apps in cut_off.items()},
        capacity_lost={vendors[v]: x for v, x in lost.items()},
        cuts=cuts,
    )


def critical_pairs(projection: Projection, vendor: str, cuts: list[frozenset[int] | None]) -> dict[str, list[int]]:
    """For one vendor a: every other vendor b such that a and b together cut off applications that
    neither cuts off alone, with those applications (node numbers). `cuts` is cut_sets(projection).
    Once a is removed, only consumers of a node whose cut set changed can change, so only those are
    recomputed, in node order (suppliers first)."""
    index = projection.index
    vendors = list(projection.vendors)
    owner = projection.owners
    a = vendors.index(vendor)
    residual = list(cuts)  # cut sets without a; the same as cuts outside the nodes recomputed below
    queued: set[int] = set()
    for n, o in enumerate(owner):
        if o == a:
            residual[n] = None
            queued.update(index.consumers[n])
    waiting = sorted(queued)
    found: dict[int, list[int]] = defaultdict(list)
    while waiting:
        n = heapq.heappop(waiting)
        if owner[n] == a:
            continue
        # cut(n) holds a: n fails without a
        cut = None if a in cuts[n] else node_cut(owner[n], index.requires[n], residual)
        if cut is not None and cut == cuts[n]:
            continue
        residual[n] = None if cut is None else frozenset(cut)
        for c in index.consumers[n]:
            if c not in queued:
                queued.add(c)
                heapq.heappush(waiting, c)
        if cut is not None and index.is_app[n]:
            for b in residual[n] - cuts[n]:
                found[b].append(n)
    return {vendors[b]: apps for b, apps in sorted(found.items())}
