"""The `stackmap` command: every subcommand, its output, its exit codes and what it writes."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import MINI
from graph.analysis.rdf import analysis_quads
from graph.analysis.results import analyse, to_json
from graph.check.validate import summarise
from graph.model.projection import project
from graph.query.named import shipped as shipped_queries
from graph.render import export
from graph.render.report import FIGURES

REPORT_FIGURES = tuple(name for name in FIGURES if name != "timeline")  # the mini map is undated: no timeline

ID = "https://w3id.org/stackmap/id/"
MINI_SUMMARY = "ok: 9 files, 7 vendors, 9 offerings, 10 dependencies, 4 figures, 2 moat claims, 2 sources, 218 triples"
# A vendor file with two problems: a misspelt key (line 4) and an unknown layer (line 5).
BROKEN = "id: x\nname: X\nsource: test-source\noffrings: []\nlayer: compute\n"
COUNTRIES = "SELECT ?vendor ?country WHERE { ?vendor a sm:Vendor ; sm:headquartersCountry ?country } ORDER BY ?vendor"


def broken_problems(data: Path) -> list[str]:
    """The problem lines every command prints for the BROKEN file in data/vendors/x.yaml."""
    return [
        f"{data}/vendors/x.yaml:4: unknown key 'offrings' in the vendor; did you mean 'offerings'?",
        f"{data}/vendors/x.yaml:5: unknown layer 'compute'; did you mean 'compute-hardware'? The leaf layers of "
        "infrastructure: cloud-platforms, compute-hardware, memory, advanced-packaging, foundry or "
        "lithography-equipment",
    ]


# -- help and usage ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["query"], ["queries"], ["export"]], ids=str)
def test_help_has_examples(cli, command):
    """`--help` of the command and of every subcommand exits 0 and shows examples."""
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("usage: stackmap")
    assert "examples:\n  stackmap " in result.out
    assert result.err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
        (["check", "--frob"], "unrecognized arguments: --frob"),
        (["query"], "the following arguments are required: QUERY"),
        (["query", "vendors-by-layer", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["export", "--format", "rdfxml"], "argument --format: invalid choice: 'rdfxml'"),
        (["queries", "--format", "csv"], "argument --format: invalid choice: 'csv'"),
        (["query", "vendors-by-layer", "--limit", "many"], "argument --limit: 'many' is not a number"),
        (["query", "vendors-by-layer", "--limit", "0"], "argument --limit: must be more than 0, not 0"),
        (["query", "vendors-by-layer", "--timeout", "-1"], "argument --timeout: must be more than 0, not -1"),
    ],
    ids=["unknown-command", "no-command", "unknown-option", "missing-query", "query-format", "export-format",
         "queries-format", "limit-not-int", "limit-zero", "timeout-negative"],
)  # fmt: skip
def test_wrong_usage_exits_2(cli, args, message):
    """Wrong usage exits 2 with argparse's message on stderr and nothing on stdout."""
    result = cli(*args)
    assert result.code == 2
    assert message in result.err
    assert result.err.startswith("usage: stackmap")
    assert result.out == ""


@pytest.mark.parametrize("command", [["check"], ["build"], ["query", "vendors-by-layer"], ["export"]], ids=str)
def test_missing_data_folder_exits_2(cli, tmp_path, command):
    """`--data` naming a folder that does not exist is wrong usage (exit 2), and nothing is written."""
    missing = tmp_path / "nope"
    result = cli(*command, "--data", missing, *(["--out", tmp_path / "out"] if command == ["build"] else []))
    assert result.code == 2
    assert result.err.endswith(f"stackmap {command[0]}: error: data folder not found: {missing}\n")
    assert result.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- check ------------------------------------------------------------------------------------


def test_check_shipped(cli, shipped):
    """`check` on the shipped data exits 0 and prints exactly the one-line summary of its counts."""
    result = cli("check")
    assert (result.code, result.err) == (0, "")
    assert result.out == summarise(shipped).line() + "\n"
    assert result.out.startswith("ok: ") and result.out.count("\n") == 1


