"""Peak memory and time of ingesting one large generated text file (issue 18): memory must follow
the passage, not the document, and time must grow linearly with size.

    python bench/bench_ingest_memory.py --sizes 1 50 [--write]

For each size (MB of UTF-8 text) a file of invented, varied paragraphs is written, ingested into a
fresh KB by `python -m kartoteka ingest` in a child process, and the memory of its whole process
tree (proportional set size summed over the main process and the parser's workers, with the RSS sum
beside it) is sampled every 2 s, with the tree's CPU time (user + system); the peak of that sum, the
CPU time and the wall time are reported. ``--keep DIR`` keeps the file, the KB, the ingest's output
and the samples (a TSV of wall s, CPU s, RSS MB, PSS MB, processes, highest factoid rowid committed,
comparisons stale) in DIR, so that a run too long to wait for can be judged from its curve. CPU time
is what the linearity check compares (the largest size's against (largest / smallest) x the
smallest's): on a shared machine wall time measures the neighbours. ``--part-chars N`` sets
$KARTOTEKA_PART_CHARS, so that a small machine can show the per-part bound at small sizes.
``--write`` records the table in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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


def tree(root: int) -> list[int]:
    """The process ``root`` and its live descendants (the parser's worker processes), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def tree_usage(root: int) -> tuple[float, float, float]:
    """(resident MB summed over the tree, proportional set size MB summed over the tree, CPU
    seconds of the tree: each live process's own and its reaped children's user + system time).
    The workers are forked from the main process and share its pages (the model): RSS counts
    those once per process, PSS divides them among the sharers, so the PSS sum is the tree's
    real footprint."""
    tick = os.sysconf("SC_CLK_TCK")
    rss = pss = cpu = 0.0
    for pid in tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            sizes = {line.split(":")[0]: int(line.split()[1]) for line in
                     Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]}
        except (OSError, IndexError, ValueError):
            continue
        rss, pss = rss + sizes.get("Rss", 0) / 1000, pss + sizes.get("Pss", 0) / 1000
        cpu += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    return rss, pss, cpu


def kb_progress(db: Path | None) -> tuple[int, bool]:
    """(the highest factoid rowid written, whether the comparisons are marked stale) of the KB
    being ingested, read without writing: a document's factoids become visible when it commits
    (with the stale mark), the comparisons clear the mark when done. (-1, False) before the KB
    has its tables."""
    import sqlite3

    if db is None or not db.exists():
        return -1, False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            top = conn.execute("SELECT MAX(rowid) FROM factoids").fetchone()[0] or 0
            stale = conn.execute("SELECT 1 FROM kb_state WHERE key = 'comparisons_stale'").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return -1, False
    return top, stale


def sample(pid: int, log: Path, every: float, started: float, db: Path | None = None) -> tuple[float, float, float]:
    """Sample the tree of ``pid`` until it ends, a line per sample appended to ``log`` (with the
    KB's progress, ``kb_progress``, where ``db`` is given); returns the peak RSS sum, the peak PSS
    sum and the last CPU time seen."""
    peak_rss = peak_pss = cpu = 0.0
    with log.open("w", encoding="utf-8") as out:
        out.write("wall_s\tcpu_s\trss_mb\tpss_mb\tprocesses\tfactoid_top\tstale\n")
        while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
            rss, pss, now_cpu = tree_usage(pid)
            top, stale = kb_progress(db)
            peak_rss, peak_pss, cpu = max(peak_rss, rss), max(peak_pss, pss), max(cpu, now_cpu)
            out.write(f"{time.monotonic() - started:.1f}\t{now_cpu:.1f}\t{rss:.0f}\t{pss:.0f}\t{len(tree(pid))}"
                      f"\t{top}\t{int(stale)}\n")
            out.flush()
            time.sleep(every)
    return peak_rss, peak_pss, cpu


def stage_peaks(log: Path) -> dict[str, tuple[float, float]]:
    """Per stage of one run, from its samples: (peak PSS MB, CPU s spent in it). "parse": the
    parser's workers live; "rest": one process before the document commits (the start, and each
    part's resolution, extraction and writing); then, every factoid committed, "compare" while
    the comparisons are marked stale and "embed" once they cleared the mark. A stage shorter than
    a sample (2 s) may be missed."""
    rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()[1:]]
    final = max((int(r[5]) for r in rows if len(r) > 6), default=-1)
    out: dict[str, list[float]] = {}
    last_cpu = 0.0
    for r in rows:
        if len(r) < 7:
            continue
        cpu, pss, procs, top, stale = float(r[1]), float(r[3]), int(r[4]), int(r[5]), r[6] == "1"
        if procs > 1:
            stage = "parse"
        elif top < final or top <= 0:
            stage = "rest"
        else:
            stage = "compare" if stale else "embed"
        peak = out.setdefault(stage, [0.0, 0.0])
        peak[0] = max(peak[0], pss)
        peak[1] += max(0.0, cpu - last_cpu)
        last_cpu = cpu
    return {k: (v[0], v[1]) for k, v in out.items()}


