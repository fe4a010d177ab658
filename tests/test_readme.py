"""The README's examples stay true: each sample in it that starts with a `$ stackmap ...` line shows
what that command prints (all of it, or a run of whole lines of it), and the README's test command is
the one CI runs."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SAMPLE = re.compile(r"^```[a-z]*\n\$ (stackmap [^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SAMPLES = SAMPLE.findall(README)


def test_the_readme_has_the_samples_this_test_reads() -> None:
    commands = [command for command, _ in SAMPLES]
    assert {"stackmap check", "stackmap queries", "stackmap chokepoints --top 3"} <= set(commands)


@pytest.mark.parametrize(("command", "shown"), SAMPLES, ids=[c for c, _ in SAMPLES])
def test_each_sample_shows_what_the_command_prints(cli, command: str, shown: str) -> None:
    result = cli(*shlex.split(command)[1:])
    assert result.code == 0, result.err
    printed = result.out.splitlines()
    lines = shown.rstrip("\n").splitlines()
    runs = [printed[i : i + len(lines)] for i in range(len(printed) - len(lines) + 1)]
    assert lines in runs, f"the README's sample of `{command}` is not what it prints:\n{result.out}"


def test_the_check_line_and_the_queries_list_are_whole() -> None:
    """The two samples that show a command's whole output."""
    samples = dict(SAMPLES)
    assert len(samples["stackmap check"].splitlines()) == 1
    from graph.query.named import shipped

    assert len(samples["stackmap queries"].splitlines()) == len(shipped()) + 2  # the list, a blank line, the hint


def test_the_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command.startswith("{ test -x /usr/bin/chromium") and f"\n{command}\n" in README


def test_the_python_example_is_the_doctested_one() -> None:
    """The README's Python API example is the doctest of `graph/__init__.py`, line for line, so it
    shows only names that exist and results that the doctest run checks."""
    import graph

    block = re.search(r"^```pycon\n(>>> import graph\n.*?)^```", README, re.MULTILINE | re.DOTALL)
    assert block is not None
    example = next(p for p in graph.__doc__.split("\n\n") if p.startswith("    >>> import graph"))
    assert block.group(1).splitlines() == [line.removeprefix("    ") for line in example.splitlines()]
