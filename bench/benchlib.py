"""What every bench script shares: percentiles, the machine and commit measured, and writing one
marked section of bench/RESULTS.md without touching the others.

Bench scripts run as ``python bench/NAME.py`` and import this as ``benchlib`` (their folder is on
``sys.path``).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in [0, 1]."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def code_version(override: str | None = None) -> str:
    """The commit measured: ``git describe --always --dirty`` of this checkout."""
    if override:
        return override
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def write_section(marker: str, text: str, path: Path = RESULTS) -> None:
    """Put ``text`` between ``<!-- marker -->`` and ``<!-- /marker -->`` in ``path``, replacing
    that section where it exists and appending it otherwise."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    begin, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{begin}\n{text.strip()}\n{end}\n"
    pattern = re.compile(rf"{re.escape(begin)}\n.*?{re.escape(end)}\n?", re.DOTALL)
    new = pattern.sub(lambda _m: block, old, count=1) if pattern.search(old) else old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")


def timed_run(argv: list[str], **kwargs: Any) -> tuple[float, float, subprocess.CompletedProcess]:
    """One child process of ``argv`` (``kwargs`` go to ``subprocess.run``): its wall milliseconds,
    its CPU milliseconds (user + system of the child) and the finished process."""
    import resource
    import time

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, check=False, **kwargs)
    wall = (time.perf_counter() - t0) * 1000
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, 1000 * (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime), p


def time_command(argv: list[str], runs: int, cpu: list[float] | None = None) -> list[float]:
    """Milliseconds of each of ``runs`` fresh processes of ``argv`` (after one untimed run, so the
    page cache is as warm as for a second call); exits on a failure other than 'nothing found'.
    Where ``cpu`` is given, each run's CPU milliseconds (user + system of the child) are appended
    to it: on a shared machine they vary less than the wall times."""
    import shlex
    import sys

    subprocess.run(argv, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        wall, cpu_ms, p = timed_run(argv)
        times.append(wall)
        if cpu is not None:
            cpu.append(cpu_ms)
        if p.returncode not in (0, 3):
            sys.exit(f"{shlex.join(argv)} failed: {p.stderr.decode()[-300:]}")
    return times


def build_seed_kb(seeds: Path, db: Path) -> None:
    """`kartoteka ingest` of the seed corpus into ``db``, in a child process."""
    import sys

    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(seeds)],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 2):
        sys.exit(proc.stderr)


def seed_kb_at(db: Path, given: Path | None, seeds: Path) -> str:
    """A seed KB at ``db``: a copy of ``given`` (a bench must not write to the user's KB) or one
    built from ``seeds``; returns how it came, for the RESULTS section."""
    import shutil

    if given:
        shutil.copyfile(given, db)
        return f"copy of `{given}`"
    build_seed_kb(seeds, db)
    return f"built from `{seeds}`"
