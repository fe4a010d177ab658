"""The page: the drawn network rendered by pyvis through our own template, with the page data.

pyvis's `Network.generate_html()` renders the network's template with the nodes and edges (lists),
the options (a JSON string) and the heading. Its own template is not used (it loads Bootstrap and
tom-select from CDNs, writes the heading and the select menu's ids raw, and replaces titles holding
"href" with an HTML popup; see notes/libraries.md): the network gets our Jinja2 environment, which
autoescapes and loads `templates/stackmap.html.j2`. The page data, the vis-network bundled with pyvis
and the palette are that environment's globals. The template writes every value from the data through
`|tojson` or autoescaping, never raw (only the vis-network bundle goes in as it is, any `</script` in it
escaped): a label holding `</script>` stays text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ...model.projection import Projection
from ...runtime.gc_pause import gc_paused
from .. import palette
from .drawn_graph import NODE_LIMIT
from .network import drawn_network
from .page_data import page_data
from .texts import Texts

TEMPLATE = "stackmap.html.j2"
TITLE = "stackmap: the generative-AI stack"
VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")  # in the pyvis package


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
    data = page_data(projection, analysis, cuts, texts, node_limit)
    network = drawn_network(data, TITLE)
    network.templateEnv = _environment(data)
    network.path = TEMPLATE
    return network.generate_html()


def _environment(data: dict):
    """Our Jinja2 environment: autoescaping, strict, compact JSON; the page data, vis-network and the
    palette as globals."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph.render.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False, "separators": (",", ":")}
    env.globals.update(data=data, vis_js=vis_network_js(), palette=palette)
    return env


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network bundle that pyvis ships, made safe to inline in a script element."""
    import pyvis

    text = Path(pyvis.__file__).parent.joinpath(*VIS_JS).read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)  # never closes the inline script early
