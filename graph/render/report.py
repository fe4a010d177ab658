"""The market report: "where in this market will value accrue?", answered with the map's numbers.

`render_report(projection, analysis, support)` returns the report's files as bytes by relative name:
`report.md` (tables, figures linked from `figures/`), `report.html` (one self-contained page, the same
content with the figures inline, no external resource) and `figures/*.svg`. It reads results only:
`analysis` is `graph.analysis.results.to_dict(...)` (what `analysis.json` holds), the projection gives layer,
vendor and offering names and counts, `support` the facts each source supports. Nothing is recomputed.

The content is one list of blocks (headings, paragraphs, lists, tables, figures) written out twice,
as Markdown and as HTML, so both say the same. Text from data files is escaped in both.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model.projection import Projection
from ..source.ontology import load_vocabulary
from . import report_figures as rf
from .palette import FALLBACK_COLOUR, layer_colour
from .report_numbers import count, hhi, of, pct, pct_range
from .source_support import KINDS, SourceSupport

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..analysis.results import Analysis

TOP_RANKS = 10  # chokepoint ranks shown
MAX_ROWS = 25  # rows of a long table (chokepoints, pairs, source figure)
MAX_NAMES = 8  # names listed in one cell
TITLE = "Who owns the generative-AI stack: where value accrues"
FIGURES = ("stack", "value-flow", "concentration", "chokepoints", "moats", "sources")


# -- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """A table cell with a layer colour swatch (shown in HTML)."""

    text: str
    colour: str


@dataclass(frozen=True)
class Link:
    """A table cell linking to a web page (http or https only; any other URL shows as plain text)."""

    text: str
    url: str
    after: str = ""  # plain text after the link


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str | Cell | Link, ...], ...]
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns


@dataclass(frozen=True)
class Figure:
    name: str  # file stem under figures/
    svg: bytes
    caption: str


Block = Heading | Para | Bullets | Table | Figure


# -- helpers -----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


def md_escape(text: str) -> str:
    """Plain text for Markdown (and its tables): Markdown's special characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _names(names: Sequence[str], limit: int = MAX_NAMES) -> str:
    names = list(names)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _and(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _Names:
    """Display names of layers, vendors and nodes from the projection."""

    def __init__(self, projection: Projection):
        self.p = projection

    def layer(self, layer_id: str) -> str:
        layer = self.p.layers.get(layer_id)
        return layer.label if layer else layer_id

    def vendor(self, vendor_id: str) -> str:
        v = self.p.vendors.get(vendor_id)
        return v.label if v else vendor_id

    def node(self, node_id: str) -> str:
        return self.p.graph.nodes[node_id]["label"] if node_id in self.p.graph else node_id


def _leaf_layers(p: Projection) -> list[str]:
    return [layer.id for layer in sorted(p.layers.values(), key=lambda x: x.order) if layer.leaf]


def _layer_members(p: Projection) -> dict[str, tuple[set[str], int]]:
    """For each leaf layer: the vendors with a node in it and its number of offerings."""
    members: dict[str, tuple[set[str], int]] = {layer: (set(), 0) for layer in _leaf_layers(p)}
    for _, data in sorted(p.graph.nodes(data=True)):
        vendors, offerings = members.setdefault(data["layer"], (set(), 0))
        vendors.add(data["vendor"])
        members[data["layer"]] = (vendors, offerings + (data["kind"] == "offering"))
    return members


def _lowest_layer(p: Projection, vendor: str) -> str | None:
    layers = [p.graph.nodes[n]["layer"] for n in p.nodes_of(vendor) if n in p.graph]
    return max(layers, key=lambda layer: p.layers[layer].order) if layers else None


# -- sections ----------------------------------------------------------------------------------


def _summary(p: Projection, a: dict, names: _Names) -> list[Block]:
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
        who = _and([names.vendor(x["vendor"]) for x in first])
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
            f"{_names([names.vendor(x['vendor']) for x in integrated])}."
        )
    s = a["summary"]
    intro = (
        f"This report reads the results of the stackmap analyses of a map of {count(s['vendors'])} vendors with "
        f"{count(s['nodes'])} nodes (offerings, or vendors without one; {count(s['apps'])} of them apps) and "
        f"{count(s['edges'])} dependency edges. Every number below comes from `analysis.json` or from the map."
    )
    return [Heading(2, "Summary", "summary"), Para(intro), Bullets(tuple(items))]


def _stack(p: Projection, names: _Names) -> list[Block]:
    members = _layer_members(p)
    rows, bars = [], []
    for layer in _leaf_layers(p):
        vendors, offerings = members[layer]
        top = names.layer(p.layers[layer].broader) if p.layers[layer].broader else ""
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
                _names(vendor_names) or "none",
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


