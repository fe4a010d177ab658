"""The report's section "Where value accrues": one dollar of app revenue followed down the stack."""

from __future__ import annotations

from ...model.projection import Projection
from .. import report_figures as rf
from ..palette import layer_colour
from ..report_numbers import pct, pct_range
from .blocks import Block, Figure, Heading, Para, Table
from .layers import leaf_layers
from .names import Names, and_list

FLOW_COLOURS = {
    "applications": layer_colour("apps"),
    "models": layer_colour("closed-foundation-models"),
    "cloud-platforms": layer_colour("cloud-platforms"),
}
"""The colour of each layer of the flow in its figure."""
FLOW_LABELS = {
    "models": "Model providers",
    "cloud-platforms": "Cloud providers",
    "beneath": "Chips, memory,\nfoundries, tools:\nno spend figure\nin the data",
}
"""The figure's labels of the flow's layers (the apps are labelled by the figure itself)."""


def section(p: Projection, a: dict, names: Names) -> list[Block]:
    """The value flow section: the flow as a figure and tables, and whether it reproduces the essay's
    estimate; or why there is none."""
    blocks: list[Block] = [Heading(2, "Where value accrues", "value-flow")]
    flow = a["value_flow"]
    if not flow:
        blocks.append(
            Para(
                "The data has no inference-spend or cloud-spend figure, so no value flow was computed "
                "(`stackmap flow` takes them as options)."
            )
        )
        return blocks
    beneath = [layer for layer in leaf_layers(p) if p.layers[layer].order > p.layers["cloud-platforms"].order]
    blocks += [
        Para(
            "One dollar of app revenue followed down the stack with the essay's spend ratios: the apps pay for "
            "inference, the model providers pay the clouds. The data gives no spend ratio for what the clouds "
            f"pay for {and_list([names.layer(x).lower() for x in beneath])}, so the flow stops at the clouds; "
            "the chokepoint and concentration sections cover the layers beneath."
        ),
        Figure(
            "value-flow",
            rf.value_flow_figure(_ends(flow), FLOW_COLOURS, FLOW_LABELS),
            "The flow at both ends of the parameter ranges; every amount is a share of app revenue.",
        ),
        *_tables(flow, names),
    ]
    text = f"The cloud providers receive {pct_range(*flow['cloud_share'])} of app revenue"
    if flow["essay_estimate"]:
        verdict = "reproduced" if flow["reproduces"] else "not reproduced with these parameters"
        text += f"; the essay estimates {pct_range(*flow['essay_estimate'])}: {verdict}"
    blocks.append(Para(text + "."))
    return blocks


def _ends(flow: dict) -> list[rf.FlowEnd]:
    """The flow at the low and at the high end of the parameter ranges, as the figure draws them."""
    params = flow["parameters"]
    kept = flow["kept"]
    flows = {(f["source"], f["target"]): f for f in flow["flows"]}
    to_models = flows[("applications", "models")]
    direct = flows[("applications", "cloud-platforms")]
    models_cloud = flows[("models", "cloud-platforms")]
    ends = []
    for i, end in enumerate(("Low end", "High end")):
        ends.append(
            rf.FlowEnd(
                f"{end}: apps spend {pct(params['inference_spend'][i])} of revenue on inference, "
                f"model providers {pct(params['cloud_spend'][i])} of theirs on cloud",
                to_models=to_models["low" if i == 0 else "high"],
                direct_to_cloud=direct["low" if i == 0 else "high"],
                models_to_cloud=models_cloud["low" if i == 0 else "high"],
                apps_keep=kept["applications"][i],
                models_keep=kept["models"][i],
            )
        )
    return ends


def _tables(flow: dict, names: Names) -> list[Block]:
    """The parameters (and the figures they come from), the flows, and what each layer keeps."""
    params = flow["parameters"]
    figure_ids = ", ".join(flow["figures"]) or "none (all given as options)"
    return [
        Table(
            ("Parameter", "Low", "High"),
            (
                ("Share of app revenue spent on inference", *map(pct, params["inference_spend"])),
                (
                    "Share of that paid straight to clouds",
                    pct(params["direct_to_cloud"]),
                    pct(params["direct_to_cloud"]),
                ),
                ("Share of model-provider revenue spent on cloud", *map(pct, params["cloud_spend"])),
            ),
            frozenset({1, 2}),
        ),
        Para(f"Parameters from the data's figures: {figure_ids}."),
        Table(
            ("From", "To", "Low end", "High end"),
            tuple(
                (_flow_layer(f["source"], names), _flow_layer(f["target"], names), pct(f["low"]), pct(f["high"]))
                for f in flow["flows"]
            ),
            frozenset({2, 3}),
        ),
        Table(
            ("Layer", "Keeps at the low end", "Keeps at the high end"),
            tuple((_flow_layer(layer, names), pct(lo), pct(hi)) for layer, (lo, hi) in flow["kept"].items()),
            frozenset({1, 2}),
        ),
    ]


def _flow_layer(layer: str, names: Names) -> str:
    """A layer of the flow as its tables name it: the apps, the model providers, the cloud providers."""
    return {"applications": "Apps", "models": "Model providers", "cloud-platforms": "Cloud providers"}.get(
        layer, names.layer(layer)
    )
