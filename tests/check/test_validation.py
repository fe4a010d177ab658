"""Validation: every kind of bad input gives its exact `file:line: message`, all problems at once,
and the fast SHACL engine (shapes compiled to SPARQL on Oxigraph) agrees with pyshacl."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import BAD_DATA, FIXTURES, MINI, bad_case_folder
from graph.check.shacl_compiler import compile_shapes
from graph.check.validate import check, find_problems
from graph.source import loader
from graph.source.loader import read_folder
from graph.source.ontology import load_vocabulary, shapes_file
from graph.source.paths import shipped_data_dir

CASES = sorted(p.name for p in BAD_DATA.iterdir() if p.is_dir())


def test_corpus_covers_every_kind_of_problem() -> None:
    """The corpus holds at least 15 cases, each with a non-empty list of expected messages."""
    assert len(CASES) >= 15
    for case in CASES:
        assert (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").strip(), case


@pytest.mark.parametrize("case", CASES)
def test_bad_data_gives_exact_messages(case: str, tmp_path: Path) -> None:
    """Each bad file yields exactly the expected problems (file, line, message), nothing more."""
    _, problems = check(bad_case_folder(case, tmp_path / "data"))
    expected = (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [p.format() for p in problems] == expected


@pytest.mark.parametrize("case", CASES)
def test_engines_agree_on_bad_data(case: str, tmp_path: Path) -> None:
    """The compiled-SPARQL engine reports exactly what pyshacl reports, for every case."""
    loaded = read_folder(bad_case_folder(case, tmp_path / "data"))
    assert find_problems(loaded, engine="oxigraph") == find_problems(loaded, engine="pyshacl")


def test_engines_agree_on_the_essay_era_mini_and_shipped_maps() -> None:
    """Both engines find the essay-era, mini and shipped maps valid (pySHACL on the shipped map's
    18,000 triples takes about 13 s with each SPARQL constraint parsed once, 190 s without)."""
    for folder in (FIXTURES / "essay-map", MINI, shipped_data_dir()):
        loaded = read_folder(folder)
        assert find_problems(loaded, engine="oxigraph") == [], folder
        assert find_problems(loaded, engine="pyshacl") == [], folder


TURTLE_PREFIXES = """\
@prefix sm: <https://w3id.org/stackmap/ns/> .
@prefix stack: <https://w3id.org/stackmap/id/> .
@prefix layer: <https://w3id.org/stackmap/ns/layer/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

TURTLE_VIOLATIONS = (
    TURTLE_PREFIXES
    + """

stack:Bad_Co a sm:Vendor ;
    rdfs:label "Bad Co", "Bad Company" ;
    dcterms:source stack:test-source ;
    schema:url "not an iri" ;
    sm:layer layer:apps .

stack:bad-chip a sm:Offering ;
    rdfs:label "Chip"@en ;
    sm:offeredBy stack:Bad_Co, stack:chipco ;
    sm:layer layer:compute-hardware ;
    sm:openWeights "perhaps"^^xsd:boolean ;
    sm:market "AI chips" ;
    dcterms:source stack:test-source .

stack:bad-tie a sm:Dependency ;
    rdf:subject stack:bad-chip ;
    rdf:predicate sm:investsIn ;
    rdf:object stack:fabco ;
    sm:shareLevel stack:fabco ;
    dcterms:source stack:test-source .

stack:bad-figure a sm:Figure ;
    sm:metric stack:fabco ;
    schema:unitText "ratio", "USD" ;
    schema:value 0.5, 0.6 ;
    dcterms:temporal 2022 ;
    sm:about stack:test-source ;
    dcterms:source stack:test-source .

stack:bad-source a sm:Source ;
    dcterms:title "" ;
    schema:url <ftp://example.org/x> ;
    dcterms:date "2023-13-45"^^xsd:date ;
    dcterms:publisher "A", "B" .
"""
)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # the file holds `perhaps` on purpose
def test_engines_agree_on_many_core_constraints(make_data) -> None:
    """A Turtle file that breaks many SHACL core constraints at once: both engines report the same
    problems, and every kind of violation is there."""
    loaded = read_folder(make_data({"vendors/bad.ttl": TURTLE_VIOLATIONS}))
    ours = find_problems(loaded, engine="oxigraph")

    def without_value(problems):  # rdflib renders ill-typed literals differently; compare the rest
        return [(p.file, p.line, re.sub(r" \(found [^)]*\)$", "", p.message)) for p in problems]

    assert without_value(ours) == without_value(find_problems(loaded, engine="pyshacl"))
    text = "\n".join(p.format() for p in ours)
    for expected in (
        "an entity must be named stack:ID",  # stack:Bad_Co
        "`name` is required: one non-empty text",  # two labels, and a language-tagged one
        "`homepage` must be one http(s):// URL",
        "an offering is offered by exactly one vendor",
        "`open_weights` must be true or false",
        "`market` must be one id",
        "a qualitative `share` must be sole, major or minor",
        "a figure needs one `metric`",
        "a figure needs one `unit`",
        "a figure has at most one `value`",
        "a figure needs one `period`",
        "'test-source' in `about` is a source, but `about` needs a vendor or an offering",
        "a source needs one non-empty `title`",
        "a source needs one `url` starting with http:// or https://",
        "a source needs one publication `date` as YYYY-MM-DD",
        "`publisher` must be one text",
        "the tie says `invests_in` but the triple it qualifies is not stated",
    ):
        assert expected in text, expected


