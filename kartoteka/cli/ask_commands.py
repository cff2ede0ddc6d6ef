"""The ask command: a question in plain English, answered from the KB with cited spans."""

from __future__ import annotations

import sys

import click

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, check_query, common_options, console, emit_json
from kartoteka.query.candidates import support_label
from kartoteka.query.structured import iso_text, support_text


@cli.command()
@click.argument("question")
@common_options
def ask(state: State, question: str) -> None:
    """Answer a question (who / when / where / how many / what happened to X ...) with citations.

    When the KB has no answer it shows the closest passages and exits 3; with --json it prints
    the answer object (answer "", kind "unknown", the closest passages) and exits 0, since that
    object is the result.
    """
    check_query(question, "question")
    result = state.kb().ask(question)
    if state.json:
        emit_json(result)
        return
    print_answer(result)
    if result["kind"] == "unknown":
        sys.exit(3)


@cli.command()
@common_options
def embed(state: State) -> None:
    """Compute dense vectors for passages that have none (needs the embed extra)."""
    n = state.kb().embed_missing()
    if state.json:
        emit_json({"embedded": n})
    else:
        console.print(f"{n} passage{'s' if n != 1 else ''} embedded")


def print_answer(result: dict) -> None:
    from rich.markup import escape  # rich only when printing for a person (a --json run never needs it)
    from rich.text import Text

    if result["kind"] == "unknown":
        console.print("The knowledge base has no answer to this question.", style="bold")
        if result.get("closest"):
            console.print("Closest passages:", style="dim")
            for c in result["closest"]:
                _quote(c, limit=240)
        return
    console.print(Text(result["answer"], style="bold"))
    console.print(f"confidence {result.get('confidence', 0.0):.2f}", style="dim", highlight=False)
    values = result.get("values") or []
    cands = result.get("candidates") or []
    for v in values if len(values) > 1 and not cands else []:
        label = f"{v['type']} {v.get('field', 'date')}: " if v.get("type") else ""
        console.print(f"  {escape(label + iso_text(str(v['value'])))} \u2014 {support_text(v)}", highlight=False)
    for c in result["citations"]:
        _quote(c)
    if len(cands) > 1:
        console.print("Candidates:", style="dim")
        for c in cands:
            console.print(f"  {escape(str(c['value']))} \u2014 {escape(support_label(c))}", highlight=False)


def _quote(span: dict, limit: int = 600) -> None:
    from rich.text import Text

    where = f"{span['doc']} [{span['start']}:{span['end']}]" + (f", p. {span['page']}" if span.get("page") else "")
    quote = " ".join(span["quote"].split())
    if len(quote) > limit:
        quote = quote[:limit - 1] + "\u2026"
    console.print(Text(f"  \u201c{quote}\u201d", style="italic"))
    console.print(Text(f"    \u2014 {where}", style="dim"))
