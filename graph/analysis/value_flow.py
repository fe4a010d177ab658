"""Value flow: where a dollar of application revenue goes, down the stack.

Model (the essay's rough numbers, read from the data's figures, each overridable):
- applications spend a part r of revenue on inference and fine-tuning (`inference-spend-ratio`);
- a part d of that spend goes straight to cloud providers, the rest to model providers (`direct`,
  not in the data: the essay gives no split; 0 means all through model providers);
- model providers spend a part c of their revenue on cloud (`cloud-spend-ratio`).

So per dollar of app revenue: models receive r(1-d), clouds receive r*d + r(1-d)*c, applications
keep 1-r and model providers keep r(1-d)(1-c). Each figure is computed at the low and at the high
end of the parameter ranges. The data's `cloud-revenue-share` figure is the essay's own estimate of
the clouds' part; `reproduces` says whether the computed range equals it.

Example, on the tiny stack of `graph.model.sample`:

    >>> from graph.model.sample import sample_projection
    >>> flow = value_flow(sample_projection(), inference_spend=(0.2, 0.4), cloud_spend=(0.5, 0.5))
    >>> flow.cloud_share  # 10-20% of app revenue reaches the clouds, as the essay estimates
    (0.1, 0.2)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model.projection import Figure, Projection

INFERENCE_SPEND = "inference-spend-ratio"
CLOUD_SPEND = "cloud-spend-ratio"
CLOUD_SHARE = "cloud-revenue-share"


class MissingFigure(LookupError):
    """The data has no figure for a parameter the flow needs, and none was given."""


@dataclass(frozen=True)
class FlowParameters:
    """The flow's parameters as (low, high) ranges, the direct-to-cloud part and the app revenue."""

    inference_spend: tuple[float, float]
    cloud_spend: tuple[float, float]
    direct_to_cloud: float = 0.0
    revenue: float = 1.0


@dataclass(frozen=True)
class Flow:
    """Money moving from one layer to another, at the low and the high end of the parameters."""

    source: str
    target: str
    low: float
    high: float


@dataclass(frozen=True)
class ValueFlow:
    """The flow of app revenue down the stack, what each layer keeps, and the check against the essay."""

    parameters: FlowParameters
    figures: tuple[str, ...]  # ids of the data figures the parameters came from
    flows: tuple[Flow, ...]
    kept: dict[str, tuple[float, float]]
    cloud_share: tuple[float, float]
    essay_estimate: tuple[float, float] | None
    reproduces: bool | None


def _range(figure: Figure) -> tuple[float, float]:
    if figure.value is not None:
        return figure.value, figure.value
    low = figure.min if figure.min is not None else figure.max
    high = figure.max if figure.max is not None else figure.min
    return low, high


def _figure(projection: Projection, metric: str) -> Figure | None:
    return next((f for f in projection.figures if f.metric == metric), None)


def parameters_from_data(projection: Projection) -> tuple[FlowParameters | None, tuple[str, ...]]:
    """The parameters the data's figures give (None when one is missing) and those figures' ids."""
    inference, cloud = _figure(projection, INFERENCE_SPEND), _figure(projection, CLOUD_SPEND)
    used = tuple(f.id for f in (inference, cloud) if f is not None)
    if inference is None or cloud is None:
        return None, used
    return FlowParameters(_range(inference), _range(cloud)), used


def value_flow(
    projection: Projection,
    inference_spend: tuple[float, float] | None = None,
    cloud_spend: tuple[float, float] | None = None,
    direct_to_cloud: float = 0.0,
    revenue: float = 1.0,
) -> ValueFlow:
    """The value flow with the data's parameters, each replaced by the given value when there is one."""
    found, used = parameters_from_data(projection)
    inference = inference_spend or (found.inference_spend if found else None)
    cloud = cloud_spend or (found.cloud_spend if found else None)
    if inference is None:
        raise MissingFigure(f"the data has no `{INFERENCE_SPEND}` figure: give --inference-spend LOW[-HIGH]")
    if cloud is None:
        raise MissingFigure(f"the data has no `{CLOUD_SPEND}` figure: give --cloud-spend LOW[-HIGH]")
    params = FlowParameters(inference, cloud, direct_to_cloud, revenue)
    if found is not None:
        used = tuple(
            fid
            for fid, same in zip(used, (inference == found.inference_spend, cloud == found.cloud_spend), strict=True)
            if same
        )
    ends = [
        _ends(replace(params, inference_spend=(r, r), cloud_spend=(c, c)))
        for r, c in zip(inference, cloud, strict=True)
    ]
    low, high = ends
    flows = tuple(Flow(s, t, _clean(low[(s, t)]), _clean(high[(s, t)])) for s, t in _FLOWS)
    kept = {layer: (_clean(low[layer]), _clean(high[layer])) for layer in _KEPT}
    cloud_share = (_clean(low["cloud-share"]), _clean(high["cloud-share"]))
    estimate_figure = _figure(projection, CLOUD_SHARE)
    estimate = _range(estimate_figure) if estimate_figure else None
    reproduces = None
    if estimate is not None:
        reproduces = all(abs(a - b) < 1e-9 for a, b in zip(cloud_share, estimate, strict=True))
    return ValueFlow(params, used, flows, kept, cloud_share, estimate, reproduces)


_FLOWS = (("applications", "models"), ("applications", "cloud-platforms"), ("models", "cloud-platforms"))
_KEPT = ("applications", "models", "cloud-platforms")


def _clean(x: float) -> float:
    """x to 12 significant digits, so that 0.1 + 0.2 reads 0.3."""
    return float(f"{x:.12g}")


def _ends(params: FlowParameters) -> dict:
    """The flows and what each layer keeps, for one value of each parameter, in dollars."""
    r, c, d, revenue = params.inference_spend[0], params.cloud_spend[0], params.direct_to_cloud, params.revenue
    to_models = r * (1 - d)
    to_cloud_direct = r * d
    models_to_cloud = to_models * c
    return {
        ("applications", "models"): revenue * to_models,
        ("applications", "cloud-platforms"): revenue * to_cloud_direct,
        ("models", "cloud-platforms"): revenue * models_to_cloud,
        "applications": revenue * (1 - r),
        "models": revenue * (to_models - models_to_cloud),
        "cloud-platforms": revenue * (to_cloud_direct + models_to_cloud),
        "cloud-share": to_cloud_direct + models_to_cloud,
    }
