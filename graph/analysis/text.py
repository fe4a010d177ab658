"""The analysis results as terminal text (the `--format table` of the analysis commands)."""

from __future__ import annotations

from ..model.projection import Projection
from ..runtime.terminal import text_table
from .chokepoints import Chokepoints
from .concentration import Concentration
from .diff import Diff
from .reach import Reach
from .value_flow import ValueFlow
from .whatif import WhatIf

DETOURS_SHOWN = 30  # detours listed in the text of a what-if; the JSON has every one


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _names(ids, limit: int = 6) -> str:
    ids = list(ids)
    more = f" +{len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def chokepoints_text(p: Projection, c: Chokepoints, reached: Reach, top: int) -> str:
    """The top of the chokepoint ranking, the critical pairs, and the supplements."""
    n_apps = len(p.apps)
    shown = [x for x in c.ranking if x.rank <= top] if c.ranking else []
    rows = [
        [
            str(x.rank),
            x.vendor,
            p.vendors[x.vendor].label,
            f"{len(x.apps_cut_off)}/{n_apps}",
            _pct(x.capacity_lost),
            str(reached.vendors[x.vendor]),
        ]
        for x in shown
    ]
    header = ["rank", "vendor", "name", "apps cut off", "capacity lost", "reach"]
    out = [f"Chokepoints: each of {len(c.ranking)} candidates removed alone ({n_apps} apps)\n"]
    out.append(text_table(header, rows))
    pool = {x.vendor for x in shown}
    pairs = [pair for pair in c.pairs if set(pair.vendors) & pool]
    out.append("\nCritical pairs (together they cut off apps that neither cuts off alone):\n")
    if pairs:
        rows = [[" + ".join(x.vendors), str(len(x.apps_cut_off)), _names(x.apps_cut_off)] for x in pairs]
        out.append(text_table(["pair", "apps", "which"], rows))
    else:
        out.append("  none among the top candidates\n")
    out.append(f"\nArticulation points (undirected view): {_names(c.articulation_points, 12) or 'none'}\n")
    top_between = list(c.betweenness.items())[:top]
    out.append("Highest betweenness: " + (", ".join(f"{n} {v:g}" for n, v in top_between) or "none") + "\n")
    out.append(
        "\nWhat fails without one vendor, and how the other apps get around it: stackmap whatif --remove VENDOR\n"
    )
    return "".join(out)


def whatif_text(result: WhatIf, p: Projection) -> str:
    """What fails and what capacity remains after a removal."""
    apps = p.apps
    out = [f"Removed {len(result.removed)} node(s): {_names(result.removed, 12)}\n"]
    out.append(f"Apps that fail: {len(result.failed_apps)} of {len(apps)}\n\n")
    rows = [
        [
            layer,
            str(len(result.failed_by_layer.get(layer, ()))),
            _pct(mean),
            _names(result.failed_by_layer.get(layer, ())),
        ]
        for layer, mean in result.mean_capacity_by_layer.items()
    ]
    out.append(text_table(["layer", "failed", "mean capacity", "failed nodes"], rows))
    out.append("\n")
    rows = [
        [app, p.graph.nodes[app]["vendor"], "fails" if app in result.failed_apps else "works", _pct(cap)]
        for app, cap in result.app_capacity.items()
    ]
    out.append(text_table(["app", "vendor", "state", "capacity"], rows))
    out.append("\nDetours beneath the apps that work (a dependency that lost suppliers and works on others):\n")
    rows = [[d.node, d.kind, _names(d.kept), _names(d.lost)] for d in result.detours[:DETOURS_SHOWN]]
    out.append(text_table(["node", "dependency", "works on", "lost"], rows) if rows else "  none\n")
    if len(result.detours) > DETOURS_SHOWN:
        out.append(f"  +{len(result.detours) - DETOURS_SHOWN} more (--format json lists every one)\n")
    return "".join(out)


