"""Time ingesting the seed corpus into a fresh KB, then 200 searches in the same (warm) process.

    .venv/bin/python bench/bench_ingest_search.py                # all default stages
    .venv/bin/python bench/bench_ingest_search.py --stages ""    # the no-NLP foundation
    .venv/bin/python bench/bench_ingest_search.py --stages genre,nlp --no-write

Writes (or replaces) one section of bench/RESULTS.md per stage selection: the command, the
machine, the date and the figures. Queries are deterministic: a fixed list of historical
queries plus words and word pairs drawn with a fixed seed from the corpus itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import DEFAULT_SEEDS, RESULTS, ROOT, code_version, machine, percentile, write_section  # noqa: E402

HISTORICAL_QUERIES = [
    "Kirov", "Kirov murder", "Smolny", "Nikolaev", "Yagoda", "Yezhov", "Ezhov", "Beria", "NKVD",
    "OGPU", "Cheka", "Zinoviev Kamenev", '"Trial of the Sixteen"', "show trial", "Bukharin",
    "Trotsky", "Stalin", "Politburo", "Lubyanka", "arrested", "shot", "executed", "confession",
    "interrogation", "Great Terror", "purge", "1937", "Leningrad", "Moscow", "defected",
    "Krivitsky", "Orlov", "Spain", "Gulag", "camp", "deported", "testimony", "Khrushchev",
    "secret police", "People's Commissar",
]
WORD = re.compile(r"[A-Za-z][a-z]{4,}")
STOPWORDS = {"which", "their", "there", "these", "those", "would", "could", "should", "about", "after",
             "before", "other", "where", "while", "being", "every", "under", "again", "still", "might"}


def apply_stages(stages: str | None) -> str:
    """Choose the pipeline stages through KARTOTEKA_STAGES; returns how the choice was applied."""
    if stages is None:
        return "default stages"
    os.environ["KARTOTEKA_STAGES"] = stages
    return f"KARTOTEKA_STAGES={stages!r}"


def build_queries(seeds: Path, n: int, seed: int = 1934) -> list[str]:
    """``n`` queries: the fixed list, then corpus words and word pairs drawn with a fixed seed."""
    counts: dict[str, int] = {}
    for path in sorted(p for p in seeds.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for w in WORD.findall(text):
            lw = w.lower()
            if lw not in STOPWORDS:
                counts[lw] = counts.get(lw, 0) + 1
    vocab = sorted(w for w, c in counts.items() if c >= 3)
    rng = random.Random(seed)
    queries = list(HISTORICAL_QUERIES[:n])
    while len(queries) < n and vocab:
        if rng.random() < 0.6:
            queries.append(rng.choice(vocab))
        else:
            queries.append(f"{rng.choice(vocab)} {rng.choice(vocab)}")
    return queries








def run(seeds: Path, n_searches: int, limit: int) -> dict[str, Any]:
    from kartoteka import KB

    with tempfile.TemporaryDirectory() as tmp:
        kb = KB(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        results = kb.ingest([seeds])
        ingest_s = time.perf_counter() - t0
        statuses = [r.status for r in results]
        sources = kb.sources()
        queries = build_queries(seeds, n_searches)
        for q in queries[:10]:  # warm the page cache and the connection
            kb.search(q, limit=limit)
        times: list[float] = []
        hits = 0
        for q in queries:
            t = time.perf_counter()
            found = kb.search(q, limit=limit)
            times.append((time.perf_counter() - t) * 1000)
            hits += bool(found)
        db_bytes = sum(p.stat().st_size for p in Path(tmp).iterdir())
        kb.close()
    return {
        "documents": len(sources), "rejected": statuses.count("rejected"),
        "chars": sum(s["chars"] for s in sources), "db_mib": db_bytes / 2**20,
        "ingest_s": ingest_s, "searches": len(times), "with_hits": hits,
        "p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "max_ms": max(times),
    }


def section(label: str, command: str, how: str, version: str, r: dict[str, Any]) -> str:
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## Ingest and search: {label}\n\n"
        f"- command: `{command}`\n"
        f"- stages: {how}\n"
        f"- code: {version}\n"
        f"- machine: {machine()}\n"
        f"- date: {date}\n\n"
        "| measure | value |\n|---|---|\n"
        f"| documents ingested (rejected) | {r['documents']} ({r['rejected']}) |\n"
        f"| characters | {r['chars']:,} |\n"
        f"| ingestion, fresh KB | {r['ingest_s']:.2f} s |\n"
        f"| KB size | {r['db_mib']:.1f} MiB |\n"
        f"| searches (with hits) | {r['searches']} ({r['with_hits']}) |\n"
        f"| search p50 | {r['p50_ms']:.2f} ms |\n"
        f"| search p95 | {r['p95_ms']:.2f} ms |\n"
        f"| search max | {r['max_ms']:.2f} ms |\n"
    )




def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=Path(os.environ.get("KARTOTEKA_SEEDS", DEFAULT_SEEDS)))
    ap.add_argument("--stages", default=os.environ.get("KARTOTEKA_STAGES"),
                    help='comma-separated stage names; "" for none (the no-NLP foundation); default: all')
    ap.add_argument("--searches", type=int, default=200)
    ap.add_argument("--limit", type=int, default=10, help="hits per search")
    ap.add_argument("--commit", default=None, help="the code version to record (default: git describe)")
    ap.add_argument("--no-write", action="store_true", help=f"do not update {RESULTS.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"no seed corpus at {args.seeds}", file=sys.stderr)
        return 2
    how = apply_stages(args.stages)
    r = run(args.seeds, args.searches, args.limit)
    label = "default stages" if args.stages is None else f"stages={args.stages!r}"
    command = ".venv/bin/python bench/bench_ingest_search.py"
    if args.stages is not None:
        command += f" --stages {shlex.quote(args.stages)}"
    text = section(label, command, how, code_version(args.commit), r)
    print(text)
    if not args.no_write:
        write_section(f"bench_ingest_search: {label}", text)
        print(f"updated {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
