"""Domain packs: read and validate the YAML of ``kartoteka/packs/NAME/``, load them into a KB.

A pack is loaded once per KB: the ``packs`` table records each pack's name and a hash of its
files, and a pack whose files changed is reloaded (its entities updated in place, its pack
aliases and lineage relations rewritten). KB ids are ``NAME:id``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kartoteka import yamldata
from kartoteka.errors import UsageError
from kartoteka.resolve.keys import alias_key, translit_key
from kartoteka.store.db import transaction

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
FILE_TYPES = {"people": "person", "organizations": "organization", "places": "place", "events": "event"}
ENTITY_TYPES = {"person", "organization", "place", "event", "work"}
ID_RE = re.compile(r"[a-z0-9_]+")
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
QID_RE = re.compile(r"Q\d+")
DEATHS = {"execution", "killing", "suicide", "natural", "unknown"}
# Fields holding ids of other entries of the same pack.
REF_FIELDS = ("predecessor", "successor", "parent", "country", "place")
DATE_FIELDS = ("born", "died", "founded", "dissolved", "from", "to", "date")


@dataclass
class Pack:
    name: str
    title: str
    description: str
    entries: list[dict[str, Any]]
    hash: str
    files: list[str] = field(default_factory=list)
    # The pack's default source note, for entries with neither a QID nor a ``source`` of their own.
    source: str = ""

    def kb_id(self, local: str) -> str:
        return f"{self.name}:{local}"


def installed_packs() -> list[str]:
    return sorted(p.name for p in PACKS_DIR.iterdir() if p.is_dir() and (p / "pack.yaml").is_file())


def _pack_files(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        if any(path.name.startswith(prefix) for prefix in FILE_TYPES):
            out.append(path)
    return out


def read_pack(name: str) -> Pack:
    folder = PACKS_DIR / name
    if not (folder / "pack.yaml").is_file():
        raise UsageError(f"no pack named {name!r} (installed: {', '.join(installed_packs()) or 'none'})")
    meta = yamldata.safe_load((folder / "pack.yaml").read_text(encoding="utf-8")) or {}
    h = hashlib.sha256()
    entries: list[dict[str, Any]] = []
    files = []
    for path in [folder / "pack.yaml", *_pack_files(folder)]:
        data = path.read_bytes()
        h.update(path.name.encode() + b"\0" + data)
        if path.name == "pack.yaml":
            continue
        files.append(path.name)
        loaded = yamldata.safe_load(data.decode("utf-8")) or []
        if not isinstance(loaded, list):
            raise UsageError(f"pack {name}: {path.name} is not a YAML list")
        for entry in loaded:
            if isinstance(entry, dict):
                entry.setdefault("_file", path.name)
            entries.append(entry)
    return Pack(name=meta.get("name", name), title=str(meta.get("title", name)),
                description=str(meta.get("description", "")), entries=entries, hash=h.hexdigest(), files=files,
                source=str(meta.get("source") or "").strip())


def validate_pack(pack: Pack) -> list[str]:
    """Every problem found, one line each (empty when the pack is valid)."""
    errors: list[str] = []
    ids: dict[str, dict[str, Any]] = {}
    for n, e in enumerate(pack.entries):
        if not isinstance(e, dict):
            errors.append(f"entry {n}: not a mapping")
            continue
        where = f"{e.get('_file')}:{e.get('id', n)}"
        errors += [f"{where}: {problem}" for problem in _identity_problems(e, ids)]
        errors += [f"{where}: {problem}" for problem in _field_problems(e, pack)]
    errors += shared_alias_errors(pack)
    for e in pack.entries:
        if isinstance(e, dict):
            errors += [f"{e.get('_file')}:{e.get('id')}: {problem}" for problem in _reference_problems(e, ids)]
    return errors


def _identity_problems(e: dict[str, Any], ids: dict[str, dict[str, Any]]) -> list[str]:
    """The fields every entry needs, and its id's shape and uniqueness (records the id in ids)."""
    out = [f"missing {key}" for key in ("id", "type", "name", "description")
           if not isinstance(e.get(key), str) or not e[key].strip()]
    eid = e.get("id")
    if isinstance(eid, str):
        if not ID_RE.fullmatch(eid):
            out.append("bad id")
        if eid in ids:
            out.append("duplicate id")
        ids[eid] = e
    if e.get("type") not in ENTITY_TYPES:
        out.append(f"bad type {e.get('type')!r}")
    return out


