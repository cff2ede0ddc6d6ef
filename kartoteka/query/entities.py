"""Queries over entities, mentions, packs: the KB methods for this capability.

``entity(NAME)`` resolves a name through every alias and spelling the KB knows: the exact folded
key, the transliteration key, name parts (surname with agreeing first name / initials /
patronymic), then bounded fuzzy matching; it prefers entities with mentions and never returns
one whose name contradicts the initials or first name given. No NLP model is loaded here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from kartoteka.errors import Ambiguous, NotFound, UsageError

CO_WINDOW = 400       # characters around a mention that count as co-mention
CO_SAMPLE = 3000      # mentions sampled for co-mentions
FUZZY_QUERY = 85
# What ranking a candidate entity needs, read with it: its mention count, and its distinct
# aliases (a JSON array) for the full name forms the query's initials must agree with.
_CANDIDATE_COLS = ("e.id, e.type, e.linked, e.data, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id) AS n,"
                   " (SELECT json_group_array(DISTINCT a.alias) FROM aliases a WHERE a.entity_id = e.id) AS forms")


# The dossier's lists as JSON arrays in the entity's row, put in order in Python: aliases (pack
# aliases first, then in the order they were recorded), mentions per source, the entities most
# often mentioned near it (counted over a sample of its mentions), and its relations with the
# other entity's name.
_DOSSIER_COLS = (
    "(SELECT json_group_array(json_array(CASE WHEN a.kind = 'pack' THEN 0 ELSE 1 END, a.id, a.alias, a.kind,"
    " a.start, a.end, d.doc)) FROM aliases a LEFT JOIN documents d ON d.id = a.doc_id WHERE a.entity_id = e.id)"
    " AS alias_rows, (SELECT json_group_array(json_array(s.doc, s.n)) FROM (SELECT d.doc, COUNT(*) AS n"
    " FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = e.id GROUP BY d.doc) s) AS source_rows,"
    " (SELECT json_group_array(json_array(c.id, c.n, ce.name, ce.type)) FROM"
    f" (SELECT o.entity_id AS id, COUNT(*) AS n FROM (SELECT doc_id, start FROM mentions WHERE entity_id = e.id"
    f" LIMIT {CO_SAMPLE}) mine JOIN mentions o ON o.doc_id = mine.doc_id"
    f" AND o.start BETWEEN mine.start - {CO_WINDOW} AND mine.start + {CO_WINDOW}"
    " WHERE o.entity_id IS NOT NULL AND o.entity_id != e.id GROUP BY o.entity_id ORDER BY n DESC, o.entity_id"
    " LIMIT ?) c LEFT JOIN entities ce ON ce.id = c.id) AS co_rows,"
    " (SELECT json_group_array(json_array(r.date_start, r.id, r.src_id, r.dst_id, r.type, o.name, o.type))"
    " FROM relations r LEFT JOIN entities o ON o.id = CASE WHEN r.src_id = e.id THEN r.dst_id ELSE r.src_id END"
    " WHERE r.src_id = e.id OR r.dst_id = e.id) AS relation_rows")


def _ref(eid: str, name: str | None, etype: str | None) -> dict[str, Any]:
    """An entity's id, name and type; an id no entity has any more stands for itself."""
    return {"id": eid, "name": name, "type": etype} if name is not None else {"id": eid, "name": eid, "type": "other"}


