"""The soft word rerank and corpus-drawn query expansion, swept: top-5 hits and MRR@10 on dev and dev2.

    .venv/bin/python bench/bench_retrieval_expand.py --db KB             # rerank weight x floor
    .venv/bin/python bench/bench_retrieval_expand.py --db KB --expand    # + BM25 OR-expansion by word neighbours
    .venv/bin/python bench/bench_retrieval_expand.py --db KB --descriptions
    .venv/bin/python bench/bench_retrieval_expand.py --db KB --timing    # load and per-query ms
    .venv/bin/python bench/bench_retrieval_expand.py --db KB --pool      # candidates per ranker

KB: one whose vectors include the vocabulary's (``kartoteka embed`` adds them). The rerank
(kartoteka.query.softmatch) adds SOFT_WEIGHT x a passage's soft word match to its fused score;
weight 0 is the fusion as it was. ``--expand`` also ORs into the BM25 expression each query word's
nearest vocabulary words (cosine >= a threshold, at most two per word, forms of the word itself
left out): the expansion idea, measured. ``--descriptions`` counts, for each query's pairs of
adjacent content words ("party boss"), the person entities whose pack description holds the pair:
how many entities a description-to-entity expansion would add. Constants are set in this process
only; pick on dev (top-5 hits, then MRR@10), then read dev2.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_retrieval import EVAL, items  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def neighbours(word: str, index: Any, dense: Any, threshold: float, most: int = 2) -> list[str]:
    """The vocabulary's words closest to ``word`` at or above ``threshold``, not forms of it."""
    import numpy as np

    from kartoteka.query.sentences import stem
    from kartoteka.query.softmatch import query_vectors

    sims = index.matrix.astype(np.float32) @ query_vectors([word], index, dense)[0]
    words = sorted(index.rows, key=index.rows.get)
    out = []
    for j in np.argsort(-sims)[:most + 6]:
        c = words[j]
        if sims[j] < threshold or len(out) == most:
            break
        if c == word or c.startswith(stem(word)) or word.startswith(stem(c)):
            continue
        out.append(c)
    return out


def expanded_expr(kb: Any, query: str, threshold: float | None) -> str:
    from kartoteka.query import search as S
    from kartoteka.query.dense import dense_index
    from kartoteka.query.softmatch import word_index

    expr = S.fts_query(query, S.entity_phrases(kb.conn, query, cache=kb.search_cache))
    if threshold is None:
        return expr
    dense = dense_index(kb.conn, kb.search_cache)
    index = word_index(kb.conn, kb.search_cache, len(dense.ids))
    extra = []
    for m in S._TOKEN.finditer(query):
        raw = m.group(2)
        if raw and raw[:1].islower():
            extra += [n for w in S.terms(raw) if len(w) >= 4 and w not in S.STOPWORDS
                      for n in neighbours(w, index, dense, threshold)]
    return expr + "".join(" OR " + S.word_stem_prefix(w) for w in dict.fromkeys(extra))


def rank_of(kb: Any, item: dict[str, Any], threshold: float | None) -> int | None:
    from kartoteka.query import search as S

    text = kb.text(item["doc"])
    i = text.find(item["quote"])
    j = i + len(item["quote"])
    expr = expanded_expr(kb, item["q"], threshold)
    ranked = S.rank(kb.conn, item["q"], expr, 10, None, mode="hybrid", cache=kb.search_cache)
    for r, hit in enumerate(S.render(kb.conn, ranked, expr, kb.search_cache), 1):
        if hit["doc"] == item["doc"] and hit["start"] < j and i < hit["end"]:
            return r
    return None


def measure(kb: Any, golds: dict[str, list[dict[str, Any]]], threshold: float | None) -> str:
    cells = []
    for rows in golds.values():
        ranks = [rank_of(kb, it, threshold) for it in rows]
        hits = sum(1 for r in ranks if r is not None and r <= 5)
        mrr = sum(1 / r for r in ranks if r is not None) / len(rows)
        cells.append(f"{hits}/{len(rows)}, MRR {mrr:.3f} [{' '.join(str(r or '-') for r in ranks)}]")
    return " | ".join(cells)


def descriptions(kb: Any, golds: dict[str, list[dict[str, Any]]]) -> None:
    from kartoteka.query.search import STOPWORDS, terms

    for name, rows in golds.items():
        for it in rows:
            words = terms(it["q"])
            pairs = [f"{a} {b}" for a, b in itertools.pairwise(words) if a not in STOPWORDS and b not in STOPWORDS]
            counts = {p: kb.conn.execute("SELECT COUNT(*) FROM entities WHERE type = 'person' AND"
                                         " lower(description) LIKE ?", (f"%{p}%",)).fetchone()[0] for p in pairs}
            found = {p: n for p, n in counts.items() if n}
            print(f"| {name} | {it['q'][:48]} | {found or '-'} |")


def timing(kb: Any) -> None:
    """Milliseconds to load the word vectors in a fresh cache, and per warm hybrid search without
    and with the rerank (queries written for the bench, none a gold item)."""
    import time

    from kartoteka.query.dense import dense_index
    from kartoteka.query.softmatch import word_index

    queries = ["Trotsky assassination in Mexico", "famine in the Ukraine villages", "purge of the army commanders",
               "insurrection in the capital", "show trial confessions"]
    dense = dense_index(kb.conn, kb.search_cache)
    t = time.perf_counter()
    word_index(kb.conn, kb.search_cache, len(dense.ids))
    print(f"| load word vectors | {1000 * (time.perf_counter() - t):.1f} |")
    for soft in (False, True, False, True):
        t = time.perf_counter()
        for q in queries * 3:
            kb.search(q, limit=10, soft=soft)
        print(f"| hybrid search, rerank {'on' if soft else 'off'}, ms a query | "
              f"{1000 * (time.perf_counter() - t) / (3 * len(queries)):.1f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--expand", action="store_true", help="also the BM25 OR-expansion by word neighbours")
    ap.add_argument("--descriptions", action="store_true", help="entities a description pair would pick out")
    ap.add_argument("--timing", action="store_true", help="load and per-query milliseconds of the rerank")
    ap.add_argument("--pool", action="store_true", help="the rerank over 40-150 candidates from each ranker")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from kartoteka import KB
    from kartoteka.query import softmatch

    golds = {g: items(EVAL / g) for g in ("dev", "dev2")}
    with KB(args.db, create=False) as kb:
        if args.descriptions:
            descriptions(kb, golds)
            return 0
        if args.timing:
            timing(kb)
            return 0
        if args.pool:
            from kartoteka.query import search

            for pool in (40, 60, 80, 100, 150):
                search.POOL = pool
                print(f"| pool {pool} | {softmatch.SOFT_WEIGHT} | {softmatch.SOFT_FLOOR} | {measure(kb, golds, None)} |", flush=True)
            return 0
        print("| expansion | weight | floor | dev | dev2 |\n|---|---|---|---|---|")
        thresholds: list[float | None] = [None, 0.85, 0.8, 0.75] if args.expand else [None]
        settings = [(0.0, 0.6)] + list(itertools.product((0.2, 0.4, 0.6, 0.8, 1.2, 2.0), (0.6, 0.7, 0.8)))
        if args.expand:
            settings = [(0.0, 0.6), (0.6, 0.6), (0.6, 0.7), (0.8, 0.7)]
        for t in thresholds:
            for w, f in settings:
                softmatch.SOFT_WEIGHT, softmatch.SOFT_FLOOR = w, f
                print(f"| {t or '-'} | {w} | {f} | {measure(kb, golds, t)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
