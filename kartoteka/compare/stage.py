"""The compare finisher: after every ingest run, recompute for the whole KB the groups of
factoids about one happening, their corroboration, the conflicts, the reference checks, fiction,
and the source profiles. Derived tables are rewritten as a whole, in one transaction."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter, defaultdict
from typing import Any

from kartoteka.compare.conflicts import Conflict, Entities, count_conflicts, group_conflicts, office_conflicts
from kartoteka.compare.corroboration import corroboration
from kartoteka.compare.disputes import stance_of
from kartoteka.compare.facts import Fact, FactReader, fact_subjects, load_subject_facts, rules
from kartoteka.compare.genre import genre_of
from kartoteka.compare.grouping import Group, build_groups, count_groups
from kartoteka.compare.happenings import Event, build_events, conflict_rank, link_conflicts
from kartoteka.compare.identity import confirm_pronoun_subjects, mark_identity_doubt, place_names
from kartoteka.compare.profile import DocTally, document_profile
from kartoteka.compare.reference import RefCheck, check_all, may_check, reference_conflicts
from kartoteka.compare.witnesses import Witnesses, document_authors, shingles
from kartoteka.pipeline import Context, register_finisher
from kartoteka.store.db import transaction


@register_finisher("compare")
def compare_finisher(ctx: Context) -> None:
    recompute(ctx.conn)


def load_entities(conn: sqlite3.Connection) -> Entities:
    names, types, data = {}, {}, {}
    for r in conn.execute("SELECT id, name, type, data FROM entities"):
        names[r[0]], types[r[0]] = r[1], r[2]
        if r[3] and r[3] != "{}":
            data[r[0]] = json.loads(r[3])
    related: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute("SELECT src_id, dst_id FROM relations WHERE type IN ('part_of', 'renamed_to', 'succeeded_by')"):
        related[r[0]].add(r[1])
        related[r[1]].add(r[0])
    for eid, d in data.items():
        if types.get(eid) != "place":
            continue
        prefix = eid.split(":", 1)[0] + ":"
        for k in ("predecessor", "successor", "part_of", "parent"):
            for v in d.get(k) if isinstance(d.get(k), list) else [d.get(k)]:
                if isinstance(v, str):
                    related[eid].add(prefix + v)
                    related[prefix + v].add(eid)
    # A place inside a place inside a place: Lubyanka, Moscow, USSR.
    for eid in list(related):
        seen, todo = set(related[eid]), list(related[eid])
        while todo and len(seen) < 50:
            for nxt in related.get(todo.pop(), set()):
                if nxt not in seen and nxt != eid:
                    seen.add(nxt)
                    todo.append(nxt)
        related[eid] = seen
    return Entities(names, types, data, dict(related))


def recompute(conn: sqlite3.Connection) -> dict[str, Any]:
    """Recompute everything this stage derives, for the whole KB; returns a summary. Every
    comparison is within one subject (groups, conflicts, events, corroboration and reference
    checks are all of one entity's factoids), so the KB is read a subject at a time and each
    subject's rows are written before the next is read: memory follows the largest subject, not
    the KB. Two passes: the first counts each document's reference checks (a document contradicting
    the packs is fiction, and fiction decides which factoids the second pass compares); the second
    compares and writes. All derived rows are replaced in one transaction."""
    t0 = time.perf_counter()
    docs = {r["id"]: dict(r) for r in conn.execute("SELECT id, doc, genre, meta, sha256, profile FROM documents")}
    ents = load_entities(conn)
    reader = FactReader(conn)
    subjects = fact_subjects(conn)
    places = place_names(ents)
    text_genre = {i: _text_genre(d) for i, d in docs.items()}
    counts = _reference_counts(conn, reader, subjects, ents, places)
    fiction = {i: _fiction(text_genre[i], *counts.get(i, (0, 0))) for i in docs}
    ids_of: dict[str, list[int]] = defaultdict(list)
    for i, d in docs.items():
        ids_of[d["doc"]].append(i)
    tallies: dict[int, DocTally] = defaultdict(DocTally)
    totals: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    authors = document_authors(docs)
    with transaction(conn):
        for table in ("factoid_groups", "conflicts", "event_factoids", "events"):
            conn.execute(f"DELETE FROM {table}")
        for subject in subjects:
            facts = _annotated(conn, reader, subject, ents, places)
            for f in facts:
                f.fiction = fiction[f.doc_id]["fiction"]
            conflicts, info, checks = _compare_subject(conn, facts, ents, authors, totals)
            _tally(tallies, ids_of, facts, info, checks, conflicts)
            kinds.update(c.kind for c in conflicts)
        reader.texts.clear()
        for i, d in docs.items():
            p = document_profile(conn, d, text_genre[i], fiction[i], tallies.pop(i, DocTally()))
            conn.execute("UPDATE documents SET genre = ?, profile = ? WHERE id = ?",
                         (p["genre"], json.dumps(p, ensure_ascii=False), i))
            conn.execute("UPDATE factoids SET fiction = ? WHERE doc_id = ? AND fiction != ?",
                         (int(fiction[i]["fiction"]), i, int(fiction[i]["fiction"])))
    return {"documents": len(docs), "factoids": totals["factoids"], "groups": totals["groups"],
            "events": totals["events"], "conflicts": totals["conflicts"], "by_kind": dict(kinds),
            "reference_checked": totals["reference_checked"],
            "reference_contradictions": totals["reference_contradictions"],
            "seconds": round(time.perf_counter() - t0, 3)}


def _annotated(conn: sqlite3.Connection, reader: FactReader, subject: str | None, ents: Entities,
               places: set[str]) -> list[Fact]:
    """One subject's facts with what comparison judges of each alone: identity doubt, a pronoun
    subject confirmed, stance."""
    facts = load_subject_facts(conn, subject, reader)
    mark_identity_doubt(facts, ents, places)
    confirm_pronoun_subjects(conn, facts, ents)
    for f in facts:
        f.stance = stance_of(f)
    return facts


def _reference_counts(conn: sqlite3.Connection, reader: FactReader, subjects: list[str | None], ents: Entities,
                      places: set[str]) -> dict[int, tuple[int, int]]:
    """Per document: its dated reference checks, and how many contradict the pack (not a misprint).
    Only the facts of an entity with reference data are checked (check_all), so only those subjects are read."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for subject in subjects:
        if subject is None or not may_check(ents.data.get(subject, {})):
            continue
        for c in check_all(_annotated(conn, reader, subject, ents, places), ents):
            if c.field == "date":
                out[c.fact.doc_id][0] += 1
                out[c.fact.doc_id][1] += not c.agrees and not c.misprint
    return {i: (n, k) for i, (n, k) in out.items()}