def _relations(eid: str, rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The relations of ``eid`` from its dossier's relation_rows, by date (undated first, as SQLite
    orders NULL) and then as recorded; an incoming one under its inverse name."""
    out = []
    for date, _id, src, dst, rtype, name, other_type in sorted(rows, key=lambda x: (x[0] is not None, x[0] or "", x[1])):
        outgoing = src == eid
        other = dst if outgoing else src
        if not outgoing:
            rtype = {"succeeded_by": "succeeded", "part_of": "has_part"}.get(rtype, f"inverse_{rtype}")
        out.append({"type": rtype, "entity": _ref(other, name, other_type), "date": date})
    return out


def _bare(name: str) -> str:
    """The name without a possessive ending (as the resolver records aliases)."""
    import re

    return re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", name.strip())


class EntityQueries:
    conn: sqlite3.Connection
    search_cache: Any  # kartoteka.query.search.SearchCache, provided by AskQueries
    # Provided by ConflictQueries (kartoteka.api.KB combines the mixins).
    comparison_summary: Callable[[str], dict[str, Any]]

    # -- resolving a name ------------------------------------------------------------------

    def resolve_name(self, name: str) -> str | None:
        """The id of the single best entity for ``name``, or None."""
        from kartoteka.resolve.keys import alias_key, ocr_key, translit_key
        from kartoteka.resolve.names import is_stopped, parse_person, strip_titles

        q = " ".join(name.split())
        if not q:
            raise UsageError("empty entity name")
        if is_stopped(q):
            return None
        p = parse_person(q)
        _, toks = strip_titles(q.split())
        bare = " ".join(toks) or q
        keys = [(col, key) for col, key in (("key", alias_key(q)), ("key", alias_key(bare)), ("tkey", translit_key(q)),
                                            ("tkey", translit_key(bare)), ("tkey", ocr_key(bare))) if key]
        hits = self._key_hits(keys, q.lower())
        for i in range(len(keys)):  # the first key, in this order, that names an agreeing entity
            best = self._rank(list({**hits.get(i, {}), **hits.get(-1, {})}.values()), p)  # each entity once
            if best:
                return best
        best = self._best(self._by_parts(p), p)
        if best:
            return best
        best = self._best(self._variants(bare, p), p)
        if best:
            return best
        return self._best(self._fuzzy(bare, p), p)

    def _key_hits(self, keys: list[tuple[str, str]], lowered: str) -> dict[int, dict[str, Any]]:
        """The entities each alias key names (by its index in ``keys``) and those named ``lowered``
        outright (index -1), each with what ranking it needs: one query for the whole cascade
        (a round trip each counts on PostgreSQL)."""
        arms = [f"SELECT {i}, entity_id FROM aliases WHERE {col} = ?" for i, (col, _key) in enumerate(keys)]
        rows = self.conn.execute(
            f"WITH hit(i, id) AS ({' UNION '.join([*arms, 'SELECT -1, id FROM entities WHERE lower(name) = ?'])})"
            f" SELECT hit.i, {_CANDIDATE_COLS} FROM hit JOIN entities e ON e.id = hit.id",
            [*(key for _col, key in keys), lowered]).fetchall()
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            out.setdefault(r["i"], {})[r["id"]] = r
        return out

    def _variants(self, bare: str, p: Any) -> set[str]:
        """Entities the name names when read in another romanisation system (German, French,
        Polish): the whole name as an alias key, or its surname with the rest agreeing."""
        from dataclasses import replace

        from kartoteka.resolve.keys import variant_keys

        ids: set[str] = set()
        for key in variant_keys(bare).values():
            ids |= {r[0] for r in self.conn.execute("SELECT DISTINCT entity_id FROM aliases WHERE tkey = ?", (key,))}
        if p.surname and p.tokens:
            for key in variant_keys(p.tokens[-1]).values():
                ids |= self._by_parts(replace(p, surname=key))
        return ids

    @staticmethod
    def _forms(row: Any) -> list[Any]:
        """The full name forms of a candidate row (_CANDIDATE_COLS): its aliases of two words or
        more, and the name its data spells out."""
        from kartoteka.resolve.names import parse_person

        forms = []
        for alias in json.loads(row["forms"] or "[]"):
            f = parse_person(alias)
            if len(f.tokens) >= 2 and (f.surname or f.patronymic):
                forms.append(f)
        data = json.loads(row["data"] or "{}")
        full = " ".join(str(data[x]) for x in ("first", "patronymic", "surname") if data.get(x))
        if len(full.split()) >= 2:
            forms.append(parse_person(full))
        return forms

    def _agrees(self, row: Any, p: Any) -> bool:
        """False when the query's first name, initials, patronymic or gender contradict every full name form."""
        from kartoteka.resolve.names import as_first_patronymic, compatible, first_names_agree

        if row["type"] != "person" or not (p.first or p.initials or p.gender or p.patronymic):
            return True
        if not p.surname and not p.patronymic:
            return True  # a single given name or nickname: nothing to contradict
        forms = self._forms(row)
        if not forms:
            return True
        if any(compatible(p, f) for f in forms) and first_names_agree(p, forms):
            return True
        alt = as_first_patronymic(p)
        if p.first and p.patronymic and not p.surname:
            alt = p
        return alt is not None and any(compatible(alt, f, need_surname=False) for f in forms)

    def _best(self, ids: set[str], p: Any) -> str | None:
        if not ids:
            return None
        marks = ",".join("?" * len(ids))
        return self._rank(self.conn.execute(
            f"SELECT {_CANDIDATE_COLS} FROM entities e WHERE e.id IN ({marks})", tuple(ids)).fetchall(), p)

    def _rank(self, rows: list[Any], p: Any) -> str | None:
        """The best of the candidate rows that agree with the name ``p``: the role it names, then
        mentions, then linkage; None when none agrees."""
        ranked = []
        for r in rows:
            if not self._agrees(r, p):
                continue
            roles = set(json.loads(r["data"] or "{}").get("roles") or [])
            role_hit = bool(p.roles & roles)
            ranked.append((role_hit, r["n"] > 0, r["n"], r["linked"], r["id"]))
        if not ranked:
            return None
        ranked.sort(reverse=True)
        # Entities that rank level with the best (the same role, mention count and linkage): the
        # name does not tell them apart.
        self._level = [r[-1] for r in ranked if r[:-1] == ranked[0][:-1]]
        return ranked[0][-1]

    def _by_parts(self, p: Any) -> set[str]:
        from kartoteka.resolve.names import as_first_patronymic

        ids: set[str] = set()
        if p.surname:
            for part in p.surname_parts:
                if len(part) < 2:
                    continue  # "<b>" is no surname: it would match "VKP(b)"
                ids |= {r[0] for r in self.conn.execute(
                    "SELECT DISTINCT entity_id FROM aliases WHERE tkey = ? OR tkey LIKE ?", (part, f"% {part}"))}
        alt = as_first_patronymic(p) or (p if p.first and p.patronymic and not p.surname else None)
        if alt is not None and alt.first:
            ids |= {r[0] for r in self.conn.execute(
                "SELECT DISTINCT entity_id FROM aliases WHERE tkey LIKE ?", (f"{alt.first} %",))}
        return ids

    def _fuzzy(self, bare: str, p: Any) -> set[str]:
        from rapidfuzz import fuzz, process

        from kartoteka.resolve.keys import translit_key

        key = translit_key(bare)
        if len(key) < 4:
            return set()
        pool = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT tkey FROM aliases WHERE substr(tkey, 1, 1) = ?", (key[:1],)) if r[0]]
        target = p.surname if p.surname and " " in key else key
        if p.surname and " " in key:
            pool = [t.split()[-1] for t in pool]
        hits = process.extract(target, sorted(set(pool)), scorer=fuzz.ratio, score_cutoff=FUZZY_QUERY, limit=5)
        ids: set[str] = set()
        for cand, _score, _ in hits:
            if cand.endswith("a") != target.endswith("a"):
                continue
            ids |= {r[0] for r in self.conn.execute(
                "SELECT DISTINCT entity_id FROM aliases WHERE tkey = ? OR tkey LIKE ?", (cand, f"% {cand}"))}
        return ids

    # -- the dossier -----------------------------------------------------------------------

    def entity(self, name: str, *, co_limit: int = 10) -> dict[str, Any]:
        """The dossier of the one entity ``name`` names; Ambiguous (exit 3, with the candidates)
        where several answer it equally well, NotFound where none does."""
        cands = self.name_candidates(name)
        if not cands:
            raise NotFound(f"no entity matches {name!r}")
        if len(cands) > 1:
            refs = self._refs(cands)
            raise Ambiguous(f"{name!r} matches {len(cands)} entities equally well; name one of them more fully",
                            [refs[c] for c in cands])
        return self.entity_by_id(cands[0], co_limit=co_limit)

    def name_candidates(self, name: str, limit: int = 20) -> list[str]:
        """The entities ``name`` names: one, or several that it cannot tell apart (a bare given
        name many people bear, an alias two entries share with nothing to rank them)."""
        from kartoteka.resolve.keys import alias_key, translit_key
        from kartoteka.resolve.names import known_given, parse_person

        q = " ".join(name.split())
        p = parse_person(q) if q else None
        if p is not None and p.first and not p.surname and not p.patronymic and " " not in q \
                and known_given(p.first):
            whole = {r[0] for r in self.conn.execute("SELECT DISTINCT entity_id FROM aliases WHERE key = ?",
                                                     (alias_key(q),))}
            bearers = self._given_name_bearers(translit_key(q))
            if len(whole) != 1 and len(bearers) != 1:
                return bearers[:limit]
        self._level: list[str] = []
        eid = self.resolve_name(name)
        if eid is None:
            return []
        level = [e for e in self._level if e != eid] if eid in self._level else []
        return [eid, *level][:limit]

    def _given_name_bearers(self, key: str) -> list[str]:
        """People with mentions who bear the given name ``key`` in one of their names, most
        mentioned first (a lone "Nikolai" is any of them)."""
        rows = self.conn.execute(
            "SELECT a.entity_id, COUNT(DISTINCT m.id) AS n FROM aliases a JOIN entities e ON e.id = a.entity_id"
            " LEFT JOIN mentions m ON m.entity_id = a.entity_id"
            " WHERE e.type = 'person' AND (a.tkey = ? OR a.tkey LIKE ?) GROUP BY a.entity_id"
            " ORDER BY n DESC, a.entity_id", (key, f"{key} %")).fetchall()
        return [r[0] for r in rows if r[1] > 0]

    def entity_by_id(self, eid: str, *, co_limit: int = 10) -> dict[str, Any]:
        from kartoteka.query.conflicts import SUMMARY_COLS, comparison_summary_of

        # The entity with all its dossier's lists and its comparison summary in one row: a round
        # trip each counts on PostgreSQL.
        e = self.conn.execute(f"SELECT e.*, {_DOSSIER_COLS}, {SUMMARY_COLS} FROM entities e WHERE e.id = ?",
                              (co_limit, eid)).fetchone()
        if e is None:
            raise NotFound(f"no entity {eid!r}")
        aliases: list[str] = []
        seen: set[str] = {e["name"].lower()}
        stated = []
        for _pack_last, _id, alias, kind, start, end, doc in sorted(json.loads(e["alias_rows"] or "[]")):
            if alias.lower() not in seen:
                seen.add(alias.lower())
                aliases.append(alias)
            if kind == "stated" and doc:
                stated.append({"alias": alias, "doc": doc, "start": start, "end": end})
        per_source = [{"doc": doc, "mentions": n} for doc, n in
                      sorted(json.loads(e["source_rows"] or "[]"), key=lambda x: (-x[1], x[0]))]
        out: dict[str, Any] = {
            "id": e["id"], "name": e["name"], "type": e["type"], "aliases": aliases,
            "mention_count": sum(s["mentions"] for s in per_source),
            "sources": [s["doc"] for s in per_source],
            "mentions_by_source": per_source,
            "description": e["description"], "linked": bool(e["linked"]), "pack": e["pack"], "qid": e["qid"],
            "stated_aliases": stated,
            "co_mentioned": [{**_ref(i, name, etype), "count": n} for i, n, name, etype in
                             sorted(json.loads(e["co_rows"] or "[]"), key=lambda x: (-x[1], x[0]))],
            "relations": _relations(eid, json.loads(e["relation_rows"] or "[]")),
        }
        data = json.loads(e["data"] or "{}")
        if data:
            out["data"] = data
        out.update(comparison_summary_of(e))
        return out

    def link_evidence(self, eid: str, per_alias: int = 3) -> list[dict[str, Any]]:
        """For each alias of ``eid``: its kind (pack, surface, stated), how its mentions were
        linked (the evidence the resolver recorded: pack alias, exact key, transliteration, OCR
        repair, given-name equivalence, fuzzy score and runner-up, context), how many mentions
        each way, and a sample of mentions with their evidence."""
        from kartoteka.resolve.keys import alias_key

        by_key: dict[str, dict[str, Any]] = {}
        for r in self.conn.execute(
                "SELECT a.alias, a.kind, a.start, a.end, d.doc FROM aliases a LEFT JOIN documents d ON d.id = a.doc_id"
                " WHERE a.entity_id = ? ORDER BY a.kind = 'pack' DESC, a.id", (eid,)):
            item = by_key.setdefault(alias_key(r["alias"]), {"alias": r["alias"], "kinds": [], "how": {},
                                                               "mentions": 0, "sample": []})
            if r["kind"] not in item["kinds"]:
                item["kinds"].append(r["kind"])
            if r["kind"] == "stated" and r["doc"]:
                item["how"]["stated"] = item["how"].get("stated", 0)
                item.setdefault("stated_in", []).append({"doc": r["doc"], "start": r["start"], "end": r["end"]})
        # Counted in SQL by (name, link) and sampled per name (a dossier has thousands of
        # mentions: decoding each one's features in Python took most of the page's time); the
        # context around a mention is read for the sampled ones only.
        name_sql = "coalesce(nullif(json_extract(m.features, '$.name'), ''), m.text)"
        for r in self.conn.execute(
                f"WITH x AS (SELECT {name_sql} AS name, m.start, m.end, m.text, m.features, m.doc_id, d.doc,"
                f" ROW_NUMBER() OVER (PARTITION BY {name_sql} ORDER BY d.doc, m.start) AS rn"
                f" FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ?)"
                f" SELECT name, start, end, text, features, doc_id, doc FROM x WHERE rn <= ? ORDER BY doc, start",
                (eid, per_alias)):
            name = _bare(r["name"])
            item = by_key.setdefault(alias_key(name), {"alias": name, "kinds": ["surface"], "how": {},
                                                         "mentions": 0, "sample": []})
            if len(item["sample"]) < per_alias:
                item["sample"].append(self._mention_sample(r))
        for r in self.conn.execute(
                f"SELECT {name_sql} AS name, json_extract(m.features, '$.link.how') AS how,"
                f" json_extract(m.features, '$.stated') AS stated, COUNT(*) AS n FROM mentions m"
                f" WHERE m.entity_id = ? GROUP BY 1, 2, 3", (eid,)):
            item = by_key[alias_key(_bare(r["name"]))]
            how = r["how"] or ("stated" if r["stated"] not in (None, 0, "0", "false", "") else "recorded before evidence")
            item["mentions"] += r["n"]
            item["how"][how] = item["how"].get(how, 0) + r["n"]
        for item in by_key.values():
            if not item["how"] and "pack" in item["kinds"]:
                item["how"]["pack alias"] = 0
        return sorted(by_key.values(), key=lambda x: (-x["mentions"], x["alias"]))

    def _mention_sample(self, r: Any) -> dict[str, Any]:
        """One sampled mention of link_evidence: where it is, 40 characters either side, and the
        evidence the resolver recorded for it."""
        from kartoteka.query.search import doc_text

        feats = json.loads(r["features"] or "{}")
        link = feats.get("link") or {"how": "stated" if feats.get("stated") else "recorded before evidence"}
        # The document's text once per KB (and once per server with a shared search cache):
        # substr() in SQL reads a long text's every page for each sampled mention.
        text = doc_text(self.conn, r["doc_id"], self.search_cache)
        before, after = text[max(0, r["start"] - 40):r["start"]], text[r["end"]:r["end"] + 40]
        return {"doc": r["doc"], "start": r["start"], "end": r["end"], "quote": r["text"],
                "context": f"{before}[{r['text']}]{after}".replace("\n", " "), "evidence": link}

    def _refs(self, eids: list[str]) -> dict[str, dict[str, Any]]:
        """Id, name and type of each entity, in one query (a round trip each counts on PostgreSQL)."""
        wanted = sorted(set(eids))
        found = {r["id"]: {"id": r["id"], "name": r["name"], "type": r["type"]} for r in self.conn.execute(
            f"SELECT id, name, type FROM entities WHERE id IN ({', '.join('?' * len(wanted))})", wanted)} \
            if wanted else {}
        return {e: found.get(e, _ref(e, None, None)) for e in wanted}

    # -- lists -----------------------------------------------------------------------------

    def entities(self, type: str | None = None, source: str | None = None, limit: int = 50,
                 linked: bool | None = None) -> list[dict[str, Any]]:
        where, args = ["1 = 1"], []
        if type:
            where.append("e.type = ?")
            args.append(type)
        if linked is not None:
            where.append("e.linked = ?")
            args.append(int(linked))
        if source:
            self._doc_id(source)
            where.append("d.doc = ?")
            args.append(source)
        if source:
            rows = self.conn.execute(
                f"SELECT e.id, e.name, e.type, e.linked, COUNT(m.id) AS n, COUNT(DISTINCT m.doc_id) AS docs"
                f" FROM entities e JOIN mentions m ON m.entity_id = e.id JOIN documents d ON d.id = m.doc_id"
                f" WHERE {' AND '.join(where)} GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?", (*args, limit)).fetchall()
        else:  # counted over the mentions_entity_doc index alone, then joined to the few entities kept
            rows = self.conn.execute(
                f"SELECT e.id, e.name, e.type, e.linked, t.n, t.docs FROM (SELECT entity_id, COUNT(*) AS n,"
                f" COUNT(DISTINCT doc_id) AS docs FROM mentions WHERE entity_id IS NOT NULL GROUP BY entity_id) t"
                f" JOIN entities e ON e.id = t.entity_id WHERE {' AND '.join(where)} ORDER BY t.n DESC, e.name LIMIT ?",
                (*args, limit)).fetchall()
        return [{"id": r["id"], "name": r["name"], "type": r["type"], "linked": bool(r["linked"]),
                 "mention_count": r["n"], "source_count": r["docs"]} for r in rows]

    def _doc_id(self, doc: str) -> int:
        r = self.conn.execute("SELECT id FROM documents WHERE doc = ?", (doc,)).fetchone()
        if r is None:
            raise NotFound(f"no document named {doc!r}")
        return int(r[0])

    def mentions(self, source: str) -> list[dict[str, Any]]:
        doc_id = self._doc_id(source)
        rows = self.conn.execute(
            "SELECT m.start, m.end, m.text, m.label, m.confidence, m.entity_id, e.name, e.type FROM mentions m"
            " LEFT JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ? ORDER BY m.start, m.end", (doc_id,))
        out = []
        for r in rows:
            ent = {"id": r["entity_id"], "name": r["name"], "type": r["type"]} if r["entity_id"] else None
            out.append({"start": r["start"], "end": r["end"], "text": r["text"], "label": r["label"],
                        "confidence": r["confidence"], "entity": ent})
        return out

    def packs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT name, hash, title, entities, loaded_at FROM packs ORDER BY name").fetchall()
        out = []
        for r in rows:
            counts = {t: n for t, n in self.conn.execute(
                "SELECT type, COUNT(*) FROM entities WHERE pack = ? GROUP BY type", (r["name"],))}
            rel = self.conn.execute(
                "SELECT COUNT(*) FROM relations WHERE doc_id IS NULL AND json_extract(attrs, '$.pack') = ?",
                (r["name"],)).fetchone()[0]
            out.append({"name": r["name"], "title": r["title"], "hash": r["hash"], "entities": r["entities"],
                        "by_type": counts, "relations": rel, "loaded_at": r["loaded_at"]})
        return out

    # -- views for the web UI: a window of a document's mentions, one entity's mentions in
    # context, a network of entities ------------------------------------------------------

    def mentions_in(self, source: str, start: int, end: int) -> list[dict[str, Any]]:
        """The mentions that lie inside [start, end) of ``source``, in text order."""
        row = self.conn.execute("SELECT id FROM documents WHERE doc = ?", (source,)).fetchone()
        if row is None:
            raise NotFound(f"no document named {source!r}")
        rows = self.conn.execute(
            "SELECT m.start, m.end, m.text, m.label, m.entity_id, e.name, e.type FROM mentions m"
            " LEFT JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ? AND m.start >= ? AND m.end <= ?"
            " ORDER BY m.start, m.end DESC", (row[0], start, end))
        return [{"start": r["start"], "end": r["end"], "text": r["text"], "label": r["label"],
                 "entity": {"id": r["entity_id"], "name": r["name"], "type": r["type"]} if r["entity_id"] else None}
                for r in rows]

    def mention_contexts(self, eid: str, per_source: int = 5, width: int = 80) -> list[dict[str, Any]]:
        """Per source (most mentions first): the mention count and the first ``per_source``
        mentions with ``width`` characters of stored text either side."""
        rows = self.conn.execute(
            """WITH mine AS (
                 SELECT doc_id, start, end, COUNT(*) OVER (PARTITION BY doc_id) AS n,
                        ROW_NUMBER() OVER (PARTITION BY doc_id ORDER BY start) AS rn
                 FROM mentions WHERE entity_id = ?)
               SELECT d.doc, mine.n, mine.start, mine.end,
                      substr(d.text, max(1, mine.start - ? + 1), mine.start - max(0, mine.start - ?)) AS before,
                      substr(d.text, mine.start + 1, mine.end - mine.start) AS quote,
                      substr(d.text, mine.end + 1, ?) AS after
               FROM mine JOIN documents d ON d.id = mine.doc_id WHERE mine.rn <= ?
               ORDER BY mine.n DESC, d.doc, mine.start""", (eid, width, width, width, per_source)).fetchall()
        out: list[dict[str, Any]] = []
        for r in rows:
            if not out or out[-1]["doc"] != r["doc"]:
                out.append({"doc": r["doc"], "count": r["n"], "mentions": []})
            out[-1]["mentions"].append({"start": r["start"], "end": r["end"], "quote": r["quote"],
                                        "before": r["before"], "after": r["after"]})
        return out

    def network(self, center: str | None = None, type: str | None = None, limit: int = 40,
                min_co: int = 2, *, exclude_types: Iterable[str] = (),
                exclude_ids: Iterable[str] = ()) -> dict[str, Any]:
        """Entities and the links between them: typed relations (pack or source) and co-mention
        counts (mentions within CO_WINDOW characters of each other). The nodes are the ``limit``
        most mentioned entities (of ``type``), or with ``center`` that entity and those most
        co-mentioned with it (each edge to the centre counts what its dossier's "mentioned near"
        counts). Entities of ``exclude_types`` or in ``exclude_ids`` are left out (never the centre)."""
        skip_types, skip_ids = set(exclude_types), set(exclude_ids)
        pool = limit + len(skip_ids) + (4 * limit if skip_types else 0)
        if center is not None:
            if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (center,)).fetchone() is None:
                raise NotFound(f"no entity {center!r}")
            ranked = [(r["id"], r["type"]) for r in self._co_ranked(center, type, pool)]
        else:
            where, args = "", []
            if type:
                where, args = "WHERE e.type = ?", [type]
            ranked = [(r[0], r[1]) for r in self.conn.execute(
                f"SELECT e.id, e.type FROM entities e JOIN mentions m ON m.entity_id = e.id {where}"
                " GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT ?", (*args, pool))]
        ids = [i for i, t in ranked if i not in skip_ids and t not in skip_types and i != center]
        ids = ([center] if center is not None else []) + ids[:limit - (center is not None)]
        return self.network_among(ids, min_co=min_co)

    def generic_bodies(self, share: float = 0.5, min_docs: int = 3) -> set[str]:
        """Organizations mentioned in at least ``share`` of the documents (and ``min_docs``): the
        party, the government, a ruling committee, named near everybody in every source, so
        that as nodes they tie everyone to everyone and hide the particular links."""
        total = self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        need = max(min_docs, share * total)
        return {r[0] for r in self.conn.execute(
            "SELECT m.entity_id FROM mentions m JOIN entities e ON e.id = m.entity_id"
            " WHERE e.type = 'organization' GROUP BY m.entity_id HAVING COUNT(DISTINCT m.doc_id) >= ?", (need,))}

    def network_among(self, ids: list[str], *, source: str | None = None, min_co: int = 2) -> dict[str, Any]:
        """The network over exactly the entities ``ids`` (in that order): mention counts,
        co-mention counts and typed relations among them; with ``source``, mentions and
        co-mentions in that document only, and relations from the pack or that document. An
        edge is kept when it carries a relation or at least ``min_co`` co-mentions. Each
        relation gives its dates, its pack, and for one a document states, its span."""
        if not ids:
            return {"nodes": [], "edges": []}
        doc_id = self._doc_id(source) if source else None
        pick = "WITH pick(id) AS MATERIALIZED (SELECT value FROM json_each(?))"
        in_doc = "" if doc_id is None else f" AND a.doc_id = {doc_id}"
        counts = {r[0]: r[1] for r in self.conn.execute(
            f"{pick} SELECT a.entity_id, COUNT(*) FROM mentions a WHERE a.entity_id IN pick{in_doc}"
            " GROUP BY a.entity_id", (json.dumps(ids),))}
        refs = self._refs(ids)
        nodes = [{**refs[i], "mentions": counts.get(i, 0)} for i in ids]
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        for r in self.conn.execute(
                f"""{pick} SELECT a.entity_id AS x, b.entity_id AS y, COUNT(*) AS n FROM mentions a
                JOIN mentions b ON b.doc_id = a.doc_id AND b.start >= a.start AND b.start <= a.start + {CO_WINDOW}
                WHERE a.entity_id IN pick AND b.entity_id IN pick AND a.entity_id != b.entity_id{in_doc}
                AND (b.start > a.start OR b.id > a.id)
                GROUP BY x, y""", (json.dumps(ids),)):
            key = (min(r["x"], r["y"]), max(r["x"], r["y"]))
            edge = edges.setdefault(key, {"source": key[0], "target": key[1], "co": 0, "relations": []})
            edge["co"] += r["n"]
        from_doc = "" if doc_id is None else f" AND (r.doc_id IS NULL OR r.doc_id = {doc_id})"
        for r in self.conn.execute(
                f"{pick} SELECT r.src_id, r.dst_id, r.type, r.date_start, r.date_end, r.start, r.end, r.attrs, d.doc,"
                " substr(d.text, r.start + 1, r.end - r.start) AS quote FROM relations r"
                f" LEFT JOIN documents d ON d.id = r.doc_id WHERE r.src_id IN pick AND r.dst_id IN pick{from_doc}"
                " ORDER BY r.date_start, r.id", (json.dumps(ids),)):
            key = (min(r["src_id"], r["dst_id"]), max(r["src_id"], r["dst_id"]))
            edge = edges.setdefault(key, {"source": key[0], "target": key[1], "co": 0, "relations": []})
            rel: dict[str, Any] = {"type": r["type"], "from": r["src_id"], "to": r["dst_id"], "date": r["date_start"],
                                   "date_end": r["date_end"], "pack": json.loads(r["attrs"] or "{}").get("pack")}
            if r["doc"] is not None and r["start"] is not None:
                rel["source"] = {"doc": r["doc"], "start": r["start"], "end": r["end"], "quote": r["quote"]}
            edge["relations"].append(rel)
        kept = [e for e in edges.values() if e["relations"] or e["co"] >= min_co]
        kept.sort(key=lambda e: (-e["co"], e["source"], e["target"]))
        return {"nodes": nodes, "edges": kept}

    def _co_ranked(self, eid: str, type: str | None, limit: int) -> list[sqlite3.Row]:
        type_filter = "AND e.type = ?" if type else ""
        args: list[Any] = [eid, eid] + ([type] if type else []) + [limit]
        return self.conn.execute(
            f"""WITH mine AS (SELECT doc_id, start FROM mentions WHERE entity_id = ? LIMIT {CO_SAMPLE})
            SELECT o.entity_id AS id, e.type AS type, COUNT(*) AS n FROM mine
            JOIN mentions o ON o.doc_id = mine.doc_id AND o.start BETWEEN mine.start - {CO_WINDOW}
                 AND mine.start + {CO_WINDOW}
            JOIN entities e ON e.id = o.entity_id
            WHERE o.entity_id != ? {type_filter}
            GROUP BY o.entity_id ORDER BY n DESC, o.entity_id LIMIT ?""", args).fetchall()
