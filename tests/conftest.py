"""Shared fixtures: the shipped map, a small made-up map, data folders with extra files, and the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.analysis.rdf import analysis_quads
from graph.analysis.results import Analysis, analyse
from graph.check.validate import load_valid
from graph.cli import main
from graph.model.projection import project
from graph.source.loader import LoadedMap
from graph.source.paths import shipped_data_dir

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the project
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
BAD_DATA = TESTS / "bad_data"


def bad_case_folder(case: str, data: Path) -> Path:
    """`data`: the mini map with the files of one bad-data case laid over it (links copied as links)."""
    shutil.copytree(MINI, data)
    for path in (BAD_DATA / case).rglob("*"):
        if (path.is_symlink() or path.is_file()) and path.name != "expected.txt":
            target = data / path.relative_to(BAD_DATA / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                target.unlink()
            shutil.copy(path, target, follow_symlinks=False)
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    """The bytes of every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder, to change."""
    target = tmp_path / "data"
    shutil.copytree(shipped_data_dir(), target)
    return target


@pytest.fixture
def essay_map(tmp_path: Path) -> Path:
    """A copy of the shipped data as it stood before the map of today was added (fixtures/essay-map,
    31 files): for tests whose expectations must not move as the shipped data grows (the importers')."""
    target = tmp_path / "essay-map"
    shutil.copytree(FIXTURES / "essay-map", target)
    return target


@pytest.fixture(scope="session")
def shipped() -> LoadedMap:
    """The shipped data, loaded and validated."""
    return load_valid(shipped_data_dir())


@pytest.fixture(scope="session")
def shipped_analysis(shipped: LoadedMap) -> Analysis:
    """Every analysis of the shipped map."""
    return analyse(project(shipped.store))


@pytest.fixture(scope="session")
def shipped_with_results(shipped: LoadedMap, shipped_analysis: Analysis) -> ox.Store:
    """A store with the shipped map and the analysis graph, as `stackmap build` writes it."""
    store = ox.Store()
    store.bulk_extend(shipped.store)
    store.bulk_extend(analysis_quads(shipped_analysis))
    return store


@pytest.fixture(scope="session")
def mini() -> LoadedMap:
    """The small made-up map of tests/fixtures/mini, loaded and validated."""
    return load_valid(MINI)


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[..., Path]:
    """Make a data folder: a copy of the mini map (or of `base`) plus extra files {relpath: text or bytes}."""

    def make(files: dict[str, str | bytes] | None = None, base: Path = MINI) -> Path:
        data = tmp_path / "data"
        if data.exists():
            shutil.rmtree(data)
        shutil.copytree(base, data)
        for relpath, content in (files or {}).items():
            target = data / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return data

    return make


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `stackmap ARGS...` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse: --help and usage errors
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright cannot download browsers here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Chromium for the whole module (Playwright imported only by the tests that use it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
