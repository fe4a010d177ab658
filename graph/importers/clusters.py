"""Installed AI compute from Epoch AI's "GPU Clusters" table: which chips the clusters' owners run on
(the owners in the map and, by default, the private sector's, made vendors), and two measured markets.

Which clusters count as installed (`uncounted` says why one does not): status Existing (planned and
decommissioned ones never count), certainty Confirmed or Likely (not Unlikely), not marked a possible
duplicate of another row, with a first operational date and H100 equivalents (the table's own, or
chips x the H100 equivalents per chip that its one-chip rows give). On a date, the clusters counted
are those operational by then, less each phase that a later phase operational by then includes
("Superseded by", "Builds Upon"). A cluster with several owners counts in equal parts for each;
a cluster with two chip types splits its H100 equivalents by chip quantity x H100 equivalents per chip.

Which owners get a fleet (`OWNER_RULES`, `stackmap import --cluster-owners`): every owner that is in
the map (a vendor of the data folder or of this import), and, by default (`private`), every owner that
Epoch's `Sector` column calls Private on one of its counted clusters, made a vendor when no vendor
matches its name (matched as every name is, `registry`: "Lambda Labs" is `lambda`; a cell of several
owners is split at commas); a vendor made so takes its country from the `Country` of its clusters when
they name one country (and it owns them alone: a cluster's country is where it stands, taken as the
owner's when it is the only one). Those are the clouds, GPU clouds and companies that run on the chips,
the cloud layer the map draws. Owners of the Public and Public/Private sectors (governments,
universities, national labs, state-owned and state-backed bodies) are not made vendors: their machines
mostly serve research or a state's own use, and whether one belongs in the market is a person's call
(a vendor file written for it is matched like any other, and then it gets its fleet). They stay in the
markets' totals and the summary counts them, by reason. `in-map` keeps to the owners already in the map.

- Each such owner gets an offering "<owner> AI clusters" in `cloud-platforms` that `runs_on` the chips
  of its clusters counted on the table's latest operational date, each with its share of the owner's
  H100 equivalents (the shares add up to 1), `since` its first cluster's operational date, and a note
  naming those clusters and links.
- Two measured markets, as `market-share` figures for the first year of the window and the latest
  year: installed AI compute by owner and by chip supplier, in H100 equivalents of every counted
  cluster, whoever owns it (so the owner rule changes who is named, not the totals). They are installed
  bases, not sales shares; owners and suppliers not in the map are the unattributed rest.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from .hardware import Hardware
from .names import clean, split_values
from .registry import OutVendor, Registry
from .tables import CLUSTERS, country_code, date, number, starts_before, urls

CLUSTER_COLUMNS = ("Name", "Status", "Certainty", "Owner", "First Operational Date", "H100 equivalents")
CHIP_COLUMNS = (
    ("Chip type (primary)", "Chip quantity (primary)"),
    ("Chip type (secondary)", "Chip quantity (secondary)"),
)
SUPPLIER_COLUMNS = ("GPU Supplier (primary)", "GPU supplier (secondary)")
LINK_COLUMNS = ("Source 1", "Source 2", "Source 3", "Source 4", "Source 5")
COUNTED_STATUS = ("existing",)
COUNTED_CERTAINTY = ("confirmed", "likely")
# Which cluster owners get a fleet: those in the map and the private sector's (default), or those in the map.
PRIVATE_OWNERS, OWNERS_IN_MAP = "private", "in-map"
OWNER_RULES = (PRIVATE_OWNERS, OWNERS_IN_MAP)
SECTOR_COLUMN = "Sector"
PRIVATE_SECTOR = "private"
SECTOR_REASONS = {  # why an owner of these sectors (lower-cased) is not made a vendor
    "public": "sector Public: governments, universities, national labs (not made vendors)",
    "public/private": "sector Public/Private: state-owned and public-private bodies (not made vendors)",
    "": "no sector given (only owners of the Private sector are made vendors)",
}
OWNER_MARKET = "installed-ai-compute-by-owner"
SUPPLIER_MARKET = "installed-ai-compute-by-chip-supplier"
CLOUD_LAYER = "cloud-platforms"
SHARE_PLACES = 4
MARKET_NOTE = (
    "Share of the installed AI compute in Epoch AI's GPU Clusters table, {by}: H100 equivalents of the "
    "clusters operational on {as_of} (status existing, certainty confirmed or likely, no possible duplicates, "
    "each phase replaced by the later one that includes it; a co-owned cluster split equally). The rest "
    "is {rest}. An installed base from public reports, not a share of sales."
)


@dataclass
class Cluster:
    """A counted cluster: its first operational date, H100 equivalents and who owns and supplies it."""

    name: str
    date: str
    h100e: float
    owners: list[str]
    chips: list[tuple[str, float]]  # (chip type, its part of the H100 equivalents)
    suppliers: list[str]  # the GPU supplier columns
    successors: set[str] = field(default_factory=set)  # names of the phases that include it
    link: str | None = None
    sector: str = ""  # Epoch's Sector: Private, Public, Public/Private
    country: str = ""  # where it is, as Epoch spells the country


def uncounted(row: dict[str, str]) -> str | None:
    """Why a cluster row does not count as installed compute, or None when it does."""
    status, certainty = clean(row.get("Status", "")), clean(row.get("Certainty", ""))
    if status.lower() not in COUNTED_STATUS:
        return f"status '{status}' (only Existing clusters count)"
    if certainty.lower() not in COUNTED_CERTAINTY:
        return f"certainty '{certainty}' (only Confirmed and Likely count)"
    if clean(row.get("Possible Duplicate", "")).lower() == "true":
        return "marked a possible duplicate of another row"
    if date(row.get("First Operational Date", "")) is None:
        return "no first operational date"
    return None


def chip_factors(rows: list[dict[str, str]]) -> dict[str, float]:
    """H100 equivalents per chip of each chip type, the median over the rows that run only that chip."""
    ratios: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        chip, count, h100e = (clean(row.get(CHIP_COLUMNS[0][0], "")), number(row.get(CHIP_COLUMNS[0][1], "")),
                              number(row.get("H100 equivalents", "")))  # fmt: skip
        if chip and count and h100e and not clean(row.get(CHIP_COLUMNS[1][0], "")):
            ratios[chip].append(float(h100e / count))
    return {chip: statistics.median(values) for chip, values in sorted(ratios.items())}


def chip_parts(
    chips: list[tuple[str, float | None]], total: float, factors: dict[str, float]
) -> list[tuple[str, float]]:
    """A cluster's H100 equivalents split over its chip types: by quantity x H100 equivalents per chip;
    when one factor is unknown the other chip takes what its factor gives and the unknown one the rest;
    by quantity when neither is known; all to the first chip with a quantity when only one has one."""
    counted = [(c, q) for c, q in chips if q]
    if len(chips) == 1 or len(counted) < 2:
        return [((counted or chips)[0][0], total)]
    (a, qa), (b, qb) = counted[:2]
    fa, fb = factors.get(a), factors.get(b)
    if fa and fb:
        part = total * qa * fa / (qa * fa + qb * fb)
    elif fa or fb:
        known = min(total, (qa * fa) if fa else (qb * fb))
        part = known if fa else total - known
    else:
        part = total * qa / (qa + qb)
    return [(a, part), (b, total - part)]


def floor_share(part: float, total: float) -> Decimal:
    """part / total rounded down to SHARE_PLACES decimals (so that rounded shares never add up past 1)."""
    return Decimal(repr(part / total)).quantize(Decimal(1).scaleb(-SHARE_PLACES), rounding=ROUND_DOWN)


def exact_shares(weights: dict[str, float]) -> dict[str, Decimal]:
    """Shares of the weights to SHARE_PLACES decimals that add up to exactly 1, each at least one unit:
    rounded down, then the missing units go to the largest remainders (or surplus units come off the
    largest shares)."""
    unit = Decimal(1).scaleb(-SHARE_PLACES)
    total = sum(weights.values())
    shares = {k: max(floor_share(w, total), unit) for k, w in weights.items()}
    gap = int((Decimal(1) - sum(shares.values())) / unit)
    if gap > 0:  # fewer than one unit lost per share
        for k in sorted(shares, key=lambda k: (float(shares[k]) - weights[k] / total, k))[:gap]:
            shares[k] += unit
    elif gap < 0:  # one unit per share raised to the minimum
        for k in sorted((k for k in shares if shares[k] > unit), key=lambda k: (-shares[k], k))[:-gap]:
            shares[k] -= unit
    return shares


def read_clusters(rows: list[dict[str, str]], registry: Registry) -> list[Cluster]:
    """The counted clusters of the table, the others counted as skipped with why."""
    factors = chip_factors(rows)
    skipped = registry.summary.skipped
    clusters: list[Cluster] = []
    for row in rows:
        if reason := uncounted(row):
            skipped["cluster rows", reason] += 1
            continue
        chips = [(c, float(q) if (q := number(row.get(qc, ""))) else None)
                 for tc, qc in CHIP_COLUMNS if (c := clean(row.get(tc, "")))]  # fmt: skip
        h100e = number(row.get("H100 equivalents", ""))
        total = float(h100e) if h100e else sum((q or 0) * factors.get(c, 0) for c, q in chips)
        if not total:
            skipped["cluster rows", "no H100 equivalents (nor chip quantities to derive them)"] += 1
            continue
        clusters.append(Cluster(
            name=clean(row.get("Name", "")),
            date=date(row["First Operational Date"]) or "",
            h100e=total,
            owners=split_values(row.get("Owner", "")),
            chips=chip_parts(chips, total, factors) if chips else [],
            suppliers=[s for c in SUPPLIER_COLUMNS if (s := clean(row.get(c, "")))],
            link=next(iter(urls(*(row.get(c, "") for c in LINK_COLUMNS))), None),
            sector=clean(row.get(SECTOR_COLUMN, "")),
            country=clean(row.get("Country", "")),
        ))  # fmt: skip
    _link_phases(rows, clusters)
    return sorted(clusters, key=lambda c: (c.date, c.name))


def _link_phases(rows: list[dict[str, str]], clusters: list[Cluster]) -> None:
    """Each counted cluster's successors: the phases that name it in "Builds Upon", or that it names
    in "Superseded by" (a cell naming one cluster, or several separated by commas)."""
    names = {c.name for c in clusters}

    def named(cell: str) -> set[str]:
        text = clean(cell)
        return {text} & names or set(split_values(text)) & names

    by_name = {c.name: c for c in clusters}
    for row in rows:
        name = clean(row.get("Name", ""))
        for earlier in named(row.get("Builds Upon", "")):
            by_name[earlier].successors.add(name)
        if name in by_name:
            by_name[name].successors |= named(row.get("Superseded by", ""))
    for cluster in clusters:
        cluster.successors.discard(cluster.name)  # a row that names itself replaces nothing


def current(clusters: list[Cluster], on: str) -> list[Cluster]:
    """The clusters counted on a date: operational by then and not included in a later phase that is."""
    dates = {c.name: c.date for c in clusters}
    return [
        c for c in clusters
        if c.date <= on and not any(s in dates and dates[s] <= on for s in c.successors)
    ]  # fmt: skip


class Clusters:
    """What the counted clusters add to the map: the owners' cluster offerings and the two markets."""

    def __init__(self, registry: Registry, hardware: Hardware, clusters: list[Cluster], owners: str = PRIVATE_OWNERS):
        if owners not in OWNER_RULES:
            raise ValueError(f"owners must be one of {', '.join(OWNER_RULES)}, not {owners!r}")
        self.registry = registry
        self.hardware = hardware
        self.clusters = clusters
        self.rule = owners
        self.made: set[str] = set()  # vendors made by the private-sector rule
        self.latest = max((c.date for c in clusters), default="")
        self.chip_ids: dict[str, str | None] = {}  # chip type -> offering id

    def chip(self, chip_type: str, cluster: Cluster) -> str | None:
        """The offering id of a chip type the table names (None when its manufacturer is unknown)."""
        if chip_type not in self.chip_ids:
            where = f'Chip type of Epoch AI GPU Clusters row "{cluster.name}"'
            self.chip_ids[chip_type] = self.hardware.chip(chip_type, "cluster chips", where, CLUSTERS, cluster.date)
        elif self.chip_ids[chip_type]:
            self.hardware.seen(self.chip_ids[chip_type], cluster.date)
        return self.chip_ids[chip_type]

    def owner(self, spelling: str) -> str | None:
        """The vendor id of an owner when it is in the map, else None."""
        vid = self.registry.find_vendor(spelling)
        return vid if self.registry.in_map(vid) else None

    def supplier(self, chip_type: str, cluster: Cluster) -> str | None:
        """Who supplies a chip: its offering's vendor, else the GPU supplier column when it names a
        vendor of the map; None when unknown or not in the map."""
        chip = self.chip(chip_type, cluster) if chip_type else None
        if chip is not None:
            return self.registry.vendor_of[chip]
        return self.owner(cluster.suppliers[0]) if cluster.suppliers else None

    def fleet_owners(self) -> dict[str, str]:
        """Owner spelling -> vendor id of every owner whose clusters make a fleet: the owners in the map
        and, by the private-sector rule, the private owners of counted clusters, made vendors when no
        vendor matches (only those with a current cluster on a chip of the map, so that every vendor
        made gets its fleet). The others are counted in the summary, once per organisation, with why."""
        now = current(self.clusters, self.latest)
        fleet: dict[str, str] = {}
        others: dict[str, list[str]] = defaultdict(list)  # organisation not in the map -> its spellings
        for spelling in sorted({o for c in self.clusters for o in c.owners}):
            if self.owner(spelling):
                fleet[spelling] = self.registry.vendor(spelling).id  # the spelling noted, as every match is
            else:
                others[self.registry.organisation(spelling)].append(spelling)
        for spellings in (others[k] for k in sorted(others)):
            sectors = sorted({c.sector for c in self.clusters if set(spellings) & set(c.owners)}, key=str.lower)
            if self.rule == OWNERS_IN_MAP:
                why = f"not in the map (--cluster-owners {OWNERS_IN_MAP})"
            elif PRIVATE_SECTOR not in {s.lower() for s in sectors}:
                why = SECTOR_REASONS.get(sectors[0].lower(), "") if len(sectors) == 1 else ""
                why = why or f"sectors {' and '.join(s or 'not given' for s in sectors)} (not made vendors)"
            elif not any(part > 0 and self.chip(chip_type, c)
                         for c in now if set(spellings) & set(c.owners) for chip_type, part in c.chips):  # fmt: skip
                why = "of the Private sector, but without a current cluster on a chip of the map"
            else:
                made = self.registry.find_vendor(spellings[0]) is None
                for spelling in spellings:
                    fleet[spelling] = self.registry.vendor(spelling).id
                if made:
                    self.made.add(fleet[spellings[0]])
                    self.locate(self.registry.out(fleet[spellings[0]]), spellings)
                continue
            self.registry.summary.skipped["cluster owners", why] += 1
        return fleet

    def locate(self, out: OutVendor, spellings: list[str]) -> None:
        """A made owner's country: the one country of the clusters it owns alone, when they name one."""
        places = {c.country for c in self.clusters if c.country and len(c.owners) == 1 and c.owners[0] in spellings}
        if len(places) == 1 and (code := country_code(next(iter(places)))):
            out.countries.add(code)

    def owner_offerings(self) -> None:
        """An "<owner> AI clusters" offering for each owner that `fleet_owners` keeps, running on its chips."""
        fleet = self.fleet_owners()
        weights: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        named: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
        for cluster in current(self.clusters, self.latest):
            owners = [fleet.get(o) for o in cluster.owners]
            if not any(owners):
                reason = "no owner named" if not cluster.owners else "no owner that gets a fleet"
                self.registry.summary.skipped["cluster rows", reason + " (in the markets' totals only)"] += 1
            for vid in filter(None, owners):
                for chip_type, part in cluster.chips:
                    if part > 0 and (chip := self.chip(chip_type, cluster)):
                        weights[vid][chip] += part / len(cluster.owners)
                        named[vid, chip].append(cluster)
        first: dict[tuple[str, str], str] = {}
        for cluster in self.clusters:  # the earliest phase of each owner's chip, included ones too
            for vid in filter(None, (fleet.get(o) for o in cluster.owners)):
                for chip_type, _ in cluster.chips:
                    pair = (vid, self.chip_ids.get(chip_type) or "")
                    if pair in named:
                        first[pair] = min(first.get(pair, cluster.date), cluster.date)
        for vid in sorted(weights):
            self.add_owner(vid, weights[vid], first, named)
            self.registry.summary.cluster_owners["made vendors" if vid in self.made else "in the map"] += 1

    def add_owner(
        self,
        vid: str,
        weights: dict[str, float],
        first: dict[tuple[str, str], str],
        named: dict[tuple[str, str], list[Cluster]],
    ) -> None:
        """The cluster offering of one owner, with its `runs_on` shares."""
        refs = []
        for chip, share in sorted(exact_shares(weights).items(), key=lambda kv: (-kv[1], kv[0])):
            since, note = first[vid, chip], _rows_note(named[vid, chip])
            released = self.registry.released(chip)
            if released and starts_before(since, released):
                note += f"; the first was operational on {since}, before the chip's release date in the data"
                since = released
            refs.append({"id": chip, "share": float(share), "since": since, "note": note})
        clusters = {c.name: c for pair, cs in named.items() if pair[0] == vid for c in cs}
        name = self.registry.vendor_name(vid)
        offering = {
            "id": self.registry.new_id([f"{vid}-clusters" if vid.endswith("-ai") else f"{vid}-ai-clusters"]),
            "name": f"{name} clusters" if name.endswith(" AI") else f"{name} AI clusters",  # not "Nebius AI AI"
            "layer": CLOUD_LAYER,
            "released": min(r["since"] for r in refs),
            "description": f"The AI clusters {name} owns that Epoch AI's GPU Clusters table counts as installed on "
            f"{self.latest}: {len(clusters)} cluster{'s' if len(clusters) > 1 else ''}, "
            f"{sum(weights.values()):,.0f} H100 equivalents (its part of co-owned ones). Each `runs_on` share is a "
            "chip's part of those H100 equivalents.",
            "source": CLUSTERS.source,
            "runs_on": refs,
        }
        self.registry.add_offering(self.registry.out(vid), offering, "cluster fleet")
        self.registry.summary.dependencies["runs_on"] += len(refs)

    def markets(self, first_year: int) -> list[dict]:
        """The market-share figures of installed AI compute by owner and by chip supplier, for the first
        year of the window and the latest year of the table."""
        figures: list[dict] = []
        if not self.clusters:
            return figures
        for year in sorted({first_year, int(self.latest[:4])}):
            as_of = min(f"{year}-12-31", self.latest)
            now = current(self.clusters, as_of)
            owners: dict[str, float] = defaultdict(float)
            suppliers: dict[str, float] = defaultdict(float)
            for cluster in now:
                for vid in filter(None, (self.owner(o) for o in cluster.owners)):
                    owners[vid] += cluster.h100e / len(cluster.owners)
                for chip_type, part in cluster.chips or [("", cluster.h100e)]:
                    if vid := self.supplier(chip_type, cluster):
                        suppliers[vid] += part
            total = sum(c.h100e for c in now)
            if not total:
                continue
            for market, shares, by, rest in (
                (OWNER_MARKET, owners, "by owner", "owners not in the map and clusters without a named owner"),
                (SUPPLIER_MARKET, suppliers, "by chip supplier", "suppliers not in the map or not named"),
            ):
                figures += self.market(market, str(year), as_of, {v: floor_share(h, total) for v, h in shares.items()},
                                       MARKET_NOTE.format(by=by, as_of=as_of, rest=rest))  # fmt: skip
        return figures

    def market(self, market: str, period: str, as_of: str, shares: dict[str, Decimal], note: str) -> list[dict]:
        """The figures of one market and period (shares rounded down, zero shares left out)."""
        ranked = sorted(((v, s) for v, s in shares.items() if s > 0), key=lambda vs: (-vs[1], vs[0]))
        if ranked:
            self.registry.summary.markets[market, period] = [(v, str(s)) for v, s in ranked]
        self.registry.summary.figures["market-share"] += len(ranked)
        return [
            {"id": self.registry.new_id([f"{market}-{period}-{vid}"]), "metric": "market-share",
             "value": float(share), "unit": "ratio", "period": period, "as_of": as_of, "about": vid,
             "market": market, "note": note}
            for vid, share in sorted(ranked)
        ]  # fmt: skip


def _rows_note(clusters: list[Cluster], limit: int = 1500) -> str:
    """The note of a `runs_on` reference: the clusters behind it (largest first) with their links."""
    ranked = sorted({c.name: c for c in clusters}.values(), key=lambda c: (-c.h100e, c.name))
    text, shown = "Epoch AI GPU Clusters rows:", 0
    for c in ranked:
        item = f' "{c.name}" (operational {c.date}' + (f"; {c.link})" if c.link else ")")
        if len(text) + len(item) > limit:
            break
        text += ("," if shown else "") + item
        shown += 1
    return text + (f", and {len(ranked) - shown} more" if shown < len(ranked) else "")
