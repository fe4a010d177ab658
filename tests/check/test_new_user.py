"""Adding a vendor as a new user would: the template checks clean, each mistake gets one message that
points the right way, `find` and the JSON Schema help on the way, and the README's transcript is what
the commands print."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BAD_DATA, MINI, ROOT
from graph.source.ontology import load_vocabulary
from graph.source.paths import shipped_data_dir
from graph.source.schema import vendor_schema
from graph.source.yaml_nodes import BOOL_TAG, NULL_TAG, Loader, number_of

README = ROOT / "README.md"
FIRST_TRY = """id: elicit
name: Elicit
country: US
source: https://ought.org/updates/2022-04-08-elicit-plan
offerings:
  - id: elicit-app
    name: Elicit
    layer: applications
    uses_model: [openai]
"""
SECOND_TRY = FIRST_TRY.replace(
    "source: https://ought.org/updates/2022-04-08-elicit-plan",
    "source: {url: https://ought.org/updates/2022-04-08-elicit-plan, title: The Plan for Elicit, date: 2022-04-08}",
).replace("layer: applications", "layer: apps")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(shipped_data_dir(), data)
    return data


def test_the_template_checks_clean_as_it_is(cli, shipped_copy: Path) -> None:
    shutil.copyfile(shipped_copy / "template.yaml.example", shipped_copy / "vendors" / "example-vendor.yaml")
    result = cli("check", "--data", shipped_copy, "--strict")
    assert result.code == 0 and result.err == "" and result.out.startswith("ok: ")


def _readme_block_after(marker: str) -> list[str]:
    """The lines of the README's code block that follows the line holding marker."""
    text = README.read_text(encoding="utf-8")
    start = text.index("```", text.index(marker)) + 3
    block = text[text.index("\n", start) + 1 : text.index("```", start)]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_readme_transcript_is_what_check_prints(cli, shipped_copy: Path, monkeypatch) -> None:
    """The README's "add a vendor" steps, followed literally: the template, then a first try with two
    mistakes, then a second try that ends in `ok:`; the printed lines are the README's."""
    monkeypatch.chdir(shipped_copy.parent)
    target = shipped_copy / "vendors" / "elicit.yaml"
    shutil.copyfile(shipped_copy / "template.yaml.example", target)
    assert cli("check", "data/vendors/elicit.yaml", "--data", "data").code == 0
    target.write_text(FIRST_TRY, encoding="utf-8")
    first = cli("check", "data/vendors/elicit.yaml", "--data", "data")
    assert first.code == 1
    assert ["$ stackmap check data/vendors/elicit.yaml", *first.err.splitlines()] == _readme_block_after(
        "A real first try"
    )
    target.write_text(SECOND_TRY, encoding="utf-8")
    second = cli("check", "data/vendors/elicit.yaml", "--data", "data")
    assert second.code == 0
    shown = ["$ stackmap check data/vendors/elicit.yaml", *second.err.splitlines(), *second.out.splitlines()]
    assert shown == _readme_block_after("The second try")
    target.write_text(SECOND_TRY.replace("[openai]", "[gpt-3-5]"), encoding="utf-8")
    assert cli("check", "data/vendors/elicit.yaml", "--data", "data", "--strict").code == 0


def test_find_lists_ids_by_name_as_the_readme_shows(cli) -> None:
    found = cli("find", "gpt")
    assert ["$ stackmap find gpt", *found.out.splitlines()] == _readme_block_after("Find\n   the ids")
    data = json.loads(cli("find", "X1", "--data", MINI, "--format", "json").out)
    assert data[0] == {"id": "chipco-x1", "kind": "offering", "name": "X1", "file": "vendors/chipco.yaml", "line": 6}
    assert cli("find", "zzzz", "--data", MINI).err == "nothing matches 'zzzz'\n"


