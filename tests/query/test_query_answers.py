"""Exact answers of the shipped queries that take a vendor parameter, on the shipped map; the
expected rows are read off the data files (data/vendors/*.yaml), not off the queries' output."""

from __future__ import annotations

import pytest

from graph.query.named import bind, resolve
from graph.query.sparql import run_query
from graph.source.vocab import entity


def _rows(store, name: str, **params: str) -> list[tuple]:
    text = resolve(name)[1]
    for key, value in params.items():
        text = bind(text, key, entity(value))
    result = run_query(store, text, timeout=60)
    assert not result.truncated
    return [tuple(None if term is None else term.value for term in row) for row in result.rows]


# Offerings whose every fabbed_by / packaged_by reference is TSMC or one of its processes: the
# accelerators of amd, amazon, cerebras, google, graphcore, intel, meta, microsoft, nvidia and
# sambanova. Intel's Ponte Vecchio counts for `fabbed by` only (it is packaged by Intel's own Foveros),
# H100 not for its memory (SK hynix); the chips of 2023-2025 whose foundry no source names (the TPUs
# since v5e, Trainium2, Inferentia2, H20) are not there, nor Huawei's 910C (SMIC or TSMC).
TSMC_SINGLE_SOURCED = [
    ("amd-instinct", "fabbed by"),
    ("amd-mi300x", "fabbed by"),
    ("amd-mi325x", "fabbed by"),
    ("amd-mi355x", "fabbed by"),
    ("aws-inferentia", "fabbed by"),
    ("aws-trainium", "fabbed by"),
    ("cerebras-wse-2", "fabbed by"),
    ("cerebras-wse-3", "fabbed by"),
    ("google-tpu", "fabbed by"),
    ("graphcore-ipu", "fabbed by"),
    ("intel-gaudi", "fabbed by"),
    ("intel-gaudi-3", "fabbed by"),
    ("intel-ponte-vecchio", "fabbed by"),
    ("meta-mtia", "fabbed by"),
    ("meta-mtia-v2", "fabbed by"),
    ("microsoft-maia-100", "fabbed by"),
    ("microsoft-maia-100", "packaged by"),
    ("nvidia-a100", "fabbed by"),
    ("nvidia-a100", "packaged by"),
    ("nvidia-b200", "fabbed by"),
    ("nvidia-b200", "packaged by"),
    ("nvidia-b300", "fabbed by"),
    ("nvidia-b300", "packaged by"),
    ("nvidia-gb200", "fabbed by"),
    ("nvidia-gb200", "packaged by"),
    ("nvidia-h100", "fabbed by"),
    ("nvidia-h100", "packaged by"),
    ("nvidia-h200", "fabbed by"),
    ("nvidia-h200", "packaged by"),
    ("sambanova-rdu", "fabbed by"),
]


def test_chokepoint_candidates_default_is_tsmc(shipped):
    """By default the candidates are TSMC's single-sourced consumers, 23 offerings, with their names."""
    rows = _rows(shipped.store, "chokepoint-candidates")
    assert [(r[3], r[5]) for r in rows] == TSMC_SINGLE_SOURCED
    assert {(r[0], r[1], r[2]) for r in rows} == {("23", "tsmc", "TSMC")}
    assert ("nvidia-h100", "H100") in {(r[3], r[4]) for r in rows}


def test_chokepoint_candidates_for_nvidia(shipped):
    """The clouds that run on Nvidia GPUs only (AWS and Google Cloud also run on their own chips, Azure
    on AMD's MI300X and its own Maia too) and the models trained on Nvidia GPUs only."""
    rows = _rows(shipped.store, "chokepoint-candidates", supplier="nvidia")
    clouds = ("coreweave-cloud", "lambda-cloud", "nebius-ai-cloud", "oracle-cloud", "scaleway-ai-cloud")
    models = (
        "gpt-4-mar-2023",
        "grok-2",
        "grok-3",
        "llama-3-1-405b",
        "llama-3-70b",
        "llama-4-maverick",
        "llama-4-scout",
        "mistral-large",
    )
    expected = [(cloud, "runs on") for cloud in clouds] + [(model, "trained on") for model in models]
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
        ("13", "nvidia", offering, relation) for offering, relation in sorted(expected)
    ]


