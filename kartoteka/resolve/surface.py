"""Mentions whose surface shows they name no entity of their own, whatever the NER's label:

* a word the parser reads as an adjective ("the Finnish capital") or a plural ("75,000
  Lithuanians", "the Romanovs"): a nationality, a language or a family, not one person, place or
  body (the packs' own plural names, "Bolsheviks", are looked up before this is asked);
* a part of a quoted or italicised title ("After Russia", "The Fascist Offensive and the Tasks
  of ..."): the words name the work, not the country or body they contain;
* a name after a capitalised preposition in the middle of a running sentence ("the collection
  After Russia", "his novel Beyond Siberia"): a title left unmarked, since prose writes its
  prepositions in lower case.
"""

from __future__ import annotations

import re
from typing import Any

from kartoteka.analysis import Analysis, Mention

NOT_NAME_TAGS = {"JJ", "JJR", "JJS", "NNS", "NNPS"}
# Opening and closing marks of a title written in running text.
TITLE_MARKS = {'"': '"', "\u201c": "\u201d", "\u00ab": "\u00bb", "_": "_", "*": "*"}
MAX_TITLE = 160      # characters: a longer quotation is speech, not a title
SMALL_WORD = 5       # words up to this length may stay lower case in a title ("of", "from", "after"),
#                      so long as at least half the words are capitalised


def passage_at(a: Analysis) -> dict[int, int]:
    """Passage seq -> its index in ``a.passages`` (the first such passage): built once per
    document, so a mention finds its parse without a walk over every passage."""
    out: dict[int, int] = {}
    for n, p in enumerate(a.passages):
        out.setdefault(p.seq, n)
    return out


def _mention_doc(a: Analysis, m: Mention, at: dict[int, int] | None) -> Any | None:
    """The parse of the mention's passage (None where it has no body position or no parse)."""
    if m.body_start is None or m.body_end is None:
        return None
    n = (at if at is not None else passage_at(a)).get(m.passage_seq)  # type: ignore[arg-type]
    if n is None or n >= len(a.docs):
        return None
    return a.docs[n]


def lone_token(a: Analysis, m: Mention, at: dict[int, int] | None = None) -> Any | None:
    """The spaCy token of a one-token mention, or None."""
    doc = _mention_doc(a, m, at)
    if doc is None:
        return None
    span = doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
    return span[0] if span is not None and len(span) == 1 else None


def adjective_or_plural(a: Analysis, m: Mention, at: dict[int, int] | None = None) -> bool:
    tok = lone_token(a, m, at)
    return tok is not None and tok.tag_ in NOT_NAME_TAGS


def _title_cased(inner: str) -> bool:
    words = [w.strip(".,:;!?()'\u2019") for w in inner.split()]
    words = [w for w in words if w and w[0].isalpha()]
    if not words or not words[0][0].isupper():
        return False
    caps = sum(w[0].isupper() for w in words)
    return 2 * caps >= len(words) and all(w[0].isupper() or len(w) <= SMALL_WORD for w in words)


def inside_title(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a strict part of a title set off by quotes or italics on its line?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    left, right = text[line_start:start], text[end:line_end if line_end >= 0 else len(text)]
    for open_mark, close_mark in TITLE_MARKS.items():
        i = left.rfind(open_mark)
        if i < 0 or (open_mark == close_mark and left.count(open_mark) % 2 == 0):
            continue
        if open_mark != close_mark and close_mark in left[i + 1:]:
            continue
        j = right.find(close_mark)
        if j < 0:
            continue
        inner = left[i + 1:] + text[start:end] + right[:j]
        whole = re.sub(r"^(?:the|a|an)\s+", "", inner.strip(), flags=re.IGNORECASE)
        if len(inner) > MAX_TITLE or whole == text[start:end].strip():
            continue  # the title itself ("The Poem of the End"): a work's name, kept
        if _title_cased(inner):
            return True
    return False


def after_title_preposition(a: Analysis, m: Mention, at: dict[int, int] | None = None) -> bool:
    """Is the mention preceded by a capitalised preposition in the middle of a prose sentence
    (a title written without quotes or italics)? A heading, written in title case, is no prose:
    its sentence must hold lower-case words."""
    doc = _mention_doc(a, m, at)
    span = None if doc is None else doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    prev = span.doc[span.start - 1]
    if prev.tag_ != "IN" or not prev.text[:1].isupper() or not prev.text[1:].islower() or prev.is_sent_start:
        return False
    before = span.doc[prev.i - 1]
    if before.is_punct or before.is_space:
        return False
    sent = prev.sent
    return sum(1 for t in sent if t.is_alpha and t.is_lower and len(t) > 3) >= 3
