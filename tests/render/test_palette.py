"""The shared layer palette covers every leaf layer of the ontology, with distinct colours."""

from graph.render.palette import FALLBACK_COLOUR, LAYER_COLOURS, layer_colour, text_colour
from graph.source.ontology import load_vocabulary


def test_every_leaf_layer_has_its_own_colour():
    leaves = {layer.id for layer in load_vocabulary().layers.values() if layer.leaf}
    assert set(LAYER_COLOURS) == leaves
    assert len(set(LAYER_COLOURS.values())) == len(LAYER_COLOURS)


def test_unknown_layer_falls_back():
    assert layer_colour("quantum-annealers") == FALLBACK_COLOUR
    assert layer_colour("foundry") == "#EE7733"


def test_text_colour_contrasts():
    assert text_colour("#332288") == "#FFFFFF"
    assert text_colour("#DDCC77") == "#000000"
