"""The entity network that GEXF and GraphML write: ``KB.network_among`` over the scope's
entities, with node attributes from the entity records and one edge per typed relation
(directed, with dates and provenance) plus one co-mention edge per pair (symmetric, weighted by
the number of co-mentions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kartoteka.errors import NotFound
from kartoteka.export.scope import Selection

# Attribute name -> (value kind, what it is): both writers declare these, in this order.
NODE_ATTRS: dict[str, tuple[str, str]] = {
    "name": ("string", "the entity's preferred name"),
    "type": ("string", "person, organization, place, event, work or other"),
    "mentions": ("integer", "mentions in the sources (in the --source document when given)"),
    "sources": ("integer", "documents that mention it"),
    "linked": ("boolean", "backed by a domain pack entry"),
    "pack": ("string", "the domain pack"),
    "qid": ("string", "Wikidata QID"),
    "description": ("string", "one line from the pack"),
}
EDGE_ATTRS: dict[str, tuple[str, str]] = {
    "kind": ("string", "relation (typed, directed) or co-mention (symmetric)"),
    "relation": ("string", "the relation type: succeeded_by, part_of, ..."),
    "date_start": ("string", "when the relation began (ISO, at its precision)"),
    "date_end": ("string", "when it ended"),
    "pack": ("string", "the pack that states the relation"),
    "doc": ("string", "the document that states it (for co-mentions: the --source document)"),
    "start": ("integer", "span start in the document's stored text"),
    "end": ("integer", "span end"),
    "quote": ("string", "the document's text at [start, end)"),
}
RELATION = "relation"
CO_MENTION = "co-mention"


@dataclass
class Graph:
    nodes: list[dict[str, Any]]   # "id" plus NODE_ATTRS keys (None where unknown)
    edges: list[dict[str, Any]]   # "source", "target", "weight" plus EDGE_ATTRS keys


def build_graph(sel: Selection, *, min_co: int = 1) -> Graph:
    """The network of the selection: with --entity, that entity and every entity linked to it
    (and the links among them); otherwise the scope's entities. Raises NotFound when empty."""
    scope = sel.scope
    if scope.entity_id is not None:
        center = scope.entity_id
        pool = [center] + [i for i in sel.mentioned(scope.entity_type, scope.source) if i != center]
        net = sel.kb.network_among(pool, source=scope.source, min_co=min_co)
        linked = {center} | {e["target"] if e["source"] == center else e["source"]
                             for e in net["edges"] if center in (e["source"], e["target"])}
        net = {"nodes": [n for n in net["nodes"] if n["id"] in linked],
               "edges": [e for e in net["edges"] if e["source"] in linked and e["target"] in linked]}
    else:
        net = sel.kb.network_among(sel.core_ids(), source=scope.source, min_co=min_co)
    if not net["nodes"]:
        raise NotFound("nothing to export: no entity in this scope")
    records = {r["id"]: r for r in sel.kb.entity_records(n["id"] for n in net["nodes"])}
    nodes = [_node(n, records.get(n["id"])) for n in net["nodes"]]
    edges: list[dict[str, Any]] = []
    for e in net["edges"]:
        if e["co"] >= min_co:
            edges.append({"source": e["source"], "target": e["target"], "weight": e["co"], "kind": CO_MENTION,
                          "doc": scope.source})
        for r in e["relations"]:
            span = r.get("source") or {}
            edges.append({"source": r["from"], "target": r["to"], "weight": 1, "kind": RELATION,
                          "relation": r["type"], "date_start": r.get("date"), "date_end": r.get("date_end"),
                          "pack": r.get("pack"), "doc": span.get("doc"), "start": span.get("start"),
                          "end": span.get("end"), "quote": span.get("quote")})
    return Graph(nodes, edges)


def _node(n: dict[str, Any], rec: dict[str, Any] | None) -> dict[str, Any]:
    rec = rec or {}
    return {"id": n["id"], "name": n["name"], "type": n["type"], "mentions": n["mentions"],
            "sources": len(rec.get("mentions_by_source") or []), "linked": rec.get("linked"),
            "pack": rec.get("pack"), "qid": rec.get("qid"), "description": rec.get("description")}
