"""A synthetic, layered generative-AI market, written as stackmap YAML data files for benchmarks.

`generate_market(n, out_dir, seed)` writes `out_dir/sources.yaml` (the shared sources) and one file per
vendor, `out_dir/vendors/v000123.yaml`. Vendors are spread over the leaf layers like a real market: a
handful of lithography and foundry vendors, a few hundred clouds and models, thousands of apps. Every
dependency points to a lower layer, so there are no cycles, and suppliers are drawn Zipf-skewed, so the
first vendor of each layer dominates. The same seed gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ZIPF_S = 1.1
VENDOR_REF_CHANCE = 0.15  # a reference names the supplier vendor rather than one of its offerings
DETAIL_CHANCE = 0.15  # a dependency key is written in the detailed form (share, note, source)
BARE_CHANCE = 0.2  # a single short reference is written without brackets
VENDOR_KEY_CHANCE = 0.3  # a vendor with several offerings states one dependency key for all of them
SECOND_OFFERING_CHANCE = 0.3
MARKET_CHANCE = 0.6
MOAT_CHANCE = 0.2
SOURCE_COUNT = 12
PUBLISHER = "Synthetic Market Research"

# Leaf layers from the bottom of the stack up, with the fraction of vendors in each; apps take the rest.
LAYER_SHARES: dict[str, float] = {
    "lithography-equipment": 0.001,
    "foundry": 0.004,
    "memory": 0.003,
    "advanced-packaging": 0.002,
    "compute-hardware": 0.02,
    "cloud-platforms": 0.05,
    "model-hubs": 0.02,
    "open-foundation-models": 0.07,
    "closed-foundation-models": 0.06,
    "end-to-end-apps": 0.08,
}
REST_LAYER = "apps"
LAYERS = (*LAYER_SHARES, REST_LAYER)

COUNTRIES = (("US", 40), ("CN", 14), ("GB", 7), ("FR", 5), ("DE", 5), ("CA", 5), ("IL", 5), ("IN", 6))
COUNTRIES += (("JP", 4), ("KR", 3), ("TW", 2), ("NL", 2))
CHIP_COUNTRIES = (("TW", 30), ("KR", 20), ("US", 20), ("CN", 15), ("JP", 10), ("DE", 5))
LITHO_COUNTRIES = (("NL", 60), ("JP", 30), ("US", 5), ("DE", 5))
SYLLABLES = (
    *("ar", "ba", "cel", "da", "el", "fi", "gen", "ha", "io", "ka", "lith", "lu", "mo", "na", "neo", "ox"),
    *("pi", "qua", "ra", "sar", "syn", "ta", "tri", "ul", "va", "vel", "xi", "yo", "zen", "zo"),
)


@dataclass(frozen=True)
class Style:
    """How the vendors of one layer look: offering id code, name endings, markets, moats, countries."""

    code: str
    suffixes: tuple[str, ...]
    products: tuple[str, ...]
    markets: tuple[str, ...]
    moats: tuple[str, ...]
    countries: tuple[tuple[str, int], ...] = COUNTRIES


APP_MARKETS = ("copywriting", "code-writing", "image-generation", "chat-assistants", "search", "customer-support")
APP_MOATS = ("distribution", "proprietary-data", "workflow-depth", "network-effects", "data-pipeline")
MODEL_MOATS = ("algorithmic", "scale", "data-pipeline", "ecosystem")
CHIP_MOATS = ("scale", "supply-chain", "ecosystem")
STYLES: dict[str, Style] = {
    "lithography-equipment": Style(
        "litho",
        ("Lithography", "Optics"),
        ("EUV Scanner", "DUV Scanner"),
        ("euv-lithography",),
        CHIP_MOATS,
        LITHO_COUNTRIES,
    ),
    "foundry": Style(
        "fab", ("Semiconductor", "Foundry"), ("N3 Process", "N5 Process"), ("foundry",), CHIP_MOATS, CHIP_COUNTRIES
    ),
    "memory": Style("hbm", ("Memory", "Semiconductor"), ("HBM3", "HBM2e"), ("hbm",), CHIP_MOATS, CHIP_COUNTRIES),
    "advanced-packaging": Style(
        "pkg",
        ("Packaging", "Assembly"),
        ("2.5D Interposer", "Chiplet Package"),
        ("advanced-packaging",),
        CHIP_MOATS,
        CHIP_COUNTRIES,
    ),
    "compute-hardware": Style(
        "gpu", ("Silicon", "Systems", "Chips"), ("X1 Accelerator", "T2 Accelerator"), ("ai-accelerators",), CHIP_MOATS
    ),
    "cloud-platforms": Style(
        "cloud",
        ("Cloud", "Compute"),
        ("Cloud", "GPU Cloud"),
        ("cloud-infrastructure",),
        ("scale", "supply-chain", "distribution"),
    ),
    "model-hubs": Style(
        "hub", ("Hub", "Models"), ("Model Hub", "Inference API"), ("model-hosting",), ("network-effects", "ecosystem")
    ),
    "open-foundation-models": Style(
        "llm", ("AI", "Labs", "Research"), ("7B", "Diffusion"), ("language-models", "image-generation"), MODEL_MOATS
    ),
    "closed-foundation-models": Style(
        "llm", ("AI", "Labs"), ("Large", "Vision"), ("language-models", "image-generation"), MODEL_MOATS
    ),
    "end-to-end-apps": Style("e2e", ("AI", "Studio"), ("Studio", "Chat"), APP_MARKETS, APP_MOATS),
    "apps": Style("app", ("AI", "App", "HQ", ""), ("Writer", "Copilot", "Assistant"), APP_MARKETS, APP_MOATS),
}

MOAT_EVIDENCE = {
    "scale": "Raises and spends more capital than most rivals in its layer.",
    "supply-chain": "Holds reserved capacity with its main suppliers.",
    "ecosystem": "A wide developer community builds on its tools.",
    "algorithmic": "Its researchers publish methods that rivals adopt later.",
    "distribution": "Sells through an existing base of enterprise customers.",
    "data-pipeline": "Collects more training data than its rivals.",
    "network-effects": "Each new user or contributor makes the product more useful to the others.",
    "proprietary-data": "Holds usage data of its customers that competitors cannot obtain.",
    "workflow-depth": "Customers build workflows into the product that are costly to move elsewhere.",
}
NOTES = {
    "uses_model": ("for its main product", "fine-tuned for each customer", "fallback model"),
    "runs_on": ("inference workloads", "capacity reserved under a multi-year agreement", "pilot deployment"),
    "trained_on": ("pre-training run", "fine-tuning only"),
    "hosted_on": ("weights published on the hub",),
    "fabbed_by": ("leading-edge node", "second source"),
    "memory_from": ("HBM stacks", "qualified supplier"),
    "packaged_by": ("2.5D interposer assembly",),
    "equipment_from": ("EUV scanners", "DUV scanners for mature layers"),
}


@dataclass(frozen=True)
class Rule:
    """A dependency key of a layer: target layers with weights, weights of 1, 2, 3... references, and
    the chance that an offering states the key at all."""

    key: str
    targets: tuple[tuple[str, float], ...]
    counts: tuple[int, ...]
    chance: float = 1.0


MODELS = (("closed-foundation-models", 0.6), ("open-foundation-models", 0.4))
CLOUDS = (("cloud-platforms", 1.0),)
APP_RULES = (Rule("uses_model", MODELS, (5, 3, 2)), Rule("runs_on", CLOUDS, (7, 3), 0.3))
MODEL_RULES = (
    Rule("runs_on", CLOUDS, (6, 4)),
    Rule("trained_on", (("cloud-platforms", 0.7), ("compute-hardware", 0.3)), (1,), 0.4),
)
RULES: dict[str, tuple[Rule, ...]] = {
    "lithography-equipment": (),
    "foundry": (Rule("equipment_from", (("lithography-equipment", 1.0),), (1,)),),
    "memory": (Rule("equipment_from", (("lithography-equipment", 1.0),), (1,), 0.5),),
    "advanced-packaging": (),
    "compute-hardware": (
        Rule("fabbed_by", (("foundry", 1.0),), (7, 3)),
        Rule("memory_from", (("memory", 1.0),), (1,)),
        Rule("packaged_by", (("advanced-packaging", 1.0),), (1,)),
    ),
    "cloud-platforms": (Rule("runs_on", (("compute-hardware", 1.0),), (4, 3, 3)),),
    "model-hubs": (Rule("runs_on", CLOUDS, (6, 4)),),
    "open-foundation-models": (*MODEL_RULES, Rule("hosted_on", (("model-hubs", 1.0),), (7, 3), 0.5)),
    "closed-foundation-models": MODEL_RULES,
    "end-to-end-apps": APP_RULES,
    "apps": APP_RULES,
}


@dataclass(frozen=True)
class Ref:
    """One reference of a dependency key; it is detailed when it has a share, a note or a source."""

    target: str
    share: str | None = None
    note: str | None = None
    source: str | None = None

    @property
    def vendor(self) -> bool:
        """Whether the reference names a vendor (written with `any: true`: any of its offerings is meant)."""
        return re.fullmatch(r"v\d+", self.target) is not None

    @property
    def detailed(self) -> bool:
        """Whether the reference needs the detailed (`id:`) form."""
        return bool(self.share or self.note or self.source or self.vendor)


@dataclass(frozen=True)
class Refs:
    """The references of one dependency key; `bare` writes a single short reference without brackets."""

    items: tuple[Ref, ...]
    bare: bool = False


@dataclass
class Offering:
    """A product of a vendor, in the vendor's layer."""

    id: str
    name: str
    layer: str
    market: str | None
    open_weights: bool | None
    deps: dict[str, Refs] = field(default_factory=dict)
    released: str | None = None
    retired: str | None = None


