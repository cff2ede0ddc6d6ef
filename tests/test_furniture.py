"""Furniture (captions, infoboxes, reference lists, navigation, sidebars) on pages written for
these tests: marked as boilerplate, kept in the stored text, findable on request, never analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.analysis import Passage, Segment
from kartoteka.api import KB
from kartoteka.ingest.furniture import apparatus_span
from kartoteka.ingest.readers import RawDocument, read_document
from kartoteka.ingest.structure import detect_structure

# A biography as an encyclopedia page converted to markdown: front matter, an infobox and
# image captions whose wiki openers were lost, a bibliography, back matter and footnotes.
WIKI = """---
title: "Ottilie Brandvold"
source: "https://example.org/wiki/Ottilie_Brandvold"
---

Brandvold_at_the_harbour_office.jpg

born = 3 May 1884 |birth_place = Tromsholm |death_date = 9 June 1951 |party = Harbour Workers' League }} OTTILIE BRANDVOLD (3 May 1884 \u2013 9 June 1951) was a Norwegian trade unionist who led the dockers of Tromsholm for two decades.


Early life

Brandvold grew up above her father's chandlery and left school at fourteen to keep the accounts of a fishing cooperative.


Union work

, seated second from the left, with Casimir Lettow and the strike committee in 1911]] In 1911 Brandvold organised the first harbour strike of the northern coast, and the owners conceded a shorter working day after nine weeks.

Casimir Lettow was arrested in Bergen in March 1913 for printing the strike bulletin. Brandvold paid his fine from the union's funds. at the printing works in 1913]]


Writings by Brandvold

-   _Nine Weeks on the Quay_, trans. Ruth Amble (Nordlys Press, 1934)
-   _The Ledger and the Hook_ (Harbour Books, 1938)
-   "Letters to the Strike Committee", ed. Per Hovland (Tromsholm, 1952)


See also

-   Henrietta Voss
-   Harbour Workers' League
-   Casimir Lettow was shot in 1941 by an occupation patrol


References

-   Amble, Ruth _A Life on the Quay_ (Nordlys Press, 1960), pp. 14\u201322.


External links

