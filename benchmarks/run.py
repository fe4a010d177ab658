"""`python -m benchmarks.run [--sizes 1000,10000,100000,300000] [--work DIR] [--repeat 3]`: the speed table.

For each size it generates a market once (kept under --work and reused), then runs the pipeline in a
fresh interpreter per repetition, as `build` runs it, and times each stage: load (read the YAML into
the store), check (ids, references and the SHACL shapes), analyse (project and every analysis),
export (the analysis graph, TriG, N-Quads and analysis.json, written into a scratch folder), the
wall time of the last three (the check runs in a thread beside the other two), HTML, report and one
named query. It prints Markdown tables of the median wall time of every stage, the peak memory of
the whole process tree up to the end of the export (summed proportional set sizes, sampled from
/proc in one more run, since sampling slows the processes it reads), the time of `stackmap check`
and `stackmap build` as commands (interpreter start included), the time of `stackmap build --as-of
2023-06-30` against `stackmap build` (the two commands run in turn), whether the build's files are
byte for byte those of the reference (`benchmarks/digest.py`), the cost per 1,000 vendors at each
size, the goals beside the measured figures (also those of the shipped map: `stackmap build` and
`stackmap check` on the data the package ships, as commands) and, beside them, the baseline: plain rdflib parsing the
same data as N-Quads and pyshacl validating it with stackmap's shapes.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import digest
from benchmarks.memory import TreeMemory
from benchmarks.memory import available as memory_available

STAGES = ("load", "check", "analyse", "export", "check ‖ analyse+export", "html", "report", "query")
PIPELINE = ("load", "check ‖ analyse+export")  # load, then the check beside analyse + export: what `build` runs
DEFAULT_QUERY = "vendors-by-layer"
DEFAULT_SIZES = [1000, 10000, 100000, 300000]
ROOT = Path(__file__).resolve().parents[1]  # the tree whose `graph` the commands run (`python -m graph`)
# The goals of issue 22, printed beside the measured figures (never asserted): (size, figure, limit, unit).
GOALS = (
    (100_000, "load+check+analyse+export", 15.0, "s"),
    (100_000, "peak MB", 1500.0, "MB"),
    (100_000, "`stackmap check`", 8.0, "s"),
    (10_000, "`stackmap build`", 3.0, "s"),
    (10_000, "`stackmap check`", 1.0, "s"),
)
SHIPPED = "shipped map"  # the data the package ships, as `stackmap build` and `stackmap check` read it by default
# The goals of issue 19 for the shipped map, as commands (interpreter start included): (figure, limit).
SHIPPED_GOALS = (("`stackmap build`", 5.0), ("`stackmap check`", 2.0))
# The parameter of each shipped query that takes one, and the leaf layer of the entity to ask about.
QUERY_PARAMETERS = {
    "app-supply-chain": ("app", "apps"),
    "chokepoint-candidates": ("supplier", "foundry"),
    "runs-on-nvidia": ("maker", "compute-hardware"),
    "tsmc-dependents": ("maker", "foundry"),
    "vendor-sources": ("vendor", "compute-hardware"),
    "which-file-said": ("vendor", "compute-hardware"),
}


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(data: Path, query: str, all_queries: bool) -> dict:
    """`_measure` with the cyclic collector off, as `stackmap` runs a one-shot command (graph/cli.py)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _measure(data, query, all_queries)
    finally:
        if collecting:
            gc.enable()


AS_OF_PROBE = dt.date(2023, 6, 30)  # a day in the middle of the generated market's releases


