"""Peak memory and time of ingesting one large generated text file (issue 18): memory must follow
the passage, not the document, and time must grow linearly with size.

    python bench/bench_ingest_memory.py --sizes 1 50 [--write]

For each size (MB of UTF-8 text) a file of invented, varied paragraphs is written, ingested into a
fresh KB by `python -m kartoteka ingest` in a child process, and the child's peak resident memory
(ru_maxrss), its CPU time (user + system, children included: the parser's workers) and wall
time are taken. CPU time is what the linearity check compares (the largest size's against
(largest / smallest) x the smallest's): on a shared machine wall time measures the neighbours.
``--part-chars N`` sets $KARTOTEKA_PART_CHARS, so that a small machine can show the per-part
bound at small sizes. ``--write`` records the table in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

PEOPLE = ["Anselm Quarry", "Ottilie Brandt", "Bertram Vosk", "Mira Solberg", "Jonas Feld", "Halla Mervin",
          "Tobiah Crane", "Edda Lomm", "Casimir Ardent", "Rosalind Tew"]
PLACES = ["Kelport", "Dunmore", "Lindau", "Tarn", "Ostrava Mill", "Hesk", "Varrow", "Saint Elm"]
BODIES = ["the harbour board", "the mill cooperative", "the district council", "the ferry company"]
DEEDS = ["was appointed to {body} in {year}", "was arrested in {place} on {day} March {year}",
         "left {place} for {place2} in the spring of {year}", "was elected chair of {body} in {year}",
         "wrote to {person} from {place} in {year}", "met {person} in {place} in {year}",
         "was born in {place} in {year}", "died in {place} in {year}"]


def generate(path: Path, megabytes: float, seed: int = 11) -> int:
    """Write about ``megabytes`` MB of paragraphs; returns the size in bytes."""
    rnd = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            sentences = []
            for _ in range(rnd.randint(3, 7)):
                deed = rnd.choice(DEEDS).format(place=rnd.choice(PLACES), place2=rnd.choice(PLACES),
                                                body=rnd.choice(BODIES), person=rnd.choice(PEOPLE),
                                                year=rnd.randint(1820, 1960), day=rnd.randint(1, 28))
                sentences.append(f"{rnd.choice(PEOPLE)} {deed}.")
            para = " ".join(sentences) + "\n\n"
            fh.write(para)
            size += len(para.encode("utf-8"))
    return size


def measure(megabytes: float, workdir: Path, env: dict[str, str]) -> dict[str, float]:
    """Ingest a fresh file of this size in a child process: its peak RSS (MB) and seconds."""
    src = workdir / f"generated_{megabytes:g}mb.txt"
    size = generate(src, megabytes)
    db = workdir / f"kb_{megabytes:g}.db"
    started = time.monotonic()
    # A child per size: ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so measure
    # each in its own grandchild through a small wrapper that reports its own child's peak.
    wrapper = ("import resource, subprocess, sys\n"
               "code = subprocess.call(sys.argv[1:])\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
               "sys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "kartoteka", "--db", str(db),
                           "ingest", str(src)], capture_output=True, text=True, cwd=benchlib.ROOT, env=env)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest of {megabytes} MB failed: {proc.stderr.strip()[-500:]}")
    peak_kb, cpu = proc.stdout.strip().splitlines()[-1].split()
    return {"mb": size / 1_000_000, "seconds": seconds, "cpu": float(cpu), "peak_mb": int(peak_kb) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 50], help="sizes in MB (default: 1 50)")
    ap.add_argument("--part-chars", type=int, default=None, help="$KARTOTEKA_PART_CHARS for the ingest")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.part_chars:
        env["KARTOTEKA_PART_CHARS"] = str(args.part_chars)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            rows.append(measure(mb, Path(tmp), env))
            r = rows[-1]
            print(f"{r['mb']:.2f} MB: {r['cpu']:.1f} CPU s, {r['seconds']:.1f} s wall, peak {r['peak_mb']:.0f} MB",
                  flush=True)
    small, large = rows[0], rows[-1]
    ratio = large["cpu"] / (small["cpu"] * large["mb"] / small["mb"])
    print(f"CPU time of the largest / (size ratio x that of the smallest) = {ratio:.2f} (target <= 1.2)")
    lines = ["## Ingest memory and time on one large generated text (bench_ingest_memory)", "",
             f"Command: `python bench/bench_ingest_memory.py --sizes {' '.join(f'{s:g}' for s in args.sizes)}"
             + (f" --part-chars {args.part_chars}" if args.part_chars else "") + " --write`", "", f"Machine: {benchlib.machine()}; code {benchlib.code_version()}.", "",
             "| size (MB) | CPU time (s) | wall time (s) | peak RSS (MB) |", "|---:|---:|---:|---:|"]
    lines += [f"| {r['mb']:.2f} | {r['cpu']:.1f} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for r in rows]
    lines += ["", f"Linearity: largest CPU time / (size ratio x smallest) = {ratio:.2f} (target at most 1.2);"
              f" peak at the largest size {large['peak_mb']:.0f} MB (target under 2048 MB)."]
    if args.write:
        benchlib.write_section("bench_ingest_memory", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
