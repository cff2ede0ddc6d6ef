"""What each correction does to the derived rows. An action takes the replay's Cursor and the
correction's arguments and returns (state, detail): "applied" with what changed, or "orphaned"
with why its anchor is gone. Every row it changes goes through ``Cursor.touch`` first."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kartoteka.curate.anchors import refind
from kartoteka.curate.undo import Recorder
from kartoteka.resolve.keys import alias_key, slug, translit_key
from kartoteka.store.writer import refresh_factoid_roles

Result = tuple[str, str]
LABELS = {"person": "PERSON", "organization": "ORG", "place": "GPE", "event": "EVENT", "work": "WORK_OF_ART"}


@dataclass
class Doc:
    id: int
    sha256: str
    text: str


@dataclass
class Cursor:
    """What one replay shares: the connection, the undo recorder, documents read so far."""

    conn: sqlite3.Connection
    rec: Recorder
    docs: dict[str, Doc | None] = field(default_factory=dict)

    def doc(self, name: str) -> Doc | None:
        if name not in self.docs:
            r = self.conn.execute("SELECT id, sha256, text FROM documents WHERE doc = ?", (name,)).fetchone()
            self.docs[name] = Doc(r[0], r[1], r[2]) if r else None
        return self.docs[name]

    def entity(self, ref: dict[str, Any] | None) -> str | None:
        """The entity a correction named: by its id while that exists, else by its name."""
        if not ref:
            return None
        if ref.get("id") and self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (ref["id"],)).fetchone():
            return str(ref["id"])
        r = self.conn.execute(
            "SELECT a.entity_id FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE a.key = ?"
            " GROUP BY a.entity_id ORDER BY e.linked DESC, COUNT(*) DESC, a.entity_id LIMIT 1",
            (alias_key(ref.get("name") or ""),)).fetchone()
        return r[0] if r else None

    def touch(self, tbl: str, key: Any) -> None:
        self.rec.touch(tbl, key)

    def span(self, anchor: dict[str, Any]) -> tuple[Doc, int, int] | None:
        d = self.doc(anchor["doc"])
        pos = refind(anchor, d.text, d.sha256) if d else None
        return (d, pos[0], pos[1]) if d and pos else None


# -- entities -------------------------------------------------------------------------------------

def move_entity(cx: Cursor, src: str, dst: str, mention_ids: list[int] | None = None) -> dict[str, int]:
    """Point rows at ``dst`` instead of ``src``: all of them, or only the given mentions (and the
    factoids whose span holds one of those and no other mention of ``src``)."""
    c = cx.conn
    if mention_ids is None:  # everything: one statement per table
        fact_ids = [r[0] for r in c.execute(
            "SELECT id FROM factoids WHERE subject_id = ? OR id IN (SELECT factoid_id FROM factoid_roles WHERE entity_id = ?)",
            (src, src))]
        mention_ids = cx.rec.touch_where("mentions", "entity_id = ?", (src,))
        c.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (dst, src))
        alias_ids = cx.rec.touch_where("aliases", "entity_id = ?", (src,))
        c.execute("UPDATE aliases SET entity_id = ? WHERE entity_id = ?", (dst, src))
        rel_ids = [r[0] for r in c.execute("SELECT id FROM relations WHERE src_id = ? OR dst_id = ?", (src, src))]
    else:
        alias_ids, rel_ids = [], []
        fact_ids = _factoids_of_mentions(c, src, mention_ids)
        for i in mention_ids:
            cx.touch("mentions", i)
            c.execute("UPDATE mentions SET entity_id = ? WHERE id = ?", (dst, i))
    for i in rel_ids:
        cx.touch("relations", i)
        c.execute("UPDATE relations SET src_id = CASE WHEN src_id = ? THEN ? ELSE src_id END,"
                  " dst_id = CASE WHEN dst_id = ? THEN ? ELSE dst_id END WHERE id = ?", (src, dst, src, dst, i))
    for i in fact_ids:
        cx.touch("factoids", i)
        r = c.execute("SELECT subject_id, roles FROM factoids WHERE id = ?", (i,)).fetchone()
        roles = _swap(json.loads(r[1] or "{}"), src, dst)
        c.execute("UPDATE factoids SET subject_id = ?, roles = ? WHERE id = ?",
                  (dst if r[0] == src else r[0], json.dumps(roles, ensure_ascii=False, sort_keys=True), i))
    refresh_factoid_roles(c, fact_ids)
    return {"mentions": len(mention_ids), "aliases": len(alias_ids), "factoids": len(fact_ids)}


def _swap(value: Any, src: str, dst: str) -> Any:
    if isinstance(value, dict):
        return {k: _swap(v, src, dst) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, src, dst) for v in value]
    return dst if value == src else value


def _factoids_of_mentions(c: sqlite3.Connection, src: str, mention_ids: list[int]) -> list[str]:
    """The factoids naming ``src`` whose span holds some of these mentions and no other mention
    of ``src``: the factoids the split-off mentions carry. One pass per document."""
    moved = set(mention_ids)
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for mid, doc_id, start, end in c.execute("SELECT id, doc_id, start, end FROM mentions WHERE entity_id = ?", (src,)):
        by_doc.setdefault(doc_id, []).append((mid, start, end))
    out: list[str] = []
    for doc_id, ms in by_doc.items():
        if not any(m[0] in moved for m in ms):
            continue
        for fid, fs, fe in c.execute(
                "SELECT id, start, end FROM factoids WHERE doc_id = ? AND (subject_id = ?"
                " OR id IN (SELECT factoid_id FROM factoid_roles WHERE entity_id = ?))", (doc_id, src, src)):
            inside = [m[0] for m in ms if m[1] >= fs and m[2] <= fe]
            if inside and all(m in moved for m in inside):
                out.append(fid)
    return out


def add_alias(cx: Cursor, eid: str, alias: str) -> bool:
    key = alias_key(alias)
    if not key or cx.conn.execute("SELECT 1 FROM aliases WHERE entity_id = ? AND key = ?", (eid, key)).fetchone():
        return False
    cur = cx.conn.execute("INSERT INTO aliases (entity_id, alias, key, tkey, kind) VALUES (?,?,?,?,'curated')",
                          (eid, alias, key, translit_key(alias)))
    cx.rec.added("aliases", cur.lastrowid)
    return True


def merge(cx: Cursor, a: dict[str, Any]) -> Result:
    keep, other = cx.entity(a["keep"]), cx.entity(a["other"])
    if keep is None or other is None:
        return "orphaned", f"no entity {(a['other'] if keep else a['keep'])['name']!r} any more"
    if keep == other:
        return "applied", "already one entity"
    name = cx.conn.execute("SELECT name FROM entities WHERE id = ?", (other,)).fetchone()[0]
    n = move_entity(cx, other, keep)
    add_alias(cx, keep, name)
    cx.touch("entities", other)
    cx.conn.execute("DELETE FROM entities WHERE id = ?", (other,))
    return "applied", f"{name} ({other}) merged into {keep}: " + _counts(n)


def split(cx: Cursor, a: dict[str, Any]) -> Result:
    src = cx.entity(a["name"])
    if src is None:
        return "orphaned", f"no entity {a['name']['name']!r} any more"
    key = alias_key(a["alias"])
    mids = [r[0] for r in cx.conn.execute("SELECT id, text FROM mentions WHERE entity_id = ?", (src,))
            if alias_key(r[1]) == key]
    aids = [r[0] for r in cx.conn.execute("SELECT id FROM aliases WHERE entity_id = ? AND key = ?", (src, key))]
    if not mids and not aids:
        return "orphaned", f"no mention {a['alias']!r} under {src} any more"
    dst = cx.entity(a.get("as")) if a.get("as", {}).get("id") else None
    dst = dst or _new_entity(cx, src, (a.get("as") or {}).get("name") or a["alias"])
    n = move_entity(cx, src, dst, mids)
    for i in aids:
        cx.touch("aliases", i)
        cx.conn.execute("UPDATE aliases SET entity_id = ? WHERE id = ?", (dst, i))
    add_alias(cx, dst, a["alias"])
    return "applied", f"{a['alias']!r} split from {src} to {dst}: " + _counts(n)


def _new_entity(cx: Cursor, like: str, name: str) -> str:
    eid = f"c:{slug(name)}"
    if not cx.conn.execute("SELECT 1 FROM entities WHERE id = ?", (eid,)).fetchone():
        typ = cx.conn.execute("SELECT type FROM entities WHERE id = ?", (like,)).fetchone()[0]
        cx.touch("entities", eid)
        cx.conn.execute("INSERT INTO entities (id, name, type, linked) VALUES (?,?,?,0)", (eid, name, typ))
    return eid


def link(cx: Cursor, a: dict[str, Any]) -> Result:
    where = cx.span(a["span"])
    if where is None:
        return "orphaned", f"the text {a['span']['exact']!r} is gone from {a['span']['doc']}"
    d, start, end = where
    eid = cx.entity(a.get("entity")) if a.get("entity") else None
    if a.get("entity") and eid is None:
        return "orphaned", f"no entity {a['entity']['name']!r} any more"
    r = cx.conn.execute("SELECT id FROM mentions WHERE doc_id = ? AND start = ? AND end = ?", (d.id, start, end)).fetchone()
    if r is not None and eid is None and cx.rec.created("mentions", r[0]):
        cx.conn.execute("DELETE FROM mentions WHERE id = ?", (r[0],))  # a mention only a link made
    elif r is not None:
        cx.touch("mentions", r[0])
        cx.conn.execute("UPDATE mentions SET entity_id = ? WHERE id = ?", (eid, r[0]))
    elif eid is not None:
        typ = cx.conn.execute("SELECT type FROM entities WHERE id = ?", (eid,)).fetchone()[0]
        cur = cx.conn.execute("INSERT INTO mentions (doc_id, start, end, text, label, entity_id, confidence)"
                              " VALUES (?,?,?,?,?,?,1.0)", (d.id, start, end, d.text[start:end], LABELS.get(typ, "MISC"), eid))
        cx.rec.added("mentions", cur.lastrowid)
    what = eid or "no entity"
    return "applied", f"{a['span']['doc']} [{start}:{end}] {d.text[start:end]!r} -> {what}"


def alias_add(cx: Cursor, a: dict[str, Any]) -> Result:
    eid = cx.entity(a["entity"])
    if eid is None:
        return "orphaned", f"no entity {a['entity']['name']!r} any more"
    added = add_alias(cx, eid, a["alias"])
    return "applied", f"alias {a['alias']!r} {'added to' if added else 'already on'} {eid}"


def alias_remove(cx: Cursor, a: dict[str, Any]) -> Result:
    eid = cx.entity(a["entity"])
    if eid is None:
        return "orphaned", f"no entity {a['entity']['name']!r} any more"
    ids = [r[0] for r in cx.conn.execute("SELECT id FROM aliases WHERE entity_id = ? AND key = ?",
                                         (eid, alias_key(a["alias"])))]
    for i in ids:
        cx.touch("aliases", i)
        cx.conn.execute("DELETE FROM aliases WHERE id = ?", (i,))
    return "applied", f"alias {a['alias']!r} removed from {eid} ({len(ids)} rows)"


# -- factoids -------------------------------------------------------------------------------------

def find_factoid(cx: Cursor, f: dict[str, Any]) -> tuple[str, bool] | None:
    """(id, rejected) of the factoid a correction named: by its id, else by its quote re-found
    in its document (the same span, the same type preferred)."""
    c = cx.conn
    if c.execute("SELECT 1 FROM factoids WHERE id = ?", (f["id"],)).fetchone():
        return f["id"], False
    if c.execute("SELECT 1 FROM rejected_factoids WHERE id = ?", (f["id"],)).fetchone():
        return f["id"], True
    where = cx.span(f["span"])
    if where is None:
        return None
    d, start, end = where
    r = c.execute("SELECT id FROM factoids WHERE doc_id = ? AND start = ? AND end = ? ORDER BY type != ?, id",
                  (d.id, start, end, f.get("type"))).fetchone()
    if r:
        return r[0], False
    for rid, row in c.execute("SELECT id, row FROM rejected_factoids WHERE doc_id = ?", (d.id,)):
        row = json.loads(row)
        if row["start"] == start and row["end"] == end:
            return rid, True
    return None


def _gone(f: dict[str, Any]) -> Result:
    return "orphaned", f"factoid {f['id']} ({f.get('type')}: {f['span']['exact'][:60]!r}) is gone"


def reject(cx: Cursor, a: dict[str, Any], cid: str) -> Result:
    found = find_factoid(cx, a["factoid"])
    if found is None:
        return _gone(a["factoid"])
    fid, rejected = found
    if rejected:
        return "applied", f"factoid {fid} already rejected"
    cx.touch("factoids", fid)
    row = dict(cx.conn.execute("SELECT * FROM factoids WHERE id = ?", (fid,)).fetchone())
    cx.conn.execute("INSERT INTO rejected_factoids (id, doc_id, correction, row) VALUES (?,?,?,?)",
                    (fid, row["doc_id"], cid, json.dumps(row, ensure_ascii=False)))
    cx.conn.execute("DELETE FROM factoids WHERE id = ?", (fid,))
    return "applied", f"factoid {fid} rejected"


def confirm(cx: Cursor, a: dict[str, Any]) -> Result:
    found = find_factoid(cx, a["factoid"])
    if found is None:
        return _gone(a["factoid"])
    fid, rejected = found
    if rejected:
        row = json.loads(cx.conn.execute("SELECT row FROM rejected_factoids WHERE id = ?", (fid,)).fetchone()[0])
        cx.conn.execute(f"INSERT INTO factoids ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        cx.conn.execute("DELETE FROM rejected_factoids WHERE id = ?", (fid,))
        refresh_factoid_roles(cx.conn, [fid])
    _set_attr(cx, fid, "confirmed", True)
    return "applied", f"factoid {fid} confirmed" + (" (its rejection undone)" if rejected else "")


def _set_attr(cx: Cursor, fid: str, key: str, value: Any) -> None:
    cx.touch("factoids", fid)
    attrs = json.loads(cx.conn.execute("SELECT attrs FROM factoids WHERE id = ?", (fid,)).fetchone()[0] or "{}")
    attrs[key] = value
    cx.conn.execute("UPDATE factoids SET attrs = ? WHERE id = ?", (json.dumps(attrs, ensure_ascii=False, sort_keys=True), fid))


def edit(cx: Cursor, a: dict[str, Any]) -> Result:
    found = find_factoid(cx, a["factoid"])
    if found is None or found[1]:
        return _gone(a["factoid"]) if found is None else ("applied", f"factoid {found[0]} is rejected: nothing to edit")
    fid = found[0]
    cx.touch("factoids", fid)
    r = cx.conn.execute("SELECT type, subject_id, roles FROM factoids WHERE id = ?", (fid,)).fetchone()
    sets: dict[str, Any] = {}
    if a.get("type"):
        sets["type"] = a["type"]
    if a.get("date"):
        sets.update(date_text=a["date"]["text"], date_start=a["date"]["start"], date_end=a["date"]["end"],
                    date_precision=a["date"]["precision"], date_flag=None)
    roles = json.loads(r["roles"] or "{}")
    missing = []
    for role, ref in (a.get("roles") or {}).items():
        if role == "office" or not isinstance(ref, dict):
            roles[role] = ref
            continue
        eid = cx.entity(ref)
        if eid is None:
            missing.append(ref["name"])
        elif role == "other":
            roles["other"] = [*(roles.get("other") or []), eid]
        else:
            roles[role] = eid
    if "subject" in (a.get("roles") or {}) and roles.get("subject"):
        sets["subject_id"] = roles["subject"]
    sets["roles"] = json.dumps(roles, ensure_ascii=False, sort_keys=True)
    cx.conn.execute(f"UPDATE factoids SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), fid])
    refresh_factoid_roles(cx.conn, [fid])
    _set_attr(cx, fid, "edited", True)
    note = f" (no entity {', '.join(missing)})" if missing else ""
    return "applied", f"factoid {fid} edited: {', '.join(k for k in a if k != 'factoid')}{note}"


def asserted_id(cid: str) -> str:
    """A hand-made factoid's id: from its correction's id, so that it is the same in every KB."""
    return "h" + hashlib.sha1(cid.encode()).hexdigest()[:15]


def assert_factoid(cx: Cursor, a: dict[str, Any], cid: str, user: str) -> Result:
    where = cx.span(a["span"])
    if where is None:
        return "orphaned", f"the text {a['span']['exact'][:60]!r} is gone from {a['span']['doc']}"
    d, start, end = where
    subject = cx.entity(a["subject"])
    if subject is None:
        return "orphaned", f"no entity {a['subject']['name']!r} any more"
    fid = asserted_id(cid)
    date = a.get("date") or {}
    cx.touch("factoids", fid)
    cx.conn.execute(
        "INSERT OR REPLACE INTO factoids (id, doc_id, type, subject_id, roles, date_text, date_start, date_end,"
        " date_precision, start, end, voice, confidence, attrs) VALUES (?,?,?,?,?,?,?,?,?,?,?,'author',1.0,?)",
        (fid, d.id, a["type"], subject, json.dumps({"subject": subject}), date.get("text"), date.get("start"),
         date.get("end"), date.get("precision"), start, end,
         json.dumps({"asserted": True, "by": user, "correction": cid}, sort_keys=True)))
    refresh_factoid_roles(cx.conn, [fid])
    return "applied", f"factoid {fid} ({a['type']} of {subject}) asserted at {a['span']['doc']} [{start}:{end}]"


def source(cx: Cursor, a: dict[str, Any]) -> Result:
    if cx.doc(a["doc"]) is None:
        return "orphaned", f"no document {a['doc']!r} any more"
    r = cx.conn.execute("SELECT record FROM source_records WHERE doc = ?", (a["doc"],)).fetchone()
    record = json.loads(r[0]) if r else {}
    record.update({k: v for k, v in a["record"].items() if v})
    cx.conn.execute("INSERT OR REPLACE INTO source_records (doc, record) VALUES (?,?)",
                    (a["doc"], json.dumps(record, ensure_ascii=False, sort_keys=True)))
    return "applied", f"{a['doc']}: " + ", ".join(f"{k}={v}" for k, v in record.items())


def _counts(n: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in n.items())


ACTIONS: dict[str, Callable[..., Result]] = {
    "merge": lambda cx, a, row: merge(cx, a),
    "split": lambda cx, a, row: split(cx, a),
    "link": lambda cx, a, row: link(cx, a),
    "unlink": lambda cx, a, row: link(cx, a),
    "alias_add": lambda cx, a, row: alias_add(cx, a),
    "alias_remove": lambda cx, a, row: alias_remove(cx, a),
    "reject": lambda cx, a, row: reject(cx, a, row["id"]),
    "confirm": lambda cx, a, row: confirm(cx, a),
    "edit": lambda cx, a, row: edit(cx, a),
    "assert": lambda cx, a, row: assert_factoid(cx, a, row["id"], row["user"]),
    "source": lambda cx, a, row: source(cx, a),
}
