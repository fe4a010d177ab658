"""The graph the page draws, made from the projection.

Up to `NODE_LIMIT` nodes, it is the projection itself: one drawn node per projection node, one edge
per projection edge. Above, the page shows one node per vendor and layer; when those are still too
many, the highest-reach ones per layer (by the layer's share of the map) and one "other vendors" node
per layer for the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ...model.projection import APPLICATIONS, Projection
from .texts import Texts

NODE_LIMIT = 2500  # the most nodes drawn one by one; above, vendors are aggregated
OTHERS = "~others@"  # prefix of the ids of aggregated "other vendors" nodes (never a vendor id)


@dataclass
class DrawnGraph:
    """The drawn graph: nodes (JSON-ready dicts by id), edges (by (from, to): the relations drawn as
    that edge, each [weight or count, share, sources, note]), the drawn node of every projection
    node, and how it is aggregated (None when it is not)."""

    nodes: dict[str, dict]
    edges: dict[tuple[str, str], dict[str, list]]
    drawn: dict[str, str]
    aggregated: str | None


def drawn_graph(projection: Projection, reach: dict[str, int], texts: Texts, limit: int = NODE_LIMIT) -> DrawnGraph:
    """The projection as drawn (see the module docstring); `reach` is the analysis's reach by node."""
    if projection.graph.number_of_nodes() > limit:
        return _aggregated(projection, reach, limit)
    return _full(projection, reach, texts)


def _full(projection: Projection, reach: dict[str, int], texts: Texts) -> DrawnGraph:
    """One drawn node per projection node, with its texts; one edge per projection edge, with notes."""
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
    return DrawnGraph(nodes, edges, {n: n for n in nodes}, None)


def _note(notes: dict[tuple[str, str, str], str], subjects: tuple[str, str], key: str, objects: tuple[str, str]):
    """The note of the dependency an edge was projected from (stated on the offering or its vendor)."""
    for s in subjects:
        for o in objects:
            note = notes.get((s, key, o))
            if note is not None:
                return note
    return None


def _aggregated(projection: Projection, reach: dict[str, int], limit: int) -> DrawnGraph:
    """One node per (vendor, layer); the lowest-reach ones folded into one node per layer when too many."""
    groups, group_of, degree = _vendor_groups(projection, reach)
    aggregated = "vendor"
    if len(groups) > limit:
        aggregated = "vendor, top per layer"
        groups, folded = _fold(groups, degree, limit)
        group_of = {n: folded.get(g, g) for n, g in group_of.items()}
    edges: dict[tuple[str, str], dict[str, list]] = {}
    for u, v, d in projection.graph.edges(data=True):
        key = (group_of[u], group_of[v])
        if key[0] == key[1]:
            continue
        rels = edges.setdefault(key, {})
        for k in d["relations"]:
            if k in rels:
                rels[k][0] += 1
            else:
                rels[k] = [1, None, [], None]  # [dependencies drawn as this edge, no share, sources or note]
    return DrawnGraph(groups, edges, group_of, aggregated)


def _vendor_groups(
    projection: Projection, reach: dict[str, int]
) -> tuple[dict[str, dict], dict[str, str], dict[str, int]]:
    """The (vendor, layer) nodes by id (reach: their members' highest), the group of every projection
    node, and the summed degree of every group's members."""
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
    return groups, group_of, degree


def _fold(groups: dict[str, dict], degree: dict[str, int], limit: int) -> tuple[dict[str, dict], dict[str, str]]:
    """The groups kept (each layer's highest-reach ones, by its share of `limit`, then by degree and
    id) with one "other vendors" node per layer for the rest, and the node each folded group went to."""
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
    return kept, folded
