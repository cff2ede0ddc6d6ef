"""Memory and CPU time of the two stages that run after a document is written, on a copy of a KB
(issue 18: they must follow a batch or a subject, not the document), and a digest of what they
write, to show that two versions of the code write the same rows.

    python bench/bench_stage_memory.py compare KB   # recompute the comparisons on KB (written to!)
    python bench/bench_stage_memory.py embed KB     # embed KB's passages without vectors (written to!)
    python bench/bench_stage_memory.py digest KB    # SHA-1 of the sorted rows the two stages write

``compare`` prints the CPU seconds of ``recompute`` and the process's resident memory at the start
and at its peak (VmHWM); ``embed`` prints, after each committed batch of passages, the process's
RSS, PSS and anonymous memory and its CPU time. Run them on a copy: they rewrite the KB's derived
rows. With ``--fresh-profile`` ``compare`` first empties the documents' profiles, so that the text
statistics a profile caches are computed again.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import time
from pathlib import Path

DIGESTS = [("factoid_groups", "SELECT * FROM factoid_groups"), ("conflicts", "SELECT * FROM conflicts"),
           ("events", "SELECT * FROM events"), ("event_factoids", "SELECT * FROM event_factoids"),
           ("documents", "SELECT id, genre, profile FROM documents"), ("fiction", "SELECT id, fiction FROM factoids"),
           ("embeddings", "SELECT passage_id, model, vector FROM embeddings")]


def memory() -> dict[str, int]:
    """This process's memory in MB: RSS, PSS and anonymous (smaps_rollup), and its peak RSS (VmHWM)."""
    sizes = {line.split(":")[0]: int(line.split()[1]) for line in
             Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]}
    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return {"rss": sizes["Rss"] // 1024, "pss": sizes["Pss"] // 1024, "anon": sizes["Anonymous"] // 1024,
            "peak": hwm // 1024}


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def compare(path: str, fresh_profile: bool) -> None:
    from kartoteka.compare.stage import recompute

    conn = connect(path)
    if fresh_profile:
        with conn:
            conn.execute("UPDATE documents SET profile = '{}'")
    start, cpu = memory(), time.process_time()
    summary = recompute(conn)
    conn.commit()
    end = memory()
    print(f"{summary['factoids']} factoids, {summary['conflicts']} conflicts, {summary['events']} events:"
          f" {time.process_time() - cpu:.1f} CPU s; RSS at the start {start['rss']} MB, peak {end['peak']} MB"
          f" (+{end['peak'] - start['rss']} MB)")


def embed(path: str) -> None:
    from kartoteka.nlp import embed as stage

    conn = connect(path)
    cpu = time.process_time()
    stage.load_passage_model()
    print(f"model loaded: {memory()}", flush=True)

    def progress(done: int, total: int) -> None:
        m = memory()
        print(f"{done}/{total} passages: RSS {m['rss']} MB, PSS {m['pss']} MB, anonymous {m['anon']} MB,"
              f" {time.process_time() - cpu:.1f} CPU s", flush=True)

    stage.embed_missing(conn, on_progress=progress)


def digest(path: str) -> None:
    conn = connect(path)
    for table, sql in DIGESTS:
        rows = sorted(repr(tuple(r)) for r in conn.execute(sql))
        print(table, len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest()[:16])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["compare", "embed", "digest"])
    ap.add_argument("kb", help="a copy of a SQLite KB")
    ap.add_argument("--fresh-profile", action="store_true", help="compare: empty the profiles first")
    args = ap.parse_args()
    if args.what == "compare":
        compare(args.kb, args.fresh_profile)
    elif args.what == "embed":
        embed(args.kb)
    else:
        digest(args.kb)


if __name__ == "__main__":
    main()
