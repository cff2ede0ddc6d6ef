"""Writing one document's analysis: everything or nothing, in one transaction."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from kartoteka.analysis import Analysis
from kartoteka.resolve.keys import alias_key, translit_key
from kartoteka.store.db import transaction
from kartoteka.store.fts import index_columns, index_values


def pack_offsets(offsets: list[int]) -> bytes:
    return array("q", offsets).tobytes()


def unpack_offsets(blob: bytes) -> list[int]:
    a = array("q")
    a.frombytes(blob)
    return a.tolist()


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def write_analysis(conn: sqlite3.Connection, a: Analysis) -> int:
    """Replace any earlier version of ``a.doc`` with this one; returns the document's row id."""
    with transaction(conn):
        doc_id = insert_document(conn, a)
        insert_records(conn, doc_id, a)
        finish_document(conn)
    return doc_id


def insert_document(conn: sqlite3.Connection, a: Analysis) -> int:
    """The document row, its segments and passages (inside the caller's transaction), replacing
    an earlier version."""
    conn.execute("DELETE FROM documents WHERE doc = ?", (a.doc,))
    cur = conn.execute(
        "INSERT INTO documents (doc, path, format, sha256, title, text, chars, encoding, genre, meta, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (a.doc, a.path, a.format, a.sha256, a.title, a.text, len(a.text), a.encoding, a.genre,
         _dumps(a.meta), datetime.now(UTC).isoformat(timespec="seconds")),
    )
    doc_id = cur.lastrowid
    assert doc_id is not None
    conn.executemany(
        "INSERT INTO segments (doc_id, kind, start, end, label, attrs) VALUES (?,?,?,?,?,?)",
        ((doc_id, s.kind, s.start, s.end, s.label, _dumps(s.attrs)) for s in a.segments),
    )
    cols, marks = index_columns(conn)  # PostgreSQL's search index goes in the row itself
    conn.executemany(
        f"INSERT INTO passages (doc_id, seq, start, end, layer, section, page, body, offsets{cols})"
        f" VALUES (?,?,?,?,?,?,?,?,?{marks})",
        ((doc_id, p.seq, p.start, p.end, p.layer, p.section, p.page, p.body, pack_offsets(p.offsets),
          *index_values(conn, p.body)) for p in a.passages),
    )
    return doc_id


def insert_records(conn: sqlite3.Connection, doc_id: int, a: Analysis) -> None:
    """What the stages found (all of a document, or one part of it): entities, aliases, mentions,
    relations, factoids and passage vectors, inside the caller's transaction."""
    conn.executemany(
        "INSERT OR IGNORE INTO entities (id, name, type, description, pack, qid, linked, data) VALUES (?,?,?,?,?,?,?,?)",
        ((e.id, e.name, e.type, e.description, e.pack, e.qid, int(e.linked), _dumps(e.data)) for e in a.entities),
    )
    conn.executemany(
        "INSERT INTO aliases (entity_id, alias, key, tkey, kind, doc_id, start, end) VALUES (?,?,?,?,?,?,?,?)",
        ((al.entity_id, al.alias, alias_key(al.alias), translit_key(al.alias), al.kind, doc_id, al.start, al.end)
         for al in a.aliases),
    )
    conn.executemany(
        "INSERT INTO mentions (doc_id, start, end, text, label, entity_id, confidence, features) VALUES (?,?,?,?,?,?,?,?)",
        ((doc_id, m.start, m.end, m.text, m.label, m.entity_id, m.confidence, _dumps(m.features)) for m in a.mentions),
    )
    conn.executemany(
        "INSERT INTO relations (src_id, dst_id, type, date_start, date_end, doc_id, start, end, attrs) VALUES (?,?,?,?,?,?,?,?,?)",
        ((r.src_id, r.dst_id, r.type, r.date_start, r.date_end, doc_id, r.start, r.end, _dumps(r.attrs))
         for r in a.relations),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO factoids (id, doc_id, type, subject_id, roles, date_text, date_start, date_end,"
        " date_precision, date_flag, value, start, end, voice, hedged, negated, fiction, confidence, attrs)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((f.id, doc_id, f.type, f.subject_id, _dumps(f.roles), f.date_text, f.date_start, f.date_end,
          f.date_precision, f.date_flag, f.value, f.start, f.end, f.voice, int(f.hedged), int(f.negated),
          int(f.fiction), f.confidence, _dumps(f.attrs)) for f in a.factoids),
    )
    write_factoid_roles(conn, ((f.id, f.roles) for f in a.factoids))
    if a.embeddings and a.embedding_model:
        seqs = list(a.embeddings)
        ids = dict(conn.execute(
            "SELECT seq, id FROM passages WHERE doc_id = ? AND seq BETWEEN ? AND ?",  # noqa: S608
            (doc_id, min(seqs), max(seqs))).fetchall())
        conn.executemany(
            "INSERT INTO embeddings (passage_id, model, vector) VALUES (?,?,?)",
            ((ids[seq], a.embedding_model, vec) for seq, vec in a.embeddings.items() if seq in ids),
        )


def factoid_role_rows(fid: str, roles: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The factoid_roles rows of one factoid: (factoid id, role, entity id) for each entity a role
    names; the office is a text, not an entity, and a list role gives a row per item."""
    out = []
    for role, value in roles.items():
        if role == "office":
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v:
                out.append((fid, role, v))
    return out


def write_factoid_roles(conn: sqlite3.Connection, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Make the factoid_roles rows of these (factoid id, roles) pairs those of their roles, inside
    the caller's transaction. Rows an earlier version left go first: an upsert keeps the
    factoid's row on PostgreSQL (nothing cascades), and a correction may change its roles."""
    items = list(items)
    if not items:
        return
    conn.execute("DELETE FROM factoid_roles WHERE factoid_id IN (SELECT value FROM json_each(?))",
                 (json.dumps([fid for fid, _roles in items]),))
    conn.executemany("INSERT OR IGNORE INTO factoid_roles (factoid_id, role, entity_id) VALUES (?,?,?)",
                     [row for fid, roles in items for row in factoid_role_rows(fid, roles)])


def refresh_factoid_roles(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Read the roles of the factoids ``ids`` again into factoid_roles after a change to their rows
    that went round the writer (a correction, an undo); an id no factoid has any more loses its rows."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    rows = {r[0]: json.loads(r[1] or "{}") for r in conn.execute(
        "SELECT id, roles FROM factoids WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    write_factoid_roles(conn, ((fid, rows.get(fid, {})) for fid in ids))


def finish_document(conn: sqlite3.Connection) -> None:
    mark_stale(conn)
    # Document-born entities that no document mentions any more go with their last document.
    conn.execute(
        "DELETE FROM entities WHERE linked = 0 AND id NOT IN (SELECT entity_id FROM mentions WHERE entity_id IS NOT NULL)"
    )


def delete_document(conn: sqlite3.Connection, doc: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM documents WHERE doc = ?", (doc,))
        mark_stale(conn)
        conn.execute(
            "DELETE FROM entities WHERE linked = 0 AND id NOT IN (SELECT entity_id FROM mentions WHERE entity_id IS NOT NULL)"
        )


STALE_KEY = "comparisons_stale"


def mark_stale(conn: sqlite3.Connection) -> None:
    """Record, inside the caller's transaction, that the KB-wide comparisons no longer match."""
    conn.execute("INSERT OR REPLACE INTO kb_state (key, value) VALUES (?, '1')", (STALE_KEY,))


def comparisons_stale(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM kb_state WHERE key = ?", (STALE_KEY,)).fetchone() is not None


def clear_stale(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM kb_state WHERE key = ?", (STALE_KEY,))
