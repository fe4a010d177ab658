"""The HTML view's page data and page text (the browser tests are in test_browser.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hostile import XSS, hostile_vendor

from graph.analysis.results import analyse, to_dict
from graph.analysis.single_removals import cut_sets
from graph.check.validate import load_valid
from graph.model.projection import project
from graph.pipeline import build, load_checked
from graph.render import palette
from graph.render.html import read_texts, render_html
from graph.render.html.drawn_graph import OTHERS
from graph.render.html.layout import layer_bands
from graph.render.html.page_data import page_data
from graph.source.paths import shipped_data_dir


@pytest.fixture(scope="module")
def shipped_page(shipped, shipped_analysis) -> tuple[dict, str]:
    """The shipped map's page data and page text."""
    p, d = shipped_analysis.projection, to_dict(shipped_analysis)
    texts = read_texts(shipped.store)
    return page_data(p, d, shipped_analysis.chokepoints.cuts, texts), render_html(
        p, d, shipped_analysis.chokepoints.cuts, texts
    )


def embedded(page: str) -> dict:
    """The JSON data block of a rendered page."""
    block = re.search(r'<script id="stackmap-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_bands_follow_the_essay_figure(shipped_analysis):
    """Applications on top, then models side by side, clouds, hardware, and the fabs at the bottom."""
    bands = layer_bands(shipped_analysis.projection.layers)
    assert [(b.label, b.layers) for b in bands] == [
        ("Applications", ("end-to-end-apps", "apps")),
        ("Models", ("closed-foundation-models", "model-hubs", "open-foundation-models")),
        ("Cloud platforms", ("cloud-platforms",)),
        ("Compute hardware", ("compute-hardware",)),
        ("Semiconductor manufacturing", ("memory", "advanced-packaging", "foundry", "lithography-equipment")),
    ]


def test_page_draws_the_projection(shipped_analysis, shipped_page):
    """One drawn node per projection node and one edge per projection edge, each in its layer's band,
    coloured from the shared palette; positions are unique."""
    data, page = shipped_page
    graph = shipped_analysis.projection.graph
    assert sorted(n["id"] for n in data["nodes"]) == sorted(graph.nodes)
    assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(graph.edges)
    assert embedded(page) == json.loads(json.dumps(data))
    band_of = {layer: b for b in data["bands"] for layer in (s["layer"] for s in b["segments"])}
    for n in data["nodes"]:
        band = band_of[n["layer"]]
        assert band["y0"] < n["y"] < band["y1"]
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])
    ys = [band_of[layer]["y0"] for layer in ("apps", "closed-foundation-models", "cloud-platforms", "foundry")]
    assert ys == sorted(ys)
    assert {lay["id"]: lay["colour"] for lay in data["layers"]} == palette.LAYER_COLOURS
    p = shipped_analysis.projection
    counts = {"nodes": len(graph), "edges": graph.number_of_edges(), "vendors": len(p.vendors), "apps": len(p.apps)}
    assert data["meta"] == {**counts, "aggregated": None}


def test_the_network_holds_each_edge_as_pyvis_adds_it(shipped_page):
    """Every edge of the page data, in order, with the attributes `Network.add_edge` gives a directed
    edge, in its order of keys (the page's bytes follow it); an edge whose end is not drawn is refused."""
    from pyvis.network import Network

    from graph.render.html.network import drawn_network

    data, _ = shipped_page
    network = drawn_network(data, "map")
    assert [(e["id"], e["from"], e["to"]) for e in network.edges] == [
        (f"e{i}", e["from"], e["to"]) for i, e in enumerate(data["edges"])
    ]
    reference = Network(directed=True)
    for node in network.get_nodes():
        reference.add_node(node)
    for e in network.edges:
        reference.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to", "arrows")})
    assert [list(e.items()) for e in reference.edges] == [list(e.items()) for e in network.edges]  # key order too
    dangling = {**data, "edges": [*data["edges"], {**data["edges"][0], "to": "no-such-node"}]}
    with pytest.raises(ValueError, match="no-such-node names a node that is not drawn"):
        drawn_network(dangling, "map")


