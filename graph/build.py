"""`build`: check the data, run the analyses, then write the dataset (with the analysis results in
their own named graph), `analysis.json` and the report to the output folder. On bad data nothing is
written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import export, forked
from .atomic import write_files
from .validate import Summary

if TYPE_CHECKING:
    from .analysis import Analysis
    from .loader import LoadedMap

DATASET_FILES = {"trig": "stackmap.trig", "nquads": "stackmap.nq"}
ANALYSIS_FILE = "analysis.json"
HTML_FILE = "stackmap.html"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def dataset_files(loaded: LoadedMap, analysis: Analysis, results: dict) -> dict[str, bytes]:
    """The dataset with the analysis graph added to the store (TriG, N-Quads) and `analysis.json`, by
    file name."""
    from .analysis import results_json
    from .analysis_graph import add_analysis

    add_analysis(loaded.store, analysis)
    datasets = export.serialize_many(loaded.store, DATASET_FILES)
    return {**{name: datasets[fmt] for fmt, name in DATASET_FILES.items()}, ANALYSIS_FILE: results_json(results)}


def view_files(loaded: LoadedMap, analysis: Analysis, results: dict) -> dict[str, bytes]:
    """The report (Markdown, HTML, SVG figures) and the interactive view (HTML), by file name."""
    from .html_view import read_texts, render_html
    from .report import render_report
    from .source_support import source_support

    files = render_report(analysis.projection, results, source_support(loaded.store))
    page = render_html(analysis.projection, results, analysis.chokepoints.cuts, read_texts(loaded.store))
    return {**files, HTML_FILE: page.encode("utf-8")}


def build(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate data_dir, analyse it, and write the dataset (TriG, N-Quads, with the analysis graph),
    the analysis results (JSON), the interactive view (HTML) and the report (Markdown, HTML, SVG
    figures) to out_dir; raises DataError or ProjectionError (writing nothing) when the data has problems."""
    from .analysis import to_dict
    from .pipeline import load_checked
    from .projection import LARGE_GRAPH

    def make(loaded: LoadedMap, analysis: Analysis) -> dict[str, bytes]:
        large = analysis.projection.graph.number_of_nodes() >= LARGE_GRAPH
        say = progress if large else None  # small maps render in well under a second: no progress lines
        results = to_dict(analysis)
        if say:
            say("rendering the report and the HTML view, and serialising the dataset")
        # Large maps: the views are rendered by a forked child (from the store as it is now, before
        # the analysis graph is added) while this process serialises the dataset.
        views = forked.start(lambda: view_files(loaded, analysis, results)) if large else None
        files = {} if views else view_files(loaded, analysis, results)
        files.update(dataset_files(loaded, analysis, results))
        if views:
            files.update(views.result())
        return files

    checked = load_checked(data_dir, progress, make)
    assert checked.made is not None
    files = {Path(out_dir) / name: data for name, data in checked.made.items()}
    write_files(files)
    return BuildResult(summary=checked.summary, written=sorted(files))
