"""The synthetic benchmark market: valid data, deterministic output, every leaf layer populated."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import main as generate_main
from benchmarks.market import LAYERS, generate_market, layer_counts
from graph.check.validate import check, summarise
from graph.source import vocab
from graph.source.loader import LoadedMap

N_VENDORS = 60


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _offering_layers(loaded: LoadedMap) -> set[str]:
    """The ids of the layers that hold at least one offering in the loaded store."""
    query = f"""
        SELECT DISTINCT ?layer WHERE {{
            GRAPH ?g {{ ?offering <{vocab.RDF_TYPE}> <{vocab.OFFERING}> ; <{vocab.IN_LAYER}> ?layer . }}
        }}"""
    return {row["layer"].value.removeprefix(vocab.LAYER) for row in loaded.store.query(query)}


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A small generated market: its folder and the counts generate_market returned."""
    folder = tmp_path_factory.mktemp("market")
    return folder, generate_market(N_VENDORS, folder, seed=7)


@pytest.fixture(scope="module")
def checked(market: tuple[Path, dict[str, int]]) -> tuple[LoadedMap, list]:
    """The small market, loaded and validated."""
    return check(market[0])


def test_small_market_is_valid(checked: tuple[LoadedMap, list]) -> None:
    """A generated market of 60 vendors passes every check, and the summary counts 60 vendors."""
    loaded, problems = checked
    assert problems == []
    assert summarise(loaded).vendors == N_VENDORS


def test_counts_match_the_summary(market: tuple[Path, dict[str, int]], checked: tuple[LoadedMap, list]) -> None:
    """The counts generate_market returns are those stackmap's summary reports."""
    summary = summarise(checked[0])
    counts = market[1]
    assert counts["vendors"] == summary.vendors
    assert counts["offerings"] == summary.offerings
    assert counts["dependencies"] == summary.dependencies
    assert counts["moats"] == summary.moats
    assert counts["files"] == summary.files


def test_same_seed_gives_identical_files(tmp_path: Path, market: tuple[Path, dict[str, int]]) -> None:
    """Two runs with the same seed write byte-identical files; another seed writes different ones."""
    generate_market(N_VENDORS, tmp_path / "again", seed=7)
    generate_market(N_VENDORS, tmp_path / "other", seed=8)
    assert _files(tmp_path / "again") == _files(market[0])
    assert _files(tmp_path / "other") != _files(market[0])


def test_every_leaf_layer_has_an_offering(checked: tuple[LoadedMap, list]) -> None:
    """Each leaf layer of the stack holds at least one offering, even in a small market."""
    assert _offering_layers(checked[0]) == set(LAYERS)


def test_layer_counts_follow_the_market_shape() -> None:
    """Layer sizes follow the real market's shape: few fabs, many apps; at least one vendor per layer."""
    counts = layer_counts(10_000)
    assert sum(counts.values()) == 10_000
    assert counts["lithography-equipment"] == 10
    assert counts["compute-hardware"] == 200
    assert counts["cloud-platforms"] == 500
    assert counts["apps"] + counts["end-to-end-apps"] == 7_700
    assert min(layer_counts(len(LAYERS)).values()) == 1
    with pytest.raises(ValueError, match="at least 11"):
        layer_counts(len(LAYERS) - 1)


def test_rerun_with_fewer_vendors_removes_stale_files(tmp_path: Path) -> None:
    """Generating a smaller market into the same folder leaves no vendor files of the larger one."""
    generate_market(30, tmp_path)
    generate_market(20, tmp_path)
    assert len(list((tmp_path / "vendors").glob("*.yaml"))) == 20


def test_cli_prints_the_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.generate N OUT_DIR --seed S` writes the market and prints its counts."""
    assert generate_main(["25", str(tmp_path), "--seed", "3"]) == 0
    assert "25 vendors" in capsys.readouterr().out
    assert generate_main(["5", str(tmp_path / "few")]) == 2
