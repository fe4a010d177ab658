"""`build`: check the data, then write the merged dataset (and later the analyses and views) to the
output folder. On bad data nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import export
from .atomic import write_files
from .validate import Summary, load_valid, summarise

DATASET_FILES = {"trig": "stackmap.trig", "nquads": "stackmap.nq"}


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def build(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate data_dir and write the dataset to out_dir as TriG and N-Quads; raises DataError
    (writing nothing) when the data has problems."""
    loaded = load_valid(data_dir, progress)
    files = {Path(out_dir) / name: export.serialize(loaded.store, fmt) for fmt, name in DATASET_FILES.items()}
    write_files(files)
    return BuildResult(summary=summarise(loaded), written=sorted(files))
