"""PostgreSQL against SQLite: ingest time, and warm search / entity / factoids latency (p50, p95).

    .venv/bin/python bench/bench_postgres.py                       # ../shared/corpus/more
    .venv/bin/python bench/bench_postgres.py --corpus ../shared/corpus/seeds ../shared/corpus/more
    .venv/bin/python bench/bench_postgres.py --repeat 2 --no-write
    .venv/bin/python bench/bench_postgres.py --sqlite KB --postgres URL   # queries of two built KBs

The PostgreSQL server is a throwaway cluster started for the run (kartoteka.store.pgtemp: initdb,
pg_ctl on a Unix socket, fsync off as for the tests), on the same machine as the SQLite file.
Ingest: `kartoteka ingest` of the corpus into a fresh KB, one child process per backend, timed end
to end; with ``--repeat N`` the backends alternate N times (SQLite, PostgreSQL, SQLite, ...) and
each one's fastest run counts, so that the load of a shared machine weighs on both alike.
Queries: one process, the KB API, the same fixed queries on both (written for the bench, none a
gold item), the entity names the KB itself lists most mentioned, after one untimed round; each
call runs on SQLite and then on PostgreSQL before the next. The load average is recorded.
Writes the ``<!-- postgres-round-trips -->`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
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


def latencies(dbs: dict[str, str], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Each call timed on every backend in turn (SQLite, then PostgreSQL, call by call), so that
    a burst of load from other work on a shared machine falls on both alike."""
    from kartoteka import KB

    kbs = {name: KB(db, create=False) for name, db in dbs.items()}
    try:
        first = next(iter(kbs.values()))
        names = [e["name"] for e in first.entities(limit=15)]
        calls = [("search", "search", (q,), {}) for q in QUERIES]
        calls += [("entity", "entity", (n,), {}) for n in names]
        calls += [("factoids", "factoids", (), {"entity": n}) for n in names]
        out: dict[str, dict[str, list[float]]] = {name: {k: [] for k in ("search", "entity", "factoids")} for name in kbs}
        trips = {name: _round_trips(kb) for name, kb in kbs.items()}
        for r in range(rounds + 1):
            for kind, method, args, kwargs in calls:
                for name, kb in kbs.items():
                    before = trips[name][0]
                    ms = _timed(getattr(kb, method), args, kwargs)
                    if r:  # the first round warms caches, untimed
                        out[name][kind].append(ms)
                        out[name].setdefault(f"{kind} round trips", []).append(trips[name][0] - before)
    finally:
        for kb in kbs.values():
            kb.close()
    return out


def _round_trips(kb: object) -> list[int]:
    """A counter of the statements a PostgreSQL KB sends (each is a round trip to the server;
    psycopg opens a cursor for each); stays at 0 for SQLite."""
    counter = [0]
    raw = getattr(kb.conn, "raw", None)  # type: ignore[attr-defined]
    if raw is not None:
        inner = raw.cursor

        def cursor(*args: object, **kwargs: object) -> object:
            counter[0] += 1
            return inner(*args, **kwargs)
        raw.cursor = cursor
    return counter


def _timed(fn: object, args: tuple, kwargs: dict) -> float:
    from kartoteka.errors import KartotekaError

    t0 = time.perf_counter()
    with contextlib.suppress(KartotekaError):  # an ambiguous name is an answer too
        fn(*args, **kwargs)  # type: ignore[operator]
    return (time.perf_counter() - t0) * 1000


def stage_costs(dbs: dict[str, str], corpus: list[str]) -> dict[str, dict[str, float]]:
    """Seconds of the driver's serial work in an in-process ingest into each KB: the documents'
    writes (each its own transaction), the run-level comparison, and the deferred embedding;
    the rest (reading, parsing, resolving, extracting) is the same on both backends."""
    import kartoteka.ingest.pipeline as ingest_pipeline
    import kartoteka.pipeline as run_pipeline
    from kartoteka import KB

    out: dict[str, dict[str, float]] = {}
    spent: dict[str, float] = {}

    def timed(module: object, name: str, label: str) -> None:
        inner = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0
        setattr(module, name, wrapper)

    timed(ingest_pipeline, "write_analysis", "write")
    timed(run_pipeline, "finish_run", "compare")
    timed(ingest_pipeline, "run_deferred", "embed")
    for name, db in dbs.items():
        spent.clear()
        t0 = time.perf_counter()
        with KB(db) as kb:
            kb.ingest([str(ROOT / c) for c in corpus])
        out[name] = {**spent, "total": time.perf_counter() - t0}
    return out


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["../shared/corpus/more"],
                    help="paths, relative to the repository root or absolute")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--sqlite", help="an existing SQLite KB: time its queries, ingest nothing (with --postgres)")
    ap.add_argument("--postgres", help="an existing PostgreSQL KB's URL, built from the same corpus as --sqlite")
    ap.add_argument("--stage-costs", action="store_true",
                    help="time the driver's serial work (writes, comparison, embedding) of one in-process ingest each")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.stage_costs:
        text = _stage_costs_report(args)
        print(text)
        if not args.no_write:
            write_section("postgres-stage-costs", text)
        return
    if bool(args.sqlite) != bool(args.postgres):
        sys.exit("--sqlite and --postgres go together")
    if args.sqlite:
        before = load()
        lat = latencies({"SQLite": args.sqlite, "PostgreSQL": args.postgres}, args.rounds)
        text = report(args, {}, lat, (before, load()))
    else:
        text = _ingest_and_time(args)
    print(text)
    if not args.no_write:
        write_section("postgres-round-trips", text)