@dataclass(frozen=True)
class Moat:
    """A moat claim of a vendor, about the vendor or one of its offerings."""

    type: str
    evidence: str
    about: str | None


@dataclass
class Vendor:
    """A vendor of the synthetic market."""

    id: str
    name: str
    layer: str
    country: str
    source: str
    offerings: list[Offering] = field(default_factory=list)
    deps: dict[str, Refs] = field(default_factory=dict)
    moats: list[Moat] = field(default_factory=list)


# -- shape of the market ------------------------------------------------------------------------


def layer_counts(n_vendors: int) -> dict[str, int]:
    """How many vendors each leaf layer gets: its share of n (at least 1), apps the rest."""
    if n_vendors < len(LAYERS):
        raise ValueError(f"n_vendors must be at least {len(LAYERS)}, one per leaf layer, not {n_vendors}")
    counts = {layer: max(1, round(share * n_vendors)) for layer, share in LAYER_SHARES.items()}
    counts[REST_LAYER] = n_vendors - sum(counts.values())
    return counts


@functools.cache
def _zipf_cum_weights(size: int) -> tuple[float, ...]:
    """Cumulative Zipf weights 1/(k+1)^s of the ranks 0..size-1."""
    return tuple(itertools.accumulate(1 / (k + 1) ** ZIPF_S for k in range(size)))


