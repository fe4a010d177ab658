"""A vendor file whose every text field carries HTML and script, for the escaping tests."""

from __future__ import annotations

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def hostile_vendor(xss: str = XSS) -> str:
    """A vendor file whose every text field carries HTML and script."""
    quoted = "'" + xss.replace("'", "''") + "'"
    return f"""id: evil
name: {quoted}
country: US
description: {quoted}
source: evil-source
offerings:
  - id: evil-app
    name: {quoted}
    layer: apps
    uses_model:
      - id: modelco-big
        note: {quoted}
        source: evil-source
moats:
  - type: workflow-depth
    evidence: {quoted}
sources:
  evil-source:
    url: https://example.org/evil
    title: {quoted}
    date: 2024-03-01
"""
