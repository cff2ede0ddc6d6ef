"""The journal: corrections appended in order, never changed; listed newest first; moved between
KBs as JSON Lines (each line the whole record, anchors included)."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from kartoteka.errors import UsageError

ACTIONS = ("merge", "split", "link", "unlink", "alias_add", "alias_remove", "reject", "confirm", "edit", "assert",
           "source")
PUBLIC = ("id", "action", "target", "note", "user", "at")


def default_user() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def append(conn: sqlite3.Connection, action: str, target: str, args: dict[str, Any], *, note: str | None = None,
           user: str | None = None) -> dict[str, Any]:
    """Add one correction at the end of the journal; returns its record."""
    rec = {"id": "c" + uuid.uuid4().hex[:12], "action": action, "target": target, "note": note or None,
           "user": user or default_user(), "at": datetime.now(UTC).isoformat(timespec="seconds"), "args": args}
    _insert(conn, rec)
    return rec


def _insert(conn: sqlite3.Connection, rec: dict[str, Any]) -> None:
    conn.execute("INSERT INTO corrections (id, action, target, args, note, user, at) VALUES (?,?,?,?,?,?,?)",
                 (rec["id"], rec["action"], rec["target"], json.dumps(rec["args"], ensure_ascii=False, sort_keys=True),
                  rec["note"], rec["user"], rec["at"]))


def entries(conn: sqlite3.Connection, *, newest_first: bool = False) -> list[dict[str, Any]]:
    """Every correction with its arguments and what the last replay made of it."""
    order = "DESC" if newest_first else "ASC"
    rows = conn.execute(
        "SELECT c.id, c.action, c.target, c.args, c.note, c.user, c.at, s.state, s.detail FROM corrections c"
        f" LEFT JOIN correction_status s ON s.id = c.id ORDER BY c.seq {order}").fetchall()
    return [{"id": r["id"], "action": r["action"], "target": r["target"], "note": r["note"], "user": r["user"],
             "at": r["at"], "args": json.loads(r["args"]), "state": r["state"] or "pending",
             "detail": r["detail"] or ""} for r in rows]


def public(rec: dict[str, Any]) -> dict[str, Any]:
    """The correction record of the contract, with the last replay's state and detail."""
    out = {k: rec.get(k) for k in PUBLIC}
    if "state" in rec:
        out.update(state=rec["state"], detail=rec["detail"])
    return out


def export_lines(conn: sqlite3.Connection) -> list[str]:
    return [json.dumps({k: e[k] for k in (*PUBLIC, "args")}, ensure_ascii=False, sort_keys=True)
            for e in entries(conn)]


def import_lines(conn: sqlite3.Connection, lines: Iterable[str]) -> dict[str, int]:
    """Append the corrections of an exported journal, in its order, skipping those this KB's
    journal already holds (by id): importing twice changes nothing."""
    have = {r[0] for r in conn.execute("SELECT id FROM corrections")}
    added = skipped = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            ok = isinstance(rec, dict) and rec.get("action") in ACTIONS and isinstance(rec.get("args"), dict)
        except json.JSONDecodeError:
            ok = False
        if not ok or not all(rec.get(k) for k in ("id", "target", "user", "at")):
            raise UsageError(f"line {n} is not a correction record (export one with `kartoteka export corrections`)")
        if rec["id"] in have:
            skipped += 1
            continue
        _insert(conn, {**rec, "note": rec.get("note")})
        have.add(rec["id"])
        added += 1
    return {"added": added, "skipped": skipped}
