"""Commands over documents: ingest, sources, text, search."""

from __future__ import annotations

import signal
import sys
import time
from typing import TYPE_CHECKING, Any

import click

from kartoteka.cli.main import cli
from kartoteka.cli.output import (
    State,
    check_query,
    common_options,
    console,
    emit_json,
    emit_listing,
    err_console,
    fiction_option,
    indented,
    safe_text,
)
from kartoteka.errors import KartotekaError

if TYPE_CHECKING:
    from rich.text import Text

# rich is imported where a person's output is drawn: a cold `search --json` never draws one, and
# importing rich's progress, table and text modules cost it ~45 ms of CPU (of ~490).

STATUS_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "rejected": "red"}


def run_ingest(state: State, paths: tuple[str, ...] | list[str], packs: list[str] | None, embed: bool = True,
               ray: bool = False, ray_address: str | None = None) -> int:
    """Ingest with progress on a terminal: the document in work, passages parsed in it, an ETA;
    then embedding on a line of its own (each document is searchable once written); then a summary
    with counts and the time taken. Returns the exit code (2 if anything was rejected)."""
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if ray:
        from kartoteka.ingest.ray_ingest import require_ray

        require_ray()  # before the KB is created
    kb = state.kb(create=True)
    signal.signal(signal.SIGTERM, _terminated)  # stop cleanly: roll back, stop the parser's workers
    started = time.monotonic()
    show_progress = not state.json and sys.stderr.isatty()
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), console=err_console.real(), transient=True, disable=not show_progress,
    )
    files = progress.add_task("documents", total=None)
    passages = progress.add_task("passages", total=None, visible=False)
    later: dict[str, Any] = {}
    current: dict[str, str] = {}  # the document in work, for the line that also counts those in flight

    def on_file(name: str) -> None:
        current["file"] = f"[bold]{escape(safe_text(name))}"
        progress.update(files, description=current["file"])
        progress.reset(passages, total=None, visible=False)

    def on_passage(done: int, total: int) -> None:
        progress.update(passages, completed=done, total=total, visible=True, description="  passages")

    def on_flight(done: int, in_flight: int) -> None:  # ingest --ray: the count done is the bar's M/N
        progress.update(files, description=f"{current.get('file', '')} [dim]({in_flight} in flight on Ray)[/]")

    def deferred(stage: str, done: int, total: int) -> None:
        if stage not in later:
            later[stage] = progress.add_task("[bold]embedding" if stage == "embed" else f"[bold]{stage}", total=total)
        progress.update(later[stage], completed=done, total=total)

    with progress:
        results = kb.ingest(
            paths, packs=packs, embed=embed, on_file=on_file, on_passage=on_passage,
            on_start=lambda n: progress.update(files, total=n),
            on_result=lambda r: progress.update(files, advance=1),
            on_finish=lambda: progress.update(files, description="[bold]comparing sources"),
            on_deferred=deferred, ray=ray, ray_address=ray_address, on_flight=on_flight,
        )
    totals = kb.totals()
    elapsed = round(time.monotonic() - started, 1)
    rejected = [r for r in results if r.status == "rejected"]
    if state.json:
        counts = {s: sum(r.status == s for r in results) for s in STATUS_STYLE}
        emit_json({"documents": [r.to_json() for r in results], "counts": counts, "db": str(kb.path),
                   "totals": totals, "seconds": elapsed})
    else:
        print_ingest_summary(results, totals, elapsed)
        for r in rejected:
            err_console.print(f"rejected {r.path}: {r.reason}", style="red", highlight=False, markup=False)
    return 2 if rejected else 0


class Terminated(KartotekaError):
    exit_code = 128 + signal.SIGTERM


def _terminated(signum: int, frame: object) -> None:
    import multiprocessing

    # The parser's workers first: spaCy's clean-up would wait for them to finish their batches.
    for child in multiprocessing.active_children():
        child.kill()
    raise Terminated("terminated (SIGTERM): the document in work was not stored; run the same ingest again")


def print_ingest_summary(results: list, totals: dict[str, int] | None = None, elapsed: float | None = None) -> None:
    """One line per document that was not unchanged, then the counts."""
    from rich.markup import escape

    for r in results:
        if r.status == "unchanged":
            continue
        note = r.reason or r.warning or ""
        console.print(indented(f"[{STATUS_STYLE[r.status]}]{r.status:9}[/]  {escape(safe_text(r.doc))}"
                               + (f"  [dim]{escape(safe_text(note))}[/dim]" if note else ""), by=0))
    counts = {s: sum(r.status == s for r in results) for s in STATUS_STYLE}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()) + (f" in {elapsed} s" if elapsed is not None else ""),
                  highlight=False)
    if totals:
        console.print("the KB now holds " + ", ".join(f"{n:,} {k}" for k, n in totals.items()), highlight=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--pack", "packs", multiple=True, help="Domain pack to use (repeatable; default: all installed).")
@click.option("--no-embed", is_flag=True,
              help="Skip dense vectors (search by words only; `kartoteka embed` adds them later).")
@click.option("--ray", "use_ray", is_flag=True,
              help="Read and parse the documents on Ray workers (a local Ray instance unless --ray-address"
                   " or $RAY_ADDRESS names a cluster); the KB is the same. Needs the ray extra.")
@click.option("--ray-address", default=None, metavar="ADDRESS",
              help="The Ray cluster to use (implies --ray), e.g. 10.0.0.5:6379 or ray://host:10001.")
@common_options
def ingest(state: State, paths: tuple[str, ...], packs: tuple[str, ...], no_embed: bool, use_ray: bool,
           ray_address: str | None) -> None:
    """Add files and folders (recursively) to the knowledge base. Each document is searchable as
    soon as it is written; dense vectors follow for the documents written."""
    code = run_ingest(state, paths, list(packs) or None, embed=not no_embed, ray=use_ray or bool(ray_address),
                      ray_address=ray_address)
    sys.exit(code)


@cli.command()
@common_options
def sources(state: State) -> None:
    """List the documents in the knowledge base."""
    rows = state.kb().sources()
    if state.json:
        emit_json(rows)
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} sources")
    for col in ("doc", "title", "format", "chars", "genre", "structure"):
        table.add_column(col)
    for r in rows:
        structure = ", ".join(f"{n} {k}" for k, n in sorted(r["structure"].items()) if k != "paragraph")
        table.add_row(escape(r["doc"]), escape(r["title"][:60]), r["format"], f"{r['chars']:,}",
                      r.get("genre") or "", escape(structure))
    console.print(table)
    profiled = [r for r in rows if r.get("profile")]
    if profiled:
        print_profiles(profiled)


