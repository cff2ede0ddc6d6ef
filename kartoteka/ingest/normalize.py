"""The analysis view: a normalised copy of a stretch of stored text with an offset map.

Stored text is never changed; analysis reads ``body`` and maps every span back through
``offsets`` (body index -> stored offset, one extra entry for the end).

What the view does, in one regex pass per stretch (no per-character Python loop):

* drops ``skip`` ranges (page markers such as ``{p. 12}``);
* joins words hyphenated across a line or page break: ``com-\\n mon`` -> ``common``; a capital
  after the break keeps the hyphen (``non-\\nCommunist`` -> ``non-Communist``), and a hyphen
  with no break after it is a real one (``Orlov-Feldbin``);
* folds curly quotes, primes, soft-sign apostrophes and dashes to ASCII, expands ligatures
  (``\\ufb01`` -> ``fi``), drops soft hyphens and zero-width characters;
* drops reference markers glued to a word or a full stop (``1955.[46]``, ``party[3][4]``): the
  tokenizer would otherwise make ``1955.[46`` one token, neither a year nor a sentence end;
* collapses every run of whitespace (newlines included) to one space and trims both ends.
"""

from __future__ import annotations

import re

# Characters folded for analysis: curly quotes, primes, soft-sign apostrophes, dashes,
# odd spaces, ligatures. A value of "" drops the character.
FOLD: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u02b9": "'", "\u02bb": "'", "\u00b4": "'", "\u0060": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u02ba": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u202f": " ", "\u200a": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
    "\u2026": "...",
}

# Folds that keep the length are one str.translate (offsets unchanged); the rest (expansions,
# deletions) go through the regex pass below.
_ONE_TO_ONE = str.maketrans({c: r for c, r in FOLD.items() if len(r) == 1 and not c.isspace()})
_DASHES = set("\u2012\u2013\u2014\u2015\u2212")
_FOLD_CLASS = "".join(re.escape(c) for c, r in FOLD.items() if len(r) != 1 and not c.isspace())
# One pass finds everything else that changes: a line-break hyphen (group "hy", the whitespace
# in group "gap"), whitespace other than a single plain space, or a character to expand or drop.
_SPECIAL = re.compile(
    r"(?P<hy>(?<=[^\W\d_])[-\u00ad](?P<gap>[ \t]*[\r\n][ \t\r\n]*|[ \t]+)(?=[^\W\d_]))"
    r"|(?P<fn>\[\d{1,3}\](?:\[\d{1,3}\])*)"
    r"|(?P<ws>\s{2,}|[^\S ])"
    rf"|(?P<ch>[{_FOLD_CLASS}])"
)


def _piece_stream(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """text[start:end] without the skip ranges, with each character's stored offset."""
    if not skip:
        return text[start:end], list(range(start, end))
    parts: list[str] = []
    offs: list[int] = []
    pos = start
    for s, e in sorted(skip):
        s, e = max(s, start), min(e, end)
        if e <= pos:
            continue
        if s > pos:
            parts.append(text[pos:s])
            offs.extend(range(pos, s))
        pos = max(pos, e)
    if pos < end:
        parts.append(text[pos:end])
        offs.extend(range(pos, end))
    return "".join(parts), offs


def analysis_view(text: str, start: int, end: int, skip: list[tuple[int, int]] | None = None) -> tuple[str, list[int]]:
    """Return (body, offsets) for text[start:end] with ``skip`` ranges removed and the text
    normalised as the module docstring says; ``len(offsets) == len(body) + 1``."""
    orig, offs = _piece_stream(text, start, end, skip or [])
    mid = orig.translate(_ONE_TO_ONE)
    body: list[str] = []
    out: list[int] = []
    pos = 0
    for m in _SPECIAL.finditer(mid):
        a = m.start()
        if a > pos:
            body.append(mid[pos:a])
            out.extend(offs[pos:a])
        kind = m.lastgroup
        if (kind == "hy" or kind == "gap") and orig[a] in _DASHES:
            # A dash before a break (em or en dash): a real dash, never a word join.
            body.append("-")
            out.append(offs[a])
            body.append(" ")
            out.append(offs[a + 1])
        elif kind == "hy" or kind == "gap":
            gap_start, gap_end = m.start("gap"), m.end("gap")
            gap = mid[gap_start:gap_end]
            # A break is a newline in the gap, or removed text (a page marker) inside it.
            broke = "\n" in gap or "\r" in gap or offs[gap_end - 1] - offs[gap_start] != gap_end - 1 - gap_start \
                or offs[gap_start] - offs[a] != gap_start - a
            if not broke:
                # A hyphen followed by plain spaces: keep as written, spaces collapsed.
                body.append("-" if mid[a] != "\u00ad" else "")
                if mid[a] != "\u00ad":
                    out.append(offs[a])
                body.append(" ")
                out.append(offs[gap_start])
            elif mid[gap_end].islower():
                pass  # com-|mon: the hyphen and the break both go
            else:
                body.append("-")  # non-|Communist: a real hyphen that fell at a break
                out.append(offs[a])
        elif kind == "fn" and (a == 0 or mid[a - 1].isspace()):
            body.append(mid[a:m.end()])  # "a list [1]": a marker standing alone stays
            out.extend(offs[a:m.end()])
        elif kind == "fn":
            nxt = mid[m.end()] if m.end() < len(mid) else " "
            if nxt.isalnum():  # "said.[4]Then": keep the words apart
                body.append(" ")
                out.append(offs[a])
        elif kind == "ws":
            body.append(" ")
            out.append(offs[a])
        else:
            rep = FOLD[mid[a]]
            body.append(rep)
            out.extend([offs[a]] * len(rep))
        pos = m.end()
    if pos < len(mid):
        body.append(mid[pos:])
        out.extend(offs[pos:])
    s = "".join(body)
    # Trim: the stretch normally starts and ends on text, but skipped markers can leave spaces.
    lo, hi = 0, len(s)
    while lo < hi and s[lo] == " ":
        lo += 1
    while hi > lo and s[hi - 1] == " ":
        hi -= 1
    if lo or hi < len(s):
        s, out = s[lo:hi], out[lo:hi]
    out.append(out[-1] + 1 if out else end)
    return s, out
