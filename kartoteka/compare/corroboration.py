"""Corroboration: which other sources agree with a factoid about the same happening, and which
only repeat its words (a quotation is no independent witness)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

from kartoteka.compare.conflicts import Entities
from kartoteka.compare.facts import Fact, rules
from kartoteka.compare.grouping import Claim, Group, dates_disagree


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
