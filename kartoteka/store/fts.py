"""Full-text search over passages on either backend: BM25 ranking, highlights, phrase counts.

SQLite answers with FTS5 (passages_fts, kept by triggers). PostgreSQL keeps each passage's
tokens in a ``tsvector`` column with a GIN index; the tokens are the ones FTS5's unicode61
tokenizer makes (folded, diacritics removed, split at every non-letter), written as a tsvector
literal so that no text-search configuration changes them. Matching uses the GIN index
(``@@`` with a tsquery built from the FTS5 expression); ranking is FTS5's own BM25 formula
(k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5))) over the term positions the tsvector
stores, so both backends give the same scores, not merely similar ones. The expressions are
the ones kartoteka.query.search.fts_query writes: quoted phrases, an optional trailing ``*``
(prefix), joined by OR.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

_PHRASE = re.compile(r'"([^"]*)"(\*?)')
_WORDCHAR = re.compile(r"[^\W_]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_K1, _B = 1.2, 0.75
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position


def is_postgres(conn: Any) -> bool:
    return getattr(conn, "dialect", "sqlite") == "postgres"


# -- tokens ------------------------------------------------------------------------------------

def _latin(ch: str) -> bool:
    o = ord(ch)
    return o < 0x250 or 0x1E00 <= o <= 0x1EFF


@lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    """One character as unicode61 (remove_diacritics 2) indexes it: lowercased, a Latin letter
    without its diacritics (other scripts keep theirs: Cyrillic ё stays ё), no compatibility
    decomposition (the ligature ﬁ stays one character)."""
    base = unicodedata.normalize("NFD", ch)
    if _latin(base[0]):
        ch = "".join(c for c in base if not unicodedata.combining(c))
    return "".join(c for c in ch.lower() if _WORDCHAR.match(c))


def tokens(body: str) -> list[tuple[str, int, int]]:
    """(folded token, start, end) of each token of ``body``, as unicode61 splits it."""
    if body.isascii():  # lowercasing ASCII keeps every offset
        return [(m.group(), *m.span()) for m in _ASCII_WORD.finditer(body.lower())]
    out: list[tuple[str, int, int]] = []
    start, buf = -1, []
    for i, ch in enumerate(body):
        f = _fold(ch) if not ch.isascii() else (ch.lower() if ch.isalnum() else "")
        if f:
            if start < 0:
                start = i
            buf.append(f)
        elif start >= 0:
            out.append(("".join(buf), start, i))
            start, buf = -1, []
    if start >= 0:
        out.append(("".join(buf), start, len(body)))
    return out


def _lexeme(tok: str) -> str:
    return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(body: str) -> tuple[str, int]:
    """A tsvector literal of ``body``'s tokens with their positions (1-based), and their count."""
    where: dict[str, list[int]] = {}
    toks = tokens(body)
    for i, (tok, _s, _e) in enumerate(toks):
        where.setdefault(tok, []).append(min(i + 1, MAX_POSITION))
    parts = [f"{_lexeme(t)}:{','.join(map(str, pos[:256]))}" for t, pos in where.items()]
    return " ".join(parts), len(toks)


def index_columns(conn: Any) -> tuple[str, str]:
    """What an INSERT of passages adds on PostgreSQL: the search index columns and their
    placeholders, filled by ``index_values`` in the same row (one statement per passage, where an
    UPDATE after the insert took a second and a read of the bodies); nothing on SQLite, whose
    FTS5 triggers index each row."""
    return (", fts, fts_len", ", CAST(? AS tsvector), ?") if is_postgres(conn) else ("", "")


def index_values(conn: Any, body: str) -> tuple[Any, ...]:
    """The values of ``index_columns`` for one passage's body."""
    return tsvector(body) if is_postgres(conn) else ()


# -- expressions --------------------------------------------------------------------------------

def phrases(expr: str) -> list[tuple[list[str], bool]]:
    """The phrases of an FTS5 expression: (words, prefix)."""
    out = []
    for m in _PHRASE.finditer(expr):
        words = [t for t, _s, _e in tokens(m.group(1))]
        if words:
            out.append((words, bool(m.group(2))))
    return out


