"""PostgreSQL against SQLite: ingest time, and warm search / entity / factoids latency (p50, p95).

    .venv/bin/python bench/bench_postgres.py                       # ../shared/corpus/more
    .venv/bin/python bench/bench_postgres.py --corpus ../shared/corpus/seeds ../shared/corpus/more
    .venv/bin/python bench/bench_postgres.py --repeat 2 --no-write

The PostgreSQL server is a throwaway cluster started for the run (kartoteka.store.pgtemp: initdb,
pg_ctl on a Unix socket, fsync off as for the tests), on the same machine as the SQLite file.
Ingest: `kartoteka ingest` of the corpus into a fresh KB, one child process per backend, timed end
to end; with ``--repeat N`` the backends alternate N times (SQLite, PostgreSQL, SQLite, ...) and
each one's fastest run counts, so that the load of a shared machine weighs on both alike. Queries: one process, the KB API, the same fixed queries on both (written for the bench,
none a gold item), the entity names the KB itself lists most mentioned, after one untimed round.
Writes the ``<!-- postgres -->`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, code_version, machine, percentile, write_section  # noqa: E402

QUERIES = [
    "Kirov murder", "Yezhov", "NKVD chiefs", "show trial confession", "collectivization famine",
    "Tukhachevsky execution", "Trotsky assassination", "Great Terror quotas", "Red Army purge",
    "Lenin testament", "labour camps", "secret police chief replaced", "party purge expelled members",
    "Molotov foreign minister", "Gulag prisoners", "arrested in 1937", "the Politburo", "shot*",
]


def ingest(db: str, corpus: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", db, "ingest", *corpus],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode not in (0, 2):
        sys.exit(f"ingest into {db} failed: {proc.stderr[-500:]}")
    return time.perf_counter() - t0


def latencies(db: str, rounds: int) -> dict[str, list[float]]:
    from kartoteka import KB
    from kartoteka.errors import KartotekaError

    with KB(db, create=False) as kb:
        names = [e["name"] for e in kb.entities(limit=15)]
        calls = {
            "search": [lambda q=q: kb.search(q) for q in QUERIES],
            "entity": [lambda n=n: kb.entity(n) for n in names],
            "factoids": [lambda n=n: kb.factoids(entity=n) for n in names],
        }
        out: dict[str, list[float]] = {k: [] for k in calls}
        for r in range(rounds + 1):
            for kind, fns in calls.items():
                for fn in fns:
                    t0 = time.perf_counter()
                    with contextlib.suppress(KartotekaError):  # an ambiguous name is an answer too
                        fn()
                    if r:  # the first round warms caches, untimed
                        out[kind].append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["../shared/corpus/more"],
                    help="paths, relative to the repository root or absolute")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from kartoteka.store.pgtemp import TempCluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        sys.exit("no PostgreSQL binaries (initdb, pg_ctl)")
    cluster = TempCluster(bin_dir, port=54329).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            secs: dict[str, float] = {}
            for run in range(args.repeat):
                dbs = {"SQLite": str(Path(tmp) / f"bench{run}.db"), "PostgreSQL": cluster.create_db(f"bench{run}")}
                for name, db in dbs.items():
                    secs[name] = min(secs.get(name, float("inf")), ingest(db, args.corpus))
            lat = {name: latencies(db, args.rounds) for name, db in dbs.items()}
    finally:
        cluster.stop()
    text = report(args, secs, lat)
    print(text)
    if not args.no_write:
        write_section("postgres", text)


def report(args: argparse.Namespace, secs: dict[str, float], lat: dict[str, dict[str, list[float]]]) -> str:
    corpus = " ".join(args.corpus)
    runs = f" --repeat {args.repeat}" if args.repeat > 1 else ""
    best = f"fastest of {args.repeat} alternating runs each" if args.repeat > 1 else "one run each"
    rows = [f"| ingest (s, {best}) | {secs['SQLite']:.1f} | {secs['PostgreSQL']:.1f} | "
            f"{secs['PostgreSQL'] / secs['SQLite']:.2f}× |"]
    for kind in ("search", "entity", "factoids"):
        lite, pg = lat["SQLite"][kind], lat["PostgreSQL"][kind]
        for q in (0.5, 0.95):
            a, b = percentile(lite, q), percentile(pg, q)
            rows.append(f"| {kind} p{int(q * 100)} (ms, n={len(pg)}) | {a:.1f} | {b:.1f} | {b / a:.2f}× |")
    return "\n".join([
        "## PostgreSQL against SQLite (issue 17)",
        "",
        f"Command: `.venv/bin/python bench/bench_postgres.py --corpus {corpus} --rounds {args.rounds}{runs}`",
        f"Measured {dt.date.today().isoformat()} at {code_version()} on {machine()}; a throwaway local",
        "cluster on a Unix socket (fsync off), the machine shared with other work (noisy).",
        "",
        "| | SQLite | PostgreSQL | ratio |",
        "|---|---|---|---|",
        *rows,
        "",
        "Targets (issue 17): ingest within 1.3×, search/entity/factoids p95 within 2×.",
    ])


if __name__ == "__main__":
    main()