def test_check_mini(cli):
    """`check` on the mini map prints the counts of its files (counted by hand), and no warnings."""
    result = cli("check", "--data", MINI)
    assert (result.code, result.out, result.err) == (0, MINI_SUMMARY + "\n", "")


def test_check_bad_data(cli, make_data):
    """`check` on bad data exits 1 and prints every problem as `<datadir>/file:line: message`, then the count."""
    data = make_data({"vendors/x.yaml": BROKEN})
    result = cli("check", "--data", data)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [*broken_problems(data), "2 problems found"]


def test_check_with_the_reference_engine(cli, make_data):
    """`check --engine pyshacl` reports exactly what the default engine reports, SHACL problems included."""
    data = make_data({"vendors/x.yaml": "id: x\nname: X\ncountry: usa\nsource: test-source\nlayer: apps\n"})
    default = cli("check", "--data", data)
    reference = cli("check", "--data", data, "--engine", "pyshacl")
    assert default.code == reference.code == 1
    assert default.err == reference.err
    assert f"{data}/vendors/x.yaml:3: x: `country` must be one ISO 3166-1 alpha-2 code" in default.err


def test_check_one_problem_is_singular(cli, make_data):
    """One problem is counted as '1 problem found'; a problem of the whole file has no line number."""
    data = make_data({"vendors/x.yaml": ""})
    result = cli("check", "--data", data)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{data}/vendors/x.yaml: the file is empty: describe a vendor in it (see data/template.yaml.example) "
        "or delete it",
        "1 problem found",
    ]


# -- query ------------------------------------------------------------------------------------


def test_query_table_default(cli):
    """`query` prints a table by default."""
    result = cli("query", COUNTRIES, "--data", MINI)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "vendor         country",
        "-------------  -------",
        "stack:appco    US",
        "stack:chipco   US",
        "stack:cloudco  US",
        "stack:fabco    TW",
        "stack:lithoco  NL",
        "stack:modelco  GB",
        "stack:openco   FR",
        "(7 rows)",
    ]


def test_query_formats(cli):
    """`--format csv`, `tsv` and `json` write the SPARQL 1.1 result formats."""
    csv_out = cli("query", COUNTRIES, "--data", MINI, "--format", "csv", "--limit", "2")
    assert csv_out.code == 0
    assert csv_out.out == f"vendor,country\r\n{ID}appco,US\r\n{ID}chipco,US\r\n"
    assert csv_out.err == "note: only the first 2 results are shown (raise --limit for more)\n"
    tsv_out = cli("query", COUNTRIES, "--data", MINI, "--format", "tsv", "--limit", "7")
    assert (tsv_out.code, tsv_out.err) == (0, "")
    assert tsv_out.out.splitlines()[0] == "?vendor\t?country"
    assert tsv_out.out.splitlines()[-1] == f'<{ID}openco>\t"FR"'
    assert len(tsv_out.out.splitlines()) == 8
    json_out = cli("query", "ASK { stack:lithoco sm:headquartersCountry 'NL' }", "--data", MINI, "--format", "json")
    assert (json_out.code, json_out.err) == (0, "")
    assert json.loads(json_out.out) == {"head": {}, "boolean": True}


def test_query_shipped_name(cli):
    """A shipped query runs by name: vendors-by-layer lists each (layer, vendor) pair of the mini map."""
    result = cli("query", "vendors-by-layer", "--data", MINI, "--format", "csv")
    assert (result.code, result.err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["layerId"], r["vendorId"]) for r in rows] == [
        ("apps", "appco"),
        ("closed-foundation-models", "modelco"),
        ("open-foundation-models", "openco"),
        ("cloud-platforms", "cloudco"),
        ("compute-hardware", "chipco"),
        ("advanced-packaging", "fabco"),
        ("foundry", "fabco"),
        ("lithography-equipment", "lithoco"),
    ]
    assert next(r["offerings"] for r in rows if r["vendorId"] == "chipco") == "2"


