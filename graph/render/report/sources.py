"""The report's section "Data": the sources that support the map, and the layers whose vendors no
market-share figure covers."""

from __future__ import annotations

from collections.abc import Sequence

from ...model.projection import Projection
from .. import report_figures as rf
from ..palette import layer_colour
from ..report_numbers import count
from ..source_support import KINDS, SourceSupport
from .blocks import Block, Cell, Figure, Heading, Link, Para, Table
from .concentration import basis
from .layers import layer_members, leaf_layers
from .names import Names, name_list


def section(p: Projection, a: dict, support: Sequence[SourceSupport], names: Names) -> list[Block]:
    """The data section: facts per source as a figure and a table, then the share-figure gaps."""
    kinds = list(KINDS.values())
    totals = {k: sum(s.facts[k] for s in support) for k in kinds}
    cited = [s for s in support if s.total]
    blocks: list[Block] = [
        Heading(2, "Data", "data"),
        Para(
            f"{count(len(support))} sources support the map; a fact citing two sources counts for each. "
            "Facts by kind across all sources: " + ", ".join(f"{count(totals[k])} {k}" for k in kinds) + "."
        ),
    ]
    if cited:
        shown = cited[:40]
        blocks.append(
            Figure(
                "sources",
                rf.sources_figure([(s.id, s.facts) for s in shown]),
                "Facts per source" + (f" (the {len(shown)} with most facts)." if len(cited) > len(shown) else "."),
            )
        )
    blocks.append(
        Table(
            ("Source", "Title, publisher, date", *[k.capitalize() for k in kinds], "Total"),
            tuple(_source_row(s, kinds) for s in support),
            frozenset(range(2, 3 + len(kinds))),
        )
    )
    blocks += [
        Heading(3, "Facts without a market-share figure", "no-share-figure"),
        Para(
            "Per layer: whether its concentration rests on market-share figures or on dependents, and the "
            "vendors in it that no market-share figure covers. A figure for them would replace the "
            "dependents estimate."
        ),
        Table(
            ("Layer", "Concentration basis", "Vendors with a share figure", "Vendors without"),
            _share_gaps(p, a, names),
        ),
    ]
    return blocks


def _source_row(s: SourceSupport, kinds: list[str]) -> tuple:
    """A source's row: id, linked title with publisher and date, facts per kind, total."""
    after = f" ({s.publisher}, {s.date})" if s.publisher else f" ({s.date})"
    return (s.id, Link(s.title, s.url, after), *[count(s.facts[k]) for k in kinds], count(s.total))


def _share_gaps(p: Projection, a: dict, names: Names) -> tuple[tuple, ...]:
    """Per leaf layer: the basis of its concentration, and its vendors with and without a share figure."""
    by_layer = {c["id"]: c for c in a["concentration"] if c["scope"] == "layer"}
    members = layer_members(p)
    rows = []
    for layer in leaf_layers(p):
        vendors = members[layer][0]
        c = by_layer.get(layer)
        named = {v for v, _ in c["shares"]} if c and c["basis"] != "dependents" else set()
        resting_on = basis(c) if c else "none (nothing depends on this layer)"
        rows.append(
            (
                Cell(names.layer(layer), layer_colour(layer)),
                resting_on,
                name_list(sorted(names.vendor(v) for v in vendors & named)) or "none",
                name_list(sorted(names.vendor(v) for v in vendors - named)) or "none",
            )
        )
    return tuple(rows)
