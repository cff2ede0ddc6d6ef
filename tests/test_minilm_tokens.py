"""The query encoder's pure-Python WordPiece gives the ids of the ``tokenizers`` library."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.nlp.embed import MAX_TOKENS, model_dir, query_encoder_available

pytestmark = pytest.mark.skipif(not query_encoder_available(), reason="the embedding model is not installed")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# Written for this test: accents, dashes, quotes, a Cyrillic name, CJK, controls, a long word.
TEXTS = [
    "Who replaced the people's commissar in the autumn of 1938?",
    "Naïve café owner — «Ежов» met Grand-Duke Ŀuis at 5:30 p.m. (or so).",
    "中文字 mixed with Latin, x\u200bq\u00a0y and\ttabs\nand lines",
    "İstanbul ǅemal straße ﬁnal",
    "supercalifragilistic" * 8,
    "\x00\ufffd\x07 bell",
    "",
    "word " * 300,
]


def pair() -> tuple:
    from tokenizers.implementations import BertWordPieceTokenizer

    from kartoteka.nlp.minilm import WordPiece

    path = model_dir()
    assert path is not None
    ours = WordPiece(path / "vocab.txt")
    theirs = BertWordPieceTokenizer(str(path / "vocab.txt"), lowercase=True)
    for t in (ours, theirs):
        t.no_padding()
        t.enable_truncation(max_length=MAX_TOKENS)
    return ours, theirs


def test_wordpiece_ids_match_tokenizers_on_written_texts() -> None:
    ours, theirs = pair()
    for text in TEXTS:
        assert ours.encode(text).ids == theirs.encode(text).ids, text
    assert len(ours.encode(TEXTS[-1]).ids) == MAX_TOKENS
    assert len(set(ours.encode(TEXTS[0]).ids)) > 10  # not a constant


def test_the_encoder_uses_the_pure_python_tokenizer() -> None:
    from kartoteka.nlp.minilm import WordPiece, encoder

    path = model_dir()
    assert path is not None
    assert isinstance(encoder(path, MAX_TOKENS).tok, WordPiece)


@pytest.mark.seeds
@pytest.mark.more
def test_wordpiece_ids_match_tokenizers_on_the_corpus() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("no corpus beside the repository")
    ours, theirs = pair()
    n = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for i in range(0, min(len(text), 200_000), 400):
            chunk = text[i:i + 400]
            assert ours.encode(chunk).ids == theirs.encode(chunk).ids, (path.name, i)
            n += 1
    assert n > 100