def test_query_rq_file(cli, tmp_path):
    """A path to a .rq file runs the query in the file."""
    path = tmp_path / "netherlands.rq"
    path.write_text("# vendors in the Netherlands\nSELECT ?v WHERE { ?v sm:headquartersCountry 'NL' }\n", "utf-8")
    result = cli("query", path, "--data", MINI, "--format", "csv")
    assert (result.code, result.out, result.err) == (0, f"v\r\n{ID}lithoco\r\n", "")


def test_query_refused_update(cli):
    """An update is refused: exit 1, the reason on stderr, nothing on stdout."""
    result = cli("query", "DELETE WHERE { ?s ?p ?o }", "--data", MINI)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "stackmap query: updates are refused (DELETE): stackmap queries are read-only; change the data files instead\n"
    )


def test_query_runaway_memory_and_deep_nesting_end_with_a_message(cli):
    """A query that would use all the memory there is stops at --memory; 3,000 nested groups are
    refused before the engine (they crashed its parser); the command exits 1 with the reason."""
    runaway = cli(
        "query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g", "--data", MINI, "--memory", 100
    )
    assert (runaway.code, runaway.out) == (1, "")
    assert runaway.err == (
        "stackmap query: query stopped: it needed more than 100 MB of memory: narrow it, or raise --memory\n"
    )
    nested = cli("query", "ASK " + "{" * 3000, "--data", MINI)
    assert nested.code == 1 and nested.err.startswith("stackmap query: the query nests more than 64 brackets")
    hidden = cli("query", "SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--data", MINI)
    assert hidden.code == 1 and "SERVICE is refused" in hidden.err


def test_query_malformed(cli):
    """A malformed query exits 1 with 'malformed query' on stderr."""
    result = cli("query", "SELECT ?v WHERE { ?v a }", "--data", MINI)
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("stackmap query: malformed query: ")


def test_query_unknown_name(cli):
    """An unknown query name exits 1 with a did-you-mean."""
    result = cli("query", "vendors-by-layr")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "stackmap query: unknown query 'vendors-by-layr'; did you mean 'vendors-by-layer'? "
        "(`stackmap queries` lists them)\n"
    )


def test_query_bad_data(cli, make_data):
    """A query on bad data exits 1 with the problems, and runs nothing."""
    data = make_data({"vendors/x.yaml": BROKEN})
    result = cli("query", COUNTRIES, "--data", data)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        *broken_problems(data),
        "stackmap query: 2 problems found, nothing done; `stackmap check` validates fully",
    ]


# -- queries ----------------------------------------------------------------------------------


def test_queries_lists_every_query(cli):
    """`queries` lists every shipped query with its question, one line each, and the count."""
    result = cli("queries")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    queries = shipped_queries()
    assert len(lines) == len(queries) + 2
    for line, query in zip(lines, queries, strict=False):
        name, _, question = line.partition(" ")
        assert (name, question.strip()) == (query.name, query.question)
    assert lines[-2:] == ["", f"run one with: stackmap query NAME   ({len(queries)} queries)"]
    assert "vendors-by-layer" in [q.name for q in queries]


def test_queries_json(cli):
    """`queries --format json` is a JSON list of name, title and question."""
    result = cli("queries", "--format", "json")
    assert (result.code, result.err) == (0, "")
    items = json.loads(result.out)
    assert [(i["name"], i["title"], i["question"]) for i in items] == [
        (q.name, q.title, q.question) for q in shipped_queries()
    ]
    assert next(i for i in items if i["name"] == "vendors-by-layer") == {
        "name": "vendors-by-layer",
        "title": "Vendors by layer",
        "question": "Which are the leading vendors of each layer of the stack, top to bottom, and how many vendors"
        " does each layer hold?",
        "parameters": "none (reads the analysis results: `stackmap build` writes them, `stackmap query` adds them)",
    }


