"""Queries over question answering and hybrid search: the KB methods for this capability."""

from __future__ import annotations

import sqlite3


class AskQueries:
    conn: sqlite3.Connection
