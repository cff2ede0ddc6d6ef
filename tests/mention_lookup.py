"""Shared by the resolution tests: a KB of one fixture folder, and which entity a mention of a
given piece of text was linked to."""

from __future__ import annotations

from pathlib import Path

from kartoteka.api import KB


def ingested(folder: Path, db: Path) -> KB:
    """A KB of every file in ``folder``, each newly added (in this process: no spaCy workers)."""
    k = KB(db)
    results = k.ingest([folder], n_process=1)
    assert all(r.status == "added" for r in results), results
    return k


def mention_at(kb: KB, doc: str, needle: str, nth: int = 0) -> dict | None:
    """The mention covering the nth occurrence of ``needle`` in ``doc`` (None: no mention there)."""
    text = kb.text(doc)
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return next((m for m in kb.mentions(doc) if m["start"] < pos + len(needle) and pos < m["end"]), None)


def linked(kb: KB, doc: str, needle: str, nth: int = 0) -> str | None:
    """The entity id of the mention covering the nth occurrence of ``needle`` (None: unresolved)."""
    m = mention_at(kb, doc, needle, nth)
    return (m["entity"] or {}).get("id") if m is not None else None
