"""Bulk, flat reads for exports: whole entity records with their aliases, relations with their
provenance, the office intervals of the whole KB. Read-only; results come in chunks so an export
of a large KB never holds more than one chunk of rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

CHUNK = 500


class RecordQueries:
    conn: sqlite3.Connection
    # Provided by FactoidQueries (kartoteka.api.KB combines the mixins).
    _office_intervals: Callable[[], list[dict[str, Any]]]

    def entity_records(self, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        """One record per id that names an entity, in the order given: id, name, type,
        description, pack, qid, linked, the pack's data, mention counts (in all and per source,
        most first) and every alias row (pack, surface or stated), with the span where a
        document states or first uses it."""
        todo = list(dict.fromkeys(ids))
        texts = _Texts(self.conn)
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i:i + CHUNK]
            pick = json.dumps(chunk)
            rows = {r["id"]: r for r in self.conn.execute(
                "SELECT id, name, type, description, pack, qid, linked, data FROM entities"
                " WHERE id IN (SELECT value FROM json_each(?))", (pick,))}
            per_source: dict[str, list[dict[str, Any]]] = {}
            for r in self.conn.execute(
                    "SELECT m.entity_id, d.doc, COUNT(*) AS n FROM mentions m JOIN documents d ON d.id = m.doc_id"
                    " WHERE m.entity_id IN (SELECT value FROM json_each(?)) GROUP BY m.entity_id, d.doc"
                    " ORDER BY m.entity_id, n DESC, d.doc", (pick,)):
                per_source.setdefault(r["entity_id"], []).append({"doc": r["doc"], "mentions": r["n"]})
            aliases: dict[str, list[dict[str, Any]]] = {}
            for r in self.conn.execute(
                    "SELECT a.entity_id, a.alias, a.kind, a.start, a.end, a.doc_id, d.doc FROM aliases a"
                    " LEFT JOIN documents d ON d.id = a.doc_id WHERE a.entity_id IN (SELECT value FROM json_each(?))"
                    " ORDER BY a.entity_id, a.kind = 'pack' DESC, a.id", (pick,)):
                alias: dict[str, Any] = {"alias": r["alias"], "kind": r["kind"]}
                if r["doc"] is not None and r["start"] is not None:
                    quote = texts.text(r["doc_id"])[r["start"]:r["end"]]
                    alias["source"] = {"doc": r["doc"], "start": r["start"], "end": r["end"], "quote": quote}
                aliases.setdefault(r["entity_id"], []).append(alias)
            for eid in chunk:
                e = rows.get(eid)
                if e is None:
                    continue
                sources = per_source.get(eid, [])
                yield {"id": eid, "name": e["name"], "type": e["type"], "description": e["description"],
                       "pack": e["pack"], "qid": e["qid"], "linked": bool(e["linked"]),
                       "data": json.loads(e["data"] or "{}"),
                       "mention_count": sum(s["mentions"] for s in sources), "mentions_by_source": sources,
                       "aliases": aliases.get(eid, [])}

    def relation_records(self, ids: Collection[str] | None = None, *, touching: bool = False,
                         source: str | None = None) -> Iterator[dict[str, Any]]:
        """Typed relations (from packs or documents), oldest first: all of them, or those with
        both ends among ``ids`` (either end with ``touching``); with ``source``, only those from a
        pack or from that document. Each has its dates, its pack, and the span a document states
        it in."""
        where, args = ["1=1"], []
        if ids is not None:
            pick = json.dumps(sorted(ids))
            op = "OR" if touching else "AND"
            where.append(f"(r.src_id IN (SELECT value FROM json_each(?)) {op} r.dst_id IN (SELECT value FROM json_each(?)))")
            args += [pick, pick]
        if source is not None:
            where.append("(r.doc_id IS NULL OR d.doc = ?)")
            args.append(source)
        rows = self.conn.execute(
            "SELECT r.src_id, r.dst_id, r.type, r.date_start, r.date_end, r.start, r.end, r.attrs, d.doc,"
            " substr(d.text, r.start + 1, r.end - r.start) AS quote, s.name AS src_name, s.type AS src_type,"
            " t.name AS dst_name, t.type AS dst_type FROM relations r LEFT JOIN documents d ON d.id = r.doc_id"
            " LEFT JOIN entities s ON s.id = r.src_id LEFT JOIN entities t ON t.id = r.dst_id"
            f" WHERE {' AND '.join(where)} ORDER BY r.date_start IS NULL, r.date_start, r.id", args)
        while batch := rows.fetchmany(CHUNK):
            for r in batch:
                rel: dict[str, Any] = {
                    "type": r["type"],
                    "from": {"id": r["src_id"], "name": r["src_name"] or r["src_id"], "type": r["src_type"] or "other"},
                    "to": {"id": r["dst_id"], "name": r["dst_name"] or r["dst_id"], "type": r["dst_type"] or "other"},
                    "date": r["date_start"], "date_end": r["date_end"],
                    "pack": json.loads(r["attrs"] or "{}").get("pack"),
                }
                if r["doc"] is not None and r["start"] is not None:
                    rel["source"] = {"doc": r["doc"], "start": r["start"], "end": r["end"], "quote": r["quote"]}
                yield rel

    def office_intervals(self) -> list[dict[str, Any]]:
        """Every office interval in the KB (see ``FactoidQueries.offices``), in date order."""
        out: list[dict[str, Any]] = self._office_intervals()
        out.sort(key=lambda iv: iv.get("from") or "9999")
        return out


class _Texts:
    """Stored texts by document id, read once each: slicing in Python is far cheaper than
    SQLite's substr(), which reads a multi-megabyte text for every row it cuts from."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.cache: dict[int, str] = {}

    def text(self, doc_id: int) -> str:
        if doc_id not in self.cache:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            self.cache[doc_id] = row[0] if row else ""
        return self.cache[doc_id]
