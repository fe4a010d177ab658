"""load_checked: the check beside the analyses gives what checking first gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import BAD_DATA, bad_case_folder
from graph import pipeline
from graph.analysis.results import to_dict
from graph.check import validate
from graph.model.as_of import ALL
from graph.query.find import find
from graph.source.paths import shipped_data_dir
from graph.source.problems import DataError


def test_valid_data_gives_the_analyses_and_summary_of_checking_first(shipped, shipped_analysis) -> None:
    # `shipped` holds every fact with its dates (`all`); today's map lacks the facts that have ended
    checked = pipeline.load_checked(
        shipped_data_dir(), make=lambda loaded, analysis: (os.getpid(), to_dict(analysis)), as_of=ALL
    )
    assert to_dict(checked.analysis) == to_dict(shipped_analysis)
    assert checked.made == (os.getpid(), to_dict(shipped_analysis))  # made here, from the same analyses
    assert checked.summary == validate.summarise(shipped)
    assert set(checked.seconds) == {"load", "check", "analyse", "make", "after load"}


def test_a_valid_map_made_into_outputs_keeps_no_facts_of_the_check(shipped) -> None:
    """Once the check beside `make` finds no problem, the files' references and lines are released;
    their paths, graphs and declared ids stay (`find` reads them), and so does the summary. Without
    `make` everything stays."""
    checked = pipeline.load_checked(shipped_data_dir(), make=lambda *_: None, as_of=ALL)
    files = checked.loaded.files
    assert [(f.relpath, f.graph, f.declared) for f in files] == [
        (f.relpath, f.graph, f.declared) for f in shipped.files
    ]
    assert all(not (f.references or f.lines or f.labels or f.names) for f in files)
    assert checked.summary == validate.summarise(shipped)
    assert sum(len(f.lines) for f in shipped.files) > 1000  # `shipped`: loaded and checked, no `make`
    assert [f.id for f in find(checked.loaded, "H100")] == [f.id for f in find(shipped, "H100")]


def test_what_was_made_from_bad_data_never_leaves(tmp_path: Path) -> None:
    """Even when the analyses and `make` succeed on invalid data, the problems are raised."""
    made = []
    with pytest.raises(DataError) as error:
        pipeline.load_checked(bad_case_folder("unknown-source", tmp_path / "bad"), make=lambda *_: made.append(1))
    assert error.value.problems


@pytest.mark.parametrize(
    "case", ["dependency-cycle", "unknown-reference", "shares-over-one", "turtle-shacl", "yaml-syntax"]
)
def test_bad_data_raises_every_problem(case: str, tmp_path: Path) -> None:
    """The problems are exactly those `stackmap check` reports, even when the analyses fail on them."""
    expected = (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    with pytest.raises(DataError) as error:
        pipeline.load_checked(bad_case_folder(case, tmp_path / case))
    assert [p.format() for p in error.value.problems] == expected


def test_make_runs_here_on_the_store_as_loaded(shipped) -> None:
    """`make` runs in this process on large maps too, on the store as loaded (restricted to its day:
    with `all`, every quad); the analyses add nothing to it."""
    checked = pipeline.load_checked(
        shipped_data_dir(), make=lambda loaded, analysis: (os.getpid(), len(loaded.store)), as_of=ALL
    )
    assert checked.made == (os.getpid(), len(shipped.store))


def test_the_check_runs_in_another_thread_beside_the_analyses(monkeypatch, shipped) -> None:
    import threading

    checked_in: list[str] = []
    real = pipeline._check

    def spy(loaded, beside=None):
        checked_in.append(threading.current_thread().name)
        return real(loaded, beside)

    monkeypatch.setattr(pipeline, "_check", spy)
    pipeline.load_checked(shipped_data_dir(), make=lambda *_: None, as_of=ALL)
    assert len(checked_in) == 1 and checked_in[0] != threading.current_thread().name


def test_an_interrupted_build_stops_its_check(monkeypatch) -> None:
    """Ctrl-C during the analyses stops the check before its next query instead of waiting for its end."""
    from graph.analysis import results
    from graph.check import shacl_compiler

    real_read = shacl_compiler._read

    def read(checks, opened, progress=None, beside=None):
        assert beside is not None and beside.stop.wait(60)  # reads only once the build is interrupted
        return real_read(checks, opened, progress, beside)

    def interrupted(*_, **__):
        raise KeyboardInterrupt

    ended: list[str] = []
    real_check = pipeline._check

    def check(loaded, beside=None):
        try:
            return real_check(loaded, beside)
        except shacl_compiler.CheckStopped:
            ended.append("stopped")
            raise

    monkeypatch.setattr(shacl_compiler, "_read", read)
    monkeypatch.setattr(results, "analyse", interrupted)
    monkeypatch.setattr(pipeline, "_check", check)
    with pytest.raises(KeyboardInterrupt):
        pipeline.load_checked(shipped_data_dir(), make=lambda *_: None, as_of=ALL)
    assert ended == ["stopped"]


def test_a_fact_the_day_leaves_out_is_still_checked(tmp_path: Path) -> None:
    """The check reads the map as loaded while this thread restricts it to its day: shares over 1 on
    dependencies that ended in 2020 are reported by a build of 2025, though the map of 2025 lacks them."""
    import datetime as dt

    folder = bad_case_folder("shares-over-one", tmp_path / "bad")
    newco = folder / "vendors" / "newco.yaml"
    newco.write_text(newco.read_text(encoding="utf-8").replace("}", ", until: 2020-01-01}"), encoding="utf-8")
    day = dt.date(2025, 1, 1)
    with pytest.raises(DataError) as error:
        pipeline.load_checked(folder, make=lambda *_: None, as_of=day)
    assert [p.format() for p in error.value.problems] == [
        "vendors/newco.yaml:6: newco: the shares of `uses_model` add up to 1.3, more than 1: "
        "lower them so they total at most 1"
    ]
    loaded = pipeline.read_folder(folder)
    pipeline._restrict(loaded, day)
    assert validate.find_problems(loaded) == []  # the map of that day alone has nothing to report


def test_build_as_on_a_large_map_writes_the_same_bytes(monkeypatch, tmp_path: Path) -> None:
    """`build` with the paths of large maps taken (the check's queries opened and read in two threads
    beside the analyses) writes byte for byte what the plain build writes."""
    from graph.model import projection
    from graph.pipeline import build

    plain = build(shipped_data_dir(), tmp_path / "plain")
    monkeypatch.setattr(pipeline, "LARGE_MAP", 0)
    monkeypatch.setattr(validate, "LARGE_MAP", 0)
    monkeypatch.setattr(projection, "LARGE_GRAPH", 0)
    large = build(shipped_data_dir(), tmp_path / "large")
    names = [p.relative_to(tmp_path / "plain") for p in plain.written]
    assert names == [p.relative_to(tmp_path / "large") for p in large.written] and len(names) == 13
    for name in names:
        assert (tmp_path / "large" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name
    assert large.summary == plain.summary


def test_build_leaves_no_scratch_files(monkeypatch, tmp_path: Path) -> None:
    """The data graphs are serialised into a scratch folder that is gone after a build, good or bad."""
    import tempfile

    from graph.pipeline import build

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(pipeline, "LARGE_MAP", 0)
    build(shipped_data_dir(), tmp_path / "out")
    with pytest.raises(DataError):
        build(bad_case_folder("unknown-source", tmp_path / "bad"), tmp_path / "bad-out")
    assert list(scratch.iterdir()) == [] and not (tmp_path / "bad-out").exists()