def _tsquery(phrase: tuple[list[str], bool]) -> str:
    words, prefix = phrase
    lex = [_lexeme(w) for w in words]
    if prefix:
        lex[-1] += ":*"
    return "(" + " <-> ".join(lex) + ")"


def _ts_or(phs: list[tuple[list[str], bool]]) -> str:
    return " | ".join(_tsquery(p) for p in phs)


# -- ranking ------------------------------------------------------------------------------------

# One statement, prepared on the server, answers a PostgreSQL ranking: the passage count and
# token total (part 0), each phrase's document count over all passages (part 1: FTS5's idf counts
# every passage, filters or not), and the term positions of each candidate that passes the
# filters (part 2). Separate statements cost a round trip and a plan each, which is most of a
# warm search's time on a local server.
_RANK_SQL = """
WITH hits AS MATERIALIZED (
    SELECT id, doc_id, layer, fts, fts_len FROM passages WHERE fts @@ CAST(%(q)s AS tsquery)),
phs AS (SELECT q, i FROM unnest(CAST(%(phs)s AS tsquery[])) WITH ORDINALITY AS t(q, i))
SELECT 0 AS part, count(*)::bigint AS id, coalesce(sum(fts_len), 0)::bigint AS len,
       NULL::text AS lexeme, NULL::smallint[] AS positions FROM passages
UNION ALL
SELECT 1, phs.i, (SELECT count(*) FROM hits h WHERE h.fts @@ phs.q), NULL, NULL FROM phs
UNION ALL
SELECT 2, h.id, h.fts_len, u.lexeme, u.positions FROM hits h, unnest(h.fts) u
 WHERE (CAST(%(layer)s AS text) IS NULL OR h.layer <> %(layer)s)
   AND (CAST(%(doc)s AS bigint) IS NULL OR h.doc_id = %(doc)s)
   AND (u.lexeme = ANY(CAST(%(words)s AS text[])) OR u.lexeme LIKE ANY(CAST(%(prefixes)s AS text[])))
"""


def bm25_ranked(conn: Any, expr: str, limit: int, doc_id: int | None, exclude_layer: str | None) -> list[tuple[int, float]]:
    """(passage id, BM25 score) best first for ``expr``; ``exclude_layer``'s passages left out."""
    if not is_postgres(conn):
        return _sqlite_ranked(conn, expr, limit, doc_id, exclude_layer)
    phs = phrases(expr)
    if not phs:
        return []
    params = {"q": _ts_or(phs), "phs": [_tsquery(p) for p in phs], "layer": exclude_layer, "doc": doc_id,
              "words": sorted({w for ws, _p in phs for w in ws}),
              "prefixes": sorted({ws[-1] + "%" for ws, p in phs if p})}
    n_rows, n_tokens, hits = 0, 0, [0] * len(phs)
    found: dict[int, tuple[int, dict[str, list[int]]]] = {}
    for part, key, length, lexeme, positions in conn.execute_native(_RANK_SQL, params, prepare=True):
        if part == 2:
            found.setdefault(key, (length, {}))[1][lexeme] = list(positions or [])
        elif part == 1:
            hits[key - 1] = length
        else:
            n_rows, n_tokens = key, length
    if not found:
        return []
    idf = [_idf(n_rows, n_hit) for n_hit in hits]
    avgdl = n_tokens / n_rows if n_rows else 1.0
    scored = [(pid, _score(phs, idf, where_, length, avgdl)) for pid, (length, where_) in found.items()]
    scored.sort(key=lambda s: (-s[1], s[0]))
    return scored[:limit]


def _idf(n_rows: int, n_hit: int) -> float:
    """A phrase's inverse document frequency over all passages, as FTS5 computes it."""
    v = math.log((0.5 + n_rows - n_hit) / (0.5 + n_hit))
    return v if v > 0.0 else 1e-6


