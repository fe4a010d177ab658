"""A one-shot command's process ends as soon as its work is done: its output complete, its exit code
kept, what it loaded neither freed object by object nor scanned by the collector."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from conftest import BAD_DATA, MINI, bad_case_folder
from graph import cli, pipeline

# Output that only the final flush writes: less than a buffer's worth on stdout, and stderr text
# without a line end (stderr is line-buffered). The test's environment may ask for unbuffered
# streams (PYTHONUNBUFFERED), which would write it at once: the children run without it.
WRITER = """
import sys
from graph.runtime.quick_exit import exit_at_once
sys.stdout.write("x" * 5_000)
sys.stderr.write("said")
sys.stdin.read()  # until the test closes it
exit_at_once({code})
"""
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _writer(code: int, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER.format(code=code)],
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=BUFFERED,
    )


@pytest.mark.parametrize("code", [0, 3])
def test_the_process_ends_with_its_code_and_every_buffered_byte(code: int) -> None:
    writer = _writer(code)
    out, err = writer.communicate(timeout=60)
    assert (writer.returncode, out, err) == (code, b"x" * 5_000, b"said")


def test_a_reader_that_went_away_does_not_change_the_code() -> None:
    """`stackmap query ... | head -1`: what is left in the buffer has nowhere to go, the code stays."""
    writer = _writer(0)
    assert writer.stdout is not None and writer.stdin is not None
    writer.stdout.close()  # the reader goes away before the flush
    writer.stdin.close()
    assert writer.wait(timeout=60) == 0
    assert writer.stderr is not None and writer.stderr.read() == b"said"


def test_output_that_cannot_be_written_is_not_a_success() -> None:
    """A full disk (/dev/full) loses the output: the code says so, and stderr says why."""
    with open("/dev/full", "wb") as full:
        writer = _writer(0, stdout=full)
        _, err = writer.communicate(timeout=60)
    assert writer.returncode == 120
    assert err == b"saidstackmap: the output could not be written: [Errno 28] No space left on device\n"


def test_a_closed_stream_changes_nothing() -> None:
    """Started with stdout closed (`>&-`), a command that succeeded still ends with 0."""
    done = subprocess.run(
        [sys.executable, "-c", "from graph.runtime.quick_exit import exit_at_once; exit_at_once(0)"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=BUFFERED,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert (done.returncode, done.stderr) == (0, b"")


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


def test_the_console_command_ends_while_what_it_loaded_is_still_held(monkeypatch) -> None:
    seen: dict = {}
    _watching(monkeypatch, seen, "load_checked")
    monkeypatch.setattr(cli, "exit_at_once", _ending(seen))
    collecting = gc.isenabled()
    with pytest.raises(Ended):
        cli.main(["query", "vendors-by-layer", "--data", str(MINI)], at_once=True)
    assert seen == {"code": 0, "collecting": False, "map_alive": True, "map": seen["map"]}
    assert gc.isenabled() == collecting  # the test's process has its collector back


def test_the_build_ends_before_the_collector_is_back(monkeypatch, tmp_path) -> None:
    seen: dict = {}
    _watching(monkeypatch, seen, "build_checked")
    monkeypatch.setattr(cli, "exit_at_once", _ending(seen))
    with pytest.raises(Ended):
        cli.main(["build", "--data", str(MINI), "--out", str(tmp_path / "out")], at_once=True)
    assert (seen["code"], seen["collecting"]) == (0, False)
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[-3:] == [
        "stackmap.html",
        "stackmap.nq",
        "stackmap.trig",
    ]


def test_serve_ends_as_before(monkeypatch) -> None:
    """`serve` keeps running until it is stopped; once it returns, the process ends the usual way."""
    import dataclasses

    commands = [dataclasses.replace(c, run=lambda args: 0) if c.name == "serve" else c for c in cli.COMMANDS]
    monkeypatch.setattr(cli, "COMMANDS", commands)
    monkeypatch.setattr(cli, "exit_at_once", _ending({}))
    assert cli.main(["serve"], at_once=True) == 0


# An atexit handler in every Python process the tests start: the teardown says "teardown".
SITE = "import atexit, sys\natexit.register(lambda: sys.stderr.write('teardown'))\n"


@pytest.mark.parametrize("how", ["script", "module", "main"])
def test_the_console_command_skips_the_teardown(how: str, tmp_path) -> None:
    """The `stackmap` script and `python -m graph` end without the interpreter's teardown (no atexit
    handler runs); a program calling `main` keeps it (the handler is seen working)."""
    (tmp_path / "sitecustomize.py").write_text(SITE, encoding="utf-8")
    argv = ["check", "--data", str(MINI)]
    command = {
        "script": [str(Path(sys.executable).parent / "stackmap"), *argv],
        "module": [sys.executable, "-m", "graph", *argv],
        "main": [sys.executable, "-c", f"import sys; from graph.cli import main; sys.exit(main({argv!r}))"],
    }[how]
    env = {**BUFFERED, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(Path(cli.__file__).parents[2])])}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert (done.returncode, done.stdout.startswith("ok: 9 files")) == (0, True)
    assert done.stderr == ("teardown" if how == "main" else "")


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
