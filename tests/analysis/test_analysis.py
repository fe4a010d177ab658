"""The analyses on small hand-made maps, with exact expected values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis.chokepoints import chokepoints
from graph.analysis.concentration import BY_DEPENDENTS, BY_FIGURES, band, concentration, measure
from graph.analysis.detours import Detour
from graph.analysis.moat_matrix import moat_matrix
from graph.analysis.reach import apps_depending_on, reach
from graph.analysis.value_flow import MissingFigure, value_flow
from graph.analysis.vertical_integration import vertical_integration
from graph.analysis.whatif import UnknownName, whatif
from graph.check.validate import load_valid
from graph.model.projection import Projection, ProjectionError, project

SOURCES = """\
sources:
  s:
    url: https://example.org/facts
    title: Made-up facts
    date: 2024-01-01
"""


def make_map(tmp_path: Path, vendors: dict[str, str]) -> Projection:
    """Write the vendor files (id: YAML body without id, name and source) and project the map."""
    data = tmp_path / "map"
    (data / "vendors").mkdir(parents=True)
    (data / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    for vid, body in vendors.items():
        text = f"id: {vid}\nname: {vid.title()}\nsource: s\n{body}"
        (data / "vendors" / f"{vid}.yaml").write_text(text, encoding="utf-8")
    return project(load_valid(data).store)


def offering(oid: str, layer: str, extra: str = "") -> str:
    """One offering item of an `offerings:` list."""
    lines = f"  - id: {oid}\n    name: {oid}\n    layer: {layer}\n"
    return lines + "".join(f"    {line}\n" for line in extra.splitlines() if line)


# An app that needs a model AND a cloud; the model runs on either of two clouds (OR); each cloud on its
# own chip; both chips come from one fab, which needs one lithography supplier.
AND_OR = {
    "appx": "country: US\nofferings:\n" + offering("a1", "apps", "uses_model: [m1]\nruns_on: [c1]"),
    "modelx": "country: FR\nofferings:\n" + offering("m1", "closed-foundation-models", "runs_on: [c1, c2]"),
    "cloud1": "country: US\nofferings:\n" + offering("c1", "cloud-platforms", "runs_on: [h1]"),
    "cloud2": "country: DE\nofferings:\n" + offering("c2", "cloud-platforms", "runs_on: [h2]"),
    "chip1": "country: US\nofferings:\n" + offering("h1", "compute-hardware", "fabbed_by: fab"),
    "chip2": "country: US\nofferings:\n" + offering("h2", "compute-hardware", "fabbed_by: fab"),
    "fab": "country: TW\nofferings:\n" + offering("f1", "foundry", "equipment_from: [l1]"),
    "litho": "country: NL\nofferings:\n" + offering("l1", "lithography-equipment"),
}


@pytest.fixture
def and_or(tmp_path: Path) -> Projection:
    return make_map(tmp_path, AND_OR)


# -- projection ------------------------------------------------------------------------------------


def test_projection_nodes_edges_and_weights(and_or: Projection) -> None:
    """Offerings are nodes; edges point from consumer to supplier with the relation and its weight."""
    g = and_or.graph
    assert sorted(g.nodes) == ["a1", "c1", "c2", "f1", "h1", "h2", "l1", "m1"]
    edges = {(u, v): {k: link.weight for k, link in rel.items()} for u, v, rel in g.edges(data="relations")}
    assert edges == {
        ("a1", "m1"): {"uses_model": 1.0},
        ("a1", "c1"): {"runs_on": 1.0},
        ("m1", "c1"): {"runs_on": 0.5},
        ("m1", "c2"): {"runs_on": 0.5},
        ("c1", "h1"): {"runs_on": 1.0},
        ("c2", "h2"): {"runs_on": 1.0},
        ("h1", "f1"): {"fabbed_by": 1.0},
        ("h2", "f1"): {"fabbed_by": 1.0},
        ("f1", "l1"): {"equipment_from": 1.0},
    }
    assert g.nodes["a1"]["top_layer"] == "applications" and g.nodes["f1"]["country"] == "TW"
    assert and_or.apps == ["a1"]
    assert g.edges["a1", "m1"]["relations"]["uses_model"].sources == ("s",)


def test_vendor_dependency_applies_to_offerings_that_do_not_state_the_kind(tmp_path: Path) -> None:
    """A vendor-level `runs_on` reaches o1 (which states none) but not o2 (which states its own)."""
    p = make_map(
        tmp_path,
        {
            "both": "runs_on: [c1]\nofferings:\n"
            + offering("o1", "closed-foundation-models")
            + offering("o2", "closed-foundation-models", "runs_on: [c2]"),
            "cloud": "offerings:\n" + offering("c1", "cloud-platforms") + offering("c2", "cloud-platforms"),
        },
    )
    assert sorted(p.graph.edges) == [("o1", "c1"), ("o2", "c2")]


def test_vendor_named_as_supplier_stands_for_its_fitting_offerings(mini) -> None:
    """`fabbed_by: fabco` means FabCo's foundry process, not its packaging line."""
    p = project(mini.store)
    assert sorted(v for _, v in p.graph.out_edges("chipco-x2")) == ["fabco-n5"]
    assert p.graph.edges["chipco-x2", "fabco-n5"]["relations"]["fabbed_by"].weight == 1.0


