"""Queries over entities, mentions, packs: the KB methods for this capability."""

from __future__ import annotations

import sqlite3


class EntityQueries:
    conn: sqlite3.Connection
