"""The analysis commands: chokepoints, whatif, concentration, flow and vendor, and queries over the
results; exact results on the essay-era map (tests/fixtures/essay-map), which stays put as the shipped
data grows (the shipped map's own are pinned in tests/analysis and tests/data)."""

from __future__ import annotations

import json

import pyoxigraph as ox

from conftest import FIXTURES, MINI
from graph.pipeline import load_checked

ESSAY = FIXTURES / "essay-map"


def _rows(table: str) -> list[list[str]]:
    """The cells of an aligned text table (after its header and rule), split on runs of 2+ spaces."""
    import re

    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if set(line) <= {"-", " "} and line.strip()) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_chokepoints_table(cli) -> None:
    result = cli("chokepoints", "--top", "3", "--data", ESSAY)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("Chokepoints: each of 24 candidates removed alone (7 apps)\n")
    assert _rows(result.out) == [
        ["1", "asml", "ASML", "7/7", "100.0%", "7"],
        ["1", "tsmc", "TSMC", "7/7", "100.0%", "7"],
        ["3", "nvidia", "Nvidia", "3/7", "82.5%", "7"],
    ]
    assert "Critical pairs" in result.out and "Articulation points (undirected view): asml-euv," in result.out
    assert result.out.endswith(
        "\nWhat fails without one vendor, and how the other apps get around it: stackmap whatif --remove VENDOR\n"
    )


def test_chokepoints_json(cli) -> None:
    result = cli("chokepoints", "--format", "json", "--top", "5", "--data", ESSAY)
    data = json.loads(result.out)
    assert [(x["rank"], x["vendor"]) for x in data["ranking"]] == [
        (1, "asml"), (1, "tsmc"), (3, "nvidia"), (4, "microsoft"), (4, "openai"),
    ]  # fmt: skip
    # the apps on Azure, whose only GPUs are Nvidia's
    assert data["ranking"][2]["apps"] == ["chatgpt", "github-copilot", "jasper-app"]
    # Lensa and Runway get Stable Diffusion from Hugging Face or Replicate
    assert data["critical_pairs"] == [{"vendors": ["hugging-face", "replicate"], "apps": ["lensa", "runway-app"]}]
    assert data["betweenness"] == load_checked(ESSAY).analysis.chokepoints.betweenness


def test_whatif_json_and_table(cli) -> None:
    result = cli("whatif", "--remove", "nvidia", "--format", "json", "--data", ESSAY)
    assert result.code == 0
    data = json.loads(result.out)
    assert data["removed"] == ["nvidia-a100", "nvidia-h100"]
    assert data["failed_apps"] == ["chatgpt", "github-copilot", "jasper-app"]
    assert data["failed_by_layer"]["cloud-platforms"] == ["azure", "coreweave-cloud", "lambda-cloud", "oracle-cloud"]
    assert round(data["app_capacity"]["midjourney-app"], 6) == 0.333333  # Google Cloud's TPUs, of three chips
    table = cli("whatif", "--remove", "tsmc-n5", "tsmc-n7", "--remove", "intel-foveros", "--data", ESSAY)
    assert table.code == 0 and "Apps that fail: 7 of 7" in table.out


def test_whatif_country(cli) -> None:
    data = json.loads(cli("whatif", "--country", "tw", "--format", "json", "--data", ESSAY).out)
    assert data["removed"] == ["tsmc-cowos", "tsmc-n5", "tsmc-n7"]
    assert data["failed_apps"] == [
        "character-ai-app", "chatgpt", "github-copilot", "jasper-app", "lensa", "midjourney-app", "runway-app",
    ]  # fmt: skip


def test_whatif_unknown_id_and_missing_arguments(cli) -> None:
    unknown = cli("whatif", "--remove", "nvida")
    assert (unknown.code, unknown.out) == (1, "")
    assert unknown.err == "stackmap whatif: unknown vendor or offering 'nvida'; did you mean 'nvidia'?\n"
    nothing = cli("whatif")
    assert nothing.code == 2 and "name what to remove: --remove ID ... and/or --country CC ..." in nothing.err
    country = cli("whatif", "--country", "XX", "--data", ESSAY)
    assert (country.code, country.err) == (
        1, "stackmap whatif: no vendor of the map is in 'XX' (countries: CA, GB, KR, NL, TW, US)\n",
    )  # fmt: skip


