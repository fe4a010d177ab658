"""`python -m benchmarks.html_speed [--vendors N ...] [--runs R]`: time the HTML view in headless Chromium.

Builds the page of the shipped map (and of a generated market of N vendors for each `--vendors`), then
opens each R times in a fresh headless Chromium page (`/usr/bin/chromium`, every http(s) request
blocked) and reports the medians of: the time from navigation start to the first complete draw of
the graph (`performance.now()` when vis-network first fires `afterDrawing`; physics is off, so the
layout is stable from that frame on), and the wall-clock time from `goto` until then.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.market import generate_market
from graph.pipeline import HTML_FILE, build
from graph.source.paths import shipped_data_dir

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def time_page(page_file: Path, runs: int) -> tuple[float, float, int]:
    """Median first-draw time (ms since navigation start), median wall time (s), and drawn nodes."""
    from playwright.sync_api import sync_playwright

    draws, walls, nodes = [], [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
            page.route(re.compile(r"^https?://"), lambda route: route.abort())
            started = time.perf_counter()
            page.goto(page_file.resolve().as_uri())
            page.wait_for_function("window.stackmapReady !== undefined", timeout=120_000)
            walls.append(time.perf_counter() - started)
            draws.append(page.evaluate("window.stackmapReady"))
            nodes = page.evaluate("network.body.data.nodes.length")
            page.close()
        browser.close()
    return statistics.median(draws), statistics.median(walls), nodes


def main(argv: list[str] | None = None) -> int:
    """Build the pages, time them, print one line per map."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.html_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, nargs="*", default=[], metavar="N", help="generated market sizes")
    parser.add_argument("--runs", type=int, default=3, help="page loads per map (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        maps = [("shipped", shipped_data_dir())]
        for n in args.vendors:
            generate_market(n, Path(tmp) / f"market-{n}")
            maps.append((f"{n} vendors", Path(tmp) / f"market-{n}"))
        for name, data in maps:
            out = Path(tmp) / f"site-{name.replace(' ', '-')}"
            build(data, out)
            page = out / HTML_FILE
            draw, wall, nodes = time_page(page, args.runs)
            size = page.stat().st_size
            print(f"{name}: {nodes:,} nodes, {size / 1e6:.2f} MB; first draw {draw / 1000:.2f} s, wall {wall:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
