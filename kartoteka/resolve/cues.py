"""Aliases a text states ("Walter Krivitsky (real name Samuel Ginsberg)", "Orlov, née Feldbin",
"Bronstein, known as Trotsky"): cue phrases from ``data/cues.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kartoteka import yamldata
from kartoteka.analysis import Analysis, Mention

DATA = Path(__file__).parent / "data" / "cues.yaml"
_NAME = r"(?P<name>[A-Z][\w'\u2019.\-]*(?:\s+(?:[A-Z][\w'\u2019.\-]*|de|von|van|der|del)){0,4})"


@dataclass
class StatedPair:
    main: Mention
    alias: Mention
    cue: str


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    d = yamldata.safe_load(DATA.read_text(encoding="utf-8"))

    def alt(xs: list[str]) -> str:
        return "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted((x for x in xs if x), key=len, reverse=True))

    paren = re.compile(rf"^\s*\(\s*(?:(?P<cue>(?i:{alt(d['parenthetical'])}))\s*:?\s+)?{_NAME}\s*\)")
    # "X, whom she was later to nickname 'Y'": a relative clause may lead to the cue
    lead = r"(?:who\s+was\s+|whom\s+(?:[a-z]+\s+){1,5}?)?"
    appos = re.compile(rf"^\s*,?\s*{lead}(?P<cue>(?i:{alt(d['apposition'])}))\s*:?\s+['\"\u2018\u201c]?{_NAME}")
    return paren, appos


def find_stated(a: Analysis, mentions: list[Mention]) -> list[StatedPair]:
    paren, appos = _patterns()
    by_seq = {p.seq: p for p in a.passages}
    spans = sorted(mentions, key=lambda m: m.start)
    out: list[StatedPair] = []
    for m in spans:
        if m.label != "PERSON" or m.body_end is None or m.passage_seq not in by_seq:
            continue
        p = by_seq[m.passage_seq]
        after = p.body[m.body_end:m.body_end + 160]
        hit = paren.match(after) or appos.match(after)
        if not hit:
            continue
        name = hit.group("name").rstrip(".,;:'\u2019")
        cue = (hit.group("cue") or "").lower()
        if len(name) < 3 or any(c.isdigit() for c in name) or (name.isupper() and " " not in name):
            continue
        if not cue and len(name.split()) > 3:
            continue
        i = m.body_end + hit.start("name")
        j = i + len(name)
        s, e = p.to_stored(i, j)
        existing = next((x for x in spans if x.start < e and s < x.end and x is not m), None)
        alias = existing or Mention(start=s, end=e, text=a.text[s:e], label="PERSON", passage_seq=p.seq,
                                    body_start=i, body_end=j, features={"name": name, "stated": True})
        if existing is not None and existing.label != "PERSON":
            existing.label = "PERSON"
        out.append(StatedPair(main=m, alias=alias, cue=cue or "()"))
    return out
