"""The map on the essay's date (a16z, "Who Owns the Generative AI Platform?", 2023-01-19) keeps the
essay's headline results now that facts carry dates and the map holds today's market.

The numbers below are what `stackmap chokepoints`, `stackmap concentration` and `stackmap flow` printed
for the shipped data before any date was added (when every fact held always). The essay-era map
(tests/fixtures/essay-map: the shipped data once dated, before the map of today was added) restricted
to 2023-01-19 gives every one of them; the shipped map on that day gives the headline results and the
concentration of the layers measured from share figures.
They are written out on purpose: a comparison with the map of another day would not catch a date that
wrongly removes an essay-era fact.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

import pytest

from conftest import FIXTURES
from graph.pipeline import load_checked
from graph.query.sparql import run_query
from graph.source.paths import shipped_data_dir

ESSAY_DATE = dt.date(2023, 1, 19)
APPS = ("character-ai-app", "chatgpt", "github-copilot", "jasper-app", "lensa", "midjourney-app", "runway-app")

# `stackmap concentration --as-of 2023-01-19`: (scope, id) -> HHI as printed, with "(≤N)" when part of
# the market is unattributed.
ESSAY_HHI = {
    ("layer", "closed-foundation-models"): "6,250",
    ("layer", "model-hubs"): "5,000",
    ("layer", "open-foundation-models"): "10,000",
    ("layer", "cloud-platforms"): "2,118 (≤3,080)",
    ("layer", "compute-hardware"): "4,572",
    ("layer", "memory"): "4,200",
    ("layer", "advanced-packaging"): "5,556",
    ("layer", "foundry"): "3,387 (≤4,194)",
    ("layer", "lithography-equipment"): "10,000",
    ("market", "ai-accelerators"): "4,572",
    ("market", "cloud-infrastructure"): "2,118 (≤3,080)",
    ("market", "euv-lithography"): "10,000",
    ("market", "foundry"): "3,387 (≤4,194)",
    ("market", "hbm"): "4,200",
    ("market", "image-generation"): "10,000",
}


@pytest.fixture(scope="module")
def essay_map():
    """The essay-era map on the essay's date: every number the essay-era commands printed."""
    return load_checked(FIXTURES / "essay-map", as_of=ESSAY_DATE)


@pytest.fixture(scope="module")
def shipped_on_the_essays_day():
    """The shipped map on the essay's date: it holds facts of the pre-essay world the essay-era map
    lacked (Epoch AI's clusters and models, apps launched before 2023), so only the headline results
    and the layers measured from the essay-era share figures are held to the essay's."""
    return load_checked(shipped_data_dir(), as_of=ESSAY_DATE)


def _printed_hhi(hhi: float, hhi_max: float) -> str:
    """The HHI the way `stackmap concentration` prints it."""
    text = f"{hhi:,.0f}"
    return f"{text} (≤{hhi_max:,.0f})" if round(hhi_max) > round(hhi) else text


def test_tsmc_and_asml_share_rank_one_with_every_app_cut_off(essay_map) -> None:
    ranking = essay_map.analysis.chokepoints.ranking
    top = sorted((c.vendor, c.rank) for c in ranking if c.rank == 1)
    assert top == [("asml", 1), ("tsmc", 1)]
    for candidate in (c for c in ranking if c.rank == 1):
        assert candidate.apps_cut_off == APPS
        assert candidate.capacity_lost == pytest.approx(1.0)


def test_nvidia_ranks_third_with_three_of_seven_apps(essay_map) -> None:
    nvidia = next(c for c in essay_map.analysis.chokepoints.ranking if c.vendor == "nvidia")
    assert nvidia.rank == 3
    assert nvidia.apps_cut_off == ("chatgpt", "github-copilot", "jasper-app")
    assert f"{nvidia.capacity_lost:.1%}" == "82.5%"


def test_the_value_flow_reproduces_the_essays_cloud_share(essay_map) -> None:
    flow = essay_map.analysis.flow
    assert flow is not None
    assert flow.cloud_share == pytest.approx((0.1, 0.2))
    assert flow.reproduces is True
    assert set(flow.figures) == {"app-inference-spend-ratio-2023", "model-provider-cloud-spend-ratio-2023"}


def test_the_concentration_of_each_layer_and_market_is_the_essay_eras(essay_map) -> None:
    printed = {(c.scope, c.id): _printed_hhi(c.hhi, c.hhi_max) for c in essay_map.analysis.concentration}
    assert printed == ESSAY_HHI