@pytest.mark.parametrize(
    ("mistake", "fixed"),
    [
        ("    layer: applications\n", "    layer: apps\n"),  # an app
        ("    runs_on: [azure-cloud]\n", "    runs_on: [azure]\n"),  # a model served on a cloud
        ("    fabbed_by: [tsmc]\n", "    fabbed_by: [tsmc-n5]\n"),  # a chip fabbed at a foundry node
    ],
    ids=["app", "model-on-a-cloud", "chip-at-a-node"],
)
def test_a_new_vendor_checks_clean_on_the_second_try(cli, shipped_copy: Path, mistake: str, fixed: str) -> None:
    """Each first mistake gets one message naming the fix (or the command that finds it)."""
    layer = {"app": "apps", "model-on-a-cloud": "closed-foundation-models", "chip-at-a-node": "compute-hardware"}
    kind = next(k for k, v in {"app": "layer:", "model-on-a-cloud": "runs_on", "chip-at-a-node": "fab"}.items()
                if v in mistake)  # fmt: skip
    body = mistake if kind == "app" else f"    layer: {layer[kind]}\n{mistake}"
    text = "id: newco\nname: NewCo\nsource: {url: https://example.org/n, title: NewCo, date: 2024-01-02}\n"
    text += "offerings:\n  - id: newco-x\n    name: X\n" + body
    target = shipped_copy / "vendors" / "newco.yaml"
    target.write_text(text, encoding="utf-8")
    first = cli("check", "--data", shipped_copy, target)
    problems = first.err.splitlines()
    messages = {
        "app": "name one of its leaf layers, end-to-end-apps or apps",
        "model-on-a-cloud": "(`stackmap find azure` lists them)",
        "chip-at-a-node": "name the one meant (fabbed_by: [tsmc-12nm])",
    }
    assert len([p for p in problems if "newco.yaml" in p]) == 1 and messages[kind] in first.err
    target.write_text(text.replace(mistake, fixed), encoding="utf-8")
    second = cli("check", "--data", shipped_copy, target, "--strict")
    assert second.code == 0 and second.out.startswith("ok: ")


def test_a_source_given_in_place_exports_like_a_declared_one(cli, make_data) -> None:
    inline = make_data(
        {"vendors/newco.yaml": "id: newco\nname: NewCo\nlayer: apps\n"
         "source: {url: 'https://example.org/news', title: NewCo launches, date: 2024-01-02}\n"}
    )  # fmt: skip
    exported = cli("export", "--data", inline, "--format", "nquads").out
    source = re.search(r"<https://w3id.org/stackmap/id/newco> <http://purl.org/dc/terms/source> <([^>]+)>", exported)
    assert source and source.group(1).startswith("https://w3id.org/stackmap/id/example-org-news-")
    facts = [
        '<http://purl.org/dc/terms/title> "NewCo launches"',
        "<https://schema.org/url> <https://example.org/news>",
        '<http://purl.org/dc/terms/date> "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>',
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/stackmap/ns/Source>",
    ]
    for fact in facts:
        assert f"<{source.group(1)}> {fact}" in exported


def test_a_vendor_named_as_a_dependency_warns_and_keeps_to_the_consumers_market(cli, make_data) -> None:
    """A vendor with a chat model and an image model: an image app that names it takes the image model
    (same market) and no warning; an app of no market takes both, with a warning naming them; `any:
    true` silences it; --strict fails on it."""
    maker = (
        "id: duoco\nname: DuoCo\nsource: test-source\nofferings:\n"
        "  - {id: duoco-chat, name: Chat, layer: closed-foundation-models, market: chat, runs_on: [cloudco-cloud]}\n"
        "  - {id: duoco-image, name: Image, layer: closed-foundation-models, market: image-generation,"
        " runs_on: [cloudco-cloud]}\n"
    )
    app = "id: picco\nname: PicCo\nsource: test-source\nofferings:\n  - id: picco-app\n    name: Pic\n    layer: apps\n"
    picco = app + "    market: image-generation\n    uses_model: [duoco]\n"
    plainco = app.replace("picco", "plainco") + "    uses_model: [duoco]\n"
    data = make_data({"vendors/duoco.yaml": maker, "vendors/picco.yaml": picco, "vendors/plainco.yaml": plainco})
    from graph.pipeline import load_checked

    graph = load_checked(data).projection.graph
    assert sorted(graph.successors("picco-app")) == ["duoco-image"]
    assert sorted(graph.successors("plainco-app")) == ["duoco-chat", "duoco-image"]
    result = cli("check", "--data", data)
    assert result.code == 0 and result.out.endswith("(1 warning)\n")
    assert result.err == (
        f"{data}/vendors/plainco.yaml:8: warning: plainco-app (uses_model: duoco): `uses_model` names the vendor "
        "duoco, which stands for 2 of its offerings here (duoco-chat, duoco-image): name the one meant "
        "(uses_model: [duoco-chat]), or write {id: duoco, any: true} when any of them is\n"
    )
    assert cli("check", "--data", data, "--strict").code == 1
    (data / "vendors" / "plainco.yaml").write_text(
        app.replace("picco", "plainco") + "    uses_model: [{id: duoco, any: true}]\n", encoding="utf-8"
    )
    assert cli("check", "--data", data, "--strict").code == 0


