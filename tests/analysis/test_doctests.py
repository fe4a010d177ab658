"""The doctested examples in the docstrings: each analysis module's example on the tiny stack of
`graph.model.sample`, the Python API's example in `graph/__init__.py`, and the examples of what a
vendor reference stands for (`source.expansion`), of dates (`model.as_of`) and of the terminal text
(`analysis.text`)."""

from __future__ import annotations

import doctest
import importlib

import pytest

ANALYSES = [
    "reach",
    "survival",
    "capacity",
    "detours",
    "whatif",
    "diff",
    "single_removals",
    "chokepoints",
    "node_removals",
    "concentration",
    "value_flow",
    "vertical_integration",
    "moat_matrix",
    "layer_leaders",
]


@pytest.mark.parametrize(
    "module",
    [f"graph.analysis.{name}" for name in ANALYSES]
    + ["graph.analysis.text", "graph.model.sample", "graph", "graph.source.expansion", "graph.model.as_of"],
)
def test_the_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module} has no example"
    assert result.failed == 0
