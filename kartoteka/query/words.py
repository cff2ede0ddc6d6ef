"""The English word lists of the query side, from ``words.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kartoteka import yamldata


@cache
def _lists() -> dict[str, list[object]]:
    """``words.yaml``, parsed once per process (a cold ``ask`` reads a dozen of its lists). Found
    beside this module, not through ``importlib.resources``: importing that (with the tempfile,
    zipfile and compression modules it brings) cost every cold query command ~10 ms."""
    return yamldata.safe_load((Path(__file__).parent / "words.yaml").read_text(encoding="utf-8"))


@cache
def word_sequence(name: str) -> tuple[str, ...]:
    """A list of ``words.yaml`` in its written order."""
    return tuple(str(w) for w in _lists()[name])


@cache
def word_list(name: str) -> frozenset[str]:
    return frozenset(word_sequence(name))
