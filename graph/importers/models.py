"""Models from Epoch AI's "Notable AI Models" table, and which organisations they come from.

A model belongs to the first organisation of its row (the others are named in its description); it is
an offering in `open-foundation-models` or `closed-foundation-models` by its accessibility, is
`released` on its publication date, `trained_on` the chips its row names and `uses_model` the models
its "Base model" column names (a fine-tune or a later version embeds its base's weights), when the base
is a model of the same import released no later than it.

Which organisations matter (`select_organisations`, used by `stackmap import epoch-hub`): of the
models published in a window of years (2023-2025 by default), an organisation is kept when it is the
first-named organisation of at least N of them (3 by default) and Epoch counts it as industry, or of
a model in the frontier table (frontier_ai_models.csv) published in the window; and every
organisation that names a vendor already in the data folder is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .hardware import Hardware
from .names import clean, key, slug, split_values
from .registry import Registry
from .tables import MODELS, country_code, date, first_url, quantity, starts_before

MODEL_COLUMNS = ("Model", "Organization")
MODEL_LAYERS = {"closed-foundation-models", "open-foundation-models", "model-hubs"}
# Epoch's "Model accessibility" values, lower-cased: which mean the weights are public.
OPEN_ACCESS = ("open weights (unrestricted)", "open weights (restricted use)", "open weights (non-commercial)")
CLOSED_ACCESS = ("api access", "hosted access (no api)", "unreleased")
COUNTRY_COLUMNS = ("Country (of organization)", "Country (from Organization)")  # the newer name first

BY_DATA, BY_MODELS, BY_FRONTIER = "already in the data", "with enough industry models", "with a frontier model"


@dataclass(frozen=True)
class Selection:
    """Which models `epoch-hub` imports: those published in [first_year, last_year] by the
    organisations `select_organisations` keeps."""

    first_year: int = 2023
    last_year: int = 2025
    min_models: int = 3

    @property
    def window(self) -> str:
        return f"{self.first_year}-{self.last_year}"

    def published_in(self, row: dict[str, str]) -> bool:
        """Whether a row's publication date falls in the window."""
        published = date(row.get("Publication date", ""))
        return published is not None and self.first_year <= int(published[:4]) <= self.last_year


def first_organisation(row: dict[str, str]) -> str | None:
    """The first organisation a row names, or None."""
    return next(iter(split_values(row.get("Organization", ""))), None)


def select_organisations(
    models: list[dict[str, str]],
    frontier: list[dict[str, str]],
    who: Callable[[str], str],
    existing: set[str],
    selection: Selection,
) -> dict[str, str]:
    """The organisations whose models to import, each with why. `who` gives an organisation's key
    (its vendor id when it is in the data, which `existing` lists). Of the models published in the
    window, an organisation is kept when it is the first organisation of one and names an existing
    vendor, of at least `min_models` that Epoch categorises as industry, or of a frontier model."""
    chosen: dict[str, str] = {}
    counts: Counter = Counter()
    for row in models:
        org = first_organisation(row)
        if org is None or not selection.published_in(row):
            continue
        if who(org) in existing:
            chosen[who(org)] = BY_DATA
        category = next(iter(split_values(row.get("Organization categorization", ""))), "")
        if category.lower() == "industry":
            counts[who(org)] += 1
    for org, n in counts.items():
        if n >= selection.min_models:
            chosen.setdefault(org, BY_MODELS)
    for row in frontier:
        if selection.published_in(row) and (org := first_organisation(row)):
            chosen.setdefault(who(org), BY_FRONTIER)
    return dict(sorted(chosen.items()))


