"""The report's section "The stack": the layers, top to bottom, with their vendors and offerings."""

from __future__ import annotations

from ...model.projection import Projection
from .. import report_figures as rf
from ..palette import layer_colour
from ..report_numbers import count
from .blocks import Block, Cell, Figure, Heading, Para, Table
from .layers import layer_members, leaf_layers
from .names import Names, name_list


def section(p: Projection, names: Names) -> list[Block]:
    """The stack section: a figure and a table of vendors and offerings per leaf layer."""
    members = layer_members(p)
    rows, bars = [], []
    for layer in leaf_layers(p):
        vendors, offerings = members[layer]
        top_id = layer
        while p.layers[top_id].broader is not None:
            top_id = p.layers[top_id].broader
        top = names.layer(top_id)
        vendor_names = sorted(names.vendor(v) for v in vendors)
        rows.append(
            (
                Cell(names.layer(layer), layer_colour(layer)),
                top,
                count(len(vendors)),
                count(offerings),
                name_list(vendor_names) or "none",
            )
        )
        bars.append(rf.StackRow(names.layer(layer), top, layer_colour(layer), len(vendors), offerings))
    return [
        Heading(2, "The stack", "stack"),
        Para(
            "The map's layers from the apps at the top down to the lithography tools beneath the foundries, "
            "with the vendors and offerings in each. A vendor offering in several layers counts in each."
        ),
        Figure("stack", rf.stack_figure(bars), "Vendors and offerings per layer, top of the stack first."),
        Table(("Layer", "Top layer", "Vendors", "Offerings", "Who"), tuple(rows), frozenset({2, 3})),
    ]
