"""Anchors the way W3C Web Annotation selectors make them: a span of a document is kept as its
position (TextPositionSelector) and as its quoted text with a little context on either side
(TextQuoteSelector), with the content hash of the text they index. While the document is
unchanged the position holds; once it changes, the quote is found again by its context."""

from __future__ import annotations

from typing import Any

CONTEXT = 32  # characters of prefix and suffix kept with a quote


def span_anchor(doc: str, sha256: str, text: str, start: int, end: int) -> dict[str, Any]:
    """The selectors for ``text[start:end]`` of ``doc``."""
    return {"doc": doc, "sha256": sha256, "start": start, "end": end, "exact": text[start:end],
            "prefix": text[max(0, start - CONTEXT):start], "suffix": text[end:end + CONTEXT]}


def refind(anchor: dict[str, Any], text: str, sha256: str) -> tuple[int, int] | None:
    """Where the anchored quote is in ``text`` now, or None when it is gone. Several occurrences
    are told apart by how much of the prefix and suffix they keep, then by nearness to the old
    position."""
    exact, start = anchor["exact"], anchor["start"]
    if not exact:
        return None
    if sha256 == anchor.get("sha256") and text[start:anchor["end"]] == exact:
        return start, anchor["end"]
    best: tuple[int, int, int] | None = None  # (-context score, distance, position)
    pos = text.find(exact)
    while pos >= 0:
        score = _common_suffix(anchor.get("prefix", ""), text[max(0, pos - CONTEXT):pos])
        score += _common_prefix(anchor.get("suffix", ""), text[pos + len(exact):pos + len(exact) + CONTEXT])
        key = (-score, abs(pos - start), pos)
        if best is None or key < best:
            best = key
        pos = text.find(exact, pos + 1)
    if best is None:
        return None
    return best[2], best[2] + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def find_quote(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """A quote the user typed: its first occurrence (or the one nearest ``near``), matched
    exactly, else with runs of whitespace in the text counting as one space."""
    quote = quote.strip()
    if not quote:
        return None
    hits = []
    pos = text.find(quote)
    while pos >= 0:
        hits.append((pos, pos + len(quote)))
        pos = text.find(quote, pos + 1)
    if not hits:
        import re

        pattern = r"\s+".join(re.escape(w) for w in quote.split())
        hits = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not hits:
        return None
    return min(hits, key=lambda h: abs(h[0] - near)) if near is not None else hits[0]