def test_whatif_table_matches_the_chokepoint_ranking(shipped_analysis, shipped_page):
    """For every ranked vendor, the apps the page marks as failing are the ranking's apps cut off."""
    data, _ = shipped_page
    apps = {n["id"] for n in data["nodes"] if n["app"]}
    for c in to_dict(shipped_analysis)["chokepoints"]["ranking"]:
        own = set(data["vendors"][c["vendor"]]["offerings"])
        entry = data["whatif"].get(c["vendor"], {"nodes": [], "apps": 0})
        assert sorted((set(entry["nodes"]) | own) & apps) == c["apps"], c["vendor"]
        assert entry["apps"] == c["apps_cut_off"]
    tsmc = data["whatif"]["tsmc"]
    assert {"nvidia-h100", "nvidia-a100", "azure", "gpt-3-5", "meta-ai-assistant"} <= set(tsmc["nodes"])
    assert "chatgpt" not in tsmc["nodes"]  # from 2025 OpenAI also runs on AWS, whose Trainium2 has no known foundry
    assert "samsung-foundry" not in tsmc["nodes"]


def test_whatif_detours_are_those_of_the_whatif_analysis(shipped_analysis, shipped_page):
    """Each vendor's detours on the page (read off the cut sets) are those `stackmap whatif --remove`
    finds by simulating the removal; ASML's include the chips that name no TSMC node and work on its
    mature nodes."""
    from graph.analysis.whatif import whatif

    data, _ = shipped_page
    p = shipped_analysis.projection
    assert len(data["whatif"]) > 10
    for vendor, entry in data["whatif"].items():
        expected = [[d.node, d.kind, list(d.kept), list(d.lost)] for d in whatif(p, [vendor]).detours]
        assert entry["detours"] == expected, vendor
    fabbed = {node: kept for node, kind, kept, _ in data["whatif"]["asml"]["detours"] if kind == "fabbed_by"}
    assert "tsmc-28nm" in fabbed["aws-trainium"]
    assert "google-tpu" not in fabbed  # it names its nodes (16 nm and N7), both on ASML


def test_chokepoints_marked_and_summarised(shipped_analysis, shipped_page):
    """TSMC's N5 process and CoWoS packaging, ASML's scanners and Nvidia's H100 are marked; an app is
    never marked; a vendor's marks are at most three, on its nodes of the highest reach; the summary
    lists the ranking's top entries in order."""
    data, _ = shipped_page
    marked = {n["id"] for n in data["nodes"] if n["chokepoint"]}
    assert {"tsmc-n5", "tsmc-cowos", "asml-euv", "nvidia-h100", "nvidia-a100"} <= marked
    assert not {n["id"] for n in data["nodes"] if n["app"]} & marked
    by_vendor: dict[str, list[dict]] = {}
    for n in data["nodes"]:
        by_vendor.setdefault(n["vendor"], []).append(n)
    for vendor, own in by_vendor.items():
        marks = [n for n in own if n["chokepoint"]]
        assert len(marks) <= 3, vendor
        assert all(n["reach"] >= min((m["reach"] for m in marks), default=0) for n in marks)
    tsmc = sorted(by_vendor["tsmc"], key=lambda n: -n["reach"])
    assert tsmc[0]["chokepoint"] and tsmc[0]["reach"] == max(n["reach"] for n in tsmc)
    top = data["summary"]["chokepoints"]
    ranking = [c for c in to_dict(shipped_analysis)["chokepoints"]["ranking"] if c["apps_cut_off"] > 0]
    assert [(c["rank"], c["vendor"], c["apps"]) for c in top] == [
        (c["rank"], c["vendor"], c["apps_cut_off"]) for c in ranking[: len(top)]
    ]
    foundry = next(c for c in data["summary"]["concentration"] if c["layer"] == "foundry")
    assert (foundry["top"], foundry["basis"]) == ("TSMC", "market-share figures (foundry)")


