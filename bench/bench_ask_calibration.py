"""ask's confidence against its accuracy: every dev and dev2 question, judged as score.py judges it.

    .venv/bin/python bench/bench_ask_calibration.py --db KB [--gold ../shared/eval/dev ...] [--verbose]

Each question is asked through the KB API (one warm process); the answer is right when the folded
answer (at most 300 characters) holds one of the item's accepted strings and one citation's quote
stands at its offsets (in the item's document where it names one): the matching of
``../shared/eval/score.py``, whose ``fold`` is loaded from there at run time. Prints, per gold
set and pooled, a reliability table: confidence bins against how many answers in each were right,
and the share of answers at confidence >= 0.8 that were right (the issue asks for >= 90%).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
BINS = [(0.0, 0.0), (0.01, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 1.0)]


def load_fold(eval_dir: Path) -> Callable[[str], str]:
    """score.py's fold, so that this bench judges exactly as the harness does."""
    spec = importlib.util.spec_from_file_location("kartoteka_eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py under {eval_dir}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.fold


def judge(kb: Any, item: dict[str, Any], out: dict[str, Any], fold: Callable[[str], str]) -> bool:
    raw = str(out.get("answer", ""))
    if len(raw) > 300 or not any(fold(a) in fold(raw) for a in item["accept"]):
        return False
    texts: dict[str, str] = {}
    for c in out.get("citations") or []:
        if "doc" in item and c.get("doc") != item["doc"]:
            continue
        text = texts.setdefault(c["doc"], kb.text(c["doc"]))
        if text[c["start"]:c["end"]] == c["quote"]:
            return True
    return False


def bin_of(conf: float) -> tuple[float, float]:
    return next(b for b in reversed(BINS) if conf >= b[0])


def table(rows: list[tuple[float, bool, bool]]) -> list[str]:
    """rows: (confidence, answered, right)."""
    lines = ["| confidence | answers | right | accuracy |", "|---|---:|---:|---:|"]
    for lo, hi in BINS:
        inbin = [r for r in rows if bin_of(r[0]) == (lo, hi)]
        label = "0 (no answer)" if hi == 0 else f"{lo:.2f}-{hi:.2f}"
        right = sum(r[2] for r in inbin)
        acc = f"{100 * right / len(inbin):.0f}%" if inbin else "-"
        lines.append(f"| {label} | {len(inbin)} | {right} | {acc} |")
    high = [r for r in rows if r[0] >= 0.8]
    hr = sum(r[2] for r in high)
    lines.append(f"\nconfidence >= 0.8: {hr}/{len(high)} right"
                 + (f" ({100 * hr / len(high):.0f}%)" if high else "")
                 + f"; all questions: {sum(r[2] for r in rows)}/{len(rows)} right")
    return lines


def latency(db: str) -> None:
    """bench_ask's warm ask loop alone, for comparing two commits run back to back."""
    import time

    # The kartoteka that runs is the one PYTHONPATH names (so two commits can be timed alike).
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_ask import QUESTIONS

    from kartoteka import KB

    with KB(db, create=False) as kb:
        kb.search("warm up")
        kb.ask("Who killed Trotsky?")
        times, cpu = [], []
        for _ in range(2):
            for q in QUESTIONS:
                t, c = time.perf_counter(), time.process_time()
                kb.ask(q)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
    times.sort()
    cpu.sort()
    # CPU time (this process's, user + system) is what a loaded machine inflates least.
    print(f"ask warm p50 {times[len(times) // 2]:.0f} ms, p95 {times[int(len(times) * 0.95)]:.0f} ms;"
          f" CPU p50 {cpu[len(cpu) // 2]:.0f} ms, p95 {cpu[int(len(cpu) * 0.95)]:.0f} ms ({len(times)} asks)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--gold", action="append", help="gold folders (default: dev and dev2)")
    ap.add_argument("--verbose", action="store_true", help="print every question with its verdict")
    ap.add_argument("--latency", action="store_true",
                    help="only time warm ask on bench_ask's questions (twice each, one process): p50 and p95 in ms")
    args = ap.parse_args()
    if args.latency:
        latency(args.db)
        return
    golds = [Path(g) for g in args.gold] if args.gold else [EVAL / "dev", EVAL / "dev2"]
    fold = load_fold(golds[0].parent)
    from kartoteka import KB

    pooled: list[tuple[float, bool, bool]] = []
    with KB(args.db, create=False) as kb:
        for gold in golds:
            rows = []
            for line in (gold / "questions.jsonl").read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                out = kb.ask(item["q"])
                right = judge(kb, item, out, fold)
                conf = float(out.get("confidence") or 0.0)
                rows.append((conf, bool(out.get("answer")), right))
                if args.verbose:
                    mark = "ok  " if right else "MISS" if out.get("answer") else "--  "
                    print(f"{mark} {conf:.2f} {out.get('kind', ''):12} {item['q'][:70]!r} -> {str(out.get('answer'))[:90]!r}")
            print(f"\n## {gold.name} ({len(rows)} questions)")
            print("\n".join(table(rows)))
            pooled += rows
    if len(golds) > 1:
        print(f"\n## pooled ({len(pooled)} questions)")
        print("\n".join(table(pooled)))


if __name__ == "__main__":
    main()
