"""The interactive HTML view: one self-contained page that draws the map as a layered graph.

`render_html(projection, analysis)` reads the projection and the analysis results (`analysis.to_dict`)
and fills our own Jinja2 template (autoescaped; the page data goes in as JSON through `|tojson`) with
pyvis's bundled vis-network inlined, so the page makes no request. Nothing is recomputed here except
the layout:

- **Bands**: leaf layers top to bottom in `sm:stackOrder`. Siblings that are all leaves share one
  band side by side, as in the essay's figure (apps; models; semiconductor manufacturing); other
  leaves are a band each (cloud platforms, compute hardware).
- **Positions**: fixed in Python (vis physics stays off). Within its layer's segment of a band a node
  sits in a grid; the order follows the mean position of its neighbours (a few barycentre sweeps), so
  edges stay short.
- **What-if**: for every vendor, the nodes that fail when it alone is removed, read off the survival
  cut sets (`single_removals.cut_sets`): n fails without v exactly when v is in cut(n); and for every
  offering, the same from the node cut sets (`node_removals`), unless the view is aggregated.
- **Large maps**: above `node_limit` nodes the page shows one node per vendor and layer; when those are
  still too many, the highest-reach ones per layer (by the layer's share of the map) and one "other
  vendors" node per layer for the rest.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..analysis.node_removals import failing_without_each_node
from ..model.projection import APPLICATIONS, Projection
from ..runtime.gc_pause import gc_paused
from ..source.ontology import Layer, load_vocabulary
from . import palette

NODE_LIMIT = 2500  # the most nodes drawn one by one; above, vendors are aggregated
CHOKEPOINTS_SHOWN = 10  # chokepoints marked on the graph and listed in the summary
DX, DY = 165, 120  # grid spacing in page units
BAND_GAP = 44  # room above each band's first row for its labels
BAND_FOOT = 56  # room below the last row for long labels
BAND_SPACE = 30  # between bands
MIN_COLUMNS = 9
ASPECT = 1.4  # the node grid's width over its height, roughly (before labels and gaps)
SWEEPS = 3
OTHERS = "~others@"  # prefix of the ids of aggregated "other vendors" nodes (never a vendor id)
VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")
TEMPLATE = "stackmap.html.j2"
_HTTP = re.compile(r"^https?://", re.IGNORECASE)

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


@dataclass(frozen=True)
class Band:
    """A horizontal band of the stack: its label and the leaf layers it holds, left to right."""

    label: str
    layers: tuple[str, ...]


def layer_bands(layers: dict[str, Layer]) -> list[Band]:
    """The leaf layers grouped into bands, top to bottom (see the module docstring)."""
    ordered = sorted(layers.values(), key=lambda layer: layer.order)
    children: dict[str | None, list[Layer]] = defaultdict(list)
    for layer in ordered:
        children[layer.broader].append(layer)
    bands: list[Band] = []

    def visit(layer: Layer) -> None:
        kids = children[layer.id]
        if layer.leaf or not kids:
            bands.append(Band(layer.label, (layer.id,)))
        elif all(k.leaf for k in kids):
            bands.append(Band(layer.label, tuple(k.id for k in kids)))
        else:
            for k in kids:
                visit(k)

    for root in children[None]:
        visit(root)
    return bands


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network bundle that pyvis ships (read from its package folder; pyvis is not imported)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: the HTML view needs its bundled vis-network (pip install pyvis)")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*VIS_JS)
    text = path.read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)  # never closes the inline script early


@dataclass(frozen=True)
class Texts:
    """The prose of the data the analyses do not read: descriptions and homepages of vendors and
    offerings (by id), and the notes of dependencies (by subject id, YAML key, object id)."""

    descriptions: dict[str, str]
    homepages: dict[str, str]
    notes: dict[tuple[str, str, str], str]


def read_texts(store) -> Texts:
    """Descriptions, homepages and dependency notes from a loaded dataset (a pyoxigraph Store)."""
    from ..source import vocab

    def rows(query: str) -> list[tuple]:
        result = store.query(query, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
        return [tuple(t.value for t in row) for row in result]

    entity = "{ ?e a sm:Vendor } UNION { ?e a sm:Offering }"
    descriptions = {vocab.local_id(e): c for e, c in rows(f"SELECT ?e ?c WHERE {{ {entity} ?e rdfs:comment ?c }}")}
    homepages = {
        vocab.local_id(e): u for e, u in rows(f"SELECT ?e ?u WHERE {{ {entity} ?e schema:url ?u }}") if _HTTP.match(u)
    }
    keys = load_vocabulary().keys_by_iri
    notes = {
        (vocab.local_id(s_), keys[p], vocab.local_id(o)): n
        for s_, p, o, n in rows(
            """SELECT ?s ?p ?o ?n WHERE { ?st a sm:Dependency ; rdf:subject ?s ; rdf:predicate ?p ;
                   rdf:object ?o ; rdfs:comment ?n }"""
        )
        if p in keys
    }
    return Texts(dict(sorted(descriptions.items())), dict(sorted(homepages.items())), dict(sorted(notes.items())))


# -- the graph that is drawn -------------------------------------------------------------------


@dataclass
class _View:
    """The drawn graph: nodes (dicts), edges, and the drawn node of every projection node."""

    nodes: dict[str, dict]
    edges: dict[tuple[str, str], dict[str, list]]
    drawn: dict[str, str]
    aggregated: str | None


def _full_view(projection: Projection, reach: dict[str, int], texts: Texts) -> _View:
    graph = projection.graph
    nodes = {}
    for n, d in graph.nodes(data=True):
        nodes[n] = {
            "id": n,
            "label": d["label"],
            "vendor": d["vendor"],
            "layer": d["layer"],
            "app": d["top_layer"] == APPLICATIONS,
            "reach": reach.get(n, 0),
            "sources": list(d["sources"]),
            "about": texts.descriptions.get(n),
            "homepage": texts.homepages.get(n),
        }
    edges = {}
    for u, v, d in graph.edges(data=True):
        vu, vv = graph.nodes[u]["vendor"], graph.nodes[v]["vendor"]
        edges[(u, v)] = {
            k: [round(link.weight, 4), link.share, list(link.sources), _note(texts.notes, (u, vu), k, (v, vv))]
            for k, link in d["relations"].items()
        }
    return _View(nodes, edges, {n: n for n in nodes}, None)


def _note(notes: dict[tuple[str, str, str], str], subjects: tuple[str, str], key: str, objects: tuple[str, str]):
    """The note of the dependency an edge was projected from (stated on the offering or its vendor)."""
    for s in subjects:
        for o in objects:
            note = notes.get((s, key, o))
            if note is not None:
                return note
    return None


def _aggregate_view(projection: Projection, reach: dict[str, int], limit: int) -> _View:
    """One node per (vendor, layer); the lowest-reach ones folded into one node per layer when too many."""
    graph = projection.graph
    groups: dict[str, dict] = {}
    group_of: dict[str, str] = {}
    degree: dict[str, int] = defaultdict(int)
    for n, d in graph.nodes(data=True):
        gid = f"{d['vendor']}@{d['layer']}"
        group_of[n] = gid
        degree[gid] += graph.degree(n)
        g = groups.get(gid)
        if g is None:
            g = groups[gid] = {
                "id": gid,
                "label": projection.vendors[d["vendor"]].label,
                "vendor": d["vendor"],
                "layer": d["layer"],
                "app": d["top_layer"] == APPLICATIONS,
                "reach": 0,
                "sources": [],
                "members": 0,
            }
        g["members"] += 1
        g["reach"] = max(g["reach"], reach.get(n, 0))
    aggregated = "vendor"
    if len(groups) > limit:
        aggregated = "vendor, top per layer"
        by_layer: dict[str, list[str]] = defaultdict(list)
        for gid, g in groups.items():
            by_layer[g["layer"]].append(gid)
        budget = limit - len(by_layer)
        kept: dict[str, dict] = {}
        folded: dict[str, str] = {}
        for layer, gids in sorted(by_layer.items()):
            quota = max(1, budget * len(gids) // len(groups))
            gids.sort(key=lambda x: (-groups[x]["reach"], -degree[x], x))
            for gid in gids[:quota]:
                kept[gid] = groups[gid]
            rest = gids[quota:]
            if rest:
                oid = OTHERS + layer
                kept[oid] = {
                    "id": oid,
                    "label": f"{len(rest):,} other vendors",
                    "vendor": None,
                    "layer": layer,
                    "app": groups[rest[0]]["app"],
                    "reach": max(groups[x]["reach"] for x in rest),
                    "sources": [],
                    "members": sum(groups[x]["members"] for x in rest),
                }
                for gid in rest:
                    folded[gid] = oid
        group_of = {n: folded.get(g, g) for n, g in group_of.items()}
        groups = kept
    edges: dict[tuple[str, str], dict[str, list]] = {}
    for u, v, d in graph.edges(data=True):
        key = (group_of[u], group_of[v])
        if key[0] == key[1]:
            continue
        rels = edges.setdefault(key, {})
        for k in d["relations"]:
            if k in rels:
                rels[k][0] += 1
            else:
                rels[k] = [1, None, [], None]  # [dependencies drawn as this edge, no share, sources or note]
    return _View(groups, edges, group_of, aggregated)


# -- layout -------------------------------------------------------------------------------------


def _layout(view: _View, bands: list[Band]) -> list[dict]:
    """Place every drawn node in its band; returns the bands with their extent and segments. Each band
    takes the fewest rows that fit its segments (a free column between them) into the page width."""
    by_layer: dict[str, list[str]] = defaultdict(list)
    for nid in sorted(view.nodes, key=lambda n: (view.nodes[n]["vendor"] or "~", n)):
        by_layer[view.nodes[nid]["layer"]].append(nid)
    width = max(MIN_COLUMNS, math.ceil(math.sqrt(ASPECT * len(view.nodes) * DY / DX)))  # in columns
    placed: list[dict] = []
    y = 0.0
    grid: dict[str, tuple[float, int, float]] = {}  # layer -> (x of its first column, columns, y of its first row)
    for band in bands:
        counts = [len(by_layer.get(layer, ())) for layer in band.layers]
        rows = 1
        while sum(math.ceil(n / rows) or 1 for n in counts) + len(counts) - 1 > width and rows < max(counts, default=1):
            rows += 1
        cols = [max(1, math.ceil(n / rows)) for n in counts]
        used = sum(cols) + len(cols) - 1
        x = -used * DX / 2
        segments = []
        for layer, c in zip(band.layers, cols, strict=True):
            segments.append({"layer": layer, "x0": round(x, 1), "x1": round(x + c * DX, 1)})
            grid[layer] = (x + DX / 2, c, y + BAND_GAP + DY / 2)
            x += (c + 1) * DX
        height = BAND_GAP + rows * DY + BAND_FOOT
        placed.append({"label": band.label, "y0": round(y, 1), "y1": round(y + height, 1), "segments": segments})
        y += height + BAND_SPACE
    positions = _order(view, by_layer, grid)
    for nid, (px, py) in positions.items():
        view.nodes[nid]["x"], view.nodes[nid]["y"] = round(px, 1), round(py, 1)
    return placed


def _order(view: _View, by_layer: dict[str, list[str]], grid: dict) -> dict[str, tuple[float, float]]:
    """Barycentre ordering within each layer's grid, sweeping down then up the stack."""
    consumers: dict[str, list[str]] = defaultdict(list)
    suppliers: dict[str, list[str]] = defaultdict(list)
    for u, v in view.edges:
        suppliers[u].append(v)
        consumers[v].append(u)
    top_down = sorted(by_layer, key=lambda layer: grid[layer][2])
    pos: dict[str, tuple[float, float]] = {}

    def place(layer: str) -> None:
        x0, cols, y0 = grid[layer]
        rows = math.ceil(len(by_layer[layer]) / cols)
        for i, nid in enumerate(by_layer[layer]):
            row, col = divmod(i, cols)
            shift = DX / 2 if row % 2 and rows > 1 and cols > 1 else 0.0  # bricks: edges pass between nodes
            pos[nid] = (x0 + col * DX + shift, y0 + row * DY)

    for layer in top_down:
        place(layer)
    for sweep in range(SWEEPS * 2):
        neighbours, layers = (consumers, top_down) if sweep % 2 == 0 else (suppliers, top_down[::-1])
        for layer in layers:
            current = by_layer[layer]
            rank = {nid: i for i, nid in enumerate(current)}

            def key(nid: str, neighbours=neighbours, rank=rank) -> tuple[float, int]:
                xs = [pos[m][0] for m in neighbours.get(nid, ()) if m in pos]
                return (sum(xs) / len(xs) if xs else pos[nid][0], rank[nid])

            current.sort(key=key)
            place(layer)
    return pos