def print_profiles(rows: list[dict]) -> None:
    """Source criticism at a glance: voices, OCR noise, hedging, corroboration, conflicts."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="source profiles")
    for col in ("doc", "genre", "voices (share of text)", "OCR noise", "hedged", "corroborated", "conflicts",
                "reference"):
        table.add_column(col)
    for r in rows:
        p = r["profile"]
        fiction = p.get("fiction") or {}
        genre = p.get("genre") or ""
        if fiction.get("by") == "reference":
            genre += " (by reference check)"
        layers = ", ".join(f"{k} {v:.0%}" for k, v in list(p.get("layers", {}).items())[:4] if v >= 0.005)
        ocr = p.get("ocr_noise", {})
        conflicts = p.get("conflicts", {})
        ref = p.get("reference", {})
        table.add_row(
            escape(r["doc"]), escape(genre), escape(layers),
            f"{ocr.get('level', '')} ({ocr.get('per_1000_words', 0)}/1k)",
            f"{p.get('hedged_share', 0):.0%} of {p.get('factoids', 0)}",
            f"{p.get('corroborated', 0)} ({p.get('corroborated_share', 0):.0%})",
            f"{conflicts.get('total', 0)} ({conflicts.get('self', 0)} self)",
            f"{ref.get('contradict', 0)} of {ref.get('checked', 0)} contradict",
        )
    console.print(table)


@cli.command()
@click.argument("doc")
@common_options
def text(state: State, doc: str) -> None:
    """Print a document's stored text, exactly."""
    body = state.kb().text(doc)
    if state.json:
        emit_json({"doc": doc, "text": body})
    else:
        sys.stdout.write(body)
        sys.stdout.flush()


@cli.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Passages to show.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, 10000), help="Skip this many first.")
@click.option("--source", default=None, help="Only this document.")
@click.option("--mode", type=click.Choice(["bm25", "dense", "hybrid"]), default="hybrid", show_default=True,
              help="Rank by words (BM25), by meaning (dense vectors), or both fused by rank.")
@click.option("--lineage", is_flag=True, help="Also match an organization's predecessors and successors.")
@click.option("--furniture", is_flag=True,
              help="Also rank captions, reference lists, navigation and other page furniture.")
@fiction_option
@common_options
def search(state: State, query: str, limit: int, offset: int, source: str | None, mode: str, lineage: bool,
           fiction: bool, furniture: bool) -> None:
    """Search passages by words and meaning ("phrases" and prefix* work; names match any spelling)."""
    check_query(query, "search query")
    kb = state.kb()
    # One more than the page, to know whether more follow.
    hits = kb.search(query, limit=offset + limit + 1, source=source, mode=mode, lineage=lineage, furniture=furniture)
    if not fiction:
        stories = {r["doc"] for r in kb.sources() if r.get("genre") == "fiction"}
        hits = [h for h in hits if h["doc"] not in stories]
    page = hits[offset:offset + limit]
    rows = [{k: h[k] for k in ("doc", "start", "end", "text", "score", "page", "highlights")} for h in page]
    emit_listing(state, rows, limit=limit, offset=offset, noun="passages", render=print_hits,
                 more=len(hits) > offset + limit)


def print_hits(hits: list[dict]) -> None:
    from rich.text import Text

    for h in hits:
        where = f"{h['doc']} [{h['start']}:{h['end']}]" + (f" p. {h['page']}" if h.get("page") else "")
        console.print(Text(f"{h['score']:.2f}  {safe_text(where)}", style="bold"))
        console.print(snippet(h["text"], h["start"], h["highlights"]))
        console.print()


def snippet(text: str, base: int, highlights: list[list[int]], width: int = 300) -> Text:
    """A window of the passage around its first match, matched terms in bold yellow."""
    from rich.text import Text

    first = highlights[0][0] - base if highlights else 0
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    out = Text("…" if lo > 0 else "")
    pos = lo
    for s, e in highlights:
        s, e = s - base, e - base
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(" ".join(text[pos:s].split(" ")).replace("\n", " "))
        out.append(text[s:e], style="bold yellow")
        pos = e
    out.append(text[pos:hi].replace("\n", " "))
    if hi < len(text):
        out.append("…")
    return out
