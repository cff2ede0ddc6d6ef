"""Vectors of the KB's vocabulary, encoded at embed time for the query side's soft word match.

The vocabulary is every word of four or more letters that occurs in at least two indexed passages
(furniture and boilerplate left out, as for passage vectors), tokenized as the full-text index
tokenizes it. Each word is encoded alone by the passage model. The table holds one row per model:
the words, their passage counts and their vectors as one block each, since a cold query reads
them whole (one blob of half floats reads in a fraction of the time of 11,000 rows). A run
encodes only the words it has not seen, and refreshes every count. On the KB of seeds + more:
11,528 words, ~20 s of CPU, 8.9 MB.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

MIN_LETTERS = 4   # shorter words are mostly function words and abbreviations
MIN_PASSAGES = 2  # a word in one passage only is a name or a typo more often than a topic
_WORD = re.compile(r"[a-z]+")
COUNT_DTYPE = "<i4"


def vocabulary(conn: Any) -> Counter[str]:
    """Passage counts of the indexed passages' words worth a vector."""
    from kartoteka.store.fts import tokens

    counts: Counter[str] = Counter()
    for (body,) in conn.execute("SELECT body FROM passages WHERE layer NOT IN ('boilerplate', 'furniture')"
                                " AND trim(body) != ''"):
        counts.update({t for t, _s, _e in tokens(body or "") if len(t) >= MIN_LETTERS and _WORD.fullmatch(t)})
    return Counter({w: n for w, n in counts.items() if n >= MIN_PASSAGES})


def stored(conn: Any, tag: str) -> dict[str, bytes]:
    """This model's stored word vectors, each as its packed bytes."""
    import numpy as np

    from kartoteka.nlp.embed import DIM, VECTOR_DTYPE

    row = conn.execute("SELECT words, vectors FROM word_vectors WHERE model = ?", (tag,)).fetchone()
    if row is None or not row[0]:
        return {}
    width = DIM * np.dtype(VECTOR_DTYPE).itemsize
    blob = bytes(row[1])
    return {w: blob[i * width:(i + 1) * width] for i, w in enumerate(row[0].split("\n"))}


def update_word_vectors(conn: Any) -> int:
    """Encode the vocabulary's words that have no vector from this model yet, refresh every word's
    passage count, drop the words no longer in it. Returns how many words were encoded."""
    import numpy as np

    from kartoteka.nlp.embed import encode_passages, model_tag, pack_vector
    from kartoteka.store.db import transaction

    tag = model_tag()
    counts = vocabulary(conn)
    have = stored(conn, tag)
    new = sorted(w for w in counts if w not in have)
    for w, v in zip(new, encode_passages(new) if new else [], strict=True):
        have[w] = pack_vector(v)
    words = sorted(counts)
    row = ("\n".join(words), np.array([counts[w] for w in words], dtype=COUNT_DTYPE).tobytes(),
           b"".join(have[w] for w in words))
    with transaction(conn):
        conn.execute("DELETE FROM word_vectors")
        conn.execute("INSERT INTO word_vectors (model, words, passages, vectors) VALUES (?,?,?,?)", (tag, *row))
    return len(new)
