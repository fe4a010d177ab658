"""The build output folder as `serve` and `push` use it: what `stackmap build` wrote, built first
when a file of it is missing or older than a data or ontology file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .build import ANALYSIS_FILE, DATASET_FILES, HTML_FILE
from ..source.paths import ontology_dir

DATASET = DATASET_FILES["nquads"]
OUTPUTS = (*DATASET_FILES.values(), ANALYSIS_FILE, HTML_FILE, "report.md", "report.html")  # any missing: build


def _newest(folder: Path) -> float:
    """The latest modification time of folder and everything in it (a deleted file changes its folder's)."""
    return max((p.stat().st_mtime for p in [folder, *folder.rglob("*")]), default=0.0)


def is_stale(data_dir: Path, out_dir: Path) -> bool:
    """Whether out_dir lacks one of the build's OUTPUTS or holds one older than a data or ontology file."""
    outputs = [Path(out_dir) / name for name in OUTPUTS]
    if not all(p.is_file() for p in outputs):
        return True
    return min(p.stat().st_mtime for p in outputs) < max(_newest(Path(data_dir)), _newest(ontology_dir()))


def ensure_built(data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None) -> Path:
    """The path of the built dataset (N-Quads) in out_dir, building it first when stale; raises
    DataError or ProjectionError (writing nothing) when the data has problems."""
    if is_stale(data_dir, out_dir):
        from .build import build

        if progress:
            progress(f"building {out_dir}: the dataset is missing or older than the data")
        build(data_dir, out_dir, progress)
    return Path(out_dir) / DATASET


def read_dataset(path: Path) -> ox.Store:
    """The N-Quads dataset at path, in an in-memory store."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store
