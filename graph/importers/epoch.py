"""Import Epoch AI's "Notable AI Models" export (and optionally its "ML Hardware" table) as vendor data.

Organisations become vendors, models become offerings in the model layers (open or closed weights from
the accessibility column), training hardware becomes `trained_on` references to accelerator offerings of
their manufacturers, and a chip's foundry becomes `fabbed_by`. Names are matched to the vendors and
offerings of the data folder (ids, names, `aliases:`, and the importers' alias table), so an existing
vendor is extended, never duplicated. `plan` computes everything without writing; `writer` writes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..source.vocab import decimal_text
from .names import (
    Existing,
    clean,
    display_name,
    key,
    load_alias_table,
    slug,
    spellings,
    split_values,
    unique_id,
)

MODELS_SOURCE = "epoch-notable-ai-models"
HARDWARE_SOURCE = "epoch-ml-hardware"
DATASET_URL = "https://epoch.ai/data"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
TITLES = {MODELS_SOURCE: "Notable AI Models", HARDWARE_SOURCE: "Machine Learning Hardware"}

# Epoch's "Model accessibility" values, lower-cased: which mean the weights are public.
OPEN_ACCESS = ("open weights (unrestricted)", "open weights (restricted use)", "open weights (non-commercial)")
CLOSED_ACCESS = ("api access", "hosted access (no api)", "unreleased")
MODEL_LAYERS = {"closed-foundation-models", "open-foundation-models", "model-hubs"}
HARDWARE_LAYER = "compute-hardware"
FOUNDRY_LAYER = "foundry"

MODEL_COLUMNS = ("Model", "Organization")
HARDWARE_COLUMNS = ("Hardware name", "Manufacturer")
_URL_RE = re.compile(r"https?://[^\s<>\"{}|\\^`,]+")


class InputError(ValueError):
    """The input cannot be imported (a missing file or column); the message says what to do."""


@dataclass
class OutVendor:
    """A vendor the import writes a file for: a new one (`name` set) or an existing one it extends."""

    id: str
    name: str | None
    spellings: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    offerings: dict[str, dict] = field(default_factory=dict)

    @property
    def new(self) -> bool:
        return self.name is not None

    @property
    def source(self) -> str:
        """The file's default source: the one most of its offerings cite (the models table on a tie)."""
        counts = Counter(o["source"] for o in self.offerings.values())
        return min(counts, key=lambda s: (-counts[s], s != MODELS_SOURCE)) if counts else MODELS_SOURCE


@dataclass
class Summary:
    """What an import read, made, merged and skipped (and why)."""

    models_file: str = ""
    models_rows: int = 0
    hardware_file: str = ""
    hardware_rows: int = 0
    vendors_created: list[str] = field(default_factory=list)
    vendors_extended: list[str] = field(default_factory=list)
    merged_spellings: dict[str, set[str]] = field(default_factory=dict)  # existing vendor -> spellings
    model_layer_newcomers: list[str] = field(default_factory=list)
    offerings_created: Counter = field(default_factory=Counter)  # kind -> count
    offerings_merged: dict[str, str] = field(default_factory=dict)  # existing offering id -> spelling
    dependencies: Counter = field(default_factory=Counter)  # yaml key -> count
    skipped: Counter = field(default_factory=Counter)  # (what, reason) -> count
    files: Counter = field(default_factory=Counter)  # new / changed / unchanged / removed
    out_dir: str = ""
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as printed, one fact per line."""
        out = [f"Epoch AI import{' (dry run: nothing written)' if self.dry_run else ''}"]
        out.append(f"rows read: {self.models_rows} models ({self.models_file})")
        if self.hardware_file:
            out.append(f"rows read: {self.hardware_rows} hardware ({self.hardware_file})")
        merged = sorted(self.merged_spellings)
        out.append(
            f"vendors: {len(self.vendors_created)} created, {len(merged)} merged with existing vendors"
            + (" (spellings below)" if merged else "")
        )
        for vid in merged:
            quoted = ", ".join('"' + x + '"' for x in sorted(self.merged_spellings[vid]))
            out.append(f"  {vid} <- {quoted}")
        out.append(
            f"vendors new to the model layers: {len(self.model_layer_newcomers)} "
            f"({sum(v in self.vendors_created for v in self.model_layer_newcomers)} created, "
            f"{sum(v not in self.vendors_created for v in self.model_layer_newcomers)} existing)"
        )
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.offerings_created.items()))
        out.append(f"offerings: {sum(self.offerings_created.values())} created ({kinds or 'none'})")
        merged_offerings = ", ".join(sorted(self.offerings_merged))
        out.append(
            f"offerings: {len(self.offerings_merged)} merged with existing offerings"
            + (f" ({merged_offerings})" if merged_offerings else "")
        )
        deps = ", ".join(f"{n} {k}" for k, n in sorted(self.dependencies.items()))
        out.append(f"dependencies: {sum(self.dependencies.values())} ({deps or 'none'})")
        total = sum(self.skipped.values())
        out.append(f"skipped: {total}" + (" (one line per reason)" if total else ""))
        for (what, reason), n in sorted(self.skipped.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
            out.append(f"  {n:5d} {what}: {reason}")
        files = ", ".join(f"{self.files[k]} {k}" for k in ("new", "changed", "unchanged", "removed"))
        verb = "would write" if self.dry_run else "wrote"
        out.append(f"files in {self.out_dir}: {verb} {files}")
        out.extend(f"note: {n}" for n in self.notes)
        return out


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV export as dicts keyed by header (trimmed); quoted multi-line cells kept whole."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [clean(h) for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"{path}: no column {', '.join(repr(c) for c in missing)}; "
                    f"is this the right Epoch AI export? (its columns: {', '.join(header[:8])}, ...)"
                )
            return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in reader]
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8") from None
    except csv.Error as error:
        raise InputError(f"{path}: not a readable CSV file ({error})") from None


def _country(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name as Epoch spells it ("Korea (Republic of)"), or None."""
    import pycountry

    for form in (name, re.sub(r"\s*\((.*)\)$", r", \1", name)):
        try:
            return pycountry.countries.lookup(form).alpha_2
        except LookupError:
            continue
    return None


