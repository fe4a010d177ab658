"""The HTML view in a real browser: Playwright driving Debian's Chromium, headless and offline.

Playwright never downloads a browser here: it drives `/usr/bin/chromium` (`.ci/run` installs it).
Every http(s) request is routed to a recorder that aborts it, and every request the page makes is
counted. Pages are opened with the page's Content-Security-Policy bypassed, so these tests check that
the page itself makes no request and runs no injected script, not that the CSP stops them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from hostile import hostile_vendor
from playwright.sync_api import Browser, Page

from conftest import FIXTURES, ROOT
from graph.analysis.results import to_dict
from graph.analysis.whatif import whatif
from graph.pipeline import HTML_FILE, build, load_checked
from graph.render.palette import CHOKEPOINT_COLOUR
from graph.source.paths import shipped_data_dir

ESSAY_MAP = FIXTURES / "essay-map"
ARTIFACTS = ROOT / "out" / "test-artifacts"
VIEWPORT = {"width": 1600, "height": 1000}


@dataclass
class Opened:
    """A page opened offline, with what it tried to fetch, its script errors and its dialogs."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str):
        return self.page.evaluate(expression)


@pytest.fixture(scope="module")
def essay_site(tmp_path_factory) -> Path:
    """The page of the essay-era map (tests/fixtures/essay-map: the shipped data before the map of
    today, fixed so that these tests read exact facts), as `stackmap build` writes it."""
    out = tmp_path_factory.mktemp("site")
    build(ESSAY_MAP, out)
    return out / HTML_FILE


@pytest.fixture(scope="module")
def essay_analysis():
    """The analyses of the essay-era map as `stackmap build` makes them (today's map of that data)."""
    return load_checked(ESSAY_MAP).analysis


@pytest.fixture(scope="module")
def today_site(tmp_path_factory) -> Path:
    """The shipped map's page, as `stackmap build` writes it: large enough to open compact."""
    out = tmp_path_factory.mktemp("today")
    build(shipped_data_dir(), out)
    return out / HTML_FILE


@pytest.fixture
def open_page(browser: Browser) -> Iterator:
    """Open a page file (with an optional #fragment) offline and wait until the graph is drawn."""
    contexts = []

    def open_(path: Path, fragment: str = "") -> Opened:
        context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else opened.requests.append(r.url))
        page.route(re.compile(r"^https?://"), lambda route: (opened.blocked.append(route.request.url), route.abort()))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.goto(path.resolve().as_uri() + fragment)
        page.wait_for_function("window.stackmapReady !== undefined", timeout=30_000)
        return opened

    yield open_
    for context in contexts:
        context.close()


def node_position(opened: Opened, node: str) -> tuple[float, float]:
    """Where a node is drawn on the page, in page pixels."""
    return opened.js(
        f"""(() => {{ const d = network.canvasToDOM(network.getPositions(['{node}'])['{node}']);
            const r = document.getElementById('graph').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y]; }})()"""
    )


def details_text(opened: Opened) -> str:
    return opened.page.inner_text("#details")


def test_page_loads_offline_and_draws_the_projection(open_page, essay_site, essay_analysis):
    """No request leaves the page; the network holds and draws every node and edge of the projection;
    the canvas is not blank. Saves the screenshot to out/test-artifacts/stackmap.png."""
    opened = open_page(essay_site)
    graph = essay_analysis.projection.graph
    assert (opened.requests, opened.blocked, opened.errors) == ([], [], [])
    assert opened.js("network.body.data.nodes.length") == graph.number_of_nodes() == 45
    assert opened.js("network.body.nodeIndices.length") == 45
    assert opened.js("network.body.data.edges.length") == graph.number_of_edges() == 61
    assert opened.js("network.body.edgeIndices.length") == 61
    assert sorted(opened.js("network.body.data.nodes.getIds()")) == sorted(graph.nodes)
    inked = opened.js(
        """(() => { const c = document.querySelector('#graph canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
            return n; })()"""
    )
    assert inked > 20_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "stackmap.png"))


