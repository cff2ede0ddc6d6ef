"""Issue 18, items 7 and 12, the parts no other test covered: a page whose extracted text is much
shorter than its visible text is reported; a KB in a read-only folder is read, not called "not a
Kartoteka knowledge base"; a failed write is one line that says why. Fixtures written here;
reading and structure only (stages="")."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from kartoteka.cli.main import describe_failure
from tests.conftest import run_cli

ARTICLE = "".join(f"<p>Ilse Marrow kept the ferry ledger of Ostmark for nine years, entry {i}, and wrote in it"
                  " every evening after the last crossing of the day had been made.</p>" for i in range(4))
LINKS = "".join(f"<li><a href='/river/{i}'>Archive page {i}: more ledgers of the river crossings and the"
                " wardens who kept them</a></li>" for i in range(120))


def test_a_page_mostly_of_links_is_ingested_with_a_short_extraction_warning(tmp_path: Path) -> None:
    page = tmp_path / "ferry.html"
    page.write_text(f"<html><head><title>Ferry notes</title></head><body><div id='content'><article>"
                    f"<h1>Ferry notes</h1>{ARTICLE}</article></div><div class='sidebar related-links'><ul>{LINKS}"
                    "</ul></div></body></html>", encoding="utf-8")
    code, out, err = run_cli("--db", tmp_path / "kb.db", "--json", "ingest", page, stages="")
    assert code == 0, err
    [doc] = json.loads(out)["documents"]
    assert doc["status"] == "added"
    m = re.search(r"extracted text is ([\d,]+) of ([\d,]+) visible characters", doc["warning"])
    assert m, doc["warning"]
    kept, visible = (int(n.replace(",", "")) for n in m.groups())
    assert kept < visible / 2


def test_a_write_refused_by_sqlite_is_described_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            conn.execute("INSERT INTO t VALUES (1)")
    finally:
        conn.close()
    text = describe_failure(caught.value)
    assert "\n" not in text and text.startswith("cannot write the knowledge base") and "read-only" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder: nothing to refuse")
def test_a_kb_in_a_read_only_folder_is_read_and_a_write_is_one_line_exit_1(tmp_path: Path) -> None:
    folder, kbdir = tmp_path / "in", tmp_path / "kbdir"
    folder.mkdir()
    kbdir.mkdir()
    (folder / "ferry.txt").write_text("Ilse Marrow kept the ferry ledger of Ostmark.\n", encoding="utf-8")
    db = kbdir / "kb.db"
    assert run_cli("--db", db, "ingest", folder, stages="").code == 0
    (folder / "more.txt").write_text("Benedikt Sallow kept the guild's minutes.\n", encoding="utf-8")
    kbdir.chmod(0o555)
    db.chmod(0o444)
    try:
        code, out, err = run_cli("--db", db, "--json", "sources")
        assert code == 0, err
        assert [s["doc"] for s in json.loads(out)] == ["ferry.txt"]
        code, out, err = run_cli("--db", db, "ingest", folder, stages="")
    finally:
        kbdir.chmod(0o755)
        db.chmod(0o644)
    assert code == 1 and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
