"""Conflicts: where the claims of one happening disagree in a way their precisions cannot
reconcile (date, place, agent, manner of death, office, a denial against an assertion), and where
two counts of one thing differ though neither is approximate."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kartoteka.compare.facts import Fact, is_noun_trigger, overlaps, rules
from kartoteka.compare.grouping import Claim, Group, claims_of, close_pairs, dates_disagree
from kartoteka.compare.offices import office_tokens


@dataclass
class Conflict:
    entity: str
    type: str
    field: str
    values: list[dict[str, Any]]
    kind: str = "sources"  # sources, self, reference
    group: str | None = None
    reference: dict[str, Any] | None = None
    facts: list[Fact] = field(default_factory=list)
    event: str | None = None  # the event it belongs to (compare.happenings.link_conflicts)

    @property
    def id(self) -> str:
        ids = sorted(i for v in self.values for i in v["factoids"])
        ref = str((self.reference or {}).get("value", "")) if self.kind == "reference" else ""
        key = "|".join([self.entity, self.type, self.field, ref, *ids])
        return "c" + hashlib.sha1(key.encode()).hexdigest()[:15]

    @property
    def docs(self) -> list[str]:
        return sorted({f.doc for f in self.facts})


@dataclass
class Entities:
    """What comparison needs of the entity table: names, types, pack data and place links."""

    names: dict[str, str]
    types: dict[str, str]
    data: dict[str, dict[str, Any]]
    related_places: dict[str, set[str]]

    def same_place(self, a: str, b: str) -> bool:
        """Whether two places can be the place of one happening: the same place, one a former or
        later name of the other, or of different kinds (a building in a city, a city in a
        country: the packs do not say which lies in which). Two cities are two places."""
        if a == b or b in self.related_places.get(a, set()) or a in self.related_places.get(b, set()):
            return True
        ka, kb = (self.data.get(x, {}).get("kind") for x in (a, b))
        return not ka or not kb or ka != kb


def value_entry(value: str, claims: Iterable[Claim]) -> dict[str, Any]:
    """One side of a conflict: the value, and each source that writes it down in its own words,
    with its voice and stance (a source that names the value to reject it ``disputes`` it)."""
    claims = list(claims)
    facts = [f for c in claims for f in c.facts]
    sources = []
    for c in claims:
        span = c.lead.span()
        span["voice"] = c.lead.voice
        span["stance"] = c.stance
        if c.lead.date_text and c.lead.date_start:
            span["said"] = c.lead.date_text
        sources.append(span)
    entry: dict[str, Any] = {"value": value, "factoids": [f.id for f in facts], "sources": sources,
                             "docs": sorted({c.doc for c in claims})}
    if any(c.hedged for c in claims):
        entry["hedged"] = True
    if any(c.stance == "disputes" for c in claims):
        entry["disputed_by"] = sorted({c.doc for c in claims if c.stance == "disputes"})
    return entry


def _kind(buckets: Iterable[list[Claim]]) -> str:
    """"self" where one voice of one document (its author, or one speaker it quotes) holds two of
    the disagreeing values, else "sources" (an editor's note correcting the speaker of a
    transcript is two sources in one document)."""
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for i, b in enumerate(buckets):
        for c in b:
            # A value the source names only to reject it is not the source's own.
            if c.stance == "disputes":
                continue
            j, start = seen.setdefault((c.doc, c.lead.voice), (i, c.lead.start))
            # One sentence in two buckets ("did not kill himself but was slain") says one thing.
            if j != i and start != c.lead.start:
                return "self"
    return "sources"


def _conflict(group: Group, ctype: str, fieldname: str, buckets: dict[str, list[Claim]]) -> Conflict:
    values = [value_entry(v, cs) for v, cs in buckets.items()]
    facts = [f for cs in buckets.values() for c in cs for f in c.facts]
    return Conflict(group.subject, ctype, fieldname, values, _kind(buckets.values()), group.id, facts=facts)


def _split(buckets: dict[str, list[Claim]], disagree: Callable[[Claim, Claim], bool]) -> dict[str, list[Claim]]:
    """The buckets that disagree with at least one other bucket, where at least one of the two is
    asserted (two values that every source naming them rejects are no disagreement)."""
    keys = list(buckets)
    held = [any(c.stance != "disputes" for c in buckets[k]) for k in keys]
    keep: set[int] = set()
    unkept = list(range(len(keys)))  # sorted
    for i in range(len(keys)):
        # A pair of buckets both already kept can add nothing: once a bucket is kept, only the
        # buckets not yet kept are tried against it (a subject's thousands of distinct dates in a
        # long document are not compared all with all when most of them disagree).
        later = range(i + 1, len(keys)) if i not in keep else unkept[bisect.bisect_right(unkept, i):]
        for j in later:
            if i in keep and j in keep:
                continue
            if (held[i] or held[j]) and disagree(buckets[keys[i]][0], buckets[keys[j]][0]):
                for k in (i, j):
                    if k not in keep:
                        keep.add(k)
                        del unkept[bisect.bisect_left(unkept, k)]
    return {k: buckets[k] for n, k in enumerate(keys) if n in keep}


def group_conflicts(group: Group, ents: Entities) -> list[Conflict]:
    out: list[Conflict] = []
    positive = [c for c in group.claims if not c.negated]
    negative = [c for c in group.claims if c.negated]
    ctype = _group_type(positive or group.claims)
    grounded = [c for c in positive if c.grounds]
    # A value its source disputes still stands for whoever it reports: it is a side of a conflict.
    disputing = [c for c in positive if c.stance == "disputes" and _grounds_but_stance(c)]

    dated: dict[str, list[Claim]] = defaultdict(list)
    for c in grounded + disputing:
        if c.date_ok():
            dated[c.lead.date_value() or ""].append(c)
    split = _split(dict(sorted(dated.items())), lambda a, b: dates_disagree(a.lead, b.lead))
    if len(split) >= 2:
        out.append(_conflict(group, ctype, "date", split))

    # A denial against an assertion: "X was not shot" against "X was executed". Only a verb
    # denies ("X's murder was not the work of those charged" denies something else), never
    # hedged ("had X not taken his own life"), and never a generic type ("X survived").
    skip = set(rules()["negation_skip_types"])
    denials: list[tuple[Claim, list[Claim]]] = []
    for neg in negative:
        t = neg.type
        if t in skip or neg.hedged or not neg.grounds or is_noun_trigger(str(neg.lead.attrs.get("trigger") or "")):
            continue
        denied = [c for c in grounded if c.type == t and not c.hedged and not dates_disagree(c.lead, neg.lead)]
        if denied:
            denials.append((neg, denied))

    folded: set[int] = set()
    if group.family in rules()["one_off"]:
        places: dict[str, list[Claim]] = defaultdict(list)
        for c in grounded:
            p = c.role("place")
            if isinstance(p, str) and ents.types.get(p) == "place" and not c.hedged:
                places[p].append(c)
        split = _split(places, lambda a, b: not ents.same_place(a.role("place"), b.role("place")))
        if len(split) >= 2:
            out.append(_conflict(group, ctype, "place", {ents.names.get(k, k): v for k, v in split.items()}))

        for pair in rules()["exclusive_manners"]:
            manners: dict[str, list[Claim]] = {t: [c for c in grounded if c.type == t and not c.hedged] for t in pair}
            if not all(manners.values()):
                continue
            # A denial of one manner in a sentence that asserts the other belongs here too.
            for i, (neg, _denied) in enumerate(denials):
                if neg.type in pair:
                    manners[f"not {neg.type}"] = [neg]
                    folded.add(i)
            out.append(_conflict(group, pair[0], "manner", manners))

    for i, (neg, denied) in enumerate(denials):
        if i not in folded:
            out.append(_conflict(group, neg.type, "negation", {neg.type: denied, f"not {neg.type}": [neg]}))

    out.extend(_agent_conflict(group, ctype, grounded, ents))
    return out


def _agent_conflict(group: Group, ctype: str, grounded: list[Claim], ents: Entities) -> list[Conflict]:
    """Two people named as the doer, neither hedged, neither only the one who ordered it."""
    agents: dict[str, list[Claim]] = defaultdict(list)
    for c in grounded:
        a = c.role("agent")
        if (isinstance(a, str) and ents.types.get(a) == "person" and not c.hedged and a != group.subject
                and not instigator(c.lead.quote, ents.names.get(a, ""))):
            agents[a].append(c)
    if len(agents) < 2:
        return []
    return [_conflict(group, ctype, "agent", {ents.names.get(k, k): v for k, v in agents.items()})]


def instigator(quote: str, agent_name: str) -> bool:
    """Whether the sentence names the agent as the one who ordered the deed ("X had Y shot", "on
    X's orders") rather than the doer: the surname next to an instigation word."""
    surname = agent_name.split()[-1].lower() if agent_name.split() else ""
    if not surname:
        return False
    r = rules()
    cues, aux = set(r["instigation_words"]), set(r["causative_auxiliaries"])
    window = int(r["instigation_window"])
    raw = re.findall(r"[\w'’-]+", quote)
    words = [w.lower().removesuffix("'s").removesuffix("’s") for w in raw]
    for i, w in enumerate(words):
        if w != surname:
            continue
        if cues & set(words[max(0, i - window):i] + words[i + 1:i + 1 + window]):
            return True
        if i + 2 < len(raw) and words[i + 1] in aux and (raw[i + 2][0].isupper() or words[i + 2] in _OBJECTS):
            return True
    return False


_OBJECTS = frozenset({"him", "her", "them", "it"})


def _grounds_but_stance(c: Claim) -> bool:
    f = c.facts[0]
    return f.asserted and f.subject_sure and not f.identity_doubt


def _group_type(claims: list[Claim]) -> str:
    prio = rules()["type_priority"]
    counts: dict[str, int] = defaultdict(int)
    for c in claims:
        counts[c.type] += 1
    return max(counts, key=lambda t: (counts[t], -(prio.index(t) if t in prio else len(prio))))


def office_conflicts(facts: list[Fact], ents: Entities) -> list[Conflict]:
    """One appointment told at one time to two ranks of one office ("deputy commissar" and
    "commissar" of the same body in the same month)."""
    ranks = frozenset(w[:5] for w in rules()["rank_words"])
    out = []
    claims = [c for c in claims_of([f for f in facts if f.type in ("appointment", "election") and f.subject])
              if not c.negated and c.grounds and c.date_ok() and c.lead.precision in ("day", "month") and c.role("office")
              and isinstance(c.role("organization"), str)]
    by_key: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        by_key[(c.facts[0].subject or "", c.role("organization"))].append(c)
    for (subject, _org), cs in by_key.items():
        # Only pairs whose dates may overlap (a sweep in date order, not all with all: a long
        # document's many appointments of one person), taken in the order all pairs were.
        for i, j in sorted(close_pairs(cs, 0)):
            a, b = cs[i], cs[j]
            la, lb = a.lead, b.lead
            assert la.date_start and la.date_end and lb.date_start and lb.date_end
            if not overlaps(la.date_start, la.date_end, lb.date_start, lb.date_end):
                continue
            ta, tb = office_tokens(a.role("office")), office_tokens(b.role("office"))
            if ta - ranks == tb - ranks and ta & ranks != tb & ranks:
                g = Group("", subject, "appointment", [a, b])
                out.append(_conflict(g, a.type, "office", {a.role("office"): [a], b.role("office"): [b]}))
    return out


def count_conflicts(groups: list[Group]) -> list[Conflict]:
    """Two counts of one thing at one time (compare.grouping.count_groups) that differ, neither
    approximate nor hedged, and close enough to be one number told two ways."""
    out = []
    for g in groups:
        buckets: dict[str, list[Claim]] = defaultdict(list)
        for c in g.claims:
            f = c.lead
            if c.negated or f.hedged or approximate(f) or not _grounds_but_stance(c):
                continue
            buckets[_num_text(f.value)].append(c)
        split = _split(dict(sorted(buckets.items())), _count_disagreement(g.claims))
        if len(split) >= 2:
            out.append(_conflict(g, "count", "value", split))
    return out


def _count_disagreement(claims: list[Claim]) -> Callable[[Claim, Claim], bool]:
    """Two counts disagree when they differ and are close enough to be one number told two ways,
    or when one sentence gives both, rejecting one for the other ("not 22 but 884"): the source
    itself says they count the same thing, however far apart."""
    ratio = float(rules()["max_value_ratio"])
    corrected: set[frozenset[str]] = set()
    by_sentence: dict[tuple[int, int], list[Claim]] = defaultdict(list)
    for c in claims:
        by_sentence[(c.lead.doc_id, c.lead.start)].append(c)
    for cs in by_sentence.values():
        for a in cs:
            for b in cs:
                if a.stance == "disputes" and b.stance == "asserts":
                    corrected.add(frozenset((_num_text(a.lead.value), _num_text(b.lead.value))))

    def disagree(a: Claim, b: Claim) -> bool:
        va, vb = _num(a.lead.value), _num(b.lead.value)
        if va is None or vb is None or va == vb:
            return False
        if frozenset((_num_text(a.lead.value), _num_text(b.lead.value))) in corrected:
            return True
        return max(va, vb) / max(min(va, vb), 1e-9) <= ratio

    return disagree


def dates_overlap(a: Fact, b: Fact) -> bool:
    assert a.date_start and a.date_end and b.date_start and b.date_end
    if "partial" in (a.date_use, b.date_use) and a.year != b.year:
        return False
    return overlaps(a.date_start, a.date_end, b.date_start, b.date_end)


def approximate(f: Fact) -> bool:
    """Whether the count's number is given as approximate ("some 1,100", "about fifteen")."""
    number = str(f.attrs.get("number_text") or f.value or "")
    low = f.quote.lower()
    i = low.find(number.lower())
    if i < 0:
        return False
    before = " " + " ".join(low[max(0, i - 40):i].split())
    return any(before.endswith(" " + w) for w in rules()["approximate_words"])


def _num(v: str | None) -> float | None:
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def _num_text(v: str | None) -> str:
    n = _num(v)
    if n is None:
        return str(v)
    return str(int(n)) if n.is_integer() else str(n)
