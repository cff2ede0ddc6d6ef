"""Exports over a KB built with the real pipeline from short texts written here: every format is
read back by a real parser (networkx for GEXF and GraphML, csv, json, the followthemoney model
for FtM) and its counts and spans checked against the KB's own queries."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kartoteka import KB
from kartoteka.export import export
from kartoteka.export.ftm import ftm_id, schema_for
from kartoteka.export.gexf import write_gexf
from kartoteka.export.graph import Graph
from kartoteka.export.graphml import write_graphml
from kartoteka.export.scope import EVERY, make_scope
from kartoteka.export.tables import COLUMNS, conflict_rows
from kartoteka.export.xmlout import xml_text
from tests.conftest import run_cli

# Written for these tests: a chronicle of the security police (an appointment to an office, a
# succession of agencies the pack knows, an arrest, a denial), a memoir that dates the arrest
# differently, and a letter by a typist no pack knows.
DOCS = {
    "chronicle.txt": """The Commissariat and Its Chiefs

The Cheka gave way to the GPU in 1922, and the GPU became the OGPU a year later. In July 1934 the
OGPU was folded into the NKVD, and Genrikh Yagoda was appointed People's Commissar for Internal
Affairs in July 1934. He ran the commissariat from the Lubyanka in Moscow.

In 1917 Nikolai Yezhov joined the Bolsheviks. On 26 September 1936 Nikolai Yezhov replaced
Yagoda as head of the NKVD. Yagoda was arrested on 28 March 1937 in Moscow, and Yagoda was
executed on 15 March 1938. Nikolai Bukharin was not arrested in 1936.
""",
    "memoir.txt": """Years in the Archive

As I recall it, Yagoda was arrested in April 1937, and after that nobody in the Lubyanka spoke of
him. Sergei Kirov was killed in Leningrad on 1 December 1934 by Leonid Nikolaev.
""",
    "letter.txt": """A Letter from Kazan

Marta Lindqvist, a typist at the Lubyanka archive, wrote to her sister in Kazan in May 1937 that
Yezhov had visited the archive twice that spring.
""",
}


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export-corpus")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("export-kb") / "kb.db"
    res = run_cli("--db", db, "ingest", folder)
    assert res.code == 0, res.stderr
    return db


@pytest.fixture(scope="module")
def kb(kb_path: Path) -> Iterator[KB]:
    with KB(kb_path, create=False) as k:
        yield k


@pytest.fixture(scope="module")
def out(kb_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every format exported once through the command line, unscoped."""
    folder = tmp_path_factory.mktemp("exports")
    for fmt, name in (("gexf", "kb.gexf"), ("graphml", "kb.graphml"), ("jsonl", "kb.jsonl"), ("ftm", "kb.ftm.json"),
                      ("csv", "tables")):
        res = run_cli("--db", kb_path, "export", fmt, "--out", folder / name, "--json")
        assert res.code == 0, res.stderr
        summary = json.loads(res.stdout)
        assert summary["format"] == fmt and summary["counts"]
    return folder


def _all_mentions(kb: KB) -> list[dict[str, Any]]:
    return [{"doc": s["doc"], **m} for s in kb.sources() for m in kb.mentions(s["doc"])]


def _mentioned_ids(kb: KB) -> set[str]:
    return {e["id"] for e in kb.entities(limit=EVERY)}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the fixture KB holds what the tests rely on -------------------------------------------------

def test_fixture_kb_has_what_the_exports_need(kb: KB) -> None:
    types = {f["type"] for f in kb.factoids()}
    assert {"appointment", "arrest", "execution"} <= types
    assert any(f["negated"] for f in kb.factoids())
    assert list(kb.relation_records(_mentioned_ids(kb)))  # the pack's succession among named agencies
    assert {"appointment", "membership"} <= types
    assert kb.entity("Marta Lindqvist")["id"].startswith("u:")


# -- graphs ------------------------------------------------------------------------------------

