"""Settings with their defaults, overridable from the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "kartoteka.db"
MAX_FILE_BYTES = int(os.environ.get("KARTOTEKA_MAX_FILE_BYTES", 200 * 1024 * 1024))
# An EPUB or DOCX that would unpack past this many bytes is treated as a zip bomb.
MAX_UNPACKED_BYTES = int(os.environ.get("KARTOTEKA_MAX_UNPACKED_BYTES", 500 * 1024 * 1024))
MAX_COMPRESSION_RATIO = 200


def default_db_path() -> Path | str:
    """$KARTOTEKA_DB (a file, or a postgresql:// URL kept as written) or ./kartoteka.db."""
    value = os.environ.get("KARTOTEKA_DB") or DEFAULT_DB
    return value if value.startswith(("postgresql://", "postgres://")) else Path(value)
