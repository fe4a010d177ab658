"""`view`: whether the HTML page is older than what it is built from, and opening it in a browser."""

from __future__ import annotations

import webbrowser
from pathlib import Path

from . import paths


def _newest(folder: Path) -> float:
    """The latest modification time of the files under a folder (0 when there are none)."""
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def needs_build(data_dir: Path, page: Path) -> bool:
    """True when the page is missing or older than a file of the data, the ontology, or the view's
    own template and code."""
    if not page.is_file():
        return True
    built = page.stat().st_mtime
    sources = (data_dir, paths.ontology_dir(), paths.PACKAGE_DIR / "templates")
    code = (paths.PACKAGE_DIR / "html_view.py").stat().st_mtime
    return any(_newest(folder) > built for folder in sources) or code > built


def open_in_browser(page: Path) -> bool:
    """Open the page in the default browser; False when there is no browser to open it in."""
    try:
        return webbrowser.open(page.resolve().as_uri())
    except webbrowser.Error:
        return False
