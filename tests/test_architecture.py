"""The package's layout: each stage imports only the stages beneath it (what its `__init__` says),
and no module imports in a cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "graph"
STAGES = ["runtime", "source", "check", "model", "analysis", "query", "render", "serve", "pipeline", "importers", "cli"]


def _imports(path: Path) -> set[str]:
    """The sub-packages of graph that a module imports (relative imports resolved)."""
    package = path.relative_to(PACKAGE).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)] if node.level > 1 else package)
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                found.add(target[0])
            else:
                found.update(a.name for a in node.names if a.name in STAGES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graph."):
            found.add(node.module.split(".")[1])
    return found


def _files(stage: str) -> list[Path]:
    """The modules of a stage: a sub-package's, or the one module `build`."""
    return [PACKAGE / f"{stage}.py"] if (PACKAGE / f"{stage}.py").exists() else sorted((PACKAGE / stage).rglob("*.py"))


def _allowed(stage: str) -> set[str]:
    path = PACKAGE / f"{stage}.py" if (PACKAGE / f"{stage}.py").exists() else PACKAGE / stage / "__init__.py"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^Imports: (.+)$", text, re.MULTILINE)
    assert match, f"graph/{stage}/__init__.py does not say what it may import"
    return set(re.findall(r"`(\w+)`", match.group(1)))


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_imports_only_what_its_docstring_allows(stage: str) -> None:
    allowed = _allowed(stage) | {stage} if stage != "cli" else set(STAGES)
    for path in _files(stage):
        extra = _imports(path) - allowed
        assert not extra, f"{path.relative_to(PACKAGE)} imports {sorted(extra)}, which graph/{stage} may not"


def test_the_stages_form_no_cycle() -> None:
    """The allowed imports order the stages: a stage never allows one that allows it."""
    for stage in STAGES[:-1]:
        for other in _allowed(stage):
            assert stage not in _allowed(other), f"{stage} and {other} may import each other"


def test_no_module_is_left_at_the_top() -> None:
    """graph/ itself holds only the public interface (`__init__`), `python -m graph` and the one
    route through the pipeline (`pipeline`)."""
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "pipeline.py"]


def test_the_public_names_are_not_those_of_sub_packages() -> None:
    """`graph.sparql` stays the function once `graph.query` (the package) is imported, and so on."""
    import graph

    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} | {"pipeline"}
    assert not set(graph.__all__) & packages
