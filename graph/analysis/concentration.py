"""Concentration: how concentrated each layer and each market is.

Shares come from the data's market-share figures where it has them, else from dependents:
- **market-share figures**: for a market, its latest period (by the figures' `as_of`; ties: the
  period with the most figures, then the latest-sorting name); a figure about an offering counts for
  its vendor; a range counts as its middle. Periods are never mixed, nor are markets (each market is
  one analyst's definition). A market sits in a layer when all its figures do (a figure's layer is
  its offering's, or its vendor's offerings in that market); a layer uses the figures of the one of
  its markets with the latest chosen period (ties: more figures, then the id), and without such a
  market falls back to dependents. The rest of the market (1 - the named shares) is the
  unattributed fringe.
- **dependents**: each dependency kind of each node spreads one unit of demand over its suppliers
  by their weights; a vendor's share is the demand its nodes in the layer (or market) receive over
  the total.

Measures: HHI = sum of (100 x share)^2 over the named holders (0-10,000); `hhi_max` adds the fringe
as if it were one firm (the bound when nothing is known of it). CR1 and CR4 are the largest and the
four largest shares summed. The band follows the 2023 US Merger Guidelines: above 1,800 highly
concentrated, 1,000 to 1,800 moderately concentrated, below 1,000 unconcentrated. `countries_to_75`
is the least number of headquarters countries whose shares reach 75% (the ETO supply-chain measure;
None when the named shares do not reach it).

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> layer = {c.id: c for c in concentration(sample_projection())}["compute-hardware"]
    >>> layer.basis, layer.shares, layer.hhi, layer.band
    ('dependents', (('chipx', 0.75), ('chipy', 0.25)), 6250.0, 'highly concentrated')
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..model.as_of import last_day
from ..model.projection import Figure, Projection
from ..runtime.gc_pause import gc_paused

MARKET_SHARE = "market-share"
BY_FIGURES = "market-share figures"
BY_DEPENDENTS = "dependents"
HIGH, MODERATE = 1800.0, 1000.0
COUNTRY_TARGET = 0.75
_EPS = 1e-9


@dataclass(frozen=True)
class Concentration:
    """The concentration of one layer or market."""

    scope: str  # "layer" or "market"
    id: str
    basis: str  # BY_FIGURES or BY_DEPENDENTS
    period: str | None
    shares: tuple[tuple[str, float], ...]  # (vendor, share), largest first
    unattributed: float
    hhi: float
    hhi_max: float
    cr1: float
    cr4: float
    band: str
    countries: tuple[tuple[str, float], ...]  # (country, share), largest first
    countries_to_75: int | None


def band(hhi: float) -> str:
    """The 2023 US Merger Guidelines band of an HHI."""
    if hhi > HIGH:
        return "highly concentrated"
    if hhi >= MODERATE:
        return "moderately concentrated"
    return "unconcentrated"


def measure(
    scope: str, ident: str, basis: str, period: str | None, shares: dict[str, float], countries: dict[str, str | None]
) -> Concentration:
    """HHI, CR1, CR4, band and the countries measure of vendor shares (fractions of the market)."""
    ordered = tuple(sorted(((v, s) for v, s in shares.items() if s > 0), key=lambda vs: (-vs[1], vs[0])))
    total = sum(s for _, s in ordered)
    fringe = max(0.0, 1.0 - total) if total <= 1 + _EPS else 0.0
    hhi = sum((100 * s) ** 2 for _, s in ordered)
    by_country: dict[str, float] = defaultdict(float)
    for v, s in ordered:
        by_country[countries.get(v) or "unknown"] += s
    country_shares = tuple(sorted(by_country.items(), key=lambda cs: (-cs[1], cs[0])))
    needed, running = None, 0.0
    for i, (_, s) in enumerate((c for c in country_shares if c[0] != "unknown"), start=1):
        running += s
        if running >= COUNTRY_TARGET - _EPS:
            needed = i
            break
    return Concentration(
        scope=scope,
        id=ident,
        basis=basis,
        period=period,
        shares=tuple((v, round(s, 6)) for v, s in ordered),
        unattributed=round(fringe, 6),
        hhi=round(hhi, 3),
        hhi_max=round(hhi + (100 * fringe) ** 2, 3),
        cr1=round(sum(s for _, s in ordered[:1]), 6),
        cr4=round(sum(s for _, s in ordered[:4]), 6),
        band=band(round(hhi, 3)),
        countries=tuple((c, round(s, 6)) for c, s in country_shares),
        countries_to_75=needed,
    )


def _latest(figures: list[Figure]) -> dt.date:
    """The last day the newest of the figures measures (figures without `as_of` date from the start)."""
    return max((last_day(f.as_of) for f in figures if f.as_of), default=dt.date.min)


def _period(figures: list[Figure]) -> tuple[str, list[Figure]]:
    """One market's chosen period and its figures: the latest (by `as_of`), then the one with the
    most figures, then the latest-sorting name."""
    by_period: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_period[f.period].append(f)
    period = max(by_period, key=lambda p: (_latest(by_period[p]), len(by_period[p]), p))
    return period, by_period[period]


def _figure_shares(figures: list[Figure]) -> tuple[str, dict[str, float]]:
    """The chosen period of one market's share figures, and each vendor's share in it."""
    period, chosen = _period(figures)
    shares: dict[str, float] = defaultdict(float)
    for f in chosen:
        if f.point is not None and f.vendor is not None:
            shares[f.vendor] += f.point
    return period, dict(shares)


def _layer_market(markets: list[str], share_figures: dict[str, list[Figure]]) -> str:
    """Of the markets that sit in one layer, the one that measures it: the latest chosen period,
    then the most figures in it, then the id."""

    def rank(market: str) -> tuple:
        _, chosen = _period(share_figures[market])
        return (_latest(chosen), len(chosen), market)

    return max(markets, key=rank)


def _demand(projection: Projection, scope_of) -> dict[str, dict[str, float]]:
    """For each layer or market (scope_of(node) gives it): the demand each vendor's nodes receive."""
    graph = projection.graph
    demand: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for _, supplier, relations in graph.edges(data="relations"):
        scope = scope_of(supplier)
        if scope is None:
            continue
        for link in relations.values():
            demand[scope][graph.nodes[supplier]["vendor"]] += link.weight
    return demand


