"""`stackmap export --format graphml|gexf`: the projected network for graph tools, read back with
networkx and igraph and compared with the projection and the analyses."""

from __future__ import annotations

from pathlib import Path

import igraph
import networkx as nx
import pytest

from conftest import FIXTURES, MINI
from graph.analysis.results import analyse
from graph.check.validate import load_valid
from graph.model.projection import project

ESSAY_MAP = ("--data", str(FIXTURES / "essay-map"), "--as-of", "2023-01-19")  # fixed: the essay-era map on its day


@pytest.fixture(scope="module")
def analysed():
    import datetime as dt

    from graph.pipeline import load_checked

    return load_checked(FIXTURES / "essay-map", as_of=dt.date(2023, 1, 19)).analysis


@pytest.fixture(scope="module")
def mini_analysed(mini):
    return analyse(project(mini.store))


def _relations(graph: nx.DiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, kind) for u, v, data in graph.edges(data=True) for kind in data["relations"]}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reads_back_with_networkx_as_the_projection(cli, analysed, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"map.{fmt}"
    result = cli("export", "--format", fmt, "-o", path, *ESSAY_MAP)
    assert result.code == 0, result.err
    read = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    projection = analysed.projection.graph
    assert read.is_directed() and read.is_multigraph()
    assert set(read.nodes) == set(projection.nodes) and read.number_of_nodes() == 45
    assert {(u, v, d["kind"]) for u, v, d in read.edges(data=True)} == _relations(projection)
    assert read.number_of_edges() == sum(len(d["relations"]) for _, _, d in projection.edges(data=True)) == 62
    tsmc = read.nodes["tsmc-n5"]
    assert (tsmc["vendor"], tsmc["vendor_name"], tsmc["layer"], tsmc["country"]) == ("tsmc", "TSMC", "foundry", "TW")
    assert int(tsmc["chokepoint_rank"]) == 1 and int(tsmc["apps_cut_off"]) == 7
    assert int(tsmc["reach"]) == analysed.reach.nodes["tsmc-n5"] and int(tsmc["vendor_reach"]) == 7
    h100 = read.nodes["nvidia-h100"]
    assert (h100["vendor"], h100["layer"], int(h100["chokepoint_rank"])) == ("nvidia", "compute-hardware", 3)
    assert h100["label"] == analysed.projection.graph.nodes["nvidia-h100"]["label"] == "H100"
    kinds = {d["kind"] for u, v, d in read.edges(data=True) if (u, v) == ("nvidia-h100", "tsmc-n5")}
    assert kinds == {"fabbed_by"}


def test_graphml_reads_back_with_igraph(cli, analysed, tmp_path: Path) -> None:
    path = tmp_path / "map.graphml"
    assert cli("export", "--format", "graphml", "-o", path, *ESSAY_MAP).code == 0
    read = igraph.Graph.Read_GraphML(str(path))
    assert read.is_directed() and read.vcount() == 45 and read.ecount() == 62
    by_id = {v["id"]: v for v in read.vs}
    assert by_id["tsmc-n5"]["chokepoint_rank"] == 1 and by_id["tsmc-n5"]["country"] == "TW"
    assert by_id["chatgpt"]["layer"] == "end-to-end-apps" and by_id["chatgpt"]["vendor"] == "openai"
    edges = {(read.vs[e.source]["id"], read.vs[e.target]["id"], e["kind"]) for e in read.es}
    assert edges == _relations(analysed.projection.graph)
    # igraph's own reading of the network: TSMC's process is upstream of every app
    apps = [v.index for v in read.vs if v["layer"] in ("apps", "end-to-end-apps")]
    reached = set(read.subcomponent(by_id["tsmc-n5"].index, mode="in"))
    assert apps and set(apps) <= reached


def test_shares_and_weights_on_edges_and_the_same_bytes_twice(mini_analysed, tmp_path: Path) -> None:
    from graph.render.network_export import serialize

    again = analyse(project(load_valid(MINI).store))
    for fmt in ("graphml", "gexf"):
        data = serialize(mini_analysed, fmt)
        assert serialize(again, fmt) == data, fmt  # byte-identical, no date inside
        path = tmp_path / f"mini.{fmt}"
        path.write_bytes(data)
        read = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        projection = mini_analysed.projection.graph
        for u, v, attributes in read.edges(data=True):
            link = projection.edges[u, v]["relations"][attributes["kind"]]
            assert float(attributes["weight"]) == pytest.approx(link.weight)
            assert ("share" in attributes) == (link.share is not None)
        shares = {(u, v): float(d["share"]) for u, v, d in read.edges(data=True) if "share" in d}
        assert shares == {("appco-writer", "openco-small"): 0.25, ("cloudco-cloud", "chipco-x1"): 0.8}
    assert b"lastmodifieddate" not in serialize(mini_analysed, "gexf")
