"""The English word lists of the query side, from ``words.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from kartoteka import yamldata


@cache
def word_list(name: str) -> frozenset[str]:
    data = yamldata.safe_load(resources.files("kartoteka.query").joinpath("words.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w) for w in data[name])
