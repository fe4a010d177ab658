"""All analyses of a map in one call, and their results as plain data (written to `analysis.json`).

Each analysis is its own module, a pure function of the projection; this module only runs them in
order and turns their results into sorted, JSON-ready dictionaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

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


@dataclass(frozen=True)
class Analysis:
    """The results of every analysis of one projection."""

    projection: Projection
    reach: Reach
    chokepoints: Chokepoints
    concentration: list[Concentration]
    flow: ValueFlow | None  # None when the data lacks the spend-ratio figures
    integration: list[Integration]
    moats: MoatMatrix
    leaders: tuple[LayerLeaders, ...] = ()  # per leaf layer, in stack order


@gc_paused()
def analyse(
    projection: Projection, pair_pool: int = PAIR_POOL, progress: Callable[[str], None] | None = None, **flow_options
) -> Analysis:
    """Run every analysis on the projection; flow_options go to value_flow (e.g. direct_to_cloud)."""
    graph = projection.graph
    if progress and graph.number_of_nodes() < LARGE_GRAPH:
        progress = None  # small maps take well under a second
    if progress:
        progress(f"analysing {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} edges")
    reached = reach(projection)
    ranked = chokepoints(projection, pair_pool=pair_pool, progress=progress)
    if progress:
        progress("chokepoints ranked; measuring concentration and value flow")
    concentrated = concentration(projection)
    try:
        flow = value_flow(projection, **flow_options)
    except MissingFigure:
        flow = None
    return Analysis(
        projection=projection,
        reach=reached,
        chokepoints=ranked,
        concentration=concentrated,
        flow=flow,
        integration=vertical_integration(projection),
        moats=moat_matrix(projection, list(load_vocabulary().moat_types)),
        leaders=tuple(layer_leaders(projection, reached)),
    )


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
