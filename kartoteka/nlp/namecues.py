"""The word lists of namecues.yaml: what the words around a name say about its kind."""

from __future__ import annotations

from functools import cache
from importlib import resources

from kartoteka import yamldata


@cache
def name_cues() -> dict[str, frozenset[str]]:
    text = resources.files("kartoteka.nlp").joinpath("namecues.yaml").read_text(encoding="utf-8")
    return {key: frozenset(words) for key, words in yamldata.safe_load(text).items()}
