"""Where the page draws every node: fixed positions computed here (vis physics stays off).

- **Bands**: leaf layers top to bottom in `sm:stackOrder`. Siblings that are all leaves share one
  band side by side, as in the essay's figure (apps; models; semiconductor manufacturing); other
  leaves are a band each (cloud platforms, compute hardware).
- **Positions**: within its layer's segment of a band a node sits in a grid; the order follows the
  mean position of its neighbours (a few barycentre sweeps), so edges stay short.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ...source.ontology import Layer
from .drawn_graph import DrawnGraph

DX, DY = 165, 120  # grid spacing in page units
BAND_GAP = 44  # room above each band's first row for its labels
BAND_FOOT = 56  # room below the last row for long labels
BAND_SPACE = 30  # between bands
MIN_COLUMNS = 9
ASPECT = 1.4  # the node grid's width over its height, roughly (before labels and gaps)
SWEEPS = 3


@dataclass(frozen=True)
class Band:
    """A horizontal band of the stack: its label and the leaf layers it holds, left to right."""

    label: str
    layers: tuple[str, ...]


def layer_bands(layers: dict[str, Layer]) -> list[Band]:
    """The leaf layers grouped into bands, top to bottom (see the module docstring)."""
    ordered = sorted(layers.values(), key=lambda layer: layer.order)
    children: dict[str | None, list[Layer]] = defaultdict(list)
    for layer in ordered:
        children[layer.broader].append(layer)
    bands: list[Band] = []

    def visit(layer: Layer) -> None:
        kids = children[layer.id]
        if layer.leaf or not kids:
            bands.append(Band(layer.label, (layer.id,)))
        elif all(k.leaf for k in kids):
            bands.append(Band(layer.label, tuple(k.id for k in kids)))
        else:
            for k in kids:
                visit(k)

    for root in children[None]:
        visit(root)
    return bands


def place(view: DrawnGraph, bands: list[Band]) -> list[dict]:
    """Set `x` and `y` of every drawn node, in its band; returns the bands with their extent and
    segments. Each band takes the fewest rows that fit its segments (a free column between them)
    into the page width."""
    by_layer: dict[str, list[str]] = defaultdict(list)
    for nid in sorted(view.nodes, key=lambda n: (view.nodes[n]["vendor"] or "~", n)):
        by_layer[view.nodes[nid]["layer"]].append(nid)
    width = max(MIN_COLUMNS, math.ceil(math.sqrt(ASPECT * len(view.nodes) * DY / DX)))  # in columns
    placed: list[dict] = []
    y = 0.0
    grid: dict[str, tuple[float, int, float]] = {}  # layer -> (x of its first column, columns, y of its first row)
    for band in bands:
        counts = [len(by_layer.get(layer, ())) for layer in band.layers]
        rows = 1
        while sum(math.ceil(n / rows) or 1 for n in counts) + len(counts) - 1 > width and rows < max(counts, default=1):
            rows += 1
        cols = [max(1, math.ceil(n / rows)) for n in counts]
        used = sum(cols) + len(cols) - 1
        x = -used * DX / 2
        segments = []
        for layer, c in zip(band.layers, cols, strict=True):
            segments.append({"layer": layer, "x0": round(x, 1), "x1": round(x + c * DX, 1)})
            grid[layer] = (x + DX / 2, c, y + BAND_GAP + DY / 2)
            x += (c + 1) * DX
        height = BAND_GAP + rows * DY + BAND_FOOT
        placed.append({"label": band.label, "y0": round(y, 1), "y1": round(y + height, 1), "segments": segments})
        y += height + BAND_SPACE
    positions = _order(view, by_layer, grid)
    for nid, (px, py) in positions.items():
        view.nodes[nid]["x"], view.nodes[nid]["y"] = round(px, 1), round(py, 1)
    return placed


def _order(view: DrawnGraph, by_layer: dict[str, list[str]], grid: dict) -> dict[str, tuple[float, float]]:
    """Barycentre ordering within each layer's grid, sweeping down then up the stack."""
    consumers: dict[str, list[str]] = defaultdict(list)
    suppliers: dict[str, list[str]] = defaultdict(list)
    for u, v in view.edges:
        suppliers[u].append(v)
        consumers[v].append(u)
    top_down = sorted(by_layer, key=lambda layer: grid[layer][2])
    pos: dict[str, tuple[float, float]] = {}

    def place_layer(layer: str) -> None:
        x0, cols, y0 = grid[layer]
        rows = math.ceil(len(by_layer[layer]) / cols)
        for i, nid in enumerate(by_layer[layer]):
            row, col = divmod(i, cols)
            shift = DX / 2 if row % 2 and rows > 1 and cols > 1 else 0.0  # bricks: edges pass between nodes
            pos[nid] = (x0 + col * DX + shift, y0 + row * DY)

    for layer in top_down:
        place_layer(layer)
    for sweep in range(SWEEPS * 2):
        neighbours, layers = (consumers, top_down) if sweep % 2 == 0 else (suppliers, top_down[::-1])
        for layer in layers:
            current = by_layer[layer]
            rank = {nid: i for i, nid in enumerate(current)}

            def key(nid: str, neighbours=neighbours, rank=rank) -> tuple[float, int]:
                xs = [pos[m][0] for m in neighbours.get(nid, ()) if m in pos]
                return (sum(xs) / len(xs) if xs else pos[nid][0], rank[nid])

            current.sort(key=key)
            place_layer(layer)
    return pos
