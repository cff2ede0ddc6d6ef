"""Server-side time of each web UI page on the seed KB, the largest dossier (Stalin's) included.

    .venv/bin/python bench/bench_web.py --db /work/seedkb/main.db   # a built seed KB (copied first)
    .venv/bin/python bench/bench_web.py                              # builds one from ../shared/corpus/seeds
    .venv/bin/python bench/bench_web.py --db KB --no-write

Each page is requested through Starlette's TestClient in this process (routing, KB queries,
template rendering; no sockets), once to warm up and then --runs times; the median and the
slowest run are reported against the 200 ms target. Writes (or replaces) its section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import benchlib

TARGET_MS = 200.0
MARKER = "bench_web"


def pages(db: Path, name: str) -> list[tuple[str, str]]:
    """(label, URL) for every page, centred on the entity NAME (the largest dossier)."""
    from kartoteka import KB

    with KB(db, create=False) as kb:
        eid = kb.resolve_name(name)
        if eid is None:
            sys.exit(f"no entity {name!r} in {db}")
        docs = sorted(kb.sources(), key=lambda s: -s["chars"])
        facts = kb.entity_factoids(eid)
    biggest = docs[0]["doc"]
    cited = next((f["source"] for f in facts if f["source"]["doc"] == biggest), None)
    e = quote(eid, safe="")
    out = [
        ("home", "/"),
        (f"search {name}", f"/search?q={quote(name)}"),
        ("search: a question", "/search?q=" + quote("Who replaced Yagoda?")),
        (f"dossier {name}", f"/entity/{e}"),
        ("timeline", "/timeline"),
        (f"timeline {name}", f"/timeline?entity={e}"),
        ("network", "/network"),
        (f"network around {name}", f"/network?center={e}"),
        (f"reader {biggest} (start)", f"/source/{quote(biggest)}"),
        ("conflicts", "/conflicts"),
        (f"conflicts {name}", f"/conflicts?entity={e}"),
    ]
    if cited:
        out.insert(9, (f"reader: a cited span of {name}",
                       f"/source/{quote(cited['doc'])}?start={cited['start']}&end={cited['end']}"))
    return out


def measure(db: Path, name: str, runs: int) -> list[dict[str, object]]:
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    rows = []
    with TestClient(create_app(db)) as client:
        for label, url in pages(db, name):
            r = client.get(url)
            if r.status_code != 200:
                sys.exit(f"{url}: HTTP {r.status_code}")
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            rows.append({"page": label, "url": url, "median": statistics.median(times),
                         "p95": benchlib.percentile(times, 0.95), "max": max(times),
                         "kib": len(r.content) / 1024})
    return rows


def section(rows: list[dict[str, object]], command: str, source: str, runs: int) -> str:
    worst = max(float(r["max"]) for r in rows)
    lines = ["## Web UI: server-side page times", "",
             f"- command: `{command}`", f"- KB: {source}", f"- code: {benchlib.code_version()}",
             f"- machine: {benchlib.machine()}",
             f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"- method: Starlette TestClient in one process, 1 warm-up then {runs} requests per page; target {TARGET_MS:.0f} ms",
             "", "| page | median ms | p95 ms | max ms | KiB |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['page']} | {float(r['median']):.1f} | {float(r['p95']):.1f} | {float(r['max']):.1f} |"
                     f" {float(r['kib']):.0f} |")
    verdict = "every page under" if worst < TARGET_MS else "NOT every page under"
    lines += ["", f"Slowest single request: {worst:.1f} ms ({verdict} {TARGET_MS:.0f} ms)."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a built seed KB (copied to a temporary file first)")
    ap.add_argument("--seeds", type=Path, default=benchlib.DEFAULT_SEEDS)
    ap.add_argument("--entity", default="Stalin", help="the dossier to measure (default: Stalin)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web-bench.db"
        source = benchlib.seed_kb_at(db, args.db, args.seeds)
        rows = measure(db, args.entity, args.runs)
    for r in rows:
        print(f"{r['page']:<48} median {float(r['median']):7.1f} ms  max {float(r['max']):7.1f} ms  {float(r['kib']):6.0f} KiB")
    if not args.no_write:
        command = " ".join(["bench/bench_web.py", *map(shlex.quote, sys.argv[1:])])
        benchlib.write_section(MARKER, section(rows, f".venv/bin/python {command}", source, args.runs))


if __name__ == "__main__":
    main()
