"""Queries over factoids, timeline, offices: the KB methods for this capability."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from kartoteka.errors import NotFound, UsageError

_COLS = ("f.id, f.type, f.subject_id, f.roles, f.date_text, f.date_start, f.date_end, f.date_precision, f.date_flag,"
         " f.value, f.start, f.end, f.voice, f.hedged, f.negated, f.fiction, f.confidence, f.attrs, d.doc, d.id AS doc_id,"
         # what rendering a factoid needs, read with it (a round trip each counts on PostgreSQL):
         # its comparison, its source record, its printed page, and the entities it names
         " g.factoid_id AS grouped, g.corroboration, g.info, sr.record,"
         " (SELECT s.label FROM segments s WHERE s.doc_id = f.doc_id AND s.kind = 'page' AND s.start <= f.start"
         " AND f.start < s.end ORDER BY s.start DESC, s.id DESC LIMIT 1) AS page_label,"
         " se.name AS subject_name, se.type AS subject_type,"
         " (SELECT json_group_array(json_array(r.entity_id, e.name, e.type)) FROM factoid_roles r"
         " LEFT JOIN entities e ON e.id = r.entity_id WHERE r.factoid_id = f.id) AS role_refs")


def _from(table: str = "factoids") -> str:
    """The FROM clause of _COLS over ``table`` (the factoids, or those and the rejected ones)."""
    return (f"{table} f JOIN documents d ON d.id = f.doc_id LEFT JOIN factoid_groups g ON g.factoid_id = f.id"
            " LEFT JOIN source_records sr ON sr.doc = d.doc LEFT JOIN entities se ON se.id = f.subject_id")


ROLE_ORDER = ("subject", "agent", "organization", "office", "place", "other")


class FactoidQueries:
    conn: sqlite3.Connection
    # Provided by the other mixins of kartoteka.api.KB.
    resolve_name: Callable[[str], str | None]
    search_cache: Any  # kartoteka.query.search.SearchCache, provided by AskQueries

    # -- entity names -------------------------------------------------------------------------

    def entity_ids_for(self, name: str, lineage: bool = False) -> list[str]:
        """The entity ids NAME stands for: the entity layer's best match, else an exact alias-key
        lookup or an entity id; with ``lineage``, an organization's
        predecessors and successors too. Raises NotFound."""
        ids: list[str] = []
        found = self.resolve_name(name)
        if found:
            ids.append(found)
        if not ids:
            from kartoteka.resolve.keys import alias_key

            key = alias_key(name)
            rows = self.conn.execute(
                "SELECT a.entity_id, COUNT(m.id) AS n FROM aliases a JOIN entities e ON e.id = a.entity_id"
                " LEFT JOIN mentions m ON m.entity_id = a.entity_id"
                " WHERE a.key = ? GROUP BY a.entity_id, e.linked ORDER BY e.linked DESC, n DESC, a.entity_id", (key,)).fetchall()
            ids = [r[0] for r in rows[:1]]
            if not ids:
                r = self.conn.execute("SELECT id FROM entities WHERE id = ?", (name,)).fetchone()
                ids = [r[0]] if r else []
        if not ids:
            raise NotFound(f"no entity named {name!r} in this KB")
        if lineage:
            ids = self._lineage(ids)
        return ids

    def _lineage(self, ids: list[str]) -> list[str]:
        out = list(ids)
        todo = list(ids)
        while todo and len(out) < 20:
            eid = todo.pop()
            r = self.conn.execute("SELECT type, pack, data FROM entities WHERE id = ?", (eid,)).fetchone()
            if r is None or r[0] != "organization":
                continue
            data = json.loads(r[2] or "{}")
            prefix = eid.split(":", 1)[0] + ":" if ":" in eid else ""
            for k in ("predecessor", "successor"):
                vals = data.get(k)
                for v in vals if isinstance(vals, list) else [vals] if vals else []:
                    nid = v if ":" in str(v) else prefix + str(v)
                    if nid not in out:
                        out.append(nid)
                        todo.append(nid)
        return out

    def _refs(self, ids: set[str]) -> dict[str, dict[str, str]]:
        if not ids:
            return {}
        out = {}
        idl = sorted(ids)
        for i in range(0, len(idl), 500):
            chunk = idl[i:i + 500]
            q = f"SELECT id, name, type FROM entities WHERE id IN ({','.join('?' * len(chunk))})"
            for r in self.conn.execute(q, chunk):
                out[r[0]] = {"id": r[0], "name": r[1], "type": r[2]}
        return out

    # -- factoids -------------------------------------------------------------------------------

    def factoids(self, entity: str | None = None, type: str | None = None, source: str | None = None,
                 date_from: str | None = None, date_to: str | None = None, *, lineage: bool = False,
                 fiction: bool = True, dated_only: bool = False, role: str | None = None,
                 limit: int | None = None, rejected: bool = False) -> list[dict[str, Any]]:
        """Factoids as CONTRACT.md describes them, filtered; ``entity`` matches the subject or any
        role (``role='subject'`` for the subject only); dates overlap [date_from, date_to]; with
        ``rejected`` the factoids the historian rejected too, marked ``"rejected": true``."""

        where, args = ["1=1"], []
        ids: list[str] = []
        if entity:
            ids = self.entity_ids_for(entity, lineage=lineage)
            if role == "subject":
                where.append(f"f.subject_id IN ({','.join('?' * len(ids))})")
                args += ids
            else:
                term, term_args = naming_sql("f", ids)
                # A rejected factoid's roles are in its archived row alone: read below.
                where.append(f"({term} OR f.id IN (SELECT id FROM rejected_factoids))" if rejected else term)
                args += term_args
        if type:
            where.append("f.type = ?")
            args.append(type)
        if source:
            r = self.conn.execute("SELECT id FROM documents WHERE doc = ?", (source,)).fetchone()
            if r is None:
                raise NotFound(f"no document named {source!r} in this KB (see `kartoteka sources`)")
            where.append("f.doc_id = ?")
            args.append(r[0])
        bounds, bound_args = date_overlap_sql("f", date_from, date_to)
        if bounds or dated_only:
            where.append("f.date_start IS NOT NULL")
        where += bounds
        args += bound_args
        if not fiction:
            where.append("f.fiction = 0")
        # the id last: factoids level on every other term come in one order on both backends
        order = "f.date_start, f.date_end, d.doc, f.start, f.id" if dated_only else "d.doc, f.start, f.type, f.id"
        from kartoteka.query.corrections import with_rejected_sql

        table = with_rejected_sql() if rejected else "factoids"
        sql = f"SELECT {_COLS} FROM {_from(table)} WHERE {' AND '.join(where)} ORDER BY {order}"
        filtered = bool(entity and role != "subject" and rejected)
        if limit and not filtered:
            sql += f" LIMIT {int(limit)}"
        rows = self.conn.execute(sql, args).fetchall()
        if filtered:  # the rejected ones that name the entity, read from their roles
            rows = [r for r in rows if r["subject_id"] in ids or _role_ids(json.loads(r["roles"])) & set(ids)]
            rows = rows[:limit] if limit else rows
        out = self._render(rows)
        if rejected:
            gone = {r[0] for r in self.conn.execute("SELECT id FROM rejected_factoids")}
            for item in out:
                item["rejected"] = item["id"] in gone
        return out

    def timeline(self, entity: str | None = None, date_from: str | None = None, date_to: str | None = None,
                 *, lineage: bool = False, fiction: bool = False) -> list[dict[str, Any]]:
        """The dated factoids in date order (fiction left out unless asked for)."""
        return self.factoids(entity, None, None, date_from, date_to, lineage=lineage, fiction=fiction,
                             dated_only=True)

    def _render(self, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
        from kartoteka.query.conflicts import corroboration_item
        from kartoteka.query.corrections import citation_of
        from kartoteka.query.documents import doc_texts

        parsed = [json.loads(r["roles"]) for r in rows]
        refs = self._row_refs(rows, parsed)
        texts = doc_texts(self.conn, [r["doc_id"] for r in rows], self.search_cache.texts)
        out = []
        for r, roles in zip(rows, parsed, strict=True):
            doc_id = r["doc_id"]
            attrs = json.loads(r["attrs"] or "{}")
            out_roles: dict[str, Any] = {}
            for k in ROLE_ORDER:
                v = roles.get(k)
                if v is None:
                    continue
                if k == "office":
                    out_roles[k] = v
                elif k == "other":
                    lst = [refs.get(x) or _unknown(x) for x in (v if isinstance(v, list) else [v])]
                    out_roles[k] = lst
                else:
                    out_roles[k] = refs.get(v) or _unknown(v)
            if "subject" not in out_roles and r["subject_id"]:
                out_roles["subject"] = refs.get(r["subject_id"]) or _unknown(r["subject_id"])
            source: dict[str, Any] = {"doc": r["doc"], "start": r["start"], "end": r["end"],
                                      "quote": texts[doc_id][r["start"]:r["end"]]}
            page = attrs.get("page") or r["page_label"]
            if page:
                source["page"] = page
            cite = citation_of(json.loads(r["record"])) if r["record"] else ""
            if cite:
                source["cite"] = cite
            item: dict[str, Any] = {"id": r["id"], "type": r["type"], "roles": out_roles}
            if r["date_start"]:
                item["date"] = {"text": r["date_text"], "start": r["date_start"], "end": r["date_end"] or r["date_start"],
                                "precision": r["date_precision"]}
                if attrs.get("date_inferred"):
                    item["date"]["inferred"] = True
            elif r["date_text"]:
                item["date_text"] = r["date_text"]
            if r["date_flag"]:
                item["date_flag"] = r["date_flag"]
            if r["value"] is not None:
                item["value"] = _number(r["value"])
            item.update(source=source, voice=r["voice"], hedged=bool(r["hedged"]), negated=bool(r["negated"]),
                        confidence=round(float(r["confidence"]), 3), fiction=bool(r["fiction"]))
            if r["grouped"] is not None:
                item.update(corroboration_item(r["corroboration"], r["info"]))
            extra = {k: v for k, v in attrs.items() if k not in ("page", "date_inferred")}
            if extra:
                item["attrs"] = extra
            out.append(item)
        return out

    def _row_refs(self, rows: list[sqlite3.Row], parsed: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
        """Id, name and type of the entities the rows name, as read with them (subject_name,
        role_refs); those of a rejected factoid (no factoid_roles rows) in one more query."""
        refs: dict[str, dict[str, str]] = {}
        looked_up: set[str] = set()
        wanted: set[str] = set()
        for r, roles in zip(rows, parsed, strict=True):
            wanted |= _role_ids(roles) | ({r["subject_id"]} if r["subject_id"] else set())
            pairs = [(r["subject_id"], r["subject_name"], r["subject_type"])] if r["subject_id"] else []
            for eid, name, etype in pairs + [tuple(x) for x in json.loads(r["role_refs"] or "[]")]:
                looked_up.add(eid)
                if name is not None:
                    refs[eid] = {"id": eid, "name": name, "type": etype}
        missing = wanted - looked_up
        return {**refs, **self._refs(missing)} if missing else refs

    # -- offices --------------------------------------------------------------------------------

    def offices(self, entity: str) -> list[dict[str, Any]]:
        """The offices an entity held, as intervals: an appointment or election opens one; the
        holder's removal, or the next holder's appointment to the same office, closes it."""
        ids = self.entity_ids_for(entity)
        out = [iv for iv in self._office_intervals() if iv["holder"]["id"] in ids]
        out.sort(key=lambda iv: iv.get("from") or "9999")
        return out

    def holders(self, office_or_org: str, date: str | None = None) -> list[dict[str, Any]]:
        """Who held an office (matched in the office's words) or headed an organization (by name,
        its lineage included) at ``date`` (any time when None): one interval per source."""
        matches, held = self._office_match(office_or_org), _held_at(date)
        out = [iv for iv in self._office_intervals() if matches(iv) and held(iv)]
        out.sort(key=lambda iv: iv.get("from") or "9999")
        return out

    def tenures(self, office_or_org: str, date: str | None = None) -> list[dict[str, Any]]:
        """Like ``holders``, but one tenure per person and office with all its ``sources``
        (query.tenures), and appointments no clause dates included, dated by their sentence or
        paragraph where it has a date (``dated_by: "context"``) or else undated."""
        from kartoteka.query.tenures import context_date, merge_tenures

        matches, held = self._office_match(office_or_org), _held_at(date)
        ivs = [iv for iv in self._office_intervals(undated=True) if matches(iv)]
        for iv in ivs:
            if iv.get("from"):
                continue
            ctx = context_date(self.conn, iv["source"]["doc"], iv["source"]["start"], iv["source"]["end"])
            if ctx:
                iv.update({"from": ctx["start"], "dated_by": "context", "context_date": ctx})
        out = merge_tenures(ivs, lambda iv: _office_key(iv.get("office"), iv.get("organization")))
        return [t for t in out if held(t)]

    def _office_match(self, office_or_org: str) -> Callable[[dict[str, Any]], bool]:
        """Whether an office interval is of this office (its words) or organization (lineage too)."""
        from kartoteka.resolve.keys import fold

        try:
            org_ids = set(self.entity_ids_for(office_or_org, lineage=True))
        except NotFound:
            org_ids = set()
        words = fold(office_or_org)
        return lambda iv: (iv.get("organization") or {}).get("id") in org_ids or bool(
            words and words in fold(iv.get("office") or ""))

    def _office_intervals(self, undated: bool = False) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"SELECT {_COLS} FROM {_from()}"
            " WHERE f.type IN ('appointment', 'election', 'removal') AND f.negated = 0 AND f.fiction = 0"
            " AND f.subject_id IS NOT NULL ORDER BY f.date_start").fetchall()
        facts = self._render(rows)
        opens = [f for f in facts if f["type"] in ("appointment", "election") and (undated or f.get("date"))]
        closes = [f for f in facts if f["type"] == "removal" and f.get("date")]
        out = []
        for f in opens:
            holder = f["roles"]["subject"]
            org = f["roles"].get("organization")
            office = f["roles"].get("office")
            key = _office_key(office, org)
            start = f["date"]["start"] if f.get("date") else None
            end_date = None
            closed_by = None
            if start is None:  # undated: the caller dates it by its context, or leaves it open
                out.append({"holder": holder, "office": office, "organization": org, "from": None, "to": None,
                            "source": f["source"], "factoid": f["id"]})
                continue
            for c in closes:
                if c["roles"]["subject"]["id"] == holder["id"] and c["date"]["start"] > start and (
                        key is None or _office_key(c["roles"].get("office"), c["roles"].get("organization")) in (key, None)):
                    end_date, closed_by = c["date"]["start"], c
                    break
            if key is not None:
                for g in opens:
                    if g is f or g["roles"]["subject"]["id"] == holder["id"]:
                        continue
                    if g.get("date") and _office_key(g["roles"].get("office"), g["roles"].get("organization")) == key and \
                            g["date"]["start"] > start and (end_date is None or g["date"]["start"] < end_date):
                        end_date, closed_by = g["date"]["start"], g
            iv: dict[str, Any] = {"holder": holder, "office": office, "organization": org, "from": start,
                                  "to": end_date, "source": f["source"], "factoid": f["id"]}
            if closed_by is not None:
                iv["closed_by"] = closed_by["id"]
            out.append(iv)
        return out


    # -- views for the web UI: one entity's factoids by id, a window of a document, years,
    # offices and lineage by id, facets of search hits ------------------------------------------

    def entity_factoids(self, eid: str, *, dated_only: bool = False) -> list[dict[str, Any]]:
        """Factoids whose subject or any role is the entity with id ``eid`` (no name resolution),
        dated ones in date order first."""
        term, args = naming_sql("f", [eid])
        rows = self.conn.execute(
            f"SELECT {_COLS} FROM {_from()}"
            f" WHERE {term}" + (" AND f.date_start IS NOT NULL" if dated_only else "") +
            " ORDER BY f.date_start IS NULL, f.date_start, f.date_end, d.doc, f.start, f.id", args).fetchall()
        return self._render(rows)

    def subject_factoids(self, eid: str, types: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
        """The factoids of these types whose subject is the entity with id ``eid``, not negated and
        not fiction, in date order (undated first)."""
        if not types:
            return []
        rows = self.conn.execute(
            f"SELECT {_COLS} FROM {_from()} WHERE f.subject_id = ? AND f.type IN ({','.join('?' * len(types))})"
            " AND f.negated = 0 AND f.fiction = 0 ORDER BY f.date_start, d.doc, f.start", (eid, *types)).fetchall()
        return self._render(rows)

    def factoids_in(self, source: str, start: int, end: int) -> list[dict[str, Any]]:
        """The factoids of ``source`` whose span overlaps [start, end), in text order."""
        r = self.conn.execute("SELECT id FROM documents WHERE doc = ?", (source,)).fetchone()
        if r is None:
            raise NotFound(f"no document named {source!r} in this KB (see `kartoteka sources`)")
        rows = self.conn.execute(
            f"SELECT {_COLS} FROM {_from()}"
            " WHERE f.doc_id = ? AND f.start < ? AND f.end > ? ORDER BY f.start, f.end DESC", (r[0], end, start)).fetchall()
        return self._render(rows)

    def year_histogram(self, *, fiction: bool = False) -> list[dict[str, Any]]:
        """Dated factoids per year (those dated to a decade or vaguer left out), in year order."""
        rows = self.conn.execute(
            "SELECT substr(date_start, 1, 4) AS year, COUNT(*) AS n FROM factoids WHERE date_start IS NOT NULL"
            " AND date_precision != 'decade'" + ("" if fiction else " AND fiction = 0") +
            " GROUP BY year ORDER BY year").fetchall()
        return [{"year": int(r["year"]), "count": r["n"]} for r in rows if r["year"].isdigit()]

    def offices_of(self, eid: str) -> list[dict[str, Any]]:
        """The office intervals held by the entity with id ``eid`` (see ``offices``)."""
        out = [iv for iv in self._office_intervals() if iv["holder"]["id"] == eid]
        out.sort(key=lambda iv: iv.get("from") or "9999")
        return out

    def lineage_of(self, eid: str) -> list[dict[str, Any]]:
        """An organization's predecessors and successors (itself included), oldest first, each
        with the founding and dissolution dates its pack gives."""
        ids = self._lineage([eid])
        if len(ids) < 2:
            return []
        refs = self._refs(set(ids))
        out = []
        for i in ids:
            r = self.conn.execute("SELECT data FROM entities WHERE id = ?", (i,)).fetchone()
            data = json.loads(r[0] or "{}") if r else {}
            out.append({**(refs.get(i) or _unknown(i)), "founded": data.get("founded"), "dissolved": data.get("dissolved")})
        out.sort(key=lambda x: x["founded"] or "9999")
        return out

    def span_facets(self, spans: list[tuple[str, int, int]]) -> list[dict[str, list[Any]]]:
        """For each (doc, start, end): the entity types mentioned inside it and the years of the
        factoids it holds, for faceting search hits."""
        doc_ids = {r["doc"]: r["id"] for r in self.conn.execute("SELECT id, doc FROM documents")}
        out = []
        for doc, start, end in spans:
            doc_id = doc_ids.get(doc)
            types = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT e.type FROM mentions m JOIN entities e ON e.id = m.entity_id"
                " WHERE m.doc_id = ? AND m.start >= ? AND m.start < ? AND m.end <= ? ORDER BY e.type",
                (doc_id, start, end, end))]
            years = [int(r[0]) for r in self.conn.execute(
                "SELECT DISTINCT substr(date_start, 1, 4) FROM factoids WHERE doc_id = ? AND start < ? AND end > ?"
                " AND date_start IS NOT NULL AND date_precision != 'decade' ORDER BY 1", (doc_id, end, start))
                if str(r[0]).isdigit()]
            out.append({"types": types, "years": years})
        return out


def _held_at(date: str | None) -> Callable[[dict[str, Any]], bool]:
    """Whether an interval overlaps ``date`` (every interval when None; an undated one never)."""
    from kartoteka.extract.dates import parse_bound

    if not date:
        return lambda iv: True
    try:
        lo, hi = parse_bound(date), parse_bound(date, end=True)
    except ValueError as e:
        raise UsageError(str(e)) from None
    return lambda iv: bool(iv.get("from")) and iv["from"] <= hi and not (iv.get("to") and iv["to"] < lo)


def _office_key(office: str | None, org: dict[str, Any] | None) -> str | None:
    from kartoteka.resolve.keys import fold

    if org:
        head = fold(office or "").split(" ")[0] if office else ""
        return f"{org['id']}|{head}"
    if office:
        words = [w for w in fold(office).split() if w not in ("the", "a", "an", "his", "her", "of")]
        return " ".join(words) or None
    return None


def _role_ids(roles: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for k, v in roles.items():
        if k == "office":
            continue
        if isinstance(v, list):
            out |= {x for x in v if isinstance(x, str)}
        elif isinstance(v, str):
            out.add(v)
    return out


def _unknown(eid: str) -> dict[str, str]:
    return {"id": eid, "name": eid, "type": "other"}


def _number(v: str) -> int | float | str:
    try:
        f = float(v.replace(",", ""))
    except ValueError:
        return v
    return int(f) if f.is_integer() else f


def naming_sql(alias: str, ids: list[str]) -> tuple[str, list[str]]:
    """A WHERE term (and its arguments) for the factoids of ``alias`` that name one of the entities
    ``ids``, as their subject or in any role: the factoid_roles table through its entity index."""
    ph = ",".join("?" * len(ids))
    return (f"({alias}.subject_id IN ({ph}) OR {alias}.id IN"
            f" (SELECT factoid_id FROM factoid_roles WHERE entity_id IN ({ph})))", [*ids, *ids])


def date_overlap_sql(alias: str, date_from: str | None, date_to: str | None) -> tuple[list[str], list[Any]]:
    """WHERE terms (and their arguments) for rows of ``alias`` whose date interval overlaps
    [date_from, date_to], the bounds read as the CLI's --from/--to are (a year, a month or a day);
    a bound that is no date is a usage error. One place for factoids and events alike."""
    from kartoteka.extract.dates import parse_bound

    try:
        lo = parse_bound(date_from) if date_from else None
        hi = parse_bound(date_to, end=True) if date_to else None
    except ValueError as e:
        raise UsageError(str(e)) from None
    where, args = [], []
    if lo:
        where.append(f"{alias}.date_end >= ?")
        args.append(lo)
    if hi:
        where.append(f"{alias}.date_start <= ?")
        args.append(hi)
    return where, args
