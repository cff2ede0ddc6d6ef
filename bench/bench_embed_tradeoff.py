"""What cheaper passage vectors would cost: the embed stage's price against search quality.

    .venv/bin/python bench/bench_embed_tradeoff.py --db KB              # a seed KB with vectors
    .venv/bin/python bench/bench_embed_tradeoff.py --db KB --no-write

Issue 6 allows embedding to add 25% to ingestion, and it adds about 60% here. This measures the
ways of paying less. Variants: every passage that has a vector in KB is encoded again, in a
temporary copy of the KB, at a passage length (word pieces) and from either the passage as
written or the passage with English stopwords and punctuation dropped (more words fit in the same
pieces). For each one the table gives the pieces encoded, CPU and wall seconds, and search quality
on the dev gold set's queries: its retrieval items and the evidence of its questions, read at run
time from ../shared/eval/dev (the variants part is skipped where that is absent). For each query
it takes the rank of the first passage holding the start of the quote, in dense and in hybrid
search, and reports the mean reciprocal rank and the hits in the top 5. Set-ups: the default
encoder configuration against the other ways tried to run the same model faster on 400 passages
drawn from KB, with the smallest cosine of each to float32. Writes the ``<!-- embed-tradeoff -->``
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, code_version, machine, write_section  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "dev"
VARIANTS = [("as written", 128), ("as written", 96), ("as written", 64), ("as written", 48),
            ("stopwords dropped", 128), ("stopwords dropped", 64)]
WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def gold_queries() -> list[tuple[str, str, str]]:
    """(query, document, quote) for the dev retrieval items and question evidence."""
    out = []
    for name, field in (("retrieval", "quote"), ("questions", "evidence")):
        path = GOLD / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            line = line.strip()
            if line and not line.startswith("#"):
                item = json.loads(line)
                if item.get(field):
                    out.append((item["q"], item["doc"], item[field]))
    return out


def stopwords_dropped(text: str) -> str:
    from spacy.lang.en.stop_words import STOP_WORDS

    return " ".join(w for w in WORD.findall(text) if w.lower() not in STOP_WORDS)


def passages(db: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT p.id, p.body FROM embeddings e JOIN passages p ON p.id = e.passage_id"
                            " ORDER BY p.id").fetchall()
    finally:
        conn.close()


def encode(texts: list[str], tokens: int) -> tuple[Any, int, float, float]:
    """Vectors, pieces encoded, CPU and wall seconds, with the stage's own encoder at ``tokens``."""
    from kartoteka.nlp import embed

    os.environ["KARTOTEKA_EMBED_TOKENS"] = str(tokens)
    tokenizer = embed.load_passage_model().tokenizer
    pieces = sum(min(len(ids), tokens) for ids in tokenizer(texts)["input_ids"])
    c0, w0 = time.process_time(), time.perf_counter()
    vectors = embed.encode_passages(texts)
    return vectors, pieces, time.process_time() - c0, time.perf_counter() - w0


def ranks(db: Path, queries: list[tuple[str, str, str]], mode: str) -> list[int | None]:
    from kartoteka import KB

    conn = sqlite3.connect(db)
    out: list[int | None] = []
    try:
        with KB(db, create=False) as kb:
            for query, doc, quote in queries:
                rank = None
                for n, hit in enumerate(kb.search(query, limit=50, mode=mode), 1):
                    body = conn.execute("SELECT body FROM passages WHERE id = ?", (hit["passage_id"],)).fetchone()[0]
                    if hit["doc"] == doc and quote[:30] in body:
                        rank = n
                        break
                out.append(rank)
    finally:
        conn.close()
    return out


def quality(found: list[int | None]) -> str:
    mrr = sum(1 / r for r in found if r) / max(1, len(found))
    return f"{mrr:.3f} | {sum(1 for r in found if r and r <= 5)}"


