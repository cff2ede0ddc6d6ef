"""Exports of a KB built from the seed corpus (skipped where ../shared is absent): every format
reads back through its real parser, every cited span still quotes the stored text, and the FtM
output holds against the followthemoney schema. Nothing here names a seed's sentence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from kartoteka.api import KB
from kartoteka.export import export
from kartoteka.export.scope import EVERY, make_scope

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
pytestmark = [pytest.mark.seeds, pytest.mark.slow,
              pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus absent")]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    k = KB(tmp_path_factory.mktemp("seeds") / "s.db")
    k.ingest([p for p in sorted(SEEDS.iterdir()) if p.stat().st_size < 400_000], n_process=1)
    return k


def test_seed_graphs_read_back_with_every_mentioned_entity(kb: KB, tmp_path: Path) -> None:
    mentioned = {e["id"] for e in kb.entities(limit=EVERY)}
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        counts = export(kb, fmt, str(tmp_path / f"g.{fmt}"), make_scope(kb))
        g = read(tmp_path / f"g.{fmt}")
        assert set(g.nodes) == mentioned and counts["nodes"] == len(mentioned)
        assert g.number_of_edges() >= counts["edges"]


def test_seed_tables_and_lines_quote_the_stored_text(kb: KB, tmp_path: Path) -> None:
    texts = {s["doc"]: kb.text(s["doc"]) for s in kb.sources()}
    export(kb, "csv", str(tmp_path / "t"), make_scope(kb))
    for table in ("factoids", "mentions", "aliases"):
        with (tmp_path / "t" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["doc"]:
                    assert texts[r["doc"]][int(r["start"]):int(r["end"])] == r["quote"]
    export(kb, "jsonl", str(tmp_path / "k.jsonl"), make_scope(kb))
    lines = [json.loads(x) for x in (tmp_path / "k.jsonl").read_text(encoding="utf-8").splitlines()]
    facts = [x for x in lines if x["record"] == "factoid"]
    assert len(facts) == len(kb.factoids())
    for f in facts:
        s = f["source"]
        assert texts[s["doc"]][s["start"]:s["end"]] == s["quote"]


def test_seed_ftm_is_valid_against_the_schema(kb: KB, tmp_path: Path) -> None:
    from followthemoney import model
    from followthemoney.types import registry

    export(kb, "ftm", str(tmp_path / "k.ftm.json"), make_scope(kb))
    lines = [json.loads(x) for x in (tmp_path / "k.ftm.json").read_text(encoding="utf-8").splitlines()]
    schema_of = {e["id"]: e["schema"] for e in lines}
    assert len(schema_of) == len(lines)
    for e in lines:
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract
        assert all(e["properties"].get(name) for name in schema.required), e
        for name, values in e["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (e["schema"], name)
            for v in values:
                if prop.type == registry.entity:
                    assert model.get(schema_of[v]).is_a(prop.range), (e["id"], name, v)
                else:
                    assert prop.type.clean(v) is not None, (e["schema"], name, v)