# -- page data ----------------------------------------------------------------------------------


def _whatif(projection: Projection, cuts: list, view: _View) -> dict[str, dict]:
    """For every vendor: the drawn nodes that fail without it (its own excluded) and the apps that fail."""
    index = projection.index
    vendors = list(projection.vendors)
    graph = projection.graph
    drawn = view.drawn
    failing: dict[int, set[str]] = defaultdict(set)
    apps: dict[int, int] = defaultdict(int)
    owner = projection.owners
    for n, cut in enumerate(cuts):
        if cut is None:
            continue
        node = index.ids[n]
        is_app = graph.nodes[node]["top_layer"] == APPLICATIONS
        for v in cut:
            if is_app:
                apps[v] += 1
            if v != owner[n]:
                failing[v].add(drawn[node])
    shown = {g["vendor"] for g in view.nodes.values()}
    result = {}
    for v, name in enumerate(vendors):
        if name in shown and apps.get(v):
            own = {drawn[n] for n in projection.nodes_of(name) if n in drawn}
            result[name] = {"nodes": sorted(failing.get(v, set()) - own), "apps": apps[v]}
    return result


def _critical_nodes(projection: Projection, view: _View, top: list[dict]) -> set[str]:
    """The drawn nodes marked as chokepoints: of the top-ranked vendors that cut off another vendor's
    app, the nodes below the apps on the supply chain of an app they cut off (in an aggregated view,
    all of them)."""
    index = projection.index
    marked: set[str] = set()
    for c in top:
        own = set(projection.nodes_of(c["vendor"]))
        apps = set(c["apps"])
        if not apps - own:
            continue
        numbers = {index.number[a] for a in apps}
        for n in own:
            if projection.graph.nodes[n]["top_layer"] == APPLICATIONS:
                continue
            if view.aggregated or index.dependents([index.number[n]]) & numbers:
                marked.add(view.drawn[n])
    return marked


