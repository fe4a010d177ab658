"""`stackmap import epoch-models`: real excerpts of Epoch AI's tables (tests/fixtures/epoch) become
vendor files that merge with the shipped data, check clean, and come out the same on every run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from conftest import TESTS, snapshot
from graph.analysis.chokepoints import chokepoints
from graph.check.validate import check, load_valid
from graph.importers.names import key, read_existing, slug, split_values
from graph.importers.run import import_epoch
from graph.importers.writer import MARKER, Refused
from graph.model.projection import project

EPOCH = TESTS / "fixtures" / "epoch"
MODELS = EPOCH / "notable_ai_models_excerpt.csv"
HARDWARE = EPOCH / "ml_hardware_excerpt.csv"
DAY = dt.date(2025, 2, 24)
MODEL_LAYERS = {"closed-foundation-models", "open-foundation-models", "model-hubs"}


@pytest.fixture
def data(essay_map: Path) -> Path:
    """The importer's expectations are those of the essay-era map (the shipped data grows)."""
    return essay_map


def _import(data: Path, **options):
    options = {"hardware": HARDWARE, "downloaded": DAY, **options}
    return import_epoch(MODELS, data / "imported" / "epoch", data, **options)


def _file(data: Path, vendor: str) -> dict:
    return yaml.safe_load((data / "imported" / "epoch" / "vendors" / f"{vendor}.yaml").read_text(encoding="utf-8"))


def _offering(data: Path, vendor: str, offering: str) -> dict:
    return next(o for o in _file(data, vendor)["offerings"] if o["id"] == offering)


def _model_vendors(folder: Path) -> set[str]:
    projection = project(load_valid(folder).store)
    return {d["vendor"] for _, d in projection.graph.nodes(data=True) if d["layer"] in MODEL_LAYERS}


# -- real-world cells --------------------------------------------------------------------------


def test_names_and_cells_helpers() -> None:
    """Keys ignore case and punctuation; several values in a cell are split, blanks and repeats dropped."""
    assert key("NVIDIA") == key("Nvidia") == key("nvidia")
    assert key("Hugging Face") == key("hugging-face")
    assert slug("GPT-3 175B (davinci)") == "gpt-3-175b-davinci"
    assert slug("Université de Montréal") == "universite-de-montreal"
    assert split_values("Google TPU v4,Google TPU v3") == ["Google TPU v4", "Google TPU v3"]
    assert split_values("Hugging Face, BigScience,,Hugging Face") == ["Hugging Face", "BigScience"]
    assert split_values("  ") == []


def test_quoted_multiline_cells_stay_in_their_row(data: Path) -> None:
    """The excerpt's 17 rows hold quoted cells spanning lines (notes, and GOAT's two-URL Link cell):
    each still counts as one row, and a multi-line Link gives its first URL."""
    assert MODELS.read_text(encoding="utf-8").count("\n") > 18  # the line breaks inside cells
    summary = _import(data)
    assert summary.rows == {"models": (MODELS.name, 17), "hardware": (HARDWARE.name, 13)}
    goat = _offering(data, "google", "goat")
    assert goat["homepage"] == "https://deepmind.com/blog/article/generally-capable-agents-emerge-from-open-ended-play"


def test_cells_with_several_values(data: Path) -> None:
    """Two training chips are two alternatives of `trained_on`; two foundries two of `fabbed_by`; the
    first of several organisations offers the model and the others are named in its description."""
    _import(data)
    chinchilla = _offering(data, "google", "chinchilla")
    assert [r["id"] for r in chinchilla["trained_on"]] == ["google-tpu-v4", "google-tpu-v3"]
    assert [r["id"] for r in _offering(data, "huawei", "huawei-ascend-910c")["fabbed_by"]] == ["smic-7nm", "tsmc-n7"]
    bloom = _offering(data, "hugging-face", "bloom-176b")
    assert bloom["open_weights"] is True and bloom["layer"] == "open-foundation-models"
    assert "Developed with BigScience." in bloom["description"]
    assert not (data / "imported" / "epoch" / "vendors" / "bigscience.yaml").exists()


