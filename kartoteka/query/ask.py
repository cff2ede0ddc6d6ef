"""Queries over question answering and hybrid search: the KB methods for this capability."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kartoteka.query.search import SearchCache


class AskQueries:
    conn: sqlite3.Connection
    _search_cache: SearchCache | None = None

    @property
    def search_cache(self) -> SearchCache:
        """Document texts, vectors and name expansions a warm process reuses between queries."""
        if self._search_cache is None:
            from kartoteka.query.search import SearchCache

            self._search_cache = SearchCache()
        return self._search_cache

    def ask(self, question: str) -> dict[str, Any]:
        """CONTRACT.md's ask shape: an answer with citations, or "" with kind "unknown"."""
        from kartoteka.query.answer import answer_question

        return answer_question(self, question)

    def embed_missing(self) -> int:
        """Give every passage without a dense vector one (a KB built before the embed extra was
        installed); returns how many were embedded. Loads torch: a build step, not a query."""
        from kartoteka.errors import UsageError
        from kartoteka.nlp.embed import embed_missing

        try:
            n = embed_missing(self.conn)
        except RuntimeError as e:
            raise UsageError(str(e)) from None
        self._search_cache = None
        return n
