"""A PostgreSQL KB behind the small part of sqlite3's connection interface the stages use.

``PgConnection.execute`` takes the SQLite statements the stages write, translates them once
(kartoteka.store.dialect) and answers with rows that index like ``sqlite3.Row`` (by position or
by case-insensitive name). Errors come back as sqlite3's exception classes, so the stages'
error handling holds on both backends. PRAGMAs the stages send are mapped to their PostgreSQL
meaning (user_version: a one-row table; query_only: read-only transactions) or ignored (WAL,
busy timeouts: PostgreSQL has its own).

Writers serialise on one advisory lock taken by ``BEGIN IMMEDIATE``: like SQLite's write lock,
one ingest and several correctors take turns writing whole transactions (no lost update), while
readers never wait.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from kartoteka.config import DB_URL_PREFIXES
from kartoteka.errors import KartotekaError, UsageError
from kartoteka.store.dialect import split_tokens, translate

WRITE_LOCK = 0x4B415254  # "KART": the advisory lock every writing transaction holds
_PRAGMA = re.compile(r"\s*PRAGMA\s+(\w+)\s*(?:=\s*(\S+))?\s*;?\s*$", re.I)


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(DB_URL_PREFIXES)


class Row:
    """One result row: by position, by (case-insensitive) column name, and as a mapping."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = tuple(values)

    def __getitem__(self, key: int | slice | str) -> Any:
        if isinstance(key, str):
            return self._values[self._names[key.lower()]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=False))!r})"


def _row_factory(cursor: Any) -> Any:
    desc = cursor.description or []
    names = {d.name.lower(): i for i, d in enumerate(desc)}
    return lambda values: Row(names, values)


class PgCursor:
    """What ``execute`` returns: rows to iterate or fetch, ``lastrowid`` and ``rowcount``."""

    def __init__(self, conn: PgConnection, rows: list[Row] | None = None, rowcount: int = -1) -> None:
        self._conn = conn
        self._rows = rows or []
        self._pos = 0
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchall(self) -> list[Row]:
        rest = self._rows[self._pos:]
        self._pos = len(self._rows)
        return rest

    def fetchmany(self, size: int = 1) -> list[Row]:
        rest = self._rows[self._pos:self._pos + size]
        self._pos += len(rest)
        return rest

    def __iter__(self) -> Iterator[Row]:
        while (row := self.fetchone()) is not None:
            yield row

    @property
    def lastrowid(self) -> int | None:
        """The identity value the last INSERT took (PostgreSQL's lastval())."""
        return self._conn.last_value()


