"""`build`: check the data, run the analyses, then write the dataset (with the analysis results in
their own named graph), `analysis.json` and the report to the output folder. On bad data nothing is
written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..runtime import atomic, forked
from ..render import export
from ..source import vocab
from ..analysis.rdf import ANALYSIS_GRAPH
from ..check.validate import Summary

if TYPE_CHECKING:
    from ..analysis.results import Analysis
    from ..source.loader import LoadedMap
    from .pipeline import Checked

DATASET_FILES = {"trig": "stackmap.trig", "nquads": "stackmap.nq"}
ANALYSIS_FILE = "analysis.json"
HTML_FILE = "stackmap.html"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def write_data_graphs(loaded: LoadedMap, folder: Path) -> dict[str, Path]:
    """Serialise the store's graphs as loaded (the data files', before the analysis graph is added)
    into folder: per dataset format the file holding them, TriG without its prefix lines. The N-Quads
    go to disk graph by graph and the TriG is made from that file, so little is held in memory."""
    paths = {fmt: folder / f"data.{export.EXTENSIONS[fmt]}" for fmt in DATASET_FILES}
    with open(paths["nquads"], "wb") as out:
        export.write_nquads(loaded.store, out)
    paths["trig"].write_bytes(export.trig_body(export.trig_from_nquads(paths["nquads"])))
    return paths


def analysis_files(analysis: Analysis, results: dict) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """`analysis.json` by file name, and the analysis graph alone in each dataset format."""
    import pyoxigraph as ox

    from ..analysis.results import results_json
    from ..analysis.rdf import add_analysis

    store = ox.Store()
    add_analysis(store, analysis)
    return {ANALYSIS_FILE: results_json(results)}, export.serialize_many(store, DATASET_FILES)


def dataset_parts(analysis: dict[str, bytes], data: dict[str, Path]) -> dict[str, list[atomic.Part]]:
    """The dataset files by name, as parts: the analysis graph (its name sorts before those of the
    data files' graphs) and then the data graphs, which read as one serialisation of the dataset."""
    assert f"<{ANALYSIS_GRAPH}>" < f"<{vocab.FILE}"  # graphs are serialised in the order of their names
    return {name: [analysis[fmt], data[fmt]] for fmt, name in DATASET_FILES.items()}


def view_files(loaded: LoadedMap, analysis: Analysis, results: dict) -> dict[str, bytes]:
    """The report (Markdown, HTML, SVG figures) and the interactive view (HTML), by file name."""
    from ..render.html import read_texts, render_html
    from ..render.report import render_report
    from ..render.source_support import source_support

    files = render_report(analysis.projection, results, source_support(loaded.store))
    page = render_html(analysis.projection, results, analysis.chokepoints.cuts, read_texts(loaded.store))
    return {**files, HTML_FILE: page.encode("utf-8")}


def build(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate data_dir, analyse it, and write the dataset (TriG, N-Quads, with the analysis graph),
    the analysis results (JSON), the interactive view (HTML) and the report (Markdown, HTML, SVG
    figures) to out_dir; raises DataError or ProjectionError (writing nothing) when the data has problems."""
    return build_checked(data_dir, out_dir, progress)[0]


def build_checked(
    data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None, views: bool = True
) -> tuple[BuildResult, Checked]:
    """`build`, also returning the loaded map and its analyses; without `views` the report and the
    HTML view are left out (the benchmark times them on their own)."""
    from ..analysis.results import to_dict
    from .pipeline import load_checked
    from ..model.projection import LARGE_GRAPH

    def make(loaded: LoadedMap, analysis: Analysis) -> tuple[dict[str, bytes], dict[str, bytes]]:
        large = analysis.projection.graph.number_of_nodes() >= LARGE_GRAPH
        say = progress if large else None  # small maps render in well under a second: no progress lines
        results = to_dict(analysis)
        if say:
            say("rendering the report and the HTML view, and serialising the analyses")
        # Large maps: the views are rendered by a forked child while this process serialises the
        # analyses (the data graphs are serialised by the checker: see load_checked).
        child = forked.start(lambda: view_files(loaded, analysis, results)) if views and large else None
        files = view_files(loaded, analysis, results) if views and not child else {}
        json_file, serialised = analysis_files(analysis, results)
        files.update(json_file)
        if child:
            files.update(child.result())
        return files, serialised

    with atomic.scratch_dir(Path(out_dir)) as scratch:
        checked = load_checked(data_dir, progress, make, lambda loaded: write_data_graphs(loaded, scratch))
        assert checked.made is not None and checked.after_check is not None
        made, analysis_part = checked.made
        parts: dict[str, atomic.Content] = {**made, **dataset_parts(analysis_part, checked.after_check)}
        atomic.update_folder(Path(out_dir), dict(sorted(parts.items())))
    written = sorted(Path(out_dir) / name for name in parts)
    return BuildResult(summary=checked.summary, written=written), checked
