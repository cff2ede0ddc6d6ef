"""Life spans written in brackets after a person's name: "Ivan Petrov (1890-1941)", "Anna Volkova
(3 May 1902 - 9 June 1960)", "X (b. 1894)". Biographies and histories introduce people this way;
the bracket states the person's birth and death (at the precision it gives), not the date of the
sentence's event, so dating leaves it out and this rule turns it into birth and death factoids.

The rule is a function of one passage's extractor (its parse, mentions and sentence spans); the
extract stage calls it once per passage beside the trigger rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kartoteka.extract import extractor
from kartoteka.extract.dates import DateValue, lifespans
from kartoteka.extract.rules import declare, on
from kartoteka.extract.state import Candidate

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

NAME = "lifespan"
PHENOMENON = "a bracketed life span after a person's name gives their birth and death"
# A bracket is the person's only where it follows the name directly ("Petrov (1890-1941)").
_BEFORE = re.compile(r"\S\s*$")


declare("birth_left_out", "candidates",
        "a life-date bracket after a person's name whose birth is left out (unknown, or lost with "
        "its template: '(? - 1937)', '(Latvian: X; 11 June 1937)') still gives the death; after the "
        "name's other forms only a full day counts, since a lone year there may be a citation",
        [("Ivan Petrov (Russian: Ivan Petrov; 4 May 1938) was a rifleman from Perm.", [("death", "petrov", "1938-05-04")]),
         ("Anna Volkova (? \u2013 9 October 1944) taught in Kazan.", [("death", "volkova", "1944-10-09")]),
         ("Marcel Duroc (French: Marcel Du Roc; 1 March 1871) was a printer in Lyon.",
          [("death", "duroc", "1871-03-01")])])


def lifespan_candidates(cx: ParseContext) -> list[Candidate]:
    """Birth and death candidates for every bracketed life span right after a person's name."""
    body = cx.p.body
    out: list[Candidate] = []
    for ls in lifespans(body):
        if ls.unborn and not on("birth_left_out"):
            continue
        if not _BEFORE.search(body[:ls.begin]):
            continue
        tok = _token_before(cx.doc, ls.begin)
        m = cx.mention_at(tok) if tok is not None else None
        if m is None or not m.entity_id or cx.etype(m) != "person":
            continue
        sent_span = extractor.sentence_span(cx, tok.sent)
        text = body[ls.begin:ls.stop]
        for typ, value in (("birth", ls.born), ("death", ls.died)):
            if value is not None:
                out.append(_candidate(typ, m, sent_span, value, text))
    return out


def _token_before(doc: Any, char: int) -> Any | None:
    """The last token ending before ``char`` (the name's last word before the bracket)."""
    prev = None
    for t in doc:
        if t.idx + len(t.text) > char:
            break
        prev = t
    return prev


def _candidate(typ: str, m: Any, sent_span: tuple[int, int], value: DateValue, text: str) -> Candidate:
    return Candidate(typ, m, sent_span, {"subject": m.entity_id}, value, confidence=0.85,
                     attrs={"trigger": text, "rule": NAME})
