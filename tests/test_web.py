"""The web UI: pages over a KB built (with the real spaCy model) from short texts written here,
tested through Starlette's TestClient, and in a real browser (Playwright driving the system's
Chromium by path; skipped only where /usr/bin/chromium is absent). Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import hashlib
import html
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kartoteka import KB
from kartoteka.web.markup import Annotation, Point, render
from kartoteka.web.reader import WINDOW, boundary, window_at
from tests.conftest import served

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
# The browser itself is conftest's session fixture `browser` (one Playwright per test run).

# Short documents written for these tests: a chronicle with a printed-page marker and an
# editor's note, a memoir that dates the arrest differently, a blog post with chrome, and a
# document full of markup that must render as text.
DOCS = {
    "chronicle.txt": """The Fall of the People's Commissar

Genrikh Yagoda was appointed People's Commissar for Internal Affairs in July 1934. For two years he
ran the NKVD from the Lubyanka in Moscow, and Stalin trusted him less each month.

On 26 September 1936 Nikolai Yezhov replaced Yagoda as head of the NKVD. Yagoda was arrested on
28 March 1937 at his apartment in Moscow.

{p. 12}

At the trial in March 1938 Yagoda was sentenced to death together with Nikolai Bukharin. Yagoda
was executed on 15 March 1938.

[Note: other accounts give a different month for the arrest. - Ed.]
""",
    "memoir.txt": """What I Remember of Those Years

I worked as a typist in the Lubyanka. I remember that Yagoda was arrested in April 1937, on a wet
morning, and that nobody in our office dared to say his name aloud afterwards.

[Page 3]

Sergei Kirov was killed in Leningrad on 1 December 1934. Leonid Nikolaev fired the shot in the
Smolny corridor. Stalin came to Leningrad the next day.
""",
    "forged_letter.txt": """<script>window.__xss = 4</script> Notes on a forged letter

The letter, said to be from Sergei Kirov, carried the string <script>window.__xss = 1</script> in
its margin. A second copy had <img src=x onerror="window.__xss = 2"> pasted into it, and a third a
link <a href="javascript:window.__xss = 3">read more</a> with [a markdown link](javascript:alert(1)).
Kirov was killed in Leningrad on 1 December 1934, so the letter cannot be his & "quoted" <b>bold</b>.
""",
}


def _ingest(folder: Path, db: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-corpus")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("web-kb") / "web.db"
    _ingest(folder, db)
    return db


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[Any]:
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    with TestClient(create_app(web_db), raise_server_exceptions=False) as c:
        yield c


# -- HTML helpers ------------------------------------------------------------------------------

class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def elements(page: str) -> list[tuple[str, dict[str, str]]]:
    p = Elements()
    p.feed(page)
    return p.tags


def text_of(fragment: str) -> str:
    """The text a fragment of our markup stands for: page numbers out, tags out, entities decoded."""
    fragment = re.sub(r'<span class="pageno"[^>]*>[^<]*</span>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def article(page: str) -> str:
    m = re.search(r'<article class="doc"[^>]*>(.*?)</article>', page, re.S)
    assert m, "the reader shows the document"
    return m.group(1)


def marked(page: str) -> str:
    """The text inside the cited span's <mark id="span">, continuation pieces included."""
    body = article(page)
    start = body.index('<mark class="cited" id="span">')
    depth, i, out = 0, start, []
    pieces = re.finditer(r'<mark class="cited"[^>]*>(.*?)</mark>', body[start:], re.S)
    for m in pieces:
        out.append(m.group(1))
    del depth, i
    return text_of("".join(out))


def cite_links(page: str) -> list[dict[str, Any]]:
    out = []
    for tag, attrs in elements(page):
        href = attrs.get("href", "")
        if tag == "a" and href.startswith("/source/") and "start=" in href:
            parts = urlsplit(href)
            q = parse_qs(parts.query)
            doc = parts.path.removeprefix("/source/")
            out.append({"href": href, "doc": doc, "start": int(q["start"][0]), "end": int(q["end"][0])})
    return out