class PgConnection:
    """A KB connection to PostgreSQL with the interface of an autocommit sqlite3 connection."""

    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.types.numeric import FloatLoader

        self.url = url
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as e:
            raise KartotekaError(f"cannot connect to {redact(url)}: {str(e).strip().splitlines()[0]}") from None
        # numeric (sum or avg of integers) as float, as SQLite answers
        self.raw.adapters.register_loader("numeric", FloatLoader)
        self.primary_keys: tuple[tuple[str, str], ...] = ()

    # -- the sqlite3 interface ----------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        special = self._special(sql)
        if special is not None:
            return special
        return self._run(translate(sql, self.primary_keys), params)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        text = translate(sql, self.primary_keys)
        rows = [tuple(p) for p in seq]
        if not rows:
            return PgCursor(self, rowcount=0)
        with self._errors(), self.raw.cursor() as cur:
            cur.executemany(text, rows)
            return PgCursor(self, rowcount=cur.rowcount)

    def execute_native(self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *,
                       prepare: bool | None = None) -> PgCursor:
        """A statement already in PostgreSQL's dialect (placeholders ``%s`` or ``%(name)s``), run
        as it is; ``prepare``: plan it once on the server and reuse the plan (psycopg otherwise
        prepares a statement only after its fifth run)."""
        return self._run(sql, params, prepare=prepare)

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    # -- internals ------------------------------------------------------------------------------

    def _run(self, text: str, params: Sequence[Any] | dict[str, Any], *, prepare: bool | None = None) -> PgCursor:
        with self._errors(), self.raw.cursor() as cur:
            cur.execute(text, params if params is not None else (), prepare=prepare)
            rows = cur.fetchall() if cur.description is not None else []
            return PgCursor(self, rows, cur.rowcount)

    def _errors(self) -> Any:
        return _ErrorMap()

    def _special(self, sql: str) -> PgCursor | None:
        """BEGIN IMMEDIATE and the PRAGMAs, which have no direct PostgreSQL statement."""
        head = sql.lstrip()[:24].upper()
        if head.startswith("BEGIN"):
            self._run("BEGIN", ())
            if "IMMEDIATE" in head or "EXCLUSIVE" in head:
                self._run(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})", ())
            return PgCursor(self)
        if not head.startswith("PRAGMA"):
            return None
        m = _PRAGMA.match(sql)
        if not m:
            raise sqlite3.OperationalError(f"unsupported PRAGMA on PostgreSQL: {sql.strip()}")
        name, value = m.group(1).lower(), m.group(2)
        if name == "user_version":
            if value is None:
                return PgCursor(self, [Row({"user_version": 0}, (schema_version(self),))])
            self._run("UPDATE kartoteka_schema SET version = %s", (int(value),))
        elif name == "query_only":
            on = (value or "").strip("'\"").lower() in ("1", "on", "true", "yes")
            self._run(f"SET default_transaction_read_only = {'on' if on else 'off'}", ())
        return PgCursor(self)  # foreign_keys, journal_mode, synchronous, busy_timeout, database_list

    def last_value(self) -> int | None:
        row = self._run("SELECT lastval()", ()).fetchone()
        return int(row[0]) if row else None


class _ErrorMap:
    """psycopg's errors as the sqlite3 classes the stages catch."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        import psycopg

        if exc is None or not isinstance(exc, psycopg.Error):
            return False
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.IntegrityError | psycopg.errors.RaiseException):
            raise sqlite3.IntegrityError(message) from exc
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            raise sqlite3.OperationalError(f"attempt to write a readonly database ({message})") from exc
        if isinstance(exc, psycopg.OperationalError):
            raise KartotekaError(f"PostgreSQL: {message}") from exc
        raise sqlite3.OperationalError(message) from exc


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def schema_version(conn: PgConnection) -> int:
    row = conn._run(  # noqa: SLF001 - the module's own connection
        "SELECT version FROM kartoteka_schema", ()).fetchone() if _has_schema_table(conn) else None
    return int(row[0]) if row else 0


def _has_schema_table(conn: PgConnection) -> bool:
    row = conn._run("SELECT to_regclass('kartoteka_schema') IS NOT NULL", ()).fetchone()  # noqa: SLF001
    return bool(row and row[0])


# -- schema -------------------------------------------------------------------------------------

_INT_PK = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?", re.I)
_TRIGGER_RAISE = re.compile(
    r"CREATE\s+TRIGGER\s+(\w+)\s+(BEFORE|AFTER)\s+(UPDATE|DELETE|INSERT)\s+ON\s+(\w+)\s+BEGIN\s+"
    r"SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)\s*;\s*END\s*;?\s*$", re.I | re.S)
_FTS5 = re.compile(r"CREATE\s+VIRTUAL\s+TABLE\s+(\w+)\s+USING\s+fts5\s*\((.*)\)\s*;?\s*$", re.I | re.S)


def ddl(statement: str) -> list[str]:
    """One SQLite migration statement as PostgreSQL statements: integer keys become identity
    columns, BLOB bytea, text columns compare byte-wise (collation "C", as SQLite does), an FTS5
    index becomes a tsvector column with a GIN index (filled by kartoteka.store.fts), and a
    trigger that refuses a change becomes a PL/pgSQL one."""
    m = _FTS5.match(statement.strip())
    if m:
        table = re.search(r"content\s*=\s*'(\w+)'", m.group(2)).group(1)  # type: ignore[union-attr]
        return [f"ALTER TABLE {table} ADD COLUMN fts tsvector, ADD COLUMN fts_len INTEGER NOT NULL DEFAULT 0",
                f"CREATE INDEX {m.group(1)} ON {table} USING gin (fts)"]
    m = _TRIGGER_RAISE.match(statement.strip())
    if m:
        name, when, event, table, message = m.groups()
        return [f"CREATE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" RAISE EXCEPTION '{message}'; END $$",
                f"CREATE TRIGGER {name} {when} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()"]
    if re.match(r"\s*CREATE\s+TRIGGER\b", statement, re.I):
        if "_fts" in statement:  # FTS5 upkeep: the tsvector column is written with the passage
            return []
        raise UsageError(f"a migration's trigger has no PostgreSQL translation: {statement[:80]}")
    text = _INT_PK.sub("INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", statement)
    text = re.sub(r"\bBLOB\b", "BYTEA", text, flags=re.I)
    if re.match(r"\s*(CREATE\s+TABLE|ALTER\s+TABLE)\b", text, re.I):
        text = _text_collate_c(text)
    return [translate(text)]


def _text_collate_c(statement: str) -> str:
    """TEXT as a column's type (not a column named text) compares byte-wise."""
    toks = split_tokens(statement)
    out, prev = [], ""
    for t in toks:
        if t.upper() == "TEXT" and prev not in ("(", ",", "COLUMN"):
            t = 'TEXT COLLATE "C"'
        out.append(t)
        if not t.isspace():
            prev = t.upper()
    return "".join(out)