def _normalised(demand: dict[str, float]) -> dict[str, float]:
    total = sum(demand.values())
    return {v: d / total for v, d in demand.items()} if total > 0 else {}


@gc_paused()
def concentration(projection: Projection) -> list[Concentration]:
    """The concentration of every layer and market that has shares (layers first, in stack order)."""
    graph = projection.graph
    countries = {v.id: v.country for v in projection.vendors.values()}
    share_figures: dict[str, list[Figure]] = defaultdict(list)
    for f in projection.figures:
        if f.metric == MARKET_SHARE and f.market:
            share_figures[f.market].append(f)
    layer_of_market: dict[str, set[str]] = defaultdict(set)
    for market, figures in share_figures.items():
        for f in figures:
            if f.layer:
                layer_of_market[market].add(f.layer)
            elif f.vendor in projection.vendors:  # a vendor's figure: its offerings in that market
                nodes = projection.nodes_of(f.vendor)
                layer_of_market[market].update(
                    graph.nodes[n]["layer"] for n in nodes if graph.nodes[n]["market"] == market
                )
    markets_in_layer: dict[str, list[str]] = defaultdict(list)
    for market, layers in layer_of_market.items():
        if len(layers) == 1:
            markets_in_layer[next(iter(layers))].append(market)

    by_layer = _demand(projection, lambda n: graph.nodes[n]["layer"])
    by_market = _demand(projection, lambda n: graph.nodes[n]["market"])
    results = []
    for layer in sorted(projection.layers.values(), key=lambda x: x.order):
        if markets_in_layer.get(layer.id):
            market = _layer_market(markets_in_layer[layer.id], share_figures)
            period, shares = _figure_shares(share_figures[market])
            results.append(measure("layer", layer.id, f"{BY_FIGURES} ({market})", period, shares, countries))
        elif shares := _normalised(by_layer.get(layer.id, {})):
            results.append(measure("layer", layer.id, BY_DEPENDENTS, None, shares, countries))
    for market in sorted(set(share_figures) | set(by_market)):
        if market in share_figures:
            period, shares = _figure_shares(share_figures[market])
            results.append(measure("market", market, BY_FIGURES, period, shares, countries))
        elif shares := _normalised(by_market[market]):
            results.append(measure("market", market, BY_DEPENDENTS, None, shares, countries))
    return results
