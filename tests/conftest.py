"""Shared test helpers: a fresh KB path and the command line run as a user runs it.

    def test_x(tmp_kb, run_cli):
        code, out, err = run_cli("--db", tmp_kb, "ingest", folder, stages="")
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[1]


class CliResult(NamedTuple):
    code: int
    stdout: str | bytes
    stderr: str


def cli_env(stages: str | None = None, **extra: str) -> dict[str, str]:
    """The environment for a child ``kartoteka``: no inherited $KARTOTEKA_DB; ``stages`` sets
    $KARTOTEKA_STAGES ("" runs reading and structure only, which is fast)."""
    env = {k: v for k, v in os.environ.items() if k != "KARTOTEKA_DB"}
    if stages is not None:
        env["KARTOTEKA_STAGES"] = stages
    env.update(extra)
    return env


def run_cli(
    *args: str | Path,
    stages: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    binary: bool = False,
    timeout: float = 300,
) -> CliResult:
    """Run ``python -m kartoteka ARGS`` in a child process: (exit code, stdout, stderr).

    stdout is bytes when ``binary`` (for byte-exact comparisons), else UTF-8 text."""
    proc = subprocess.run(
        [sys.executable, "-m", "kartoteka", *map(str, args)],
        env=cli_env(stages, **(env or {})), cwd=cwd, capture_output=True, timeout=timeout,
    )
    out: str | bytes = proc.stdout if binary else proc.stdout.decode("utf-8")
    return CliResult(proc.returncode, out, proc.stderr.decode("utf-8", "replace"))


@pytest.fixture(name="run_cli")
def run_cli_fixture() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def tmp_kb(tmp_path: Path) -> Path:
    """Where a test's KB goes (not yet created)."""
    return tmp_path / "kb.db"


# -- backends -----------------------------------------------------------------------------------
# Store and query tests run on both backends: SQLite (a file in the test's folder) and PostgreSQL
# (a fresh database on one throwaway cluster per test session, started with initdb and pg_ctl on a
# Unix socket; skipped, with the reason, only where no PostgreSQL binaries are installed).
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
_db_counter = iter(range(1, 1 << 30))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    from kartoteka.store.pgtemp import TempCluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql, or set $KARTOTEKA_PG_BIN")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'kartoteka[postgres]')")
    import socket

    with socket.socket() as s:  # a port number no other cluster's socket file uses
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    cluster = TempCluster(bin_dir, port=port).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def new_kb_target(backend: str, folder: Path, request: pytest.FixtureRequest) -> str | Path:
    """A KB location that does not exist yet: a file in ``folder``, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return folder / f"kb{next(_db_counter)}.db"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_db(f"kb{os.getpid()}_{next(_db_counter)}")


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend a module's KB lives in (its tests run once per backend)."""
    return str(request.param)


@pytest.fixture(scope="module")
def new_kb(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
           ) -> Callable[[], str | Path]:
    """Make a new, empty KB location on the module's backend."""
    return lambda: new_kb_target(backend, tmp_path_factory.mktemp(backend), request)


# Debian's Chromium, driven by Playwright (never `playwright install`). One sync Playwright per test
# run: a second one started while the first is open fails, so every browser test shares this.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page of the shared browser; ``page.errors`` collects script errors and any dialog
    (a test asserts it stays empty)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    ctx.close()


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port in a thread; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
