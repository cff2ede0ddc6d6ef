"""Queries over corroboration, conflicts, source profiles: the KB methods for this capability."""

from __future__ import annotations

import sqlite3


class ConflictQueries:
    conn: sqlite3.Connection