def variants(db: Path, rows: list[tuple[int, str]], queries: list[tuple[str, str, str]]) -> list[str]:
    from kartoteka.nlp.embed import pack_vector

    lines = ["| passage | pieces per passage | pieces encoded | CPU (s) | wall (s) | dense MRR | dense top 5 "
             "| hybrid MRR | hybrid top 5 |", "|---|---|---|---|---|---|---|---|---|"]
    transforms: dict[str, Callable[[str], str]] = {"as written": lambda t: t, "stopwords dropped": stopwords_dropped}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kb.db"
        for name, tokens in VARIANTS:
            shutil.copy(db, copy)
            vectors, pieces, cpu, wall = encode([transforms[name](body) for _, body in rows], tokens)
            conn = sqlite3.connect(copy)
            with conn:
                conn.executemany("UPDATE embeddings SET vector = ? WHERE passage_id = ?",
                                 [(pack_vector(v), pid) for (pid, _), v in zip(rows, vectors, strict=True)])
            conn.close()
            dense, hybrid = ranks(copy, queries, "dense"), ranks(copy, queries, "hybrid")
            lines.append(f"| {name} | {tokens} | {pieces:,} | {cpu:.1f} | {wall:.1f} | {quality(dense)} | {quality(hybrid)} |")
            print(lines[-1], flush=True)
        bm25 = ranks(copy, queries, "bm25")
    lines.append(f"| (BM25 alone, no vectors) | | 0 | | | | | {quality(bm25)} |")
    return lines


def setups(rows: list[tuple[int, str]]) -> list[str]:
    """The default encoder against other ways to run the same model, on 400 passages."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from kartoteka.nlp import embed

    pick = np.random.default_rng(0).choice(len(rows), min(400, len(rows)), replace=False)
    texts = [rows[i][1] for i in pick]
    path = str(embed.model_dir())

    def model(attention: str = "sdpa", bf16_weights: bool = False) -> Any:
        m = SentenceTransformer(path, device="cpu", local_files_only=True,
                                model_kwargs={"attn_implementation": attention})
        m.max_seq_length = embed.MAX_TOKENS
        return m.to(torch.bfloat16) if bf16_weights else m

    def plain(m: Any, autocast: bool) -> Callable[[list[str]], Any]:
        def run(batch: list[str]) -> Any:
            ctx = torch.autocast("cpu", dtype=torch.bfloat16) if autocast else contextlib.nullcontext()
            with ctx, torch.inference_mode():
                return m.encode(batch, batch_size=embed.BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False)
        return run

    reference = plain(model(), autocast=False)(texts)
    cases = [
        ("float32", lambda: plain(model(), False)),
        ("bfloat16 autocast, one encode call, two BLAS threads", lambda: plain(model(), True)),
        ("bfloat16 autocast, eager attention", lambda: plain(model("eager"), True)),
        ("bfloat16 weights", lambda: plain(model(bf16_weights=True), False)),
        ("bfloat16 autocast, two threads of one BLAS thread each (the default)", lambda: embed.encode_passages),
    ]
    os.environ["KARTOTEKA_EMBED_TOKENS"] = str(embed.MAX_TOKENS)  # the variants left it shorter
    lines = ["| set-up | CPU (s) | wall (s) | smallest cosine to float32 |", "|---|---|---|---|"]
    for name, make in cases:
        run = make()
        run(texts[:32])
        c0, w0 = time.process_time(), time.perf_counter()
        vectors = np.asarray(run(texts), dtype=np.float32)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        lines.append(f"| {name} | {cpu:.2f} | {wall:.2f} | {float((vectors * reference).sum(1).min()):.5f} |")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a seed KB with dense vectors")
    parser.add_argument("--no-write", action="store_true", help="print, do not update bench/RESULTS.md")
    args = parser.parse_args()
    rows = passages(args.db)
    if not rows:
        sys.exit(f"{args.db} has no passage vectors: ingest with the embed extra, or run `kartoteka embed`")
    queries = gold_queries()
    version = code_version()
    head = (f"`python bench/bench_embed_tradeoff.py --db KB` at {version} on {machine()}, "
            f"{dt.date.today().isoformat()}; {len(rows):,} passages, {len(queries)} dev queries.")
    out = ["## Embedding: cost against search quality", "", head, ""]
    if queries:
        out += ["Variants (every passage re-encoded):", "", *variants(args.db, rows, queries), ""]
    else:
        out += [f"Variants skipped: no dev gold set at {GOLD}.", ""]
    out += ["Set-ups (400 passages as written, 128 pieces):", "", *setups(rows)]
    text = "\n".join(out)
    print(text)
    if not args.no_write:
        write_section("embed-tradeoff", text)


if __name__ == "__main__":
    main()
