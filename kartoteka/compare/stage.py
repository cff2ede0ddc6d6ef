"""The compare finisher: after every ingest run, recompute for the whole KB the groups of
factoids about one happening, their corroboration, the conflicts, the reference checks, fiction,
and the source profiles. Derived tables are rewritten as a whole, in one transaction."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections import defaultdict
from functools import lru_cache
from typing import Any

from kartoteka.compare.conflicts import (
    Conflict,
    Entities,
    count_conflicts,
    group_conflicts,
    office_conflicts,
    value_entry,
)
from kartoteka.compare.facts import Fact, load_facts, rules
from kartoteka.compare.genre import genre_of
from kartoteka.compare.grouping import Claim, Group, build_groups, claims_of, dates_disagree
from kartoteka.compare.identity import confirm_pronoun_subjects, mark_identity_doubt
from kartoteka.compare.profile import factoid_summary, hedge_rate, ocr_noise, voice_layers
from kartoteka.compare.reference import RefCheck, check_all
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
    """Recompute everything this stage derives, for the whole KB; returns a summary."""
    t0 = time.perf_counter()
    docs = {r["id"]: dict(r) for r in conn.execute("SELECT id, doc, genre, meta, text, sha256, profile FROM documents")}
    facts = load_facts(conn)
    ents = load_entities(conn)
    mark_identity_doubt(facts, ents)
    confirm_pronoun_subjects(conn, facts, ents)
    checks = check_all(facts, ents)

    text_genre = {i: _text_genre(d) for i, d in docs.items()}
    by_doc: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        by_doc[f.doc_id].append(f)
    checks_by_doc: dict[int, list[RefCheck]] = defaultdict(list)
    for c in checks:
        checks_by_doc[c.fact.doc_id].append(c)
    fiction = {i: _fiction(text_genre[i], checks_by_doc.get(i, [])) for i in docs}
    for f in facts:
        f.fiction = fiction[f.doc_id]["fiction"]
    real = [f for f in facts if not f.fiction]

    groups = build_groups([f for f in real if f.type != "count"], ents.names)
    conflicts: list[Conflict] = []
    for g in groups:
        conflicts.extend(group_conflicts(g, ents))
    conflicts.extend(office_conflicts(real, ents))
    conflicts.extend(count_conflicts(real))
    real_checks = [c for c in checks if not c.fact.fiction]
    conflicts.extend(reference_conflicts(real_checks, conflicts, groups))
    conflicts = _dedupe(conflicts)

    info = corroboration(groups, real, ents)
    for c in conflicts:
        for f in c.facts:
            info.setdefault(f.id, {}).setdefault("conflicts", []).append(c.id)
    for c in checks:
        entry = {"agrees": c.agrees, "field": c.field, "value": c.value, "entry": c.entry}
        if c.misprint:
            entry["misprint"] = True
        info.setdefault(c.fact.id, {}).setdefault("reference", []).append(entry)

    profiles = {}
    for i, d in docs.items():
        profiles[i] = profile(conn, d, text_genre[i], fiction[i], by_doc.get(i, []), checks_by_doc.get(i, []),
                              conflicts, info)
    _write(conn, docs, facts, fiction, profiles, groups, info, conflicts)
    return {"documents": len(docs), "factoids": len(facts), "groups": len(groups),
            "conflicts": len(conflicts), "by_kind": _counts(c.kind for c in conflicts),
            "reference_checked": len(real_checks),
            "reference_contradictions": sum(1 for c in real_checks if not c.agrees),
            "seconds": round(time.perf_counter() - t0, 3)}


def _counts(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for x in items:
        out[x] += 1
    return dict(out)


def _text_genre(d: dict[str, Any]) -> str | None:
    meta = json.loads(d["meta"] or "{}")
    feats = meta.get("genre_features")
    return genre_of(feats) if isinstance(feats, dict) and feats else d["genre"]


def _fiction(genre: str | None, checks: list[RefCheck]) -> dict[str, Any]:
    """Fiction by the text's features, or by the reference check: a document whose dated claims
    contradict the pack more often than not invents its history (a misprinted year is a
    transcriber's slip, not invention, and does not count)."""
    dated = [c for c in checks if c.field == "date"]
    contra = sum(1 for c in dated if not c.agrees and not c.misprint)
    out: dict[str, Any] = {"fiction": genre == "fiction", "by": "text" if genre == "fiction" else None,
                           "reference_checked": len(dated), "reference_contradictions": contra}
    cfg = rules()["fiction"]
    if (genre != "fiction" and len(dated) >= cfg["min_checked"] and contra >= cfg["min_contradictions"]
            and contra / len(dated) >= cfg["min_share"]):
        out.update(fiction=True, by="reference")
    return out


def corroboration(groups: list[Group], real: list[Fact], ents: Entities) -> dict[str, dict[str, Any]]:
    """For each factoid: its group, and the other sources whose claims of the same happening
    agree with it (dates compatible at their precision, places compatible, same polarity). A
    source that repeats another's words (a quotation) agrees, but is not independent: it is
    listed under ``repeated_by``, not counted."""
    info: dict[str, dict[str, Any]] = {}
    for g in groups:
        for c in g.claims:
            by: dict[str, str] = {}
            repeated: dict[str, str] = {}
            for o in g.claims:
                if o.doc == c.doc or o.doc in by or not claims_agree(c, o, ents):
                    continue
                if repeats(c, o):
                    repeated.setdefault(o.doc, o.lead.id)
                else:
                    by[o.doc] = o.lead.id
                    repeated.pop(o.doc, None)
            for f in c.facts:
                info[f.id] = {"group": g.id, "group_size": len(g.claims), "corroboration": len(by),
                              "corroborated_by": [{"doc": d, "factoid": fid} for d, fid in sorted(by.items())]}
                if repeated:
                    info[f.id]["repeated_by"] = [{"doc": d, "factoid": fid} for d, fid in sorted(repeated.items())]
    counts: dict[tuple[Any, ...], list[Fact]] = defaultdict(list)
    for f in real:
        if f.type == "count" and f.subject and f.value is not None:
            counts[(f.subject, str(f.attrs.get("what") or "").lower(), f.value, f.negated)].append(f)
    for fs in counts.values():
        for f in fs:
            by = {o.doc: o.id for o in fs if o.doc != f.doc}
            info[f.id] = {"group": "", "group_size": len(fs), "corroboration": len(by),
                          "corroborated_by": [{"doc": d, "factoid": fid} for d, fid in sorted(by.items())]}
    return info


REPEAT_WORDS = 7


def repeats(a: Claim, b: Claim) -> bool:
    """Whether two claims share a run of words long enough to be one quoting the other."""
    sa, sb = _shingles(a.lead.quote), _shingles(b.lead.quote)
    return bool(sa & sb) if sa and sb else a.lead.quote == b.lead.quote


@lru_cache(maxsize=20000)
def _shingles(quote: str) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", quote.lower())
    return frozenset(tuple(words[i:i + REPEAT_WORDS]) for i in range(len(words) - REPEAT_WORDS + 1))


def claims_agree(a: Claim, b: Claim, ents: Entities) -> bool:
    if a.negated != b.negated or dates_disagree(a.lead, b.lead):
        return False
    pa, pb = a.role("place"), b.role("place")
    if isinstance(pa, str) and isinstance(pb, str) and not ents.same_place(pa, pb):
        return False
    return all({a.type, b.type} != set(pair) for pair in rules()["exclusive_manners"])


def reference_conflicts(checks: list[RefCheck], conflicts: list[Conflict], groups: list[Group]) -> list[Conflict]:
    """Attach each contradicted reference to the claim conflict it bears on, or make it a
    conflict of its own: the contradicting claims against the pack entry (and whoever agrees)."""
    group_of: dict[str, Group] = {}
    for g in groups:
        for c in g.claims:
            for f in c.facts:
                group_of[f.id] = g
    by_entry: dict[tuple[Any, ...], list[RefCheck]] = defaultdict(list)
    for c in checks:
        key = (c.fact.subject, c.field, json.dumps(c.entry, sort_keys=True))
        by_entry[key].append(c)
    out: list[Conflict] = []
    for (subject, fieldname, _), cs in by_entry.items():
        entry = cs[0].entry
        contra = [c for c in cs if not c.agrees]
        if not contra:
            continue
        agree = [c for c in cs if c.agrees]
        contra_ids = {c.fact.id for c in contra}
        host = next((k for k in conflicts if k.field == fieldname and k.kind != "reference"
                     and contra_ids & {f.id for f in k.facts}), None)
        if host is not None:
            host.reference = _ref_block(entry, cs)
            agree_ids = {c.fact.id for c in agree}
            for v in host.values:
                if agree_ids & set(v["factoids"]):
                    v["reference"] = True
            continue
        buckets: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims_of([c.fact for c in contra]):
            key = claim.lead.date_value() if fieldname == "date" else claim.type
            buckets[key or "?"].append(claim)
        agreeing = claims_of([c.fact for c in agree])
        for value, claims in buckets.items():
            fs = [f for cl in claims for f in cl.facts]
            ctype = claims[0].type if fieldname == "date" else "death"
            ref_entry = value_entry(str(entry["value"]), agreeing)
            ref_entry["reference"] = True
            home = group_of.get(fs[0].id)
            conflict = Conflict(subject or "", ctype, fieldname, [value_entry(value, claims), ref_entry],
                                "reference", home.id if home else None,
                                _ref_block(entry, [c for c in contra if c.fact in fs] + agree),
                                facts=fs + [f for cl in agreeing for f in cl.facts])
            out.append(conflict)
    return out


def _ref_block(entry: dict[str, Any], checks: list[RefCheck]) -> dict[str, Any]:
    block = dict(entry)
    if any(c.misprint for c in checks if not c.agrees):
        block["misprint"] = True
    return block


def _dedupe(conflicts: list[Conflict]) -> list[Conflict]:
    seen: dict[str, Conflict] = {}
    for c in conflicts:
        seen.setdefault(c.id, c)
    return sorted(seen.values(), key=lambda c: (c.entity, c.type, c.field, c.id))


def profile(conn: sqlite3.Connection, d: dict[str, Any], text_genre: str | None, fiction: dict[str, Any],
            facts: list[Fact], checks: list[RefCheck], conflicts: list[Conflict],
            info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from kartoteka.extract.lexicon import default_lexicon

    lex = default_lexicon()
    passages = [(r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT layer, start, end, body FROM passages WHERE doc_id = ? ORDER BY seq", (d["id"],))]
    boiler = conn.execute("SELECT COALESCE(SUM(end - start), 0) FROM segments WHERE doc_id = ? AND kind = 'boilerplate'",
                          (d["id"],)).fetchone()[0]
    mine = [c for c in conflicts if d["doc"] in c.docs]
    real_names = conn.execute(
        "SELECT COUNT(DISTINCT m.entity_id) FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.doc_id = ? AND e.linked = 1", (d["id"],)).fetchone()[0]
    dated = [c for c in checks if c.field == "date"]
    meta = json.loads(d["meta"] or "{}")
    stats = _text_stats(d, lex)
    out: dict[str, Any] = {
        "genre": "fiction" if fiction["fiction"] else text_genre,
        "genre_from_text": text_genre,
        "fiction": {**fiction, "pack_entities_named": int(real_names)},
        "layers": voice_layers(len(d["text"]), passages, int(boiler), lex.inline_layers),
        "ocr_noise": stats["ocr_noise"],
        "hedge_words_per_1000": stats["hedge_words_per_1000"],
        **factoid_summary(facts, info),
        "conflicts": {"total": len(mine), "self": sum(1 for c in mine if c.kind == "self"),
                      "with_sources": sum(1 for c in mine if c.kind == "sources"),
                      "with_reference": sum(1 for c in mine if c.kind == "reference" or c.reference),
                      "ids": [c.id for c in mine][:50]},
        "reference": {"checked": len(dated), "agree": sum(1 for c in dated if c.agrees),
                      "contradict": sum(1 for c in dated if not c.agrees),
                      "manner_contradictions": sum(1 for c in checks if c.field == "manner" and not c.agrees)},
    }
    if meta.get("genre_features"):
        out["genre_features"] = meta["genre_features"]
    out["text_stats"] = stats["key"]
    return out


TEXT_STATS_VERSION = 1


def _text_stats(d: dict[str, Any], lex: Any) -> dict[str, Any]:
    """OCR noise and hedging of the text: they depend on the text alone, so a profile computed for
    the same text (same sha256, same rules) is reused rather than rescanned."""
    key = {"sha256": d["sha256"], "version": TEXT_STATS_VERSION,
           "rules": hashlib.sha1(json.dumps([rules()["ocr_noise"], sorted(lex.hedge_words), list(lex.hedge_phrases)],
                                            sort_keys=True).encode()).hexdigest()[:12]}
    old = json.loads(d.get("profile") or "{}")
    if old.get("text_stats") == key and "ocr_noise" in old:
        return {"key": key, "ocr_noise": old["ocr_noise"], "hedge_words_per_1000": old["hedge_words_per_1000"]}
    return {"key": key, "ocr_noise": ocr_noise(d["text"]),
            "hedge_words_per_1000": hedge_rate(d["text"], lex.hedge_words, lex.hedge_phrases)}


def _write(conn: sqlite3.Connection, docs: dict[int, dict[str, Any]], facts: list[Fact],
           fiction: dict[int, dict[str, Any]], profiles: dict[int, dict[str, Any]], groups: list[Group],
           info: dict[str, dict[str, Any]], conflicts: list[Conflict]) -> None:
    with transaction(conn):
        for i, p in profiles.items():
            conn.execute("UPDATE documents SET genre = ?, profile = ? WHERE id = ?",
                         (p["genre"], json.dumps(p, ensure_ascii=False), i))
        for i, fx in fiction.items():
            conn.execute("UPDATE factoids SET fiction = ? WHERE doc_id = ? AND fiction != ?",
                         (int(fx["fiction"]), i, int(fx["fiction"])))
        conn.execute("DELETE FROM factoid_groups")
        conn.executemany(
            "INSERT INTO factoid_groups (factoid_id, group_id, corroboration, info) VALUES (?,?,?,?)",
            [(f.id, info.get(f.id, {}).get("group", ""), info.get(f.id, {}).get("corroboration", 0),
              json.dumps(info.get(f.id, {}), ensure_ascii=False)) for f in facts])
        conn.execute("DELETE FROM conflicts")
        conn.executemany(
            "INSERT INTO conflicts (id, entity_id, type, field, kind, data, docs) VALUES (?,?,?,?,?,?,?)",
            [(c.id, c.entity, c.type, c.field, c.kind, json.dumps(_data(c), ensure_ascii=False), json.dumps(c.docs))
             for c in conflicts])


def _data(c: Conflict) -> dict[str, Any]:
    out: dict[str, Any] = {"values": c.values}
    if c.group:
        out["group"] = c.group
    if c.reference:
        out["reference"] = c.reference
    return out
