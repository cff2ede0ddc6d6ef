"""Search and ask over a KB built from the seed corpus (skipped where ../shared is absent): the
query encoder finds real passages by their own words in dense mode, and every answer and hit
quotes the stored text exactly. Nothing here names a seed's sentence or a gold answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.api import KB
from kartoteka.nlp.embed import stage_available

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
pytestmark = [pytest.mark.seeds, pytest.mark.slow,
              pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus absent"),
              pytest.mark.skipif(not stage_available(), reason="the embed extra is not installed")]

QUESTIONS = ["Who killed Reiss?", "Where was Krivitsky born?", "When was Yagoda arrested?", "Who replaced Yagoda?",
             "How many people were arrested?", "What happened to Tukhachevsky?", "Which sources disagree about Kirov?",
             "What position did Yezhov hold in 1937?", "Who was Lenin's wife?", "What was Orlov's real name?"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    k = KB(tmp_path_factory.mktemp("seeds") / "s.db")
    k.ingest([p for p in sorted(SEEDS.iterdir()) if p.stat().st_size < 400_000], n_process=1)
    return k


def test_every_passage_has_a_vector_and_finds_itself(kb: KB) -> None:
    passages = kb.conn.execute(
        "SELECT p.id, p.body FROM passages p WHERE length(p.body) > 200 AND p.layer NOT IN ('boilerplate', 'furniture')"
        " ORDER BY p.id").fetchall()  # page furniture is left out of the index by design
    with_vectors = {r[0] for r in kb.conn.execute("SELECT passage_id FROM embeddings")}
    assert passages and {r[0] for r in passages} <= with_vectors
    sample = passages[:: max(1, len(passages) // 25)]
    found = 0
    for pid, body in sample:
        query = " ".join(body.split()[:30])
        hits = kb.search(query, mode="dense", limit=3)
        found += any(h["passage_id"] == pid for h in hits)
    assert found >= 0.9 * len(sample)


def test_answers_and_hits_quote_the_stored_text(kb: KB) -> None:
    texts = {s["doc"]: kb.text(s["doc"]) for s in kb.sources()}
    fiction = {s["doc"] for s in kb.sources() if s.get("genre") == "fiction"}
    for q in QUESTIONS:
        r = kb.ask(q)
        assert len(r["answer"]) <= 300
        assert (r["answer"] == "") == (r["kind"] == "unknown")
        assert r["answer"] == "" or r["citations"]
        for c in r["citations"] + r.get("closest", []):
            assert texts[c["doc"]][c["start"]:c["end"]] == c["quote"]
        assert not any(c["doc"] in fiction for c in r["citations"])
        for h in kb.search(q, limit=5):
            assert texts[h["doc"]][h["start"]:h["end"]] == h["text"]
