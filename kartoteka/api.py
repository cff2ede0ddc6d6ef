"""The public Python API: what the CLI, the web UI and exports call. No SQL outside the stages.

    from kartoteka import KB
    kb = KB("kartoteka.db")
    kb.ingest(["texts/"])
    kb.search("Kirov murder")
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kartoteka.config import default_db_path, kb_location
from kartoteka.query.ask import AskQueries
from kartoteka.query.conflicts import ConflictQueries
from kartoteka.query.corrections import CorrectionQueries
from kartoteka.query.entities import EntityQueries
from kartoteka.query.events import EventQueries
from kartoteka.query.factoids import FactoidQueries
from kartoteka.query.records import RecordQueries
from kartoteka.store.db import connect


class KB(CorrectionQueries, EntityQueries, FactoidQueries, ConflictQueries, EventQueries, AskQueries,
         RecordQueries):
    """A knowledge base: one SQLite file. Each capability's queries live in its own module
    under ``kartoteka/query`` as a mixin; this class holds the connection and documents."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        # A postgresql:// URL names a server's database; anything else a file.
        self.path: Path | str = kb_location(path) if path is not None else default_db_path()
        self._create = create
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path, create=self._create)
        return self._conn

    def read_only(self) -> KB:
        """Refuse every write through this KB's connection from now on (the web UI serves a KB
        without changing it)."""
        self.conn.execute("PRAGMA query_only = ON")
        return self

    def reuse_search_cache(self, cache: Any) -> KB:
        """Search through ``cache`` (a ``kartoteka.query.search.SearchCache``: vectors, document
        texts, name expansions) instead of a cache of this KB's own: a server that opens a KB per
        request keeps one warm cache while the KB file is unchanged."""
        self._search_cache = cache
        return self

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> KB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building -------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        packs: list[str] | None = None,
        n_process: int | None = None,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[Any], None] | None = None,
        on_file: Callable[[str], None] | None = None,
        on_finish: Callable[[], None] | None = None,
        on_passage: Callable[[int, int], None] | None = None,
        embed: bool = True,
        on_deferred: Callable[[str, int, int], None] | None = None,
        ray: bool = False,
        ray_address: str | None = None,
        on_flight: Callable[[int, int], None] | None = None,
    ) -> list[Any]:
        """Add files and folders; returns one IngestResult per file found. Each document is
        searchable once written; then the deferred stages (embedding, unless ``embed`` is False)
        run over the documents written, ``on_deferred(stage, done, total)`` reporting progress.
        With ``ray``, documents are read and parsed on a Ray cluster (``ray_address``, else
        $RAY_ADDRESS, else a local one), ``on_flight(done, in_flight)`` reporting; the KB is the same."""
        from kartoteka.ingest.pipeline import ingest_paths, run_deferred
        from kartoteka.pipeline import Context, finish_run
        from kartoteka.store.writer import clear_stale, comparisons_stale

        ctx = Context(conn=self.conn, packs=packs, n_process=n_process or default_processes(),
                      on_passage=on_passage, skip=set() if embed else {"embed"})
        if ray:
            from kartoteka.ingest.ray_ingest import ingest_paths_ray

            results = ingest_paths_ray(ctx, paths, ray_address, on_start=on_start, on_result=on_result,
                                       on_file=on_file, on_flight=on_flight)
        else:
            results = ingest_paths(ctx, paths, on_start=on_start, on_result=on_result, on_file=on_file)
        written = [r.doc for r in results if r.status in ("added", "updated")]
        # Also when nothing changed now: a run killed before its comparisons left them stale.
        if comparisons_stale(self.conn):
            if on_finish:
                on_finish()
            finish_run(ctx, changed=True)
            clear_stale(self.conn)
        # The batch's unchanged documents too: a run killed before their vectors were done left them
        # without (the deferred stages take only the passages still lacking theirs).
        batch = written + [r.doc for r in results if r.status == "unchanged"]
        run_deferred(ctx, batch, on_deferred)
        # A document written again may take an old row id: texts (and vectors) the warm cache
        # holds for the KB as it was are read again.
        self._search_cache = None
        return results

    # -- documents ------------------------------------------------------------------------

    def sources(self) -> list[dict[str, Any]]:
        from kartoteka.compare.genre import genre_confidence
        from kartoteka.query.documents import list_sources

        out = list_sources(self.conn)
        records = self.source_records()  # the historian's bibliographic records (`kartoteka source`)
        for item in out:
            if item["doc"] in records:
                item["record"] = records[item["doc"]]
            feats = (item.get("profile") or {}).get("genre_features")
            if feats:
                item["genre_confidence"] = genre_confidence(feats)
        return out

    def totals(self) -> dict[str, int]:
        """Counts of documents, entities (mentioned), factoids, events and conflicts."""
        from kartoteka.query.documents import kb_totals

        return kb_totals(self.conn)

    def text(self, doc: str) -> str:
        from kartoteka.query.documents import document_text

        return document_text(self.conn, doc)

    def segments(self, doc: str, kind: str | None = None) -> list[dict[str, Any]]:
        from kartoteka.query.documents import segments

        return segments(self.conn, doc, kind)

    def search(self, query: str, limit: int = 10, source: str | None = None, *, mode: str = "hybrid",
               lineage: bool = False, furniture: bool = False, soft: bool = True) -> list[dict[str, Any]]:
        """Passages best first: BM25 and dense vectors fused by rank (``mode`` picks one or both);
        ``furniture`` also ranks captions, reference lists and navigation; ``soft`` reranks the
        hybrid candidates by their soft word match to the query."""
        from kartoteka.query.search import search

        return search(self.conn, query, limit=limit, source=source, mode=mode, lineage=lineage,
                      furniture=furniture, cache=self.search_cache, soft=soft)


def default_processes() -> int:
    import os

    return max(1, min(2, os.cpu_count() or 1))
