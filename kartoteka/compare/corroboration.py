"""Corroboration: which other sources agree with a factoid about the same happening, and which
only repeat its words (a quotation is no independent witness)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from kartoteka.compare.conflicts import Entities
from kartoteka.compare.facts import rules
from kartoteka.compare.grouping import Claim, Group, dates_disagree
from kartoteka.compare.witnesses import Witnesses


def corroboration(groups: list[Group], witnesses: dict[str, Witnesses], ents: Entities) -> dict[str, dict[str, Any]]:
    """For each factoid: its group, and the other sources whose claims of the same happening
    agree with it (dates compatible at their precision, places compatible, same polarity), counted
    as independent witnesses (compare.witnesses): a source that repeats another's words, or
    reports the same speaker, agrees but is not independent and is listed under ``repeated_by``.
    A source that names the value only to dispute it never corroborates."""
    info: dict[str, dict[str, Any]] = {}
    for g in groups:
        wit = witnesses[g.id]
        blocks = _doc_blocks(g.claims)
        for c in g.claims:
            own = wit.root(c.lead.id)
            by: dict[str, str] = {}
            roots: set[str] = set()
            repeated: dict[str, str] = {}
            for o in ([] if c.stance == "disputes" else _other_docs(g.claims, c.doc, blocks)):
                if o.doc == c.doc or o.doc in by or o.stance == "disputes" or not claims_agree(c, o, ents):
                    continue
                root = wit.root(o.lead.id)
                if root == own or root in roots:
                    repeated.setdefault(o.doc, o.lead.id)
                else:
                    by[o.doc] = o.lead.id
                    roots.add(root)
                    repeated.pop(o.doc, None)
            for f in c.facts:
                info[f.id] = {"group": g.id, "group_size": len(g.claims), "corroboration": len(by),
                              "corroborated_by": [{"doc": d, "factoid": fid} for d, fid in sorted(by.items())]}
                if repeated:
                    info[f.id]["repeated_by"] = [{"doc": d, "factoid": fid} for d, fid in sorted(repeated.items())]
                if c.stance != "asserts":
                    info[f.id]["stance"] = c.stance
    return info


def _doc_blocks(claims: list[Claim]) -> dict[str, tuple[int, int]] | None:
    """Each document's [first, last + 1) index among a group's claims where every document's
    claims stand together (build_groups sorts them by document), else None."""
    blocks: dict[str, tuple[int, int]] = {}
    for i, c in enumerate(claims):
        lo, hi = blocks.get(c.doc, (i, i))
        if hi != i:
            return None
        blocks[c.doc] = (lo, i + 1)
    return blocks


def _other_docs(claims: list[Claim], doc: str, blocks: dict[str, tuple[int, int]] | None) -> Iterable[Claim]:
    """The claims of other documents, in their order: a group of a long document's thousands of
    claims about one person is not walked all with all only to skip its own document's."""
    if blocks is None:
        return claims
    lo, hi = blocks[doc]
    return chain(claims[:lo], claims[hi:])


def claims_agree(a: Claim, b: Claim, ents: Entities) -> bool:
    if a.negated != b.negated or dates_disagree(a.lead, b.lead):
        return False
    if a.lead.type == "count" and b.lead.type == "count" and _number(a.lead.value) != _number(b.lead.value):
        return False
    pa, pb = a.role("place"), b.role("place")
    if isinstance(pa, str) and isinstance(pb, str) and not ents.same_place(pa, pb):
        return False
    return all({a.type, b.type} != set(pair) for pair in rules()["exclusive_manners"])


def _number(v: str | None) -> str:
    return str(v or "").replace(",", "").strip()
