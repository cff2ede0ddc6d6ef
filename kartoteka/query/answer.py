"""Answering a question: a structured answer from the KB's factoids, offices and aliases where the
question has a shape the KB models, else the best answering sentence; never without a citation."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any

from kartoteka.errors import UsageError
from kartoteka.query.candidates import MAX_SHOWN, public, sentence_confidence, unique_spans, verdict
from kartoteka.query.extractor import MIN_COVERAGE, MIN_SCORE, Extractor
from kartoteka.query.names import find_names
from kartoteka.query.question import parse_question
from kartoteka.query.search import alias_forms, terms
from kartoteka.query.sentences import Sentence, stem

if TYPE_CHECKING:
    from kartoteka.api import KB

CLOSEST = 3
MAX_CITES = 3      # citations a candidate carries
# "X's wife Y", "X's daughter": the question is about someone X is related to, not X, so no
# structured answer about X's own events (the passages are read instead).
_POSSESSIVE = re.compile(r"(?:'s|\u2019s)\s+\w")
_IDENTITY = re.compile(r"^(?:who|what) (?:was|is|were|are) (?P<rest>[^?]+?)\??$", re.IGNORECASE)


def _names_whole(q: Any) -> bool:
    """The rest of "Who was X?" is nothing but a name the KB knows."""
    m = _IDENTITY.match(q.text)
    if not m or not q.names:
        return False
    rest = m.group("rest").strip()
    covered = "".join(rest.replace(n.text, "") for n in q.names[:1])
    return not terms(covered.replace("the", ""))


def fiction_docs(kb: KB) -> set[int]:
    """Documents the KB judges fiction: they never support an answer about real events."""
    return {r[0] for r in kb.conn.execute("SELECT id FROM documents WHERE genre = 'fiction'")}


def answer_question(kb: KB, question: str) -> dict[str, Any]:
    """CONTRACT.md's ask object, plus "candidates": every value found, with its evidence (empty
    where none was found)."""
    out = _answer(kb, question)
    out.setdefault("candidates", [])
    return out


def _answer(kb: KB, question: str) -> dict[str, Any]:
    from kartoteka.query.structured import structured_answer

    q = parse_question(question)
    if not terms(q.text):
        raise UsageError("empty question")
    q.names = find_names(kb.conn, q.text, kb)
    if q.target and not _POSSESSIVE.search(q.target):
        q.target_id = kb.resolve_name(q.target) or next(
            (n.entity_id for n in q.names if n.text in q.target), None)
    if q.answer_type == "person" and _IDENTITY.match(q.text) and _names_whole(q):
        q.answer_type = "description"   # "Who was Gorky?": the answer is what the sources say he was
    excluded = fiction_docs(kb)
    found = structured_answer(kb, q, excluded)
    if found and found.get("citations"):
        return {"question": question, **found}
    forms = [{stem(t) for f in alias_forms(kb.conn, n.entity_id) for t in terms(f)} for n in q.names]
    ex = Extractor(kb, q, forms, excluded).run()
    if os.environ.get("KARTOTEKA_ASK_DEBUG") and ex is not None:
        sys.stderr.write(f"extractor: score {ex.score:.3f} coverage {ex.coverage:.3f}\n")
    if ex is None or ex.score < MIN_SCORE or ex.coverage < MIN_COVERAGE:
        return unknown(kb, question, excluded)
    cands = [_cited(kb, c) for c in ex.candidates]
    cites = [span(kb, ex.sentence)] + [span(kb, x) for x in ex.support]
    out = {"question": question, "answer": ex.answer, "kind": ex.kind if ex.phrase else "sentence",
           "citations": cites, "confidence": 0.0, "candidates": [public(c) for c in cands],
           "context": [span(kb, c) for c in ex.context]}
    if not ex.phrase:
        out["confidence"] = sentence_confidence(ex.score)
        return out
    answer, kind, confidence = verdict(ex.candidates, ex.kind)
    out.update(answer=answer or "", kind=kind, confidence=confidence)
    if kind == "disagreement":   # the top value and its rivals, each with its own sentences
        shown = [c for c in cands if c["value"] == cands[0]["value"] or c["value"] in answer][:MAX_SHOWN]
        out["citations"] = unique_spans([c for x in shown for c in x["citations"][:2]])
    if not answer:
        return {**unknown(kb, question, excluded), "candidates": out["candidates"]}
    return out


def _cited(kb: KB, c: dict[str, Any]) -> dict[str, Any]:
    """A candidate with its supporting sentences as citations (its best sentence first)."""
    sents = [c["_sentence"]] + [x for x in c["_support"] if x is not c["_sentence"]]
    return {**c, "citations": [span(kb, x) for x in sents[:MAX_CITES]]}


def span(kb: KB, s: Sentence) -> dict[str, Any]:
    out: dict[str, Any] = {"doc": s.doc, "start": s.start, "end": s.end, "quote": s.text}
    if s.page:
        out["page"] = s.page
    return out


def unknown(kb: KB, question: str, excluded: set[int]) -> dict[str, Any]:
    """No answer; the closest passages (not citations: they do not answer)."""
    try:
        hits = kb.search(question, limit=CLOSEST + 4)
    except UsageError:
        hits = []
    doc_ids = {r[0]: r[1] for r in kb.conn.execute("SELECT doc, id FROM documents")}
    closest = [{"doc": h["doc"], "start": h["start"], "end": h["end"], "quote": h["text"],
                **({"page": h["page"]} if h.get("page") else {})}
               for h in hits if doc_ids.get(h["doc"]) not in excluded][:CLOSEST]
    return {"question": question, "answer": "", "kind": "unknown", "citations": [], "confidence": 0.0,
            "closest": closest}
