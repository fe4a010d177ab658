"""The report's figures, drawn with matplotlib as deterministic SVG (one function per figure).

Each function takes plain, already computed data (the report module prepares it from the analysis
results) and returns SVG bytes. Output is byte-identical for the same input: a fixed hash salt per
figure, no date in the metadata, fixed sizes, text kept as text (`svg.fonttype: none`) so labels stay
searchable and selectable. Layout is measured with DejaVu Sans, a wide face, so the narrower
fallbacks a viewer may substitute still fit. Layer colours come from `graph.render.palette`.

matplotlib is imported inside the functions: only the report pays for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from .palette import INK, text_colour
from .report_numbers import count, hhi, pct

FACT_COLOURS: dict[str, str] = {
    "vendors": "#4477AA",
    "offerings": "#66CCEE",
    "dependencies": "#228833",
    "ties": "#CCBB44",
    "figures": "#EE6677",
    "moats": "#AA3377",
}
"""Kinds of fact in the sources figure: Paul Tol's colour-blind-safe "bright" scheme (not layers)."""

GRID = "#DDDDDD"
TITLE = {"x": 0.01, "ha": "left", "fontweight": "bold", "fontsize": 9}
"""Figure titles: bold, flush left."""
WIDTH = 7.5  # inches: fits an A4 or Letter page with margins
BANDS = (
    (0, 1000, "below 1,000: unconcentrated", "#FFFFFF"),
    (1000, 1800, "1,000-1,800: moderately concentrated", "#F1F1F1"),
    (1800, 10000, "above 1,800: highly concentrated", "#E3E3E3"),
)
"""The HHI bands of the 2023 US Merger Guidelines: (from, to, name, background shade)."""


def _rc(name: str) -> dict:
    return {
        "svg.hashsalt": f"stackmap-{name}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
        "font.size": 8.5,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "text.color": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.color": "#FFFFFF",
        "hatch.linewidth": 0.8,
        "path.simplify": False,
        "text.parse_math": False,  # names from data files may hold "$"
    }


def _svg(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "stackmap"})
    return buffer.getvalue()


def _draw(name: str, draw) -> bytes:
    """Run draw() under the report's settings and return the SVG it made."""
    import matplotlib

    with matplotlib.rc_context(_rc(name)):
        return _svg(draw())


def _tick(text: str, limit: int = 56) -> str:
    """A tick label of at most `limit` characters (longer names end in an ellipsis), so one long
    name from a data file cannot squeeze the plot."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _end_label(ax, x: float, y: float, text: str, fontsize: float = 7.5, **kwargs) -> None:
    """A value label just past the end of a horizontal bar (a fixed 3 points, whatever the scale)."""
    ax.annotate(text, (x, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=fontsize, **kwargs)


def _legend_below(fig, handles: list, ncols: int = 3) -> None:
    """The figure's legend, frameless, in its own band below the plots."""
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols, frameon=False)


def _figure(height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), layout="constrained")


# -- the stack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StackRow:
    """One leaf layer: its label, top layer label, colour, and the vendors and offerings in it."""

    label: str
    top: str
    colour: str
    vendors: int
    offerings: int


