"""The analysis commands: `chokepoints`, `whatif`, `concentration`, `flow` and `vendor`. Each opens
the checked map (`common.open_map`) and reads its analyses (`Checked.analysis`), which compute only
what they are asked for."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from .common import (
    EXIT_OK,
    Command,
    Failure,
    UsageError,
    add_format,
    fraction,
    open_map,
    positive,
    print_json,
    projection_of,
    ratio_range,
)


def _opened(args: argparse.Namespace):
    """The checked map with its projection made (Failure when the data cannot be projected)."""
    checked = open_map(args)
    projection_of(checked)
    return checked


def run_chokepoints(args: argparse.Namespace) -> int:
    from ..analysis.results import chokepoints_dict
    from ..analysis.text import chokepoints_text

    analysis = _opened(args).analysis
    if args.format == "json":
        data = chokepoints_dict(analysis.chokepoints)
        data["ranking"] = [x for x in data["ranking"] if x["rank"] <= args.top]
        print_json(data)
    else:
        sys.stdout.write(chokepoints_text(analysis.projection, analysis.chokepoints, analysis.reach, args.top))
    return EXIT_OK


def run_whatif(args: argparse.Namespace) -> int:
    from ..analysis.results import plain
    from ..analysis.text import whatif_text
    from ..analysis.whatif import UnknownName, whatif

    if not args.remove and not args.country:
        raise UsageError("name what to remove: --remove ID ... and/or --country CC ...")
    projection = _opened(args).projection
    try:
        result = whatif(projection, args.remove or [], args.country or [])
    except UnknownName as error:
        raise Failure(str(error)) from None
    if args.format == "json":
        print_json(plain(asdict(result)))
    else:
        sys.stdout.write(whatif_text(result, projection))
    return EXIT_OK


def run_concentration(args: argparse.Namespace) -> int:
    from ..analysis.results import plain
    from ..analysis.text import concentration_text

    results = _opened(args).analysis.concentration
    if args.format == "json":
        print_json([plain(asdict(c)) for c in results])
    else:
        sys.stdout.write(concentration_text(results))
    return EXIT_OK


def run_flow(args: argparse.Namespace) -> int:
    from ..analysis.results import plain
    from ..analysis.text import flow_text
    from ..analysis.value_flow import MissingFigure, value_flow

    options = {"direct_to_cloud": args.direct_to_cloud, "revenue": args.revenue}
    if args.inference_spend:
        options["inference_spend"] = args.inference_spend
    if args.cloud_spend:
        options["cloud_spend"] = args.cloud_spend
    try:
        flow = value_flow(_opened(args).projection, **options)
    except MissingFigure as error:
        raise Failure(str(error)) from None
    if args.format == "json":
        print_json(plain(asdict(flow)))
    else:
        sys.stdout.write(flow_text(flow))
    return EXIT_OK


def run_vendor(args: argparse.Namespace) -> int:
    from ..analysis.text import vendor_text
    from ..analysis.vendor_card import require_vendor, vendor_card
    from ..analysis.whatif import UnknownName

    analysis = _opened(args).analysis
    try:
        require_vendor(analysis.projection, args.id)
    except UnknownName as error:
        raise Failure(str(error)) from None
    card = vendor_card(analysis.projection, analysis.reach, analysis.chokepoints, args.id)
    if args.format == "json":
        print_json(card)
    else:
        sys.stdout.write(vendor_text(card))
    return EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    from datetime import date

    from ..analysis.results import plain
    from ..analysis.text import diff_text
    from ..model.projection import ProjectionError
    from ..pipeline import diff_maps
    from ..source.problems import DataError
    from .common import data_dir, problem_count, progress_printer, report_problems

    directory = data_dir(args)
    args.until = args.until or date.today()
    try:
        change = diff_maps(directory, args.since, args.until, progress_printer())
    except DataError as error:
        report_problems(directory, error.problems)
        raise Failure(problem_count(error.problems)) from None
    except ProjectionError as error:
        raise Failure(str(error)) from None
    if args.format == "json":
        print_json({"from": args.since.isoformat(), "to": args.until.isoformat(), **plain(asdict(change))})
    else:
        sys.stdout.write(diff_text(change, args.since.isoformat(), args.until.isoformat()))
    return EXIT_OK


def _diff_options(parser: argparse.ArgumentParser) -> None:
    from datetime import date

    from .common import as_of_date

    parser.add_argument(
        "--from", dest="since", type=as_of_date, default=date(2023, 1, 19), metavar="DATE",
        help="the earlier date (YYYY-MM-DD, YYYY-MM or YYYY; default: 2023-01-19, the essay's)",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="until", type=as_of_date, default=None, metavar="DATE", help="the later date (default: today)"
    )
    add_format(parser)


def _chokepoints_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--top", type=positive(int), default=10, metavar="N", help="show ranks 1 to N (default 10)")
    add_format(parser)


def _whatif_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--remove", nargs="+", action="extend", metavar="ID", help="vendor or offering ids")
    parser.add_argument("--country", nargs="+", action="extend", metavar="CC", help="remove every vendor of a country")
    add_format(parser)


def _flow_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inference-spend",
        type=ratio_range,
        metavar="LOW[-HIGH]",
        help="part of app revenue spent on inference (default: the data's inference-spend-ratio figure)",
    )
    parser.add_argument(
        "--cloud-spend",
        type=ratio_range,
        metavar="LOW[-HIGH]",
        help="part of model providers' revenue spent on cloud (default: the data's cloud-spend-ratio figure)",
    )
    parser.add_argument(
        "--direct-to-cloud",
        type=fraction,
        default=0.0,
        metavar="X",
        help="part of the apps' inference spend paid straight to clouds (default 0: through model providers)",
    )
    parser.add_argument(
        "--revenue", type=positive(float), default=1.0, metavar="USD", help="app revenue (default: shares of 1)"
    )
    add_format(parser)


def _vendor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="a vendor id, such as nvidia")
    add_format(parser)


COMMANDS = [
    Command(
        "diff",
        run_diff,
        "what changed between the map on one date and on another: entries, exits, ranks, concentration",
        "examples:\n  stackmap diff                          # from the essay (2023-01-19) to today\n"
        "  stackmap diff --from 2023 --to 2025 --format json\n\n"
        "Each date's map is what `--as-of DATE` gives; the numbers are those of two such runs. A year or a\n"
        "month means its last day. HHI marked * is measured from dependents (no market-share figure).",
        _diff_options,
    ),
    Command(
        "chokepoints",
        run_chokepoints,
        "rank the vendors whose loss cuts the most apps off, with the critical pairs",
        "examples:\n  stackmap chokepoints\n  stackmap chokepoints --top 5 --format json\n\n"
        "Each vendor below the app layer is removed alone; vendors are ranked by the apps that fail,\n"
        "then by the mean capacity the apps lose. Equal results share a rank.",
        _chokepoints_options,
        dated=True,
    ),
    Command(
        "whatif",
        run_whatif,
        "remove vendors, offerings or countries and show which apps fail",
        "examples:\n  stackmap whatif --remove nvidia\n  stackmap whatif --remove tsmc-n5 asml\n"
        "  stackmap whatif --country TW --format json\n  stackmap whatif --remove asml --as-of 2023-01-19\n\n"
        "Shown: the apps that fail, the failed nodes and mean capacity of each layer, every app's\n"
        "capacity, and the detours beneath the apps that work (each dependency that lost suppliers\n"
        "and works on others: why an app survives).",
        _whatif_options,
        dated=True,
    ),
    Command(
        "concentration",
        run_concentration,
        "HHI, CR1 and CR4 per layer and market, with the 2023 US Merger Guidelines bands",
        "examples:\n  stackmap concentration\n  stackmap concentration --format json",
        add_format,
        dated=True,
    ),
    Command(
        "flow",
        run_flow,
        "follow app revenue down the stack with the essay's spend ratios",
        "examples:\n  stackmap flow\n  stackmap flow --inference-spend 0.3 --direct-to-cloud 0.5\n"
        "  stackmap flow --revenue 1e9 --format json",
        _flow_options,
        dated=True,
    ),
    Command(
        "vendor",
        run_vendor,
        "show one vendor: offerings, dependencies both ways, reach, chokepoint rank, moats, sources",
        "examples:\n  stackmap vendor tsmc\n  stackmap vendor nvidia --format json",
        _vendor_options,
        dated=True,
    ),
]
