"""Stance: whether a source asserts the value it writes down, or names it only to dispute it
("some accounts give the 25th; in fact ..."). Computed from the cited sentence's own words with
the cues of compare.yaml (``stance``); a hedged factoid is "hedged"."""

from __future__ import annotations

import re

from kartoteka.compare.facts import Fact, rules

ASSERTS, DISPUTES, HEDGED = "asserts", "disputes", "hedged"
_WORD = re.compile(r"[\w'’-]+|[;:]")


def stance_of(f: Fact) -> str:
    if f.hedged:
        return HEDGED
    at = value_position(f)
    if at is None:
        return ASSERTS
    words = _words(f.quote[:at[0]])
    after = _words(f.quote[at[1]:])
    return DISPUTES if disputed(words, after) else ASSERTS


def value_position(f: Fact) -> tuple[int, int] | None:
    """Where the factoid's value (its number, else its date) is written in the sentence."""
    for text in (f.attrs.get("number_text"), f.value if f.type == "count" else None, f.date_text):
        if not text:
            continue
        m = re.search(r"(?<!\w)" + re.escape(str(text)) + r"(?!\w)", f.quote, re.IGNORECASE)
        if m:
            return m.start(), m.end()
    return None


def disputed(before: list[str], after: list[str]) -> bool:
    """Whether the words before a value (in its clause) reject it, with no correction cue between
    the rejection and the value, or the words right after it call it wrong."""
    cfg = rules()["stance"]
    clause = _clause(before)[-int(cfg["window"]):]
    if _adjacent(clause, cfg):
        return True
    last_dispute = _last_index(clause, cfg["dispute_before"])
    if last_dispute is not None:
        last_correction = _last_index(clause, cfg["correction"])
        if last_correction is None or last_correction < last_dispute:
            return True
    head = _clause_head(after)[:int(cfg["after_window"])]
    return _last_index(head, cfg["dispute_after"]) is not None


def _adjacent(clause: list[str], cfg: dict) -> bool:
    fillers = set(cfg["adjacent_fillers"])
    i = len(clause)
    while i > 0 and clause[i - 1] in fillers:
        i -= 1
    head = clause[:i]
    return any(tuple(head[len(head) - len(c.split()):]) == tuple(c.split()) for c in cfg["dispute_adjacent"]
               if len(head) >= len(c.split()))


def _last_index(words: list[str], cues: list[str]) -> int | None:
    """The word index at which the last cue of ``cues`` ends, or None."""
    best = None
    for cue in cues:
        parts = cue.replace(",", " ,").split()
        n = len(parts)
        for i in range(len(words) - n + 1):
            if words[i:i + n] == parts and (best is None or i + n > best):
                best = i + n
    return best


def _clause(words: list[str]) -> list[str]:
    """The words after the last semicolon or colon: a cue in an earlier clause governs that clause."""
    cut = max((i for i, w in enumerate(words) if w in (";", ":")), default=-1)
    return words[cut + 1:]


def _clause_head(words: list[str]) -> list[str]:
    cut = next((i for i, w in enumerate(words) if w in (";", ":")), len(words))
    return words[:cut]


def _words(text: str) -> list[str]:
    text = text.replace("’", "'").replace(",", " , ")
    return [w.lower() for w in re.findall(r"[\w'-]+|[;:,]", text)]
