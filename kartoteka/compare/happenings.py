"""Events: one record per happening, built from the groups of claims (compare.grouping). An
event has a canonical description, its date as the sources support it (agreeing sources narrow
it; where they disagree it takes the side most independent witnesses hold, and a conflict says
so), and every factoid that tells it, with voice, stance and the witness it counts as."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from kartoteka.compare.conflicts import Conflict
from kartoteka.compare.facts import Fact, iso_at, rules
from kartoteka.compare.grouping import Claim, Group
from kartoteka.compare.witnesses import Witnesses


@dataclass
class Member:
    fact: Fact
    stance: str
    witness: str
    independent: bool  # the first factoid of its witness in this event: the one that counts


@dataclass
class Event:
    id: str
    type: str
    family: str
    subject: str
    label: str
    members: list[Member]
    date: dict[str, Any] | None = None
    conflict: str | None = None
    sources: int = 0  # documents that tell it
    independent: int = 0  # independent witnesses that assert it
    extra: dict[str, Any] = field(default_factory=dict)


def build_events(groups: list[Group], names: dict[str, str], witnesses: dict[str, Witnesses]) -> list[Event]:
    out = []
    for g in groups:
        facts = [f for c in g.claims for f in c.facts]
        wit = witnesses[g.id]
        members, seen = [], set()
        for c in g.claims:
            for f in c.facts:
                root = wit.root(f.id)
                first = c.stance == "asserts" and root not in seen and f is c.lead
                if first:
                    seen.add(root)
                members.append(Member(f, c.stance, root, first))
        ev = Event("e" + g.id[1:], _event_type(g), g.family, g.subject, "", members,
                   sources=len({f.doc for f in facts}), independent=len(seen))
        ev.date = event_date(g.claims, wit)
        ev.label = describe(ev, g, names)
        out.append(ev)
    return out


def _event_type(g: Group) -> str:
    prio = rules()["type_priority"]
    counts = Counter(c.type for c in g.claims if c.stance != "disputes") or Counter(c.type for c in g.claims)
    # "Died" is what every manner of death has in common: a source that says how names the event.
    if len(counts) > 1:
        counts.pop(g.family, None)
    return max(counts, key=lambda t: (counts[t], -(prio.index(t) if t in prio else len(prio)), t))


def event_date(claims: list[Claim], wit: Witnesses) -> dict[str, Any] | None:
    """The date the sources support: the intersection of the asserted dates where they overlap
    (1937 and June 1937 make June 1937); where they do not, the date most independent witnesses
    assert, marked ``disputed``. Dates inferred from context count only where none is stated."""
    held = [c for c in claims if c.stance != "disputes" and not c.negated]
    firm = [c.lead for c in held if c.date_ok()]
    # Failing a stated date, one the extractor carried over from the sentences before; never a
    # date the sentence gives to something else ("on the anniversary of X's death, 21 January").
    facts = firm or [c.lead for c in held if c.lead.dated and c.lead.attrs.get("date_inferred")]
    if not facts:
        return None
    lo = max(f.date_start or "" for f in facts)
    hi = min(f.date_end or f.date_start or "" for f in facts)
    if lo <= hi:
        out = _date(lo, hi, facts)
    else:
        support: dict[str, set[str]] = defaultdict(set)
        by_value: dict[str, Fact] = {}
        own: set[str] = set()  # values a document gives in its own voice, not one it reports
        for f in facts:
            v = f.date_value() or ""
            support[v].add(wit.root(f.id))
            by_value.setdefault(v, f)
            if f.voice in rules()["independence"]["document_voices"]:
                own.add(v)
        best = max(support, key=lambda v: (len(support[v]), v in own, -_width(by_value[v]), v))
        f = by_value[best]
        out = _date(f.date_start or "", f.date_end or f.date_start or "", [f])
        out["disputed"] = True
    if not firm:
        out["inferred"] = True
    return out


def _width(f: Fact) -> int:
    from kartoteka.compare.facts import gap_days

    return gap_days(f.date_start or "", f.date_start or "", f.date_end or "", f.date_end or "")


def _date(lo: str, hi: str, facts: list[Fact]) -> dict[str, Any]:
    """An interval as a contract Date, its precision the coarsest that names it exactly."""
    if lo == hi:
        precision = "day"
    elif lo[:7] == hi[:7] and lo.endswith("-01"):
        precision = "month"
    elif lo[:4] == hi[:4]:
        precision = "season" if any(f.precision == "season" for f in facts) and lo[5:] != "01-01" else "year"
    else:
        precision = "decade" if any(f.precision == "decade" for f in facts) else "year"
    return {"text": iso_at(lo, hi, precision), "start": lo, "end": hi, "precision": precision}


def describe(ev: Event, g: Group, names: dict[str, str]) -> str:
    """A canonical one-line description: "execution of Mikhail Tukhachevsky (Moscow), 1937-06-12"."""
    who = names.get(g.subject, g.subject)
    if g.family == "count":
        lead = g.claims[0].lead
        what = str(lead.attrs.get("what") or "count")
        values = sorted({str(c.lead.value) for c in g.claims if c.stance != "disputes"})
        text = f"{what} of {who}: {' / '.join(values)}"
    else:
        text = f"{ev.type} of {who}"
        extras = []
        for role in ("office", "organization", "place", "agent"):
            v = _common_role(g.claims, role)
            if v:
                name = _short(v) if role == "office" else names.get(v, v)
                extras.append(f"by {name}" if role == "agent" else str(name))
        if extras:
            text += " (" + ", ".join(dict.fromkeys(extras)) + ")"
    if ev.date:
        text += f", {ev.date['text']}"
    return text


def _common_role(claims: list[Claim], role: str) -> str | None:
    """The value of a role the claims give, where none gives a rival; an agent only where two
    claims name the same one (a lone "by X" is a claim, not the event's description)."""
    vals = Counter(v for c in claims if isinstance(v := c.role(role), str))
    if not vals or (len(vals) > 1 and role != "office"):
        return None
    value, n = vals.most_common(1)[0]
    return None if role == "agent" and n < 2 else value


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def link_conflicts(events: list[Event], conflicts: list[Conflict]) -> None:
    """Each conflict belongs to the event most of its factoids tell; the event names its
    top-ranked conflict, and each conflict side counts the independent witnesses that hold it
    (``support``) and those that name it only to reject it."""
    event_of: dict[str, Event] = {}
    member_of: dict[str, Member] = {}
    for ev in events:
        for m in ev.members:
            event_of[m.fact.id] = ev
            member_of[m.fact.id] = m
    for c in conflicts:
        votes = Counter(event_of[f.id].id for f in c.facts if f.id in event_of)
        if votes:
            c.event = votes.most_common(1)[0][0]
        for v in c.values:
            ms = [member_of[i] for i in v["factoids"] if i in member_of]
            v["support"] = len({m.witness for m in ms if m.stance != "disputes"})
            against = {m.witness for m in ms if m.stance == "disputes"}
            if against:
                v["rejected_by"] = len(against)
    by_id = {ev.id: ev for ev in events}
    for c in sorted(conflicts, key=conflict_rank, reverse=True):
        ev = by_id.get(c.event or "")
        if ev is not None and ev.conflict is None:
            ev.conflict = c.id


def conflict_rank(c: Conflict) -> tuple[int, int, int]:
    """How many independent witnesses take each side: the second-strongest side first (a dispute
    with two well-held sides outranks one lone dissent), then the strongest, then all."""
    sides = sorted((int(v.get("support", 0)) for v in c.values), reverse=True) + [0, 0]
    return sides[1], sides[0], sum(sides)
