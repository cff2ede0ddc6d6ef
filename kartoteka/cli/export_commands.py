"""The export command: the KB as GEXF, GraphML, CSV, JSON Lines or FollowTheMoney."""

from __future__ import annotations

import click

from kartoteka.cli.entity_commands import TYPES as ENTITY_TYPES
from kartoteka.cli.factoid_commands import TYPES as FACTOID_TYPES
from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, emit_json, err_console
from kartoteka.errors import UsageError
from kartoteka.export import FORMATS, default_out, export
from kartoteka.export.scope import make_scope
from kartoteka.export.sink import STDOUT


@cli.command("export")
@click.argument("format_", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@click.option("--out", default=None, metavar="PATH",
              help="File to write (folder for csv; - for stdout). Default: the KB's name with the format's suffix.")
@click.option("--entity", default=None, help="Only this entity (any name the KB knows) and what concerns it.")
@click.option("--type", "type_", default=None, metavar="TYPE", type=click.Choice(ENTITY_TYPES + FACTOID_TYPES),
              help="An entity type (person, organization, place, event, work, other) or a factoid type "
                   "(arrest, appointment, ...: see `kartoteka factoids --help`).")
@click.option("--source", default=None, help="Only what this document mentions and asserts.")
@click.option("--min-co", default=1, show_default=True, type=click.IntRange(1),
              help="gexf/graphml: co-mentions a pair needs for an edge of its own.")
@common_options
def export_command(state: State, format_: str, out: str | None, entity: str | None, type_: str | None,
                   source: str | None, min_co: int) -> None:
    """Export the KB: gexf or graphml (the entity network), csv (a folder of tables), jsonl
    (entities, factoids, relations, conflicts) or ftm (FollowTheMoney entities)."""
    kb = state.kb().read_only()
    target = out or default_out(kb, format_)
    if state.json and target == STDOUT:
        raise UsageError("--json and --out - would both write to stdout: give --out PATH")
    scope = make_scope(kb, entity=entity, type=type_, source=source, factoid_types=tuple(FACTOID_TYPES))
    counts = export(kb, format_, target, scope, min_co=min_co)
    if state.json:
        emit_json({"format": format_, "out": target, "counts": counts})
    elif target != STDOUT:
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        err_console.print(f"wrote {target}: {summary}", highlight=False, markup=False)