# -- build ------------------------------------------------------------------------------------


def test_build(cli, mini, tmp_path):
    """`build` writes TriG and N-Quads that parse back to every quad of the loaded map plus the analysis
    graph, and analysis.json; no temporaries."""
    out = tmp_path / "out"
    result = cli("build", "--data", MINI, "--out", out)
    assert (result.code, result.err) == (0, "")
    report = sorted(["report.html", "report.md", *(f"figures/{name}.svg" for name in REPORT_FIGURES)])
    assert result.out.splitlines() == [
        MINI_SUMMARY,
        *(
            f"wrote {out}/{name}"
            for name in sorted(["analysis.json", "stackmap.html", "stackmap.nq", "stackmap.trig", *report])
        ),
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "analysis.json",
        "figures",
        *report[-2:],
        "stackmap.html",
        "stackmap.nq",
        "stackmap.trig",
    ]
    analysis = analyse(project(mini.store))
    expected = {str(q) for q in mini.store} | {str(q) for q in analysis_quads(analysis)}
    trig = {str(q) for q in ox.parse((out / "stackmap.trig").read_bytes(), format=ox.RdfFormat.TRIG)}
    nquads = {str(q) for q in ox.parse((out / "stackmap.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)}
    # 126 quads, and 132 of layer leaders: 4 per summary of the 11 leaf layers, 4 for each of the 8
    # layers' one country and 6 for its one leader, and 4 for each of the 2 moat claims' (layer, type);
    # 22 supply-chain vendors of the leaders' nodes: the app 6, each model 4, the cloud 3, each chip 2
    # and the foundry process 1 (lithoco), the packaging and the lithography none
    assert len(analysis_quads(analysis)) == 126 + 11 * 4 + 8 * 4 + 8 * 6 + 2 * 4 + (6 + 4 + 4 + 3 + 2 + 2 + 1)
    assert trig == nquads == expected
    assert (out / "analysis.json").read_bytes() == to_json(analysis)


def test_build_bad_data_creates_nothing(cli, make_data, tmp_path):
    """`build` on bad data exits 1 and does not create the output folder."""
    data = make_data({"vendors/x.yaml": BROKEN})
    out = tmp_path / "out"
    result = cli("build", "--data", data, "--out", out)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        *broken_problems(data),
        f"stackmap build: 2 problems found, nothing done; {out} was not written",
    ]
    assert not out.exists()


def test_build_bad_data_leaves_previous_output(cli, make_data, tmp_path):
    """`build` on bad data leaves an earlier build's files byte-identical and untouched."""
    out = tmp_path / "out"
    assert cli("build", "--data", MINI, "--out", out).code == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    data = make_data({"vendors/x.yaml": BROKEN})
    assert cli("build", "--data", data, "--out", out).code == 1
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == before


def test_a_build_interrupted_at_the_switch_leaves_the_previous_output(cli, make_data, tmp_path, monkeypatch):
    """The step that puts the new output in place fails: every file of the previous build is as it
    was, and no scratch folder is left."""
    from graph.runtime import atomic

    out = tmp_path / "out"
    assert cli("build", "--data", MINI, "--out", out).code == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    data = make_data({"vendors/newco.yaml": "id: newco\nname: NewCo\nlayer: apps\nsource: test-source\n"})

    def fail(a, b):
        raise OSError("interrupted")

    monkeypatch.setattr(atomic, "_exchange", fail)
    failed = cli("build", "--data", data, "--out", out)
    assert (
        failed.code == 1 and failed.err == f"stackmap build: could not write {out}: interrupted; it is left as it was\n"
    )
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


# -- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "jsonld"])
def test_export_stdout(cli, mini, fmt):
    """`export` writes the serialisation to standard output."""
    result = cli("export", "--data", MINI, "--format", fmt)
    assert (result.code, result.err) == (0, "")
    assert result.out.encode("utf-8") == export.serialize(mini.store, fmt)


def test_export_default_is_turtle(cli, mini):
    """`export` without --format writes Turtle."""
    assert cli("export", "--data", MINI).out.encode("utf-8") == export.serialize(mini.store, "turtle")


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "jsonld"])
def test_export_to_file(cli, mini, tmp_path, fmt):
    """`export -o FILE` replaces FILE with the serialisation, leaving no temporary file."""
    target = tmp_path / f"map.{export.EXTENSIONS[fmt]}"
    target.write_text("old content\n", encoding="utf-8")
    result = cli("export", "--data", MINI, "--format", fmt, "-o", target)
    expected = export.serialize(mini.store, fmt)
    assert (result.code, result.out) == (0, "")
    assert result.err == f"wrote {target} ({len(expected):,} bytes)\n"
    assert target.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_export_bad_data(cli, make_data, tmp_path):
    """`export` on bad data exits 1 and leaves the target file alone."""
    data = make_data({"vendors/x.yaml": BROKEN})
    target = tmp_path / "map.ttl"
    target.write_text("old content\n", encoding="utf-8")
    result = cli("export", "--data", data, "-o", target)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[-1] == "stackmap export: 2 problems found, nothing done"
    assert target.read_text(encoding="utf-8") == "old content\n"


