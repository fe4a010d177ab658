"""Node cut sets (graph/node_removals.py) equal simulating the removal of every node with survival."""

from __future__ import annotations

from graph.analysis.node_removals import failing_without_each_node, node_cut_sets
from graph.analysis.survival import failed_nodes
from graph.check.validate import load_valid
from graph.model.projection import project


def simulated(projection) -> dict[str, list[str]]:
    index = projection.index
    found = {}
    for m, node in enumerate(index.ids):
        failed = sorted(index.ids[n] for n in failed_nodes(index, {m}) if n != m)
        if failed:
            found[node] = failed
    return found


def test_equal_to_simulating_each_node_on_the_shipped_map(shipped_analysis):
    """On the shipped map: TSMC N5 alone takes down the chips made on it (A100 is made on N7) and what
    rests on them only (models trained on H100s); the clouds survive the H100's loss."""
    projection = shipped_analysis.projection
    failing = failing_without_each_node(projection.index)
    assert failing == simulated(projection)
    assert {"intel-ponte-vecchio", "nvidia-h100", "nvidia-h200", "nvidia-b200"} <= set(failing["tsmc-n5"])
    assert "nvidia-a100" not in failing["tsmc-n5"] and "nvidia-a100" in failing["tsmc-n7"]
    assert "gpt-3-5" in failing["azure"]
    assert "chatgpt" not in failing["azure"]  # OpenAI runs on Oracle's and Amazon's clouds too from 2025
    # other accelerators stand in for the H100 in every cloud; models trained on it alone fail
    assert "llama-3-1-405b" in failing["nvidia-h100"]
    assert not {"aws", "azure", "google-cloud", "oracle-cloud"} & set(failing["nvidia-h100"])


def test_equal_to_simulating_each_node_on_a_generated_market(tmp_path):
    """On a generated market with shares, vendor references and vendor-level dependencies."""
    from benchmarks.market import generate_market

    generate_market(150, tmp_path, seed=11)
    projection = project(load_valid(tmp_path).store)
    failing = failing_without_each_node(projection.index)
    assert failing == simulated(projection)
    assert len(failing) > 20
    cuts = node_cut_sets(projection.index)
    assert all(n in cut for n, cut in enumerate(cuts))
