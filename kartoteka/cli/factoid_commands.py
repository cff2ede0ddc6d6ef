"""Commands over factoids: factoids, timeline, offices, holders."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, emit_json

TYPES = ["birth", "death", "execution", "killing", "suicide", "arrest", "trial", "sentence", "release", "exile",
         "expulsion", "appointment", "removal", "membership", "election", "defection", "kidnapping", "testimony",
         "meeting", "founding", "renaming", "count"]


def _date(f: dict[str, Any]) -> str:
    d = f.get("date")
    if not d:
        return f"[red]{escape(f['date_text'])}?[/red]" if f.get("date_text") else ""
    p, s, e = d["precision"], d["start"], d["end"]
    cut = {"day": 10, "month": 7}.get(p, 4)
    text = s[:cut] if s[:cut] == e[:cut] else f"{s[:cut]}–{e[:cut]}"
    if p == "season":
        text = f"{d['text']}"
    return escape(text) + (" [dim](ctx)[/dim]" if d.get("inferred") else "")


def _what(f: dict[str, Any]) -> str:
    r = f["roles"]
    bits = []
    if "office" in r:
        bits.append(r["office"])
    for k, label in (("organization", ""), ("agent", "by "), ("place", "in ")):
        if k in r:
            bits.append(label + r[k]["name"])
    if "other" in r:
        bits.append("with " + ", ".join(x["name"] for x in r["other"]))
    if "value" in f:
        what = (f.get("attrs") or {}).get("what") or ""
        bits.insert(0, f"{f['value']} {what}".strip())
    return escape("; ".join(bits))


def _flags(f: dict[str, Any]) -> str:
    out = []
    if f["negated"]:
        out.append("[red]not[/red]")
    if f["hedged"]:
        out.append("[yellow]hedged[/yellow]")
    if f["voice"] != "author":
        out.append(f"[cyan]{escape(f['voice'])}[/cyan]")
    if f.get("fiction"):
        out.append("[magenta]fiction[/magenta]")
    if f.get("rejected"):
        out.append("[red]rejected[/red]")
    if f.get("corroboration"):
        out.append(f"[green]+{f['corroboration']} source{'s' if f['corroboration'] > 1 else ''}[/green]")
    if f.get("conflicts"):
        out.append(f"[red]{len(f['conflicts'])} conflict{'s' if len(f['conflicts']) > 1 else ''}[/red]")
    return " ".join(out)


def print_factoids(rows: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title, show_lines=False)
    for col in ("date", "type", "who", "what", "voice/flags", "source", "quote"):
        table.add_column(col, overflow="fold")
    for f in rows:
        s = f["source"]
        where = f"{s['doc']} [{s['start']}]" + (f" p. {s['page']}" if s.get("page") else "")
        where += f" ({s['cite']})" if s.get("cite") else ""
        quote = " ".join(s["quote"].split())
        table.add_row(_date(f), f["type"], escape(f["roles"].get("subject", {}).get("name", "")), _what(f), _flags(f),
                      escape(where), escape(quote[:140] + ("…" if len(quote) > 140 else "")))
    console.print(table)


def _run(state: State, rows: list[dict[str, Any]], title: str) -> None:
    if state.json:
        emit_json(rows)
        return
    if not rows:
        console.print("no factoids")
        sys.exit(3)
    print_factoids(rows, title)


@cli.command()
@click.option("--entity", default=None, help="Only factoids about this entity (any name the KB knows).")
@click.option("--type", "type_", default=None, type=click.Choice(TYPES), help="Only this factoid type.")
@click.option("--source", default=None, help="Only this document.")
@click.option("--from", "date_from", default=None, help="Dated no earlier than (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Dated no later than.")
@click.option("--lineage", is_flag=True, help="For an organization, include its predecessors and successors.")
@click.option("--subject-only", is_flag=True, help="Only factoids whose subject is the entity.")
@click.option("--no-fiction", is_flag=True, help="Leave out factoids from fiction.")
@click.option("--all", "all_", is_flag=True, help="Include the factoids a historian rejected (marked rejected).")
@common_options
def factoids(state: State, entity: str | None, type_: str | None, source: str | None, date_from: str | None,
             date_to: str | None, lineage: bool, subject_only: bool, no_fiction: bool, all_: bool) -> None:
    """List factoids: dated, cited source assertions about people, bodies and places."""
    rows = state.kb().factoids(entity, type_, source, date_from, date_to, lineage=lineage, fiction=not no_fiction,
                               role="subject" if subject_only else None, rejected=all_)
    _run(state, rows, f"{len(rows)} factoids" + (f" about {entity}" if entity else ""))


@cli.command()
@click.option("--entity", default=None, help="Only this entity's factoids.")
@click.option("--from", "date_from", default=None, help="From this date (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Up to this date.")
@click.option("--lineage", is_flag=True, help="For an organization, include its predecessors and successors.")
@click.option("--fiction", is_flag=True, help="Include factoids from fiction.")
@common_options
def timeline(state: State, entity: str | None, date_from: str | None, date_to: str | None, lineage: bool,
             fiction: bool) -> None:
    """The dated factoids in date order."""
    rows = state.kb().timeline(entity, date_from, date_to, lineage=lineage, fiction=fiction)
    _run(state, rows, "timeline" + (f" of {entity}" if entity else ""))


def _print_intervals(rows: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title)
    for col in ("holder", "office", "organization", "from", "to", "source"):
        table.add_column(col, overflow="fold")
    for iv in rows:
        table.add_row(escape(iv["holder"]["name"]), escape(iv.get("office") or ""),
                      escape((iv.get("organization") or {}).get("name", "")), iv.get("from") or "", iv.get("to") or "…",
                      escape(f"{iv['source']['doc']} [{iv['source']['start']}]"))
    console.print(table)


@cli.command()
@click.argument("name")
@common_options
def offices(state: State, name: str) -> None:
    """Offices a person held, as intervals from appointments and removals."""
    rows = state.kb().offices(name)
    if state.json:
        emit_json(rows)
        return
    if not rows:
        console.print("no offices")
        sys.exit(3)
    _print_intervals(rows, f"offices of {name}")


@cli.command()
@click.argument("office_or_org")
@click.option("--date", default=None, help="Held at this date (YYYY, YYYY-MM, YYYY-MM-DD).")
@common_options
def holders(state: State, office_or_org: str, date: str | None) -> None:
    """Who held an office or headed an organization (at a date)."""
    rows = state.kb().holders(office_or_org, date)
    if state.json:
        emit_json(rows)
        return
    if not rows:
        console.print("no holders")
        sys.exit(3)
    _print_intervals(rows, f"holders of {office_or_org}" + (f" in {date}" if date else ""))
