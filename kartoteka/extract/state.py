"""The records extraction works with: what it knows of entities, what carries from one passage
to the next within a document, and a factoid candidate before it becomes a stored Factoid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kartoteka.analysis import Mention
from kartoteka.extract.dates import DateValue


class EntityInfo:
    """What extraction needs to know of entities: type, name, and lookup of a name."""

    def __init__(self, types: Callable[[str], str | None], names: Callable[[str], str | None],
                 lookup: Callable[[str], str | None], linked: Callable[[str], bool] | None = None) -> None:
        self.type_of, self.name_of, self.lookup = types, names, lookup
        self.linked = linked or (lambda eid: True)


@dataclass
class DocState:
    """What carries from one passage to the next within a document."""

    anchor: DateValue | None = None
    anchor_section: str | None = None
    anchor_absolute: bool = False  # the anchor was written out in full, not resolved from context
    anchor_seq: int = 0  # the passage it was found in
    last_subject: Mention | None = None
    topic: Mention | None = None
    body: str | None = None  # the organization the document is about, where no person is (bodyref.py)
    # a description given beside a name ("her husband X") -> (that person, passage seq)
    descriptions: dict[tuple[str, str], tuple[Mention, int]] = field(default_factory=dict)  # the person the whole document is about (a biography's subject)
    last_person: Mention | None = None
    last_org: Mention | None = None
    last_speaker: str | None = None
    years: list[int] = field(default_factory=list)
    months: dict[int, tuple[int, int]] = field(default_factory=dict)  # month -> (year, passage seq)
    sentences: int = 0  # sentences read so far (dating counts how far back its anchor lies)
    anchor_sentence: int = 0  # the sentence the anchor was found in
    days: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (month, day) -> (year, seq)
    period_sentence: int = -1  # the last sentence set in a named, undated period ("During the purge")
    trial_sentence: tuple[DateValue, int] | None = None  # the last sentence's one date, a trial's (dating.trial_verdict)
    frame: DateValue | None = None  # the time a frame sentence set, still holding as the passage ended (dating.frame_date)
    passage_end: int = -1  # where the passage before ended in ``text`` (the document's stored text)
    text: str = ""


@dataclass
class Candidate:
    type: str
    subject: Mention
    sent_span: tuple[int, int]  # body offsets of the asserting sentence
    roles: dict[str, Any] = field(default_factory=dict)
    date: DateValue | None = None
    value: str | None = None
    voice: str = "author"
    hedged: bool = False
    negated: bool = False
    confidence: float = 0.9
    attrs: dict[str, Any] = field(default_factory=dict)
