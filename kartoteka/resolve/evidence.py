"""Evidence in the text around a person mention that rules a known person out.

Two kinds: an occupation written before the name or as its title ("the historian X", "Admiral
X") that the pack person's roles and description do not bear out; and a year the text ties to
the name as its author's ("X (1995)", "X, 2004") that falls after the pack person's death.
The occupations and the words that bear each out are data (``data/names.yaml``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kartoteka.resolve.names import name_data

BEFORE = 48   # characters before a mention searched for an occupation
AFTER = 12    # characters after a mention searched for a citation year
_YEAR_AFTER = re.compile(r"^(?:'s)?\s*[(,]\s*(?:[A-Za-z.]+\s+)?(1[5-9]\d\d|20\d\d)\b")


@lru_cache(maxsize=1)
def _descriptor_re() -> re.Pattern[str]:
    words = sorted(name_data().descriptors, key=len, reverse=True)
    # "the historian", "Russian poet", "a Soviet physicist and", right before the name
    return re.compile(rf"\b({'|'.join(map(re.escape, words))})\s*,?\s*$", re.IGNORECASE)


def descriptor_before(text_before: str) -> str | None:
    hit = _descriptor_re().search(text_before[-BEFORE:])
    return hit.group(1).lower() if hit else None


def citation_year(text_after: str) -> int | None:
    hit = _YEAR_AFTER.match(text_after[:AFTER + 8])
    return int(hit.group(1)) if hit else None


def _year(value: Any) -> int | None:
    m = re.match(r"\d{4}", str(value or ""))
    return int(m.group(0)) if m else None


def ruled_out(roles: set[str], data: dict[str, Any], occupations: list[str], year: int | None) -> str | None:
    """Why a pack person (``roles``, ``data``: born/died/description) cannot be the one meant,
    or None. ``occupations``: descriptors and titles the text gives; ``year``: a citation year."""
    nd = name_data()
    bearer = " ".join([*roles, str(data.get("description") or "")]).lower().replace("_", " ")
    for occ in occupations:
        words = nd.descriptors.get(occ)
        if words and not any(w in bearer for w in words):
            return f"descriptor '{occ}' not borne out"
    died = _year(data.get("died"))
    if year is not None and died is not None and year > died + 2:
        return f"cited for {year}, died {died}"
    return None


# A run of capitalised words (a name, initials allowed) at the end of a clause.
_LAST_NAME_RUN = re.compile(r"((?:[A-Z][\w'\u2019-]*\.?\s+){0,3}[A-Z][\w'\u2019-]+)\s*$")
_CLAUSE_END = re.compile(r"[;)]|\.(?:\s+(?=[A-Z][a-z]{2,})|\s*$)")


def namesake_warned(data: dict[str, Any]) -> str | None:
    """The other bearer a pack description warns of ("not to be confused with the SR leader
    Viktor Chernov": "Viktor Chernov"), or None. The name is the run of capitalised words that
    ends the cue's clause, after any description of that bearer."""
    desc = str(data.get("description") or "")
    low = desc.lower()
    for cue in name_data().namesake_cues:
        i = low.find(cue)
        if i < 0:
            continue
        rest = desc[i + len(cue):]
        end = _CLAUSE_END.search(rest)
        hit = _LAST_NAME_RUN.search(rest[:end.start()] if end else rest)
        if hit:
            return hit.group(1).strip()
    return None


def role_words(roles: set[str]) -> set[str]:
    """The words of a pack person's roles ("kremlin_doctor": kremlin, doctor), as a text might
    write them near his name when it means him."""
    return {w for r in roles for w in r.lower().split("_") if len(w) >= 4}
