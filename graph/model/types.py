"""The projection's types: the graph of offerings with the vendors, layers, figures, moat claims, ties
and sources the analyses read beside it (`model.projection` says the rules that make it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from ..source.ontology import Layer
from .index import APPLICATIONS, SupplyIndex, compile_index

LARGE_GRAPH = 5_000  # nodes from which the analyses report progress


class ProjectionError(ValueError):
    """The dataset cannot be projected (a dependency cycle appears once vendor references are expanded)."""


@dataclass(frozen=True)
class Link:
    """One dependency kind on an edge: the supplier's part of the consumer's supply, the stated share
    (None when the data gives none) and the ids of the sources that state it."""

    weight: float
    share: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Vendor:
    """A vendor: its name, country (ISO code or None), offerings, and its layer when it has no offering."""

    id: str
    label: str
    country: str | None
    offerings: tuple[str, ...]
    layer: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MoatClaim:
    """A sourced claim that a vendor (or one of its offerings) holds a moat of a given type."""

    id: str
    about: str
    vendor: str
    moat_type: str
    evidence: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """A sourced market figure: a value or a range, with unit, period, and what it is about."""

    id: str
    metric: str
    value: float | None
    min: float | None
    max: float | None
    unit: str
    period: str
    about: str | None
    vendor: str | None
    layer: str | None
    market: str | None
    sources: tuple[str, ...]
    as_of: str | None = None  # the last day of the period it measures, as written (2025, 2025-06, 2025-06-30)

    @property
    def point(self) -> float | None:
        """The value, or the middle of a closed range, or None for an open range."""
        if self.value is not None:
            return self.value
        if self.min is not None and self.max is not None:
            return (self.min + self.max) / 2
        return None


@dataclass(frozen=True)
class Source:
    """A source document: title, URL, publication date (ISO) and publisher."""

    id: str
    title: str
    url: str
    date: str
    publisher: str | None


@dataclass(frozen=True)
class Tie:
    """A non-dependency tie between vendors: `parent`, `invests_in` or `partners_with`."""

    subject: str
    key: str
    object: str


@dataclass
class Projection:
    """The projected graph with what the analyses read beside it: vendors, layers, figures, moat claims,
    ties and sources. `graph` node attributes: kind (offering|vendor), label, vendor, layer, top_layer,
    country, market, open_weights, sources."""

    graph: nx.DiGraph
    vendors: dict[str, Vendor]
    layers: dict[str, Layer]
    figures: list[Figure] = field(default_factory=list)
    moats: list[MoatClaim] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)

    @cached_property
    def apps(self) -> list[str]:
        """The application nodes, sorted."""
        return sorted(n for n, top in self.graph.nodes(data="top_layer") if top == APPLICATIONS)

    @cached_property
    def index(self) -> SupplyIndex:
        """The graph compiled to integer lists (see SupplyIndex)."""
        return compile_index(self.graph)

    @cached_property
    def owners(self) -> tuple[int, ...]:
        """For each node number of the index, the position of its vendor in `vendors`."""
        position = {v: i for i, v in enumerate(self.vendors)}
        return tuple(position[self.graph.nodes[n]["vendor"]] for n in self.index.ids)

    def nodes_of(self, vendor: str) -> list[str]:
        """The nodes of a vendor: its offerings, or the vendor itself when it has none."""
        v = self.vendors[vendor]
        return list(v.offerings) if v.offerings else [vendor]


def top_layer_of(layers: dict[str, Layer], layer: str) -> str:
    """The top layer (applications, models or infrastructure) a layer belongs to."""
    while layers[layer].broader is not None:
        layer = layers[layer].broader
    return layer
