"""Sentence windows: a long passage also gets vectors of its sentences, and ranks by its best one."""

from __future__ import annotations

import pytest

from kartoteka.nlp.embed import (
    DIM,
    MAX_TOKENS,
    VECTOR_DTYPE,
    WINDOW_CHARS,
    model_dir,
    model_tag,
    parse_tag,
    passage_vectors,
    sentence_windows,
    stage_available,
)

# Three paragraphs of our own: the middle sentence of each is what a question asks about.
LONG = [
    "The cartographer Ilse Marwood spent the winter of 1911 mapping the northern fjords with two assistants."
    " Her survey boat sank in a storm near the lighthouse, and the crew rowed ashore in the dark."
    " The admiralty later bought her charts and printed them for the fishing fleet of the coast.",
    "Bishop Anselm of Rheinau rebuilt the cathedral tower after the fire of 1356 had destroyed the old one."
    " He paid the masons from the sale of the chapter's vineyards, which angered the canons."
    " The new tower stood until an earthquake shook the valley three centuries afterwards.",
    "The chemist Tomas Vrba trained in Prague and taught for a decade at the polytechnic school there."
    " In 1923 he was dismissed for refusing to sign the loyalty oath that the new rector demanded."
    " He emigrated to Lyon, where he worked in a dye factory until his retirement.",
]


def test_windows_cover_every_sentence_of_a_long_passage() -> None:
    for text in LONG:
        windows = sentence_windows(text)
        assert len(windows) >= 2
        assert all(w in text for w in windows)
        assert all(len(w) <= WINDOW_CHARS for w in windows)
        # Every sentence lies inside some window.
        for sentence in text.split(". "):
            assert any(sentence.rstrip(".") in w for w in windows)


def test_short_passage_has_no_windows_and_long_sentence_stands_alone() -> None:
    assert sentence_windows("Yaroslav the Wise died in 1054.") == []
    long_sentence = "The regent, " + "who had been chosen by the assembly of nobles, " * 6 + "refused the crown."
    text = "A short first one. " + long_sentence + " A short last one."
    windows = sentence_windows(text)
    assert long_sentence in windows


def test_tags_with_and_without_windows_parse_to_their_length() -> None:
    assert parse_tag(model_tag(128)) == 128
    assert parse_tag("all-MiniLM-L6-v2@128") == 128
    assert parse_tag("another-model@128+w220") is None


@pytest.mark.skipif(not stage_available(), reason="the embed extra is not installed")
def test_a_passage_ranks_by_its_best_window() -> None:
    import numpy as np

    from kartoteka.nlp.minilm import encoder
    from kartoteka.query.dense import DenseIndex

    blobs = passage_vectors(LONG)
    counts = [len(b) // (DIM * np.dtype(VECTOR_DTYPE).itemsize) for b in blobs]
    assert counts == [1 + len(sentence_windows(t)) for t in LONG]
    matrix = np.frombuffer(b"".join(blobs), dtype=VECTOR_DTYPE).reshape(-1, DIM).astype(np.float32)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    path = model_dir()
    assert path is not None
    index = DenseIndex(np.array([11, 12, 13]), np.array([1, 1, 2]), matrix, encoder(path, MAX_TOKENS), starts)
    queries = {"mapmaker's boat went down in bad weather": 11,
               "churchman sold vineyards to pay the builders": 12,
               "professor sacked for not swearing allegiance": 13}
    for query, expected in queries.items():
        ranked = index.ranked(query, 3)
        assert ranked[0][0] == expected
        # The passage's score is its best row's cosine, at least its whole-passage vector's.
        whole = float(matrix[starts[[11, 12, 13].index(expected)]] @ index.vector(query))
        assert ranked[0][1] >= whole - 1e-6
    assert [p for p, _ in index.ranked("professor sacked for not swearing allegiance", 3, doc_id=1)] != []
    assert all(p in (11, 12) for p, _ in index.ranked("professor sacked", 3, doc_id=1))


def test_hedges_read_from_the_lexicon_block_alone() -> None:
    from kartoteka.query.candidates import hedged, top_level_block

    text = "first:\n  a: [x]\nhedges:\n  words: [maybe]\n  # a comment: here\n  phrases: [\"it is said\"]\nnext: 1\n"
    assert top_level_block(text, "hedges") == "hedges:\n  words: [maybe]\n  # a comment: here\n  phrases: [\"it is said\"]\n"
    with pytest.raises(KeyError):
        top_level_block(text, "missing")
    # Words, phrases and modals of the real lexicon still hedge (or, a modal alone, do not).
    assert hedged("The miller of Sanssouci was reportedly paid off by the king.")
    assert hedged("It is said that the envoy from Venice never reached Ragusa.")
    assert hedged("The abbess may have written the chronicle herself.")
    assert not hedged("The abbess may write to the bishop whenever she likes.")
    assert not hedged("The envoy from Venice reached Ragusa in May 1402.")


def test_ordinals_before_a_name_number_one_of_a_series() -> None:
    from kartoteka.query.extractor import ordinals

    assert ordinals("Who chaired the Fourth Lateran Council?") == {4}
    assert ordinals("The 21st Party Congress met in Prague.") == {21}
    assert ordinals("After the Twenty-Second Dynasty the kings of Kush ruled Egypt.") == {22}
    # Not before a name: a date, an adverb, the end of a sentence.
    assert ordinals("The queen was crowned on the fourth of June.") == set()
    assert ordinals("The Swedish envoy arrived third. Then the Danes came.") == set()


@pytest.mark.skipif(model_dir() is None, reason="the embedding model is not installed")
def test_query_tokenizer_from_the_vocabulary_gives_the_json_tokenizers_ids() -> None:
    from tokenizers import Tokenizer

    from kartoteka.nlp.minilm import tokenizer

    path = model_dir()
    assert path is not None
    ours, theirs = tokenizer(path), Tokenizer.from_file(str(path / "tokenizer.json"))
    assert type(ours) is not Tokenizer  # the cheaper path is the one taken
    for tok in (ours, theirs):  # as the encoder sets them (tokenizer.json pads to 128 by itself)
        tok.no_padding()
        tok.enable_truncation(max_length=MAX_TOKENS)
    texts = [*LONG, "Ångström met Đorđe in the café naïvely, “quoted” and ’tis", "Ёлкин 中文 x\u200by", ""]
    for a, b in zip(ours.encode_batch(texts), theirs.encode_batch(texts), strict=True):
        assert a.ids == b.ids
    assert len(ours.encode(LONG[0]).ids) > 10