def _value_flow(p: Projection, a: dict, names: _Names) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Where value accrues", "value-flow")]
    flow = a["value_flow"]
    if not flow:
        blocks.append(
            Para(
                "The data has no inference-spend or cloud-spend figure, so no value flow was computed "
                "(`stackmap flow` takes them as options)."
            )
        )
        return blocks
    params = flow["parameters"]
    kept = flow["kept"]
    flows = {(f["source"], f["target"]): f for f in flow["flows"]}
    to_models = flows[("applications", "models")]
    direct = flows[("applications", "cloud-platforms")]
    models_cloud = flows[("models", "cloud-platforms")]
    ends = []
    for i, end in enumerate(("Low end", "High end")):
        ends.append(
            rf.FlowEnd(
                f"{end}: apps spend {pct(params['inference_spend'][i])} of revenue on inference, "
                f"model providers {pct(params['cloud_spend'][i])} of theirs on cloud",
                to_models=to_models["low" if i == 0 else "high"],
                direct_to_cloud=direct["low" if i == 0 else "high"],
                models_to_cloud=models_cloud["low" if i == 0 else "high"],
                apps_keep=kept["applications"][i],
                models_keep=kept["models"][i],
            )
        )
    beneath = [layer for layer in _leaf_layers(p) if p.layers[layer].order > p.layers["cloud-platforms"].order]
    colours = {
        "applications": layer_colour("apps"),
        "models": layer_colour("closed-foundation-models"),
        "cloud-platforms": layer_colour("cloud-platforms"),
    }
    labels = {
        "models": "Model providers",
        "cloud-platforms": "Cloud providers",
        "beneath": "Chips, memory,\nfoundries, tools:\nno spend figure\nin the data",
    }
    figure_ids = ", ".join(flow["figures"]) or "none (all given as options)"
    blocks += [
        Para(
            "One dollar of app revenue followed down the stack with the essay's spend ratios: the apps pay for "
            "inference, the model providers pay the clouds. The data gives no spend ratio for what the clouds "
            f"pay for {_and([names.layer(x).lower() for x in beneath])}, so the flow stops at the clouds; "
            "the chokepoint and concentration sections cover the layers beneath."
        ),
        Figure(
            "value-flow",
            rf.value_flow_figure(ends, colours, labels),
            "The flow at both ends of the parameter ranges; every amount is a share of app revenue.",
        ),
        Table(
            ("Parameter", "Low", "High"),
            (
                ("Share of app revenue spent on inference", *map(pct, params["inference_spend"])),
                (
                    "Share of that paid straight to clouds",
                    pct(params["direct_to_cloud"]),
                    pct(params["direct_to_cloud"]),
                ),
                ("Share of model-provider revenue spent on cloud", *map(pct, params["cloud_spend"])),
            ),
            frozenset({1, 2}),
        ),
        Para(f"Parameters from the data's figures: {figure_ids}."),
        Table(
            ("From", "To", "Low end", "High end"),
            tuple(
                (_flow_layer(f["source"], names), _flow_layer(f["target"], names), pct(f["low"]), pct(f["high"]))
                for f in flow["flows"]
            ),
            frozenset({2, 3}),
        ),
        Table(
            ("Layer", "Keeps at the low end", "Keeps at the high end"),
            tuple((_flow_layer(layer, names), pct(lo), pct(hi)) for layer, (lo, hi) in kept.items()),
            frozenset({1, 2}),
        ),
    ]
    text = f"The cloud providers receive {pct_range(*flow['cloud_share'])} of app revenue"
    if flow["essay_estimate"]:
        verdict = "reproduced" if flow["reproduces"] else "not reproduced with these parameters"
        text += f"; the essay estimates {pct_range(*flow['essay_estimate'])}: {verdict}"
    blocks.append(Para(text + "."))
    return blocks


def _flow_layer(layer: str, names: _Names) -> str:
    return {"applications": "Apps", "models": "Model providers", "cloud-platforms": "Cloud providers"}.get(
        layer, names.layer(layer)
    )


def _basis(c: dict) -> str:
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


def _concentration(p: Projection, a: dict, names: _Names) -> list[Block]:
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
            _basis(c),
            hhi(c["hhi"]),
            hhi(c["hhi_max"]),
            pct(c["cr1"]),
            pct(c["cr4"]),
            c["band"],
            _names([f"{names.vendor(v)} {pct(s)}" for v, s in c["shares"]], 4),
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


