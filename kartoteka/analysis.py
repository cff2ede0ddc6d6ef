"""The data that flows through the ingestion pipeline, one document at a time.

Each stage (ingest -> nlp -> resolve -> extract) reads what earlier stages put on the
``Analysis`` and adds its own part; the store writes the whole of it in one transaction.
All offsets are character offsets into ``Analysis.text``, the stored text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    kind: str  # part, chapter, section, heading, paragraph, page, page_marker, boilerplate, comment, editorial, epigraph, blockquote, toc
    start: int
    end: int
    label: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Passage:
    """A paragraph-sized unit of analysis and search.

    ``body`` is the analysis view of ``text[start:end]`` (page markers dropped, hyphenation
    across breaks joined, curly quotes and dashes folded); ``offsets[i]`` is the stored-text
    offset of ``body[i]``, with one extra entry for ``len(body)``.
    """

    seq: int
    start: int
    end: int
    body: str
    offsets: list[int]
    layer: str = "main"  # main, comment, editorial, quote
    section: str | None = None
    page: str | None = None

    def to_stored(self, i: int, j: int) -> tuple[int, int]:
        """Map a body span [i, j) to stored-text offsets."""
        start = self.offsets[i]
        end = self.offsets[j - 1] + 1 if j > i else start
        return start, end


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, EVENT, WORK_OF_ART, NORP, ...
    entity_id: str | None = None
    confidence: float = 1.0
    features: dict[str, Any] = field(default_factory=dict)
    passage_seq: int | None = None
    # Position in the passage's analysis body (transient: lets extraction align with tokens).
    body_start: int | None = None
    body_end: int | None = None


@dataclass
class EntityRecord:
    id: str
    name: str
    type: str
    description: str | None = None
    pack: str | None = None
    qid: str | None = None
    linked: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class AliasRecord:
    entity_id: str
    alias: str
    kind: str  # pack, surface, stated
    start: int | None = None
    end: int | None = None


@dataclass
class RelationRecord:
    src_id: str
    dst_id: str
    type: str
    date_start: str | None = None
    date_end: str | None = None
    start: int | None = None
    end: int | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Factoid:
    id: str
    type: str
    subject_id: str | None
    start: int
    end: int
    roles: dict[str, Any] = field(default_factory=dict)
    date_text: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    date_precision: str | None = None
    date_flag: str | None = None
    value: str | None = None
    voice: str = "author"
    hedged: bool = False
    negated: bool = False
    fiction: bool = False
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Analysis:
    doc: str
    path: str
    format: str
    sha256: str
    text: str
    title: str
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    genre: str | None = None
    segments: list[Segment] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)  # new, document-born entities
    aliases: list[AliasRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    factoids: list[Factoid] = field(default_factory=list)
    # Dense vectors by passage seq (packed by kartoteka.nlp.embed) and the model that made them.
    embeddings: dict[int, bytes] = field(default_factory=dict)
    embedding_model: str | None = None
    # Transient, never stored: the parsed spaCy Doc of each passage (same order as passages,
    # None where a passage was not parsed), so later stages reuse one parse.
    docs: list[Any] = field(default_factory=list)