-   Henrietta Voss was arrested in 1940 (an archive page)
-   [The Brandvold papers](https://example.org/papers)


[1] Amble (1960), p. 14.

[2] Hovland, _Letters_, p. 3.

[3] Casimir Lettow was executed in 1941, according to the parish register.
"""

WIKI_BODY = [
    "OTTILIE BRANDVOLD (3 May 1884",
    "Brandvold grew up above her father's chandlery",
    "In 1911 Brandvold organised the first harbour strike",
    "Casimir Lettow was arrested in Bergen in March 1913",
]
WIKI_FURNITURE = [
    ('title: "Ottilie Brandvold"', "front matter"),
    ("Brandvold_at_the_harbour_office.jpg", "image"),
    ("|birth_place = Tromsholm", "infobox"),
    ("seated second from the left", "caption"),
    ("at the printing works in 1913]]", "caption"),
    ("Nine Weeks on the Quay", "bibliography"),
    ("Writings by Brandvold", "bibliography"),
    ("Casimir Lettow was shot in 1941", "back matter"),
    ("Henrietta Voss was arrested in 1940", "back matter"),
    ("[The Brandvold papers]", "back matter"),
    ("Casimir Lettow was executed in 1941", "back matter"),
]

# A news page laid out in tables the way old sites were, with a floated box beside the text.
LAYOUT_HTML = """<html><head><title>The dockers' long winter</title></head><body>
<table width="700"><tr><td width="120"><a href="/">Home</a></td>
<td width="480"><font size="2"><b>LABOUR HISTORY | Part 3</b></font><br>
<font size="5"><b>The dockers' long winter</b></font><p>
<font size="3">In the winter of 1911 the harbour of Tromsholm fell silent for nine weeks.<p>
Henrietta Voss, who kept the strike kitchen, fed four hundred families on donated fish and flour.<p>
<table width="200" align="right"><tr><td><b>Further reading</b><p>
Henrietta Voss was born in 1879 and wrote a memoir of the strike, reviewed in our archive.</td></tr></table>
When the owners gave way, Voss closed the kitchen and returned to her work at the net loft.<p>
</font></td></tr></table>
<div class="footer">Copyright 2009 The Harbour Gazette. All rights reserved.</div>
</body></html>
"""

# An ordinary page with semantic chrome: navigation, a figure with its caption, an aside, a footer.
SEMANTIC_HTML = """<html><head><title>Casimir Lettow, printer</title></head><body>
<header><nav><a href="/">Home</a> | <a href="/people">People</a> | <a href="/about">About</a></nav></header>
<article>
<h1>Casimir Lettow, printer</h1>
<p>Casimir Lettow set the type for the harbour union's bulletin from 1908 until the press was seized.
He worked at night in a cellar below a bakery, and the bulletin never missed a week.</p>
<figure><img src="press.jpg"><figcaption>Casimir Lettow was arrested in 1913 beside this press.</figcaption></figure>
<p>After the strike of 1911 Lettow trained three apprentices, one of whom later ran the press alone
when Lettow moved south to Bergen in search of steadier work for his family.</p>
<aside><p>Henrietta Voss was elected to the town council in 1925, a story told in our next issue.</p></aside>
</article>
<footer><p>Related articles: The strike kitchen | The net loft | Harbour owners</p></footer>
</body></html>
"""


def structure(text: str, fmt: str = "md") -> tuple[RawDocument, list[Segment], list[Passage]]:
    raw = RawDocument(text=text, format=fmt)
    segs, passages = detect_structure(raw)
    return raw, segs, passages


def furniture_of(text: str, segs: list[Segment], phrase: str) -> Segment | None:
    i = text.index(phrase)
    return next((s for s in segs if s.kind == "boilerplate" and s.start <= i < s.end), None)


def test_apparatus_span_finds_lost_captions_and_templates() -> None:
    assert apparatus_span(", the quay in winter]] The strike began.") == (0, 22, "caption")
    raw = "The strike began at dawn. on the quay]] More text."
    a, b, what = apparatus_span(raw)
    assert raw[a:b] == "on the quay]]" and what == "caption"
    assert apparatus_span("|born = 1884 |party = League }} Text.")[2] == "infobox"
    assert apparatus_span("A set {{of}} braces and [[a link]] in prose.") is None
    assert apparatus_span("An editor's remark} closes nothing.") is None


def test_wiki_page_furniture_is_boilerplate_with_furniture_passages() -> None:
    _, segs, passages = structure(WIKI)
    for phrase, what in WIKI_FURNITURE:
        seg = furniture_of(WIKI, segs, phrase)
        assert seg is not None, phrase
        assert seg.label in (what, "front matter", "image", "infobox", "caption", "bibliography",
                             "back matter", "notes"), (phrase, seg.label)
        i = WIKI.index(phrase)
        holders = [p for p in passages if p.start <= i < p.end]
        assert holders and all(p.layer == "furniture" for p in holders), phrase
    for phrase in WIKI_BODY:
        i = WIKI.index(phrase)
        assert furniture_of(WIKI, segs, phrase) is None, phrase
        p = next(p for p in passages if p.start <= i < p.end)
        assert p.layer == "main", phrase
        # Offsets stay exact after a caption or an infobox is cut off the paragraph's start.
        assert WIKI[p.start:p.end].startswith(phrase[:20]) or phrase in WIKI[p.start:p.end]


def test_body_before_a_trailing_caption_stays_body() -> None:
    _, segs, passages = structure(WIKI)
    p = next(p for p in passages if "Brandvold paid his fine" in p.body)
    assert p.layer == "main" and p.body.endswith("union's funds.")
    assert "printing works" not in p.body


def test_authors_notes_in_prose_are_not_back_matter() -> None:
    long_note = ("The committee's own minutes, which the author read in the union hall in 1962, give a different "
                 "count of the families fed during the strike, and they name a second kitchen on the north quay "
                 "that no newspaper of the time mentions; the discrepancy is discussed in the preface, together "
                 "with the treasurer's later account of how the fish was shared out among the families.")
    text = f"The strike lasted nine weeks in all.\n\nNotes\n\n[1] See the union minutes.\n\n{long_note}\n"
    _, segs, passages = structure(text)
    assert furniture_of(text, segs, "[1] See the union minutes") is not None
    assert furniture_of(text, segs, "The committee's own minutes") is None
    assert any("committee's own minutes" in p.body and p.layer == "main" for p in passages)


def test_numbered_clauses_are_not_a_table_of_contents() -> None:
    text = ("The decree named those to be watched:\n\n1.  any printer of unlicensed bulletins;\n"
            "2.  members of the strike committee;\n3.  clergy who sheltered strikers.\n\nThe list was short.\n")
    _, segs, passages = structure(text)
    assert not [s for s in segs if s.kind == "toc"]
    assert any("unlicensed bulletins" in p.body and p.layer != "furniture" for p in passages)


def test_breadcrumbs_and_navigation_lines_are_chrome() -> None:
    text = ("Home > Labour history > Harbour strikes\n\n[Home](/) | [People](/people)\n\n"
            "The harbour strike of 1911 was the longest on the coast, and Henrietta Voss fed the strikers.\n")
    _, segs, passages = structure(text)
    assert furniture_of(text, segs, "Home > Labour") is not None
    assert furniture_of(text, segs, "[People](/people)") is not None
    assert [p.layer for p in passages if "Henrietta Voss" in p.body] == ["main"]


def test_layout_table_page_is_read_by_paragraph_with_the_sidebar_as_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "winter.html"
    path.write_text(LAYOUT_HTML, encoding="utf-8")
    raw = read_document(path)
    assert "Henrietta Voss, who kept the strike kitchen" in raw.text
    assert "| |" not in raw.text  # not flattened into one table row
    segs, passages = detect_structure(raw)
    main = [p for p in passages if p.layer == "main"]
    assert any(p.body.startswith("In the winter of 1911") for p in main)
    assert any(p.body.startswith("When the owners gave way") for p in main)
    assert furniture_of(raw.text, segs, "Henrietta Voss was born in 1879") is not None
    assert not any("born in 1879" in p.body for p in main)


def test_semantic_page_chrome_stays_out_of_the_analysed_text(tmp_path: Path) -> None:
    path = tmp_path / "lettow.html"
    path.write_text(SEMANTIC_HTML, encoding="utf-8")
    raw = read_document(path)
    segs, passages = detect_structure(raw)
    main = " ".join(p.body for p in passages if p.layer != "furniture")
    assert "set the type for the harbour union's bulletin" in main
    for phrase in ("arrested in 1913 beside this press", "elected to the town council", "Related articles"):
        assert phrase not in main, phrase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    d = tmp_path_factory.mktemp("furniture")
    (d / "brandvold.md").write_text(WIKI, encoding="utf-8")
    (d / "winter.html").write_text(LAYOUT_HTML, encoding="utf-8")
    (d / "lettow.html").write_text(SEMANTIC_HTML, encoding="utf-8")
    k = KB(d / "kb.db")
    k.ingest([d], embed=False)
    return k


def _furniture_ranges(kb: KB, doc: str) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in kb.segments(doc, "boilerplate")]


def test_no_factoids_mentions_or_dates_from_furniture(kb: KB) -> None:
    for doc in ("brandvold.md", "winter.html"):
        ranges = _furniture_ranges(kb, doc)
        assert ranges, doc
        inside = lambda s, e, rs=ranges: any(a <= s and e <= b for a, b in rs)  # noqa: E731
        for f in kb.factoids(source=doc):
            src = f["source"]
            assert not inside(src["start"], src["end"]), f
        for m in kb.mentions(doc):
            assert not inside(m["start"], m["end"]), m
    # The body's own events are still read: the arrest in Bergen is in the text, not a caption.
    arrests = [f for f in kb.factoids(source="brandvold.md") if f["type"] == "arrest"]
    assert any("Bergen" in f["source"]["quote"] for f in arrests)
    assert not any("1940" in (f.get("date") or {}).get("start", "") for f in kb.factoids(source="brandvold.md"))


def test_search_ranks_body_and_finds_furniture_on_request(kb: KB) -> None:
    hits = kb.search("Casimir Lettow arrested", mode="bm25")
    assert hits and all(h["layer"] != "furniture" for h in hits)
    assert "Bergen" in hits[0]["text"] or "bulletin" in hits[0]["text"]
    assert not kb.search("Brandvold papers archive page", mode="bm25", limit=20) or all(
        h["layer"] != "furniture" for h in kb.search("Brandvold papers archive page", mode="bm25", limit=20))
    found = kb.search("Brandvold papers", mode="bm25", furniture=True)
    assert any(h["layer"] == "furniture" and "Brandvold papers" in h["text"] for h in found)
    text = kb.text("brandvold.md")
    for h in found:
        assert text[h["start"]:h["end"]] == h["text"]


BODY = "\n\nThe harbour board of Tromsholm met in the customs house every Tuesday of the winter of 1911.\n"


@pytest.mark.parametrize(("furniture", "what"), [
    ("Voss_kitchen_1911.jpg", "image"),
    ("File:Lettow press room.png", "image"),
    ("Tromsholm-harbour-map.svg", "image"),
    ('---\ntitle: "The strike kitchen"\nauthor: "Per Hovland"\n---', "front matter"),
    ("---\nlayout: post\ntags:\n  - harbour\n  - 1911\n---", "front matter"),
    ("---\ndate: 1952-03-01\nsource: minutes\n---", "front matter"),
    ("Home > People > Henrietta Voss", "chrome"),
    ("Archive \u00bb 1911 \u00bb The strike kitchen", "chrome"),
    ("[Home](/) \u00b7 [Strikes](/strikes) \u00b7 [Contact](/contact)", "navigation"),
    ("Further writing\n\n-   _The Net Loft_ (Amble Press, 1929)\n-   \"A Winter Kitchen\", ed. Per Hovland (1950)\n"
     "-   _Fish and Flour_, trans. Ruth Amble (1961)", "bibliography"),
    ("Books about the strike\n\n-   Amble, Ruth _Nine Weeks_ (1960), pp. 4\u20139\n-   Hovland, Per _The Quay_ (1971)\n"
     "-   Lettow, Casimir \"Bulletins\" (Bergen, 1914)", "bibliography"),
    ("Secondary works\n\n1. Dahl, Ingrid _Harbour Women_ (1988)\n2. Berg, Olav _Strike!_ (1990)\n"
     "3. Voss, Henrietta _My Kitchen_ (1931)", "bibliography"),
])
def test_furniture_shapes_before_body_text(furniture: str, what: str) -> None:
    text = furniture + BODY
    _, segs, passages = structure(text)
    first = furniture.splitlines()[0].lstrip("-").strip() or furniture.splitlines()[1]
    seg = furniture_of(text, segs, first)
    assert seg is not None, furniture
    assert what == "chrome" or seg.label == what, (seg.label, what)
    body = [p for p in passages if "customs house" in p.body]
    assert [p.layer for p in body] == ["main"]
