"""Names in free text (a search query, a question) resolved through the entity layer, no NLP model.

Candidates are runs of capitalised words (initials and name particles inside a run), possessives
stripped; a run that resolves as a whole names one entity, otherwise its parts are tried. In an
all-lowercase query every word run is a candidate.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from kartoteka.query.entities import EntityQueries
from kartoteka.query.factoids import FactoidQueries
from kartoteka.query.words import word_list

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f0-9][\w\u00c0-\u024f.'\u2019-]*")
_PARTICLES = frozenset({"de", "von", "van", "der", "la", "le", "of", "the"})
_NOT_NAMES = word_list("not_names")
MAX_RUN = 5


@dataclass
class NameSpan:
    start: int
    end: int
    text: str
    entity_id: str


class _Lookup(EntityQueries, FactoidQueries):
    """The entity layer's name resolution over a bare connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def _clean(word: str) -> str:
    return re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", word.rstrip(".,;:!?-")) or word


def candidate_runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of name-like words, each word as (start, end, cleaned text)."""
    lower = not any(c.isupper() for c in text)
    words = [(m.start(), m.start() + len(_clean(m.group(0))), _clean(m.group(0))) for m in _WORD.finditer(text)]
    runs: list[list[tuple[int, int, str]]] = []
    cur: list[tuple[int, int, str]] = []
    for w in words:
        s, e, t = w
        gap_ok = not cur or text[cur[-1][1]:s].strip(" '\u2019.") == ""
        is_name = (t[:1].isupper() or lower or t[:1].isdigit() and bool(cur)) and t.lower() not in _NOT_NAMES
        is_particle = bool(cur) and t.lower() in _PARTICLES
        if (is_name or is_particle) and gap_ok and len(cur) < MAX_RUN:
            cur.append(w)
            continue
        if cur:
            runs.append(cur)
        cur = [w] if is_name else []
    if cur:
        runs.append(cur)
    # A run may not end on a particle ("Ministry of").
    out = []
    for run in runs:
        while run and run[-1][2].lower() in _PARTICLES:
            run = run[:-1]
        if run:
            out.append(run)
    return out


def find_names(conn: sqlite3.Connection, text: str, lookup: EntityQueries | None = None) -> list[NameSpan]:
    """Entity names in ``text``, longest resolvable spans first, left to right."""
    look = lookup or _Lookup(conn)
    found: list[NameSpan] = []
    for run in candidate_runs(text):
        i = 0
        while i < len(run):
            hit = None
            for j in range(len(run), i, -1):
                s, e = run[i][0], run[j - 1][1]
                phrase = text[s:e]
                if len(phrase) < 2 or phrase.lower() in _NOT_NAMES:
                    continue
                eid = look.resolve_name(phrase)
                if eid:
                    hit = NameSpan(s, e, phrase, eid)
                    i = j
                    break
            if hit:
                found.append(hit)
            else:
                i += 1
    return found


def named_entities(conn: sqlite3.Connection, text: str, *, lineage: bool = False) -> list[str]:
    look = _Lookup(conn)
    ids: list[str] = []
    for span in find_names(conn, text, look):
        if span.entity_id not in ids:
            ids.append(span.entity_id)
    if lineage:
        ids = look._lineage(ids)
    return ids