def concentration_text(results: list[Concentration]) -> str:
    """HHI, CR1, CR4, band and the countries measure per layer and per market."""
    rows = [
        [
            c.scope,
            c.id,
            f"{c.hhi:,.0f}" + (f" (≤{c.hhi_max:,.0f})" if c.hhi_max > c.hhi else ""),
            _pct(c.cr1),
            _pct(c.cr4),
            c.band,
            "-" if c.countries_to_75 is None else str(c.countries_to_75),
            c.basis + (f", {c.period}" if c.period else ""),
            ", ".join(f"{v} {_pct(s)}" for v, s in c.shares[:3]),
        ]
        for c in results
    ]
    header = ["scope", "id", "HHI", "CR1", "CR4", "band (2023 guidelines)", "countries to 75%", "basis", "largest"]
    note = (
        "\nHHI of the named holders; (≤N) when part of the market is unattributed: N if that part were one firm.\n"
        "countries to 75%: '-' when the named shares do not reach 75%.\n"
    )
    return text_table(header, rows) + note


def flow_text(flow: ValueFlow) -> str:
    """The flows of app revenue down the stack, the parameters and the check against the essay."""
    p = flow.parameters
    money = p.revenue != 1.0

    def amount(x: float) -> str:
        return f"${x:,.0f}" if money else _pct(x)

    def span(low: float, high: float) -> str:
        return amount(low) if low == high else f"{amount(low)} to {amount(high)}"

    def ratio(low: float, high: float) -> str:
        return _pct(low) if low == high else f"{_pct(low)} to {_pct(high)}"

    unit = f"of ${p.revenue:,.0f} app revenue" if money else "of app revenue"
    out = [
        f"Parameters: apps spend {ratio(*p.inference_spend)} of revenue on inference; "
        f"{_pct(p.direct_to_cloud)} of that goes straight to clouds; "
        f"model providers spend {ratio(*p.cloud_spend)} of revenue on cloud\n",
        f"From the data's figures: {', '.join(flow.figures) or 'none (all given)'}\n\n",
    ]
    rows = [[f.source, f.target, span(f.low, f.high)] for f in flow.flows]
    out.append(text_table(["from", "to", f"amount ({unit})"], rows))
    out.append("\n")
    rows = [[layer, span(*kept)] for layer, kept in flow.kept.items()]
    out.append(text_table(["layer", "keeps"], rows))
    share = flow.cloud_share
    out.append(f"\nCloud providers receive {_pct(share[0])} to {_pct(share[1])} of app revenue")
    if flow.essay_estimate:
        est = flow.essay_estimate
        verdict = "reproduced" if flow.reproduces else "not reproduced with these parameters"
        out.append(f"; the essay's estimate is {_pct(est[0])} to {_pct(est[1])}: {verdict}")
    return "".join(out) + "\n"