def _field_problems(e: dict[str, Any], pack: Pack) -> list[str]:
    """Aliases, the QID or source note, dates, the manner of death, offices and events."""
    out: list[str] = []
    aliases = e.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        out.append("aliases must be a list of strings")
    out += [f"alias {a!r} is a date, not a name" for a in aliases if isinstance(a, str) and _date_shaped(a)]
    if "qid" in e and not QID_RE.fullmatch(str(e["qid"])):
        out.append("bad qid")
    if "source" in e and not (isinstance(e["source"], str) and e["source"].strip()):
        out.append("empty source")
    if "qid" not in e and "source" not in e and not pack.source:
        out.append("neither a qid nor a source note (nor a pack source)")
    out += [f"bad date {key}={e[key]!r}" for key in DATE_FIELDS if key in e and not DATE_RE.fullmatch(str(e[key]))]
    if "death" in e and e["death"] not in DEATHS:
        out.append(f"bad death {e['death']!r}")
    out += ["office without a name" for o in e.get("offices", []) or [] if not isinstance(o, dict) or not o.get("office")]
    out += ["event without a type" for ev in e.get("events", []) or [] if not isinstance(ev, dict) or not ev.get("type")]
    return out


def _reference_problems(e: dict[str, Any], ids: dict[str, dict[str, Any]]) -> list[str]:
    """References to other entries (fields, offices' bodies, events' places) that name no id of the pack."""
    out = [f"{key} {e[key]!r} is not an id of this pack" for key in REF_FIELDS if key in e and e[key] not in ids]
    out += [f"office organization {o['organization']!r} is not an id of this pack" for o in e.get("offices", []) or []
            if isinstance(o, dict) and o.get("organization") and o["organization"] not in ids]
    out += [f"event place {ev['place']!r} is not an id of this pack" for ev in e.get("events", []) or []
            if isinstance(ev, dict) and ev.get("place") and ev["place"] not in ids]
    return out


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_ALIAS = re.compile(rf"^(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+)?\d{{4}}$", re.IGNORECASE)


def _date_shaped(alias: str) -> bool:
    """ "February 1917" or "1905" as an alias: the text's dates would link to the entry."""
    return _DATE_ALIAS.match(alias.strip()) is not None