def _ingest_and_time(args: argparse.Namespace) -> str:
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
            before = load()
            lat = latencies(dbs, args.rounds)
            return report(args, secs, lat, (before, load()))
    finally:
        cluster.stop()


def _stage_costs_report(args: argparse.Namespace) -> str:
    from kartoteka.store.pgtemp import TempCluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        sys.exit("no PostgreSQL binaries (initdb, pg_ctl)")
    size = sum(f.stat().st_size for c in args.corpus for f in (ROOT / c).rglob("*") if f.is_file())
    cluster = TempCluster(bin_dir, port=54329).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            before = load()
            costs = stage_costs({"SQLite": str(Path(tmp) / "costs.db"), "PostgreSQL": cluster.create_db("costs")},
                                args.corpus)
            after = load()
    finally:
        cluster.stop()
    mb = size / 1e6
    rows = [f"| {label} | {costs['SQLite'].get(label, 0):.1f} | {costs['PostgreSQL'].get(label, 0):.1f} | "
            f"{costs['SQLite'].get(label, 0) / mb:.2f} | {costs['PostgreSQL'].get(label, 0) / mb:.2f} |"
            for label in ("write", "compare", "embed", "total")]
    return "\n".join([
        "## The driver's serial work on each backend (issue 17)",
        "",
        f"Command: `python bench/bench_postgres.py --stage-costs --corpus {' '.join(args.corpus)}` ({mb:.2f} MB)",
        f"Measured {dt.date.today().isoformat()} at {code_version()} on {machine()}; one in-process ingest",
        "into a fresh SQLite KB, then one into a fresh database of a throwaway local cluster (Unix socket,",
        f"fsync off); load average before {before}, after {after}. write: every document's transaction;",
        "compare: the run-level comparison; embed: the deferred embedding; total: the whole ingest",
        "(the first one also loads the models).",
        "",
        "| seconds | SQLite | PostgreSQL | SQLite s/MB | PostgreSQL s/MB |",
        "|---|---|---|---|---|",
        *rows,
    ])


def report(args: argparse.Namespace, secs: dict[str, float], lat: dict[str, dict[str, list[float]]],
           loads: tuple[str, str]) -> str:
    corpus = " ".join(args.corpus)
    runs = f" --repeat {args.repeat}" if args.repeat > 1 else ""
    best = f"fastest of {args.repeat} alternating runs each" if args.repeat > 1 else "one run each"
    rows = [f"| ingest (s, {best}) | {secs['SQLite']:.1f} | {secs['PostgreSQL']:.1f} | "
            f"{secs['PostgreSQL'] / secs['SQLite']:.2f}× |"] if secs else []
    for kind in ("search", "entity", "factoids"):
        lite, pg = lat["SQLite"][kind], lat["PostgreSQL"][kind]
        for q in (0.5, 0.95):
            a, b = percentile(lite, q), percentile(pg, q)
            rows.append(f"| {kind} p{int(q * 100)} (ms, n={len(pg)}) | {a:.1f} | {b:.1f} | {b / a:.2f}× |")
        trips = lat["PostgreSQL"].get(f"{kind} round trips")
        if trips:
            rows.append(f"| {kind}: PostgreSQL statements per call (mean) | | {sum(trips) / len(trips):.1f} | |")
    command = (f"--sqlite KB --postgres URL --rounds {args.rounds}" if args.sqlite
               else f"--corpus {corpus} --rounds {args.rounds}{runs}")
    return "\n".join([
        "## PostgreSQL against SQLite, queries call by call (issue 17)",
        "",
        f"Command: `python bench/bench_postgres.py {command}`",
        f"Measured {dt.date.today().isoformat()} at {code_version()} on {machine()}; a throwaway local",
        "cluster on a Unix socket (fsync off), the machine shared with other work. Each call runs on",
        "SQLite then on PostgreSQL before the next call, so load from other work falls on both alike;",
        f"load average (1, 5, 15 min) before the queries {loads[0]}, after {loads[1]}.",
        "",
        "| | SQLite | PostgreSQL | ratio |",
        "|---|---|---|---|",
        *rows,
        "",
        "Targets (issue 17): ingest within 1.3×, search/entity/factoids p95 within 2×.",
    ])


if __name__ == "__main__":
    main()
