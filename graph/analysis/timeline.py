"""The map over time: the stops of the view's date control and of the report's "Since the essay",
each the analyses of the map as it stood on that day (`--as-of`), as JSON-ready data.

Stops: the last day of each year from the first year of the generative-AI era the data dates (at the
earliest 2020) to the year before the map's own day, the essay's day (2023-01-19), and the map's
own day. At each stop: the offerings and dependencies in force, the counts, the chokepoint ranking
and the concentration of every layer and market, the numbers `stackmap diff` compares.

Example, on the tiny stack of `graph.model.sample` (undated: the same map at every stop):

    >>> import datetime as dt
    >>> [label for _, label in stop_dates([2021, 2024], dt.date(2025, 6, 1))]
    ['2021', '2022', '2023-01-19 (the essay)', '2023', '2024', '2025-06-01']
    >>> from graph.model.sample import sample_projection
    >>> from graph.analysis.results import analyse
    >>> stop = stop_record(dt.date(2024, 12, 31), "2024", analyse(sample_projection()))
    >>> stop["counts"], [c["vendor"] for c in stop["chokepoints"] if c["rank"] == 1]
    ({'vendors': 8, 'offerings': 8, 'dependencies': 9, 'apps': 2}, ['cloudco', 'fabco'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .results import Analysis

ESSAY = dt.date(2023, 1, 19)
FIRST_YEAR = 2020  # the year-end stops start no earlier (the generative-AI era)
RANKED = 10  # chokepoints kept per stop


def stop_dates(years: Iterable[int], today: dt.date) -> list[tuple[dt.date, str]]:
    """The stops for a map whose dated facts fall in `years`, seen from its own day `today`: year
    ends, the essay's day and `today`, sorted, each with its label."""
    first = max(FIRST_YEAR, min(years, default=today.year))
    stops = {dt.date(y, 12, 31): str(y) for y in range(first, today.year) if dt.date(y, 12, 31) < today}
    if today > ESSAY:
        stops[ESSAY] = "2023-01-19 (the essay)"
    stops[today] = today.isoformat()
    return sorted(stops.items())


def stop_record(day: dt.date, label: str, analysis: Analysis) -> dict:
    """The map on one day, as JSON-ready data: its offerings and dependencies, counts, chokepoint
    ranking (the first RANKED) and concentration."""
    projection = analysis.projection
    graph = projection.graph
    offerings = sorted(n for n, kind in graph.nodes(data="kind") if kind == "offering")
    return {
        "date": day.isoformat(),
        "label": label,
        "nodes": sorted(graph.nodes),
        "edges": sorted(f"{u} {k} {v}" for u, v, relations in graph.edges(data="relations") for k in relations),
        "counts": {
            "vendors": len(projection.vendors),
            "offerings": len(offerings),
            "dependencies": sum(len(r) for _, _, r in graph.edges(data="relations")),
            "apps": len(projection.apps),
        },
        "chokepoints": [
            {"rank": c.rank, "vendor": c.vendor, "apps": len(c.apps_cut_off), "capacity_lost": c.capacity_lost}
            for c in analysis.chokepoints.ranking[:RANKED]
        ],
        "concentration": [
            {"scope": c.scope, "id": c.id, "hhi": c.hhi, "band": c.band, "basis": c.basis, "cr1": c.cr1,
             "top": c.shares[0][0] if c.shares else None}
            for c in analysis.concentration
        ],
    }  # fmt: skip
