"""The report's Summary: the answer in five lines (value, chokepoints, concentration, integration)."""

from __future__ import annotations

from ...model.projection import Projection
from ..report_numbers import count, hhi, of, pct, pct_range
from .blocks import Block, Bullets, Heading, Para
from .names import MAX_NAMES, Names, and_list, name_list


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The Summary section: what the map holds, then one line per finding."""
    items = []
    flow = a["value_flow"]
    if flow:
        kept = flow["kept"]
        estimate = flow["essay_estimate"]
        check = ""
        if estimate:
            verdict = "as the essay estimates" if flow["reproduces"] else "not the essay's estimate"
            check = f" ({verdict}: {pct_range(*estimate)})"
        items.append(
            f"Value: of each dollar of app revenue, {pct_range(*flow['cloud_share'])} reaches the cloud providers"
            f"{check}; the apps keep {pct_range(*sorted(kept['applications']))} and the model providers "
            f"{pct_range(*sorted(kept['models']))}."
        )
    ranking = a["chokepoints"]["ranking"]
    n_apps = a["summary"]["apps"]
    if ranking:
        first = [x for x in ranking if x["rank"] == ranking[0]["rank"]]
        who = and_list([names.vendor(x["vendor"]) for x in first])
        items.append(
            f"Chokepoints: {who} {'ranks' if len(first) == 1 else 'share rank'} {ranking[0]['rank']}: "
            f"without {'it' if len(first) == 1 else 'any one of them'}, {of(first[0]['apps_cut_off'], n_apps)} apps "
            f"fail and the apps lose {pct(first[0]['capacity_lost'])} of their capacity on average."
        )
    layers = [c for c in a["concentration"] if c["scope"] == "layer"]
    if layers:
        high = [c for c in layers if c["band"] == "highly concentrated"]
        by_figures = sorted(
            (c for c in layers if c["basis"] != "dependents"), key=lambda c: (-c["hhi"], p.layers[c["id"]].order)
        )
        text = (
            f"Concentration: {of(len(high), len(layers))} measured layers are highly concentrated "
            "(HHI above 1,800 under the 2023 US Merger Guidelines)"
        )
        if by_figures:
            text += "; by market-share figures: " + ", ".join(
                f"{names.layer(c['id'])} {hhi(c['hhi'])}" for c in by_figures[:MAX_NAMES]
            )
        items.append(text + ".")
    integrated = a["vertical_integration"]
    if integrated:
        items.append(
            f"Vertical integration: {count(len(integrated))} vendors span two or more top layers: "
            f"{name_list([names.vendor(x['vendor']) for x in integrated])}."
        )
    s = a["summary"]
    intro = (
        f"This report reads the results of the stackmap analyses of a map of {count(s['vendors'])} vendors with "
        f"{count(s['nodes'])} nodes (offerings, or vendors without one; {count(s['apps'])} of them apps) and "
        f"{count(s['edges'])} dependency edges. Every number below comes from `analysis.json` or from the map."
    )
    return [Heading(2, "Summary", "summary"), Para(intro), Bullets(tuple(items))]
