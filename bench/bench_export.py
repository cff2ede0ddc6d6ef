"""Time, peak memory and output size of `kartoteka export` in every format on the seed KB.

    .venv/bin/python bench/bench_export.py --db KB   # a built seed KB (copied first)
    .venv/bin/python bench/bench_export.py                              # builds one from ../shared/corpus/seeds
    .venv/bin/python bench/bench_export.py --db KB --no-write

Each format runs as its own `kartoteka export` child process, as a user runs it (interpreter
start and imports included), --runs times; the median wall time and the largest peak resident
set of the child are reported with what the export wrote. Writes (or replaces) its section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib

MARKER = "bench_export"
FORMATS = ("gexf", "graphml", "csv", "jsonl", "ftm")


def run_once(db: Path, fmt: str, out: Path) -> tuple[float, int, dict[str, int]]:
    """(seconds, peak RSS in KiB, counts) of one export in a child process."""
    if out.is_dir():
        shutil.rmtree(out)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(db), "--json", "export", fmt,
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped here: keep Popen from waiting again
    if code != 0:
        sys.exit(f"export {fmt}: exit {code}: {stderr.decode()}")
    return seconds, int(usage.ru_maxrss), json.loads(stdout)["counts"]


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def measure(db: Path, runs: int, tmp: Path) -> list[dict[str, Any]]:
    rows = []
    for fmt in FORMATS:
        out = tmp / f"export-{fmt}"
        times, peaks = [], []
        counts: dict[str, int] = {}
        for _ in range(runs):
            seconds, peak, counts = run_once(db, fmt, out)
            times.append(seconds)
            peaks.append(peak)
        rows.append({"format": fmt, "median": statistics.median(times), "max": max(times),
                     "peak_mib": max(peaks) / 1024, "mib": size(out) / 2**20, "counts": counts})
    return rows


def section(rows: list[dict[str, Any]], command: str, source: str, runs: int, kb_mib: float) -> str:
    lines = ["## Exports of the seed KB", "",
             f"- command: `{command}`", f"- KB: {source} ({kb_mib:.1f} MiB)", f"- code: {benchlib.code_version()}",
             f"- machine: {benchlib.machine()}",
             f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"- method: `kartoteka export FORMAT --out PATH` as a child process, {runs} runs per format; "
             "peak RSS of the child (`wait4`)",
             "", "| format | median s | max s | peak RSS MiB | output MiB | written |", "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        written = ", ".join(f"{n} {k}" for k, n in r["counts"].items() if n and k[0].islower())
        lines.append(f"| {r['format']} | {r['median']:.2f} | {r['max']:.2f} | {r['peak_mib']:.0f} | {r['mib']:.1f} |"
                     f" {written} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a built seed KB (copied to a temporary file first)")
    ap.add_argument("--seeds", type=Path, default=benchlib.DEFAULT_SEEDS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "export-bench.db"
        source = benchlib.seed_kb_at(db, args.db, args.seeds)
        rows = measure(db, args.runs, tmp)
        kb_mib = db.stat().st_size / 2**20
    for r in rows:
        print(f"{r['format']:<8} median {r['median']:6.2f} s  peak {r['peak_mib']:5.0f} MiB  out {r['mib']:6.1f} MiB"
              f"  {r['counts']}")
    if not args.no_write:
        command = " ".join(["bench/bench_export.py", *map(shlex.quote, sys.argv[1:])])
        benchlib.write_section(MARKER, section(rows, f".venv/bin/python {command}", source, args.runs, kb_mib))


if __name__ == "__main__":
    main()
