"""`kartoteka ingest` end to end, through the command line as a user runs it: bad input in a
batch, exit codes, byte-exact `text`, idempotency, updates, --json, and crash consistency.

The NLP stages are switched off ($KARTOTEKA_STAGES="") so that these tests stay fast: what they
check (reading, offsets, transactions) happens before and around the stages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env, run_cli
from docgen import (
    BLOG_PARAS,
    add_zip_member,
    make_blog_html,
    make_docx,
    make_epub,
    make_pdf,
    noise,
    words,
)

FAST = ""  # $KARTOTEKA_STAGES: reading and structure only
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


def ingest(db: Path, *paths: Path, json_out: bool = False, env: dict[str, str] | None = None) -> tuple[int, Any, str]:
    args = ["--db", db, *(["--json"] if json_out else []), "ingest", *paths]
    code, out, err = run_cli(*args, stages=FAST, env=env)
    assert "Traceback" not in err, err
    return code, (json.loads(out) if json_out else out), err


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {d["doc"]: d["status"] for d in report["documents"]}


def snapshot(db: Path) -> dict[str, Any]:
    """Everything ingestion stores about each document, keyed by name (row ids, paths and
    timestamps left out), after checking the database and its full-text index."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Killed before the first migration committed: an empty file, which the next run migrates.
            assert not conn.execute("SELECT name FROM sqlite_master").fetchall()
            return {"#fts": 0}
        conn.execute("INSERT INTO passages_fts(passages_fts) VALUES('integrity-check')")
        out: dict[str, Any] = {}
        for doc_id, doc, *row in conn.execute(
                "SELECT id, doc, sha256, format, title, text, chars, encoding, meta FROM documents"):
            out[doc] = {
                "row": row,
                "passages": conn.execute("SELECT seq, start, end, layer, section, page, body, offsets FROM passages"
                                         " WHERE doc_id = ? ORDER BY seq", (doc_id,)).fetchall(),
                "segments": conn.execute("SELECT kind, start, end, label, attrs FROM segments WHERE doc_id = ?"
                                         " ORDER BY start, end, kind, label", (doc_id,)).fetchall(),
            }
        out["#fts"] = conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
        return out
    finally:
        conn.close()


# -- bad input in a batch ------------------------------------------------------------------


