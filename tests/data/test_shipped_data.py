"""The shipped map: it checks clean, and SPARQL over it answers the essay's facts."""

from __future__ import annotations

import hashlib
import re

from conftest import TESTS
from graph.check.validate import check
from graph.query.sparql import run_query
from graph.source import vocab
from graph.source.paths import shipped_data_dir

PREFIXES = "PREFIX sm: <https://w3id.org/stackmap/ns/> PREFIX stack: <https://w3id.org/stackmap/id/> "


def _ids(loaded, query: str) -> list[str]:
    result = run_query(loaded.store, PREFIXES + query)
    return sorted(vocab.local_id(row[0].value) or row[0].value for row in result.rows)


def test_shipped_data_checks_clean() -> None:
    """`stackmap check` finds no problem in the shipped data."""
    _, problems = check(shipped_data_dir())
    assert problems == []


def test_every_shipped_offering_is_released(shipped) -> None:
    """Every offering has a `released` date (its launch, or where no source gives one the earliest dated
    evidence of it in service, as data/AUDIT.md says), so the map of any day knows when it entered;
    the A100 and the H100 by Nvidia's own announcements."""
    undated = _ids(
        shipped, "SELECT ?o WHERE { ?o a sm:Offering . FILTER NOT EXISTS { ?o <https://schema.org/startDate> ?d } }"
    )
    assert undated == []
    dates = run_query(
        shipped.store,
        PREFIXES + "SELECT ?d WHERE { VALUES ?o { stack:nvidia-a100 stack:nvidia-h100 } "
        "?o <https://schema.org/startDate> ?d } ORDER BY ?d",
    )
    assert [str(row[0].value) for row in dates.rows] == ["2020-05-14", "2022-03-22"]


def test_tsmc_fabs_nvidias_gpus(shipped) -> None:
    """TSMC (one of its processes, or TSMC itself) fabs the A100 and the H100, and the GPUs after them,
    the China-only H20 among them (Reuters names TSMC, not the process)."""
    chips = _ids(
        shipped,
        """SELECT DISTINCT ?chip WHERE {
             ?chip sm:offeredBy stack:nvidia ; sm:fabbedBy ?fab .
             FILTER (?fab = stack:tsmc || EXISTS { ?fab sm:offeredBy stack:tsmc })
           }""",
    )
    data_centre = {"nvidia-a100", "nvidia-b200", "nvidia-b300", "nvidia-gb200", "nvidia-h100", "nvidia-h20"}
    assert data_centre | {"nvidia-h200"} <= set(chips)


def test_clouds_run_on_nvidia_gpus(shipped) -> None:
    """The clouds running on Nvidia GPUs include AWS, Google Cloud, Azure, Oracle, CoreWeave, Lambda."""
    clouds = _ids(
        shipped,
        """SELECT DISTINCT ?cloud WHERE {
             ?cloud sm:layer <https://w3id.org/stackmap/ns/layer/cloud-platforms> ; sm:runsOn ?chip .
             FILTER (?chip = stack:nvidia || EXISTS { ?chip sm:offeredBy stack:nvidia })
           }""",
    )
    assert {"aws", "google-cloud", "azure", "oracle-cloud", "coreweave-cloud", "lambda-cloud"} <= set(clouds)


def test_stable_diffusion_is_stabilitys_open_model(shipped) -> None:
    """Stable Diffusion has open weights, sits in the open-source model layer and is Stability's."""
    result = run_query(
        shipped.store,
        PREFIXES
        + """ASK { stack:stable-diffusion sm:openWeights true ; sm:offeredBy stack:stability-ai ;
                     sm:layer <https://w3id.org/stackmap/ns/layer/open-foundation-models> }""",
    )
    assert result.boolean is True


def test_google_offers_in_at_least_three_layers(shipped) -> None:
    """Google is vertically integrated: its offerings span at least three layers."""
    layers = _ids(shipped, "SELECT DISTINCT ?layer WHERE { ?o sm:offeredBy stack:google ; sm:layer ?layer }")
    assert len(layers) >= 3


ESSAY_OFFERINGS = {
    "gpt-3": "closed-foundation-models",
    "gpt-3-5": "closed-foundation-models",
    "chatgpt": "end-to-end-apps",
    "dall-e": "closed-foundation-models",
    "stable-diffusion": "open-foundation-models",
    "google-cloud": "cloud-platforms",
    "google-tpu": "compute-hardware",
    "azure": "cloud-platforms",
    "hugging-face-hub": "model-hubs",
    "replicate-platform": "model-hubs",
    "midjourney-app": "end-to-end-apps",
    "aws": "cloud-platforms",
    "aws-inferentia": "compute-hardware",
    "aws-trainium": "compute-hardware",
    "oracle-cloud": "cloud-platforms",
    "coreweave-cloud": "cloud-platforms",
    "lambda-cloud": "cloud-platforms",
    "nvidia-a100": "compute-hardware",
    "nvidia-h100": "compute-hardware",
    "amd-instinct": "compute-hardware",
    "intel-gaudi": "compute-hardware",
    "intel-ponte-vecchio": "compute-hardware",
    "intel-foundry": "foundry",
    "jasper-app": "apps",
    "github-copilot": "apps",
    "lensa": "apps",
    "tsmc-cowos": "advanced-packaging",
    "sk-hynix-hbm": "memory",
    "samsung-hbm": "memory",
    "micron-hbm": "memory",
    "samsung-foundry": "foundry",
    "asml-euv": "lithography-equipment",
}
ESSAY_VENDORS = [
    *("openai", "anthropic", "cohere", "character-ai", "stability-ai", "google", "microsoft", "hugging-face"),
    *("replicate", "midjourney", "amazon", "oracle", "coreweave", "lambda", "nvidia", "amd", "cerebras"),
    *("sambanova", "graphcore", "intel", "tsmc", "jasper", "github", "prisma-labs", "runway", "sk-hynix"),
    *("samsung", "micron", "asml"),
]


