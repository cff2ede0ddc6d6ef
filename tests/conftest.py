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
