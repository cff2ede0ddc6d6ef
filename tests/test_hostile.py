"""Hostile and awkward input (issue 18): odd files in a folder, file names that are not UTF-8,
files that are not KBs, killed runs, clashing names, damaged bytes, export targets, Host headers.

Every fixture is made here; reading and structure only (stages="") keeps these fast."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli

TEXT_A = "Anselm Quarry, a land surveyor, was born in Dunmore in 1811 and died there in 1870.\n"
TEXT_B = "The harbour master Ottilie Brandt resigned in the spring of 1902 after the great storm.\n"


def one_line_errors(err: str) -> list[str]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    return lines


def sources(db: Path) -> list[dict]:
    code, out, err = run_cli("--db", db, "sources", "--json")
    assert code == 0, err
    return json.loads(out)


# -- 5: odd things in a folder ---------------------------------------------------------------------

def test_symlink_loop_fifo_and_device_link_are_rejected_one_line_each_and_the_rest_ingested(
        tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "circle").symlink_to("..")  # a folder loop through a link
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", folder, stages="", timeout=60)
    assert code == 2, err
    status = {d["doc"]: (d["status"], d.get("reason", "")) for d in json.loads(out)["documents"]}
    assert status["good.txt"] == ("added", "")
    assert status["loop.txt"][0] == "rejected" and "loop" in status["loop.txt"][1]
    assert status["pipe.txt"][0] == "rejected" and "FIFO" in status["pipe.txt"][1]
    assert status["zero.txt"][0] == "rejected" and "device" in status["zero.txt"][1]
    assert [s["doc"] for s in sources(tmp_kb)] == ["good.txt"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads unreadable folders")
def test_an_unreadable_subfolder_is_a_rejection_not_silence(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "locked" / "hidden.txt").write_text(TEXT_B, encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", folder, stages="")
    finally:
        (folder / "locked").chmod(0o755)
    assert code == 2
    docs = json.loads(out)["documents"]
    assert any(d["status"] == "rejected" and "folder" in d["reason"] for d in docs)


# -- 2: a file name that is not UTF-8 ----------------------------------------------------------------

def test_a_cp1251_file_name_is_stored_and_printed_safely(tmp_path: Path, tmp_kb: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("Протокол".encode("cp1251") + b".txt", TEXT_B), (b"ok\x1b[31m.txt", TEXT_A)):
        with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as fh:
            fh.write(text)
    (folder / "plain.txt").write_text(TEXT_A + TEXT_B, encoding="utf-8")
    code, out, err = run_cli("--db", tmp_kb, "ingest", folder, stages="")
    assert code == 0, err
    assert "\x1b" not in out and "\\xcf" in out
    docs = sorted(s["doc"] for s in sources(tmp_kb))
    assert len(docs) == 3 and "plain.txt" in docs and all(c.isprintable() for d in docs for c in d)
    cp_doc = next(d for d in docs if d.startswith("\\x"))
    code, out, _ = run_cli("--db", tmp_kb, "text", cp_doc)
    assert code == 0 and out == TEXT_B


# -- 4: only ingest creates a KB ----------------------------------------------------------------------

def other_programs_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('gopher://example')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("command", [["sources"], ["factoids"], ["search", "harbour"], ["entities"], ["serve"]])
def test_read_only_commands_refuse_a_file_that_is_not_a_kb_and_leave_it_alone(
        tmp_path: Path, command: list[str]) -> None:
    other = tmp_path / "bookmarks.sqlite"
    other_programs_db(other)
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (other, empty):
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        code, out, err = run_cli("--db", path, *command, stages="", timeout=60)
        assert code == 2, (command, err)
        assert len(one_line_errors(err)) == 1 and "not a" in err or "empty" in err
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert not path.with_name(path.name + "-wal").exists()


def test_ingest_refuses_another_programs_sqlite_file(tmp_path: Path) -> None:
    other = tmp_path / "bookmarks.sqlite"
    other_programs_db(other)
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    code, _out, err = run_cli("--db", other, "ingest", tmp_path / "a.txt", stages="")
    assert code == 2 and "another program" in err
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("bookmarks",)]


# -- 1: a run killed before its comparisons -----------------------------------------------------------

KILLED_RUN = """
import sys
from kartoteka.api import KB
from kartoteka.ingest.pipeline import ingest_paths
from kartoteka.pipeline import Context
kb = KB(sys.argv[1])
ingest_paths(Context(conn=kb.conn), [sys.argv[2]])  # documents stored; the process ends before comparing
"""


def test_comparisons_left_stale_by_a_killed_run_are_finished_by_the_next(tmp_path: Path, tmp_kb: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT_A, encoding="utf-8")
    subprocess.run([sys.executable, "-c", KILLED_RUN, str(tmp_kb), str(doc)], check=True, env=cli_env(""),
                   timeout=120)
    assert sources(tmp_kb)[0].get("profile") is None  # no comparisons yet
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", doc, stages="")
    assert code == 0, err
    assert json.loads(out)["documents"][0]["status"] == "unchanged"
    assert sources(tmp_kb)[0].get("profile"), "the stale comparisons were not recomputed"


# -- 8: the same name from another folder --------------------------------------------------------------

def test_a_different_file_of_the_same_name_elsewhere_does_not_replace_a_document(tmp_path: Path,
                                                                                tmp_kb: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "notes.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "two" / "notes.txt").write_text(TEXT_B, encoding="utf-8")
    assert run_cli("--db", tmp_kb, "ingest", tmp_path / "one", stages="").code == 0
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", tmp_path / "two", stages="")
    assert code == 2
    result = json.loads(out)["documents"][0]
    assert result["status"] == "rejected" and "already in the KB" in result["reason"]
    assert run_cli("--db", tmp_kb, "text", "notes.txt").stdout == TEXT_A
    # The same file edited in place is still an update.
    (tmp_path / "one" / "notes.txt").write_text(TEXT_A + TEXT_B, encoding="utf-8")
    code, out, _ = run_cli("--db", tmp_kb, "--json", "ingest", tmp_path / "one", stages="")
    assert code == 0 and json.loads(out)["documents"][0]["status"] == "updated"


# -- 12: damaged bytes ----------------------------------------------------------------------------------

def test_utf8_with_one_bad_byte_is_decoded_with_replacement_and_reported(tmp_path: Path, tmp_kb: Path) -> None:
    good = "Летопись: Анисим Ветров, мельник из Заречья, построил мельницу в 1790 году.\n" * 3
    data = good[:10].encode("utf-8") + b"\xff" + good[10:].encode("utf-8")
    (tmp_path / "chronicle.txt").write_bytes(data)
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", tmp_path / "chronicle.txt", stages="")
    assert code == 0, err
    result = json.loads(out)["documents"][0]
    assert result["status"] == "added" and "1 undecodable byte" in result["warning"]
    stored = run_cli("--db", tmp_kb, "text", "chronicle.txt").stdout
    assert stored.count("\ufffd") == 1 and stored.replace("\ufffd", "") == good


def test_a_very_long_query_is_refused_quickly(tmp_path: Path, tmp_kb: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    assert run_cli("--db", tmp_kb, "ingest", tmp_path / "a.txt", stages="").code == 0
    for command in (["search"], ["ask"]):
        started = time.monotonic()
        code, _out, err = run_cli("--db", tmp_kb, *command, "surveyor " * 12000, stages="")
        assert code == 2 and "too long" in err and len(one_line_errors(err)) == 1
        assert time.monotonic() - started < 30


# -- 3: export targets ------------------------------------------------------------------------------------

def test_export_refuses_a_device_a_fifo_and_a_symlink(tmp_path: Path, tmp_kb: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    assert run_cli("--db", tmp_kb, "ingest", tmp_path / "a.txt", stages="").code == 0
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    for out in (fifo, link, Path("/dev/null")):
        code, _out, err = run_cli("--db", tmp_kb, "export", "jsonl", "--out", out, timeout=60)
        assert code == 2 and len(one_line_errors(err)) == 1, (out, err)
    assert fifo.exists() and not fifo.is_file() and link.is_symlink() and Path("/dev/null").is_char_device()
    assert target.read_text(encoding="utf-8") == "keep me"


# -- 11: Host header; a busy port ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, host: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/", headers={"Host": host})
    status = conn.getresponse().status
    conn.close()
    return status


def test_serve_answers_only_its_own_host_names_and_a_busy_port_is_one_line_exit_1(tmp_path: Path,
                                                                                  tmp_kb: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    assert run_cli("--db", tmp_kb, "ingest", tmp_path / "a.txt", stages="").code == 0
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(tmp_kb), "serve", "--port", str(port),
                             "--allow-host", "kb.example.org"], env=cli_env(), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert get(port, f"127.0.0.1:{port}") == 200
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert get(port, f"localhost:{port}") == 200
        assert get(port, "kb.example.org") == 200
        assert get(port, f"attacker.example:{port}") == 400
        assert get(port, f"127.0.0.1:{port + 1}") == 400
        code, _out, err = run_cli("--db", tmp_kb, "serve", "--port", str(port))
        assert code == 1 and len(one_line_errors(err)) == 1 and "in use" in err
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


# -- 7: HTML nested past the parser's limit ---------------------------------------------------------------

def test_html_nested_300_deep_keeps_its_text_and_says_it_was_flattened(tmp_path: Path, tmp_kb: Path) -> None:
    paras = "".join(f"<p>Entry {i}: the keeper Ansel Morrow logged wind, ships and lamp oil that night.</p>"
                    for i in range(6))
    page = ("<html><head><title>Lighthouse log</title></head><body><p>Notes kept at the Kelport light.</p>"
            + "<div>" * 300 + paras + "</div>" * 300 + "<p>The last ferry left at dusk.</p></body></html>")
    (tmp_path / "log.html").write_text(page, encoding="utf-8")
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", tmp_path / "log.html", stages="")
    assert code == 0, err
    assert "flattened" in json.loads(out)["documents"][0]["warning"]
    text = run_cli("--db", tmp_kb, "text", "log.html").stdout
    for i in range(6):
        assert f"Entry {i}: the keeper Ansel Morrow" in text
    assert "\n\nEntry 1:" in text  # still one paragraph each


# -- 9: an archive that lies about its unpacked size ------------------------------------------------------

def lying_docx(path: Path, real: int, declared: int) -> None:
    """A DOCX-shaped zip whose document.xml unpacks to ``real`` bytes but claims ``declared``."""
    import zipfile

    body = b"<w:document><w:body>" + b"<w:p/>" * (real // 6) + b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", body)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[pos + size_at:pos + size_at + 4] = declared.to_bytes(4, "little")
            pos += 4
    path.write_bytes(bytes(data))


def test_a_docx_that_lies_about_its_size_is_rejected_while_streaming(tmp_path: Path, tmp_kb: Path) -> None:
    lying_docx(tmp_path / "report.docx", real=3_000_000, declared=20_000)
    code, out, err = run_cli("--db", tmp_kb, "--json", "ingest", tmp_path / "report.docx", stages="")
    assert code == 2, err
    result = json.loads(out)["documents"][0]
    assert result["status"] == "rejected" and "declared size" in result["reason"], result


# -- 6: a long document is analysed and stored part by part ----------------------------------------------

def test_a_long_document_in_parts_gives_the_same_passages_and_factoids(tmp_path: Path) -> None:
    import random

    rnd = random.Random(5)
    people = ["Anselm Quarry", "Ottilie Brandt", "Bertram Vosk", "Mira Solberg", "Jonas Feld"]
    places = ["Kelport", "Dunmore", "Lindau", "Tarn"]
    paras = []
    for _ in range(60):
        paras.append(" ".join(f"{rnd.choice(people)} was arrested in {rnd.choice(places)} in {rnd.randint(1880, 1940)}."
                              if rnd.random() < 0.5 else
                              f"{rnd.choice(people)} was born in {rnd.choice(places)} in {rnd.randint(1850, 1900)}."
                              for _ in range(3)))
    text = "\n\n".join(paras) + "\n"
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    found = {}
    for name, part_chars in (("whole", "10000000"), ("parts", "1500")):
        db = tmp_path / f"{name}.db"
        code, _out, err = run_cli("--db", db, "ingest", tmp_path / "long.txt", stages="genre,nlp,resolve,extract",
                                  env={"KARTOTEKA_PART_CHARS": part_chars})
        assert code == 0, err
        assert run_cli("--db", db, "text", "long.txt").stdout == text
        code, out, _ = run_cli("--db", db, "factoids", "--json")
        rows = json.loads(out)
        assert all(text[f["source"]["start"]:f["source"]["end"]] == f["source"]["quote"] for f in rows)
        found[name] = {(f["type"], f["roles"]["subject"]["name"], f["source"]["start"], (f.get("date") or {}).get("start"))
                       for f in rows}
        code, out, _ = run_cli("--db", db, "search", "Kelport", "--mode", "bm25", "--limit", "1000", "--json")
        found[name + " passages"] = {(h["start"], h["end"]) for h in json.loads(out)}
    assert len(found["whole"]) > 50
    assert found["parts"] == found["whole"] and found["parts passages"] == found["whole passages"]
