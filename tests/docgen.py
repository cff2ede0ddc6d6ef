"""Builders of fixture documents for the reader and ingest tests: every file a test reads is
generated here, in each format's own library where one can write it (ebooklib, python-docx)
and by hand for PDF."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

# -- PDF -------------------------------------------------------------------------------------


def _pdf_string(s: str) -> bytes:
    return b"(" + s.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(pages: list[list[str]], *, labels: bytes | None = None, title: str | None = None,
             text_layer: bool = True) -> bytes:
    """A minimal valid PDF: one page per entry, each line of it shown in Helvetica.

    ``labels`` is the body of a /PageLabels number tree, e.g. ``b"0 << /S /r >> 2 << /S /D /St 5 >>"``;
    without a text layer each page only paints a rectangle, as a scan without OCR would.
    """
    objects: list[bytes] = []  # object n is objects[n - 1]
    n = len(pages)
    page_ids = [4 + 2 * i for i in range(n)]
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if labels:
        catalog += b" /PageLabels << /Nums [" + labels + b"] >>"
    objects.append(catalog + b" >>")
    objects.append(b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n, b" ".join(b"%d 0 R" % i for i in page_ids)))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        if text_layer:
            ops = [b"BT /F1 11 Tf 14 TL 72 740 Td"]
            for k, line in enumerate(lines):
                ops.append((b"" if k == 0 else b"T* ") + _pdf_string(line) + b" Tj")
            ops.append(b"ET")
        else:
            ops = [b"0.2 0.2 0.2 rg 72 400 300 300 re f"]
        stream = b"\n".join(ops)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (page_ids[i] + 1))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info_id = None
    if title:
        objects.append(b"<< /Title " + _pdf_string(title) + b" /Producer (kartoteka tests) >>")
        info_id = len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info_id:
        out += b" /Info %d 0 R" % info_id
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- EPUB ------------------------------------------------------------------------------------


def make_epub(path: Path, chapters: list[tuple[str, list[str]]], *, title: str = "A Test Book",
              spine_order: list[int] | None = None) -> Path:
    """An EPUB written by ebooklib: one XHTML file per chapter (an <h1> and its paragraphs),
    a table of contents naming them, the spine in ``spine_order`` (default: as given)."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("kartoteka-test-" + path.stem)
    book.set_title(title)
    book.set_language("en")
    book.add_author("Test Author")
    items = []
    for i, (heading, paras) in enumerate(chapters):
        item = epub.EpubHtml(title=heading, file_name=f"text/part{i:02d}.xhtml", lang="en")
        item.content = f"<html><body><h1>{heading}</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>"
        book.add_item(item)
        items.append(item)
    order = spine_order if spine_order is not None else list(range(len(items)))
    book.toc = [items[i] for i in order]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *(items[i] for i in order)]
    epub.write_epub(str(path), book)
    return path


# -- DOCX ------------------------------------------------------------------------------------


def make_docx(path: Path, *, title: str | None, body: list[tuple[str, str]],
              table: list[list[str]] | None = None) -> Path:
    """A DOCX written by python-docx. ``body`` items are (kind, text): kind "h1"/"h2" for
    headings, "p" for paragraphs; ``table`` rows come last."""
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, 0)
    for kind, text in body:
        if kind.startswith("h"):
            document.add_heading(text, int(kind[1:]))
        else:
            document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    document.save(str(path))
    return path


# -- HTML ------------------------------------------------------------------------------------

BLOG_PARAS = [
    "The archive of the harbour board holds forty ledgers for the years of the canal works, "
    "and the clerks who kept them wrote in a steady hand that changes only once, in the spring of 1911.",
    "In that spring the board appointed a new chief engineer, Aldous Pennyworth, who had built "
    "the locks at Marrowby and who arrived with a reputation for speed and a dislike of committees.",
    "His first report to the board runs to twelve pages and proposes that the eastern basin be "
    "dredged before the autumn storms, a plan the treasurer called reckless and the harbour master called overdue.",
    "The ledgers show that the dredging began in June and ended in October, three weeks ahead of "
    "the schedule, and that the cost exceeded the estimate by a little under a fifth.",
]
BLOG_COMMENTS = [
    ("Hester Quill", "The minutes of the October meeting say the dredging ended in November, not October; "
                     "the ledger entry may record the last payment rather than the last day of work."),
    ("Ambrose Finch", "Hester is right about the minutes, but the harbour master's diary agrees with the "
                      "ledger, so the board's secretary may simply have been late."),
]


