"""`stackmap build`, `report`, `view` and `export`: write what is made of the checked map."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import (
    EXIT_OK,
    Command,
    Failure,
    add_out,
    data_dir,
    err,
    hold,
    open_map,
    problem_count,
    progress_printer,
    projection_of,
    report_problems,
)


def run_build(args: argparse.Namespace) -> int:
    from ..model.projection import ProjectionError
    from ..pipeline import build_checked
    from ..source.problems import DataError

    directory = data_dir(args)
    out = Path(args.out)
    try:
        result, _ = hold(args, build_checked(directory, out, progress_printer(), as_of=args.as_of))
    except DataError as error:
        report_problems(directory, error.problems)
        raise Failure(problem_count(error.problems) + f"; {out} was not written") from None
    except ProjectionError as error:
        raise Failure(f"{error}; {out} was not written") from None
    except OSError as error:
        raise Failure(f"could not write {out}: {error.strerror or error}; it is left as it was") from None
    print(result.summary.line())
    for path in result.written:
        print(f"wrote {path}")
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    from ..pipeline import report_files
    from ..runtime.atomic import update_folder

    checked = open_map(args)
    try:
        projection_of(checked)
    except Failure as failure:
        raise Failure(f"{failure}; {args.out} was not written") from None
    files = report_files(checked, args.as_of)
    update_folder(Path(args.out), files)
    for name in sorted(files):
        print(f"wrote {Path(args.out) / name}")
    return EXIT_OK


def run_view(args: argparse.Namespace) -> int:
    from ..pipeline import HTML_FILE, is_stale
    from ..render.browser import open_in_browser

    page = Path(args.out) / HTML_FILE
    if args.rebuild or is_stale(data_dir(args), Path(args.out), args.as_of):
        run_build(args)
    if open_in_browser(page):
        print(f"opened {page} in the browser")
    else:
        print(f"no browser found; open {page.resolve()}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from ..render import export, network_export

    checked = open_map(args)
    if args.format in network_export.FORMATS:
        try:
            projection_of(checked)
        except Failure as failure:
            raise Failure(f"{failure}; nothing was written") from None
        data = network_export.serialize(checked.analysis, args.format)
    else:
        data = export.serialize(checked.loaded.store, args.format)
    if args.output and args.output != "-":
        from ..runtime.atomic import write_file

        write_file(Path(args.output), data)
        err(f"wrote {args.output} ({len(data):,} bytes)")
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _view_options(parser: argparse.ArgumentParser) -> None:
    add_out(parser)
    parser.add_argument("--rebuild", action="store_true", help="build even when the page is up to date")


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("turtle", "trig", "nquads", "jsonld", "graphml", "gexf"),
        default="turtle",
        help="RDF format (default: turtle; trig and nquads keep one named graph per data file), or the "
        "network of offerings and vendors with their layer, vendor, country, reach and chokepoint rank "
        "for graph tools: graphml (Cytoscape, igraph, Gephi) or gexf (Gephi)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


COMMANDS = [
    Command(
        "build",
        run_build,
        "check and analyse the data, then write the graph, analysis.json, stackmap.html and the report to out/",
        "examples:\n  stackmap build\n  stackmap build --data my-data --out site/",
        add_out,
        dated=True,
    ),
    Command(
        "report",
        run_report,
        "write the market report (report.md, a self-contained report.html and SVG figures) to the output folder",
        "examples:\n  stackmap report\n  stackmap report --out site/ --data my-data\n\n"
        "The report answers where value accrues with the analyses' numbers: the stack, the value flow,\n"
        "concentration, chokepoints, vertical integration and moats, and the sources. `stackmap build`\n"
        "writes it too, beside the dataset.",
        add_out,
        dated=True,
    ),
    Command(
        "view",
        run_view,
        "open the interactive graph (out/stackmap.html) in the browser, building it first when needed",
        "examples:\n  stackmap view\n  stackmap view --rebuild --data my-data --out site/\n\n"
        "The page is one file that works offline. It is rebuilt when it is missing or older than the data.",
        _view_options,
        dated=True,
    ),
    Command(
        "export",
        run_export,
        "write the whole dataset as Turtle, TriG, N-Quads or JSON-LD, or the network as GraphML or GEXF",
        "examples:\n  stackmap export --format trig -o stackmap.trig\n  stackmap export --format jsonld > map.jsonld\n"
        "  stackmap export --format graphml -o stackmap.graphml   # Cytoscape, igraph, networkx\n"
        "  stackmap export --format gexf -o stackmap.gexf         # Gephi",
        _export_options,
        dated=True,
    ),
]
