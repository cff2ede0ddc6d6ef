"""Server-side time of each web UI page on the seed KB, the largest dossier (Stalin's) included.

    .venv/bin/python bench/bench_web.py --db KB   # a built seed KB (copied first)
    .venv/bin/python bench/bench_web.py                              # builds one from ../shared/corpus/seeds
    .venv/bin/python bench/bench_web.py --db KB --no-write
    .venv/bin/python bench/bench_web.py --db KB --concurrent 16   # 16 clients at once, real server
    .venv/bin/python bench/bench_web.py --db KB --cpu             # CPU time of uncached builds

Each page is requested through Starlette's TestClient in this process (routing, KB queries,
template rendering; no sockets), once to warm up and then --runs times; the median and the
slowest run are reported against the 200 ms target. Writes (or replaces) its section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
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


def measure_cpu(db: Path, name: str, runs: int) -> list[dict[str, float | str]]:
    """CPU time of building each of the concurrency target's pages, uncached: one request at a
    time through TestClient, each URL with a query parameter of its own so that the page cache
    never answers, the process's CPU time (every thread: the app runs in TestClient's) taken
    around each. On a shared machine CPU time says what a page costs; wall time says how busy
    the neighbours are."""
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    rows: list[dict[str, float | str]] = []
    with TestClient(create_app(db)) as client:
        for label, url in concurrent_pages(db, name):
            sep = "&" if "?" in url else "?"
            client.get(f"{url}{sep}nocache=warm")  # imports, the query encoder, the vectors
            cpu, wall = [], []
            for n in range(runs):
                c, t = time.process_time(), time.perf_counter()
                r = client.get(f"{url}{sep}nocache={n}")
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200 or r.headers.get("x-page-cache") == "hit":
                    sys.exit(f"{url}: HTTP {r.status_code}, cache {r.headers.get('x-page-cache')}")
            rows.append({"page": label, "cpu_median": statistics.median(cpu), "cpu_min": min(cpu),
                         "wall_median": statistics.median(wall)})
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


CONCURRENT_TARGET_MS = 300.0
CONCURRENT_MARKER = "bench_web_concurrent"


def concurrent_pages(db: Path, name: str) -> list[tuple[str, str]]:
    """The pages the issue's concurrency target names: home, a search and a dossier."""
    by_label = dict(pages(db, name))
    return [("home", by_label["home"]), (f"search {name}", by_label[f"search {name}"]),
            (f"dossier {name}", by_label[f"dossier {name}"])]


def serve(db: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`kartoteka serve --read-only` on a free loopback port, in a child process; waits until it answers."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(db), "serve", "--read-only",
                             "--port", str(port)], cwd=benchlib.ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/favicon.svg", timeout=5):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.3)
    proc.kill()
    sys.exit("the server did not answer within 120 s")