def test_the_shipped_map_keeps_the_essays_headline_results(shipped_on_the_essays_day) -> None:
    """TSMC and ASML share rank one, each cutting off every app, Nvidia is among the first five, 10-20%
    of app revenue reaches the clouds, and the layers measured from share figures keep the essay era's
    HHI."""
    analysis = shipped_on_the_essays_day.analysis
    ranking = analysis.chokepoints.ranking
    top = [c for c in ranking if c.rank == 1]
    assert [c.vendor for c in top] == ["asml", "tsmc"]
    for candidate in top:
        assert candidate.apps_cut_off == APPS == tuple(analysis.projection.apps)
        assert candidate.capacity_lost == pytest.approx(1.0)
    assert next(c.rank for c in ranking if c.vendor == "nvidia") <= 5
    assert analysis.flow is not None and analysis.flow.cloud_share == pytest.approx((0.1, 0.2))
    printed = {(c.scope, c.id): _printed_hhi(c.hhi, c.hhi_max) for c in analysis.concentration}
    from_figures = {k: v for k, v in ESSAY_HHI.items() if k[1] in ("cloud-platforms", "cloud-infrastructure",
                    "foundry", "memory", "hbm", "lithography-equipment", "euv-lithography")}  # fmt: skip
    assert {k: printed[k] for k in from_figures} == from_figures


def test_every_app_needs_asml_through_a_chip_a_source_places_on_an_asml_node(shipped_on_the_essays_day) -> None:
    """Why ASML ties TSMC on the shipped map's essay day: each app reaches a chip on a TSMC node that
    uses ASML's tools. Cloud TPU names its nodes (16 nm for v2 and v3, N7 for v4, from Epoch AI's
    process sizes), and Stable Diffusion was trained on A100s (N7), so Lensa and Runway fail although
    AWS, whose Inferentia and Trainium name TSMC without a process, still works on TSMC's mature nodes."""
    from graph.analysis.whatif import whatif

    p = shipped_on_the_essays_day.projection
    result = whatif(p, ["asml"])
    assert list(result.failed_apps) == list(p.apps)
    failed = {n for nodes in result.failed_by_layer.values() for n in nodes}
    assert sorted(p.graph.successors("google-tpu")) == ["tsmc-16nm", "tsmc-n7"]
    assert {"tsmc-16nm", "tsmc-n7", "google-tpu", "nvidia-a100", "stable-diffusion"} <= failed
    assert "nvidia-a100" in p.graph.successors("stable-diffusion")
    assert not {"aws", "aws-inferentia", "aws-trainium"} & failed  # alive, but no app is left on them
    assert result.detours == ()  # detours are listed beneath the apps that work, and none does


def test_the_apps_that_survive_nvidia_get_around_it_on_cloud_tpu(shipped_on_the_essays_day, cli) -> None:
    """`stackmap whatif --remove nvidia` on the essay's day: Character.AI and Midjourney keep working
    because Google Cloud, which lost Nvidia's A100 and H100, still runs on its own TPUs; the text and
    the JSON list that detour as the analysis finds it."""
    from graph.analysis.whatif import whatif

    p = shipped_on_the_essays_day.projection
    result = whatif(p, ["nvidia"])
    assert [a for a in p.apps if a not in result.failed_apps] == ["character-ai-app", "midjourney-app"]
    assert [(d.node, d.kind, d.kept, d.lost) for d in result.detours] == [
        ("google-cloud", "runs_on", ("google-tpu",), ("nvidia-a100", "nvidia-h100"))
    ]
    shown = cli("whatif", "--remove", "nvidia", "--as-of", "2023-01-19")
    section = shown.out.split("Detours beneath the apps that work")[1].splitlines()[3:]
    assert [line.split() for line in section] == [
        ["google-cloud", "runs_on", "google-tpu", "nvidia-a100,", "nvidia-h100"]
    ]
    listed = json.loads(cli("whatif", "--remove", "nvidia", "--as-of", "2023-01-19", "--format", "json").out)
    assert listed["detours"] == [{**asdict(d), "kept": list(d.kept), "lost": list(d.lost)} for d in result.detours]


def test_facts_the_essay_describes_hold_on_its_date_and_later_deals_do_not(essay_map) -> None:
    """Claude (in closed testing then) and the Big 3's H100s are on the essay-date map; Amazon's
    investment in Anthropic (September 2023) is not, and appears on the map of a later day."""
    prefixes = "PREFIX sm: <https://w3id.org/stackmap/ns/> PREFIX stack: <https://w3id.org/stackmap/id/> "

    def ask(checked, pattern: str) -> bool:
        return run_query(checked.loaded.store, prefixes + f"ASK {{ {pattern} }}").boolean

    assert ask(essay_map, "stack:claude a sm:Offering")
    for cloud in ("aws", "azure", "google-cloud"):
        assert ask(essay_map, f"stack:{cloud} sm:runsOn stack:nvidia-h100"), cloud
    assert ask(essay_map, "stack:microsoft sm:investsIn stack:openai")
    assert not ask(essay_map, "stack:amazon sm:investsIn stack:anthropic")
    later = load_checked(shipped_data_dir(), as_of=dt.date(2023, 10, 1))
    assert ask(later, "stack:amazon sm:investsIn stack:anthropic")
