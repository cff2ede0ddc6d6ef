"""Queries over corroboration, conflicts, source profiles: the KB methods for this capability."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from kartoteka.errors import NotFound, UsageError

KINDS = ("sources", "self", "reference")


class ConflictQueries:
    conn: sqlite3.Connection
    # Provided by FactoidQueries (kartoteka.api.KB combines the mixins).
    entity_ids_for: Callable[..., list[str]]

    def conflicts(self, entity: str | None = None, source: str | None = None,
                  kind: str | None = None) -> list[dict[str, Any]]:
        """Where sources (or one source with itself, or a source with the domain pack) disagree,
        as CONTRACT.md's conflict shape plus ``kind`` (sources, self, reference), ``docs``, and
        for reference conflicts the pack entry cited (``reference``)."""
        if kind is not None and kind not in KINDS:
            raise UsageError(f"unknown conflict kind {kind!r} (one of {', '.join(KINDS)})")
        where, args = ["1=1"], []
        if entity:
            ids = self.entity_ids_for(entity)
            where.append(f"c.entity_id IN ({','.join('?' * len(ids))})")
            args += ids
        if kind:
            where.append("c.kind = ?")
            args.append(kind)
        if source:
            if self.conn.execute("SELECT 1 FROM documents WHERE doc = ?", (source,)).fetchone() is None:
                raise NotFound(f"no document named {source!r} in this KB (see `kartoteka sources`)")
            where.append("EXISTS (SELECT 1 FROM json_each(c.docs) WHERE json_each.value = ?)")
            args.append(source)
        # Ranked by how many independent witnesses take each side (compare.happenings.conflict_rank).
        rows = self.conn.execute(
            "SELECT c.id, c.entity_id, c.type, c.field, c.kind, c.data, c.docs, c.event_id, e.name, e.type AS etype"
            f" FROM conflicts c LEFT JOIN entities e ON e.id = c.entity_id WHERE {' AND '.join(where)}"
            " ORDER BY c.rank DESC, e.name, c.type, c.field, c.id", args).fetchall()
        out = []
        for r in rows:
            data = json.loads(r["data"])
            item: dict[str, Any] = {
                "id": r["id"],
                "entity": {"id": r["entity_id"], "name": r["name"] or r["entity_id"], "type": r["etype"] or "other"},
                "type": r["type"], "field": r["field"], "kind": r["kind"],
                "values": data["values"], "docs": json.loads(r["docs"]),
            }
            if data.get("reference"):
                item["reference"] = data["reference"]
            if data.get("group"):
                item["group"] = data["group"]
            if r["event_id"]:
                item["event"] = r["event_id"]
            out.append(item)
        self._add_pages(out)
        return out

    def _add_pages(self, conflicts: list[dict[str, Any]]) -> None:
        """Give each quoted source the printed page its span starts on, where the document has
        page markers (a reader checks a conflict against the page, as the CLI prints it)."""
        from kartoteka.query.documents import page_at

        ids = {r[0]: r[1] for r in self.conn.execute(
            "SELECT doc, id FROM documents WHERE doc IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({d for c in conflicts for d in c["docs"]})),))}
        for c in conflicts:
            for v in c["values"]:
                for src in v.get("sources", []):
                    if not src.get("page") and src.get("doc") in ids and src.get("start") is not None:
                        page = page_at(self.conn, ids[src["doc"]], src["start"])
                        if page:
                            src["page"] = page

    def recompute_comparisons(self) -> dict[str, Any]:
        """Recompute corroboration, conflicts, reference checks and source profiles for the whole
        KB (what every ingest run does at its end); returns counts and the time taken."""
        from kartoteka.compare.stage import recompute

        return recompute(self.conn)

    def corroboration_of(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """For each factoid id: ``corroboration`` (how many other sources agree), ``corroborated_by``
        (those documents), and where they exist ``repeated_by`` (documents that agree in the same
        words: quotations, not independent), the ids of its ``conflicts`` and its ``reference``
        checks against the domain pack, and ``stance`` where it is not "asserts" (compare.disputes)."""
        out: dict[str, dict[str, Any]] = {}
        try:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                q = ("SELECT factoid_id, corroboration, info FROM factoid_groups"
                     f" WHERE factoid_id IN ({','.join('?' * len(chunk))})")
                for r in self.conn.execute(q, chunk):
                    out[r[0]] = corroboration_item(r[1], r[2])
        except sqlite3.OperationalError:  # a KB from before these columns: counts only
            return {}
        return out

    def comparison_summary(self, entity_id: str) -> dict[str, Any]:
        """For an entity's dossier: its factoids as subject, how many other sources corroborate,
        and its conflicts by kind."""
        return comparison_summary_of(self.conn.execute(f"SELECT {SUMMARY_COLS} FROM (SELECT ? AS id) e",
                                                       (entity_id,)).fetchone())


def corroboration_item(corroboration: int, info: str | None) -> dict[str, Any]:
    """What corroboration_of says of one factoid, from its factoid_groups row."""
    data = json.loads(info or "{}")
    item: dict[str, Any] = {"corroboration": int(corroboration),
                            "corroborated_by": [x["doc"] for x in data.get("corroborated_by", [])]}
    if data.get("repeated_by"):
        item["repeated_by"] = [x["doc"] for x in data["repeated_by"]]
    if data.get("conflicts"):
        item["conflicts"] = data["conflicts"]
    if data.get("reference"):
        item["reference"] = data["reference"]
    if data.get("stance"):  # the source names the value to dispute it
        item["stance"] = data["stance"]
    return item


# The comparison summary of the entity ``e`` as columns of its row: a dossier reads them with the
# entity itself (a round trip each counts on PostgreSQL). Conflict kinds: a JSON array of pairs.
SUMMARY_COLS = (
    "(SELECT COUNT(*) FROM factoids f WHERE f.subject_id = e.id) AS factoid_count,"
    " (SELECT COUNT(*) FROM factoids f JOIN factoid_groups g ON g.factoid_id = f.id"
    " WHERE f.subject_id = e.id AND g.corroboration > 0) AS corroborated_factoids,"
    " (SELECT json_group_array(json_array(k.kind, k.n)) FROM"
    " (SELECT kind, COUNT(*) AS n FROM conflicts WHERE entity_id = e.id GROUP BY kind) k) AS conflict_kinds")


def comparison_summary_of(row: Any) -> dict[str, Any]:
    """comparison_summary from a row with SUMMARY_COLS."""
    kinds = {k: int(n) for k, n in sorted(json.loads(row["conflict_kinds"] or "[]"))}
    return {"factoid_count": int(row["factoid_count"] or 0), "corroborated_factoids": int(row["corroborated_factoids"] or 0),
            "conflict_count": sum(kinds.values()), "conflicts_by_kind": kinds}
