"""Commands over factoids: factoids, timeline, offices, holders."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.main import cli
from kartoteka.cli.output import (
    State,
    common_options,
    console,
    date_range,
    emit_json,
    emit_listing,
    fiction_option,
    indented,
    paging,
    safe_text,
)

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


QUOTE_CHARS = 240


def print_factoids(rows: list[dict[str, Any]]) -> None:
    """One block per factoid, each line wrapped at whole words (readable at 80 columns): the
    date, type and subject; what else it says; flags; where; the quote."""
    for f in rows:
        s = f["source"]
        head = " · ".join(x for x in (_date(f), f"[bold]{escape(f['type'])}[/bold]",
                                      escape(f["roles"].get("subject", {}).get("name", ""))) if x)
        console.print(head + (f"  {_flags(f)}" if _flags(f) else ""))
        what = _what(f)
        if what:
            console.print(indented(what))
        where = f"{s['doc']} [{s['start']}:{s['end']}]" + (f" p. {s['page']}" if s.get("page") else "")
        where += f" ({s['cite']})" if s.get("cite") else ""
        quote = " ".join(s["quote"].split())
        quote = quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…"
        console.print(indented(f"[dim]{escape(safe_text(where))}[/dim]  “{escape(quote)}”"))
        console.print(indented(f"[dim]{f['id']}[/dim]"))


@cli.command()
@click.option("--entity", default=None, help="Only factoids about this entity (any name the KB knows).")
@click.option("--type", "type_", default=None, type=click.Choice(TYPES), help="Only this factoid type.")
@click.option("--source", default=None, help="Only this document.")
@date_range
@click.option("--lineage", is_flag=True, help="For an organization, include its predecessors and successors.")
@click.option("--subject-only", is_flag=True, help="Only factoids whose subject is the entity.")
@click.option("--all", "all_", is_flag=True, help="Include the factoids a historian rejected (marked rejected).")
@fiction_option
@paging
@common_options
def factoids(state: State, entity: str | None, type_: str | None, source: str | None, date_from: str | None,
             date_to: str | None, lineage: bool, subject_only: bool, fiction: bool, all_: bool, limit: int | None,
             offset: int) -> None:
    """List factoids: dated, cited source assertions about people, bodies and places."""
    rows = state.kb().factoids(entity, type_, source, date_from, date_to, lineage=lineage, fiction=fiction,
                               role="subject" if subject_only else None, rejected=all_)
    emit_listing(state, rows, limit=limit, offset=offset, noun="factoids" + (f" about {entity}" if entity else ""),
                 render=print_factoids)


@cli.command()
@click.option("--entity", default=None, help="Only this entity's factoids.")
@date_range
@click.option("--lineage", is_flag=True, help="For an organization, include its predecessors and successors.")
@click.option("--sources", "show_sources", is_flag=True, help="Under each event, the sources that tell it.")
@fiction_option
@paging
@common_options
def timeline(state: State, entity: str | None, date_from: str | None, date_to: str | None, lineage: bool,
             fiction: bool, show_sources: bool, limit: int | None, offset: int) -> None:
    """The dated happenings in date order, one row per event (--json: the dated factoids)."""
    if not state.json:
        from kartoteka.cli.event_commands import print_events

        events = state.kb().events(entity, None, date_from, date_to, lineage=lineage, dated_only=True)
        emit_listing(state, events, limit=limit, offset=offset,
                     noun="dated events" + (f" about {entity}" if entity else ""),
                     render=lambda page: print_events(page, show_sources))
        return
    rows = state.kb().timeline(entity, date_from, date_to, lineage=lineage, fiction=fiction)
    emit_listing(state, rows, limit=limit, offset=offset,
                 noun="dated factoids" + (f" about {entity}" if entity else ""), render=print_factoids)


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
@paging
@common_options
def holders(state: State, office_or_org: str, date: str | None, limit: int | None, offset: int) -> None:
    """Who held an office or headed an organization (at a date): one tenure per person and
    office with every source that tells it; an appointment no clause dates is dated by its
    sentence or paragraph where they give a date (marked "by context")."""
    rows = state.kb().tenures(office_or_org, date)
    emit_listing(state, rows, limit=limit, offset=offset,
                 noun=f"holders of {office_or_org}" + (f" in {date}" if date else ""), render=_print_tenures)


def _print_tenures(rows: list[dict[str, Any]]) -> None:
    """One block per tenure, 80 columns: holder, office, interval; then each source."""
    for t in rows:
        org = (t.get("organization") or {}).get("name")
        what = " · ".join(x for x in (t.get("office"), org) if x)
        span = f"{t.get('from') or '?'} – {t.get('to') or '…'}"
        ctx = " [dim](by context)[/dim]" if t.get("dated_by") == "context" else ""
        console.print(indented(f"[bold]{escape(t['holder']['name'])}[/bold] · {escape(what)} · {span}{ctx}", 0))
        for s in t["sources"]:
            page = f" p. {s['page']}" if s.get("page") else ""
            dated = "" if s.get("from") else " [dim](undated)[/dim]"
            if s.get("dated_by") == "context":
                dated = f" [dim](dated by context: {escape(s['from'] or '')})[/dim]"
            console.print(indented(f"[dim]{escape(safe_text(s['doc']))}{page} [{s['start']}][/dim]{dated}"
                                   f"  “{escape(_short(s['quote']))}”", 2))
        console.print()


def _short(quote: str, size: int = 160) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= size else q[:size - 1] + "…"
