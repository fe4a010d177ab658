"""The checked dataset read into a `Projection`, by the rules in `model.projection`: a few SPARQL
reads over the store, then the graph built from their rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox

from ..runtime.gc_pause import gc_paused
from ..source import vocab
from ..source.expansion import fitting
from ..source.ontology import Vocabulary, load_vocabulary
from .types import Figure, Link, MoatClaim, Projection, ProjectionError, Source, Tie, Vendor, top_layer_of

LARGE_STORE = 200_000  # quads from which projecting reports progress


def _rows(store: ox.Store, query: str) -> list[tuple]:
    """The solutions of a SELECT over the union of all graphs, as tuples of plain strings (or None)."""
    result = store.query(query, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in result]


class _LocalIds(dict):
    """vocab.local_id of each IRI, computed once per IRI (sources and suppliers recur on many rows)."""

    def __missing__(self, iri: str) -> str | None:
        self[iri] = found = vocab.local_id(iri)
        return found


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _grouped_sources(rows: list[tuple], local: dict[str, str | None] | None = None) -> dict[str, tuple[str, ...]]:
    local = _LocalIds() if local is None else local
    found: dict[str, set[str]] = defaultdict(set)
    for entity, source in rows:
        if source is not None:
            found[local[entity]].add(local[source])
    return {k: tuple(sorted(v)) for k, v in found.items()}


@dataclass(frozen=True)
class _Reference:
    subject: str
    key: str
    supplier: str
    share: float | None
    sources: tuple[str, ...]


@gc_paused()
def project(
    store: ox.Store, progress: Callable[[str], None] | None = None, vocabulary: Vocabulary | None = None
) -> Projection:
    """Project a loaded, valid dataset onto the analysis graph (see `model.projection`); `progress`
    hears of the work on large maps."""
    vocabulary = vocabulary or load_vocabulary()
    if progress and len(store) < LARGE_STORE:
        progress = None
    layers = vocabulary.layers
    layer_by_iri = {layer.iri: layer.id for layer in layers.values()}
    local = _LocalIds()
    entity_sources = _grouped_sources(
        _rows(store, "SELECT ?e ?s WHERE { { ?e a sm:Vendor } UNION { ?e a sm:Offering } ?e dcterms:source ?s }"),
        local,
    )
    offerings = _read_offerings(store, layer_by_iri, local)
    vendors = _read_vendors(store, offerings, layer_by_iri, entity_sources)
    graph = _nodes(vendors, offerings, layers, entity_sources)
    if progress:
        progress(f"projecting {len(vendors):,} vendors and {len(offerings):,} offerings onto the analysis graph")
    key_by_iri = {r.iri: r.key for r in vocabulary.dependencies.values()}
    _add_dependencies(graph, vendors, _read_references(store, key_by_iri, local), vocabulary)
    _refuse_cycles(graph)
    return Projection(
        graph=graph,
        vendors=vendors,
        layers=dict(layers),
        figures=_read_figures(store, offerings, layer_by_iri, vocabulary),
        moats=_read_moats(store, offerings, vocabulary),
        ties=_read_ties(store, vocabulary),
        sources=_read_sources(store),
    )


def _read_offerings(store: ox.Store, layer_by_iri: dict[str, str], local: _LocalIds) -> dict[str, dict]:
    """Each offering's vendor, layer, label, market and open weights, by id."""
    offerings: dict[str, dict] = {}
    for o, v, layer, label, market, open_weights in _rows(
        store,
        """SELECT ?o ?v ?layer ?label ?market ?open WHERE {
               ?o a sm:Offering ; sm:offeredBy ?v ; sm:layer ?layer ; rdfs:label ?label .
               OPTIONAL { ?o sm:market ?market } OPTIONAL { ?o sm:openWeights ?open } }""",
    ):
        offerings[local[o]] = {
            "vendor": local[v],
            "layer": layer_by_iri[layer],
            "label": label,
            "market": market,
            "open_weights": None if open_weights is None else open_weights == "true",
        }
    return offerings


def _read_vendors(
    store: ox.Store, offerings: dict[str, dict], layer_by_iri: dict[str, str], sources: dict[str, tuple[str, ...]]
) -> dict[str, Vendor]:
    """The vendors by id (sorted), each with its offerings."""
    by_vendor: dict[str, list[str]] = defaultdict(list)
    for o, info in sorted(offerings.items()):
        by_vendor[info["vendor"]].append(o)
    vendors: dict[str, Vendor] = {}
    for v, label, country, layer in _rows(
        store,
        """SELECT ?v ?label ?country ?layer WHERE { ?v a sm:Vendor ; rdfs:label ?label .
               OPTIONAL { ?v sm:headquartersCountry ?country } OPTIONAL { ?v sm:layer ?layer } }""",
    ):
        vid = vocab.local_id(v)
        vendors[vid] = Vendor(
            vid, label, country, tuple(by_vendor.get(vid, ())), layer_by_iri.get(layer) if layer else None,
            sources.get(vid, ()),
        )  # fmt: skip
    return dict(sorted(vendors.items()))


