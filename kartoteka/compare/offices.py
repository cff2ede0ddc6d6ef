"""Telling offices apart: "Kirov's vacant post as a Central Committee secretary" and "Secretary of
the Central Committee" are one office; "deputy commissar" and "commissar" are two."""

from __future__ import annotations

import re
from functools import cache

from kartoteka.compare.facts import rules

_TOKEN = re.compile(r"[a-z]+")
_STEM = 5  # "secretary" and "secretariat", "defence" and "defense" share their first letters


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(w.replace("'s", "") for w in rules()["office_stopwords"])


def office_tokens(text: str | None, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """The telling words of an office phrase, cut to their stems."""
    if not text:
        return frozenset()
    low = text.lower().replace("’", "'").replace("'s", "")
    stop = _stopwords()
    return frozenset(t[:_STEM] for t in _TOKEN.findall(low) if t not in stop and len(t) > 1) - ignore


def _heads() -> frozenset[str]:
    return frozenset(w[:_STEM] for w in rules()["head_words"])


def _ranks() -> frozenset[str]:
    return frozenset(w[:_STEM] for w in rules()["rank_words"])


def same_office(a: str | None, a_org: str | None, b: str | None, b_org: str | None,
                names: dict[str, str] | None = None) -> bool | None:
    """Whether two office phrases (with the organizations they belong to) name one office: True,
    False, or None where there is too little to tell."""
    names = names or {}
    ta, tb = office_tokens(a), office_tokens(b)
    if not ta or not tb:
        return None
    if a_org and b_org and a_org != b_org:
        # Different bodies may still be one office ("CC secretary" filed under the Secretariat
        # or under the Central Committee): the words decide, with the bodies' names as words.
        ta = ta | office_tokens(names.get(a_org))
        tb = tb | office_tokens(names.get(b_org))
    ranks = _ranks()
    if (ta & ranks) != (tb & ranks):
        return False
    if ta <= tb or tb <= ta:
        return True
    heads = _heads()
    # "head of the NKVD" and "commissar of internal affairs" of the same body: its top post.
    if a_org and a_org == b_org and (ta - ranks) & heads and (tb - ranks) & heads and not (ta | tb) & ranks:
        return True
    inter = len(ta & tb)
    return inter / len(ta | tb) >= 0.6


def office_matches_reference(office: str | None, org: str | None, ref_office: str, ref_org: str | None,
                             names: dict[str, str]) -> bool:
    """Whether a factoid's office is the pack office ``ref_office``: every telling word of the pack's
    office is in the factoid's office or its organization's name, or the factoid names the head of
    the pack office's organization."""
    tf = office_tokens(office) | office_tokens(names.get(org or ""))
    tr = office_tokens(ref_office)
    if not tf or not tr:
        return False
    ranks = _ranks()
    if (office_tokens(office) & ranks) != (tr & ranks):
        return False
    if tr <= tf:
        return True
    heads = _heads()
    own = office_tokens(office) - office_tokens(names.get(org or ""))
    return bool(org and ref_org and org == ref_org and own and own <= heads | ranks and not tr & ranks)