def _measure(data: Path, query: str, all_queries: bool) -> dict:
    """Run every stage once on the market in data, as `build` runs them: per stage its seconds. The
    check runs in a thread beside the analyses and the export; "check", "analyse" and "export" are
    their own times, "check ‖ analyse+export" the wall time of all three.
    `pipeline_end` is the time.time() at which they ended (for the memory sampled from outside)."""
    import tempfile

    from graph.analysis.rdf import add_analysis
    from graph.analysis.results import to_dict
    from graph.pipeline import build_checked
    from graph.query.named import resolve, shipped
    from graph.query.sparql import DEFAULT_LIMIT, run_query
    from graph.source.problems import DataError

    out: dict = {"seconds": {}, "queries": {}}

    def timed(stage: str, func):
        started = time.perf_counter()
        result = func()
        out["seconds"][stage] = time.perf_counter() - started
        return result

    try:  # what `build` does, without the report and the HTML view (timed below), into a scratch folder
        with tempfile.TemporaryDirectory(prefix="stackmap-bench-") as scratch:
            started = time.perf_counter()
            _, checked = build_checked(data, Path(scratch), views=False)
            pipeline = time.perf_counter() - started
    except DataError as error:
        problems = error.problems
        raise SystemExit(f"the market in {data} has {len(problems)} problems, first: {problems[0]}") from None
    out["pipeline_end"], out["peak_mb"] = time.time(), _peak_mb()  # _peak_mb: this process alone
    out["seconds"]["build"] = pipeline
    seconds = checked.seconds
    written = pipeline - seconds["load"] - seconds["after load"]  # joining and writing the files
    out["seconds"].update(
        {
            "load": seconds["load"],
            "check": seconds["check"],
            "analyse": seconds["analyse"],
            # analysis.json, the analysis graph and the data graphs, and writing the files
            "export": seconds["make"] + written,
            "check ‖ analyse+export": seconds["after load"] + written,
        }
    )
    loaded, analysis = checked.loaded, checked.analysis
    out["triples"] = loaded.triples
    results = to_dict(analysis)
    from graph.render.html import read_texts, render_html
    from graph.render.report import render_report
    from graph.render.source_support import source_support

    cuts = analysis.chokepoints.cuts
    timed("html", lambda: render_html(analysis.projection, results, cuts, read_texts(loaded.store)))
    timed("report", lambda: render_report(analysis.projection, results, source_support(loaded.store)))
    add_analysis(loaded.store, analysis)  # as `stackmap query` adds it, for the queries below
    _, text = resolve(query)
    timed("query", lambda: run_query(loaded.store, text, timeout=600, limit=DEFAULT_LIMIT))  # as `stackmap query`
    if all_queries:
        for named in shipped():
            text = bound_to_market(named.name, named.text, analysis)
            started = time.perf_counter()
            result = run_query(loaded.store, text, timeout=600, limit=DEFAULT_LIMIT)
            out["queries"][named.name] = (time.perf_counter() - started, len(result.rows) + len(result.triples))
    out["nodes"] = analysis.projection.graph.number_of_nodes()
    return out


def bound_to_market(name: str, text: str, analysis) -> str:
    """The text of a shipped query, its parameter (which defaults to an entity of the shipped map,
    absent from a generated market) bound to an entity of the analysed market: the vendor of the
    parameter's layer that the most apps depend on, or the first app offering that depends on something."""
    from graph.query.named import bind
    from graph.source import vocab

    if name not in QUERY_PARAMETERS:
        return text
    parameter, layer = QUERY_PARAMETERS[name]
    graph = analysis.projection.graph
    in_layer = sorted(n for n, data in graph.nodes(data=True) if data["layer"] == layer)
    if parameter == "app":
        chosen = next((n for n in in_layer if graph.out_degree(n)), None)
    else:
        vendors = {graph.nodes[n]["vendor"] for n in in_layer}
        chosen = min(vendors, key=lambda v: (-analysis.reach.vendors.get(v, 0), v), default=None)
    return text if chosen is None else bind(text, parameter, vocab.entity(chosen))


def baseline(nquads: Path) -> None:
    """Plain rdflib parsing the N-Quads file into a Dataset, then pyshacl validating the union of its
    graphs with the shapes (no inference); prints one JSON line after each step."""
    import rdflib
    from pyshacl import validate

    from graph.source import ontology

    started = time.perf_counter()
    dataset = rdflib.Dataset()
    dataset.parse(nquads, format="nquads")
    print(json.dumps({"parse": time.perf_counter() - started, "parse_mb": _peak_mb()}), flush=True)
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    shapes = rdflib.Graph().parse(ontology.shapes_file(), format="turtle")
    started = time.perf_counter()
    conforms, _, _ = validate(union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"validate": seconds, "validate_mb": _peak_mb(), "conforms": conforms, "triples": len(union)}))