def _check_graph(g: nx.MultiDiGraph, kb: KB, *, mutual: bool) -> None:
    mentioned = _mentioned_ids(kb)
    assert set(g.nodes) == mentioned
    records = {r["id"]: r for r in kb.entity_records(mentioned)}
    for node, data in g.nodes(data=True):
        rec = records[node]
        assert data["name"] == rec["name"] and data["type"] == rec["type"]
        assert data["mentions"] == rec["mention_count"]
        assert data["linked"] == rec["linked"]
        assert data.get("qid") == rec["qid"] and data.get("pack") == rec["pack"]
    net = kb.network_among(sorted(mentioned), min_co=1)
    relations = [(r["from"], r["to"], r["type"]) for e in net["edges"] for r in e["relations"]]
    edges = list(g.edges(data=True))
    got = sorted((u, v, d["relation"]) for u, v, d in edges if d["kind"] == "relation")
    assert got == sorted(relations) and got
    co = {(e["source"], e["target"]): e["co"] for e in net["edges"] if e["co"]}
    co_edges = [(u, v, d) for u, v, d in edges if d["kind"] == "co-mention"]
    assert len(co_edges) == len(co) * (2 if mutual else 1)  # networkx reads a GEXF mutual edge as two
    for u, v, d in co_edges:
        assert d["weight"] == co[(min(u, v), max(u, v))]


def test_gexf_is_gexf_13_that_networkx_reads_with_the_kb_network(out: Path, kb: KB) -> None:
    root = ET.parse(out / "kb.gexf").getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    declared = {a.get("id") for a in root.iter("{http://gexf.net/1.3}attribute")}
    used = {v.get("for") for v in root.iter("{http://gexf.net/1.3}attvalue")}
    assert used <= declared
    _check_graph(nx.read_gexf(out / "kb.gexf"), kb, mutual=True)


def test_graphml_declares_every_key_and_networkx_reads_the_kb_network(out: Path, kb: KB) -> None:
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    root = ET.parse(out / "kb.graphml").getroot()
    keys = {k.get("id"): k.get("for") for k in root.iter(f"{ns}key")}
    for parent in ("node", "edge"):
        for el in root.iter(f"{ns}{parent}"):
            assert all(keys[d.get("key")] == parent for d in el.iter(f"{ns}data"))
    _check_graph(nx.read_graphml(out / "kb.graphml"), kb, mutual=False)


def test_graph_of_one_entity_is_its_neighbourhood(kb: KB, tmp_path: Path) -> None:
    yagoda = kb.entity("Yagoda")["id"]
    counts = export(kb, "gexf", str(tmp_path / "ego.gexf"), make_scope(kb, entity="Yagoda"))
    g = nx.read_gexf(tmp_path / "ego.gexf")
    assert counts["nodes"] == g.number_of_nodes() and yagoda in g
    assert all(g.has_edge(n, yagoda) or g.has_edge(yagoda, n) for n in g.nodes if n != yagoda)
    assert set(g.nodes) - {yagoda}  # he is co-mentioned with someone


def test_graph_of_one_source_counts_its_mentions_only(kb: KB, tmp_path: Path) -> None:
    export(kb, "graphml", str(tmp_path / "memoir.graphml"), make_scope(kb, source="memoir.txt"))
    g = nx.read_graphml(tmp_path / "memoir.graphml")
    in_memoir: dict[str, int] = {}
    for m in kb.mentions("memoir.txt"):
        in_memoir[m["entity"]["id"]] = in_memoir.get(m["entity"]["id"], 0) + 1
    assert {n: d["mentions"] for n, d in g.nodes(data=True)} == in_memoir


def test_graph_writers_replace_what_xml_cannot_carry(tmp_path: Path) -> None:
    assert xml_text("a\x0cb\x00c") == "a\ufffdb\ufffdc"
    graph = Graph(nodes=[{"id": "a&<1>", "name": 'Page\x0cbreak "quoted"', "type": "person", "mentions": 1},
                         {"id": "b", "name": "Ünïcode — ok", "type": "place", "mentions": 2}],
                  edges=[{"source": "a&<1>", "target": "b", "weight": 3, "kind": "relation", "relation": "part_of",
                          "quote": "line one\nline\ttwo"}])
    with (tmp_path / "g.gexf").open("w", encoding="utf-8") as fh:
        write_gexf(graph, fh, description="test <&>")
    with (tmp_path / "g.graphml").open("w", encoding="utf-8") as fh:
        write_graphml(graph, fh, description="test <&>")
    for g in (nx.read_gexf(tmp_path / "g.gexf"), nx.read_graphml(tmp_path / "g.graphml")):
        assert g.nodes["a&<1>"]["name"] == 'Page\ufffdbreak "quoted"' and g.nodes["b"]["name"] == "Ünïcode — ok"
        (_, _, data), = g.edges(data=True)
        assert data["quote"] == "line one\nline\ttwo"