def make_batch(folder: Path) -> tuple[list[str], dict[str, str]]:
    """Good files of every format, and every kind of bad one with a word its reason must hold."""
    folder.mkdir()
    (folder / "ledger.txt").write_text(words(400, seed=1), encoding="utf-8")
    (folder / "notes.md").write_text("# Notes\n\n" + words(200, seed=2), encoding="utf-8")
    (folder / "post.html").write_text(make_blog_html(), encoding="utf-8")
    make_epub(folder / "book.epub", [("First", ["Chapter one text."]), ("Second", ["Chapter two text."])])
    make_docx(folder / "report.docx", title="Report", body=[("h1", "Findings"), ("p", "The basin was dredged.")])
    (folder / "papers.pdf").write_bytes(make_pdf([["Page one of the papers"], ["Page two of the papers"]]))
    sub = folder / "nested" / "deeper"
    sub.mkdir(parents=True)
    (sub / "inner.txt").write_text("A file found by walking the folders.\n", encoding="utf-8")
    good = ["ledger.txt", "notes.md", "post.html", "book.epub", "report.docx", "papers.pdf", "inner.txt"]

    book = (folder / "book.epub").read_bytes()
    doc = (folder / "report.docx").read_bytes()
    pdf = (folder / "papers.pdf").read_bytes()
    bad = {
        "photo.jpg": (b"\xff\xd8\xff\xe0" + noise(500), "unsupported format"),
        "LICENSE": (b"just text", "unsupported format"),
        "empty.txt": (b"", "empty file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise(2000), "binary"),
        "huge.txt": (words(2000, seed=3).encode() * 500, "too large"),
        "ratio.epub": (add_zip_member(book, "OEBPS/pad.bin", b"\0" * (8 << 20)), "zip bomb"),
        "total.docx": (add_zip_member(doc, "word/media/pad.bin", noise(3 << 20)), "zip bomb"),
        "broken.epub": (noise(3000, seed=5), "corrupt EPUB"),
        "broken.docx": (b"PK\x03\x04" + noise(3000, seed=6), "corrupt DOCX"),
        "broken.pdf": (pdf[: len(pdf) // 2], "corrupt PDF"),
        "scanned.pdf": (make_pdf([["x"]], text_layer=False), "no text layer"),
    }
    for name, (data, _word) in bad.items():
        (folder / name).write_bytes(data)
    return good, {name: word for name, (_data, word) in bad.items()}


LIMITS = {"KARTOTEKA_MAX_FILE_BYTES": "5000000", "KARTOTEKA_MAX_UNPACKED_BYTES": "2000000"}


def test_bad_inputs_are_rejected_in_one_line_and_the_rest_is_ingested(tmp_path: Path, tmp_kb: Path) -> None:
    good, bad = make_batch(tmp_path / "batch")
    missing = tmp_path / "no-such-folder"
    code, out, err = ingest(tmp_kb, tmp_path / "batch", missing, env=LIMITS)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    rejected = {Path(line.split(": ", 1)[0].removeprefix("rejected ")).name: line for line in lines}
    assert set(rejected) == {*bad, missing.name}, err
    assert all(line.startswith("rejected ") for line in lines), err  # nothing else on stderr
    for name, word in bad.items():
        assert word in rejected[name], rejected[name]
    assert "no such file or folder" in rejected[missing.name]

    # Again with --json: one JSON value; the good files are unchanged, the bad ones rejected again.
    code, report, err = ingest(tmp_kb, tmp_path / "batch", json_out=True, env=LIMITS)
    assert code == 2 and err.strip() == ""
    got = statuses(report)
    assert got == {**dict.fromkeys(good, "unchanged"), **dict.fromkeys(bad, "rejected")}
    for d in report["documents"]:
        if d["status"] == "rejected":
            assert d["reason"] and "\n" not in d["reason"] and bad[d["doc"]] in d["reason"]
    assert report["counts"] == {"added": 0, "updated": 0, "unchanged": len(good), "rejected": len(bad)}

    code, out, _err = run_cli("--db", tmp_kb, "sources", "--json")
    assert code == 0
    sources = {s["doc"]: s for s in json.loads(out)}
    assert set(sources) == set(good)
    assert {sources[d]["format"] for d in good} == {"txt", "md", "html", "epub", "docx", "pdf"}


def test_all_good_exits_0_and_a_second_run_changes_nothing(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(4):
        (folder / f"part{i}.txt").write_text(words(300, seed=10 + i), encoding="utf-8")
    (folder / "post.html").write_text(make_blog_html(), encoding="utf-8")
    code, report, _ = ingest(tmp_kb, folder, json_out=True)
    assert code == 0 and set(statuses(report).values()) == {"added"} and len(report["documents"]) == 5
    before = snapshot(tmp_kb)
    code, report, _ = ingest(tmp_kb, folder, json_out=True)
    assert code == 0 and set(statuses(report).values()) == {"unchanged"}
    assert snapshot(tmp_kb) == before
    code, out, _ = ingest(tmp_kb, folder)  # the human summary: also 0
    assert code == 0 and "5 unchanged" in out


# -- stored text -------------------------------------------------------------------------------


def test_text_prints_the_stored_text_byte_for_byte(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "enc"
    folder.mkdir()
    utf8 = "Line one \u2014 \u201cquoted\u201d, caf\u00e9, \u0416\u0443\u043a\u043e\u0432.\n\n  indented\ttab\u00a0nbsp\n".encode()
    crlf = b"First line\r\n\r\nSecond paragraph, with Windows line ends.\r\nAnd a lone\rcarriage return.\r\n"
    bom = b"\xef\xbb\xbf" + "A file that starts with a byte-order mark. \u00e9\n".encode()
    western = ("The clerk\u2019s \u201cfair copy\u201d of the minutes, signed in the caf\u00e9. " * 4).encode("cp1252")
    utf16 = "\ufeffWide characters \u00e9 \u0416 in UTF-16.\r\n".encode("utf-16-le")
    files = {"utf8.txt": utf8, "crlf.txt": crlf, "bom.md": bom, "western.txt": western, "utf16.txt": utf16}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    # What `text` prints, as UTF-8: a UTF-8 file exactly; a BOM is not stored (it marks the
    # encoding, not the text); other encodings are their decoded content, re-encoded.
    expected = {
        "utf8.txt": utf8, "crlf.txt": crlf, "bom.md": bom[3:],
        "western.txt": western.decode("cp1252").encode(), "utf16.txt": utf16.decode("utf-16").encode(),
    }
    code, _, _ = ingest(tmp_kb, folder)
    assert code == 0
    for name, want in expected.items():
        code, out, _ = run_cli("--db", tmp_kb, "text", name, binary=True)
        assert code == 0 and out == want, name
    code, out, _ = run_cli("--db", tmp_kb, "--json", "text", "crlf.txt")
    assert json.loads(out) == {"doc": "crlf.txt", "text": crlf.decode()}
    # Search hits are offsets into that same text.
    code, out, _ = run_cli("--db", tmp_kb, "search", "paragraph", "--json")
    hits = json.loads(out)
    assert code == 0 and hits
    for h in hits:
        assert expected[h["doc"]].decode()[h["start"]:h["end"]] == h["text"]
    code, _, err = run_cli("--db", tmp_kb, "text", "nonexistent.txt")
    assert code == 3 and len(err.strip().splitlines()) == 1


# -- updates and --json ------------------------------------------------------------------------


def test_a_changed_file_replaces_its_old_version(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "keep.txt").write_text(words(300, seed=20), encoding="utf-8")
    target = folder / "change.txt"
    target.write_text("The quartermaster signed the manifest.\n\n" + words(300, seed=21), encoding="utf-8")
    assert ingest(tmp_kb, folder)[0] == 0
    keep_before = snapshot(tmp_kb)["keep.txt"]

    target.write_text("The harbourmistress countersigned the bill.\n\n" + words(200, seed=22), encoding="utf-8")
    code, report, _ = ingest(tmp_kb, folder, json_out=True)
    assert code == 0 and statuses(report) == {"keep.txt": "unchanged", "change.txt": "updated"}
    after = snapshot(tmp_kb)
    assert after["keep.txt"] == keep_before
    assert after["change.txt"]["row"][3] == target.read_text(encoding="utf-8")
    assert after["#fts"] == sum(len(v["passages"]) for k, v in after.items() if k != "#fts")

    code, out, _ = run_cli("--db", tmp_kb, "search", "quartermaster", "--json")
    assert code == 3 and json.loads(out) == []  # CONTRACT: empty listing: exit 3, []
    code, out, _ = run_cli("--db", tmp_kb, "search", "harbourmistress", "--json")
    hits = json.loads(out)
    assert code == 0 and [h["doc"] for h in hits] == ["change.txt"]


def test_json_output_is_exactly_one_value(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "post.html").write_text(make_blog_html(), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    for args in (["--json", "ingest", folder], ["ingest", folder, "--json"], ["sources", "--json"],
                 ["text", "post.html", "--json"], ["search", "dredging", "--json"], ["search", "zzzz", "--json"]):
        code, out, err = run_cli("--db", tmp_kb, *args, stages=FAST)
        assert code in (0, 2, 3), (args, err)  # 3: a search that finds nothing
        value = json.loads(out)  # fails on anything before or after the one value
        assert out.endswith("\n") and out.count("\n") == 1, args
        assert "Traceback" not in err
        if args[-1] == "--json" and args[0] == "search" and args[1] == "dredging":
            assert value and value[0]["doc"] == "post.html"
    code, out, _ = run_cli("--db", tmp_kb, "text", "post.html", "--json")
    assert BLOG_PARAS[0] in json.loads(out)["text"]


# -- crash consistency ---------------------------------------------------------------------


def _documents_in(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_killing_ingest_at_any_moment_leaves_a_consistent_kb(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    n = 40
    for i in range(n):
        (folder / f"doc{i:03d}.txt").write_text(words(3000, seed=100 + i), encoding="utf-8")
    reference = tmp_path / "reference.db"
    assert ingest(reference, folder)[0] == 0
    want = snapshot(reference)
    assert len(want) == n + 1

    # Kill after fixed delays (the first while Python starts or the schema is being created),
    # and once the KB holds 1, a third and two thirds of the documents.
    killed_at: list[int] = []
    for k, (delay, target) in enumerate([(0.05, 0), (0.3, 0), (0, 1), (0, n // 3), (0, 2 * n // 3)]):
        db = tmp_path / f"killed{k}.db"
        child = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(folder)],
                                 env=cli_env(FAST), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        time.sleep(delay)
        if target:
            while _documents_in(db) < target and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
        child.kill()
        child.wait()
        # Consistent right after the kill: every document there is whole.
        got = snapshot(db) if db.exists() else {"#fts": 0}
        docs = set(got) - {"#fts"}
        killed_at.append(len(docs))
        for doc in docs:
            assert got[doc] == want[doc], doc
        assert got["#fts"] == sum(len(got[d]["passages"]) for d in docs)
        # Running it again finishes the job.
        code, report, _ = ingest(db, folder, json_out=True)
        assert code == 0
        assert sorted(statuses(report).values()) == sorted(["unchanged"] * len(docs) + ["added"] * (n - len(docs)))
        assert snapshot(db) == want
    print("documents at each kill:", killed_at)
    assert any(0 < c < n for c in killed_at), f"no kill landed mid-ingest: {killed_at}"


# -- the seed corpus -----------------------------------------------------------------------


@pytest.mark.seeds
@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus not present")
def test_seed_texts_are_stored_byte_for_byte(tmp_kb: Path) -> None:
    seeds = sorted(p for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))
    assert len(seeds) == 5
    code, report, _ = ingest(tmp_kb, SEEDS, json_out=True)
    assert code == 0 and set(statuses(report)) == {p.name for p in seeds}
    for path in seeds:
        code, out, _ = run_cli("--db", tmp_kb, "text", path.name, binary=True)
        assert code == 0 and out == path.read_bytes(), path.name


def test_python_dash_m_matches_the_entry_point() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0 and "ingest" in out
    assert os.path.exists(Path(sys.executable).parent / "kartoteka")
    proc = subprocess.run([str(Path(sys.executable).parent / "kartoteka"), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.replace("Usage: kartoteka", "Usage: python -m kartoteka", 1) == out