def _sources(projection: Projection) -> dict[str, dict]:
    return {
        s.id: {
            "title": s.title,
            "url": s.url if _HTTP.match(s.url or "") else "",
            "date": s.date,
            "publisher": s.publisher,
        }
        for s in projection.sources.values()
    }


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
        from ..analysis.single_removals import cut_sets

        cuts = cut_sets(projection)
    vocabulary = load_vocabulary()
    reach_nodes = analysis["reach"]["nodes"]
    reach_vendors = analysis["reach"]["vendors"]
    graph = projection.graph
    if graph.number_of_nodes() > node_limit:
        view = _aggregate_view(projection, reach_nodes, node_limit)
    else:
        view = _full_view(projection, reach_nodes, texts or Texts({}, {}, {}))
    bands = layer_bands(projection.layers)
    placed = _layout(view, bands)

    ranking = analysis["chokepoints"]["ranking"]
    rank_of = {c["vendor"]: c for c in ranking}
    top = [c for c in ranking if c["apps_cut_off"] > 0][:CHOKEPOINTS_SHOWN]
    critical = _critical_nodes(projection, view, top)
    max_reach = max((n["reach"] for n in view.nodes.values()), default=0) or 1
    for node in view.nodes.values():
        node["size"] = round(10 + 22 * math.sqrt(node["reach"] / max_reach), 1)
        node["chokepoint"] = node["id"] in critical

    shown_vendors = {n["vendor"] for n in view.nodes.values() if n["vendor"]}
    moats: dict[str, list] = defaultdict(list)
    for m in projection.moats:
        moats[m.vendor].append(
            {"type": m.moat_type, "about": m.about, "evidence": m.evidence, "sources": list(m.sources)}
        )
    vendors = {}
    for vid, v in projection.vendors.items():
        if vid not in shown_vendors:
            continue
        c = rank_of.get(vid)
        vendors[vid] = {
            "name": v.label,
            "country": v.country,
            "offerings": sorted({view.drawn[n] for n in projection.nodes_of(vid) if n in view.drawn}),
            "reach": reach_vendors.get(vid, 0),
            "rank": c["rank"] if c else None,
            "apps_cut_off": c["apps_cut_off"] if c else None,
            "capacity_lost": c["capacity_lost"] if c else None,
            "moats": moats.get(vid, []),
            "sources": list(v.sources),
            "about": (texts.descriptions.get(vid) if texts else None),
            "homepage": (texts.homepages.get(vid) if texts else None),
        }
    used_moats = sorted({m.moat_type for m in projection.moats})
    layer_labels = {lid: layer.label for lid, layer in projection.layers.items()}
    concentration = [
        {
            "layer": c["id"],
            "label": layer_labels.get(c["id"], c["id"]),
            "hhi": round(c["hhi"]),
            "band": c["band"],
            "cr1": c["cr1"],
            "top": (projection.vendors[c["shares"][0][0]].label if c["shares"] else None),
            "basis": c["basis"],
        }
        for c in analysis["concentration"]
        if c["scope"] == "layer"
    ]
    relations = [
        {
            "key": key,
            "label": rel.label,
            "dashes": RELATION_STYLES.get(key, DEFAULT_STYLE)[0],
            "width": RELATION_STYLES.get(key, DEFAULT_STYLE)[1],
        }
        for key, rel in sorted(
            vocabulary.dependencies.items(),
            key=lambda kv: list(RELATION_STYLES).index(kv[0]) if kv[0] in RELATION_STYLES else len(RELATION_STYLES),
        )
    ]
    n_apps = analysis["summary"]["apps"]
    leaf_layers = [layer for band in bands for layer in band.layers]
    return {
        "meta": {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "vendors": len(projection.vendors),
            "apps": n_apps,
            "aggregated": view.aggregated,
        },
        "palette": {"ink": palette.INK, "chokepoint": palette.CHOKEPOINT_COLOUR},
        "layers": [
            {
                "id": lid,
                "label": layer_labels[lid],
                "colour": palette.layer_colour(lid),
                "text": palette.text_colour(palette.layer_colour(lid)),
            }
            for lid in leaf_layers
        ],
        "bands": placed,
        "relations": relations,
        "moat_types": [
            {"id": m, "label": vocabulary.labels.get(vocabulary.moat_types.get(m, ""), m)} for m in used_moats
        ],
        "countries": sorted({v.country for v in projection.vendors.values() if v.country}),
        "vendors": vendors,
        "nodes": [view.nodes[n] for n in sorted(view.nodes)],
        "edges": [{"from": u, "to": v, "rel": rels} for (u, v), rels in sorted(view.edges.items())],
        "whatif": _whatif(projection, cuts, view),
        "whatif_nodes": {} if view.aggregated else failing_without_each_node(projection.index),
        "sources": _sources(projection),
        "summary": {
            "chokepoints": [
                {
                    "rank": c["rank"],
                    "vendor": c["vendor"],
                    "name": projection.vendors[c["vendor"]].label,
                    "apps": c["apps_cut_off"],
                    "capacity_lost": c["capacity_lost"],
                }
                for c in top
            ],
            "concentration": concentration,
        },
    }


@gc_paused()
def render_html(
    projection: Projection,
    analysis: dict,
    cuts: list | None = None,
    texts: Texts | None = None,
    node_limit: int = NODE_LIMIT,
) -> str:
    """The self-contained page (HTML text) for the projection and its analysis results (`to_dict`),
    with the cut sets and texts as in `page_data`."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False, "separators": (",", ":")}
    data = page_data(projection, analysis, cuts, texts, node_limit)
    return env.get_template(TEMPLATE).render(
        data=data, vis_js=vis_network_js(), palette=palette, title="stackmap: the generative-AI stack"
    )
