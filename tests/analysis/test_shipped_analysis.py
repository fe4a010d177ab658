"""The analyses on the shipped map answer the essay's questions: who the chokepoints are, how
concentrated the layers are, and how much of the revenue reaches the clouds."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from graph.analysis.results import to_dict, to_json
from graph.analysis.vendor_card import vendor_card
from graph.analysis.whatif import whatif
from graph.pipeline import load_checked
from graph.source.paths import shipped_data_dir

# The shipped map (`shipped_analysis`) holds every fact of every date, 2019-2025. The essay's own
# chain is asked on the map of its date (2023-01-19), where tests/test_essay_date.py pins its numbers.
ESSAY_DATE = dt.date(2023, 1, 19)


@pytest.fixture(scope="module")
def essay_analysis():
    return load_checked(shipped_data_dir(), as_of=ESSAY_DATE).analysis


def test_tsmc_takes_the_most_capacity_and_asml_the_next(shipped_analysis) -> None:
    """Removed alone, TSMC takes the most app capacity and ASML, its sole EUV supplier, the next; every
    app ASML cuts off, TSMC cuts off too. Neither cuts every app off: the chips of 2023-2025 whose
    foundry no source names (the TPUs since v5e, Trainium2, Inferentia2) and the models whose hardware
    no source names stand in for them (see data/AUDIT.md). By apps cut off, OpenAI ranks first."""
    ranking = shipped_analysis.chokepoints.ranking
    by_loss = sorted(ranking, key=lambda c: -c.capacity_lost)
    assert [c.vendor for c in by_loss[:2]] == ["tsmc", "asml"]
    tsmc, asml = shipped_analysis.chokepoints.rank_of("tsmc"), shipped_analysis.chokepoints.rank_of("asml")
    assert set(asml.apps_cut_off) <= set(tsmc.apps_cut_off)
    assert 0 < len(tsmc.apps_cut_off) < len(shipped_analysis.projection.apps)
    assert [c.vendor for c in ranking if c.rank == 1] == ["openai"]


def test_nvidia_is_in_the_top_three_by_capacity_lost(shipped_analysis) -> None:
    by_loss = sorted(shipped_analysis.chokepoints.ranking, key=lambda c: -c.capacity_lost)
    third = by_loss[2].capacity_lost
    assert "nvidia" in {c.vendor for c in by_loss if c.capacity_lost >= third}
    nvidia = shipped_analysis.chokepoints.rank_of("nvidia")
    # Meta AI runs on Llama models trained on H100s only; Microsoft Copilot on OpenAI models trained on them;
    # Duolingo Max, Fin and Khanmigo on GPT-4, which Epoch AI's table has trained on A100s only; DeepSeek's
    # app on DeepSeek-V3 (trained on H800s) and DeepSeek-R1, which Epoch's table builds on V3; Lensa on
    # Stable Diffusion (trained on A100s, its model card says); GrammarlyGO on GPT-3 (V100s, in Epoch's table)
    assert nvidia.rank == 5 and set(nvidia.apps_cut_off) == {
        "deepseek-app", "duolingo-max", "grammarlygo", "intercom-fin", "khanmigo", "lensa", "meta-ai-assistant",
        "microsoft-copilot",
    }  # fmt: skip


def test_removing_nvidia_leaves_the_tpu_path_alive(essay_analysis) -> None:
    """On the essay's date, the apps whose supply chain reaches Google's TPU survive without Nvidia, at
    reduced capacity, unless a model beneath them was trained on Nvidia's chips (Stable Diffusion, on
    A100s: Lensa and Runway); the apps on Azure (Nvidia only) fail."""
    p = essay_analysis.projection
    w = whatif(p, ["nvidia"])
    tpu_apps = {a for a in p.apps if "google-tpu" in _chain(p, a)}
    assert tpu_apps == {"character-ai-app", "lensa", "midjourney-app", "runway-app"}
    survivors = {a for a in tpu_apps if "stable-diffusion" not in _chain(p, a)}
    assert survivors == {"character-ai-app", "midjourney-app"}
    assert survivors.isdisjoint(w.failed_apps)
    assert all(0 < w.app_capacity[a] < 1 for a in survivors)
    assert "google-tpu" not in w.failed_by_layer.get("compute-hardware", ())
    assert set(w.failed_apps) == set(p.apps) - survivors


def _chain(projection, app: str) -> set[str]:
    index = projection.index
    return {index.ids[i] for i in index.downstream(index.number[app])}


def test_accelerators_are_highly_concentrated(shipped_analysis) -> None:
    by_id = {(c.scope, c.id): c for c in shipped_analysis.concentration}
    accelerators = by_id[("market", "ai-accelerators")]
    assert accelerators.band == "highly concentrated" and accelerators.hhi > 1800
    assert accelerators.shares[0][0] == "nvidia"
    foundry = by_id[("market", "foundry")]
    # the latest period of TrendForce's foundry ranking in data/market/foundry.yaml
    assert foundry.basis == "market-share figures" and foundry.shares[0] == ("tsmc", 0.699)
    assert by_id[("layer", "lithography-equipment")].hhi == 10000.0


def test_value_flow_reproduces_the_essay(shipped_analysis) -> None:
    """With the essay's own parameters, 10-20% of app revenue reaches cloud providers."""
    flow = shipped_analysis.flow
    assert flow.cloud_share == (0.1, 0.2)
    assert flow.essay_estimate == (0.1, 0.2) and flow.reproduces is True
    assert flow.parameters.inference_spend == (0.2, 0.4) and flow.parameters.cloud_spend == (0.5, 0.5)


