"""A cache of rendered pages for the read-only UI: many readers opening the same home page,
search or dossier get the page built once, until the KB file changes.

The key is the request's path and query; an entry holds while the KB's files (the database and
its write-ahead log) keep their size and modification time, so an ingest or a correction made
while the server runs shows on the next request. Concurrent requests for one page that is not
cached wait for the first to build it instead of all building it at once.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 512
MAX_BYTES = 64 << 20  # the largest pages (a long timeline) are a few hundred KiB
UNCACHED = ("/static/", "/correct/")


def kb_state(db: Path) -> tuple[int, ...]:
    """What changes whenever the KB does: size and mtime of the file and of its WAL. An empty
    WAL counts as none: each reader's connection creates one and the last to close removes it,
    which changes nothing in the KB."""
    out: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            st = os.stat(path)
            out += [st.st_size, st.st_mtime_ns] if st.st_size else [-1, -1]
        except OSError:
            out += [-1, -1]
    return tuple(out)


class WarmSearch:
    """One search cache (the vector matrix, document texts, name expansions and query vectors:
    ``kartoteka.query.search.SearchCache``) for every request while the KB's files are unchanged.
    The server opens a KB per request; without this each search reloaded every vector and each
    dossier re-read its documents' texts."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.state: tuple[int, ...] | None = None
        self.cache: Any = None

    def current(self) -> Any:
        from kartoteka.query.search import SearchCache

        state = kb_state(self.db)
        if self.cache is None or state != self.state:
            self.state, self.cache = state, SearchCache()
        return self.cache


class PageCache:
    """ASGI middleware: answers a GET for a page already built from the cache (the response
    says which in its ``x-page-cache`` header: hit or miss)."""

    def __init__(self, app: ASGIApp, db: Path) -> None:
        self.app = app
        self.db = db
        self.entries: OrderedDict[tuple[str, str], tuple[tuple[int, ...], int, list[Any], bytes]] = OrderedDict()
        self.size = 0
        self.building: dict[tuple[str, str], asyncio.Lock] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(UNCACHED):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b"").decode("latin-1"))
        if await self.replay(key, send):
            return
        lock = self.building.setdefault(key, asyncio.Lock())
        async with lock:
            if await self.replay(key, send):
                return
            await self.build(key, scope, receive, send)
        self.building.pop(key, None)

    async def replay(self, key: tuple[str, str], send: Send) -> bool:
        hit = self.entries.get(key)
        if hit is None or hit[0] != kb_state(self.db):
            return False
        self.entries.move_to_end(key)
        _, status, headers, body = hit
        await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"x-page-cache", b"hit")]})
        await send({"type": "http.response.body", "body": body})
        return True

    async def build(self, key: tuple[str, str], scope: Scope, receive: Receive, send: Send) -> None:
        state = kb_state(self.db)
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": [*message.get("headers", []), (b"x-page-cache", b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if start.get("status") == 200 and kb_state(self.db) == state:
            self.store(key, (state, 200, list(start.get("headers", [])), b"".join(chunks)))

    def store(self, key: tuple[str, str], entry: tuple[tuple[int, ...], int, list[Any], bytes]) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old[3])
        if len(entry[3]) > MAX_BYTES // 8:
            return
        self.entries[key] = entry
        self.size += len(entry[3])
        while len(self.entries) > MAX_ENTRIES or self.size > MAX_BYTES:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped[3])
