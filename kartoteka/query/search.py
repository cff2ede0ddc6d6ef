"""Full-text search over passages: FTS5 with BM25, phrases, prefixes, and folding."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from kartoteka.errors import UsageError
from kartoteka.resolve.keys import fold
from kartoteka.store.writer import unpack_offsets

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


def fts_query(query: str) -> str:
    """Turn a user's query into an FTS5 expression.

    Bare words are ORed so that BM25 ranks by how many and how rare; "quoted phrases" stay
    phrases; a trailing * asks for a prefix. Everything is folded the way the index is.
    """
    parts: list[str] = []
    for m in _TOKEN.finditer(query.translate(_QUOTES)):
        if m.group(1) is not None:
            words = fold(m.group(1)).split()
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        raw = m.group(2)
        prefix = raw.endswith("*")
        for word in fold(raw).split():
            parts.append(f'"{word}"' + ("*" if prefix else ""))
    if not parts:
        raise UsageError("empty search query")
    return " OR ".join(parts)


def search(conn: sqlite3.Connection, query: str, limit: int = 10, source: str | None = None) -> list[dict[str, Any]]:
    expr = fts_query(query)
    sql = (
        "SELECT p.id, d.doc, p.start, p.end, p.page, p.section, p.layer, -bm25(passages_fts) AS score,"
        " substr(d.text, p.start + 1, p.end - p.start) AS text,"
        " p.offsets, highlight(passages_fts, 0, char(1), char(2)) AS marked"
        " FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.doc_id"
        " WHERE passages_fts MATCH ?"
    )
    args: list[Any] = [expr]
    if source:
        sql += " AND d.doc = ?"
        args.append(source)
    sql += " ORDER BY bm25(passages_fts) LIMIT ?"
    args.append(limit)
    try:
        rows = conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as e:
        raise UsageError(f"cannot parse search query: {e}") from None
    return [
        {"doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"], "score": round(r["score"], 4),
         "page": r["page"], "section": r["section"], "layer": r["layer"], "passage_id": r["id"],
         "highlights": highlight_spans(r["marked"], unpack_offsets(r["offsets"]))}
        for r in rows
    ]


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