def test_the_essays_vendors_and_offerings_are_in_their_layers(shipped) -> None:
    """Every vendor the essay names is on the map, and its offerings sit in the expected layers."""
    result = run_query(shipped.store, PREFIXES + "SELECT ?o ?layer WHERE { ?o a sm:Offering ; sm:layer ?layer }")
    layers = {vocab.local_id(o.value): layer.value.rsplit("/", 1)[1] for o, layer in result.rows}
    assert {o: layers.get(o) for o in ESSAY_OFFERINGS} == ESSAY_OFFERINGS
    vendors = _ids(shipped, "SELECT ?v WHERE { ?v a sm:Vendor ; sm:headquartersCountry ?c }")
    assert set(ESSAY_VENDORS) <= set(vendors)


def test_the_essays_figures_are_on_the_map(shipped) -> None:
    """The essay's spend ratios, margins, capex, Nvidia's data-centre revenue and the three $100M
    categories are figures of the map, with the essay's numbers."""
    result = run_query(
        shipped.store,
        PREFIXES
        + """PREFIX schema: <https://schema.org/>
           SELECT ?metric ?market ?value ?min ?max WHERE {
             ?f a sm:Figure ; sm:metric ?metric .
             OPTIONAL { ?f sm:market ?market } OPTIONAL { ?f schema:value ?value }
             OPTIONAL { ?f schema:minValue ?min } OPTIONAL { ?f schema:maxValue ?max } }""",
    )
    figures = {
        (m.value.rsplit("/", 1)[1], k.value if k else None, *(float(t.value) if t else None for t in (v, lo, hi)))
        for m, k, v, lo, hi in result.rows
    }
    for expected in [
        ("inference-spend-ratio", None, None, 0.2, 0.4),
        ("cloud-spend-ratio", None, 0.5, None, None),
        ("cloud-revenue-share", None, None, 0.1, 0.2),
        ("gross-margin", None, None, 0.5, 0.6),
        ("capex", "cloud-infrastructure", None, 1e11, None),
        ("data-center-revenue", "ai-accelerators", 3.8e9, None, None),
        ("annualized-revenue", "image-generation", None, 1e8, None),
        ("annualized-revenue", "copywriting", None, 1e8, None),
        ("annualized-revenue", "code-writing", None, 1e8, None),
        ("venture-cloud-spend-ratio", None, None, 0.8, 0.9),  # "up to 80-90%": a range, not a ceiling
        ("venture-cloud-spend-ratio", None, None, 0.5, None),
        ("training-cost", None, None, 1e7, 1e9),  # "tens or hundreds of millions"
    ]:
        assert expected in figures, expected


def test_the_essays_moats_are_claimed(shipped) -> None:
    """The moats the essay describes are claimed (about a vendor or one of its offerings): Nvidia's
    ecosystem, the big clouds' supply chain, the hubs' network effects."""
    result = run_query(
        shipped.store,
        PREFIXES
        + """SELECT ?who ?type WHERE {
               ?m a sm:MoatClaim ; sm:about ?about ; sm:moatType ?type .
               OPTIONAL { ?about sm:offeredBy ?vendor } BIND (COALESCE(?vendor, ?about) AS ?who) }""",
    )
    claims = {(vocab.local_id(w.value), t.value.rsplit("/", 1)[1]) for w, t in result.rows}
    assert ("nvidia", "ecosystem") in claims
    assert {("hugging-face", "network-effects"), ("replicate", "network-effects")} <= claims
    assert sum(1 for who, t in claims if t == "supply-chain") >= 3


def test_data_never_copies_the_essays_sentences() -> None:
    """No text in the data files repeats six words in a row of the essay (paraphrase only)."""
    lines = (TESTS / "fixtures" / "essay-shingles.txt").read_text(encoding="utf-8").splitlines()
    shingles = {line for line in lines if line and not line.startswith("#")}
    copied = []
    for path in sorted(shipped_data_dir().rglob("*.y*ml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "http" in line:
                continue
            words = re.findall(r"[a-z0-9]+", line.lower().replace("\u2019", "'"))
            for i in range(len(words) - 5):
                digest = hashlib.sha1(" ".join(words[i : i + 6]).encode()).hexdigest()[:16]
                if digest in shingles:
                    copied.append(f"{path.name}:{number}: {' '.join(words[i : i + 6])}")
    assert copied == []