class Models:
    """The model offerings of one import."""

    def __init__(self, registry: Registry, hardware: Hardware):
        self.registry = registry
        self.hardware = hardware
        self.models: dict[tuple[str, str], str] = {}  # (vendor, model key) -> offering id
        self.partners: set[str] = set()  # organisations listed after the first of a model row
        self.named: dict[str, str] = {}  # model key -> offering id, for every model of the import
        self.bases: dict[str, tuple[dict, list[str]]] = {}  # new offering id -> (offering, base model names)

    def read(self, rows: list[dict[str, str]]) -> None:
        """Every row given, in the order of their model names, then the base models of the new ones."""
        for row in sorted(rows, key=lambda r: (key(r.get("Model", "")), clean(r.get("Model", "")))):
            self.row(row)
        for offering, bases in self.bases.values():
            if refs := self.base_models(offering, bases):
                offering["uses_model"] = refs
                self.registry.summary.dependencies["uses_model"] += len(refs)

    def usable(self, row: dict[str, str]) -> tuple[str, list[str], str] | None:
        """A row's model, organisations and accessibility, or None (counted) when one is missing."""
        model, orgs = clean(row.get("Model", "")), split_values(row.get("Organization", ""))
        access = clean(row.get("Model accessibility", ""))
        skipped = self.registry.summary.skipped
        if not model:
            skipped["model rows", "no model name"] += 1
        elif not orgs:
            skipped["model rows", "no organisation"] += 1
        elif not access:
            skipped["model rows", "no model accessibility (open or closed weights unknown)"] += 1
        elif access.lower() not in OPEN_ACCESS + CLOSED_ACCESS:
            skipped["model rows", f"model accessibility '{access}' not recognised"] += 1
        else:
            return model, orgs, access
        return None

    def row(self, row: dict[str, str]) -> None:
        """One model row: a new offering of its first organisation, or a match of an existing one."""
        usable = self.usable(row)
        if usable is None:
            return
        model, orgs, access = usable
        is_open = access.lower() in OPEN_ACCESS
        out = self.registry.vendor(orgs[0])
        if (out.id, key(model)) in self.models:
            self.registry.summary.skipped["model rows", "same model and organisation as an earlier row"] += 1
            return
        if not out.new and (known := self.registry.existing_offering(out.id, [model], MODEL_LAYERS)):
            self.models[out.id, key(model)] = self.named[key(model)] = self.registry.merged(known, model)
            return
        countries = next((split_values(row[c]) for c in COUNTRY_COLUMNS if row.get(c)), [])
        if len(orgs) == 1 and len(countries) == 1 and (code := country_code(countries[0])):
            out.countries.add(code)
        published = date(row.get("Publication date", ""))
        text = f'Epoch AI Notable AI Models row "{model}"' + (f", published {published}" if published else "")
        text += f"; accessibility: {access}."
        if len(orgs) > 1:
            text += f" Developed with {', '.join(orgs[1:])}."
            self.partners.update(orgs[1:])
        offering: dict = {
            "id": self.registry.new_id([slug(model), f"{out.id}-{slug(model)}"]),
            "name": model,
            "layer": "open-foundation-models" if is_open else "closed-foundation-models",
            "open_weights": is_open,
        }
        if published:
            offering["released"] = published
        if link := first_url(row.get("Link", "")):
            offering["homepage"] = link
        offering["description"] = text
        offering["source"] = MODELS.source
        if refs := self.trained_on(row, model):
            offering["trained_on"] = refs
            self.registry.summary.dependencies["trained_on"] += len(refs)
        self.models[out.id, key(model)] = self.named[key(model)] = offering["id"]
        if bases := split_values(row.get("Base model", "")):
            self.bases[offering["id"]] = (offering, bases)
        self.registry.add_offering(out, offering, "open model" if is_open else "closed model")

    def base_models(self, offering: dict, bases: list[str]) -> list[dict]:
        """The `uses_model` references of a new model to the base models its row names: each base that
        is a model of this import, released no later than the model (the others counted as skipped)."""
        refs: dict[str, dict] = {}
        skipped = self.registry.summary.skipped
        for base in bases:
            target = self.named.get(key(base))
            if target is None:
                skipped["base models", "not a model of this import"] += 1
                continue
            released, since = self.registry.released(target), offering.get("released")
            if target == offering["id"] or (released and since and starts_before(since, released)):
                skipped["base models", "the model itself, or released after the model"] += 1
            elif target not in refs:
                note = f'Base model "{clean(base)}" of Epoch AI Notable AI Models row "{offering["name"]}"'
                refs[target] = {"id": target, "note": note}
        return list(refs.values())

    def trained_on(self, row: dict[str, str], model: str) -> list[dict]:
        """The `trained_on` references of a model row: the chips it names, each once."""
        chips = split_values(row.get("Training hardware", ""))
        count = quantity(row.get("Hardware quantity", "")) if len(chips) == 1 else None
        where = f'Training hardware of Epoch AI Notable AI Models row "{model}"'
        refs: dict[str, dict] = {}
        for chip in chips:
            target = self.hardware.chip(chip, "training hardware", where, MODELS, date(row.get("Publication date", "")))
            if target and target not in refs:
                note = f'Epoch AI Notable AI Models row "{model}"' + (f"; {count} chips" if count else "")
                refs[target] = {"id": target, "note": note}
        return list(refs.values())
