"""Accelerators from Epoch AI's "Machine Learning Hardware" table, and the chips other tables name.

A chip's variants are one offering: "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe" and "NVIDIA H100 NVL"
are the family "NVIDIA H100" (`family_name`), which is the hand-written `nvidia-h100` when the data
folder has it (matched by id, name or `aliases:`), and otherwise a new offering that lists Epoch's
names as its aliases. A chip is `released` on the earliest release date of its rows, and `fabbed_by`
its foundry's process offering for the row's process size: the data folder's when it has one ("5 nm"
is TSMC's N5 family, `tsmc-n5`, whose name lists N5 and N4), else a node offering made from the table,
once per foundry and process size (`tsmc-12nm`, "TSMC 12 nm (process size as Epoch AI lists it)", in
layer and market `foundry` as the hand-written nodes are), so that a chip of 2008 is not shown on a
process of 2020. The table gives no date for a node: a made node is `released` when the first chip the
table lists on it is (the process was in production by then). Only a chip without a process size is
`fabbed_by` the foundry vendor with `any: true` (any of its processes, the made ones included).

A chip whose rows give no release date is left out (counted in the summary) unless the data folder
has it, with its date: the table lists announced chips of coming years (Huawei's Ascend roadmap,
Nvidia's Rubin CPX) among those that shipped, and an undated chip cannot be told from them.
"""

from __future__ import annotations

import re

from .names import clean, key, slug, split_values
from .registry import Registry
from .tables import HARDWARE, Dataset, date, first_url, quantity

