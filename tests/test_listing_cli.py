"""Listing commands for everyday use (issue 18): --limit/--offset, totals, exit 3 and [] when
empty, 80 columns without words cut, a pager on a terminal only, validated dates, one fiction
switch, and ingest progress that names the document in work."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli

# Invented people and places; several dated events each, so every listing has rows.
TEXT = """Annals of Kelport

Anselm Quarry was arrested in Dunmore on 3 March 1911. He was released in June 1912 and left for the coast.

Ottilie Brandt was appointed harbour master of Kelport in 1902. She resigned in 1905 after the great storm.

Bertram Vosk was born in Lindau in 1850. Bertram Vosk died in Kelport in 1921.

The engineer Mira Solberg was elected mayor of Kelport in 1925. Mira Solberg was arrested in 1931 and exiled to Tarn in 1932.

Jonas Feld was appointed director of the Kelport Shipyard in 1919. He was dismissed in 1923.
"""


def read_pty(argv: list[str], env: dict[str, str], timeout: float = 600) -> tuple[int, str]:
    """Run a command with stdout and stderr on a pseudo-terminal: (exit code, what it showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built through `kartoteka ingest` on a terminal, so the build checks the progress display too."""
    d = tmp_path_factory.mktemp("listing")
    (d / "annals.txt").write_text(TEXT, encoding="utf-8")
    db = d / "kb.db"
    code, shown = read_pty([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(d / "annals.txt")],
                           cli_env(COLUMNS="100"))
    assert code == 0, shown
    (d / "progress.txt").write_text(shown, encoding="utf-8")
    return db


def listing(db: Path, *args: str) -> tuple[int, list]:
    code, out, err = run_cli("--db", db, *args, "--json")
    assert "Traceback" not in err
    return code, json.loads(out)


def test_ingest_progress_names_the_document_and_counts_passages_then_sums_up(kb_path: Path) -> None:
    shown = (kb_path.parent / "progress.txt").read_text(encoding="utf-8")
    assert "annals.txt" in shown and "passages" in shown and "eta" in shown
    summary = re.search(r"the KB now holds (\d+) documents?, (\d+) entities, (\d+) factoids, (\d+) events, "
                        r"(\d+) conflicts", shown)
    assert summary and int(summary.group(3)) > 0
    assert re.search(r"1 added, 0 updated, 0 unchanged, 0 rejected in [\d.]+ s", shown)


@pytest.mark.parametrize("command", [["factoids"], ["timeline"], ["entities"], ["search", "Kelport"]])
def test_limit_and_offset_page_through_the_same_list(kb_path: Path, command: list[str]) -> None:
    code, everything = listing(kb_path, *command, "--limit", "1000")
    assert code == 0 and len(everything) >= 4
    code, page = listing(kb_path, *command, "--limit", "2", "--offset", "1")
    assert code == 0 and page == everything[1:3]
    code, past = listing(kb_path, *command, "--limit", "5", "--offset", str(len(everything) + 10))
    assert code == 3 and past == []


def test_empty_results_exit_3_with_an_empty_list_under_json(kb_path: Path) -> None:
    for args in (["factoids", "--type", "suicide"], ["timeline", "--from", "1700", "--to", "1701"],
                 ["conflicts", "--kind", "self"], ["search", "zeppelin", "--mode", "bm25"]):
        code, out = listing(kb_path, *args)
        assert code == 3 and out == [], args
        code, _out, err = run_cli("--db", kb_path, *args)
        assert code == 3 and len(err.strip().splitlines()) == 1, args


def test_text_output_says_how_many_there_are(kb_path: Path) -> None:
    _code, rows = listing(kb_path, "factoids")
    code, out, _ = run_cli("--db", kb_path, "factoids", "--limit", "2", env={"COLUMNS": "80"})
    assert code == 0 and f"showing 1–2 of {len(rows)} factoids" in out
    _code, ents = listing(kb_path, "entities")
    code, out, _ = run_cli("--db", kb_path, "entities", env={"COLUMNS": "80"})
    assert code == 0 and f"of {len(ents)} entities" in out


@pytest.mark.parametrize("command", [["factoids"], ["timeline"], ["entities"], ["search", "Kelport"]])
def test_eighty_columns_never_cut_a_word(kb_path: Path, command: list[str]) -> None:
    _code, rows = listing(kb_path, *command)
    words = set()
    for row in rows:
        texts = [str(row.get(k, "")) for k in ("name", "id", "type") if k != "id" or "name" in row]
        texts.append((row.get("source") or {}).get("quote", "") if "source" in row else row.get("text", ""))
        words |= {w for t in texts for w in re.findall(r"[A-Za-z]{5,}", t)}
    # The text timeline is one row per event; --sources shows the quotes of its factoids.
    shown_args = [*command, "--sources"] if command == ["timeline"] else command
    code, out, _ = run_cli("--db", kb_path, *shown_args, env={"COLUMNS": "80"})
    assert code == 0 and words
    shown = set(re.findall(r"[A-Za-z]+", out))
    assert all(len(line) <= 80 for line in out.splitlines())
    cut = {w for w in words if w not in shown}
    assert not cut, f"words cut or lost at 80 columns: {sorted(cut)[:10]}"


def test_a_pager_only_on_a_terminal_and_only_for_long_output(kb_path: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager"
    pager.write_text(f"#!/bin/sh\ncat > '{paged}'\n", encoding="utf-8")
    pager.chmod(0o755)
    env = cli_env(PAGER=str(pager), COLUMNS="80", LINES="10")
    code, shown = read_pty([sys.executable, "-m", "kartoteka", "--db", str(kb_path), "factoids"], env)
    assert code == 0 and paged.exists() and "showing" in paged.read_text(encoding="utf-8")
    paged.unlink()
    code, shown = read_pty([sys.executable, "-m", "kartoteka", "--db", str(kb_path), "factoids", "--limit", "1"], env)
    assert code == 0 and not paged.exists() and "showing 1 of" in shown
    code, out, _ = run_cli("--db", kb_path, "factoids", env={"PAGER": str(pager)})
    assert code == 0 and not paged.exists() and "showing" in out


@pytest.mark.parametrize("bad", ["1937-13", "1937-02-30", "next Tuesday-ish", "19x7"])
def test_dates_are_validated(kb_path: Path, bad: str) -> None:
    for command in ("factoids", "timeline"):
        for option in ("--from", "--to"):
            code, _out, err = run_cli("--db", kb_path, command, option, bad)
            assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, (command, bad)


def test_one_fiction_switch_with_one_default(kb_path: Path) -> None:
    for command in (["factoids"], ["timeline"], ["search", "Kelport"]):
        default = listing(kb_path, *command)
        assert listing(kb_path, *command, "--fiction") == default, command
        code, _rows = listing(kb_path, *command, "--no-fiction")
        assert code == 0, command


# -- the web UI's index pages ---------------------------------------------------------------------------

def test_web_entities_and_sources_index_pages_filter_sort_and_page(kb_path: Path) -> None:
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    _code, ents = listing(kb_path, "entities")
    client = TestClient(create_app(kb_path))
    page = client.get("/entities")
    assert page.status_code == 200 and f"of {len(ents)} entities" in page.text
    assert all(e["name"].replace("'", "&#39;") in page.text for e in ents[:10])
    people = [e for e in ents if e["type"] == "person"]
    page = client.get("/entities?type=person&sort=name")
    assert f"of {len(people)} entities" in page.text
    names = sorted((e["name"] for e in people), key=str.casefold)
    positions = [page.text.index(f">{n}</a>") for n in names]
    assert positions == sorted(positions)
    page = client.get("/entities?q=solberg")
    assert "Mira Solberg" in page.text and "Ottilie Brandt" not in page.text
    assert client.get("/entities?page=2").status_code == 200
    assert client.get("/entities?type=spaceship").status_code == 400
    page = client.get("/sources")
    assert page.status_code == 200 and "annals.txt" in page.text and "factoids" in page.text
    home = client.get("/")
    assert "% corroborated" in home.text and "text_stats" not in home.text
