"""The benchmark runner: one measurement of every stage on a small generated market."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import memory
from benchmarks.market import generate_market
from benchmarks.run import (
    PIPELINE,
    QUERY_PARAMETERS,
    _seconds,
    _sizes,
    bound_to_market,
    goals_table,
    measure,
    shipped_figures,
)
from graph.check.validate import check, summarise


@pytest.fixture(scope="module")
def small_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated market of 40 vendors."""
    folder = tmp_path_factory.mktemp("bench")
    generate_market(40, folder, seed=3)
    return folder


def test_measure_runs_every_stage(small_market: Path) -> None:
    """One run times load, check, analyse, export and the query, and counts the data triples as the
    summary of today's map does (the market's retired offerings left out)."""
    from graph.pipeline import load_checked

    out = measure(small_market, "vendors-by-layer", all_queries=True)
    assert set(PIPELINE) | {"check", "analyse", "html", "report", "query", "build"} <= set(out["seconds"])
    loaded, problems = check(small_market)
    assert problems == []
    today = load_checked(small_market)
    assert out["triples"] == today.summary.triples < summarise(loaded).triples
    assert out["peak_mb"] > 0
    # one row per leading vendor: every vendor of a layer, at most 10 (one layer of this market has more)
    members = today.loaded.store.query(
        """SELECT DISTINCT ?layer ?vendor WHERE {
             { ?o a sm:Offering ; sm:offeredBy ?vendor ; sm:layer ?layer }
             UNION { ?vendor a sm:Vendor ; sm:layer ?layer } }""",
        prefixes={"sm": "https://w3id.org/stackmap/ns/"},
        use_default_graph_as_union=True,
    )
    per_layer = Counter(row[0] for row in members)
    assert sum(per_layer.values()) == today.summary.vendors == 37 and max(per_layer.values()) > 10
    assert out["queries"]["vendors-by-layer"][1] == sum(min(10, n) for n in per_layer.values())


def test_tree_memory_counts_a_forked_child_once() -> None:
    """(Linux: reads /proc.) A parent holding 300 MB forks a child that writes 200 MB of its own: the tree peaks near
    500 MB, not the 800 MB that adding up resident sets would give."""
    code = (
        "import os, time; held = bytearray(300 * 2**20); held[::4096] = b'x' * len(held[::4096]);"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    own = bytearray(200 * 2**20); own[::4096] = b'y' * len(own[::4096]); time.sleep(1.5); os._exit(0)\n"
        "os.waitpid(pid, 0)"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    sampler = memory.TreeMemory(process.pid, interval=0.05)
    process.wait()
    sampler.stop()
    peak = sampler.peak_mb()
    assert peak is not None and 480 < peak < 600


def test_measure_refuses_a_market_with_problems(small_market: Path, tmp_path: Path) -> None:
    """A market that does not check clean stops the run with the first problem."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in small_market.rglob("*.yaml"):
        target = broken / path.relative_to(small_market)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    first = sorted((broken / "vendors").glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("country:", "country: xx\nhq:"), encoding="utf-8")
    with pytest.raises(SystemExit, match="problems"):
        measure(broken, "vendors-by-layer", all_queries=False)


def test_table_helpers() -> None:
    """Sizes parse from a comma list; seconds print with two decimals under 10 s, one above."""
    assert _sizes("1000, 10000,") == [1000, 10000]
    assert _sizes("") == []
    assert (_seconds(0.123), _seconds(12.34), _seconds(None)) == ("0.12 s", "12.3 s", "n/a")


def test_goals_table_puts_the_shipped_maps_goals_first() -> None:
    """The shipped map's goals (build under 5 s, check under 2 s, as commands) come first, then those
    of each generated size that was measured; a figure at its limit does not meet it."""
    shipped = {"`stackmap build`": 4.21, "`stackmap check`": 2.0}
    figures = {10_000: {"`stackmap build`": 2.5, "`stackmap check`": 1.25}}
    header, rows = goals_table(figures, shipped)
    assert header == ["vendors", "figure", "goal", "measured", ""]
    assert rows == [
        ["shipped map", "`stackmap build`", "under 5.00 s", "4.21 s", "met"],
        ["shipped map", "`stackmap check`", "under 2.00 s", "2.00 s", "not met"],
        ["10,000", "`stackmap build`", "under 3.00 s", "2.50 s", "met"],
        ["10,000", "`stackmap check`", "under 1.00 s", "1.25 s", "not met"],
    ]
    assert goals_table(figures)[1] == rows[2:]


def test_shipped_figures_time_both_commands_on_the_shipped_data() -> None:
    """Both commands run on the shipped data (a failing command would stop the benchmark)."""
    measured = shipped_figures(1)
    assert sorted(measured) == ["`stackmap build`", "`stackmap check`"]
    assert all(seconds > 0 for seconds in measured.values())


def test_parameterised_queries_ask_about_an_entity_of_the_market(small_market: Path) -> None:
    """Each shipped query that takes a parameter is bound to a vendor or app of the generated market
    (the shipped defaults, such as stack:nvidia, are not in it), and finds something about it in the
    map with its analysis graph, as the benchmark queries it."""
    from graph.analysis.rdf import add_analysis
    from graph.pipeline import load_checked
    from graph.query.named import shipped
    from graph.query.sparql import run_query

    checked = load_checked(small_market)
    add_analysis(checked.loaded.store, checked.analysis)
    declared = {i for f in checked.loaded.files for i in f.declared}
    named = {q.name: q for q in shipped()}
    assert set(QUERY_PARAMETERS) <= set(named)
    for name, (parameter, _) in QUERY_PARAMETERS.items():
        text = bound_to_market(name, named[name].text, checked.analysis)
        chosen = re.search(r"VALUES \?" + parameter + r" \{ <https://w3id.org/stackmap/id/([^>]+)> \}", text)
        assert chosen and chosen.group(1) in declared, name
        assert run_query(checked.loaded.store, text).rows, name
