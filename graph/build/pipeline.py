"""Load, check and analyse a data folder, then make something of the results: the frame of `build`.

On large maps the check (ids, references, SHACL shapes) runs in a forked child process while the
parent projects and analyses the same in-memory store and goes on to make the outputs from them, so
the work uses both cores. Work that needs only the checked data (`after_check`, such as serialising
the data graphs) runs in the checker once the data proved valid: in the child on large maps, so it
fills the time the child would otherwise wait for the analyses. Whatever was made from data that
turns out to be invalid is thrown away: problems are always reported first, and nothing built from
bad data leaves this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from ..runtime import forked
from ..analysis.results import Analysis, analyse
from ..runtime.gc_pause import gc_paused
from ..source.loader import LoadedMap, read_folder
from ..source.problems import DataError, Problem
from ..model.projection import project
from ..check.validate import LARGE_MAP, NO_DATA_FILES, Summary, find_problems, summarise

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Checked(Generic[T, U]):
    """A valid data folder loaded into its store, with its summary, the analyses of its map, what
    was made from them and what was made from the checked data alone (`after_check`)."""

    loaded: LoadedMap
    summary: Summary
    analysis: Analysis
    made: T | None = None
    after_check: U | None = None
    # Seconds of each step: load, check, analyse, make, after check; "after load" is the wall time from
    # the end of the load to the end of all of them (less than their sum when the check ran beside).
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Outcome(Generic[U]):
    """What the checker found, and made when the data was valid."""

    problems: list[Problem]
    made: U | None
    seconds: dict[str, float]


def _check(
    loaded: LoadedMap, processes: int | None = None, after: Callable[[LoadedMap], U] | None = None
) -> _Outcome[U]:
    """The folder's problems and, when it has none, `after(loaded)`; the seconds of each."""
    started = time.perf_counter()
    problems = find_problems(loaded, processes=processes)
    seconds = {"check": time.perf_counter() - started}
    made = None
    if after is not None and not problems:
        started = time.perf_counter()
        made = after(loaded)
        seconds["after check"] = time.perf_counter() - started
    return _Outcome(problems, made, seconds)


@gc_paused()  # millions of long-lived objects: the collector's scans would find nothing to free
def load_checked(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    make: Callable[[LoadedMap, Analysis], T] | None = None,
    after_check: Callable[[LoadedMap], U] | None = None,
) -> Checked[T, U]:
    """Load data_dir, check it, analyse it and call `make(loaded, analysis)`; `after_check(loaded)`
    runs once the check found no problem, before the analyses see the store (on large maps the check
    and `after_check` run in a child beside the analyses and `make`: neither may change the store).
    Raise DataError with every problem when the data is not valid, and ProjectionError when valid
    data cannot be projected."""
    started = time.perf_counter()
    loaded = read_folder(Path(data_dir), progress)
    seconds = {"load": time.perf_counter() - started}
    if not loaded.files:
        raise DataError([NO_DATA_FILES])
    started = time.perf_counter()
    large = loaded.triples >= LARGE_MAP and not loaded.problems
    child = forked.start(lambda: _check(loaded, processes=1, after=after_check)) if large else None
    if child is None:
        if progress and large:
            progress(f"validating {loaded.triples:,} triples against the SHACL shapes")
        outcome = _check(loaded, after=after_check)
        if outcome.problems:
            raise DataError(outcome.problems)
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
        summary = summarise(loaded)  # here: the child has the longer way (the shapes, then `after_check`)
    except Exception:
        if child is not None and (problems := child.result().problems):
            raise DataError(problems) from None  # bad data explains the failure: report the data
        raise
    if child is not None:
        if progress:
            progress("waiting for the checking process to finish")
        outcome = child.result()
        if outcome.problems:
            raise DataError(outcome.problems)
    seconds.update(outcome.seconds)
    seconds["after load"] = time.perf_counter() - started
    return Checked(
        loaded=loaded,
        summary=summary,
        analysis=analysis,
        made=made,
        after_check=outcome.made,
        seconds=seconds,
    )