def shared_alias_errors(pack: Pack) -> list[str]:
    """An alias two entries of one type share (a renamed city's old name, a code name two agents
    bore) must be marked in ``risky_aliases`` of each: it then links only with support."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in pack.entries:
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            continue
        keys = {alias_key(a) for a in [e["name"], *(e.get("aliases") or [])] if isinstance(a, str)}
        for k in keys:
            by_key.setdefault((str(e.get("type")), k), []).append(e)
    errors = []
    for (_typ, k), entries in sorted(by_key.items()):
        if len(entries) < 2:
            continue
        for e in entries:
            marked = {alias_key(a) for a in e.get("risky_aliases") or [] if isinstance(a, str)}
            if k not in marked:
                others = ", ".join(str(x.get("id")) for x in entries if x is not e)
                errors.append(f"{e.get('_file')}:{e.get('id')}: alias {k!r} shared with {others} is not in risky_aliases")
    return errors


ENTRY_DATA_SKIP = {"id", "type", "name", "aliases", "description", "qid", "_file", "risky_aliases", "source"}


def entity_rows(pack: Pack) -> list[tuple[str, str, str, str | None, str, str | None, int, str]]:
    rows = []
    for e in pack.entries:
        data = {k: v for k, v in e.items() if k not in ENTRY_DATA_SKIP}
        rows.append((pack.kb_id(e["id"]), e["name"], e["type"], e.get("description"), pack.name, e.get("qid"), 1,
                     json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)))
    return rows


def alias_rows(pack: Pack) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for e in pack.entries:
        seen: set[str] = set()
        for alias in [e["name"], *(e.get("aliases") or [])]:
            k = alias_key(alias)
            if k and k not in seen:
                seen.add(k)
                rows.append((pack.kb_id(e["id"]), alias, k, translit_key(alias), "pack"))
    return rows


def relation_rows(pack: Pack) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """Lineage (succeeded_by, from predecessor/successor) and part_of (parent) relations."""
    by_id = {e["id"]: e for e in pack.entries}
    pairs: dict[tuple[str, str], None] = {}
    for e in pack.entries:
        if e.get("successor") in by_id:
            pairs[(e["id"], e["successor"])] = None
        if e.get("predecessor") in by_id:
            pairs[(e["predecessor"], e["id"])] = None
    rows = []
    for src, dst in pairs:
        a, b = by_id[src], by_id[dst]
        start = b.get("founded") or b.get("from") or a.get("dissolved") or a.get("to")
        rows.append((pack.kb_id(src), pack.kb_id(dst), "succeeded_by", _str(start), None,
                     json.dumps({"pack": pack.name})))
    for e in pack.entries:
        if e.get("parent") in by_id:
            rows.append((pack.kb_id(e["id"]), pack.kb_id(e["parent"]), "part_of", _str(e.get("founded")), None,
                         json.dumps({"pack": pack.name})))
    return rows


def _str(v: object) -> str | None:
    return None if v is None else str(v)


def ensure_packs(conn: sqlite3.Connection, names: list[str] | None) -> list[Pack]:
    """Load the named packs (default: all installed) into the KB unless already loaded unchanged."""
    packs = [read_pack(n) for n in (names if names else installed_packs())]
    loaded = {r["name"]: r["hash"] for r in conn.execute("SELECT name, hash FROM packs")}
    for pack in packs:
        if loaded.get(pack.name) == pack.hash:
            continue
        errors = validate_pack(pack)
        if errors:
            raise UsageError(f"pack {pack.name} is invalid: {errors[0]} (and {len(errors) - 1} more)"
                             if len(errors) > 1 else f"pack {pack.name} is invalid: {errors[0]}")
        install_pack(conn, pack)
    return packs


def install_pack(conn: sqlite3.Connection, pack: Pack) -> None:
    rows = entity_rows(pack)
    with transaction(conn):
        conn.execute("DELETE FROM aliases WHERE kind = 'pack' AND entity_id IN (SELECT id FROM entities WHERE pack = ?)",
                     (pack.name,))
        conn.execute("DELETE FROM relations WHERE doc_id IS NULL AND json_extract(attrs, '$.pack') = ?", (pack.name,))
        conn.executemany(
            "INSERT INTO entities (id, name, type, description, pack, qid, linked, data) VALUES (?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, description=excluded.description,"
            " pack=excluded.pack, qid=excluded.qid, linked=1, data=excluded.data",
            rows,
        )
        keep = [r[0] for r in rows]
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _keep (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM _keep")
        conn.executemany("INSERT OR IGNORE INTO _keep VALUES (?)", [(k,) for k in keep])
        conn.execute("DELETE FROM entities WHERE pack = ? AND id NOT IN (SELECT id FROM _keep)", (pack.name,))
        conn.executemany("INSERT INTO aliases (entity_id, alias, key, tkey, kind) VALUES (?,?,?,?,?)", alias_rows(pack))
        conn.executemany(
            "INSERT INTO relations (src_id, dst_id, type, date_start, date_end, attrs) VALUES (?,?,?,?,?,?)",
            relation_rows(pack),
        )
        conn.execute(
            "INSERT INTO packs (name, hash, title, entities, loaded_at) VALUES (?,?,?,?,?)"
            " ON CONFLICT(name) DO UPDATE SET hash=excluded.hash, title=excluded.title, entities=excluded.entities,"
            " loaded_at=excluded.loaded_at",
            (pack.name, pack.hash, pack.title, len(rows), datetime.now(UTC).isoformat(timespec="seconds")),
        )
