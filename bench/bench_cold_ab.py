"""Cold query commands of two code trees, runs alternated: wall and CPU time of each fresh process.

    git archive START | tar -x -C /tmp/start      # the tree to compare against
    .venv/bin/python bench/bench_cold_ab.py --db KB --code start=/tmp/start --code branch=. --rounds 15

On a machine shared with other work the wall times of one tree measured after the other's differ
by the load of the moment; alternating the trees run by run (ABAB, then BABA) puts both under the
same load, and the CPU time (user + system of the child) varies less than the wall time. Each
command is ``python -m kartoteka --db KB --json ...`` run in the tree's folder, after one
untimed run per tree and command (page cache and byte-code caches warm, as for a second call).
Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, percentile, timed_run  # noqa: E402

# The cold cases of bench_ask.py.
CASES = {"search (hybrid)": ["search", "Trotsky assassination in Mexico"],
         "ask (structured)": ["ask", "Who killed Trotsky?"],
         "ask (sentence extractor)": ["ask", "How many delegates were arrested?"]}


def run_once(tree: Path, db: Path, args: list[str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one fresh process of ``tree``'s code."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both trees keep their byte-code caches
    # Run in the tree: `python -m` puts the working folder first on the import path, ahead of
    # PYTHONPATH (from another checkout's folder it would time that checkout's code).
    wall, cpu, p = timed_run([sys.executable, "-m", "kartoteka", "--db", str(db), "--json", *args],
                             env=env, cwd=tree)
    if p.returncode not in (0, 3):
        sys.exit(f"{tree}: {' '.join(args)} failed: {p.stderr.decode()[-300:]}")
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--code", action="append", required=True, metavar="NAME=PATH",
                    help="a code tree to time (give two or more)")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    trees = {name: Path(path).resolve() for name, _, path in (c.partition("=") for c in args.code)}
    args.db = args.db.resolve()
    if not args.db.exists() or any(not (t / "kartoteka").is_dir() for t in trees.values()):
        print("give an existing --db and --code NAME=PATH of checkouts holding kartoteka/", file=sys.stderr)
        return 2
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for tree in trees.values():
        for case in CASES.values():
            run_once(tree, args.db, case)
    load = os.getloadavg()[0]
    for i in range(args.rounds):
        for label, case in CASES.items():
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            for name, tree in order:
                times.setdefault((label, name), []).append(run_once(tree, args.db, case))
    print(f"{machine()}; {args.rounds} rounds; load average (1 min) {load:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print("| command | code | wall p50 | wall p95 | CPU p50 | CPU p95 | CPU min |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (label, name), runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"| {label} | {name} | {percentile(wall, 0.5):,.0f} | {percentile(wall, 0.95):,.0f} | "
              f"{percentile(cpu, 0.5):,.0f} | {percentile(cpu, 0.95):,.0f} | {min(cpu):,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
