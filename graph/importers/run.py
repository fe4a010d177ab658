"""`stackmap import`: read the data folder, plan the import, write (or only count) the files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import epoch, writer
from .clusters import PRIVATE_OWNERS
from .models import Selection
from .names import Existing, read_existing
from .summary import Summary

Progress = Callable[[str], None]


def import_epoch(
    models: Path,
    out_dir: Path,
    data_dir: Path,
    hardware: Path | None = None,
    dry_run: bool = False,
    downloaded: dt.date | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Import Epoch AI's models (and hardware) tables into vendor files under out_dir, merging with the
    vendors of data_dir; the summary of what was read, made, merged and skipped. Nothing is written
    when `dry_run`; `writer.Refused` when out_dir holds hand-written files that would be replaced."""

    def planned(existing: Existing) -> epoch.Result:
        _say(progress, f"reading {models}" + (f" and {hardware}" if hardware else ""))
        return epoch.plan(models, hardware, existing, downloaded)

    return _run(planned, "stackmap import epoch-models", out_dir, data_dir, dry_run, progress)


def import_epoch_hub(
    folder: Path,
    out_dir: Path,
    data_dir: Path,
    selection: Selection | None = None,
    dry_run: bool = False,
    downloaded: dt.date | None = None,
    progress: Progress | None = None,
    cluster_owners: str = PRIVATE_OWNERS,
) -> Summary:
    """Import the folder of Epoch AI's tables (models of the selection's window from the organisations
    that matter, hardware, GPU clusters, company reports) into files under out_dir; as `import_epoch`.
    `cluster_owners` says whose clusters become fleets (`clusters.OWNER_RULES`)."""

    def planned(existing: Existing) -> epoch.Result:
        _say(progress, f"reading the tables of {folder}")
        return epoch.plan_hub(folder, existing, downloaded, selection, progress=progress, cluster_owners=cluster_owners)

    return _run(planned, "stackmap import epoch-hub", out_dir, data_dir, dry_run, progress)


def _say(progress: Progress | None, message: str) -> None:
    if progress:
        progress(message)


def _run(
    planned: Callable[[Existing], epoch.Result],
    command: str,
    out_dir: Path,
    data_dir: Path,
    dry_run: bool,
    progress: Progress | None,
) -> Summary:
    """Read the data folder (less the import's earlier output), plan, and write or count the files."""
    _say(progress, f"reading the vendors of {data_dir}")
    existing = read_existing(data_dir, skip=out_dir, marker=writer.MARKER)
    result = planned(existing)
    files = writer.files_for(result, command)
    summary = result.summary
    summary.out_dir, summary.dry_run = str(out_dir), dry_run
    _say(progress, f"{'comparing' if dry_run else 'writing'} {len(files)} files in {out_dir}")
    summary.files.update(writer.write(out_dir, files, dry_run))
    if not out_dir.resolve().is_relative_to(data_dir.resolve()):
        summary.notes.append(
            f"{out_dir} is outside the data folder {data_dir}: `stackmap check` reads one folder, "
            "so import into a folder under it (such as data/imported/epoch) to check the combined map"
        )
    return summary
