"""Every command of the README's tour and export examples runs as written on the demo KB
(issue 18): the lines are read from README.md itself, so the README cannot drift from the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parents[1]
# Sections whose ```sh blocks are the tour (the Tests section's commands run the test suite itself).
TOUR_SECTIONS = ("## A tour", "### Exports", "### Ingesting on Ray")
# The test provides `kartoteka` itself (this checkout's code) in place of the activated venv.
ACTIVATE = ". .venv/bin/activate"
# A long-running server is started and stopped by test_web; here its help must work.
INSTEAD = {"kartoteka serve": "kartoteka serve --help"}


def tour_commands(readme: str) -> list[str]:
    """The command lines of the tour's ```sh blocks, comments and all, in order."""
    out = []
    for section in re.split(r"^(?=##)", readme, flags=re.M):
        if not section.startswith(TOUR_SECTIONS):
            continue
        for block in re.findall(r"^```sh\n(.*?)^```", section, flags=re.M | re.S):
            out += [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")
                    and not line.startswith(ACTIVATE)]
    return out


def programs(line: str) -> set[str]:
    """The programs a shell line runs (the first word of each pipeline stage)."""
    return {stage.split()[0] for stage in line.split("#", 1)[0].split("|") if stage.split()}


def test_the_readme_names_the_demo_and_how_to_put_kartoteka_on_path() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in readme
    assert "export KARTOTEKA_DB=kartoteka-demo.db" in readme
    assert len(tour_commands(readme)) >= 20


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout-like folder holding the demo KB, built by the README's own `kartoteka demo`."""
    d = tmp_path_factory.mktemp("tour")
    (d / "kartoteka").symlink_to(ROOT / "kartoteka")  # the tour ingests kartoteka/demo/corpus/
    proc = subprocess.run([sys.executable, "-m", "kartoteka", "demo"], cwd=d, env=cli_env(), capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    (d / "demo-output.txt").write_text(proc.stdout, encoding="utf-8")
    return d


def test_the_demos_try_next_lines_run_as_printed(demo_dir: Path) -> None:
    """Without `kartoteka` on PATH the demo prints a command that works from where it ran."""
    shown = (demo_dir / "demo-output.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in shown.split("Try next", 1)[1].splitlines() if "--db kartoteka-demo.db" in line]
    assert len(lines) >= 8
    for line in lines:
        if " serve" in line:
            continue
        proc = subprocess.run(line, shell=True, cwd=demo_dir, env=cli_env(), capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, (line, proc.stderr)


def test_every_tour_command_runs_as_written_on_the_demo_kb(demo_dir: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    failures = []
    for line in tour_commands(readme):
        missing = [p for p in programs(line) - {"kartoteka"} if shutil.which(p) is None]
        if missing:
            continue  # e.g. jq: a tool of the reader's, not Kartoteka's
        command = INSTEAD.get(line.split("#", 1)[0].strip(), line)
        # `kartoteka` as installed by the set-up command, on PATH after activation.
        script = f'kartoteka() {{ "{sys.executable}" -m kartoteka "$@"; }}\nset -o pipefail\n{command}\n'
        proc = subprocess.run(["bash", "-c", script], cwd=demo_dir, capture_output=True, text=True, timeout=600,
                              env=cli_env(KARTOTEKA_DB="kartoteka-demo.db"))
        if proc.returncode != 0 or "Traceback" in proc.stderr:
            failures.append(f"{line}\n  exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
            continue
        if line.startswith("kartoteka ask"):
            assert "no answer" not in proc.stdout, line
    assert not failures, "\n".join(failures)
