"""Reference checks: a factoid against the well-established dates of its subject's pack entry
(born, died, founded, the dated events of a life, office terms, an event's dates). A factoid that
contradicts its entry is flagged "contradicts reference", citing the entry."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kartoteka.compare.conflicts import Conflict, Entities, value_entry
from kartoteka.compare.facts import Fact, family_of, gap_days, interval_of, overlaps, rules
from kartoteka.compare.grouping import Claim, Group, claims_of
from kartoteka.compare.offices import office_matches_reference


@dataclass
class RefCheck:
    fact: Fact
    field: str  # date or manner
    agrees: bool
    value: str  # the reference value ("1937-06-12", "suicide")
    entry: dict[str, Any]  # pack, entity, name, field (died, events, offices, ...), and what else it says
    misprint: bool = False


def check_all(facts: list[Fact], ents: Entities) -> list[RefCheck]:
    """The reference checks of every factoid: one per claim and field (a sentence's "execution"
    and "death" of one man are checked once, as the execution)."""
    prio = rules()["type_priority"]
    best: dict[tuple[Any, ...], tuple[int, RefCheck]] = {}
    for f in facts:
        if not f.subject or f.negated or not f.asserted or f.identity_doubt or f.subject not in ents.data:
            continue
        rank = prio.index(f.type) if f.type in prio else len(prio)
        for c in check(f, ents):
            # A factoid whose subject came through a pronoun may agree with the pack, not contradict it.
            if not (c.agrees or f.grounds):
                continue
            key = (f.doc_id, f.start, f.end, f.subject, family_of(f.type), c.field)
            if key not in best or rank < best[key][0]:
                best[key] = (rank, c)
    return [c for _, c in best.values()]


def may_check(data: dict[str, Any]) -> bool:
    """Whether an entry holds anything ``check`` compares with (a dated field, events, offices, a
    manner of death, an event's own dates): a subject without one has no reference checks."""
    fields = set(rules()["reference"]["dates"].values()) | {"events", "offices", "death", "date", "from"}
    return any(data.get(k) for k in fields)


def check(f: Fact, ents: Entities) -> list[RefCheck]:
    data = ents.data[f.subject or ""]
    ref = rules()["reference"]
    base = {"pack": (f.subject or "").split(":", 1)[0], "entity": f.subject, "name": ents.names.get(f.subject or "")}
    out: list[RefCheck] = []
    if f.date_use in ("firm", "partial"):
        field_name = ref["dates"].get(f.type)
        own = [e for e in data.get("events") or [] if e.get("type") == f.type and e.get("date")]
        if family_of(f.type) == "death" and f.type != "death" and own:
            # The pack's own event of this type ("killing" on the 20th) before the date of death (the 21st).
            r1 = _compare_events(f, own, True, 0)
            if r1 is not None:
                ev, agrees, misprint = r1
                entry = {**base, "field": "events", "value": ev["date"], "type": f.type}
                entry.update({k: ev[k] for k in ("place", "note") if k in ev})
                out.append(RefCheck(f, "date", agrees, ev["date"], entry, misprint))
        elif field_name and isinstance(data.get(field_name), str):
            value = data[field_name]
            r = _compare_one(f, value)
            if r is not None:
                out.append(RefCheck(f, "date", r[0], value, {**base, "field": field_name, "value": value}, r[1]))
        elif f.type in ref["events"] and family_of(f.type) != "death":
            events = [e for e in data.get("events") or [] if e.get("type") == f.type and e.get("date")]
            r2 = _compare_events(f, events, f.type in rules()["one_off"], int(ref.get("event_window_days", 120)))
            if r2 is not None:
                ev, agrees, misprint = r2
                entry = {**base, "field": "events", "value": ev["date"], "type": f.type}
                entry.update({k: ev[k] for k in ("place", "note") if k in ev})
                out.append(RefCheck(f, "date", agrees, ev["date"], entry, misprint))
        elif f.type in ref["offices"]:
            r3 = _compare_offices(f, data.get("offices") or [], ref["offices"][f.type], ents,
                                  int(ref["office_window_days"]))
            if r3 is not None:
                off, agrees, misprint = r3
                end = ref["offices"][f.type]
                entry = {**base, "field": f"offices.{end}", "value": off[end], "office": off.get("office")}
                if off.get("organization"):
                    entry["organization"] = off["organization"]
                out.append(RefCheck(f, "date", agrees, off[end], entry, misprint))
        if ents.types.get(f.subject or "") == "event" and not out:
            r4 = _compare_event_entity(f, data)
            if r4 is not None:
                out.append(RefCheck(f, "date", r4[0], r4[1], {**base, "field": "date", "value": r4[1]}))
    manner = data.get("death")
    if isinstance(manner, str) and f.type in ref["manners"].get(manner, []) and not f.hedged:
        out.append(RefCheck(f, "manner", False, manner, {**base, "field": "death", "value": manner}))
    elif isinstance(manner, str) and f.type == manner and not f.hedged:
        out.append(RefCheck(f, "manner", True, manner, {**base, "field": "death", "value": manner}))
    return out


def _usable_against(f: Fact, lo: str, hi: str) -> bool:
    """A date whose year came from context says nothing about a reference of another year."""
    return not (f.date_use == "partial" and not (lo[:4] <= (f.year or "") <= hi[:4]))


def _compare_one(f: Fact, value: str) -> tuple[bool, bool] | None:
    lo, hi = interval_of(value)
    if not _usable_against(f, lo, hi):
        return None
    assert f.date_start and f.date_end
    if overlaps(f.date_start, f.date_end, lo, hi):
        return True, False
    return False, _misprint(f, lo, hi)


def _compare_events(f: Fact, events: list[dict[str, Any]], one_off: bool,
                    window: int) -> tuple[dict[str, Any], bool, bool] | None:
    return _closest(f, events, "date", window, one_off)


def _closest(f: Fact, entries: list[dict[str, Any]], key: str, window: int,
             one_off: bool = False) -> tuple[dict[str, Any], bool, bool] | None:
    """The reference entry (dated by ``entry[key]``) the factoid speaks of: one its date falls in
    (agrees), else the nearest, which it contradicts when the type happens once, when it is within
    ``window`` days, or when it differs from the only entry by a misprint."""
    assert f.date_start and f.date_end
    best: tuple[int, dict[str, Any]] | None = None
    for entry in entries:
        lo, hi = interval_of(str(entry[key]))
        if not _usable_against(f, lo, hi):
            continue
        if overlaps(f.date_start, f.date_end, lo, hi):
            return entry, True, False
        gap = gap_days(f.date_start, f.date_end, lo, hi)
        if best is None or gap < best[0]:
            best = (gap, entry)
    if best is None:
        return None
    gap, entry = best
    lo, hi = interval_of(str(entry[key]))
    misprint = len(entries) == 1 and _misprint(f, lo, hi)
    if one_off or gap <= window or misprint:
        return entry, False, misprint
    return None


def _compare_offices(f: Fact, offices: list[dict[str, Any]], end: str, ents: Entities,
                     window: int) -> tuple[dict[str, Any], bool, bool] | None:
    office = f.roles.get("office")
    if not isinstance(office, str):
        return None
    org = f.roles.get("organization") if isinstance(f.roles.get("organization"), str) else None
    pack = (f.subject or "").split(":", 1)[0]
    matching = []
    for off in offices:
        if not off.get(end) or not off.get("office"):
            continue
        ref_org = f"{pack}:{off['organization']}" if off.get("organization") else None
        if office_matches_reference(office, org, off["office"], ref_org, ents.names):
            matching.append(off)
    if not matching:
        return None
    return _closest(f, matching, end, window)


def _compare_event_entity(f: Fact, data: dict[str, Any]) -> tuple[bool, str] | None:
    lo_v = data.get("date") or data.get("from")
    hi_v = data.get("date") or data.get("to") or lo_v
    if not isinstance(lo_v, str) or not isinstance(hi_v, str):
        return None
    lo, hi = interval_of(lo_v)[0], interval_of(hi_v)[1]
    if not _usable_against(f, lo, hi):
        return None
    assert f.date_start and f.date_end
    value = lo_v if lo_v == hi_v else f"{lo_v}/{hi_v}"
    return overlaps(f.date_start, f.date_end, lo, hi), value


def _misprint(f: Fact, lo: str, hi: str) -> bool:
    """The factoid's year differs from the reference's in one digit, and with the reference's year
    its date would agree: the shape of a misprint or misreading ("1927" for "1937")."""
    if f.date_use != "firm" or not f.date_start or not f.date_end or lo[:4] != hi[:4]:
        return False
    fy, ry = f.date_start[:4], lo[:4]
    # One digit, and not the last: "1927" for "1937" is a misreading, "1939" for "1938" may be a
    # different year meant.
    if f.date_end[:4] != fy or sum(a != b for a, b in zip(fy, ry, strict=True)) != 1 or fy[3] != ry[3]:
        return False
    return overlaps(ry + f.date_start[4:], ry + f.date_end[4:], lo, hi)


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
