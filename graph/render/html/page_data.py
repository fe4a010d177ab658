"""Everything the page shows, as JSON-ready data: the drawn graph placed in its bands, the vendors'
details, the what-if tables, the chokepoints marked and the summary. Nothing is recomputed here but
the layout; the rest is read off the projection and the analysis results (`analysis.to_dict`).

- **What-if**: for every vendor, the nodes that fail when it alone is removed, read off the survival
  cut sets (`single_removals.cut_sets`): n fails without v exactly when v is in cut(n), and, unless
  the view is aggregated, the detours beneath the apps that still work (`analysis.detours`); and for
  every offering, the nodes that fail from the node cut sets (`node_removals`), unless the view is
  aggregated.
- **Chokepoints**: of the top-ranked vendors that cut off another vendor's app, the nodes below the
  apps on the supply chain of an app they cut off (in an aggregated view, all of their nodes), the
  MARKS_PER_VENDOR of the highest reach.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ...analysis.detours import detours
from ...analysis.node_removals import failing_without_each_node
from ...model.projection import APPLICATIONS, Projection
from ...runtime.gc_pause import gc_paused
from ...source.ontology import Vocabulary, load_vocabulary
from .. import palette
from .drawn_graph import NODE_LIMIT, DrawnGraph, drawn_graph
from .layout import Band, layer_bands, place
from .texts import NO_TEXTS, WEB_URL, Texts

CHOKEPOINTS_SHOWN = 10  # chokepoints marked on the graph and listed in the summary
MARKS_PER_VENDOR = 3  # a chokepoint vendor's badges: on its nodes the most apps depend on
COMPACT_LIMIT = 200  # drawn nodes above which the page opens on the apps and what they depend on

# How each dependency kind is drawn: dash pattern (vis `dashes`: false or [dash, gap, ...]) and width.
RELATION_STYLES: dict[str, tuple[list[int] | bool, float]] = {
    "uses_model": (False, 2.0),
    "hosted_on": ([2, 5], 2.0),
    "trained_on": ([10, 4, 2, 4], 1.5),
    "runs_on": ([10, 5], 1.5),
    "fabbed_by": (False, 1.0),
    "memory_from": ([6, 3], 1.0),
    "packaged_by": ([6, 3, 2, 3, 2, 3], 1.0),
    "equipment_from": ([1, 4], 2.0),
}
DEFAULT_STYLE: tuple[list[int] | bool, float] = ([4, 4], 1.0)


@gc_paused()
def page_data(
    projection: Projection,
    analysis: dict,
    cuts: list | None = None,
    texts: Texts | None = None,
    node_limit: int = NODE_LIMIT,
) -> dict:
    """Everything the page shows, as JSON-ready data (see the module docstring); `cuts` are the
    cut sets of the analysis (computed from the projection when not given), `texts` the prose to
    show beside the facts (`read_texts`)."""
    if cuts is None:
        from ...analysis.single_removals import cut_sets

        cuts = cut_sets(projection)
    vocabulary = load_vocabulary()
    texts = texts or NO_TEXTS
    graph = projection.graph
    view = drawn_graph(projection, analysis["reach"]["nodes"], texts, node_limit)
    bands = layer_bands(projection.layers)
    placed = place(view, bands)
    compact = _compact(view, bands) if not view.aggregated and len(view.nodes) > COMPACT_LIMIT else None
    ranking = analysis["chokepoints"]["ranking"]
    top = [c for c in ranking if c["apps_cut_off"] > 0][:CHOKEPOINTS_SHOWN]
    _size_and_mark(view, _critical_nodes(projection, view, top))
    used_moats = sorted({m.moat_type for m in projection.moats})
    return {
        "meta": {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "vendors": len(projection.vendors),
            "apps": analysis["summary"]["apps"],
            "aggregated": view.aggregated,
        },
        "palette": {"ink": palette.INK, "chokepoint": palette.CHOKEPOINT_COLOUR},
        "layers": _layers(projection, bands),
        "bands": placed,
        "compact": compact,
        "relations": _relations(vocabulary),
        "moat_types": [
            {"id": m, "label": vocabulary.labels.get(vocabulary.moat_types.get(m, ""), m)} for m in used_moats
        ],
        "countries": sorted({v.country for v in projection.vendors.values() if v.country}),
        "vendors": _vendors(projection, view, analysis, texts),
        "nodes": [view.nodes[n] for n in sorted(view.nodes)],
        "edges": [{"from": u, "to": v, "rel": rels} for (u, v), rels in sorted(view.edges.items())],
        "whatif": _whatif(projection, cuts, view),
        "whatif_nodes": {} if view.aggregated else failing_without_each_node(projection.index),
        "sources": _sources(projection),
        "summary": {
            "chokepoints": _top_chokepoints(projection, top),
            "concentration": _concentration(projection, analysis),
        },
        "timeline": [] if view.aggregated else _timeline(projection, analysis.get("timeline", []), view),
    }


def _compact(view: DrawnGraph, bands: list[Band]) -> dict | None:
    """The page's opening layout on a large map: the apps and the nodes some app depends on, placed
    on their own (`fx`, `fy` of each such node); every other node is marked `minor` and shown on
    demand. None when every node is one of them."""
    minor = {n for n, d in view.nodes.items() if not d["app"] and d["reach"] == 0}
    if not minor:
        return None
    shown = DrawnGraph(
        {n: dict(d) for n, d in view.nodes.items() if n not in minor},
        {(u, v): r for (u, v), r in view.edges.items() if u not in minor and v not in minor},
        {},
        None,
    )
    placed = place(shown, bands)
    for n, d in view.nodes.items():
        if n in minor:
            d["minor"] = True
        else:
            d["fx"], d["fy"] = shown.nodes[n]["x"], shown.nodes[n]["y"]
    return {"bands": placed, "minor": len(minor)}


def _timeline(projection: Projection, stops: list[dict], view: DrawnGraph) -> list[dict]:
    """The date control's stops: for each, the drawn nodes and edges in force then, its counts, its
    first ranked vendors ([vendor, rank, apps cut off, capacity lost]) and its summary (chokepoints and
    layer concentration) in the shape of the page's own summary."""
    out = []
    for stop in stops:
        nodes = set(stop["nodes"])
        pairs = {tuple(e.split(" ")[::2]) for e in stop["edges"]}
        top = [c for c in stop["chokepoints"] if c["apps"] > 0][:CHOKEPOINTS_SHOWN]
        chokepoints = [{**c, "name": _vendor_name(projection, c["vendor"])} for c in top]
        layers = [{**c, "shares": [[c["top"], c["cr1"]]] if c["top"] else []} for c in stop["concentration"]]
        out.append(
            {
                "date": stop["date"],
                "label": stop["label"],
                "nodes": sorted(n for n in view.nodes if n in nodes),
                "edges": sorted(f"{u} {v}" for u, v in view.edges if (u, v) in pairs),
                "counts": stop["counts"],
                "ranked": [[c["vendor"], c["rank"], c["apps"], c["capacity_lost"]] for c in stop["chokepoints"]],
                "summary": {
                    "chokepoints": chokepoints,
                    "concentration": _concentration(projection, {"concentration": layers}),
                },
            }
        )
    return out