def stack_figure(rows: Sequence[StackRow]) -> bytes:
    """Vendors and offerings per leaf layer, top of the stack first, grouped by top layer."""

    def draw():
        fig = _figure(0.9 + 0.36 * len(rows))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        h = 0.38
        for y, r in zip(ys, rows, strict=True):
            ax.barh(y + h / 2, r.vendors, h, color=r.colour, edgecolor=INK, linewidth=0.5)
            ax.barh(y - h / 2, r.offerings, h, color=r.colour, edgecolor=INK, linewidth=0.5, hatch="///", alpha=0.75)
            _end_label(ax, r.vendors, y + h / 2, str(r.vendors))
            _end_label(ax, r.offerings, y - h / 2, str(r.offerings))
        ax.set_yticks(ys, [_tick(r.label) for r in rows])
        ax.tick_params(axis="y", length=0)
        top = max([r.offerings for r in rows] + [r.vendors for r in rows] + [1])
        right = top * 1.12 + 0.5
        ax.set_xlim(0, right)
        for i, (y, r) in enumerate(zip(ys, rows, strict=True)):
            if i == 0 or rows[i - 1].top != r.top:  # a top layer starts: rule above it, its name at the right
                if i:
                    ax.axhline(y + 0.5, color="#888888", linewidth=0.7, linestyle="--")
                ax.text(right, y + 0.42, r.top, ha="right", va="top", style="italic", color="#555555")
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("number in the layer")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        from matplotlib.patches import Patch

        ax.legend(
            handles=[
                Patch(facecolor="#888888", edgecolor=INK, linewidth=0.5, label="vendors (solid)"),
                Patch(facecolor="#888888", edgecolor=INK, linewidth=0.5, hatch="///", label="offerings (hatched)"),
            ],
            loc="lower right",
            frameon=False,
        )
        fig.suptitle("The stack: vendors and offerings per layer, top to bottom", **TITLE)
        return fig

    return _draw("stack", draw)


# -- value flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowEnd:
    """One end (low or high) of the value flow, as fractions of app revenue."""

    title: str
    to_models: float
    direct_to_cloud: float
    models_to_cloud: float
    apps_keep: float
    models_keep: float