ILL_TYPED_SHARE = (
    TURTLE_PREFIXES
    + """

stack:newco a sm:Vendor ;
    rdfs:label "NewCo" ;
    sm:layer layer:apps ;
    sm:runsOn stack:cloudco-cloud ;
    dcterms:source stack:test-source .

stack:newco--runs-on--cloudco-cloud a sm:Dependency ;
    rdf:subject stack:newco ;
    rdf:predicate sm:runsOn ;
    rdf:object stack:cloudco-cloud ;
    sm:share "0.5x"^^xsd:decimal ;
    dcterms:source stack:test-source .
"""
)


def test_ill_typed_share_is_reported(make_data) -> None:
    """A share that is not a well-formed decimal is reported by the default engine (pyshacl's SPARQL
    crashes on it inside SUM, so this case has no reference comparison)."""
    _, problems = check(make_data({"vendors/newco.ttl": ILL_TYPED_SHARE}))
    assert [p.format() for p in problems] == [
        "vendors/newco.ttl:17: newco--runs-on--cloudco-cloud: `share` must be a number from 0 to 1 "
        "(or sole, major, minor) (found 0.5x)"
    ]


def test_all_problems_are_reported_at_once(make_data) -> None:
    """Problems in several files are all reported in one run: causes first, then by file and line."""
    data = make_data(
        {
            "vendors/a.yaml": "id: a\nname: A\nsource: test-source\nlayer: appz\n",
            "vendors/b.yaml": "id: b\nname: B\nsource: test-source\nlayer: apps\nruns_on: [cloudco-clod]\n",
            "vendors/c.yaml": "id: c\nname: [C\n",
        }
    )
    _, problems = check(data)
    # the file that cannot be read comes first (it may explain others), then by file and line
    assert [(p.file, p.line) for p in problems] == [("vendors/c.yaml", 3), ("vendors/a.yaml", 4), ("vendors/b.yaml", 5)]


def test_every_shape_compiles() -> None:
    """The compiler understands every constraint of the shipped shapes (it refuses what it lacks)."""
    checks = compile_shapes(shapes_file())
    assert len(checks) > 50
    assert all("?this" in c.query for c in checks)


def test_good_data_gives_no_problem_and_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    """The mini map, with a YAML and a Turtle vendor, checks clean and prints nothing."""
    _, problems = check(MINI)
    assert problems == []
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_empty_folder_is_a_problem(tmp_path: Path) -> None:
    """A folder without data files is reported, not silently accepted."""
    _, problems = check(tmp_path)
    assert [p.message for p in problems] == ["no data files (.yaml, .yml or .ttl) in the folder: add one"]


def test_yml_and_nested_folders_are_read(make_data) -> None:
    """`.yml` files in nested folders are read too, and hidden folders are skipped."""
    data = make_data(
        {
            "more/deep/newco.yml": "id: newco\nname: NewCo\nsource: test-source\nlayer: apps\n",
            ".git/ignored.yaml": "this: [is not read\n",
        }
    )
    loaded, problems = check(data)
    assert problems == []
    assert "more/deep/newco.yml" in [f.relpath for f in loaded.files]
    assert ".git/ignored.yaml" not in [f.relpath for f in loaded.files]


def test_yaml_scalars_resolve_to_null_and_bool_as_pyyaml_safe_loader_does() -> None:
    """The reader's loader tags plain scalars null or bool exactly where PyYAML's SafeLoader does,
    and everything else (numbers and dates included) as text, which the reader parses itself."""
    import yaml

    from graph.source.yaml_nodes import Loader as _Loader

    values = ["", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "no", "On", "OFF", "y", "n"]
    values += ["true", "True", "TRUE", "tRUE", "false", "0.3", "1e3", "3.8e9", "2023-01-19", "0x1F", ".inf", "<<"]
    values += ["'true'", '"null"', "!!str yes", "abc"]
    text = "\n".join(f"k{i}: {v}" for i, v in enumerate(values))
    ours = yaml.compose(text, Loader=_Loader)
    reference = yaml.compose(text, Loader=yaml.SafeLoader)
    kept = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool")
    for (_, mine), (_, theirs) in zip(ours.value, reference.value, strict=True):
        expected = theirs.tag if theirs.tag in kept else "tag:yaml.org,2002:str"
        assert (mine.value, mine.tag) == (theirs.value, expected)
    assert sum(n.tag == "tag:yaml.org,2002:bool" for _, n in ours.value) == 10
    assert sum(n.tag == "tag:yaml.org,2002:null" for _, n in ours.value) == 5


