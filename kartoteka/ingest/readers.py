"""Readers: turn a file into stored text, or reject it with a one-line reason.

Each reader returns a ``RawDocument``. The stored text of a plain-text file is its decoded
content, unchanged (line endings included); a byte-order mark is part of the encoding, not
of the text, so it is not stored. Other formats store the text their library extracts, one
paragraph per block, blocks separated by a blank line:

* HTML (trafilatura): the article's title and main text, then its comments (a ``comment``
  region); navigation, share widgets and comment forms are left out.
* EPUB (ebooklib): the spine's chapters in order, each opened by its title from the table of
  contents (a ``chapter`` region per spine document).
* DOCX (python-docx): paragraphs and table rows in order; headings give ``chapter`` and
  ``section`` regions.
* PDF (pypdf): the text layer page by page, ``pages`` holding each page's printed label.

Anything that cannot be read raises ``RejectedInput`` with one line saying why; zip
containers are checked for bombs before anything is unpacked.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kartoteka import config
from kartoteka.errors import RejectedInput


@dataclass
class RawDocument:
    text: str
    format: str
    title: str | None = None
    encoding: str | None = None
    # Printed pages known from the format (PDF): (start, end, label) ranges of the text.
    pages: list[tuple[int, int, str]] = field(default_factory=list)
    # Ranges the format itself marks as boilerplate or comments: (kind, start, end, label).
    regions: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else the detector's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise RejectedInput("UTF-16 byte-order mark but undecodable content") from None
    if b"\x00" in data[:8192]:
        raise RejectedInput("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    damaged = damaged_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedInput("binary content, no text encoding fits")
    encoding = best.encoding
    # Western text is cp1252 far more often than its near twins (cp1250, cp1257, DOS pages) that
    # the detector can rank first on a small sample: prefer it where it reads as well.
    if encoding != "cp1252":
        western = from_bytes(data, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos + 0.01 and western.coherence >= best.coherence - 0.05:
            encoding = "cp1252"
    # The detector's Latin family guesses are all read as cp1252, which is a superset of
    # Latin-1's printable range and what such files almost always are.
    if encoding in ("latin_1", "iso8859_1", "ascii"):
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1"), "latin-1"


# A file is UTF-8 with a few damaged bytes (not another encoding) when at least this share of its
# non-ASCII characters decode as UTF-8 multi-byte sequences.
_UTF8_MIN_VALID_SHARE = 0.95


def damaged_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (a damaged copy, a truncated download), decoded with
    U+FFFD in their place; None where the bytes look like another encoding."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    if bad <= 0 or valid == 0 or valid < _UTF8_MIN_VALID_SHARE * (valid + bad):
        return None
    return text


def replaced_bytes(text: str, encoding: str | None, data: bytes) -> int:
    """How many undecodable bytes were replaced (only UTF-8 ever replaces)."""
    if encoding != "utf-8" or "\ufffd" not in text:
        return 0
    return text.count("\ufffd") - data.count("\ufffd".encode())


def _printable_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 1.0
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or ord(c) >= 0xFFF0 or 0x7F <= ord(c) < 0xA0)
    return 1 - bad / len(sample)


def read_plain(path: Path, data: bytes) -> RawDocument:
    text, encoding = decode_text(data)
    if _printable_ratio(text) < 0.95:
        raise RejectedInput("binary content with a text extension")
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    replaced = replaced_bytes(text, encoding, data)
    return RawDocument(text=text, format=fmt, encoding=encoding, meta={"replaced_bytes": replaced} if replaced else {})


# -- helpers shared by the structured formats ----------------------------------------------

_QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "pypdf", "ebooklib", "charset_normalizer", "docx")
_MAX_ZIP_ENTRIES = 20000
_RATIO_FLOOR = 1 << 20  # members smaller than this are never called bombs for their ratio alone


def one_line(message: object, limit: int = 300) -> str:
    """A message as one line of at most ``limit`` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _quiet() -> None:
    """Library loggers write warnings about damaged files to stderr; the reason we give is enough."""
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def check_archive(data: bytes, what: str) -> None:
    """Reject a zip container (EPUB, DOCX) that is damaged or would unpack past the limits.

    Only the central directory is read: the declared sizes are checked before anything is
    decompressed (and ``zipfile`` never inflates a member past its declared size).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise RejectedInput(f"corrupt {what}: not a readable zip archive") from None
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise RejectedInput(f"{what} holds {len(infos):,} files (> {_MAX_ZIP_ENTRIES:,}); refusing to unpack")
    total = sum(i.file_size for i in infos)
    if total > config.MAX_UNPACKED_BYTES:
        raise RejectedInput(
            f"{what} would unpack to {total:,} bytes (> limit {config.MAX_UNPACKED_BYTES:,}); possible zip bomb")
    packed = sum(i.compress_size for i in infos)
    ratio_limit = config.MAX_COMPRESSION_RATIO
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > ratio_limit * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise RejectedInput(
                f"{what} member {one_line(i.filename, 80)!r} expands {ratio:,.0f}:1 (> {ratio_limit}:1); possible zip bomb")
    if total > _RATIO_FLOOR and total > ratio_limit * max(packed, 1):
        raise RejectedInput(
            f"{what} expands {total / max(packed, 1):,.0f}:1 (> {ratio_limit}:1); possible zip bomb")
    check_unpacked(data, what)


def check_unpacked(data: bytes, what: str) -> None:
    """Unpack every member in 1 MiB chunks, nothing kept: the actual sizes must stay within the
    limits and each member must end where its header says (a CRC error is a member whose data
    runs past its declared size, or damage). Memory stays at one chunk, whatever the archive claims."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                size = 0
                with zf.open(info) as member:
                    while chunk := member.read(1 << 20):
                        size += len(chunk)
                        total += len(chunk)
                        if total > config.MAX_UNPACKED_BYTES:
                            raise RejectedInput(f"{what} unpacks past {config.MAX_UNPACKED_BYTES:,} bytes; possible zip bomb")
                        if size > _RATIO_FLOOR and size > config.MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                            raise RejectedInput(f"{what} member {one_line(info.filename, 80)!r} expands past"
                                                f" {config.MAX_COMPRESSION_RATIO}:1; possible zip bomb")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise RejectedInput(f"corrupt {what}: a member does not unpack to its declared size ({one_line(e, 120)})") from None


_BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "div", "td", "th", "dt", "dd",
    "figcaption", "caption", "section", "article", "aside", "header", "footer", "address", "main", "body",
    "table", "tr", "ul", "ol", "dl", "figure", "hr",
})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg", "math"})
_CHROME_TAGS = frozenset({"nav", "form", "button", "input", "select", "textarea", "iframe"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def html_blocks(content: bytes | str, *, drop_chrome: bool = False) -> list[tuple[str, str]]:
    """The text blocks of an (X)HTML document in order: (tag, text), whitespace collapsed and
    ``<br>`` kept as a line break. ``drop_chrome`` leaves out navigation, forms and widgets."""
    import lxml.html

    if isinstance(content, bytes) and not content.strip():
        return []
    root = lxml.html.document_fromstring(content)
    for br in root.iter("br", "{http://www.w3.org/1999/xhtml}br"):
        br.tail = "\n" + (br.tail or "")
    skip = _SKIP_TAGS | _CHROME_TAGS if drop_chrome else _SKIP_TAGS
    out: list[tuple[str, str]] = []

    def has_block(el: Any) -> bool:
        return any(_local(d.tag) in _BLOCK_TAGS for d in el.iterdescendants())

    def walk(el: Any) -> None:
        tag = _local(el.tag)
        if not tag or tag in skip:
            return
        if tag in _BLOCK_TAGS and not has_block(el):
            lines = (" ".join(line.split()) for line in el.text_content().split("\n"))
            text = "\n".join(line for line in lines if line)
            if text:
                out.append((tag, text))
            return
        for child in el:
            walk(child)

    body = root.find("body")
    if body is None:
        body = next((el for el in root.iter() if _local(el.tag) == "body"), root)
    walk(body)
    return out


# Containers whose text is page furniture, not the article: asides, figures, page headers and
# footers, and boxes floated beside the text (a layout table with align=left/right).
_ASIDE_TAGS = frozenset({"aside", "figure", "figcaption", "header", "footer", "nav"})


def _is_aside(el: Any) -> bool:
    tag = _local(el.tag)
    return tag in _ASIDE_TAGS or (tag in ("table", "div") and (el.get("align") or "").lower() in ("left", "right"))


def layout_table_page(root: Any) -> bool:
    """Is the article laid out in a table (a cell holding paragraphs)? trafilatura then reads the
    whole page as one table row."""
    return any(_local(d.tag) == "p" for t in root.iter("table") for d in t.iterdescendants())


def layout_blocks(root: Any) -> list[tuple[str, bool]]:
    """The text blocks of a page in order, as (text, is_aside): every paragraph-level run of text,
    including text that sits in a cell or a ``<font>`` between paragraphs (``html_blocks`` keeps
    only leaf blocks); a ``<br>`` ends a block. Navigation, forms and scripts are left out."""
    out: list[tuple[str, bool]] = []
    run: list[str] = []
    state = {"aside": False}

    def flush() -> None:
        text = " ".join(" ".join(run).split())
        run.clear()
        if text:
            out.append((text, state["aside"]))

    def add(text: str | None, aside: bool) -> None:
        if text:
            if aside != state["aside"] and text.strip():
                flush()
                state["aside"] = aside
            run.append(text)

    def walk(el: Any, aside: bool) -> None:
        aside = aside or _is_aside(el)
        block = _local(el.tag) in _BLOCK_TAGS or _local(el.tag) == "br"
        if block:
            flush()
        add(el.text, aside)
        for child in el:
            tag = _local(child.tag)
            if tag and tag not in _SKIP_TAGS and tag not in _CHROME_TAGS:
                walk(child, aside)
            add(child.tail, aside)
        if block:
            flush()

    body = root.find("body")
    walk(body if body is not None else root, False)
    flush()
    return out


class _Builder:
    """Accumulates paragraphs into stored text, remembering where each one lies."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, text: str) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


# -- HTML ----------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Comment-widget words trafilatura leaves in comment text as lines of their own.
_COMMENT_WIDGETS = frozenset({"reply", "reply \u2193", "log in to reply", "report", "like", "share"})


def decode_html(data: bytes) -> tuple[str, str]:
    """A byte-order mark, else the charset the page declares, else detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET.search(data[:4096])
        if m:
            name = m.group(1).decode("ascii", "replace")
            with contextlib.suppress(LookupError, UnicodeDecodeError):
                return data.decode(name), codecs.lookup(name).name
    return decode_text(data)


_COMMENT_AUTHOR_CLASSES = ("comment-author", "fn", "comment-author-name", "author")
_COMMENT_BODY_CLASSES = ("comment-content", "comment-text", "comment-body")


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def html_comments(html: str) -> list[tuple[str | None, list[str]]]:
    """Comments marked up the way blog engines do (``li.comment`` holding a ``.comment-author``
    and a ``.comment-content``): (author line, paragraphs) each, in page order, replies after
    the comment they answer. trafilatura keeps the bodies but drops who wrote them."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    containers = [el for el in root.iter() if _local(el.tag) in ("li", "article", "div") and "comment" in _classes(el)]
    is_container = set(map(id, containers))
    out: list[tuple[str | None, list[str]]] = []
    for c in containers:
        def own(el: Any, c: Any = c) -> bool:
            return next((a for a in el.iterancestors() if id(a) in is_container), None) is c

        parts = [d for d in c.iterdescendants() if _local(d.tag) and own(d)]
        author = next((d for cls in _COMMENT_AUTHOR_CLASSES for d in parts if cls in _classes(d)), None)
        body = next((d for cls in _COMMENT_BODY_CLASSES for d in parts if cls in _classes(d)), None)
        if body is None:
            continue
        paras = [t for _tag, t in html_blocks(lxml.html.tostring(body, encoding="unicode"))]
        if paras:
            out.append((one_line(author.text_content()) or None if author is not None else None, paras))
    return out


# libxml2 (under lxml and trafilatura) stops at 256 levels of nesting and silently drops the rest of
# the page; deeper markup is flattened first. Below this share of the visible text, an extraction
# is reported as short.
_MAX_HTML_DEPTH = 200
_SHORT_EXTRACTION = 0.5
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                        "track", "wbr", "param", "keygen"})


_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
                             "pre", "table", "tr", "td", "th", "caption", "figcaption"})


class _Flattener(HTMLParser):
    """Re-serialises HTML, leaving out the tags (not the text) nested deeper than ``limit``; counts
    the visible characters (outside script, style and head) on the way."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, written)
        self.visible = 0
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text() or f"<{tag}>"
        if tag in _VOID_TAGS:
            self.out.append(text)
            return
        written = sum(1 for _t, w in self.stack if w)
        # Below half the limit everything is kept; deeper, only tags that make paragraphs (generic
        # wrappers go); at the limit nothing more.
        keep = written < self.limit // 2 or (written < self.limit and tag in _PARAGRAPH_TAGS)
        self.stack.append((tag, keep))
        self.deepest = max(self.deepest, len(self.stack))
        if keep:
            self.out.append(text)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                closed = self.stack[k:]
                del self.stack[k:]
                self.out += [f"</{t}>" for t, written in reversed(closed) if written]
                return

    def handle_data(self, data: str) -> None:
        raw = any(t in ("script", "style") for t, _w in self.stack[-1:])
        self.out.append(data if raw else html_escape(data, quote=False))
        if not any(t in ("script", "style", "head", "title", "noscript", "template") for t, _w in self.stack):
            self.visible += len("".join(data.split()))


def flatten_html(html: str) -> tuple[str, int, int]:
    """(HTML no deeper than the parser's limit, visible non-space characters, deepest nesting)."""
    parser = _Flattener(_MAX_HTML_DEPTH)
    parser.feed(html)
    parser.close()
    return "".join(parser.out), parser.visible, parser.deepest


def read_html(path: Path, data: bytes) -> RawDocument:
    html, encoding = decode_html(data)
    if _printable_ratio(html) < 0.95:
        raise RejectedInput("binary content with an HTML extension")
    flat, visible, deepest = flatten_html(html)
    if deepest > _MAX_HTML_DEPTH:
        html = flat
    raw = _read_html_text(html, encoding)
    kept = len("".join(raw.text.split()))
    if deepest > _MAX_HTML_DEPTH:
        raw.meta["flattened_depth"] = deepest
        if visible and kept < _SHORT_EXTRACTION * visible:  # the article was in the deep part
            raw = _blocks_document(html, encoding, raw)
            kept = len("".join(raw.text.split()))
    raw.meta["replaced_bytes"] = replaced_bytes(html, encoding, data) or None
    if visible and kept < _SHORT_EXTRACTION * visible:
        raw.meta["short_extraction"] = {"visible_chars": visible, "extracted_chars": kept}
    raw.meta = {k: v for k, v in raw.meta.items() if v is not None}
    return raw


def _blocks_document(html: str, encoding: str, extracted: RawDocument) -> RawDocument:
    """Every block but the chrome, where the main-text extractor kept too little."""
    out = _Builder()
    if extracted.title:
        out.add(extracted.title)
    for _tag, text in html_blocks(html, drop_chrome=True):
        out.add(text)
    meta = {**extracted.meta, "extractor": "blocks"}
    return RawDocument(text=out.text(), format="html", title=extracted.title, encoding=encoding, meta=meta)


def _read_html_text(html: str, encoding: str) -> RawDocument:
    import lxml.html
    import trafilatura

    root = lxml.html.document_fromstring(html)
    if layout_table_page(root):
        return _read_layout_page(html, root, encoding)
    doc = trafilatura.bare_extraction(html, include_comments=True, with_metadata=True, include_tables=True)
    title = (getattr(doc, "title", None) or "").strip() or None
    main = [line.strip() for line in (getattr(doc, "text", None) or "").split("\n") if line.strip()]
    comments = [line.strip() for line in (getattr(doc, "comments", None) or "").split("\n")
                if line.strip() and line.strip().lower() not in _COMMENT_WIDGETS]
    meta: dict[str, Any] = {"extractor": "trafilatura"}
    if not main:  # too little for trafilatura to call it an article: every block but the chrome
        main = [t for _tag, t in html_blocks(html, drop_chrome=True)]
        comments = []
        meta["extractor"] = "blocks"
    if title is None:
        m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
        if m:
            import html as html_lib

            title = one_line(html_lib.unescape(m.group(1)), 200) or None
    for key in ("author", "date", "sitename", "url", "description"):
        value = getattr(doc, key, None)
        if value:
            meta[key] = value
    out = _Builder()
    if title and (not main or one_line(main[0]).casefold() != one_line(title).casefold()):
        out.add(title)
    for line in main:
        out.add(line)
    regions: list[tuple[str, int, int, str | None]] = []
    marked = html_comments(html) if comments else []
    if marked:  # the same comments with their authors
        comments = [line for author, paras in marked for line in ([author] if author else []) + paras]
    if comments:
        first = None
        for line in comments:
            s, _e = out.add(line)
            first = s if first is None else first
        assert first is not None
        regions.append(("comment", first, out.pos, None))
    return RawDocument(text=out.text(), format="html", title=title, encoding=encoding, regions=regions, meta=meta)


def _read_layout_page(html: str, root: Any, encoding: str) -> RawDocument:
    """A page laid out in tables, read block by block; boxes beside the text are boilerplate."""
    import html as html_lib

    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    title = one_line(html_lib.unescape(m.group(1)), 200) or None if m else None
    out = _Builder()
    regions: list[tuple[str, int, int, str | None]] = []
    blocks = layout_blocks(root)
    if title and not any(one_line(text).casefold() == title.casefold() for text, _ in blocks[:3]):
        out.add(title)
    for text, aside in blocks:
        s, e = out.add(text)
        if aside:
            regions.append(("boilerplate", s, e, "sidebar"))
    return RawDocument(text=out.text(), format="html", title=title, encoding=encoding, regions=regions,
                       meta={"extractor": "layout"})


# -- EPUB ----------------------------------------------------------------------------------


def _toc_titles(toc: Any, out: dict[str, str]) -> dict[str, str]:
    """href (without fragment) -> the first title the table of contents gives it."""
    for entry in toc:
        if isinstance(entry, tuple | list):
            head, children = (entry[0], entry[1]) if len(entry) == 2 else (None, entry)
            if head is not None:
                _toc_titles([head], out)
            _toc_titles(children, out)
            continue
        href = getattr(entry, "href", None)
        title = getattr(entry, "title", None)
        if href and title:
            out.setdefault(href.split("#", 1)[0], one_line(title, 200))
    return out


def read_epub(path: Path, data: bytes) -> RawDocument:
    import ebooklib
    from ebooklib import epub

    check_archive(data, "EPUB")
    try:
        book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": False})
    except (epub.EpubException, KeyError, zipfile.BadZipFile) as e:
        raise RejectedInput(f"corrupt EPUB: {one_line(e)}") from None
    titles = _toc_titles(book.toc, {})
    out = _Builder()
    regions: list[tuple[str, int, int, str | None]] = []
    chapters: list[dict[str, Any]] = []
    for idref, *_linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        blocks = html_blocks(item.get_content())
        if not blocks:
            continue
        name = item.get_name()
        title = titles.get(name) or next((t for tag, t in blocks if tag in _HEADING_TAGS), None)
        start = None
        if title and one_line(blocks[0][1]).casefold() != one_line(title).casefold():
            start, _ = out.add(title)
        for _tag, text in blocks:
            s, _e = out.add(text)
            start = s if start is None else start
        assert start is not None
        regions.append(("chapter", start, out.pos, title))
        chapters.append({"file": name, "title": title, "start": start, "end": out.pos})
    if not chapters:
        raise RejectedInput("EPUB has no readable chapters")
    meta_title = book.get_metadata("DC", "title")
    title = one_line(meta_title[0][0], 200) if meta_title and meta_title[0][0] else None
    meta: dict[str, Any] = {"chapters": chapters}
    creators = [c[0] for c in book.get_metadata("DC", "creator") if c and c[0]]
    if creators:
        meta["author"] = ", ".join(creators)
    return RawDocument(text=out.text(), format="epub", title=title, regions=regions, meta=meta)


# -- DOCX ----------------------------------------------------------------------------------


def _heading_level(style_name: str) -> int | None:
    """0 for the document title, N for "Heading N", None for body paragraphs."""
    name = style_name.strip().lower()
    if name == "title":
        return 0
    m = re.fullmatch(r"heading\s*(\d)", name)
    return int(m.group(1)) if m else None


def read_docx(path: Path, data: bytes) -> RawDocument:
    import docx
    from docx.table import Table

    check_archive(data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as e:
        raise RejectedInput(f"corrupt DOCX: {one_line(e)}") from None
    out = _Builder()
    headings: list[tuple[int, int, int, str]] = []  # level, start, end, text
    title: str | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = " ".join(cell.text.split())
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    out.add("\t".join(cells))
            continue
        text = block.text.strip()
        if not text:
            continue
        s, e = out.add(text)
        level = _heading_level(block.style.name if block.style is not None else "")
        if level == 0 and title is None:
            title = one_line(text, 200)
        elif level is not None:
            headings.append((level, s, e, one_line(text, 200)))
    # A heading's range runs to the next heading of the same or a higher level.
    regions: list[tuple[str, int, int, str | None]] = []
    top = min((lv for lv, *_ in headings), default=1)
    for k, (level, s, _e, label) in enumerate(headings):
        # (blocks are separated by one blank line: the range stops before it)
        end = next((hs - 2 for lv, hs, _he, _l in headings[k + 1:] if lv <= level), out.pos)
        regions.append(("chapter" if level == top else "section", s, end, label))
    core = document.core_properties
    if core.title and core.title.strip():
        title = one_line(core.title, 200)
    meta: dict[str, Any] = {"author": core.author} if core.author else {}
    return RawDocument(text=out.text(), format="docx", title=title, regions=regions, meta=meta)


# -- PDF -----------------------------------------------------------------------------------


def read_pdf(path: Path, data: bytes) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    if b"%PDF" not in data[:1024]:
        raise RejectedInput("corrupt PDF: no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedInput("encrypted PDF (a password is needed)")
        pages = list(reader.pages)
    except (PdfReadError, FileNotDecryptedError) as e:
        raise RejectedInput(f"corrupt PDF: {one_line(e)}") from None
    if not pages:
        raise RejectedInput("corrupt PDF: no pages")
    try:
        labels = list(reader.page_labels)
    except Exception:  # a damaged /PageLabels tree: fall back to physical numbers
        labels = []
    if len(labels) != len(pages):
        labels = [str(i + 1) for i in range(len(pages))]
    out = _Builder()
    spans: list[tuple[int, int, str]] = []
    failed = 0
    for page, label in zip(pages, labels, strict=True):
        try:
            text = page.extract_text() or ""
        except Exception:  # one damaged content stream: keep the other pages
            failed += 1
            continue
        text = "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()
        if text:
            spans.append((*out.add(text), label))
    if not spans:
        if failed:
            raise RejectedInput(f"corrupt PDF: no page's text could be read ({failed} damaged)")
        raise RejectedInput("PDF has no text layer (scanned pages need OCR first)")
    title = None
    with contextlib.suppress(Exception):
        if reader.metadata and reader.metadata.title and reader.metadata.title.strip():
            title = one_line(reader.metadata.title, 200)
    meta: dict[str, Any] = {"page_count": len(pages)}
    if failed:
        meta["unreadable_pages"] = failed
    return RawDocument(text=out.text(), format="pdf", title=title, pages=spans, meta=meta)


# -- dispatch ------------------------------------------------------------------------------

READERS: dict[str, Callable[[Path, bytes], RawDocument]] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".epub": read_epub,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
_FORMAT_NAMES = {".htm": "HTML", ".xhtml": "HTML", ".markdown": "Markdown", ".md": "Markdown"}


def read_document(path: Path) -> RawDocument:
    """Read one file; raises RejectedInput with a one-line reason, never anything else for bad input."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise RejectedInput(f"unsupported format {path.suffix or '(no extension)'!s}"
                            " (readable: txt, md, html, epub, pdf, docx)")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RejectedInput(f"cannot read: {e.strerror}") from None
    if size == 0:
        raise RejectedInput("empty file")
    if size > config.MAX_FILE_BYTES:
        raise RejectedInput(f"too large ({size:,} bytes > limit {config.MAX_FILE_BYTES:,})")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RejectedInput(f"cannot read: {e.strerror}") from None
    what = _FORMAT_NAMES.get(path.suffix.lower(), path.suffix.lstrip(".").upper())
    _quiet()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = reader(path, data)
    except RejectedInput as e:
        raise RejectedInput(one_line(e)) from None
    except (MemoryError, RecursionError) as e:
        raise RejectedInput(f"cannot read {what}: {type(e).__name__} (too large or too deeply nested)") from None
    except Exception as e:  # a library's own error on a damaged file
        raise RejectedInput(f"corrupt or unreadable {what}: {one_line(f'{type(e).__name__}: {e}', 200)}") from None
    if not raw.text.strip():
        raise RejectedInput("no text content")
    return raw