def _market(work: Path, size: int) -> Path:
    from benchmarks.market import generate_market

    folder = work / f"market-{size}"
    if not (folder / "sources.yaml").exists():
        print(f"generating {size:,} vendors in {folder} ...", file=sys.stderr, flush=True)
        generate_market(size, folder)
    return folder


def _data_nquads(folder: Path) -> Path:
    """The market's data and ontology as one N-Quads file (written once, beside the market)."""
    target = folder.with_suffix(".nq")
    if not target.exists():
        code = (
            "import sys, pyoxigraph as ox; from graph.source.loader import read_folder; "
            "open(sys.argv[2], 'wb').write(read_folder(sys.argv[1]).store.dump(format=ox.RdfFormat.N_QUADS))"
        )
        subprocess.run([sys.executable, "-c", code, str(folder), str(target)], check=True)
    return target


def _child(args: list[str], timeout: float) -> tuple[str, bool]:
    """Run `python -m benchmarks.run ARGS` in a fresh interpreter: its stdout and whether it timed out."""
    stdout, timed_out, _ = _sampled_child(args, timeout, sample=False)
    return stdout, timed_out


def _sampled_child(args: list[str], timeout: float, sample: bool = True) -> tuple[str, bool, TreeMemory | None]:
    """The same, with the memory of the child and its own children sampled while it runs (if `sample`)."""
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.run", *args], stdout=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid) if sample and memory_available() else None
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, _ = process.communicate()
        return stdout, True, memory
    finally:
        if memory:
            memory.stop()
    if process.returncode:
        raise SystemExit(f"benchmark child failed: {' '.join(args)}")
    return stdout, False, memory


def _command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, of the command and the children it waited for)
    of `python -m graph ARGS` (the `stackmap` command of this tree), interpreter start included;
    SystemExit when it fails."""
    command = [sys.executable, "-m", "graph", *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"stackmap {' '.join(args)} failed")
    return elapsed, usage.ru_utime + usage.ru_stime


def _cli_check(folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `stackmap check --data folder` as a command."""
    return _command(["check", "--data", str(folder)])