def _size_and_mark(view: DrawnGraph, critical: set[str]) -> None:
    """Set every drawn node's size (by the square root of its reach) and whether it is marked as a
    chokepoint."""
    max_reach = max((n["reach"] for n in view.nodes.values()), default=0) or 1
    for node in view.nodes.values():
        node["size"] = round(10 + 22 * math.sqrt(node["reach"] / max_reach), 1)
        node["chokepoint"] = node["id"] in critical


def _critical_nodes(projection: Projection, view: DrawnGraph, top: list[dict]) -> set[str]:
    """The drawn nodes marked as chokepoints: of the top-ranked vendors that cut off another vendor's
    app, the nodes below the apps on the supply chain of an app they cut off (in an aggregated view,
    all of them), at most MARKS_PER_VENDOR of them, those of the highest reach."""
    index = projection.index
    marked: set[str] = set()
    for c in top:
        own = set(projection.nodes_of(c["vendor"]))
        apps = set(c["apps"])
        if not apps - own:
            continue
        numbers = {index.number[a] for a in apps}
        found = set()
        for n in own:
            if projection.graph.nodes[n]["top_layer"] == APPLICATIONS:
                continue
            if view.aggregated or index.dependents([index.number[n]]) & numbers:
                found.add(view.drawn[n])
        marked.update(sorted(found, key=lambda d: (-view.nodes[d]["reach"], d))[:MARKS_PER_VENDOR])
    return marked


def _layers(projection: Projection, bands: list[Band]) -> list[dict]:
    """The leaf layers in band order, with their label, colour and the text colour that reads on it."""
    return [
        {
            "id": lid,
            "label": projection.layers[lid].label,
            "colour": palette.layer_colour(lid),
            "text": palette.text_colour(palette.layer_colour(lid)),
        }
        for band in bands
        for lid in band.layers
    ]