def test_search_focuses_a_vendor(open_page, essay_site, essay_analysis):
    """Searching for TSMC selects its offerings, shows its details with sources as links, and sets #tsmc."""
    p = essay_analysis.projection
    stated = set(p.vendors["tsmc"].sources) | {s for n in p.nodes_of("tsmc") for s in p.graph.nodes[n]["sources"]}
    opened = open_page(essay_site)
    opened.page.fill("#search", "tsmc")
    opened.page.press("#search", "Enter")
    assert sorted(opened.js("network.getSelectedNodes()")) == ["tsmc-cowos", "tsmc-n5", "tsmc-n7"]
    assert opened.page.inner_text("#details h2") == "TSMC"
    assert "Chokepoint rank #1" in details_text(opened)
    links = opened.js("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert {p.sources[s].url for s in stated} <= set(links) and stated
    assert all(link.startswith("https://") for link in links)
    assert opened.js("location.hash") == "#tsmc"
    assert opened.requests == [] and opened.errors == []


def test_clicking_a_node_shows_its_details(open_page, essay_site, essay_analysis):
    """A click on the H100 opens its details: name, vendor, what it depends on and who depends on it,
    reach, rank and sources."""
    opened = open_page(essay_site)
    x, y = node_position(opened, "nvidia-h100")
    opened.page.mouse.click(x, y)
    assert opened.page.inner_text("#details h2") == "H100"
    text = details_text(opened)
    assert "Nvidia" in text and "Compute hardware" in text
    assert "TSMC N5 family (N5, N4, 4N)" in text and "fabbed by" in text
    assert "Microsoft Azure" in text  # depended on by
    assert "reach 7 of 7 apps" in text and "Chokepoint rank #3" in text
    assert opened.js("document.querySelectorAll('#details a[href^=\"https://\"]').length") >= 3
    assert opened.js("network.getSelectedNodes()") == ["nvidia-h100"]
    # its supply chain (down to ASML) and its dependents (up to the apps) stay lit; the rest fades
    faded = opened.js("network.body.data.nodes.get().filter(n => n.color.background.startsWith('rgba')).map(n => n.id)")
    graph = essay_analysis.projection.graph
    lit = {"nvidia-h100"} | nx.descendants(graph, "nvidia-h100") | nx.ancestors(graph, "nvidia-h100")
    assert {"tsmc-n5", "asml-euv", "sk-hynix-hbm", "azure", "chatgpt"} <= lit
    assert set(faded) == set(graph) - lit and "samsung-foundry" in faded


def test_a_layer_filter_hides_that_layers_nodes(open_page, essay_site, essay_analysis):
    """Unticking Foundry hides exactly the foundry nodes; ticking it again shows them."""
    opened = open_page(essay_site)
    graph = essay_analysis.projection.graph
    foundry = sorted(n for n, layer in graph.nodes(data="layer") if layer == "foundry")
    assert foundry == ["intel-foundry", "samsung-foundry", "tsmc-n5", "tsmc-n7"]
    opened.page.uncheck("input[data-layer=foundry]")
    shown = set(opened.js("network.body.nodeIndices"))
    assert shown == set(graph.nodes) - set(foundry)
    opened.page.check("input[data-layer=foundry]")
    assert len(opened.js("network.body.nodeIndices")) == 45
    opened.page.select_option("#filter-country", "TW")
    taiwan = {n for n, country in graph.nodes(data="country") if country == "TW"}
    assert set(opened.js("network.body.nodeIndices")) == taiwan == {"tsmc-n5", "tsmc-n7", "tsmc-cowos"}
    opened.page.click("#filter-reset")
    opened.page.uncheck("input[data-relation=runs_on]")
    runs_on = [e for e in opened.js("stackmap.data.edges") if list(e["rel"]) == ["runs_on"]]
    assert set(opened.js("network.body.edgeIndices")) == set(opened.js("network.body.data.edges.getIds()")) - {
        e["id"] for e in runs_on
    }
    opened.page.click("#filter-reset")
    opened.page.select_option("#filter-moat", "scale")
    scale = {m.vendor for m in essay_analysis.projection.moats if m.moat_type == "scale"}
    shown = set(opened.js("network.body.nodeIndices"))
    assert shown and {graph.nodes[n]["vendor"] for n in shown} == scale


def test_a_deep_link_opens_focused(open_page, essay_site):
    """#nvidia opens with Nvidia's offerings selected and its details shown."""
    opened = open_page(essay_site, "#nvidia")
    assert sorted(opened.js("network.getSelectedNodes()")) == ["nvidia-a100", "nvidia-h100"]
    assert opened.page.inner_text("#details h2") == "Nvidia"
    assert opened.page.is_visible("#details")
    opened.js("location.hash = '#chatgpt'")
    opened.page.wait_for_function("document.querySelector('#details h2').textContent === 'ChatGPT'")
    assert opened.js("network.getSelectedNodes()") == ["chatgpt"]
    assert "an app that fails without any one of: ASML, TSMC, Nvidia" in details_text(opened)


def test_whatif_marks_the_apps_that_fail_without_tsmc(open_page, essay_site, essay_analysis):
    """Removing TSMC in the what-if mode lists and marks the apps the survival analysis says fail."""
    opened = open_page(essay_site)
    opened.page.check("input[name=mode][value=whatif]")
    opened.page.select_option("#whatif-vendor", "tsmc")
    ranking = to_dict(essay_analysis)["chokepoints"]["ranking"]
    expected = next(c["apps"] for c in ranking if c["vendor"] == "tsmc")
    listed = opened.js("[...document.querySelectorAll('#whatif-apps li')].map(li => li.dataset.node)")
    assert sorted(listed) == expected and len(expected) == 7
    assert "7 of 7 apps fail" in opened.page.inner_text("#whatif-result")
    for app in expected:
        assert opened.js(f"network.body.data.nodes.get('{app}').color.border") == CHOKEPOINT_COLOUR
    assert opened.js("network.body.data.nodes.get('tsmc-n5').color.background") == "#000000"
    assert opened.js("network.body.data.nodes.get('samsung-foundry').color.border") != CHOKEPOINT_COLOUR
    opened.page.select_option("#whatif-vendor", "nvidia")
    listed = opened.js("[...document.querySelectorAll('#whatif-apps li')].map(li => li.dataset.node)")
    assert sorted(listed) == next(c["apps"] for c in ranking if c["vendor"] == "nvidia")
    detours = opened.js(
        "[...document.querySelectorAll('#whatif-detours li')].map(li => [li.dataset.node, li.dataset.kind])"
    )
    expected = [[d.node, d.kind] for d in whatif(essay_analysis.projection, ["nvidia"]).detours]
    assert detours == expected[:12] and expected  # the apps that work without Nvidia run on TPUs, AMD, ...
    assert "How the other apps get around it" in opened.page.inner_text("#whatif-result")


def test_whatif_removes_one_offering(open_page, essay_site, essay_analysis):
    """Removing one offering (a click on Azure, or TSMC N7 from the list) marks what survival says fails."""
    from graph.analysis.survival import failed_nodes

    index = essay_analysis.projection.index

    def fails_without(node: str) -> list[str]:
        return sorted(index.ids[n] for n in failed_nodes(index, {index.number[node]}) if index.is_app[n])

    opened = open_page(essay_site)
    opened.page.check("input[name=mode][value=whatif]")
    opened.page.check("input[name=whatif-click][value=node]")
    x, y = node_position(opened, "azure")
    opened.page.mouse.click(x, y)
    assert opened.js("stackmap.state.whatif") == "node:azure"
    listed = opened.js("[...document.querySelectorAll('#whatif-apps li')].map(li => li.dataset.node)")
    assert sorted(listed) == fails_without("azure") == ["chatgpt", "github-copilot", "jasper-app"]
    opened.page.select_option("#whatif-vendor", "node:tsmc-n7")
    listed = opened.js("[...document.querySelectorAll('#whatif-apps li')].map(li => li.dataset.node)")
    assert sorted(listed) == fails_without("tsmc-n7")
    assert "Without TSMC N7 family (N7, N7+, N6)" in opened.page.inner_text("#whatif-result")


def test_hostile_vendor_shows_as_plain_text(open_page, make_data, tmp_path):
    """A vendor whose name, description, note, moat and source title hold <script> and <img onerror>
    shows them as text: no dialog, no script, no image element."""
    hostile = '<script>alert(1)</script><img src=x onerror="alert(1);window.__xss=1">'  # within the 80 of a name
    data = make_data({"vendors/evil.yaml": hostile_vendor(hostile)})
    build(data, tmp_path / "site")
    opened = open_page(tmp_path / "site" / HTML_FILE, "#evil")
    text = details_text(opened)
    assert opened.page.inner_text("#details h2") == hostile
    assert text.count(hostile) >= 4  # name in the heading, description, note, moat evidence, source title
    x, y = node_position(opened, "evil-app")
    opened.page.mouse.move(x, y)
    opened.page.wait_for_timeout(400)
    assert hostile in opened.js("document.querySelector('div.vis-tooltip').innerText")
    opened.page.fill("#search", "evil")
    opened.page.press("#search", "Enter")
    assert opened.js("window.__xss") is None
    assert opened.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3
    assert (opened.dialogs, opened.errors, opened.requests) == ([], [], [])


def test_a_2000_node_map_opens_and_responds(open_page, tmp_path):
    """A generated market of about 2,000 offerings draws every node and still answers search and what-if."""
    from benchmarks.market import generate_market

    generate_market(1540, tmp_path / "market")
    build(tmp_path / "market", tmp_path / "site")
    opened = open_page(tmp_path / "site" / HTML_FILE)
    nodes = opened.js("network.body.data.nodes.length")
    assert nodes == opened.js("stackmap.data.meta.nodes") and nodes > 1900
    assert opened.js("network.body.data.edges.length") == opened.js("stackmap.data.meta.edges")
    top = opened.js("stackmap.data.summary.chokepoints[0]")
    opened.page.fill("#search", top["name"])
    opened.page.press("#search", "Enter")
    assert opened.page.inner_text("#details h2") == top["name"]
    opened.page.check("input[name=mode][value=whatif]")
    opened.page.select_option("#whatif-vendor", top["vendor"])
    assert opened.js("document.querySelectorAll('#whatif-apps li').length") == top["apps"]
    assert opened.errors == [] and opened.requests == []


def test_the_date_control_redraws_the_map_of_each_stop(open_page, essay_site):
    """Moving the date control to the essay's day shows that day's map: the drawn nodes are the
    offerings in force on 2023-01-19, as `load_checked(as_of=...)` projects them, with that day's
    counts and chokepoints; a deep link carries the day; back at the map's own day, everything shows."""
    import datetime as dt

    from graph.pipeline import load_checked

    opened = open_page(essay_site, "#tsmc@2023-01-19")
    stops = opened.js("stackmap.data.timeline.map((t) => t.date)")
    essay = stops.index("2023-01-19")
    assert opened.js("stackmap.state.stop") == essay and opened.page.inner_text("#as-of-label").startswith("2023-01-19")
    projection = load_checked(ESSAY_MAP, as_of=dt.date(2023, 1, 19)).projection
    graph = projection.graph
    offerings = sum(1 for _, kind in graph.nodes(data="kind") if kind == "offering")
    shown = opened.js("stackmap.nodes.get().filter((n) => !n.hidden).map((n) => n.id).sort()")
    assert shown == sorted(graph.nodes)
    lede = f"On 2023-01-19 (the essay): {len(projection.vendors)} vendors, {offerings} offerings, "
    assert opened.page.inner_text("#lede").startswith(lede)
    assert opened.js("location.hash") == "#tsmc@2023-01-19"  # the deep link keeps the day
    opened.page.click("#details .close")
    assert opened.js("location.hash") == "#@2023-01-19"
    first = opened.page.inner_text("#chokepoints tbody tr")
    assert first.split("\t")[:2] == ["1", "ASML"]
    opened.page.fill("#as-of", "0")
    opened.page.dispatch_event("#as-of", "input")
    early = opened.js("stackmap.data.timeline[0]")
    assert opened.js("stackmap.nodes.get().filter((n) => !n.hidden).length") == len(early["nodes"]) < len(shown)
    assert opened.js("location.hash") == "#@" + early["date"]
    opened.page.fill("#as-of", str(len(stops) - 1))
    opened.page.dispatch_event("#as-of", "input")
    assert opened.js("stackmap.nodes.get().filter((n) => !n.hidden).length") == opened.js("stackmap.data.nodes.length")
    assert opened.js("location.hash") == ""
    assert (opened.errors, opened.requests) == ([], [])


def test_the_details_of_a_past_day_give_that_days_rank_and_ties(open_page, today_site):
    """On the essay's day, ASML's details give its rank of that day (shared first with TSMC, every
    app cut off, as the analysis of that day ranks it) apart from the map's own, and list only the ties
    in force then: SMIC's 7nm-class node, on ASML's immersion scanners from 2023, is not among them;
    moved back to the map's own day, the panel gives today's rank and lists it."""
    import datetime as dt

    from graph.pipeline import load_checked

    essay = load_checked(shipped_data_dir(), as_of=dt.date(2023, 1, 19)).analysis
    asml = essay.chokepoints.rank_of("asml")
    assert (asml.rank, len(asml.apps_cut_off), len(essay.projection.apps)) == (1, 7, 7)
    opened = open_page(today_site, "#asml@2023-01-19")
    text = details_text(opened)
    assert "RANK ON 2023-01-19 (THE ESSAY)\nChokepoint rank #1: without ASML, 7 of 7 apps fail and 100% of app" in text
    assert "REACH AND RANK ON " in text
    stop = opened.js("stackmap.data.timeline.find((t) => t.date === '2023-01-19').edges")
    into = sorted(e for e in stop if e.split(" ")[1] in ("asml-euv", "asml-duv-immersion"))
    listed = opened.js(
        "[...document.querySelectorAll('#details-body div')].find((d) => d.querySelector('h3').textContent"
        " === 'Depended on by').querySelectorAll('li').length"
    )
    assert listed == len(into) > 0 and not any(e.startswith("smic-n7 ") for e in into)
    offered = opened.js(
        "[...document.querySelectorAll('#details-body div')].find((d) => d.querySelector('h3').textContent"
        ".startsWith('Offerings of ASML on')).innerText"
    )
    assert "SMIC" not in text and "EUV lithography systems" in offered and "High-NA" not in offered  # came in 2025
    opened.page.fill("#as-of", str(len(opened.js("stackmap.data.timeline")) - 1))
    opened.page.dispatch_event("#as-of", "input")
    text = details_text(opened)
    today = load_checked(shipped_data_dir()).analysis.chokepoints.rank_of("asml")
    assert (
        "RANK ON" not in text
        and f"Chokepoint rank #{today.rank}: without ASML, {len(today.apps_cut_off)} of 63" in text
    )
    assert "SMIC N+2 (7nm-class)" in text
    assert (opened.errors, opened.requests) == ([], [])


def test_past_day_details_for_vendors_ranked_low_absent_or_app_only(open_page, today_site):
    """On a past day the panel ranks a vendor by that day's first ranked, cutting off no app included
    (SK hynix on the essay's day, ranked by capacity lost); says a vendor was not yet on the map
    (Anthropic at the end of 2021); gives no rank to an app-only vendor; names no equal split of a
    supply, which is the map's own day's; and a what-if started on a past day brings the panel and
    the link back to the map's own day."""
    import datetime as dt

    from graph.pipeline import load_checked

    hynix = load_checked(shipped_data_dir(), as_of=dt.date(2023, 1, 19)).analysis.chokepoints.rank_of("sk-hynix")
    opened = open_page(today_site, "#sk-hynix@2023-01-19")
    rank = f"Chokepoint rank #{hynix.rank}: without SK hynix, 0 of 7 apps fail and {hynix.capacity_lost:.1%} of app"
    assert hynix.rank <= 10 and not hynix.apps_cut_off and rank in details_text(opened)
    opened.js("stackmap.focusVendor('prisma-labs')")
    assert "\nRANK ON" not in details_text(opened) and "Not ranked as a chokepoint (only apps)" in details_text(opened)
    opened.js("stackmap.focusVendor('google')")
    assert "of this supply" not in details_text(opened)
    opened.js("stackmap.setWhatIf('nvidia')")
    assert "RANK ON" not in details_text(opened) and "of this supply" in details_text(opened)
    assert opened.js("location.hash") == "#google"
    early = open_page(today_site, "#anthropic@2021-12-31")
    assert "RANK ON 2021\nNot on the map that day" in details_text(early)
    assert (opened.errors, early.errors) == ([], [])


def test_a_large_map_opens_on_what_the_apps_depend_on(open_page, today_site):
    """The shipped map opens compact: the apps and the nodes some app depends on, the rest hidden until
    asked for; searching for a hidden node shows them all and focuses it."""
    from graph.pipeline import load_checked

    analysis = load_checked(shipped_data_dir()).analysis
    graph, apps, reach = analysis.projection.graph, set(analysis.projection.apps), analysis.reach.nodes
    minor = {n for n in graph if n not in apps and reach[n] == 0}
    opened = open_page(today_site)
    assert minor and set(opened.js("network.body.nodeIndices")) == set(graph) - minor
    assert opened.page.inner_text("#compact-row").strip() == f"Show the {len(minor):,} offerings no app depends on"
    assert "the apps and what they depend on" in opened.page.inner_text("#status")
    opened.page.check("#show-all")
    assert set(opened.js("network.body.nodeIndices")) == set(graph)
    opened.page.uncheck("#show-all")
    hidden = sorted(minor)[0]
    opened.js(f"location.hash = '#{hidden}'")
    opened.page.wait_for_function(f"stackmap.network.getSelectedNodes()[0] === '{hidden}'")
    assert opened.js("document.getElementById('show-all').checked") is True
    assert len(opened.js("network.body.nodeIndices")) == len(graph)
    assert (opened.errors, opened.requests) == ([], [])
