"""`python -m benchmarks.analysis_speed [SIZES...] [--work DIR] [--repeat N]`: time the analyses.

For each size (default 1,000, 10,000 and 100,000 vendors) it generates a market once (kept under
--work, reused on later runs), then, in a fresh interpreter per run, loads it (without the SHACL
shapes: `stackmap check` is measured on its own), projects it and runs each analysis, and prints the
median wall time of every stage and the peak memory of the process. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

STAGES = (
    "load",
    "project",
    "reach",
    "chokepoints",
    "concentration",
    "value flow",
    "integration+moats",
    "analysis graph+json",
)


def measure(data: Path) -> dict[str, float]:
    """Run every stage once on the data folder; seconds per stage and peak RSS in MB."""
    import resource

    from graph.analysis.rdf import analysis_quads
    from graph.analysis.results import Analysis, to_json
    from graph.check.validate import load_valid
    from graph.model.projection import project
    from graph.runtime.gc_pause import gc_paused

    times: dict[str, float] = {}

    def timed(stage: str, func):
        started = time.perf_counter()
        result = func()
        times[stage] = time.perf_counter() - started
        return result

    loaded = timed("load", lambda: load_valid(data, shapes=False))
    with gc_paused():  # as the commands run them
        projection = timed("project", lambda: project(loaded.store))
        analysis = Analysis(projection, inference_spend=(0.2, 0.4), cloud_spend=(0.5, 0.5))
        timed("reach", lambda: analysis.reach)
        timed("chokepoints", lambda: analysis.chokepoints)
        timed("concentration", lambda: analysis.concentration)
        timed("value flow", lambda: analysis.flow)
        timed("integration+moats", lambda: (analysis.integration, analysis.moats))
        timed("analysis graph+json", lambda: (analysis_quads(analysis), to_json(analysis)))
    times["nodes"] = projection.graph.number_of_nodes()
    times["edges"] = projection.graph.number_of_edges()
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.analysis_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000], help="vendor counts")
    parser.add_argument("--work", type=Path, default=Path("out/benchmark"), help="where generated markets are kept")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown (default 3)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child mode: one run, JSON out
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    from benchmarks.market import generate_market

    header = ["vendors", "nodes", "edges", *STAGES, "analyses total", "peak MB"]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for size in args.sizes:
        folder = args.work / f"market-{size}"
        if not (folder / "sources.yaml").exists():
            print(f"generating {size:,} vendors in {folder} ...", file=sys.stderr)
            generate_market(size, folder)
        runs = []
        for i in range(args.repeat):
            print(f"{size:,} vendors: run {i + 1} of {args.repeat} ...", file=sys.stderr)
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.analysis_speed", "--measure", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(child.stdout))
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        analyses = sum(median[s] for s in STAGES if s != "load")
        cells = [f"{size:,}", f"{median['nodes']:,.0f}", f"{median['edges']:,.0f}"]
        cells += [f"{median[s]:.2f} s" for s in STAGES] + [f"{analyses:.2f} s", f"{median['peak_mb']:,.0f}"]
        print(" | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
