"""A one-shot command's process ends as soon as its work is done: its output complete, its exit code
kept, what it loaded neither freed object by object nor scanned by the collector."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from conftest import BAD_DATA, MINI, bad_case_folder
from graph import cli, pipeline

# Buffered output that only a flush writes: 100,000 characters to stdout, and a line to stderr.
WRITER = """
import sys
from graph.runtime.quick_exit import exit_at_once
sys.stdout.write("x" * 100_000)
sys.stderr.write("said\\n")
exit_at_once({code})
"""


@pytest.mark.parametrize("code", [0, 3])
def test_the_process_ends_with_its_code_and_every_buffered_byte(code: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRITER.format(code=code)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, len(done.stdout), done.stderr) == (code, 100_000, "said\n")


def test_a_reader_that_went_away_does_not_change_the_code() -> None:
    """`stackmap query ... | head -1`: the rest of the output has nowhere to go, the code stays."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(code=0).replace('"x" * 100_000', '"line\\n" * 200_000')],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None and writer.stdout.readline() == b"line\n"
    writer.stdout.close()
    assert writer.wait(timeout=60) == 0
    assert writer.stderr is not None and writer.stderr.read() == b"said\n"


class Ended(Exception):
    """What the test's stand-in for `exit_at_once` raises instead of ending the test's process."""


def _ending(seen: dict):
    def end(code: int):
        seen.update(code=code, collecting=gc.isenabled(), map_alive=seen["map"]() is not None)
        raise Ended

    return end


def _watching(monkeypatch, seen: dict, name: str) -> None:
    """Wrap pipeline.<name> so that `seen["map"]` is a weak reference to the map it returns."""
    real = getattr(pipeline, name)

    def opened(*args, **kwargs):
        made = real(*args, **kwargs)
        checked = made[1] if isinstance(made, tuple) else made
        seen["map"] = weakref.ref(checked.loaded)
        return made

    monkeypatch.setattr(pipeline, name, opened)


@pytest.mark.parametrize(
    ("argv", "opened"),
    [
        (["query", "vendors-by-layer", "--data", str(MINI)], "load_checked"),
        (["build", "--data", str(MINI), "--out", "{out}"], "build_checked"),
    ],
)
def test_the_console_command_ends_while_what_it_loaded_is_still_held(argv, opened, monkeypatch, tmp_path) -> None:
    seen: dict = {}
    _watching(monkeypatch, seen, opened)
    monkeypatch.setattr(cli, "exit_at_once", _ending(seen))
    collecting = gc.isenabled()
    with pytest.raises(Ended):
        cli.main([a.format(out=tmp_path / "out") for a in argv], at_once=True)
    assert seen == {"code": 0, "collecting": False, "map_alive": True, "map": seen["map"]}
    assert gc.isenabled() == collecting  # the test's process has its collector back


def test_the_check_command_ends_with_the_problems_said(monkeypatch, tmp_path, capsys) -> None:
    from graph.check import validate

    seen: dict = {}
    real = validate.check

    def check(*args, **kwargs):
        loaded, problems = real(*args, **kwargs)
        seen["map"] = weakref.ref(loaded)
        return loaded, problems

    monkeypatch.setattr(validate, "check", check)
    monkeypatch.setattr(cli, "exit_at_once", _ending(seen))
    case = "unknown-reference"
    folder = bad_case_folder(case, tmp_path / case)
    with pytest.raises(Ended):
        cli.main(["check", "--data", str(folder)], at_once=True)
    assert (seen["code"], seen["map_alive"]) == (1, True)
    expected = (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    said = capsys.readouterr().err.splitlines()
    assert said[: len(expected)] == [f"{folder}/{line}" for line in expected]


def test_in_process_calls_return_their_code(monkeypatch) -> None:
    """The library's `main` (as tests and notebooks call it) returns; only the console command ends."""
    monkeypatch.setattr(cli, "exit_at_once", _ending({}))
    assert cli.main(["queries"]) == 0


def test_the_installed_command_prints_everything_before_it_ends(capsys) -> None:
    """The `stackmap` script prints what `main` prints in-process, byte for byte."""
    argv = ["query", "vendors-by-layer", "--data", str(MINI), "--format", "csv"]
    assert cli.main(argv) == 0
    expected = capsys.readouterr().out
    script = Path(sys.executable).parent / "stackmap"
    done = subprocess.run([str(script), *argv], capture_output=True, timeout=120, check=False)
    assert (done.returncode, done.stderr, done.stdout) == (0, b"", expected.encode("utf-8"))
    assert expected.startswith("order,layerId,layerName,") and len(expected.splitlines()) == 9
