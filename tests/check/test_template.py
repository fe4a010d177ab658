"""The vendor template of data/ is complete and valid: copied into a map, its only problems are the
made-up ids it refers to, and every key it shows is one data/README.md documents."""

from __future__ import annotations

import re

from graph.check.validate import check
from graph.source import yaml_reader
from graph.source.ontology import load_vocabulary
from graph.source.paths import shipped_data_dir

TEMPLATE = shipped_data_dir() / "template.yaml.example"


def test_the_template_checks_clean_on_the_mini_map_but_for_the_shipped_ids_it_names(make_data) -> None:
    """The template's references are its own example ids or real ids of the shipped map (on which it
    checks clean: tests/check/test_new_user.py); on another map only the shipped ids are unknown."""
    data = make_data({"vendors/example-vendor.yaml": TEMPLATE.read_text(encoding="utf-8")})
    _, problems = check(data)
    unknown = sorted(set(re.findall(r"unknown id '([a-z0-9-]+)'", "\n".join(p.message for p in problems))))
    assert unknown == ["google", "nvidia", "nvidia-h100", "openai", "sk-hynix-hbm", "tsmc-n5"]
    assert all(p.message.startswith("unknown id '") for p in problems)
    shipped = {i for f in check(shipped_data_dir())[0].files for i in f.declared}
    assert set(unknown) <= shipped


def test_template_and_readme_cover_the_keys() -> None:
    """The template shows the main keys; every key it uses is one the loader accepts, and every key
    the loader accepts is documented in data/README.md."""
    template_keys = set(re.findall(r"^\s*(?:- )?([a-z_]+):", TEMPLATE.read_text(encoding="utf-8"), re.MULTILINE))
    accepted = {
        *yaml_reader.VENDOR_KEYS, *yaml_reader.OFFERING_KEYS, *yaml_reader.REFERENCE_KEYS, *yaml_reader.MOAT_KEYS,
        *yaml_reader.FIGURE_KEYS, *yaml_reader.SOURCE_KEYS, *load_vocabulary().relations,
    }  # fmt: skip
    assert template_keys <= accepted
    for key in ("id", "name", "country", "homepage", "source", "parent", "invests_in", "partners_with", "offerings",
                "layer", "market", "moats", "figures", "sources", "fabbed_by", "share"):  # fmt: skip
        assert key in template_keys, key
    readme = (shipped_data_dir() / "README.md").read_text(encoding="utf-8")
    assert sorted(k for k in accepted if f"`{k}`" not in readme) == []
