"""The `kartoteka` command line (CONTRACT.md): global --db/--json, one-line errors, exit codes."""

from __future__ import annotations

import gc
import importlib
import os
import sqlite3
import sys
from typing import Any

import click

from kartoteka.cli.output import State, err_console
from kartoteka.errors import KartotekaError

# Modules that add commands to the group, in help order.
COMMAND_MODULES = [
    "kartoteka.cli.document_commands",
    "kartoteka.cli.demo_command",
    "kartoteka.cli.entity_commands",
    "kartoteka.cli.factoid_commands",
    "kartoteka.cli.conflict_commands",
    "kartoteka.cli.event_commands",
    "kartoteka.cli.ask_commands",
    "kartoteka.cli.web_commands",
    "kartoteka.cli.export_commands",
    "kartoteka.cli.correction_commands",
]

# The module that defines each command, so that a command imports only its own module: a cold
# `ask` or `search` then skips the ingest, web, export and correction stacks (rich.progress,
# the exporters), tens of milliseconds of a ~0.5 s start. tests/test_cli_lazy.py checks this map
# against what the modules register; a command missing from it still works (every module is
# loaded to find it), it only starts slower.
COMMAND_OWNERS = {
    **dict.fromkeys(("ingest", "sources", "text", "search"), "kartoteka.cli.document_commands"),
    "demo": "kartoteka.cli.demo_command",
    **dict.fromkeys(("entity", "entities", "mentions", "packs"), "kartoteka.cli.entity_commands"),
    **dict.fromkeys(("factoids", "timeline", "offices", "holders"), "kartoteka.cli.factoid_commands"),
    **dict.fromkeys(("conflicts", "compare"), "kartoteka.cli.conflict_commands"),
    "events": "kartoteka.cli.event_commands",
    **dict.fromkeys(("ask", "embed"), "kartoteka.cli.ask_commands"),
    "serve": "kartoteka.cli.web_commands",
    "export": "kartoteka.cli.export_commands",
    **dict.fromkeys(("merge", "split", "link", "unlink", "alias", "reject", "confirm", "edit", "assert",
                     "source", "corrections", "import"), "kartoteka.cli.correction_commands"),
}

# Read-only commands that answer one query, after which the process ends. They run with the
# cyclic garbage collector paused: its passes over the objects that importing numpy, the YAML
# data and the encoder leave (none of them garbage) took ~10% of a cold `ask`, and the one query's
# few cycles are freed at exit. `main` then ends such a process without the interpreter's
# teardown (another ~8%). tests/test_cli_lazy.py checks their output and exit codes.
ONE_SHOT = frozenset({"ask", "search"})
_ran_one_shot: list[str] = []


class LazyGroup(click.Group):
    """A group whose commands are imported when one is invoked (all of them for --help)."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        if name in ONE_SHOT:
            _ran_one_shot.append(name)
            if gc.isenabled():
                gc.disable()
                ctx.call_on_close(gc.enable)
        return name, cmd, rest

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            owner = COMMAND_OWNERS.get(cmd_name)
            if owner is not None:
                _import_commands(owner)
            if cmd_name not in self.commands:
                _load_commands()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _load_commands()
        return super().list_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", default=None, help="Knowledge base file (default: $KARTOTEKA_DB or ./kartoteka.db).")
@click.option("--json", "json_", is_flag=True, help="Machine output on stdout: exactly one JSON value.")
@click.version_option(package_name="kartoteka")
@click.pass_context
def cli(ctx: click.Context, db: str | None, json_: bool) -> None:
    """Kartoteka: a source-critical, cited knowledge base from historical texts."""
    state = ctx.ensure_object(State)
    state.db = db
    state.json = json_


def _load_commands() -> None:
    for module in COMMAND_MODULES:
        _import_commands(module)


def _import_commands(module: str) -> None:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise


def main(argv: list[str] | None = None) -> None:
    """The program: one command, one-line errors, the exit code. Called with the process's own
    command line (``argv`` None), a one-shot query command ends the process at once when done."""
    try:
        run(argv)
    except SystemExit as e:
        if argv is None and _ran_one_shot:
            exit_now(e.code)
        raise


def exit_now(code: Any) -> None:
    """End the process with ``code`` as ``sys.exit`` would, output flushed, without the
    interpreter's teardown (module by module, then a last full collection): nothing a read-only
    query leaves needs it, and SQLite's committed transactions are in the file already."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    from contextlib import suppress

    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a reader that closed the pipe, a closed stream
            stream.flush()
    os._exit(code)


def run(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("aborted", style="red", highlight=False)
        sys.exit(130)
    except click.ClickException as e:
        err_console.print(f"error: {e.format_message()}", style="red", highlight=False, markup=False)
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except KartotekaError as e:
        err_console.print(f"error: {e}", style="red", highlight=False, markup=False)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted", style="red", highlight=False)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except (sqlite3.Error, OSError) as e:
        if os.environ.get("KARTOTEKA_DEBUG"):
            raise
        err_console.print(f"error: {describe_failure(e)}", style="red", highlight=False, markup=False)
        sys.exit(1)
    except Exception as e:  # a bug: still one line, the traceback on request
        if os.environ.get("KARTOTEKA_DEBUG"):
            raise
        err_console.print(f"internal error: {type(e).__name__}: {e} (set KARTOTEKA_DEBUG=1 for details)",
                          style="red", highlight=False, markup=False)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def describe_failure(e: BaseException) -> str:
    """A database or file-system failure as a reader would say it, on one line."""
    if isinstance(e, OSError) and e.strerror:
        return f"{e.strerror}: {e.filename}" if e.filename else e.strerror
    text = " ".join(str(e).split())
    if isinstance(e, sqlite3.OperationalError) and ("readonly" in text or "read-only" in text):
        return f"cannot write the knowledge base: {text} (is its file or folder read-only?)"
    if isinstance(e, sqlite3.OperationalError) and "disk is full" in text:
        return f"cannot write the knowledge base: {text}"
    return f"{type(e).__name__}: {text}"
