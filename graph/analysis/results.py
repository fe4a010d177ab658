"""All analyses of a map in one call, and their results as plain data (written to `analysis.json`).

Each analysis is its own module, a pure function of the projection; this module only runs them in
order and turns their results into sorted, JSON-ready dictionaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from functools import cached_property

from ..model.projection import LARGE_GRAPH, Projection
from ..runtime.gc_pause import gc_paused
from ..source.ontology import load_vocabulary
from .chokepoints import PAIR_POOL, Chokepoints, chokepoints
from .concentration import Concentration, concentration
from .layer_leaders import LayerLeaders, layer_leaders
from .moat_matrix import MoatMatrix, moat_matrix
from .reach import Reach, reach
from .value_flow import MissingFigure, ValueFlow, value_flow
from .vertical_integration import Integration, vertical_integration


class Analysis:
    """Every analysis of one projection, each computed when it is first read (so a command that
    needs one analysis runs only that one): `reach`, `chokepoints`, `concentration`, `flow` (None
    when the data lacks the spend-ratio figures), `integration`, `moats` and `leaders` (per leaf
    layer, in stack order). `flow_options` go to value_flow (e.g. direct_to_cloud)."""

    def __init__(
        self,
        projection: Projection,
        pair_pool: int = PAIR_POOL,
        progress: Callable[[str], None] | None = None,
        **flow_options,
    ) -> None:
        graph = projection.graph
        self.projection = projection
        self._pair_pool, self._flow_options = pair_pool, flow_options
        self._progress = progress if progress and graph.number_of_nodes() >= LARGE_GRAPH else None

    def _say(self, message: str) -> None:
        if self._progress:
            self._progress(message)

    @cached_property
    @gc_paused()
    def reach(self) -> Reach:
        return reach(self.projection)

    @cached_property
    @gc_paused()
    def chokepoints(self) -> Chokepoints:
        graph = self.projection.graph
        self._say(f"analysing {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} edges")
        ranked = chokepoints(self.projection, pair_pool=self._pair_pool, progress=self._progress)
        self._say("chokepoints ranked")
        return ranked

    @cached_property
    @gc_paused()
    def concentration(self) -> list[Concentration]:
        return concentration(self.projection)

    @cached_property
    def flow(self) -> ValueFlow | None:
        try:
            return value_flow(self.projection, **self._flow_options)
        except MissingFigure:
            return None

    @cached_property
    def integration(self) -> list[Integration]:
        return vertical_integration(self.projection)

    @cached_property
    def moats(self) -> MoatMatrix:
        return moat_matrix(self.projection, list(load_vocabulary().moat_types))

    @cached_property
    @gc_paused()
    def leaders(self) -> tuple[LayerLeaders, ...]:
        return tuple(layer_leaders(self.projection, self.reach))


def analyse(
    projection: Projection, pair_pool: int = PAIR_POOL, progress: Callable[[str], None] | None = None, **flow_options
) -> Analysis:
    """Every analysis of the projection, computed as each is read; flow_options go to value_flow."""
    return Analysis(projection, pair_pool, progress, **flow_options)


def to_dict(analysis: Analysis) -> dict:
    """The results as JSON-ready data: lists sorted, numbers rounded where they were computed."""
    p = analysis.projection
    c = analysis.chokepoints
    return {
        "summary": {
            "nodes": p.graph.number_of_nodes(),
            "edges": p.graph.number_of_edges(),
            "vendors": len(p.vendors),
            "apps": len(p.apps),
        },
        "reach": {"vendors": analysis.reach.vendors, "nodes": analysis.reach.nodes},
        "chokepoints": chokepoints_dict(c),
        "concentration": [plain(asdict(x)) for x in analysis.concentration],
        "value_flow": plain(asdict(analysis.flow)) if analysis.flow else None,
        "vertical_integration": [plain(asdict(x)) for x in analysis.integration],
        "moat_matrix": plain(asdict(analysis.moats)),
        "layer_leaders": [plain(asdict(x)) for x in analysis.leaders],
    }


def chokepoints_dict(c: Chokepoints) -> dict:
    """The chokepoint results as JSON-ready data."""
    return {
        "ranking": [
            {
                "rank": x.rank,
                "vendor": x.vendor,
                "apps_cut_off": len(x.apps_cut_off),
                "capacity_lost": x.capacity_lost,
                "apps": list(x.apps_cut_off),
            }
            for x in c.ranking
        ],
        "critical_pairs": [{"vendors": list(x.vendors), "apps": list(x.apps_cut_off)} for x in c.pairs],
        "articulation_points": c.articulation_points,
        "betweenness": c.betweenness,
    }


def plain(value):
    """Tuples as lists, recursively (JSON has no tuples)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@gc_paused()
def to_json(analysis: Analysis) -> bytes:
    """The results as indented JSON, byte-identical for the same data."""
    return results_json(to_dict(analysis))


def results_json(results: dict) -> bytes:
    """`to_dict`'s results as indented JSON (what `analysis.json` holds)."""
    return (json.dumps(results, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
