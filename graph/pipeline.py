"""The pipeline: one route from a data folder to everything made of it.

`load_checked` loads a data folder into its store and checks it; the projection and the analyses of
the checked map are computed when first asked for (`Checked.projection`, `Checked.analysis`). Every
command, the build and the Python API go this way. `build` writes what `stackmap build` writes: the
dataset (with the analysis results in their own named graph), `analysis.json`, the HTML view and the
report; on bad data nothing is written. `ensure_built` finds the built dataset for `serve` and
`push`, building it when it is missing or older than the data.

When a build makes its outputs, the check (ids, references, SHACL shapes) runs in a thread while
this one restricts the map to its day, projects and analyses it: the check's queries are opened on
the map as loaded before anything is removed, and Oxigraph lets a query read the store as it was when
the query was opened (and evaluates it without holding Python's lock), so the work uses both cores on
one store. Whatever was made from data that turns out to be invalid is thrown away (`build` writes
into a scratch folder that only a valid map puts in place): problems are always reported first.

Imports: `check`, `model`, `analysis`, `render`, `source`, `runtime`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import pyoxigraph as ox

from .analysis.rdf import ANALYSIS_GRAPH
from .check.validate import LARGE_MAP, NO_DATA_FILES, Beside, Summary, find_problems, summarise
from .model.as_of import Day, day_text
from .render import export
from .runtime import atomic
from .runtime.gc_pause import gc_paused
from .source import vocab
from .source.loader import LoadedMap, read_folder
from .source.paths import ontology_dir
from .source.problems import DataError, Problem

if TYPE_CHECKING:
    from .analysis.results import Analysis
    from .model.projection import Projection

T = TypeVar("T")

DATASET_FILES = {"trig": "stackmap.trig", "nquads": "stackmap.nq"}
ANALYSIS_FILE = "analysis.json"
HTML_FILE = "stackmap.html"
DATASET = DATASET_FILES["nquads"]
OUTPUTS = (*DATASET_FILES.values(), ANALYSIS_FILE, HTML_FILE, "report.md", "report.html")  # any missing: build
TIMELINE_TRIPLES = 60_000  # maps up to this size get the timeline of the view and the report


@dataclass(frozen=True)
class Checked(Generic[T]):
    """A valid data folder loaded into its store, with its summary, what was made of its analyses
    (`make`), and the seconds of each step; the projection and the analyses are computed when first
    read."""

    loaded: LoadedMap
    summary: Summary
    made: T | None = None
    # Seconds of each step: load, check, analyse, make; "after load" is the wall time from the end of
    # the load to the end of all of them (less than their sum when the check ran beside).
    seconds: dict[str, float] = field(default_factory=dict)
    analysed: Analysis | None = field(default=None, repr=False)  # when `make` needed them already
    as_of: Day | None = None  # the day the map stands on
    progress: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def projection(self) -> Projection:
        """The map projected onto the graph of offerings; ProjectionError when it cannot be."""
        from .model.projection import project

        return self.analysed.projection if self.analysed else project(self.loaded.store, self.progress)

    @cached_property
    def analysis(self) -> Analysis:
        """Every analysis of the map."""
        from .analysis.results import analyse

        return self.analysed or analyse(self.projection, progress=self.progress)


@dataclass(frozen=True)
class _Outcome:
    """What the checker found, and its seconds."""

    problems: list[Problem]
    seconds: dict[str, float]


def _check(loaded: LoadedMap, beside: Beside | None = None) -> _Outcome:
    """The folder's problems, and the seconds the check took; `beside` as `find_problems` takes it,
    its `opened` set also when the check fails (the error is then raised by its result). On large
    maps the shapes' queries are opened and read in two threads: while they are opened the analyses
    wait, so the second core shortens the wait. When it finds no problem, the files' facts it read are
    released (`FileFacts.release`), while the analyses go on beside it."""
    started = time.perf_counter()
    try:
        problems = find_problems(loaded, beside=beside)
    finally:
        if beside:
            beside.opened.set()
    if not problems:
        for facts in loaded.files:
            facts.release()
    return _Outcome(problems, {"check": time.perf_counter() - started})


@gc_paused()  # millions of long-lived objects: the collector's scans would find nothing to free
def load_checked(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    make: Callable[[LoadedMap, Analysis], T] | None = None,
    shapes: bool = True,
    as_of: Day | None = None,
) -> Checked[T]:
    """Load data_dir and check it; with `make`, analyse it and call `make(loaded, analysis)` (which
    may not change the store). The check runs in a thread beside the restriction, the analyses and
    `make`, reading the map as loaded, and a problem it finds discards what they made; once it has
    found none, it releases what it read of the files (their references and lines: `make` and the
    map returned have the store, and each file's path, graph and declared ids). Without
    `shapes` the SHACL shapes are skipped (a quick check for queries that do not read the analyses).
    Once checked, the map is restricted to the facts that hold on `as_of` (default: today; `all`
    keeps every fact with its dates; see `model.as_of`). Raise DataError with every problem when the
    data is not valid, and ProjectionError when valid data cannot be projected."""
    on = as_of or dt.date.today()
    started = time.perf_counter()
    loaded = read_folder(Path(data_dir), progress)
    seconds = {"load": time.perf_counter() - started}
    if not loaded.files:
        raise DataError([NO_DATA_FILES])
    if make is None:  # nothing to make: the analyses wait until they are asked for
        problems = find_problems(loaded, shapes, progress=progress)
        if problems:
            raise DataError(problems)
        seconds["check"] = time.perf_counter() - started - seconds["load"]
        _restrict(loaded, on)
        return Checked(loaded=loaded, summary=summarise(loaded), seconds=seconds, progress=progress, as_of=on)
    if loaded.problems:  # files that could not be read: nothing is analysed
        raise DataError(find_problems(loaded, progress=progress))
    started = time.perf_counter()
    if progress and loaded.triples >= LARGE_MAP:
        progress(f"validating {loaded.triples:,} triples against the SHACL shapes, beside the analyses")
    beside = Beside()
    with ThreadPoolExecutor(max_workers=1) as checker:
        checking = checker.submit(_check, loaded, beside)
        try:
            beside.opened.wait()  # the check's queries are opened on the map as loaded
            _restrict(loaded, on)  # the check goes on reading the whole map, as it was when opened
            step = time.perf_counter()
            from .analysis.results import analyse
            from .model.projection import project

            analysis = analyse(project(loaded.store, progress), progress=progress)
            seconds["analyse"] = time.perf_counter() - step
            step = time.perf_counter()
            made = make(loaded, analysis)
            seconds["make"] = time.perf_counter() - step
            summary = summarise(loaded)
        except Exception:
            if problems := checking.result().problems:
                raise DataError(problems) from None  # bad data explains the failure: report the data
            raise
        except BaseException:  # interrupted: the check stops before its next query, not at its end
            beside.stop.set()
            raise
        if progress and not checking.done():
            progress("waiting for the check to finish")
        outcome = checking.result()
    if outcome.problems:
        raise DataError(outcome.problems)
    seconds.update(outcome.seconds)
    seconds["after load"] = time.perf_counter() - started
    return Checked(loaded=loaded, summary=summary, made=made, seconds=seconds, analysed=analysis, as_of=on)


def _restrict(loaded: LoadedMap, on: Day) -> None:
    """Restrict a checked map to the facts that hold on a day (once per process)."""
    from .model.as_of import ALL, restrict

    if on == ALL or getattr(loaded, "as_of", None) == on:
        return
    if loaded.triples <= TIMELINE_TRIPLES:  # small maps keep every fact, for the stops of the timeline
        loaded.unrestricted = ox.Store()
        loaded.unrestricted.bulk_extend(loaded.store)
    restriction = restrict(loaded.store, on)
    loaded.triples -= restriction.quads
    loaded.as_of = on


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the summary of the data it was built from."""

    summary: Summary
    written: list[Path]


def write_dataset(loaded: LoadedMap, analysis_graph: list[export.GraphLines], folder: Path) -> dict[str, Path]:
    """Write the dataset files into folder, by file name: the analysis graph (its name sorts before
    those of the data files' graphs) and then the store's graphs, graph by graph, as N-Quads and, in
    the same pass, as TriG (made by a converter process from the same sorted lines), so little is
    held in memory."""
    assert f"<{ANALYSIS_GRAPH}>" < f"<{vocab.FILE}"  # graphs are serialised in the order of their names
    paths = {name: folder / name for name in DATASET_FILES.values()}
    graphs = itertools.chain(analysis_graph, export.graph_lines(loaded.store))
    export.write_nquads_and_trig(graphs, paths[DATASET_FILES["nquads"]], paths[DATASET_FILES["trig"]])
    return paths


def analysis_files(analysis: Analysis, results: dict) -> tuple[dict[str, bytes], list[export.GraphLines]]:
    """`analysis.json` by file name, and the analysis graph alone as sorted lines, as
    `export.graph_lines` gives a graph (`analysis_lines`: no store of them is made)."""
    from .analysis.rdf import analysis_lines
    from .analysis.results import results_json

    json_file = {ANALYSIS_FILE: results_json(results)}  # first: its text's pieces are gone before the lines
    lines = analysis_lines(analysis)
    return json_file, [(ox.NamedNode(ANALYSIS_GRAPH), lines)] if lines else []


def view_files(loaded: LoadedMap, analysis: Analysis, results: dict) -> dict[str, bytes]:
    """The report (Markdown, HTML, SVG figures) and the interactive view (HTML), by file name."""
    from .render.html import read_texts, render_html
    from .render.report import render_report
    from .render.source_support import source_support

    files = render_report(analysis.projection, results, source_support(loaded.store))
    page = render_html(analysis.projection, results, analysis.chokepoints.cuts, read_texts(loaded.store))
    return {**files, HTML_FILE: page.encode("utf-8")}


def build(
    data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None, as_of: Day | None = None
) -> BuildResult:
    """Validate data_dir, analyse the map as of a day (default today), and write the dataset (TriG,
    N-Quads, with the analysis graph), the analysis results (JSON), the interactive view (HTML) and
    the report (Markdown, HTML, SVG figures) to out_dir; raises DataError or ProjectionError (writing
    nothing) when the data has problems."""
    return build_checked(data_dir, out_dir, progress, as_of=as_of)[0]


def build_checked(
    data_dir: Path,
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
    views: bool = True,
    as_of: Day | None = None,
) -> tuple[BuildResult, Checked]:
    """`build`, also returning the loaded map and its analyses; without `views` the report and the
    HTML view are left out (the benchmark times them on their own). `analysis.json` records the day
    when one was given (a build of today's map names no date, so it stays the same from day to day)."""
    from .model.projection import LARGE_GRAPH

    def make(loaded: LoadedMap, analysis: Analysis, scratch: Path) -> dict[str, atomic.Content]:
        large = analysis.projection.graph.number_of_nodes() >= LARGE_GRAPH
        say = progress if large else None  # small maps render in well under a second: no progress lines
        results = results_of(loaded, analysis, as_of)
        if say:
            say("serialising the analyses and the data, and rendering the report and the HTML view")
        json_file, analysis_graph = analysis_files(analysis, results)
        files: dict[str, atomic.Content] = dict(json_file)
        files.update(write_dataset(loaded, analysis_graph, scratch))  # moved into place, not copied
        del analysis_graph  # written: the views are made without it (the build's peak is lower)
        if views:
            files.update(view_files(loaded, analysis, results))
        return files

    with atomic.scratch_dir(Path(out_dir)) as scratch:
        checked = load_checked(data_dir, progress, partial(make, scratch=scratch), as_of=as_of)
        assert checked.made is not None
        parts = checked.made
        atomic.update_folder(Path(out_dir), dict(sorted(parts.items())))
    written = sorted(Path(out_dir) / name for name in parts)
    return BuildResult(summary=checked.summary, written=written), checked


def results_of(loaded: LoadedMap, analysis: Analysis, as_of: Day | None = None) -> dict:
    """What `analysis.json` holds: the analyses' results, the day when one was given (a map of today
    names no date, so it stays the same from day to day) and, on small maps, the timeline."""
    from .analysis.results import to_dict

    results = {"as_of": day_text(as_of), **to_dict(analysis)} if as_of else to_dict(analysis)
    if stops := timeline(loaded, analysis):
        results["timeline"] = stops
    return results


def report_files(checked: Checked, as_of: Day | None = None) -> dict[str, bytes]:
    """The report of a checked map (Markdown, HTML, SVG figures) by file name, as `build` writes it."""
    from .render.report import render_report
    from .render.source_support import source_support

    results = results_of(checked.loaded, checked.analysis, as_of)
    return render_report(checked.analysis.projection, results, source_support(checked.loaded.store))


def timeline(loaded: LoadedMap, analysis: Analysis) -> list[dict]:
    """The stops of the map over time (`analysis.timeline`): the map restricted to each stop's day
    and analysed, the map's own day being `analysis`; none for large maps, undated maps or a map of
    every fact."""
    from .analysis.results import analyse
    from .analysis.timeline import stop_dates, stop_record
    from .model.as_of import restrict
    from .model.projection import project

    full, today = getattr(loaded, "unrestricted", None), loaded.as_of
    if full is None or not isinstance(today, dt.date):
        return []
    rows = full.query(
        "SELECT (MIN(SUBSTR(STR(?d), 1, 4)) AS ?y) WHERE { ?s schema:startDate ?d }",
        prefixes=vocab.PREFIXES,
        use_default_graph_as_union=True,
    )
    first = next(iter(rows))[0]
    if first is None:  # no fact has a date: the map is the same on every day
        return []
    records = []
    for day, label in stop_dates([int(first.value)], today):
        if day == today:
            records.append(stop_record(day, label, analysis))
            continue
        store = ox.Store()
        store.bulk_extend(full)
        restrict(store, day)
        records.append(stop_record(day, label, analyse(project(store))))
    return records


def diff_maps(data_dir: Path, since: dt.date, until: dt.date, progress: Callable[[str], None] | None = None):
    """What changed in the map of data_dir from one day to another (`analysis.diff`): the analyses of
    two maps, each as `load_checked(..., as_of=day)` makes it."""
    from .analysis.diff import diff

    before = load_checked(data_dir, progress, as_of=since)
    after = load_checked(data_dir, progress, as_of=until)
    return diff(before.analysis, after.analysis)


def _newest(folder: Path) -> float:
    """The latest modification time of folder and everything in it (a deleted file changes its folder's)."""
    return max((p.stat().st_mtime for p in [folder, *folder.rglob("*")]), default=0.0)


def built_as_of(out_dir: Path) -> str | None:
    """The day a build in out_dir was made for (`analysis.json`'s `as_of`), or None (today's map)."""
    import json

    try:
        return json.loads((Path(out_dir) / ANALYSIS_FILE).read_bytes()).get("as_of")
    except (OSError, ValueError, AttributeError):
        return None


def is_stale(data_dir: Path, out_dir: Path, as_of: Day | None = None) -> bool:
    """Whether out_dir lacks one of the build's OUTPUTS, holds one older than a data or ontology
    file, or was built for another day than `as_of` (None: today's map)."""
    outputs = [Path(out_dir) / name for name in OUTPUTS]
    if not all(p.is_file() for p in outputs):
        return True
    if built_as_of(out_dir) != day_text(as_of):
        return True
    return min(p.stat().st_mtime for p in outputs) < max(_newest(Path(data_dir)), _newest(ontology_dir()))


def ensure_built(
    data_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None, as_of: Day | None = None
) -> Path:
    """The path of the built dataset (N-Quads) in out_dir, building it first when stale; raises
    DataError or ProjectionError (writing nothing) when the data has problems."""
    if is_stale(data_dir, out_dir, as_of):
        if progress:
            progress(f"building {out_dir}: the dataset is missing, older than the data or of another day")
        build(data_dir, out_dir, progress, as_of)
    return Path(out_dir) / DATASET


def read_dataset(path: Path) -> ox.Store:
    """The N-Quads dataset at path, in an in-memory store."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store