# -- CSV -----------------------------------------------------------------------------------------

def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_csv_folder_has_every_table_with_its_header_and_the_kb_counts(out: Path, kb: KB) -> None:
    tables = {p.stem: _csv(p) for p in (out / "tables").glob("*.csv")}
    expected = set(COLUMNS) - ({"conflicts"} if not callable(getattr(kb, "conflicts", None)) else set())
    assert set(tables) == expected
    for name, (header, _rows) in tables.items():
        assert header == COLUMNS[name]
    assert len(tables["factoids"][1]) == len(kb.factoids())
    assert len(tables["mentions"][1]) == len(_all_mentions(kb))
    assert len(tables["relations"][1]) == len(list(kb.relation_records()))
    assert [r["doc"] for r in tables["documents"][1]] == [s["doc"] for s in kb.sources()]
    ids = {r["id"] for r in tables["entities"][1]}
    named = {r[k] for r in tables["factoids"][1] for k in ("subject_id", "agent_id", "organization_id", "place_id") if r[k]}
    named |= {r[k] for r in tables["relations"][1] for k in ("source_id", "target_id")}
    assert _mentioned_ids(kb) <= ids and named <= ids
    assert {r["entity_id"] for r in tables["aliases"][1]} == ids


def test_csv_spans_quote_the_stored_text_and_roles_flatten(out: Path, kb: KB) -> None:
    texts = {s["doc"]: kb.text(s["doc"]) for s in kb.sources()}
    for table in ("factoids", "mentions", "aliases"):
        rows = [r for r in _csv(out / "tables" / f"{table}.csv")[1] if r["doc"]]
        assert rows
        for r in rows:
            assert texts[r["doc"]][int(r["start"]):int(r["end"])] == r["quote"]
    by_id = {f["id"]: f for f in kb.factoids()}
    for r in _csv(out / "tables" / "factoids.csv")[1]:
        f = by_id[r["id"]]
        assert r["subject_id"] == f["roles"].get("subject", {}).get("id", "")
        assert r["office"] == (f["roles"].get("office") or "")
        assert r["negated"] == ("true" if f["negated"] else "false")
        assert r["date_start"] == (f.get("date") or {}).get("start", "")


def test_a_conflict_flattens_to_one_row_per_value_and_span() -> None:
    span = {"doc": "a.txt", "start": 3, "end": 9, "quote": "quoted"}
    conflict = {"id": "c1", "entity": {"id": "soviet:yagoda", "name": "Genrikh Yagoda", "type": "person"},
                "type": "arrest", "field": "date",
                "values": [{"value": "1937-03", "factoids": ["f1", "f2"], "sources": [span, {**span, "doc": "b.txt"}]},
                           {"value": "1937-04", "factoids": ["f3"], "sources": [span]}]}
    rows = list(conflict_rows(conflict))
    assert [(r["value"], r["doc"], r["factoids"]) for r in rows] == [
        ("1937-03", "a.txt", "f1|f2"), ("1937-03", "b.txt", "f1|f2"), ("1937-04", "a.txt", "f3")]
    assert all(set(r) == set(COLUMNS["conflicts"]) and r["entity_id"] == "soviet:yagoda" for r in rows)


# -- JSON Lines --------------------------------------------------------------------------------

