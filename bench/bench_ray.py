"""`kartoteka ingest --ray` against a single process without Ray (issue 17), and the two KBs compared.

    python bench/bench_ray.py [--corpus PATH ...] [--with-default] [--rounds N] [--write [--section NAME]]
    python bench/bench_ray.py --stages [--corpus PATH ...]

Each ingestion runs in a fresh child process into a fresh KB, the same corpus (default: the seeds
and ../shared/corpus/more), one after the other, ``--rounds`` times interleaved (single, ray, single,
ray, ...: on a shared machine both see the same load):

- single process: ``KB(db).ingest(paths, n_process=1)``, the plain pipeline with spaCy's parser in
  the ingesting process (the CLI's default starts two spaCy worker processes for a long document);
  torch keeps its own threads for the embedding stage, as in every ingest;
- ``--ray``: ``python -m kartoteka --db KB ingest --ray PATHS`` on a local Ray instance with a
  CPU per core (Ray's start-up included in the time);
- with ``--with-default``, also the plain CLI as it runs by default (spaCy workers for long documents).

Wall time is what the acceptance compares; the CPU seconds of each ingestion's processes and the
load average before and after each run are recorded because the machine may be shared. Then
``entities``, ``factoids``, ``conflicts``, three searches (``--json``) and the bytes of every stored
vector are compared between the first round's KBs: identical or not. ``--write`` records the table
in bench/RESULTS.md (section ``ray-2``, or ``--section``).

``--stages`` times the single-process ingest stage by stage instead (wall and CPU seconds, the
one-off model loads apart): where the time goes, and so what moving a stage to Ray can gain.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shlex
import sqlite3
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
# The single-process ingest with each stage timed (``--stages``): wall and CPU seconds (CPU of every
# thread of the process: torch's embedding threads included).
STAGE_ROWS = ["read", "genre", "nlp", "resolve", "extract", "write", "compare", "embed"]
# Inside those stages: the one-off loads (spaCy's model and the packs' entity ruler, torch and the encoder).
LOAD_ROWS = {"spaCy model + entity ruler": "nlp", "encoder (sentence-transformers import, model load)": "embed"}


def timed_calls(fn, name: str, table: dict[str, list[float]]):  # noqa: ANN001, ANN201
    """``fn`` adding its wall and CPU seconds to ``table[name]`` at each call."""
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            row = table.setdefault(name, [0.0, 0.0])
            row[0] += time.perf_counter() - w0
            row[1] += time.process_time() - c0
    return wrapper


def stage_child(db: str, paths: list[str]) -> None:
    """In a fresh process: the single-process ingest, each stage wrapped in a timer; prints JSON."""
    w0, c0 = time.perf_counter(), time.process_time()
    from kartoteka import pipeline
    from kartoteka.api import KB
    from kartoteka.ingest import pipeline as ingest

    table: dict[str, list[float]] = {}
    pipeline.load_stages()
    for name in list(pipeline.STAGES):
        pipeline.STAGES[name] = timed_calls(pipeline.STAGES[name], name, table)
    for name in list(pipeline.DEFERRED):
        pipeline.DEFERRED[name] = timed_calls(pipeline.DEFERRED[name], name, table)
    ingest.read_analysis = timed_calls(ingest.read_analysis, "read", table)
    ingest.write_analysis = timed_calls(ingest.write_analysis, "write", table)
    from kartoteka.nlp import embed
    from kartoteka.nlp import stage as nlp_stage

    spacy_load = "spaCy model + entity ruler"
    nlp_stage.load_model = timed_calls(nlp_stage.load_model, spacy_load, table)
    nlp_stage.with_ruler = timed_calls(nlp_stage.with_ruler, spacy_load, table)
    embed.load_passage_model = timed_calls(embed.load_passage_model, "encoder (sentence-transformers import, model load)", table)
    pipeline.finish_run = timed_calls(pipeline.finish_run, "compare", table)
    kb = KB(db)
    kb.ingest(paths, n_process=1)
    kb.close()
    table["total"] = [time.perf_counter() - w0, time.process_time() - c0]
    print(json.dumps(table))


def stage_table(rows: dict[str, list[float]], load: tuple[float, float]) -> str:
    total_wall, total_cpu = rows["total"]
    staged_wall = sum(rows.get(n, [0.0, 0.0])[0] for n in STAGE_ROWS)
    staged_cpu = sum(rows.get(n, [0.0, 0.0])[1] for n in STAGE_ROWS)
    lines = ["| stage | wall | CPU | CPU share |", "|---|---|---|---|"]
    for name in STAGE_ROWS:
        wall, cpu = rows.get(name, [0.0, 0.0])
        lines.append(f"| {name} | {wall:.1f} s | {cpu:.1f} s | {100 * cpu / total_cpu:.0f}% |")
        for part, within in LOAD_ROWS.items():
            if within == name and part in rows:
                wall, cpu = rows[part]
                lines.append(f"| ... of which {part} | {wall:.1f} s | {cpu:.1f} s | {100 * cpu / total_cpu:.0f}% |")
    lines.append(f"| other (imports, model loads, triage) | {total_wall - staged_wall:.1f} s"
                 f" | {total_cpu - staged_cpu:.1f} s | {100 * (total_cpu - staged_cpu) / total_cpu:.0f}% |")
    lines.append(f"| **total** | {total_wall:.1f} s | {total_cpu:.1f} s | load {load[0]:.2f} / {load[1]:.2f} |")
    return "\n".join(lines)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KARTOTEKA_DB", "RAY_ADDRESS")}
    env["PYTHONPATH"] = str(benchlib.ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    return env


def timed(argv: list[str]) -> dict[str, object]:
    """Run one ingestion: its wall seconds, the CPU seconds of its processes (user + system of
    every descendant reaped: Ray's workers are reaped by its raylet, which the driver reaps) and the
    1-minute load average before and after."""
    before = os.getloadavg()[0]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=child_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return {"seconds": seconds, "cpu": cpu, "load_before": before, "load_after": os.getloadavg()[0]}


def vectors_digest(db: Path) -> str:
    """The SHA-256 of every stored vector (passage id, model, bytes), in passage order: the
    ``search --mode dense`` comparison sees the ranking, this the bytes."""
    h = hashlib.sha256()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for row in conn.execute("SELECT passage_id, model, vector FROM embeddings ORDER BY passage_id, model"):
            h.update(repr(row).encode())
    return h.hexdigest()


def snapshot(db: Path) -> dict[str, object]:
    out = {}
    for args in SNAPSHOT:
        proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "--json", *args],
                              env=child_env(), capture_output=True, text=True)
        out[" ".join(args)] = json.loads(proc.stdout) if proc.returncode in (0, 3) else proc.stderr
    return out


def report(runs: list[tuple[str, int, dict[str, object]]], same: dict[str, bool], corpus: list[str],
           commands: dict[str, str], flags: str) -> str:
    singles = {n: float(r["seconds"]) for name, n, r in runs if name == "single"}  # type: ignore[arg-type]
    lines = [
        "## Ingestion on Ray: `ingest --ray` against a single process without Ray",
        "",
        f"- command: `python bench/bench_ray.py{flags} --write` (corpus: {', '.join(corpus)})",
        f"- code: {benchlib.code_version()}; machine: {benchlib.machine()};"
        f" date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- each ingestion a fresh child process and a fresh KB; the rounds interleave them (single, ray, ...)"
        " so both see the same load; the load average (1 min) before and after each shows what else the"
        " machine was running; CPU: user + system seconds of the ingestion's processes",
        "- commands: " + "; ".join(f"{name}: `{cmd}`" for name, cmd in commands.items() if any(r[0] == name for r in runs)),
        "",
        "| round | ingestion | wall | CPU | load before / after | speed-up over the round's single |",
        "|---|---|---|---|---|---|",
    ]
    for name, n, r in runs:
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        lines.append(f"| {n} | {name} | {seconds:.1f} s | {float(r['cpu']):.1f} s"  # type: ignore[arg-type]
                     f" | {float(r['load_before']):.2f} / {float(r['load_after']):.2f}"  # type: ignore[arg-type]
                     f" | {singles[n] / seconds:.2f}x |")
    lines += ["", "KB built with `--ray` against the single-process KB of round 1 (`--json` output of each"
              " command; `vectors`: the bytes of every stored vector):", ""]
    lines += [f"- `{key}`: {'identical' if ok else 'DIFFERENT'}" for key, ok in same.items()]
    return "\n".join(lines)


def compare(a: Path, b: Path) -> dict[str, bool]:
    base, other = snapshot(a), snapshot(b)
    same = {key: base[key] == other[key] for key in base}
    same["vectors"] = vectors_digest(a) == vectors_digest(b)
    return same


def stages(corpus: list[str]) -> str:
    """The stage table of one single-process ingest of ``corpus`` in a fresh child process."""
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        before = os.getloadavg()[0]
        proc = subprocess.run([sys.executable, __file__, "--stage-child", str(Path(tmp) / "kb.db"), *corpus],
                              env=child_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"the timed ingest failed: {proc.stderr[-500:]}")
        raw = proc.stdout.strip().splitlines()[-1]
        print(raw, flush=True)  # the figures, whatever becomes of the table
        return stage_table(json.loads(raw), (before, os.getloadavg()[0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--with-default", action="store_true", help="also time the plain CLI with its spaCy workers")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of single and --ray, interleaved")
    ap.add_argument("--section", default="ray-2", help="the marked section of bench/RESULTS.md written")
    ap.add_argument("--stages", action="store_true", help="only the single-process ingest, each stage timed")
    ap.add_argument("--stage-child", nargs="+", help=argparse.SUPPRESS)  # DB PATH...: the timed child
    args = ap.parse_args()
    if args.stage_child:
        stage_child(args.stage_child[0], args.stage_child[1:])
        return
    corpus = [str(p) for p in args.corpus]
    if missing := [p for p in args.corpus if not p.exists()]:
        sys.exit(f"no corpus at {', '.join(map(str, missing))}")
    shown = [os.path.relpath(p, benchlib.ROOT) for p in corpus]
    commands = {"single": f"python -c 'KB(db).ingest(paths, n_process=1)' {' '.join(shown)}",
                "ray": f"kartoteka --db KB ingest --ray {' '.join(shown)}",
                "default": f"kartoteka --db KB ingest {' '.join(shown)}"}
    if args.stages:
        print(stages(corpus))
        return
    runs: list[tuple[str, int, dict[str, object]]] = []
    argvs = {"single": lambda db: [sys.executable, "-c", SINGLE, str(db), *corpus],
             "ray": lambda db: [sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", "--ray", *corpus],
             "default": lambda db: [sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", *corpus]}
    names = ["single", "ray"] + (["default"] if args.with_default else [])
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        for n in range(1, args.rounds + 1):
            for name in names:
                db = Path(tmp) / f"{name}-{n}.db"
                runs.append((name, n, timed(argvs[name](db))))
                print(f"round {n} {name}: {runs[-1][2]}", flush=True)
        same = compare(Path(tmp) / "single-1.db", Path(tmp) / "ray-1.db")
        if args.with_default:
            same_default = compare(Path(tmp) / "default-1.db", Path(tmp) / "ray-1.db")
    flags = (" --with-default" if args.with_default else "") + (f" --rounds {args.rounds}" if args.rounds > 1 else "")
    text = report(runs, same, shown, commands, flags)
    if args.with_default:
        text += "\n\nKB built with `--ray` against the default CLI's KB of round 1:\n\n" + "\n".join(
            f"- `{key}`: {'identical' if ok else 'DIFFERENT'}" for key, ok in same_default.items())
    print(text)
    if args.write:
        benchlib.write_section(args.section, text)


if __name__ == "__main__":
    main()