def test_vendor_supplier_splits_its_part_among_its_offerings(tmp_path: Path) -> None:
    """`runs_on: [bigcloud, c3]` with two BigCloud regions: 1/2 to c3, 1/4 to each region."""
    p = make_map(
        tmp_path,
        {
            "app": "offerings:\n" + offering("a", "apps", "runs_on: [bigcloud, c3]"),
            "bigcloud": "offerings:\n" + offering("east", "cloud-platforms") + offering("west", "cloud-platforms"),
            "small": "offerings:\n" + offering("c3", "cloud-platforms"),
        },
    )
    weights = {v: rel["runs_on"].weight for _, v, rel in p.graph.out_edges("a", data="relations")}
    assert weights == {"c3": 0.5, "east": 0.25, "west": 0.25}


def test_stated_shares_unstated_rest_and_scaling(tmp_path: Path) -> None:
    """Stated shares are kept, unstated references split the rest, and stated shares below 1 in total
    are scaled to 1."""
    models = "".join(offering(m, "closed-foundation-models") for m in ("ma", "mb", "mc"))
    p = make_map(
        tmp_path,
        {
            "apps": "offerings:\n"
            + offering("p1", "apps", "uses_model: [{id: ma, share: 0.7}, {id: mb, share: 0.3}]")
            + offering("p2", "apps", "uses_model: [{id: ma, share: 0.6}, mb, mc]")
            + offering("p3", "apps", "uses_model: [{id: ma, share: 0.3}, {id: mb, share: 0.2}]"),
            "models": "offerings:\n" + models,
        },
    )

    def weights(app: str) -> dict[str, float]:
        return {v: round(rel["uses_model"].weight, 9) for _, v, rel in p.graph.out_edges(app, data="relations")}

    assert weights("p1") == {"ma": 0.7, "mb": 0.3}
    assert weights("p2") == {"ma": 0.6, "mb": 0.2, "mc": 0.2}
    assert weights("p3") == {"ma": 0.6, "mb": 0.4}
    assert p.graph.edges["p3", "ma"]["relations"]["uses_model"].share == 0.3


def test_cycle_made_by_expanding_a_vendor_reference_is_refused(tmp_path: Path) -> None:
    """No dependency cycle in the data itself, but `fabbed_by: fabv` closes one through fabv's process."""
    data = {
        "xco": "offerings:\n"
        + offering("x-chip", "compute-hardware", "fabbed_by: fabv")
        + offering("x-litho", "lithography-equipment", "runs_on: [x-chip]"),
        "fabv": "offerings:\n" + offering("f-fab", "foundry", "equipment_from: [x-litho]"),
    }
    with pytest.raises(ProjectionError, match=r"^dependency cycle once vendor references are expanded: ") as error:
        make_map(tmp_path, data)
    assert str(error.value).endswith(
        ": f-fab -> x-litho -> x-chip -> f-fab; name offerings instead of vendors to break it"
    )


# -- reach, survival, capacity ------------------------------------------------------------------------


