"""Building a KB for the compare tests from hand-written documents and factoids, through the real
store (no NLP): the compare stage's input exactly as the extractor would leave it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kartoteka.analysis import AliasRecord, Analysis, EntityRecord, Factoid, Mention
from kartoteka.api import KB
from kartoteka.compare.genre import detect_genre
from kartoteka.extract.dates import parse_date
from kartoteka.ingest.readers import RawDocument
from kartoteka.ingest.structure import detect_structure
from kartoteka.store.writer import write_analysis

# Pack-like entities (ids as a pack would give them), with reference data.
ENTITIES = [
    EntityRecord("test:marshal", "Mikhail Tukhachevsky", "person", pack="test", linked=True,
                 data={"born": "1893-02-16", "died": "1937-06-12", "death": "execution",
                       "events": [{"type": "arrest", "date": "1937-05-22"},
                                  {"type": "execution", "date": "1937-06-12", "place": "moscow"}]}),
    EntityRecord("test:general", "Yevgeny Miller", "person", pack="test", linked=True,
                 data={"born": "1867", "died": "1939-05-11",
                       "events": [{"type": "kidnapping", "date": "1937-09-22", "place": "paris"}]}),
    EntityRecord("test:chief", "Genrikh Yagoda", "person", pack="test", linked=True,
                 data={"born": "1891-11-07", "died": "1938-03-15", "death": "execution",
                       "events": [{"type": "arrest", "date": "1937"}],
                       "offices": [{"office": "People's Commissar of Internal Affairs", "organization": "nkvd",
                                    "from": "1934-07-10", "to": "1936-09-26"}]}),
    EntityRecord("test:commissar", "Yan Gamarnik", "person", pack="test", linked=True,
                 data={"born": "1894", "died": "1937-05-31", "death": "suicide"}),
    EntityRecord("test:nkvd", "People's Commissariat for Internal Affairs", "organization", pack="test",
                 linked=True, data={"founded": "1934-07-10"}),
    EntityRecord("test:moscow", "Moscow", "place", pack="test", linked=True, data={"kind": "city"}),
    EntityRecord("test:paris", "Paris", "place", pack="test", linked=True, data={"kind": "city"}),
    EntityRecord("test:leningrad", "Leningrad", "place", pack="test", linked=True, data={"kind": "city"}),
    EntityRecord("test:institute", "Smolny Institute", "place", pack="test", linked=True, data={"kind": "building"}),
    EntityRecord("test:volkov", "Pavel Volkov", "person", pack="test", linked=True),
    EntityRecord("test:orlov", "Ivan Orlov", "person", pack="test", linked=True),
]


@dataclass
class F:
    """One factoid to put in a document: ``sentence`` must occur in the document's text."""

    type: str
    subject: str
    sentence: str
    date: str | None = None  # parsed by the extractor's own date parser
    anchor: str | None = None  # the year or date a partial date takes its year from
    roles: dict[str, Any] = field(default_factory=dict)
    trigger: str = ""
    subject_text: str = ""
    negated: bool = False
    hedged: bool = False
    value: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def analysis(doc: str, text: str, facts: list[F], genre: str | None = None,
             names: dict[str, str] | None = None) -> Analysis:
    """A document with its factoids; ``names`` (surface -> entity id) become mentions wherever the
    surface occurs."""
    raw = RawDocument(text=text, format="txt")
    segments, passages = detect_structure(raw)
    a = Analysis(doc=doc, path=doc, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest(), text=text,
                 title=doc, segments=segments, passages=passages, entities=list(ENTITIES),
                 aliases=[AliasRecord(e.id, n, "pack") for e in ENTITIES for n in {e.name, e.name.split()[-1]}])
    for surface, eid in (names or {}).items():
        at = text.find(surface)
        while at >= 0:
            a.mentions.append(Mention(at, at + len(surface), surface, "PERSON", entity_id=eid))
            at = text.find(surface, at + 1)
    a.genre, feats = detect_genre(a)
    a.meta["genre_features"] = feats
    if genre:
        a.genre = genre
        a.meta.pop("genre_features")
    for f in facts:
        start = text.index(f.sentence)
        anchor = parse_date(f.anchor) if f.anchor else None
        d = parse_date(f.date, anchor) if f.date else None
        assert f.date is None or d is not None, f.date
        attrs = {"trigger": f.trigger, "subject_text": f.subject_text, **f.attrs}
        a.factoids.append(Factoid(
            id="f" + hashlib.sha1(f"{doc}|{start}|{f.type}|{f.subject}|{f.negated}".encode()).hexdigest()[:15],
            type=f.type, subject_id=f.subject, start=start, end=start + len(f.sentence), roles=dict(f.roles),
            date_text=d.text if d else None, date_start=d.start if d else None, date_end=d.end if d else None,
            date_precision=d.precision if d else None, value=f.value, hedged=f.hedged, negated=f.negated,
            fiction=a.genre == "fiction", attrs=attrs))
    return a


def build(path: Path | str, docs: list[Analysis]) -> KB:
    kb = KB(path)
    for a in docs:
        write_analysis(kb.conn, a)
    kb.recompute_comparisons()
    return kb