def zipf_index(rng: random.Random, size: int) -> int:
    """A rank from 0 to size-1, Zipf-distributed so that rank 0 is the most likely."""
    return rng.choices(range(size), cum_weights=_zipf_cum_weights(size))[0]


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...] | tuple[tuple[str, int], ...]) -> str:
    """One key of (key, weight) pairs, drawn by weight."""
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


# -- dependencies -------------------------------------------------------------------------------


def pick_suppliers(rng: random.Random, market: dict[str, list[Vendor]], rule: Rule) -> list[Vendor]:
    """Distinct supplier vendors for one dependency key, Zipf-skewed within each target layer."""
    available = sum(len(market[layer]) for layer, _ in rule.targets)
    wanted = min(available, rng.choices(range(1, len(rule.counts) + 1), weights=rule.counts)[0])
    chosen: list[Vendor] = []
    for _ in range(50 * wanted):
        if len(chosen) == wanted:
            break
        pool = market[_weighted(rng, rule.targets)]
        vendor = pool[zipf_index(rng, len(pool))]
        if all(vendor.id != other.id for other in chosen):
            chosen.append(vendor)
    return chosen


def _share_text(percent: int) -> str:
    """A share of percent/100 as the data files write it: 0.35, 0.05, 1."""
    return f"{percent / 100:g}"