def test_reach_counts_apps_above_each_node_and_vendor(and_or: Projection) -> None:
    r = reach(and_or)
    assert r.nodes == {"a1": 0, "c1": 1, "c2": 1, "f1": 1, "h1": 1, "h2": 1, "l1": 1, "m1": 1}
    assert r.vendors["fab"] == 1 and r.vendors["appx"] == 0
    assert apps_depending_on(and_or, ["f1"]) == ["a1"]


def test_supplier_of_another_kind_does_not_substitute(and_or: Projection) -> None:
    """Without chip1, cloud c1 fails; the model survives on c2, but the app needs c1 for `runs_on`
    and fails, although its `uses_model` supplier is alive."""
    w = whatif(and_or, ["chip1"])
    assert w.removed == ("h1",)
    assert w.failed_apps == ("a1",)
    assert w.failed_by_layer == {"apps": ("a1",), "cloud-platforms": ("c1",), "compute-hardware": ("h1",)}
    assert w.app_capacity == {"a1": 0.0}
    assert w.mean_capacity_by_layer == {
        "apps": 0.0,
        "closed-foundation-models": 0.5,  # min(1, 0.5 x 0 + 0.5 x 1)
        "cloud-platforms": 0.5,
        "compute-hardware": 0.5,
        "foundry": 1.0,
        "lithography-equipment": 1.0,
    }
    assert w.detours == ()  # the model works on c2, but beneath an app that fails


def test_alternatives_keep_a_node_alive_at_reduced_capacity(and_or: Projection) -> None:
    """Without cloud2 the model still runs on c1 (OR) at half capacity; the app is untouched, and
    the model's detour says how."""
    w = whatif(and_or, ["c2"])
    assert w.failed_apps == ()
    assert w.failed_by_layer == {"cloud-platforms": ("c2",)}
    assert w.mean_capacity_by_layer["closed-foundation-models"] == 0.5
    assert w.app_capacity == {"a1": 0.5}  # min(uses_model: 0.5, runs_on: 1)
    assert w.detours == (Detour(node="m1", kind="runs_on", kept=("c1",), lost=("c2",)),)


def test_the_text_of_a_whatif_lists_30_detours_and_counts_the_rest(and_or: Projection) -> None:
    """Past DETOURS_SHOWN rows the text says how many more there are; the JSON has every one."""
    from dataclasses import replace

    from graph.analysis.text import DETOURS_SHOWN, whatif_text

    w = whatif(and_or, ["c2"])
    many = replace(w, detours=tuple(Detour(f"n{i:02}", "runs_on", ("c1",), ("c2",)) for i in range(DETOURS_SHOWN + 2)))
    text = whatif_text(many, and_or)
    assert "\nn29   runs_on     c1        c2\n" in text and "n30" not in text
    assert text.endswith("  +2 more (--format json lists every one)\n")
    assert whatif_text(w, and_or).endswith("m1    runs_on     c1        c2\n")


def test_country_removal_and_unknown_names(and_or: Projection) -> None:
    assert whatif(and_or, countries=["nl"]).failed_apps == ("a1",)
    assert whatif(and_or, countries=["FR"]).removed == ("m1",)
    with pytest.raises(UnknownName, match=r"^unknown vendor or offering 'lito'; did you mean 'litho'\?$"):
        whatif(and_or, ["lito"])
    with pytest.raises(UnknownName, match=r"^no vendor of the map is in 'JP' \(countries: DE, FR, NL, TW, US\)$"):
        whatif(and_or, countries=["JP"])


def test_share_weighted_capacity(tmp_path: Path) -> None:
    """An app that takes 70% of its model supply from ma (on cloud x) and 30% from mb (on cloud y)
    keeps 30% when cloud x goes; one with ma at 60% and mb taking the rest keeps 40%."""
    p = make_map(
        tmp_path,
        {
            "apps": "offerings:\n"
            + offering("p1", "apps", "uses_model: [{id: ma, share: 0.7}, {id: mb, share: 0.3}]")
            + offering("p2", "apps", "uses_model: [{id: ma, share: 0.6}, mb]"),
            "models": "offerings:\n"
            + offering("ma", "closed-foundation-models", "runs_on: [x]")
            + offering("mb", "closed-foundation-models", "runs_on: [y]"),
            "cloudx": "offerings:\n" + offering("x", "cloud-platforms"),
            "cloudy": "offerings:\n" + offering("y", "cloud-platforms"),
        },
    )
    w = whatif(p, ["cloudx"])
    assert w.failed_apps == ()
    assert {a: round(c, 9) for a, c in w.app_capacity.items()} == {"p1": 0.3, "p2": 0.4}


