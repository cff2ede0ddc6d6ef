"""The historian's corrections (CONTRACT.md, second round): merge, split, link, unlink, alias,
reject, confirm, edit, assert, source; the journal (`corrections`) and `import corrections`.
Each records one journal entry, replays the journal and prints what changed; `--json` prints
the correction record."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, emit_json
from kartoteka.errors import UsageError


def correction_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--user", default=None, help="Who makes the correction (default: $USER).")(fn)
    return click.option("--note", default=None, help="Why: kept in the journal with the correction.")(fn)


def _done(state: State, rec: dict[str, Any]) -> None:
    if state.json:
        emit_json(rec)
        return
    style = "green" if rec["state"] == "applied" else "yellow"
    console.print(f"[{style}]{rec['state']}[/{style}] {escape(rec['action'])} {escape(rec['id'])}: "
                  f"{escape(rec['detail'])}", highlight=False)


def _kb(state: State) -> Any:
    return state.kb()


@cli.command()
@click.argument("keep")
@click.argument("other")
@correction_options
@common_options
def merge(state: State, keep: str, other: str, note: str | None, user: str | None) -> None:
    """OTHER is the same as KEEP: its aliases, mentions and factoids join KEEP."""
    _done(state, _kb(state).merge(keep, other, note=note, user=user))


@cli.command()
@click.argument("name")
@click.option("--alias", "alias_", required=True, help="The name form whose mentions leave NAME.")
@click.option("--as", "as_", default=None, metavar="NEW", help="The entity they go to (new or existing; default: ALIAS).")
@correction_options
@common_options
def split(state: State, name: str, alias_: str, as_: str | None, note: str | None, user: str | None) -> None:
    """The mentions of NAME written as ALIAS are someone else."""
    _done(state, _kb(state).split(name, alias_, as_, note=note, user=user))


@cli.command()
@click.argument("doc")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("name")
@correction_options
@common_options
def link(state: State, doc: str, start: int, end: int, name: str, note: str | None, user: str | None) -> None:
    """The mention at DOC[START:END] stands for NAME."""
    _done(state, _kb(state).link(doc, start, end, name, note=note, user=user))


@cli.command()
@click.argument("doc")
@click.argument("start", type=int)
@click.argument("end", type=int)
@correction_options
@common_options
def unlink(state: State, doc: str, start: int, end: int, note: str | None, user: str | None) -> None:
    """The mention at DOC[START:END] stands for no entity."""
    _done(state, _kb(state).link(doc, start, end, None, note=note, user=user))


@cli.command()
@click.argument("op", type=click.Choice(["add", "remove"]))
@click.argument("name")
@click.argument("alias_")
@correction_options
@common_options
def alias(state: State, op: str, name: str, alias_: str, note: str | None, user: str | None) -> None:
    """Add an alias to the entity NAME, or remove one."""
    _done(state, _kb(state).alias(op, name, alias_, note=note, user=user))


@cli.command()
@click.argument("factoid_id")
@correction_options
@common_options
def reject(state: State, factoid_id: str, note: str | None, user: str | None) -> None:
    """The factoid is wrong: it stays visible to `factoids --all` and counts nowhere else."""
    _done(state, _kb(state).reject(factoid_id, note=note, user=user))


@cli.command()
@click.argument("factoid_id")
@correction_options
@common_options
def confirm(state: State, factoid_id: str, note: str | None, user: str | None) -> None:
    """The factoid is right (undoes a rejection)."""
    _done(state, _kb(state).confirm(factoid_id, note=note, user=user))


@cli.command()
@click.argument("factoid_id")
@click.option("--type", "type_", default=None, help="The factoid's type.")
@click.option("--date", default=None, help="Its date (1937, 1937-06, 1937-06-12, 'spring 1937').")
@click.option("--subject", default=None, help="Its subject (any name the KB knows).")
@click.option("--role", "roles", multiple=True, metavar="ROLE=NAME",
              help="A role: agent, organization, place, other (an entity) or office (text). Repeatable.")
@correction_options
@common_options
def edit(state: State, factoid_id: str, type_: str | None, date: str | None, subject: str | None,
         roles: tuple[str, ...], note: str | None, user: str | None) -> None:
    """Correct a factoid's type, date, subject or roles."""
    parsed = {}
    for r in roles:
        role, sep, name = r.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise UsageError(f"--role {r!r}: write ROLE=NAME")
        parsed[role.strip()] = name.strip()
    _done(state, _kb(state).edit(factoid_id, type=type_, date=date, subject=subject, roles=parsed, note=note, user=user))


@cli.command("assert")
@click.option("--doc", required=True, help="The document that says it.")
@click.option("--quote", required=True, help="The text that says it, as it stands in the document.")
@click.option("--type", "type_", required=True, help="The factoid's type (arrest, appointment, ...).")
@click.option("--subject", required=True, help="Whom it is about (any name the KB knows).")
@click.option("--date", default=None, help="Its date (1937, 1937-06, 1937-06-12, 'spring 1937').")
@correction_options
@common_options
def assert_command(state: State, doc: str, quote: str, type_: str, subject: str, date: str | None,
                   note: str | None, user: str | None) -> None:
    """Add a factoid by hand, citing the span of DOC that reads QUOTE."""
    _done(state, _kb(state).assert_factoid(doc, quote, type_, subject, date, note=note, user=user))


@cli.command()
@click.argument("doc")
@click.option("--author", default=None, help="Who wrote it.")
@click.option("--date", default=None, help="When it was written or published.")
@click.option("--title", default=None, help="Its title.")
@click.option("--genre", default=None, help="What kind of text it is (memoir, report, press, ...).")
@correction_options
@common_options
def source(state: State, doc: str, author: str | None, date: str | None, title: str | None, genre: str | None,
           note: str | None, user: str | None) -> None:
    """Record a document's author, date, title and genre (printed with its citations)."""
    _done(state, _kb(state).record_source(doc, author=author, date=date, title=title, genre=genre, note=note, user=user))


@cli.command()
@click.option("--orphaned", is_flag=True, help="Only the corrections whose anchor is gone.")
@common_options
def corrections(state: State, orphaned: bool) -> None:
    """The corrections journal, newest first, with who, when and what the last replay made of each."""
    rows = state.kb().corrections(orphaned=orphaned)
    if state.json:
        emit_json(rows)
        if not rows:
            sys.exit(3)
        return
    if not rows:
        console.print("no orphaned corrections" if orphaned else "no corrections")
        sys.exit(3)
    table = Table(title=f"{len(rows)} corrections")
    for col in ("at", "user", "action", "target", "state", "note"):
        table.add_column(col, overflow="fold")
    for r in rows:
        state_text = r["state"] if r["state"] == "applied" else f"[yellow]{r['state']}: {escape(r['detail'])}[/yellow]"
        table.add_row(r["at"], escape(r["user"]), r["action"], escape(r["target"]), state_text, escape(r["note"] or ""))
    console.print(table)


@cli.group("import")
def import_group() -> None:
    """Bring records from another KB into this one."""


@import_group.command("corrections")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_corrections(state: State, file: Path) -> None:
    """Replay a corrections journal (from `kartoteka export corrections`) into this KB."""
    if not file.is_file():
        raise UsageError(f"no file {file}")
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{file} is not UTF-8 text") from None
    counts = state.kb().import_corrections(lines)
    if state.json:
        emit_json(counts)
    else:
        console.print(f"{counts['added']} corrections added, {counts['skipped']} already here, "
                      f"{counts['orphaned']} orphaned", highlight=False)
