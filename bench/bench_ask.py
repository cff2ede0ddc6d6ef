"""ask and search: warm latency, CLI cold start, and what the embed stage adds to ingestion.

    .venv/bin/python bench/bench_ask.py --db KB              # a seed KB with dense vectors
    .venv/bin/python bench/bench_ask.py --ingest             # also: a fresh seed ingestion, stage by stage
    .venv/bin/python bench/bench_ask.py --db KB --no-write

Warm: one process, the KB API, fixed questions and queries (written for the bench, about the
period the seeds cover; none is a gold item). Cold: a fresh `kartoteka` process per call, end to
end. Ingestion: the seeds into a fresh KB in this process with every stage timed; the embed
stage's share is its time over the time of everything else. Writes the ``<!-- ask -->`` section
of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import DEFAULT_SEEDS, code_version, machine, percentile, time_command, write_section  # noqa: E402

QUESTIONS = [
    "Who killed Trotsky?", "Who killed Kirov?", "When was Tukhachevsky shot?", "When was Bukharin arrested?",
    "When was Yagoda executed?", "Where was Trotsky killed?", "Where was Krivitsky born?",
    "Who replaced Yagoda?", "Who succeeded Yezhov?", "Who headed the NKVD in 1937?",
    "What position did Yezhov hold in 1937?", "What happened to Zinoviev?", "What happened to Radek?",
    "What was Stalin's real name?", "Which sources disagree about Yezhov?", "Which sources disagree about Kirov?",
    "How many delegates were arrested?", "How many people were shot in 1937?", "How long did the trial last?",
    "How old was Kirov when he was killed?", "Who was Stalin's second wife?", "Who chaired the trial of Bukharin?",
    "In what year did Lenin die?", "When did the Red Army purge begin?", "Who was the head of the OGPU?",
    "What was the title of Trotsky's book about the revolution?", "Who was the prosecutor at the Moscow trials?",
    "Where did Krivitsky die?", "Who recruited Krivitsky?", "What happened to Reiss?",
    "How many members of the Central Committee were shot?", "Who was Lenin's secretary?",
    "When did Yezhov fall?", "What did Krivitsky tell the British?", "Who betrayed Reiss?",
    "When was the Kirov murder?", "What post did Kamenev hold?", "Who was Gorky?",
    "Who painted the ceiling of the Sistine Chapel?", "How many tons of grain were exported in 1932?",
]
QUERIES = [
    "Kirov murder", "Yezhov", "Ezhov arrests", "NKVD chiefs", "show trial confession", "collectivization famine",
    "Tukhachevsky execution", "Trotsky assassination in Mexico", "Krivitsky defection", "Reiss murdered in Switzerland",
    "Great Terror quotas", "Politburo vote", "Red Army purge of commanders", "Bukharin letter to Stalin",
    "Lenin testament", "Yagoda poison doctors", "Spanish Civil War agents", "German Soviet pact toast",
    "labour camps in Kolyma", "secret police chief replaced", "wife of the marshal deported", "prison cell innocent",
    "kulaks deported to Siberia", "Seventeenth Congress ballots", "Zinoviev Kamenev trial 1936", "Menzhinsky death",
    "OGPU foreign department", "Gulag prisoners", "party purge expelled members", "Molotov foreign minister",
]


def warm(db: Path) -> dict[str, float]:
    from kartoteka import KB

    out: dict[str, float] = {}
    with KB(db, create=False) as kb:
        t0 = time.perf_counter()
        kb.search("warm up")
        kb.ask("Who killed Trotsky?")
        out["first ask in a process (vectors and encoder loaded)"] = (time.perf_counter() - t0) * 1000
        for mode in ("bm25", "dense", "hybrid"):
            forget(kb)
            kb.search("a warm-up query", mode=mode)
            times = []
            for q in QUERIES:
                t = time.perf_counter()
                kb.search(q, limit=10, mode=mode)
                times.append((time.perf_counter() - t) * 1000)
            out[f"search {mode} p50"] = percentile(times, 0.5)
            out[f"search {mode} p95"] = percentile(times, 0.95)
        forget(kb)
        times, unknown = [], 0
        for q in QUESTIONS:
            t = time.perf_counter()
            r = kb.ask(q)
            times.append((time.perf_counter() - t) * 1000)
            unknown += r["kind"] == "unknown"
        out["ask p50"] = percentile(times, 0.5)
        out["ask p95"] = percentile(times, 0.95)
        out["ask max"] = max(times)
        out["ask unknown answers"] = unknown
    return out


def forget(kb: object) -> None:
    """Drop what earlier queries left cached (encoded queries, name expansions), keeping the
    loaded vectors and model: each mode is timed on queries it has not seen."""
    cache = kb.search_cache  # type: ignore[attr-defined]
    cache.expansions.clear()
    if cache.dense:
        cache.dense._queries.clear()


def cold(db: Path, runs: int) -> dict[str, float]:
    exe = shutil.which("kartoteka") or str(Path(sys.executable).parent / "kartoteka")
    cases = {"search (hybrid)": ["search", "Trotsky assassination in Mexico"],
             "ask (structured)": ["ask", "Who killed Trotsky?"],
             "ask (sentence extractor)": ["ask", "How many delegates were arrested?"]}
    # The cold wall times depend on what else the machine runs; the load and the CPU times say how much.
    out: dict[str, float] = {"load average (1 min) before the cold runs": os.getloadavg()[0]}
    for label, args in cases.items():
        cpu: list[float] = []
        times = time_command([exe, "--db", str(db), "--json", *args], runs, cpu)
        out[f"cold {label} p50"] = percentile(times, 0.5)
        out[f"cold {label} p95"] = percentile(times, 0.95)
        out[f"cold {label} CPU p50"] = percentile(cpu, 0.5)
        out[f"cold {label} CPU p95"] = percentile(cpu, 0.95)
    return out


def ingest(seeds: Path) -> dict[str, float]:
    """A fresh seed ingestion in this process with every stage timed."""
    import resource

    from kartoteka import KB, pipeline
    from kartoteka.nlp.embed import passage_tokens

    pipeline.load_stages()
    spent: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for name, fn in list(pipeline.STAGES.items()):
        def timed(a, ctx, _fn=fn, _name=name):  # type: ignore[no-untyped-def]
            t, c = time.perf_counter(), time.process_time()
            _fn(a, ctx)
            spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t
            cpu[_name] = cpu.get(_name, 0.0) + time.process_time() - c
        pipeline.STAGES[name] = timed
    with tempfile.TemporaryDirectory() as d:
        t0, c0 = time.perf_counter(), time.process_time()
        with KB(Path(d) / "kb.db") as kb:
            kb.ingest([seeds])
            vectors = kb.conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        total = time.perf_counter() - t0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        total_cpu = time.process_time() - c0 + children.ru_utime + children.ru_stime
    embed, embed_cpu = spent.get("embed", 0.0), cpu.get("embed", 0.0)
    out: dict[str, float] = {
        "ingestion total, wall (s)": total, "embed stage, wall (s)": embed, "everything else, wall (s)": total - embed,
        "embedding adds, wall (target <= 25%)": 100.0 * embed / max(total - embed, 1e-9),
        "ingestion total, CPU incl. workers (s)": total_cpu, "embed stage, CPU (s)": embed_cpu,
        "embedding adds, CPU": 100.0 * embed_cpu / max(total_cpu - embed_cpu, 1e-9),
        "passages embedded": vectors, "passage length (word pieces)": passage_tokens(),
    }
    for name, s in spent.items():
        out[f"stage {name}, wall (s)"] = s
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a seed KB with dense vectors (warm and cold timings)")
    ap.add_argument("--ingest", action="store_true", help="time a fresh seed ingestion, stage by stage")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not (args.ingest or args.db):
        ap.error("give --db KB and/or --ingest")
    if args.ingest:
        tokens = os.environ.get("KARTOTEKA_EMBED_TOKENS")
        cmd = ("KARTOTEKA_EMBED_TOKENS=" + tokens + " " if tokens else "") + "python bench/bench_ask.py --ingest"
        report("ask-ingest" + (f"-{tokens}" if tokens else ""), "Embedding at ingestion" + (f", {tokens} word pieces" if tokens else ""),
               cmd, ingest(args.seeds), args.no_write)
    if args.db:
        if not args.db.exists():
            print(f"no KB at {args.db}", file=sys.stderr)
            return 2
        results = warm(args.db)
        results.update(cold(args.db, args.runs))
        report("ask", "ask and hybrid search", "python bench/bench_ask.py --db KB", results, args.no_write)
    return 0


def report(marker: str, title: str, cmd: str, results: dict[str, float], no_write: bool) -> None:
    lines = [f"| {k} | {v:,.1f} |" if isinstance(v, float) else f"| {k} | {v:,} |" for k, v in results.items()]
    text = "\n".join([
        f"## {title}",
        "",
        f"`{cmd}` at {code_version()} on {machine()}, {dt.date.today().isoformat()}. Times in ms unless marked.",
        "",
        "| measure | value |", "|---|---|", *lines,
    ])
    print(text, flush=True)
    if not no_write:
        write_section(marker, text)


if __name__ == "__main__":
    raise SystemExit(main())