def _band(ax, x0: float, y0: tuple[float, float], x1: float, y1: tuple[float, float], colour: str, alpha: float):
    """A flow band from x0 (bottom, top) to x1 (bottom, top) with smooth S-shaped edges."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    if y0[1] - y0[0] <= 0:
        return
    mid = (x0 + x1) / 2
    verts = [
        (x0, y0[1]),
        (mid, y0[1]),
        (mid, y1[1]),
        (x1, y1[1]),
        (x1, y1[0]),
        (mid, y1[0]),
        (mid, y0[0]),
        (x0, y0[0]),
        (x0, y0[1]),
    ]
    codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4, Path.CURVE4]
    codes.append(Path.CLOSEPOLY)
    ax.add_patch(PathPatch(Path(verts, codes), facecolor=colour, edgecolor="none", alpha=alpha))


def value_flow_figure(ends: Sequence[FlowEnd], colours: dict[str, str], labels: dict[str, str]) -> bytes:
    """A Sankey-style flow of one dollar of app revenue to model providers and clouds, one panel per
    end of the parameter ranges. `colours`/`labels` are keyed applications, models, cloud-platforms,
    beneath (the layers the data gives no spend figure for)."""
    from matplotlib.patches import FancyArrowPatch, Rectangle

    def draw():
        fig = _figure(2.35 * len(ends) + 0.4)
        axes = fig.subplots(len(ends), 1, squeeze=False)[:, 0]
        node_w = 0.22
        xa, xb, xc, xd = 0.0, 3.6, 7.2, 9.2
        for ax, e in zip(axes, ends, strict=True):
            ax.set_xlim(-0.1, 10.9)
            ax.set_ylim(-0.2, 1.28)
            ax.axis("off")
            ax.set_title(e.title, loc="left", fontsize=8.5, fontweight="bold")
            ca, cb, cc = colours["applications"], colours["models"], colours["cloud-platforms"]
            cloud = e.models_to_cloud + e.direct_to_cloud
            # nodes: app revenue (1.0), model providers, cloud providers; tops aligned at 1
            ax.add_patch(Rectangle((xa, 0), node_w, 1, facecolor=ca, edgecolor=INK, linewidth=0.5))
            ax.add_patch(Rectangle((xb, 1 - e.to_models), node_w, e.to_models, facecolor=cb, edgecolor=INK, lw=0.5))
            ax.add_patch(Rectangle((xc, 1 - cloud), node_w, cloud, facecolor=cc, edgecolor=INK, linewidth=0.5))
            # bands out of app revenue: to models (top), straight to clouds, kept (bottom, curving down)
            drop = 0.14
            _band(ax, xa + node_w, (1 - e.to_models, 1), xb, (1 - e.to_models, 1), cb, 0.55)
            direct_at_a = (1 - e.to_models - e.direct_to_cloud, 1 - e.to_models)
            _band(ax, xa + node_w, direct_at_a, xc, (1 - cloud, 1 - e.models_to_cloud), cc, 0.45)
            end_a = xb - 1.7
            _band(ax, xa + node_w, (0, e.apps_keep), end_a, (-drop, e.apps_keep - drop), ca, 0.25)
            # bands out of model providers: to clouds (top), kept
            top_b = 1 - e.models_to_cloud
            _band(ax, xb + node_w, (top_b, 1), xc, (top_b, 1), cc, 0.55)
            end_b = xc - 1.7
            kept_b = (1 - e.to_models - drop, top_b - drop)
            _band(ax, xb + node_w, (1 - e.to_models, top_b), end_b, kept_b, cb, 0.25)
            # labels: nodes above, kept parts at the end of their bands, flows on their bands
            ax.text(xa, 1.04, "App revenue\n100%", ha="left", va="bottom", fontsize=8)
            ax.text(xb, 1.04, f"{labels['models']}\nreceive {pct(e.to_models)}", ha="left", va="bottom", fontsize=8)
            ax.text(xc, 1.04, f"{labels['cloud-platforms']}\nreceive {pct(cloud)}", ha="left", va="bottom", fontsize=8)
            ax.text(end_a + 0.08, e.apps_keep / 2 - drop, f"apps keep\n{pct(e.apps_keep)}", va="center", fontsize=8)
            models_keep = f"model providers\nkeep {pct(e.models_keep)}"
            ax.text(end_b + 0.08, sum(kept_b) / 2, models_keep, va="center", fontsize=8)
            ax.text((xa + xb) / 2, 1 - e.to_models / 2, f"inference spend {pct(e.to_models)}", ha="center", va="center")
            mid_c = 1 - e.models_to_cloud / 2
            ax.text((xb + xc) / 2, mid_c, f"cloud spend {pct(e.models_to_cloud)}", ha="center", va="center")
            # beneath the clouds: no spend figure, so no dollars, only the dependency
            ax.add_patch(
                FancyArrowPatch(
                    (xc + node_w + 0.05, 1 - cloud / 2),
                    (xd, 1 - cloud / 2),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    linestyle=(0, (3, 2)),
                    color=INK,
                    linewidth=0.8,
                )
            )
            ax.text(
                xd + 0.05,
                1 - cloud / 2,
                labels["beneath"],
                ha="left",
                va="center",
                fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": INK, "ls": "--", "lw": 0.6},
            )
        return fig

    return _draw("value-flow", draw)


# -- concentration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConcentrationBar:
    """One layer or market: its label, colour, HHI, the bound with the fringe as one firm, and whether
    its shares come from market-share figures (else from dependents)."""

    label: str
    colour: str
    hhi: float
    hhi_max: float
    from_figures: bool


def concentration_figure(layers: Sequence[ConcentrationBar], markets: Sequence[ConcentrationBar]) -> bytes:
    """HHI per layer and per market as horizontal bars over the 2023 Merger Guidelines bands."""
    from matplotlib.patches import Patch

    def draw():
        groups = [(title, bars) for title, bars in (("Layers", layers), ("Markets", markets)) if bars]
        heights = [max(len(bars), 1) for _, bars in groups]
        fig = _figure(1.3 + 0.27 * sum(heights) + 0.35 * len(groups))
        axes = fig.subplots(len(groups), 1, squeeze=False, height_ratios=heights, sharex=True)[:, 0]
        for ax, (title, bars) in zip(axes, groups, strict=True):
            for low, high, _, shade in BANDS:
                ax.axvspan(low, high, color=shade, zorder=0, linewidth=0)
            for x in (1000, 1800):
                ax.axvline(x, color=INK, linewidth=0.7, linestyle="--", zorder=1)
            ys = list(range(len(bars)))[::-1]
            for y, b in zip(ys, bars, strict=True):
                if b.hhi_max > b.hhi:
                    ax.barh(y, b.hhi_max, 0.62, color="white", edgecolor=INK, linewidth=0.6, linestyle=":", zorder=2)
                ax.barh(
                    y,
                    b.hhi,
                    0.62,
                    color=b.colour,
                    edgecolor=INK,
                    linewidth=0.5,
                    hatch=None if b.from_figures else "///",
                    zorder=3,
                )
                text = hhi(b.hhi) + (f" (≤{hhi(b.hhi_max)})" if b.hhi_max > b.hhi else "")
                backing = {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85}
                _end_label(ax, max(b.hhi, b.hhi_max), y, text, zorder=4, bbox=backing)
            ax.set_yticks(ys, [_tick(b.label) for b in bars])
            ax.set_ylim(-0.6, len(bars) - 0.4)
            ax.set_xlim(0, 11800)
            ax.set_title(title, loc="left", fontsize=8.5, fontweight="bold")
            ax.tick_params(axis="y", length=0)
        axes[-1].set_xlabel("HHI (0-10,000); bands of the 2023 US Merger Guidelines at 1,000 and 1,800")
        axes[-1].set_xticks([0, 1000, 1800, 5000, 10000])
        axes[-1].xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
        _legend_below(
            fig,
            [
                Patch(facecolor="#888888", edgecolor=INK, linewidth=0.5, label="from market-share figures"),
                Patch(facecolor="#888888", edgecolor=INK, linewidth=0.5, hatch="///", label="from dependents"),
                Patch(facecolor="white", edgecolor=INK, lw=0.6, linestyle=":", label="bound: fringe as one firm"),
                *[Patch(facecolor=shade, edgecolor="#999999", lw=0.5, label=name) for _, _, name, shade in BANDS],
            ],
        )
        fig.suptitle("Concentration: HHI per layer and market", **TITLE)
        return fig

    return _draw("concentration", draw)


# -- chokepoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChokepointBar:
    """One vendor of the ranking: rank, name, colour, apps cut off and mean capacity lost."""

    rank: int
    label: str
    colour: str
    apps_cut_off: int
    capacity_lost: float


def chokepoints_figure(bars: Sequence[ChokepointBar], n_apps: int, legend: Sequence[tuple[str, str]]) -> bytes:
    """Apps cut off and capacity lost when each vendor alone is removed, ranked; legend: (label, colour)."""
    from matplotlib.patches import Patch

    def draw():
        fig = _figure(1.3 + 0.27 * len(bars))
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1, 1])
        ys = list(range(len(bars)))[::-1]
        for y, b in zip(ys, bars, strict=True):
            left.barh(y, b.apps_cut_off, 0.62, color=b.colour, edgecolor=INK, linewidth=0.5)
            _end_label(left, b.apps_cut_off, y, count(b.apps_cut_off))
            right.barh(y, 100 * b.capacity_lost, 0.62, color=b.colour, edgecolor=INK, linewidth=0.5)
            _end_label(right, 100 * b.capacity_lost, y, pct(b.capacity_lost))
        left.set_yticks(ys, [_tick(f"{b.rank}. {b.label}") for b in bars])
        left.tick_params(axis="y", length=0)
        left.set_ylim(-0.6, len(bars) - 0.4)
        left.set_xlim(0, n_apps * 1.15 + 0.2)
        left.xaxis.get_major_locator().set_params(integer=True)
        left.set_xlabel(f"apps that fail (of {count(n_apps)})")
        right.set_xlim(0, 118)
        right.set_xticks([0, 25, 50, 75, 100])
        right.xaxis.set_major_formatter(lambda x, _: f"{x:.0f}%")
        right.set_xlabel("mean capacity the apps lose (Leontief)")
        for ax in (left, right):
            ax.grid(axis="x", color=GRID, linewidth=0.6)
            ax.set_axisbelow(True)
        fig.legend(
            handles=[Patch(facecolor=c, edgecolor=INK, linewidth=0.5, label=name) for name, c in legend],
            loc="outside lower center",
            ncols=min(3, max(1, len(legend))),
            fontsize=7.5,
            frameon=False,
            title="the vendor's lowest layer",
            title_fontsize=7.5,
        )
        fig.suptitle("Chokepoints: each vendor removed alone (equal results share a rank)", **TITLE)
        return fig

    return _draw("chokepoints", draw)


# -- moat matrix -------------------------------------------------------------------------------


CELL_NAMES, CELL_CHARS = 3, 13  # names that fit in a heat-map cell; beyond, the cell shows the count


def moat_figure(
    rows: Sequence[tuple[str, str]], columns: Sequence[str], cells: Sequence[Sequence[Sequence[str]]]
) -> bytes:
    """Layer x moat type heat map: rows (label, colour), column labels, cells[r][c] = vendor names;
    the shade is the number of vendors; the cell names them when they fit, else counts them."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Rectangle

    def draw():
        most = max((len(cell) for row in cells for cell in row), default=0)
        fig = _figure(1.5 + 0.42 * len(rows))
        ax = fig.add_subplot()
        cmap = LinearSegmentedColormap.from_list("moats", ["#FFFFFF", "#88CCEE", "#332288"])
        for r, row in enumerate(cells):
            for c, names in enumerate(row):
                shade = cmap(len(names) / most) if most else (1, 1, 1, 1)
                hexed = "#{:02X}{:02X}{:02X}".format(*(round(255 * v) for v in shade[:3]))
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=hexed, edgecolor=GRID, linewidth=0.6))
                if names:
                    fits = len(names) <= CELL_NAMES and all(len(n) <= CELL_CHARS for n in names)
                    ax.text(
                        c + 0.5,
                        r + 0.5,
                        "\n".join(names) if fits else f"{len(names)} vendor{'s' if len(names) != 1 else ''}",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color=text_colour(hexed),
                        linespacing=1.05,
                    )
        for r, (_, colour) in enumerate(rows):
            swatch = Rectangle((-0.22, r + 0.12), 0.14, 0.76, facecolor=colour, edgecolor=INK, lw=0.4, clip_on=False)
            ax.add_patch(swatch)
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks([c + 0.5 for c in range(len(columns))], columns, rotation=30, ha="right", rotation_mode="anchor")
        ax.set_yticks([r + 0.5 for r in range(len(rows))], [label for label, _ in rows])
        ax.tick_params(length=0)
        ax.tick_params(axis="y", pad=14)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        fig.suptitle("Moats: the vendors that claim each moat, per layer (darker: more vendors)", **TITLE)
        return fig

    return _draw("moats", draw)