def _quantity(text: str) -> str | None:
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return decimal_text(number) if number.is_finite() and number > 0 else None


def _first_url(cell: str) -> str | None:
    match = _URL_RE.search(cell)
    return match.group(0) if match else None


def _date(text: str) -> str | None:
    text = clean(text)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None


class _Plan:
    """The state of one import while rows are read."""

    def __init__(self, existing: Existing, alias_table: dict[str, list[str]], summary: Summary):
        self.existing = existing
        self.summary = summary
        self.keys = existing.vendor_keys()
        self.canonical: dict[str, str] = {}
        for name, others in sorted(alias_table.items()):
            for text in (name, *others):
                self.canonical.setdefault(key(text), name)
        self.taken = set(existing.ids)
        self.vendors: dict[str, OutVendor] = {}
        self.hardware: dict[str, str] = {}  # key of a hardware name -> offering id
        self.models: dict[tuple[str, str], str] = {}  # (vendor, model key) -> offering id
        self.partners: set[str] = set()  # organisations listed after the first of a model row

    # -- vendors ------------------------------------------------------------------------------

    def find_vendor(self, spelling: str) -> str | None:
        """The id of the existing or already created vendor a spelling names, or None."""
        for form in spellings(spelling):
            if (k := key(form)) in self.keys:
                return self.keys[k]
            if k in self.canonical and key(self.canonical[k]) in self.keys:
                return self.keys[key(self.canonical[k])]
        return None

    def vendor(self, spelling: str) -> OutVendor:
        """The vendor a spelling names, created when no vendor matches; existing vendors are extended."""
        vid = self.find_vendor(spelling)
        if vid is None:
            forms = spellings(spelling)
            canonical = next((self.canonical[key(f)] for f in forms if key(f) in self.canonical), None)
            name = canonical or display_name(spelling)
            vid = unique_id([slug(name)], self.taken)
            for text in (name, *forms):
                self.keys.setdefault(key(text), vid)
            self.vendors[vid] = OutVendor(vid, name)
        if vid not in self.vendors:
            self.vendors[vid] = OutVendor(vid, None)
        out = self.vendors[vid]
        out.spellings.add(spelling)
        if not out.new:
            self.summary.merged_spellings.setdefault(vid, set()).add(spelling)
        return out

    def existing_offering(self, vendor: str, name: str, layers: set[str]) -> str | None:
        """The id of an offering of `vendor` already in the data whose id or name matches `name`."""
        wanted = {key(name), key(re.sub(r"\s*\([^)]*\)", "", name))}
        vendor_name = self.existing.vendors.get(vendor, "")
        for o in self.existing.offerings_of(vendor, layers):
            if wanted & {key(o.id), key(o.name), key(f"{vendor_name} {o.name}")}:
                return o.id
        return None

    def add_offering(self, out: OutVendor, offering: dict, kind: str) -> None:
        out.offerings[offering["id"]] = offering
        self.summary.offerings_created[kind] += 1

    # -- hardware -----------------------------------------------------------------------------

    def foundry_ref(self, spelling: str, row_key: str) -> str:
        """The vendor id for a foundry named in the hardware table, with a foundry offering made when it has none."""
        out = self.vendor(spelling)
        has_foundry = self.existing.offerings_of(out.id, {FOUNDRY_LAYER}) or any(
            o["layer"] == FOUNDRY_LAYER for o in out.offerings.values()
        )
        if not has_foundry:
            name = out.name or self.existing.vendors[out.id]
            offering = {
                "id": unique_id([f"{out.id}-foundry"], self.taken),
                "name": f"{name} foundry",
                "layer": FOUNDRY_LAYER,
                "description": f'Chip manufacturing; Epoch AI ML Hardware names it the foundry of "{row_key}".',
                "source": HARDWARE_SOURCE,
            }
            self.add_offering(out, offering, "foundry")
        return out.id

    def hardware_row(self, row: dict[str, str]) -> None:
        name = clean(row.get("Hardware name", ""))
        maker = clean(row.get("Manufacturer", ""))
        skipped = self.summary.skipped
        if not name:
            skipped["hardware rows", "no hardware name"] += 1
            return
        if key(name) in self.hardware:
            skipped["hardware rows", "same hardware name as an earlier row"] += 1
            return
        if not maker:
            skipped["hardware rows", "no manufacturer"] += 1
            return
        out = self.vendor(maker)
        if not out.new and (known := self.existing_offering(out.id, name, {HARDWARE_LAYER})):
            self.hardware[key(name)] = known
            self.summary.offerings_merged[known] = name
            return
        details = [clean(row.get("Type", ""))]
        if released := _date(row.get("Release date", "")):
            details.append(f"released {released}")
        if process := _quantity(row.get("Process size (nm)", "")):
            details.append(f"{process} nm process")
        offering: dict = {
            "id": unique_id([slug(name), f"{out.id}-{slug(name)}"], self.taken),
            "name": name,
            "layer": HARDWARE_LAYER,
            "description": f'Epoch AI ML Hardware row "{name}"'
            + (f": {', '.join(d for d in details if d)}." if any(details) else "."),
        }
        offering["source"] = HARDWARE_SOURCE
        foundries = [self.foundry_ref(f, name) for f in split_values(row.get("Foundry", ""))]
        if foundries:
            note = f'Epoch AI ML Hardware row "{name}"'
            offering["fabbed_by"] = [{"id": f, "note": note} for f in dict.fromkeys(foundries)]
            self.summary.dependencies["fabbed_by"] += len(offering["fabbed_by"])
        self.add_offering(out, offering, "hardware")
        self.hardware[key(name)] = offering["id"]

    def training_hardware(self, name: str, model: str) -> str | None:
        """The offering id of a training hardware named in the models table; made (without a foundry)
        when the hardware table lacks it and its manufacturer starts its name; None when unknown."""
        if key(name) in self.hardware:
            return self.hardware[key(name)]
        words = name.split()
        maker = next((p for n in (2, 1) if len(words) > n and self.find_vendor(p := " ".join(words[:n]))), None)
        if maker is None:
            self.summary.skipped["training hardware", "manufacturer unknown (not a vendor, not in --hardware)"] += 1
            return None
        out = self.vendor(maker)
        if not out.new and (known := self.existing_offering(out.id, name, {HARDWARE_LAYER})):
            self.summary.offerings_merged[known] = name
            self.hardware[key(name)] = known
            return known
        offering = {
            "id": unique_id([slug(name), f"{out.id}-{slug(name)}"], self.taken),
            "name": name,
            "layer": HARDWARE_LAYER,
            "description": f'Training hardware of Epoch AI Notable AI Models row "{model}"'
            " (not in the ML Hardware table).",
            "source": MODELS_SOURCE,
        }
        self.add_offering(out, offering, "hardware")
        self.hardware[key(name)] = offering["id"]
        return offering["id"]

    # -- models -------------------------------------------------------------------------------

    def model_row(self, row: dict[str, str]) -> None:
        model = clean(row.get("Model", ""))
        orgs = split_values(row.get("Organization", ""))
        access = clean(row.get("Model accessibility", ""))
        skipped = self.summary.skipped
        if not model:
            skipped["model rows", "no model name"] += 1
            return
        if not orgs:
            skipped["model rows", "no organisation"] += 1
            return
        if not access:
            skipped["model rows", "no model accessibility (open or closed weights unknown)"] += 1
            return
        if access.lower() not in OPEN_ACCESS + CLOSED_ACCESS:
            skipped["model rows", f"model accessibility '{access}' not recognised"] += 1
            return
        is_open = access.lower() in OPEN_ACCESS
        out = self.vendor(orgs[0])
        if (out.id, key(model)) in self.models:
            skipped["model rows", "same model and organisation as an earlier row"] += 1
            return
        if not out.new and (known := self.existing_offering(out.id, model, MODEL_LAYERS)):
            self.summary.offerings_merged[known] = model
            self.models[out.id, key(model)] = known
            return
        countries = split_values(row.get("Country (from Organization)", ""))
        if len(orgs) == 1 and len(countries) == 1 and (code := _country(countries[0])):
            out.countries.add(code)
        published = _date(row.get("Publication date", ""))
        text = f'Epoch AI Notable AI Models row "{model}"' + (f", published {published}" if published else "")
        text += f"; accessibility: {access}."
        if len(orgs) > 1:
            text += f" Developed with {', '.join(orgs[1:])}."
            self.partners.update(orgs[1:])
        offering: dict = {
            "id": unique_id([slug(model), f"{out.id}-{slug(model)}"], self.taken),
            "name": model,
            "layer": "open-foundation-models" if is_open else "closed-foundation-models",
            "open_weights": is_open,
        }
        if link := _first_url(row.get("Link", "")):
            offering["homepage"] = link
        offering["description"] = text
        offering["source"] = MODELS_SOURCE
        chips = split_values(row.get("Training hardware", ""))
        quantity = _quantity(row.get("Hardware quantity", "")) if len(chips) == 1 else None
        refs: dict[str, dict] = {}
        for chip in chips:
            if (target := self.training_hardware(chip, model)) and target not in refs:
                note = f'Epoch AI Notable AI Models row "{model}"' + (f"; {quantity} chips" if quantity else "")
                refs[target] = {"id": target, "note": note}
        if refs:
            offering["trained_on"] = list(refs.values())
            self.summary.dependencies["trained_on"] += len(refs)
        self.models[out.id, key(model)] = offering["id"]
        self.add_offering(out, offering, "open model" if is_open else "closed model")


