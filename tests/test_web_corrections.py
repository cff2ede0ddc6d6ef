"""The correction forms of the web UI (issue 16) over a KB of the short documents written for
tests/test_corrections.py: a POST without the CSRF token is refused 403, `--read-only` shows no
form, and in Chromium (Playwright, skipped where /usr/bin/chromium is absent) a historian merges
two entities from a dossier and rejects a factoid from its row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kartoteka import KB
from tests.conftest import served
from tests.test_corrections import LEDGER, write_docs


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("webfix")
    path = root / "kb.db"
    with KB(path) as kb:
        kb.ingest([write_docs(root / "docs", LEDGER)])
        wrong = next(m["entity"]["id"] for m in kb.mentions("letters.txt") if m["text"] == "Piet van der Molen")
        if wrong != "u:pieter-vandermolen":  # the machine linked him elsewhere: make him his own entity first
            kb.split(wrong, "Piet van der Molen")
    return path


def client_for(db: Path, editable: bool) -> Any:
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    return TestClient(create_app(db, editable=editable))


def test_a_post_without_the_token_is_refused_and_changes_nothing(db: Path) -> None:
    with KB(db, create=False) as kb:
        before = len(kb.corrections())
    c = client_for(db, editable=True)
    r = c.post("/correct/merge", data={"keep": "Pieter Vandermolen", "other": "Piet van der Molen"})
    assert r.status_code == 403
    r = c.post("/correct/merge", data={"keep": "Pieter Vandermolen", "other": "Piet van der Molen", "csrf": "forged"})
    assert r.status_code == 403
    with KB(db, create=False) as kb:
        assert len(kb.corrections()) == before


def test_read_only_shows_no_forms_and_takes_no_posts(db: Path) -> None:
    c = client_for(db, editable=False)
    for url in ("/entity/u:anselm-korrigan", "/source/ledger.txt"):
        page = c.get(url)
        assert page.status_code == 200 and "<form class=\"fix" not in page.text and "csrf" not in page.text
    assert c.post("/correct/merge", data={"keep": "a", "other": "b"}).status_code == 403
    editable = client_for(db, editable=True).get("/entity/u:anselm-korrigan").text
    assert 'action="/correct/reject"' in editable and 'action="/correct/merge"' in editable
    assert 'action="/correct/assert"' in client_for(db, editable=True).get("/source/ledger.txt").text


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    from kartoteka.web import create_app

    with served(create_app(db, editable=True)) as url:
        yield url


def test_browser_merge_and_reject_through_the_forms(db: Path, server: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/entity/u:pieter-vandermolen")
        page.fill("form[action='/correct/merge'] input[name=other]", "Piet van der Molen")
        page.click("form[action='/correct/merge'] button")
        page.wait_for_load_state()
        assert re.search(r"/entity/u(%3A|:)pieter-vandermolen$", page.url)
        assert "Piet van der Molen" in page.inner_text(".aliases")
        assert "removal" in page.inner_text("ol.factoids").lower()  # the letters' removal now counts for him

        page.goto(f"{server}/entity/u:anselm-korrigan")
        row = page.locator("li.factoid", has_text="9 May 1884")
        assert row.count() == 1
        row.locator("form[action='/correct/reject'] button").click()
        page.wait_for_load_state()
        assert page.locator("li.factoid", has_text="9 May 1884").count() == 0
    finally:
        context.close()
    assert not errors
    with KB(db, create=False) as kb:
        actions = [c["action"] for c in kb.corrections()]
        assert actions[:2] == ["reject", "merge"]
        assert kb.entity("Piet van der Molen")["id"] == "u:pieter-vandermolen"
        every = kb.factoids(source="letters.txt", rejected=True)
        assert [f["rejected"] for f in every if "9 May" in f["source"]["quote"]] == [True]
        assert not any(c["type"] == "arrest" and c["entity"]["id"] == "u:anselm-korrigan" for c in kb.conflicts())