# -- chokepoints --------------------------------------------------------------------------------------


def test_chokepoint_ranking_ties_and_capacity_lost(and_or: Projection) -> None:
    """The fab and its sole lithography supplier cut the app off alike and share rank 1; the rest
    follow by apps cut off, then capacity lost."""
    c = chokepoints(and_or)
    assert [(x.rank, x.vendor, x.apps_cut_off, x.capacity_lost) for x in c.ranking] == [
        (1, "chip1", ("a1",), 1.0),
        (1, "cloud1", ("a1",), 1.0),
        (1, "fab", ("a1",), 1.0),
        (1, "litho", ("a1",), 1.0),
        (1, "modelx", ("a1",), 1.0),
        (6, "chip2", (), 0.5),
        (6, "cloud2", (), 0.5),
    ]
    assert c.rank_of("appx") is None  # applications only: not a candidate
    assert c.articulation_points == ["f1"]  # l1 hangs off the fab once direction is ignored
    # Shortest directed paths through each node, counted by hand (split where two paths tie).
    assert c.betweenness == {"f1": 6.0, "c1": 5.0, "h1": 5.0, "c2": 3.0, "h2": 3.0, "m1": 2.0}


def test_critical_pairs_are_minimal_cut_sets_of_two(tmp_path: Path) -> None:
    """An app with two alternative models: neither model vendor cuts it off alone, both together do."""
    p = make_map(
        tmp_path,
        {
            "app": "offerings:\n" + offering("a", "apps", "uses_model: [m1, m2]"),
            "one": "offerings:\n" + offering("m1", "closed-foundation-models", "runs_on: [c]"),
            "two": "offerings:\n" + offering("m2", "open-foundation-models", "runs_on: [c]"),
            "cloud": "offerings:\n" + offering("c", "cloud-platforms"),
        },
    )
    c = chokepoints(p)
    assert [(x.rank, x.vendor, len(x.apps_cut_off), x.capacity_lost) for x in c.ranking] == [
        (1, "cloud", 1, 1.0),
        (2, "one", 0, 0.5),
        (2, "two", 0, 0.5),
    ]
    assert [(x.vendors, x.apps_cut_off) for x in c.pairs] == [(("one", "two"), ("a",))]
    assert c.articulation_points == []  # a - m1 - c - m2 - a is a cycle once direction is ignored
    assert c.betweenness == {"m1": 0.5, "m2": 0.5}  # the two shortest paths from a to c


# -- concentration ------------------------------------------------------------------------------------


def test_hhi_computed_by_hand() -> None:
    """Shares 50/30/10 with 10% unattributed: HHI 2,500 + 900 + 100 = 3,500, at most 3,600."""
    c = measure("market", "m", BY_FIGURES, "2024", {"a": 0.5, "b": 0.3, "c": 0.1}, {"a": "US", "b": "KR", "c": "TW"})
    assert (c.hhi, c.hhi_max, c.cr1, c.cr4, c.unattributed) == (3500.0, 3600.0, 0.5, 0.9, 0.1)
    assert c.band == "highly concentrated"
    assert c.countries == (("US", 0.5), ("KR", 0.3), ("TW", 0.1)) and c.countries_to_75 == 2
    five = measure("market", "m", BY_FIGURES, None, {"a": 0.3, "b": 0.2, "c": 0.2, "d": 0.1, "e": 0.2}, {})
    assert (five.hhi, five.cr4) == (2200.0, 0.9)
    assert five.countries_to_75 is None  # no country is known


def test_guideline_bands() -> None:
    assert [band(h) for h in (1800.01, 1800.0, 1000.0, 999.99)] == [
        "highly concentrated",
        "moderately concentrated",
        "moderately concentrated",
        "unconcentrated",
    ]


