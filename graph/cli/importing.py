"""`stackmap import`: vendor data files from a public dataset (Epoch AI's tables)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .common import EXIT_OK, Command, Failure, UsageError, data_dir, progress_printer


def run_import(args: argparse.Namespace) -> int:
    from ..importers.run import import_epoch, import_epoch_hub
    from ..importers.tables import InputError
    from ..importers.writer import Refused

    hub = args.dataset == "epoch-hub"
    if hub and args.hardware:
        raise UsageError("--hardware is for epoch-models; epoch-hub reads ml_hardware.csv from the folder")
    if not hub and (args.years or args.min_models is not None or args.cluster_owners):
        raise UsageError("--years, --min-models and --cluster-owners are for epoch-hub")
    common = {"dry_run": args.dry_run, "downloaded": _date(args.downloaded), "progress": progress_printer()}
    try:
        if hub:
            owners = {"cluster_owners": args.cluster_owners} if args.cluster_owners else {}
            summary = import_epoch_hub(
                Path(args.input), Path(args.out), data_dir(args), _selection(args), **common, **owners
            )
        else:
            hardware = Path(args.hardware) if args.hardware else None
            summary = import_epoch(Path(args.input), Path(args.out), data_dir(args), hardware, **common)
    except (InputError, Refused) as error:
        raise Failure(f"{error}; nothing written") from None
    except OSError as error:
        raise Failure(f"could not write {args.out}: {error.strerror or error}; it is left as it was") from None
    print("\n".join(summary.lines()))
    return EXIT_OK


def _date(text: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise UsageError(f"--downloaded takes a date as YYYY-MM-DD, not '{text}'") from None


def _selection(args: argparse.Namespace):
    from ..importers.models import Selection

    default = Selection()
    first, last = default.first_year, default.last_year
    if args.years:
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", args.years)
        if not match or int(match.group(2) or match.group(1)) < int(match.group(1)):
            raise UsageError(f"--years takes a year or a range of years such as 2023-2025, not '{args.years}'")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if args.min_models is not None and args.min_models < 1:
        raise UsageError(f"--min-models takes a number of models, at least 1, not {args.min_models}")
    return Selection(first, last, default.min_models if args.min_models is None else args.min_models)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dataset",
        choices=("epoch-models", "epoch-hub"),
        help="epoch-models: Epoch AI's Notable AI Models export (every row); epoch-hub: the folder of Epoch "
        "AI's tables (models, hardware, GPU clusters, AI companies)",
    )
    parser.add_argument(
        "input", metavar="MODELS.csv|FOLDER", help="the models export (epoch-models) or the tables' folder (epoch-hub)"
    )
    parser.add_argument("--hardware", metavar="HARDWARE.csv", help="epoch-models: Epoch AI's ML Hardware table (CSV)")
    parser.add_argument(
        "--years",
        metavar="FIRST-LAST",
        help="epoch-hub: the models published in these years, and the first year of the markets (default 2023-2025)",
    )
    parser.add_argument(
        "--min-models",
        type=int,
        metavar="N",
        help="epoch-hub: the industry models in those years that make an organisation matter (default 3)",
    )
    parser.add_argument(
        "--cluster-owners",
        choices=("private", "in-map"),
        help="epoch-hub: whose GPU clusters become fleets: private (default) makes vendors of the owners "
        "Epoch counts as private sector (clouds, GPU clouds, companies), beside those already in the map; "
        "in-map keeps to the owners already in the map (see below)",
    )
    parser.add_argument(
        "--out", metavar="DIR", required=True, help="the folder for the new files, e.g. data/imported/epoch"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the summary, write nothing")
    parser.add_argument(
        "--downloaded",
        metavar="YYYY-MM-DD",
        help="when the files were downloaded, the sources' date (default: each file's modification date)",
    )


COMMANDS = [
    Command(
        "import",
        run_import,
        "make vendor data files from a public dataset (Epoch AI's models, hardware, GPU clusters, AI companies)",
        "examples:\n"
        "  stackmap import epoch-hub epoch-data/ --out data/imported/epoch --dry-run\n"
        "  stackmap import epoch-hub epoch-data/ --out data/imported/epoch --downloaded 2025-12-01\n"
        "  stackmap import epoch-models models.csv --hardware hw.csv --out data/imported/epoch\n"
        "  stackmap check && git add data/imported && git diff --cached data/imported   # review, then commit\n\n"
        "Names are matched to the vendors of --data (ids, names, `aliases:`); an existing vendor is extended by\n"
        "an `extends:` file, never duplicated or edited. Only files the import made are replaced; re-running it\n"
        "gives the same files. Every fact cites Epoch AI's table and names its row. Epoch AI's data are CC BY 4.0.\n\n"
        "epoch-models: every model row becomes an offering in the model layers (open or closed weights from\n"
        "the accessibility column), `released` on its publication date, `trained_on` its chips and\n"
        '`uses_model` its base model ("Base model" column) when that base is a model of the import; with\n'
        "--hardware each chip is `released` and `fabbed_by` its foundry's node (as for epoch-hub, below).\n\n"
        "epoch-hub reads the folder of Epoch AI's tables (notable_ai_models.csv, frontier_ai_models.csv,\n"
        "ml_hardware.csv, gpu_clusters.csv, ai_companies_*.csv):\n"
        "- models published in --years from the organisations that matter: of the models of those years, an\n"
        "  organisation is kept when it is the first organisation of a model and already a vendor of --data,\n"
        "  or of at least --min-models models that Epoch counts as industry, or of a frontier model\n"
        "  (frontier_ai_models.csv);\n"
        "- every accelerator, with its variants as one offering, `fabbed_by` its foundry's node for its process\n"
        "  size: the one of --data (`tsmc-n5` for 5 nm), else a node offering made once per foundry and size\n"
        "  (`tsmc-12nm`, released with its first chip: the table dates no process); a chip without a size\n"
        "  names the foundry (any);\n"
        "- GPU clusters that count as installed (status Existing, certainty Confirmed or Likely, not a possible\n"
        "  duplicate, dated, with H100 equivalents; planned, decommissioned and unlikely ones never do): each\n"
        '  owner gets an "<owner> AI clusters" offering (cloud-platforms) that `runs_on` its chips with shares\n'
        "  of its H100 equivalents, and two measured markets, installed AI compute by owner and by chip\n"
        "  supplier (H100 equivalents of every counted cluster), for the first of --years and the latest\n"
        "  year: installed bases, not sales shares;\n"
        "- which owners (--cluster-owners): those already in the map and, by default (private), every owner\n"
        "  whose counted clusters Epoch's Sector column calls Private, made a vendor when no vendor matches\n"
        '  its name ("Lambda Labs" is lambda; "A,B" is two owners), with the country of its clusters when\n'
        "  they name one. These are the clouds, GPU clouds and companies that run on the chips. Owners of\n"
        "  the Public and Public/Private sectors (governments, universities, national labs, state-owned and\n"
        "  state-backed bodies) are not made vendors: their machines mostly serve research or a state's own\n"
        "  use, and whether one belongs in the market is a person's call (write a vendor file for it and it\n"
        "  is matched and gets its fleet); they stay in the markets' totals and the summary counts them by\n"
        "  reason. in-map keeps the map to the vendors someone has added;\n"
        "- the AI companies' revenue, usage and compute-spend reports of confidence Confident or Likely, as\n"
        "  dated figures.",
        _options,
    ),
]