@pytest.mark.parametrize("supplier", ["chatgpt-maker-that-is-not-there", "jasper"])
def test_chokepoint_candidates_none(shipped, supplier):
    """An app vendor nobody depends on, or an unknown id, has no single-sourced consumers."""
    assert _rows(shipped.store, "chokepoint-candidates", supplier=supplier) == []


def test_which_file_said_default_is_nvidia(shipped):
    """Nvidia's dependencies, each from vendors/nvidia.yaml or vendors/nvidia-accelerators.yaml with its
    note and source."""
    rows = _rows(shipped.store, "which-file-said")
    later = "vendors/nvidia-accelerators.yaml"
    assert [(r[0], r[1], r[2], r[3], r[7]) for r in rows] == [
        (later, "nvidia-b200", "fabbed by", "tsmc-n5", "tweaktown-2024-b200"),
        (later, "nvidia-b200", "packaged by", "tsmc-cowos-l", "reuters-2025-nvidia-cowos-l"),
        (later, "nvidia-b300", "fabbed by", "tsmc-n5", "epoch-data-ml-hardware"),
        (later, "nvidia-b300", "packaged by", "tsmc-cowos-l", "reuters-2025-nvidia-cowos-l"),
        (later, "nvidia-gb200", "fabbed by", "tsmc-n5", "tweaktown-2024-b200"),
        (later, "nvidia-gb200", "packaged by", "tsmc-cowos-l", "reuters-2025-nvidia-cowos-l"),
        (later, "nvidia-h20", "memory from", "samsung-hbm", "tribune-2024-samsung-hbm3-h20"),
        (later, "nvidia-h200", "fabbed by", "tsmc-n5", "anandtech-2023-h200"),
        (later, "nvidia-h200", "memory from", "micron-hbm3e", "micron-2024-hbm3e"),
        (later, "nvidia-h200", "memory from", "sk-hynix-hbm3e", "koreaherald-2024-skhynix-hbm3e"),
        (later, "nvidia-h200", "packaged by", "tsmc-cowos", "reuters-2025-nvidia-cowos-l"),
        ("vendors/nvidia.yaml", "nvidia-a100", "fabbed by", "tsmc-n7", "wccftech-2020-a100"),
        ("vendors/nvidia.yaml", "nvidia-a100", "packaged by", "tsmc-cowos", "forexlive-2023-nvidia-cowos"),
        ("vendors/nvidia.yaml", "nvidia-h100", "fabbed by", "tsmc-n5", "tweaktown-2022-h100"),
        ("vendors/nvidia.yaml", "nvidia-h100", "memory from", "sk-hynix-hbm", "donga-2022-skhynix-hbm3"),
        ("vendors/nvidia.yaml", "nvidia-h100", "packaged by", "tsmc-cowos", "tweaktown-2022-h100"),
    ]
    assert rows[11][6] == "a 7nm chip; the essay attributes Nvidia's GPUs to TSMC"


def test_which_file_said_vendor_level_dependency(shipped):
    """OpenAI's own `runs_on: azure` (a vendor-level dependency, share level sole) and its offerings',
    declared in its file and the files that extend it."""
    rows = _rows(shipped.store, "which-file-said", vendor="openai")
    assert ("vendors/openai.yaml", "openai", "runs on", "azure", None, "sole") in {r[:6] for r in rows}
    assert ("vendors/openai.yaml", "chatgpt", "uses model", "gpt-3-5") in {r[:4] for r in rows}
    assert {r[0] for r in rows} == {"vendors/openai.yaml", "vendors/openai-apps.yaml", "vendors/openai-models.yaml"}