def test_jsonl_factoids_are_contract_factoids_and_every_id_resolves(out: Path, kb: KB) -> None:
    lines = _lines(out / "kb.jsonl")
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_kind.setdefault(line.pop("record"), []).append(line)
    assert by_kind["factoid"] == kb.factoids()
    finder = getattr(kb, "conflicts", None)
    if callable(finder):  # where the KB's compare layer finds conflicts: all of them, as it gives them
        assert by_kind.get("conflict", []) == finder()
    assert [s["doc"] for s in by_kind["source"]] == [s["doc"] for s in kb.sources()]
    entities = {e["id"]: e for e in by_kind["entity"]}
    assert len(entities) == len(by_kind["entity"])
    for f in by_kind["factoid"]:
        for role, ref in f["roles"].items():
            for r in ref if isinstance(ref, list) else [ref]:
                if isinstance(r, dict):
                    assert entities[r["id"]]["name"] == r["name"], role
    for r in by_kind["relation"]:
        assert r["from"]["id"] in entities and r["to"]["id"] in entities
    yezhov = entities[kb.entity("Yezhov")["id"]]
    dossier = kb.entity("Yezhov")
    for key in ("name", "type", "mention_count", "sources", "qid"):
        assert yezhov[key] == dossier[key]
    assert set(dossier["aliases"]) == set(yezhov["aliases"])


def test_jsonl_to_stdout_is_the_file(kb_path: Path, out: Path) -> None:
    res = run_cli("--db", kb_path, "export", "jsonl", "--out", "-", binary=True)
    assert res.code == 0 and res.stdout == (out / "kb.jsonl").read_bytes()


def test_jsonl_scopes(kb: KB, tmp_path: Path) -> None:
    def run(**opts: str) -> dict[str, list[dict[str, Any]]]:
        export(kb, "jsonl", str(tmp_path / "s.jsonl"), make_scope(kb, factoid_types=("arrest", "execution"), **opts))
        got: dict[str, list[dict[str, Any]]] = {}
        for line in _lines(tmp_path / "s.jsonl"):
            got.setdefault(line.pop("record"), []).append(line)
        return got

    yagoda = kb.entity("Yagoda")["id"]
    about = run(entity="Yagoda")
    assert about["factoid"] == kb.factoids(entity="Yagoda") and about["entity"][0]["id"] == yagoda
    assert all(yagoda in (r["from"]["id"], r["to"]["id"]) for r in about.get("relation", []))
    arrests = run(type="arrest")
    assert arrests["factoid"] == kb.factoids(type="arrest")
    assert {e["id"] for e in arrests["entity"]} >= {f["roles"]["subject"]["id"] for f in arrests["factoid"]}
    memoir = run(source="memoir.txt")
    assert memoir["factoid"] == kb.factoids(source="memoir.txt")
    assert [s["doc"] for s in memoir["source"]] == ["memoir.txt"]
    people = run(type="person")
    assert all(e["type"] == "person" for e in people["entity"][:len(kb.entities(type="person", limit=EVERY))])
    assert all(f["roles"]["subject"]["type"] == "person" for f in people["factoid"])


# -- FollowTheMoney ------------------------------------------------------------------------------

