"""Load, check and analyse a data folder, then make something of the results: the frame of `build`.

On large maps the check (ids, references, SHACL shapes) runs in a forked child process while the
parent projects and analyses the same in-memory store and goes on to make the outputs from them, so
the work uses both cores. Whatever was made from data that turns out to be invalid is thrown away:
problems are always reported first, and nothing built from bad data leaves this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from . import forked
from .analysis import Analysis, analyse
from .gc_pause import gc_paused
from .loader import LoadedMap, read_folder
from .problems import DataError, Problem
from .projection import project
from .validate import LARGE_MAP, NO_DATA_FILES, Summary, find_problems, summarise

T = TypeVar("T")


@dataclass(frozen=True)
class Checked(Generic[T]):
    """A valid data folder loaded into its store, with its summary, the analyses of its map and
    what was made from them."""

    loaded: LoadedMap
    summary: Summary
    analysis: Analysis
    made: T | None = None
    # Seconds of each step: load, check, analyse, make; "after load" is the wall time from the end of
    # the load to the end of all three (less than their sum when the check ran beside the others).
    seconds: dict[str, float] = field(default_factory=dict)


def _check(loaded: LoadedMap, processes: int | None = None) -> tuple[list[Problem], Summary | None, float]:
    """The folder's problems, its summary when it has none, and the seconds the check took."""
    started = time.perf_counter()
    problems = find_problems(loaded, processes=processes)
    summary = None if problems else summarise(loaded)
    return problems, summary, time.perf_counter() - started


@gc_paused()  # millions of long-lived objects: the collector's scans would find nothing to free
def load_checked(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    make: Callable[[LoadedMap, Analysis], T] | None = None,
) -> Checked[T]:
    """Load data_dir, check it, analyse it and call `make(loaded, analysis)` (on large maps, the
    check runs beside the other two); raise DataError with every problem when the data is not
    valid, and ProjectionError when valid data cannot be projected."""
    started = time.perf_counter()
    loaded = read_folder(Path(data_dir), progress)
    seconds = {"load": time.perf_counter() - started}
    if not loaded.files:
        raise DataError([NO_DATA_FILES])
    started = time.perf_counter()
    large = loaded.triples >= LARGE_MAP and not loaded.problems
    child = forked.start(lambda: _check(loaded, processes=1)) if large else None
    if child is None:
        if progress and large:
            progress(f"validating {loaded.triples:,} triples against the SHACL shapes")
        problems, summary, seconds["check"] = _check(loaded)
        if problems:
            raise DataError(problems)
    elif progress:
        progress(f"validating {loaded.triples:,} triples against the SHACL shapes, beside the analyses")
    made = None
    try:
        step = time.perf_counter()
        analysis = analyse(project(loaded.store, progress), progress=progress)
        seconds["analyse"] = time.perf_counter() - step
        if make is not None:
            step = time.perf_counter()
            made = make(loaded, analysis)
            seconds["make"] = time.perf_counter() - step
    except Exception:
        if child is not None and (problems := child.result()[0]):
            raise DataError(problems) from None  # bad data explains the failure: report the data
        raise
    if child is not None:
        if progress:
            progress("waiting for the check to finish")
        problems, summary, seconds["check"] = child.result()
        if problems:
            raise DataError(problems)
    seconds["after load"] = time.perf_counter() - started
    assert summary is not None
    return Checked(loaded=loaded, summary=summary, analysis=analysis, made=made, seconds=seconds)
