"""The vendors and offerings of one import: a dataset's spellings matched to the vendors and offerings
a data folder already holds (ids, names, `aliases:`, the importers' alias table), new ones minted with
stable ids, and what the import adds to each, kept apart from the hand-written files it never edits.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .names import Existing, display_name, key, slug, spellings, unique_id
from .summary import Summary

# Trailing words that name no company of their own: "Lambda Labs" is the `lambda` of the data folder,
# "Cerebras Systems" its `cerebras`, and "Together" its "Together AI" (tried only when nothing else
# matches, only for vendors already in the data folder, and only when one vendor has that stem).
GENERIC_SUFFIXES = {"ai", "corp", "corporation", "group", "inc", "lab", "labs", "research", "systems", "technologies"}
_PAREN_RE = re.compile(r"\s*\([^)]*\)")


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

    def source(self, preferred: str) -> str:
        """The file's default source: the one most of its offerings cite (`preferred` on a tie)."""
        counts = Counter(o["source"] for o in self.offerings.values())
        return min(counts, key=lambda s: (-counts[s], s != preferred, s)) if counts else preferred


class Registry:
    """The vendors and offerings an import matches or makes, and the ids it has taken."""

    def __init__(self, existing: Existing, alias_table: dict[str, list[str]], summary: Summary):
        self.existing = existing
        self.summary = summary
        self.existing_keys = existing.vendor_keys()
        self.keys = dict(self.existing_keys)
        self.stems = _stems(existing, self.existing_keys)
        self.canonical: dict[str, str] = {}
        for name, others in sorted(alias_table.items()):
            for text in (name, *others):
                self.canonical.setdefault(key(text), name)
        self.taken = set(existing.ids)
        self.vendors: dict[str, OutVendor] = {}
        self.vendor_of: dict[str, str] = {o.id: o.vendor for o in existing.offerings.values()}

    # -- vendors ------------------------------------------------------------------------------

    def find_vendor(self, spelling: str) -> str | None:
        """The id of the existing or already created vendor a spelling names, or None."""
        forms = spellings(spelling)
        for form in forms:
            if (k := key(form)) in self.keys:
                return self.keys[k]
            if k in self.canonical and key(self.canonical[k]) in self.keys:
                return self.keys[key(self.canonical[k])]
        for form in forms:
            words = form.split()
            stem = key(" ".join(words[:-1]))
            if len(words) > 1 and key(words[-1]) in GENERIC_SUFFIXES and stem in self.existing_keys:
                return self.existing_keys[stem]
        return next((self.stems[key(form)] for form in forms if key(form) in self.stems), None)

    def organisation(self, spelling: str) -> str:
        """Who a spelling names, as one key for counting before any vendor is made: the vendor's id
        when it exists, else the key of the name it would get."""
        return self.find_vendor(spelling) or key(self._new_name(spelling))

    def _new_name(self, spelling: str) -> str:
        canonical = next((self.canonical[key(f)] for f in spellings(spelling) if key(f) in self.canonical), None)
        return canonical or display_name(spelling)

    def vendor(self, spelling: str) -> OutVendor:
        """The vendor a spelling names, created when no vendor matches; existing vendors are extended."""
        vid = self.find_vendor(spelling)
        if vid is None:
            name = self._new_name(spelling)
            vid = unique_id([slug(name)], self.taken)
            for text in (name, *spellings(spelling)):
                self.keys.setdefault(key(text), vid)
            self.vendors[vid] = OutVendor(vid, name)
        if vid not in self.vendors:
            self.vendors[vid] = OutVendor(vid, None)
        out = self.vendors[vid]
        out.spellings.add(spelling)
        if not out.new:
            self.summary.merged_spellings.setdefault(vid, set()).add(spelling)
        return out

    def out(self, vid: str) -> OutVendor:
        """The file of a vendor in the map (an `extends:` file for a vendor of the data folder)."""
        return self.vendors.setdefault(vid, OutVendor(vid, None))

    def vendor_name(self, vid: str) -> str:
        """The display name of an existing or created vendor."""
        out = self.vendors.get(vid)
        return out.name if out is not None and out.name else self.existing.vendors.get(vid, vid)

    def in_map(self, vid: str | None) -> bool:
        """Whether a vendor id is in the map: in the data folder, or made by this import with an offering."""
        if vid is None:
            return False
        out = self.vendors.get(vid)
        return vid in self.existing.vendors or (out is not None and bool(out.offerings))

    # -- offerings ----------------------------------------------------------------------------

    def existing_offering(self, vendor: str, names: list[str], layers: set[str]) -> str | None:
        """The id of an offering of `vendor` already in the data whose id, name or an alias matches
        one of `names` (with or without remarks in parentheses)."""
        wanted = {key(n) for n in names} | {key(_PAREN_RE.sub("", n)) for n in names}
        vendor_name = self.existing.vendors.get(vendor, "")
        for o in self.existing.offerings_of(vendor, layers):
            known = {key(o.id), key(o.name), key(f"{vendor_name} {o.name}"), *(key(a) for a in o.aliases)}
            if wanted & known:
                return o.id
        return None

    def merged(self, offering: str, spelling: str) -> str:
        """Record that a spelling names an existing offering; the offering's id."""
        self.summary.offerings_merged.setdefault(offering, set()).add(spelling)
        return offering

    def new_id(self, candidates: list[str]) -> str:
        """A free id: the first free candidate, else the first with a numeric suffix."""
        return unique_id(candidates, self.taken)

    def add_offering(self, out: OutVendor, offering: dict, kind: str) -> None:
        """Add a new offering to a vendor's file (counted by kind)."""
        out.offerings[offering["id"]] = offering
        self.vendor_of[offering["id"]] = out.id
        self.summary.offerings_created[kind] += 1

    def offerings_in(self, vid: str, layer: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """(id, name, aliases) of a vendor's offerings in a layer, the existing ones and the new ones, by id."""
        found = [(o.id, o.name, o.aliases) for o in self.existing.offerings_of(vid, {layer})]
        if vid in self.vendors:
            found += [
                (o["id"], o["name"], tuple(o.get("aliases", ())))
                for o in self.vendors[vid].offerings.values()
                if o["layer"] == layer
            ]
        return sorted(found)

    def released(self, offering: str) -> str | None:
        """The release date of an existing or new offering, when the data gives one."""
        if offering in self.existing.offerings:
            return self.existing.offerings[offering].released
        vendor = self.vendors.get(self.vendor_of.get(offering, ""))
        return vendor.offerings[offering].get("released") if vendor and offering in vendor.offerings else None


def _stems(existing: Existing, taken: dict[str, str]) -> dict[str, str]:
    """Key of a vendor's name (or alias) less a trailing generic word -> the vendor ("together" -> the
    `together-ai` named "Together AI"): for vendors of the data folder, when the stem names no other
    vendor and is not itself a vendor's key."""
    found: dict[str, set[str]] = {}
    for vid in sorted(existing.vendors):
        for text in (existing.vendors[vid], *existing.aliases.get(vid, [])):
            words = display_name(text).split()
            if len(words) > 1 and key(words[-1]) in GENERIC_SUFFIXES and (stem := key(" ".join(words[:-1]))):
                found.setdefault(stem, set()).add(vid)
    return {stem: next(iter(v)) for stem, v in sorted(found.items()) if len(v) == 1 and stem not in taken}
