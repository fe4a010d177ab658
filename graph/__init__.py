"""stackmap: a knowledge graph of the generative-AI stack.

The Python API is the route the `stackmap` command takes, for notebooks and scripts (the README's
"Python API" shows this example, and a test holds the two the same):

    >>> import graph
    >>> stack = graph.load_map()  # the shipped data as of today, loaded and checked
    >>> stack.summary.vendors >= 29
    True
    >>> essay = graph.load_map(as_of="2023-01-19")  # ... or as it stood on a day (here the essay's)
    >>> ranked = essay.analysis.chokepoints  # each analysis runs when first read
    >>> [(c.vendor, c.rank, len(c.apps_cut_off)) for c in ranked.ranking[:3]]
    [('asml', 1, 7), ('tsmc', 1, 7), ('nvidia', 3, 5)]
    >>> result = graph.sparql(stack, "SELECT ?chip WHERE { ?chip sm:fabbedBy/sm:offeredBy stack:tsmc }")
    >>> "https://w3id.org/stackmap/id/nvidia-h100" in [row[0].value for row in result.rows]
    True
    >>> graph.validate()  # every problem of a data folder (default: the shipped one)
    []

Public names (importing `graph` loads none of the heavy libraries; each is imported when used):
`load_map` (a data folder, default the shipped one, as a checked map: `.summary`, `.loaded.store`,
`.projection`, `.analysis` with `.reach`, `.chokepoints`, `.concentration`, `.flow`, `.integration`,
`.moats`, `.leaders`), `sparql` (a guarded SPARQL query on a checked map), `build` (write everything
`stackmap build` writes), `validate` (every problem of a data folder), and the errors `DataError` and
`ProjectionError`. The sub-packages (`graph.analysis`, `graph.render`, ...) are stable enough to
read, but their names may change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["DataError", "ProjectionError", "build", "load_map", "sparql", "validate"]

if TYPE_CHECKING:
    from .pipeline import BuildResult, Checked
    from .query.sparql import QueryResult
    from .source.problems import Problem


def _data(data_dir: str | Path | None) -> Path:
    from .source.paths import shipped_data_dir

    return Path(data_dir) if data_dir is not None else shipped_data_dir()


def load_map(data_dir: str | Path | None = None, as_of: str | dt.date | None = None) -> Checked:
    """The data folder (default: the shipped data) loaded and checked, as it stood on `as_of` (a date,
    or YYYY-MM-DD, YYYY-MM, YYYY or "all"; default today); DataError with every problem when it is not
    valid."""
    from .pipeline import load_checked

    if isinstance(as_of, str):
        from .model.as_of import parse_date

        as_of = parse_date(as_of)
    return load_checked(_data(data_dir), as_of=as_of)


def sparql(stack: Checked, text: str, *, timeout: float = 30.0, limit: int = 10_000) -> QueryResult:
    """A read-only SPARQL query on a checked map (prefixes sm:, stack:, rdfs: ... predeclared); the
    analysis results are added first when the query reads them. QueryError when it is refused or fails."""
    import pyoxigraph as ox

    from .analysis.rdf import ANALYSIS_GRAPH, add_analysis, uses_analysis
    from .query.sparql import run_query

    store = stack.loaded.store
    if uses_analysis(text) and not store.contains_named_graph(ox.NamedNode(ANALYSIS_GRAPH)):
        add_analysis(store, stack.analysis)
    return run_query(store, text, timeout=timeout, limit=limit)


def build(data_dir: str | Path | None = None, out_dir: str | Path = "out") -> BuildResult:
    """Check and analyse the data folder and write the dataset, analysis.json, the HTML view and the
    report to out_dir, all or none."""
    from .pipeline import build as build_folder

    return build_folder(_data(data_dir), Path(out_dir))


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem of the data folder (an empty list when it is valid)."""
    from .check.validate import check as check_folder

    return check_folder(_data(data_dir))[1]


def __getattr__(name: str):
    if name == "DataError":
        from .source.problems import DataError

        return DataError
    if name == "ProjectionError":
        from .model.projection import ProjectionError

        return ProjectionError
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
