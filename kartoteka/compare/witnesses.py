"""Independence: which claims speak with one voice. A claim's witness is its document (or the
document's named author), a speaker the document reports ("according to X"), or the
document's editor; witnesses whose sentences share a run of words (one quoting the other) are one
witness. Corroboration and a conflict's sides count witnesses, not sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from kartoteka.compare.facts import Fact, rules
from kartoteka.resolve.keys import fold


def witness_of(f: Fact, authors: dict[str, str]) -> str:
    """The voice a factoid speaks with: ``doc:NAME`` (or ``author:NAME`` where the document's
    author is recorded), ``doc:NAME/editor`` for its editorial layer, ``voice:NAME`` for a speaker
    it reports (the same speaker reported by two documents is one witness)."""
    cfg = rules()["independence"]
    voice = (f.voice or "author").strip()
    if voice in cfg["editor_voices"]:
        return f"doc:{f.doc}/editor"
    if voice in cfg["document_voices"]:
        author = authors.get(f.doc)
        return f"author:{fold(author)}" if author else f"doc:{f.doc}"
    return f"voice:{fold(voice)}"


class Witnesses:
    """The witnesses behind the claims of one happening: factoids of one voice are one witness,
    and so are voices whose sentences here share a run of words (one quoting the other). Built
    per happening: two documents that share a stock phrase elsewhere are not one witness."""

    def __init__(self, facts: Iterable[Fact], authors: dict[str, str]) -> None:
        self.of: dict[str, str] = {}
        self._parent: dict[str, str] = {}
        by_shingle: dict[tuple[str, ...], str] = {}
        for f in facts:
            w = witness_of(f, authors)
            self.of[f.id] = w
            self._parent.setdefault(w, w)
            for sh in shingles(f.quote):
                other = by_shingle.setdefault(sh, w)
                if other != w:
                    self._union(other, w)

    def _find(self, w: str) -> str:
        while self._parent[w] != w:
            self._parent[w] = self._parent[self._parent[w]]
            w = self._parent[w]
        return w

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def root(self, fact_id: str) -> str:
        """The witness a factoid counts as, after merging quotations."""
        return self._find(self.of[fact_id])

    def count(self, fact_ids: Iterable[str]) -> int:
        """How many independent witnesses stand behind these factoids."""
        return len({self.root(i) for i in fact_ids if i in self.of})


@lru_cache(maxsize=50000)
def shingles(quote: str) -> frozenset[tuple[str, ...]]:
    n = int(rules()["independence"]["repeat_words"])
    words = re.findall(r"\w+", quote.lower())
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def document_authors(docs: dict[int, dict[str, Any]]) -> dict[str, str]:
    """The named author of each document that records one (meta ``author``)."""
    import json

    out = {}
    for d in docs.values():
        meta = json.loads(d.get("meta") or "{}")
        if isinstance(meta.get("author"), str) and meta["author"].strip():
            out[d["doc"]] = meta["author"].strip()
    return out
