"""Shared CLI plumbing: global options, JSON output, one-line errors."""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from kartoteka.api import KB
from kartoteka.errors import UsageError


class LazyConsole:
    """A rich Console made on first use, so that `--json` runs never import rich (tens of ms cold)."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.made: Any = None

    def real(self) -> Any:
        """The rich Console itself, for a rich object that takes one (a progress bar)."""
        if self.made is None:
            from rich.console import Console

            self.made = Console(**self.options)
        return self.made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)

    # dunder methods are looked up on the type, never through __getattr__
    def __enter__(self) -> Any:
        return self.real().__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.real().__exit__(*exc)


console: Any = LazyConsole()
# Messages on stderr are one line each (CONTRACT): never wrapped at the terminal width.
err_console: Any = LazyConsole(stderr=True, soft_wrap=True)


# A query longer than this is refused at once (the web UI caps its parameters the same way): a
# pasted book would otherwise be tokenised, expanded and ranked for minutes.
MAX_QUERY_CHARS = 1000


def check_query(text: str, what: str = "query") -> str:
    """The query, or UsageError (exit 2) when it is empty or too long."""
    if not text.strip():
        raise UsageError(f"empty {what}")
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"{what} too long ({len(text):,} characters > {MAX_QUERY_CHARS:,})")
    return text


class State:
    def __init__(self) -> None:
        self.db: str | None = None
        self.json: bool = False

    def kb(self, create: bool = False) -> KB:
        return KB(self.db, create=create)


def common_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Let ``--db`` and ``--json`` also follow the subcommand (CONTRACT: `kartoteka sources --json`)."""

    @click.option("--db", "db_", default=None, help="Knowledge base file (default: $KARTOTEKA_DB or ./kartoteka.db).")
    @click.option("--json", "json_", is_flag=True, default=False, help="Machine output: exactly one JSON value.")
    @click.pass_context
    @functools.wraps(fn)
    def wrapper(ctx: click.Context, db_: str | None, json_: bool, *args: Any, **kwargs: Any) -> Any:
        state: State = ctx.ensure_object(State)
        if db_:
            state.db = db_
        state.json = state.json or json_
        return ctx.invoke(fn, state, *args, **kwargs)

    return wrapper


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=None) + "\n")


# -- listings: --limit/--offset, totals, exit 3 when empty, a pager on a terminal ----------------------


def paging(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--limit N`` and ``--offset N`` (CONTRACT: every listing command takes both)."""
    fn = click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
                      help="Skip this many results first.")(fn)
    return click.option("--limit", default=None, type=click.IntRange(1),
                        help="Show at most this many results (default: all).")(fn)


def showing_line(offset: int, shown: int, total: int | None, noun: str) -> str:
    """"showing 1–50 of 2,212 factoids", or without a known total "showing 1–10 passages (more: --offset 10)"."""
    span = f"{offset + 1:,}–{offset + shown:,}" if shown > 1 else f"{offset + 1:,}"
    if total is None:
        return f"showing {span} {noun} (more with --offset {offset + shown})"
    more = f"; more with --offset {offset + shown}" if offset + shown < total else ""
    return f"showing {span} of {total:,} {noun}{more}"


def emit_listing(state: State, rows: list[Any], *, limit: int | None, offset: int, noun: str,
                 render: Callable[[list[Any]], None], more: bool | None = None) -> None:
    """Print one page of ``rows`` (all results; or, with ``more`` given, already the page and
    whether more follow): JSON, or ``render`` and a totals line through a pager on a terminal.
    An empty page exits 3, with ``[]`` on stdout under --json."""
    shown = rows if more is not None else rows[offset:offset + limit if limit else None]
    if state.json:
        emit_json(shown)
        if not shown:
            sys.exit(3)
        return
    if not shown:
        err_console.print(f"no {noun}" + (f" after the first {offset:,}" if offset else ""), highlight=False,
                          markup=False)
        sys.exit(3)
    total = None if more else (offset + len(shown) if more is False else len(rows))
    with paged():
        render(shown)
        console.print(showing_line(offset, len(shown), total, noun), style="dim", highlight=False, markup=False)


@contextlib.contextmanager
def paged() -> Iterator[None]:
    """Send what the block prints through a pager ($PAGER, else less) when stdout is a terminal
    and the output is longer than the screen; otherwise print it as it is."""
    if not console.is_terminal:
        yield
        return
    with console.capture() as capture:
        yield
    text = capture.get()
    if text.count("\n") >= console.size.height - 1:
        click.echo_via_pager(text, color=True)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


_ISO_BOUND = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --from/--to value: YYYY, YYYY-MM or YYYY-MM-DD naming a real day or month (or a date in
    words the date parser reads); anything else is bad usage, exit 2."""
    if value is None:
        return None
    m = _ISO_BOUND.fullmatch(value.strip())
    if m:
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
        return value
    from kartoteka.extract.dates import parse_bound

    try:
        parse_bound(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


def date_range(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--from`` and ``--to``, validated."""
    fn = click.option("--to", "date_to", default=None, callback=check_date,
                      help="Dated no later than (YYYY, YYYY-MM, YYYY-MM-DD).")(fn)
    return click.option("--from", "date_from", default=None, callback=check_date,
                        help="Dated no earlier than (YYYY, YYYY-MM, YYYY-MM-DD).")(fn)


def fiction_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The one fiction switch every command shares: what fiction says is included (and marked)
    unless --no-fiction leaves it out."""
    return click.option("--fiction/--no-fiction", "fiction", default=True, show_default=True,
                        help="Include what works of fiction say (marked as fiction).")(fn)


def safe_text(text: str) -> str:
    """Text from a file name or a document for one terminal line: control characters escaped."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def indented(markup: str, by: int = 2) -> Any:
    """Rich markup wrapped at whole words under a hanging indent."""
    from rich.padding import Padding
    from rich.text import Text

    return Padding(Text.from_markup(markup), (0, 0, 0, by))
