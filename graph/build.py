"""`build`: check the data, run the analyses, then write the dataset (with the analysis results in
their own named graph) and `analysis.json` to the output folder. On bad data nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import export
from .atomic import write_files
from .validate import Summary, load_valid, summarise

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
    the analysis results (JSON) and the interactive view (HTML) to out_dir; raises DataError or ProjectionError (writing
    nothing) when the data has problems."""
    from .analysis import analyse, to_dict, to_json
    from .analysis_graph import analysis_quads
    from .html_view import read_texts, render_html
    from .projection import project

    loaded = load_valid(data_dir, progress)
    analysis = analyse(project(loaded.store, progress), progress=progress)
    loaded.store.bulk_extend(analysis_quads(analysis))
    files = {Path(out_dir) / name: export.serialize(loaded.store, fmt) for fmt, name in DATASET_FILES.items()}
    files[Path(out_dir) / ANALYSIS_FILE] = to_json(analysis)
    page = render_html(analysis.projection, to_dict(analysis), analysis.chokepoints.cuts, read_texts(loaded.store))
    files[Path(out_dir) / HTML_FILE] = page.encode("utf-8")
    write_files(files)
    return BuildResult(summary=summarise(loaded), written=sorted(files))
