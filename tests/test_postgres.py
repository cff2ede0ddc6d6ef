"""The PostgreSQL backend: the dialect translation, FTS5's tokens rebuilt for tsvector, the schema
on a server, and the demo corpus giving the same JSON on both backends.

The PostgreSQL tests run on one throwaway cluster per session (tests/conftest.py: initdb and
pg_ctl on a Unix socket, as an unprivileged user under root); they are skipped, with the reason,
only where no PostgreSQL binaries are installed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kartoteka.demo import corpus_path
from kartoteka.store import fts
from kartoteka.store.db import SCHEMA_VERSION, connect
from kartoteka.store.dialect import translate
from tests.conftest import run_cli

# -- the dialect (no server needed) -----------------------------------------------------------------


def test_placeholders_reserved_names_and_case_ends() -> None:
    sql = translate("SELECT start, end, CASE WHEN x THEN 1 END AS k FROM t WHERE a = ? AND b LIKE '%?%'")
    assert sql == ("SELECT start, \"end\", CASE WHEN x THEN 1 END AS k FROM t WHERE a = %s AND b ILIKE '%?%'")
    assert translate("SELECT p.end, user FROM corrections c") == 'SELECT p."end", "user" FROM corrections c'
    assert translate("SELECT x FROM t WHERE y LIKE ? ESCAPE '%'") == "SELECT x FROM t WHERE y ILIKE %s ESCAPE '%'"


def test_insert_or_ignore_and_replace_become_on_conflict() -> None:
    assert translate("INSERT OR IGNORE INTO entities (id, name) VALUES (?,?)") == (
        "INSERT INTO entities (id, name) VALUES (%s,%s) ON CONFLICT DO NOTHING")
    pks = (("kb_state", "key"), ("segments", "id"))
    assert translate("INSERT OR REPLACE INTO kb_state (key, value) VALUES (?, '1')", pks) == (
        "INSERT INTO kb_state (key, value) VALUES (%s, '1') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
    assert translate("INSERT OR REPLACE INTO segments (id, start, end) VALUES (?,?,?)", pks).endswith(
        'ON CONFLICT (id) DO UPDATE SET start = EXCLUDED.start, "end" = EXCLUDED."end"')


def test_sqlite_functions_and_null_order() -> None:
    assert translate("SELECT value FROM json_each(?)") == (
        "SELECT value FROM json_array_elements_text((%s)::json) AS json_each(value)")
    assert translate("SELECT json_extract(row, '$.start') FROM r") == "SELECT ((row)::jsonb #>> '{start}') FROM r"
    assert translate("SELECT max(a, b), max(c), ifnull(d, 0) FROM t") == (
        "SELECT greatest(a, b), max(c), coalesce(d, 0) FROM t")
    # SQLite sorts NULL first ascending and last descending; PostgreSQL is told to do the same.
    assert translate("SELECT a FROM t ORDER BY a, b DESC LIMIT 3") == (
        "SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST LIMIT 3")
    # SQLite lists the groups of a GROUP BY in order; PostgreSQL is asked to.
    assert translate("SELECT kind, COUNT(*) FROM s WHERE d = ? GROUP BY kind") == (
        "SELECT kind, COUNT(*) FROM s WHERE d = %s GROUP BY kind ORDER BY kind NULLS FIRST")
    assert translate("SELECT k FROM s GROUP BY k, j HAVING COUNT(*) > 1 LIMIT 5") == (
        "SELECT k FROM s GROUP BY k, j HAVING COUNT(*) > 1 ORDER BY k NULLS FIRST, j NULLS FIRST LIMIT 5")
    assert translate("SELECT k FROM s GROUP BY k ORDER BY n DESC") == "SELECT k FROM s GROUP BY k ORDER BY n DESC NULLS LAST"
    assert translate("SELECT a FROM t WHERE x IN (SELECT y FROM u ORDER BY y) ORDER BY kind = 'p' DESC") == (
        "SELECT a FROM t WHERE x IN (SELECT y FROM u ORDER BY y NULLS FIRST) ORDER BY kind = 'p' DESC NULLS LAST")


# Written for this test: accents, an apostrophe, a hyphen, digits, a ligature and Cyrillic.
TOKEN_TEXT = ("Józef Piłsudski's re-armed legions (1914–1918) marched; the ﬁrst café in Kraków\n"
              "Ёлкин и Щукин встретились 3-го мая, ŒUVRE naïve_test x2y")


def test_tokens_are_fts5_unicode61_tokens() -> None:
    """The tokens written into PostgreSQL's tsvector are the ones FTS5 makes of the same text."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize=\"unicode61 remove_diacritics 2\")")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    conn.execute("INSERT INTO t (rowid, body) VALUES (1, ?)", (TOKEN_TEXT,))
    theirs = [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")]
    ours = [tok for tok, _s, _e in fts.tokens(TOKEN_TEXT)]
    assert ours == theirs
    # each token's span is where it stands in the text, for highlights
    assert all(fts.tokens(TOKEN_TEXT[s:e])[0][0] == tok for tok, s, e in fts.tokens(TOKEN_TEXT))


# -- on a server ------------------------------------------------------------------------------------


@pytest.fixture
def pg_url(pg_cluster, request: pytest.FixtureRequest) -> str:
    return pg_cluster.create_db(f"t_{request.node.name[:40].lower().replace('[', '_').replace(']', '')}")


@pytest.mark.postgres
def test_the_schema_is_migrated_in_one_go_and_versioned(pg_url: str) -> None:
    conn = connect(pg_url)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    cols = {r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'passages'")}
    assert {"body", "offsets", "fts", "fts_len", "end"} <= cols
    conn.execute("INSERT INTO corrections (id, action, target, args, user, at) VALUES ('c1', 'merge', 'x', '{}',"
                 " 'me', 'now')")
    for change in ("DELETE FROM corrections", "UPDATE corrections SET note = 'n'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(change)
    assert conn.execute("SELECT user, seq FROM corrections").fetchall() == conn.execute(
        "SELECT 'me', 1").fetchall()
    conn.execute("UPDATE kartoteka_schema SET version = ?", (SCHEMA_VERSION + 1,))
    conn.close()
    code, _, err = run_cli("--db", pg_url, "sources")
    assert code == 2 and "newer Kartoteka" in err and len(err.strip().splitlines()) == 1


@pytest.mark.postgres
def test_a_database_of_another_program_or_no_server_is_one_line(pg_cluster, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE documents (x integer)")
    with corpus_path() as corpus:
        code, _, err = run_cli("--db", pg_url, "ingest", corpus)
    assert code == 2 and "another program" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("--db", pg_url.replace(f"port={pg_cluster.port}", "port=1"), "sources")
    assert code == 1 and "cannot connect" in err and len(err.strip().splitlines()) == 1


@pytest.mark.postgres
def test_a_read_only_kb_refuses_writes(pg_url: str) -> None:
    from kartoteka import KB

    with KB(pg_url) as kb:
        kb.sources()
    kb = KB(pg_url, create=False).read_only()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        kb.conn.execute("INSERT INTO kb_state (key, value) VALUES ('k', 'v')")
    kb.close()


# -- parity: the demo corpus on both backends ----------------------------------------------------

PARITY_COMMANDS = [
    ["entities"], ["factoids"], ["conflicts"], ["events"], ["entity", "Kirov"],
    ["search", "Kirov murder"], ["search", "Kirov murder", "--mode", "bm25"],
    ["search", "Yezhov arrest*", "--mode", "bm25"], ["search", '"third floor" stenographer', "--limit", "20"],
    ["search", "who ordered the killing", "--mode", "dense"], ["search", "NKVD", "--lineage", "--mode", "bm25"],
]


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory: pytest.TempPathFactory, pg_cluster) -> tuple[Path, str]:
    lite = tmp_path_factory.mktemp("parity") / "demo.db"
    pg = pg_cluster.create_db("parity_demo")
    with corpus_path() as corpus:
        for db in (lite, pg):
            code, _, err = run_cli("--db", db, "ingest", corpus, timeout=900)
            assert code == 0, err
    return lite, pg


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("args", PARITY_COMMANDS, ids=lambda a: "-".join(a)[:40])
def test_the_demo_corpus_gives_identical_json_on_both_backends(demo_pair: tuple[Path, str], args: list[str]) -> None:
    lite, pg = demo_pair
    code_l, out_l, err_l = run_cli("--db", lite, "--json", *args)
    code_p, out_p, err_p = run_cli("--db", pg, "--json", *args)
    assert code_l == 0, err_l
    assert (code_p, err_p) == (code_l, err_l)
    assert json.loads(out_p) == json.loads(out_l)
    assert out_p == out_l


# -- concurrent writers ---------------------------------------------------------------------------

# Written for this test: invented people of a port town in the 1880s.
TOWN = {
    "a": {
        "harbour.txt": "The Harbour Board\n\nAugust Lindqvist was appointed harbour master of Vestby on 2 May 1881.\n\n"
                       "Lindqvist resigned in the spring of 1885 after a quarrel with the board.\n",
        "mill.txt": "The Mill\n\nHedda Rask founded the paper mill at Vestby in 1879.\n\n"
                    "The mill burned down on 14 January 1887, and Rask rebuilt it within a year.\n",
    },
    "b": {
        "church.txt": "Parish Notes\n\nPastor Elias Nyberg came to Vestby in 1880.\n\n"
                      "Nyberg was arrested on 9 October 1884 for sedition, the parish book says.\n",
        "letters.txt": "Letters\n\nIn a letter of 1890 Hedda Rask wrote that Elias Nyberg was arrested in November 1884.\n\n"
                       "She also wrote that August Lindqvist had left the harbour in 1885.\n",
    },
}
BASE = "Town Chronicle\n\nVestby received its town charter in 1875, the chronicle records.\n"


def _town(root: Path) -> dict[str, Path]:
    folders = {}
    for name, docs in {**TOWN, "base": {"chronicle.txt": BASE}}.items():
        folder = root / name
        folder.mkdir()
        for doc, text in docs.items():
            (folder / doc).write_text(text, encoding="utf-8")
        folders[name] = folder
    return folders


@pytest.mark.postgres
@pytest.mark.slow
def test_two_ingests_a_corrector_and_readers_at_once_lose_nothing(pg_cluster, tmp_path: Path) -> None:
    """Two ingests of disjoint folders, a historian's corrections and a reader, all at once on one
    PostgreSQL KB: no error, every document and correction kept, and the same entities, factoids
    and conflicts as one SQLite KB built the same steps one after another."""
    import subprocess
    import sys
    import threading

    from kartoteka import KB
    from tests.conftest import cli_env

    folders = _town(tmp_path)
    pg = pg_cluster.create_db("concurrent")
    lite = tmp_path / "serial.db"
    for db in (pg, lite):
        assert run_cli("--db", db, "ingest", "--no-embed", folders["base"])[0] == 0
    authors = [f"Town clerk {i}" for i in range(1, 4)]
    ingests = [subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", pg, "ingest", "--no-embed", folders[k]],
                                env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in ("a", "b")]
    errors: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                with KB(pg, create=False) as kb:
                    kb.sources()
                    kb.search("harbour", mode="bm25")
            except Exception as e:  # noqa: BLE001 - any failure of a reader is the finding
                errors.append(f"{type(e).__name__}: {e}")

    reader = threading.Thread(target=read)
    reader.start()
    for author in authors:
        code, _, err = run_cli("--db", pg, "source", "chronicle.txt", "--author", author)
        assert code == 0, err
    results = [p.communicate(timeout=600) + (p.returncode,) for p in ingests]
    done.set()
    reader.join(timeout=60)
    assert [r[2] for r in results] == [0, 0], [r[1].decode() for r in results]
    assert errors == []
    for folder in ("a", "b"):
        assert run_cli("--db", lite, "ingest", "--no-embed", folders[folder])[0] == 0
    for author in authors:
        assert run_cli("--db", lite, "source", "chronicle.txt", "--author", author)[0] == 0
    with KB(pg, create=False) as kb:
        assert sorted(s["doc"] for s in kb.sources()) == sorted(["chronicle.txt", *TOWN["a"], *TOWN["b"]])
        assert len(kb.conn.execute("SELECT id FROM corrections").fetchall()) == len(authors)
        assert kb.conn.execute("SELECT COUNT(*) FROM kb_state").fetchone()[0] == 0  # comparisons current
    for args in (["entities"], ["factoids"], ["conflicts"], ["sources"]):
        pg_out, lite_out = run_cli("--db", pg, "--json", *args), run_cli("--db", lite, "--json", *args)
        assert pg_out.code == lite_out.code
        assert _stable(json.loads(pg_out.stdout)) == _stable(json.loads(lite_out.stdout)), args


def _stable(value: object) -> object:
    """JSON without what differs between two runs by design (ingest time, file paths)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in ("ingested_at", "path", "at")}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value
