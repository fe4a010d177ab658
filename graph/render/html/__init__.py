"""The interactive HTML view: one self-contained page that draws the map as a layered graph.

`render_html(projection, analysis, cuts, texts)` makes the page from the projection, the analysis
results (`analysis.to_dict`) and the prose of the data (`read_texts`); nothing is recomputed but the
layout. The modules, in the order the page is made:

- `texts`: descriptions, homepages and dependency notes, read from the dataset.
- `drawn_graph`: the graph that is drawn, the projection itself or, on large maps, aggregated.
- `layout`: the bands of the stack and every node's fixed position.
- `page_data`: everything the page shows, as JSON-ready data.
- `network`: the drawn graph as a `pyvis.network.Network`, nodes and edges with their styles.
- `page`: the page, rendered by pyvis through our own autoescaped template (`templates/`).
"""

from .page import render_html
from .texts import read_texts

__all__ = ["read_texts", "render_html"]
