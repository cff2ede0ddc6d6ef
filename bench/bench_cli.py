"""Cold-start timings of query commands: each run is a fresh `kartoteka` process, end to end.

    .venv/bin/python bench/bench_cli.py --db KB            # KB built from the seed corpus
    .venv/bin/python bench/bench_cli.py --db KB --runs 20 --no-write

The commands are the read side of CONTRACT.md on the seed KB's best-known entity (the largest
dossier). Writes its section of bench/RESULTS.md between ``<!-- cli -->`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import code_version, machine, percentile, time_command, write_section  # noqa: E402

COMMANDS = [
    ["entity", "Stalin"],
    ["entities", "--limit", "50"],
    ["mentions", "--source", "000_63a6b20a088c4a87.txt"],
    ["factoids", "--entity", "Stalin"],
    ["timeline", "--entity", "Yezhov"],
    ["search", "Kirov murder"],
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a KB built from the seed corpus")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    exe = shutil.which("kartoteka") or str(Path(sys.executable).parent / "kartoteka")
    if not args.db.exists():
        print(f"no KB at {args.db}", file=sys.stderr)
        return 2
    rows = []
    for cmd in COMMANDS:
        t = time_command([exe, "--db", str(args.db), "--json", *cmd], args.runs)
        rows.append(f"| `kartoteka --json {shlex.join(cmd)}` | {statistics.median(t):.0f} ms | "
                    f"{percentile(t, 0.95):.0f} ms |")
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "## Query commands, cold process (end to end)",
        "",
        f"- command: `.venv/bin/python bench/bench_cli.py --db KB --runs {args.runs}` (KB: the five seeds)",
        f"- code: {code_version()}; machine: {machine()}; date: {date}",
        "- target (entities issue): `entity Stalin --json` under 300 ms",
        "",
        "| command | p50 | p95 |",
        "|---|---|---|",
        *rows,
    ])
    print(text)
    if not args.no_write:
        write_section("cli", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