# -- the installed command --------------------------------------------------------------------


def test_installed_command_finds_shipped_data(shipped, tmp_path):
    """The installed `stackmap` script, run from another folder, checks the shipped data (exit 0)."""
    script = shutil.which("stackmap") or shutil.which("stackmap", path=str(Path(sys.executable).parent))
    assert script, "the stackmap console script is not installed"
    completed = subprocess.run(
        [script, "check"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout == summarise(shipped).line() + "\n"


def test_build_files_have_the_usual_mode(cli, tmp_path):
    """Built files get the mode the umask gives new files (not the private 0600 of a temp file)."""
    old = os.umask(0o022)
    try:
        assert cli("build", "--data", MINI, "--out", tmp_path / "out").code == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert modes == {"analysis.json": 0o644, "stackmap.html": 0o644, "stackmap.nq": 0o644, "stackmap.trig": 0o644} | {
        name: 0o644 for name in ["report.md", "report.html", *(f"{figure}.svg" for figure in REPORT_FIGURES)]
    }


def test_progress_shows_a_moving_count_at_most_once_a_second(capsys, monkeypatch) -> None:
    """Stage messages always print; repeats of one count within a second are dropped."""
    from graph.cli import common as cli

    clock = iter([10.0, 10.1, 10.2, 10.3, 11.5, 11.6])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    report = cli.progress_printer(10.0)
    for message in ["read 5,000 of 9,000 files", "read 6,000 of 9,000 files", "analysing 12 nodes"]:
        report(message)
    for message in ["chokepoints: 1 of 3 nodes", "chokepoints: 2 of 3 nodes", "chokepoints: 3 of 3 nodes"]:
        report(message)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "[  0.0s] read 5,000 of 9,000 files",
        "[  0.2s] analysing 12 nodes",
        "[  0.3s] chokepoints: 1 of 3 nodes",
        "[  1.5s] chokepoints: 2 of 3 nodes",
    ]


def test_one_shot_commands_run_without_the_cyclic_collector(monkeypatch) -> None:
    """A command runs with the collector off (it keeps what it loads until it exits); `serve` keeps
    it on; the caller's setting is restored after."""
    import dataclasses

    from graph import cli

    seen = {}
    commands = list(cli.COMMANDS)
    for i, command in enumerate(commands):
        if command.name in ("queries", "serve"):
            spy = lambda args, name=command.name: seen.setdefault(name, gc.isenabled()) and 0  # noqa: E731
            commands[i] = dataclasses.replace(command, run=spy)
    monkeypatch.setattr(cli, "COMMANDS", commands)
    assert gc.isenabled()
    cli.main(["queries"])
    cli.main(["serve"])
    assert seen == {"queries": False, "serve": True}
    assert gc.isenabled()
