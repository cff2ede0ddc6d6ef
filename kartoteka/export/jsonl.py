"""JSON Lines: one file, one JSON object per line, each tagged with ``"record"`` first (not
"kind": a conflict has a field of that name):

    {"record": "source", "doc", "title", "chars", "format", "genre"?}
    {"record": "entity", "id", "name", "type", "aliases": [str], "mention_count", "sources": [doc],
     "mentions_by_source", "description", "linked", "pack", "qid", "alias_sources": [...], "data"?}
    {"record": "factoid", ...}     CONTRACT.md's factoid, exactly as `kartoteka factoids --json` gives it
    {"record": "relation", "type", "from", "to", "date", "date_end", "pack", "source"?: Span}
    {"record": "conflict", ...}    CONTRACT.md's conflict (when the KB finds conflicts)

Lines come in that order, except that entities named by factoids or relations but outside the
scope follow the relations. ``jq -c 'select(.record == "factoid") | del(.record)'`` gives the
factoids alone. One file streams to stdout (`--out -`) and through pipes."""

from __future__ import annotations

import json
from typing import Any, TextIO

from kartoteka.export.scope import Selection, require_some


def write_jsonl(sel: Selection, out: TextIO) -> dict[str, int]:
    counts = {"sources": 0, "entities": 0, "factoids": 0, "relations": 0, "conflicts": 0}
    # The source lines wait for the first record, so an export that finds nothing writes nothing.
    sources = [{k: d[k] for k in ("doc", "title", "chars", "format", "genre") if d.get(k) is not None}
               for d in sel.documents()]

    def line(kind: str, item: dict[str, Any], count: str) -> None:
        while sources:
            out.write(json.dumps({"record": "source", **sources.pop(0)}, ensure_ascii=False) + "\n")
            counts["sources"] += 1
        out.write(json.dumps({"record": kind, **item}, ensure_ascii=False) + "\n")
        counts[count] += 1

    for rec in sel.entities():
        line("entity", entity_line(rec), "entities")
    for f in sel.factoids(track=True):
        line("factoid", f, "factoids")
    for r in sel.relations(track=True):
        line("relation", r, "relations")
    for c in sel.conflicts():
        line("conflict", c, "conflicts")
    for rec in sel.pending():
        line("entity", entity_line(rec), "entities")
    require_some(counts)
    return counts


def entity_line(rec: dict[str, Any]) -> dict[str, Any]:
    """An entity record in the shape of CONTRACT's `entity --json` (id, name, type, aliases,
    mention_count, sources) plus the pack's fields and where documents state or use each alias."""
    names: list[str] = []
    seen = {rec["name"].lower()}
    for a in rec["aliases"]:
        if a["alias"].lower() not in seen:
            seen.add(a["alias"].lower())
            names.append(a["alias"])
    item: dict[str, Any] = {
        "id": rec["id"], "name": rec["name"], "type": rec["type"], "aliases": names,
        "mention_count": rec["mention_count"], "sources": [s["doc"] for s in rec["mentions_by_source"]],
        "mentions_by_source": rec["mentions_by_source"], "description": rec["description"],
        "linked": rec["linked"], "pack": rec["pack"], "qid": rec["qid"],
        "alias_sources": [{"alias": a["alias"], "kind": a["kind"], **a["source"]} for a in rec["aliases"] if a.get("source")],
    }
    if rec.get("data"):
        item["data"] = rec["data"]
    return item
