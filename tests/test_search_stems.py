"""search: a lowercase query word with an inflectional ending finds the other forms of its stem.

The index keeps words as written; the query asks for the stem's prefix ("blames" -> "blam"*).
Names (capitalised words) and quoted phrases stay exact. Fixture text written here; run on each
backend (tests/conftest.py), whose BM25 scores agree.
"""

from __future__ import annotations

import pytest

from kartoteka.api import KB
from kartoteka.query.search import fts_query, word_stem_prefix

TEXT = """Harbour Notes

Ada Lovelace was blamed by a rival for the errors in the printed tables, though the printer had set them.

The ferrymen refused to sail when the river froze, and the mayor ordered the boats hauled ashore.

Captain Orlov commanded the northern battery until the thaw; his deputy kept the ledgers.

A Stalinist poster was pasted over the old shop sign near the quay.

Stalin visited the quay once, in the rain, and left before noon.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, new_kb) -> KB:
    d = tmp_path_factory.mktemp("stems")
    (d / "harbour.txt").write_text(TEXT, encoding="utf-8")
    db = new_kb()
    with KB(db) as k:
        k.ingest([d / "harbour.txt"])
    return KB(db)


def bm25_texts(kb: KB, query: str) -> list[str]:
    return [h["text"] for h in kb.search(query, mode="bm25", limit=5)]


def test_inflected_query_words_find_other_forms(kb: KB) -> None:
    # Each query shares no word as written with its passage: "blames" -> "blamed",
    # "refusing" -> "refused", "commanding" -> "commanded".
    assert any("Lovelace" in t for t in bm25_texts(kb, "blames"))
    assert any("ferrymen" in t for t in bm25_texts(kb, "boatmen refusing"))
    assert any("Orlov" in t for t in bm25_texts(kb, "commanding gunners"))
    assert bm25_texts(kb, "blames")[0] == bm25_texts(kb, "blamed")[0]


def test_highlights_cover_the_matched_form(kb: KB) -> None:
    hits = kb.search("refusing", mode="bm25", limit=1)
    assert hits
    spans = [hits[0]["text"][s - hits[0]["start"]:e - hits[0]["start"]] for s, e in hits[0]["highlights"]]
    assert spans == ["refused"]


def test_names_and_phrases_stay_exact(kb: KB) -> None:
    # A capitalised name is not stemmed: "Stalin" must not find "Stalinist".
    texts = bm25_texts(kb, "Stalin")
    assert texts and all("Stalinist" not in t for t in texts)
    assert bm25_texts(kb, '"blames"') == []


def test_word_stem_prefix() -> None:
    assert word_stem_prefix("commanders") == '"commander"*'
    assert word_stem_prefix("blames") == '"blam"*'
    assert word_stem_prefix("uses") == '"uses"'        # too short to stem
    assert word_stem_prefix("harbour") == '"harbour"'  # no ending
    assert word_stem_prefix("1937s") == '"1937s"'


def test_fts_query_stems_only_lowercase_bare_words() -> None:
    assert fts_query("Ferrymen refusing") == '"ferrymen" OR "refus"*'
    assert fts_query("refusing", stems=False) == '"refusing"'
    assert fts_query('"refusing ferrymen" boats*') == '"refusing ferrymen" OR "boats"*'

