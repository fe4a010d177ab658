"""Where stackmap finds its shipped ontology, data and named queries, from any working directory.

In a source checkout they are the top-level `ontology/` and `data/` folders beside the package; in an
installed wheel they are copied inside the package (`graph/_ontology`, `graph/_data`).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # graph/
QUERIES_DIR = PACKAGE_DIR / "query" / "queries"


def _installed_or_checkout(installed: Path, checkout: Path) -> Path:
    return installed if installed.is_dir() else checkout


def ontology_dir() -> Path:
    """The folder of the ontology's Turtle files."""
    return _installed_or_checkout(PACKAGE_DIR / "_ontology", PACKAGE_DIR.parent / "ontology")


def shipped_data_dir() -> Path:
    """The folder of the shipped vendor data: the default of every `--data` option."""
    return _installed_or_checkout(PACKAGE_DIR / "_data", PACKAGE_DIR.parent / "data")
