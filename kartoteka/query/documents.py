"""Documents and their structure, as the public API returns them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from kartoteka.errors import NotFound


def doc_row(conn: sqlite3.Connection, doc: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM documents WHERE doc = ?", (doc,)).fetchone()
    if row is None:
        raise NotFound(f"no document named {doc!r} in this KB (see `kartoteka sources`)")
    return row


def list_sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    out = []
    rows = conn.execute(
        "SELECT d.id, d.doc, d.title, d.chars, d.format, d.genre, d.profile, d.path, d.ingested_at,"
        " (SELECT COUNT(*) FROM passages p WHERE p.doc_id = d.id) AS passages"
        " FROM documents d ORDER BY d.doc"
    )
    kinds = _segment_counts(conn)
    for r in rows:
        item: dict[str, Any] = {
            "doc": r["doc"], "title": r["title"], "chars": r["chars"], "format": r["format"],
            "path": r["path"], "ingested_at": r["ingested_at"], "passages": r["passages"],
            "structure": kinds.get(r["id"], {}),
        }
        if r["genre"]:
            item["genre"] = r["genre"]
        if r["profile"]:
            item["profile"] = json.loads(r["profile"])
        out.append(item)
    return out


def _segment_counts(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for r in conn.execute("SELECT doc_id, kind, COUNT(*) AS n FROM segments GROUP BY doc_id, kind"):
        out.setdefault(r["doc_id"], {})[r["kind"]] = r["n"]
    return out


def document_text(conn: sqlite3.Connection, doc: str) -> str:
    return doc_row(conn, doc)["text"]


def segments(conn: sqlite3.Connection, doc: str, kind: str | None = None) -> list[dict[str, Any]]:
    row = doc_row(conn, doc)
    sql = "SELECT kind, start, end, label, attrs FROM segments WHERE doc_id = ?"
    args: list[Any] = [row["id"]]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    sql += " ORDER BY start, end DESC"
    return [
        {"kind": r["kind"], "start": r["start"], "end": r["end"], "label": r["label"], **json.loads(r["attrs"])}
        for r in conn.execute(sql, args)
    ]


def page_at(conn: sqlite3.Connection, doc_id: int, offset: int) -> str | None:
    r = conn.execute(
        "SELECT label FROM segments WHERE doc_id = ? AND kind = 'page' AND start <= ? AND ? < end ORDER BY start DESC LIMIT 1",
        (doc_id, offset, offset),
    ).fetchone()
    return r["label"] if r else None


def pages_at(conn: sqlite3.Connection, spots: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """``page_at`` of many (doc_id, offset) spots in one query: the printed page each falls on
    (the page segment starting last at or before it and ending after it); spots on no page are
    left out. One round trip instead of one per spot matters on a PostgreSQL server."""
    spots = set(spots)
    docs = sorted({d for d, _o in spots})
    if not docs:
        return {}
    pages: dict[int, list[tuple[int, int, str]]] = {}
    for r in conn.execute(f"SELECT doc_id, start, end, label FROM segments WHERE kind = 'page'"  # noqa: S608
                          f" AND doc_id IN ({','.join('?' * len(docs))}) ORDER BY doc_id, start DESC, id DESC", docs):
        pages.setdefault(r[0], []).append((r[1], r[2], r[3]))
    out = {}
    for doc_id, offset in spots:
        label = next((lab for start, end, lab in pages.get(doc_id, ()) if start <= offset < end), None)
        if label is not None:
            out[(doc_id, offset)] = label
    return out


def doc_texts(conn: sqlite3.Connection, doc_ids: Iterable[int], cached: dict[int, str]) -> dict[int, str]:
    """The texts of these documents, from ``cached`` (a warm process's texts by document id:
    kartoteka.query.search.SearchCache.texts) and, for those not there yet, one query that
    adds them to it."""
    want = sorted(set(doc_ids))
    new = [d for d in want if d not in cached]
    if new:
        for r in conn.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(new))})", new):  # noqa: S608
            cached[r[0]] = r[1]
    return {d: cached[d] for d in want if d in cached}


def kb_totals(conn: sqlite3.Connection) -> dict[str, int]:
    """How much the KB holds: documents, entities, factoids, events (happenings: groups of
    factoids about one event) and conflicts."""
    one = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
    return {
        "documents": one("SELECT count(*) FROM documents"),
        "entities": one("SELECT count(DISTINCT entity_id) FROM mentions WHERE entity_id IS NOT NULL"),
        "factoids": one("SELECT count(*) FROM factoids"),
        "events": one("SELECT count(DISTINCT group_id) FROM factoid_groups"),
        "conflicts": one("SELECT count(*) FROM conflicts"),
    }