def test_details_carry_texts_and_safe_links(shipped_page):
    """Vendor descriptions, homepages, dependency notes and sources reach the page; links are http(s)."""
    data, _ = shipped_page
    tsmc = data["vendors"]["tsmc"]
    assert tsmc["homepage"] == "https://www.tsmc.com" and "contract chipmaker" in tsmc["about"]
    n7 = next(e for e in data["edges"] if (e["from"], e["to"]) == ("tsmc-n7", "asml-euv"))
    assert n7["rel"]["equipment_from"][3] == "EUV enters the family with N7+, on up to four layers"
    assert all(s["url"].startswith("https://") for s in data["sources"].values())


def test_page_is_self_contained(shipped_page):
    """vis-network is inline; no element loads anything: no src or href pointing off the page, no
    link or iframe elements; a CSP forbids connections."""
    _, page = shipped_page
    assert "vis-network" in page and "new vis.Network" in page
    assert not re.search(r"<(script|img|iframe|link|embed|object)\b[^>]*\s(src|href)\s*=", page, re.I)
    assert "default-src 'none'" in page
    assert page.count("</script>") == 3  # data, vis-network, our code


def test_rendering_is_deterministic(shipped_analysis, shipped):
    """The same map gives the same page, byte for byte."""
    p, d = shipped_analysis.projection, to_dict(shipped_analysis)
    texts = read_texts(shipped.store)
    assert render_html(p, d, None, texts) == render_html(p, d, shipped_analysis.chokepoints.cuts, texts)


def test_hostile_text_is_escaped(make_data):
    """HTML and script in a vendor's name, description, note, moat and source title never reach the
    page as markup: the only occurrences are JSON-escaped (the browser test checks that none runs)."""
    loaded = load_valid(make_data({"vendors/evil.yaml": hostile_vendor()}))
    analysis = analyse(project(loaded.store))
    page = render_html(analysis.projection, to_dict(analysis), texts=read_texts(loaded.store))
    assert "<script>window" not in page and "<img" not in page and "onerror=" in page
    data = embedded(page)
    assert data["vendors"]["evil"]["name"] == XSS
    assert data["vendors"]["evil"]["about"] == XSS
    assert data["vendors"]["evil"]["moats"][0]["evidence"] == XSS
    assert data["sources"]["evil-source"]["title"] == XSS
    assert next(e for e in data["edges"] if e["from"] == "evil-app")["rel"]["uses_model"][3] == XSS


def test_large_maps_are_aggregated(tmp_path):
    """Above the node limit, one node per vendor and layer; above it again, the rest of each layer
    folded into one node; the what-if table then points at drawn nodes only."""
    from benchmarks.market import generate_market

    generate_market(80, tmp_path / "market")
    analysis = analyse(project(load_valid(tmp_path / "market", shapes=False).store))
    p, d = analysis.projection, to_dict(analysis)
    groups = {(p.graph.nodes[n]["vendor"], p.graph.nodes[n]["layer"]) for n in p.graph}
    assert len(groups) < p.graph.number_of_nodes()
    by_vendor = page_data(p, d, node_limit=len(groups))
    assert sorted(n["id"] for n in by_vendor["nodes"]) == sorted(f"{v}@{layer}" for v, layer in groups)
    assert by_vendor["meta"]["aggregated"] == "vendor"
    folded = page_data(p, d, node_limit=30)
    ids = {n["id"] for n in folded["nodes"]}
    assert folded["meta"]["aggregated"] == "vendor, top per layer"
    assert any(i.startswith(OTHERS) for i in ids) and len(ids) < len(groups)
    assert all({e["from"], e["to"]} <= ids for e in folded["edges"])
    assert all(set(w["nodes"]) <= ids for w in folded["whatif"].values())
    assert sum(n.get("members", 0) for n in folded["nodes"]) == p.graph.number_of_nodes()


