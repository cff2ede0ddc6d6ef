"""Source profiles: what a reader should know about a document before trusting it: its genre,
whose voices it holds and how much of it each holds, how noisy its OCR looks, how often it hedges,
how much of what it says is corroborated elsewhere, and where it is contradicted."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from kartoteka.compare.facts import Fact, rules

_WORD = re.compile(r"\b\w+\b")
# Tokens that look misread: a digit inside a word ("Caf6"), punctuation inside one ("Ma,6n"),
# capitals inside a lower-case word ("tHe"), replacement characters and stray symbols.
_OCR_SUSPECT = re.compile(
    r"\b[^\W\d_]+\d\w*\b|\b\d+[^\W\d_]\w*\b|\b[a-z]+[,;][a-z]+\b|\b[a-z]+[A-Z]+[a-z]+\b|\ufffd"
    r"|(?<=\s)[¬■□^~`|\\]+(?=\s)"
)
_LEGIT = re.compile(r"\d+(?:st|nd|rd|th|s|d|am|pm|km|kg|mm|cm|m)|\d{4}-\d\d")


def ocr_noise(text: str) -> dict[str, Any]:
    words = max(1, len(_WORD.findall(text)))
    suspects = [s for s in _OCR_SUSPECT.findall(text) if not _LEGIT.fullmatch(s)]
    rate = len(suspects) * 1000.0 / words
    cfg = rules()["ocr_noise"]
    level = "high" if rate >= cfg["high"] else "medium" if rate >= cfg["medium"] else "low"
    examples = list(dict.fromkeys(s for s in suspects if s.strip()))[:8]
    return {"suspect_tokens": len(suspects), "per_1000_words": round(rate, 2), "level": level, "examples": examples}


def voice_layers(text_len: int, passages: list[tuple[str, int, int, str]], boilerplate: int,
                 inline: list[tuple[re.Pattern[str], str]]) -> dict[str, float]:
    """Share of the stored text in each layer: the author's main text, quoted sources, editorial
    notes, comments, boilerplate, and voices set inside the main text ({compiler}, [editor])."""
    chars: Counter[str] = Counter()
    for layer, start, end, body in passages:
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


def factoid_summary(facts: list[Fact], info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    n = len(facts)
    voices = Counter(f.voice for f in facts)
    real = [f for f in facts if not f.fiction]
    corroborated = sum(1 for f in real if info.get(f.id, {}).get("corroboration", 0) > 0)
    out: dict[str, Any] = {
        "factoids": n,
        "hedged_share": round(sum(f.hedged for f in facts) / n, 3) if n else 0.0,
        "negated_share": round(sum(f.negated for f in facts) / n, 3) if n else 0.0,
        "corroborated": corroborated,
        "corroborated_share": round(corroborated / len(real), 3) if real else 0.0,
        "voices": {k: v for k, v in voices.most_common(8)},
    }
    return out


def hedge_rate(text: str, words: frozenset[str], phrases: tuple[str, ...]) -> float:
    """Hedging words and phrases per 1,000 words."""
    tokens = _WORD.findall(text)
    if not tokens:
        return 0.0
    low = " ".join(t.lower() for t in tokens)
    # "May" the month is no hedge.
    hits = sum(1 for t in tokens if t.lower() in words and t != "May") + sum(low.count(p) for p in phrases)
    return round(hits * 1000.0 / len(tokens), 2)
