"""Search over passages: BM25 (FTS5), dense (MiniLM vectors), and both fused by reciprocal rank.

A query's names are expanded through the entity layer: a word or phrase that is an alias of an
entity brings that entity's other spellings ("Ezhov" finds "Yezhov"), and with ``lineage`` an
organization's predecessors and successors ("NKVD" finds "OGPU"). Ranking happens first, on
passage ids only; the text and highlights are computed for the rows returned.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kartoteka.errors import UsageError
from kartoteka.query.words import word_list
from kartoteka.store import fts
from kartoteka.store.writer import unpack_offsets

MODES = ("bm25", "dense", "hybrid")
# Fusion: score = sum of weight / (RRF_K + rank). A small constant lets the top ranks of each
# list count. Dense weighs more than BM25 since a long passage is also represented by vectors of
# its sentence windows (kartoteka.nlp.embed.WINDOW_CHARS): dense alone then finds the passage in
# the top 5 for 20/22 dev and 11/17 dev2 retrieval items, BM25 alone for 14/22 and 8/17. Chosen
# on dev (top-5 hits, then MRR@10) on the KB of seeds + more: k=5 with weight 1.5-2.0 sits on a
# plateau (k 2-10: 20/22, MRR 0.77-0.81), weight 0.6 (the constant for passage vectors alone)
# falls to 19/22, MRR 0.64; dev2, checked after: 11/17 at 1.5-2.0 against 9/17 at 0.6.
RRF_K = 5
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 2.0
POOL = 60             # candidates each ranker contributes to the fusion
DENSE_FLOOR = 0.2     # below this cosine a dense-only candidate is noise, not a match
MAX_EXPANSIONS = 6    # alias forms added per entity named in a query
STEM_MIN = 5          # shorter query words are asked as written ("uses" stays "uses")
FURNITURE_LAYER = "furniture"  # captions, reference lists, navigation: ranked only on request
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_WORD = re.compile(r"[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
STOPWORDS = word_list("stopwords")
NOT_NAMES = word_list("not_names")


def terms(text: str) -> list[str]:
    """Words as the FTS5 unicode61 tokenizer sees them: folded, split at every non-letter."""
    # ASCII has nothing to decompose or strip, and only non-ASCII characters are looked up: a
    # per-character pass over every sentence read was a tenth of a warm ask.
    if not text.isascii():
        text = _NON_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.lower())


def _drop_combining(m: re.Match[str]) -> str:
    return "" if unicodedata.combining(m.group()) else m.group()


def fts_query(query: str, extra_phrases: list[str] | None = None, *, stems: bool = True) -> str:
    """Turn a user's query into an FTS5 expression.

    Bare words are ORed so that BM25 ranks by how many and how rare (very common words left
    out); "quoted phrases" stay phrases; a trailing * asks for a prefix. With ``stems``, a
    lowercase bare word with an inflectional ending is asked as its stem's prefix (below).
    ``extra_phrases`` (alias forms from the entity layer) are ORed in as phrases.
    """
    parts: list[str] = []
    bare: list[str] = []
    for m in _TOKEN.finditer(query.translate(_QUOTES)):
        if m.group(1) is not None:
            words = terms(m.group(1))
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        raw = m.group(2)
        prefix = raw.endswith("*")
        inflected = stems and raw[:1].islower() and not prefix
        for word in terms(raw):
            bare.append(f'"{word}"' + ("*" if prefix else ""))
            if word not in STOPWORDS or prefix:
                parts.append(word_stem_prefix(word) if inflected else bare[-1])
    if not parts:
        parts = bare
    for phrase in extra_phrases or []:
        words = terms(phrase)
        if words:
            p = '"' + " ".join(words) + '"'
            if p not in parts:
                parts.append(p)
    if not parts:
        raise UsageError("empty search query")
    return " OR ".join(parts)


def word_stem_prefix(word: str) -> str:
    """A query word as an FTS5 term: the prefix of its stem where the stemmer takes an ending off
    (an inflection, or a final e: "blames" -> "blam"*, which finds "blaming" and "blamed";
    "article" -> "articl"*), else the word itself.

    The index keeps words as written (unicode61, no stemmer), so a query in other words than its
    passage's matched no form of a shared verb or plural. Asked on the query side, the index, its
    PostgreSQL twin and their exact BM25 parity stay as they are. Capitalised words (names) and
    quoted phrases are never stemmed: "Stalin" must not find "Stalinism". On the KB of seeds +
    more (bench/bench_retrieval.py, hybrid): dev 20/22 both ways (MRR@10 0.841 -> 0.818), dev2
    12/17 -> 13/17 (MRR 0.627 -> 0.629); BM25 alone dev 14/22 both, dev2 8/17 -> 10/17."""
    # sentences imports this module: its stemmer is looked up at call time.
    from kartoteka.query.sentences import stem

    if len(word) < STEM_MIN or not word.isalpha():
        return f'"{word}"'
    s = stem(word)
    return f'"{s}"*' if s != word else f'"{word}"'


@dataclass
class SearchCache:
    """What a warm process keeps between searches: document texts and the vector matrix."""

    texts: dict[int, str] = field(default_factory=dict)
    dense: Any = None          # kartoteka.query.dense.DenseIndex, or False when the KB has none
    expansions: dict[str, list[str]] = field(default_factory=dict)
    words: Any = None          # kartoteka.query.softmatch.WordIndex, or False when the KB has none


def search(conn: sqlite3.Connection, query: str, limit: int = 10, source: str | None = None, *,
           mode: str = "hybrid", lineage: bool = False, expand: bool = True, furniture: bool = False,
           cache: SearchCache | None = None, soft: bool = True) -> list[dict[str, Any]]:
    """Passages best first, as CONTRACT.md's search shape (plus page, section, layer, highlights).

    Furniture passages (captions, reference lists, navigation: layer ``furniture``) are ranked
    only when ``furniture`` asks for them. ``soft`` reranks hybrid candidates by their soft word
    match to the query (kartoteka.query.softmatch)."""
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r} (choose from {', '.join(MODES)})")
    if not query.strip():
        raise UsageError("empty search query")
    cache = cache or SearchCache()
    doc_id = _doc_id(conn, source) if source else None
    phrases = entity_phrases(conn, query, lineage=lineage, cache=cache) if expand else []
    expr = fts_query(query, phrases)
    ranked = rank(conn, query, expr, limit, doc_id, mode=mode, cache=cache, furniture=furniture, soft=soft)
    return render(conn, ranked, expr, cache)


def rank(conn: sqlite3.Connection, query: str, expr: str, limit: int, doc_id: int | None, *, mode: str,
         cache: SearchCache, furniture: bool = False, soft: bool = True) -> list[tuple[int, float]]:
    """(passage id, score) best first."""
    from kartoteka.query.dense import dense_index

    pool = max(limit, POOL)
    if mode == "bm25":
        return bm25_ranked(conn, expr, limit, doc_id, furniture=furniture)
    index = dense_index(conn, cache, required=mode == "dense")
    if index is None:  # hybrid without vectors: BM25 alone
        return bm25_ranked(conn, expr, limit, doc_id, furniture=furniture)
    dense = index.ranked(query, pool, doc_id=doc_id)  # furniture has no vectors
    if mode == "dense":
        return dense[:limit]
    bm25 = bm25_ranked(conn, expr, pool, doc_id, furniture=furniture)
    # Every fused candidate is reranked by its soft word match to the query (query.softmatch).
    if not soft:
        return fuse(bm25, dense, limit)
    from kartoteka.query.softmatch import rerank

    fused = fuse(bm25, dense, len(bm25) + len(dense))
    return rerank(conn, query, fused, index, cache)[:limit]


def fuse(bm25: list[tuple[int, float]], dense: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion; a dense-only candidate must clear ``DENSE_FLOOR``."""
    scores: dict[int, float] = {}
    for r, (pid, _s) in enumerate(bm25):
        scores[pid] = scores.get(pid, 0.0) + BM25_WEIGHT / (RRF_K + r + 1)
    in_bm25 = set(scores)
    for r, (pid, sim) in enumerate(dense):
        if pid not in in_bm25 and sim < DENSE_FLOOR:
            continue
        scores[pid] = scores.get(pid, 0.0) + DENSE_WEIGHT / (RRF_K + r + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def bm25_ranked(conn: sqlite3.Connection, expr: str, limit: int, doc_id: int | None = None, *,
                furniture: bool = False) -> list[tuple[int, float]]:
    try:
        return fts.bm25_ranked(conn, expr, limit, doc_id, None if furniture else FURNITURE_LAYER)
    except sqlite3.OperationalError as e:
        raise UsageError(f"cannot parse search query: {e}") from None


def render(conn: sqlite3.Connection, ranked: list[tuple[int, float]], expr: str,
           cache: SearchCache) -> list[dict[str, Any]]:
    if not ranked:
        return []
    ids = [pid for pid, _ in ranked]
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in conn.execute(
        f"SELECT p.id, p.doc_id, d.doc, p.start, p.end, p.page, p.section, p.layer, p.offsets, p.body"
        f" FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id IN ({marks})", ids)}
    marked = fts.marked(conn, expr, ids, bodies={pid: r["body"] for pid, r in rows.items()})
    out = []
    for pid, score in ranked:
        r = rows.get(pid)
        if r is None:
            continue
        text = doc_text(conn, r["doc_id"], cache)
        hl = highlight_spans(marked[pid], unpack_offsets(r["offsets"])) if pid in marked else []
        out.append({"doc": r["doc"], "start": r["start"], "end": r["end"], "text": text[r["start"]:r["end"]],
                    "score": round(score, 6), "page": r["page"], "section": r["section"], "layer": r["layer"],
                    "passage_id": pid, "highlights": hl})
    return out


