"""Grouping factoids that speak of the same happening, across sources and within one.

A *claim* is one sentence's assertion of a happening: the extractor may give a sentence two
factoids ("was shot" is an execution and a death), which count once. A *group* is every claim
about one happening of one subject: for a one-off happening (a death, a founding) all its claims;
for one that recurs (an arrest, an appointment) the claims whose identity roles agree and whose
dates lie close together (compare.yaml: ``recurring``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kartoteka.compare.facts import PRECISION_RANK, Fact, family_of, gap_days, overlaps, rules, two_calendars
from kartoteka.compare.offices import same_office

_USE_RANK = {"firm": 0, "partial": 1, "weak": 2, "none": 3}


@dataclass
class Claim:
    facts: list[Fact]

    @property
    def lead(self) -> Fact:
        """The fact whose date and type speak for the claim: the best dated, most specific."""
        prio = rules()["type_priority"]
        return min(self.facts, key=lambda f: (_USE_RANK[f.date_use], PRECISION_RANK.get(f.precision or "", 9),
                                              prio.index(f.type) if f.type in prio else len(prio)))

    @property
    def ids(self) -> list[str]:
        return [f.id for f in self.facts]

    @property
    def doc(self) -> str:
        return self.facts[0].doc

    @property
    def type(self) -> str:
        prio = rules()["type_priority"]
        types = {f.type for f in self.facts}
        return next((t for t in prio if t in types), self.lead.type)

    @property
    def negated(self) -> bool:
        return self.facts[0].negated

    @property
    def hedged(self) -> bool:
        return any(f.hedged for f in self.facts)

    @property
    def stance(self) -> str:
        return self.facts[0].stance

    def role(self, name: str) -> Any:
        for f in self.facts:
            if f.roles.get(name):
                return f.roles[name]
        return None

    def date_ok(self) -> bool:
        """Dated firmly enough to disagree with another date."""
        return self.lead.date_use in ("firm", "partial")

    @property
    def grounds(self) -> bool:
        """Whether this claim may ground a conflict (Fact.grounds)."""
        return self.facts[0].grounds


@dataclass
class Group:
    id: str
    subject: str
    family: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def docs(self) -> set[str]:
        return {c.doc for c in self.claims}


def claims_of(facts: list[Fact]) -> list[Claim]:
    """One claim per sentence, subject, family, polarity, voice and stance; a sentence that gives
    two dates for one happening ("the 12th (the 16th according to X)") holds one claim per date."""
    by_key: dict[tuple[Any, ...], list[Fact]] = defaultdict(list)
    for f in facts:
        by_key[(f.doc_id, f.start, f.end, f.subject, family_of(f.type), f.negated, f.voice, f.stance)].append(f)
    out: list[Claim] = []
    for fs in by_key.values():
        dates = sorted({f.date_start for f in fs if f.date_use in ("firm", "partial")}, key=str)
        if len(dates) < 2:
            out.append(Claim(fs))
            continue
        parts: dict[str, list[Fact]] = {d: [] for d in dates if d}
        for f in fs:
            parts[f.date_start if f.date_use in ("firm", "partial") and f.date_start else dates[0] or ""].append(f)
        out.extend(Claim(p) for p in parts.values() if p)
    return out


def dates_disagree(a: Fact, b: Fact) -> bool:
    """Two dates their precisions cannot reconcile ("1937" and "12 June 1937" agree). A date whose
    year came from context is compared only with a date of the same year."""
    if a.date_use not in ("firm", "partial") or b.date_use not in ("firm", "partial"):
        return False
    if "partial" in (a.date_use, b.date_use) and a.year != b.year:
        return False
    assert a.date_start and a.date_end and b.date_start and b.date_end
    gap = gap_days(a.date_start, a.date_end, b.date_start, b.date_end)
    return gap > _slack(a.type, b.type) and not two_calendars(a, b)


def _slack(a: str, b: str) -> int:
    slack = rules().get("date_slack_days", {})
    return int(slack.get(a, {}).get(b, 0) or slack.get(b, {}).get(a, 0))


def dates_agree(a: Fact, b: Fact) -> bool:
    if not (a.dated and b.dated):
        return False
    if "partial" in (a.date_use, b.date_use) and a.year != b.year:
        return False
    assert a.date_start and a.date_end and b.date_start and b.date_end
    return overlaps(a.date_start, a.date_end, b.date_start, b.date_end)


def build_groups(facts: list[Fact], names: dict[str, str]) -> list[Group]:
    """The groups of every asserted fact with a subject (fiction left out by the caller). A claim
    whose subject is in doubt (a pronoun not confirmed as the person last named, a name filed
    under the wrong entity) is a group of its own: it may be about someone else's happening."""
    by_subject: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    alone: list[Claim] = []
    for c in claims_of([f for f in facts if f.subject and f.asserted]):
        f = c.facts[0]
        if f.subject_sure and not f.identity_doubt:
            by_subject[(f.subject or "", f.family)].append(c)
        else:
            alone.append(c)
    groups: list[Group] = []
    one_off = set(rules()["one_off"])
    keyed = [((c.facts[0].subject or "", c.facts[0].family), [c]) for c in alone]
    for (subject, family), claims in sorted(by_subject.items()) + keyed:
        parts = [claims] if family in one_off or len(claims) == 1 else _cluster(claims, family, names)
        for part in parts:
            part.sort(key=lambda c: (c.doc, c.facts[0].start))
            gid = "g" + hashlib.sha1("|".join([subject, family, *sorted(c.ids[0] for c in part)]).encode()).hexdigest()[:15]
            groups.append(Group(gid, subject, family, part))
    return groups


