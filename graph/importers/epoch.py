"""Import Epoch AI's public tables as vendor data: what an import would write, worked out without
writing anything (`writer` writes it).

- `plan` (`stackmap import epoch-models`): every row of the "Notable AI Models" export and,
  optionally, the "ML Hardware" table.
- `plan_hub` (`stackmap import epoch-hub`): the folder of Epoch AI's tables: the models of a window
  of years from the organisations that matter (`models.select_organisations`), every accelerator,
  the GPU clusters (`clusters`: the fleets of the owners in the map and, by default, of the private
  sector's owners, made vendors) and the AI companies' reports (`companies`).

Names are matched to the vendors and offerings of the data folder (`registry`), so an existing
vendor is extended, never duplicated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .clusters import CLUSTER_COLUMNS, PRIVATE_OWNERS, SECTOR_COLUMN, Clusters, read_clusters
from .companies import REPORT_COLUMNS, Companies
from .hardware import HARDWARE_COLUMNS, Hardware
from .models import MODEL_COLUMNS, MODEL_LAYERS, Models, Selection, first_organisation, select_organisations
from .names import Existing, load_alias_table
from .registry import OutVendor, Registry
from .summary import Summary
from .tables import CLUSTERS, COMPANIES, DATASETS, HARDWARE, MODELS, InputError, read_csv, source_entry

# The tables of Epoch AI's data folder that `epoch-hub` reads: (name in the summary, file, columns it needs).
HUB_TABLES = (
    ("models", "notable_ai_models.csv", MODEL_COLUMNS),
    ("frontier models", "frontier_ai_models.csv", MODEL_COLUMNS),
    ("hardware", "ml_hardware.csv", HARDWARE_COLUMNS),
    ("clusters", "gpu_clusters.csv", CLUSTER_COLUMNS),
    ("revenue reports", "ai_companies_revenue_reports.csv", REPORT_COLUMNS),
    ("usage reports", "ai_companies_usage_reports.csv", REPORT_COLUMNS),
    ("compute spend reports", "ai_companies_compute_spend.csv", REPORT_COLUMNS),
)


@dataclass
class Result:
    """A planned import: the vendor files, the shared figures files, the sources, and the summary."""

    vendors: dict[str, OutVendor]
    sources: dict[str, dict]
    summary: Summary
    figures: dict[str, tuple[str, list[dict]]] = field(default_factory=dict)  # file stem -> (source, figures)


def _read(path: Path, table: str, columns: tuple[str, ...], summary: Summary, hint: str = "") -> list[dict[str, str]]:
    rows = read_csv(path, columns, hint)
    summary.read(table, path.name, len(rows))
    return rows


def plan(
    models: Path,
    hardware: Path | None,
    existing: Existing,
    downloaded: dt.date | None = None,
    alias_table: dict[str, list[str]] | None = None,
) -> Result:
    """Every model of the models export (and every chip of the hardware table): what to write.
    `downloaded` is the date the files were downloaded (default: each file's modification date)."""
    summary = Summary()
    model_rows = _read(models, "models", MODEL_COLUMNS, summary)
    hardware_rows = _read(hardware, "hardware", HARDWARE_COLUMNS, summary) if hardware else []
    registry = Registry(existing, load_alias_table() if alias_table is None else alias_table, summary)
    chips = Hardware(registry)
    chips.read(hardware_rows)
    made = Models(registry, chips)
    made.read(model_rows)
    paths = {MODELS.source: models, HARDWARE.source: hardware}
    return _finish(registry, made, paths, downloaded, {})


def plan_hub(
    folder: Path,
    existing: Existing,
    downloaded: dt.date | None = None,
    selection: Selection | None = None,
    alias_table: dict[str, list[str]] | None = None,
    progress: Callable[[str], None] | None = None,
    cluster_owners: str = PRIVATE_OWNERS,
) -> Result:
    """The folder of Epoch AI's tables: the models of the selection's window from the organisations it
    keeps, every chip, the GPU clusters' fleets (of the owners `cluster_owners` says, `clusters.OWNER_RULES`)
    and markets, and the companies' reports."""
    selection = selection or Selection()
    report = progress or (lambda message: None)
    missing = [name for _, name, _ in HUB_TABLES if not (folder / name).is_file()]
    if not folder.is_dir() or missing:
        what = "is not a folder" if not folder.is_dir() else f"has no {', '.join(missing)}"
        raise InputError(f"{folder} {what}: give the folder of Epoch AI's tables (notable_ai_models.csv, ...)")
    summary = Summary()
    rows = {}
    for table, name, columns in HUB_TABLES:
        hint = ""
        if table == "clusters" and cluster_owners == PRIVATE_OWNERS:  # the private-sector rule reads it
            columns, hint = (*columns, SECTOR_COLUMN), "; --cluster-owners in-map imports without it"
        rows[table] = _read(folder / name, table, columns, summary, hint)
    registry = Registry(existing, load_alias_table() if alias_table is None else alias_table, summary)
    report(f"hardware: {len(rows['hardware'])} rows")
    chips = Hardware(registry)
    chips.read(rows["hardware"])
    report(f"models: {len(rows['models'])} rows, the organisations of {selection.window}")
    made = Models(registry, chips)
    selected, chosen, spelled = _selected_models(registry, rows["models"], rows["frontier models"], selection)
    made.read(selected)
    summary.organisations = {registry.find_vendor(spelled.get(k, k)) or k: why for k, why in chosen.items()}
    report(f"clusters: {len(rows['clusters'])} rows")
    fleets = Clusters(registry, chips, read_clusters(rows["clusters"], registry), cluster_owners)
    fleets.owner_offerings()
    markets = fleets.markets(selection.first_year)
    report("company reports")
    reports = Companies(registry)
    reports.revenue(rows["revenue reports"])
    reports.usage(rows["usage reports"])
    reports.spend(rows["compute spend reports"])
    figures = {
        "epoch-gpu-clusters": (CLUSTERS.source, markets),
        "epoch-ai-companies": (COMPANIES.source, reports.figures),
    }
    paths: dict[str, Path | None] = {
        MODELS.source: folder / "notable_ai_models.csv",
        HARDWARE.source: folder / "ml_hardware.csv",
        CLUSTERS.source: folder / "gpu_clusters.csv",
        COMPANIES.source: folder / "ai_companies_revenue_reports.csv",
    }
    return _finish(registry, made, paths, downloaded, {k: v for k, v in figures.items() if v[1]})


def _selected_models(
    registry: Registry, rows: list[dict[str, str]], frontier: list[dict[str, str]], selection: Selection
) -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    """The model rows of the window whose first organisation the rule keeps (the others counted), the
    organisations kept (key -> why) and a spelling of each."""
    existing = set(registry.existing.vendors)
    chosen = select_organisations(rows, frontier, registry.organisation, existing, selection)
    skipped = registry.summary.skipped
    kept = []
    for row in rows:
        org = first_organisation(row)
        if not selection.published_in(row):
            skipped["model rows", f"published outside {selection.window} (or no publication date)"] += 1
        elif org is not None and registry.organisation(org) not in chosen:
            skipped["model rows", "organisation not selected (see the rule in `stackmap import --help`)"] += 1
        else:
            kept.append((row, org))
    spelled = {registry.organisation(org): org for _, org in kept if org}
    return [row for row, _ in kept], chosen, spelled


def _finish(
    registry: Registry,
    made: Models,
    paths: dict[str, Path | None],
    downloaded: dt.date | None,
    figures: dict[str, tuple[str, list[dict]]],
) -> Result:
    """The planned files and the summary's totals, once every table is read."""
    summary, existing = registry.summary, registry.existing
    vendors = {vid: v for vid, v in sorted(registry.vendors.items()) if v.offerings}
    for partner in made.partners:
        vid = registry.find_vendor(partner)
        if vid not in vendors and vid not in existing.vendors:
            reason = "only ever listed after a model's first organisation (named in its description)"
            summary.skipped["organisations", reason] += 1
    summary.vendors_created = [vid for vid, v in vendors.items() if v.new]
    summary.vendors_extended = [vid for vid, v in vendors.items() if not v.new]
    summary.model_layer_newcomers = [
        vid
        for vid, v in vendors.items()
        if any(o["layer"] in MODEL_LAYERS for o in v.offerings.values())
        and not existing.offerings_of(vid, MODEL_LAYERS)
    ]
    used = {o["source"] for v in vendors.values() for o in v.offerings.values()}
    used |= {source for source, _ in figures.values()}
    sources = {
        sid: source_entry(d, path, downloaded)
        for d in DATASETS
        if (sid := d.source) in used and (path := paths.get(sid)) is not None
    }
    return Result(vendors, dict(sorted(sources.items())), summary, figures)
