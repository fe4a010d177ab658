"""`view`: opening the built HTML page in a browser."""

from __future__ import annotations

import webbrowser
from pathlib import Path


def open_in_browser(page: Path) -> bool:
    """Open the page in the default browser; False when there is no browser to open it in."""
    try:
        return webbrowser.open(page.resolve().as_uri())
    except webbrowser.Error:
        return False
