#!/usr/bin/env python3
"""Factoid precision sample and extraction cost.

    .venv/bin/python bench/bench_factoid_precision.py            # fresh KBs from the seeds, timed
    .venv/bin/python bench/bench_factoid_precision.py --db KB.db # sample an existing KB, no timing

Without --db it ingests the seeds twice into fresh KBs, each in a child process of its own: once
with the default stages and once with the same stages less ``extract`` (``KARTOTEKA_STAGES``), so
both figures come from one run on one machine. Each child times every pipeline stage in-process.
It prints the wall times, the extract stage against the nlp stage, and writes the figures
between the ``<!-- factoids-overhead -->`` markers of bench/RESULTS.md (``--no-write`` skips
that). The target: extraction adds at most 20% to the NLP ingestion time.

Then it draws N factoids at random (fixed seed) from the full KB and prints a Markdown table (id,
type, subject, date, flags, quote) for judging each one by hand against its quote; the judged
table and the precision go into bench/RESULTS.md between the ``<!-- factoids -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import DEFAULT_SEEDS, code_version, machine, write_section  # noqa: E402


def timed_ingest(db: Path, seeds: Path) -> dict[str, float]:
    """Ingest ``seeds`` into ``db`` in this process, timing each stage (seconds, summed)."""
    from kartoteka import pipeline
    from kartoteka.api import KB

    stages = pipeline.load_stages()
    timings: dict[str, float] = {}

    def wrap(name: str, fn: pipeline.Stage) -> pipeline.Stage:
        def run(a: object, ctx: pipeline.Context) -> None:
            t0 = time.perf_counter()
            fn(a, ctx)  # type: ignore[arg-type]
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

        return run

    for name, fn in stages:
        pipeline.STAGES[name] = wrap(name, fn)
    original_finish = pipeline.finish_run

    def finish(ctx: pipeline.Context, changed: bool) -> None:  # corroboration, conflicts, profiles
        t0 = time.perf_counter()
        original_finish(ctx, changed)
        timings["finishers"] = timings.get("finishers", 0.0) + time.perf_counter() - t0

    pipeline.finish_run = finish  # type: ignore[assignment]
    t0 = time.perf_counter()
    with KB(db) as kb:
        kb.ingest([seeds])
    timings["total"] = time.perf_counter() - t0
    return timings


def child_ingest(db: Path, seeds: Path, stages: list[str] | None) -> dict[str, float]:
    """``timed_ingest`` in a fresh child process (``stages`` None: the defaults); its timings
    plus the child's wall time as "wall"."""
    env = {k: v for k, v in os.environ.items() if k != "KARTOTEKA_DB"}
    if stages is not None:
        env["KARTOTEKA_STAGES"] = ",".join(stages)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", str(db), "--seeds", str(seeds)], env=env,
                         check=True, capture_output=True, text=True).stdout
    timings = json.loads(out.strip().splitlines()[-1])
    timings["wall"] = time.perf_counter() - t0
    return timings


