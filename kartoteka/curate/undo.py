"""The rows a replay changes, kept so that the next replay can put the machine's rows back first.

Each changed row is logged once per replay with its state before (NULL: replay added it) and
after (NULL: replay removed it). Resetting restores a row only where it still reads exactly as
replay left it: a row that re-ingestion replaced is the machine's again and is left alone."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

TABLES = ("entities", "aliases", "mentions", "relations", "factoids")


def row_json(conn: sqlite3.Connection, tbl: str, key: Any) -> str | None:
    """The row as JSON, with the version of the document it belongs to (a re-ingested document
    may get the old row id back; its rows are then not the rows replay saw)."""
    r = conn.execute(f"SELECT * FROM {tbl} WHERE id = ?", (key,)).fetchone()
    if r is None:
        return None
    row = dict(r)
    if row.get("doc_id") is not None:
        d = conn.execute("SELECT sha256, ingested_at FROM documents WHERE id = ?", (row["doc_id"],)).fetchone()
        row["__doc"] = list(d) if d else None
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


class Recorder:
    """Call ``touch`` before changing, adding or deleting a row; ``save`` when replay is done."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.before: dict[tuple[str, str], str | None] = {}

    def touch(self, tbl: str, key: Any) -> None:
        assert tbl in TABLES
        k = (tbl, json.dumps(key))
        if k not in self.before:
            self.before[k] = row_json(self.conn, tbl, key)

    def added(self, tbl: str, key: Any) -> None:
        """A row replay has just inserted (its id was not known before)."""
        self.before.setdefault((tbl, json.dumps(key)), None)

    def created(self, tbl: str, key: Any) -> bool:
        """Whether this replay added the row."""
        k = (tbl, json.dumps(key))
        return k in self.before and self.before[k] is None

    def save(self) -> None:
        rows = []
        for (tbl, key), before in self.before.items():
            after = row_json(self.conn, tbl, json.loads(key))
            if after != before:
                rows.append((tbl, key, before, after))
        self.conn.executemany("INSERT INTO curation_undo (tbl, key, before, after) VALUES (?,?,?,?)", rows)


def reset(conn: sqlite3.Connection) -> int:
    """Undo the last replay where its rows are still as it left them; returns the rows restored."""
    n = 0
    for r in conn.execute("SELECT tbl, key, before, after FROM curation_undo ORDER BY seq DESC").fetchall():
        tbl, key = r["tbl"], json.loads(r["key"])
        if tbl not in TABLES or row_json(conn, tbl, key) != r["after"] or not _same_doc(conn, r["before"]):
            continue
        try:
            if r["before"] is None:
                conn.execute(f"DELETE FROM {tbl} WHERE id = ?", (key,))
            else:
                _put(conn, tbl, json.loads(r["before"]), exists=r["after"] is not None)
        except sqlite3.IntegrityError:
            # The row pointed at an entity re-ingestion has since dropped (a document-born
            # entity whose mentions replay had moved away): it stays as replay left it, and the
            # replay that follows sets it again.
            continue
        n += 1
    conn.execute("DELETE FROM curation_undo")
    return n


def _same_doc(conn: sqlite3.Connection, before: str | None) -> bool:
    """Whether the document a removed row belonged to is still the version replay saw."""
    if before is None:
        return True
    row = json.loads(before)
    if row.get("doc_id") is None:
        return True
    d = conn.execute("SELECT sha256, ingested_at FROM documents WHERE id = ?", (row["doc_id"],)).fetchone()
    return d is not None and list(d) == row.get("__doc")


def _put(conn: sqlite3.Connection, tbl: str, row: dict[str, Any], *, exists: bool) -> None:
    row.pop("__doc", None)
    cols = list(row)
    if exists:
        sets = ", ".join(f"{c} = ?" for c in cols)
        conn.execute(f"UPDATE {tbl} SET {sets} WHERE id = ?", [row[c] for c in cols] + [row["id"]])
    else:
        conn.execute(f"INSERT INTO {tbl} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
