"""Shared CLI plumbing: global options, JSON output, one-line errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from kartoteka.api import KB
from kartoteka.errors import UsageError

console = Console()
# Messages on stderr are one line each (CONTRACT): never wrapped at the terminal width.
err_console = Console(stderr=True, soft_wrap=True)


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