def _shares(rng: random.Random, count: int) -> list[str]:
    """Shares for count references, largest first: numbers that total at most 1, or levels."""
    if count == 1:
        return [rng.choice(("sole", "major", _share_text(rng.randint(50, 100))))]
    if rng.random() < 0.3:
        return ["major"] + ["minor"] * (count - 1)
    total = rng.randint(10 * count, 100)
    cuts = sorted(rng.sample(range(1, total), count - 1))
    parts = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
    return [_share_text(p) for p in sorted(parts, reverse=True)]


def _detail(rng: random.Random, key: str, targets: list[str], sources: list[str]) -> tuple[Ref, ...]:
    """The references of a detailed key: shares for a leading run of them, sometimes a note or a source."""
    detailed = rng.randint(1, len(targets))
    shares = _shares(rng, detailed)
    refs = []
    for index, target in enumerate(targets):
        share = shares[index] if index < detailed else None
        note = rng.choice(NOTES[key]) if rng.random() < 0.3 else None
        source = rng.choice(sources) if rng.random() < 0.2 else None
        refs.append(Ref(target, share, note, source))
    return tuple(refs)


def make_refs(rng: random.Random, market: dict[str, list[Vendor]], rule: Rule, sources: list[str]) -> tuple[Refs, int]:
    """The references of one dependency key, and how many they are; vendors are named sometimes."""
    targets = []
    for vendor in pick_suppliers(rng, market, rule):
        named = vendor.id if rng.random() < VENDOR_REF_CHANCE else rng.choice(vendor.offerings).id
        targets.append(named)
    if rng.random() < DETAIL_CHANCE:
        return Refs(_detail(rng, rule.key, targets, sources)), len(targets)
    bare = len(targets) == 1 and rng.random() < BARE_CHANCE
    return Refs(tuple(Ref(t) for t in targets), bare), len(targets)


def add_dependencies(rng: random.Random, market: dict[str, list[Vendor]], vendor: Vendor, sources: list[str]) -> int:
    """Fill in the dependencies of a vendor and its offerings; the number of references made."""
    rules = RULES[vendor.layer]
    shared: tuple[Rule, ...] = ()
    if len(vendor.offerings) > 1 and rules and rng.random() < VENDOR_KEY_CHANCE:
        shared = (rng.choice(rules),)
    made = 0
    for rule in shared:
        vendor.deps[rule.key], count = make_refs(rng, market, rule, sources)
        made += count
    for offering in vendor.offerings:
        for rule in rules:
            if rule in shared or rng.random() >= rule.chance:
                continue
            offering.deps[rule.key], count = make_refs(rng, market, rule, sources)
            made += count
    return made


# -- vendors ------------------------------------------------------------------------------------


def _word(rng: random.Random) -> str:
    """A made-up brand word of two or three syllables."""
    return "".join(rng.sample(SYLLABLES, rng.randint(2, 3))).capitalize()


def make_offerings(rng: random.Random, vendor_id: str, brand: str, layer: str) -> list[Offering]:
    """One or two offerings of a vendor, in its layer."""
    style = STYLES[layer]
    count = 2 if rng.random() < SECOND_OFFERING_CHANCE else 1
    offerings = []
    for number in range(1, count + 1):
        market = rng.choice(style.markets) if rng.random() < MARKET_CHANCE else None
        open_weights = {"open-foundation-models": True, "closed-foundation-models": False}.get(layer)
        name = f"{brand} {rng.choice(style.products)}" + (f" {number}" if number > 1 else "")
        offerings.append(Offering(f"{vendor_id}-{style.code}{number}", name, layer, market, open_weights))
    return offerings