def _cli_build(folder: Path, day: dt.date = digest.BENCH_DAY) -> tuple[tuple[float, float], dict[str, str]]:
    """Wall and CPU seconds of `stackmap build --data folder --as-of day` as a command, into a scratch
    folder, and the digests of the files it wrote."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stackmap-bench-build-") as scratch:
        out = Path(scratch) / "out"
        seconds = _command(["build", "--data", str(folder), "--out", str(out), "--as-of", str(day)])
        return seconds, digest.folder_digests(out)


def shipped_figures(repeat: int) -> dict[str, float]:
    """The median wall seconds of `stackmap check` and `stackmap build` (into a scratch folder) on the
    shipped data, as commands, over `repeat` runs each, made in turn."""
    import tempfile

    from graph.source.paths import shipped_data_dir

    checks, builds = [], []
    for _ in range(repeat):
        checks.append(_cli_check(shipped_data_dir())[0])
        with tempfile.TemporaryDirectory(prefix="stackmap-bench-shipped-") as scratch:
            builds.append(_command(["build", "--out", str(Path(scratch) / "out")])[0])
    return {"`stackmap check`": statistics.median(checks), "`stackmap build`": statistics.median(builds)}


def _seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()] if text else []


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n\n")[1],
        epilog="example: python -m benchmarks.run --sizes 1000,10000 --work /tmp/bench --repeat 3",
    )
    parser.add_argument("--sizes", type=_sizes, default=DEFAULT_SIZES, help="vendor counts, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("out/benchmark"), help="where generated markets are kept")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; medians are shown (default 3)")
    parser.add_argument("--query", default=DEFAULT_QUERY, help=f"the named query to time (default {DEFAULT_QUERY})")
    parser.add_argument("--all-queries", action="store_true", help="also time every shipped query (one run)")
    parser.add_argument(
        "--baseline-sizes", type=_sizes, default=[1000, 10000], help="sizes for the rdflib/pyshacl baseline"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a baseline run is stopped")
    parser.add_argument(
        "--shipped",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time `stackmap build` and `stackmap check` on the shipped map against their goals (default: on)",
    )
    parser.add_argument(
        "--record-digests",
        action="store_true",
        help="store the digests of the builds in benchmarks/digests.json as the reference (see benchmarks/digest.py)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child: one pipeline run, JSON out
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)  # child: rdflib + pyshacl, JSON lines
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the tables."""
    args = parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.query, args.all_queries)))
        return 0
    if args.baseline:
        baseline(args.baseline)
        return 0
    header = ["vendors", "triples", *STAGES[:-1], f"query `{args.query}`", "load+check+analyse+export"]
    header += ["peak MB (those stages, all processes)", "`stackmap check` (command)", "`stackmap build` (command)"]
    header += [f"`build --as-of {AS_OF_PROBE}` / `build` (goal: at most 1.10)", "outputs vs reference"]
    rows, query_rows, figures = [], {}, {}
    reference = digest.load_reference()
    shipped = None
    if args.shipped:
        print(f"{SHIPPED}: the commands ...", file=sys.stderr, flush=True)
        shipped = shipped_figures(args.repeat)
    for size in args.sizes:
        folder = _market(args.work, size)
        runs = []
        for i in range(args.repeat):
            print(f"{size:,} vendors: run {i + 1} of {args.repeat} ...", file=sys.stderr, flush=True)
            extra = ["--all-queries"] if args.all_queries and i == 0 else []
            stdout, _ = _child(["--measure", str(folder), "--query", args.query, *extra], 3600)
            runs.append(json.loads(stdout))
            if extra:
                query_rows[size] = runs[-1]["queries"]
        # Memory from one more run: reading a big process's smaps_rollup takes the kernel about 20 ms
        # and holds up the process meanwhile, so the runs timed above are not sampled.
        print(f"{size:,} vendors: one more run for the memory ...", file=sys.stderr, flush=True)
        stdout, _, memory = _sampled_child(["--measure", str(folder), "--query", args.query], 3600)
        sampled_run = json.loads(stdout)
        sampled = memory.peak_mb(until=sampled_run["pipeline_end"]) if memory else None
        peak = max(sampled or 0, sampled_run["peak_mb"])
        print(f"{size:,} vendors: the commands ...", file=sys.stderr, flush=True)
        checks = [_cli_check(folder) for _ in range(args.repeat)]
        cli, cli_cpu = (statistics.median(run[i] for run in checks) for i in (0, 1))
        builds, past = [], []
        for _ in range(args.repeat):  # in turn, so that both see the machine as it is
            builds.append(_cli_build(folder))
            past.append(_cli_build(folder, AS_OF_PROBE)[0][0])
        build_seconds, build_cpu = (statistics.median(seconds[i] for seconds, _ in builds) for i in (0, 1))
        as_of = statistics.median(p / b[0][0] for p, b in zip(past, builds, strict=True))
        found = builds[0][1]
        same = [digest.verdict(size, digests, reference) for _, digests in builds]
        outputs = same[0] if len(set(same)) == 1 else "varies between runs: " + "; ".join(same)
        if args.record_digests and all(digests == found for _, digests in builds):
            digest.record(size, found)
            outputs = f"recorded ({digest.combined(found)})"
        else:
            outputs += f" ({digest.combined(found)})"
        seconds = {s: _median(r["seconds"].get(s) for r in runs) for s in STAGES}
        total = _median(sum(r["seconds"][s] for s in PIPELINE) for r in runs)
        cells = [f"{size:,}", f"{runs[0]['triples']:,}", *(_seconds(seconds[s]) for s in STAGES), _seconds(total)]
        timed_commands = ((cli, cli_cpu), (build_seconds, build_cpu))
        commands = [f"{_seconds(wall)} (CPU {_seconds(cpu)})" for wall, cpu in timed_commands]
        rows.append([*cells, f"{peak:,.0f}", *commands, f"{as_of:.2f}", outputs])
        figures[size] = {
            "load+check+analyse+export": total,
            "peak MB": peak,
            "`stackmap check`": cli,
            "`stackmap build`": build_seconds,
        }
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    baseline_rows = []
    for size in args.baseline_sizes:
        nquads = _data_nquads(_market(args.work, size))
        print(f"{size:,} vendors: rdflib + pyshacl baseline ...", file=sys.stderr, flush=True)
        stdout, _ = _child(["--baseline", str(nquads)], timeout=args.timeout)
        found: dict = {}
        for line in stdout.splitlines():
            found.update(json.loads(line))
        peak = max(found.get("parse_mb", 0), found.get("validate_mb", 0))
        cells = [f"{size:,}", _seconds(found["parse"]) if "parse" in found else f"timeout ({args.timeout:g} s)"]
        cells.append(_seconds(found["validate"]) if "validate" in found else f"timeout ({args.timeout:g} s)")
        baseline_rows.append([*cells, f"{peak:,.0f}" if found else "n/a"])
        print(" | ".join(baseline_rows[-1]), file=sys.stderr, flush=True)
    if rows:
        _print_table(header, rows)
        _print_table(*cost_table(figures))
    if rows or shipped:
        _print_table(*goals_table(figures, shipped))
    if baseline_rows:
        _print_table(["vendors", "rdflib parse (N-Quads)", "pyshacl validate", "peak MB"], baseline_rows)
    if query_rows:
        names = sorted({n for q in query_rows.values() for n in q})
        header = ["query", *(f"{size:,} vendors" for size in query_rows)]
        table = [[f"`{n}`", *(f"{q[n][0]:.2f} s ({q[n][1]:,} rows)" for q in query_rows.values())] for n in names]
        _print_table(header, table)
    return 0


