"""serve's query page in a real browser: Playwright driving Debian's Chromium, headless, with every
request that does not go to the test's own server on 127.0.0.1 blocked and recorded. The page is
YASGUI, vendored into the package: it must load, offer the shipped queries, run one on /sparql and
show its rows as a table, without asking anything of the network."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from conftest import FIXTURES, ROOT
from graph.pipeline import ensure_built
from graph.query.named import shipped as shipped_queries
from graph.serve.server import StackmapServer, make_server

ESSAY_MAP = FIXTURES / "essay-map"  # the essay-era map: its answers stay put as the shipped data grows

ARTIFACTS = ROOT / "out" / "test-artifacts"
TABLE = ".tabPanel.active .yasr table.dataTable"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackmapServer]:
    out = tmp_path_factory.mktemp("out")
    dataset = ensure_built(ESSAY_MAP, out)
    served = make_server(out, dataset, port=0, workers=1, quiet=True)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    try:
        yield served
    finally:
        served.shutdown()
        served.server_close()


def test_the_query_page_runs_a_shipped_query_offline_and_shows_a_table(cli, server, browser: Browser) -> None:
    port = server.server_address[1]
    origin = f"http://127.0.0.1:{port}/"
    blocked: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route(
        re.compile(rf"^(?!{re.escape(origin)})"), lambda route: (blocked.append(route.request.url), route.abort())
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(origin)
    page.wait_for_function("window.stackmapYasgui !== undefined")

    # every shipped query is offered, by title
    offered = page.eval_on_selector_all(
        "#queries button[data-query]", "bs => bs.map(b => [b.dataset.query, b.textContent])"
    )
    assert offered == [[q.name, q.title] for q in shipped_queries()]
    # the editor points at this server's endpoint
    assert page.evaluate("window.stackmapYasgui.getTab().getEndpoint()") == f"{origin}sparql"

    page.click("button[data-query=chokepoint-ranking]")
    page.wait_for_selector(f"{TABLE} tbody tr")
    header = page.eval_on_selector_all(f"{TABLE} thead th", "ths => ths.map(th => th.textContent.trim())")
    rows = page.eval_on_selector_all(
        f"{TABLE} tbody tr", "trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-page.png"))

    local = list(
        csv.reader(io.StringIO(cli("query", "chokepoint-ranking", "--format", "csv", "--data", ESSAY_MAP).out))
    )
    columns = local[0]
    assert header[-len(columns) :] == columns  # YASGUI puts a row-number column first
    shown = [row[-len(columns) :] for row in rows]
    expected = [[_plain(value) for value in row] for row in local[1:]]
    assert shown == expected and len(shown) == 24
    assert ["1", "tsmc", "TSMC", "7", "1", "7"] in shown and ["1", "asml", "ASML", "7", "1", "7"] in shown
    assert page.text_content(".tabPanel.active .yasr_response_chip").startswith("24 results")

    assert blocked == [] and errors == []
    assert all(url.startswith(origin) for url in asked)
    assert any(url == f"{origin}yasgui/yasgui.min.js" for url in asked)
    page.close()


def _plain(value: str) -> str:
    """A CSV value as YASGUI's simple view shows it (numbers as written, decimals without trailing zeros)."""
    if re.fullmatch(r"-?\d+\.\d+", value):
        return value.rstrip("0").rstrip(".")
    return value


def test_the_page_and_its_scripts_are_served_from_the_package(server) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        for path, media in (
            ("/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
            ("/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
            ("/yasgui/LICENSE", "text/plain; charset=utf-8"),
        ):
            conn.request("GET", path)
            answer = conn.getresponse()
            body = answer.read()
            assert answer.status == 200 and answer.getheader("Content-Type") == media and body, path
        conn.request("GET", "/yasgui/yasgui.min.js.map")  # only the vendored files, nothing else of the package
        answer = conn.getresponse()
        assert answer.status == 404 and answer.read()
    finally:
        conn.close()
    vendored = ROOT / "graph" / "serve" / "static" / "yasgui"
    assert "The MIT License" in (vendored / "LICENSE").read_text(encoding="utf-8")
    assert "codemirror" in (vendored / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    assert sum(p.stat().st_size for p in vendored.iterdir()) < 1_300_000  # the whole vendored YASGUI
