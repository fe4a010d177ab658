"""`stackmap import epoch-models`: read the data folder, plan the import, write (or only count) the files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import epoch, writer
from .names import read_existing


def import_epoch(
    models: Path,
    out_dir: Path,
    data_dir: Path,
    hardware: Path | None = None,
    dry_run: bool = False,
    downloaded: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> epoch.Summary:
    """Import Epoch AI's models (and hardware) tables into vendor files under out_dir, merging with the
    vendors of data_dir; the summary of what was read, made, merged and skipped. Nothing is written
    when `dry_run`; `writer.Refused` when out_dir holds hand-written files that would be replaced."""
    if progress:
        progress(f"reading the vendors of {data_dir}")
    existing = read_existing(data_dir, skip=out_dir, marker=writer.MARKER)
    if progress:
        progress(f"reading {models}" + (f" and {hardware}" if hardware else ""))
    result = epoch.plan(models, hardware, existing, downloaded)
    command = "stackmap import epoch-models"
    files = writer.files_for(result, command)
    summary = result.summary
    summary.out_dir, summary.dry_run = str(out_dir), dry_run
    summary.files.update(writer.write(out_dir, files, dry_run))
    if not out_dir.resolve().is_relative_to(data_dir.resolve()):
        summary.notes.append(
            f"{out_dir} is outside the data folder {data_dir}: `stackmap check` reads one folder, "
            "so import into a folder under it (such as data/imported/epoch) to check the combined map"
        )
    return summary
