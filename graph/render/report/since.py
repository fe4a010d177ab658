"""The report's section "Since the essay": the map at the end of each year and on the essay's day,
from the stops of `analysis["timeline"]` (`graph.analysis.timeline`, the analyses `stackmap diff`
compares): counts, HHI per layer by year as a figure, and the chokepoint ranking by year."""

from __future__ import annotations

from ...model.projection import Projection
from ..palette import layer_colour
from ..report_numbers import count
from ..timeline_figure import TimelinePanel, timeline_figure
from .blocks import Block, Figure, Heading, Para, Table
from .names import Names

TOP_RANKS = 5  # vendors ranked this high at any stop get a row
ESSAY_LABEL = "2023-01-19 (the essay)"
NOT_RANKED = "\u2013"  # an en dash: not ranked at that stop, or not in the map then


def _short(stop: dict) -> str:
    """A stop's column header: the year, "essay", or the map's own day."""
    return "essay" if stop["label"] == ESSAY_LABEL else stop["label"]


def _panels(p: Projection, stops: list[dict], names: Names) -> list[TimelinePanel]:
    """One panel per layer that has a concentration result at any stop, in layer order."""
    points: dict[str, list[tuple[int, float, bool]]] = {}
    for i, stop in enumerate(stops):
        for c in stop["concentration"]:
            if c["scope"] == "layer":
                points.setdefault(c["id"], []).append((i, c["hhi"], c["basis"] != "dependents"))

    def order(layer: str) -> tuple[float, str]:
        return (p.layers[layer].order if layer in p.layers else float("inf"), layer)

    layers = sorted(points, key=order)
    return [TimelinePanel(names.layer(layer), layer_colour(layer), tuple(points[layer])) for layer in layers]


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The section, or nothing when the analysis has no timeline (an undated or a large map)."""
    stops = a.get("timeline") or []
    if len(stops) < 2:
        return []
    heads = tuple(_short(s) for s in stops)
    counts = tuple(
        (what, *(count(s["counts"][key]) for s in stops))
        for what, key in (("Vendors", "vendors"), ("Offerings", "offerings"), ("Dependencies", "dependencies"),
                          ("Apps", "apps"))
    )  # fmt: skip
    ranks = [{c["vendor"]: c["rank"] for c in s["chokepoints"] if c["apps"] > 0} for s in stops]
    ranked = {v for r in ranks for v, rank in r.items() if rank <= TOP_RANKS}
    ranked_rows = sorted(ranked, key=lambda v: (ranks[-1].get(v, 10**6), min(r.get(v, 10**6) for r in ranks), v))
    rows = tuple((names.vendor(v), *(str(r[v]) if v in r else NOT_RANKED for r in ranks)) for v in ranked_rows)
    essay = next((i for i, s in enumerate(stops) if s["label"] == ESSAY_LABEL), None)
    numeric = frozenset(range(1, len(stops) + 1))
    blocks: list[Block] = [
        Heading(2, "Since the essay", "since-the-essay"),
        Para(
            "The map as it stood at the end of each year, on the essay's day (2023-01-19) and on the map's own "
            f"day ({stops[-1]['label']}): the facts in force on that day (`--as-of`), analysed as if they were "
            "the whole map. A fact without a date holds at every stop. `stackmap diff --from DATE --to DATE` "
            "lists what entered, left and moved between two of them."
        ),
        Table(("", *heads), counts, numeric),
    ]
    panels = _panels(p, stops, names)
    if panels:
        blocks.append(
            Figure(
                "timeline",
                timeline_figure(panels, heads, essay),
                "HHI per layer at each stop; filled marks from market-share figures, open marks from dependents.",
            )
        )
    if rows:
        blocks += [
            Para(
                f"Chokepoint rank at each stop of the vendors ranked in the top {TOP_RANKS} at any of them "
                "(a dash: not ranked, or not in the map then)."
            ),
            Table(("Vendor", *heads), rows, numeric),
        ]
    return blocks
