"""Colours shared by every view (HTML graph, report figures), so a layer looks the same everywhere.

Leaf layers take Paul Tol's colour-blind-safe "muted" scheme, completed with orange and grey from
his "vibrant" scheme (https://personal.sron.nl/~pault/). Colour is never the only cue: every view
also names the layer (band labels, legends, axis labels).
"""

from __future__ import annotations

LAYER_COLOURS: dict[str, str] = {
    "end-to-end-apps": "#CC6677",
    "apps": "#882255",
    "closed-foundation-models": "#332288",
    "model-hubs": "#88CCEE",
    "open-foundation-models": "#44AA99",
    "cloud-platforms": "#117733",
    "compute-hardware": "#999933",
    "memory": "#DDCC77",
    "advanced-packaging": "#AA4499",
    "foundry": "#EE7733",
    "lithography-equipment": "#BBBBBB",
}
"""Leaf layer id (its skos:notation) -> hex colour."""

FALLBACK_COLOUR = "#777777"
"""For a layer the palette does not know (an extended ontology)."""

INK = "#222222"
"""Text and outlines."""

CHOKEPOINT_COLOUR = "#CC3311"
"""Marks chokepoints (Tol vibrant red)."""


def layer_colour(layer: str) -> str:
    """The hex colour of a leaf layer, or FALLBACK_COLOUR for an unknown one."""
    return LAYER_COLOURS.get(layer, FALLBACK_COLOUR)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background` (#RRGGBB), by WCAG relative luminance."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#000000" if luminance > 0.179 else "#FFFFFF"
