"""Vectors of the KB's vocabulary, encoded at embed time for the query side's soft word match.

The vocabulary is every word of four or more letters that occurs in at least two indexed passages
(furniture and boilerplate left out, as for passage vectors), tokenized as the full-text index
tokenizes it. Each word is encoded alone by the passage model and stored with its passage count
(``word_vectors``); a run encodes only the words it has not seen, and refreshes every count. On
the KB of seeds + more: 11,613 words, ~25 s of CPU, 9 MB of half floats.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

MIN_LETTERS = 4   # shorter words are mostly function words and abbreviations
MIN_PASSAGES = 2  # a word in one passage only is a name or a typo more often than a topic
_WORD = re.compile(r"[a-z]+")


def vocabulary(conn: Any) -> Counter[str]:
    """Passage counts of the indexed passages' words worth a vector."""
    from kartoteka.store.fts import tokens

    counts: Counter[str] = Counter()
    for (body,) in conn.execute("SELECT body FROM passages WHERE layer NOT IN ('boilerplate', 'furniture')"
                                " AND trim(body) != ''"):
        counts.update({t for t, _s, _e in tokens(body or "") if len(t) >= MIN_LETTERS and _WORD.fullmatch(t)})
    return Counter({w: n for w, n in counts.items() if n >= MIN_PASSAGES})


def update_word_vectors(conn: Any) -> int:
    """Encode the vocabulary's words that have no vector from this model yet, and refresh every
    word's passage count. Returns how many words were encoded."""
    from kartoteka.nlp.embed import encode_passages, model_tag, pack_vector
    from kartoteka.store.db import transaction

    tag = model_tag()
    counts = vocabulary(conn)
    have = {r[0] for r in conn.execute("SELECT word FROM word_vectors WHERE model = ?", (tag,))}
    new = sorted(w for w in counts if w not in have)
    vectors = encode_passages(new) if new else []
    with transaction(conn):
        conn.execute("DELETE FROM word_vectors WHERE model != ?", (tag,))
        conn.executemany("INSERT OR REPLACE INTO word_vectors (word, model, passages, vector) VALUES (?,?,?,?)",
                         [(w, tag, counts[w], pack_vector(v)) for w, v in zip(new, vectors, strict=True)])
        conn.executemany("UPDATE word_vectors SET passages = ? WHERE word = ?",
                         [(n, w) for w, n in counts.items() if w in have])
        gone = [w for w in have if w not in counts]
        conn.executemany("DELETE FROM word_vectors WHERE word = ?", [(w,) for w in gone])
    return len(new)
