"""Issue 18, item 6: a long plain text is held part by part, not whole. Each part's passages are
released once analysed and stored, offsets take four bytes a character, and the embedding
stage reads passage bodies a batch at a time. bench/bench_ingest_memory.py measures the peak."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kartoteka import KB
from kartoteka.ingest import pipeline
from kartoteka.pipeline import Context


def long_text(paragraphs: int, seed: int = 3) -> str:
    rnd = random.Random(seed)
    people = ["Halla Mervin", "Casimir Ardent", "Edda Lomm", "Jonas Feld"]
    places = ["Varrow", "Hesk", "Kelport"]
    return "\n\n".join(" ".join(f"{rnd.choice(people)} sailed from {rnd.choice(places)} in {rnd.randint(1850, 1930)}."
                                for _ in range(4)) for _ in range(paragraphs)) + "\n"


def test_a_long_text_is_released_part_by_part_and_stored_whole(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_text(80)
    src = tmp_path / "long.txt"
    src.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KARTOTEKA_STAGES", "")  # reading and structure: what this test is about
    monkeypatch.setattr(pipeline, "PART_CHARS", 2_000)  # the part size a small machine sets by $KARTOTEKA_PART_CHARS
    with KB(tmp_path / "kb.db") as kb:
        analysis, stored = pipeline.analyse(src, pipeline.sha256_of(src), Context(conn=kb.conn))
        assert stored, "a text longer than a part is stored as it is analysed"
        assert len(analysis.passages) >= 40
        assert all(p.body == "" and len(p.offsets) == 0 for p in analysis.passages), \
            "every part's passages are let go once stored, not kept to the end of the document"
        assert kb.text("long.txt") == text
        bodies = kb.conn.execute("SELECT body FROM passages ORDER BY seq").fetchall()
        assert len(bodies) == len(analysis.passages) and all(b[0].strip() for b in bodies)


def test_a_text_up_to_four_parts_long_is_analysed_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts are small (memory follows the part), but a book no longer than four of them keeps its
    discourse state in one piece; only a longer text is cut, into parts of the part size."""
    text = long_text(80)
    src = tmp_path / "long.txt"
    src.write_text(text, encoding="utf-8")
    monkeypatch.setattr(pipeline, "PART_CHARS", len(text) // 3)
    assert pipeline.whole_chars() > len(text)
    _analysis, parts = pipeline.read_analysis(src, pipeline.sha256_of(src))
    assert parts is None, "a text under four parts' length is analysed in one piece"
    monkeypatch.setattr(pipeline, "PART_CHARS", len(text) // 5)
    _analysis, parts = pipeline.read_analysis(src, pipeline.sha256_of(src))
    assert parts is not None and len(parts) >= 5, "a longer one is cut into parts of the part size"
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
    monkeypatch.setenv("KARTOTEKA_WHOLE_CHARS", str(len(text)))
    assert pipeline.read_analysis(src, pipeline.sha256_of(src))[1] is None, "$KARTOTEKA_WHOLE_CHARS moves the line"


def test_passage_offsets_take_four_bytes_a_character() -> None:
    small = pipeline.compact_offsets(range(0, 5000))
    assert small.itemsize == 4 and list(small) == list(range(5000))
    assert pipeline.compact_offsets([2**31 + 5]).itemsize == 8
