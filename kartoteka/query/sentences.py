"""Sentences of a stored passage with their offsets, and the words they match (no NLP model)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kartoteka.query.search import STOPWORDS, terms
from kartoteka.query.words import word_list

# A sentence ends at . ! ? (with closing quotes or brackets) before whitespace and a capital,
# a digit or an opening quote; not after initials ("L. B."), titles or common abbreviations.
# Footnote marks may follow the stop ("in 1944.[45] Her ...", as encyclopedias print them).
_END = re.compile(r"[.!?](?:\[\d{1,3}\])*[\"'\u201d\u2019)\]]*(?:\[\d{1,3}\])*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREV = word_list("abbreviations")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ments", "ment", "ness", "edly", "ed", "es", "ly", "s")


@dataclass
class Sentence:
    doc_id: int
    doc: str
    start: int          # stored-text offsets
    end: int
    text: str
    passage_id: int
    page: str | None
    index: int          # position in its passage


def split(text: str, base: int) -> list[tuple[int, int]]:
    """Sentence spans (stored offsets) of ``text``, which starts at ``base``."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        before = text[max(start, m.start() - 12):m.start()]
        word = re.search(r"([A-Za-z]+)$", before)
        if word and (len(word.group(1)) == 1 and word.group(1).isupper() or word.group(1).lower() in _ABBREV):
            continue
        end = m.start() + len(m.group(0).rstrip())
        out.append((start, end))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    spans = []
    for s, e in out:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            spans.append((base + s + lead, base + e - trail))
    return spans


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude English stem, enough for overlap counting (executed ~ execution ~ executions).
    Cached: a warm ask stems the words of every sentence it reads, ~2,400 times, mostly repeats."""
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@lru_cache(maxsize=4096)
def content_stems(text: str) -> tuple[str, ...]:
    """The stems of a text's content words, in order (cached: the reader scores each sentence
    again as the context of the next ones)."""
    return tuple(stem(t) for t in terms(text) if t not in STOPWORDS and len(t) > 1)
