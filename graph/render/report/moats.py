"""The report's section "Vertical integration and moats": vendors that span top layers, and the moats
the data claims per layer."""

from __future__ import annotations

from ...model.projection import Projection
from ...source.ontology import load_vocabulary
from .. import report_figures as rf
from ..palette import layer_colour
from .blocks import Block, Cell, Figure, Heading, Para, Table
from .names import Names, name_list


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The integration and moats section: a table of integrated vendors, then the moat matrix as a
    figure and a table."""
    blocks: list[Block] = [Heading(2, "Vertical integration and moats", "moats")]
    integrated = a["vertical_integration"]
    if integrated:
        rows = tuple(
            (
                names.vendor(x["vendor"]),
                ", ".join(names.layer(t) for t in x["group_top_layers"]),
                "; ".join(
                    f"{names.layer(t)}: {name_list([names.node(o) for o in offerings])}"
                    for t, offerings in x["offerings"].items()
                ),
                name_list([names.vendor(s) for s in x["subsidiaries"]]) or "none",
            )
            for x in integrated
        )
        blocks += [
            Para("Vendors that offer in two or more top layers, alone or with their subsidiaries."),
            Table(("Vendor", "Top layers (with subsidiaries)", "Offerings", "Subsidiaries"), rows),
        ]
    else:
        blocks.append(Para("No vendor offers in two or more top layers."))
    matrix = a["moat_matrix"]
    moat_labels = _moat_labels()
    layers = matrix["layers"]
    columns = matrix["moat_types"]
    cells = [[[names.vendor(v) for v in matrix["cells"][layer][m]] for m in columns] for layer in layers]
    claims = [
        (Cell(names.layer(layer), layer_colour(layer)), moat_labels.get(m, m), name_list(cells[i][j]))
        for i, layer in enumerate(layers)
        for j, m in enumerate(columns)
        if cells[i][j]
    ]
    blocks += [
        Para(
            "The moats the data claims for the vendors of each layer (`stackmap vendor ID` shows each claim's "
            "evidence and source)."
        ),
        Figure(
            "moats",
            rf.moat_figure(
                [(names.layer(layer), layer_colour(layer)) for layer in layers],
                [moat_labels.get(m, m) for m in columns],
                cells,
            ),
            "Layer by moat type; a cell names the vendors claiming that moat in that layer.",
        ),
        Table(("Layer", "Moat", "Vendors"), tuple(claims)) if claims else Para("No moat claims."),
    ]
    return blocks


def _moat_labels() -> dict[str, str]:
    """The label of every moat type, by id."""
    vocabulary = load_vocabulary()
    return {m: vocabulary.labels.get(iri, m) for m, iri in vocabulary.moat_types.items()}
