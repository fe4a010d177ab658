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
    """On the shipped map: TSMC N5 alone takes down only the chips made on it (A100 is made on N7)."""
    projection = shipped_analysis.projection
    failing = failing_without_each_node(projection.index)
    assert failing == simulated(projection)
    assert failing["tsmc-n5"] == ["intel-ponte-vecchio", "nvidia-h100"]
    assert "nvidia-a100" in failing["tsmc-n7"] and "chatgpt" in failing["azure"]
    assert "nvidia-h100" not in failing  # other accelerators stand in for it everywhere


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
