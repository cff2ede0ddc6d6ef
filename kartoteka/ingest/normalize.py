"""The analysis view: a normalised copy of a stretch of stored text with an offset map.

Stored text is never changed; analysis reads ``body`` and maps every span back through
``offsets`` (body index -> stored offset).
"""

from __future__ import annotations

# Characters folded for analysis: curly quotes, primes, dashes, ligatures.
FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ", "\u2009": " ",
    "\u00ad": "",
}


def analysis_view(text: str, start: int, end: int, skip: list[tuple[int, int]] | None = None) -> tuple[str, list[int]]:
    """Return (body, offsets) for text[start:end] with ``skip`` ranges removed."""
    body: list[str] = []
    offsets: list[int] = []
    skip = sorted(skip or [])
    k = 0
    i = start
    while i < end:
        while k < len(skip) and skip[k][1] <= i:
            k += 1
        if k < len(skip) and skip[k][0] <= i < skip[k][1]:
            i = skip[k][1]
            continue
        ch = text[i]
        folded = FOLD.get(ch, ch)
        for c in folded:
            body.append(c)
            offsets.append(i)
        i += 1
    offsets.append(end)
    return "".join(body), offsets