def _compare_subject(conn: sqlite3.Connection, facts: list[Fact], ents: Entities, authors: dict[str, str],
                     totals: Counter[str]) -> tuple[list[Conflict], dict[str, dict[str, Any]], list[RefCheck]]:
    """Compare one subject's facts and write its rows; returns its conflicts (in the stage's
    order), the details per factoid and the reference checks, for the document profiles."""
    checks = check_all(facts, ents)
    # Fiction never corroborates and never conflicts with history: it makes no events.
    real = [f for f in facts if not f.fiction]
    real_checks = [c for c in checks if not c.fact.fiction]
    groups, counted, witnesses, conflicts, events = _happenings(real, real_checks, ents, authors)
    info = corroboration(groups + counted, witnesses, ents)
    for c in conflicts:
        cid = c.id  # hashed from every factoid id of the conflict: once, not once per factoid
        for f in c.facts:
            info.setdefault(f.id, {}).setdefault("conflicts", []).append(cid)
    for c in checks:
        entry = {"agrees": c.agrees, "field": c.field, "value": c.value, "entry": c.entry}
        if c.misprint:
            entry["misprint"] = True
        info.setdefault(c.fact.id, {}).setdefault("reference", []).append(entry)
    _write(conn, facts, info, conflicts)
    _write_events(conn, events)
    totals.update(factoids=len(facts), groups=len(groups), events=len(events), conflicts=len(conflicts),
                  reference_checked=len(real_checks),
                  reference_contradictions=sum(1 for c in real_checks if not c.agrees))
    return conflicts, info, checks


def _tally(tallies: dict[int, DocTally], ids_of: dict[str, list[int]], facts: list[Fact],
           info: dict[str, dict[str, Any]], checks: list[RefCheck], conflicts: list[Conflict]) -> None:
    """Add one subject's facts, checks and conflicts to the profiles' counts of their documents."""
    by_doc: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        by_doc[f.doc_id].append(f)
    for i, fs in by_doc.items():
        tallies[i].add_facts(fs, info)
    checks_by_doc: dict[int, list[RefCheck]] = defaultdict(list)
    for c in checks:
        checks_by_doc[c.fact.doc_id].append(c)
    for i, cs in checks_by_doc.items():
        tallies[i].add_checks(cs)
    for c in conflicts:
        for doc in c.docs:
            for i in ids_of[doc]:
                tallies[i].add_conflict(c)


