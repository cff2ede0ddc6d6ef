"""ask latency of two checkouts, interleaved on the same (possibly loaded) machine: cold and warm.

    .venv/bin/python bench/bench_ask_ab.py --db KB --code OTHER [--code THIS] [--rounds 7]

On a shared machine a figure alone says little; two codes timed turn by turn under the same load
say which is faster. Cold: a fresh ``python -m kartoteka --db KB --json`` process per call (bench_ask's
three cold cases; wall and CPU time, user + system, which a loaded machine inflates less), the
codes alternated call by call, after one untimed call each (the page cache
and bytecode as for a second call). Warm: ``bench_ask_calibration.py --latency`` (bench_ask's 40
questions twice in one process) per code, alternated. The load average is printed with each
block. The code that runs is the one PYTHONPATH names, so a checkout of another commit (``git
worktree add`` or ``git archive COMMIT | tar -x -C DIR``) is timed alike; each runs in its checkout
(``-m`` puts the working directory first on the path).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = {"search (hybrid)": ["search", "Trotsky assassination in Mexico"],
         "ask (structured)": ["ask", "Who killed Trotsky?"],
         "ask (sentence extractor)": ["ask", "How many delegates were arrested?"]}


def env_for(code: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=code)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's second call reads cached bytecode
    return env


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def once(code: str, argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) milliseconds of one fresh process."""
    c0, t0 = cpu_children(), time.perf_counter()
    p = subprocess.run(argv, env=env_for(code), cwd=code, capture_output=True, check=False)
    ms, cpu = (time.perf_counter() - t0) * 1000, (cpu_children() - c0) * 1000
    if p.returncode not in (0, 3):
        sys.exit(f"{code}: {' '.join(argv)} failed: {p.stderr.decode()[-300:]}")
    return ms, cpu


def cold(db: str, codes: list[str], rounds: int) -> None:
    for label, args in CASES.items():
        argv = [sys.executable, "-m", "kartoteka", "--db", db, "--json", *args]
        times: dict[str, list[tuple[float, float]]] = {c: [] for c in codes}
        before = load()
        for c in codes:
            once(c, argv)
        for _ in range(rounds):
            for c in codes:
                times[c].append(once(c, argv))
        for c in codes:
            wall, cpu = [t[0] for t in times[c]], [t[1] for t in times[c]]
            print(f"| cold {label} | {c} | {percentile(wall, 0.5):.0f} | {percentile(wall, 0.95):.0f} |"
                  f" {percentile(cpu, 0.5):.0f} | {percentile(cpu, 0.95):.0f} | {min(cpu):.0f} | {before} / {load()} |",
                  flush=True)


def warm(db: str, codes: list[str], rounds: int) -> None:
    script = str(ROOT / "bench" / "bench_ask_calibration.py")
    for r in range(rounds):
        for c in codes:
            before = load()
            out = subprocess.run([sys.executable, script, "--db", db, "--latency"], env=env_for(c), cwd=c,
                                 capture_output=True, text=True, check=True).stdout.strip()
            print(f"| warm round {r + 1} | {c} | {out} | {before} / {load()} |", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--code", action="append", required=True, help="checkouts to compare (this one if given once)")
    ap.add_argument("--rounds", type=int, default=7, help="timed cold calls per case and code")
    ap.add_argument("--warm-rounds", type=int, default=2)
    args = ap.parse_args()
    codes = args.code if len(args.code) > 1 else [*args.code, str(ROOT)]
    print("| measure | code | wall p50 | wall p95 | CPU p50 | CPU p95 | CPU min | load average before / after |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    cold(args.db, codes, args.rounds)
    if args.warm_rounds:
        warm(args.db, codes, args.warm_rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
