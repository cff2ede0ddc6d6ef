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


def linked(kb: KB, doc: str, needle: str, nth: int = 0) -> str | None:
    """The entity id of the mention covering the nth occurrence of ``needle`` (None: unresolved)."""
    text = kb.text(doc)
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    for m in kb.mentions(doc):
        if m["start"] < pos + len(needle) and pos < m["end"]:
            return (m["entity"] or {}).get("id")
    return None
