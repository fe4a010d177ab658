"""Layer leaders: for each leaf layer, its counts and the vendors that the most apps depend on.

A vendor is in a leaf layer when it has an offering there, or names that layer itself (`layer`, for a
vendor without offerings). Per leaf layer: the vendors in it, its offerings, its vendors per
headquarters country ("unknown" when a vendor states none), its moat claims per moat type (a claim
about an offering counts in the offering's layer, a claim about a vendor in every layer the vendor is
in), and its leaders: the LEADERS vendors in it with the greatest reach (applications depending on
the vendor, graph/reach.py), ties broken by vendor name and then id, ranked 1, 2, ... in that order.
For each leader's nodes in the layer (its offerings there, or itself when it has none) the analysis
also keeps their supply-chain vendors: the other vendors with a node that one depends on, directly or
transitively.

The shipped queries that list vendors layer by layer start from these leaders, so their answers stay
small on any map while the counts still cover every vendor.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> from graph.analysis.reach import reach
    >>> p = sample_projection()
    >>> apps = layer_leaders(p, reach(p))[1]
    >>> apps.layer, apps.leaders[0].vendor, apps.leaders[0].supply_chains["code-app"]
    ('apps', 'codeco', ('chipx', 'chipy', 'cloudco', 'fabco', 'modelco', 'openco'))
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..model.projection import Projection
from .reach import Reach

LEADERS = 10
UNKNOWN_COUNTRY = "unknown"


@dataclass(frozen=True)
class Leader:
    """A leading vendor of a layer: its rank there (1 = most apps depend on it), its reach, its offerings
    in the layer (0 for a vendor without offerings), its country ("unknown" when it states none), and
    for each of its nodes in the layer the other vendors in that node's supply chain (sorted)."""

    rank: int
    vendor: str
    reach: int
    offerings: int
    country: str
    supply_chains: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class LayerLeaders:
    """One leaf layer: vendors and offerings in it, vendors per country and moat claims per moat type
    (both sorted by key, only non-zero counts), and its leaders by rank."""

    layer: str
    vendors: int
    offerings: int
    countries: dict[str, int]
    moat_claims: dict[str, int]
    leaders: tuple[Leader, ...]


def vendor_layers(projection: Projection) -> dict[str, set[str]]:
    """The leaf layers each vendor is in: those of its offerings, and the layer it names itself."""
    nodes = projection.graph.nodes
    found: dict[str, set[str]] = {}
    for vid, v in projection.vendors.items():
        layers = {nodes[o]["layer"] for o in v.offerings}
        if v.layer:
            layers.add(v.layer)
        found[vid] = layers
    return found


def supply_chain_vendors(projection: Projection, node: str) -> tuple[str, ...]:
    """The vendors other than the node's own with a node that it depends on, directly or transitively, sorted."""
    index, nodes = projection.index, projection.graph.nodes
    own = nodes[node]["vendor"]
    found = {nodes[index.ids[s]]["vendor"] for s in index.downstream(index.number[node])}
    return tuple(sorted(found - {own}))


def layer_leaders(projection: Projection, reach: Reach, leaders: int = LEADERS) -> list[LayerLeaders]:
    """Counts and leaders of every leaf layer, in stack order (see the module docstring)."""
    nodes = projection.graph.nodes
    vendors = projection.vendors
    leaves = [x.id for x in sorted(projection.layers.values(), key=lambda x: x.order) if x.leaf]
    in_layer = vendor_layers(projection)
    members: dict[str, list[str]] = defaultdict(list)
    for vid, layers in in_layer.items():
        for layer in layers:
            members[layer].append(vid)
    offerings = Counter(nodes[o]["layer"] for v in vendors.values() for o in v.offerings)
    own = Counter((nodes[o]["layer"], vid) for vid, v in vendors.items() for o in v.offerings)
    claims: dict[str, Counter[str]] = defaultdict(Counter)
    for claim in projection.moats:
        about_offering = claim.about != claim.vendor
        for layer in {nodes[claim.about]["layer"]} if about_offering else in_layer[claim.vendor]:
            claims[layer][claim.moat_type] += 1
    results = []
    for layer in leaves:
        ids = members.get(layer, [])
        country = {v: vendors[v].country or UNKNOWN_COUNTRY for v in ids}
        countries = Counter(country.values())
        top = heapq.nsmallest(leaders, ids, key=lambda v: (-reach.vendors[v], vendors[v].label, v))
        results.append(
            LayerLeaders(
                layer=layer,
                vendors=len(ids),
                offerings=offerings[layer],
                countries=dict(sorted(countries.items())),
                moat_claims=dict(sorted(claims[layer].items())),
                leaders=tuple(
                    Leader(
                        i,
                        v,
                        reach.vendors[v],
                        own[(layer, v)],
                        country[v],
                        {n: supply_chain_vendors(projection, n) for n in _nodes_in(projection, v, layer)},
                    )
                    for i, v in enumerate(top, start=1)
                ),
            )
        )
    return results


def _nodes_in(projection: Projection, vendor: str, layer: str) -> list[str]:
    """The vendor's nodes in a layer, sorted: its offerings there, or itself when it has no offerings and
    names that layer."""
    nodes = projection.graph.nodes
    return sorted(n for n in projection.nodes_of(vendor) if nodes[n]["layer"] == layer)
