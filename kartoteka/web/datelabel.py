"""Dates as a reader says them: a factoid's resolved interval ("5 March 1911", "March 1911",
"1911", "1910 – 1912") rather than the words of the source ("the next day"), which the pages show
beside it only where they differ."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

ISO = re.compile(r"\d{4}(?:-\d\d){0,2}")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _day(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)} {MONTHS[int(m) - 1]} {int(y)}"


def _month(iso: str) -> str:
    y, m = iso.split("-")[:2]
    return f"{MONTHS[int(m) - 1]} {int(y)}"


def _month_end(iso: str) -> bool:
    y, m, d = (int(x) for x in iso.split("-"))
    return (date(y, m, d) + timedelta(days=1)).day == 1


def date_label(d: dict[str, Any] | None) -> str:
    """The resolved date of a factoid's ``date`` field, worded by the shape of its interval
    (whole years, whole months, or days); its text when it has no interval."""
    if not d:
        return ""
    start, end = d.get("start"), d.get("end")
    if not start or not end:
        return str(d.get("text") or "")
    try:
        if start == end:
            return _day(start)
        if start[5:] == "01-01" and end[5:] == "12-31":
            first, last = str(int(start[:4])), str(int(end[:4]))
        elif start[8:] == "01" and _month_end(end):
            first, last = _month(start), _month(end)
        else:
            first, last = _day(start), _day(end)
    except (ValueError, IndexError):
        return str(d.get("text") or start)
    return first if first == last else f"{first} – {last}"


def said_differently(d: dict[str, Any] | None) -> str | None:
    """The source's own words for the date, where they are not just the resolved date."""
    if not d or not d.get("text"):
        return None
    text = str(d["text"]).strip()
    if ISO.fullmatch(text):  # a date already written out (events carry their interval's start)
        return None
    label = date_label(d)
    return None if text.casefold() == label.casefold() or text.casefold() in label.casefold() else text
