"""The card of one vendor: what it offers, what it depends on, who depends on it, and its results."""

from __future__ import annotations

from ..model.projection import Projection
from ..source.problems import did_you_mean
from .chokepoints import Chokepoints
from .reach import Reach, apps_depending_on
from .whatif import UnknownName


def require_vendor(p: Projection, vendor_id: str) -> None:
    """UnknownName, with a did-you-mean (or a note that it is an offering), for an id that is no vendor."""
    if vendor_id in p.vendors:
        return
    hint = did_you_mean(vendor_id, p.vendors)
    if vendor_id in p.graph:
        hint = f"; '{vendor_id}' is an offering of {p.graph.nodes[vendor_id]['vendor']}"
    raise UnknownName(f"unknown vendor '{vendor_id}'{hint or ''}")


def _fails_without(p: Projection, cuts: list, vendor_id: str, nodes: list[str]) -> dict[str, list[str]]:
    """For each other vendor whose loss alone makes one of these nodes fail: those nodes."""
    vendors = list(p.vendors)
    found: dict[str, list[str]] = {}
    for n in nodes:
        for v in sorted(vendors[i] for i in cuts[p.index.number[n]]):
            if v != vendor_id:
                found.setdefault(v, []).append(n)
    return dict(sorted(found.items()))


def vendor_card(p: Projection, reached: Reach, ranked: Chokepoints, vendor_id: str) -> dict:
    """Layers, offerings, dependencies both ways, reach, the vendors without which one of its offerings
    fails, chokepoint rank, moats, figures, ties and sources of a vendor, as JSON-ready data;
    UnknownName for an unknown id."""
    require_vendor(p, vendor_id)
    vendor = p.vendors[vendor_id]
    graph = p.graph
    nodes = [n for n in p.nodes_of(vendor_id) if n in graph]
    sources = set(vendor.sources)
    depends_on, depended_on_by = _dependencies(p, nodes, sources)
    moats = [m for m in p.moats if m.vendor == vendor_id]
    figures = [f for f in p.figures if f.vendor == vendor_id]
    for item in (*moats, *figures):
        sources.update(item.sources)
    rank = ranked.rank_of(vendor_id)
    layers = sorted({graph.nodes[n]["layer"] for n in nodes}, key=lambda layer: p.layers[layer].order)
    return {
        "id": vendor.id,
        "name": vendor.label,
        "country": vendor.country,
        "layers": layers,
        "offerings": [
            {
                "id": n,
                **{k: graph.nodes[n][a] for k, a in (("name", "label"), ("layer", "layer"), ("market", "market"))},
            }
            for n in nodes
        ],
        "depends_on": depends_on,
        "depended_on_by": depended_on_by,
        "reach": {"apps": reached.vendors[vendor_id], "list": apps_depending_on(p, nodes)},
        "fails_without": _fails_without(p, ranked.cuts, vendor_id, nodes),
        "chokepoint": None
        if rank is None
        else {
            "rank": rank.rank,
            "of": len(ranked.ranking),
            "apps_cut_off": list(rank.apps_cut_off),
            "capacity_lost": rank.capacity_lost,
        },
        "moats": [
            {"type": m.moat_type, "about": m.about, "evidence": m.evidence, "sources": list(m.sources)} for m in moats
        ],
        "figures": [
            {k: getattr(f, k) for k in ("id", "metric", "value", "min", "max", "unit", "period")} for f in figures
        ],
        "ties": [
            {
                "relation": t.key,
                "vendor": t.object if t.subject == vendor_id else t.subject,
                "direction": "out" if t.subject == vendor_id else "in",
            }
            for t in p.ties
            if vendor_id in (t.subject, t.object)
        ],
        "sources": [
            {"id": s, "title": p.sources[s].title, "url": p.sources[s].url, "date": p.sources[s].date}
            for s in sorted(sources)
            if s in p.sources
        ],
    }


def _dependencies(p: Projection, nodes: list[str], sources: set[str]) -> tuple[list[dict], list[dict]]:
    """What the nodes depend on and what depends on them, sorted; the sources of their nodes and
    dependencies are added to `sources`."""
    graph = p.graph
    depends_on, depended_on_by = [], []
    for n in nodes:
        sources.update(graph.nodes[n]["sources"])
        for _, supplier, relations in graph.out_edges(n, data="relations"):
            for key, link in relations.items():
                sources.update(link.sources)
                depends_on.append(
                    {
                        "node": n,
                        "relation": key,
                        "supplier": supplier,
                        "supplier_vendor": graph.nodes[supplier]["vendor"],
                        "weight": round(link.weight, 6),
                    }
                )
        for consumer, _, relations in graph.in_edges(n, data="relations"):
            depended_on_by += [
                {"node": n, "relation": key, "consumer": consumer, "consumer_vendor": graph.nodes[consumer]["vendor"]}
                for key in relations
            ]
    depends_on.sort(key=lambda d: (d["node"], d["relation"], d["supplier"]))
    depended_on_by.sort(key=lambda d: (d["node"], d["relation"], d["consumer"]))
    return depends_on, depended_on_by
