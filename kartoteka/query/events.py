"""Queries over events: one record per happening with every source that tells it (the compare
stage derives them: kartoteka/compare/happenings.py)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kartoteka.query.factoids import date_overlap_sql

_EVENT_COLS = ("e.id, e.type, e.family, e.subject_id, e.label, e.date_text, e.date_start, e.date_end,"
               " e.date_precision, e.date_disputed, e.sources, e.independent, e.conflict_id")


class EventQueries:
    conn: sqlite3.Connection
    # Provided by FactoidQueries (kartoteka.api.KB combines the mixins).
    entity_ids_for: Callable[..., list[str]]
    search_cache: Any  # kartoteka.query.search.SearchCache, provided by AskQueries

    def events(self, entity: str | None = None, type: str | None = None, date_from: str | None = None,
               date_to: str | None = None, *, limit: int | None = None, offset: int = 0,
               lineage: bool = False, entity_id: str | None = None, dated_only: bool = False) -> list[dict[str, Any]]:
        """Events as CONTRACT.md describes them, in date order (undated last): ``entity`` (a name)
        or ``entity_id`` matches the subject or anyone a source names in a role; ``type`` the
        event's type, its family ("death" finds executions too) or the type any source gives it;
        dates overlap [date_from, date_to]."""
        ids = [entity_id] if entity_id else self.entity_ids_for(entity, lineage=lineage) if entity else []
        where, args = self._event_filters(ids, type, date_from, date_to)
        if dated_only:
            where.append("e.date_start IS NOT NULL")
        sql = (f"SELECT {_EVENT_COLS}, s.name AS sname, s.type AS stype FROM events e"
               f" LEFT JOIN entities s ON s.id = e.subject_id WHERE {' AND '.join(where)}"
               " ORDER BY e.date_start IS NULL, e.date_start, e.date_end, e.label, e.id")
        try:
            rows = self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # a KB from before events: run `kartoteka compare`
            return []
        # Paged here, not in SQL: "LIMIT -1" (SQLite's "no limit") is not portable.
        rows = rows[offset:offset + limit if limit is not None else None]
        sources = self.event_sources([r["id"] for r in rows])
        return [_event(r, sources.get(r["id"], [])) for r in rows]

    @staticmethod
    def _event_filters(ids: list[str], type: str | None, date_from: str | None,
                       date_to: str | None) -> tuple[list[str], list[Any]]:
        where, args = ["1=1"], []
        if ids:
            ph = ",".join("?" * len(ids))
            where.append(f"(e.subject_id IN ({ph}) OR e.id IN (SELECT m.event_id FROM factoid_roles r"
                         f" JOIN event_factoids m ON m.factoid_id = r.factoid_id WHERE r.entity_id IN ({ph})))")
            args += ids + ids
        if type:
            where.append("(e.type = ? OR e.family = ? OR EXISTS (SELECT 1 FROM event_factoids m JOIN factoids f"
                         " ON f.id = m.factoid_id WHERE m.event_id = e.id AND f.type = ?))")
            args += [type, type, type]
        bounds, bound_args = date_overlap_sql("e", date_from, date_to)
        return where + bounds, args + bound_args

    def event_sources(self, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """For each event id: its source assertions (factoid, span, voice, stance, type, whether
        it counts as an independent witness), in document and text order."""
        from kartoteka.query.documents import doc_texts, pages_at

        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            rows = self.conn.execute(
                "SELECT m.event_id, m.factoid_id, m.voice, m.stance, m.independent, f.type, f.start, f.end,"
                " f.date_text, f.attrs, d.doc, d.id AS doc_id FROM event_factoids m JOIN factoids f ON f.id = m.factoid_id"
                f" JOIN documents d ON d.id = f.doc_id WHERE m.event_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY d.doc, f.start, f.type", chunk).fetchall()
            pages = pages_at(self.conn, ((r["doc_id"], r["start"]) for r in rows))  # one query, not one a row
            texts = doc_texts(self.conn, [r["doc_id"] for r in rows], self.search_cache.texts)
            for r in rows:
                span: dict[str, Any] = {"doc": r["doc"], "start": r["start"], "end": r["end"],
                                        "quote": texts[r["doc_id"]][r["start"]:r["end"]]}
                page = json.loads(r["attrs"] or "{}").get("page") or pages.get((r["doc_id"], r["start"]))
                if page:
                    span["page"] = page
                item = {"factoid": r["factoid_id"], "type": r["type"], "source": span, "voice": r["voice"],
                        "stance": r["stance"], "independent": bool(r["independent"])}
                if r["date_text"]:
                    item["said"] = r["date_text"]
                out[r["event_id"]].append(item)
        return out


def _event(r: sqlite3.Row, sources: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": r["id"], "type": r["type"], "family": r["family"], "label": r["label"],
        "subject": {"id": r["subject_id"], "name": r["sname"] or r["subject_id"], "type": r["stype"] or "other"},
    }
    if r["date_start"]:
        item["date"] = {"text": r["date_text"], "start": r["date_start"], "end": r["date_end"],
                        "precision": r["date_precision"]}
        if r["date_disputed"]:
            item["date"]["disputed"] = True
    item.update(documents=r["sources"], independent=r["independent"], sources=sources)
    if r["conflict_id"]:
        item["conflict"] = r["conflict_id"]
    return item
