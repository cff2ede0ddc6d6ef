"""Ingesting files: find them, read them, analyse them, store each in its own transaction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kartoteka.analysis import Analysis
from kartoteka.errors import RejectedInput
from kartoteka.ingest.readers import read_document
from kartoteka.ingest.structure import detect_structure
from kartoteka.pipeline import Context, deferred_stages, load_stages
from kartoteka.store.writer import write_analysis


@dataclass
class IngestResult:
    doc: str
    path: str
    status: str  # added, unchanged, updated, rejected
    reason: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"doc": self.doc, "path": self.path, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        return out


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """Files under the given paths, recursively, sorted; a missing path comes back with its reason."""
    out: list[tuple[Path, str | None]] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        out.append((Path(root) / name, None))
        elif p.is_file():
            out.append((p, None))
        else:
            out.append((p, "no such file or folder"))
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def analyse(path: Path, digest: str, ctx: Context) -> Analysis:
    """Read and analyse one file; raises RejectedInput."""
    raw = read_document(path)
    segments, passages = detect_structure(raw)
    title = raw.title or _first_line(raw.text) or path.name
    analysis = Analysis(
        doc=path.name, path=str(path), format=raw.format, sha256=digest, text=raw.text, title=title,
        encoding=raw.encoding, meta=raw.meta, segments=segments, passages=passages,
    )
    for _name, stage in load_stages():
        stage(analysis, ctx)
    return analysis


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:200]
    return ""


def ingest_paths(
    ctx: Context,
    paths: Iterable[str | Path],
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    # A KB kept inside the folder being ingested is not one of its documents.
    own = _kb_files(ctx)
    files = [(path, problem) for path, problem in expand_paths(paths) if path.resolve() not in own]
    if on_start:
        on_start(len(files))
    known = {r["doc"]: r["sha256"] for r in ctx.conn.execute("SELECT doc, sha256 FROM documents")}
    seen: dict[str, Path] = {}
    results: list[IngestResult] = []
    for path, problem in files:
        result = _ingest_one(ctx, path, problem, known, seen)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def run_deferred(ctx: Context, docs: list[str], on_progress: Callable[[str, int, int], None] | None = None) -> None:
    """The deferred stages (embedding) over the documents this run wrote, each document already
    committed and searchable; ``on_progress(stage, done, total)`` reports as they go."""
    if not docs:
        return
    marks = ",".join("?" * len(docs))
    ids = [r[0] for r in ctx.conn.execute(f"SELECT id FROM documents WHERE doc IN ({marks})", docs)]
    for name, stage in deferred_stages(ctx):
        stage(ctx, ids, (lambda done, total, _n=name: on_progress(_n, done, total)) if on_progress else None)


def _kb_files(ctx: Context) -> set[Path]:
    """The KB's own files (the database and its -wal, -shm and -journal companions)."""
    out: set[Path] = set()
    for row in ctx.conn.execute("PRAGMA database_list"):
        if row[2]:
            base = Path(row[2]).resolve()
            out |= {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
    return out


def _ingest_one(ctx: Context, path: Path, problem: str | None, known: dict[str, str], seen: dict[str, Path]) -> IngestResult:
    doc = path.name
    if problem:
        return IngestResult(doc, str(path), "rejected", problem)
    if doc in seen:
        return IngestResult(doc, str(path), "rejected", f"another file named {doc} is in this batch ({seen[doc]})")
    seen[doc] = path
    try:
        digest = sha256_of(path)
    except OSError as e:
        return IngestResult(doc, str(path), "rejected", f"cannot read: {e.strerror}")
    if known.get(doc) == digest:
        return IngestResult(doc, str(path), "unchanged")
    try:
        analysis = analyse(path, digest, ctx)
    except RejectedInput as e:
        return IngestResult(doc, str(path), "rejected", str(e))
    write_analysis(ctx.conn, analysis)
    status = "updated" if doc in known else "added"
    known[doc] = digest
    return IngestResult(doc, str(path), status)
