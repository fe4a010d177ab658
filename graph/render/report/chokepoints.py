"""The report's section "Chokepoints": vendors ranked by the apps that fail without them, and the
pairs of vendors that cut off apps together."""

from __future__ import annotations

from ...model.projection import Projection
from .. import report_figures as rf
from ..palette import FALLBACK_COLOUR, layer_colour
from ..report_numbers import count, of, pct
from .blocks import Block, Cell, Figure, Heading, Para, Table
from .names import Names, name_list

TOP_RANKS = 10  # chokepoint ranks shown
MAX_ROWS = 25  # rows of a long table (chokepoints, pairs)


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The chokepoints section: the top-ranked vendors as a figure and a table, then the critical
    pairs."""
    c = a["chokepoints"]
    n_apps = a["summary"]["apps"]
    blocks: list[Block] = [Heading(2, "Chokepoints", "chokepoints")]
    shown = [x for x in c["ranking"] if x["rank"] <= TOP_RANKS][:MAX_ROWS]
    if not shown:
        return [*blocks, Para("No vendor below the apps to remove.")]
    lowest = {x["vendor"]: _lowest_layer(p, x["vendor"]) for x in shown}
    colour = {v: layer_colour(layer) if layer else FALLBACK_COLOUR for v, layer in lowest.items()}
    bars = [
        rf.ChokepointBar(
            x["rank"],
            names.vendor(x["vendor"]),
            colour[x["vendor"]],
            x["apps_cut_off"],
            x["capacity_lost"],
        )
        for x in shown
    ]
    legend_layers = sorted({v for v in lowest.values() if v}, key=lambda layer: p.layers[layer].order)
    legend = [(names.layer(layer), layer_colour(layer)) for layer in legend_layers]
    rows = tuple(
        (
            str(x["rank"]),
            Cell(names.vendor(x["vendor"]), colour[x["vendor"]]),
            of(x["apps_cut_off"], n_apps),
            pct(x["capacity_lost"]),
            name_list([names.node(app) for app in x["apps"]]) or "none",
        )
        for x in shown
    )
    rest = len(c["ranking"]) - len(shown)
    blocks += [
        Para(
            f"Each of the {count(len(c['ranking']))} vendors below the apps is removed alone. An app fails when "
            "every supplier of one of the things it needs is gone; its capacity is the share-weighted supply "
            "left (Leontief: the scarcest input sets it). Vendors are ranked by the apps that fail, then by the "
            "mean capacity the apps lose; equal results share a rank."
        ),
        Figure("chokepoints", rf.chokepoints_figure(bars, n_apps, legend), f"Ranks 1 to {TOP_RANKS}."),
        Table(("Rank", "Vendor", "Apps that fail", "Capacity lost", "Which apps"), rows, frozenset({0, 2, 3})),
    ]
    if rest > 0:
        blocks.append(Para(f"{count(rest)} more vendors rank below {TOP_RANKS}."))
    blocks += _critical_pairs(c["critical_pairs"], n_apps, names)
    return blocks


def _critical_pairs(pairs: list[dict], n_apps: int, names: Names) -> list[Block]:
    """The critical pairs subsection: pairs of vendors that cut off apps that neither cuts off alone."""
    blocks: list[Block] = [Heading(3, "Critical pairs", "critical-pairs")]
    if pairs:
        blocks += [
            Para("Pairs of vendors that together cut off apps that neither cuts off alone."),
            Table(
                ("Vendors", "Apps that fail", "Which apps"),
                tuple(
                    (
                        " + ".join(names.vendor(v) for v in pair["vendors"]),
                        of(len(pair["apps"]), n_apps),
                        name_list([names.node(app) for app in pair["apps"]]),
                    )
                    for pair in pairs[:MAX_ROWS]
                ),
                frozenset({1}),
            ),
        ]
        if len(pairs) > MAX_ROWS:
            blocks.append(Para(f"{count(len(pairs) - MAX_ROWS)} more pairs in `analysis.json`."))
    else:
        blocks.append(Para("No pair of vendors cuts off an app that neither cuts off alone."))
    return blocks


def _lowest_layer(p: Projection, vendor: str) -> str | None:
    """The lowest layer of the stack in which the vendor has a node, if any."""
    layers = [p.graph.nodes[n]["layer"] for n in p.nodes_of(vendor) if n in p.graph]
    return max(layers, key=lambda layer: p.layers[layer].order) if layers else None
