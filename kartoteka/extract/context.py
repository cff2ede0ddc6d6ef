"""The shared, read-only parse context of one passage that every extraction rule reads: the
lexicon, the passage and its spaCy parse, its mentions indexed by token, what extraction knows of
entities, and what is worked out once for the whole passage before any trigger is read
(coreference, dates, quotations, inline voice layers).

What carries from one passage to the next (the last subject, the date anchor, the document's
topic...) is not here: it is the mutable ``DocState`` (state.py), which the context only points to
(``cx.state``): reading the passage's dates moves its date anchor (dating.py), a description
beside a name is noted for later (coref.py), and the extractor's ``_remember`` notes the last
subject, person, body and speaker after each sentence. The one thing a rule may add to the
context is ``made``, a memo of the mentions made for names the recogniser missed.

The rules are functions over a context (``fn(cx, ...)``), grouped by phenomenon: ``phrases``
(what a noun phrase stands for, the parse around a trigger), ``eventroles``, ``coref``,
``dating``, ``stance``, ``counting``, ``arguments``, ``bodyref``, ``lifespan``; ``extractor``
runs them over a passage.
"""

from __future__ import annotations

from typing import Any

from kartoteka.analysis import Mention, Passage, Segment
from kartoteka.extract import coref, dating, stance
from kartoteka.extract.bodyref import organization_pronouns
from kartoteka.extract.dates import DateValue
from kartoteka.extract.lexicon import Lexicon
from kartoteka.extract.state import DocState, EntityInfo
from kartoteka.extract.syntax import SPACY_TYPES


class ParseContext:
    """One parsed passage with its mentions, coreference and dates, read by the rules."""

    def __init__(self, lex: Lexicon, passage: Passage, doc: Any, mentions: list[Mention], info: EntityInfo,
                 state: DocState, segments: list[Segment]) -> None:
        self.lex, self.p, self.doc, self.info, self.state = lex, passage, doc, info, state
        self.by_token: dict[int, Mention] = {}
        self.ordered: list[tuple[int, Mention]] = []  # (token index, mention), in text order
        for m in mentions:
            if m.body_start is None or m.body_end is None:
                continue
            span = doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.by_token.setdefault(t.i, m)
            self.ordered.append((span.root.i, m))
        self.ordered.sort(key=lambda x: x[0])
        self.segments = segments
        self.made: dict[int, Mention | None] = {}  # token -> mention made for a name NER missed
        self.coref_map: dict[int, Mention] = {}  # filled by the pass (which reads it as it stands)
        self.coref_map = coref.coref_pass(self)
        self.coref_map.update(organization_pronouns(self))  # "it" for a body: bodyref.py
        # where the passage's dating starts from (the document's anchor and sentence count as the
        # passage opens) and the sentences set in a named period: all set by passage_dates
        self.entry_anchor: tuple[DateValue | None, int] = (None, 0)
        self.first_sentence = 0
        self.entry_trial: tuple[DateValue, int] | None = None  # a trial dated by the passage before's last sentence
        self.entry_frame: DateValue | None = None  # the frame the paragraph's passage before left open
        self.periods: list[int] = []
        self.dates = dating.passage_dates(self)
        self.quotes = stance.quote_spans(self)
        self.inline = [(m.start(), m.end(), voice) for rx, voice in lex.inline_layers for m in rx.finditer(passage.body)]

    # three lookups in the context's own data, kept as methods since every rule reads them
    def etype(self, m: Mention) -> str:
        """The type of a mention's entity (person, organization, place...), else its NER label's."""
        t = self.info.type_of(m.entity_id) if m.entity_id else None
        return t or SPACY_TYPES.get(m.label, "other")

    def mention_at(self, tok: Any) -> Mention | None:
        """The mention a token is part of, if any."""
        return self.by_token.get(tok.i)

    def entity_name(self, m: Mention) -> str:
        """The name the KB gives a mention's entity, else the mention's own text."""
        return (self.info.name_of(m.entity_id) if m.entity_id else None) or m.text
