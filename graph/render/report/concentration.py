"""The report's section "Concentration": HHI, CR1 and CR4 per layer and per market."""

from __future__ import annotations

import re
from collections import Counter

from ...model.projection import Projection
from .. import report_figures as rf
from ..palette import FALLBACK_COLOUR, layer_colour
from ..report_numbers import hhi, pct
from .blocks import Block, Cell, Figure, Heading, Para, Table
from .names import Names, name_list


def basis(c: dict) -> str:
    """What a concentration result rests on, with the period of its figures when it has one."""
    return c["basis"] + (f", {c['period']}" if c["period"] else "")


def _market_layers(p: Projection, a: dict) -> dict[str, str]:
    """The layer each market of the concentration results sits in (for its colour)."""
    found: dict[str, str] = {}
    for c in a["concentration"]:
        m = re.fullmatch(r"market-share figures \((.+)\)", c["basis"])
        if c["scope"] == "layer" and m:
            found[m.group(1)] = c["id"]
    by_market: dict[str, Counter] = {}
    for _, data in p.graph.nodes(data=True):
        if data["market"]:
            by_market.setdefault(data["market"], Counter())[data["layer"]] += 1
    for market, layers in by_market.items():
        found.setdefault(market, min(layers, key=lambda layer: (-layers[layer], p.layers[layer].order)))
    return found


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The concentration section: a figure and a table of every layer's and market's concentration."""
    results = a["concentration"]
    blocks: list[Block] = [Heading(2, "Concentration", "concentration")]
    if not results:
        return [*blocks, Para("No layer or market has shares to measure.")]
    market_layer = _market_layers(p, a)

    def label(c: dict) -> str:
        return names.layer(c["id"]) if c["scope"] == "layer" else c["id"]

    def colour(c: dict) -> str:
        layer = c["id"] if c["scope"] == "layer" else market_layer.get(c["id"])
        return layer_colour(layer) if layer else FALLBACK_COLOUR

    def bar(c: dict) -> rf.ConcentrationBar:
        return rf.ConcentrationBar(label(c), colour(c), c["hhi"], c["hhi_max"], c["basis"] != "dependents")

    layers = [bar(c) for c in results if c["scope"] == "layer"]
    markets = [bar(c) for c in results if c["scope"] == "market"]
    rows = tuple(
        (
            Cell(label(c), colour(c)),
            c["scope"],
            basis(c),
            hhi(c["hhi"]),
            hhi(c["hhi_max"]),
            pct(c["cr1"]),
            pct(c["cr4"]),
            c["band"],
            name_list([f"{names.vendor(v)} {pct(s)}" for v, s in c["shares"]], 4),
        )
        for c in results
    )
    blocks += [
        Para(
            "The Herfindahl-Hirschman index (HHI, the sum of squared percentage shares) and the shares of the "
            "largest one and four vendors (CR1, CR4), per layer and per market. Shares come from the data's "
            "market-share figures where it has them, otherwise from the demand of the offerings that depend on "
            "the layer (labelled 'dependents'). Where the named shares leave part of the market unattributed, "
            "the bound counts that part as one more firm. The 2023 US Merger Guidelines call a market above "
            "1,800 highly concentrated and one from 1,000 to 1,800 moderately concentrated."
        ),
        Figure("concentration", rf.concentration_figure(layers, markets), "HHI per layer and market."),
        Table(
            ("Layer or market", "Scope", "Basis", "HHI", "HHI bound", "CR1", "CR4", "Band", "Largest"),
            rows,
            frozenset({3, 4, 5, 6}),
        ),
    ]
    return blocks