def make_moats(rng: random.Random, vendor: Vendor) -> list[Moat]:
    """A moat claim for about a fifth of vendors, sometimes about one of its offerings."""
    if rng.random() >= MOAT_CHANCE:
        return []
    moat = rng.choice(STYLES[vendor.layer].moats)
    about = rng.choice(vendor.offerings).id if rng.random() < 0.3 else None
    return [Moat(moat, MOAT_EVIDENCE[moat], about)]


def make_vendor(rng: random.Random, vendor_id: str, layer: str, sources: list[str]) -> Vendor:
    """A vendor of a layer with its offerings and moat claims (dependencies come later)."""
    style = STYLES[layer]
    brand = _word(rng)
    name = f"{brand} {rng.choice(style.suffixes)}".strip()
    country = _weighted(rng, style.countries)
    vendor = Vendor(vendor_id, name, layer, country, rng.choice(sources))
    vendor.offerings = make_offerings(rng, vendor_id, brand, layer)
    vendor.moats = make_moats(rng, vendor)
    return vendor


# -- YAML ---------------------------------------------------------------------------------------


def refs_yaml(key: str, refs: Refs, indent: int) -> list[str]:
    """The lines of one dependency key: one line when every reference is short, else a block list."""
    pad = " " * indent
    if not any(ref.detailed for ref in refs.items):
        ids = [ref.target for ref in refs.items]
        return [f"{pad}{key}: {ids[0]}" if refs.bare else f"{pad}{key}: [{', '.join(ids)}]"]
    lines = [f"{pad}{key}:"]
    for ref in refs.items:
        if not ref.detailed:
            lines.append(f"{pad}  - {ref.target}")
            continue
        lines.append(f"{pad}  - id: {ref.target}")
        for name, value in (("share", ref.share), ("note", ref.note), ("source", ref.source)):
            if value:
                lines.append(f"{pad}    {name}: {value}")
        if ref.vendor:
            lines.append(f"{pad}    any: true")
    return lines


def offering_yaml(offering: Offering) -> list[str]:
    """The lines of one offering, as an item of `offerings:`."""
    lines = [f"  - id: {offering.id}", f"    name: {offering.name}", f"    layer: {offering.layer}"]
    if offering.market:
        lines.append(f"    market: {offering.market}")
    if offering.open_weights is not None:
        lines.append(f"    open_weights: {'true' if offering.open_weights else 'false'}")
    if offering.released:
        lines.append(f"    released: {offering.released}")
    if offering.retired:
        lines.append(f"    retired: {offering.retired}")
    for key, refs in offering.deps.items():
        lines += refs_yaml(key, refs, 4)
    return lines


def vendor_yaml(vendor: Vendor) -> str:
    """The text of a vendor's data file."""
    lines = [f"id: {vendor.id}", f"name: {vendor.name}", f"country: {vendor.country}", f"source: {vendor.source}"]
    for key, refs in vendor.deps.items():
        lines += refs_yaml(key, refs, 0)
    lines += ["", "offerings:"]
    for offering in vendor.offerings:
        lines += offering_yaml(offering)
    if vendor.moats:
        lines += ["", "moats:"]
        for moat in vendor.moats:
            lines += [f"  - type: {moat.type}", f"    evidence: {moat.evidence}"]
            if moat.about:
                lines.append(f"    about: {moat.about}")
    return "\n".join(lines) + "\n"


def source_ids() -> list[str]:
    """The ids of the shared synthetic sources."""
    return [f"synthetic-report-{k:02d}" for k in range(1, SOURCE_COUNT + 1)]


