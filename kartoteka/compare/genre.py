"""Genre detection from the text's own features: fiction, transcription, memoir, blog,
monograph or essay. The thresholds are data (genre.yaml); this stage runs before NLP so
that later stages can mark a fiction's factoids."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from kartoteka import yamldata
from kartoteka.analysis import Analysis
from kartoteka.pipeline import Context, register

_WORD = re.compile(r"\b\w+\b")
_YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my)\b")
_PAGE_MARKER = re.compile(r"\{p\.\s*[0-9ivxlcdm]+\}", re.IGNORECASE)
_EDITOR_NOTE = re.compile(r"\[(?:Note:|[A-Z])[^\]\n]{20,}\]")
_OPENING_QUOTE = re.compile(r"^\s*[\"\u201c\u201e\u00ab']")
DIALOGUE_MAX_CHARS = 400


@cache
def rules() -> dict[str, Any]:
    return yamldata.safe_load(resources.files("kartoteka.compare").joinpath("genre.yaml").read_text(encoding="utf-8"))


def features(a: Analysis) -> dict[str, Any]:
    text = a.text
    words = max(1, len(_WORD.findall(text)))
    per_k = 1000.0 / words
    speech = re.compile(r"\b(?:" + "|".join(map(re.escape, rules()["speech_verbs"])) + r")\b")
    main = [p for p in a.passages if p.layer == "main"] or a.passages
    # Dialogue is short quoted paragraphs; a long quoted paragraph is an excerpt (memoirs, essays).
    opening = sum(1 for p in main if _OPENING_QUOTE.match(p.body) and len(p.body) <= DIALOGUE_MAX_CHARS)
    return {
        "words": words,
        "format": a.format,
        "dialogue_share": opening / max(1, len(main)),
        "speech_rate": len(speech.findall(text)) * per_k,
        "year_rate": len(_YEAR.findall(text)) * per_k,
        "first_person": len(_FIRST_PERSON.findall(text)) * per_k,
        "page_markers": len(_PAGE_MARKER.findall(text)) * per_k,
        "editor_notes": len(_EDITOR_NOTE.findall(text)) * per_k,
        "comments": sum(1 for s in a.segments if s.kind == "comment"),
    }


def _holds(value: Any, cond: dict[str, Any]) -> bool:
    if "in" in cond and value not in cond["in"]:
        return False
    if "min" in cond and not value >= cond["min"]:
        return False
    return not ("max" in cond and not value <= cond["max"])


def detect_genre(a: Analysis) -> tuple[str, dict[str, Any]]:
    feats = features(a)
    return genre_of(feats), feats


def genre_of(feats: dict[str, Any]) -> str:
    """The genre the rules give these features (the compare stage re-reads stored features, so a
    change to genre.yaml reaches a KB without re-ingesting)."""
    for rule in rules()["genres"]:
        if all(name in feats and _holds(feats[name], cond) for name, cond in rule["when"].items()):
            return rule["genre"]
    return rules()["default"]


@register("genre")
def genre_stage(a: Analysis, ctx: Context) -> None:
    a.genre, feats = detect_genre(a)
    a.meta["genre_features"] = {k: round(v, 3) if isinstance(v, float) else v for k, v in feats.items()}


def _margin(value: Any, cond: dict[str, Any]) -> float:
    """How far a value clears its rule's thresholds, as a share of the threshold (0 at the edge)."""
    out = 1.0
    if "min" in cond and cond["min"] > 0:
        out = min(out, value / cond["min"] - 1)
    if "max" in cond and cond["max"] > 0:
        out = min(out, cond["max"] / max(value, 1e-9) - 1)
    return max(0.0, out)


def genre_confidence(feats: dict[str, Any]) -> dict[str, Any]:
    """How sure the rule-based genre is: ``high`` when every threshold of the winning rule is
    cleared by half of itself or more, ``medium`` by a tenth, ``low`` at the edge or when no rule
    matched and the genre is the default; ``basis`` says which, in words."""
    for rule in rules()["genres"]:
        if all(name in feats and _holds(feats[name], cond) for name, cond in rule["when"].items()):
            margin = min((_margin(feats[n], c) for n, c in rule["when"].items() if "in" not in c), default=1.0)
            level = "high" if margin >= 0.5 else "medium" if margin >= 0.1 else "low"
            return {"level": level, "basis": "by " + ", ".join(sorted(rule["when"])), "margin": round(margin, 2)}
    return {"level": "low", "basis": "no genre rule matched (the default)", "margin": 0.0}
