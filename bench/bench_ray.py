"""`kartoteka ingest --ray` against a single process without Ray (issue 17), and the two KBs compared.

    python bench/bench_ray.py [--corpus PATH ...] [--with-default] [--write]

Each ingestion runs in a fresh child process into a fresh KB, the same corpus (default: the seeds
and ../shared/corpus/more), one after the other:

- single process: ``KB(db).ingest(paths, n_process=1)``, the plain pipeline with spaCy's parser in
  the ingesting process (the CLI's default starts two spaCy worker processes for a long document);
  torch keeps its own threads for the embedding stage, as in every ingest;
- ``--ray``: ``python -m kartoteka --db KB ingest --ray PATHS`` on a local Ray instance with a
  CPU per core (Ray's start-up included in the time);
- with ``--with-default``, also the plain CLI as it runs by default (spaCy workers for long documents).

Wall time is what the acceptance compares; the load average before and after each run is
recorded because the machine may be shared. Then ``entities``, ``factoids``, ``conflicts`` and
three searches (``--json``) are compared between the KBs: identical or not. ``--write`` records the
table in bench/RESULTS.md (section ``ray``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

DEFAULT_CORPUS = [benchlib.DEFAULT_SEEDS, benchlib.ROOT.parent / "shared" / "corpus" / "more"]
SNAPSHOT = [["entities"], ["factoids"], ["conflicts"], ["search", "Kirov", "--limit", "50"],
            ["search", "arrested by the NKVD", "--limit", "50"], ["search", "Yezhov", "--mode", "dense", "--limit", "50"]]
SINGLE = ("import sys; from kartoteka.api import KB; kb = KB(sys.argv[1]); "
          "kb.ingest(sys.argv[2:], n_process=1); kb.close()")


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KARTOTEKA_DB", "RAY_ADDRESS")}
    env["PYTHONPATH"] = str(benchlib.ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    return env


def timed(argv: list[str]) -> dict[str, object]:
    """Run one ingestion: its wall seconds and the 1-minute load average before and after."""
    before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=child_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return {"seconds": seconds, "load_before": before, "load_after": os.getloadavg()[0]}


def snapshot(db: Path) -> dict[str, object]:
    out = {}
    for args in SNAPSHOT:
        proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "--json", *args],
                              env=child_env(), capture_output=True, text=True)
        out[" ".join(args)] = json.loads(proc.stdout) if proc.returncode in (0, 3) else proc.stderr
    return out


def report(runs: dict[str, dict[str, object]], same: dict[str, bool], corpus: list[str], commands: dict[str, str]) -> str:
    single = float(runs["single"]["seconds"])  # type: ignore[arg-type]
    lines = [
        "## Ingestion on Ray: `ingest --ray` against a single process without Ray",
        "",
        f"- command: `python bench/bench_ray.py{' --with-default' if 'default' in runs else ''} --write`"
        f" (corpus: {', '.join(corpus)})",
        f"- code: {benchlib.code_version()}; machine: {benchlib.machine()};"
        f" date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- each ingestion a fresh child process and a fresh KB, one after the other; the load average"
        " (1 min) before and after each shows what else the machine was running",
        "",
        "| ingestion | command | wall | load before / after | speed-up over single |",
        "|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        lines.append(f"| {name} | `{commands[name]}` | {float(r['seconds']):.1f} s"  # type: ignore[arg-type]
                     f" | {float(r['load_before']):.2f} / {float(r['load_after']):.2f}"  # type: ignore[arg-type]
                     f" | {single / float(r['seconds']):.2f}x |")  # type: ignore[arg-type]
    lines += ["", "KB built with `--ray` against the single-process KB (`--json` output of each command):", ""]
    lines += [f"- `{key}`: {'identical' if ok else 'DIFFERENT'}" for key, ok in same.items()]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--with-default", action="store_true", help="also time the plain CLI with its spaCy workers")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    args = ap.parse_args()
    corpus = [str(p) for p in args.corpus]
    if missing := [p for p in args.corpus if not p.exists()]:
        sys.exit(f"no corpus at {', '.join(map(str, missing))}")
    shown = [os.path.relpath(p, benchlib.ROOT) for p in corpus]
    commands = {"single": f"python -c 'KB(db).ingest(paths, n_process=1)' {' '.join(shown)}",
                "ray": f"kartoteka --db KB ingest --ray {' '.join(shown)}",
                "default": f"kartoteka --db KB ingest {' '.join(shown)}"}
    runs: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        dbs = {name: Path(tmp) / f"{name}.db" for name in ("single", "ray", "default")}
        runs["single"] = timed([sys.executable, "-c", SINGLE, str(dbs["single"]), *corpus])
        print(f"single: {runs['single']}", flush=True)
        runs["ray"] = timed([sys.executable, "-m", "kartoteka", "--db", str(dbs["ray"]), "ingest", "--ray", *corpus])
        print(f"ray: {runs['ray']}", flush=True)
        if args.with_default:
            runs["default"] = timed([sys.executable, "-m", "kartoteka", "--db", str(dbs["default"]), "ingest", *corpus])
            print(f"default: {runs['default']}", flush=True)
        base, other = snapshot(dbs["single"]), snapshot(dbs["ray"])
        same = {key: base[key] == other[key] for key in base}
        if args.with_default:
            plain = snapshot(dbs["default"])
            same_default = {key: plain[key] == other[key] for key in plain}
    text = report(runs, same, shown, commands)
    if args.with_default:
        text += "\n\nKB built with `--ray` against the default CLI's KB:\n\n" + "\n".join(
            f"- `{key}`: {'identical' if ok else 'DIFFERENT'}" for key, ok in same_default.items())
    print(text)
    if args.write:
        benchlib.write_section("ray", text)


if __name__ == "__main__":
    main()