def test_vertically_integrated_vendors(shipped_analysis) -> None:
    found = {x.vendor: x.group_top_layers for x in shipped_analysis.integration}
    assert found["google"] == ("applications", "models", "infrastructure")  # the Gemini app from 2023
    assert found["meta"] == ("applications", "models", "infrastructure")  # Meta AI, Llama, MTIA
    assert found["openai"] == ("applications", "models", "infrastructure")  # its GPU clusters (Epoch AI)
    assert found["microsoft"] == ("applications", "models", "infrastructure")  # GitHub, its models (Epoch AI), Azure


def test_vendor_card_of_tsmc(shipped_analysis) -> None:
    a = shipped_analysis
    card = vendor_card(a.projection, a.reach, a.chokepoints, "tsmc")
    assert card["layers"] == ["advanced-packaging", "foundry"]
    # the hand-written nodes and packaging, and the nodes made from Epoch AI's process sizes
    assert [o["id"] for o in card["offerings"]] == [
        "tsmc-12nm", "tsmc-16nm", "tsmc-28nm", "tsmc-40nm", "tsmc-65nm",
        "tsmc-cowos", "tsmc-cowos-l", "tsmc-n2", "tsmc-n3", "tsmc-n5", "tsmc-n7",
    ]  # fmt: skip
    assert {d["supplier_vendor"] for d in card["depends_on"]} == {"asml"}
    assert {"nvidia", "amd", "google"} <= {d["consumer_vendor"] for d in card["depended_on_by"]}
    assert card["chokepoint"]["rank"] == 2 and card["reach"]["apps"] == 56
    assert all(s["url"].startswith("https://") for s in card["sources"]) and card["sources"]


def test_analysis_json_is_stable_and_complete(shipped_analysis) -> None:
    data = json.loads(to_json(shipped_analysis))
    assert data == json.loads(json.dumps(to_dict(shipped_analysis)))
    assert set(data) == {
        "summary",
        "reach",
        "chokepoints",
        "concentration",
        "value_flow",
        "vertical_integration",
        "moat_matrix",
        "layer_leaders",
    }
    leaders = {x["layer"]: [(y["vendor"], y["reach"]) for y in x["leaders"]] for x in data["layer_leaders"]}
    assert leaders["compute-hardware"][:3] == [("nvidia", 54), ("amazon", 46), ("amd", 34)]
    assert leaders["foundry"][0] == ("tsmc", 56)
    assert leaders["lithography-equipment"] == [("asml", 56), ("canon", 0), ("nikon", 0)]
    assert data["summary"] == {"nodes": 624, "edges": 1390, "vendors": 201, "apps": 63}
    assert data["chokepoints"]["ranking"][0]["vendor"] == "openai"
    assert to_json(shipped_analysis) == to_json(shipped_analysis)


def test_jasper_fails_without_the_essays_chain(essay_analysis) -> None:
    """On the essay's date, Jasper's single points of failure are the essay's chain: OpenAI's model, on
    Microsoft's Azure, on Nvidia's GPUs, fabbed by TSMC with ASML's EUV tools."""
    a = essay_analysis
    card = vendor_card(a.projection, a.reach, a.chokepoints, "jasper")
    assert card["fails_without"] == {v: ["jasper-app"] for v in ("asml", "microsoft", "nvidia", "openai", "tsmc")}
    assert card["chokepoint"] is None and card["reach"] == {"apps": 0, "list": []}
