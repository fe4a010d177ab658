"""The map as a network for graph tools: GraphML (Cytoscape, igraph, yEd, Gephi) and GEXF (Gephi),
byte-identical for the same data.

Nodes are the projection's (`model.projection`): offerings, and vendors without offerings. Each node
carries `label`, `kind` (offering or vendor), `vendor` and `vendor_name`, `layer`, `layer_name` and
`top_layer`, `country` (ISO code), `market` and `open_weights` where the data states them, `reach`
(the apps that depend on the node) and `vendor_reach`, and, when its vendor is a chokepoint candidate,
`chokepoint_rank`, `apps_cut_off` (a count) and `capacity_lost` (0..1) of that vendor. Each dependency
is one edge from the consumer to the supplier per kind (a consumer may depend on one supplier in two
ways: the graph is a multigraph, keyed by kind): `kind` (the YAML key, such as `runs_on`), `weight`
(the supplier's part of the consumer's supply of that kind, as the analyses use it), `share` (the
share the data states, when it does) and `sources` (source ids, space-separated). Attributes the data
leaves empty are left out rather than written empty.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from ..analysis.results import Analysis

FORMATS = ("graphml", "gexf")
EXTENSIONS = {"graphml": "graphml", "gexf": "gexf"}
_DIGITS = 6


def network(analysis: Analysis) -> nx.MultiDiGraph:
    """The projection of an analysed map as a multigraph with the attributes above, nodes and edges
    in sorted order."""
    import networkx as nx

    projection = analysis.projection
    graph = projection.graph
    ranking = {c.vendor: c for c in analysis.chokepoints.ranking}
    reach = analysis.reach
    out = nx.MultiDiGraph(name="stackmap")
    for node in sorted(graph):
        data = graph.nodes[node]
        vendor = projection.vendors[data["vendor"]]
        layer = projection.layers.get(data["layer"])
        attributes = {
            "label": data["label"],
            "kind": data["kind"],
            "vendor": vendor.id,
            "vendor_name": vendor.label,
            "layer": data["layer"],
            "layer_name": layer.label if layer else None,
            "top_layer": data["top_layer"],
            "country": data["country"],
            "market": data["market"],
            "open_weights": data["open_weights"],
            "reach": reach.nodes.get(node, 0),
            "vendor_reach": reach.vendors.get(vendor.id, 0),
        }
        if (candidate := ranking.get(vendor.id)) is not None:
            attributes |= {
                "chokepoint_rank": candidate.rank,
                "apps_cut_off": len(candidate.apps_cut_off),
                "capacity_lost": round(float(candidate.capacity_lost), _DIGITS),
            }
        out.add_node(node, **{k: v for k, v in attributes.items() if v is not None})
    for u, v in sorted(graph.edges):
        for kind, link in sorted(graph.edges[u, v]["relations"].items()):
            attributes = {
                "kind": kind,
                "weight": round(float(link.weight), _DIGITS),
                "share": None if link.share is None else round(float(link.share), _DIGITS),
                "sources": " ".join(link.sources) or None,
            }
            out.add_edge(u, v, key=kind, **{k: v for k, v in attributes.items() if v is not None})
    return out


def serialize(analysis: Analysis, fmt: str) -> bytes:
    """The network in format `fmt` (one of FORMATS)."""
    import networkx as nx

    if fmt not in FORMATS:
        raise ValueError(f"unknown network format '{fmt}': choose one of {', '.join(FORMATS)}")
    graph = network(analysis)
    buffer = io.BytesIO()
    if fmt == "graphml":
        # the standard-library writer always (lxml's, when installed, orders its output otherwise)
        nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.attrib.pop("lastmodifieddate", None)  # today's date: the same data would give other bytes tomorrow
    meta.find("creator").text = "stackmap"
    for u, v, kind in graph.edges(keys=True):
        graph.edges[u, v, kind]["id"] = f"{u}>{v}>{kind}"  # stable edge ids rather than a counter
        graph.edges[u, v, kind]["label"] = kind
    writer.add_graph(graph)
    writer.write(buffer)
    return buffer.getvalue()