def _relations(vocabulary: Vocabulary) -> list[dict]:
    """Every kind of dependency with its label and line style, in the order of RELATION_STYLES."""
    order = list(RELATION_STYLES)
    return [
        {
            "key": key,
            "label": rel.label,
            "dashes": RELATION_STYLES.get(key, DEFAULT_STYLE)[0],
            "width": RELATION_STYLES.get(key, DEFAULT_STYLE)[1],
        }
        for key, rel in sorted(
            vocabulary.dependencies.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]


def _vendors(projection: Projection, view: DrawnGraph, analysis: dict, texts: Texts) -> dict[str, dict]:
    """The details of every vendor with a drawn node: its drawn offerings, reach, chokepoint rank,
    moats, sources and texts."""
    rank_of = {c["vendor"]: c for c in analysis["chokepoints"]["ranking"]}
    reach = analysis["reach"]["vendors"]
    shown = {n["vendor"] for n in view.nodes.values() if n["vendor"]}
    moats: dict[str, list] = defaultdict(list)
    for m in projection.moats:
        moats[m.vendor].append(
            {"type": m.moat_type, "about": m.about, "evidence": m.evidence, "sources": list(m.sources)}
        )
    vendors = {}
    for vid, v in projection.vendors.items():
        if vid not in shown:
            continue
        c = rank_of.get(vid)
        vendors[vid] = {
            "name": v.label,
            "country": v.country,
            "offerings": sorted({view.drawn[n] for n in projection.nodes_of(vid) if n in view.drawn}),
            "reach": reach.get(vid, 0),
            "rank": c["rank"] if c else None,
            "apps_cut_off": c["apps_cut_off"] if c else None,
            "capacity_lost": c["capacity_lost"] if c else None,
            "moats": moats.get(vid, []),
            "sources": list(v.sources),
            "about": texts.descriptions.get(vid),
            "homepage": texts.homepages.get(vid),
        }
    return vendors


def _whatif(projection: Projection, cuts: list, view: DrawnGraph) -> dict[str, dict]:
    """For every vendor that cuts off an app: the drawn nodes that fail without it (its own excluded),
    the apps that fail and, unless the view is aggregated, the detours beneath the apps that work
    ([node, kind, [kept], [lost]])."""
    index = projection.index
    vendors = list(projection.vendors)
    graph = projection.graph
    drawn = view.drawn
    failing: dict[int, set[int]] = defaultdict(set)
    apps: dict[int, int] = defaultdict(int)
    for n, cut in enumerate(cuts):
        if cut is None:
            continue
        is_app = graph.nodes[index.ids[n]]["top_layer"] == APPLICATIONS
        for v in cut:
            if is_app:
                apps[v] += 1
            failing[v].add(n)
    shown = {g["vendor"] for g in view.nodes.values()}
    result = {}
    for v, name in enumerate(vendors):
        if name in shown and apps.get(v):
            own = {drawn[n] for n in projection.nodes_of(name) if n in drawn}
            failed = {drawn[index.ids[n]] for n in failing[v]}
            result[name] = {"nodes": sorted(failed - own), "apps": apps[v]}
            if not view.aggregated:
                ways = detours(projection, failing[v])
                result[name]["detours"] = [[d.node, d.kind, list(d.kept), list(d.lost)] for d in ways]
    return result


def _sources(projection: Projection) -> dict[str, dict]:
    """Every source by id: title, URL (http and https only, else empty), date and publisher."""
    return {
        s.id: {
            "title": s.title,
            "url": s.url if WEB_URL.match(s.url or "") else "",
            "date": s.date,
            "publisher": s.publisher,
        }
        for s in projection.sources.values()
    }


def _vendor_name(projection: Projection, vendor: str) -> str:
    """A vendor's name (its id when it is not in this map: it left the market)."""
    return projection.vendors[vendor].label if vendor in projection.vendors else vendor


def _top_chokepoints(projection: Projection, top: list[dict]) -> list[dict]:
    """The summary's chokepoints: rank, vendor, name, apps cut off and capacity lost."""
    return [
        {
            "rank": c["rank"],
            "vendor": c["vendor"],
            "name": projection.vendors[c["vendor"]].label,
            "apps": c["apps_cut_off"],
            "capacity_lost": c["capacity_lost"],
        }
        for c in top
    ]


def _concentration(projection: Projection, analysis: dict) -> list[dict]:
    """The summary's concentration of each layer: HHI, band, CR1, the largest vendor and the basis."""
    return [
        {
            "layer": c["id"],
            "label": projection.layers[c["id"]].label if c["id"] in projection.layers else c["id"],
            "hhi": round(c["hhi"]),
            "band": c["band"],
            "cr1": c["cr1"],
            "top": _vendor_name(projection, c["shares"][0][0]) if c["shares"] else None,
            "basis": c["basis"],
        }
        for c in analysis["concentration"]
        if c["scope"] == "layer"
    ]
