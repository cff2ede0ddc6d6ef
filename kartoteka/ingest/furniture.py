"""Furniture: the apparatus around a text's body that asserts nothing of its own.

Image captions and file names, infoboxes and other wiki templates, "See also" / "References" /
"External links" back matter, bibliography lists, markdown front matter and link-only navigation
are marked as boilerplate units (``kind="boiler"``, ``attrs["furniture"]`` saying which). Structure
detection turns them into ``boilerplate`` segments and passages of layer ``furniture``: the stored
text keeps them and search finds them on request, while NLP, resolution, extraction and default
search leave them alone.

The rules are shapes, not strings of particular documents; the phrases are data in
``patterns.yaml``. A rule here runs over the paragraph units structure detection builds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from kartoteka.ingest.patterns import Patterns

if TYPE_CHECKING:
    from kartoteka.ingest.structure import Unit

_WS = re.compile(r"\s+")
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(?P<body>(?:.*\r?\n){1,60}?)---[ \t]*(?:\r?\n|$)")
_KEY_VALUE = re.compile(r"\s*[A-Za-z_][\w-]{0,40}\s*:.*|\s*-\s.*|\s*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?:\[\d{1,4}\])*\s+")
_FOOTNOTE_LINE = re.compile(r"(?:\[\s*(?:\d{1,4}|\*{1,4}|[a-z])\s*\]|\^|\d{1,3}\.\s*\^)\s*\S?.*")
# How far into a paragraph a lost caption or template may reach before the body text resumes.
APPARATUS_PREFIX_MAX = 1500


def _set(u: Unit, what: str) -> None:
    u.kind = "boiler"
    u.attrs = {**u.attrs, "furniture": what}


def apparatus_span(raw: str) -> tuple[int, int, str] | None:
    """Where wiki markup a converter left in a paragraph lies, and what it was.

    A converter that drops an image's ``[[File:...|`` opener leaves its caption ending in an
    unmatched ``]]``; one that drops a template's ``{{Infobox`` opener leaves ``|key = value``
    pairs ending in an unmatched ``}}``. A paragraph that opens mid-phrase (lowercase, a comma)
    is apparatus up to the closer; one that opens with a sentence keeps its sentences, and the
    caption is what follows the last of them ("... the Committee. in Helsinki]]").
    """
    found = _unmatched_closer(raw)
    if found is None:
        return None
    end, what = found
    head = raw[:end - 2]
    first = head.lstrip()[:1]
    if what == "infobox" or not first or not (first.isupper() or first.isdigit() or first in "\"“("):
        return 0, end, what
    cuts = [m.end() for m in _SENTENCE_END.finditer(head)]
    return (cuts[-1] if cuts else 0), end, what


def _unmatched_closer(raw: str) -> tuple[int, str] | None:
    """The end of the first ``]]`` or ``}}`` with no opener before it, and "caption" or "infobox"."""
    limit = min(len(raw), APPARATUS_PREFIX_MAX)
    head = raw[:limit]
    if "]]" not in head and "}}" not in head:
        return None  # the common paragraph: no closer at all, no walk character by character
    depth = {"[": 0, "{": 0}
    i = 0
    while i < limit - 1:
        pair = raw[i:i + 2]
        if pair in ("[[", "{{"):
            depth[pair[0]] += 1
            i += 2
            continue
        if pair in ("]]", "}}"):
            opener = "[" if pair == "]]" else "{"
            if depth[opener] == 0:
                if opener == "{" and "|" not in raw[:i]:
                    return None  # a template closer without parameters: not an infobox
                return i + 2, "caption" if opener == "[" else "infobox"
            depth[opener] -= 1
            i += 2
            continue
        i += 1
    return None


def split_apparatus(units: list[Unit], text: str, clean: Callable[[str], str]) -> list[Unit]:
    """Units holding a lost caption or template split around it: body, apparatus, body."""
    out: list[Unit] = []
    for u in units:
        found = apparatus_span(text[u.start:u.end])
        if found is None:
            out.append(u)
            continue
        a, b, what = found
        for s, e, kind in ((u.start, u.start + a, None), (u.start + a, u.start + b, what), (u.start + b, u.end, None)):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e <= s:
                continue
            part = replace(u, start=s, end=e, clean=clean(text[s:e]), attrs={}, lines=text.count("\n", s, e) + 1,
                           lead_marker=u.lead_marker and s == u.start)
            if kind:
                _set(part, kind)
            out.append(part)
    return out


def mark_furniture(units: list[Unit], text: str, P: Patterns) -> None:
    """Mark every furniture unit (see the module docstring)."""
    _front_matter(units, text)
    for u in units:
        if u.kind in ("boiler", "toc", "marker"):
            continue
        lines = _lines(text, u)
        if u.lines == 1 and P.image_file.fullmatch(u.clean):
            _set(u, "image")
        elif lines and all(P.link_line.fullmatch(x) for x in lines):
            _set(u, "navigation")
    _bibliographies(units, text, P)
    _back_matter(units, text, P)
    _trailing_notes(units, text, P)


def _lines(text: str, u: Unit) -> list[str]:
    return [_WS.sub(" ", x).strip() for x in text[u.start:u.end].splitlines() if x.strip()]


def _front_matter(units: list[Unit], text: str) -> None:
    """Markdown front matter (``---`` / ``key: value`` lines / ``---``) at the very start."""
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not m or not all(_KEY_VALUE.fullmatch(x) for x in m.group("body").splitlines()):
        return
    end = m.end() + (len(text) - len(text.lstrip("\ufeff")))
    for u in units:
        if u.end <= end:
            _set(u, "front matter")


def _is_list(lines: list[str], P: Patterns) -> bool:
    return bool(lines) and all(P.list_item.fullmatch(x) for x in lines)


def _bibliographies(units: list[Unit], text: str, P: Patterns) -> None:
    """A list of three or more items, two thirds of them citations (a title in italics or quotes
    and a year, pages or a translator), with the short title line above it."""
    for i, u in enumerate(units):
        if u.kind not in ("para", "toc"):  # a numbered list of works near the start is no contents
            continue
        lines = _lines(text, u)
        if len(lines) < 3 or not _is_list(lines, P):
            continue
        if 3 * sum(1 for x in lines if P.citation_line.match(x)) < 2 * len(lines):
            continue
        _set(u, "bibliography")
        prev = units[i - 1] if i > 0 else None
        if prev is not None and prev.kind in ("para", "heading") and prev.lines == 1 and len(prev.clean) <= 100 \
                and prev.clean[-1:] not in ".;,":
            _set(prev, "bibliography")


def _back_matter(units: list[Unit], text: str, P: Patterns) -> None:
    """From a back-matter heading on, list items, reference lines and short paragraphs."""
    i = 0
    while i < len(units):
        u = units[i]
        if not (u.lines == 1 and len(u.clean) <= 60 and P.back_matter.fullmatch(u.clean)) or u.layer != "main":
            i += 1
            continue
        _set(u, "back matter")
        j = i + 1
        while j < len(units) and _continues_back_matter(units[j], text, P):
            if units[j].kind != "marker":
                _set(units[j], units[j].attrs.get("furniture", "back matter"))
            j += 1
        i = j


def _continues_back_matter(v: Unit, text: str, P: Patterns) -> bool:
    if v.kind == "marker" or v.kind == "boiler" or P.back_matter.fullmatch(v.clean):
        return True
    if v.kind in ("cheader", "author") or v.layer != "main":
        return False
    if v.kind == "heading" and v.level in ("part", "chapter"):
        return False
    # Items, reference lines and citations go on; a sentence of prose (an author's note, the
    # text resuming after a box) ends the run.
    return all(_apparatus_line(x, P) for x in _lines(text, v))


def _apparatus_line(line: str, P: Patterns) -> bool:
    if line[:1] in "|+":  # a row of a text table of links: short cells, no sentences
        cells = [c.strip().strip("-+=:") for c in line.strip("|+").split("|")]
        return all(not c or (len(c) <= 120 and c[-1] not in ".!?") for c in cells)
    if len(line) > P.back_matter_item_max:
        return False
    if P.list_item.fullmatch(line) or _FOOTNOTE_LINE.fullmatch(line) or P.citation_line.match(line):
        return True
    if "://" in line or P.link_line.fullmatch(line):
        return True
    return len(line) <= 60 and line[-1:] not in ".!?"  # a sub-heading ("Primary sources")


def _trailing_notes(units: list[Unit], text: str, P: Patterns) -> None:
    """A run of three or more short reference lines ("[12] Smith, p. 40") ending the text."""
    run: list[Unit] = []
    for u in reversed(units):
        if u.kind == "marker" or u.kind == "boiler":
            if u.kind == "boiler":
                run.append(u)
            continue
        lines = _lines(text, u)
        if lines and all(_FOOTNOTE_LINE.fullmatch(x) and len(x) <= P.back_matter_item_max for x in lines):
            run.append(u)
            continue
        break
    if sum(1 for u in run if u.kind != "boiler") >= 3:
        for u in run:
            if u.kind != "boiler":
                _set(u, "notes")