def client(port: int, urls: list[tuple[str, str]], rounds: int, start: threading.Barrier,
           times: dict[str, list[float]], errors: list[str], lock: threading.Lock, uncached: bool = False) -> None:
    """One client: a keep-alive connection, ``rounds`` passes over the pages, each timed; with
    ``uncached`` each URL gets a query parameter of its own, so no request is a page-cache hit."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start.wait()
    for n in range(rounds):
        for label, url in urls[n % len(urls):] + urls[:n % len(urls)]:  # clients out of step
            if uncached:
                url += ("&" if "?" in url else "?") + f"nocache={threading.get_ident()}-{n}"
            t = time.perf_counter()
            try:
                conn.request("GET", url)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as e:
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(f"{url}: {type(e).__name__}")
            ms = (time.perf_counter() - t) * 1000
            with lock:
                times[label].append(ms)
                if status not in (0, 200):
                    errors.append(f"{url}: HTTP {status}")
    conn.close()


def measure_concurrent(db: Path, name: str, clients: int, rounds: int, uncached: bool = False) -> dict[str, Any]:
    """``clients`` threads at once against a real server on loopback; per page latencies (ms),
    and the first request of each page (built, not yet cached) from one client before them."""
    urls = concurrent_pages(db, name)
    proc, port = serve(db)
    try:
        times: dict[str, list[float]] = {label: [] for label, _ in urls}
        errors: list[str] = []
        lock = threading.Lock()
        first: dict[str, list[float]] = {label: [] for label, _ in urls}
        client(port, urls, 1, threading.Barrier(1), first, errors, lock)  # one pass alone: each page built
        start = threading.Barrier(clients)
        threads = [threading.Thread(target=client, args=(port, urls, rounds, start, times, errors, lock, uncached))
                   for _ in range(clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    rows = [{"page": label, "url": url, "n": len(times[label]), "median": statistics.median(times[label]),
             "p95": benchlib.percentile(times[label], 0.95), "max": max(times[label]), "first": first[label][0]}
            for label, url in urls]
    return {"rows": rows, "errors": errors, "wall": wall, "requests": sum(len(v) for v in times.values()),
            "clients": clients, "rounds": rounds, "load": os.getloadavg(), "uncached": uncached}


def concurrent_section(result: dict[str, Any], command: str, source: str) -> str:
    rows = result["rows"]
    worst = max(float(r["p95"]) for r in rows)
    load = ", ".join(f"{x:.1f}" for x in result["load"])
    title = "## Web UI under concurrent clients (bench_web --concurrent" + (" --uncached)" if result["uncached"] else ")")
    lines = [title, "",
             f"- command: `{command}`", f"- KB: {source}", f"- code: {benchlib.code_version()}",
             f"- machine: {benchlib.machine()}; load average after the run: {load}",
             f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"- method: `kartoteka serve --read-only` in a child process on loopback; {result['clients']} client"
             f" threads with keep-alive connections start together, {result['rounds']} requests each over the"
             f" pages below; target p95 under {CONCURRENT_TARGET_MS:.0f} ms, no errors. "
             + ("Every request carries a query parameter of its own, so none is served from the page cache."
                if result["uncached"] else "Pages are served from the page cache (kartoteka/web/pagecache.py) once"
                " built; 'first' is the one request that built each page, alone before the clients start."),
             "", "| page | requests | median ms | p95 ms | max ms | first ms |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['page']} | {r['n']} | {float(r['median']):.1f} | {float(r['p95']):.1f} |"
                     f" {float(r['max']):.1f} | {float(r['first']):.1f} |")
    verdict = "under" if worst < CONCURRENT_TARGET_MS else "NOT under"
    lines += ["", f"{result['requests']} requests in {result['wall']:.1f} s"
              f" ({result['requests'] / result['wall']:.1f} per second), {len(result['errors'])} errors;"
              f" worst p95 {worst:.1f} ms ({verdict} {CONCURRENT_TARGET_MS:.0f} ms)."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a built seed KB (copied to a temporary file first)")
    ap.add_argument("--seeds", type=Path, default=benchlib.DEFAULT_SEEDS)
    ap.add_argument("--entity", default="Stalin", help="the dossier to measure (default: Stalin)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    ap.add_argument("--concurrent", type=int, metavar="N", default=0,
                    help="instead: N clients at once against a real server on loopback (the issue's 16)")
    ap.add_argument("--rounds", type=int, default=12, help="requests per client with --concurrent")
    ap.add_argument("--cpu", action="store_true",
                    help="instead: CPU time of each uncached build of home, search and dossier, one at a time")
    ap.add_argument("--uncached", action="store_true",
                    help="with --concurrent: a distinct URL per request, so the page cache never answers")
    args = ap.parse_args()
    if args.concurrent:
        run_concurrent(args)
        return
    if args.cpu:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "web-bench.db"
            benchlib.seed_kb_at(db, args.db, args.seeds)
            for r in measure_cpu(db, args.entity, args.runs):
                print(f"{r['page']:<32} CPU median {float(r['cpu_median']):7.1f} ms  min {float(r['cpu_min']):7.1f} ms"
                      f"  wall median {float(r['wall_median']):7.1f} ms")
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web-bench.db"
        source = benchlib.seed_kb_at(db, args.db, args.seeds)
        rows = measure(db, args.entity, args.runs)
    for r in rows:
        print(f"{r['page']:<48} median {float(r['median']):7.1f} ms  max {float(r['max']):7.1f} ms  {float(r['kib']):6.0f} KiB")
    if not args.no_write:
        command = " ".join(["bench/bench_web.py", *map(shlex.quote, sys.argv[1:])])
        benchlib.write_section(MARKER, section(rows, f".venv/bin/python {command}", source, args.runs))


def run_concurrent(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web-bench.db"
        source = benchlib.seed_kb_at(db, args.db, args.seeds)
        result = measure_concurrent(db, args.entity, args.concurrent, args.rounds, args.uncached)
    for r in result["rows"]:
        print(f"{r['page']:<32} n {r['n']:4d}  median {float(r['median']):7.1f} ms  p95 {float(r['p95']):7.1f} ms"
              f"  max {float(r['max']):7.1f} ms  first {float(r['first']):7.1f} ms")
    print(f"{result['requests']} requests in {result['wall']:.1f} s, {len(result['errors'])} errors"
          + (f" (first: {result['errors'][0]})" if result["errors"] else ""))
    if not args.no_write:
        command = " ".join(["bench/bench_web.py", *map(shlex.quote, sys.argv[1:])])
        marker = CONCURRENT_MARKER + ("_uncached" if args.uncached else "")
        benchlib.write_section(marker, concurrent_section(result, f".venv/bin/python {command}", source))


if __name__ == "__main__":
    main()
