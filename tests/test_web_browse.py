"""Browsing the web UI (issue 18): the index pages, pages of results, the source profile on the
home page, the conflicts page with the reference beside the source, the network around one
entity, the reader's cited span, the offices chart, the timeline's range and resolved dates.
Over a KB built from three short texts written for these tests (invented people of an invented
port town, and one statement about a real marshal that the soviet pack contradicts), in
Chromium through Playwright (skipped only where /usr/bin/chromium is absent) and through
Starlette's TestClient.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kartoteka import KB
from kartoteka.web import create_app
from kartoteka.web.charts import office_bars
from kartoteka.web.datelabel import date_label, said_differently
from tests.conftest import served

DOCS = {
    "annals.txt": """Annals of Varrow

Anton Weller was appointed harbour master of Varrow in May 1902. Anton Weller was arrested in Varrow on 4 March 1911. Anton Weller was released the next day.

{p. 7}

Edda Lomm was appointed mayor of Varrow in 1905. Edda Lomm met Anton Weller in Varrow in 1906. Casimir Ardent was elected chair of the Varrow Harbour Board in 1908. Casimir Ardent met Edda Lomm and Anton Weller in Dunmore in 1909.

Rosalind Tew was born in Hesk in 1880. Rosalind Tew was arrested in Hesk in 1912. Rosalind Tew died in Varrow in 1920.

The old register says that the monk Henrik Osric was born in Varrow in 1712, long before any of them.

{p. 8}

Marshal Tukhachevsky was executed in Moscow on 2 June 1937.
""",
    "letters.txt": """Letters from Hesk

In one letter Edda Lomm wrote that Anton Weller was arrested in April 1911. Rosalind Tew was arrested in Hesk in 1913, she added. The Varrow Harbour Board paid for the funeral of Rosalind Tew.
""",
    "harbour.txt": """Notes on the Harbour

