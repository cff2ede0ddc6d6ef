"""Exports: the KB as files other tools read, every statement with its provenance where the
format allows. ``export(kb, FORMAT, OUT, scope)`` runs one; each format is a module here:

    gexf     the entity network, GEXF 1.3 (Gephi)            graph.py, gexf.py
    graphml  the entity network, GraphML                      graph.py, graphml.py
    csv      a folder of CSV files, one per kind of record    tables.py
    jsonl    one JSON Lines file of kind-tagged records       jsonl.py
    ftm      FollowTheMoney entities as JSON Lines            ftm.py, ftm.yaml
    corrections  the historian's corrections journal, JSON Lines (``kartoteka import corrections``)
    csl      the documents' bibliographic records as CSL-JSON  csl.py

What an export covers (``--entity``, ``--type``, ``--source``) is ``scope.py``; where it goes
(a file moved into place when complete, stdout, a folder) is ``sink.py``. No SQL here: every
read is a KB method."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kartoteka.api import KB
from kartoteka.config import kb_name
from kartoteka.export.scope import Scope, Selection
from kartoteka.export.sink import folder, single_output


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str          # the default output's suffix (a folder's for csv)
    folder: bool = False
    graph: bool = False


FORMATS = {f.name: f for f in (
    Format("gexf", ".gexf", graph=True),
    Format("graphml", ".graphml", graph=True),
    Format("csv", "-csv", folder=True),
    Format("jsonl", ".jsonl"),
    Format("ftm", ".ftm.json"),
    Format("corrections", ".corrections.jsonl"),
    Format("csl", ".csl.json"),
)}


def default_out(kb: KB, fmt: str) -> str:
    """``NAME.gexf`` (and so on) beside the working folder, named after the KB file."""
    return Path(kb_name(kb.path)).stem + FORMATS[fmt].suffix


def export(kb: KB, fmt: str, out: str, scope: Scope, *, min_co: int = 1) -> dict[str, int]:
    """Write the scope of ``kb`` as ``fmt`` to ``out`` (a path, ``-`` for stdout, a folder for
    csv); returns what was written, by kind."""
    if fmt == "corrections":  # the historian's journal, whole: scope does not apply
        lines = kb.export_corrections()
        with single_output(out) as fh:
            fh.writelines(line + "\n" for line in lines)
        return {"corrections": len(lines)}
    if fmt == "csl":  # the bibliography of the documents: scope does not apply
        from kartoteka.export.csl import write_csl

        with single_output(out) as fh:
            return write_csl(kb, fh)
    sel = Selection(kb, scope)
    spec = FORMATS[fmt]
    if spec.folder:
        from kartoteka.export.tables import write_tables

        return write_tables(sel, folder(out))
    if spec.graph:
        from kartoteka.export.graph import build_graph

        graph = build_graph(sel, min_co=min_co)
        about = describe(kb, scope)
        with single_output(out) as fh:
            if fmt == "gexf":
                from kartoteka.export.gexf import write_gexf

                write_gexf(graph, fh, description=about)
            else:
                from kartoteka.export.graphml import write_graphml

                write_graphml(graph, fh, description=about)
        return {"nodes": len(graph.nodes), "edges": len(graph.edges)}
    with single_output(out) as fh:
        if fmt == "jsonl":
            from kartoteka.export.jsonl import write_jsonl

            return write_jsonl(sel, fh)
        from kartoteka.export.ftm import write_ftm

        return write_ftm(sel, fh)


def describe(kb: KB, scope: Scope) -> str:
    """One line saying what an export holds."""
    bits = [f"entity {scope.entity!r} ({scope.entity_id})" if scope.entity_id else "",
            f"type {scope.entity_type or scope.factoid_type}" if (scope.entity_type or scope.factoid_type) else "",
            f"source {scope.source}" if scope.source else ""]
    what = ", ".join(b for b in bits if b) or "everything"
    return f"Kartoteka knowledge base {kb_name(kb.path)}: {what}"
