"""Accelerators from Epoch AI's "Machine Learning Hardware" table, and the chips other tables name.

A chip's variants are one offering: "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe" and "NVIDIA H100 NVL"
are the family "NVIDIA H100" (`family_name`), which is the hand-written `nvidia-h100` when the data
folder has it (matched by id, name or `aliases:`), and otherwise a new offering that lists Epoch's
names as its aliases. A chip is `released` on the earliest release date of its rows, and `fabbed_by`
its foundry's process offering for the row's process size when the data folder has one ("5 nm" is
TSMC's N5 family, `tsmc-n5`, whose name lists N5 and N4), else the foundry vendor with `any: true`
and a note naming the node.
"""

from __future__ import annotations

import re

from .names import clean, key, slug, split_values
from .registry import Registry
from .tables import HARDWARE, Dataset, date, first_url, quantity

HARDWARE_LAYER = "compute-hardware"
FOUNDRY_LAYER = "foundry"
HARDWARE_COLUMNS = ("Hardware name", "Manufacturer")

_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_VARIANT_RE = re.compile(r"(?<![\w-])(?:SXM\d*|PCIe|PCle|NVL|OAM|DGXS|\d+\s?GB)(?![\w-])", re.IGNORECASE)


def family_name(name: str) -> str:
    """The chip a hardware name is a variant of: remarks in parentheses, form factors (SXM, PCIe, NVL,
    OAM, DGXS) and memory sizes dropped, and Nvidia's "Tesla"/"HGX" and AMD's "Radeon Instinct"
    prefixes shortened ("NVIDIA Tesla V100 SXM2 32 GB" -> "NVIDIA V100")."""
    text = _PAREN_RE.sub("", name)
    text = re.sub(r"^NVIDIA\s+(?:Tesla|HGX)\s+", "NVIDIA ", text, flags=re.IGNORECASE)
    text = re.sub(r"^AMD\s+Radeon\s+Instinct\b", "AMD Instinct", text, flags=re.IGNORECASE)
    return clean(_VARIANT_RE.sub(" ", text)) or clean(name)


def names_node(texts: list[str], process: str) -> bool:
    """Whether an id, name or alias names the process node of a size in nm ("N5", "tsmc-n5", "5nm")."""
    pattern = re.compile(rf"(?<![a-z0-9])n{re.escape(process)}(?![0-9])|(?<![0-9.]){re.escape(process)}\s?nm\b")
    return any(pattern.search(t.lower()) for t in texts)