@dataclass
class Result:
    """A planned import: the vendors to write, the sources, and the summary so far."""

    vendors: dict[str, OutVendor]
    sources: dict[str, dict]
    summary: Summary


def plan(
    models: Path,
    hardware: Path | None,
    existing: Existing,
    downloaded: dt.date | None = None,
    alias_table: dict[str, list[str]] | None = None,
) -> Result:
    """Read the Epoch exports and work out every vendor and offering to write (nothing is written).
    `downloaded` is the date the files were downloaded (default: each file's modification date)."""
    summary = Summary(models_file=models.name, hardware_file=hardware.name if hardware else "")
    model_rows = _read_csv(models, MODEL_COLUMNS)
    hardware_rows = _read_csv(hardware, HARDWARE_COLUMNS) if hardware else []
    summary.models_rows, summary.hardware_rows = len(model_rows), len(hardware_rows)
    state = _Plan(existing, load_alias_table() if alias_table is None else alias_table, summary)
    for row in sorted(
        hardware_rows, key=lambda r: (key(r.get("Hardware name", "")), clean(r.get("Hardware name", "")))
    ):
        state.hardware_row(row)
    for row in sorted(model_rows, key=lambda r: (key(r.get("Model", "")), clean(r.get("Model", "")))):
        state.model_row(row)
    vendors = {vid: v for vid, v in sorted(state.vendors.items()) if v.offerings}
    for partner in state.partners:
        vid = state.find_vendor(partner)
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
    sources = {}
    for sid, path in ((HARDWARE_SOURCE, hardware), (MODELS_SOURCE, models)):
        if path is not None and sid in used:
            date = downloaded or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
            sources[sid] = {
                "url": DATASET_URL,
                "title": TITLES[sid],
                "date": date.isoformat(),
                "publisher": "Epoch AI",
                "licence": LICENCE_URL,
            }
    return Result(vendors, sources, summary)
