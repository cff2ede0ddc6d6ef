"""Are two KBs the same? Every table compared row for row, ids included (``ingested_at`` and
``loaded_at`` aside): for a change that must not alter what ingestion builds.

    python bench/same_kb.py KB_BEFORE KB_AFTER      # exit 0 when every table is equal, else 1
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

SKIP_COLUMNS = {"ingested_at", "loaded_at"}


def tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def table_rows(conn: sqlite3.Connection, table: str) -> list[str]:
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')") if r[1] not in SKIP_COLUMNS]
    select = ", ".join(f'"{c}"' for c in cols)
    return sorted(map(repr, conn.execute(f'SELECT {select} FROM "{table}"')))


def main() -> int:
    a, b = (sqlite3.connect(f"file:{p}?mode=ro", uri=True) for p in sys.argv[1:3])
    ta, tb = tables(a), tables(b)
    same = ta == tb
    if not same:
        print("tables only in one:", sorted(set(ta) ^ set(tb)))
    for t in (t for t in ta if t in tb):
        ra, rb = table_rows(a, t), table_rows(b, t)
        equal = hashlib.sha256("\n".join(ra).encode()).digest() == hashlib.sha256("\n".join(rb).encode()).digest()
        same &= equal
        extra = "" if equal else f" (only in first {len(set(ra) - set(rb))}, only in second {len(set(rb) - set(ra))})"
        print(f"{t:24s} {len(ra):7d} {len(rb):7d} {'same' if equal else 'DIFFERENT'}{extra}")
    print("every table equal" if same else "the KBs differ")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
