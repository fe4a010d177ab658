"""Load, check and analyse a data folder: what `build` does before it renders and writes.

On large maps the check (ids, references, SHACL shapes) runs in a forked child process while the
parent projects and analyses the same in-memory store, so the two halves of the work use both cores.
The analyses of data that turns out to be invalid are thrown away: problems are always reported
first, and nothing built from bad data leaves this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import forked
from .analysis import Analysis, analyse
from .loader import LoadedMap, read_folder
from .problems import DataError, Problem
from .projection import project
from .validate import LARGE_MAP, NO_DATA_FILES, Summary, find_problems, summarise


@dataclass(frozen=True)
class Checked:
    """A valid data folder loaded into its store, with its summary and the analyses of its map."""

    loaded: LoadedMap
    summary: Summary
    analysis: Analysis
    seconds: dict[str, float] = field(default_factory=dict)  # load, check, analyse; "check+analyse" wall


def _check(loaded: LoadedMap, processes: int | None = None) -> tuple[list[Problem], Summary | None, float]:
    """The folder's problems, its summary when it has none, and the seconds the check took."""
    started = time.perf_counter()
    problems = find_problems(loaded, processes=processes)
    summary = None if problems else summarise(loaded)
    return problems, summary, time.perf_counter() - started


def load_checked(data_dir: Path, progress: Callable[[str], None] | None = None) -> Checked:
    """Load data_dir, check it and analyse it (the check beside the analyses on large maps); raise
    DataError with every problem when the data is not valid, and ProjectionError when valid data
    cannot be projected."""
    started = time.perf_counter()
    loaded = read_folder(Path(data_dir), progress)
    seconds = {"load": time.perf_counter() - started}
    if not loaded.files:
        raise DataError([NO_DATA_FILES])
    large = loaded.triples >= LARGE_MAP and not loaded.problems
    child = forked.start(lambda: _check(loaded, processes=1)) if large else None
    started = time.perf_counter()
    if child is None:
        if progress and large:
            progress(f"validating {loaded.triples:,} triples against the SHACL shapes")
        problems, summary, seconds["check"] = _check(loaded)
        if problems:
            raise DataError(problems)
    elif progress:
        progress(f"validating {loaded.triples:,} triples against the SHACL shapes, beside the analyses")
    try:
        analysed_from = time.perf_counter()
        analysis = analyse(project(loaded.store, progress), progress=progress)
        seconds["analyse"] = time.perf_counter() - analysed_from
    except Exception:
        if child is not None and (problems := child.result()[0]):
            raise DataError(problems) from None  # bad data explains the failure: report the data
        raise
    if child is not None:
        if progress:
            progress("waiting for the check")
        problems, summary, seconds["check"] = child.result()
        if problems:
            raise DataError(problems)
    seconds["check+analyse"] = time.perf_counter() - started
    assert summary is not None
    return Checked(loaded=loaded, summary=summary, analysis=analysis, seconds=seconds)