def doc_text(conn: sqlite3.Connection, doc_id: int, cache: SearchCache) -> str:
    text = cache.texts.get(doc_id)
    if text is None:
        text = cache.texts[doc_id] = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    return text


def _doc_id(conn: sqlite3.Connection, doc: str) -> int:
    from kartoteka.errors import NotFound

    r = conn.execute("SELECT id FROM documents WHERE doc = ?", (doc,)).fetchone()
    if r is None:
        raise NotFound(f"no document named {doc!r} in this KB (see `kartoteka sources`)")
    return int(r[0])


# -- entity-aware expansion ----------------------------------------------------------------

def entity_phrases(conn: sqlite3.Connection, query: str, *, lineage: bool = False,
                   cache: SearchCache | None = None) -> list[str]:
    """Other spellings of the entities a query names (and their lineage's names, if asked)."""
    key = f"{lineage}|{query}"
    if cache is not None and key in cache.expansions:
        return cache.expansions[key]
    out: list[str] = []
    for eid in query_entities(conn, query, lineage=lineage):
        out += alias_forms(conn, eid)
    if cache is not None:
        cache.expansions[key] = out
    return out


def query_entities(conn: sqlite3.Connection, query: str, *, lineage: bool = False) -> list[str]:
    """The entities a query names by one of their aliases, exactly (after folding: "ezhov" is
    Yezhov's). The name finder's fuzzy matching is for questions; in a search it turns ordinary
    words of a lowercase query into entities ("firing" into a man named Firin) and floods the
    ranking with their spellings. A word the query writes in lowercase names an entity only
    through a curated (pack) alias."""
    from kartoteka.query.names import candidate_runs, named_entities
    from kartoteka.resolve.keys import alias_key

    names: list[str] = []
    for run in candidate_runs(query):
        i = 0
        while i < len(run):
            for j in range(len(run), i, -1):
                phrase = query[run[i][0]:run[j - 1][1]]
                if _exact_alias(conn, phrase, alias_key(phrase)):
                    names.append(phrase)
                    i = j
                    break
            else:
                i += 1
    if not names:
        return []
    # Each name resolved on its own (";" keeps two names from running together into one).
    return named_entities(conn, " ; ".join(names), lineage=lineage)


