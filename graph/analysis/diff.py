"""What changed between the map on one date and the map on another.

Compared, from the analyses of the two maps (each its own `--as-of` run):
- what entered and left: vendors, offerings (the graph's offering nodes) and dependencies (edges,
  one per kind: consumer, kind, supplier);
- chokepoint ranks that moved: every vendor whose rank, number of apps cut off or capacity lost
  differs (a vendor absent on one date has no rank there), by its rank on the later date; a vendor
  whose loss cuts off no app and takes no capacity on either date is not a chokepoint on either, and
  its rank number only counts the vendors above it: those are counted (`not_chokepoints`), not
  listed;
- concentration that moved: every layer or market whose HHI or band differs, or that has a value on
  one date only;
- single points of failure: for each app on both dates, the vendors whose loss alone cuts it off
  (from the chokepoint ranking) that it gained and that it lost.

Example, on the tiny stack of `graph.model.sample` before and after ChipY leaves the map:

    >>> from graph.model.sample import sample_projection
    >>> from graph.analysis.results import analyse
    >>> before = analyse(sample_projection())
    >>> p = sample_projection()
    >>> p.graph.remove_node("gpu-y"); del p.vendors["chipy"]
    >>> change = diff(before, analyse(p))
    >>> change.left["vendors"], change.left["offerings"]
    (('chipy',), ('gpu-y',))
    >>> [(m.vendor, m.rank_from, m.rank_to) for m in change.ranks]
    [('chipx', 4, 1), ('modelco', 3, 4), ('openco', 6, 5), ('chipy', 5, None)]
    >>> change.ranks[0].capacity_from, change.ranks[0].capacity_to
    (0.75, 1.0)
    >>> change.single_points["chat-app"]
    (('chipx',), ())
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .results import Analysis


@dataclass(frozen=True)
class RankMove:
    """A vendor whose chokepoint rank, apps cut off or mean capacity lost differ between the dates
    (None: not ranked then)."""

    vendor: str
    rank_from: int | None
    rank_to: int | None
    apps_from: int
    apps_to: int
    capacity_from: float | None = None
    capacity_to: float | None = None

    @property
    def harmless(self) -> bool:
        """Whether the vendor's loss cuts off no app and takes no capacity on either date."""
        return not (self.apps_from or self.apps_to or self.capacity_from or self.capacity_to)


@dataclass(frozen=True)
class ConcentrationMove:
    """A layer or market whose HHI or band differs between the dates (None: not measured then)."""

    scope: str
    id: str
    hhi_from: float | None
    hhi_to: float | None
    band_from: str | None
    band_to: str | None
    basis_from: str | None
    basis_to: str | None


@dataclass(frozen=True)
class Diff:
    """The changes from one map to another; `entered` and `left` hold sorted ids per kind
    (vendors, offerings, and dependencies as "consumer kind supplier"); `single_points` maps each
    app on both dates to the single points of failure it (gained, lost); `not_chokepoints` counts
    the vendors left out of `ranks` because their loss changes nothing on either date."""

    entered: dict[str, tuple[str, ...]]
    left: dict[str, tuple[str, ...]]
    ranks: tuple[RankMove, ...]
    concentration: tuple[ConcentrationMove, ...]
    single_points: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    not_chokepoints: int = 0


def _contents(analysis: Analysis) -> dict[str, set[str]]:
    graph = analysis.projection.graph
    return {
        "vendors": set(analysis.projection.vendors),
        "offerings": {n for n, kind in graph.nodes(data="kind") if kind == "offering"},
        "dependencies": {f"{u} {k} {v}" for u, v, relations in graph.edges(data="relations") for k in relations},
    }


def _single_points(analysis: Analysis) -> dict[str, set[str]]:
    """For each app, the vendors whose loss alone cuts it off."""
    points: dict[str, set[str]] = {app: set() for app in analysis.projection.apps}
    for ranked in analysis.chokepoints.ranking:
        for app in ranked.apps_cut_off:
            points[app].add(ranked.vendor)
    return points


def diff(before: Analysis, after: Analysis) -> Diff:
    """The changes from the map `before` analyses to the one `after` analyses (see the module)."""
    was, now = _contents(before), _contents(after)
    entered = {kind: tuple(sorted(now[kind] - was[kind])) for kind in was}
    left = {kind: tuple(sorted(was[kind] - now[kind])) for kind in was}
    ranks_from = {r.vendor: r for r in before.chokepoints.ranking}
    ranks_to = {r.vendor: r for r in after.chokepoints.ranking}
    ranks, not_chokepoints = [], 0
    for vendor in sorted(ranks_from.keys() | ranks_to.keys()):
        a, b = ranks_from.get(vendor), ranks_to.get(vendor)
        move = RankMove(
            vendor,
            a.rank if a else None,
            b.rank if b else None,
            len(a.apps_cut_off) if a else 0,
            len(b.apps_cut_off) if b else 0,
            a.capacity_lost if a else None,
            b.capacity_lost if b else None,
        )
        if (move.rank_from, move.apps_from, move.capacity_from) == (move.rank_to, move.apps_to, move.capacity_to):
            continue
        if move.harmless:
            not_chokepoints += 1
        else:
            ranks.append(move)
    unranked = float("inf")
    ranks.sort(key=lambda m: (m.rank_to or unranked, m.rank_from or unranked, m.vendor))
    measured_from = {(c.scope, c.id): c for c in before.concentration}
    measured_to = {(c.scope, c.id): c for c in after.concentration}
    moves = []
    for key in sorted(measured_from.keys() | measured_to.keys()):
        a, b = measured_from.get(key), measured_to.get(key)
        move = ConcentrationMove(
            *key,
            a.hhi if a else None,
            b.hhi if b else None,
            a.band if a else None,
            b.band if b else None,
            a.basis if a else None,
            b.basis if b else None,
        )
        if (move.hhi_from, move.band_from) != (move.hhi_to, move.band_to):
            moves.append(move)
    points_from, points_to = _single_points(before), _single_points(after)
    single = {
        app: (tuple(sorted(points_to[app] - points_from[app])), tuple(sorted(points_from[app] - points_to[app])))
        for app in sorted(points_from.keys() & points_to.keys())
        if points_to[app] != points_from[app]
    }
    return Diff(entered, left, tuple(ranks), tuple(moves), single, not_chokepoints)