def overhead(seeds: Path, db: Path) -> tuple[str, dict[str, float], dict[str, float]]:
    """Both ingestions; the Markdown section and the two timing dicts."""
    from kartoteka.pipeline import stage_names

    names = [n for n in stage_names() if n != "extract"]
    with tempfile.TemporaryDirectory() as tmp:
        bare = child_ingest(Path(tmp) / "no-extract.db", seeds, names)
    full = child_ingest(db, seeds, None)
    nlp = full.get("nlp", 0.0) + full.get("resolve", 0.0)
    ext = full.get("extract", 0.0)
    added = full["wall"] - bare["wall"]
    lines = [
        "## Extraction overhead",
        "",
        f"- command: `.venv/bin/python bench/bench_factoid_precision.py` (seeds: {seeds.name}/)",
        f"- code: {code_version()}; machine: {machine()}; date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- both ingestions in fresh child processes, fresh KBs, the same run; stage times measured in-process",
        "- target (factoids issue): extraction adds at most 20% to the NLP ingestion time",
        "",
        "| measure | value |",
        "|---|---|",
        f"| ingestion, default stages ({', '.join(stage_names())}) | {full['wall']:.1f} s |",
        f"| ingestion, without extract (KARTOTEKA_STAGES={','.join(names)}) | {bare['wall']:.1f} s |",
        f"| difference (extraction's share of the wall time) | {added:+.1f} s ({100 * added / bare['wall']:+.1f}%) |",
    ]
    for name in [*stage_names(), "finishers"]:
        what = "run finishers (compare)" if name == "finishers" else f"{name} stage"
        lines.append(f"| {what}, in-process: with extract / without | {full.get(name, 0.0):.1f} s / "
                     f"{bare.get(name, 0.0):.1f} s |" if name != "extract" else f"| extract stage, in-process | {ext:.1f} s |")
    lines += [
        f"| extract / nlp | {100 * ext / max(full.get('nlp', 0.0), 1e-9):.1f}% |",
        f"| extract / (nlp + resolve) | {100 * ext / max(nlp, 1e-9):.1f}% |",
    ]
    return "\n".join(lines), full, bare


def sample(db: Path, n: int, seed: int) -> list[dict]:
    from kartoteka.api import KB

    with KB(db, create=False) as kb:
        ids = [r[0] for r in kb.conn.execute("SELECT id FROM factoids ORDER BY id")]
        chosen = set(random.Random(seed).sample(ids, min(n, len(ids))))
        rows = [f for f in kb.factoids() if f["id"] in chosen]
        total = len(ids)
    rows.sort(key=lambda f: f["id"])
    print(f"{total} factoids in the KB; {len(rows)} drawn with seed {seed}\n")
    return rows


def cell(s: str) -> str:
    return " ".join(s.split()).replace("|", "\\|")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="Existing KB to sample (default: build one from the seeds).")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1934)
    ap.add_argument("--keep", type=Path, default=None, help="Where to keep the KB built (default: a temp dir).")
    ap.add_argument("--no-write", action="store_true", help="Do not write the overhead section of RESULTS.md.")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:  # one timed ingestion; its timings as the last line of stdout
        print(json.dumps(timed_ingest(args.child, args.seeds)))
        return
    db = args.db
    if db is None or not db.exists():
        db = db or args.keep or Path(tempfile.mkdtemp()) / "factoids.db"
        text, _, _ = overhead(args.seeds, db)
        print(text + "\n")
        if not args.no_write:
            write_section("factoids-overhead", text)
    rows = sample(db, args.n, args.seed)
    print("| # | id | type | subject | date | flags | quote | ok |")
    print("|---|---|---|---|---|---|---|---|")
    for i, f in enumerate(rows, 1):
        r = f["roles"]
        subj = r.get("subject", {}).get("name", "")
        extra = []
        for k in ("agent", "organization", "place"):
            if k in r:
                extra.append(f"{k}={r[k]['name']}")
        if "office" in r:
            extra.append(f"office={r['office']}")
        if "value" in f:
            extra.append(f"value={f['value']}")
        d = f.get("date")
        date = ""
        if d and d.get("start"):
            date = f"{d['start']}..{d['end']} ({d['precision']}{', ctx' if d.get('inferred') else ''})"
        elif f.get("date_text"):
            date = f"{cell(f['date_text'])} ({f.get('date_flag') or 'text'})"
        flags = [f["voice"]] if f["voice"] != "author" else []
        flags += [k for k in ("hedged", "negated", "fiction") if f.get(k)]
        quote = f["source"]["quote"]
        if len(quote) > 260:
            quote = quote[:260] + "…"
        print(f"| {i} | {f['id']} | {f['type']} | {cell(subj)}{' (' + cell(', '.join(extra)) + ')' if extra else ''}"
              f" | {date} | {cell(' '.join(flags))} | {cell(quote)} |  |")


if __name__ == "__main__":
    main()
