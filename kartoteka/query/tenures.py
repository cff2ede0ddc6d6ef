"""Tenures: who held an office, one interval per person and office however many sources tell
it, and appointments that no clause dates, dated by their context.

Several sources retell one appointment ("appointed in 1902", "in March 1902 ... appointed"):
the office intervals (``FactoidQueries.holders``) are one per source; a tenure joins the ones
of one holder and office that overlap, keeping every source. An appointment whose own clause
has no date often sits in a sentence or paragraph that has one ("the yard was sold in 1919,
and after a quarrel X became its director"): the nearest date of its own sentence, else the
last of its paragraph before it, dates it, marked ``dated_by: "context"``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

CONTEXT_CHARS = 600   # how far back in its paragraph an undated appointment looks for a date


def context_date(conn: sqlite3.Connection, doc: str, start: int, end: int) -> dict[str, Any] | None:
    """The date the context of the span [start, end) of ``doc`` gives: a date expression in the
    span itself (a relative one resolved against the paragraph's last date before it), else that
    last date of the paragraph before the span; None when neither has one."""
    from kartoteka.extract.dates import find_dates, resolve

    row = conn.execute(
        "SELECT d.id, coalesce((SELECT max(s.start) FROM segments s WHERE s.doc_id = d.id AND s.kind = 'paragraph'"
        " AND s.start <= ?), 0) AS para FROM documents d WHERE d.doc = ?", (start, doc)).fetchone()
    if row is None:
        return None
    lo = max(row["para"], start - CONTEXT_CHARS)
    before, span = conn.execute("SELECT substr(text, ? + 1, ? - ?), substr(text, ? + 1, ? - ?) FROM documents"
                                " WHERE id = ?", (lo, start, lo, start, end, start, row["id"])).fetchone()
    anchor = None
    for expr in find_dates(before or ""):
        value = resolve(expr, anchor) if expr.absolute else None
        if value is not None and value.start:
            anchor = value
    for expr in find_dates(span or ""):
        value = resolve(expr, anchor)
        if value is not None and value.start:
            return {"text": value.text, "start": value.start, "end": value.end, "precision": value.precision,
                    "where": "sentence"}
    if anchor is not None:
        return {"text": anchor.text, "start": anchor.start, "end": anchor.end, "precision": anchor.precision,
                "where": "paragraph"}
    return None


def merge_tenures(intervals: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """One tenure per holder and office (``key(iv)``) where intervals overlap: the earliest start,
    the latest stated end (open when none states one), every source and factoid; an undated
    interval joins its holder's first tenure of that office, or stands alone."""
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for iv in intervals:
        groups.setdefault((iv["holder"]["id"], key(iv)), []).append(iv)
    out: list[dict[str, Any]] = []
    for ivs in groups.values():
        dated = sorted((iv for iv in ivs if iv.get("from")), key=lambda iv: iv["from"])
        tenures: list[dict[str, Any]] = []
        for iv in dated:
            last = tenures[-1] if tenures else None
            if last is not None and (last["to"] is None or iv["from"] <= last["to"]):
                _absorb(last, iv)
            else:
                tenures.append(_tenure(iv))
        for iv in (iv for iv in ivs if not iv.get("from")):
            if tenures:
                _absorb(tenures[0], iv)
            else:
                tenures.append(_tenure(iv))
        out += tenures
    out.sort(key=lambda t: (t.get("from") or "9999", t["holder"]["name"]))
    return out


def _witness(iv: dict[str, Any]) -> dict[str, Any]:
    out = {**iv["source"], "factoid": iv["factoid"], "from": iv.get("from")}
    if iv.get("dated_by"):
        out["dated_by"] = iv["dated_by"]
    return out


def _tenure(iv: dict[str, Any]) -> dict[str, Any]:
    t = {k: v for k, v in iv.items() if k not in ("closed_by", "context_date")}
    t["sources"] = [_witness(iv)]
    t["factoids"] = [iv["factoid"]]
    t["dated_by"] = iv.get("dated_by", "stated") if iv.get("from") else None
    return t


def _absorb(t: dict[str, Any], iv: dict[str, Any]) -> None:
    t["sources"].append(_witness(iv))
    t["factoids"].append(iv["factoid"])
    if iv.get("to") and (t["to"] is None or iv["to"] > t["to"]):
        t["to"] = iv["to"]
    if iv.get("from") and iv.get("dated_by", "stated") == "stated" and t.get("dated_by") == "context":
        t["from"], t["dated_by"], t["source"] = iv["from"], "stated", iv["source"]  # a stated date wins
    if not t.get("office") and iv.get("office"):
        t["office"] = iv["office"]
