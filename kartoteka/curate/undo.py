"""The rows a replay changes, kept so that the next replay can put the machine's rows back first.

Each changed row is logged once per replay with its state before (NULL: replay added it) and
after (NULL: replay removed it). Resetting restores a row only where it still reads exactly as
replay left it: a row that re-ingestion replaced is the machine's again and is left alone."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kartoteka.store.db import savepoint
from kartoteka.store.writer import refresh_factoid_roles

TABLES = ("entities", "aliases", "mentions", "relations", "factoids")


def row_json(conn: sqlite3.Connection, tbl: str, key: Any, docs: dict[int, Any] | None = None) -> str | None:
    """The row as JSON, with the content hash of the document it belongs to (a re-ingested
    document may get the old row id back; its rows are then not the rows replay saw). ``docs``
    caches the hashes for one replay."""
    r = conn.execute(f"SELECT * FROM {tbl} WHERE id = ?", (key,)).fetchone()
    if r is None:
        return None
    row = dict(r)
    if row.get("doc_id") is not None:
        row["__doc"] = doc_version(conn, row["doc_id"], {} if docs is None else docs)
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def _dump(conn: sqlite3.Connection, row: dict[str, Any], docs: dict[int, Any]) -> str:
    if row.get("doc_id") is not None:
        row["__doc"] = doc_version(conn, row["doc_id"], docs)
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def rows_json(conn: sqlite3.Connection, tbl: str, keys: list[str], docs: dict[int, Any]) -> dict[str, str]:
    """Many rows at once, by their JSON-encoded ids: {key: row JSON} for those that exist."""
    out: dict[str, str] = {}
    ids = [json.loads(k) for k in keys]
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in conn.execute(f"SELECT * FROM {tbl} WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            out[json.dumps(r["id"])] = _dump(conn, dict(r), docs)
    return out


def doc_version(conn: sqlite3.Connection, doc_id: int, docs: dict[int, Any]) -> Any:
    # sha256 sits before the text in the row: reading it never walks the text's overflow pages.
    if doc_id not in docs:
        d = conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        docs[doc_id] = d[0] if d else None
    return docs[doc_id]


class Recorder:
    """Call ``touch`` before changing, adding or deleting a row; ``save`` when replay is done."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.before: dict[tuple[str, str], str | None] = {}
        self.docs: dict[int, Any] = {}

    def touch(self, tbl: str, key: Any) -> None:
        assert tbl in TABLES
        k = (tbl, json.dumps(key))
        if k not in self.before:
            self.before[k] = row_json(self.conn, tbl, key, self.docs)

    def touch_where(self, tbl: str, where: str, args: tuple[Any, ...]) -> list[Any]:
        """``touch`` every row of ``tbl`` that ``where`` selects (one query); returns their ids."""
        assert tbl in TABLES
        ids = []
        for r in self.conn.execute(f"SELECT * FROM {tbl} WHERE {where}", args).fetchall():
            k = (tbl, json.dumps(r["id"]))
            if k not in self.before:
                self.before[k] = _dump(self.conn, dict(r), self.docs)
            ids.append(r["id"])
        return ids

    def added(self, tbl: str, key: Any) -> None:
        """A row replay has just inserted (its id was not known before)."""
        self.before.setdefault((tbl, json.dumps(key)), None)

    def created(self, tbl: str, key: Any) -> bool:
        """Whether this replay added the row."""
        k = (tbl, json.dumps(key))
        return k in self.before and self.before[k] is None

    def save(self) -> None:
        now: dict[str, dict[str, str]] = {}
        for tbl in TABLES:
            keys = [k for t, k in self.before if t == tbl]
            now[tbl] = rows_json(self.conn, tbl, keys, self.docs) if keys else {}
        rows = []
        for (tbl, key), before in self.before.items():
            after = now[tbl].get(key)
            if after != before:
                rows.append((tbl, key, before, after))
        self.conn.executemany("INSERT INTO curation_undo (tbl, key, before, after) VALUES (?,?,?,?)", rows)


def reset(conn: sqlite3.Connection) -> int:
    """Undo the last replay where its rows are still as it left them; returns the rows restored."""
    n = 0
    docs: dict[int, Any] = {}
    log = conn.execute("SELECT tbl, key, before, after FROM curation_undo ORDER BY seq DESC").fetchall()
    # Each row is logged once, and restoring one never changes another that comes later in the
    # reverse order: the current rows can be read up front, a table at a time.
    now = {tbl: rows_json(conn, tbl, [r["key"] for r in log if r["tbl"] == tbl], docs) for tbl in TABLES}
    for r in log:
        tbl, key = r["tbl"], json.loads(r["key"])
        if tbl not in TABLES or now[tbl].get(r["key"]) != r["after"] or not _same_doc(conn, r["before"], docs):
            continue
        try:
            with savepoint(conn, "undo_row"):
                if r["before"] is None:
                    conn.execute(f"DELETE FROM {tbl} WHERE id = ?", (key,))
                else:
                    _put(conn, tbl, json.loads(r["before"]), exists=r["after"] is not None)
                if tbl == "factoids":  # the role rows follow the row's roles
                    refresh_factoid_roles(conn, [key])
        except sqlite3.IntegrityError:
            # The row pointed at an entity re-ingestion has since dropped (a document-born
            # entity whose mentions replay had moved away): it stays as replay left it, and the
            # replay that follows sets it again.
            continue
        n += 1
    conn.execute("DELETE FROM curation_undo")
    return n


def _same_doc(conn: sqlite3.Connection, before: str | None, docs: dict[int, Any]) -> bool:
    """Whether the document a removed row belonged to is still the version replay saw."""
    if before is None:
        return True
    row = json.loads(before)
    if row.get("doc_id") is None:
        return True
    version = doc_version(conn, row["doc_id"], docs)
    return version is not None and version == row.get("__doc")


def _put(conn: sqlite3.Connection, tbl: str, row: dict[str, Any], *, exists: bool) -> None:
    row.pop("__doc", None)
    cols = list(row)
    if exists:
        sets = ", ".join(f"{c} = ?" for c in cols)
        conn.execute(f"UPDATE {tbl} SET {sets} WHERE id = ?", [row[c] for c in cols] + [row["id"]])
    else:
        conn.execute(f"INSERT INTO {tbl} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
