"""The extract stage: factoids from each passage's parse, mentions and resolved entities."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from typing import Any

from kartoteka.analysis import Analysis, Factoid, Mention
from kartoteka.extract import coref, extractor
from kartoteka.extract.bodyref import document_body
from kartoteka.extract.context import ParseContext
from kartoteka.extract.dates import alternative_claim
from kartoteka.extract.extractor import factoid_id
from kartoteka.extract.lexicon import Lexicon, default_lexicon
from kartoteka.extract.lifespan import lifespan_candidates
from kartoteka.extract.rules import declare, on
from kartoteka.extract.state import Candidate, DocState, EntityInfo
from kartoteka.pipeline import Context, register
from kartoteka.resolve.keys import alias_key

DATE_RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}


def entity_info(conn: sqlite3.Connection | None, a: Analysis, cache: dict[str, Any]) -> EntityInfo:
    local = {e.id: (e.type, e.name, e.linked) for e in a.entities}
    known: dict[str, tuple[str, str, bool] | None] = cache.setdefault("extract_entities", {})
    names: dict[str, str | None] = cache.setdefault("extract_lookup", {})

    def row(eid: str) -> tuple[str, str, bool] | None:
        if eid in local:
            return local[eid]
        if eid not in known:
            r = None
            if conn is not None:
                try:
                    r = conn.execute("SELECT type, name, linked FROM entities WHERE id = ?", (eid,)).fetchone()
                except sqlite3.Error:
                    r = None
            known[eid] = (r[0], r[1], bool(r[2])) if r else None
        return known[eid]

    # the names this document itself uses for resolved entities ("Tomsy" -> Tomsky)
    surface: dict[str, Counter[str]] = {}
    for m in a.mentions:
        if m.entity_id:
            surface.setdefault(alias_key(m.text), Counter())[m.entity_id] += 1

    def lookup(name: str) -> str | None:
        key = alias_key(name)
        if key in surface:  # a curated (pack) entity first, then the most used
            return max(surface[key].items(), key=lambda kv: ((row(kv[0]) or ("", "", False))[2], kv[1]))[0]
        if key not in names:
            eid = None
            if conn is not None:
                try:
                    r = conn.execute(
                        "SELECT a.entity_id FROM aliases a JOIN entities e ON e.id = a.entity_id"
                        " WHERE a.key = ? ORDER BY e.linked DESC, a.kind = 'pack' DESC LIMIT 1", (key,)).fetchone()
                    eid = r[0] if r else None
                except sqlite3.Error:
                    eid = None
            if eid is None:
                for e in a.entities:
                    if alias_key(e.name) == key:
                        eid = e.id
                        break
            names[key] = eid
        return names[key]

    return EntityInfo(lambda eid: (row(eid) or (None, None, False))[0], lambda eid: (row(eid) or (None, None, False))[1],
                      lookup, lambda eid: bool((row(eid) or (None, None, False))[2]))


def extract(a: Analysis, conn: sqlite3.Connection | None = None, cache: dict[str, Any] | None = None,
            lex: Lexicon | None = None) -> list[Factoid]:
    """All factoids of an analysed document (its docs and mentions filled by the nlp stages)."""
    lex = lex or default_lexicon()
    info = entity_info(conn, a, cache if cache is not None else {})
    by_passage: dict[int, list[Mention]] = {}
    for m in a.mentions:
        if m.passage_seq is not None:
            by_passage.setdefault(m.passage_seq, []).append(m)
    state = DocState(text=a.text)  # dating asks whether a passage goes on with the paragraph before
    if on("document_topic"):
        state.topic = document_topic(a, info)
    state.body = document_body(a, info) if state.topic is None else None  # an article on a body
    segments = [s for s in a.segments if s.kind in ("editorial", "comment")]
    found: dict[tuple[str, str | None, int, int, bool, str | None], Factoid] = {}
    for i, p in enumerate(a.passages):
        doc = a.docs[i] if i < len(a.docs) else None
        if doc is None:
            continue
        segs = [s for s in segments if s.start < p.end and p.start < s.end]
        cx = ParseContext(lex, p, doc, by_passage.get(p.seq, []), info, state, segs)
        for c in [*extractor.run(cx), *lifespan_candidates(cx)]:  # lifespan: "X (1890-1941)", see lifespan.py
            if coref.branch_subject(cx, c.subject):
                continue  # "provincial commissions were set up": the branches', not the body's (coref.py)
            f = to_factoid(a, p, c)
            f.attrs.update({"date_alternative": alt} if (alt := alternative_claim(c.date)) else {})  # dates.py
            # a second office of one verb ("appointed A in 1934 and B in 1935") is its own event
            # and so is each number of happenings ("not 22 but 884 executions": counting.py)
            key = (f.type, f.subject_id, f.start, f.end, f.negated, f.roles.get("office") if f.attrs.get("own_event")
                   else f.value if f.attrs.get("rule") == "happening_count" else None)
            old = found.get(key)
            found[key] = f if old is None else merge(old, f)
    return sorted(found.values(), key=lambda f: (f.start, f.type))


# A biography names its subject at its very start and far more often than anyone else.
TOPIC_LEAD_CHARS = 300
TOPIC_DOMINANCE = 1.8
TOPIC_MIN_MENTIONS = 5

declare("document_topic", "coref",
        "in a biography (the person named at its start and far more often than anyone else), a "
        "subject pronoun that opens a paragraph, or that has no person of its own to go back to, "
        "is the biography's subject, not the last person the paragraph before named",
        [("Marcel Duroc was born in Lyon in 1840. Duroc became a printer. Duroc joined the Commune Council "
          "in 1871. Duroc wrote for Louis Varlin.\n\nHe was arrested in 1872.\n\nDuroc was tried in 1873.",
          [("arrest", "duroc", "1872"), ("!arrest", "varlin", None)]),
         ("Anna Volkova was born in Kazan in 1899. Volkova studied in Moscow. Volkova joined the Writers' Union "
          "in 1925. Volkova edited a journal with Gleb Morozov, whom the censors disliked.\n\nIn 1937 she was "
          "expelled from the Writers' Union.\n\nVolkova died in 1960.",
          [("expulsion", "volkova", "1937")]),
         ("Ivan Petrov was born in Perm in 1890. Petrov joined the Red Army in 1918. Petrov fought near Kharkov. "
          "Petrov served under Boris Orlov. Orlov praised Petrov.\n\nHe was promoted to commander in 1921.\n\n"
          "Petrov retired in 1930.", [("appointment", "petrov", "1921"), ("!appointment", "orlov", None)])])


def document_topic(a: Analysis, info: EntityInfo) -> Mention | None:
    """The person a document is about: named in its first lines (the surname among its opening
    words), with at least five mentions and nearly twice as many as anyone else; None where no
    one stands out so."""
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for m in a.mentions:
        if m.entity_id and info.type_of(m.entity_id) == "person":
            counts[m.entity_id] += 1
            if m.entity_id not in first or m.start < first[m.entity_id].start:
                first[m.entity_id] = m
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2)
    lead = min((p.start for p in a.passages), default=0) + TOPIC_LEAD_CHARS
    if n < TOPIC_MIN_MENTIONS or (rest and n < TOPIC_DOMINANCE * rest[0][1]) or first[top].start > lead:
        return None
    # and its surname opens the text (a biography's lead), not only a mention somewhere early
    surname = alias_key(info.name_of(top) or first[top].text).split()[-1:]
    opening = alias_key(a.text[:lead])
    return first[top] if surname and surname[0] in opening.split() else None


def to_factoid(a: Analysis, p: Any, c: Candidate) -> Factoid:
    start, end = p.to_stored(*c.sent_span)
    d = c.date
    f = Factoid(
        id=factoid_id(a.doc, start, end, c.type, c.subject.entity_id,
                      ("neg" if c.negated else "") + (str(c.roles.get("office")) if c.attrs.get("own_event") else "")
                      + (f"={c.value}" if c.attrs.get("rule") == "happening_count" else "")),
        type=c.type, subject_id=c.subject.entity_id, start=start, end=end, roles=c.roles,
        date_text=d.text if d else None, date_start=d.start if d else None, date_end=d.end if d else None,
        date_precision=d.precision if d else None, date_flag=d.flag if d else None, value=c.value,
        voice=c.voice, hedged=c.hedged, negated=c.negated, fiction=a.genre == "fiction",
        confidence=c.confidence * (0.5 if a.genre == "fiction" else 1.0), attrs=dict(c.attrs),
    )
    f.attrs["subject_text"] = c.subject.text
    if p.page:
        f.attrs["page"] = p.page
    return f


def merge(a: Factoid, b: Factoid) -> Factoid:
    """Two triggers in one sentence asserting the same event of the same subject: keep the better."""
    first, second = (a, b) if a.confidence >= b.confidence else (b, a)
    for k, v in second.roles.items():
        first.roles.setdefault(k, v)
    if _date_key(second) < _date_key(first):
        for attr in ("date_text", "date_start", "date_end", "date_precision", "date_flag"):
            setattr(first, attr, getattr(second, attr))
        first.attrs.pop("date_inferred", None)
        if second.attrs.get("date_inferred"):
            first.attrs["date_inferred"] = True
    first.negated = a.negated and b.negated
    first.hedged = a.hedged or b.hedged
    return first


def _date_key(f: Factoid) -> tuple[int, int]:
    if not f.date_start:
        return (2, 9)
    return (1 if f.attrs.get("date_inferred") else 0, DATE_RANK.get(f.date_precision or "", 9))


@register("extract")
def extract_stage(a: Analysis, ctx: Context) -> None:
    t0 = time.perf_counter()
    a.factoids = extract(a, ctx.conn, ctx.cache)
    timings = ctx.cache.setdefault("timings", {})
    timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - t0