def _exact_alias(conn: sqlite3.Connection, phrase: str, key: str) -> bool:
    if len(key) < 3 or phrase.lower() in NOT_NAMES:
        return False
    kinds = "('pack')" if phrase[:1].islower() else "('pack', 'stated', 'surface')"
    return conn.execute(f"SELECT 1 FROM aliases WHERE key = ? AND kind IN {kinds} LIMIT 1", (key,)).fetchone() is not None


def alias_forms(conn: sqlite3.Connection, eid: str) -> list[str]:
    """An entity's distinct spellings, pack names first, surnames of people included."""
    import json

    row = conn.execute("SELECT name, type, data FROM entities WHERE id = ?", (eid,)).fetchone()
    if row is None:
        return []
    forms: list[str] = [row["name"]]
    data = json.loads(row["data"] or "{}")
    if row["type"] == "person" and data.get("surname"):
        forms.append(str(data["surname"]))
    # one spelling per lookup key: its first row's (the portable form of a bare column beside min())
    forms += [r[0] for r in conn.execute(
        "SELECT alias FROM aliases WHERE id IN (SELECT min(id) FROM aliases WHERE entity_id = ?"
        " AND kind IN ('pack', 'stated') GROUP BY key) ORDER BY kind = 'pack' DESC, id", (eid,))]
    seen: set[str] = set()
    out = []
    for f in forms:
        k = " ".join(terms(f))
        if k and k not in seen and len(k) > 2:
            seen.add(k)
            out.append(f)
    return out[:MAX_EXPANSIONS]


def highlight_spans(marked: str, offsets: list[int]) -> list[list[int]]:
    """Stored-text [start, end) of each matched term, from FTS5's marked-up analysis body."""
    spans, pos, open_at = [], 0, None
    for ch in marked:
        if ch == "\x01":
            open_at = pos
        elif ch == "\x02" and open_at is not None:
            if pos > open_at:
                spans.append([offsets[open_at], offsets[pos - 1] + 1])
            open_at = None
        else:
            pos += 1
    return spans