def _happenings(real: list[Fact], real_checks: list[RefCheck], ents: Entities, authors: dict[str, str]) -> tuple[
        list[Group], list[Group], dict[str, Witnesses], list[Conflict], list[Event]]:
    """The groups of claims about one happening (counts apart), the witnesses behind each, the
    conflicts found in them and against the pack, and the events they make."""
    groups = build_groups([f for f in real if f.type != "count"], ents.names)
    counted = count_groups(real, ents.types)
    witnesses = {g.id: Witnesses([f for c in g.claims for f in c.facts], authors) for g in groups + counted}
    shingles.cache_clear()  # the quotes' word runs are needed no more: not kept to the end of the run
    conflicts: list[Conflict] = []
    for g in groups:
        conflicts.extend(group_conflicts(g, ents))
    conflicts.extend(office_conflicts(real, ents))
    conflicts.extend(count_conflicts(counted))
    conflicts.extend(reference_conflicts(real_checks, conflicts, groups))
    conflicts = _dedupe(conflicts)
    events = build_events(groups + counted, ents.names, witnesses)
    link_conflicts(events, conflicts)
    return groups, counted, witnesses, conflicts, events


def _counts(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for x in items:
        out[x] += 1
    return dict(out)


def _text_genre(d: dict[str, Any]) -> str | None:
    meta = json.loads(d["meta"] or "{}")
    feats = meta.get("genre_features")
    return genre_of(feats) if isinstance(feats, dict) and feats else d["genre"]


def _fiction(genre: str | None, checked: int, contra: int) -> dict[str, Any]:
    """Fiction by the text's features, or by the reference check: a document whose dated claims
    contradict the pack more often than not invents its history (``checked`` dated checks,
    ``contra`` of them contradicting; a misprinted year is a transcriber's slip, not invention,
    and does not count)."""
    out: dict[str, Any] = {"fiction": genre == "fiction", "by": "text" if genre == "fiction" else None,
                           "reference_checked": checked, "reference_contradictions": contra}
    cfg = rules()["fiction"]
    if (genre != "fiction" and checked >= cfg["min_checked"] and contra >= cfg["min_contradictions"]
            and contra / checked >= cfg["min_share"]):
        out.update(fiction=True, by="reference")
    return out


def _dedupe(conflicts: list[Conflict]) -> list[Conflict]:
    seen: dict[str, Conflict] = {}
    for c in conflicts:
        seen.setdefault(c.id, c)
    return sorted(seen.values(), key=lambda c: (c.entity, c.type, c.field, c.id))


def _write(conn: sqlite3.Connection, facts: list[Fact], info: dict[str, dict[str, Any]],
           conflicts: list[Conflict]) -> None:
    # Rows are handed to the database as they are made (generators, not lists).
    conn.executemany(
        "INSERT INTO factoid_groups (factoid_id, group_id, corroboration, info) VALUES (?,?,?,?)",
        ((f.id, info.get(f.id, {}).get("group", ""), info.get(f.id, {}).get("corroboration", 0),
          json.dumps(info.get(f.id, {}), ensure_ascii=False)) for f in _stored(facts)))
    conn.executemany(
        "INSERT INTO conflicts (id, entity_id, type, field, kind, data, docs, event_id, rank) VALUES (?,?,?,?,?,?,?,?,?)",
        ((c.id, c.entity, c.type, c.field, c.kind, json.dumps(_data(c), ensure_ascii=False), json.dumps(c.docs),
          c.event, _rank_value(c)) for c in conflicts))


def _stored(facts: list[Fact]) -> list[Fact]:
    """One fact per stored row: the row's own claim, not the second claim of its bracketed
    alternative (facts.alternative_fact), which shares its id."""
    seen: set[str] = set()
    return [f for f in facts if not (f.id in seen or seen.add(f.id))]


def _rank_value(c: Conflict) -> int:
    """conflict_rank as one sortable number (sides of up to 999 witnesses)."""
    second, first, total = conflict_rank(c)
    return (min(second, 999) * 1000 + min(first, 999)) * 1000 + min(total, 999)


def _write_events(conn: sqlite3.Connection, events: list[Event]) -> None:
    conn.executemany(
        "INSERT INTO events (id, type, family, subject_id, label, date_text, date_start, date_end, date_precision,"
        " date_disputed, sources, independent, conflict_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((e.id, e.type, e.family, e.subject, e.label, (e.date or {}).get("text"), (e.date or {}).get("start"),
          (e.date or {}).get("end"), (e.date or {}).get("precision"), int(bool((e.date or {}).get("disputed"))),
          e.sources, e.independent, e.conflict) for e in events))
    conn.executemany(
        # a bracketed alternative is a second claim of its stored row (facts.alternative_fact):
        # the row joins its event once, as the main claim
        "INSERT OR IGNORE INTO event_factoids (event_id, factoid_id, voice, stance, witness, independent)"
        " VALUES (?,?,?,?,?,?)",
        ((e.id, m.fact.id, m.fact.voice, m.stance, m.witness, int(m.independent)) for e in events for m in e.members))


def _data(c: Conflict) -> dict[str, Any]:
    out: dict[str, Any] = {"values": c.values}
    if c.group:
        out["group"] = c.group
    if c.reference:
        out["reference"] = c.reference
    return out
