"""Opening a KB: one SQLite file in WAL mode (or a PostgreSQL database named by a
``postgresql://`` URL), migrated to the current schema."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kartoteka.errors import KartotekaError, UsageError
from kartoteka.store.migrations import MIGRATIONS
from kartoteka.store.postgres import is_url

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the KB at ``path``.

    Without ``create`` the file must already be a Kartoteka KB: another program's SQLite file,
    an empty file or a device is refused before anything is written to it (no schema, no WAL).
    A ``postgresql://`` URL opens that database instead (kartoteka.store.postgres)."""
    if is_url(path):
        return connect_postgres(str(path), create=create)  # type: ignore[return-value]
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a knowledge base file")
    if not create and not path.exists():
        raise UsageError(f"no knowledge base at {path} (build one with `kartoteka ingest PATH`)")
    if path.exists():
        check_kb_file(path, create=create)
    if not create and not _writable(path):
        return _open_read_only(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError as e:
        raise KartotekaError(f"cannot open {path}: {e}") from None
    except sqlite3.DatabaseError as e:
        raise UsageError(f"{path} is not a Kartoteka knowledge base ({e})") from None
    if version > SCHEMA_VERSION:
        raise UsageError(f"{path} was written by a newer Kartoteka (schema {version} > {SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, version)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_kb_file(path: Path, *, create: bool) -> None:
    """Refuse a path that is not a Kartoteka KB (``create``: nor an empty file or empty SQLite
    database to build one in), reading it without writing anything."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{path} is not a regular file, not a knowledge base")
        if st.st_size == 0:
            if create:
                return
            raise UsageError(f"{path} is an empty file, not a knowledge base (`kartoteka ingest` builds one)")
        with path.open("rb") as fh:
            magic = fh.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from None
    if magic != SQLITE_MAGIC:
        raise UsageError(f"{path} is not a Kartoteka knowledge base (not an SQLite file)")
    version, tables = _peek(path)
    if version == 0 and not (create and tables == 0):
        raise UsageError(f"{path} is not a Kartoteka knowledge base (an SQLite file of another program)")


def _peek(path: Path) -> tuple[int, int]:
    """(user_version, number of tables) read through a read-only connection."""
    for mode in ("ro", "ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True)
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                return version, tables
            finally:
                conn.close()
        except sqlite3.OperationalError:
            continue  # a WAL file in a read-only folder: read it as immutable
        except sqlite3.DatabaseError as e:
            raise UsageError(f"{path} is not a Kartoteka knowledge base ({e})") from None
    raise UsageError(f"cannot read {path} as a knowledge base")


def _writable(path: Path) -> bool:
    """Can SQLite write beside the KB (its -wal and -shm files)?"""
    return os.access(path, os.W_OK) and os.access(path.absolute().parent, os.W_OK)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A KB in a read-only file or folder: queries work, nothing is written (immutable when
    SQLite cannot create its shared-memory file there)."""
    version, _tables = _peek(path)
    if version != SCHEMA_VERSION:
        raise UsageError(f"{path} needs upgrading (schema {version}, this Kartoteka {SCHEMA_VERSION}) but is read-only")
    wal = path.with_name(path.name + "-shm").exists()
    mode = "ro" if wal else "ro&immutable=1"
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def migrate(conn: sqlite3.Connection, version: int, target: int = SCHEMA_VERSION) -> None:
    """Migrate from ``version`` to ``target`` (the current schema; an older one builds a KB as an
    earlier Kartoteka left it, to test a migration's backfill)."""
    for number in range(version, target):
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


def connect_postgres(url: str, *, create: bool = True) -> object:
    """A PostgreSQL KB: the same migrations, translated, all pending ones in one transaction."""
    from kartoteka.store.postgres import PgConnection, primary_keys, redact, schema_version

    conn = PgConnection(url)
    conn.primary_keys = primary_keys(MIGRATIONS)
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        conn.close()
        raise UsageError(f"{redact(url)} was written by a newer Kartoteka (schema {version} > {SCHEMA_VERSION})")
    if version == 0 and conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]:
        conn.close()
        raise UsageError(f"{redact(url)} is not a Kartoteka knowledge base (it has tables of another program)")
    if version == 0 and not create:
        conn.close()
        raise UsageError(f"no knowledge base at {redact(url)} (build one with `kartoteka ingest PATH`)")
    if version < SCHEMA_VERSION:
        migrate_postgres(conn)
    return conn


def migrate_postgres(conn: object, target: int = SCHEMA_VERSION) -> None:
    from kartoteka.store.postgres import ddl, schema_version

    with transaction(conn):  # type: ignore[arg-type]
        conn.execute("CREATE TABLE IF NOT EXISTS kartoteka_schema (version INTEGER NOT NULL)")  # type: ignore[attr-defined]
        version = schema_version(conn)  # type: ignore[arg-type]
        if version == 0:
            conn.execute("INSERT INTO kartoteka_schema (version) VALUES (0)")  # type: ignore[attr-defined]
        for number in range(version, target):
            for statement in _split(MIGRATIONS[number]):
                for pg_statement in ddl(statement):
                    conn.execute_native(pg_statement)  # type: ignore[attr-defined]
        conn.execute(f"PRAGMA user_version = {target}")  # type: ignore[attr-defined]


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "attempt") -> Iterator[sqlite3.Connection]:
    """One statement or a few that may fail without spoiling the enclosing transaction: on an
    error they are undone and the error goes on (PostgreSQL aborts a whole transaction on a
    failed statement unless a savepoint bounds it; SQLite undoes the statement alone)."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield conn
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


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
