"""Normalised lookup keys for names: case, diacritics, apostrophes and transliteration folded.

Three keys, from strict to loose:

* ``alias_key``: the folded spelling (case, accents, apostrophes, punctuation);
* ``translit_key``: a phonetic-ish key that makes the usual romanisations of one Russian name
  agree (Yezhov/Ezhov, Zinoviev/Zinov'ev, Slutsky/Sloutski, Riutin/Ryutin, Iagoda/Yagoda,
  Spiegelglass/Spiegelglas, Trotzky/Trotsky, Sedoff/Sedov, Ivanovitch/Ivanovich);
* ``ocr_key``: the transliteration key after undoing common OCR confusions (0/O, 1/l, rn/m,
  li/h), used only as a fallback where the context supports it.

The rewrite rules are data (``data/translit.yaml``); this module only applies them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kartoteka import yamldata

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u2032`"
_DATA = Path(__file__).parent / "data" / "translit.yaml"


@lru_cache(maxsize=131072)
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


_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_ROMAN = re.compile(r"[ivx]{2,5}")


@lru_cache(maxsize=1)
def _ordinals() -> tuple[str, ...]:
    return tuple(yamldata.safe_load(_DATA.read_text(encoding="utf-8")).get("ordinals") or [])


def _ordinal_word(word: str) -> str:
    """ "1st" -> "first": bodies and events are named with either ("1st Cavalry Army")."""
    m = _ORDINAL.match(word)
    words = _ordinals()
    return words[int(m.group(1))] if m and int(m.group(1)) < len(words) else word


@lru_cache(maxsize=1)
def _rules() -> tuple[list[tuple[re.Pattern[str], str]], list[tuple[re.Pattern[str], str]]]:
    data = yamldata.safe_load(_DATA.read_text(encoding="utf-8"))
    translit = [(re.compile(p), r) for p, r in data["translit"]]
    ocr = [(re.compile(p), r) for p, r in data["ocr"]]
    return translit, ocr


def _apply(rules: list[tuple[re.Pattern[str], str]], word: str) -> str:
    for pat, rep in rules:
        word = pat.sub(rep, word)
    return word


@lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """Phonetic-ish key: romanisation variants of one name share it."""
    translit, _ = _rules()
    words = fold(name).split()
    # Letters that count one by one keep their doubles: an acronym ("SSSR" is no "SR") and a
    # Roman numeral ("World War II" is no "World War I").
    counted = {w.lower() for w in re.findall(r"\b[A-Z]{2,5}\b", name)}
    out = []
    for w in words:
        if w.isdigit():
            out.append(w)
            continue
        if w in counted or _ROMAN.fullmatch(w):
            out.append(w)
            continue
        w = _apply(translit, _ordinal_word(w))
        w = re.sub(r"(.)\1+", r"\1", w)  # double letters
        out.append(w)
    return " ".join(out)


@lru_cache(maxsize=65536)
def ocr_key(name: str) -> str:
    """The transliteration key after undoing OCR confusions (digits for letters, li/h, rn/m)."""
    _, ocr = _rules()
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = []
    for w in re.split(r"[^a-z0-9'\u2019]+", text):
        if not w or w.isdigit():
            continue
        words.append(_apply(ocr, w))
    return translit_key(" ".join(words))


@lru_cache(maxsize=1)
def _systems() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    data = yamldata.safe_load(_DATA.read_text(encoding="utf-8"))
    return {name: [(re.compile(p), r) for p, r in rules] for name, rules in (data.get("systems") or {}).items()}


@lru_cache(maxsize=65536)
def variant_keys(name: str) -> dict[str, str]:
    """The translit key of ``name`` read as written in another romanisation system (German,
    French, Polish), by system, where it differs from the plain key."""
    plain = translit_key(name)
    out: dict[str, str] = {}
    for system, rules in _systems().items():
        words = [_apply(rules, w) for w in name.lower().split()]
        key = translit_key(" ".join(words))
        if key and key != plain and key not in out.values():
            out[system] = key
    return out


@lru_cache(maxsize=65536)
def variant_names(name: str) -> dict[str, str]:
    """The whole name rewritten word by word into the English system, by romanisation system,
    where that changes it: "Klyment Okhrimovyč Vorošylov" -> "Klyment Okhrimovych Voroshylov"
    (scholarly). A name whose given name and patronymic are romanised alike with the surname needs
    all its words read so, not the surname alone. Capitalisation is kept (initials, name parts)."""
    out: dict[str, str] = {}
    for system, rules in _systems().items():
        words = []
        for w in name.split():
            new = _apply(rules, w.lower())
            words.append(new[:1].upper() + new[1:] if w[:1].isupper() else new)
        text = " ".join(words)
        if text.lower() != name.lower() and text not in out.values():
            out[system] = text
    return out


def slug(name: str) -> str:
    """An id-safe slug of a name (for unlinked entities: ``u:<slug>``)."""
    return fold(name).replace(" ", "-") or "x"
