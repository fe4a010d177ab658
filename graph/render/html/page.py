"""The page: our own Jinja2 template (autoescaped; the page data goes in as JSON through `|tojson`)
filled with the page data, with pyvis's bundled vis-network inlined, so the page makes no request."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from ...model.projection import Projection
from ...runtime.gc_pause import gc_paused
from .. import palette
from .drawn_graph import NODE_LIMIT
from .page_data import page_data
from .texts import Texts

TEMPLATE = "stackmap.html.j2"
VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network bundle that pyvis ships (read from its package folder; pyvis is not imported)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: the HTML view needs its bundled vis-network (pip install pyvis)")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*VIS_JS)
    text = path.read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)  # never closes the inline script early


@gc_paused()
def render_html(
    projection: Projection,
    analysis: dict,
    cuts: list | None = None,
    texts: Texts | None = None,
    node_limit: int = NODE_LIMIT,
) -> str:
    """The self-contained page (HTML text) for the projection and its analysis results (`to_dict`),
    with the cut sets and texts as in `page_data`."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph.render.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False, "separators": (",", ":")}
    data = page_data(projection, analysis, cuts, texts, node_limit)
    return env.get_template(TEMPLATE).render(
        data=data, vis_js=vis_network_js(), palette=palette, title="stackmap: the generative-AI stack"
    )
