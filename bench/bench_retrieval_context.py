"""Retrieval variants measured for issue 15 and not shipped: top-5 hits and MRR@10 on dev and dev2.

    .venv/bin/python bench/bench_retrieval_context.py --db KB

Each variant re-ranks with the KB's own BM25 expression (this checkout's ``fts_query``) and dense
similarities (the query vector with its pseudo-relevance feedback, as ``kartoteka.query.dense``):

- window-count normalisation: a passage's best row minus g * ln(its rows), since the best of N
  window vectors grows with N;
- context vectors: the dense score plus lambda times the query's cosine to the passage's context
  (its document's title, or the entity its document names most, and its section heading);
- a BM25 context column: passages indexed again beside that context in a second FTS5 column of
  weight w (in a scratch copy of the KB; the KB itself is only read);
- a Porter-stemmed FTS5 index (same scratch copy) instead of the query-side stem prefixes;
- an entity boost: + beta to the fused score of a passage whose mentions link to an entity the
  query names.

``--prefix-estimate`` instead re-encodes only each missed gold passage's rows with its context
written before the text ("Title. Section. ", "Subject. Section. ", "Subject: ") and prints the
dense rank that best row would take among the other passages' current vectors: an estimate of
contextual vectors without re-embedding the KB (the other passages would move too).

A hit is a top-5 passage of the item's document that overlaps its quote, as
``../shared/eval/score.py`` judges retrieval. The rows are printed as markdown, with each gold
set's ranks in gold-file order ("-" = not in the top 10).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT))

Ranked = list[tuple[int, float]]


class Bench:
    """The KB read once: gold passages, BM25 expressions and lists, contexts, mentions."""

    def __init__(self, db: str, scratch: Path) -> None:
        from kartoteka import KB
        from kartoteka.query import search
        from kartoteka.query.dense import dense_index

        self.S = search
        self.kb = KB(db, create=False)
        self.conn = self.kb.conn
        self.cache = search.SearchCache()
        self.idx = dense_index(self.conn, self.cache, required=True)
        shutil.copy(db, scratch)
        self.scratch = sqlite3.connect(scratch)
        self.furniture = {r[0] for r in self.conn.execute("SELECT id FROM passages WHERE layer = 'furniture'")}
        self.items = {g: self._items(g) for g in ("dev", "dev2")}

    def _items(self, gold: str) -> list[dict[str, Any]]:
        out = []
        with (EVAL / gold / "retrieval.jsonl").open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                it = json.loads(line)
                text = self.kb.text(it["doc"]) or ""
                i = text.find(it["quote"])
                j = i + len(it["quote"])
                it["gold"] = {r[0] for r in self.conn.execute(
                    "SELECT p.id FROM passages p JOIN documents d ON d.id = p.doc_id"
                    " WHERE d.doc = ? AND p.start < ? AND ? < p.end", (it["doc"], j, i))}
                it["expr"] = self.S.fts_query(it["q"], self.S.entity_phrases(self.conn, it["q"], cache=self.cache))
                it["entities"] = set(self.S.query_entities(self.conn, it["q"]))
                out.append(it)
        return out

    # -- dense

    def query_vector(self, q: str) -> Any:
        import numpy as np

        from kartoteka.query.dense import FEEDBACK_ROWS, FEEDBACK_WEIGHT

        m = self.idx.matrix
        v = self.idx.vector(q)
        rows = m @ v
        top = np.argpartition(-rows, FEEDBACK_ROWS - 1)[:FEEDBACK_ROWS]
        v = v + FEEDBACK_WEIGHT * m[top].mean(0)
        return v / np.linalg.norm(v)

    def dense(self, q: str, g: float = 0.0, ctx: Any = None, lam: float = 0.0, limit: int = 60) -> Ranked:
        import numpy as np

        v = self.query_vector(q)
        sims = np.maximum.reduceat(self.idx.matrix @ v, self.idx.starts)
        if g:
            rows = np.diff(np.append(self.idx.starts, len(self.idx.matrix)))
            sims = sims - g * np.log(rows)
        if ctx is not None and lam:
            sims = sims + lam * (ctx @ v)
        top = np.argpartition(-sims, limit - 1)[:limit]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self.idx.ids[i]), float(sims[i])) for i in top]

    def contexts(self, kind: str) -> Any:
        """One vector per row of the dense index's passages: the encoded context strings."""
        import numpy as np

        from kartoteka.nlp.embed import encode_passages

        titles = dict(self.conn.execute("SELECT id, title FROM documents"))
        subject = self.subjects()
        strings = []
        for pid in self.idx.ids:
            doc_id, section = self.conn.execute("SELECT doc_id, section FROM passages WHERE id = ?",
                                                (int(pid),)).fetchone()
            strings.append(self.context(kind, titles[doc_id], subject.get(doc_id, titles[doc_id]), section))
        distinct = sorted(set(strings))
        vecs = dict(zip(distinct, encode_passages(distinct), strict=True))
        return np.stack([vecs[s] for s in strings])

    @staticmethod
    def context(kind: str, title: str, subject: str, section: str | None) -> str:
        head = title if kind == "title" else subject
        return head + (f". {section}" if section and section != title else "")

    def subjects(self) -> dict[int, str]:
        """Per document, the entity its mentions name most."""
        return {r[0]: r[1] for r in self.conn.execute(
            "WITH c AS (SELECT m.doc_id, e.name, row_number() OVER (PARTITION BY m.doc_id ORDER BY count(*) DESC) AS rk"
            " FROM mentions m JOIN entities e ON e.id = m.entity_id GROUP BY m.doc_id, e.id)"
            " SELECT doc_id, name FROM c WHERE rk = 1")}

    # -- BM25

    def bm25(self, expr: str, limit: int = 60) -> Ranked:
        return self.S.bm25_ranked(self.conn, expr, limit)

    def scratch_table(self, name: str, columns: str, tokenize: str, rows: list[tuple[Any, ...]]) -> None:
        marks = ",".join("?" * len(rows[0]))
        self.scratch.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({columns}, tokenize='{tokenize}')")
        self.scratch.executemany(f"INSERT INTO {name} (rowid, {columns}) VALUES ({marks})", rows)
        self.scratch.commit()

    def scratch_ranked(self, table: str, expr: str, weights: str = "", limit: int = 60) -> Ranked:
        rank = f"bm25({table}{', ' + weights if weights else ''})"
        rows = self.scratch.execute(f"SELECT rowid, -{rank} FROM {table} WHERE {table} MATCH ? ORDER BY {rank}"
                                    f" LIMIT ?", (expr, limit + len(self.furniture))).fetchall()
        return [(r[0], r[1]) for r in rows if r[0] not in self.furniture][:limit]

    # -- a row of the table

    def row(self, label: str, bm25: Callable[[dict[str, Any]], Ranked], dense: Callable[[dict[str, Any]], Ranked],
            beta: float = 0.0) -> str:
        cells = []
        for items in self.items.values():
            ranks = []
            for it in items:
                fused = self.S.fuse(bm25(it), dense(it), 120)
                if beta and it["entities"]:
                    fused = sorted(((p, s + beta * bool(self.mentioned(p) & it["entities"])) for p, s in fused),
                                   key=lambda ps: -ps[1])
                ranks.append(next((n for n, (p, _s) in enumerate(fused[:10], 1) if p in it["gold"]), None))
            hits = sum(1 for r in ranks if r is not None and r <= 5)
            mrr = sum(1 / r for r in ranks if r) / len(ranks)
            cells.append(f"{hits}/{len(ranks)} | {mrr:.3f} | {' '.join(str(r) if r else '-' for r in ranks)}")
        return f"| {label} | " + " | ".join(cells) + " |"

    def mentioned(self, pid: int) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT m.entity_id FROM mentions m JOIN passages p ON p.doc_id = m.doc_id"
            " WHERE p.id = ? AND m.start >= p.start AND m.end <= p.end AND m.entity_id IS NOT NULL", (pid,))}


