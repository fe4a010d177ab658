"""A tiny stack for examples and doctests: two apps, two models, one cloud, two chips, one foundry,
read from YAML through the real reader and projected like any map.

    chat-app ──uses_model──▶ big-model ──runs_on──▶ cloud ──runs_on──▶ gpu-x (0.75) ─┐
    code-app ──uses_model──▶ big-model | open-model (0.25)           └─▶ gpu-y (0.25) ─┴─fabbed_by─▶ fab-n5

ChatCo makes the chat app, CodeCo the code app, ModelCo the big model, OpenCo the open model,
CloudCo the cloud (and owns ModelCo), ChipX and ChipY a GPU each, FabCo the foundry process; CloudCo
claims a scale moat, ModelCo an algorithmic one.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from ..source.ontology import load_vocabulary, ontology_quads
from ..source.yaml_reader import read_yaml
from .projection import Projection, project

_SOURCE = "source: example\nsources:\n  example: {url: 'https://example.org/s', title: Example, date: 2024-01-01}\n"
_FILES = {
    "chatco.yaml": "id: chatco\nname: ChatCo\ncountry: US\nsource: example\n",
    "codeco.yaml": "id: codeco\nname: CodeCo\ncountry: US\nsource: example\n",
    "modelco.yaml": "id: modelco\nname: ModelCo\ncountry: US\nsource: example\nparent: cloudco\n"
    "moats: [{type: algorithmic, evidence: Trains the largest model.}]\n",
    "openco.yaml": "id: openco\nname: OpenCo\ncountry: FR\nsource: example\n",
    "cloudco.yaml": "id: cloudco\nname: CloudCo\ncountry: US\nsource: example\n"
    "moats: [{type: scale, evidence: Runs the only cloud.}]\n",
    "chipx.yaml": "id: chipx\nname: ChipX\ncountry: US\nsource: example\n",
    "chipy.yaml": "id: chipy\nname: ChipY\ncountry: US\nsource: example\n",
    "fabco.yaml": "id: fabco\nname: FabCo\ncountry: TW\n" + _SOURCE,
}
_OFFERINGS = {
    "chatco.yaml": "  - {id: chat-app, name: Chat, layer: end-to-end-apps, uses_model: [big-model]}\n",
    "codeco.yaml": "  - id: code-app\n    name: Code\n    layer: apps\n"
    "    uses_model: [big-model, {id: open-model, share: 0.25}]\n",
    "modelco.yaml": "  - {id: big-model, name: Big, layer: closed-foundation-models, runs_on: [cloud]}\n",
    "openco.yaml": "  - {id: open-model, name: Open, layer: open-foundation-models, runs_on: [cloud]}\n",
    "cloudco.yaml": "  - id: cloud\n    name: Cloud\n    layer: cloud-platforms\n"
    "    runs_on: [{id: gpu-x, share: 0.75}, {id: gpu-y, share: 0.25}]\n",
    "chipx.yaml": "  - {id: gpu-x, name: GPU X, layer: compute-hardware, fabbed_by: [fab-n5]}\n",
    "chipy.yaml": "  - {id: gpu-y, name: GPU Y, layer: compute-hardware, fabbed_by: [fab-n5]}\n",
    "fabco.yaml": "  - {id: fab-n5, name: N5, layer: foundry}\n",
}


def sample_texts() -> dict[str, str]:
    """The tiny stack's data files by name (vendors/NAME), as YAML text."""
    return {name: text + "offerings:\n" + _OFFERINGS[name] for name, text in _FILES.items()}


@cache
def sample_store() -> ox.Store:
    """The tiny stack loaded into a store: the ontology graph and one graph per file."""
    store = ox.Store()
    store.bulk_extend(ontology_quads())
    vocabulary = load_vocabulary()
    for name, text in sample_texts().items():
        facts = read_yaml(f"vendors/{name}", text, vocabulary)
        assert not facts.problems, facts.problems
        store.load("".join(facts.nquads), format=ox.RdfFormat.N_QUADS)
    return store


def sample_projection() -> Projection:
    """The tiny stack projected onto the graph of offerings.

    >>> p = sample_projection()
    >>> sorted(p.graph.successors("code-app"))
    ['big-model', 'open-model']
    >>> p.apps
    ['chat-app', 'code-app']
    """
    return project(sample_store())