def test_blank_cells_are_skipped_with_counted_reasons(data: Path) -> None:
    """Rows without accessibility (DeepNash, Differentiable neural computer), without organisation (SSD)
    or without manufacturer (GroqChip) are skipped, one summary line per reason."""
    summary = _import(data)
    assert dict(summary.skipped) == {
        ("model rows", "no model accessibility (open or closed weights unknown)"): 2,
        ("model rows", "no organisation"): 1,
        ("hardware rows", "no manufacturer"): 1,
        ("organisations", "only ever listed after a model's first organisation (named in its description)"): 2,
        ("base models", "not a model of this import"): 2,  # mT0-13B's mT5-XXL, the MAE's ViT-Huge/14
    }
    lines = summary.lines()
    assert "      2 model rows: no model accessibility (open or closed weights unknown)" in lines
    assert "      1 hardware rows: no manufacturer" in lines
    assert "skipped: 8 (one line per reason)" in lines


def test_spellings_merge_with_existing_vendors(data: Path) -> None:
    """ "NVIDIA" is `nvidia`, "DeepMind", "Google Brain" and "Google Research" are Google (its `aliases:`),
    "Meta AI" and "Facebook AI Research" one new vendor; existing vendors are extended, not redeclared,
    and existing offerings (PaLM, the A100, GPT-3.5, Gaudi2) are reused, not duplicated."""
    summary = _import(data)
    assert _file(data, "nvidia")["extends"] == "nvidia"
    assert "id" not in _file(data, "nvidia")
    assert {o["id"] for o in _file(data, "nvidia")["offerings"]} >= {"ediff-i", "megatron-lm-8-3b"}
    google = {o["id"] for o in _file(data, "google")["offerings"]}
    assert {"chinchilla", "imagen", "goat", "impala", "google-tpu-v3", "google-tpu-v4"} <= google
    assert "palm" not in google and "palm-540b" not in google
    meta = _file(data, "meta")
    assert (meta["id"], meta["name"]) == ("meta", "Meta")
    assert meta["aliases"] == ["Facebook AI Research", "Meta AI"]
    assert {o["id"] for o in meta["offerings"]} == {"galactica", "masked-autoencoders-vit-h"}
    assert summary.offerings_merged == {
        "gpt-3-5": {"GPT-3.5"},
        "intel-gaudi": {"Intel Habana Gaudi2"},
        "nvidia-a100": {"NVIDIA A100", "NVIDIA A100 SXM4 40 GB", "NVIDIA A100 SXM4 80 GB"},
        "palm": {"PaLM (540B)"},
    }
    assert sorted(summary.merged_spellings["google"]) == ["DeepMind", "Google", "Google Brain", "Google Research"]
    assert summary.vendors_created == ["baidu", "huawei", "meta", "northeastern-university", "smic"]
    # the hardware that the hardware table lacks still belongs to its manufacturer
    dnabert = _offering(data, "northeastern-university", "dnabert")
    assert dnabert["trained_on"][0]["id"] == "nvidia-geforce-rtx-2080-ti"
    assert "nvidia-geforce-rtx-2080-ti" in {o["id"] for o in _file(data, "nvidia")["offerings"]}
    assert _file(data, "northeastern-university")["country"] == "US"