def _state(pid: int) -> str:
    try:
        return "zombie" if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z" else "live"
    except OSError:
        return "zombie"


def measure(megabytes: float, workdir: Path, env: dict[str, str], every: float = 2.0) -> dict[str, float]:
    """Ingest a fresh file of this size in a child process, sampling the resident memory and CPU
    time of its whole process tree (main process and parser workers) every ``every`` seconds;
    the samples go to ``samples_<size>mb.tsv`` in ``workdir`` as they are taken."""
    src = workdir / f"generated_{megabytes:g}mb.txt"
    size = generate(src, megabytes)
    db = workdir / f"kb_{megabytes:g}.db"
    for stale in workdir.glob(f"kb_{megabytes:g}.db*"):
        stale.unlink()
    started, cpu_before = time.monotonic(), children_cpu()
    with (workdir / f"ingest_{megabytes:g}mb.log").open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(src)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=benchlib.ROOT, env=env)
        peak_rss, peak, cpu = sample(proc.pid, workdir / f"samples_{megabytes:g}mb.tsv", every, started, db)
        proc.wait()
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest of {megabytes} MB failed (exit {proc.returncode}); see {out.name}")
    # The reaped child's own total (its workers included) is exact; the samples may miss the end.
    total_cpu = children_cpu() - cpu_before
    return {"mb": size / 1_000_000, "seconds": seconds, "cpu": max(cpu, total_cpu), "peak_mb": peak,
            "peak_rss_mb": peak_rss, "stages": stage_peaks(workdir / f"samples_{megabytes:g}mb.tsv")}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 50], help="sizes in MB (default: 1 50)")
    ap.add_argument("--part-chars", type=int, default=None, help="$KARTOTEKA_PART_CHARS for the ingest")
    ap.add_argument("--watch", type=int, metavar="PID", help="instead: sample an ingest already running"
                    " (its process tree) into --keep DIR/samples_watch.tsv until it ends")
    ap.add_argument("--keep", metavar="DIR", help="keep the files, KBs, ingest logs and samples in DIR")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    args = ap.parse_args()
    if args.watch:
        peak_rss, peak, cpu = sample(args.watch, Path(args.keep or ".") / "samples_watch.tsv", 2.0, time.monotonic())
        print(f"pid {args.watch}: peak PSS {peak:.0f} MB, peak RSS sum {peak_rss:.0f} MB, {cpu:.1f} CPU s when last seen")
        return
    env = dict(os.environ)
    if args.part_chars:
        env["KARTOTEKA_PART_CHARS"] = str(args.part_chars)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for mb in args.sizes:
            rows.append(measure(mb, workdir, env))
            r = rows[-1]
            print(f"{r['mb']:.2f} MB: {r['cpu']:.1f} CPU s, {r['seconds']:.1f} s wall, peak PSS {r['peak_mb']:.0f} MB"
                  f" (RSS summed {r['peak_rss_mb']:.0f} MB); by stage (peak PSS MB, CPU s): "
                  + ", ".join(f"{k} {p:.0f} MB {c:.0f} s" for k, (p, c) in r["stages"].items()),
                  flush=True)
    small, large = rows[0], rows[-1]
    ratio = large["cpu"] / (small["cpu"] * large["mb"] / small["mb"])
    print(f"CPU time of the largest / (size ratio x that of the smallest) = {ratio:.2f} (target <= 1.2)")
    lines = ["## Ingest memory and time on one large generated text (bench_ingest_memory)", "",
             f"Command: `python bench/bench_ingest_memory.py --sizes {' '.join(f'{s:g}' for s in args.sizes)}"
             + (f" --part-chars {args.part_chars}" if args.part_chars else "") + " --write`", "", f"Machine: {benchlib.machine()}; code {benchlib.code_version()}.", "",
             "| size (MB) | CPU time (s) | wall time (s) | peak PSS of the tree (MB) | peak RSS summed (MB) |"
             " PSS peak by stage (MB) |",
             "|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {r['mb']:.2f} | {r['cpu']:.1f} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['peak_rss_mb']:.0f} | "
              + ", ".join(f"{k} {p:.0f}" for k, (p, _c) in r["stages"].items()) + " |" for r in rows]
    lines += ["", f"Linearity: largest CPU time / (size ratio x smallest) = {ratio:.2f} (target at most 1.2);"
              f" peak at the largest size {large['peak_mb']:.0f} MB (target under 2048 MB)."]
    if args.write:
        benchlib.write_section("bench_ingest_memory", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
