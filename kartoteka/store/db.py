"""Opening a KB: one SQLite file in WAL mode, migrated to the current schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kartoteka.errors import UsageError
from kartoteka.store.migrations import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the KB at ``path``."""
    path = Path(path)
    if not create and not path.exists():
        raise UsageError(f"no knowledge base at {path} (build one with `kartoteka ingest PATH`)")
    if path.exists() and path.is_dir():
        raise UsageError(f"{path} is a folder, not a knowledge base file")
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise UsageError(f"{path} is not a Kartoteka knowledge base ({e})") from None
    if version > SCHEMA_VERSION:
        raise UsageError(f"{path} was written by a newer Kartoteka (schema {version} > {SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, version)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version, SCHEMA_VERSION):
        with transaction(conn):
            for statement in _split(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")


def _split(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, buf = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].rstrip() if not line.strip().startswith("--") else ""
        if not stripped:
            continue
        buf.append(stripped)
        joined = "\n".join(buf)
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            buf = []
    if "".join(buf).strip():
        statements.append("\n".join(buf))
    return statements


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: all or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