def vendor_text(card: dict) -> str:
    """A vendor card for the terminal."""
    out = [f"{card['name']} ({card['id']}), {card['country'] or 'country unknown'}\n"]
    out.append(f"layers: {', '.join(card['layers'])}\n")
    out.append("offerings: " + (", ".join(f"{o['id']} ({o['layer']})" for o in card["offerings"]) or "none") + "\n")
    reach = card["reach"]
    out.append(f"reach: {reach['apps']} app(s){': ' + _names(reach['list'], 10) if reach['list'] else ''}\n")
    fails = card["fails_without"]
    out.append(
        "fails without: "
        + ("; ".join(f"{v} ({', '.join(nodes)})" for v, nodes in fails.items()) or "no single other vendor")
        + "\n"
    )
    c = card["chokepoint"]
    if c:
        out.append(
            f"chokepoint rank: {c['rank']} of {c['of']}; alone it cuts off {len(c['apps_cut_off'])} app(s), "
            f"mean capacity lost {_pct(c['capacity_lost'])}\n"
        )
    else:
        out.append("chokepoint rank: not a candidate (applications only)\n")
    out.append("\ndepends on:\n")
    rows = [[d["node"], d["relation"], d["supplier"], d["supplier_vendor"]] for d in card["depends_on"]]
    out.append(text_table(["offering", "relation", "supplier", "vendor"], rows) if rows else "  nothing\n")
    out.append("\ndepended on by:\n")
    rows = [[d["node"], d["relation"], d["consumer"], d["consumer_vendor"]] for d in card["depended_on_by"]]
    out.append(text_table(["offering", "relation", "consumer", "vendor"], rows) if rows else "  nobody\n")
    if card["ties"]:
        out.append("\nties: " + ", ".join(f"{t['relation']} {t['vendor']} ({t['direction']})" for t in card["ties"]))
        out.append("\n")
    out.append("\nmoats:\n")
    out += [f"  {m['type']}: {m['evidence']}\n" for m in card["moats"]] or ["  none claimed\n"]
    out.append("\nsources:\n")
    out += [f"  [{s['id']}] {s['title']} ({s['date']}) {s['url']}\n" for s in card["sources"]]
    return "".join(out)


def diff_text(change: Diff, since: str, until: str) -> str:
    """What entered and left, chokepoint ranks and concentration that moved, and the apps whose
    single points of failure changed, from one date to another."""
    out = [f"From {since} to {until}\n"]
    for word, side in (("entered", change.entered), ("left", change.left)):
        counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in side.items())
        out.append(f"\n{word.capitalize()}: {counts}\n")
        for kind in ("vendors", "offerings"):
            if side[kind]:
                out.append(f"  {kind}: {_names(side[kind], 30)}\n")
    out.append("\nChokepoint ranks that moved:\n")
    rows = [
        [
            m.vendor,
            _rank(m.rank_from),
            _rank(m.rank_to),
            str(m.apps_from),
            str(m.apps_to),
            _capacity(m.capacity_from),
            _capacity(m.capacity_to),
        ]
        for m in change.ranks
    ]
    header = ["vendor", "rank from", "rank to", "apps cut off from", "to", "capacity lost from", "to"]
    out.append(text_table(header, rows) if rows else "  none\n")
    if change.not_chokepoints:
        out.append(
            f"  (and {change.not_chokepoints} vendors whose loss cuts off no app and takes no capacity"
            " on either date, left out)\n"
        )
    out.append("\nConcentration that moved (HHI and 2023 guideline band):\n")
    rows = [
        [
            m.scope,
            m.id,
            _hhi(m.hhi_from, m.basis_from),
            _hhi(m.hhi_to, m.basis_to),
            m.band_from or "-",
            m.band_to or "-",
        ]
        for m in change.concentration
    ]
    header = ["scope", "id", "HHI from", "HHI to", "band from", "band to"]
    out.append(text_table(header, rows) if rows else "  none\n")
    out.append("\nApps whose single points of failure changed (vendors whose loss alone cuts them off):\n")
    rows = [
        [app, ", ".join(gained) or "-", ", ".join(lost) or "-"] for app, (gained, lost) in change.single_points.items()
    ]
    out.append(text_table(["app", "gained", "lost"], rows) if rows else "  none\n")
    return "".join(out)


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


def _capacity(lost: float | None) -> str:
    """A capacity lost as a percentage; a loss too small to show at one decimal is "<0.1%", not "0.0%".

    >>> _capacity(0.326419202), _capacity(1.89e-05), _capacity(0.0), _capacity(None)
    ('32.6%', '<0.1%', '0.0%', '-')
    """
    if lost is None:
        return "-"
    shown = _pct(lost)
    return "<0.1%" if lost > 0 and shown == "0.0%" else shown


def _hhi(hhi: float | None, basis: str | None) -> str:
    if hhi is None:
        return "-"
    return f"{hhi:,.0f}" + ("*" if basis == "dependents" else "")