class Hardware:
    """The chips of one import, by the key of their family name."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.chips: dict[str, str] = {}  # key of a family name -> offering id

    def read(self, rows: list[dict[str, str]]) -> None:
        """Every row of the hardware table, grouped into chip families."""
        skipped = self.registry.summary.skipped
        families: dict[str, list[dict[str, str]]] = {}
        seen: set[str] = set()
        for row in rows:
            name, maker = clean(row.get("Hardware name", "")), clean(row.get("Manufacturer", ""))
            if not name:
                skipped["hardware rows", "no hardware name"] += 1
            elif name in seen:
                skipped["hardware rows", "same hardware name as an earlier row"] += 1
            elif not maker:
                skipped["hardware rows", "no manufacturer"] += 1
            else:
                seen.add(name)
                families.setdefault(key(family_name(name)), []).append(row)
        for family_key in sorted(families):
            variants = sorted(families[family_key], key=lambda r: clean(r["Hardware name"]))
            self.family(family_name(clean(variants[0]["Hardware name"])), variants)

    def family(self, family: str, rows: list[dict[str, str]]) -> None:
        """One chip from the rows of its variants: merged with an existing offering, or made."""
        names = [clean(r["Hardware name"]) for r in rows]
        out = self.registry.vendor(clean(rows[0]["Manufacturer"]))
        if not out.new and (known := self.registry.existing_offering(out.id, [family, *names], {HARDWARE_LAYER})):
            for name in names:
                self.registry.merged(known, name)
            self.chips[key(family)] = known
            return
        released = min((d for r in rows if (d := date(r.get("Release date", "")))), default=None)
        process = next((p for r in rows if (p := quantity(r.get("Process size (nm)", "")))), None)
        kind = next((t for r in rows if (t := clean(r.get("Type", "")))), "")
        details = [kind, f"released {released}" if released else "", f"{process} nm process" if process else ""]
        details = [d for d in details if d]
        quoted = ", ".join(f'"{n}"' for n in names)
        offering: dict = {"id": self.registry.new_id([slug(family), f"{out.id}-{slug(family)}"]), "name": family}
        if aliases := sorted(n for n in names if n != family):
            offering["aliases"] = aliases
        offering["layer"] = HARDWARE_LAYER
        if released:
            offering["released"] = released
        if link := next((u for r in rows if (u := first_url(r.get("Link to datasheet", "")))), None):
            offering["homepage"] = link
        rows_text = f"Epoch AI ML Hardware {'row' if len(names) == 1 else 'rows'} {quoted}"
        offering["description"] = rows_text + (f": {', '.join(details)}." if details else ".")
        offering["source"] = HARDWARE.source
        foundries = dict.fromkeys(f for r in rows for f in split_values(r.get("Foundry", "")))
        refs = [self.node_ref(self.foundry(f, family), process, rows_text) for f in foundries]
        if refs:
            offering["fabbed_by"] = refs
            self.registry.summary.dependencies["fabbed_by"] += len(refs)
        self.registry.add_offering(out, offering, "hardware")
        self.chips[key(family)] = offering["id"]

    def foundry(self, spelling: str, chip: str) -> str:
        """The vendor id of a foundry the hardware table names, with a foundry offering made when it has none."""
        out = self.registry.vendor(spelling)
        if not self.registry.offerings_in(out.id, FOUNDRY_LAYER):
            offering = {
                "id": self.registry.new_id([f"{out.id}-foundry"]),
                "name": f"{self.registry.vendor_name(out.id)} foundry",
                "layer": FOUNDRY_LAYER,
                "description": f'Chip manufacturing; Epoch AI ML Hardware names it the foundry of "{chip}".',
                "source": HARDWARE.source,
            }
            self.registry.add_offering(out, offering, "foundry")
        return out.id

    def node_ref(self, foundry: str, process: str | None, row: str) -> dict:
        """The `fabbed_by` reference of a chip (`row` names its rows): the foundry's offering for its
        process node, else the foundry itself (any of its processes) with the node in the note."""
        if process is None:
            return {"id": foundry, "any": True, "note": f"{row}: process size not given"}
        for oid, name, aliases in self.registry.offerings_in(foundry, FOUNDRY_LAYER):
            if names_node([oid, name, *aliases], process):
                return {"id": oid, "note": f"{row}: {process} nm process"}
        name = self.registry.vendor_name(foundry)
        note = f"{row}: {process} nm process, a node without an offering of {name} in the data"
        return {"id": foundry, "any": True, "note": note}

    def chip(self, name: str, what: str, where: str, dataset: Dataset) -> str | None:
        """The offering id of a chip another table names (`where` says which row): the hardware table's,
        an existing offering, or one made when the chip's manufacturer starts its name; None when unknown."""
        family = family_name(name)
        if key(family) in self.chips:
            return self.chips[key(family)]
        words = family.split()
        maker = next(
            (p for n in (2, 1) if len(words) > n and self.registry.find_vendor(p := " ".join(words[:n]))), None
        )
        if maker is None:
            self.registry.summary.skipped[what, "manufacturer unknown (not a vendor, not in the hardware table)"] += 1
            return None
        out = self.registry.vendor(maker)
        if not out.new and (known := self.registry.existing_offering(out.id, [family, name], {HARDWARE_LAYER})):
            self.chips[key(family)] = self.registry.merged(known, name)
            return known
        offering: dict = {"id": self.registry.new_id([slug(family), f"{out.id}-{slug(family)}"]), "name": family}
        if family != name:
            offering["aliases"] = [name]
        offering["layer"] = HARDWARE_LAYER
        offering["description"] = f"{where} (not in the ML Hardware table)."
        offering["source"] = dataset.source
        self.registry.add_offering(out, offering, "hardware")
        self.chips[key(family)] = offering["id"]
        return offering["id"]
