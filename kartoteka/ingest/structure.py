"""Structure detection: paragraphs, sections, pages, boilerplate and editorial layers as
offset ranges over the stored text, and the passages analysis and search work on."""

from __future__ import annotations

import re

from kartoteka.analysis import Passage, Segment
from kartoteka.ingest.normalize import analysis_view
from kartoteka.ingest.readers import RawDocument

_BLANK = re.compile(r"\n[ \t]*\n")


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """Paragraphs: blank-line separated blocks, or single lines where the text has no blank lines."""
    sep = _BLANK if _BLANK.search(text) else re.compile(r"\n")
    out, pos = [], 0
    for m in sep.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    result = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((s, e))
    return result


def detect_structure(raw: RawDocument) -> tuple[list[Segment], list[Passage]]:
    text = raw.text
    segments: list[Segment] = []
    passages: list[Passage] = []
    for s, e in paragraph_ranges(text):
        segments.append(Segment("paragraph", s, e))
        body, offsets = analysis_view(text, s, e)
        passages.append(Passage(seq=len(passages), start=s, end=e, body=body, offsets=offsets))
    for s, e, label in raw.pages:
        segments.append(Segment("page", s, e, label))
    return segments, passages