The Varrow Harbour Board met in 1910. Casimir Ardent spoke to the Varrow Harbour Board about Anton Weller in 1910.
""",
}


@pytest.fixture(scope="module")
def browse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browse-corpus")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("browse-kb") / "kb.db"
    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module")
def client(browse_db: Path) -> Iterator[Any]:
    from starlette.testclient import TestClient

    with TestClient(create_app(browse_db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def server(browse_db: Path) -> Iterator[str]:
    with served(create_app(browse_db)) as url:
        yield url




def eid(db: Path, name: str) -> str:
    with KB(db, create=False) as kb:
        found = kb.resolve_name(name)
    assert found, name
    return found


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5 and
            a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


# -- index pages and paging --------------------------------------------------------------------

def test_browser_entities_index_filters_sorts_and_pages(page: Any, server: str, browse_db: Path) -> None:
    with KB(browse_db, create=False) as kb:
        people = [e for e in kb.entities(type="person", limit=1000)]
    page.goto(server + "/entities")
    page.select_option("select[name=type]", "person")
    page.select_option("select[name=sort]", "name")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"type=person"))
    names = page.locator("table.entities tbody td:first-child").all_inner_texts()
    assert names == sorted((e["name"] for e in people), key=str.casefold)
    assert f"of {len(people)} entities" in page.inner_text("nav.pager")
    page.goto(server + "/entities?type=person&sort=name&per=2")
    first = page.locator("table.entities tbody td:first-child").all_inner_texts()
    page.click("nav.pager a[rel=next] >> nth=0")
    page.wait_for_url(re.compile(r"page=2"))
    second = page.locator("table.entities tbody td:first-child").all_inner_texts()
    assert len(first) == 2 and second and not set(first) & set(second)
    page.fill("form.filters input[name=q]", "lomm")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=lomm"))
    assert page.locator("table.entities tbody td:first-child").all_inner_texts() == ["Edda Lomm"]
    page.locator("table.entities a", has_text="Edda Lomm").click()
    page.wait_for_url(re.compile(r"/entity/"))
    assert "Edda Lomm" in page.inner_text("h1")
    assert not page.errors


def test_browser_sources_index_and_home_show_profiles_in_words(page: Any, server: str) -> None:
    page.goto(server + "/sources")
    rows = page.locator("table.sources tbody tr")
    assert rows.count() == len(DOCS)
    annals = page.locator("table.sources tbody tr", has_text="annals.txt")
    text = annals.inner_text()
    assert "Annals of Varrow" in text and "txt" in text and "%" in text
    assert re.search(r"\((high|medium|low) confidence\)", text), text
    annals.locator("a", has_text="annals.txt").click()
    page.wait_for_url(re.compile(r"/source/annals.txt"))
    page.goto(server + "/")
    profile = page.locator("table.sources tbody tr", has_text="annals.txt")
    cells = profile.inner_text()
    assert re.search(r"\d+ factoids", cells) and "% corroborated" in cells and re.search(r"\d+ conflicts", cells)
    assert re.search(r"(high|medium|low) confidence", cells) and "{" not in cells and "text_stats" not in cells
    assert not page.errors


def test_search_dossier_timeline_and_conflicts_come_in_pages(client: Any, browse_db: Path) -> None:
    weller = eid(browse_db, "Anton Weller")
    with KB(browse_db, create=False) as kb:
        facts = kb.entity_factoids(weller)
    assert len(facts) > 3
    seen: list[str] = []
    for number in range(1, len(facts) + 1):
        r = client.get(f"/entity/{weller}", params={"per": 2, "page": number})
        assert r.status_code == 200
        cards = re.findall(r'<li class="factoid" id="fact-(\w+)"', r.text)
        assert len(cards) <= 2
        seen += cards
        if number == 1:
            assert f"1–2 of {len(facts)} factoids" in r.text and 'rel="next"' in r.text
    assert seen[:len(facts)] == [f["id"] for f in facts], "every factoid once, in order, over the pages"
    hits = client.get("/search", params={"q": "Varrow", "per": 1})
    assert "1–1 of" in hits.text and hits.text.count('class="hit"') == 1
    second = client.get("/search", params={"q": "Varrow", "per": 1, "page": 2})
    assert second.text.count('class="hit"') == 1 and "2–2 of" in second.text
    events = client.get("/timeline", params={"per": 3})
    assert events.text.count('<li class="event"') == 3 and 'rel="next"' in events.text
    assert client.get("/timeline", params={"per": 0}).status_code == 400


# -- conflicts ---------------------------------------------------------------------------------

def test_browser_conflicts_page_quotes_pages_reference_and_kind_filter(page: Any, server: str) -> None:
    page.goto(server + "/conflicts")
    arts = page.locator("article.conflict")
    assert arts.count() >= 2
    for i in range(arts.count()):
        art = arts.nth(i)
        for side in art.locator("section.side:not(.reference)").all():
            assert side.locator("blockquote.q").count() >= 1, "every value the sources give has its quote"
    paged = page.locator("section.side:not(.reference) .fcite a.cite", has_text="p. ")
    assert paged.count() >= 1, "the printed page of a quote is given where the source has page markers"
    ref = page.locator("article.conflict[data-kind=reference]")
    assert ref.count() == 1
    ref_side = ref.locator("section.side.reference")
    assert "reference value" in ref_side.inner_text() and "soviet" in ref_side.inner_text()
    assert "1937-06-12" in ref_side.inner_text()
    said = ref.locator("section.side:not(.reference)")
    assert "the source says" in said.inner_text() and "1937-06-02" in said.inner_text()
    assert said.locator("blockquote.q").count() == 1
    page.select_option("select[name=kind]", "reference")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"kind=reference"))
    assert page.locator("article.conflict").count() == 1
    page.select_option("select[name=kind]", "sources")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"kind=sources"))
    kinds = page.locator("article.conflict").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds and set(kinds) == {"sources"}
    assert not page.errors


# -- network -----------------------------------------------------------------------------------

def test_network_around_an_entity_agrees_with_its_dossier(browse_db: Path) -> None:
    weller = eid(browse_db, "Anton Weller")
    with KB(browse_db, create=False) as kb:
        near = {c["id"]: c["count"] for c in kb.entity_by_id(weller, co_limit=100)["co_mentioned"]}
        net = kb.network(weller, limit=100, min_co=1)
        bodies = kb.generic_bodies()
    assert net["nodes"][0]["id"] == weller
    edges = {(e["target"] if e["source"] == weller else e["source"]): e["co"] for e in net["edges"]
             if weller in (e["source"], e["target"])}
    assert {k: v for k, v in edges.items() if v} == near, "edge strengths are the dossier's 'mentioned near' counts"
    assert eid(browse_db, "Varrow Harbour Board") in bodies, "named in every one of the three sources"


def test_browser_network_centred_with_places_off_and_labels_apart(page: Any, server: str, browse_db: Path) -> None:
    weller = eid(browse_db, "Anton Weller")
    page.goto(server + f"/network?center={weller}&min=1")
    page.wait_for_selector("#network svg circle")
    ids = page.locator("#network a.node").evaluate_all("els => els.map(e => e.dataset.id)")
    types = page.evaluate("() => JSON.parse(document.getElementById('network-data').textContent).nodes.map(n => n.type)")
    assert ids[0] == weller and "place" not in types, "places are off by default"
    assert eid(browse_db, "Varrow Harbour Board") not in ids, "a body named in every source is off by default"
    circle = page.locator(f"#network a.node[data-id='{weller}'] circle").bounding_box()
    frame = page.locator("#network").bounding_box()
    assert abs(circle["x"] + circle["width"] / 2 - (frame["x"] + frame["width"] / 2)) < 5, "the centre is in the middle"
    labels = [b for b in page.locator("#network a.node text").evaluate_all(
        "els => els.filter(e => e.style.display !== 'none').map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; })")]
    assert len(labels) >= len(ids) - 1
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not boxes_overlap(a, b), (a, b)
    page.goto(server + f"/network?center={weller}&min=1&places=1&generic=1")
    page.wait_for_selector("#network svg circle")
    types = page.evaluate("() => JSON.parse(document.getElementById('network-data').textContent).nodes.map(n => n.type)")
    assert "place" in types
    rel = page.locator("#rel-type option").all_inner_texts()
    assert rel[0] == "any"
    assert not page.errors


# -- reader, offices, timeline -----------------------------------------------------------------

def test_browser_cited_span_stands_out_and_is_brought_into_view(browser: Any, server: str, browse_db: Path) -> None:
    with KB(browse_db, create=False) as kb:
        death = next(f for f in kb.factoids(type="death") if "Varrow" in f["source"]["quote"])
    ctx = browser.new_context(viewport={"width": 1000, "height": 260})
    page = ctx.new_page()
    src = death["source"]
    page.goto(server + f"/source/{src['doc']}?start={src['start']}&end={src['end']}")  # no #span fragment
    cited = page.locator("mark.cited").first
    box = cited.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 260, "the cited span is scrolled into view"
    style = cited.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, s.fontWeight]; }")
    other = page.locator("article.doc .fact").evaluate_all(
        "els => els.filter(e => !e.closest('mark.cited') && !e.querySelector('mark.cited'))"
        ".map(e => getComputedStyle(e).backgroundColor)")
    assert other, "the reader shows other factoid sentences"
    lum = luminance(style[0])
    for bg in other:
        hi, lo = max(lum, luminance(bg)), min(lum, luminance(bg))
        assert (hi + 0.05) / (lo + 0.05) >= 1.8, (style, bg)
    assert int(style[1]) >= 600
    ctx.close()


def test_office_labels_sit_inside_or_beside_their_bars() -> None:
    offices = [{"office": "keeper of the great seal of the realm", "from": "1920-01-01", "to": "1920-03-01"},
               {"office": "mayor", "from": "1900", "to": "1930"},
               {"office": "warden of the eastern marches and the river", "from": "1929-06", "to": "1929-09"}]
    offices.append({"office": "a post whose name runs on far longer than the room on either side of it", "from": "1905",
                    "to": "1925"})
    chart = office_bars(offices, width=640)
    for b in chart["bars"]:
        need = 6.3 * len(b["text"])
        assert b["text"] == b["label"] or (b["text"].endswith("…") and b["label"].startswith(b["text"][:-1]))
        if b["label_at"] == "inside":
            assert b["label_x"] >= b["x"] and b["label_x"] + need <= b["x"] + b["w"]
        elif b["label_at"] == "right":
            assert b["label_x"] >= b["x"] + b["w"]
        else:
            assert b["label_at"] == "left" and b["label_x"] <= b["x"] and b["label_x"] - need >= 0
        assert b["label_at"] == "inside" or b["label_x"] + (need if b["label_at"] == "right" else 0) <= 640
    assert {b["label"]: b["label_at"] for b in chart["bars"]}["mayor"] == "inside"
    assert {b["label"]: b["label_at"] for b in chart["bars"]}["warden of the eastern marches and the river"] == "left"
    assert {b["label"]: b["text"] for b in chart["bars"]}[offices[-1]["office"]].endswith("…")


def test_browser_office_chart_labels_do_not_cross_their_bars(page: Any, server: str, browse_db: Path) -> None:
    page.goto(server + f"/entity/{eid(browse_db, 'Anton Weller')}")
    groups = page.locator("svg.offices g.office")
    assert groups.count() >= 1
    for g in groups.all():
        rect, text = g.locator("rect").bounding_box(), g.locator("text").bounding_box()
        inside = (text["x"] >= rect["x"] - 0.5 and text["x"] + text["width"] <= rect["x"] + rect["width"] + 0.5)
        assert inside or not boxes_overlap(rect, text)


def test_dates_are_shown_resolved() -> None:
    nxt = {"text": "the next day", "start": "1911-03-05", "end": "1911-03-05", "precision": "day"}
    assert date_label(nxt) == "5 March 1911" and said_differently(nxt) == "the next day"
    month = {"text": "April 1911", "start": "1911-04-01", "end": "1911-04-30", "precision": "month"}
    assert date_label(month) == "April 1911" and said_differently(month) is None
    assert date_label({"text": "the 1930s", "start": "1930-01-01", "end": "1939-12-31", "precision": "decade"}) == "1930 – 1939"


def test_browser_timeline_range_leaves_out_a_stray_date_and_cards_show_resolved_dates(page: Any, server: str,
                                                                                     browse_db: Path) -> None:
    page.goto(server + "/timeline")
    page.wait_for_selector("#timeline svg a.item")
    assert page.get_attribute("#timeline", "data-outliers") == "1"
    lo, hi = map(int, page.get_attribute("#timeline", "data-range").split("-"))
    assert 1850 <= lo <= 1880 and 1937 <= hi <= 1940, (lo, hi)
    assert page.locator("#timeline-outliers").is_visible() and "1712" in page.inner_text("#timeline-outliers")
    count = int(page.get_attribute("#timeline", "data-count"))
    assert int(page.get_attribute("#timeline", "data-rendered")) == count - 1
    page.click("button[data-zoom=everything]")
    assert int(page.get_attribute("#timeline", "data-rendered")) == count
    release = page.locator("li.event", has_text="release").locator("summary time")
    assert release.inner_text() == "5 March 1911"
    titles = page.locator("#timeline a.item title").evaluate_all("els => els.map(e => e.textContent)")
    assert any(t.startswith("5 March 1911 (“the next day”)") for t in titles), titles
    page.goto(server + f"/entity/{eid(browse_db, 'Anton Weller')}")
    card = page.locator("li.factoid", has_text="released").locator(".fhead")
    assert "5 March 1911" in card.inner_text() and "the next day" in card.inner_text()
    assert not page.errors


# -- the page cache under concurrent readers ----------------------------------------------------

def test_pages_are_built_once_for_many_readers_and_rebuilt_when_the_kb_changes(browse_db: Path,
                                                                               tmp_path: Path) -> None:
    import shutil
    import threading
    import urllib.request

    db = tmp_path / "kb.db"
    shutil.copy(browse_db, db)
    lomm = eid(db, "Edda Lomm")
    url_path = f"/entity/{lomm}"
    with served(create_app(db, editable=True)) as url:
        seen: list[str] = []
        bodies: list[bytes] = []
        lock = threading.Lock()

        def fetch() -> None:
            with urllib.request.urlopen(url + url_path, timeout=60) as r:
                body = r.read()
                with lock:
                    seen.append(r.headers["x-page-cache"])
                    bodies.append(body)

        threads = [threading.Thread(target=fetch) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(seen) == ["hit"] * 15 + ["miss"], "sixteen readers at once: the page is built once"
        assert len(set(bodies)) == 1
        with KB(db, create=False) as kb:
            kb.alias("add", lomm, "the Harbour Mayor")
        with urllib.request.urlopen(url + url_path, timeout=60) as r:
            assert r.headers["x-page-cache"] == "miss" and b"the Harbour Mayor" in r.read()
        with urllib.request.urlopen(url + url_path, timeout=60) as r:
            assert r.headers["x-page-cache"] == "hit"
            assert r.headers["content-security-policy"], "a cached page keeps the security headers"