def primary_keys(migrations: list[str]) -> tuple[tuple[str, str], ...]:
    """table -> its primary key column(s), read from the migrations (INSERT OR REPLACE's target)."""
    out: dict[str, str] = {}
    for script in migrations:
        for m in re.finditer(r"CREATE\s+TABLE\s+(\w+)\s*\((.*?)\n\s*\);", script, re.S | re.I):
            table, body = m.group(1).lower(), m.group(2)
            col = re.search(r"^\s*(\w+)\s+\w+[^,\n]*\bPRIMARY\s+KEY", body, re.M | re.I)
            comp = re.search(r"PRIMARY\s+KEY\s*\(([^)]*)\)", body, re.I)
            if comp:
                out[table] = ", ".join(c.strip() for c in comp.group(1).split(","))
            elif col:
                out[table] = col.group(1).lower()
    return tuple(sorted(out.items()))


# -- consistency

_KB_RELATIONS = ("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " LEFT JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = current_schema() AND {} ORDER BY 1")


def amcheck(conn: PgConnection) -> list[str]:
    """PostgreSQL's own consistency check of a KB (the amcheck extension, which pg_amcheck runs
    too): every table's heap and TOAST pages (verify_heapam), and every B-tree index against its
    table (bt_index_check with heapallindexed: each row's entry is there). The problems found,
    one line each; none on a sound KB. Needs a role allowed to create the extension."""
    conn.execute_native("CREATE EXTENSION IF NOT EXISTS amcheck")
    problems = []
    for (table,) in conn.execute_native(_KB_RELATIONS.format("c.relkind = 'r'")).fetchall():
        for block, offset, msg in conn.execute_native(
                "SELECT blkno, offnum, msg FROM verify_heapam(CAST(%s AS regclass), check_toast => true)",
                (table,)).fetchall():
            problems.append(f"{table}: block {block}, item {offset}: {msg}")
    for (index,) in conn.execute_native(_KB_RELATIONS.format("c.relkind = 'i' AND a.amname = 'btree'")).fetchall():
        try:
            conn.execute_native("SELECT bt_index_check(CAST(%s AS regclass), true)", (index,))
        except sqlite3.Error as e:
            problems.append(f"{index}: {e}")
    return problems
