"""Soft word match: the vocabulary's vectors built at embed time, and search's candidates reranked by
how closely a passage's words match the query's in meaning.

The KB is built through the real pipeline (the embed stage included) from texts written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.api import KB
from kartoteka.nlp.embed import stage_available

pytestmark = pytest.mark.skipif(not stage_available(), reason="the embed extra is not installed")

# Our own wording: each paragraph says its topic in words a paraphrase would not use.
TEXT = """Chronicle of the Valley

In the spring of 1848 the miners of Kessel rose in an uprising against the duke, and the rebels held the town hall for a week.

The duke's cavalry put down the uprising in April; the leaders of the rebels fled across the mountains to Geneva.

The harvest of 1849 was poor, and the price of rye doubled in the market of Kessel before the winter.

The abbess Hildegard Voss moved the convent's library to the cellar when the river flooded the lower town.

The river flooded again in 1851, and the library of the convent lost a third of its manuscripts.
"""


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory, new_kb) -> Path | str:
    d = tmp_path_factory.mktemp("softmatch")
    (d / "valley.txt").write_text(TEXT, encoding="utf-8")
    db = new_kb()
    with KB(db) as kb:
        kb.ingest([d / "valley.txt"])
    return db


def test_vocabulary_is_words_of_two_passages_or_more(kb_path: Path | str) -> None:
    import numpy as np

    with KB(kb_path) as kb:
        words, counts = kb.conn.execute("SELECT words, passages FROM word_vectors").fetchone()
    got = dict(zip(words.split("\n"), np.frombuffer(bytes(counts), dtype="<i4").tolist(), strict=True))
    # In two paragraphs each: kept, with their counts.
    assert got["uprising"] == 2 and got["rebels"] == 2 and got["flooded"] == 2
    # In one paragraph only, or shorter than four letters: no vector.
    assert "harvest" not in got and "rye" not in got and "the" not in got


def test_a_second_embed_encodes_no_word_again(kb_path: Path | str) -> None:
    from kartoteka.nlp.word_vectors import update_word_vectors

    with KB(kb_path) as kb:
        before = kb.conn.execute("SELECT words, vectors FROM word_vectors").fetchone()
        assert update_word_vectors(kb.conn) == 0
        assert kb.conn.execute("SELECT words, vectors FROM word_vectors").fetchone() == before
        assert kb.conn.execute("SELECT COUNT(*) FROM word_vectors").fetchone()[0] == 1


def test_a_synonym_scores_where_its_passage_has_the_other_word(kb_path: Path | str) -> None:
    from kartoteka.query.dense import dense_index
    from kartoteka.query.search import SearchCache
    from kartoteka.query.softmatch import query_words, soft_scores, word_index

    with KB(kb_path) as kb:
        conn, cache = kb.conn, SearchCache()
        dense = dense_index(conn, cache)
        assert dense is not None
        index = word_index(conn, cache, len(dense.ids))
        assert index is not None
        bodies = dict(conn.execute("SELECT id, body FROM passages").fetchall())
        pid = {word: next(p for p, b in bodies.items() if word in b) for word in ("cavalry", "harvest", "abbess")}
        words = query_words("the insurrection")
        assert words == ["insurrection"]  # not in the text: only its neighbours can match
        soft = soft_scores(conn, words, list(pid.values()), index, dense)
        assert soft[pid["cavalry"]] > 0.6      # "uprising" is close in meaning
        assert soft[pid["harvest"]] == 0.0     # nothing there clears the floor
        assert soft[pid["abbess"]] == 0.0
        # The word itself scores 1.
        exact = soft_scores(conn, ["convent"], [pid["abbess"], pid["harvest"]], index, dense)
        assert exact[pid["abbess"]] == 1.0 and exact[pid["harvest"]] < 1.0


def test_hybrid_search_finds_the_paraphrase_first(kb_path: Path | str) -> None:
    with KB(kb_path) as kb:
        hits = kb.search("insurrection suppressed by horsemen", limit=3, mode="hybrid")
    assert hits and "cavalry" in hits[0]["text"]
