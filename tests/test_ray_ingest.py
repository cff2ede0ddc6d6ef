"""``ingest --ray`` (issue 17): a real local Ray instance of two CPUs, the real model, the demo corpus.

The KB built with --ray is the one a plain ingest builds (entities, factoids, conflicts, search);
a worker killed mid-ingest is replaced and the run completes; a driver killed mid-ingest leaves
whole documents only, and the same command run again finishes the job.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env, run_cli

CORPUS = REPO / "kartoteka" / "demo" / "corpus"
N_DOCS = len([p for p in CORPUS.iterdir() if p.is_file() and not p.name.startswith(".")])
# What is compared: the CLI's JSON of each listing and of a few searches (hybrid: words and vectors).
SNAPSHOT = [("entities",), ("factoids",), ("conflicts",), ("search", "Kirov", "--limit", "30"),
            ("search", "arrested by the NKVD", "--limit", "30"), ("search", "Kirov", "--mode", "dense", "--limit", "30")]

# The titles of Ray workers running a task of ``ingest --ray``.
RAY_TASKS = ("ray::prepare", "ray::parse_part", "ray::embed_chunk")

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.slow


def ray_env() -> dict[str, str]:
    """A local Ray instance (no $RAY_ADDRESS), a CPU per core of this machine."""
    # Parse tasks of about 2,000 characters: every demo document is parsed in several parts.
    env = cli_env(RAY_USAGE_STATS_ENABLED="0", KARTOTEKA_RAY_PARSE_CHARS="2000")
    env.pop("RAY_ADDRESS", None)
    return env


def snapshot(db: str | Path) -> dict[str, object]:
    out = {}
    for args in SNAPSHOT:
        code, stdout, err = run_cli("--db", db, "--json", *args)
        assert code == 0, (args, err)
        out[" ".join(args)] = json.loads(stdout)
    return out


def ingest_cmd(db: str | Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kartoteka", "--db", str(db), "--json", "ingest", *extra, str(CORPUS)]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The snapshot of the demo corpus ingested without Ray."""
    db = tmp_path_factory.mktemp("plain") / "plain.db"
    proc = subprocess.run(ingest_cmd(db), env=cli_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    snap = snapshot(db)
    assert snap["entities"] and snap["factoids"] and snap["conflicts"]  # a comparison of something
    return snap


def children(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid``: its command line."""
    parents: dict[int, int] = {}
    lines: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        lines[int(entry.name)] = cmd
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found[child] = lines[child]
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for its parent to read its status)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for(condition, timeout: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


def documents_in(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not yet created
        return 0


def test_ray_builds_the_kb_a_plain_ingest_builds(plain: dict[str, object], tmp_path: Path) -> None:
    db = tmp_path / "ray.db"
    proc = subprocess.run(ingest_cmd(db, "--ray"), env=ray_env(), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # stdout is one JSON value: the workers' output stays off it
    assert report["counts"]["added"] == N_DOCS
    assert snapshot(db) == plain
    # Run again: nothing to analyse, so no cluster is started, and nothing changes.
    again = subprocess.run(ingest_cmd(db, "--ray"), env=ray_env(), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"]["unchanged"] == N_DOCS


def test_a_killed_worker_is_replaced_and_the_run_completes(plain: dict[str, object], tmp_path: Path) -> None:
    db = tmp_path / "worker.db"
    proc = subprocess.Popen(ingest_cmd(db, "--ray"), env=ray_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        def working() -> list[int]:  # reading, parsing or encoding a document (not idle)
            return [pid for pid, cmd in children(proc.pid).items() if cmd.startswith(RAY_TASKS)]

        victim = wait_for(working, 600, "a Ray worker running a task")[0]
        os.kill(victim, signal.SIGKILL)
        out, err = proc.communicate(timeout=900)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert json.loads(out)["counts"]["added"] == N_DOCS
    assert snapshot(db) == plain


def test_a_killed_driver_leaves_whole_documents_and_a_rerun_finishes(plain: dict[str, object],
                                                                       tmp_path: Path) -> None:
    db = tmp_path / "driver.db"
    proc = subprocess.Popen(ingest_cmd(db, "--ray"), env=ray_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: documents_in(db) >= 1, 600, "the first document written")
        started = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    written = documents_in(db)
    assert 1 <= written <= N_DOCS
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every document written is whole: its passages are there (one transaction per document).
        assert conn.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS"
                            " (SELECT 1 FROM passages p WHERE p.doc_id = d.id)").fetchone()[0] == 0
    # Ray's own processes go with the driver: the raylet and the GCS at once, a worker once it sees
    # its raylet gone. (Ray's dashboard and runtime-env agents may linger, trying to report to the
    # dead GCS: ended here.)
    def ray_core_alive() -> list[str]:
        return [cmd for pid, cmd in started.items() if alive(pid) and "Agent" not in cmd]

    wait_for(lambda: not ray_core_alive(), 120, "Ray's processes to end with the driver")
    for pid, cmd in started.items():
        if "Agent" in cmd and alive(pid):
            os.kill(pid, signal.SIGKILL)
    rerun = subprocess.run(ingest_cmd(db, "--ray"), env=ray_env(), capture_output=True, text=True,
                           timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    counts = json.loads(rerun.stdout)["counts"]
    assert counts["added"] + counts["unchanged"] == N_DOCS and counts["unchanged"] == written
    assert snapshot(db) == plain


# In the driver: every passage vector the deferred stage stores comes from a worker (the driver's
# own encoder is never called), and the KB is the plain one.
COUNTED = """
import sys
from kartoteka.nlp import embed
from kartoteka.api import KB
calls = []
encode = embed.passage_vectors
embed.passage_vectors = lambda texts: calls.append(len(texts)) or encode(texts)
kb = KB(sys.argv[1])
kb.ingest([sys.argv[2]], ray=True)
kb.close()
print(len(calls))
"""


def test_the_passages_are_encoded_on_the_workers(plain: dict[str, object], tmp_path: Path) -> None:
    db = tmp_path / "vectors.db"
    proc = subprocess.run([sys.executable, "-c", COUNTED, str(db), str(CORPUS)], env=ray_env(),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] > 0
    assert snapshot(db) == plain


def test_without_ray_installed_ray_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # sys.modules[name] = None is how Python spells "this package cannot be imported".
    script = "import sys; sys.modules['ray'] = None; from kartoteka.cli.main import main; main()"
    db = tmp_path / "none.db"
    proc = subprocess.run([sys.executable, "-c", script, "--db", str(db), "ingest", "--ray", str(CORPUS)],
                          env=cli_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "kartoteka[ray]" in proc.stderr, proc.stderr
    assert not db.exists()  # refused before the KB is created


def test_a_cluster_nobody_answers_at_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # Port 1 of the loopback: nothing listens there (Ray alone would retry for minutes).
    code, out, err = run_cli("--db", tmp_path / "kb.db", "ingest", "--ray-address", "127.0.0.1:1", CORPUS)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "cannot reach the Ray cluster at 127.0.0.1:1" in err, err
