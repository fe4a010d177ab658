"""How the report names things: the display names of layers, vendors and nodes, and lists of names."""

from __future__ import annotations

from collections.abc import Sequence

from ...model.projection import Projection

MAX_NAMES = 8  # names listed in one cell


def name_list(names: Sequence[str], limit: int = MAX_NAMES) -> str:
    """The names joined by commas, the first `limit` of them and "and N more" after."""
    names = list(names)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def and_list(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Names:
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
