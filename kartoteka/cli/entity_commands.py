"""Commands over entities: entity (a first dossier), entities, mentions, packs."""

from __future__ import annotations

import sys

import click
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, emit_json, emit_listing, indented, paging
from kartoteka.errors import Ambiguous

TYPES = ["person", "organization", "place", "event", "work", "other"]


@cli.command()
@click.argument("name")
@click.option("--why", is_flag=True, help="Show, for each alias and a sample of mentions, the evidence that linked it.")
@common_options
def entity(state: State, name: str, why: bool) -> None:
    """Resolve NAME (any alias or spelling) to one entity and show its dossier."""
    kb = state.kb()
    try:
        d = kb.entity(name)
    except Ambiguous as e:
        _candidates(state, e)
        return
    if why:
        d["evidence"] = kb.link_evidence(d["id"])
    if state.json:
        emit_json(d)
        return
    console.print(f"[bold]{escape(d['name'])}[/bold]  [dim]{escape(d['id'])} · {d['type']}"
                  f"{' · unlinked' if not d['linked'] else ''}[/dim]")
    if d.get("description"):
        console.print(escape(d["description"]))
    if d["aliases"]:
        console.print(f"[bold]also:[/bold] {escape(', '.join(d['aliases'][:30]))}"
                      + (f" (+{len(d['aliases']) - 30})" if len(d["aliases"]) > 30 else ""))
    for s in d.get("stated_aliases", [])[:10]:
        console.print(f"[bold]stated:[/bold] {escape(s['alias'])}  [dim]{escape(s['doc'])} [{s['start']}:{s['end']}][/dim]")
    console.print(f"[bold]mentions:[/bold] {d['mention_count']} in {len(d['sources'])} source(s)")
    if d.get("factoid_count"):
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(d.get("conflicts_by_kind", {}).items()))
        console.print(f"[bold]factoids:[/bold] {d['factoid_count']}, {d.get('corroborated_factoids', 0)} corroborated"
                      f" by another source; [bold]conflicts:[/bold] {d.get('conflict_count', 0)}"
                      + (f" ({kinds})" if kinds else ""))
    _print_dossier_events(state, d["id"])
    if d["mentions_by_source"]:
        t = Table(show_header=True)
        t.add_column("source")
        t.add_column("mentions", justify="right")
        for s in d["mentions_by_source"]:
            t.add_row(escape(s["doc"]), str(s["mentions"]))
        console.print(t)
    if d["co_mentioned"]:
        console.print("[bold]mentioned with:[/bold] " + escape(", ".join(
            f"{c['name']} ({c['count']})" for c in d["co_mentioned"])))
    for r in d.get("relations", []):
        console.print(f"[bold]{r['type']}:[/bold] {escape(r['entity']['name'])}"
                      + (f" [dim]({r['date']})[/dim]" if r.get("date") else ""))
    if why:
        _evidence_table(d["evidence"])


def _candidates(state: State, e: Ambiguous) -> None:
    """Several entities answer the name: all of them, exit 3."""
    if state.json:
        emit_json({"candidates": e.candidates})
    else:
        console.print(escape(str(e)), style="bold")
        t = Table(show_header=True)
        for col in ("id", "name", "type"):
            t.add_column(col)
        for c in e.candidates:
            t.add_row(escape(c["id"]), escape(c["name"]), c["type"])
        console.print(t)
    sys.exit(3)


def _evidence_table(items: list[dict]) -> None:
    t = Table(title="why these aliases", show_header=True)
    for col in ("alias", "kind", "mentions", "linked by", "example"):
        t.add_column(col)
    for it in items:
        how = ", ".join(f"{k} ({n})" if n else k for k, n in sorted(it["how"].items(), key=lambda x: -x[1]))
        ex = it["sample"][0] if it["sample"] else None
        example = ""
        if ex:
            ev = ex["evidence"]
            detail = "; ".join(f"{k}={v}" for k, v in ev.items() if k not in ("how",))
            example = f"{ex['doc']}:{ex['start']} {ex['context']}" + (f"  [{detail}]" if detail else "")
        t.add_row(escape(it["alias"]), ", ".join(it["kinds"]), str(it["mentions"]), escape(how), escape(example))
    console.print(t)


def _print_dossier_events(state: State, eid: str, limit: int = 20) -> None:
    """The entity's dated events, one row each (`kartoteka events --entity NAME --sources` shows
    the sources of each)."""
    from kartoteka.cli.event_commands import print_events

    events = state.kb().events(entity_id=eid, dated_only=True)
    if events:
        console.print(f"[bold]events:[/bold] {len(events)} dated" + (f", the first {limit}:" if len(events) > limit else ":"))
        print_events(events[:limit])


@cli.command()
@click.option("--type", "type_", type=click.Choice(TYPES), default=None, help="Only this type.")
@click.option("--source", default=None, help="Only entities mentioned in this document.")
@paging
@common_options
def entities(state: State, type_: str | None, source: str | None, limit: int | None, offset: int) -> None:
    """List entities by number of mentions (all of them unless --limit says otherwise)."""
    rows = state.kb().entities(type=type_, source=source, limit=ALL)
    emit_listing(state, rows, limit=limit, offset=offset, noun="entities", render=print_entities)


ALL = 1 << 62  # the query's LIMIT when every row is wanted


def print_entities(rows: list[dict]) -> None:
    """One line per entity, wrapped at whole words: readable at 80 columns."""
    for r in rows:
        console.print(indented(f"[bold]{escape(r['name'])}[/bold]  [dim]{r['type']} · {r['mention_count']} mentions"
                               f" in {r['source_count']} source(s) · {escape(r['id'])}[/dim]", by=0))


@cli.command()
@click.option("--source", required=True, help="The document (its base name).")
@common_options
def mentions(state: State, source: str) -> None:
    """List every entity mention in a document, with offsets into its stored text."""
    rows = state.kb().mentions(source)
    if state.json:
        emit_json(rows)
        return
    t = Table(title=f"{len(rows)} mentions in {escape(source)}")
    for col in ("start", "end", "text", "entity", "type"):
        t.add_column(col)
    for r in rows:
        ent = r["entity"] or {}
        t.add_row(str(r["start"]), str(r["end"]), escape(r["text"]), escape(ent.get("name") or "?"),
                  ent.get("type") or "")
    console.print(t)


@cli.command()
@common_options
def packs(state: State) -> None:
    """List the domain packs loaded into the knowledge base."""
    rows = state.kb().packs()
    if state.json:
        emit_json(rows)
        return
    t = Table(title="packs")
    for col in ("name", "title", "entities", "by type", "relations", "loaded"):
        t.add_column(col)
    for r in rows:
        t.add_row(escape(r["name"]), escape(r["title"] or ""), str(r["entities"]),
                  escape(", ".join(f"{n} {k}" for k, n in sorted(r["by_type"].items()))), str(r["relations"]),
                  r["loaded_at"])
    console.print(t)