def test_a_large_map_opens_on_what_the_apps_depend_on(shipped_analysis, shipped_page):
    """Above COMPACT_LIMIT drawn nodes, the nodes that are neither apps nor depended on by one are
    marked `minor`; the others get their own layout (fx, fy) inside the compact bands, one position each."""
    from graph.render.html.page_data import COMPACT_LIMIT

    data, _ = shipped_page
    assert len(data["nodes"]) > COMPACT_LIMIT
    reach = shipped_analysis.reach.nodes
    minor = {n["id"] for n in data["nodes"] if n.get("minor")}
    apps = set(shipped_analysis.projection.apps)
    assert minor == {n for n in shipped_analysis.projection.graph if n not in apps and reach[n] == 0}
    assert data["compact"]["minor"] == len(minor) > 0
    shown = [n for n in data["nodes"] if n["id"] not in minor]
    assert all("fx" in n and "fy" in n for n in shown) and not any("fx" in n for n in data["nodes"] if n["id"] in minor)
    band_of = {s["layer"]: b for b in data["compact"]["bands"] for s in b["segments"]}
    assert all(band_of[n["layer"]]["y0"] < n["fy"] < band_of[n["layer"]]["y1"] for n in shown)
    assert len({(n["fx"], n["fy"]) for n in shown}) == len(shown)
    assert max(b["y1"] for b in data["compact"]["bands"]) < max(b["y1"] for b in data["bands"])


def test_a_small_map_has_no_compact_layout(mini):
    analysis = analyse(project(mini.store))
    data = page_data(analysis.projection, to_dict(analysis))
    assert data["compact"] is None and not any(n.get("minor") for n in data["nodes"])


def test_cut_sets_default(mini):
    """Without cut sets, the page computes them from the projection: the same page."""
    analysis = analyse(project(mini.store))
    p, d = analysis.projection, to_dict(analysis)
    assert page_data(p, d) == page_data(p, d, cut_sets(p))


def test_build_writes_the_page(tmp_path):
    """`build` writes out/stackmap.html with the shipped map in it."""

    result = build(shipped_data_dir(), tmp_path)
    page = (tmp_path / "stackmap.html").read_text(encoding="utf-8")
    assert tmp_path / "stackmap.html" in result.written
    assert len(embedded(page)["nodes"]) == len(load_checked(shipped_data_dir()).projection.graph)


def test_view_builds_when_needed_and_opens(cli, tmp_path, monkeypatch):
    """`view` builds a missing or stale page, then opens it; without a browser it prints the path."""
    import graph.render.browser

    opened: list[str] = []
    monkeypatch.setattr(graph.render.browser.webbrowser, "open", lambda uri: opened.append(uri) or True)
    out = tmp_path / "out"
    first = cli("view", "--out", out)
    assert first.code == 0 and f"wrote {out}/stackmap.html" in first.out
    assert first.out.endswith(f"opened {out}/stackmap.html in the browser\n")
    assert opened == [(out / "stackmap.html").resolve().as_uri()]
    again = cli("view", "--out", out)
    assert "wrote" not in again.out  # up to date: not rebuilt
    monkeypatch.setattr(graph.render.browser.webbrowser, "open", lambda uri: False)
    none = cli("view", "--out", out, "--rebuild")
    assert "wrote" in none.out and none.out.endswith(f"no browser found; open {(out / 'stackmap.html').resolve()}\n")


def test_plain_commands_do_not_load_the_view():
    """`check` does not import Jinja2, pyvis or the view."""
    code = (
        "import sys; from graph.cli import main; main(['check']); "
        "print(sorted(m for m in ('jinja2', 'pyvis', 'graph.render.html', 'IPython') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