def _cluster(claims: list[Claim], family: str, names: dict[str, str]) -> list[list[Claim]]:
    """Claims of a recurring happening, linked when their identity agrees and dates are close;
    an undated claim joins the one cluster it fits, if only one fits."""
    spec = rules()["recurring"].get(family, {"window_days": 0, "identity": []})
    dated = [c for c in claims if c.date_ok()]
    rest = [c for c in claims if not c.date_ok()]
    parent = list(range(len(dated)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in close_pairs(dated, int(spec["window_days"])):
        a, b = dated[i], dated[j]
        if not _identity_agrees(a, b, spec, names, required=True):
            continue
        la, lb = a.lead, b.lead
        if "partial" in (la.date_use, lb.date_use) and la.year != lb.year:
            continue
        assert la.date_start and la.date_end and lb.date_start and lb.date_end
        if gap_days(la.date_start, la.date_end, lb.date_start, lb.date_end) <= spec["window_days"]:
            parent[find(i)] = find(j)
    clusters: dict[int, list[Claim]] = defaultdict(list)
    for i, c in enumerate(dated):
        clusters[find(i)].append(c)
    base = _attach_unidentified(list(clusters.values()), spec, names)
    singles: list[list[Claim]] = []
    for c in rest:
        only = base[0] if len(base) == 1 else None
        if only is not None and not _placeable(c, only, spec, names):
            only = None
        if only is not None and all(_identity_agrees(c, o, spec, names, required=False) for o in only) and all(
                not c.lead.dated or dates_agree(c.lead, o.lead) for o in only):
            only.append(c)
        else:
            singles.append([c])
    return base + singles


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def close_pairs(dated: list[Claim], window: int) -> Iterator[tuple[int, int]]:
    """The pairs (i, j), i < j, of claims whose lead dates may lie within ``window`` days: a sweep
    in date order that stops, for each claim, at the first later-starting claim already too far
    from its end, so a subject's thousands of claims are not compared all with all (a long
    document about a few people). Exactly the pairs the window admits: a later start is never
    closer. Dates not all in ISO day form, or an interval ending before it starts, are compared
    all with all, as before."""
    leads = [c.lead for c in dated]
    if not all(_ISO_DAY.match(f.date_start or "") and _ISO_DAY.match(f.date_end or "")
               and (f.date_start or "") <= (f.date_end or "") for f in leads):
        yield from ((i, j) for i in range(len(dated)) for j in range(i + 1, len(dated)))
        return
    order = sorted(range(len(dated)), key=lambda k: (leads[k].date_start, k))
    for n, i in enumerate(order):
        end = leads[i].date_end
        for j in order[n + 1:]:
            start = leads[j].date_start
            assert end and start
            if start > end and gap_days(end, end, start, start) > window:
                break
            yield (i, j) if i < j else (j, i)


def _placeable(c: Claim, cluster: list[Claim], spec: dict[str, Any], names: dict[str, str]) -> bool:
    """Whether an undated claim of a recurring happening can be told to be the cluster's: it
    shares a role that tells such happenings apart (the same office, the same people met), or
    it stands in the same document as the cluster's own telling (the narrative has one such
    happening in view). Another document's undated "X was tried" may be another trial. Where the
    family is ``undated_alone`` (meetings), shared roles never suffice: only the same document."""
    if spec.get("undated_alone"):
        return any(o.doc == c.doc for o in cluster)
    if any(_identity_agrees(c, o, spec, names, required=True) and spec.get("needs") for o in cluster):
        return True
    if spec.get("needs"):
        return False
    return any(o.doc == c.doc for o in cluster)


def _attach_unidentified(parts: list[list[Claim]], spec: dict[str, Any], names: dict[str, str]) -> list[list[Claim]]:
    """A dated claim that lacks the roles its type needs but names the other party ("Beria replaced
    Yezhov in December 1938": no office, but a predecessor) joins the one cluster that has them
    and lies within ``attach_days`` of it: the same happening told by whom it displaced. A claim
    with neither ("his appointment at the end of February") stays on its own: a man may be given
    two posts in two months."""
    needs = spec.get("needs") or []
    if not needs:
        return parts
    window = int(spec.get("attach_days", rules()["attach_days"]))

    def identified(part: list[Claim]) -> bool:
        return any(c.role(r) is not None for c in part for r in needs)

    keep = [p for p in parts if identified(p)]
    out = list(keep)
    for part in parts:
        if identified(part):
            continue
        fits: list[list[Claim]] = []
        if all(c.role("other") and PRECISION_RANK.get(c.lead.precision or "", 9) <= 1 for c in part):
            fits = [k for k in keep if all(_identity_agrees(c, o, spec, names, required=False) and _near(c, o, window)
                                           for c in part for o in k)]
        if len(fits) == 1:
            fits[0].extend(part)
        else:
            out.append(part)
    return out


def _near(a: Claim, b: Claim, window: int) -> bool:
    la, lb = a.lead, b.lead
    if "partial" in (la.date_use, lb.date_use) and la.year != lb.year:
        return False
    assert la.date_start and la.date_end and lb.date_start and lb.date_end
    return gap_days(la.date_start, la.date_end, lb.date_start, lb.date_end) <= window


def _identity_agrees(a: Claim, b: Claim, spec: dict[str, Any], names: dict[str, str], *, required: bool) -> bool:
    """No identity role given on both differs; with ``required``, one of ``needs`` is given on both."""
    shared = False
    for role in spec.get("identity", []):
        va, vb = a.role(role), b.role(role)
        if va is None or vb is None:
            continue
        if role == "office":
            same = same_office(va, a.role("organization"), vb, b.role("organization"), names)
            if same is False:
                return False
            if same and role in spec.get("needs", []):
                shared = True
            continue
        sa = set(va) if isinstance(va, list) else {va}
        sb = set(vb) if isinstance(vb, list) else {vb}
        if role == "other":
            if not sa & sb:
                return False
        elif sa != sb:
            return False
        if role in spec.get("needs", []):
            shared = True
    return shared or not (required and spec.get("needs"))


def count_groups(facts: list[Fact], types: dict[str, str]) -> list[Group]:
    """Counts of one thing at one time: same subject, same counted noun, and dates that overlap;
    an undated count joins the others only where its subject fixes the time itself (a war's
    casualties: compare.yaml ``count_timeless_subjects``)."""
    timeless = set(rules()["count_timeless_subjects"])
    by_key: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims_of([f for f in facts if f.type == "count" and f.subject and f.value is not None
                        and f.attrs.get("what") and f.asserted]):
        by_key[(c.facts[0].subject or "", str(c.lead.attrs["what"]).lower())].append(c)
    groups: list[Group] = []
    for (subject, what), claims in sorted(by_key.items()):
        parts = [claims] if types.get(subject) in timeless else _count_clusters(claims)
        for part in parts:
            gid = "g" + hashlib.sha1("|".join([subject, "count", what, *sorted(c.ids[0] for c in part)]).encode()).hexdigest()[:15]
            groups.append(Group(gid, subject, "count", part))
    return groups


def _undated_parts(claims: list[Claim]) -> list[list[Claim]]:
    """Undated counts stand alone (nothing says they count at one time), except those of one
    sentence that rejects one for another ("not 22 but 884"): the source says they are one."""
    by_sentence: dict[tuple[int, int], list[Claim]] = defaultdict(list)
    for c in claims:
        by_sentence[(c.lead.doc_id, c.lead.start)].append(c)
    parts: list[list[Claim]] = []
    for cs in by_sentence.values():
        stances = {c.stance for c in cs}
        parts.extend([cs] if {"disputes", "asserts"} <= stances else [[c] for c in cs])
    return parts


def _count_clusters(claims: list[Claim]) -> list[list[Claim]]:
    dated = [c for c in claims if c.date_ok()]
    parts: list[list[Claim]] = _undated_parts([c for c in claims if not c.date_ok()])
    clusters: list[list[Claim]] = []
    for c in sorted(dated, key=lambda c: c.lead.date_start or ""):
        home = next((k for k in clusters if all(dates_agree(c.lead, o.lead) for o in k)), None)
        if home is None:
            clusters.append([c])
        else:
            home.append(c)
    return clusters + parts
