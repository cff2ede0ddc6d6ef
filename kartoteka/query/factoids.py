"""Queries over factoids, timeline, offices: the KB methods for this capability."""

from __future__ import annotations

import sqlite3


class FactoidQueries:
    conn: sqlite3.Connection
