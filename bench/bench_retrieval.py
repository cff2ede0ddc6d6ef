"""Retrieval per search mode, and the fusion constants swept: top-5 hits and MRR@10 on dev and dev2.

    .venv/bin/python bench/bench_retrieval.py --db KB                 # bm25, dense, hybrid
    .venv/bin/python bench/bench_retrieval.py --db KB --sweep         # hybrid over RRF_K x DENSE_WEIGHT
    .venv/bin/python bench/bench_retrieval.py --db KB --code OTHER    # another checkout's code

A hit is a top-5 passage of the item's document that overlaps its quote, as
``../shared/eval/score.py`` judges retrieval (which runs ``kartoteka search QUERY --limit 5``).
The sweep sets ``kartoteka.query.search``'s constants in this process only; pick on dev, then
read dev2 (a setting that gains on dev and loses on dev2 is fitting).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def items(gold: Path) -> list[dict[str, Any]]:
    with (gold / "retrieval.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rank_of(kb: Any, item: dict[str, Any], mode: str) -> int | None:
    """1-based rank of the first hit among the top 10, or None."""
    text = kb.text(item["doc"])
    i = text.find(item["quote"]) if text else -1
    if i < 0:
        return None
    j = i + len(item["quote"])
    for r, hit in enumerate(kb.search(item["q"], limit=10, mode=mode), 1):
        if hit["doc"] == item["doc"] and hit["start"] < j and i < hit["end"]:
            return r
    return None


def measure(kb: Any, golds: dict[str, list[dict[str, Any]]], mode: str) -> dict[str, tuple[int, int, float]]:
    """Per gold set: (top-5 hits, items, MRR@10)."""
    out = {}
    for name, rows in golds.items():
        ranks = [rank_of(kb, it, mode) for it in rows]
        hits = sum(1 for r in ranks if r is not None and r <= 5)
        mrr = sum(1 / r for r in ranks if r is not None) / max(1, len(rows))
        out[name] = (hits, len(rows), mrr)
    return out


def line(label: str, res: dict[str, tuple[int, int, float]]) -> str:
    cells = [f"{h}/{n} ({100 * h / n:.0f}%), MRR {m:.3f}" for h, n, m in res.values()]
    return f"| {label} | " + " | ".join(cells) + " |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--gold", action="append", help="gold folders (default: dev and dev2)")
    ap.add_argument("--sweep", action="store_true", help="hybrid over RRF_K x DENSE_WEIGHT")
    ap.add_argument("--code", default=str(ROOT), help="the checkout whose kartoteka runs (default: this one)")
    args = ap.parse_args()
    sys.path.insert(0, args.code)
    from kartoteka import KB
    from kartoteka.query import search

    golds = {Path(g).name: items(Path(g)) for g in (args.gold or [str(EVAL / "dev"), str(EVAL / "dev2")])}
    print("| setting | " + " | ".join(golds) + " |")
    print("|---" * (len(golds) + 1) + "|")
    with KB(args.db, create=False) as kb:
        if not args.sweep:
            for mode in ("bm25", "dense", "hybrid"):
                print(line(mode, measure(kb, golds, mode)))
            return 0
        for k, w in itertools.product((2, 5, 10, 20, 60), (0.6, 1.0, 1.5, 2.0, 3.0)):
            search.RRF_K, search.DENSE_WEIGHT = k, w
            print(line(f"k={k}, dense weight {w}", measure(kb, golds, "hybrid")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