def _chokepoints(p: Projection, a: dict, names: _Names) -> list[Block]:
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
            _names([names.node(app) for app in x["apps"]]) or "none",
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
    pairs = c["critical_pairs"]
    blocks.append(Heading(3, "Critical pairs", "critical-pairs"))
    if pairs:
        blocks += [
            Para("Pairs of vendors that together cut off apps that neither cuts off alone."),
            Table(
                ("Vendors", "Apps that fail", "Which apps"),
                tuple(
                    (
                        " + ".join(names.vendor(v) for v in pair["vendors"]),
                        of(len(pair["apps"]), n_apps),
                        _names([names.node(app) for app in pair["apps"]]),
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


def _integration_and_moats(p: Projection, a: dict, names: _Names) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Vertical integration and moats", "moats")]
    integrated = a["vertical_integration"]
    if integrated:
        rows = tuple(
            (
                names.vendor(x["vendor"]),
                ", ".join(names.layer(t) for t in x["group_top_layers"]),
                "; ".join(
                    f"{names.layer(t)}: {_names([names.node(o) for o in offerings])}"
                    for t, offerings in x["offerings"].items()
                ),
                _names([names.vendor(s) for s in x["subsidiaries"]]) or "none",
            )
            for x in integrated
        )
        blocks += [
            Para("Vendors that offer in two or more top layers, alone or with their subsidiaries."),
            Table(("Vendor", "Top layers (with subsidiaries)", "Offerings", "Subsidiaries"), rows),
        ]
    else:
        blocks.append(Para("No vendor offers in two or more top layers."))
    matrix = a["moat_matrix"]
    moat_labels = _moat_labels()
    layers = matrix["layers"]
    columns = matrix["moat_types"]
    cells = [[[names.vendor(v) for v in matrix["cells"][layer][m]] for m in columns] for layer in layers]
    claims = [
        (Cell(names.layer(layer), layer_colour(layer)), moat_labels.get(m, m), _names(cells[i][j]))
        for i, layer in enumerate(layers)
        for j, m in enumerate(columns)
        if cells[i][j]
    ]
    blocks += [
        Para(
            "The moats the data claims for the vendors of each layer (`stackmap vendor ID` shows each claim's "
            "evidence and source)."
        ),
        Figure(
            "moats",
            rf.moat_figure(
                [(names.layer(layer), layer_colour(layer)) for layer in layers],
                [moat_labels.get(m, m) for m in columns],
                cells,
            ),
            "Layer by moat type; a cell names the vendors claiming that moat in that layer.",
        ),
        Table(("Layer", "Moat", "Vendors"), tuple(claims)) if claims else Para("No moat claims."),
    ]
    return blocks


def _moat_labels() -> dict[str, str]:
    vocabulary = load_vocabulary()
    return {m: vocabulary.labels.get(iri, m) for m, iri in vocabulary.moat_types.items()}


def _data(p: Projection, a: dict, support: Sequence[SourceSupport], names: _Names) -> list[Block]:
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
    after = f" ({s.publisher}, {s.date})" if s.publisher else f" ({s.date})"
    return (s.id, Link(s.title, s.url, after), *[count(s.facts[k]) for k in kinds], count(s.total))


def _share_gaps(p: Projection, a: dict, names: _Names) -> tuple[tuple, ...]:
    by_layer = {c["id"]: c for c in a["concentration"] if c["scope"] == "layer"}
    members = _layer_members(p)
    rows = []
    for layer in _leaf_layers(p):
        vendors = members[layer][0]
        c = by_layer.get(layer)
        named = {v for v, _ in c["shares"]} if c and c["basis"] != "dependents" else set()
        basis = _basis(c) if c else "none (nothing depends on this layer)"
        rows.append(
            (
                Cell(names.layer(layer), layer_colour(layer)),
                basis,
                _names(sorted(names.vendor(v) for v in vendors & named)) or "none",
                _names(sorted(names.vendor(v) for v in vendors - named)) or "none",
            )
        )
    return tuple(rows)


def report_blocks(projection: Projection, analysis: dict, support: Sequence[SourceSupport]) -> list[Block]:
    """The report's content, section by section."""
    names = _Names(projection)
    return [
        Heading(1, TITLE),
        *_summary(projection, analysis, names),
        *_stack(projection, names),
        *_value_flow(projection, analysis, names),
        *_concentration(projection, analysis, names),
        *_chokepoints(projection, analysis, names),
        *_integration_and_moats(projection, analysis, names),
        *_data(projection, analysis, support, names),
    ]


# -- writers -----------------------------------------------------------------------------------


def _web_url(url: str) -> bool:
    return re.fullmatch(r"https?://[^\s<>\"]+", url) is not None


def _md_cell(cell: str | Cell | Link) -> str:
    if isinstance(cell, Link):
        if not _web_url(cell.url):
            return md_escape(cell.text + cell.after)
        url = cell.url.replace("(", "%28").replace(")", "%29")
        return f"[{md_escape(cell.text)}]({url}){md_escape(cell.after)}"
    return md_escape(cell.text if isinstance(cell, Cell) else cell)


_CODE = re.compile(r"`([^`]+)`")


def _md_inline(text: str) -> str:
    """Escape text for Markdown, keeping `code` spans (only in the report's own sentences)."""
    parts = _CODE.split(text)
    return "".join(f"`{part}`" if i % 2 else md_escape(part) for i, part in enumerate(parts))


def to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as Markdown; figures link to figures/NAME.svg."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {md_escape(b.text)}")
        elif isinstance(b, Para):
            out.append(_md_inline(b.text))
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {_md_inline(item)}" for item in b.items))
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(md_escape(h) for h in b.header) + " |"]
            lines.append("|" + "|".join("---:" if i in b.numeric else "---" for i in range(len(b.header))) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        elif isinstance(b, Figure):
            out.append(f"![{md_escape(b.caption)}](figures/{b.name}.svg)")
    return "\n\n".join(out) + "\n"


_STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.5rem; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; border: 1px solid #222;
          vertical-align: -0.05em; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #555; }
code { font-size: 0.9em; }
@media print { body { max-width: none; margin: 0; font-size: 11pt; } h2 { break-after: avoid; }
               figure, tr { break-inside: avoid; } nav { display: none; } }
"""

_SVG_PROLOGUE = re.compile(rb"^.*?(?=<svg)", re.DOTALL)


def inline_svg(name: str, svg: bytes) -> str:
    """An SVG file as markup for inlining: prologue dropped, ids prefixed with the figure name (so
    several figures on one page keep distinct ids)."""
    text = _SVG_PROLOGUE.sub(b"", svg, count=1).decode("utf-8")
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = text.replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-caption" ', 1)


def _html_inline(text: str) -> str:
    parts = _CODE.split(text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def _html_cell(cell: str | Cell | Link) -> str:
    if isinstance(cell, Link):
        if not _web_url(cell.url):
            return html.escape(cell.text + cell.after)
        return f'<a href="{html.escape(cell.url)}">{html.escape(cell.text)}</a>{html.escape(cell.after)}'
    if isinstance(cell, Cell):
        return f'<span class="swatch" style="background:{html.escape(cell.colour)}"></span>{html.escape(cell.text)}'
    return html.escape(cell)


def to_html(blocks: Sequence[Block]) -> str:
    """The blocks as one self-contained HTML page: stylesheet and figures inline, no external resource."""
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), TITLE)
    body: list[str] = []
    toc = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    for b in blocks:
        if isinstance(b, Heading):
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            body.append(f"<h{b.level}{anchor}>{html.escape(b.text)}</h{b.level}>")
            if b.level == 1:
                links = "".join(f'<li><a href="#{html.escape(h.anchor)}">{html.escape(h.text)}</a></li>' for h in toc)
                body.append(f"<nav><ol>{links}</ol></nav>")
        elif isinstance(b, Para):
            body.append(f"<p>{_html_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):

            def cls(i: int, b: Table = b) -> str:
                return ' class="n"' if i in b.numeric else ""

            head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(b.header))
            rows = "".join(
                "<tr>" + "".join(f"<td{cls(i)}>{_html_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                for row in b.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            body.append(
                f'<figure id="figure-{b.name}">{inline_svg(b.name, b.svg)}'
                f'<figcaption id="{b.name}-caption">{html.escape(b.caption)}</figcaption></figure>'
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def report_files(analysis: Analysis, store: ox.Store) -> dict[str, bytes]:
    """The report of an analysed map whose data `store` holds (sources are counted there)."""
    from ..analysis.results import to_dict
    from .source_support import source_support

    return render_report(analysis.projection, to_dict(analysis), source_support(store))


def render_report(projection: Projection, analysis: dict, support: Sequence[SourceSupport]) -> dict[str, bytes]:
    """The report's files by relative name: report.md, report.html and figures/NAME.svg."""
    blocks = report_blocks(projection, analysis, support)
    files = {f"figures/{b.name}.svg": b.svg for b in blocks if isinstance(b, Figure)}
    files["report.md"] = to_markdown(blocks).encode("utf-8")
    files["report.html"] = to_html(blocks).encode("utf-8")
    return dict(sorted(files.items()))