# -- sources -----------------------------------------------------------------------------------


def sources_figure(rows: Sequence[tuple[str, dict[str, int]]]) -> bytes:
    """Facts per source, stacked by kind of fact; rows (source label, {kind: count}), most first."""
    from matplotlib.patches import Patch

    def draw():
        fig = _figure(1.2 + 0.2 * len(rows))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        for y, (_, facts) in zip(ys, rows, strict=True):
            left = 0
            for kind, colour in FACT_COLOURS.items():
                n = facts.get(kind, 0)
                if n:
                    ax.barh(y, n, 0.7, left=left, color=colour, edgecolor=INK, linewidth=0.3)
                left += n
            _end_label(ax, left, y, count(left), fontsize=7)
        ax.set_yticks(ys, [label for label, _ in rows], fontsize=7)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        most = max((sum(f.values()) for _, f in rows), default=1)
        ax.set_xlim(0, most * 1.08 + 1)
        ax.set_xlabel("facts that cite the source")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(
            handles=[Patch(facecolor=c, edgecolor=INK, linewidth=0.3, label=k) for k, c in FACT_COLOURS.items()],
            loc="lower right",
            frameon=False,
            title="kind of fact",
            title_fontsize=7.5,
        )
        fig.suptitle("Data: the facts each source supports", **TITLE)
        return fig

    return _draw("sources", draw)
