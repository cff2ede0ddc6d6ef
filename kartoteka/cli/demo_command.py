"""`kartoteka demo`: build a small knowledge base from the bundled corpus and show it off."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kartoteka.cli.ask_commands import print_answer
from kartoteka.cli.conflict_commands import print_conflict
from kartoteka.cli.document_commands import STATUS_STYLE, print_ingest_summary, snippet
from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, console, emit_json, err_console
from kartoteka.demo import corpus_files, corpus_path

DEMO_DB = "kartoteka-demo.db"

# Searches and questions run against the demo KB; each should find something in the bundled corpus.
EXAMPLE_SEARCHES = ["Nikolaev Smolny", "Yezhov appointed", '"Trial of the Sixteen"']
EXAMPLE_QUESTIONS = ["When was Yezhov appointed head of the NKVD?", "Who killed Kirov?"]

# The commands to try next, as (arguments after `kartoteka --db DB`, what it shows).
NEXT_COMMANDS: list[tuple[list[str], str]] = [
    (["sources"], "the documents, their genres and structure"),
    (["text", "03_memoir_smolny_stenographer.txt"], "a document's stored text, exactly"),
    (["search", "Zaporozhets"], "full-text search over passages"),
    (["entity", "Kirov"], "one entity with its aliases and sources"),
    (["entities"], "every entity the KB knows"),
    (["mentions", "--source", "01_kirov_murder_overview.txt"], "the entity mentions in one document"),
    (["factoids", "--entity", "Yagoda"], "what each source says about Yagoda"),
    (["timeline", "--entity", "Yezhov"], "dated factoids in order"),
    (["conflicts"], "where the sources disagree (Yezhov's appointment: 25 or 26 September 1936?)"),
    (["ask", "When was Yagoda shot?"], "a cited answer"),
    (["serve"], "the web UI"),
]


def invoked_as() -> str:
    """How to run Kartoteka again from here: `kartoteka` where that name on PATH is this
    program, else the path it was started by (`.venv/bin/kartoteka` straight after set-up, when
    the virtual environment is not activated), or `python -m kartoteka`."""
    argv0 = Path(sys.argv[0])
    on_path = shutil.which("kartoteka")
    if argv0.name == "kartoteka":
        if on_path and Path(on_path).resolve() == argv0.resolve():
            return "kartoteka"
        return shlex.quote(_relative(argv0))
    if on_path and Path(on_path).parent.resolve() == Path(sys.executable).parent.resolve():
        return "kartoteka"
    return f"{shlex.quote(_relative(Path(sys.executable)))} -m kartoteka"


def _relative(path: Path) -> str:
    """``path`` as typed from the current folder where it lies below it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(Path.cwd())
    except ValueError:
        return str(absolute)
    return str(rel) if "/" in str(rel) else f"./{rel}"


def _fresh_default_db() -> Path:
    """The default demo KB, rebuilt from scratch: it is the demo's own file, so an old one goes."""
    path = Path(DEMO_DB)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if p.is_file():
            p.unlink()
    return path


@cli.command()
@common_options
def demo(state: State) -> None:
    """Build a demo knowledge base from the bundled corpus and show what it can do.

    Without --db the demo writes a fresh ./kartoteka-demo.db (replacing an earlier demo KB);
    with --db it adds the demo documents to that KB. $KARTOTEKA_DB is not used, so the demo
    never mixes its documents into your own KB unless you ask.
    """
    fresh = state.db is None
    state.db = str(_fresh_default_db() if fresh else Path(state.db or DEMO_DB))
    kb = state.kb(create=True)
    if not state.json:
        where = "a fresh " if fresh else ""
        console.print(f"Building {where}demo knowledge base in [bold]{escape(str(kb.path.resolve()))}[/] "
                      f"from {len(corpus_files())} bundled documents.")
    started = time.perf_counter()
    show_status = not state.json and sys.stderr.isatty()
    with corpus_path() as folder:
        if show_status:
            with err_console.status("ingesting the demo corpus (the first run loads the language model)…"):
                results = kb.ingest([folder])
        else:
            results = kb.ingest([folder])
    seconds = time.perf_counter() - started
    counts = {s: sum(r.status == s for r in results) for s in STATUS_STYLE}
    rejected = [r for r in results if r.status == "rejected"]
    sources = kb.sources()
    searches = [{"query": q, "hits": kb.search(q, limit=3)} for q in EXAMPLE_SEARCHES]
    answers = [kb.ask(q) for q in EXAMPLE_QUESTIONS]
    conflicts = kb.conflicts()
    db_arg = shlex.quote(str(kb.path))
    program = invoked_as()
    next_commands = [(f"{program} --db {db_arg} {shlex.join(args)}", what) for args, what in NEXT_COMMANDS]

    if state.json:
        emit_json({
            "db": str(kb.path),
            "fresh": fresh,
            "seconds": round(seconds, 3),
            "documents": [r.to_json() for r in results],
            "counts": counts,
            "sources": [{k: s.get(k) for k in ("doc", "title", "format", "chars", "genre")} for s in sources],
            "searches": [{"query": s["query"],
                          "hits": [{k: h[k] for k in ("doc", "start", "end", "text", "score")} for h in s["hits"]]}
                         for s in searches],
            "answers": answers,
            "conflicts": conflicts,
            "next_commands": [{"command": c, "shows": w} for c, w in next_commands],
        })
        return

    print_ingest_summary(results)
    for r in rejected:
        err_console.print(f"warning: demo document {r.doc} was not ingested: {r.reason}",
                          style="yellow", highlight=False, markup=False)
    console.print(f"Ingested in {seconds:.1f} s.\n")
    _print_sources(sources)
    _print_searches(searches)
    for a in answers:
        console.print(Text(f"kartoteka ask {shlex.quote(a['question'])}", style="bold"))
        print_answer(a)
        console.print()
    console.print(Text(f"kartoteka conflicts: {len(conflicts)} place{'s' if len(conflicts) != 1 else ''} "
                       "where the sources disagree", style="bold"))
    for c in conflicts[:2]:
        print_conflict(c)
    console.print()
    console.print(f"[bold]Try next[/] (the demo KB is {escape(str(kb.path))}):")
    for command, what in next_commands:
        console.print(Text(f"  # {what}", style="dim"))
        console.print(Text("  " + command, style="cyan"), soft_wrap=True)


def _print_sources(sources: list[dict[str, Any]]) -> None:
    table = Table(title=f"The demo KB: {len(sources)} sources")
    table.add_column("doc", overflow="fold")
    for col in ("genre", "format", "chars", "structure"):
        table.add_column(col)
    for s in sources:
        structure = ", ".join(f"{n} {k}" for k, n in sorted(s.get("structure", {}).items()) if k != "paragraph")
        table.add_row(escape(s["doc"]), s.get("genre") or "", s["format"], f"{s['chars']:,}", escape(structure))
    console.print(table)
    console.print()


def _print_searches(searches: list[dict[str, Any]]) -> None:
    for s in searches:
        console.print(Text(f"kartoteka search {shlex.quote(s['query'])}", style="bold"))
        if not s["hits"]:
            console.print("  no matches\n")
            continue
        for h in s["hits"][:2]:
            console.print(Text(f"  {h['score']:.2f}  {h['doc']} [{h['start']}:{h['end']}]", style="dim"))
            console.print(Text("  ") + snippet(h["text"], h["start"], h.get("highlights") or [], width=200))
        console.print()
