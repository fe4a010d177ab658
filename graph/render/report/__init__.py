"""The market report: "where in this market will value accrue?", answered with the map's numbers.

`render_report(projection, analysis, support)` returns the report's files as bytes by relative name:
`report.md` (tables, figures linked from `figures/`), `report.html` (one self-contained page, the same
content with the figures inline, no external resource) and `figures/*.svg`. It reads results only:
`analysis` is `graph.analysis.results.to_dict(...)` (what `analysis.json` holds), the projection gives layer,
vendor and offering names and counts, `support` the facts each source supports. Nothing is recomputed.

The content is one list of blocks (`blocks`: headings, paragraphs, lists, tables, figures), made
section by section (`summary`, `stack`, `value_flow`, `concentration`, `chokepoints`, `moats`,
`since`, `sources`, with `names` and `layers` for what they read off the projection) and written out twice,
as Markdown (`markdown`) and as HTML (`html`), so both say the same. Text from data files is escaped
in both. The figures are drawn by `graph.render.report_figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...model.projection import Projection
from ..source_support import SourceSupport
from . import chokepoints, concentration, moats, since, sources, stack, summary, value_flow
from .blocks import TITLE, Block, Figure, Heading
from .html import to_html
from .markdown import to_markdown
from .names import Names

FIGURES = ("stack", "value-flow", "concentration", "chokepoints", "timeline", "moats", "sources")
"""The report's figures, by file stem under figures/, in the order the report shows them."""


def report_blocks(projection: Projection, analysis: dict, support: Sequence[SourceSupport]) -> list[Block]:
    """The report's content, section by section."""
    names = Names(projection)
    return [
        Heading(1, TITLE),
        *summary.section(projection, analysis, names),
        *stack.section(projection, names),
        *value_flow.section(projection, analysis, names),
        *concentration.section(projection, analysis, names),
        *chokepoints.section(projection, analysis, names),
        *since.section(projection, analysis, names),
        *moats.section(projection, analysis, names),
        *sources.section(projection, analysis, support, names),
    ]


def render_report(projection: Projection, analysis: dict, support: Sequence[SourceSupport]) -> dict[str, bytes]:
    """The report's files by relative name: report.md, report.html and figures/NAME.svg."""
    blocks = report_blocks(projection, analysis, support)
    files = {f"figures/{b.name}.svg": b.svg for b in blocks if isinstance(b, Figure)}
    files["report.md"] = to_markdown(blocks).encode("utf-8")
    files["report.html"] = to_html(blocks).encode("utf-8")
    return dict(sorted(files.items()))
