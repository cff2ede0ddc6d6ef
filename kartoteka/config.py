"""Settings with their defaults, overridable from the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "kartoteka.db"
MAX_FILE_BYTES = int(os.environ.get("KARTOTEKA_MAX_FILE_BYTES", 200 * 1024 * 1024))
# An EPUB or DOCX that would unpack past this many bytes is treated as a zip bomb.
MAX_UNPACKED_BYTES = int(os.environ.get("KARTOTEKA_MAX_UNPACKED_BYTES", 500 * 1024 * 1024))
MAX_COMPRESSION_RATIO = 200


DB_URL_PREFIXES = ("postgresql://", "postgres://")


def kb_location(value: str | Path) -> Path | str:
    """Where a KB lives: a postgresql:// URL (kept as written) or a file's path."""
    return value if isinstance(value, str) and value.startswith(DB_URL_PREFIXES) else Path(value)


def kb_name(location: str | Path) -> str:
    """A KB's name for titles and file names: the file's name, or the database's name in a URL."""
    loc = kb_location(str(location)) if isinstance(location, str) else location
    if isinstance(loc, str):
        from urllib.parse import urlsplit

        return urlsplit(loc).path.strip("/") or "postgres"
    return loc.name


def default_db_path() -> Path | str:
    """$KARTOTEKA_DB (a file, or a postgresql:// URL) or ./kartoteka.db."""
    return kb_location(os.environ.get("KARTOTEKA_DB") or DEFAULT_DB)
