#!/usr/bin/env python3
"""Factoid precision sample and extraction cost.

    .venv/bin/python bench/bench_factoid_precision.py            # fresh KB from the seeds, timed
    .venv/bin/python bench/bench_factoid_precision.py --db KB.db # sample an existing KB, no timing

Ingesting (unless --db names an existing KB), it times every pipeline stage in-process and
prints the extract stage's time against the nlp stage's (the target: extraction adds at most 20%).
Then it draws N factoids at random (fixed seed) and prints a Markdown table (id, type, subject,
date, flags, quote) for judging each factoid by hand against its quote; the judged table and the
precision go into bench/RESULTS.md between the `<!-- factoids -->` markers.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_ingest(db: Path, seeds: Path) -> dict[str, float]:
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
    t0 = time.perf_counter()
    with KB(db) as kb:
        kb.ingest([seeds])
    timings["total"] = time.perf_counter() - t0
    return timings


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
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1934)
    args = ap.parse_args()
    db = args.db
    if db is None or not db.exists():
        db = db or Path(tempfile.mkdtemp()) / "factoids.db"
        t = timed_ingest(db, args.seeds)
        nlp = t.get("nlp", 0.0) + t.get("resolve", 0.0)
        ext = t.get("extract", 0.0)
        print("| stage | seconds |\n|---|---|")
        for k, v in t.items():
            print(f"| {k} | {v:.2f} |")
        if t.get("nlp"):
            print(f"\nextract / nlp = {100 * ext / t['nlp']:.1f}%; extract / (nlp + resolve) = {100 * ext / nlp:.1f}%\n")
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
        date = f"{d['start']}..{d['end']} ({d['precision']}{', ctx' if d.get('inferred') else ''})" if d else ""
        flags = [f["voice"]] if f["voice"] != "author" else []
        flags += [k for k in ("hedged", "negated", "fiction") if f.get(k)]
        quote = f["source"]["quote"]
        if len(quote) > 260:
            quote = quote[:260] + "…"
        print(f"| {i} | {f['id']} | {f['type']} | {cell(subj)}{' (' + cell(', '.join(extra)) + ')' if extra else ''}"
              f" | {date} | {cell(' '.join(flags))} | {cell(quote)} |  |")


if __name__ == "__main__":
    main()
