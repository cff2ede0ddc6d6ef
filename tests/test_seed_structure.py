"""Structure found in the seed corpus (read at run time from ../shared; skipped where absent).

Checks are about shapes every such document has (a book's chapters, a page map, a comment
section, an editor's brackets), never about the seeds' sentences.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kartoteka import KB
from kartoteka.store.writer import unpack_offsets

SEEDS = Path(os.environ.get("KARTOTEKA_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"))

pytestmark = [
    pytest.mark.seeds,
    pytest.mark.skipif(not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")), reason="seed corpus not present"),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KB]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KARTOTEKA_STAGES", "")  # structure only, where the pipeline honours it
        kb = KB(tmp_path_factory.mktemp("seeds") / "kb.db")
        results = kb.ingest([SEEDS])
        assert {r.status for r in results} <= {"added", "unchanged", "updated"}
        yield kb
        kb.close()


def doc_by_genre_shape(kb: KB, kind: str, minimum: int) -> list[str]:
    """Documents with at least ``minimum`` segments of ``kind``."""
    return [s["doc"] for s in kb.sources() if len(kb.segments(s["doc"], kind)) >= minimum]


def largest_doc(kb: KB) -> str:
    return max(kb.sources(), key=lambda s: s["chars"])["doc"]


def test_all_five_seeds_ingested(kb: KB) -> None:
    assert len(kb.sources()) == len(list(SEEDS.glob("*.txt"))) >= 5


def test_book_has_many_titled_chapters_and_parts(kb: KB) -> None:
    book = largest_doc(kb)
    chapters = kb.segments(book, "chapter")
    assert len(chapters) >= 15
    titled = [c for c in chapters if c["label"] and len(c["label"].split()) >= 3]
    assert len(titled) >= 15
    assert kb.segments(book, "part")
    assert kb.segments(book, "toc")
    assert kb.segments(book, "epigraph")
    # Chapters do not overlap.
    spans = sorted((c["start"], c["end"]) for c in chapters)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_memoir_page_map(kb: KB) -> None:
    docs = doc_by_genre_shape(kb, "page_marker", 20)
    assert docs, "a document with printed page markers"
    doc = docs[0]
    text = kb.text(doc)
    markers = kb.segments(doc, "page_marker")
    pages = kb.segments(doc, "page")
    assert len(pages) == len(markers)
    assert all(text[m["start"]:m["end"]].startswith("{") for m in markers)
    assert {p["label"] for p in pages} == {m["label"] for m in markers}


def test_blog_comment_section_with_authors(kb: KB) -> None:
    docs = doc_by_genre_shape(kb, "comment", 2)
    assert docs, "a blog post with a comment section"
    for doc in docs:
        comments = kb.segments(doc, "comment")
        assert all(c["label"] for c in comments)
        assert len({c["label"] for c in comments}) >= 2
        assert kb.segments(doc, "boilerplate")


def test_transcription_editor_brackets(kb: KB) -> None:
    found = False
    for s in kb.sources():
        ed = [e for e in kb.segments(s["doc"], "editorial") if e.get("marks") == "[]"]
        notes = [e for e in ed if e.get("type") == "note"]
        if len(ed) >= 10 and notes:
            found = True
            assert all(n["label"] for n in notes)
    assert found, "a transcription with an editor's [...] interpolations and notes"


def test_passages_clean_and_mapped(kb: KB) -> None:
    rows = kb.conn.execute(
        "SELECT d.doc, p.start, p.end, p.body, p.offsets, p.layer FROM passages p JOIN documents d ON d.id = p.doc_id"
    ).fetchall()
    assert rows
    texts = {s["doc"]: kb.text(s["doc"]) for s in kb.sources()}
    layers = set()
    for r in rows:
        body, offs, text = r["body"], unpack_offsets(r["offsets"]), texts[r["doc"]]
        layers.add(r["layer"])
        assert "{p." not in body
        assert len(offs) == len(body) + 1 and offs[0] == r["start"] and offs[-1] == r["end"]
        assert len(body) <= 2000
        for i in range(0, len(body), 97):
            ch, src = body[i], text[offs[i]]
            assert ch == src or ch == " " or not src.isalnum() or ch.lower() == src.lower(), (r["doc"], i)
    assert {"main", "comment", "editorial", "quote"} <= layers
    # Only furniture passages come from chrome: boilerplate and toc ranges hold no other passage start.
    for s in kb.sources():
        chrome = kb.segments(s["doc"], "boilerplate") + kb.segments(s["doc"], "toc")
        starts = [r["start"] for r in rows if r["doc"] == s["doc"] and r["layer"] != "furniture"]
        for c in chrome:
            assert not any(c["start"] <= x < c["end"] for x in starts), (s["doc"], c)