def cost_table(figures: dict[int, dict[str, float]]) -> tuple[list[str], list[list[str]]]:
    """The cost per 1,000 vendors of each size (header and rows): seconds of load+check+analyse+export
    and of the two commands, and megabytes at the peak, each divided by the thousands of vendors."""
    names = ("load+check+analyse+export", "`stackmap check`", "`stackmap build`", "peak MB")
    header = ["vendors", *(f"{n} per 1,000 vendors" for n in names)]
    rows = []
    for size, measured in figures.items():
        per = [measured[n] / (size / 1000) for n in names]
        rows.append([f"{size:,}", *(f"{v:.3f} s" for v in per[:3]), f"{per[3]:.1f} MB"])
    return header, rows


def goals_table(
    figures: dict[int, dict[str, float]], shipped: dict[str, float] | None = None
) -> tuple[list[str], list[list[str]]]:
    """The goals beside the measured figures (header and rows): those of the shipped map
    (SHIPPED_GOALS) when `shipped` holds its figures, and those of each generated size measured (GOALS)."""
    rows = []
    for name, limit in SHIPPED_GOALS if shipped else ():
        value = shipped[name]
        rows.append([SHIPPED, name, f"under {_seconds(limit)}", _seconds(value), "met" if value < limit else "not met"])
    for size, name, limit, unit in GOALS:
        if size not in figures:
            continue
        value = figures[size][name]
        shown = (lambda v: f"{v:,.0f} MB") if unit == "MB" else _seconds
        rows.append([f"{size:,}", name, f"under {shown(limit)}", shown(value), "met" if value < limit else "not met"])
    for size, measured in figures.items():
        if size >= 300_000:  # had it failed or run out of memory, the benchmark would have stopped
            done = f"yes: {_seconds(measured['`stackmap build`'])}, peak {measured['peak MB']:,.0f} MB"
            rows.append([f"{size:,}", "`stackmap build` runs end to end (24 GB)", "yes", done, "met"])
    return ["vendors", "figure", "goal", "measured", ""], rows


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
