"""Structure detection: paragraphs, headings, parts/chapters/sections, epigraphs, pages, web
chrome, comment sections and editorial layers as offset ranges over the stored text, and the
passages that analysis and search work on.

Every rule is general: the phrases and shapes it looks for are data (``patterns.yaml``).

Decisions (see docs/architecture.md):

* Boilerplate (web chrome, e-book promotion, copyright lines, and the furniture of
  ``furniture.py``: captions, infoboxes, reference lists, navigation) and a table of contents
  ("toc") get segments and passages of layer ``furniture``: NLP, resolution and extraction never
  read them and default search leaves them out, while the stored text keeps them and
  ``search --furniture`` finds them.
* Comments below a blog post become passages with ``layer="comment"`` (searchable; the
  extractor gives them the commenter's voice); the author lines themselves get no passage.
* A passage most of which lies inside an editor's ``[...]`` interpolation has
  ``layer="editorial"``; block quotations and epigraphs have ``layer="quote"``.
* Headings get segments, not passages; their titles reach passages as ``Passage.section``.
* Paragraphs split by a page break mid-sentence are joined into one passage, and so is a short
  paragraph (a quoted line) after one that ends with a colon; paragraphs longer than
  ``MAX_PASSAGE`` characters are split at sentence boundaries.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from kartoteka.analysis import Passage, Segment
from kartoteka.ingest.furniture import mark_furniture, split_apparatus
from kartoteka.ingest.normalize import analysis_view
from kartoteka.ingest.patterns import Patterns, page_marker_label_patterns, patterns
from kartoteka.ingest.readers import RawDocument

MAX_PASSAGE = 1000  # characters of analysis body; longer paragraphs are split at sentences
TARGET_PASSAGE = 600  # where a split paragraph's pieces aim to end
SHORT_FOLLOWER = 300  # a paragraph this short after a colon-ended one joins it

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"[^\n]+")
_WS = re.compile(r"\s+")
_TERMINAL = set(".!?:;\"'\u201d\u2019)]}\u2026*")
_OPEN_QUOTE = set("\"'\u201c\u2018\u201e\u00ab")
# A sentence end, with any footnote markers after it ("... in 1937.[12] Next").
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?:\[\d{1,4}\])*\s+(?=[\"'(\[]?[A-Z0-9])")

BODY_KINDS = ("para", "blockquote", "epigraph")
FURNITURE_KINDS = ("boiler", "toc")


@dataclass
class Unit:
    """A paragraph-like unit: one blank-line block, or one line of it that stands apart."""

    start: int
    end: int
    clean: str  # page markers removed, whitespace collapsed: what classification reads
    block: int
    lines: int = 1
    kind: str = "para"  # para, heading, sep, toc, boiler, cheader, author, meta, attrib, blockquote, epigraph
    level: str | None = None  # part, chapter, section (headings)
    label: str | None = None
    lead_marker: bool = False
    indent: int = 0
    layer: str = "main"
    attrs: dict[str, Any] = field(default_factory=dict)


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


# -- units --------------------------------------------------------------------------------


def _find_markers(text: str) -> list[tuple[int, int, str]]:
    found: dict[int, tuple[int, int, str]] = {}
    for rx in page_marker_label_patterns():
        for m in rx.finditer(text):
            found.setdefault(m.start(), (m.start(), m.end(), m.group("page")))
    return [found[k] for k in sorted(found)]


def _clean(s: str, P: Patterns) -> str:
    if "{" in s or "[" in s:
        s = P.page_marker.sub(" ", s)
    return _WS.sub(" ", s).strip()


def _author(clean: str, P: Patterns) -> str | None:
    if len(clean) > 90:
        return None
    for rx in P.comment_author:
        m = rx.fullmatch(clean)
        if m:
            name = m.group("author").strip()
            if len(name.split()) <= 5 and not any(c in name for c in "!?\"\u201c\u201d"):
                return name
    return None


def _line_kind(clean: str, P: Patterns) -> str | None:
    """The kind of a line that stands apart from the lines around it, or None."""
    if not clean:
        return None
    if len(clean) <= 80 and P.separator.fullmatch(clean):
        return "sep"
    if len(clean) <= 170 and P.attribution.fullmatch(clean):
        return "attrib"
    if clean.endswith((":", "...", "\u2026")) and _author(clean, P):
        return "author"
    if len(clean) <= 170 and (P.chapter_heading.fullmatch(clean) or P.part_heading.fullmatch(clean)):
        return "heading"
    return None


def _units(text: str, blocks: list[tuple[int, int]], markers: list[tuple[int, int, str]], P: Patterns) -> list[Unit]:
    marker_starts = [m[0] for m in markers]
    units: list[Unit] = []

    def make(s: int, e: int, b: int, nlines: int) -> Unit:
        raw = text[s:e]
        u = Unit(s, e, _clean(raw, P), b, nlines)
        i = bisect.bisect_left(marker_starts, s)
        u.lead_marker = i < len(markers) and markers[i][0] == s
        ls = text.rfind("\n", 0, s) + 1
        u.indent = len(text[ls:s].expandtabs(4))
        return u

    for b, (s, e) in enumerate(blocks):
        if "\n" not in text[s:e]:
            units.append(make(s, e, b, 1))
            continue
        lines = []
        for m in _LINE.finditer(text, s, e):
            line = m.group()
            ls = m.start() + len(line) - len(line.lstrip())
            le = m.end() - (len(line) - len(line.rstrip()))
            if le > ls:
                lines.append((ls, le))
        cleans = [_clean(text[ls:le], P) for ls, le in lines]
        kinds = [_line_kind(c, P) for c in cleans]
        n = len(lines)
        # In a multi-line block a heading stands apart only as the first line, an attribution
        # only at the end; a line of chrome only when the whole block is chrome.
        for k in range(n):
            if kinds[k] == "heading" and k != 0:
                kinds[k] = None
            if kinds[k] == "attrib" and k < n - 2:
                kinds[k] = None
        group_start: int | None = None
        k = 0
        while k < n:
            kind = kinds[k]
            if kind is None:
                if group_start is None:
                    group_start = k
                k += 1
                continue
            if group_start is not None:
                units.append(make(lines[group_start][0], lines[k - 1][1], b, k - group_start))
                group_start = None
            end_k = k
            # "—Jane Doe,\nThe Daily Paper": an attribution wraps onto a short last line.
            if kind == "attrib" and k == n - 2 and cleans[k].endswith(",") and len(cleans[k + 1]) <= 80:
                end_k = k + 1
            units.append(make(lines[k][0], lines[end_k][1], b, end_k - k + 1))
            k = end_k + 1
        if group_start is not None:
            units.append(make(lines[group_start][0], lines[n - 1][1], b, n - group_start))
    return units


# -- classification -----------------------------------------------------------------------


def _title_like(clean: str) -> bool:
    if not 1 <= len(clean) <= 100 or clean[-1] in ".,;:" or len(clean.split()) > 14:
        return False
    if clean[0] in _OPEN_QUOTE and not clean.isupper():
        return False  # a line of dialogue
    first = clean.lstrip("(*#")[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return False
    letters = [c for c in clean if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", clean) if len(w) >= 4]
    if not words:
        return True
    return sum(1 for w in words if w[0].isupper()) / len(words) >= 0.6


def _fold_key(s: str) -> str:
    s = s.translate({0x2019: "'", 0x2018: "'", 0x2013: "-", 0x2014: "-", 0x201C: '"', 0x201D: '"'})
    return " ".join(re.sub(r"[^\w]+", " ", s.lower()).split())


def _classify(units: list[Unit], text: str, P: Patterns) -> None:
    for u in units:
        c = u.clean
        if not c:
            u.kind = "marker"  # a page marker on a line of its own
            continue
        k = _line_kind(c, P) if u.lines <= 2 else None
        if k == "heading":
            u.kind, u.level = "heading", "chapter" if P.chapter_heading.fullmatch(c) else "part"
            u.label = c.rstrip(". ")
        elif k in ("sep", "attrib", "author"):
            u.kind = k
            if k == "author":
                u.label = _author(c, P)
        elif u.lines == 1 and len(c) <= 400 and P.boilerplate.fullmatch(c) or u.lines > 1 and all(P.boilerplate.fullmatch(_clean(x, P)) for x in text[u.start:u.end].splitlines() if x.strip()):
            u.kind = "boiler"
        elif u.lines == 1 and len(c) <= 150 and P.comment_header.fullmatch(c):
            u.kind = "cheader"
        elif u.lines == 1 and len(c) <= 100 and P.chapter_word.fullmatch(c) and c[-1] not in ".,;":
            u.kind, u.level, u.label = "heading", "chapter", c


def _mark_toc(units: list[Unit], text: str, P: Patterns) -> set[str]:
    """Tables of contents near the start; returns the folded entry titles."""
    entries: set[str] = set()
    limit = max(20000, len(text) // 5)
    i = 0
    while i < len(units) and units[i].start < limit:
        u = units[i]
        if u.lines == 1 and len(u.clean) <= 40 and P.toc_heading.fullmatch(u.clean) and u.kind not in ("boiler",):
            first = units[i + 1] if i + 1 < len(units) else None
            links = first is not None and first.clean.startswith("[") and "](" in first.clean
            j = i + 1
            first_key = _fold_key(_entry_text(first.clean)) if first else ""
            while j < len(units):
                v = units[j]
                if links:
                    if not (v.clean.startswith("[") and "](" in v.clean):
                        break
                elif (len(v.clean) > 120 or (j > i + 1 and _fold_key(_entry_text(v.clean)) == first_key)
                      or v.kind in ("boiler", "cheader")):
                    break
                entries.add(_fold_key(_entry_text(v.clean)))
                j += 1
            if j > i + 1:
                u.kind, u.label = "toc", u.clean
                for v in units[i + 1:j]:
                    v.kind = "toc"
                i = j
                continue
        if u.lines >= 3 and u.kind == "para":
            lines = [_clean(x, P) for x in text[u.start:u.end].splitlines() if x.strip()]
            if len(lines) >= 3 and all(P.toc_item_line.fullmatch(x) for x in lines) and not _list_of_clauses(lines):
                u.kind = "toc"
                for x in lines:
                    entries.add(_fold_key(x))
                    entries.add(_fold_key(re.sub(r"^\(?\d{1,3}[.)]\s*", "", x)))
        i += 1
    return entries


def _list_of_clauses(lines: list[str]) -> bool:
    """A numbered list of clauses ("1. any officer suspected of ...;"), not of chapter titles."""
    items = [re.sub(r"^\(?\d{1,3}[.)]\s*", "", x) for x in lines]
    return any(x and (x[-1] in ";," or x[0].islower()) for x in items)


def _entry_text(s: str) -> str:
    m = re.fullmatch(r"\[([^\]]*)\]\([^)]*\)", s)
    if m:
        return m.group(1)
    return re.sub(r"(?:\.{2,}|\s{2,}|\t)\s*[0-9ivxlcdm]+$", "", s)


def _mark_headings(units: list[Unit], toc: set[str], P: Patterns, line_mode: bool) -> None:
    has_chapter_kw = any(u.kind == "heading" and u.level == "chapter" and P.chapter_heading.fullmatch(u.clean)
                         for u in units)
    for i, u in enumerate(units):
        if u.kind != "para" or u.lines != 1:
            continue
        nxt = _next_body(units, i)
        if nxt is None:
            continue
        if toc and len(u.clean) <= 150 and _fold_key(u.clean) in toc:
            u.kind, u.level, u.label = "heading", ("section" if has_chapter_kw else "chapter"), u.clean
            continue
        if not _title_like(u.clean) or len(units[nxt].clean) <= len(u.clean):
            continue
        if line_mode and i > 0 and units[i - 1].clean[-1:] not in _TERMINAL:
            continue
        prev = units[i - 1] if i > 0 else None
        if prev is not None and prev.kind == "para" and prev.clean.endswith(":"):
            continue
        if P.lone_number.fullmatch(u.clean):
            u.kind, u.level, u.label = "heading", "chapter", u.clean.rstrip(".")
        else:
            u.kind, u.level, u.label = "heading", "section", u.clean
    # A numbered heading with no title takes the short line after it as its title.
    for i, u in enumerate(units[:-1]):
        if u.kind != "heading" or u.level not in ("part", "chapter"):
            continue
        m = (P.chapter_heading if u.level == "chapter" else P.part_heading).fullmatch(u.clean)
        if not m or m.group("rest").strip(" .:"):
            continue
        v = units[i + 1]
        if v.kind in ("para", "heading") and v.lines == 1 and len(v.clean) <= 100 and v.level != "part" \
                and not (v.level == "chapter" and P.chapter_heading.fullmatch(v.clean)) \
                and (v.clean[-1] not in ",;:") and (_title_like(v.clean.rstrip(".")) or v.block == u.block):
            u.label = f"{u.clean.rstrip(' .:')}: {v.clean.rstrip('.')}"
            u.end = v.end
            v.kind, v.level, v.attrs = "subtitle", None, {"of": u.label}


def _next_body(units: list[Unit], i: int) -> int | None:
    for j in range(i + 1, min(len(units), i + 4)):
        if units[j].kind == "marker":
            continue
        return j if units[j].kind == "para" else None
    return None


def _mark_boilerplate(units: list[Unit], P: Patterns) -> None:
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "boiler" and u.lines == 1 and P.boilerplate_trigger.fullmatch(u.clean):
            j = i + 1
            while j < len(units):
                v = units[j]
                if v.kind in ("cheader", "author") or (v.kind == "heading" and v.level in ("part", "chapter")):
                    break
                if v.kind != "boiler" and len(v.clean) > P.boilerplate_run_max:
                    break
                v.kind = "boiler"
                j += 1
            i = j
            continue
        i += 1


def _mark_comments(units: list[Unit], P: Patterns) -> list[tuple[int, int]]:
    """Comment sections: returns (first, last) unit indices of each comment."""
    start = None
    for i, u in enumerate(units):
        if u.kind == "cheader" and any(v.kind == "author" for v in units[i + 1:i + 4]):
            start = i
            break
    authors = [i for i, u in enumerate(units) if u.kind == "author"]
    if start is None:
        listed = [i for i in authors if units[i].indent > 0 or re.match(r"\s*(?:\d{1,3}\.|[\u2022\u00b7*-])", units[i].clean)]
        if len(listed) < 2:
            for u in units:
                if u.kind in ("author", "cheader"):
                    u.kind = "para"
            return []
        start = listed[0]
    end = len(units)
    for j in range(start + 1, len(units)):
        if units[j].kind == "boiler" and P.boilerplate_trigger.fullmatch(units[j].clean):
            end = j
            break
    indents = sorted({units[i].indent for i in authors if start <= i < end})
    comments: list[tuple[int, int]] = []
    cur: int | None = None
    for j in range(start, end):
        u = units[j]
        if u.kind == "author":
            if cur is not None:
                comments.append((cur, j - 1))
            cur = j
            u.attrs = {"depth": indents.index(u.indent) if u.indent in indents else 0}
        elif cur is not None:
            if u.kind == "para" and len(u.clean) <= 60 and P.comment_meta.fullmatch(u.clean):
                u.kind = "meta"
            if u.kind in ("para", "heading", "blockquote", "attrib", "sep"):
                if u.kind == "heading":
                    u.kind, u.level = "para", None
                u.layer = "comment"
        elif u.kind == "para":
            u.layer = "comment"
    if cur is not None:
        comments.append((cur, end - 1))
    for i in range(end, len(units)):  # chrome after the reply form stays chrome
        if units[i].kind == "author":
            units[i].kind = "boiler"
    for i, u in enumerate(units):
        if u.kind == "author" and not (start <= i < end):
            u.kind = "para"
    return comments


def _mark_epigraphs(units: list[Unit]) -> list[tuple[int, int, int | None]]:
    """Epigraphs: (first unit, attribution unit, heading unit it opens or None)."""
    out: list[tuple[int, int, int | None]] = []
    for i, u in enumerate(units):
        if u.kind != "attrib" or u.layer != "main" or i == 0:
            continue
        first = i - 1
        if units[first].kind != "para" or len(units[first].clean) > 1000:
            u.kind = "para"
            continue
        total = len(units[first].clean)
        k = first - 1
        while k >= 0 and units[k].kind == "para" and len(units[k].clean) <= 300 and total < 1500 and first - k < 4:
            total += len(units[k].clean)
            k -= 1
        # Several short units make one epigraph only when a heading or break bounds them.
        if k >= 0 and k < first - 1 and units[k].kind not in ("heading", "subtitle", "sep", "attrib", "epigraph"):
            k = first - 1
        first = k + 1
        for v in units[first:i]:
            v.kind, v.layer = "epigraph", "quote"
        u.layer = "quote"
        opens: int | None = None
        j = i + 1
        while j < len(units) and units[j].kind in ("marker",):
            j += 1
        if j < len(units) and units[j].kind == "heading" and units[j].level in ("part", "chapter"):
            opens = j
        else:
            k = first - 1
            while k >= 0 and units[k].kind in ("subtitle", "marker"):
                k -= 1
            if k >= 0 and units[k].kind == "heading" and units[k].level in ("part", "chapter"):
                opens = k
        out.append((first, i, opens))
    return out


def _mark_blockquotes(units: list[Unit]) -> None:
    indents = sorted(u.indent for u in units if u.kind == "para" and u.layer == "main")
    base = indents[len(indents) // 2] if indents else 0
    prev: Unit | None = None
    for u in units:
        if u.kind == "para" and u.layer == "main":
            c = u.clean
            if c.startswith(">") or u.indent >= base + 4 and len(c) >= 80 or (prev is not None and prev.kind == "para" and prev.clean.endswith(":") and len(prev.clean) >= 40
                  and len(c) >= 200
                  and c[0] not in _OPEN_QUOTE and not c[0].islower()):
                u.kind, u.layer = "blockquote", "quote"
        if u.kind not in ("marker",):
            prev = u


# -- editorial layers ---------------------------------------------------------------------


def _byline(text: str, P: Patterns) -> str | None:
    m = P.byline.search(text, 0, min(len(text), 3000))
    return m.group("name") if m else None


def _editorial(text: str, units: list[Unit], markers: list[tuple[int, int, str]], P: Patterns) -> list[Segment]:
    out: list[Segment] = []
    unit_starts = {u.start for u in units if u.kind in BODY_KINDS or u.kind in ("para",)}
    # A span left open does not run past a heading, a break, chrome or the comments.
    barriers = sorted(u.start for u in units if u.kind in ("heading", "sep", "boiler", "toc", "cheader", "author", "subtitle")
                      or u.layer == "comment")
    ends = sorted(u.end for u in units)
    marker_starts = {m[0] for m in markers}

    def close_open(open_at: int, limit: int) -> None:
        k = bisect.bisect_right(ends, limit) - 1
        end = ends[k] if k >= 0 else limit
        if end > open_at:
            out.append(_editor_segment(text, open_at, end, P, closed=False))

    depth, open_at = 0, -1
    for m in re.finditer(r"[\[\]]", text):
        pos = m.start()
        if depth and open_at >= 0:
            b = bisect.bisect_right(barriers, open_at)
            if b < len(barriers) and barriers[b] <= pos:
                close_open(open_at, barriers[b])
                depth, open_at = 0, -1
        if text[pos] == "[":
            if pos in marker_starts:
                continue
            if depth == 0:
                depth, open_at = 1, pos
            elif pos not in unit_starts:
                depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                span = text[open_at:pos + 1]
                if not (text[pos + 1:pos + 2] == "(" or P.bracket_ignore.fullmatch(span)):
                    out.append(_editor_segment(text, open_at, pos + 1, P, closed=True))
                open_at = -1
    if depth and open_at >= 0:
        close_open(open_at, len(text))
    compiler = _byline(text, P)
    for m in re.finditer(r"\{[^{}]{1,3000}\}", text):
        if m.start() in marker_starts:
            continue
        out.append(Segment("editorial", m.start(), m.end(), "compiler",
                           {"voice": compiler or "compiler", "type": "remark", "marks": "{}"}))
    return out


def _editor_segment(text: str, s: int, e: int, P: Patterns, closed: bool) -> Segment:
    span = text[s:e]
    attrs: dict[str, Any] = {"marks": "[]"}
    if not closed:
        attrs["closed"] = False
    if P.note.match(span):
        attrs["type"] = "note"
        m = P.note_author.search(span if closed else span + "]")
        who = m.group("who").strip() if m else None
        role = P.note_author_roles.get(who.lower(), None) if who else None
        label = who or "editor"
        attrs["voice"] = role or label
    elif re.fullmatch(r"\[\s*(?:\.\s*){3,}\]|\[\s*\u2026\s*\]", span):
        attrs["type"], label = "elision", "editor"
        attrs["voice"] = "editor"
    else:
        attrs["type"], label = "interpolation", "editor"
        attrs["voice"] = "editor"
    return Segment("editorial", s, e, label, attrs)


# -- ranges -------------------------------------------------------------------------------


def _pages(text: str, markers: list[tuple[int, int, str]], units: list[Unit]) -> list[Segment]:
    if not markers:
        return []
    gaps = sorted(b[0] - a[0] for a, b in zip(markers, markers[1:], strict=False))
    median = gaps[len(gaps) // 2] if gaps else 3000
    limit = max(6000, 4 * median)
    unit_ends = [u.end for u in units]
    unit_starts = [u.start for u in units]
    out: list[Segment] = []
    for i, (s, _e, label) in enumerate(markers):
        nxt = markers[i + 1][0] if i + 1 < len(markers) else None
        if nxt is not None and nxt - s <= limit:
            end = nxt
        else:
            # The last page of a run: to the end of the paragraphs within a page's length.
            k = bisect.bisect_right(unit_starts, s + int(1.5 * median)) - 1
            j = bisect.bisect_right(unit_starts, s) - 1
            end = max(unit_ends[max(k, j, 0)], _e)
            if nxt is not None:
                end = min(end, nxt)
        out.append(Segment("page", s, end, label, {"source": "marker"}))
    return out


def _is_numbered_chapter(u: Unit) -> bool:
    """A "Chapter N" heading, as against a Preface or an Introduction."""
    return bool(patterns().chapter_heading.fullmatch(u.clean)) or bool(patterns().lone_number.fullmatch(u.clean))


def _ranges(units: list[Unit], epigraphs: list[tuple[int, int, int | None]], main_end: int) -> list[Segment]:
    """Part, chapter and section segments from the headings and breaks."""
    heads = [(i, u) for i, u in enumerate(units) if u.kind == "heading" or u.kind == "sep"]
    if not heads:
        return []
    start_of: dict[int, int] = {}  # heading unit -> first unit of its range (an epigraph before it)
    for first, _att, opens in epigraphs:
        if opens is not None and opens > first:
            start_of[opens] = min(start_of.get(opens, opens), first)
    # A break right before a section heading opens that heading's section.
    merged = set()
    for i, u in heads:
        if u.kind == "sep" and i + 1 < len(units) and units[i + 1].kind == "heading" and units[i + 1].level == "section":
            start_of[i + 1] = min(start_of.get(i + 1, i + 1), i)
            merged.add(i)
    heads = [(i, u) for i, u in heads if i not in merged]
    first_part = next((i for i, u in heads if u.kind == "heading" and u.level == "part"), None)
    first_chap = next((i for i, u in heads if u.kind == "heading" and u.level == "chapter"
                       and _is_numbered_chapter(u)), None)
    parts_enclose = first_part is not None and (first_chap is None or first_part < first_chap)

    def level(u: Unit) -> str:
        return "section" if u.kind == "sep" else (u.level or "section")

    rank = {"part": 0, "chapter": 1, "section": 2} if parts_enclose else {"chapter": 0, "part": 1, "section": 2}
    out: list[Segment] = []
    for h, (i, u) in enumerate(heads):
        lv = level(u)
        if u.start >= main_end:
            continue
        stop = len(units)
        for j, v in heads[h + 1:]:
            if rank[level(v)] <= rank[lv]:
                stop = start_of.get(j, j)
                break
        last = stop - 1
        while last > i and (units[last].kind in ("boiler", "marker", "toc") or units[last].start >= main_end):
            last -= 1
        begin = start_of.get(i, i)
        s, e = units[begin].start, max(units[last].end, u.end)
        if u.kind == "sep":
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and nxt.kind == "heading":
                continue  # a break right before a chapter or part heading adds nothing
            out.append(Segment("section", s, e, None, {"break": u.clean}))
        else:
            attrs: dict[str, Any] = {}
            if begin < i and units[begin].kind == "sep":
                attrs["break"] = units[begin].clean
            out.append(Segment(lv, s, e, u.label, attrs))
    return out


# -- passages -----------------------------------------------------------------------------


def _split_long(body: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Cut a long body at sentence ends into pieces of at most MAX_PASSAGE characters."""
    if len(body) <= MAX_PASSAGE:
        return [(0, len(body))]
    cuts = [m.end() for m in _SENTENCE_END.finditer(body)]
    pieces: list[tuple[int, int]] = []
    a = 0
    while len(body) - a > MAX_PASSAGE:
        window = [c for c in cuts if a < c <= a + MAX_PASSAGE]
        good = [c for c in window if c - a >= TARGET_PASSAGE // 2]
        if good:
            b = min(good, key=lambda c: abs(c - a - TARGET_PASSAGE))
        elif window:
            b = window[-1]
        else:
            sp = body.rfind(" ", a + MAX_PASSAGE // 2, a + MAX_PASSAGE)
            b = sp + 1 if sp > a else a + MAX_PASSAGE
        pieces.append((a, b))
        a = b
    pieces.append((a, len(body)))
    return pieces


def _joins(prev: Unit, nxt: Unit, line_mode: bool) -> bool:
    """Does ``nxt`` continue the sentence ``prev`` breaks off (a page break mid-paragraph)?"""
    if prev.kind != "para" or nxt.kind != "para" or prev.layer != nxt.layer or not prev.clean or not nxt.clean:
        return False
    last, first = prev.clean[-1], nxt.clean[0]
    if last == ":" and len(nxt.clean) <= SHORT_FOLLOWER and len(prev.clean) >= 40:
        return True  # "He said only this:" + a short quoted line: one sentence, one passage
    if last in _TERMINAL:
        return False
    if not (last.isalnum() or last in ",-\u2013\u2014\u00ad"):
        return False
    if first.islower():
        return True
    if line_mode:
        return False
    return (nxt.lead_marker or len(prev.clean) >= 150) and first.isalnum()


def _passages(text: str, units: list[Unit], markers: list[tuple[int, int, str]], line_mode: bool,
              epigraphs: list[tuple[int, int, int | None]]) -> list[Passage]:
    mk = [(s, e) for s, e, _ in markers]
    mk_starts = [s for s, _ in mk]
    groups: list[tuple[int, int, str]] = []  # (start, end, layer)
    epi_first = {first: att for first, att, _ in epigraphs}
    i = 0
    while i < len(units):
        u = units[i]
        if i in epi_first:
            att = epi_first[i]
            groups.append((u.start, units[att].end, "quote"))
            i = att + 1
            continue
        if u.kind in FURNITURE_KINDS:
            groups.append((u.start, u.end, "furniture"))  # findable on request, never analysed
            i += 1
            continue
        if u.kind not in BODY_KINDS:
            i += 1
            continue
        s, e, layer = u.start, u.end, u.layer
        j = i + 1
        while j < len(units):
            k = j
            while k < len(units) and units[k].kind == "marker":
                k += 1
            if k < len(units) and _joins(units[j - 1] if units[j - 1].kind != "marker" else u, units[k], line_mode):
                e = units[k].end
                u = units[k]
                j = k + 1
            else:
                break
        groups.append((s, e, layer))
        i = j
    out: list[Passage] = []
    for s, e, layer in groups:
        a = bisect.bisect_left(mk_starts, s)
        b = bisect.bisect_left(mk_starts, e)
        body, offs = analysis_view(text, s, e, mk[a:b])
        if not body:
            continue
        for pa, pb in _split_long(body, offs):
            piece = body[pa:pb]
            lo, hi = 0, len(piece)
            while lo < hi and piece[lo] == " ":
                lo += 1
            while hi > lo and piece[hi - 1] == " ":
                hi -= 1
            if hi <= lo:
                continue
            po = offs[pa + lo:pa + hi]
            start, end = po[0], po[-1] + 1
            out.append(Passage(seq=len(out), start=start, end=end, body=piece[lo:hi], offsets=[*po, end], layer=layer))
    return out


def _annotate(passages: list[Passage], segments: list[Segment]) -> None:
    """Section titles, printed pages and editorial layers onto passages."""

    def index(kind: str) -> tuple[list[int], list[Segment]]:
        segs = sorted((s for s in segments if s.kind == kind), key=lambda s: s.start)
        return [s.start for s in segs], segs

    enclosing = {k: index(k) for k in ("chapter", "part", "section", "page")}

    def find(kind: str, pos: int) -> Segment | None:
        starts, segs = enclosing[kind]
        k = bisect.bisect_right(starts, pos) - 1
        while k >= 0:
            if segs[k].start <= pos < segs[k].end:
                return segs[k]
            if kind == "page":
                return None
            k -= 1
        return None

    ed = sorted((s.start, s.end) for s in segments if s.kind == "editorial" and s.attrs.get("marks") == "[]")
    ed_starts = [s for s, _ in ed]
    for p in passages:
        for kind in ("chapter", "part", "section"):
            seg = find(kind, p.start)
            if seg is not None and seg.label:
                p.section = seg.label
                break
        page = find("page", p.start)
        p.page = page.label if page is not None else None
        if p.layer == "main" and ed:
            covered = 0
            k = max(0, bisect.bisect_right(ed_starts, p.start) - 1)
            while k < len(ed) and ed[k][0] < p.end:
                covered += max(0, min(ed[k][1], p.end) - max(ed[k][0], p.start))
                k += 1
            if covered >= 0.6 * (p.end - p.start):
                p.layer = "editorial"


def _title(units: list[Unit], P: Patterns) -> str | None:
    for u in units[:12]:
        c = u.clean
        if u.kind in ("boiler", "marker", "sep", "toc", "attrib") or not c or len(c) > 200:
            continue
        if P.title_skip.fullmatch(c):
            continue
        return c.strip("# ").rstrip(".")
    return None


def detect_structure(raw: RawDocument) -> tuple[list[Segment], list[Passage]]:
    """Segments and passages for one document. Sets ``raw.title`` when the reader gave none."""
    P = patterns()
    text = raw.text
    line_mode = not _BLANK.search(text)
    blocks = paragraph_ranges(text)
    markers = _find_markers(text)
    units = split_apparatus(_units(text, blocks, markers, P), text, lambda s: _clean(s, P))
    for kind, s, e, label in raw.regions:  # what the format itself marks (HTML chrome, comments)
        for u in units:
            if u.start >= s and u.end <= e:
                if kind in ("boilerplate", "toc"):
                    u.kind = "boiler" if kind == "boilerplate" else "toc"
                    u.attrs = {**u.attrs, "furniture": label or kind}
                elif kind == "comment":
                    u.layer = "comment"
    _classify(units, text, P)
    toc = _mark_toc(units, text, P)
    mark_furniture(units, text, P)
    _mark_boilerplate(units, P)
    comments = _mark_comments(units, P)
    _mark_headings(units, toc, P, line_mode)
    epigraphs = _mark_epigraphs(units)
    _mark_blockquotes(units)

    segments: list[Segment] = []
    for u in units:
        if u.kind in BODY_KINDS:
            segments.append(Segment("paragraph", u.start, u.end))
        if u.kind == "blockquote":
            segments.append(Segment("blockquote", u.start, u.end))
        elif u.kind == "heading":
            segments.append(Segment("heading", u.start, u.end, u.label, {"level": u.level}))
        elif u.kind == "cheader":
            segments.append(Segment("heading", u.start, u.end, u.clean, {"level": "comments"}))
    # Runs of boilerplate and of toc units become one segment each.
    for kind, seg_kind in (("boiler", "boilerplate"), ("toc", "toc")):
        run: list[Unit] = []
        for u in [*units, None]:
            if u is not None and u.kind == kind:
                run.append(u)
                continue
            if u is not None and u.kind == "marker" and run:
                continue
            if run:
                label = run[0].clean[:200] if seg_kind == "toc" else run[0].attrs.get("furniture")
                segments.append(Segment(seg_kind, run[0].start, run[-1].end, label))
                run = []
    for n, (a, b) in enumerate(comments, 1):
        au = units[a]
        segments.append(Segment("comment", au.start, units[b].end, au.label, {"author": au.label, "n": n, **au.attrs}))
    for first, att, opens in epigraphs:
        attrs: dict[str, Any] = {"attribution": units[att].clean}
        if opens is not None:
            attrs["opens"] = units[opens].label
        segments.append(Segment("epigraph", units[first].start, units[att].end, units[att].clean.lstrip("\u2014\u2015\u2013- "), attrs))
    main_end = len(text)
    tail = [u for u in units if u.layer == "comment" or u.kind in ("cheader", "author")]
    if tail:
        main_end = min(u.start for u in tail)
    segments.extend(_ranges(units, epigraphs, main_end))
    for s, e, label in markers:
        segments.append(Segment("page_marker", s, e, label))
    segments.extend(_pages(text, markers, units))
    for s, e, label in raw.pages:
        segments.append(Segment("page", s, e, label, {"source": raw.format}))
    for kind, s, e, label in raw.regions:
        segments.append(Segment(kind, s, e, label, {"source": raw.format}))
    segments.extend(_editorial(text, units, markers, P))
    segments.sort(key=lambda g: (g.start, -g.end))

    passages = _passages(text, units, markers, line_mode, epigraphs)
    _annotate(passages, segments)
    if raw.title is None:
        raw.title = _title(units, P)
    return segments, passages