def assert_inert(page: str) -> None:
    """No element the documents' text could have smuggled in: scripts only from /static, no
    event-handler attributes, no javascript: links, no <img> at all."""
    for tag, attrs in elements(page):
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/json", attrs
        assert tag != "img", attrs
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for k in ("href", "src", "action"):
            assert not attrs.get(k, "").strip().lower().startswith("javascript:"), (tag, attrs)


# -- markup and windows (no KB) ----------------------------------------------------------------

def test_overlapping_annotations_stay_well_formed_and_keep_every_character() -> None:
    text = "Yagoda <was> arrested & shot."
    notes = [Annotation(0, 12, 0, "span", "outer"), Annotation(7, 20, 1, "mark", attrs={"id": "span"}),
             Annotation(0, 6, 2, "a", shared={"href": "/entity/x"})]
    out = str(render(text, 0, len(text), notes, [Point(13, "<span class=\"pageno\">2</span>")]))
    assert text_of(out) == text
    assert "&lt;was&gt;" in out and "&amp;" in out
    assert out.count('id="span"') == 1, "a reopened piece does not repeat the id"
    stack = []
    for m in re.finditer(r"<(/?)(\w+)", out):
        if m.group(1):
            assert stack.pop() == m.group(2)
        else:
            stack.append(m.group(2))
    assert not stack


def test_render_escapes_attribute_values() -> None:
    out = str(render("ab", 0, 2, [Annotation(0, 2, 0, "span", shared={"title": '"><script>x</script>'})]))
    assert "<script>" not in out and "&#34;&gt;&lt;script&gt;" in out


