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


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def build(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate data_dir, analyse it, and write the dataset (TriG, N-Quads, with the analysis graph)
    and the analysis results (JSON) to out_dir; raises DataError or ProjectionError (writing
    nothing) when the data has problems."""
    from .analysis import analyse, to_json
    from .analysis_graph import analysis_quads
    from .projection import project

    loaded = load_valid(data_dir, progress)
    analysis = analyse(project(loaded.store, progress), progress=progress)
    loaded.store.bulk_extend(analysis_quads(analysis))
    datasets = export.serialize_many(loaded.store, DATASET_FILES)
    files = {Path(out_dir) / name: datasets[fmt] for fmt, name in DATASET_FILES.items()}
    files[Path(out_dir) / ANALYSIS_FILE] = to_json(analysis)
    write_files(files)
    return BuildResult(summary=summarise(loaded), written=sorted(files))
