"""NLP overhead: full ingestion of the seeds vs bare ``nlp.pipe`` over the same passages, one run.

    .venv/bin/python bench/bench_nlp.py                   # default stages, both cores
    .venv/bin/python bench/bench_nlp.py --stages genre,nlp,resolve --n-process 1

Both sides use the same model package, the same passages (what the nlp stage selects) and the
same scheduling (``kartoteka.nlp.model.workers_for``: worker processes for large documents).
Writes its section of bench/RESULTS.md between ``<!-- nlp -->`` markers (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import DEFAULT_SEEDS, code_version, write_section  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process and of its finished children (KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished, waited-for descendants."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bare(seeds: Path, n_process: int) -> tuple[float, int, int, float, float]:
    """Seconds for import spacy + spacy.load + nlp.pipe over the passages the nlp stage would
    parse, the CPU seconds they took (this process and its spaCy workers: a machine shared with
    other work stretches wall time, CPU time much less), and the seconds of the import alone. The
    full side's child process imports spaCy too (with thinc, which imports torch where installed)."""
    from kartoteka.analysis import Analysis
    from kartoteka.ingest.readers import read_document
    from kartoteka.ingest.structure import detect_structure
    from kartoteka.nlp.model import BATCH_SIZE, model_package, workers_for
    from kartoteka.nlp.stage import selected

    per_doc = []
    for path in sorted(p for p in seeds.iterdir() if p.is_file()):
        raw = read_document(path)
        segments, passages = detect_structure(raw)
        a = Analysis(doc=path.name, path=str(path), format=raw.format, sha256="", text=raw.text, title="",
                     segments=segments, passages=passages)
        per_doc.append([a.passages[n].body for n in selected(a)])
    assert "spacy" not in sys.modules, "the import of spaCy is timed: nothing before may import it"
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    import spacy

    t_import = time.perf_counter() - t0
    nlp = spacy.load(model_package())
    n_docs = chars = 0
    for texts in per_doc:
        for _ in nlp.pipe(texts, n_process=workers_for(texts, n_process), batch_size=BATCH_SIZE):
            n_docs += 1
        chars += sum(map(len, texts))
    wall = time.perf_counter() - t0
    return wall, n_docs, chars, time.process_time() - c0 + children_cpu() - k0, t_import


def full(seeds: Path, n_process: int, stages: str | None) -> tuple[float, float]:
    """Seconds for `kartoteka ingest` of the seeds into a fresh KB, in a child process, and the
    CPU seconds of that child and its spaCy workers."""
    env = dict(os.environ)
    env.pop("KARTOTEKA_DB", None)
    if stages is not None:
        env["KARTOTEKA_STAGES"] = stages
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        code = (f"from kartoteka.api import KB; KB({str(db)!r}).ingest([{str(seeds)!r}], n_process={n_process})")
        t0, k0 = time.perf_counter(), children_cpu()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        return time.perf_counter() - t0, children_cpu() - k0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--stages", default=None, help="KARTOTEKA_STAGES for the full run (default: all)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not args.seeds.is_dir():
        sys.exit(f"no seed corpus at {args.seeds}")
    t_full, cpu_full = full(args.seeds, args.n_process, args.stages)
    mem_full = peak_mb()
    t_bare, n_docs, chars, cpu_bare, t_import = bare(args.seeds, args.n_process)
    mem = peak_mb()
    ratio = t_full / t_bare
    commit = code_version()
    cmd = shlex.join(["python", "bench/bench_nlp.py", *sys.argv[1:]])
    lines = [
        f"## NLP overhead: stages={args.stages if args.stages is not None else 'default'}, "
        f"n_process={args.n_process}",
        "",
        f"`{cmd}` at {commit} on {platform.node()} ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}), {dt.date.today().isoformat()}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| full ingestion of the seeds (child process, fresh KB) | {t_full:.1f} s |",
        f"| bare `import spacy` + `spacy.load` + `nlp.pipe`, same passages ({n_docs} passages, {chars:,} chars)"
        f" | {t_bare:.1f} s |",
        f"| of which `import spacy` | {t_import:.1f} s |",
        f"| ratio full / bare (target ≤ 1.3) | {ratio:.2f} |",
        f"| ratio full / bare without the import (as counted before) | {t_full / (t_bare - t_import):.2f} |",
        f"| CPU time (user + system, workers included): full / bare | {cpu_full:.1f} s / {cpu_bare:.1f} s |",
        f"| CPU ratio full / bare | {cpu_full / cpu_bare:.2f} |",
        f"| peak resident memory, ingestion (largest process) | {mem_full:.0f} MB |",
        f"| peak resident memory, whole bench | {mem:.0f} MB |",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("nlp", text)


if __name__ == "__main__":
    main()
