"""Crashes of an ingest into a PostgreSQL KB (issue 17): kill -9 the driver of a plain ingest, and
of an ``ingest --ray``, and a Ray worker, mid-run. After each: PostgreSQL's amcheck finds nothing
(heap pages, TOAST, every B-tree index against its table), every document written is whole, the
same command run again finishes the job, and the KB's JSON is the one an uninterrupted ingest of
the demo corpus gives (a plain SQLite ingest: the parity suite holds the backends to one output).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess

import pytest

# The process helpers of the Ray suite, which is skipped where Ray is absent: so is this module.
from tests.conftest import REPO, cli_env
from tests.test_ray_ingest import N_DOCS, children, ingest_cmd, ray_env, snapshot, wait_for

CORPUS = REPO / "kartoteka" / "demo" / "corpus"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db = tmp_path_factory.mktemp("whole") / "whole.db"
    proc = subprocess.run(ingest_cmd(db), env=cli_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    snap = snapshot(db)
    assert snap["entities"] and snap["factoids"] and snap["conflicts"]
    return snap


def documents_in(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except psycopg.Error:  # no schema yet
        return 0


def assert_consistent(url: str) -> int:
    """amcheck clean and every written document whole; how many documents are there."""
    from kartoteka.store.postgres import PgConnection, amcheck

    conn = PgConnection(url)
    try:
        assert amcheck(conn) == []
        one = conn.execute_native
        # One transaction per document: its passages, each with its search index, come with it.
        assert one("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS"
                   " (SELECT 1 FROM passages p WHERE p.doc_id = d.id)").fetchone()[0] == 0
        assert one("SELECT COUNT(*) FROM passages WHERE fts IS NULL").fetchone()[0] == 0
        return int(one("SELECT COUNT(*) FROM documents").fetchone()[0])
    finally:
        conn.close()


def kill_driver_after_first_document(cmd: list[str], env: dict[str, str], url: str) -> dict[int, str]:
    """Run ``cmd``, kill -9 it once a document is in the KB; its descendants as they were."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: documents_in(url) >= 1, 600, "the first document written")
        started = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return started


def rerun_finishes(cmd: list[str], env: dict[str, str], written: int) -> None:
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    counts = json.loads(rerun.stdout)["counts"]
    assert counts["added"] + counts["unchanged"] == N_DOCS and counts["unchanged"] == written


def end_strays(started: dict[int, str]) -> None:
    """The killed driver's children that outlive it (spaCy's parser processes, Ray's daemons and
    agents): ended by their ids, as a later run would otherwise share the machine with them."""
    for pid in started:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_a_killed_driver_leaves_a_sound_kb_and_a_rerun_finishes(uninterrupted: dict[str, object], pg_cluster) -> None:
    url = pg_cluster.create_db("crash_driver")
    started = kill_driver_after_first_document(ingest_cmd(url), cli_env(), url)
    end_strays(started)
    written = assert_consistent(url)
    assert 1 <= written <= N_DOCS
    rerun_finishes(ingest_cmd(url), cli_env(), written)
    assert assert_consistent(url) == N_DOCS
    assert snapshot(url) == uninterrupted


def test_ray_into_postgres_builds_the_kb_a_plain_ingest_builds(uninterrupted: dict[str, object], pg_cluster) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[test]')")
    url = pg_cluster.create_db("ray_whole")
    proc = subprocess.run(ingest_cmd(url, "--ray"), env=ray_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["counts"]["added"] == N_DOCS
    assert assert_consistent(url) == N_DOCS
    assert snapshot(url) == uninterrupted


def test_a_killed_ray_worker_is_replaced_and_the_kb_is_sound(uninterrupted: dict[str, object], pg_cluster) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[test]')")
    url = pg_cluster.create_db("crash_worker")
    proc = subprocess.Popen(ingest_cmd(url, "--ray"), env=ray_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        def parsing() -> list[int]:
            return [pid for pid, cmd in children(proc.pid).items() if cmd.startswith("ray::prepare")]

        os.kill(wait_for(parsing, 600, "a Ray worker parsing a document")[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=900)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert json.loads(out)["counts"]["added"] == N_DOCS
    assert assert_consistent(url) == N_DOCS
    assert snapshot(url) == uninterrupted


def test_a_killed_ray_driver_leaves_a_sound_kb_and_a_rerun_finishes(uninterrupted: dict[str, object],
                                                                     pg_cluster) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[test]')")
    url = pg_cluster.create_db("crash_ray_driver")
    started = kill_driver_after_first_document(ingest_cmd(url, "--ray"), ray_env(), url)
    end_strays(started)
    written = assert_consistent(url)
    assert 1 <= written <= N_DOCS
    rerun_finishes(ingest_cmd(url, "--ray"), ray_env(), written)
    assert assert_consistent(url) == N_DOCS
    assert snapshot(url) == uninterrupted
