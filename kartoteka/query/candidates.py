"""Candidate answers as evidence: each value a question may have, with its citations, the voice
that gives it (author, quoted person, editor), whether it is hedged ("rumoured", "allegedly"),
whether it comes from fiction, and how many independent sources give it; then the verdict.

The verdict names one value only when it is clearly ahead: a firm (unhedged, non-fiction) value
always ranks above a hedged one and fiction never answers; where firm values from different
sources stand close together the answer says the sources disagree, with each side's support.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kartoteka.query.words import word_list

MAX_CANDIDATES = 5
MAX_WEAK = 2           # hedged values kept in view after the firm ones
MAX_SHOWN = 3          # values a disagreement names in the answer text
MARGIN = 0.15          # a firm value of other sources within this score of the top one: a disagreement
HEDGED_CONFIDENCE = 0.3
DISAGREEMENT_CONFIDENCE = 0.4
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# A bracketed stretch of an editor inside a body ("[Note: ... - Ed.]"), as the extract stage reads it.
_EDITOR = re.compile(r"\[[^\[\]]{20,}\]")
_QUOTES = (("\u201c", "\u201d"), ('"', '"'))


@cache
def _hedges() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """Hedge words and phrases: the extract stage's lexicon (its modals hedge only inside a
    phrase such as "may have"), and the query side's hearsay words (``words.yaml``).

    Only the lexicon's ``hedges`` block is parsed: the whole file took 60-110 ms of a cold
    ``ask`` that reads no other part of it."""
    from pathlib import Path

    from kartoteka import yamldata

    # The extract package's file, found by path (kartoteka.query.words says why).
    text = (Path(__file__).parent.parent / "extract" / "lexicon.yaml").read_text(encoding="utf-8")
    data = yamldata.safe_load(top_level_block(text, "hedges"))["hedges"]
    modals = frozenset(data.get("modals", []))
    return frozenset(data["words"]) - modals, tuple(data["phrases"]), word_list("hearsay")


def top_level_block(text: str, key: str) -> str:
    """The lines of a YAML mapping's top-level ``key:`` entry (up to the next top-level key)."""
    m = re.search(rf"^{re.escape(key)}:.*?(?=^[^\s#-][^\n]*:|\Z)", text, re.M | re.S)
    if m is None:
        raise KeyError(f"no top-level {key!r} in the lexicon")
    return m.group(0)


def hedged(text: str) -> bool:
    """The sentence reports its claim as unconfirmed: a hedge word or phrase, or hearsay
    ("people whispered that ...", "rumours had it ...")."""
    low = " ".join(text.lower().replace("\u2019", "'").split())
    words, phrases, hearsay = _hedges()
    toks = _WORD.findall(low)
    if any(t in words for t in toks) or any(p in low for p in phrases):
        return True
    return any(t.startswith(h) for t in toks for h in hearsay)


def voice_at(text: str, start: int, end: int, pos: int) -> str:
    """Who says what stands at ``pos`` of the sentence ``text[start:end]``: "editor" inside a
    bracketed note, "quoted" inside quotation marks, else "author"."""
    for m in _EDITOR.finditer(text, max(0, start - 2000), min(len(text), end + 2000)):
        if m.start() <= pos < m.end():
            return "editor"
    rel = pos - start
    sentence = text[start:end]
    for opening, closing in _QUOTES:
        before = sentence[:rel]
        if opening == closing:
            if before.count(opening) % 2 == 1:
                return "quoted"
        elif before.count(opening) > before.count(closing):
            return "quoted"
    return "author"


def rank(cands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-fiction before fiction, firm before hedged, then by score; the best hedged and fiction
    values stay in view (a rumour is shown as one, not hidden by firm values)."""
    ordered = sorted(cands, key=lambda c: (c["fiction"], c["hedged"], -c["score"]))
    firm = [c for c in ordered if not c["hedged"] and not c["fiction"]][:MAX_CANDIDATES]
    rest = [c for c in ordered if c["hedged"] and not c["fiction"]][:MAX_WEAK]
    return firm + rest + [c for c in ordered if c["fiction"]][:1]


def support_label(c: dict[str, Any], short: bool = False) -> str:
    """"2 sources", "1 source, hedged"; ``short`` writes one source as "1" (inside a disagreement)."""
    n = c["sources"]
    parts = ["1" if short and n == 1 else f"{n} source{'s' if n != 1 else ''}"]
    if c["hedged"]:
        parts.append("hedged")
    if c["fiction"]:
        parts.append("fiction")
    if c.get("voice") and c["voice"] != "author":
        parts.append(c["voice"])
    return ", ".join(parts)


def disagreement_text(cands: list[dict[str, Any]], one_source: bool = False) -> str:
    """"sources disagree: A (2 sources) / B (1, hedged)"; "one source gives several values: A / B"
    where every value comes from the same document."""
    if one_source:
        return "one source gives several values: " + " / ".join(str(c["value"]) for c in cands[:MAX_SHOWN])
    shown = " / ".join(f"{c['value']} ({support_label(c, short=True)})" for c in cands[:MAX_SHOWN])
    return f"sources disagree: {shown}"


def public(c: dict[str, Any]) -> dict[str, Any]:
    """A candidate as the JSON has it (no internal keys)."""
    return {k: v for k, v in c.items() if not k.startswith("_")}


def rivals(cands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Firm values other sources give that stand close to the top one: no source of the top value
    gives them (one sentence naming two people is not a disagreement)."""
    top = cands[0]
    docs = {s.doc_id for s in top.get("_support", [])}
    return [c for c in cands[1:] if not c["hedged"] and not c["fiction"] and top["score"] - c["score"] < MARGIN
            and not docs & {s.doc_id for s in c.get("_support", [])}]


def verdict(cands: list[dict[str, Any]], kind: str) -> tuple[str, str, float]:
    """(answer, kind, confidence) from ranked candidates: the top value when clearly ahead, the
    disagreement when firm values of different sources stand close, "" when only fiction speaks,
    and a hedged value marked as unconfirmed."""
    if not cands or cands[0]["fiction"]:
        return "", "unknown", 0.0
    top = cands[0]
    if top["hedged"]:
        return f"unconfirmed: {top['value']} ({support_label(top, short=True)})", "hedged", HEDGED_CONFIDENCE
    close = rivals(cands)
    if close:
        return disagreement_text([top, *close]), "disagreement", DISAGREEMENT_CONFIDENCE
    runner = next((c for c in cands[1:] if not c["fiction"]), None)
    margin = top["score"] - runner["score"] if runner else 1.0
    return top["value"], kind, phrase_confidence(top["score"], margin, top["sources"])


def phrase_confidence(score: float, margin: float, sources: int) -> float:
    """How often an answer like this is right (see bench/bench_ask_calibration.py): a high
    sentence-and-phrase score, a clear lead over the next value and more sources each raise it."""
    x = 0.40 + 0.35 * max(0.0, min(1.0, (score - 0.9) / 0.9)) + 0.15 * min(1.0, margin / 0.5) \
        + 0.08 * min(2, sources - 1)
    return round(min(0.95, x), 3)


def sentence_confidence(score: float) -> float:
    """A whole sentence answers no phrase; it is a pointer to read, never a sure answer."""
    return round(min(0.5, max(0.1, score / 3.0)), 3)


def unique_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans in order, each (doc, start, end) once: citations of one answer."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for s in spans:
        k = (s["doc"], s["start"], s["end"])
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out
