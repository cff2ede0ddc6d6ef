"""CSV: a folder of UTF-8 files (RFC 4180 quoting, a header row each), one per kind of record:

    documents.csv   the sources
    entities.csv    every entity in scope, then those the other files name
    aliases.csv     each alias with its kind and, where a document states or uses it, its span
    mentions.csv    each mention: doc, span, quote, the entity
    factoids.csv    each factoid, roles flattened into columns, with its cited span
    relations.csv   typed relations with dates, pack or cited span
    conflicts.csv   one row per value and cited span of each conflict (when the KB finds conflicts)

Several values in one cell are separated by ``|``; JSON cells hold what has no flat form."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kartoteka.export.scope import Selection, require_some
from kartoteka.export.sink import text_file

COLUMNS: dict[str, list[str]] = {
    "documents": ["doc", "title", "chars", "format", "genre", "path", "ingested_at"],
    "entities": ["id", "name", "type", "description", "linked", "pack", "qid", "mention_count", "source_count",
                 "sources", "born", "died", "founded", "dissolved", "data"],
    "aliases": ["entity_id", "alias", "kind", "doc", "start", "end", "quote"],
    "mentions": ["doc", "start", "end", "quote", "label", "confidence", "entity_id", "entity_name", "entity_type"],
    "factoids": ["id", "type", "subject_id", "subject_name", "subject_type", "agent_id", "agent_name",
                 "organization_id", "organization_name", "office", "place_id", "place_name", "other_ids",
                 "other_names", "date_text", "date_start", "date_end", "date_precision", "date_inferred",
                 "date_flag", "value", "voice", "hedged", "negated", "fiction", "confidence", "corroboration",
                 "doc", "start", "end", "page", "quote", "attrs"],
    "relations": ["source_id", "source_name", "type", "target_id", "target_name", "date_start", "date_end", "pack",
                  "doc", "start", "end", "quote"],
    "conflicts": ["id", "entity_id", "entity_name", "entity_type", "type", "field", "kind", "value", "factoids",
                  "doc", "start", "end", "quote"],
}
SEP = "|"


def write_tables(sel: Selection, folder: Path) -> dict[str, int]:
    """Write every file (each appears only once complete); returns rows written per file."""
    kinds = [k for k in COLUMNS if k != "conflicts" or sel.has_conflicts]
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        writers = {}
        for kind in kinds:
            fh = stack.enter_context(text_file(folder / f"{kind}.csv", newline=""))
            w = csv.DictWriter(fh, COLUMNS[kind], extrasaction="raise")
            w.writeheader()
            writers[kind] = w
        streams: dict[str, Iterable[dict[str, Any]]] = {
            "documents": (_document(d) for d in sel.documents()),
            "factoids": (_factoid(f) for f in sel.factoids(track=True)),
            "relations": (_relation(r) for r in sel.relations(track=True)),
            "mentions": (_mention(m) for m in sel.mentions()),
            "conflicts": (row for c in sel.conflicts() for row in conflict_rows(c)),
        }
        for kind, rows in streams.items():
            if kind in writers:
                counts[kind] = _write(writers[kind], rows)
        counts["entities"] = counts["aliases"] = 0
        for rec in _chain(sel.entities(), sel.pending()):
            writers["entities"].writerow(_entity(rec))
            counts["entities"] += 1
            counts["aliases"] += _write(writers["aliases"], _aliases(rec))
        require_some(counts)
    return counts


def _write(w: csv.DictWriter[str], rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    for row in rows:
        w.writerow(row)
        n += 1
    return n


def _chain(*streams: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for s in streams:
        yield from s


def _flag(v: Any) -> str:
    return "" if v is None else ("true" if v else "false")


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True) if v else ""


def _document(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in COLUMNS["documents"]}


def _entity(rec: dict[str, Any]) -> dict[str, Any]:
    data = rec.get("data") or {}
    return {"id": rec["id"], "name": rec["name"], "type": rec["type"], "description": rec.get("description"),
            "linked": _flag(rec.get("linked")), "pack": rec.get("pack"), "qid": rec.get("qid"),
            "mention_count": rec["mention_count"], "source_count": len(rec["mentions_by_source"]),
            "sources": SEP.join(s["doc"] for s in rec["mentions_by_source"]),
            "born": data.get("born"), "died": data.get("died"), "founded": data.get("founded"),
            "dissolved": data.get("dissolved"), "data": _json(data)}


def _aliases(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for a in rec["aliases"]:
        span = a.get("source") or {}
        yield {"entity_id": rec["id"], "alias": a["alias"], "kind": a["kind"], "doc": span.get("doc"),
               "start": span.get("start"), "end": span.get("end"), "quote": span.get("quote")}


def _mention(m: dict[str, Any]) -> dict[str, Any]:
    ent = m.get("entity") or {}
    return {"doc": m["doc"], "start": m["start"], "end": m["end"], "quote": m["text"], "label": m.get("label"),
            "confidence": m.get("confidence"), "entity_id": ent.get("id"), "entity_name": ent.get("name"),
            "entity_type": ent.get("type")}


def _factoid(f: dict[str, Any]) -> dict[str, Any]:
    roles = f["roles"]
    date = f.get("date") or {}
    src = f["source"]
    row: dict[str, Any] = {"id": f["id"], "type": f["type"], "office": roles.get("office")}
    for role in ("subject", "agent", "organization", "place"):
        ref = roles.get(role) or {}
        row[f"{role}_id"], row[f"{role}_name"] = ref.get("id"), ref.get("name")
    row["subject_type"] = (roles.get("subject") or {}).get("type")
    others = roles.get("other") or []
    row["other_ids"] = SEP.join(o["id"] for o in others)
    row["other_names"] = SEP.join(o["name"] for o in others)
    corr = f.get("corroboration")
    row.update(date_text=date.get("text") or f.get("date_text"), date_start=date.get("start"), date_end=date.get("end"),
               date_precision=date.get("precision"), date_inferred=_flag(date.get("inferred")) if date else "",
               date_flag=f.get("date_flag"), value=f.get("value"), voice=f["voice"], hedged=_flag(f["hedged"]),
               negated=_flag(f["negated"]), fiction=_flag(f.get("fiction")), confidence=f["confidence"],
               corroboration=_json(corr) if isinstance(corr, dict | list) else corr,
               doc=src["doc"], start=src["start"], end=src["end"], page=src.get("page"), quote=src["quote"],
               attrs=_json(f.get("attrs")))
    return row


def _relation(r: dict[str, Any]) -> dict[str, Any]:
    span = r.get("source") or {}
    return {"source_id": r["from"]["id"], "source_name": r["from"]["name"], "type": r["type"],
            "target_id": r["to"]["id"], "target_name": r["to"]["name"], "date_start": r.get("date"),
            "date_end": r.get("date_end"), "pack": r.get("pack"), "doc": span.get("doc"), "start": span.get("start"),
            "end": span.get("end"), "quote": span.get("quote")}


def conflict_rows(c: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A conflict in CONTRACT's shape as rows: one per value and cited span."""
    ent = c.get("entity") or {}
    base = {"id": c["id"], "entity_id": ent.get("id"), "entity_name": ent.get("name"), "entity_type": ent.get("type"),
            "type": c["type"], "field": c["field"], "kind": c.get("kind")}
    for v in c["values"]:
        ids = SEP.join(str(i) for i in v.get("factoids") or [])
        spans = v.get("sources") or [{}]
        for span in spans:
            yield {**base, "value": v["value"], "factoids": ids, "doc": span.get("doc"), "start": span.get("start"),
                   "end": span.get("end"), "quote": span.get("quote")}
