"""Source profiles: what a reader should know about a document before trusting it: its genre,
whose voices it holds and how much of it each holds, how noisy its OCR looks, how often it hedges,
how much of what it says is corroborated elsewhere, and where it is contradicted."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from typing import Any

from kartoteka.compare.conflicts import Conflict
from kartoteka.compare.facts import Fact, rules
from kartoteka.compare.reference import RefCheck

_WORD = re.compile(r"\b\w+\b")
# Tokens that look misread: a digit inside a word ("Caf6"), punctuation inside one ("Ma,6n"),
# capitals inside a lower-case word ("tHe"), replacement characters and stray symbols.
_OCR_SUSPECT = re.compile(
    r"\b[^\W\d_]+\d\w*\b|\b\d+[^\W\d_]\w*\b|\b[a-z]+[,;][a-z]+\b|\b[a-z]+[A-Z]+[a-z]+\b|\ufffd"
    r"|(?<=\s)[¬■□^~`|\\]+(?=\s)"
)
_LEGIT = re.compile(r"\d+(?:st|nd|rd|th|s|d|am|pm|km|kg|mm|cm|m)|\d{4}-\d\d")


def ocr_noise(text: str) -> dict[str, Any]:
    # Counted match by match, not as lists: a long document's millions of words are never all held.
    words = max(1, sum(1 for _ in _WORD.finditer(text)))
    count = 0
    examples: dict[str, None] = {}  # the first eight distinct, in order
    for m in _OCR_SUSPECT.finditer(text):
        s = m.group()
        if _LEGIT.fullmatch(s):
            continue
        count += 1
        if len(examples) < 8 and s.strip():
            examples.setdefault(s, None)
    rate = count * 1000.0 / words
    cfg = rules()["ocr_noise"]
    level = "high" if rate >= cfg["high"] else "medium" if rate >= cfg["medium"] else "low"
    return {"suspect_tokens": count, "per_1000_words": round(rate, 2), "level": level, "examples": list(examples)}


def voice_layers(text_len: int, passages: list[tuple[str, int, int, str]], boilerplate: int,
                 inline: list[tuple[re.Pattern[str], str]]) -> dict[str, float]:
    """Share of the stored text in each layer: the author's main text, quoted sources, editorial
    notes, comments, boilerplate, and voices set inside the main text ({compiler}, [editor])."""
    chars: Counter[str] = Counter()
    for layer, start, end, body in passages:
        if layer == "furniture":
            continue  # counted below as boilerplate, from its segments
        n = end - start
        if layer == "main":
            for pattern, voice in inline:
                inner = sum(m.end() - m.start() for m in pattern.finditer(body))
                chars[voice] += inner
                n -= inner
        chars["author" if layer == "main" else layer] += max(0, n)
    if boilerplate:
        chars["boilerplate"] += boilerplate
    total = max(1, text_len)
    return {k: round(v / total, 4) for k, v in chars.most_common() if v > 0}


class DocTally:
    """What a document's profile counts of its factoids, reference checks and conflicts, added up a
    subject at a time (the compare stage streams the KB by subject): the figures are those of the
    whole document's lists, and the voices keep the order of their first factoid in the document."""

    def __init__(self) -> None:
        self.n = self.hedged = self.negated = self.real = self.corroborated = 0
        self.voices: dict[str, list[Any]] = {}  # voice -> [count, (start, row, alternative) of its first]
        self.checks: Counter[str] = Counter()
        self.conflicts: Counter[str] = Counter()
        self.conflict_ids: list[str] = []

    def add_facts(self, facts: list[Fact], info: dict[str, dict[str, Any]]) -> None:
        prev = None
        for f in facts:
            self.n += 1
            self.hedged += f.hedged
            self.negated += f.negated
            if not f.fiction:
                self.real += 1
                self.corroborated += info.get(f.id, {}).get("corroboration", 0) > 0
            # a bracketed alternative shares its row's id and follows it (facts.alternative_fact)
            key = (f.start, f.row, int(f.id == prev))
            prev = f.id
            entry = self.voices.setdefault(f.voice, [0, key])
            entry[0] += 1
            entry[1] = min(entry[1], key)

    def add_checks(self, checks: list[RefCheck]) -> None:
        for c in checks:
            if c.field == "date":
                self.checks["checked"] += 1
                self.checks["agree" if c.agrees else "contradict"] += 1
            elif not c.agrees:
                self.checks["manner_contradictions"] += 1

    def add_conflict(self, c: Conflict) -> None:
        """Conflicts must come in the stage's order (entity, type, field, id): the first 50 ids are kept."""
        self.conflicts["total"] += 1
        self.conflicts["self"] += c.kind == "self"
        self.conflicts["with_sources"] += c.kind == "sources"
        self.conflicts["with_reference"] += c.kind == "reference" or bool(c.reference)
        if len(self.conflict_ids) < 50:
            self.conflict_ids.append(c.id)

    def summary(self) -> dict[str, Any]:
        n, real = self.n, self.real
        order = sorted(self.voices.items(), key=lambda kv: kv[1][1])
        voices = Counter({k: v[0] for k, v in order})
        return {
            "factoids": n,
            "hedged_share": round(self.hedged / n, 3) if n else 0.0,
            "negated_share": round(self.negated / n, 3) if n else 0.0,
            "corroborated": self.corroborated,
            "corroborated_share": round(self.corroborated / real, 3) if real else 0.0,
            "voices": {k: v for k, v in voices.most_common(8)},
        }


