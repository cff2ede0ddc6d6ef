"""Does dense retrieval earn its cost? Hybrid against BM25 alone (and dense alone) on the gold sets.

    .venv/bin/python bench/bench_retrieval_modes.py --db KB                # seeds+more KB with vectors
    .venv/bin/python bench/bench_retrieval_modes.py --db KB --no-write

For every item of each gold set's ``retrieval.jsonl`` (default: ../shared/eval/dev and
../shared/eval/dev2, read at run time) it searches the query through the ``KB`` API in each mode
and counts a hit where one of the first five passages overlaps the quote, as
``../shared/eval/score.py --only retrieval`` does. It also prints the mean reciprocal rank (first
overlapping passage in the top 20). Writes the ``<!-- retrieval-modes -->`` section of
bench/RESULTS.md unless ``--no-write``.

``--sweep`` also tries the fusion constants of ``kartoteka.query.search`` (RRF_K, DENSE_WEIGHT)
over a grid and prints hybrid top 5 on each gold set: tune on dev, check on dev2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, code_version, machine, write_section  # noqa: E402

GOLDS = [ROOT.parent / "shared" / "eval" / "dev", ROOT.parent / "shared" / "eval" / "dev2"]
MODES = ("bm25", "dense", "hybrid")
DEPTH = 20


def items(gold: Path) -> list[dict[str, Any]]:
    path = gold / "retrieval.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip() and not x.lstrip().startswith("#")]


def rank_of(kb: Any, item: dict[str, Any], mode: str, texts: dict[str, str]) -> int | None:
    """1-based rank of the first hit overlapping the quote, or None within DEPTH."""
    doc = item["doc"]
    if doc not in texts:
        texts[doc] = kb.text(doc)
    i = texts[doc].find(item["quote"])
    if i < 0:
        return None
    j = i + len(item["quote"])
    for r, hit in enumerate(kb.search(item["q"], limit=DEPTH, mode=mode), 1):
        if hit["doc"] == doc and hit["start"] < j and i < hit["end"]:
            return r
    return None


def measure(kb: Any, gold: Path) -> dict[str, tuple[int, int, float]]:
    """mode -> (hits in top 5, items, MRR)."""
    texts: dict[str, str] = {}
    out = {}
    its = items(gold)
    for mode in MODES:
        ranks = [rank_of(kb, it, mode, texts) for it in its]
        top5 = sum(1 for r in ranks if r is not None and r <= 5)
        mrr = sum(1.0 / r for r in ranks if r) / max(1, len(ranks))
        out[mode] = (top5, len(its), mrr)
    return out


SWEEP_K = (2, 5, 10, 20, 60)
SWEEP_WEIGHT = (0.4, 0.6, 0.8, 1.0, 1.3)


def sweep(kb: Any, golds: list[Path]) -> list[str]:
    """Hybrid top 5 per (RRF_K, DENSE_WEIGHT), one column per gold set."""
    from kartoteka.query import search as search_module

    saved = search_module.RRF_K, search_module.DENSE_WEIGHT
    rows = []
    try:
        for k in SWEEP_K:
            for w in SWEEP_WEIGHT:
                search_module.RRF_K, search_module.DENSE_WEIGHT = k, w
                cells = []
                for gold in golds:
                    texts: dict[str, str] = {}
                    ranks = [rank_of(kb, it, "hybrid", texts) for it in items(gold)]
                    cells.append(f"{sum(1 for r in ranks if r is not None and r <= 5)}/{len(ranks)}")
                rows.append(f"| {k} | {w} | " + " | ".join(cells) + " |")
                print(rows[-1])
    finally:
        search_module.RRF_K, search_module.DENSE_WEIGHT = saved
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--gold", action="append", type=Path, help="gold folder (repeatable); default dev and dev2")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="also try the fusion constants over a grid")
    args = ap.parse_args()
    from kartoteka import KB

    kb = KB(args.db, create=False)
    rows = []
    for gold in args.gold or GOLDS:
        if not items(gold):
            print(f"{gold}: no retrieval items, skipped")
            continue
        for mode, (hits, n, mrr) in measure(kb, gold).items():
            rows.append(f"| {gold.name} | {mode} | {hits}/{n} ({hits / n:.0%}) | {mrr:.3f} |")
            print(rows[-1])
    table = "\n".join(["| gold | mode | top 5 | MRR@20 |", "|---|---|---|---|", *rows])
    golds = [g for g in (args.gold or GOLDS) if items(g)]
    if args.sweep:
        head = "| RRF_K | DENSE_WEIGHT | " + " | ".join(g.name for g in golds) + " |"
        rule = "|---|---|" + "---|" * len(golds)
        table += "\n\nFusion constants, hybrid top 5 (`--sweep`):\n\n" + "\n".join([head, rule, *sweep(kb, golds)])
    text = (f"## Retrieval: hybrid against BM25 alone\n\n`python bench/bench_retrieval_modes.py --db KB"
            f"{' --sweep' if args.sweep else ''}` (KB of seeds + more) at {code_version()} on {machine()}, "
            f"{dt.date.today()}.\n\n{table}\n")
    if not args.no_write:
        write_section("retrieval-modes", text)


if __name__ == "__main__":
    main()