def test_concentration_from_dependents_and_from_figures(and_or: Projection, tmp_path: Path) -> None:
    """Without figures, shares are the demand of dependents: cloud-platforms gets the model's 0.5 + 0.5
    and the app's 1 (c1: 1.5, c2: 0.5), so HHI = 75^2 + 25^2 = 6,250."""
    by_id = {(c.scope, c.id): c for c in concentration(and_or)}
    clouds = by_id[("layer", "cloud-platforms")]
    assert clouds.basis == BY_DEPENDENTS
    assert clouds.shares == (("cloud1", 0.75), ("cloud2", 0.25))
    assert (clouds.hhi, clouds.countries_to_75, clouds.countries) == (6250.0, 1, (("US", 0.75), ("DE", 0.25)))
    assert by_id[("layer", "foundry")].shares == (("fab", 1.0),)
    assert ("layer", "apps") not in by_id  # nothing depends on an app


def test_concentration_prefers_market_share_figures(mini) -> None:
    """The mini map has one cloud-infrastructure figure (CloudCo 40%): HHI 1,600, fringe 60%."""
    by_id = {(c.scope, c.id): c for c in concentration(project(mini.store))}
    market = by_id[("market", "cloud-infrastructure")]
    assert (market.basis, market.period, market.shares) == (BY_FIGURES, "2023", (("cloudco", 0.4),))
    assert (market.hhi, market.hhi_max, market.band, market.countries_to_75) == (
        1600.0,
        5200.0,
        "moderately concentrated",
        None,
    )
    assert by_id[("layer", "cloud-platforms")].basis == f"{BY_FIGURES} (cloud-infrastructure)"


# -- value flow, integration, moats --------------------------------------------------------------------


def test_value_flow_with_the_data_parameters(mini) -> None:
    """Apps spend 20-40% on inference, all through model providers, who spend half on cloud: 10-20%."""
    flow = value_flow(project(mini.store))
    assert flow.figures == ("app-inference-spend", "modelco-cloud-spend")
    assert flow.cloud_share == (0.1, 0.2)
    assert [(f.source, f.target, f.low, f.high) for f in flow.flows] == [
        ("applications", "models", 0.2, 0.4),
        ("applications", "cloud-platforms", 0.0, 0.0),
        ("models", "cloud-platforms", 0.1, 0.2),
    ]
    assert flow.kept == {"applications": (0.8, 0.6), "models": (0.1, 0.2), "cloud-platforms": (0.1, 0.2)}
    assert flow.essay_estimate is None and flow.reproduces is None


def test_value_flow_overrides(mini) -> None:
    """Half of the inference spend straight to clouds, on $1M of app revenue: clouds get
    0.3 x (0.5 + 0.5 x 0.4) = 21% = $210,000."""
    flow = value_flow(project(mini.store), inference_spend=(0.3, 0.3), cloud_spend=(0.4, 0.4), direct_to_cloud=0.5)
    assert flow.figures == () and flow.cloud_share == (0.21, 0.21)
    dollars = value_flow(project(mini.store), direct_to_cloud=0.5, revenue=1e6)
    assert dollars.kept["cloud-platforms"] == (150000.0, 300000.0)


def test_value_flow_without_figures(and_or: Projection) -> None:
    with pytest.raises(MissingFigure, match="no `inference-spend-ratio` figure: give --inference-spend"):
        value_flow(and_or)
    assert value_flow(and_or, inference_spend=(0.2, 0.2), cloud_spend=(1.0, 1.0)).cloud_share == (0.2, 0.2)


def test_vertical_integration_alone_and_through_subsidiaries(tmp_path: Path) -> None:
    p = make_map(
        tmp_path,
        {
            "bigco": "offerings:\n"
            + offering("big-cloud", "cloud-platforms")
            + offering("big-model", "closed-foundation-models", "runs_on: [big-cloud]"),
            "holdco": "offerings:\n" + offering("hold-chip", "compute-hardware"),
            "appsub": "parent: holdco\nofferings:\n" + offering("sub-app", "apps", "uses_model: [big-model]"),
        },
    )
    found = {x.vendor: x for x in vertical_integration(p)}
    assert sorted(found) == ["bigco", "holdco"]
    assert found["bigco"].top_layers == ("models", "infrastructure")
    assert found["bigco"].offerings == {"models": ("big-model",), "infrastructure": ("big-cloud",)}
    assert (found["holdco"].top_layers, found["holdco"].subsidiaries, found["holdco"].group_top_layers) == (
        ("infrastructure",),
        ("appsub",),
        ("applications", "infrastructure"),
    )


