"""The leaf layers of the map and who is in each, as the report's sections count them."""

from __future__ import annotations

from ...model.projection import Projection


def leaf_layers(p: Projection) -> list[str]:
    """The leaf layers, top of the stack first."""
    return [layer.id for layer in sorted(p.layers.values(), key=lambda x: x.order) if layer.leaf]


def layer_members(p: Projection) -> dict[str, tuple[set[str], int]]:
    """For each leaf layer: the vendors with a node in it and its number of offerings."""
    members: dict[str, tuple[set[str], int]] = {layer: (set(), 0) for layer in leaf_layers(p)}
    for _, data in sorted(p.graph.nodes(data=True)):
        vendors, offerings = members.setdefault(data["layer"], (set(), 0))
        vendors.add(data["vendor"])
        members[data["layer"]] = (vendors, offerings + (data["kind"] == "offering"))
    return members