def make_blog_html(title: str = "The Dredging of the Eastern Basin") -> str:
    """A blog post page with the chrome a real one has: navigation, a search form, share
    buttons, post navigation, a comment list and a comment form."""
    paras = "\n".join(f"<p>{p}</p>" for p in BLOG_PARAS)
    comments = "\n".join(
        f'<li class="comment" id="comment-{i}"><article class="comment-body">'
        f'<footer class="comment-meta"><p class="comment-author"><b class="fn">{who}</b> says:</p></footer>'
        f'<div class="comment-content"><p>{text}</p></div>'
        f'<div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div></article></li>'
        for i, (who, text) in enumerate(BLOG_COMMENTS, 1)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Ledgers and Locks</title>
<meta name="author" content="Cordelia Marsh"></head>
<body>
<header class="site-header"><p class="site-title"><a href="/">Ledgers and Locks</a></p>
<nav class="main-navigation"><ul><li><a href="/">Home</a></li><li><a href="/about/">About the Ledgerkeeper</a></li>
<li><a href="/archive/">Archive of Old Posts</a></li></ul></nav>
<form class="search-form" role="search"><label>Search this site: <input type="search" name="s"></label>
<button type="submit">Search</button></form></header>
<main id="content"><article class="post">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<p class="entry-meta">Posted on <time datetime="2020-05-04">4 May 2020</time> by Cordelia Marsh</p></header>
<div class="entry-content">
{paras}
</div>
<div class="sharedaddy"><h3>Share this:</h3><ul class="share-buttons">
<li><a class="share-twitter" href="#">Share on Twitter</a></li><li><a class="share-facebook" href="#">Share on Facebook</a></li>
<li><a class="share-email" href="#">Click to email this to a friend</a></li></ul></div>
</article>
<nav class="post-navigation"><p>Post navigation</p><a href="/prev/">Previous: The Lighthouse Accounts</a></nav>
<section id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on this post</h2>
<ol class="comment-list">
{comments}
</ol>
<div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p><label for="comment">Comment *</label><textarea id="comment" name="comment"></textarea></p>
<p><input type="submit" value="Post Comment"></p></form></div>
</section></main>
<footer class="site-footer"><p>Proudly powered by a content management system</p></footer>
</body></html>
"""


# -- bad inputs --------------------------------------------------------------------------------


def add_zip_member(container: bytes, name: str, data: bytes) -> bytes:
    """``container`` (a zip) with one more deflated member."""
    buf = io.BytesIO(container)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def noise(n: int, seed: int = 0) -> bytes:
    """Incompressible bytes."""
    return random.Random(seed).randbytes(n)


def words(n: int, seed: int = 0) -> str:
    """``n`` words of made-up prose in sentences and paragraphs (for bulk fixtures)."""
    rng = random.Random(seed)
    vocab = ["ledger", "board", "harbour", "engineer", "basin", "canal", "lock", "clerk", "report", "spring", "autumn", "storm", "treasurer", "master", "dredging", "schedule", "cost", "estimate", "minutes", "meeting", "diary", "secretary", "payment", "work", "week", "quay", "crane", "warehouse", "tide", "pilot", "barge", "toll", "survey", "map", "gauge", "pier"]
    out, sentence, para = [], [], []
    for _ in range(n):
        sentence.append(rng.choice(vocab))
        if len(sentence) >= rng.randint(8, 18):
            para.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if len(para) >= rng.randint(3, 6):
                out.append(" ".join(para))
                para = []
    if sentence:
        para.append(" ".join(sentence).capitalize() + ".")
    if para:
        out.append(" ".join(para))
    return "\n\n".join(out) + "\n"
