"""GEXF 1.3 (https://gexf.net), the format Gephi reads natively: declared node and edge
attributes, a directed graph in which typed relations are directed edges and co-mentions are
``mutual`` edges, parallel edges told apart by their ``kind``."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from kartoteka.export.graph import CO_MENTION, EDGE_ATTRS, NODE_ATTRS, Graph
from kartoteka.export.xmlout import XmlWriter

NAMESPACE = "http://gexf.net/1.3"
_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean"}


def write_gexf(graph: Graph, out: TextIO, *, description: str) -> None:
    x = XmlWriter(out)
    x.open("gexf", {"xmlns": NAMESPACE, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                    "xsi:schemaLocation": f"{NAMESPACE} {NAMESPACE}/gexf.xsd", "version": "1.3"})
    x.open("meta", lastmodifieddate=date.today().isoformat())
    x.element("creator", "Kartoteka")
    x.element("description", description)
    x.close("meta")
    x.open("graph", mode="static", defaultedgetype="directed")
    for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        x.open("attributes", {"class": cls})
        for name, (kind, _what) in attrs.items():
            x.empty("attribute", id=name, title=name, type=_TYPES[kind])
        x.close("attributes")
    x.open("nodes")
    for n in graph.nodes:
        x.open("node", id=n["id"], label=n["name"])
        _attvalues(x, n, NODE_ATTRS)
        x.close("node")
    x.close("nodes")
    x.open("edges")
    for i, e in enumerate(graph.edges):
        x.open("edge", id=f"e{i}", source=e["source"], target=e["target"], weight=e["weight"], kind=e["kind"],
               type="mutual" if e["kind"] == CO_MENTION else "directed")
        _attvalues(x, e, EDGE_ATTRS)
        x.close("edge")
    x.close("edges")
    x.close("graph")
    x.close("gexf")


def _attvalues(x: XmlWriter, item: dict[str, object], attrs: dict[str, tuple[str, str]]) -> None:
    values = [(k, item.get(k)) for k in attrs if item.get(k) is not None]
    if not values:
        return
    x.open("attvalues")
    for k, v in values:
        x.empty("attvalue", {"for": k, "value": v})
    x.close("attvalues")