def test_ftm_entities_are_valid_against_the_followthemoney_schema(out: Path) -> None:
    from followthemoney import model
    from followthemoney.types import registry

    lines = _lines(out / "kb.ftm.json")
    schema_of = {e["id"]: e["schema"] for e in lines}
    assert len(schema_of) == len(lines)
    for e in lines:
        assert registry.entity.validate(e["id"]), e["id"]
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract, e["schema"]
        for name in schema.required:
            assert e["properties"].get(name), (e["schema"], name)
        for name, values in e["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (e["schema"], name)
            for v in values:
                if prop.type == registry.entity:
                    assert v in schema_of, (e["id"], name, v)  # every reference resolves, within its range
                    assert model.get(schema_of[v]).is_a(prop.range), (e["id"], name, schema_of[v])
                else:
                    assert prop.type.clean(v) is not None, (e["schema"], name, v)
        assert model.get_proxy(e).id == e["id"]


def test_ftm_statements_keep_provenance_and_leave_out_denials(out: Path, kb: KB) -> None:
    lines = _lines(out / "kb.ftm.json")
    docs = {e["id"]: e["properties"]["fileName"][0] for e in lines if e["schema"] == "Document"}
    by_factoid = {e["properties"]["recordId"][0]: e for e in lines if e["properties"].get("recordId")}
    factoids = kb.factoids()
    for f in factoids:
        e = by_factoid.get(f["id"])
        if f["negated"] or f["fiction"]:
            assert e is None
            continue
        assert e is not None, f
        src = f["source"]
        assert docs[e["properties"]["proof"][0]] == src["doc"]
        assert e["properties"]["summary"] == [src["quote"]]
        assert e["properties"]["description"][0].startswith(f"{src['doc']} [{src['start']}:{src['end']}]")
    appointed = [f for f in factoids if f["type"] == "appointment" and f["roles"].get("office")]
    assert appointed and all(by_factoid[f["id"]]["schema"] == "Occupancy" for f in appointed)
    joined = [f for f in factoids if f["type"] == "membership" and f["roles"].get("organization")]
    assert joined and all(by_factoid[f["id"]]["schema"] == "Membership" for f in joined)
    yagoda = next(e for e in lines if e["id"] == ftm_id(kb.entity("Yagoda")["id"]))
    assert yagoda["schema"] == "Person" and yagoda["properties"]["birthDate"] == ["1891-11-07"]
    assert {"Position", "Occupancy", "Event", "Document", "Documentation"} <= {e["schema"] for e in lines}


def test_ftm_ids_are_stable_across_runs(kb: KB, out: Path, tmp_path: Path) -> None:
    export(kb, "ftm", str(tmp_path / "again.json"), make_scope(kb))
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == (out / "kb.ftm.json").read_text(encoding="utf-8")
    assert ftm_id("soviet:yezhov") == "kt.soviet.yezhov"
    assert ftm_id("soviet:rkp_b") != ftm_id("soviet:rkp-b")
    assert ftm_id("doc", "a file.txt") == ftm_id("doc", "a file.txt")


def test_ftm_schema_follows_the_mapping_data() -> None:
    def rec(type: str, name: str, **data: str) -> dict[str, Any]:
        return {"type": type, "name": name, "data": data}

    assert schema_for(rec("organization", "People's Commissariat of Justice")) == "PublicBody"
    assert schema_for(rec("organization", "Supreme Court of the USSR")) == "PublicBody"
    assert schema_for(rec("organization", "Communist Party of Spain")) == "Organization"
    assert schema_for(rec("organization", "International Department of the Party")) == "Organization"
    assert schema_for(rec("place", "Kazan", kind="city")) == "Address"
    assert schema_for(rec("place", "Ukraine", kind="republic")) == "Territory"
    assert schema_for(rec("work", "A Book")) is None


# -- the command line --------------------------------------------------------------------------

@pytest.mark.parametrize("args, code, needle", [
    (["export", "svg"], 2, "FORMAT"),
    (["export", "jsonl", "--type", "spaceship"], 2, "--type"),
    (["export", "csv", "--out", "-"], 2, "folder"),
    (["export", "jsonl", "--out", "-", "--json"], 2, "stdout"),
    (["export", "gexf", "--min-co", "0"], 2, "--min-co"),
    (["export", "jsonl", "--entity", "Nobody Whatsoever Xyzzy"], 3, "no entity"),
    (["export", "ftm", "--source", "missing.txt"], 3, "missing.txt"),
    (["export", "jsonl", "--type", "suicide"], 3, "nothing to export"),
])
def test_bad_options_are_one_line_and_leave_no_file(kb_path: Path, tmp_path: Path, args: list[str], code: int,
                                                    needle: str) -> None:
    res = run_cli("--db", kb_path, *args, cwd=tmp_path)
    assert res.code == code, (res.code, res.stderr)
    assert len(res.stderr.strip().splitlines()) == 1 and needle in res.stderr and "Traceback" not in res.stderr
    assert res.stdout == "" and list(tmp_path.iterdir()) == []


def test_default_out_is_named_after_the_kb(kb_path: Path, tmp_path: Path) -> None:
    res = run_cli("--db", kb_path, "export", "graphml", "--type", "place", cwd=tmp_path)
    assert res.code == 0, res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["kb.graphml"] and "wrote kb.graphml" in res.stderr
    g = nx.read_graphml(tmp_path / "kb.graphml")
    assert g.number_of_nodes() and all(d["type"] == "place" for _, d in g.nodes(data=True))
