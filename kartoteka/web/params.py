"""Query-parameter validation: every value the pages read passes through here, so a bad one is a
400 page with one clear line, never a traceback or a query built from raw input."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import QueryParams

from kartoteka.errors import UsageError

MAX_TEXT = 500
ENTITY_TYPES = ("person", "organization", "place", "event", "work", "other")
# An identifier as the KB writes them: pack ids ('soviet:stalin'), unlinked ('u:...'), factoid hashes.
_ID = re.compile(r"[\w:.\-]{1,200}")


class BadParam(UsageError):
    """A query parameter the page cannot use."""


def text(params: QueryParams, name: str, *, max_len: int = MAX_TEXT) -> str | None:
    """A free-text parameter, whitespace-trimmed; None when absent or blank."""
    raw = params.get(name)
    if raw is None:
        return None
    value = raw.strip()
    if len(value) > max_len:
        raise BadParam(f"parameter {name!r} is longer than {max_len} characters")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise BadParam(f"parameter {name!r} contains control characters")
    return value or None


def integer(params: QueryParams, name: str, *, default: int | None = None, lo: int = 0,
            hi: int = 10**9) -> int | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadParam(f"parameter {name!r} must be a whole number, not {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise BadParam(f"parameter {name!r} must be between {lo} and {hi}")
    return value


def choice(params: QueryParams, name: str, choices: Iterable[str]) -> str | None:
    value = text(params, name, max_len=100)
    allowed = tuple(choices)
    if value is not None and value not in allowed:
        raise BadParam(f"parameter {name!r} must be one of {', '.join(allowed)}")
    return value


def flag(params: QueryParams, name: str) -> bool:
    value = choice(params, name, ("0", "1", "on", "off", "true", "false"))
    return value in ("1", "on", "true")


def identifier(params: QueryParams, name: str) -> str | None:
    value = text(params, name, max_len=200)
    if value is not None and not _ID.fullmatch(value):
        raise BadParam(f"parameter {name!r} is not an identifier")
    return value


def date(params: QueryParams, name: str, *, end: bool = False) -> str | None:
    """A date bound ('1937', '1937-03', '1937-03-28'), checked the way the CLI checks --from/--to."""
    from kartoteka.extract.dates import parse_bound

    value = text(params, name, max_len=40)
    if value is None:
        return None
    try:
        parse_bound(value, end=end)
    except ValueError:
        raise BadParam(f"parameter {name!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


def page_request(params: QueryParams, name: str = "page", *, per: int = 50) -> tuple[int, int]:
    """(page number, rows per page) of a paged list: ``page`` from 1, ``per`` (1-500) may
    override the page's default size."""
    number = integer(params, name, default=1, lo=1, hi=1_000_000) or 1
    size = integer(params, "per", default=per, lo=1, hi=500) or per
    return number, size