def _nodes(
    vendors: dict[str, Vendor], offerings: dict[str, dict], layers: dict, sources: dict[str, tuple[str, ...]]
) -> nx.DiGraph:
    """The graph's nodes: each offering, and each vendor without offerings that names its layer."""
    graph = nx.DiGraph()
    for vid, v in vendors.items():
        for o in v.offerings:
            info = offerings[o]
            graph.add_node(
                o,
                kind="offering",
                label=info["label"],
                vendor=vid,
                layer=info["layer"],
                top_layer=top_layer_of(layers, info["layer"]),
                country=v.country,
                market=info["market"],
                open_weights=info["open_weights"],
                sources=sources.get(o, ()),
            )
        if not v.offerings and v.layer:
            graph.add_node(
                vid,
                kind="vendor",
                label=v.label,
                vendor=vid,
                layer=v.layer,
                top_layer=top_layer_of(layers, v.layer),
                country=v.country,
                market=None,
                open_weights=None,
                sources=v.sources,
            )
    return graph


def _read_references(store: ox.Store, key_by_iri: dict[str, str], local: dict[str, str | None]) -> list[_Reference]:
    rows = _rows(
        store,
        """SELECT ?s ?p ?o ?share ?src WHERE {
               ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
               ?p rdfs:subPropertyOf sm:dependsOn .
               OPTIONAL { ?st sm:share ?share } OPTIONAL { ?st dcterms:source ?src } }""",
    )
    merged: dict[tuple[str, str, str], tuple[float | None, set[str]]] = {}
    for s, p, o, share, src in rows:  # one row per statement and source (statements are not needed)
        key = (local[s], key_by_iri[p], local[o])
        previous = merged.get(key)
        sources = previous[1] if previous else set()
        if src is not None:
            sources.add(local[src])
        merged[key] = (_number(share) if share is not None else (previous[0] if previous else None), sources)
    return [_Reference(s, k, o, share, tuple(sorted(srcs))) for (s, k, o), (share, srcs) in sorted(merged.items())]


def _weights(refs: list[_Reference]) -> list[float]:
    """The part of the supply each reference of one kind provides (see the module docstring)."""
    stated = [r.share for r in refs if r.share is not None]
    total = sum(stated)
    unstated = len(refs) - len(stated)
    if unstated:
        rest = max(0.0, 1.0 - total) / unstated
        return [rest if r.share is None else r.share for r in refs]
    if total <= 0:
        return [1.0 / len(refs)] * len(refs)
    return [r.share / total for r in refs]


def _add_dependencies(
    graph: nx.DiGraph, vendors: dict[str, Vendor], references: list[_Reference], vocabulary: Vocabulary
) -> None:
    stated_kinds: dict[str, set[str]] = defaultdict(set)
    for r in references:
        stated_kinds[r.subject].add(r.key)
    by_node_kind: dict[tuple[str, str], list[_Reference]] = defaultdict(list)
    for r in references:
        if r.subject in vendors and vendors[r.subject].offerings:
            for o in vendors[r.subject].offerings:
                if r.key not in stated_kinds[o]:
                    by_node_kind[(o, r.key)].append(r)
        elif r.subject in graph:
            by_node_kind[(r.subject, r.key)].append(r)
    edges: dict[tuple[str, str], dict[str, Link]] = {}  # in the order edges are first found
    for (node, key), refs in sorted(by_node_kind.items()):
        fits = set(vocabulary.relations[key].supplier_layers)
        for ref, weight in zip(refs, _weights(refs), strict=True):
            suppliers = _suppliers(graph, vendors, ref.supplier, fits, node)
            for supplier in suppliers:
                relations = edges.setdefault((node, supplier), {})
                before = relations.get(key)
                part = weight / len(suppliers)
                if before is not None:  # named directly and through its vendor: one supplier, parts added
                    part += before.weight
                    sources = tuple(sorted(set(before.sources) | set(ref.sources)))
                    share = before.share if ref.share is None else ref.share
                else:
                    sources, share = ref.sources, ref.share
                relations[key] = Link(part, share, sources)
    graph.add_edges_from((u, v, {"relations": dict(sorted(r.items()))}) for (u, v), r in edges.items())


def _suppliers(graph: nx.DiGraph, vendors: dict[str, Vendor], name: str, fits: set[str], consumer: str) -> list[str]:
    """The nodes a reference of `consumer` stands for: the offering itself, or a vendor's fitting
    offerings for that consumer (`source.expansion`)."""
    if name not in vendors:
        return [name]
    vendor = vendors[name]
    if not vendor.offerings:
        return [name]
    nodes = graph.nodes
    offerings = [(o, nodes[o]["layer"], nodes[o]["market"]) for o in vendor.offerings]
    return fitting(offerings, fits, nodes[consumer]["market"], consumer)


