"""Soft word match: hybrid search's candidates reranked by how closely a passage's words match the
query's words in meaning.

A paraphrased query shares few words with its passage ("insurrection" where the text says
"uprising", "gathering" for "meeting"): BM25 sees no match, and one passage vector blends every
sentence of the passage. Here each content word of the query is matched against the candidate
passage's own words through the vectors of the KB's vocabulary (``word_vectors``, encoded at embed
time by the passage model: kartoteka.nlp.word_vectors): the word itself scores 1, its closest word
in the passage scores their cosine where that clears ``SOFT_FLOOR``, else 0. The passage's soft
score is the mean over query words weighted by rarity (idf), and is added to its fused score with
``SOFT_WEIGHT``. The expansion comes from the corpus's own vocabulary and the model, not a list.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from kartoteka.query.dense import DenseIndex
    from kartoteka.query.search import SearchCache

# Chosen on dev (bench/bench_retrieval_expand.py: weight 0.2-2.0 x floor 0.6-0.8, over the whole
# fused pool) on the KB of seeds + more: dev top-5 goes from 20/22 to 21/22 at weight 0.6 (every
# floor) and 0.8 (floors 0.7-0.8); weights 0.2-0.4 gain nothing, 1.2 and 2.0 lose it again. Floor
# 0.7 is the one floor on that plateau at both weights, weight 0.6 the one weight on it at every
# floor. dev2, checked after: 13/17 -> 14/17 at (0.6, 0.7); floor 0.8 (dev's best MRR@10 of the
# plateau, 0.813 against 0.790) stays at 13/17 on dev2, at every weight.
SOFT_WEIGHT = 0.6
SOFT_FLOOR = 0.7       # a closest word below this cosine is another topic, not a paraphrase
MIN_LETTERS = 3        # shorter query words are abbreviations or numerals
MAX_CACHED = 4096      # passages whose word lists a warm process keeps


@dataclass
class WordIndex:
    """The vocabulary's vectors as one matrix, and each word's row and passage count."""

    rows: dict[str, int]
    matrix: np.ndarray                                # half floats, one row per word
    passages: np.ndarray                              # each word's passage count
    total: int                                        # passages with vectors: the idf's N
    words_of: dict[int, tuple[set[str], list[int]]]   # passage id -> (its words, vocabulary rows)


def word_index(conn: sqlite3.Connection, cache: SearchCache, total: int) -> WordIndex | None:
    """The KB's word vectors, loaded once per cache; None where the KB has none."""
    if cache.words is not None:
        return cache.words or None
    import numpy as np

    from kartoteka.nlp.embed import DIM, VECTOR_DTYPE, model_tag
    from kartoteka.nlp.word_vectors import COUNT_DTYPE

    try:
        row = conn.execute("SELECT words, passages, vectors FROM word_vectors ORDER BY model = ? DESC LIMIT 1",
                           (model_tag(),)).fetchone()
    except sqlite3.OperationalError:  # a KB from before the table
        row = None
    if row is None or not row[0]:
        cache.words = False
        return None
    # Half floats as stored: only the rows a query compares are widened (widening all 11,500 was
    # most of a cold search's cost of loading them).
    matrix = np.frombuffer(bytes(row[2]), dtype=VECTOR_DTYPE).reshape(-1, DIM)
    cache.words = WordIndex({w: i for i, w in enumerate(row[0].split("\n"))}, matrix,
                            np.frombuffer(bytes(row[1]), dtype=COUNT_DTYPE), max(total, 1), {})
    return cache.words


def query_words(query: str) -> list[str]:
    """The query's content words, once each, in order."""
    from kartoteka.query.search import STOPWORDS, terms

    return [w for w in dict.fromkeys(terms(query))
            if len(w) >= MIN_LETTERS and not w.isdigit() and w not in STOPWORDS]


def rerank(conn: sqlite3.Connection, query: str, fused: list[tuple[int, float]], dense: DenseIndex,
           cache: SearchCache) -> list[tuple[int, float]]:
    """``fused`` (passage id, score) re-sorted by score + SOFT_WEIGHT x soft score."""
    index = word_index(conn, cache, len(dense.ids))
    words = query_words(query)
    if index is None or not words or not fused:
        return fused
    soft = soft_scores(conn, words, [pid for pid, _ in fused], index, dense)
    scored = [(pid, s + SOFT_WEIGHT * soft[pid]) for pid, s in fused]
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))


def soft_scores(conn: sqlite3.Connection, words: list[str], pids: list[int], index: WordIndex,
                dense: DenseIndex) -> dict[int, float]:
    """Per passage, the idf-weighted mean over ``words`` of each word's best match in it."""
    import numpy as np

    passage_words = words_of(conn, pids, index)
    union = sorted({r for _w, rows in passage_words.values() for r in rows})
    at = {r: i for i, r in enumerate(union)}
    sims = index.matrix[union].astype(np.float32) @ query_vectors(words, index, dense).T if union else None
    # Rarity weights, none below zero (in a KB of a few passages a word in all of them would weigh
    # less than nothing); where every weight is zero the passages have no soft score.
    idf = np.array([max(0.0, math.log(index.total / (index.passages[index.rows[w]] + 1) if w in index.rows
                                      else index.total / 2)) for w in words])
    if idf.sum() <= 0:
        return dict.fromkeys(pids, 0.0)
    out: dict[int, float] = {}
    for pid in pids:
        own, rows = passage_words[pid]
        best = np.zeros(len(words))
        if rows and sims is not None:
            best = sims[[at[r] for r in rows]].max(0)
            best = np.where(best >= SOFT_FLOOR, best, 0.0)
        best = np.where([w in own for w in words], 1.0, best)
        out[pid] = float((idf * best).sum() / idf.sum())
    return out


def query_vectors(words: list[str], index: WordIndex, dense: DenseIndex) -> np.ndarray:
    """One unit vector per query word: the stored one where the word is in the vocabulary, else
    encoded now by the query encoder (the same model)."""
    import numpy as np

    missing = [w for w in words if w not in index.rows]
    fresh = dict(zip(missing, dense.encode(missing), strict=True)) if missing else {}
    return np.stack([index.matrix[index.rows[w]].astype(np.float32) if w in index.rows else fresh[w]
                     for w in words])


def words_of(conn: sqlite3.Connection, pids: list[int], index: WordIndex) -> dict[int, tuple[set[str], list[int]]]:
    """Each passage's words and their vocabulary rows, read once per warm process."""
    from kartoteka.query.search import terms

    known = index.words_of
    todo = [pid for pid in pids if pid not in known]
    if todo:
        if len(known) + len(todo) > MAX_CACHED:
            known.clear()
        marks = ",".join("?" * len(todo))
        for pid, body in conn.execute(f"SELECT id, body FROM passages WHERE id IN ({marks})", todo):
            own = set(terms(body or ""))
            known[pid] = (own, [index.rows[w] for w in own if w in index.rows])
    return {pid: known.get(pid, (set(), [])) for pid in pids}

