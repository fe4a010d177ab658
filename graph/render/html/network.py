"""The drawn graph as a `pyvis.network.Network`: its nodes and edges with their styles, and the
vis-network options, made from the page data (`page_data`).

A node is drawn in its layer's colour at its fixed position, sized by reach, ringed in red when it is
a chokepoint (a diamond for an aggregated "other vendors" node); its label names its vendor when the
offering's name does not, its tooltip (`title`, plain text: vis-network shows it as text) sums up its
layer, reach, rank and dependencies. An edge is drawn in its first relation's line style, curved when
it joins two nodes of one band, with every relation it stands for in its tooltip. Physics is off:
the positions are final.

pyvis is imported here, when the page is made, never by the commands that do not render the view.
Nodes and edges are added in the order of the page data (sorted), so the same map gives the same
network, and the same page.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import TYPE_CHECKING

from .. import palette

if TYPE_CHECKING:
    from pyvis.network import Network

LARGE = 800  # above this many nodes, no hover effects and edges hidden while dragging or zooming
MANY_EDGES = 2000  # above this many edges, lighter edges
NODE_FONT = {
    "size": 20,
    "color": palette.INK,
    "strokeWidth": 5,
    "strokeColor": "#ffffff",
    "face": "system-ui, DejaVu Sans, Arial, sans-serif",
}
SAME_BAND_CURVE = {"enabled": True, "type": "curvedCW", "roundness": 0.25}
FALLBACK_STYLE = {"dashes": [4, 4], "width": 1}  # for a relation the page data does not list


def drawn_network(data: dict, heading: str) -> Network:
    """A directed pyvis network holding the nodes, edges and options that the page draws."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    network = Network(directed=True, heading=heading, cdn_resources="in_line")  # our template inlines vis
    styles = _Styles(data)
    for node in data["nodes"]:
        network.add_node(node["id"], **styles.node(node))
    # Each edge as `add_edge` makes it (pyvis's Edge), its ends looked up in a set: `add_edge` looks them
    # up in its list of nodes, 0.2-0.3 s for the 2,500 nodes and 11,000 edges of a large map's view.
    drawn = set(network.get_nodes())
    for i, edge in enumerate(data["edges"]):
        if edge["from"] not in drawn or edge["to"] not in drawn:
            raise ValueError(f"the edge {edge['from']} -> {edge['to']} names a node that is not drawn")
        network.edges.append(Edge(edge["from"], edge["to"], True, id=f"e{i}", **styles.edge(edge)).options)
    network.set_options(json.dumps(_options(data)))  # no string in them holds a space, which set_options drops
    return network


