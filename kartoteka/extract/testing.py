"""A small harness for extraction tests: parse text with spaCy, mentions from its entities.

Used by the tests (and handy in a shell) where the full pipeline is not wanted:

    from kartoteka.extract.testing import analyse_text
    facts = analyse_text("Zinoviev and Kamenev were shot in August 1936.")
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kartoteka.analysis import Analysis, EntityRecord, Factoid, Mention, Passage, Segment
from kartoteka.extract.stage import extract
from kartoteka.ingest.normalize import analysis_view
from kartoteka.ingest.structure import paragraph_ranges
from kartoteka.resolve.keys import alias_key

SPACY_TYPES = {"PERSON": "person", "ORG": "organization", "NORP": "organization", "GPE": "place", "LOC": "place",
               "FAC": "place", "EVENT": "event", "WORK_OF_ART": "work"}


@cache
def nlp() -> Any:
    from kartoteka.nlp.model import load_model  # the one place that chooses the model

    return load_model()


def entity_id(name: str, typ: str) -> str:
    """Harness ids: a person by surname (as a resolver would join "Ivan Petrov" and "Petrov")."""
    key = alias_key(name)
    if typ == "person":
        key = key.split()[-1]
    return "t:" + key.replace(" ", "_")


def build_analysis(text: str, types: dict[str, str] | None = None, doc: str = "fixture.txt",
                   genre: str | None = None, layers: dict[int, str] | None = None,
                   segments: list[Segment] | None = None) -> Analysis:
    """An Analysis of ``text`` with one passage per paragraph, parsed, and mentions from spaCy's
    entities (plus any name in ``types`` found verbatim); entity ids are 't:' + the name's key.
    ``types`` maps a name to its entity type, overriding spaCy's label."""
    types = types or {}
    a = Analysis(doc=doc, path=doc, format="txt", sha256="0", text=text, title=doc, genre=genre)
    a.segments = list(segments or [])
    model = nlp()
    entities: dict[str, EntityRecord] = {}
    for seq, (s, e) in enumerate(paragraph_ranges(text)):
        body, offsets = analysis_view(text, s, e)
        p = Passage(seq=seq, start=s, end=e, body=body, offsets=offsets, layer=(layers or {}).get(seq, "main"))
        a.passages.append(p)
        # the bare model: an ingestion in the same process may have given it a ruler of pack names
        with model.select_pipes(disable=[n for n in ("entity_ruler",) if n in model.pipe_names]):
            d = model(body)
        a.docs.append(d)
        spans: list[tuple[int, int, str]] = [(x.start_char, x.end_char, x.label_) for x in d.ents]
        for name, _typ in types.items():
            i = body.find(name)
            while i >= 0:
                if not any(a0 < i + len(name) and i < b0 for a0, b0, _ in spans):
                    spans.append((i, i + len(name), "PERSON"))
                i = body.find(name, i + 1)
        for bs, be, label in sorted(spans):
            if body[bs:be].endswith("'s"):
                be -= 2
            name = body[bs:be]
            if name.lower().startswith("the "):
                name = name[4:]
            if label not in SPACY_TYPES and name not in types:
                continue
            typ = types.get(name, SPACY_TYPES.get(label, "other"))
            eid = entity_id(name, typ)
            entities.setdefault(eid, EntityRecord(eid, name, typ))
            st, en = p.to_stored(bs, be)
            a.mentions.append(Mention(st, en, text[st:en], label, eid, passage_seq=seq, body_start=bs, body_end=be))
    a.entities = list(entities.values())
    return a


def analyse_text(text: str, types: dict[str, str] | None = None, **kw: Any) -> list[Factoid]:
    a = build_analysis(text, types, **kw)
    return extract(a)


def summary(facts: list[Factoid]) -> list[tuple[str, str | None, str | None]]:
    """(type, subject id, date start) triples, handy in assertions."""
    return [(f.type, f.subject_id, f.date_start) for f in facts]
