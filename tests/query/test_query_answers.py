"""Exact answers of the shipped queries that take a vendor parameter, on the essay-era map
(tests/fixtures/essay-map) and, where said, the shipped one; the expected rows are read off the data
files, not off the queries' output."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from graph.check.validate import load_valid
from graph.query.named import bind, resolve
from graph.query.sparql import run_query
from graph.source.loader import LoadedMap
from graph.source.vocab import entity


def _rows(store, name: str, **params: str) -> list[tuple]:
    text = resolve(name)[1]
    for key, value in params.items():
        text = bind(text, key, entity(value))
    result = run_query(store, text, timeout=60)
    assert not result.truncated
    return [tuple(None if term is None else term.value for term in row) for row in result.rows]


@pytest.fixture(scope="module")
def essay_era() -> LoadedMap:
    """The essay-era map (tests/fixtures/essay-map): its answers stay put as the shipped data grows."""
    return load_valid(FIXTURES / "essay-map")


# Offerings whose every fabbed_by / packaged_by reference is TSMC or one of its processes: the
# accelerators of amd, amazon, cerebras, google, graphcore, intel, nvidia and sambanova. Intel's Ponte
# Vecchio counts for `fabbed by` only (it is packaged by Intel's own Foveros), the H100 not for its
# memory (SK hynix).
TSMC_SINGLE_SOURCED = [
    ("amd-instinct", "fabbed by"),
    ("aws-inferentia", "fabbed by"),
    ("aws-trainium", "fabbed by"),
    ("cerebras-wse-2", "fabbed by"),
    ("google-tpu", "fabbed by"),
    ("graphcore-ipu", "fabbed by"),
    ("intel-gaudi", "fabbed by"),
    ("intel-ponte-vecchio", "fabbed by"),
    ("nvidia-a100", "fabbed by"),
    ("nvidia-a100", "packaged by"),
    ("nvidia-h100", "fabbed by"),
    ("nvidia-h100", "packaged by"),
    ("sambanova-rdu", "fabbed by"),
]


def test_chokepoint_candidates_default_is_tsmc(essay_era):
    """By default the candidates are TSMC's single-sourced consumers, 11 offerings, with their names."""
    rows = _rows(essay_era.store, "chokepoint-candidates")
    assert [(r[3], r[5]) for r in rows] == TSMC_SINGLE_SOURCED
    assert {(r[0], r[1], r[2]) for r in rows} == {("11", "tsmc", "TSMC")}
    assert ("nvidia-h100", "H100") in {(r[3], r[4]) for r in rows}


def test_chokepoint_candidates_for_nvidia(essay_era):
    """The clouds that run on Nvidia GPUs only (AWS and Google Cloud also run on their own chips)."""
    rows = _rows(essay_era.store, "chokepoint-candidates", supplier="nvidia")
    clouds = ("azure", "coreweave-cloud", "lambda-cloud", "oracle-cloud")
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [("4", "nvidia", cloud, "runs on") for cloud in clouds]


@pytest.mark.parametrize("supplier", ["chatgpt-maker-that-is-not-there", "jasper"])
def test_chokepoint_candidates_none(shipped, supplier):
    """An app vendor nobody depends on, or an unknown id, has no single-sourced consumers."""
    assert _rows(shipped.store, "chokepoint-candidates", supplier=supplier) == []


def test_which_file_said_default_is_nvidia(essay_era):
    """Nvidia's dependencies, each from vendors/nvidia.yaml with its note and source."""
    rows = _rows(essay_era.store, "which-file-said")
    assert [(r[0], r[1], r[2], r[3], r[7]) for r in rows] == [
        ("vendors/nvidia.yaml", "nvidia-a100", "fabbed by", "tsmc-n7", "wccftech-2020-a100"),
        ("vendors/nvidia.yaml", "nvidia-a100", "packaged by", "tsmc-cowos", "forexlive-2023-nvidia-cowos"),
        ("vendors/nvidia.yaml", "nvidia-h100", "fabbed by", "tsmc-n5", "tweaktown-2022-h100"),
        ("vendors/nvidia.yaml", "nvidia-h100", "memory from", "sk-hynix-hbm", "donga-2022-skhynix-hbm3"),
        ("vendors/nvidia.yaml", "nvidia-h100", "packaged by", "tsmc-cowos", "tweaktown-2022-h100"),
    ]
    assert rows[0][6] == "a 7nm chip; the essay attributes Nvidia's GPUs to TSMC"


def test_which_file_said_vendor_level_dependency(essay_era):
    """OpenAI's own `runs_on: azure` (a vendor-level dependency, share level sole) and its offerings',
    declared in its file."""
    rows = _rows(essay_era.store, "which-file-said", vendor="openai")
    assert ("vendors/openai.yaml", "openai", "runs on", "azure", None, "sole") in {r[:6] for r in rows}
    assert ("vendors/openai.yaml", "chatgpt", "uses model", "gpt-3-5") in {r[:4] for r in rows}
    assert {r[0] for r in rows} == {"vendors/openai.yaml"}