class _Styles:
    """The looks of the page data's nodes and edges, as vis-network attributes."""

    def __init__(self, data: dict):
        self.data = data
        self.layers = {layer["id"]: layer for layer in data["layers"]}
        self.relations = {r["key"]: r for r in data["relations"]}
        self.nodes = {n["id"]: n for n in data["nodes"]}
        self.out = Counter(e["from"] for e in data["edges"])
        self.into = Counter(e["to"] for e in data["edges"])
        self.grey = "rgba(70,70,70,0.15)" if len(data["edges"]) > MANY_EDGES else "rgba(70,70,70,0.55)"

    def node(self, node: dict) -> dict:
        """A node's attributes (its id aside)."""
        colour = self.layers[node["layer"]]["colour"] if node["layer"] in self.layers else palette.FALLBACK_COLOUR
        ring = palette.CHOKEPOINT_COLOUR if node["chokepoint"] else "#3a3a3a"
        return {
            "x": node["x"],
            "y": node["y"],
            "label": self.label(node),
            "title": self.title(node),
            "size": node["size"],
            "shape": "diamond" if "members" in node and not node["vendor"] else "dot",
            "color": {
                "background": colour,
                "border": ring,
                "highlight": {"background": colour, "border": palette.INK},
                "hover": {"background": colour, "border": palette.INK},
            },
            "borderWidth": 5 if node["chokepoint"] else 1.5,
            "borderWidthSelected": 6 if node["chokepoint"] else 3,
            "font": NODE_FONT,
            "widthConstraint": {"maximum": 160},
            "shapeProperties": {"borderDashes": False},
            "hidden": False,
        }

    def label(self, node: dict) -> str:
        """The node's name; below it, how many offerings an aggregated node holds, or else the
        vendor's name when the node's name does not contain it."""
        vendor = self.data["vendors"].get(node["vendor"])
        if "members" in node and node["vendor"]:
            return node["label"] + (f"\n{node['members']} offerings" if node["members"] > 1 else "")
        if vendor and vendor["name"].lower() not in node["label"].lower():
            return node["label"] + "\n" + vendor["name"]
        return node["label"]

    def title(self, node: dict) -> str:
        """The node's tooltip: name; vendor, country and layer; members; reach; rank; dependencies."""
        layer = self.layers[node["layer"]]["label"] if node["layer"] in self.layers else node["layer"]
        vendor = self.data["vendors"].get(node["vendor"])
        lines = [node["label"]]
        if vendor:
            country = f" ({vendor['country']})" if vendor["country"] else ""
            lines.append(f"{vendor['name']}{country} \u00b7 {layer}")
        else:
            lines.append(layer)
        if "members" in node:
            lines.append(f"{node['members']} {'offering' if node['members'] == 1 else 'offerings'} drawn as one node")
        lines.append(f"{node['reach']} of {self.data['meta']['apps']} apps depend on it")
        if vendor and vendor["rank"]:
            lines.append(
                f"Chokepoint rank #{vendor['rank']}: removing {vendor['name']} cuts off {vendor['apps_cut_off']} apps"
            )
        lines.append(f"Depends on {self.out[node['id']]}, depended on by {self.into[node['id']]}. Click for details.")
        return "\n".join(lines)

    def edge(self, edge: dict) -> dict:
        """An edge's attributes (its ends and id aside): the line of its first relation, a tooltip
        line per relation, a curve when both ends sit in one band."""
        a, b = self.nodes[edge["from"]], self.nodes[edge["to"]]
        style = self.relations.get(next(iter(edge["rel"])), FALLBACK_STYLE)
        return {
            "dashes": style["dashes"],
            "width": style["width"],
            "title": "\n".join(self.said(a, key, x, b) for key, x in edge["rel"].items()),
            "hidden": False,
            "color": {"color": self.grey, "highlight": palette.INK, "hover": palette.INK},
            "smooth": SAME_BAND_CURVE if self.same_band(a, b) else False,
        }

    def said(self, a: dict, key: str, relation: list, b: dict) -> str:
        """One tooltip line of an edge: "A relation B" and how much of B's supply it is, or how many
        dependencies an aggregated edge stands for; the dependency's note below."""
        weight, share, _, note = relation
        said = f"{a['label']} {self.relations[key]['label'] if key in self.relations else key} {b['label']}"
        if self.data["meta"]["aggregated"]:
            return f"{said} ({weight} {'dependency' if weight == 1 else 'dependencies'})"
        amount = f" (share {_percent(share)})" if share is not None else f" ({_percent(weight)} of this supply)"
        return said + amount + (f"\n{note}" if note else "")

    def same_band(self, a: dict, b: dict) -> bool:
        """Whether both nodes sit in one band."""
        return any(
            band["y0"] <= a["y"] <= band["y1"] and band["y0"] <= b["y"] <= band["y1"] for band in self.data["bands"]
        )


def _percent(x: float) -> str:
    """A fraction as a percentage rounded to one decimal, written as JavaScript writes numbers (the
    page wrote these tooltips in JavaScript before): 0.5 -> '50%', 0.12345 -> '12.3%'."""
    tenths = math.floor(x * 1000)
    if x * 1000 - tenths >= 0.5:  # JavaScript's Math.round: halves up
        tenths += 1
    value = tenths / 10
    return f"{int(value) if value.is_integer() else value!r}%"


def _options(data: dict) -> dict:
    """The vis-network options: physics off (positions are fixed), straight edges with arrows, and
    lighter interaction on large maps."""
    large = len(data["nodes"]) > LARGE
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "hierarchical": {"enabled": False}},
        "nodes": {"shape": "dot", "scaling": {"label": {"enabled": False, "drawThreshold": 6}}},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "selectionWidth": 1.5,
            "hoverWidth": 0.5,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "dragNodes": False,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "zoomSpeed": 0.8,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
    }