def test_check_one_file_reports_only_its_problems(cli, make_data) -> None:
    b = "id: b\nname: B\nsource: test-source\nlayer: apps\nruns_on: [cloudco-clod]\n"
    data = make_data({"vendors/a.yaml": "id: a\nname: A\nsource: test-source\nlayer: appz\n", "vendors/b.yaml": b})
    one = cli("check", "--data", data, data / "vendors" / "b.yaml")
    assert one.code == 1 and "vendors/b.yaml:5" in one.err and "a.yaml" not in one.err
    assert cli("check", "--data", data, "vendors/b.yaml").err == one.err  # a path inside the data folder
    wrong = cli("check", "--data", data, "/etc/hostname")
    assert wrong.code == 2 and "is not inside the data folder" in wrong.err


# -- the JSON Schema ------------------------------------------------------------------------


def _plain(node: yaml.Node):
    """A YAML node as YAML 1.2 reads it, as editors do: `2024-03-18` stays text, `3.8e9` is a number."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(k): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    if node.tag == NULL_TAG:
        return None
    if node.tag == BOOL_TAG:
        return node.value.lower() in ("true", "yes", "on")
    number = number_of(node)
    if number is None or node.style:
        return node.value
    return int(number) if re.fullmatch(r"[+-]?\d+", node.value) else float(number)


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((shipped_data_dir() / "vendor.schema.json").read_bytes()))


def _errors(path: Path) -> list:
    return list(_validator().iter_errors(_plain(yaml.compose(path.read_text(encoding="utf-8"), Loader=Loader))))


def test_the_shipped_schema_is_what_stackmap_schema_makes(cli) -> None:
    made = cli("schema").out
    assert made == (shipped_data_dir() / "vendor.schema.json").read_text(encoding="utf-8")
    schema = json.loads(made)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == vendor_schema(load_vocabulary(), shipped_data_dir() / "README.md")
    assert schema["properties"]["name"]["description"] == "display name"  # from data/README.md
    assert schema["$defs"]["offering"]["properties"]["layer"]["enum"][:2] == ["advanced-packaging", "apps"]
    assert (
        (shipped_data_dir() / "template.yaml.example")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../vendor.schema.json\n")
    )


def test_every_shipped_file_meets_the_schema() -> None:
    files = [*shipped_data_dir().rglob("*.yaml"), *MINI.rglob("*.yaml"), shipped_data_dir() / "template.yaml.example"]
    assert len(files) > 30
    for path in files:
        assert _errors(path) == [], path


# The bad-data cases whose mistake is one of shape (a key, a type, a required key, an enumeration):
# the schema refuses the file as `check` does; the others are about references, sums or sources,
# which only `check` sees, and the schema accepts them.
SHAPE_CASES = [
    *("dates", "extends-aliases-licence", "figure-values", "missing-id", "missing-name", "non-leaf-layer"),
    *("strict-scalars", "top-layer", "unknown-key", "unknown-layer", "unknown-metric-and-unit"),
    *("unknown-moat-type", "wrong-type"),
]
OTHER_CASES = [
    *("duplicate-id", "fact-without-source", "market-shares-over-one", "shares-over-one", "suggestions"),
    *("unknown-reference", "unknown-source", "vendor-without-fitting-offering", "wrong-kind-reference"),
    "yaml-custom-tag",  # a YAML tag is below what a JSON Schema sees
]


@pytest.mark.parametrize("case", SHAPE_CASES + OTHER_CASES)
def test_the_schema_and_check_agree_on_shape(case: str) -> None:
    files = sorted((BAD_DATA / case).rglob("*.yaml"))
    refused = [p for p in files if _errors(p)]
    if case in SHAPE_CASES:
        assert refused, f"{case}: the schema accepts what check refuses"
    else:
        assert refused == [], f"{case}: the schema refuses what is not a matter of shape"
