"""Where the ingesting process spends its time: one in-process ingest of the seeds, each stage and
step timed (wall and CPU), the parser processes' CPU at the end.

    python bench/nlp_stage_times.py KB [--seeds SEEDS] [--stages genre,nlp,resolve] [--profile OUT]

KB is written afresh. With ``--profile``, cProfile of this process (not the workers) goes to OUT.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import DEFAULT_SEEDS  # noqa: E402

TIMES: dict[str, list[float]] = {}


def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc = TIMES.setdefault(label, [0.0, 0.0])
            acc[0] += time.perf_counter() - t
            acc[1] += time.process_time() - c

    return run


def instrument() -> None:
    """Wrap the steps of one document's ingestion in timers (module attributes, this process only)."""
    import kartoteka.ingest.pipeline as ingest
    import kartoteka.nlp.stage as nlp_stage
    import kartoteka.pipeline as pipeline

    for name in ("read_analysis", "write_analysis"):
        setattr(ingest, name, timed(name, getattr(ingest, name)))
    pipeline.finish_run = timed("finish_run", pipeline.finish_run)
    for name in ("run_state", "load_model", "with_ruler", "passage_mentions"):
        setattr(nlp_stage, name, timed(name, getattr(nlp_stage, name)))
    load = ingest.load_stages
    ingest.load_stages = lambda: [(name, timed(name, fn)) for name, fn in load()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kb", type=Path)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--stages", default="genre,nlp,resolve")
    ap.add_argument("--profile", type=Path)
    args = ap.parse_args()
    os.environ["KARTOTEKA_STAGES"] = args.stages
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.kb) + suffix).unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    from kartoteka.api import KB

    instrument()
    with KB(args.kb) as kb:
        kb.ingest([args.seeds], n_process=2, embed=False)
    if prof:
        prof.disable()
        prof.dump_stats(args.profile)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"total wall {time.perf_counter() - t0:.1f} s, this process CPU {time.process_time() - c0:.1f} s, "
          f"parser processes CPU {kids.ru_utime + kids.ru_stime:.1f} s")
    for label, (wall, cpu) in TIMES.items():
        print(f"{label:20s} wall {wall:7.2f} s  CPU {cpu:7.2f} s")


if __name__ == "__main__":
    main()