def test_concentration(cli) -> None:
    data = json.loads(cli("concentration", "--format", "json", "--data", ESSAY).out)
    foundry = next(c for c in data if (c["scope"], c["id"]) == ("market", "foundry"))
    assert foundry["shares"] == [["tsmc", 0.561], ["samsung", 0.155]]  # TrendForce, Q3 2022
    assert (foundry["hhi"], foundry["band"], foundry["period"]) == (3387.46, "highly concentrated", "Q3 2022")
    table = cli("concentration", "--data", ESSAY)
    assert table.code == 0
    rows = {(r[0], r[1]): r for r in _rows(table.out)}
    assert rows[("market", "ai-accelerators")][2:6] == ["4,572", "51.7%", "100.0%", "highly concentrated"]


def test_flow(cli) -> None:
    table = cli("flow")
    assert table.code == 0
    assert table.out.rstrip().endswith(
        "Cloud providers receive 10.0% to 20.0% of app revenue; the essay's estimate is 10.0% to 20.0%: reproduced"
    )
    data = json.loads(cli("flow", "--direct-to-cloud", "0.5", "--format", "json").out)
    assert data["cloud_share"] == [0.15, 0.3] and data["reproduces"] is False
    dollars = json.loads(cli("flow", "--revenue", "1e9", "--inference-spend", "0.3", "--format", "json").out)
    assert dollars["kept"]["cloud-platforms"] == [150000000.0, 150000000.0]
    assert dollars["figures"] == ["model-provider-cloud-spend-ratio-2023"]


def test_flow_bad_parameters(cli) -> None:
    cases = {
        ("--inference-spend", "0.4-0.2"): "'0.4-0.2' must be a fraction from 0 to 1, or a range LOW-HIGH within it",
        ("--inference-spend", "abc"): "'abc' is not a fraction like 0.3 or a range like 0.2-0.4",
        ("--direct-to-cloud", "1.5"): "'1.5' must be a fraction from 0 to 1, or a range LOW-HIGH within it",
        ("--direct-to-cloud", "0.1-0.2"): "'0.1-0.2' must be one number from 0 to 1",
    }
    for args, message in cases.items():
        result = cli("flow", *args)
        assert (result.code, result.out) == (2, ""), args
        assert result.err.rstrip().endswith(message), result.err


def test_vendor_card(cli) -> None:
    result = cli("vendor", "tsmc", "--data", ESSAY)
    assert result.code == 0
    assert result.out.startswith("TSMC (tsmc), TW\nlayers: advanced-packaging, foundry\n")
    assert "chokepoint rank: 1 of 24; alone it cuts off 7 app(s), mean capacity lost 100.0%" in result.out
    data = json.loads(cli("vendor", "nvidia", "--format", "json", "--data", ESSAY).out)
    assert data["chokepoint"]["rank"] == 3 and data["reach"]["apps"] == 7
    assert {m["type"] for m in data["moats"]} == {"ecosystem", "scale"}


def test_vendor_unknown_or_offering(cli) -> None:
    unknown = cli("vendor", "tsmcc")
    assert (unknown.code, unknown.err) == (1, "stackmap vendor: unknown vendor 'tsmcc'; did you mean 'tsmc'?\n")
    offering = cli("vendor", "tsmc-n5")
    assert offering.err == "stackmap vendor: unknown vendor 'tsmc-n5'; 'tsmc-n5' is an offering of tsmc\n"


def test_analysis_commands_on_another_folder(cli) -> None:
    """--data works for every analysis command; the mini map's chain has its fab and litho on top."""
    data = json.loads(cli("chokepoints", "--data", MINI, "--format", "json").out)
    assert [x["vendor"] for x in data["ranking"] if x["rank"] == 1] == ["chipco", "cloudco", "fabco", "lithoco"]


