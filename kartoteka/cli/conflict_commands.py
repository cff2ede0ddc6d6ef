"""Commands over source criticism: conflicts (both sides with quotes and pages) and compare
(recompute corroboration, conflicts and source profiles for the whole KB)."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, emit_json, emit_listing, paging

QUOTE_CHARS = 240
KIND_LABEL = {"sources": "sources disagree", "self": "the source contradicts itself",
              "reference": "contradicts reference"}


@cli.command()
@click.option("--entity", default=None, help="Only conflicts about this entity (any name the KB knows).")
@click.option("--source", default=None, help="Only conflicts that involve this document.")
@click.option("--kind", type=click.Choice(["sources", "self", "reference"]), default=None,
              help="Only this kind: between sources, within one source, or against the domain pack.")
@paging
@common_options
def conflicts(state: State, entity: str | None, source: str | None, kind: str | None, limit: int | None,
              offset: int) -> None:
    """Where sources disagree, a source contradicts itself, or a source contradicts the reference
    data of a domain pack: every value with its quotes."""
    rows = state.kb().conflicts(entity=entity, source=source, kind=kind)
    emit_listing(state, rows, limit=limit, offset=offset, noun="conflicts" + (f" about {entity}" if entity else ""),
                 render=lambda page: [print_conflict(c) for c in page])


def print_conflict(c: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(c['entity']['name'])}[/bold] · {escape(c['type'])} · {escape(c['field'])}"
                  f"  [yellow]{KIND_LABEL.get(c['kind'], c['kind'])}[/yellow]  [dim]{c['id']}[/dim]")
    ref = c.get("reference")
    for v in c["values"]:
        flags = " [dim](hedged)[/dim]" if v.get("hedged") else ""
        if "support" in v:
            flags += f" [dim]{v['support']} independent[/dim]"
        console.print(f"  [bold magenta]{escape(str(v['value']))}[/bold magenta]{flags}")
        if v.get("reference") and ref:
            console.print(f"    [cyan]{escape(reference_line(ref))}[/cyan]")
        for s in v["sources"]:
            where = f"{s['doc']}" + (f" p. {s['page']}" if s.get("page") else "") + f" [{s['start']}:{s['end']}]"
            stance = " [red]disputes it[/red]" if s.get("stance") == "disputes" else ""
            console.print(f"    [dim]{escape(where)}[/dim]{stance}  “{escape(_short(s['quote']))}”")
    console.print()


def reference_line(r: dict[str, Any]) -> str:
    """The pack entry a reference conflict cites, as a reader would say it."""
    fieldname, value = str(r.get("field") or ""), r.get("value")
    if fieldname == "events":
        said = f"{r.get('type')} {value}"
    elif fieldname.startswith("offices."):
        said = f"{r.get('office')} {fieldname.split('.', 1)[1]} {value}"
    else:
        said = f"{fieldname} {value}"
    extra = [str(r[k]) for k in ("place", "note") if r.get(k)]
    out = f"reference ({r.get('pack')} pack, {r.get('name') or r.get('entity')}): {said}"
    out += f" ({'; '.join(extra)})" if extra else ""
    if r.get("misprint"):
        out += " · the source's year differs from it in one digit: a misprint?"
    return out


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= QUOTE_CHARS else q[:QUOTE_CHARS - 1] + "…"


@cli.command()
@common_options
def compare(state: State) -> None:
    """Recompute corroboration, conflicts, reference checks and source profiles for the whole KB
    (every ingest run does this at its end)."""
    summary = state.kb().recompute_comparisons()
    if state.json:
        emit_json(summary)
        return
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary["by_kind"].items())) or "none"
    console.print(f"{summary['factoids']} factoids in {summary['documents']} documents: {summary['groups']} happenings,"
                  f" {summary['conflicts']} conflicts ({kinds}); {summary['reference_checked']} checked against"
                  f" reference data, {summary['reference_contradictions']} contradict it ({summary['seconds']} s)")
