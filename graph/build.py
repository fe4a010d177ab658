"""`build`: check the data, run the analyses, then write the dataset (with the analysis results in
their own named graph), `analysis.json` and the report to the output folder. On bad data nothing is
written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import export
from .atomic import write_files
from .validate import Summary

DATASET_FILES = {"trig": "stackmap.trig", "nquads": "stackmap.nq"}
ANALYSIS_FILE = "analysis.json"
HTML_FILE = "stackmap.html"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def build(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate data_dir, analyse it, and write the dataset (TriG, N-Quads, with the analysis graph),
    the analysis results (JSON), the interactive view (HTML) and the report (Markdown, HTML, SVG
    figures) to out_dir; raises DataError or ProjectionError (writing nothing) when the data has problems."""
    from .analysis import results_json, to_dict
    from .analysis_graph import add_analysis
    from .html_view import read_texts, render_html
    from .pipeline import load_checked
    from .projection import LARGE_GRAPH
    from .report import render_report
    from .source_support import source_support

    checked = load_checked(data_dir, progress)
    loaded, analysis = checked.loaded, checked.analysis
    if progress and analysis.projection.graph.number_of_nodes() < LARGE_GRAPH:
        progress = None  # small maps render in well under a second: no progress lines
    results = to_dict(analysis)
    out = Path(out_dir)
    if progress:
        progress("rendering the report and the HTML view")
    files = {
        out / name: data
        for name, data in render_report(analysis.projection, results, source_support(loaded.store)).items()
    }
    page = render_html(analysis.projection, results, analysis.chokepoints.cuts, read_texts(loaded.store))
    files[out / HTML_FILE] = page.encode("utf-8")
    files[out / ANALYSIS_FILE] = results_json(results)
    add_analysis(loaded.store, analysis)
    if progress:
        progress("serialising the dataset")
    datasets = export.serialize_many(loaded.store, DATASET_FILES)
    files.update({out / name: datasets[fmt] for fmt, name in DATASET_FILES.items()})
    write_files(files)
    return BuildResult(summary=checked.summary, written=sorted(files))