def sources_yaml() -> str:
    """The text of the shared sources file: a file of shared facts with only `sources:`."""
    lines = ["# Synthetic sources shared by every vendor of the generated market.", "", "sources:"]
    for k, source in enumerate(source_ids(), start=1):
        date = dt.date(2022, 1, 15) + dt.timedelta(days=45 * k)
        lines += [
            f"  {source}:",
            f"    url: https://example.org/synthetic-market/report-{k:02d}",
            f"    title: Synthetic generative-AI market report {k}",
            f"    date: {date.isoformat()}",
            f"    publisher: {PUBLISHER}",
        ]
    return "\n".join(lines) + "\n"


# -- the market ---------------------------------------------------------------------------------


def build_market(n_vendors: int, seed: int) -> tuple[list[Vendor], int]:
    """Every vendor of the market, layer by layer from the bottom up, and the number of dependencies."""
    rng = random.Random(seed)
    sources = source_ids()
    width = max(6, len(str(n_vendors - 1)))
    numbers = itertools.count()
    market: dict[str, list[Vendor]] = {}
    dependencies = 0
    for layer, count in layer_counts(n_vendors).items():
        market[layer] = []
        for _ in range(count):
            vendor = make_vendor(rng, f"v{next(numbers):0{width}d}", layer, sources)
            dependencies += add_dependencies(rng, market, vendor, sources)
            market[layer].append(vendor)
    return [v for layer in LAYERS for v in market[layer]], dependencies


# Offerings are released in the years of their layer (suppliers before consumers, so no dependency
# precedes its supplier's release); a few retire. Drawn by their own generator, so the market's shape
# is the same as without dates.
RELEASE_YEARS = {
    "lithography-equipment": (2012, 2016), "foundry": (2014, 2019), "memory": (2014, 2019),
    "advanced-packaging": (2014, 2019), "compute-hardware": (2017, 2021), "cloud-platforms": (2018, 2022),
    "model-hubs": (2019, 2023), "open-foundation-models": (2020, 2024), "closed-foundation-models": (2020, 2024),
    "end-to-end-apps": (2021, 2025), "apps": (2021, 2025),
}  # fmt: skip
RETIRED_CHANCE = 0.03


def add_dates(vendors: list[Vendor], seed: int) -> None:
    """Give every offering a release (a year-month in its layer's years) and a few a retirement."""
    rng = random.Random(seed * 1_000_003 + 1)
    for vendor in vendors:
        first, last = RELEASE_YEARS[vendor.layer]
        for offering in vendor.offerings:
            year = rng.randint(first, last)
            offering.released = f"{year}-{rng.randint(1, 12):02d}" if rng.random() < 0.7 else str(year)
            if rng.random() < RETIRED_CHANCE:
                offering.retired = str(min(2026, year + rng.randint(2, 4)))


def _remove_stale(vendors_dir: Path, keep: set[str]) -> None:
    """Delete generated vendor files (v<digits>.yaml) of an earlier, larger run that are not in keep."""
    for path in vendors_dir.glob("v*.yaml"):
        if re.fullmatch(r"v\d+\.yaml", path.name) and path.name not in keep:
            path.unlink()


def generate_market(n_vendors: int, out_dir: Path, seed: int = 7) -> dict[str, int]:
    """Write a synthetic market of n_vendors vendors under out_dir (sources.yaml and vendors/*.yaml);
    the counts of vendors, offerings, dependencies, moat claims and files written."""
    vendors, dependencies = build_market(n_vendors, seed)
    add_dates(vendors, seed)
    out_dir = Path(out_dir)
    vendors_dir = out_dir / "vendors"
    vendors_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(vendors_dir, {f"{v.id}.yaml" for v in vendors})
    (out_dir / "sources.yaml").write_bytes(sources_yaml().encode("utf-8"))
    for vendor in vendors:
        (vendors_dir / f"{vendor.id}.yaml").write_bytes(vendor_yaml(vendor).encode("utf-8"))
    return {
        "vendors": len(vendors),
        "offerings": sum(len(v.offerings) for v in vendors),
        "dependencies": dependencies,
        "moats": sum(len(v.moats) for v in vendors),
        "files": len(vendors) + 1,
    }
