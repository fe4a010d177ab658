"""The market report: its figures, its numbers (equal to analysis.json), escaping, self-containment,
determinism, and the `report` command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MINI
from graph.model.projection import project
from graph.pipeline import build
from graph.render.report import FIGURES
from graph.render.report.markdown import md_escape
from graph.render.report_numbers import count, hhi, of, pct, pct_range
from graph.render.source_support import KINDS, source_support
from graph.source.paths import shipped_data_dir

SVG = "{http://www.w3.org/2000/svg}"
UNDATED_FIGURES = tuple(name for name in FIGURES if name != "timeline")  # an undated map has no timeline
REPORT_FILES = sorted(["report.md", "report.html", *(f"figures/{name}.svg" for name in UNDATED_FIGURES)])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`build` of the shipped map."""
    out = tmp_path_factory.mktemp("built")
    build(shipped_data_dir(), out)
    return out


@pytest.fixture(scope="module")
def analysis_json(built: Path) -> dict:
    return json.loads((built / "analysis.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables(built: Path) -> dict[tuple[str, ...], list[dict[str, str]]]:
    """The Markdown tables of report.md by header: rows as {column: text}."""
    return md_tables((built / "report.md").read_text(encoding="utf-8"))


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [re.sub(r"\\(.)", r"\1", c.strip()) for c in cells]


def md_tables(text: str) -> dict[tuple[str, ...], list[dict[str, str]]]:
    lines = text.splitlines()
    found: dict[tuple[str, ...], list[dict[str, str]]] = {}
    i = 0
    while i < len(lines):
        if lines[i].startswith("| ") and i + 1 < len(lines) and re.fullmatch(r"\|(-+:?\|)+", lines[i + 1]):
            header = tuple(_cells(lines[i]))
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("| "):
                rows.append(dict(zip(header, _cells(lines[i]), strict=True)))
                i += 1
            assert header not in found, f"two tables with header {header}"
            found[header] = rows
        else:
            i += 1
    return found


def table(tables, *columns: str) -> list[dict[str, str]]:
    matches = [rows for header, rows in tables.items() if header[: len(columns)] == columns]
    assert len(matches) == 1, f"no single table starting with {columns}: {list(tables)}"
    return matches[0]


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# -- files and figures -------------------------------------------------------------------------


def test_build_writes_every_report_file(built: Path) -> None:
    written = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
    assert {"report.md", "report.html", *(f"figures/{name}.svg" for name in FIGURES)} <= set(written)
    md = (built / "report.md").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f"(figures/{name}.svg)" in md


def test_every_figure_parses_and_carries_its_labels(built: Path, shipped, analysis_json: dict) -> None:
    p = project(shipped.store)
    texts = {name: svg_texts((built / "figures" / f"{name}.svg").read_bytes()) for name in FIGURES}
    leaf = [x for x in p.layers.values() if x.leaf]
    for layer in leaf:
        assert layer.label in texts["stack"]
        assert layer.label in texts["moats"]
    assert {"Applications", "Models", "Infrastructure"} <= set(texts["stack"])
    for c in analysis_json["concentration"]:
        label = p.layers[c["id"]].label if c["scope"] == "layer" else c["id"]
        assert label in texts["concentration"]
        assert hhi(c["hhi"]) + (f" (≤{hhi(c['hhi_max'])})" if c["hhi_max"] > c["hhi"] else "") in texts["concentration"]
    assert "1,000" in texts["concentration"] and "1,800" in texts["concentration"]
    assert "from dependents" in texts["concentration"] and "from market-share figures" in texts["concentration"]
    for x in analysis_json["chokepoints"]["ranking"]:
        if x["rank"] <= 10:
            assert f"{x['rank']}. {p.vendors[x['vendor']].label}" in texts["chokepoints"]
            assert pct(x["capacity_lost"]) in texts["chokepoints"]
    assert "1. OpenAI" in texts["chokepoints"] and "2. TSMC" in texts["chokepoints"]
    flow = analysis_json["value_flow"]
    assert {"App revenue", "100%", "Model providers", "Cloud providers", "apps keep"} <= set(texts["value-flow"])
    for share in flow["cloud_share"]:  # multi-line labels are one <text> per line
        assert f"receive {pct(share)}" in texts["value-flow"]
    for low_or_high in ("low", "high"):
        to_models = next(f for f in flow["flows"] if f["target"] == "models")[low_or_high]
        assert f"inference spend {pct(to_models)}" in texts["value-flow"]
    for kept in flow["kept"]["applications"]:
        assert pct(kept) in texts["value-flow"]
    for label in ("Algorithmic", "Scale", "Supply chain", "Network effects"):
        assert label in texts["moats"]
    cells = analysis_json["moat_matrix"]["cells"]
    claimed = {p.vendors[v].label for row in cells.values() for vendors in row.values() for v in vendors}
    assert claimed == {
        "Amazon",
        "Google",
        "Microsoft",
        "Nvidia",
        "OpenAI",
        "Stability AI",
        "Hugging Face",
        "Replicate",
        "TSMC",
        "ASML",
        "SK hynix",
    }
    assert claimed <= set(texts["moats"])
    assert "a16z-2023-genai-platform" in texts["sources"]
    assert {"vendors", "offerings", "dependencies", "ties", "figures", "moats"} <= set(texts["sources"])


def test_figures_use_the_layer_palette(built: Path) -> None:
    """The stack figure fills each layer's bars with its palette colour (the HTML view's colours)."""
    from graph.render.palette import LAYER_COLOURS

    svg = (built / "figures" / "stack.svg").read_text(encoding="utf-8").lower()
    for colour in LAYER_COLOURS.values():
        assert f"fill: {colour.lower()}" in svg


# -- numbers -----------------------------------------------------------------------------------


def test_concentration_numbers_equal_analysis_json(tables, analysis_json: dict, shipped) -> None:
    p = project(shipped.store)
    rows = table(tables, "Layer or market", "Scope")
    results = analysis_json["concentration"]
    assert len(rows) == len(results)
    for row, c in zip(rows, results, strict=True):
        assert row["Layer or market"] == (p.layers[c["id"]].label if c["scope"] == "layer" else c["id"])
        assert (row["Scope"], row["HHI"], row["HHI bound"], row["CR1"], row["CR4"], row["Band"]) == (
            c["scope"],
            hhi(c["hhi"]),
            hhi(c["hhi_max"]),
            pct(c["cr1"]),
            pct(c["cr4"]),
            c["band"],
        )
    foundry = next(r for r in rows if r["Layer or market"] == "Foundry")
    assert (foundry["HHI"], foundry["HHI bound"], foundry["CR1"]) == ("5,000", "5,088", "69.9%")  # TrendForce, 2025


def test_chokepoint_numbers_equal_analysis_json(tables, analysis_json: dict, shipped) -> None:
    p = project(shipped.store)
    n_apps = analysis_json["summary"]["apps"]
    rows = table(tables, "Rank", "Vendor")
    expected = [x for x in analysis_json["chokepoints"]["ranking"] if x["rank"] <= 10]
    assert [(r["Rank"], r["Vendor"], r["Apps that fail"], r["Capacity lost"]) for r in rows] == [
        (str(x["rank"]), p.vendors[x["vendor"]].label, of(x["apps_cut_off"], n_apps), pct(x["capacity_lost"]))
        for x in expected
    ]
    assert rows[0]["Apps that fail"] == "16 of 63" and (rows[0]["Vendor"], rows[1]["Vendor"]) == ("OpenAI", "TSMC")
    pairs = table(tables, "Vendors", "Apps that fail")
    assert [(r["Vendors"], r["Apps that fail"]) for r in pairs] == [
        (" + ".join(p.vendors[v].label for v in x["vendors"]), of(len(x["apps"]), n_apps))
        for x in analysis_json["chokepoints"]["critical_pairs"]
    ]


def test_value_flow_numbers_equal_analysis_json(built: Path, tables, analysis_json: dict) -> None:
    flow = analysis_json["value_flow"]
    flows = table(tables, "From", "To")
    assert [(r["Low end"], r["High end"]) for r in flows] == [(pct(f["low"]), pct(f["high"])) for f in flow["flows"]]
    kept = table(tables, "Layer", "Keeps at the low end")
    assert [(r["Keeps at the low end"], r["Keeps at the high end"]) for r in kept] == [
        (pct(lo), pct(hi)) for lo, hi in flow["kept"].values()
    ]
    params = table(tables, "Parameter", "Low")
    assert [(r["Low"], r["High"]) for r in params] == [
        tuple(map(pct, flow["parameters"]["inference_spend"])),
        (pct(flow["parameters"]["direct_to_cloud"]),) * 2,
        tuple(map(pct, flow["parameters"]["cloud_spend"])),
    ]
    md = (built / "report.md").read_text(encoding="utf-8")
    assert f"The cloud providers receive {pct_range(*flow['cloud_share'])} of app revenue" in md
    assert "10.0% to 20.0% reaches the cloud providers" in md


def test_stack_integration_and_summary_numbers(built: Path, tables, analysis_json: dict, shipped) -> None:
    p = project(shipped.store)
    rows = {r["Layer"]: r for r in table(tables, "Layer", "Top layer")}
    for layer in (x for x in p.layers.values() if x.leaf):
        nodes = [d for _, d in p.graph.nodes(data=True) if d["layer"] == layer.id]
        vendors = {d["vendor"] for d in nodes}
        offerings = sum(d["kind"] == "offering" for d in nodes)
        assert (rows[layer.label]["Vendors"], rows[layer.label]["Offerings"]) == (count(len(vendors)), count(offerings))
    integration = table(tables, "Vendor", "Top layers (with subsidiaries)")
    assert [r["Vendor"] for r in integration] == [
        p.vendors[x["vendor"]].label for x in analysis_json["vertical_integration"]
    ]
    s = analysis_json["summary"]
    md = (built / "report.md").read_text(encoding="utf-8")
    assert f"a map of {count(s['vendors'])} vendors with {count(s['nodes'])} nodes" in md
    assert f"{count(s['edges'])} dependency edges" in md


def test_source_numbers_equal_the_data(tables) -> None:
    # the report is built on today's map: `shipped` (every fact of every date) also holds the facts that
    # have ended (GPT-3.5 in ChatGPT, until 2024-07-18)
    from graph.pipeline import load_checked

    support = source_support(load_checked(shipped_data_dir()).loaded.store)
    rows = table(tables, "Source", "Title, publisher, date")
    kinds = list(KINDS.values())
    assert [(r["Source"], *(r[k.capitalize()] for k in kinds), r["Total"]) for r in rows] == [
        (s.id, *(count(s.facts[k]) for k in kinds), count(s.total)) for s in support
    ]
    a16z = next(r for r in rows if r["Source"] == "a16z-2023-genai-platform")
    assert (a16z["Moats"], a16z["Total"]) == ("17", "93")
    assert a16z["Title, publisher, date"] == (
        "[Who Owns the Generative AI Platform?](https://a16z.com/who-owns-the-generative-ai-platform/)"
        " (Andreessen Horowitz, 2023-01-19)"
    )
    # every fact of each kind is counted once per source it cites
    vendors = table(tables, "Layer", "Concentration basis")
    # two cloud markets of different definitions (the essay's 2022 one and Synergy's): the layer is
    # measured by the one of the latest period, Synergy's, whose figures name Amazon, Microsoft and Google
    clouds = {r["Layer"]: r for r in vendors}["Cloud platforms"]
    assert clouds["Vendors with a share figure"] == "Amazon, Google, Microsoft"
    assert "market-share figures (cloud-infrastructure-services-synergy)" in clouds["Concentration basis"]


# -- html, escaping, determinism ---------------------------------------------------------------


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data") and value is not None:
                self.refs.append((tag, name, value))


def test_html_is_self_contained(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert page.count("<svg ") == len(FIGURES)
    for tag, name, value in parser.refs:
        assert value.startswith("#") or (tag == "a" and name == "href" and value.startswith("https://")), value
    assert "@import" not in page and not re.search(r"url\((?!#)", page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat across the inlined figures"


def test_text_from_data_files_is_escaped(make_data, tmp_path: Path) -> None:
    name = "<script>alert(1)</script> | *Evil* & Co $x^2$"
    data = make_data(
        {
            "vendors/evilco.yaml": (
                "id: evilco\n"
                f"name: '{name}'\n"
                "country: US\n"
                "source: test-source\n"
                "offerings:\n"
                "  - id: evilco-chip\n"
                "    name: '<b>chip</b>'\n"
                "    layer: compute-hardware\n"
                "    fabbed_by: [fabco-n5]\n"
            )
        }
    )
    out = tmp_path / "out"
    build(data, out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>chip" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | *Evil* &amp; Co $x^2$" in page
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md_escape(name) in md and name not in md
    assert md_escape(name) == r"\<script\>alert(1)\</script\> \| \*Evil\* \& Co $x^2$"
    rows = table(md_tables(md), "Layer", "Top layer")
    assert name in next(r for r in rows if r["Layer"] == "Compute hardware")["Who"]
    labels = svg_texts((out / "figures" / "chokepoints.svg").read_bytes())
    assert any(label.endswith(". " + name) for label in labels)  # "$...$" stays text, not mathtext


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    """A second run in a fresh interpreter (another hash seed) writes the same report bytes."""
    other = tmp_path / "other"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(
        [sys.executable, "-m", "graph", "report", "--out", str(other)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    shipped_files = sorted(["report.md", "report.html", *(f"figures/{name}.svg" for name in FIGURES)])
    assert sorted(str(p.relative_to(other)) for p in other.rglob("*") if p.is_file()) == shipped_files
    for name in shipped_files:
        assert (other / name).read_bytes() == (built / name).read_bytes(), name


def test_report_without_value_flow_figures(make_data, tmp_path: Path) -> None:
    """A map without spend figures: the report says so and has no value-flow figure."""
    data = make_data()
    (data / "market.yaml").unlink()
    out = tmp_path / "out"
    build(data, out)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "no value flow was computed" in md
    assert not (out / "figures" / "value-flow.svg").exists()
    assert (out / "figures" / "chokepoints.svg").exists()


# -- the command -------------------------------------------------------------------------------


def test_report_command_writes_only_the_report(cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = cli("report", "--data", MINI, "--out", out)
    assert (result.code, result.err) == (0, "")
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == REPORT_FILES
    assert result.out.splitlines() == [f"wrote {out / name}" for name in REPORT_FILES]
    assert cli("report", "--help").code == 0


def test_check_and_query_do_not_import_matplotlib() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from graph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['check']) == 0\n"
        "    assert main(['query', 'vendors-by-layer']) == 0\n"
        "print('matplotlib' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (completed.returncode, completed.stdout) == (0, "False\n"), completed.stderr


def test_no_figure_text_falls_outside_its_figure(shipped, monkeypatch) -> None:
    """Every artist of every figure (labels, legends, titles) lies within the figure: nothing is cut off."""
    from graph.pipeline import load_checked, report_files
    from graph.render import report_figures

    original = report_figures._svg
    boxes = {}

    def measured(fig) -> bytes:
        data = original(fig)
        boxes[fig.get_suptitle() or fig.axes[0].get_title(loc="left")] = (fig.get_tightbbox(), fig.bbox_inches)
        return data

    monkeypatch.setattr(report_figures, "_svg", measured)
    report_files(load_checked(shipped_data_dir()))
    assert len(boxes) == len(FIGURES)
    for title, (tight, page) in boxes.items():
        assert tight.x0 >= -0.01 and tight.y0 >= -0.01, title
        assert tight.x1 <= page.x1 + 0.01 and tight.y1 <= page.y1 + 0.01, title


def test_links_only_to_web_pages() -> None:
    """A source URL that is not http(s) is shown as text, never as a link; link text is escaped."""
    from graph.render.report.blocks import Link, Table
    from graph.render.report.html import to_html
    from graph.render.report.markdown import to_markdown

    blocks = [
        Table(
            ("Source",),
            (
                (Link("<x>", "javascript:alert(1)"),),
                (Link("a|b", "https://e.org/?a=1&b=(2)", " (P)"),),
                (Link("q", 'https://e.org/"x'),),
            ),
        )
    ]
    page = to_html(blocks)
    assert "javascript:" not in page and "&lt;x&gt;" in page
    assert '<a href="https://e.org/?a=1&amp;b=(2)">a|b</a> (P)' in page
    assert "<td>q</td>" in page  # a quote in a URL: not a link
    md = to_markdown(blocks)
    assert "javascript:" not in md
    assert "[a\\|b](https://e.org/?a=1&b=%282%29) (P)" in md


def test_a_long_name_is_shortened_in_the_figures(make_data, tmp_path: Path) -> None:
    """The longest name a data file may give (80 characters) ends in an ellipsis on a figure's axis,
    so it cannot squeeze the plot; the tables keep it whole."""
    name = "Long " * 15 + "Name Co"  # 82 characters: one over, then trimmed to the limit below
    name = name[:80]
    data = make_data(
        {
            "vendors/longco.yaml": (
                f"id: longco\nname: '{name}'\ncountry: US\nsource: test-source\nofferings:\n"
                "  - id: longco-chip\n    name: Chip\n    layer: compute-hardware\n    fabbed_by: [fabco-n5]\n"
            )
        }
    )
    out = tmp_path / "out"
    build(data, out)
    labels = [t for t in svg_texts((out / "figures" / "chokepoints.svg").read_bytes()) if "Long Long" in t]
    assert labels and all(len(t) == 56 and t.endswith("…") for t in labels)
    assert name in (out / "report.md").read_text(encoding="utf-8")


# -- since the essay ---------------------------------------------------------------------------


def test_since_the_essay_equals_as_of_runs_and_diff(tables, analysis_json: dict) -> None:
    """The section's columns are the analyses of `--as-of` runs on each stop's day: the essay's column
    equals `load_checked(as_of=2023-01-19)`, and the ranks that moved between two stops are those
    `stackmap diff` reports between the same days."""
    import datetime as dt

    from graph.pipeline import diff_maps, load_checked

    stops = analysis_json["timeline"]
    heads = ["essay" if s["label"].endswith("(the essay)") else s["label"] for s in stops]
    assert heads[:3] == ["2020", "2021", "2022"] and heads[3] == "essay" and heads[-1] == dt.date.today().isoformat()
    counts = {row[""]: row for row in table(tables, "", *heads)}
    ranks = {row["Vendor"]: row for row in table(tables, "Vendor", *heads)}
    essay = load_checked(shipped_data_dir(), as_of=dt.date(2023, 1, 19)).analysis
    assert counts["Vendors"]["essay"] == count(len(essay.projection.vendors))
    assert counts["Apps"]["essay"] == count(len(essay.projection.apps))
    names = {v: x.label for v, x in essay.projection.vendors.items()}
    for c in essay.chokepoints.ranking:
        if c.rank <= 5 and c.apps_cut_off:
            assert ranks[names[c.vendor]]["essay"] == str(c.rank)
    layers = {c["id"]: c["hhi"] for c in stops[3]["concentration"] if c["scope"] == "layer"}
    assert layers == {c.id: c.hhi for c in essay.concentration if c.scope == "layer"}
    change = diff_maps(shipped_data_dir(), dt.date(2020, 12, 31), dt.date(2023, 1, 19))
    for move in change.ranks:
        row = ranks.get(names.get(move.vendor, move.vendor))
        if row is not None:
            ranked = ((move.rank_from, move.apps_from), (move.rank_to, move.apps_to))
            expected = tuple(str(r) if r and apps else "\u2013" for r, apps in ranked)  # ranked: cuts off an app
            assert (row["2020"], row["essay"]) == expected
    assert any(ranks[n]["2020"] != ranks[n]["essay"] for n in ranks)  # something moved since 2020
