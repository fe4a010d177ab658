"""`stackmap import epoch-hub`: a handful of real rows of each of Epoch AI's tables (tests/fixtures/epoch-hub)
become models, chips, cluster fleets, measured markets and company figures that check clean beside the
shipped data and come out the same on every run."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import TESTS, snapshot
from graph.check.validate import check
from graph.importers.clusters import (
    CHIP_COLUMNS,
    OWNER_RULES,
    SECTOR_REASONS,
    chip_parts,
    current,
    exact_shares,
    floor_share,
    read_clusters,
    uncounted,
)
from graph.importers.hardware import family_name, names_node
from graph.importers.models import BY_DATA, BY_FRONTIER, BY_MODELS, Selection, select_organisations
from graph.importers.names import key, read_existing
from graph.importers.registry import Registry
from graph.importers.run import import_epoch_hub
from graph.importers.summary import Summary
from graph.importers.tables import country_code
from graph.importers.writer import MARKER

HUB = TESTS / "fixtures" / "epoch-hub"
DAY = "2025-12-03"


@pytest.fixture
def data(essay_map: Path) -> Path:
    """The importer's expectations are those of the essay-era map (the shipped data grows)."""
    return essay_map


def _rows(name: str) -> list[dict[str, str]]:
    with (HUB / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _import(data: Path, **options):
    import datetime as dt

    return import_epoch_hub(HUB, data / "imported" / "epoch", data, downloaded=dt.date.fromisoformat(DAY), **options)


def _yaml(data: Path, relpath: str) -> dict:
    return yaml.safe_load((data / "imported" / "epoch" / relpath).read_text(encoding="utf-8"))


def _offering(data: Path, vendor: str, offering: str) -> dict:
    return next(o for o in _yaml(data, f"vendors/{vendor}.yaml")["offerings"] if o["id"] == offering)


def _figures(data: Path, stem: str) -> dict[str, dict]:
    return {f["id"]: f for f in _yaml(data, f"market/{stem}.yaml")["figures"]}


# -- the rules, on the fixture rows ------------------------------------------------------------


def test_the_organisation_rule() -> None:
    """Of the models of 2023-2025: Mistral AI, xAI and Meta AI are first on 3 industry models each;
    Inflection AI is first on a frontier model; OpenAI is a vendor already. Moonshot has 2 models,
    Tsinghua University 3 that Epoch counts as academia, and AI21 Labs' frontier model is of 2021."""
    models, frontier = _rows("notable_ai_models.csv"), _rows("frontier_ai_models.csv")
    chosen = select_organisations(models, frontier, key, {"openai"}, Selection())
    assert chosen == {
        "inflectionai": BY_FRONTIER,
        "metaai": BY_MODELS,
        "mistralai": BY_MODELS,
        "openai": BY_DATA,
        "xai": BY_MODELS,
    }
    assert "moonshot" in select_organisations(models, frontier, key, set(), Selection(min_models=2))
    assert "ai21labs" in select_organisations(models, frontier, key, set(), Selection(first_year=2021))
    assert select_organisations(models, frontier, key, {"openai"}, Selection(2026, 2027)) == {}


def test_chip_families_and_foundry_nodes() -> None:
    """Variants are one chip; a process size names a node offering ("N5", `tsmc-n5`, "5nm")."""
    assert family_name("NVIDIA H100 SXM5 80GB") == family_name("NVIDIA H100 PCIe") == "NVIDIA H100"
    assert family_name("NVIDIA Tesla V100 SXM2 32 GB") == "NVIDIA V100"
    assert family_name("AMD Radeon Instinct MI250X") == "AMD Instinct MI250X"
    assert family_name("NVIDIA B300 (Blackwell Ultra)") == "NVIDIA B300"
    assert family_name("NVIDIA A100") != family_name("NVIDIA A10 PCIe") == "NVIDIA A10"
    assert names_node(["tsmc-n5", "TSMC N5 family (N5, N4, 4N)"], "4")
    assert names_node(["samsung-5nm"], "5") and not names_node(["tsmc-n7", "TSMC N7 family (N7, N7+, N6)"], "5")
    assert not names_node(["TSMC N50"], "5") and not names_node(["TSMC N16"], "6")


def test_country_names_as_epoch_spells_them() -> None:
    """The Country cells name countries as Epoch spells them; every one of the fixture's is known."""
    assert [country_code(c) for c in ("Korea (Republic of)", "Philippines (the)", "Russia", "Multinational")] == [
        "KR", "PH", "RU", None,
    ]  # fmt: skip
    assert all(country_code(r["Country"]) for r in _rows("gpu_clusters.csv") if r["Country"])


def test_which_clusters_count() -> None:
    """Planned, decommissioned, unlikely and possibly duplicated clusters never count; the reasons say so."""
    reasons = {r["Name"]: uncounted(r) for r in _rows("gpu_clusters.csv")}
    assert reasons["Tesla Cortex Phase 2"] == "status 'Planned' (only Existing clusters count)"
    assert reasons["Oak Ridge NL Summit"] == "status 'Decommissioned' (only Existing clusters count)"
    assert reasons["NVIDIA SATURN V Phase 3"] == "certainty 'Unlikely' (only Confirmed and Likely count)"
    assert reasons["Paper on Llama 3.1"] == "marked a possible duplicate of another row"
    assert reasons["xAI Colossus Memphis Phase 1"] is None and reasons["Meta GenAI 2024a"] is None


def test_a_later_phase_replaces_the_one_it_includes(data: Path) -> None:
    """Colossus phase 1 counts until phase 2 is operational, which counts until phase 3 is."""
    registry = Registry(read_existing(data), {}, Summary())
    clusters = read_clusters(_rows("gpu_clusters.csv"), registry)

    def colossus(on: str) -> list[str]:
        return [c.name for c in current(clusters, on) if c.name.startswith("xAI")]

    assert colossus("2024-12-31") == ["xAI Colossus Memphis Phase 1"]
    assert colossus("2025-03-01") == ["xAI Colossus Memphis Phase 2"]
    assert colossus("2025-12-31") == ["xAI Colossus Memphis Phase 3"]
    assert colossus("2024-01-01") == []


def test_share_arithmetic() -> None:
    """Chip parts add up to the cluster's H100 equivalents; rounded shares add up to exactly 1."""
    factors = {"H100": 1.0, "GB200": 2.5}
    assert chip_parts([("H100", 200000), ("GB200", 30000)], 275000, factors) == [("H100", 200000), ("GB200", 75000)]
    assert chip_parts([("H100", 200000), ("X", 30000)], 260000, factors) == [("H100", 200000), ("X", 60000)]
    assert chip_parts([("H100", 32000), ("H200", None)], 32000, factors) == [("H100", 32000)]
    assert chip_parts([("A", 1), ("B", 3)], 8, {}) == [("A", 2), ("B", 6)]
    for weights in ({"a": 1, "b": 1, "c": 1}, {"a": 10**6, "b": 1}, {"a": 2, "b": 1, "c": 1e-9, "d": 7}):
        shares = exact_shares(weights)
        assert sum(shares.values()) == 1 and min(shares.values()) > 0
    assert exact_shares({"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("0.3334"),
        "b": Decimal("0.3333"),
        "c": Decimal("0.3333"),
    }
    assert floor_share(2, 3) == Decimal("0.6666")


# -- the whole fixture imported beside the shipped data ----------------------------------------


def test_models_layers_dates_and_chips(data: Path) -> None:
    """Open weights decide the layer; `released` is the publication date; training chips are the
    hand-written H100 and A100 (never duplicated); rows outside the window or the rule are left out."""
    summary = _import(data)
    mixtral = _offering(data, "mistral-ai", "mixtral-8x7b")
    assert (mixtral["layer"], mixtral["open_weights"], mixtral["released"]) == (
        "open-foundation-models",
        True,
        "2023-12-11",
    )
    large = _offering(data, "mistral-ai", "mistral-large")
    assert (large["layer"], large["open_weights"], large["released"]) == (
        "closed-foundation-models",
        False,
        "2024-02-26",
    )
    assert [r["id"] for r in large["trained_on"]] == ["nvidia-h100"]
    assert [r["id"] for r in _offering(data, "openai", "gpt-4-mar-2023")["trained_on"]] == ["nvidia-a100"]
    assert _offering(data, "inflection-ai", "inflection-2")["layer"] == "closed-foundation-models"
    assert summary.offerings_merged["nvidia-h100"] == {"NVIDIA H100 PCIe", "NVIDIA H100 SXM5 80GB"}
    nvidia = {o["id"] for o in _yaml(data, "vendors/nvidia.yaml")["offerings"]}
    assert "nvidia-h100" not in nvidia and not any("h100" in o for o in nvidia)
    imported = "".join(p.read_text(encoding="utf-8") for p in (data / "imported" / "epoch").rglob("*.yaml"))
    for absent in ("Kimi", "RDT-1B", "Jamba", "PaLM"):  # Moonshot, Tsinghua, AI21 Labs; a 2022 model
        assert absent not in imported
    assert summary.organisations == {
        "inflection-ai": BY_FRONTIER, "meta": BY_MODELS, "mistral-ai": BY_MODELS, "openai": BY_DATA, "xai": BY_MODELS,
    }  # fmt: skip


def test_accelerators_released_and_fabbed_by_their_node(data: Path) -> None:
    """5 nm is TSMC's N5 family, written by hand; 3 nm, 12 nm and 65 nm, which the essay-era map has no
    TSMC offering of, become node offerings made once per foundry and size and shared by the chips of
    that size, released with the first of them (the table gives no date for a node); a foundry new to
    the map (SMIC) gets its 7 nm node and nothing else; only a chip without a process size is TSMC with `any`."""
    summary = _import(data)
    h200 = _offering(data, "nvidia", "nvidia-h200")
    assert (h200["released"], h200["aliases"], h200["fabbed_by"][0]["id"]) == (
        "2024-11-18",
        ["NVIDIA H200 SXM"],
        "tsmc-n5",
    )
    assert _offering(data, "amd", "amd-instinct-mi300x")["fabbed_by"][0]["id"] == "tsmc-n5"
    chips = (("amd", "amd-instinct-mi355x"), ("amd", "amd-instinct-mi350x"), ("nvidia", "nvidia-v100"),
             ("nvidia", "nvidia-geforce-gtx-280"), ("huawei", "huawei-ascend-910b"))  # fmt: skip
    refs = {chip: _offering(data, vendor, chip)["fabbed_by"] for vendor, chip in chips}
    assert {chip: [r["id"] for r in rs] for chip, rs in refs.items()} == {
        "amd-instinct-mi355x": ["tsmc-3nm"],
        "amd-instinct-mi350x": ["tsmc-3nm"],
        "nvidia-v100": ["tsmc-12nm"],
        "nvidia-geforce-gtx-280": ["tsmc-65nm"],
        "huawei-ascend-910b": ["smic-7nm"],
    }
    assert not any("any" in r for rs in refs.values() for r in rs)
    assert refs["huawei-ascend-910b"][0]["note"] == 'Epoch AI ML Hardware row "Huawei Ascend 910B": 7 nm process'
    tsmc = _yaml(data, "vendors/tsmc.yaml")
    nodes = {o["id"]: o for o in tsmc["offerings"]}
    assert (tsmc["extends"], sorted(nodes)) == ("tsmc", ["tsmc-12nm", "tsmc-3nm", "tsmc-65nm"])
    three = nodes["tsmc-3nm"]
    assert (three["name"], three["layer"], three["released"]) == (
        "TSMC 3 nm (process size as Epoch AI lists it)",
        "foundry",
        "2025-06-12",  # the MI350X and MI355X, the first chips the table lists on it
    )
    assert nodes["tsmc-65nm"]["released"] == "2008-06-16"  # the GeForce GTX 280
    assert "chips made by TSMC: AMD Instinct MI350X, AMD Instinct MI355X." in three["description"]
    assert [o["id"] for o in _yaml(data, "vendors/smic.yaml")["offerings"]] == ["smic-7nm"]
    assert sorted(summary.foundry_nodes) == ["smic-7nm", "tsmc-12nm", "tsmc-3nm", "tsmc-65nm"]
    assert summary.offerings_created["foundry node"] == 4 and "foundry" not in summary.offerings_created
    assert any(line.startswith("foundry nodes: 4 made from the hardware table's") for line in summary.lines())
    gb200 = _offering(data, "nvidia", "nvidia-gb200")["fabbed_by"][0]
    assert (gb200["id"], gb200["any"]) == ("tsmc", True) and "process size not given" in gb200["note"]


def test_a_chip_of_2008_is_on_its_own_node_in_the_view(data: Path) -> None:
    """The projection of the combined map: the GeForce GTX 280 (2008, 65 nm) is fabbed by TSMC's 65 nm
    node only, not by every TSMC process, whatever the date. A hand-written chip that names TSMC with
    `any: true` (Cloud TPU) still stands on the hand-written nodes: the made ones share their market
    (`foundry`), so they join the alternatives rather than replace them."""
    from graph import load_map

    _import(data)
    for day in ("2008-12-31", "2025-12-31"):
        graph = load_map(data, as_of=day).projection.graph
        assert list(graph["nvidia-geforce-gtx-280"]) == ["tsmc-65nm"]
    nodes = set(load_map(data, as_of="2025-12-31").projection.graph["google-tpu"])
    assert {"tsmc-n5", "tsmc-n7"} <= nodes and nodes <= {"tsmc-n5", "tsmc-n7", "tsmc-3nm", "tsmc-12nm", "tsmc-65nm"}
    assert _yaml(data, "vendors/tsmc.yaml")["offerings"][0]["market"] == "foundry"


def test_a_hand_written_node_is_used_and_the_made_one_goes(data: Path) -> None:
    """Once the data folder has TSMC's N3 family, a re-run points the 3 nm chips at it (matched by
    size, as N5 is) and no longer makes `tsmc-3nm`."""
    _import(data)
    (data / "vendors" / "tsmc-n3.yaml").write_text(
        "extends: tsmc\nsource: a16z-2023-genai-platform\n"
        "offerings:\n  - {id: tsmc-n3, name: 'TSMC N3 family (N3, N3E, N3P)', layer: foundry, released: 2022-12}\n",
        encoding="utf-8",
    )
    summary = _import(data)
    assert _offering(data, "amd", "amd-instinct-mi355x")["fabbed_by"][0]["id"] == "tsmc-n3"
    assert _offering(data, "amd", "amd-instinct-mi350x")["fabbed_by"][0]["id"] == "tsmc-n3"
    assert sorted(o["id"] for o in _yaml(data, "vendors/tsmc.yaml")["offerings"]) == ["tsmc-12nm", "tsmc-65nm"]
    assert "tsmc-3nm" not in summary.foundry_nodes
    assert check(data, warnings=True)[1] == []


def _fleets(data: Path) -> dict[str, dict]:
    return {
        o["id"]: o
        for path in (data / "imported" / "epoch" / "vendors").glob("*.yaml")
        for o in yaml.safe_load(path.read_text(encoding="utf-8"))["offerings"]
        if o["id"].endswith("-clusters")
    }


def test_owners_run_on_their_chips_with_shares_adding_up_to_one(data: Path) -> None:
    """Each owner with a fleet runs on the chips of its current clusters, by H100 equivalents; `since` is
    the first operational date of the earliest phase; co-owned clusters count half for each owner."""
    _import(data)
    fleets = _fleets(data)
    assert sorted(fleets) == [
        "cerebras-ai-clusters", "gcore-ai-clusters", "google-ai-clusters", "lambda-ai-clusters", "meta-ai-clusters",
        "microsoft-ai-clusters", "nebius-ai-clusters", "nhn-corporation-ai-clusters", "openai-ai-clusters",
        "oracle-ai-clusters", "sesterce-ai-clusters", "together-ai-clusters", "xai-ai-clusters",
    ]  # fmt: skip
    for fleet in fleets.values():
        assert fleet["layer"] == "cloud-platforms"
        assert sum(Decimal(str(r["share"])) for r in fleet["runs_on"]) == 1
        assert all(r["note"].startswith("Epoch AI GPU Clusters rows:") for r in fleet["runs_on"])
        assert fleet["id"] == "sesterce-ai-clusters" or all("https://" in r["note"] for r in fleet["runs_on"])
    xai = {r["id"]: r for r in fleets["xai-ai-clusters"]["runs_on"]}
    assert {k: (r["share"], r["since"]) for k, r in xai.items()} == {
        "nvidia-h100": (0.7252, "2024-09-02"),  # phase 3's 200,000 H100s, there since phase 1
        "nvidia-gb200": (0.2748, "2025-07-22"),
    }
    oracle = {r["id"]: r["share"] for r in fleets["oracle-ai-clusters"]["runs_on"]}
    assert oracle == {"nvidia-h200": 0.7517, "amd-instinct-mi300x": 0.2483}
    assert fleets["lambda-ai-clusters"]["runs_on"][0]["id"] == "nvidia-h100"  # "Lambda Labs" is `lambda`
    assert "53,941 H100 equivalents" in fleets["openai-ai-clusters"]["description"]  # half of two co-owned clusters
    nebius = {r["id"]: r["share"] for r in fleets["nebius-ai-clusters"]["runs_on"]}  # 8,000 H100 and 4,992 H200
    assert nebius == {"nvidia-h100": 0.6158, "nvidia-h200": 0.3842}
    assert fleets["nebius-ai-clusters"]["name"] == "Nebius AI clusters"  # not "Nebius AI AI clusters"
    assert "1 cluster, 160 H100 equivalents" in fleets["gcore-ai-clusters"]["description"]  # half of 320
    assert "2 clusters, 1,160 H100 equivalents" in fleets["nhn-corporation-ai-clusters"]["description"]


def test_private_owners_are_made_vendors(data: Path) -> None:
    """Owners of the Private sector that no vendor matches are made vendors with their fleet, and take
    the country of their clusters when those name one (a blank one says nothing; a co-owned cluster
    says nothing of its owners); owners in the map keep their id ("Lambda Labs", "Meta AI")."""
    summary = _import(data)
    made = {
        vid: _yaml(data, f"vendors/{vid}.yaml")
        for vid in ("together", "nebius-ai", "sesterce", "gcore", "nhn-corporation")
    }
    assert {vid: (f["name"], f.get("country")) for vid, f in made.items()} == {
        "together": ("Together", "US"),
        "nebius-ai": ("Nebius AI", None),  # Finland and Iceland
        "sesterce": ("Sesterce", "FR"),  # France, and a row without a country
        "gcore": ("Gcore", None),  # only a cluster co-owned with NHN
        "nhn-corporation": ("NHN Corporation", "KR"),
    }
    assert all(f["source"] == "epoch-gpu-clusters" and "extends" not in f for f in made.values())
    assert summary.cluster_owners == {"in the map": 8, "made vendors": 5}
    assert set(made) <= set(summary.vendors_created)
    assert (
        _yaml(data, "vendors/lambda.yaml")["extends"] == "lambda"
        and not (data / "imported" / "epoch" / "vendors" / "lambda-labs.yaml").exists()
    )
    assert "meta-ai-clusters" in {o["id"] for o in _yaml(data, "vendors/meta.yaml")["offerings"]}
    # NHN's own cluster is Public/Private; it is a vendor by its private cluster with Gcore, so both count
    nhn = _offering(data, "nhn-corporation", "nhn-corporation-ai-clusters")["runs_on"][0]["note"]
    assert "NHN Cloud's National AI Data Center" in nhn and "Gcore data center Phase 1" in nhn
    line = "cluster owners: 13 with a fleet (8 in the map, 5 made vendors by the private-sector rule), 5 left out"
    assert any(text.startswith(line) for text in summary.lines())


def test_public_sector_owners_stay_out_with_their_reason(data: Path) -> None:
    """Governments, universities and national labs (Public), state-owned and public-private bodies
    (Public/Private) and an owner without a sector are not made vendors: each is counted once with why,
    and its clusters stay in the markets' totals."""
    summary = _import(data)
    owners = {reason: n for (what, reason), n in summary.skipped.items() if what == "cluster owners"}
    assert owners == {
        SECTOR_REASONS["public"]: 2,  # US Department of Energy, University of Cambridge
        SECTOR_REASONS["public/private"]: 2,  # Petrobras, G42 (its co-owner Cerebras is in the map)
        SECTOR_REASONS[""]: 1,  # MosaicML
    }
    assert owners[SECTOR_REASONS["public"]] and "governments, universities, national labs" in SECTOR_REASONS["public"]
    vendors = {p.stem for p in (data / "imported" / "epoch" / "vendors").glob("*.yaml")}
    assert not vendors & {"us-department-of-energy", "university-of-cambridge", "petrobras", "g42", "mosaicml"}
    assert summary.skipped["cluster rows", "no owner named (in the markets' totals only)"] == 1  # Quebec
    assert summary.skipped["cluster rows", "no owner that gets a fleet (in the markets' totals only)"] == 4


def test_the_owner_rule_changes_who_is_named_not_what_the_markets_count(data: Path, tmp_path: Path) -> None:
    """With --cluster-owners in-map only the owners already in the map get fleets (the others are
    counted as not in the map); the markets count the same clusters either way: the supplier shares are
    the same, and so is every share of an owner in the map."""
    import shutil

    other = tmp_path / "in-map"
    shutil.copytree(data, other)
    _import(data)
    summary = _import(other, cluster_owners="in-map")
    assert sorted(_fleets(other)) == [
        f"{v}-ai-clusters" for v in ("cerebras", "google", "lambda", "meta", "microsoft", "openai", "oracle", "xai")
    ]
    assert summary.skipped["cluster owners", "not in the map (--cluster-owners in-map)"] == 10
    assert summary.cluster_owners == {"in the map": 8}
    private, in_map = _figures(data, "epoch-gpu-clusters"), _figures(other, "epoch-gpu-clusters")
    assert {k: f for k, f in private.items() if f["about"] in {f["about"] for f in in_map.values()}} == in_map
    assert {f["about"] for f in private.values()} - {f["about"] for f in in_map.values()} == {
        "gcore", "nebius-ai", "nhn-corporation", "sesterce", "together",
    }  # fmt: skip


def test_a_hand_written_vendor_is_matched_by_its_name_less_a_generic_word(data: Path) -> None:
    """ "Together" is the hand-written "Together AI" (`together-ai`): extended, not made again; a stem
    that two vendors share matches neither."""
    (data / "vendors" / "together-ai.yaml").write_text(
        "id: together-ai\nname: Together AI\ncountry: US\nsource: a16z-2023-genai-platform\n"
        "offerings:\n  - {id: together-cloud, name: Together Cloud, layer: cloud-platforms}\n",
        encoding="utf-8",
    )
    summary = _import(data)
    assert _yaml(data, "vendors/together-ai.yaml")["extends"] == "together-ai"
    assert not (data / "imported" / "epoch" / "vendors" / "together.yaml").exists()
    assert summary.merged_spellings["together-ai"] == {"Together"}
    assert summary.cluster_owners == {"in the map": 9, "made vendors": 4}
    assert check(data, warnings=True)[1] == []
    registry = Registry(read_existing(data), {}, Summary())
    assert registry.find_vendor("Together") == "together-ai" and registry.find_vendor("Stability") == "stability-ai"
    (data / "vendors" / "together-labs.yaml").write_text(
        "id: together-labs\nname: Together Labs\nsource: a16z-2023-genai-platform\n"
        "offerings:\n  - {id: together-app, name: Together App, layer: apps}\n",
        encoding="utf-8",
    )
    assert Registry(read_existing(data), {}, Summary()).find_vendor("Together") is None


def test_the_measured_markets(data: Path) -> None:
    """Installed AI compute by owner and by chip supplier, for 2023 and 2025: shares of one market and
    period add up to at most 1 (the rest is owners not in the map), and the note says they are not sales."""
    summary = _import(data)
    figures = _figures(data, "epoch-gpu-clusters")
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for f in figures.values():
        assert (f["metric"], f["unit"]) == ("market-share", "ratio")
        assert "not a share of sales" in f["note"] and "H100 equivalents" in f["note"]
        totals[f["market"], f["period"]] += Decimal(str(f["value"]))
    assert set(totals) == {(m, p) for m in ("installed-ai-compute-by-owner", "installed-ai-compute-by-chip-supplier")
                           for p in ("2023", "2025")}  # fmt: skip
    assert all(t <= 1 for t in totals.values())
    assert totals["installed-ai-compute-by-owner", "2025"] < 1  # the Department of Energy is not in the map
    xai = figures["installed-ai-compute-by-owner-2025-xai"]
    assert (xai["value"], xai["as_of"], xai["about"]) == (0.4436, "2025-07-22", "xai")  # 275,796 of 621,635
    assert figures["installed-ai-compute-by-owner-2023-lambda"]["as_of"] == "2023-12-31"
    assert summary.markets["installed-ai-compute-by-chip-supplier", "2025"][:2] == [
        ("nvidia", "0.8774"),
        ("amd", "0.1058"),
    ]
    assert "installed-ai-compute-by-owner-2023-xai" not in figures  # Colossus came in 2024


def test_company_figures_keep_only_good_confidence(data: Path) -> None:
    """Confident and Likely reports become dated figures with their row's links; Uncertain ones, those
    Epoch leaves out of its charts and a product's revenue are counted as skipped."""
    summary = _import(data)
    figures = _figures(data, "epoch-ai-companies")
    run_rate = figures["openai-annualized-revenue-2023-08-29"]
    assert (run_rate["value"], run_rate["unit"], run_rate["period"], run_rate["about"]) == (
        1000000000, "USD/year", "2023-08-29 (annualized)", "openai",
    )  # fmt: skip
    assert (
        "(Likely; Media report; reported 2023-08-29). Its sources: https://www.theinformation.com/" in run_rate["note"]
    )
    yearly = figures["openai-revenue-2022-12-31"]
    assert (yearly["value"], yearly["unit"], yearly["period"]) == (28000000, "USD", "2022")
    assert figures["openai-weekly-active-users-2024-12-04"]["about"] == "chatgpt"  # the product is an offering
    assert figures["openai-daily-messages-2024-12-04"]["unit"] == "messages/day"
    assert figures["google-monthly-active-users-2025-10-29"]["about"] == "google"  # Gemini: named in the note
    spend = figures["openai-research-compute-spend-2024-12-31"]
    assert (spend["unit"], spend["period"]) == ("USD", "2024") and "a projection made before 2024-12-31" in spend[
        "note"
    ]
    assert not any(f["about"] == "xai" and f["value"] == 178000000 for f in figures.values())  # Uncertain
    assert summary.skipped["revenue reports", "confidence 'Uncertain' (only Confident and Likely become facts)"] == 1
    assert summary.skipped["usage reports", "left out of Epoch AI's own charts (Exclude from graph view)"] == 1
    assert summary.figures["weekly-active-users"] == 2 and summary.figures["annualized-revenue"] == 3


def test_reimport_is_byte_identical_and_checks_clean(data: Path) -> None:
    """The combined map checks clean without a warning; importing twice gives the same bytes; a dry
    run writes nothing and reports what it would write."""
    out = data / "imported" / "epoch"
    dry = _import(data, dry_run=True)
    assert not out.exists() and dry.files["new"] == 23
    first = _import(data)
    files = snapshot(out)
    second = _import(data)
    assert snapshot(out) == files and second.files["unchanged"] == 23 and first.lines()[1:-1] == second.lines()[1:-1]
    assert all(text.startswith(MARKER.encode()) for text in files.values())
    assert sorted(f for f in files if not f.startswith("vendors/")) == [
        "market/epoch-ai-companies.yaml", "market/epoch-gpu-clusters.yaml", "sources.yaml",
    ]  # fmt: skip
    assert check(data, warnings=True)[1] == []
    assert sorted(_yaml(data, "sources.yaml")["sources"]) == [
        "epoch-ai-companies", "epoch-gpu-clusters", "epoch-ml-hardware", "epoch-notable-ai-models",
    ]  # fmt: skip


# Hand-written vendors of today's map that the essay-era map lacks, in brief: the import must match
# Epoch's spellings to them ("Nebius AI" is `nebius`, "Meta AI" `meta`) and take the 3 nm chips onto
# the hand-written N3 family rather than make a node.
TODAYS_VENDORS = {
    "vendors/nebius.yaml": "id: nebius\nname: Nebius\ncountry: NL\nsource: a16z-2023-genai-platform\n"
    "offerings:\n  - {id: nebius-ai-cloud, name: Nebius AI Cloud, layer: cloud-platforms, released: 2024}\n",
    "vendors/meta.yaml": "id: meta\nname: Meta\ncountry: US\nsource: a16z-2023-genai-platform\n",
    "vendors/tsmc-n3.yaml": "extends: tsmc\nsource: a16z-2023-genai-platform\nofferings:\n"
    "  - {id: tsmc-n3, name: 'TSMC N3 family (N3, N3E, N3P)', layer: foundry, market: foundry, released: 2022-12}\n",
}


def test_an_import_beside_todays_hand_written_vendors_checks_clean(data: Path) -> None:
    """Beside hand-written vendors of today's map (Nebius, Meta, TSMC's N3 family), the fixture's
    import merges with what is there and checks clean, no warning. (The data map's own hand-written
    files name much of the full import, which the fixture's few rows do not replace.)"""
    for name, text in TODAYS_VENDORS.items():
        (data / name).write_text(text, encoding="utf-8")
    summary = _import(data)
    assert summary.files["new"] + summary.files["changed"] > 0
    assert check(data, warnings=True)[1] == []
    # owners matched to the hand-written vendors: "Nebius AI" is `nebius`, "Lambda Labs" `lambda`
    for vendor, fleet in (
        ("nebius", "nebius-ai-clusters"),
        ("lambda", "lambda-ai-clusters"),
        ("meta", "meta-ai-clusters"),
    ):
        assert _yaml(data, f"vendors/{vendor}.yaml")["extends"] == vendor
        assert fleet in {o["id"] for o in _yaml(data, f"vendors/{vendor}.yaml")["offerings"]}
    assert not (data / "imported" / "epoch" / "vendors" / "nebius-ai.yaml").exists()
    assert _yaml(data, "vendors/together.yaml")["name"] == "Together"  # no hand-written Together AI yet
    # the hand-written N3 family takes the 3 nm chips; a node is made only for a size it lacks
    assert _offering(data, "amd", "amd-instinct-mi350x")["fabbed_by"][0]["id"] == "tsmc-n3"
    assert sorted(o["id"] for o in _yaml(data, "vendors/tsmc.yaml")["offerings"]) == ["tsmc-12nm", "tsmc-65nm"]


def test_an_undated_chip_is_left_out_and_a_chip_of_another_table_is_released_when_first_named(
    data: Path, tmp_path: Path
) -> None:
    """The hardware table lists announced chips without a release date: such a row is left out, and a
    model trained on it loses that reference (both counted). A chip only the clusters or the models name
    is released on the first date one of their rows names it (Condor Galaxy 1 is the CS-2's)."""
    import shutil

    from graph.importers.hardware import UNDATED

    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    for name, change in (
        ("ml_hardware.csv", lambda rows: [*rows, {**rows[0], "Hardware name": "Huawei Ascend 950DT",
                                                  "Manufacturer": "Huawei", "Release date": ""}]),
        ("notable_ai_models.csv", lambda rows: [{**r, "Training hardware": "Huawei Ascend 950DT"}
                                                if r["Model"] == "Mistral Large" else r for r in rows]),
    ):  # fmt: skip
        rows = _rows(name)
        with (hub / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(change(rows))
    import datetime as dt

    summary = import_epoch_hub(hub, data / "imported" / "epoch", data, downloaded=dt.date.fromisoformat(DAY))
    assert summary.skipped["hardware rows", UNDATED] == 1
    assert summary.skipped["training hardware", f"the chip is left out ({UNDATED})"] == 1
    assert "huawei-ascend-950dt" not in {o["id"] for o in _yaml(data, "vendors/huawei.yaml")["offerings"]}
    assert "trained_on" not in _offering(data, "mistral-ai", "mistral-large")  # else on the H100
    cs2 = _offering(data, "cerebras", "cerebras-cs-2")
    assert cs2["released"] == "2023-11-13" and '"Condor Galaxy 1 (CG-1)"' in cs2["description"]
    assert check(data, warnings=True)[1] == []


# -- the command -------------------------------------------------------------------------------


def test_cli_dry_run(cli, data: Path) -> None:
    out = data / "imported" / "epoch"
    result = cli("import", "epoch-hub", HUB, "--out", out, "--data", data, "--dry-run", "--downloaded", DAY)
    assert result.code == 0, result.err
    assert (
        "organisations selected: 5 (1 already in the data, 1 with a frontier model, 3 with enough industry models)"
        in result.out
    )
    assert "installed-ai-compute-by-owner 2025 (installed base, not sales): xai 0.4436" in result.out
    assert "cluster owners: 13 with a fleet (8 in the map, 5 made vendors by the private-sector rule)" in result.out
    assert f"files in {out}: would write 23 new, 0 changed, 0 unchanged, 0 removed" in result.out
    assert "clusters: 28 rows" in result.err  # progress
    assert not out.exists()
    result = cli("import", "epoch-hub", HUB, "--out", out, "--data", data, "--dry-run", "--years", "2021-2025")
    assert "organisations selected: 7 (2 already in the data, 2 with a frontier model" in result.out  # + Google, AI21
    assert "installed-ai-compute-by-owner 2021" not in result.out  # no owner in the map had a cluster then


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--hardware", "hw.csv"), 2, "--hardware is for epoch-models"),
        (("--years", "2025-2023"), 2, "--years takes a year or a range of years"),
        (("--min-models", "0"), 2, "--min-models takes a number of models, at least 1"),
        (("--cluster-owners", "public"), 2, "argument --cluster-owners: invalid choice: 'public'"),
    ],
)
def test_cli_usage_errors(cli, data: Path, tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli("import", "epoch-hub", HUB, "--out", tmp_path / "out", "--data", data, *args)
    assert (result.code, message in result.err) == (code, True), result.err


def test_cli_cluster_owners(cli, data: Path, tmp_path: Path) -> None:
    """--cluster-owners takes the rules of `clusters.OWNER_RULES`, for epoch-hub only; the help says why
    the default makes the private sector's owners vendors and not the public sector's."""
    models = TESTS / "fixtures" / "epoch" / "notable_ai_models_excerpt.csv"
    result = cli(
        "import", "epoch-models", models, "--out", tmp_path / "out", "--data", data, "--cluster-owners", "in-map"
    )
    assert result.code == 2 and "--years, --min-models and --cluster-owners are for epoch-hub" in result.err
    result = cli("import", "epoch-hub", HUB, "--out", tmp_path / "out", "--data", data, "--dry-run",
                 "--cluster-owners", "in-map")  # fmt: skip
    assert result.code == 0 and "cluster owners: 8 with a fleet (8 in the map, 0 made vendors" in result.out
    assert OWNER_RULES == ("private", "in-map")
    text = " ".join(cli("import", "--help").out.split())
    assert "--cluster-owners {private,in-map}" in text
    assert "Owners of the Public and Public/Private sectors (governments, universities, national labs" in text


def test_cli_input_errors(cli, data: Path, tmp_path: Path) -> None:
    """A folder without the tables, or a table without a column the import needs: one clear line."""
    result = cli("import", "epoch-hub", tmp_path, "--out", tmp_path / "out", "--data", data)
    assert result.code == 1 and "has no notable_ai_models.csv, frontier_ai_models.csv" in result.err
    folder = tmp_path / "tables"
    folder.mkdir()
    for path in HUB.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    rows = _rows("gpu_clusters.csv")
    with (folder / "gpu_clusters.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "Certainty"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    result = cli("import", "epoch-hub", folder, "--out", tmp_path / "out", "--data", data)
    assert (
        result.code == 1 and "gpu_clusters.csv: no column 'Certainty'" in result.err and "Traceback" not in result.err
    )
    assert not (tmp_path / "out").exists()
    assert CHIP_COLUMNS[0][0] in rows[0]
    with (folder / "gpu_clusters.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "Sector"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    result = cli("import", "epoch-hub", folder, "--out", tmp_path / "out", "--data", data)
    assert result.code == 1 and "no column 'Sector'" in result.err
    assert "--cluster-owners in-map imports without it" in result.err and not (tmp_path / "out").exists()
    result = cli("import", "epoch-hub", folder, "--out", tmp_path / "out", "--data", data, "--cluster-owners", "in-map")
    assert result.code == 0, result.err


# -- the data format's additions ---------------------------------------------------------------


def test_offering_aliases_and_the_new_units(make_data) -> None:
    """An offering may list `aliases`; figures may count users or daily tokens and messages; an
    unknown unit is refused with the list of units."""
    folder = make_data(
        {
            "vendors/extra.yaml": "extends: chipco\nsource: test-source\n"
            "offerings:\n  - {id: chipco-x3, name: X3, aliases: [ChipCo X3 SXM], layer: compute-hardware}\n",
            "market/usage.yaml": "source: test-source\nfigures:\n"
            "  - {id: u1, metric: weekly-active-users, value: 8.0e8, unit: users, period: '2025', about: chipco}\n"
            "  - {id: u2, metric: daily-tokens, value: 1.0e13, unit: tokens/day, period: '2025', about: chipco}\n",
        }
    )
    assert check(folder)[1] == []
    assert read_existing(folder).offerings["chipco-x3"].aliases == ("ChipCo X3 SXM",)
    figure = "  - {id: u1, metric: daily-tokens, value: 1, unit: tokens, period: '2025', about: chipco}\n"
    bad = make_data({"market/usage.yaml": "source: test-source\nfigures:\n" + figure})
    assert any("ratio, USD, USD/year, multiple, users, tokens/day or messages/day" in p.message for p in check(bad)[1])


def test_a_hand_written_chip_is_never_duplicated(data: Path) -> None:
    """With an H200 written by hand (by name, not by id), Epoch's "NVIDIA H200 SXM" is that offering: no
    second H200, and a fleet that runs on it starts no earlier than its release date there."""
    (data / "vendors" / "nvidia-h200.yaml").write_text(
        "extends: nvidia\nsource: a16z-2023-genai-platform\n"
        "offerings:\n  - {id: h200-by-hand, name: H200, layer: compute-hardware, released: 2025-01}\n",
        encoding="utf-8",
    )
    summary = _import(data)
    assert summary.offerings_merged["h200-by-hand"] == {"NVIDIA H200 SXM"}
    assert not any("h200" in o["id"] for o in _yaml(data, "vendors/nvidia.yaml")["offerings"])
    h200 = {r["id"]: r for r in _offering(data, "oracle", "oracle-ai-clusters")["runs_on"]}["h200-by-hand"]
    assert h200["since"] == "2025-01"
    assert "the first was operational on 2024-11-21, before the chip's release date in the data" in h200["note"]
    assert check(data)[1] == []


def test_untrusted_cells_still_give_files_that_check_clean(data: Path, tmp_path: Path) -> None:
    """A control character, a name longer than a data file takes, a cluster that names itself as its
    successor: the import writes plain, short-enough text and counts the cluster as usual."""
    folder = tmp_path / "tables"
    folder.mkdir()
    for path in HUB.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())

    def rewrite(name: str, column: str, match: str, changes: dict[str, str]) -> None:
        rows = _rows(name)
        for row in rows:
            if row[column] == match:
                row.update(changes)
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    long_name = "Mistral Large " + "very " * 30
    rewrite("notable_ai_models.csv", "Model", "Mixtral 8x7B", {"Model": "Mixtral\x07 8x7B\u202e"})
    rewrite("notable_ai_models.csv", "Model", "Mistral Large", {"Model": long_name})
    rewrite("gpu_clusters.csv", "Name", "Meta GenAI 2024a", {"Superseded by": "Meta GenAI 2024a"})
    import_epoch_hub(folder, data / "imported" / "epoch", data)
    assert check(data, warnings=True)[1] == []
    names = {o["name"] for o in _yaml(data, "vendors/mistral-ai.yaml")["offerings"]}
    assert "Mixtral 8x7B" in names
    assert any(n.startswith("Mistral Large very") and n.endswith("…") and len(n) <= 80 for n in names)
    assert "Meta GenAI 2024a" in _offering(data, "meta", "meta-ai-clusters")["runs_on"][0]["note"]


def test_a_model_uses_its_base_model_when_the_import_has_it(data: Path) -> None:
    """Pixtral Large names Mistral Large 2 as its base: the import makes it use that model. Llama Guard's
    Llama 2-7B is not a model of the import: no reference, counted (MindLink-72B's organisation is not
    selected, so its base is never asked for)."""
    summary = _import(data)
    pixtral = _offering(data, "mistral-ai", "pixtral-large")
    assert pixtral["released"] == "2024-11-18"
    note = 'Base model "Mistral Large 2" of Epoch AI Notable AI Models row "Pixtral Large"'
    assert pixtral["uses_model"] == [{"id": "mistral-large-2", "note": note}]
    assert "uses_model" not in _offering(data, "meta", "llama-guard")
    assert summary.skipped["base models", "not a model of this import"] == 1
    assert summary.dependencies["uses_model"] == 1
