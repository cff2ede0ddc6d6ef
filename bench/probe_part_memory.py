"""Resident memory of the ingesting process after each part of one long generated text: does the
main process keep anything per part once the part is written?

    python bench/probe_part_memory.py --mb 4 --part-chars 200000 [--collect]

The text is bench_ingest_memory's generator; the ingest runs in this process (the parser's
workers are forked as usual), and after each part is written and released the main process's
RSS and the size of the KB's write-ahead log are printed. ``--collect`` runs a full garbage
collection and ``malloc_trim`` first, to tell garbage and freed-but-kept heap from live memory.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import runpy
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--part-chars", type=int, default=200_000)
    ap.add_argument("--collect", action="store_true", help="gc.collect() and malloc_trim(0) after each part")
    args = ap.parse_args()
    os.environ["KARTOTEKA_PART_CHARS"] = str(args.part_chars)  # read when the pipeline is imported

    import bench_ingest_memory

    import kartoteka.ingest.pipeline as pipeline

    work = Path(tempfile.mkdtemp(prefix="kartoteka-parts-"))
    src, db = work / "generated.txt", work / "kb.db"
    bench_ingest_memory.generate(src, args.mb)
    wal = db.with_name(db.name + "-wal")
    release, started, parts = pipeline.release, time.monotonic(), [0]

    def release_and_report(passages: list) -> None:
        release(passages)
        if args.collect:
            gc.collect()
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        wal_mb = wal.stat().st_size / 1e6 if wal.exists() else 0.0
        print(f"part {parts[0]:3d}  {time.monotonic() - started:6.0f} s  RSS {rss_mb():7.1f} MB  WAL {wal_mb:6.0f} MB",
              flush=True)
        parts[0] += 1

    pipeline.release = release_and_report
    sys.argv = ["kartoteka", "--db", str(db), "ingest", str(src)]
    try:
        runpy.run_module("kartoteka", run_name="__main__")
    except SystemExit as e:
        if e.code:
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"end  RSS {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
