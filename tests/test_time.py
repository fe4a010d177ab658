"""Time: the map as it stood on a date (`--as-of`), and what changed between two dates (`diff`), on
a small made-up map whose facts are dated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from graph.analysis.diff import diff
from graph.analysis.results import plain
from graph.model.as_of import holds, restrict
from graph.pipeline import build, load_checked

# OpenCo's model arrives in 2024-06 (the writer app uses it from then on); ChipCo's X2 is retired at
# the end of 2023; NewCo, an app maker, enters in 2025 with a chat app on ModelCo's model.
DATED = {
    "vendors/openco.yaml": (
        "id: openco\nname: OpenCo\ncountry: FR\nsource: test-source\nofferings:\n"
        "  - id: openco-small\n    name: Small Open Model\n    layer: open-foundation-models\n"
        "    open_weights: true\n    released: 2024-06\n    runs_on: cloudco-cloud\n"
    ),
    "vendors/newco.yaml": (
        "id: newco\nname: NewCo\ncountry: DE\nsource: test-source\nofferings:\n"
        "  - id: newco-chat\n    name: Chat\n    layer: end-to-end-apps\n    released: 2025\n"
        "    uses_model: [{id: modelco-big, since: 2025-02}]\n"
    ),
}


@pytest.fixture
def dated(make_data) -> Path:
    data = make_data(DATED)
    appco = data / "vendors" / "appco.yaml"
    appco.write_text(
        appco.read_text(encoding="utf-8").replace(
            "{id: openco-small, share: 0.25, note: fallback}", "{id: openco-small, share: 0.25, since: 2024-06}"
        ),
        encoding="utf-8",
    )
    chipco = data / "vendors" / "chipco.yaml"
    chipco.write_text(
        chipco.read_text(encoding="utf-8").replace(
            "    fabbed_by: fabco\n", "    fabbed_by: fabco\n    retired: 2023\n"
        ),
        encoding="utf-8",
    )
    return data


def _offerings(checked) -> set[str]:
    return {n for n, kind in checked.projection.graph.nodes(data="kind") if kind == "offering"}


def test_the_map_on_a_date_holds_the_facts_true_then(dated: Path) -> None:
    early, middle, late = (load_checked(dated, as_of=dt.date(*d)) for d in ((2023, 6, 1), (2024, 7, 1), (2025, 3, 1)))
    assert "openco-small" not in _offerings(early) and "openco-small" in _offerings(middle)
    assert "chipco-x2" in _offerings(early) and "chipco-x2" not in _offerings(middle)  # retired at the end of 2023
    assert "newco" not in middle.projection.vendors and "newco-chat" in _offerings(late)  # entered with its app
    assert sorted(middle.projection.graph.successors("appco-writer")) == ["modelco-big", "openco-small"]
    assert sorted(early.projection.graph.successors("appco-writer")) == ["modelco-big"]
    assert (early.summary.vendors, middle.summary.vendors, late.summary.vendors) == (6, 7, 8)  # OpenCo enters
    assert early.summary.offerings == 8 and middle.summary.offerings == 8 and late.summary.offerings == 9


def test_restrict_removes_the_statements_of_what_is_gone(dated: Path) -> None:
    """The dependency on a model not yet released goes with its sm:Dependency statement, so SPARQL
    over the restricted store sees the map of that day too."""
    checked = load_checked(dated, as_of=dt.date(2023, 6, 1))
    rows = checked.loaded.store.query(
        "SELECT ?s WHERE { ?s rdf:object stack:openco-small }",
        prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "stack": "https://w3id.org/stackmap/id/"},
        use_default_graph_as_union=True,
    )
    assert list(rows) == []
    again = restrict(checked.loaded.store, dt.date(2023, 6, 1))  # restricting twice changes nothing more
    assert again.quads == 0


def test_restrict_drops_exactly_the_facts_holds_rejects() -> None:
    """`restrict` asks the store in SPARQL what `holds` says in Python: on every day around the month
    and year edges, each start, end and figure date of every precision is dropped when, and only when,
    `holds` rejects it (an `as_of` counts only on a subject without a start)."""
    import pyoxigraph as ox

    from graph.source import vocab

    texts = ["2022", "2023", "2024", "2023-01", "2023-02", "2023-06", "2023-12"]
    texts += ["2023-01-19", "2023-02-28", "2023-06-30"]
    days = [dt.date.fromisoformat(d) for d in ("2022-12-31", "2023-01-01", "2023-01-19", "2023-01-31", "2023-02-01")]
    days += [dt.date.fromisoformat(d) for d in ("2023-02-28", "2023-06-30", "2023-07-01", "2023-12-31", "2024-01-01")]
    kinds = {"start": vocab.START_DATE, "end": vocab.END_DATE, "measured": vocab.AS_OF}
    for day in days:
        store, expected = ox.Store(), set()
        for text in texts:
            for kind, predicate in kinds.items():
                subject = ox.NamedNode(f"{vocab.ID}{kind}-{text}")
                store.add(ox.Quad(subject, ox.NamedNode(predicate), ox.Literal(text), ox.NamedNode(vocab.FILE + "t")))
                start, end = (text, None) if kind != "end" else (None, text)
                if not holds(start, end, day):
                    expected.add(f"{kind}-{text}")
            shadowed = ox.NamedNode(f"{vocab.ID}both-{text}")  # started 2022: its later as_of does not count
            for predicate, value in ((vocab.START_DATE, "2022"), (vocab.AS_OF, text)):
                store.add(ox.Quad(shadowed, ox.NamedNode(predicate), ox.Literal(value), ox.NamedNode(vocab.FILE + "t")))
            if not holds("2022", None, day):
                expected.add(f"both-{text}")
        assert set(restrict(store, day).dropped) == expected, day


def test_the_date_filter_of_the_shipped_query_agrees_with_as_of(cli, dated: Path) -> None:
    """`offerings-on-date` (SPARQL's filter pattern) lists exactly the offerings of the map that
    `--as-of` restricts to, on each date."""
    for day in ("2023-06-01", "2024-07-01", "2025-03-01"):
        listed = cli(
            "query",
            "offerings-on-date",
            "--param",
            f"date={day}",
            "--data",
            dated,
            "--format",
            "json",
            "--as-of",
            "all",
        )
        names = sorted(b["offeringName"]["value"] for b in json.loads(listed.out)["results"]["bindings"])
        checked = load_checked(dated, as_of=dt.date.fromisoformat(day))
        graph = checked.projection.graph
        assert names == sorted(graph.nodes[n]["label"] for n in _offerings(checked)), day


def test_diff_gives_the_numbers_of_two_as_of_runs(cli, dated: Path) -> None:
    shown = cli("diff", "--from", "2023-06-01", "--to", "2025-03-01", "--data", dated, "--format", "json")
    assert shown.code == 0
    data = json.loads(shown.out)
    before = load_checked(dated, as_of=dt.date(2023, 6, 1)).analysis
    after = load_checked(dated, as_of=dt.date(2025, 3, 1)).analysis
    expected = {"from": "2023-06-01", "to": "2025-03-01", **plain(diff(before, after).__dict__)}
    assert json.loads(json.dumps(expected, default=lambda o: o.__dict__)) == data
    assert data["entered"]["vendors"] == ["newco", "openco"]
    assert data["entered"]["offerings"] == ["newco-chat", "openco-small"]
    assert data["left"]["offerings"] == ["chipco-x2"]
    table = cli("diff", "--from", "2023-06-01", "--to", "2025-03-01", "--data", dated)
    assert table.out.startswith("From 2023-06-01 to 2025-03-01\n\nEntered: 2 vendors, 2 offerings")


def test_diff_lists_the_chokepoints_that_moved_and_counts_the_vendors_that_are_none(cli) -> None:
    """A vendor whose loss cuts off no app and takes no capacity on both days is no chokepoint on
    either: its rank number only counts the vendors above it, so when it moved it is counted, not
    listed. Every other vendor whose rank, apps cut off or capacity lost differs is listed with both
    days' figures (from the last day of 2022 to the essay's day, some moved in capacity alone)."""
    from graph.source.paths import shipped_data_dir

    days = dt.date(2022, 12, 31), dt.date(2023, 1, 19)
    analyses = [load_checked(shipped_data_dir(), as_of=day).analysis for day in days]
    figures = [
        {c.vendor: (c.rank, len(c.apps_cut_off), c.capacity_lost) for c in a.chokepoints.ranking} for a in analyses
    ]
    vendors = figures[0].keys() | figures[1].keys()
    moved = {v for v in vendors if figures[0].get(v) != figures[1].get(v)}
    none = {v for v in moved if all(f.get(v, (0, 0, 0.0))[1:] == (0, 0.0) for f in figures)}
    change = diff(*analyses)
    assert change.not_chokepoints == len(none) and none
    assert {m.vendor for m in change.ranks} == moved - none
    assert any((m.rank_from, m.apps_from) == (m.rank_to, m.apps_to) for m in change.ranks)  # capacity alone
    asml = next(m for m in change.ranks if m.vendor == "asml")
    assert (asml.rank_to, asml.apps_to, asml.capacity_to) == figures[1]["asml"]
    assert (asml.rank_from, asml.apps_from, asml.capacity_from) == figures[0]["asml"]
    shown = cli("diff", "--from", "2022-12-31", "--to", "2023-01-19")
    assert f"(and {len(none)} vendors whose loss cuts off no app and takes no capacity on either date" in shown.out
    listed = shown.out.split("Chokepoint ranks that moved:\n")[1].split("\n\n")[0]
    assert not any(line.split()[0] in none for line in listed.splitlines()[2:] if not line.startswith("  ("))
    same = diff(analyses[1], analyses[1])
    assert (same.ranks, same.not_chokepoints) == ((), 0)
    unchanged = cli("diff", "--from", "2023-01-19", "--to", "2023-01-19").out
    assert "Chokepoint ranks that moved:\n  none\n\nConcentration" in unchanged and "(and " not in unchanged


def test_build_as_of_a_day_records_it_and_serve_rebuilds_for_another(cli, dated: Path, tmp_path: Path) -> None:
    from graph.pipeline import built_as_of, is_stale

    out = tmp_path / "out"
    build(dated, out, as_of=dt.date(2023, 6, 1))
    assert built_as_of(out) == "2023-06-01"
    assert not is_stale(dated, out, dt.date(2023, 6, 1)) and is_stale(dated, out, None)
    build(dated, out)
    assert built_as_of(out) is None and "as_of" not in json.loads((out / "analysis.json").read_bytes())


@pytest.mark.parametrize("command", ["build", "query", "chokepoints", "whatif", "concentration", "flow", "vendor",
                                     "report", "view", "serve", "export", "push"])  # fmt: skip
def test_every_command_that_reads_the_map_takes_as_of(cli, command: str) -> None:
    shown = cli(command, "--help")
    assert shown.code == 0 and "--as-of DATE" in shown.out


def test_a_malformed_as_of_is_wrong_usage(cli) -> None:
    wrong = cli("chokepoints", "--as-of", "last year")
    assert wrong.code == 2 and "'last year' is not a date: give YYYY-MM-DD, YYYY-MM, YYYY, today or all" in wrong.err


def test_a_vendor_named_before_its_first_fitting_offering_stands_for_none(make_data) -> None:
    """OpenCo's app names OpenCo's models before the first is released: on that day the app has no
    model supplier yet (never itself, which would be a cycle); once the model is out, it uses it."""
    data = make_data(
        {
            "vendors/openco.yaml": (
                "id: openco\nname: OpenCo\ncountry: FR\nsource: test-source\nofferings:\n"
                "  - id: openco-small\n    name: Small Open Model\n    layer: open-foundation-models\n"
                "    open_weights: true\n    released: 2024-06\n    runs_on: cloudco-cloud\n"
                "  - id: openco-chat\n    name: OpenCo Chat\n    layer: end-to-end-apps\n    released: 2023-10\n"
                "    uses_model: [{id: openco, any: true}]\n"
            )
        }
    )
    before, after = (load_checked(data, as_of=dt.date(*d)) for d in ((2024, 1, 1), (2024, 7, 1)))
    assert list(before.projection.graph.successors("openco-chat")) == []
    assert list(after.projection.graph.successors("openco-chat")) == ["openco-small"]
