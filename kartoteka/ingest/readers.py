"""Readers: turn a file into stored text, or reject it with a one-line reason.

Each reader returns a ``RawDocument``. The stored text of a plain-text file is its decoded
content, unchanged; other formats store the text their library extracts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kartoteka import config
from kartoteka.errors import RejectedInput


@dataclass
class RawDocument:
    text: str
    format: str
    title: str | None = None
    encoding: str | None = None
    # Printed pages known from the format (PDF): (start, end, label) ranges of the text.
    pages: list[tuple[int, int, str]] = field(default_factory=list)
    # Ranges the format itself marks as boilerplate or comments: (kind, start, end, label).
    regions: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else the detector's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise RejectedInput("UTF-16 byte-order mark but undecodable content") from None
    if b"\x00" in data[:8192]:
        raise RejectedInput("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedInput("binary content, no text encoding fits")
    encoding = best.encoding
    # The detector's Latin family guesses are all read as cp1252, which is a superset of
    # Latin-1's printable range and what such files almost always are.
    if encoding in ("latin_1", "iso8859_1", "ascii"):
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1"), "latin-1"


def _printable_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 1.0
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xFFF0 <= ord(c) or 0x7F <= ord(c) < 0xA0)
    return 1 - bad / len(sample)


def read_plain(path: Path, data: bytes) -> RawDocument:
    text, encoding = decode_text(data)
    if _printable_ratio(text) < 0.95:
        raise RejectedInput("binary content with a text extension")
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return RawDocument(text=text, format=fmt, encoding=encoding)


READERS: dict[str, Callable[[Path, bytes], RawDocument]] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
}


def read_document(path: Path) -> RawDocument:
    """Read one file; raises RejectedInput with a one-line reason."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise RejectedInput(f"unsupported format {path.suffix or '(no extension)'!s}")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RejectedInput(f"cannot read: {e.strerror}") from None
    if size == 0:
        raise RejectedInput("empty file")
    if size > config.MAX_FILE_BYTES:
        raise RejectedInput(f"too large ({size:,} bytes > limit {config.MAX_FILE_BYTES:,})")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RejectedInput(f"cannot read: {e.strerror}") from None
    raw = reader(path, data)
    if not raw.text.strip():
        raise RejectedInput("no text content")
    return raw