def test_windows_tile_the_text_at_line_breaks_and_stretch_for_a_long_citation() -> None:
    text = ("a line of text\n" * 9000)
    starts = [boundary(text, j) for j in range(len(text) // WINDOW + 2)]
    assert starts == sorted(starts) and starts[0] == 0
    assert all(text[s - 1] == "\n" for s in starts[1:] if 0 < s < len(text))
    for at in (0, WINDOW - 1, WINDOW, WINDOW + 7, len(text) - 1):
        w = window_at(text, at)
        assert w.start <= at < w.end
    w = window_at(text, WINDOW - 100, cited_end=WINDOW + 5000)
    assert w.start <= WINDOW - 100 and w.end >= WINDOW + 5000


# -- pages through the TestClient --------------------------------------------------------------

def test_home_lists_sources_top_entities_and_years(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200
    for doc in DOCS:
        assert f'href="/source/{doc}"' in r.text
    assert "Genrikh Yagoda" in r.text and "Busiest years" in r.text
    assert re.search(r'href="/timeline\?from=193\d&amp;to=193\d"', r.text), "the year chart links to timelines"
    assert r.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert_inert(r.text)


def test_search_facets_and_the_entity_card(client: Any) -> None:
    r = client.get("/search", params={"q": "Yagoda arrested"})
    assert r.status_code == 200
    assert "Open the dossier" in r.text and "/entity/soviet%3Ayagoda" in r.text or "Yagoda" in r.text
    assert "<mark>" in r.text, "matched terms are marked in snippets"
    hits = cite_links(r.text)
    assert {h["doc"] for h in hits} >= {"chronicle.txt", "memoir.txt"}
    only = client.get("/search", params={"q": "Yagoda arrested", "source": "memoir.txt"})
    assert {h["doc"] for h in cite_links(only.text)} == {"memoir.txt"}
    typed = client.get("/search", params={"q": "Leningrad", "type": "place"})
    assert typed.status_code == 200 and cite_links(typed.text)
    year = client.get("/search", params={"q": "arrested", "year": "1937"})
    assert year.status_code == 200 and cite_links(year.text)
    assert client.get("/search", params={"q": "arrested", "year": "1066"}).text.count('class="hit"') == 0


def test_every_citation_on_a_dossier_marks_its_exact_quote_in_the_reader(client: Any, web_db: Path) -> None:
    with KB(web_db, create=False) as kb:
        eid = kb.resolve_name("Yagoda")
        assert eid
        texts = {d: kb.text(d) for d in DOCS}
    r = client.get(f"/entity/{eid}")
    assert r.status_code == 200 and "Genrikh Yagoda" in r.text
    assert "Mentions by source" in r.text and "Factoids" in r.text
    links = cite_links(r.text)
    assert len(links) >= 3
    for link in links:
        page = client.get(link["href"].split("#")[0])
        assert page.status_code == 200
        assert marked(page.text) == texts[link["doc"]][link["start"]:link["end"]]
    assert_inert(r.text)


def test_reader_keeps_the_stored_text_and_sets_layers_and_pages_apart(client: Any, web_db: Path) -> None:
    with KB(web_db, create=False) as kb:
        text = kb.text("chronicle.txt")
        mentions = kb.mentions("chronicle.txt")
    r = client.get("/source/chronicle.txt")
    assert r.status_code == 200
    body = article(r.text)
    assert text_of(body) == text, "the reader shows the stored text exactly, page numbers aside"
    assert 'class="pageno" data-page="12"' in body, "the printed page number sits in the margin"
    assert 'layer layer-editorial' in body and 'layer layer-page_marker' in body
    assert 'class="fact ' in body, "factoid spans are highlighted"
    linked = [m for m in mentions if m["entity"]]
    assert linked and body.count('class="m t-') >= len(linked)


def test_xss_document_renders_as_text_everywhere(client: Any, web_db: Path) -> None:
    with KB(web_db, create=False) as kb:
        text = kb.text("forged_letter.txt")
    pages = [client.get("/source/forged_letter.txt"), client.get("/search", params={"q": "forged letter script"}),
             client.get("/search", params={"q": "<script>alert(1)</script>"}), client.get("/"),
             client.get("/timeline"), client.get("/entity/<img src=x onerror=alert(1)>"),
             client.get("/timeline", params={"entity": "<b onmouseover=alert(1)>"})]
    for page in pages:
        assert page.status_code in (200, 404)
        assert_inert(page.text)
    reader = pages[0].text
    assert text_of(article(reader)) == text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in reader
    assert "onerror=&#34;window.__xss = 2&#34;" in reader or "onerror=&quot;window.__xss = 2&quot;" in reader


def test_timeline_network_and_conflicts_pages_carry_their_data(client: Any) -> None:
    t = client.get("/timeline")
    assert t.status_code == 200
    m = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', t.text, re.S)
    assert m and '"type": "arrest"' in m.group(1) and "</" not in m.group(1)
    arrests = client.get("/timeline", params={"type": "arrest", "from": "1937", "to": "1937", "entity": "Yagoda"})
    assert arrests.status_code == 200 and 'value="Genrikh Yagoda"' in arrests.text
    assert {link["doc"] for link in cite_links(arrests.text)} >= {"chronicle.txt", "memoir.txt"}
    n = client.get("/network", params={"min": "1"})
    assert n.status_code == 200
    data = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', n.text, re.S)
    assert data and '"co":' in data.group(1)
    c = client.get("/conflicts")
    assert c.status_code == 200 and "Conflicts" in c.text


@pytest.mark.parametrize(("url", "status"), [
    ("/entity/nobody:here", 404), ("/source/missing.txt", 404), ("/no/such/page", 404),
    ("/network?limit=abc", 400), ("/network?limit=100000", 400), ("/search?q=%22", 400),
    ("/source/chronicle.txt?start=5", 400), ("/source/chronicle.txt?start=5&end=999999", 400),
    ("/source/chronicle.txt?start=-1&end=3", 400), ("/timeline?from=soon", 400), ("/search?type=dragon&q=x", 400),
    ("/search?q=" + "x" * 600, 400), ("/timeline?entity=nobody:here", 404), ("/search?q=a%01b", 400),
    ("/network?center=%3Cb%3E", 400),
    ("/timeline?source=missing.txt", 404),
])
def test_bad_input_is_a_page_not_a_traceback(client: Any, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert "Traceback" not in r.text and "<h1>" in r.text
    assert_inert(r.text)


def test_the_ui_is_read_only(client: Any, web_db: Path) -> None:
    before = hashlib.sha256(web_db.read_bytes()).hexdigest()
    for url in ("/", "/search?q=Yagoda", "/timeline", "/network", "/source/memoir.txt", "/conflicts"):
        assert client.get(url).status_code == 200
    assert client.post("/", data={"x": "1"}).status_code == 405
    assert hashlib.sha256(web_db.read_bytes()).hexdigest() == before
    import sqlite3

    with KB(web_db, create=False) as kb, pytest.raises(sqlite3.OperationalError):
        kb.read_only().conn.execute("DELETE FROM documents")


def test_view_queries(web_db: Path) -> None:
    with KB(web_db, create=False) as kb:
        net = kb.network(limit=10, min_co=1)
        ids = {n["id"] for n in net["nodes"]}
        assert net["nodes"] and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
        assert all(e["source"] < e["target"] for e in net["edges"]), "each pair once"
        yagoda = kb.resolve_name("Yagoda")
        ego = kb.network(center=yagoda, limit=5, min_co=1)
        assert ego["nodes"][0]["id"] == yagoda
        years = {h["year"]: h["count"] for h in kb.year_histogram()}
        assert years.get(1937, 0) >= 1 and years.get(1934, 0) >= 1
        facts = kb.entity_factoids(yagoda)
        assert facts and all(yagoda in {f["roles"]["subject"]["id"], *(v["id"] for k, v in f["roles"].items()
                                        if isinstance(v, dict))} or any(
            isinstance(v, list) and yagoda in {x["id"] for x in v} for v in f["roles"].values()) for f in facts)
        text = kb.text("chronicle.txt")
        for m in kb.mentions_in("chronicle.txt", 0, len(text) // 2):
            assert m["end"] <= len(text) // 2 and text[m["start"]:m["end"]] == m["text"]
        ctx = kb.mention_contexts(yagoda, per_source=2)
        assert {c["doc"] for c in ctx} >= {"chronicle.txt", "memoir.txt"}
        assert all(len(c["mentions"]) <= 2 for c in ctx)


def test_serve_refuses_a_missing_kb_and_warns_off_loopback(tmp_path: Path) -> None:
    from kartoteka.cli.web_commands import is_loopback

    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(tmp_path / "none.db"), "serve"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "none.db").exists()
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_loopback(web_db: Path) -> None:
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(web_db), "serve", "--port", str(port)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200 and b"Kartoteka" in r.read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "warning" not in err and "serving" in err


# -- in a real browser -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def server(web_db: Path) -> Iterator[str]:
    from kartoteka.web import create_app

    with served(create_app(web_db)) as url:
        yield url


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=False)


def test_browser_flow_from_search_to_dossier_to_cited_span(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("header.top input[name=q]", "Yagoda")
    page.press("header.top input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=Yagoda"))
    shot(page, "1-search")
    page.click("text=Open the dossier")
    page.wait_for_url(re.compile(r"/entity/"))
    assert "Yagoda" in page.inner_text("h1")
    shot(page, "2-dossier")
    first = page.locator("li.factoid").first
    quote = first.locator("blockquote.q").inner_text()
    first.locator(".fcite a.cite").click()
    page.wait_for_url(re.compile(r"/source/.+start=\d+&end=\d+#span"))
    cited = page.locator("#span")
    assert cited.is_visible()
    assert page.evaluate("() => [...document.querySelectorAll('mark.cited')].map(m => m.textContent).join('')") == quote
    box = cited.bounding_box()
    assert box and 0 <= box["y"] < 900, "the cited span is scrolled into view"
    shot(page, "3-reader")
    assert not page.errors


def test_browser_timeline_renders_and_zooms(page: Any, server: str) -> None:
    page.goto(server + "/timeline")
    page.wait_for_selector("#timeline svg a.item")
    count = int(page.get_attribute("#timeline", "data-count"))
    assert count > 0 and int(page.get_attribute("#timeline", "data-rendered")) == count
    before = page.inner_text("#timeline-scale")
    shot(page, "4-timeline")
    for _ in range(4):
        page.click("button[data-zoom=in]")
    assert page.inner_text("#timeline-scale") != before, "zooming in moves to a finer time unit"
    assert int(page.get_attribute("#timeline", "data-rendered")) <= count
    page.click("button[data-zoom=reset]")
    assert int(page.get_attribute("#timeline", "data-rendered")) == count
    assert not page.errors


def test_browser_network_renders_and_clicks_through(page: Any, server: str) -> None:
    page.goto(server + "/network?min=1")
    page.wait_for_selector("#network svg circle")
    nodes = int(page.get_attribute("#network", "data-nodes"))
    assert nodes > 1 and page.locator("#network circle").count() == nodes
    assert int(page.get_attribute("#network", "data-rendered")) == nodes
    assert page.locator("#network line").count() == int(page.get_attribute("#network", "data-edges")) > 0
    shot(page, "5-network")
    page.locator("#network a.node circle").first.click()
    page.wait_for_url(re.compile(r"/entity/"))
    assert page.inner_text("h1")
    assert not page.errors


def test_browser_xss_document_stays_inert(page: Any, server: str) -> None:
    for url in ("/source/forged_letter.txt", "/search?q=forged+letter", "/", "/timeline"):
        page.goto(server + url)
        assert page.evaluate("() => window.__xss") is None
    page.goto(server + "/source/forged_letter.txt")
    doc = page.locator("article.doc")
    assert "<script>window.__xss = 1</script>" in doc.inner_text()
    assert page.evaluate("() => document.querySelectorAll('article.doc script, article.doc img,"
                         " a[href^=\"javascript:\"]').length") == 0
    shot(page, "6-xss")
    assert not page.errors


def test_conflicts_render_both_sides_in_the_contract_shape(web_db: Path) -> None:
    """The conflicts API lands separately; its documented shape, filled from this KB's real
    factoids (two sources dating Yagoda's arrest), renders with both quotes and exact links."""
    from kartoteka.web.app import make_env
    from kartoteka.web.pages import conflict_index

    with KB(web_db, create=False) as kb:
        yagoda = kb.resolve_name("Yagoda")
        arrests = [f for f in kb.entity_factoids(yagoda) if f["type"] == "arrest" and f.get("date")]
    by_doc = {f["source"]["doc"]: f for f in arrests}
    assert {"chronicle.txt", "memoir.txt"} <= set(by_doc)
    sides = [by_doc["chronicle.txt"], by_doc["memoir.txt"]]
    conflict = {"id": "c1", "entity": sides[0]["roles"]["subject"], "type": "arrest", "field": "date",
                "values": [{"value": f["date"]["start"][:7], "factoids": [f["id"]], "sources": [f["source"]]}
                           for f in sides]}
    out = make_env().from_string('{% from "macros.html" import conflict %}{{ conflict(c) }}').render(c=conflict)
    for f in sides:
        assert html.escape(f["source"]["quote"], quote=False) in out.replace("&#34;", '"').replace("&#39;", "'")
    assert len(cite_links(out)) == 2 and out.count('<section class="side">') == 2
    assert set(conflict_index([conflict], "date")) == {f["id"] for f in sides}
    assert conflict_index([conflict], "place") == {}