HARDWARE_LAYER = "compute-hardware"
FOUNDRY_LAYER = "foundry"
# The market of the nodes an import makes: the hand-written nodes' (`tsmc-n5`), so that a reference to the
# foundry vendor (`{id: tsmc, any: true}`) from a chip of another market stands for all its nodes alike.
FOUNDRY_MARKET = "foundry"
HARDWARE_COLUMNS = ("Hardware name", "Manufacturer")
UNDATED = (
    "no release date (announced but not shipped, or undated in the table); write it by hand with its date to keep it"
)

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
        self.nodes: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}  # made -> (foundry, size, chips)
        self.undated: set[str] = set()  # keys of the families left out for want of a release date
        self.named: dict[str, dict] = {}  # chips made from the rows of other tables, by id

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
        for oid, (foundry, process, chips) in sorted(self.nodes.items()):
            offering = self.registry.vendors[foundry].offerings[oid]
            offering["released"] = min(released for _, released in chips)
            offering["description"] = _node_description(self.registry.vendor_name(foundry), process, chips)

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
        if released is None:
            self.undated.add(key(family))
            self.registry.summary.skipped["hardware rows", UNDATED] += len(rows)
            return
        process = next((p for r in rows if (p := quantity(r.get("Process size (nm)", "")))), None)
        kind = next((t for r in rows if (t := clean(r.get("Type", "")))), "")
        details = [kind, f"released {released}" if released else "", f"{process} nm process" if process else ""]
        details = [d for d in details if d]
        quoted = ", ".join(f'"{n}"' for n in names)
        offering: dict = {"id": self.registry.new_id([slug(family), f"{out.id}-{slug(family)}"]), "name": family}
        if aliases := sorted(n for n in names if n != family):
            offering["aliases"] = aliases
        offering["layer"] = HARDWARE_LAYER
        offering["released"] = released
        if link := next((u for r in rows if (u := first_url(r.get("Link to datasheet", "")))), None):
            offering["homepage"] = link
        rows_text = f"Epoch AI ML Hardware {'row' if len(names) == 1 else 'rows'} {quoted}"
        offering["description"] = rows_text + (f": {', '.join(details)}." if details else ".")
        offering["source"] = HARDWARE.source
        foundries = dict.fromkeys(f for r in rows for f in split_values(r.get("Foundry", "")))
        refs = [self.node_ref(self.registry.vendor(f).id, process, rows_text, (family, released)) for f in foundries]
        if refs:
            offering["fabbed_by"] = refs
            self.registry.summary.dependencies["fabbed_by"] += len(refs)
        self.registry.add_offering(out, offering, "hardware")
        self.chips[key(family)] = offering["id"]

    def node_ref(self, foundry: str, process: str | None, row: str, chip: tuple[str, str]) -> dict:
        """The `fabbed_by` reference of a chip (`row` names its rows): the foundry's offering for its
        process node (made when the foundry has none of that size), else, when the table gives no
        process size, the foundry itself (any of its processes). `chip` is the chip's name and release."""
        if process is None:
            self.any_process(foundry, chip[0])
            return {"id": foundry, "any": True, "note": f"{row}: process size not given"}
        offerings = self.registry.offerings_in(foundry, FOUNDRY_LAYER)  # the data's, then those made, by id
        known = [oid for oid, name, aliases in offerings if names_node([oid, name, *aliases], process)]
        node = known[0] if known else self.node(foundry, process)
        if node in self.nodes:
            self.nodes[node][2].append(chip)
        return {"id": node, "note": f"{row}: {process} nm process"}

    def node(self, foundry: str, process: str) -> str:
        """A foundry's node offering for a process size the table gives and the data has no offering of."""
        name = self.registry.vendor_name(foundry)
        offering = {
            "id": self.registry.new_id([slug(f"{foundry} {process}nm")]),
            "name": f"{name} {process} nm (process size as Epoch AI lists it)",
            "layer": FOUNDRY_LAYER,
            "market": FOUNDRY_MARKET,
            "released": "",  # with the description, once every chip is read (`read`)
            "description": "",
            "source": HARDWARE.source,
        }
        self.registry.add_offering(self.registry.out(foundry), offering, "foundry node")
        self.nodes[offering["id"]] = (foundry, process, [])
        self.registry.summary.foundry_nodes.append(offering["id"])
        return offering["id"]

    def any_process(self, foundry: str, chip: str) -> None:
        """A foundry offering for a chip without a process size to stand for, made when the foundry has none."""
        if not self.registry.offerings_in(foundry, FOUNDRY_LAYER):
            offering = {
                "id": self.registry.new_id([f"{foundry}-foundry"]),
                "name": f"{self.registry.vendor_name(foundry)} foundry",
                "layer": FOUNDRY_LAYER,
                "description": f'Chip manufacturing; Epoch AI ML Hardware names it the foundry of "{chip}".',
                "source": HARDWARE.source,
            }
            self.registry.add_offering(self.registry.out(foundry), offering, "foundry")

    def chip(self, name: str, what: str, where: str, dataset: Dataset, seen: str | None) -> str | None:
        """The offering id of a chip another table names (`where` says which row, of `dataset`, dated
        `seen`): the hardware table's, an existing offering, or one made when the chip's manufacturer
        starts its name, `released` on the earliest date a row names it (it was in use by then); None
        when unknown, or when the hardware table lists it without a date."""
        family = family_name(name)
        if key(family) in self.chips:
            self.seen(self.chips[key(family)], seen)
            return self.chips[key(family)]
        if key(family) in self.undated:
            self.registry.summary.skipped[what, f"the chip is left out ({UNDATED})"] += 1
            return None
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
        if seen:
            offering["released"] = seen
        offering["description"] = (
            f"{where} (not in the ML Hardware table, so released here on the first date a row names it: "
            "the chip was in use by then)."
        )
        offering["source"] = dataset.source
        self.registry.add_offering(out, offering, "hardware")
        self.chips[key(family)] = offering["id"]
        self.named[offering["id"]] = offering
        return offering["id"]

    def seen(self, chip: str, day: str | None) -> None:
        """A made chip's release moved back to `day` when a row of that date names it."""
        if day and (offering := self.named.get(chip)) and day < offering.get("released", "9999"):
            offering["released"] = day


def _node_description(foundry: str, process: str, chips: list[tuple[str, str]]) -> str:
    """The description of a node offering made from the table: its process size and the chips made on it."""
    return (
        f"Process size {process} nm as Epoch AI ML Hardware gives it for chips made by {foundry}: "
        f"{', '.join(sorted({name for name, _ in chips}))}. The table names a size, not one of the foundry's "
        "named processes, and gives no date for it: its release is that of the first of those chips (the "
        "process was in production by then)."
    )
