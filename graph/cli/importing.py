"""`stackmap import`: vendor data files from a public dataset (Epoch AI's tables)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, Command, Failure, UsageError, data_dir, progress_printer


def run_import(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..importers.epoch import InputError
    from ..importers.run import import_epoch
    from ..importers.writer import Refused

    downloaded = None
    if args.downloaded:
        try:
            downloaded = dt.date.fromisoformat(args.downloaded)
        except ValueError:
            raise UsageError(f"--downloaded takes a date as YYYY-MM-DD, not '{args.downloaded}'") from None
    try:
        summary = import_epoch(
            Path(args.table),
            Path(args.out),
            data_dir(args),
            hardware=Path(args.hardware) if args.hardware else None,
            dry_run=args.dry_run,
            downloaded=downloaded,
            progress=progress_printer(),
        )
    except (InputError, Refused) as error:
        raise Failure(f"{error}; nothing written") from None
    except OSError as error:
        raise Failure(f"could not write {args.out}: {error.strerror or error}; it is left as it was") from None
    print("\n".join(summary.lines()))
    return EXIT_OK


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", choices=("epoch-models",), help="the dataset: epoch-models (Epoch AI)")
    parser.add_argument("table", metavar="MODELS.csv", help="Epoch AI's Notable AI Models export (CSV)")
    parser.add_argument("--hardware", metavar="HARDWARE.csv", help="Epoch AI's ML Hardware table (CSV)")
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
        "make vendor data files from a public dataset (Epoch AI's notable AI models and ML hardware)",
        "examples:\n  stackmap import epoch-models models.csv --hardware hw.csv --out data/imported/epoch --dry-run\n"
        "  stackmap import epoch-models models.csv --hardware hw.csv --out data/imported/epoch\n"
        "  stackmap check && git add data/imported && git diff --cached data/imported   # review, then commit\n\n"
        "Organisations become vendors, models offerings in the model layers (open or closed weights from\n"
        "the accessibility column), training hardware `trained_on` accelerators, and their foundry\n"
        "`fabbed_by`. Names are matched to the vendors of --data (ids, names, `aliases:`); an existing\n"
        "vendor is extended by an `extends:` file, never duplicated or edited. Only files the import\n"
        "made are replaced; re-running it gives the same files. Epoch AI's data are CC BY 4.0.",
        _options,
    ),
]
