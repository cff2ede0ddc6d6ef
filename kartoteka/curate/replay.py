"""Replay: put back the machine's rows the last replay changed, then apply the whole journal in
order. It runs after documents are written and before the compare stage (a finisher registered
ahead of it), so that corroboration, conflicts and events see merges and rejections."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from kartoteka.curate import journal
from kartoteka.curate.actions import ACTIONS, Cursor
from kartoteka.curate.undo import Recorder, reset
from kartoteka.pipeline import Context, register_finisher
from kartoteka.store.db import transaction


def replay(conn: sqlite3.Connection) -> dict[str, Any]:
    """Rebuild what the journal says over the machine's rows; returns counts by state."""
    t0 = time.perf_counter()
    with transaction(conn):
        restored = reset(conn)
        for table in ("rejected_factoids", "source_records", "correction_status"):
            conn.execute(f"DELETE FROM {table}")
        rec = Recorder(conn)
        cx = Cursor(conn, rec)
        states = []
        for e in journal.entries(conn):
            states.append((e["id"], *_apply(cx, e)))
        rec.save()
        conn.executemany("INSERT INTO correction_status (id, state, detail) VALUES (?,?,?)", states)
    counts: dict[str, Any] = {"corrections": len(states), "restored_rows": restored}
    for _, state, _ in states:
        counts[state] = counts.get(state, 0) + 1
    counts["seconds"] = round(time.perf_counter() - t0, 3)
    return counts


def _apply(cx: Cursor, e: dict[str, Any]) -> tuple[str, str]:
    """One correction in a savepoint: one that cannot apply (a journal written by a newer
    Kartoteka, rows the machine now shapes differently) is reported failed and leaves no trace,
    and never stops the replay of the others, nor the ingest that runs it."""
    conn = cx.conn
    conn.execute("SAVEPOINT correction")
    try:
        action = ACTIONS.get(e["action"])
        result = action(cx, e["args"], e) if action else ("failed", f"unknown action {e['action']!r}")
    except (sqlite3.Error, KeyError, TypeError, ValueError, AttributeError) as err:
        conn.execute("ROLLBACK TO correction")
        cx.docs.clear()
        result = ("failed", f"{type(err).__name__}: {err}")
    conn.execute("RELEASE correction")
    return result


@register_finisher("curate")
def curate_finisher(ctx: Context) -> None:
    replay(ctx.conn)
