"""search: BM25, dense and hybrid ranking, entity-aware expansion, the CLI options, exact spans.

The KB is built through the real pipeline (the embed stage included) from texts written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kartoteka.api import KB
from kartoteka.query.search import fts_query, fuse, search

TEXT = """Notes on the Organs

Nikolai Yezhov took charge of the commissariat in the autumn of 1936 and widened the arrests at once.

The OGPU had run the labour camps since the late 1920s, long before the purge began.

The marshal's widow was deported to a labour camp in Kazakhstan, where she spent eight years.

Bread prices rose sharply in the towns during the winter, and queues formed before dawn.

The foreign ministry sent a note of protest to the embassy in Berlin.
"""


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory, new_kb) -> Path | str:
    """The KB, on each backend in turn (tests/conftest.py)."""
    d = tmp_path_factory.mktemp("search")
    (d / "notes.txt").write_text(TEXT, encoding="utf-8")
    db = new_kb()
    with KB(db) as kb:
        kb.ingest([d / "notes.txt"])
    return db


@pytest.fixture(scope="module")
def kb(kb_path: Path) -> KB:
    return KB(kb_path)


def first_text(hits: list[dict]) -> str:
    assert hits
    return hits[0]["text"]


def test_bm25_phrases_prefixes_and_exact_spans(kb: KB) -> None:
    hits = kb.search('"labour camp"', mode="bm25")
    assert "Kazakhstan" in first_text(hits)
    hits = kb.search("Kazakh*", mode="bm25")
    assert "Kazakhstan" in first_text(hits)
    text = kb.text("notes.txt")
    for mode in ("bm25", "dense", "hybrid"):
        for h in kb.search("camps", mode=mode):
            assert text[h["start"]:h["end"]] == h["text"]
            for s, e in h["highlights"]:
                assert text[s:e].lower().startswith("camp")


def test_a_spelling_finds_the_others(kb: KB) -> None:
    hits = kb.search("Ezhov", mode="bm25")
    assert "Yezhov" in first_text(hits)
    # Without the entity layer the word alone matches nothing.
    assert search(kb.conn, "Ezhov", mode="bm25", expand=False) == []


def test_lineage_expansion(kb: KB) -> None:
    plain = [h["text"] for h in kb.search("NKVD", mode="bm25")]
    assert not any("OGPU" in t for t in plain)
    hits = kb.search("NKVD", mode="bm25", lineage=True)
    assert any("OGPU" in h["text"] for h in hits)


def test_dense_finds_meaning_without_shared_words(kb: KB) -> None:
    query = "wife of the commander exiled to a prison camp in Central Asia"
    hits = kb.search(query, mode="dense", limit=2)
    assert "widow" in first_text(hits)
    hits = kb.search("price of food in winter", mode="dense", limit=1)
    assert "Bread" in first_text(hits)
    assert kb.search("price of food in winter", mode="hybrid", limit=1)[0]["text"] == hits[0]["text"]


def test_fusion_by_rank() -> None:
    bm25 = [(1, 9.0), (2, 5.0), (3, 1.0)]
    dense = [(1, 0.9), (3, 0.8), (4, 0.1)]
    fused = [pid for pid, _ in fuse(bm25, dense, 10)]
    assert fused[0] == 1          # first in both lists
    assert fused.index(3) < fused.index(2)  # in both lists beats second in one
    assert 4 not in fused         # dense-only and below the floor
    assert set(fused) == {1, 2, 3}
    # Dense weighs more than BM25 (sentence-window vectors): each list's only passage, dense's first.
    assert [pid for pid, _ in fuse([(5, 3.0)], [(6, 0.7)], 10)] == [6, 5]


def test_fts_query_folds_and_drops_stopwords() -> None:
    assert fts_query("the Stalin's article", stems=False) == '"stalin" OR "article"'
    assert fts_query("the Stalin's articles") == '"stalin" OR "articl"*'
    assert fts_query('"Dizzy with Success"') == '"dizzy with success"'
    assert fts_query("the of") == '"the" OR "of"'


def test_cli_modes_and_errors(kb_path: Path, run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("--db", kb_path, "search", "labour camp", "--mode", "hybrid", "--limit", "2", "--json")
    assert code == 0, err
    hits = json.loads(out)
    assert len(hits) <= 2 and {"doc", "start", "end", "text", "score"} <= hits[0].keys()
    code, out, err = run_cli("--db", kb_path, "search", "camp", "--mode", "sideways")
    assert code == 2 and "Traceback" not in err
    code, out, err = run_cli("--db", kb_path, "search", "zzzqqq", "--mode", "bm25")
    assert code == 3
    # A KB built without the embed stage: hybrid falls back to BM25, dense says what is missing.
    src = tmp_path / "plain.txt"
    src.write_text("The labour camp lay beyond the river.\n", encoding="utf-8")
    plain = tmp_path / "plain.db"
    code, _, err = run_cli("--db", plain, "ingest", src, stages="")
    assert code == 0, err
    code, out, err = run_cli("--db", plain, "search", "camp", "--json")
    assert code == 0 and json.loads(out)
    code, out, err = run_cli("--db", plain, "search", "camp", "--mode", "dense")
    assert code == 2 and "dense vectors" in err and "Traceback" not in err
    code, out, err = run_cli("--db", plain, "ask", "What lay beyond the river?", "--json")
    assert code == 0, err
    assert "labour camp" in json.loads(out)["answer"]
    code, out, err = run_cli("--db", plain, "embed", "--json")
    assert code == 0, err
    assert json.loads(out)["embedded"] == 1
    code, out, err = run_cli("--db", plain, "search", "camp", "--mode", "dense", "--json")
    assert code == 0 and "river" in json.loads(out)[0]["text"]


def test_embedding_follows_the_documents_and_can_be_skipped(run_cli, tmp_path: Path) -> None:
    # Only the deferred embed stage runs: the documents are written first, vectors after.
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("The ferry pier was rebuilt in stone after the flood of 1889.\n", encoding="utf-8")
    second.write_text("A lighthouse keeper logged every passing steamer for forty years.\n", encoding="utf-8")
    db = tmp_path / "defer.db"
    code, out, err = run_cli("--db", db, "ingest", first, "--no-embed", "--json", stages="embed")
    assert code == 0, err
    with KB(db) as kb:
        assert kb.conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == 0
        assert kb.search("ferry pier", mode="hybrid")  # searchable without vectors: BM25
    code, out, err = run_cli("--db", db, "ingest", second, "--json", stages="embed")
    assert code == 0, err
    with KB(db) as kb:
        docs = {r[0] for r in kb.conn.execute(
            "SELECT d.doc FROM embeddings e JOIN passages p ON p.id = e.passage_id JOIN documents d ON d.id = p.doc_id")}
        assert docs == {"second.txt"}  # only the documents this run wrote
    code, out, err = run_cli("--db", db, "embed", "--json")
    assert code == 0 and json.loads(out)["embedded"] == 1, err
