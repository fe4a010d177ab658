"""The report's figure of concentration since the essay: HHI per layer at each stop of the timeline,
drawn with the report's settings (`report_figures`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .palette import INK
from .report_figures import BANDS, TITLE, _draw, _figure, _legend_below, _tick


@dataclass(frozen=True)
class TimelinePanel:
    """One layer over time: its label, colour and (stop index, HHI, from figures) points."""

    label: str
    colour: str
    points: tuple[tuple[int, float, bool], ...]


TIMELINE_COLUMNS = 3


def timeline_figure(panels: Sequence[TimelinePanel], stops: Sequence[str], essay: int | None) -> bytes:
    """HHI per layer at each stop (`stops`: their labels, equally spaced), one small panel per layer
    over the Merger Guidelines bands, the essay's stop (its index) a dashed line."""
    from matplotlib.lines import Line2D

    def draw():
        rows = -(-len(panels) // TIMELINE_COLUMNS)
        fig = _figure(0.9 + 1.35 * rows)
        axes = fig.subplots(rows, TIMELINE_COLUMNS, squeeze=False, sharex=True, sharey=True).ravel()
        for ax, panel in zip(axes, panels, strict=False):
            for low, high, _, shade in BANDS:
                ax.axhspan(low, high, color=shade, zorder=0, linewidth=0)
            if essay is not None:
                ax.axvline(essay, color=INK, linewidth=0.7, linestyle="--", zorder=1)
            x, y = [pt[0] for pt in panel.points], [pt[1] for pt in panel.points]
            ax.plot(x, y, color=panel.colour, linewidth=1.4, zorder=2)
            for px, py, from_figures in panel.points:
                face = panel.colour if from_figures else "white"
                ax.plot([px], [py], marker="o", markersize=3.6, color=panel.colour, markerfacecolor=face, zorder=3)
            ax.set_title(_tick(panel.label, 34), loc="left", fontsize=7.5)
            ax.set_ylim(0, 10500)
            ax.set_xlim(-0.5, len(stops) - 0.5)
        for ax in axes[len(panels) :]:
            ax.set_axis_off()
        for ax in axes:
            ax.set_yticks([0, 1000, 1800, 5000, 10000], ["0", "", "1,800", "5,000", "10,000"])
            ax.set_xticks(range(len(stops)), [_tick(label, 10) for label in stops])
            ax.tick_params(axis="x", labelsize=7, rotation=90)
            ax.tick_params(axis="y", labelsize=7)
        _legend_below(
            fig,
            [
                Line2D([], [], color=INK, marker="o", markerfacecolor=INK, lw=0, label="from market-share figures"),
                Line2D([], [], color=INK, marker="o", markerfacecolor="white", lw=0, label="from dependents"),
                Line2D([], [], color=INK, lw=0.7, linestyle="--", label="the essay (2023-01-19)"),
            ],
        )
        fig.suptitle("Concentration since the essay: HHI per layer at each stop (bands at 1,000 and 1,800)", **TITLE)
        return fig

    return _draw("timeline", draw)