def _refuse_cycles(graph: nx.DiGraph) -> None:
    waiting = {n: len(suppliers) for n, suppliers in graph.succ.items()}
    ready = [n for n, count in waiting.items() if count == 0]
    placed = 0  # nodes every supplier of which is placed (Kahn's algorithm, in any order)
    pred = graph.pred
    while ready:
        placed += 1
        for consumer in pred[ready.pop()]:
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                ready.append(consumer)
    if placed == len(waiting):
        return
    cycle = nx.find_cycle(graph)
    path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
    raise ProjectionError(
        f"dependency cycle once vendor references are expanded: {path}; name offerings instead of vendors to break it"
    )


def _read_figures(
    store: ox.Store, offerings: dict[str, dict], layer_by_iri: dict[str, str], vocabulary: Vocabulary
) -> list[Figure]:
    metric_ids = {iri: notation for notation, iri in vocabulary.metrics.items()}
    rows = _rows(
        store,
        """SELECT ?f ?metric ?value ?min ?max ?unit ?period ?about ?layer ?market ?src ?asof WHERE {
               ?f a sm:Figure ; sm:metric ?metric ; schema:unitText ?unit ; dcterms:temporal ?period .
               OPTIONAL { ?f schema:value ?value } OPTIONAL { ?f schema:minValue ?min }
               OPTIONAL { ?f schema:maxValue ?max } OPTIONAL { ?f sm:about ?about }
               OPTIONAL { ?f sm:layer ?layer } OPTIONAL { ?f sm:market ?market }
               OPTIONAL { ?f dcterms:source ?src } OPTIONAL { ?f sm:asOf ?asof } }""",
    )
    sources = _grouped_sources([(r[0], r[10]) for r in rows])
    figures = {}
    for f, metric, value, low, high, unit, period, about, layer, market, _, as_of in rows:
        about_id = vocab.local_id(about) if about else None
        vendor = offerings[about_id]["vendor"] if about_id in offerings else about_id
        layer_id = layer_by_iri.get(layer) if layer else None
        if layer_id is None and about_id in offerings:
            layer_id = offerings[about_id]["layer"]
        figures[vocab.local_id(f)] = Figure(
            vocab.local_id(f),
            metric_ids[metric],
            _number(value),
            _number(low),
            _number(high),
            unit,
            period,
            about_id,
            vendor,
            layer_id,
            market,
            sources.get(vocab.local_id(f), ()),
            as_of,
        )
    return [figures[k] for k in sorted(figures)]


def _read_moats(store: ox.Store, offerings: dict[str, dict], vocabulary: Vocabulary) -> list[MoatClaim]:
    moat_ids = {iri: notation for notation, iri in vocabulary.moat_types.items()}
    rows = _rows(
        store,
        """SELECT ?m ?about ?type ?evidence ?src WHERE {
               ?m a sm:MoatClaim ; sm:about ?about ; sm:moatType ?type ; sm:evidence ?evidence .
               OPTIONAL { ?m dcterms:source ?src } }""",
    )
    sources = _grouped_sources([(r[0], r[4]) for r in rows])
    claims = {}
    for m, about, moat_type, evidence, _ in rows:
        about_id = vocab.local_id(about)
        vendor = offerings[about_id]["vendor"] if about_id in offerings else about_id
        claims[vocab.local_id(m)] = MoatClaim(
            vocab.local_id(m), about_id, vendor, moat_ids[moat_type], evidence, sources.get(vocab.local_id(m), ())
        )
    return [claims[k] for k in sorted(claims)]


def _read_ties(store: ox.Store, vocabulary: Vocabulary) -> list[Tie]:
    ties = []
    for r in vocabulary.ties.values():
        for s, o in _rows(store, f"SELECT ?s ?o WHERE {{ ?s <{r.iri}> ?o }}"):
            ties.append(Tie(vocab.local_id(s), r.key, vocab.local_id(o)))
    return sorted(set(ties), key=lambda t: (t.subject, t.key, t.object))


def _read_sources(store: ox.Store) -> dict[str, Source]:
    rows = _rows(
        store,
        """SELECT ?s ?title ?url ?date ?publisher WHERE {
               ?s a sm:Source ; dcterms:title ?title ; schema:url ?url ; dcterms:date ?date .
               OPTIONAL { ?s dcterms:publisher ?publisher } }""",
    )
    return {
        vocab.local_id(s): Source(vocab.local_id(s), title, url, date, publisher)
        for s, title, url, date, publisher in sorted(rows)
    }