def test_moat_matrix_cells(mini) -> None:
    m = moat_matrix(project(mini.store), ["supply-chain", "workflow-depth", "scale"])
    assert m.layers[0] == "end-to-end-apps" and m.layers[-1] == "lithography-equipment"
    assert m.cells["apps"] == {"supply-chain": (), "workflow-depth": ("appco",), "scale": ()}
    assert m.cells["cloud-platforms"]["supply-chain"] == ("cloudco",)
    assert sum(len(v) for row in m.cells.values() for v in row.values()) == 2


# -- the one-pass chokepoint computation equals simulating every removal -------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Projection:
    """A generated market of 150 vendors (shares, vendor references, vendor-level dependencies)."""
    from benchmarks.market import generate_market

    folder = tmp_path_factory.mktemp("market")
    generate_market(150, folder, seed=11)
    return project(load_valid(folder).store)


def test_one_pass_ranking_equals_simulating_each_removal(generated: Projection) -> None:
    """For every candidate: the apps cut off and the capacity lost equal survival and capacity run on
    that removal alone."""
    from graph.analysis.capacity import capacities
    from graph.analysis.chokepoints import candidates
    from graph.analysis.survival import failed_nodes

    index = generated.index
    ranked = {c.vendor: c for c in chokepoints(generated).ranking}
    assert sorted(ranked) == candidates(generated)
    n_apps = len(generated.apps)
    losses = set()
    for vendor, result in ranked.items():
        removed = {index.number[n] for n in generated.nodes_of(vendor)}
        failed = failed_nodes(index, removed)
        capacity = capacities(index, removed)
        apps = tuple(sorted(index.ids[n] for n in failed if index.is_app[n]))
        lost = sum(1 - capacity.get(index.number[a], 1.0) for a in generated.apps) / n_apps
        assert result.apps_cut_off == apps, vendor
        assert result.capacity_lost == pytest.approx(lost, abs=1e-9), vendor
        losses.add(round(lost, 6))
    assert len(losses) > 10  # the market is varied enough for the comparison to mean something


def test_one_pass_pairs_equal_simulating_each_pair(generated: Projection) -> None:
    """The critical pairs of the top candidates equal those found by removing every pair."""
    from graph.analysis.chokepoints import PAIR_POOL, candidates
    from graph.analysis.survival import failed_nodes

    index = generated.index
    result = chokepoints(generated)

    def apps_failing(vendors: list[str]) -> set[int]:
        removed = {index.number[n] for v in vendors for n in generated.nodes_of(v)}
        return {n for n in failed_nodes(index, removed) if index.is_app[n]}

    alone = {v: apps_failing([v]) for v in candidates(generated)}
    expected = {}
    for a in [c.vendor for c in result.ranking[:PAIR_POOL]]:
        for b in candidates(generated):
            if b != a:
                new = apps_failing([a, b]) - alone[a] - alone[b]
                if new:
                    expected[tuple(sorted((a, b)))] = tuple(sorted(index.ids[n] for n in new))
    assert {p.vendors: p.apps_cut_off for p in result.pairs} == expected
    assert len(expected) >= 3


def test_vendor_without_offerings_stands_as_a_node(tmp_path: Path) -> None:
    """A vendor with only a `layer` is one node; naming it means that node, and removing it cuts its
    dependents off."""
    p = make_map(
        tmp_path,
        {
            "app": "offerings:\n" + offering("a", "apps", "uses_model: [labco]"),
            "labco": "layer: closed-foundation-models\nruns_on: [c]\n",
            "cloud": "offerings:\n" + offering("c", "cloud-platforms"),
        },
    )
    assert sorted(p.graph.edges) == [("a", "labco"), ("labco", "c")]
    assert p.graph.nodes["labco"]["kind"] == "vendor" and p.nodes_of("labco") == ["labco"]
    assert whatif(p, ["labco"]).failed_apps == ("a",)
    assert reach(p).vendors == {"app": 0, "cloud": 1, "labco": 1}
