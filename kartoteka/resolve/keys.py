"""Normalised lookup keys for names: case, diacritics, apostrophes and transliteration folded."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u2032`"


def fold(text: str) -> str:
    """Lowercase, strip diacritics and apostrophes (soft signs), collapse spaces and punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    for a in _APOSTROPHES:
        text = text.replace(a, "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def alias_key(name: str) -> str:
    """The exact-lookup key of an alias: folded spelling."""
    return fold(name)
