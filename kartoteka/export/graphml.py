"""GraphML (http://graphml.graphdrawing.org), read by Gephi, yEd, Cytoscape, networkx and igraph:
every attribute declared as a ``<key>``, a directed graph with parallel edges (one per typed
relation, one per co-mentioned pair: its ``kind`` says which; a co-mention edge is symmetric
and written once)."""

from __future__ import annotations

from typing import TextIO

from kartoteka.export.graph import EDGE_ATTRS, NODE_ATTRS, Graph
from kartoteka.export.xmlout import XmlWriter

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_TYPES = {"string": "string", "integer": "int", "boolean": "boolean"}


def write_graphml(graph: Graph, out: TextIO, *, description: str) -> None:
    x = XmlWriter(out)
    x.open("graphml", {"xmlns": NAMESPACE, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                       "xsi:schemaLocation": f"{NAMESPACE} {NAMESPACE}/1.0/graphml.xsd"})
    for cls, attrs in (("node", NODE_ATTRS), ("edge", {"weight": ("integer", "how strong"), **EDGE_ATTRS})):
        for name, (kind, what) in attrs.items():
            x.open("key", {"id": f"{cls[0]}_{name}", "for": cls, "attr.name": name, "attr.type": _TYPES[kind]})
            x.element("desc", what)
            x.close("key")
    x.open("graph", id="kartoteka", edgedefault="directed")
    x.element("desc", description)
    for n in graph.nodes:
        x.open("node", id=n["id"])
        _data(x, "n", n, NODE_ATTRS)
        x.close("node")
    for i, e in enumerate(graph.edges):
        x.open("edge", id=f"e{i}", source=e["source"], target=e["target"])
        _data(x, "e", e, {"weight": ("integer", ""), **EDGE_ATTRS})
        x.close("edge")
    x.close("graph")
    x.close("graphml")


def _data(x: XmlWriter, prefix: str, item: dict[str, object], attrs: dict[str, tuple[str, str]]) -> None:
    for k in attrs:
        v = item.get(k)
        if v is not None:
            x.element("data", v if isinstance(v, str) else _plain(v), key=f"{prefix}_{k}")


def _plain(v: object) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)