def test_every_fact_carries_its_source(data: Path) -> None:
    """Two sources (Epoch AI, CC BY 4.0, the download date); each offering and reference names its row."""
    _import(data)
    sources = yaml.safe_load((data / "imported" / "epoch" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert sorted(sources) == ["epoch-ml-hardware", "epoch-notable-ai-models"]
    for source in sources.values():
        assert source["publisher"] == "Epoch AI"
        assert source["licence"] == "https://creativecommons.org/licenses/by/4.0/"
        assert source["date"] == "2025-02-24"
    for path in (data / "imported" / "epoch" / "vendors").glob("*.yaml"):
        vendor = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert vendor["source"] in sources
        for offering in vendor["offerings"]:
            assert offering.get("source", vendor["source"]) in sources
            assert "Epoch AI" in offering["description"]
            for ref in offering.get("trained_on", []) + offering.get("fabbed_by", []):
                assert ref["note"].startswith("Epoch AI") and "row" in ref["note"]
    loaded = load_valid(data)
    licensed = list(
        loaded.store.query(
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?s WHERE { GRAPH ?g { ?s dcterms:license <https://creativecommons.org/licenses/by/4.0/> } }"
        )
    )
    assert sorted(r[0].value.rsplit("/", 1)[1] for r in licensed if "/id/" in r[0].value) == sorted(sources)


# -- the whole excerpt on the combined map -----------------------------------------------------


def test_whole_excerpt_checks_clean_and_keeps_tsmc_on_top(data: Path) -> None:
    """The combined map checks clean; TSMC stays a top chokepoint; the model layers gain exactly the
    vendors the summary reports as new to them."""
    before = _model_vendors(data)
    summary = _import(data)
    loaded, problems = check(data)
    assert problems == []
    after = _model_vendors(data)
    assert len(after) - len(before) == len(summary.model_layer_newcomers) == 4
    assert (
        after - before == set(summary.model_layer_newcomers) == {"baidu", "meta", "northeastern-university", "nvidia"}
    )
    ranking = chokepoints(project(loaded.store)).ranking
    assert ranking[0].rank == 1
    assert "tsmc" in {c.vendor for c in ranking if c.rank == 1}


def test_reimport_is_byte_identical(data: Path) -> None:
    """Importing twice gives the same bytes and no duplicate; --dry-run writes nothing."""
    out = data / "imported" / "epoch"
    dry = _import(data, dry_run=True)
    assert not out.exists()
    assert dry.files["new"] == 11 and dry.lines()[0] == "Epoch AI import (dry run: nothing written)"
    first = _import(data)
    files = snapshot(out)
    second = _import(data)
    assert snapshot(out) == files
    assert (first.files["new"], second.files["unchanged"], second.files["new"] + second.files["changed"]) == (11, 11, 0)
    assert first.lines()[1:-1] == second.lines()[1:-1]
    assert check(data)[1] == []
    assert all(text.startswith(MARKER.encode()) for text in files.values())


def test_stale_generated_files_are_removed_and_hand_written_ones_refused(data: Path) -> None:
    """A generated file the import no longer makes is removed; a hand-written file in its way stops
    the import before anything is written."""
    out = data / "imported" / "epoch"
    _import(data)
    stale = out / "vendors" / "gone.yaml"
    stale.write_text(f"{MARKER} (test)\nid: gone\nname: Gone\nlayer: apps\nsource: epoch-notable-ai-models\n")
    assert _import(data).files["removed"] == 1 and not stale.exists()
    (out / "vendors" / "meta.yaml").write_text("id: meta\nname: Meta\n", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(Refused, match="were not made by `stackmap import`"):
        _import(data)
    assert snapshot(out) == before


def test_an_import_interrupted_at_the_switch_leaves_the_previous_files(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step that puts the new files in place fails: the folder holds the previous import, whole,
    and no scratch file lies beside it."""
    from graph.runtime import atomic

    out = data / "imported" / "epoch"
    _import(data, hardware=None)
    before = snapshot(out)

    def fail(a: Path, b: Path) -> None:
        raise OSError("interrupted")

    monkeypatch.setattr(atomic, "_exchange", fail)
    with pytest.raises(OSError, match="interrupted"):
        _import(data)  # with the hardware table: more files than before
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["epoch"]


def test_import_does_not_touch_hand_written_data(data: Path) -> None:
    """The hand-written files are byte-identical after an import."""
    before = snapshot(data)
    _import(data)
    after = {k: v for k, v in snapshot(data).items() if not k.startswith("imported/")}
    assert after == before


def test_read_existing_skips_the_previous_import(data: Path) -> None:
    """The vendors an import made are not 'existing' when it runs again (so it makes them again)."""
    _import(data)
    out = data / "imported" / "epoch"
    assert "meta" not in read_existing(data, skip=out, marker=MARKER).vendors
    assert "meta" in read_existing(data).vendors
    assert read_existing(data).aliases["google"] == [
        "DeepMind",
        "Google AI",
        "Google Brain",
        "Google Cloud",
        "Google DeepMind",
        "Google Research",
    ]


# -- the command -------------------------------------------------------------------------------


def test_cli_dry_run_prints_the_summary(cli, data: Path) -> None:
    out = data / "imported" / "epoch"
    result = cli(
        "import", "epoch-models", MODELS, "--hardware", HARDWARE, "--out", out, "--data", data, "--dry-run",
        "--downloaded", "2025-02-24",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "rows read: 17 models (notable_ai_models_excerpt.csv)" in result.out
    assert "vendors new to the model layers: 4 (3 created, 1 existing)" in result.out
    assert f"files in {out}: would write 11 new, 0 changed, 0 unchanged, 0 removed" in result.out
    assert not out.exists()


def test_cli_without_hardware_table(cli, data: Path) -> None:
    """Without --hardware a chip still becomes an offering when its name starts with a known vendor."""
    out = data / "imported" / "epoch"
    result = cli("import", "epoch-models", MODELS, "--out", out, "--data", data, "--downloaded", "2025-02-24")
    assert result.code == 0, result.err
    assert check(data)[1] == []
    assert "google-tpu-v4" in {o["id"] for o in _file(data, "google")["offerings"]}
    assert "huawei-ascend-910" not in (out / "vendors" / "baidu.yaml").read_text(encoding="utf-8")
    assert "manufacturer unknown (not a vendor, not in the hardware table): " not in result.out
    assert "training hardware: manufacturer unknown (not a vendor, not in the hardware table)" in result.out


def test_cli_errors(cli, data: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Org\nx,y\n", encoding="utf-8")
    result = cli("import", "epoch-models", wrong, "--out", tmp_path / "out", "--data", data)
    assert result.code == 1 and "no column 'Model', 'Organization'" in result.err
    result = cli("import", "epoch-models", tmp_path / "missing.csv", "--out", tmp_path / "out", "--data", data)
    assert result.code == 1 and "file not found" in result.err
    result = cli("import", "epoch-models", MODELS, "--out", tmp_path / "out", "--downloaded", "yesterday")
    assert result.code == 2 and "YYYY-MM-DD" in result.err
    assert not (tmp_path / "out").exists()


# -- the data format's additions ---------------------------------------------------------------


def test_extends_aliases_and_licence_in_the_data_format(make_data) -> None:
    """`extends:` adds offerings to a vendor of another file; naming an unknown vendor is an error;
    `aliases` become skos:altLabel; `licence` must be a URL."""
    folder = make_data(
        {
            "vendors/extra.yaml": "extends: chipco\nsource: extra-src\n"
            "offerings:\n  - {id: chipco-x3, name: X3, layer: compute-hardware, fabbed_by: [fabco]}\n"
            "sources:\n  extra-src: {url: 'https://example.org', title: T, date: 2024-01-01,"
            " licence: 'https://creativecommons.org/licenses/by/4.0/'}\n",
            "vendors/aliased.yaml": "id: aliasco\nname: AliasCo\naliases: [Alias Co, AC]\nlayer: apps\n"
            "source: test-source\n",
        }
    )
    loaded, problems = check(folder)
    assert problems == []
    projection = project(loaded.store)
    assert "chipco-x3" in projection.vendors["chipco"].offerings
    rows = loaded.store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?a WHERE { GRAPH ?g { <https://w3id.org/stackmap/id/aliasco> skos:altLabel ?a } }"
    )
    assert sorted(r[0].value for r in rows) == ["AC", "Alias Co"]
    problems = [p.message for p in check(make_data({"vendors/extra.yaml": "extends: chipco\noffers: []\n"}))[1]]
    assert any("unknown key 'offers'" in m for m in problems)
    folder = make_data(
        {
            "vendors/extra.yaml": "extends: nobody\nsource: extra-src\n"
            "offerings:\n  - {id: x1, name: X1, layer: compute-hardware}\n"
            "sources:\n  extra-src: {url: 'https://example.org', title: T, date: 2024-01-01, licence: not-a-url}\n",
        }
    )
    problems = [p.format() for p in check(folder)[1]]
    assert any(p.startswith("vendors/extra.yaml:1: unknown id 'nobody' in `extends`") for p in problems)
    assert any("`licence` must be an http:// or https:// URL, not 'not-a-url'" in p for p in problems)