def hedge_rate(text: str, words: frozenset[str], phrases: tuple[str, ...], chunk: int = 1 << 20) -> float:
    """Hedging words and phrases per 1,000 words. The phrases are counted in the lower-cased words
    joined by single spaces; the words are read a chunk of text at a time (cut at white space,
    which no word spans), so a long document's words are never all held as a list."""
    n = hits = 0
    lows: list[str] = []
    for piece in _chunks(text, chunk):
        tokens = _WORD.findall(piece)
        if not tokens:
            continue
        n += len(tokens)
        # "May" the month is no hedge.
        hits += sum(1 for t in tokens if t.lower() in words and t != "May")
        lows.append(" ".join(t.lower() for t in tokens))
    if not n:
        return 0.0
    low = " ".join(lows)
    del lows
    hits += sum(low.count(p) for p in phrases)
    return round(hits * 1000.0 / n, 2)


_SPACE = re.compile(r"\s")


def _chunks(text: str, size: int = 1 << 20) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each cut just before a white-space character."""
    at = 0
    while at < len(text):
        m = _SPACE.search(text, at + size)
        cut = m.start() if m else len(text)
        yield text[at:cut]
        at = cut


def document_profile(conn: sqlite3.Connection, d: dict[str, Any], text_genre: str | None, fiction: dict[str, Any],
                     tally: DocTally) -> dict[str, Any]:
    from kartoteka.extract.lexicon import default_lexicon

    lex = default_lexicon()
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (d["id"],)).fetchone()[0]
    # the passages stream from the cursor: a long document's bodies are not all held
    passages = ((r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT layer, start, end, body FROM passages WHERE doc_id = ? ORDER BY seq", (d["id"],)))
    boiler = conn.execute("SELECT COALESCE(SUM(end - start), 0) FROM segments WHERE doc_id = ? AND kind = 'boilerplate'",
                          (d["id"],)).fetchone()[0]
    real_names = conn.execute(
        "SELECT COUNT(DISTINCT m.entity_id) FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.doc_id = ? AND e.linked = 1", (d["id"],)).fetchone()[0]
    meta = json.loads(d["meta"] or "{}")
    stats = _text_stats(d, text, lex)
    layers = voice_layers(len(text), passages, int(boiler), lex.inline_layers)
    del text
    kinds = tally.conflicts
    out: dict[str, Any] = {
        "genre": "fiction" if fiction["fiction"] else text_genre,
        "genre_from_text": text_genre,
        "fiction": {**fiction, "pack_entities_named": int(real_names)},
        "layers": layers,
        "ocr_noise": stats["ocr_noise"],
        "hedge_words_per_1000": stats["hedge_words_per_1000"],
        **tally.summary(),
        "conflicts": {"total": kinds["total"], "self": kinds["self"], "with_sources": kinds["with_sources"],
                      "with_reference": kinds["with_reference"], "ids": list(tally.conflict_ids)},
        "reference": {"checked": tally.checks["checked"], "agree": tally.checks["agree"],
                      "contradict": tally.checks["contradict"],
                      "manner_contradictions": tally.checks["manner_contradictions"]},
    }
    if meta.get("genre_features"):
        out["genre_features"] = meta["genre_features"]
    out["text_stats"] = stats["key"]
    return out


TEXT_STATS_VERSION = 1


def _text_stats(d: dict[str, Any], text: str, lex: Any) -> dict[str, Any]:
    """OCR noise and hedging of the text: they depend on the text alone, so a profile computed for
    the same text (same sha256, same rules) is reused rather than rescanned."""
    key = {"sha256": d["sha256"], "version": TEXT_STATS_VERSION,
           "rules": hashlib.sha1(json.dumps([rules()["ocr_noise"], sorted(lex.hedge_words), list(lex.hedge_phrases)],
                                            sort_keys=True).encode()).hexdigest()[:12]}
    old = json.loads(d.get("profile") or "{}")
    if old.get("text_stats") == key and "ocr_noise" in old:
        return {"key": key, "ocr_noise": old["ocr_noise"], "hedge_words_per_1000": old["hedge_words_per_1000"]}
    return {"key": key, "ocr_noise": ocr_noise(text),
            "hedge_words_per_1000": hedge_rate(text, lex.hedge_words, lex.hedge_phrases)}
