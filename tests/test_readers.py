"""Readers: encodings, each format's text and structure, and every kind of bad input rejected
with a one-line reason. All fixtures are generated in tmp_path (tests/docgen.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docgen import (
    BLOG_COMMENTS,
    BLOG_PARAS,
    add_zip_member,
    make_blog_html,
    make_docx,
    make_epub,
    make_pdf,
    noise,
)

from kartoteka import config
from kartoteka.errors import RejectedInput
from kartoteka.ingest.readers import decode_text, read_document

WESTERN = ("The committee\u2019s report, read aloud in the caf\u00e9 by the harbour, was called \u201cdecisive\u201d "
           "by the secretary \u2014 a verdict few of the clerks shared. ") * 3
LATIN1 = "Der Bericht \u00fcber die Gr\u00f6\u00dfe des Geb\u00e4udes wurde im Caf\u00e9 verlesen; na\u00efve Leser staunten. " * 2


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def rejection(path: Path) -> str:
    with pytest.raises(RejectedInput) as info:
        read_document(path)
    reason = str(info.value)
    assert reason and "\n" not in reason and "Traceback" not in reason
    return reason


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Smolny, 1 December \u2014 \u201cquoted\u201d caf\u00e9\n".encode(), "Smolny, 1 December \u2014 \u201cquoted\u201d caf\u00e9\n", "utf-8"),
        (b"\xef\xbb\xbf" + "BOM first \u00e9\r\n".encode(), "BOM first \u00e9\r\n", "utf-8-sig"),
        ("\ufeffLittle-endian \u00e9 \u2014 \u0416\n".encode("utf-16-le"), "Little-endian \u00e9 \u2014 \u0416\n", "utf-16"),
        ("\ufeffBig-endian \u00e9 \u2014 \u0416\n".encode("utf-16-be"), "Big-endian \u00e9 \u2014 \u0416\n", "utf-16"),
        (WESTERN.encode("cp1252"), WESTERN, "cp1252"),
        (LATIN1.encode("latin-1"), LATIN1, "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252", "latin1"],
)
def test_decode_text(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data) == (text, encoding)


def test_cyrillic_single_byte_is_not_forced_to_cp1252() -> None:
    text = "\u041f\u0440\u0435\u0434\u0441\u0435\u0434\u0430\u0442\u0435\u043b\u044c \u043a\u043e\u043c\u0438\u0441\u0441\u0438\u0438 \u041d\u0438\u043a\u043e\u043b\u0430\u0439 \u0415\u0436\u043e\u0432 \u043f\u0440\u0438\u0431\u044b\u043b \u0432 \u041b\u0435\u043d\u0438\u043d\u0433\u0440\u0430\u0434. " * 3
    assert decode_text(text.encode("cp1251")) == (text, "cp1251")


def test_plain_text_is_stored_unchanged(tmp_path: Path) -> None:
    body = "Title line\r\n\r\n  Indented \u201cquote\u201d\u00a0and\ttab.\r\nNext line\rold mac\n\n\n"
    raw = read_document(write(tmp_path, "crlf.txt", body))
    assert raw.text == body and raw.format == "txt"
    md = read_document(write(tmp_path, "notes.md", "# Heading\n\n*emphasis* stays\n"))
    assert md.text == "# Heading\n\n*emphasis* stays\n" and md.format == "md"


def test_bom_is_not_part_of_the_stored_text(tmp_path: Path) -> None:
    raw = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbfFirst\nSecond\n"))
    assert raw.text == "First\nSecond\n" and raw.encoding == "utf-8-sig"


# -- formats -------------------------------------------------------------------------------


def test_html_keeps_title_text_and_comments_and_drops_chrome(tmp_path: Path) -> None:
    raw = read_document(write(tmp_path, "post.html", make_blog_html("The Dredging of the Eastern Basin")))
    assert raw.format == "html" and raw.title == "The Dredging of the Eastern Basin"
    assert raw.text.startswith("The Dredging of the Eastern Basin\n\n")
    for para in BLOG_PARAS:
        assert para in raw.text
    for chrome in ("Share on Twitter", "Click to email", "About the Ledgerkeeper", "Search this site",
                   "Leave a Reply", "Your email address", "Post Comment", "Post navigation", "Proudly powered"):
        assert chrome not in raw.text, chrome
    assert raw.text.index(BLOG_PARAS[0]) < raw.text.index(BLOG_PARAS[-1])
    [(kind, start, end, _label)] = raw.regions
    assert kind == "comment"
    comments = raw.text[start:end]
    assert raw.text.index(BLOG_PARAS[-1]) < start
    for who, said in BLOG_COMMENTS:
        assert said in comments
        assert f"{who} says:" in comments  # who wrote it is kept with the comment
    assert comments.index(BLOG_COMMENTS[0][1]) < comments.index(BLOG_COMMENTS[1][0])
    assert raw.meta["author"] == "Cordelia Marsh"


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    html = make_blog_html("Caf\u00e9 Accounts").replace('charset="utf-8"', 'charset="windows-1252"')
    raw = read_document(write(tmp_path, "legacy.htm", html.encode("cp1252")))
    assert raw.title == "Caf\u00e9 Accounts" and BLOG_PARAS[1] in raw.text


def test_epub_chapters_in_spine_order_with_titles(tmp_path: Path) -> None:
    chapters = [
        ("Of the Harbour", ["The harbour board met on Mondays.", "Its clerks kept forty ledgers."]),
        ("Of the Canal", ["The canal was cut in 1911."]),
        ("Of the Locks", ["The locks were built at Marrowby."]),
    ]
    path = make_epub(tmp_path / "book.epub", chapters, title="Harbour and Canal", spine_order=[0, 2, 1])
    raw = read_document(path)
    assert raw.format == "epub" and raw.title == "Harbour and Canal"
    titles = [label for kind, _s, _e, label in raw.regions if kind == "chapter"]
    assert titles == ["Of the Harbour", "Of the Locks", "Of the Canal"]
    for kind, s, e, label in raw.regions:
        assert kind == "chapter" and raw.text[s:e].startswith(f"{label}\n\n")
    order = [raw.text.index(p) for p in ("forty ledgers", "built at Marrowby", "cut in 1911")]
    assert order == sorted(order)
    assert "The harbour board met on Mondays.\n\nIts clerks kept forty ledgers." in raw.text


def test_docx_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "report.docx", title="Report on the Basin", body=[
        ("h1", "Part One"), ("p", "The first paragraph of part one."),
        ("h2", "A Subsection"), ("p", "Inside the subsection."),
        ("h1", "Part Two"), ("p", "The last paragraph."),
    ], table=[["Name", "Year"], ["Pennyworth", "1911"]])
    raw = read_document(path)
    assert raw.format == "docx" and raw.title == "Report on the Basin"
    assert raw.text.split("\n\n") == [
        "Report on the Basin", "Part One", "The first paragraph of part one.", "A Subsection",
        "Inside the subsection.", "Part Two", "The last paragraph.", "Name\tYear", "Pennyworth\t1911",
    ]
    spans = {label: (kind, raw.text[s:e]) for kind, s, e, label in raw.regions}
    assert spans["Part One"] == ("chapter", "Part One\n\nThe first paragraph of part one.\n\nA Subsection\n\nInside the subsection.")
    assert spans["A Subsection"] == ("section", "A Subsection\n\nInside the subsection.")
    assert spans["Part Two"][0] == "chapter" and spans["Part Two"][1].endswith("Pennyworth\t1911")


def test_pdf_text_layer_with_printed_page_labels(tmp_path: Path) -> None:
    pages = [["Front matter, first line", "and a (parenthesised) second"], ["Preface on page ii"],
             ["Chapter text on printed page five"], ["Printed page six ends it"]]
    data = make_pdf(pages, labels=b"0 << /S /r >> 2 << /S /D /St 5 >>", title="Harbour Papers")
    raw = read_document(write(tmp_path, "papers.pdf", data))
    assert raw.format == "pdf" and raw.title == "Harbour Papers"
    assert [label for _s, _e, label in raw.pages] == ["i", "ii", "5", "6"]
    for (s, e, _label), lines in zip(raw.pages, pages, strict=True):
        assert raw.text[s:e] == "\n".join(lines)
    assert raw.pages[0][0] == 0 and raw.pages[-1][1] == len(raw.text)
    plain = read_document(write(tmp_path, "plain.pdf", make_pdf([["one"], ["two"], ["three"]])))
    assert [label for *_r, label in plain.pages] == ["1", "2", "3"]


# -- bad input -----------------------------------------------------------------------------


def test_unsupported_and_empty(tmp_path: Path) -> None:
    assert rejection(write(tmp_path, "scan.jpg", b"\xff\xd8\xff\xe0 not really")).startswith("unsupported format .jpg")
    assert "no extension" in rejection(write(tmp_path, "README", "text"))
    assert rejection(write(tmp_path, "empty.txt", b"")) == "empty file"
    assert rejection(write(tmp_path, "empty.pdf", b"")) == "empty file"
    assert rejection(write(tmp_path, "blank.txt", "  \n\n \t\n")) == "no text content"


def test_binary_with_a_text_extension(tmp_path: Path) -> None:
    assert "binary" in rejection(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise(4000)))
    assert "binary" in rejection(write(tmp_path, "controls.md", bytes(range(1, 32)) * 200))
    assert "binary" in rejection(write(tmp_path, "page.html", noise(4000, seed=4)))


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "MAX_FILE_BYTES", 1000)
    assert rejection(write(tmp_path, "big.txt", "x" * 1001)).startswith("too large (1,001 bytes > limit 1,000)")
    assert read_document(write(tmp_path, "fits.txt", "x" * 1000)).text == "x" * 1000


def test_zip_bombs_are_refused_before_unpacking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = make_epub(tmp_path / "ok.epub", [("One", ["Some text."])]).read_bytes()
    ratio = rejection(write(tmp_path, "ratio.epub", add_zip_member(book, "OEBPS/pad.bin", b"\0" * (8 << 20))))
    assert "zip bomb" in ratio and "expands" in ratio
    doc = make_docx(tmp_path / "ok.docx", title=None, body=[("p", "Some text.")]).read_bytes()
    monkeypatch.setattr(config, "MAX_UNPACKED_BYTES", 2_000_000)
    total = rejection(write(tmp_path, "total.docx", add_zip_member(doc, "word/media/pad.bin", noise(3 << 20))))
    assert "would unpack to" in total and "zip bomb" in total
    assert "Some text." in read_document(tmp_path / "ok.docx").text


def test_corrupt_containers(tmp_path: Path) -> None:
    empty_zip = b"PK\x05\x06" + b"\0" * 18
    assert rejection(write(tmp_path, "noise.epub", noise(3000))).startswith("corrupt EPUB")
    assert rejection(write(tmp_path, "hollow.epub", add_zip_member(empty_zip, "a.txt", b"hi"))).startswith("corrupt EPUB")
    assert rejection(write(tmp_path, "noise.docx", noise(3000, seed=1))).startswith("corrupt DOCX")
    assert rejection(write(tmp_path, "hollow.docx", add_zip_member(empty_zip, "word/x.xml", b"<x/>"))).startswith("corrupt")
    good = make_pdf([["A page of text"], ["Another page"]])
    assert rejection(write(tmp_path, "truncated.pdf", good[: len(good) // 2])).startswith("corrupt PDF")
    assert rejection(write(tmp_path, "noise.pdf", b"%PDF-1.4\n" + noise(3000, seed=2))).startswith("corrupt PDF")
    assert rejection(write(tmp_path, "headless.pdf", noise(3000, seed=3))).startswith("corrupt PDF")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    reason = rejection(write(tmp_path, "scan.pdf", make_pdf([["x"], ["y"]], text_layer=False)))
    assert reason.startswith("PDF has no text layer")
