"""Retrieval variants measured offline on one KB: fusion by scores, document priors and quotas,
pseudo-relevance feedback. Top-5 hits and MRR@10 on dev and dev2, with the rank of each item.

    .venv/bin/python bench/bench_retrieval_variants.py --db KB

Each query's BM25 list (with the alias expansion of ``kartoteka.query.search``) and its dense
similarity to every passage are computed once through the KB's own code; the variants re-rank
those in this process, so none of them changes what ``kartoteka search`` returns. "rrf" is the
fusion without ``kartoteka.query.dense``'s feedback (e0b38d3's hybrid ranking). A hit is a top-5 passage of
the item's document that overlaps its quote (as ``../shared/eval/score.py`` judges it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def load(db: str) -> dict[str, Any]:
    """Per gold set, per item: the BM25 scores and dense similarities of every passage."""
    import numpy as np

    from kartoteka import KB
    from kartoteka.query import search as S
    from kartoteka.query.dense import dense_index

    out: dict[str, Any] = {}
    with KB(db, create=False) as kb:
        conn, cache = kb.conn, kb.search_cache
        index = dense_index(conn, cache, required=True)
        pos = {int(p): i for i, p in enumerate(index.ids)}
        spans = {r[0]: (r[1], r[2], r[3], r[4]) for r in conn.execute(
            "SELECT p.id, d.doc, p.start, p.end, p.layer FROM passages p JOIN documents d ON d.id = p.doc_id")}
        out["docs"], out["ids"] = index.docs, index.ids
        out["rows"], out["starts"] = index.matrix, index.starts
        out["main"] = np.array([spans[int(p)][3] != S.FURNITURE_LAYER for p in index.ids])
        for gold in ("dev", "dev2"):
            items = []
            for line in (EVAL / gold / "retrieval.jsonl").read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                it = json.loads(line)
                text = kb.text(it["doc"])
                i = text.find(it["quote"])
                j = i + len(it["quote"])
                goldi = {pos[p] for p, (doc, s, e, _l) in spans.items() if doc == it["doc"] and s < j and i < e and p in pos}
                expr = S.fts_query(it["q"], S.entity_phrases(conn, it["q"], cache=cache))
                b = np.zeros(len(index.ids))
                for pid, score in S.bm25_ranked(conn, expr, 5000):
                    if pid in pos:
                        b[pos[pid]] = score
                items.append({"q": index.vector(it["q"]), "b": b, "gold": goldi})
            out[gold] = items
    return out


def dense_of(data: dict[str, Any], q: Any) -> Any:
    import numpy as np

    return np.maximum.reduceat(data["rows"] @ q, data["starts"])


def rrf(data: dict[str, Any], b: Any, d: Any, k: int = 5, w: float = 2.0, pool: int = 60, floor: float = 0.2) -> list[int]:
    """kartoteka.query.search.fuse over its pools (the similarities given, no feedback)."""
    import numpy as np

    dd = np.where(data["main"], d, -9.0)
    scores: dict[int, float] = {}
    for r, i in enumerate(i for i in np.argsort(-b, kind="stable")[:pool] if b[i] > 0):
        scores[int(i)] = 1 / (k + r + 1)
    in_bm25 = set(scores)
    for r, i in enumerate(np.argsort(-dd, kind="stable")[:pool]):
        if int(i) in in_bm25 or d[i] >= floor:
            scores[int(i)] = scores.get(int(i), 0.0) + w / (k + r + 1)
    return sorted(scores, key=lambda i: -scores[i])


def quota(data: dict[str, Any], order: list[int], m: int) -> list[int]:
    """At most ``m`` passages of a document before every document's best ``m``."""
    seen: dict[int, int] = {}
    first, rest = [], []
    for i in order:
        doc = int(data["docs"][i])
        seen[doc] = seen.get(doc, 0) + 1
        (first if seen[doc] <= m else rest).append(i)
    return first + rest


def variants(data: dict[str, Any]) -> dict[str, Callable[[dict[str, Any]], list[int]]]:
    import numpy as np

    sizes = np.bincount(data["docs"])[data["docs"]].astype(float)

    def linear(a: float, g: float = 0.0) -> Callable[[dict[str, Any]], list[int]]:
        def run(it: dict[str, Any]) -> list[int]:
            d, b = dense_of(data, it["q"]), it["b"]
            s = d + a * (b / b.max() if b.max() > 0 else b) - g * np.log(sizes)
            return list(np.argsort(-np.where(data["main"], s, -9.0), kind="stable")[:10])
        return run

    def rocchio(k: int, beta: float, from_bm25: bool = False) -> Callable[[dict[str, Any]], list[int]]:
        """The query vector moved toward the best rows of the top k (dense, or BM25's passages)."""
        def run(it: dict[str, Any]) -> list[int]:
            rows = data["rows"] @ it["q"]
            if from_bm25:
                ends = [*data["starts"][1:], len(rows)]
                top = [int(data["starts"][i]) + int(np.argmax(rows[data["starts"][i]:ends[i]]))
                       for i in np.argsort(-it["b"])[:k] if it["b"][i] > 0]
            else:
                top = list(np.argsort(-rows)[:k])
            q2 = it["q"] + beta * data["rows"][top].mean(0) if top else it["q"]
            return rrf(data, it["b"], dense_of(data, q2 / np.linalg.norm(q2)))
        return run

    out: dict[str, Callable[[dict[str, Any]], list[int]]] = {
        "rrf, k=5, dense weight 2.0, no feedback (e0b38d3)": lambda it: rrf(data, it["b"], dense_of(data, it["q"])),
        "dense alone": linear(0.0),
    }
    for m in (1, 2, 3):
        out[f"rrf + document quota {m}"] = lambda it, m=m: quota(data, rrf(data, it["b"], dense_of(data, it["q"])), m)
    for a in (0.1, 0.2, 0.3):
        out[f"scores: cosine + {a} x BM25/max"] = linear(a)
    for g in (0.01, 0.02, 0.03):
        out[f"dense - {g} x ln(document passages)"] = linear(0.0, g)
        out[f"scores + 0.1 BM25, - {g} x ln(document passages)"] = linear(0.1, g)
    for k, beta in ((3, 0.3), (5, 0.3), (5, 0.6), (10, 0.3)):
        out[f"dense feedback (Rocchio) k={k}, beta={beta}"] = rocchio(k, beta)
        out[f"dense feedback from the BM25 top k={k}, beta={beta}"] = rocchio(k, beta, from_bm25=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    data = load(args.db)
    print("| variant | dev top-5 | dev MRR@10 | dev2 top-5 | dev2 MRR@10 | dev2 ranks |")
    print("|---|---:|---:|---:|---:|---|")
    for name, fn in variants(data).items():
        cells, ranks = [], []
        for gold in ("dev", "dev2"):
            ranks = [next((r for r, i in enumerate(fn(it)[:10], 1) if i in it["gold"]), None) for it in data[gold]]
            hits = sum(1 for r in ranks if r is not None and r <= 5)
            cells += [f"{hits}/{len(ranks)}", f"{sum(1 / r for r in ranks if r) / len(ranks):.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " | " + " ".join(str(r or "-") for r in ranks) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