def _positions(where: dict[str, list[int]], word: str, prefix: bool) -> set[int]:
    if not prefix:
        return set(where.get(word, ()))
    return {p for lex, pos in where.items() if lex.startswith(word) for p in pos}


def _instances(phrase: tuple[list[str], bool], where: dict[str, list[int]]) -> list[int]:
    """Token positions where the phrase starts."""
    words, prefix = phrase
    sets = [_positions(where, w, prefix and i == len(words) - 1) for i, w in enumerate(words)]
    return sorted(p for p in sets[0] if all(p + k in sets[k] for k in range(1, len(words))))


def _score(phs: list[tuple[list[str], bool]], idf: list[float], where: dict[str, list[int]], length: int,
           avgdl: float) -> float:
    score = 0.0
    for i, ph in enumerate(phs):
        freq = float(len(_instances(ph, where)))
        score += idf[i] * ((freq * (_K1 + 1.0)) / (freq + _K1 * (1 - _B + _B * length / avgdl)))
    return score


def _sqlite_ranked(conn: Any, expr: str, limit: int, doc_id: int | None,
                   exclude_layer: str | None) -> list[tuple[int, float]]:
    sql = "SELECT rowid, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
    args: list[Any] = [expr]
    if exclude_layer is not None:
        sql += " AND rowid NOT IN (SELECT id FROM passages WHERE layer = ?)"
        args.append(exclude_layer)
    if doc_id is not None:
        sql += " AND rowid IN (SELECT id FROM passages WHERE doc_id = ?)"
        args.append(doc_id)
    sql += " ORDER BY bm25(passages_fts) LIMIT ?"
    args.append(limit)
    return [(r[0], float(r[1])) for r in conn.execute(sql, args)]


# -- highlights and counts ------------------------------------------------------------------------

def marked(conn: Any, expr: str, ids: list[int], bodies: dict[int, str] | None = None) -> dict[int, str]:
    """Each passage's body with every match between \\x01 and \\x02 (FTS5's highlight()).
    ``bodies`` (passage id -> body), when the caller has read them, spare PostgreSQL a round
    trip; SQLite's FTS5 marks its own copy."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    if not is_postgres(conn):
        return {r[0]: r[1] for r in conn.execute(
            f"SELECT rowid, highlight(passages_fts, 0, char(1), char(2)) FROM passages_fts"  # noqa: S608
            f" WHERE passages_fts MATCH ? AND rowid IN ({marks})", [expr, *ids])}
    phs = phrases(expr)
    if bodies is None or not set(ids) <= set(bodies):
        bodies = dict(conn.execute(f"SELECT id, body FROM passages WHERE id IN ({marks})", ids).fetchall())  # noqa: S608
    out = {}
    for pid in ids:
        body = bodies.get(pid)
        if body is None:
            continue
        text = _highlight(body, phs)
        if text is not None:
            out[pid] = text
    return out


def _highlight(body: str, phs: list[tuple[list[str], bool]]) -> str | None:
    toks = tokens(body)
    where: dict[str, list[int]] = {}
    for i, (tok, _s, _e) in enumerate(toks):
        where.setdefault(tok, []).append(i + 1)
    spans = sorted((p, p + len(ph[0]) - 1) for ph in phs for p in _instances(ph, where))
    if not spans:
        return None
    merged: list[list[int]] = []
    for start, end in spans:  # overlapping instances are one highlight, as in FTS5
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        a, b = toks[start - 1][1], toks[end - 1][2]
        out += [body[pos:a], "\x01", body[a:b], "\x02"]
        pos = b
    out.append(body[pos:])
    return "".join(out)


def match_count(conn: Any, expr: str) -> int:
    """How many passages match ``expr``."""
    if not is_postgres(conn):
        return int(conn.execute("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?", (expr,)).fetchone()[0])
    phs = phrases(expr)
    if not phs:
        return 0
    return int(conn.execute("SELECT COUNT(*) FROM passages WHERE fts @@ CAST(? AS tsquery)",
                            (_ts_or(phs),)).fetchone()[0])