def test_data_files_are_listed_in_path_order_without_hidden_or_linked_folders(tmp_path: Path) -> None:
    """Sorted by path relative to the folder ('/' between parts); a link to a file counts, a link to a
    folder is not entered (as os.walk does), hidden files and folders and other suffixes are skipped."""
    from graph.source.loader import data_files

    for name in ["b.yaml", "a/z.yml", "a-b.yaml", "a/c/d.ttl", ".hidden/x.yaml", "a/.x.yaml", "notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("id: x\n", encoding="utf-8")
    (tmp_path / "linked.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "folder-link").symlink_to(tmp_path / "a", target_is_directory=True)
    found = [p.relative_to(tmp_path).as_posix() for p in data_files(tmp_path)]
    assert found == ["a-b.yaml", "a/c/d.ttl", "a/z.yml", "b.yaml", "linked.yaml"]


# -- hostile files ----------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(make_data, monkeypatch) -> None:
    """A 50 MB vendor file is one problem naming its size and how to raise the limit; with the limit
    raised, the same file reads (most of it is a comment)."""
    vendor = "id: bigco\nname: BigCo\nlayer: apps\nsource: test-source\n"
    data = make_data({"vendors/bigco.yaml": vendor + ("# " + "x" * 98 + "\n") * 500_000})
    _, problems = check(data)
    assert [p.format() for p in problems] == [
        "vendors/bigco.yaml: the file is 50,500,054 bytes, over the limit of 5,242,880 for one data file: "
        "split it, or raise the limit with the environment variable STACKMAP_MAX_FILE_MB (now 5)"
    ]
    monkeypatch.setenv("STACKMAP_MAX_FILE_MB", "60")
    assert check(data)[1] == []


def test_a_file_that_grows_after_its_size_was_taken_is_read_to_its_end(tmp_path: Path) -> None:
    """The loader reads the size fstat gave, and the bytes written since."""
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"id: growco\n")
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        with open(path, "ab") as more:
            more.write(b"name: GrowCo\n" * 1000)
        assert loader._read_all(descriptor, size) == b"id: growco\n" + b"name: GrowCo\n" * 1000
    finally:
        os.close(descriptor)


def test_a_file_given_in_short_reads_is_read_whole(make_data, monkeypatch) -> None:
    """A read may return less than asked (a file over 2 GiB, some network file systems): the loader
    reads on to the end of the file, and the vendor is read whole."""
    data = make_data()
    path = data / "vendors" / "appco.yaml"
    whole = loader.read_file(data, path, load_vocabulary())
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    piecemeal = loader.read_file(data, path, load_vocabulary())
    assert path.stat().st_size > 7 * 10
    assert (piecemeal.problems, piecemeal.declared, piecemeal.nquads) == ([], whole.declared, whole.nquads)


def test_a_link_to_a_valid_vendor_file_outside_the_folder_is_refused(make_data, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "evil.yaml"
    outside.parent.mkdir()
    outside.write_text("id: evilco\nname: EvilCo\nlayer: apps\nsource: test-source\n", encoding="utf-8")
    data = make_data()
    (data / "vendors" / "evil.yaml").symlink_to(outside)
    _, problems = check(data)
    assert [p.format() for p in problems] == [
        f"vendors/evil.yaml: is a link to '{outside}', outside the data folder: data files are read only inside "
        "it; copy the file in instead"
    ]


def test_any_error_while_reading_a_file_is_that_files_problem(make_data, monkeypatch) -> None:
    import graph.source.loader

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(graph.source.loader, "read_yaml", explode)
    data = make_data()
    _, problems = check(data)
    assert (
        "vendors/appco.yaml: the file could not be read (RecursionError: 'maximum recursion depth exceeded'): "
        "fix or remove it" in [p.format() for p in problems]
    )
    assert all(p.cause for p in problems if "could not be read" in p.message)


def test_the_cli_never_prints_control_characters_from_data(cli, tmp_path: Path) -> None:
    """Messages quoting a file's text show control and bidi characters as escapes."""
    result = cli("check", "--data", bad_case_folder("strict-scalars", tmp_path / "data"))
    assert result.code == 1 and "\\x07" in result.err and "\\u202e" in result.err
    assert not any(c in result.err for c in "\x00\x07\x1b\u202e")
    table = cli("query", 'SELECT ?x WHERE { BIND("\\u001b[31mred\\u202e" AS ?x) }', "--data", MINI)
    assert table.code == 0 and "\\x1b[31mred\\u202e" in table.out and "\x1b" not in table.out