def test_query_reads_analysis_results(cli) -> None:
    """A query that names analysis terms gets the analysis graph; a shipped query reads the ranking."""
    result = cli("query", "chokepoint-ranking", "--format", "csv", "--limit", "3", "--data", ESSAY)
    assert result.out.splitlines()[:4] == [
        "rank,vendorId,vendorName,appsCutOff,capacityLost,reach",
        "1,asml,ASML,7,1,7",
        "1,tsmc,TSMC,7,1,7",
        "3,nvidia,Nvidia,3,0.825397,7",
    ]
    graphs = cli("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s sm:hhi ?h } }", "--format", "tsv")
    assert graphs.out == "?g\n<https://w3id.org/stackmap/analysis>\n"


def test_build_output_is_byte_identical_and_queryable(cli, tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli("build", "--data", ESSAY, "--out", first).code == 0
    assert cli("build", "--data", ESSAY, "--out", second).code == 0
    for name in ("analysis.json", "stackmap.trig", "stackmap.nq", "stackmap.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    store = ox.Store()
    store.load(path=str(first / "stackmap.trig"), format=ox.RdfFormat.TRIG)
    rows = store.query(
        "SELECT ?v WHERE { GRAPH <https://w3id.org/stackmap/analysis> { ?v sm:chokepointRank 1 } }",
        prefixes={"sm": "https://w3id.org/stackmap/ns/"},
    )
    assert sorted(r["v"].value for r in rows) == [
        "https://w3id.org/stackmap/id/asml",
        "https://w3id.org/stackmap/id/tsmc",
    ]
    assert json.loads((first / "analysis.json").read_text())["chokepoints"]["ranking"][2]["vendor"] == "nvidia"


def _tiny_map(tmp_path, vendors: dict[str, str]):
    """A data folder of the given vendor files (by id) and the one source `s` they cite."""
    data = tmp_path / "data"
    (data / "vendors").mkdir(parents=True)
    (data / "sources.yaml").write_text(
        "sources:\n  s:\n    url: https://example.org/x\n    title: X\n    date: 2024-01-01\n", encoding="utf-8"
    )
    for vid, text in vendors.items():
        (data / "vendors" / f"{vid}.yaml").write_text(text, encoding="utf-8")
    return data


def test_build_refuses_a_cycle_from_vendor_references(cli, tmp_path) -> None:
    """Valid data whose vendor references expand into a cycle: build says so and writes nothing."""
    data = _tiny_map(tmp_path, {
        "xco": "id: xco\nname: XCo\nsource: s\nofferings:\n"
        "  - {id: x-chip, name: Chip, layer: compute-hardware, fabbed_by: fabv}\n"
        "  - {id: x-litho, name: Litho, layer: lithography-equipment, runs_on: [x-chip]}\n",
        "fabv": "id: fabv\nname: FabV\nsource: s\nofferings:\n"
        "  - {id: f-fab, name: Fab, layer: foundry, equipment_from: [x-litho]}\n",
    })  # fmt: skip
    out = tmp_path / "out"
    result = cli("build", "--data", data, "--out", out)
    assert result.code == 1 and not out.exists()
    assert result.err.startswith("stackmap build: dependency cycle once vendor references are expanded: ")
    assert result.err.endswith(f"; {out} was not written\n")


def test_an_offering_that_names_its_own_vendor_depends_on_the_others(cli, tmp_path) -> None:
    """A GPU cloud that runs on `{id: <its vendor>, any: true}` runs on the vendor's chips, never on
    itself (which would be a cycle of one)."""
    data = _tiny_map(tmp_path, {
        "gco": "id: gco\nname: GCo\nsource: s\nofferings:\n"
        "  - {id: g-chip, name: Chip, layer: compute-hardware}\n"
        "  - {id: g-cloud, name: Cloud, layer: cloud-platforms, runs_on: [{id: gco, any: true}]}\n"
        "  - {id: g-app, name: App, layer: apps, runs_on: [g-cloud]}\n",
    })  # fmt: skip
    assert cli("check", "--data", data, "--strict").code == 0
    data_json = json.loads(cli("whatif", "--remove", "g-chip", "--data", data, "--format", "json").out)
    assert data_json["failed_apps"] == ["g-app"] and data_json["failed_by_layer"]["cloud-platforms"] == ["g-cloud"]
