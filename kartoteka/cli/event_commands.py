"""The events command: one row per happening with the sources that tell it (and a printer the
timeline and the dossier share)."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, date_range, emit_listing, paging

QUOTE_CHARS = 160
STANCE_LABEL = {"disputes": "[red]disputes[/red]", "hedged": "[yellow]hedged[/yellow]"}


@cli.command()
@click.option("--entity", default=None, help="Only events of this entity (as subject or in any role).")
@click.option("--type", "type_", default=None, help="Only this type or family (death finds executions too).")
@date_range
@click.option("--sources", "show_sources", is_flag=True, help="Show every source under its event.")
@paging
@common_options
def events(state: State, entity: str | None, type_: str | None, date_from: str | None, date_to: str | None,
           show_sources: bool, limit: int | None, offset: int) -> None:
    """Happenings, one row each, with how many documents and independent witnesses tell them and
    whether they disagree; --sources shows each source's words, voice and stance."""
    rows = state.kb().events(entity, type_, date_from, date_to)
    emit_listing(state, rows, limit=limit, offset=offset, noun="events" + (f" of {entity}" if entity else ""),
                 render=lambda page: print_events(page, show_sources))


def print_events(rows: list[dict[str, Any]], show_sources: bool = False) -> None:
    """One line per event (date, description, sources, conflict); its sources indented below."""
    for e in rows:
        d = e.get("date") or {}
        date = escape(d.get("text") or "undated")
        if d.get("disputed"):
            date += "[red]?[/red]"
        n, ind = e.get("documents", 0), e.get("independent", 0)
        counts = f"[dim]{n} doc{'s' if n != 1 else ''}, {ind} independent[/dim]"
        flag = f"  [yellow]conflict {e['conflict']}[/yellow]" if e.get("conflict") else ""
        console.print(f"[bold]{date}[/bold]  {escape(e['label'])}  {counts}{flag}  [dim]{e['id']}[/dim]")
        if show_sources:
            for s in e["sources"]:
                console.print("    " + source_line(s))


def source_line(s: dict[str, Any]) -> str:
    span = s["source"]
    where = span["doc"] + (f" p. {span['page']}" if span.get("page") else "") + f" [{span['start']}:{span['end']}]"
    quote = " ".join(span["quote"].split())
    quote = quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…"
    bits = [f"[dim]{escape(where)}[/dim]", escape(s["type"])]
    if s["voice"] != "author":
        bits.append(f"[cyan]{escape(s['voice'])}[/cyan]")
    if s["stance"] in STANCE_LABEL:
        bits.append(STANCE_LABEL[s["stance"]])
    if not s.get("independent"):
        bits.append("[dim](not independent)[/dim]")
    return "  ".join(bits) + f"  “{escape(quote)}”"