def prefix_estimate(b: Bench) -> None:
    """For each item missed by the shipped hybrid: its gold passage's dense rank now, and the rank
    its best row would take with each context prefix."""
    import numpy as np

    from kartoteka.nlp.embed import encode_passages, sentence_windows

    titles = dict(b.conn.execute("SELECT id, title FROM documents"))
    subject = b.subjects()
    ids = list(b.idx.ids)
    for name, items in b.items.items():
        for it in items:
            fused = b.S.fuse(b.bm25(it["expr"]), b.dense(it["q"]), 5)
            if any(p in it["gold"] for p, _s in fused):
                continue
            v = b.query_vector(it["q"])
            sims = np.maximum.reduceat(b.idx.matrix @ v, b.idx.starts)
            pid = min(it["gold"])
            doc_id, section, body = b.conn.execute("SELECT doc_id, section, body FROM passages WHERE id = ?",
                                                   (pid,)).fetchone()
            now = int((sims > sims[ids.index(pid)]).sum()) + 1
            cells = [f"now {now}"]
            subj = subject.get(doc_id, titles[doc_id])
            for label, pre in (("title+section", b.context("title", titles[doc_id], subj, section) + ". "),
                               ("subject+section", b.context("subject", titles[doc_id], subj, section) + ". "),
                               ("subject", subj + ": ")):
                best = float((encode_passages([pre + t for t in (body, *sentence_windows(body))]) @ v).max())
                cells.append(f"{label} {int((sims > best).sum()) + 1}")
            print(f"| {name} | {it['q']} | " + " | ".join(cells) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--prefix-estimate", action="store_true", help="dense ranks of missed gold passages with a context prefix")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        b = Bench(args.db, Path(tmp) / "scratch.db")
        if args.prefix_estimate:
            prefix_estimate(b)
            return 0
        print("| variant | dev top-5 | dev MRR@10 | dev ranks | dev2 top-5 | dev2 MRR@10 | dev2 ranks |")
        print("|---|---:|---:|---|---:|---:|---|")
        bm = {it["q"]: b.bm25(it["expr"]) for items in b.items.values() for it in items}
        dn = {it["q"]: b.dense(it["q"]) for items in b.items.values() for it in items}
        base_bm, base_dense = (lambda it: bm[it["q"]]), (lambda it: dn[it["q"]])
        print(b.row("hybrid as shipped (k=5, dense weight 2.0)", base_bm, base_dense))
        for g in (0.005, 0.01, 0.02):
            print(b.row(f"window-count normalisation g={g}", base_bm, lambda it, g=g: b.dense(it["q"], g=g)))
        for kind in ("title", "subject"):
            ctx = b.contexts(kind)
            for lam in (0.1, 0.2, 0.3):
                print(b.row(f"dense + {lam} x cosine to {kind} + section", base_bm,
                            lambda it, c=ctx, lam=lam: b.dense(it["q"], ctx=c, lam=lam)))
        titles = dict(b.conn.execute("SELECT id, title FROM documents"))
        subject = b.subjects()
        bodies = b.conn.execute("SELECT id, doc_id, section, body FROM passages").fetchall()
        for kind in ("title", "subject"):
            b.scratch_table(f"ctx_{kind}", "body, ctx", "unicode61 remove_diacritics 2",
                            [(r[0], r[3], b.context(kind, titles[r[1]], subject.get(r[1], titles[r[1]]), r[2]))
                             for r in bodies])
            for w in (0.25, 0.5, 1.0):
                print(b.row(f"BM25 with a {kind} + section column of weight {w}",
                            lambda it, t=f"ctx_{kind}", w=w: b.scratch_ranked(t, it["expr"], f"1.0, {w}"), base_dense))
        b.scratch_table("porter", "body", "porter unicode61 remove_diacritics 2", [(r[0], r[3]) for r in bodies])
        print(b.row("Porter-stemmed index, query as written (no stem prefixes)",
                    lambda it: b.scratch_ranked("porter", b.S.fts_query(
                        it["q"], b.S.entity_phrases(b.conn, it["q"], cache=b.cache), stems=False)), base_dense))
        for beta in (0.02, 0.05, 0.1):
            print(b.row(f"entity boost {beta}", base_bm, base_dense, beta=beta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
