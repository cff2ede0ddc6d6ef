"""The English word lists of the query side, from ``words.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from kartoteka import yamldata


@cache
def word_sequence(name: str) -> tuple[str, ...]:
    """A list of ``words.yaml`` in its written order."""
    data = yamldata.safe_load(resources.files("kartoteka.query").joinpath("words.yaml").read_text(encoding="utf-8"))
    return tuple(str(w) for w in data[name])


@cache
def word_list(name: str) -> frozenset[str]:
    return frozenset(word_sequence(name))
