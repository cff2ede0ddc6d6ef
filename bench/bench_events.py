"""Events and conflicts on a whole KB (issue 14): the time to recompute them, every conflict with
the verdict recorded for it, and a seeded draw of events each judged for whether it groups only
assertions about one happening.

    .venv/bin/python bench/bench_events.py --db KB            # KB of seeds + more (copied first)
    .venv/bin/python bench/bench_events.py --db KB --list     # print what is to judge, write nothing

Conflict verdicts (real or spurious, with why) are kept by hand in bench/compare_judgements.yaml,
keyed by conflict id, as bench_compare.py keeps them; event verdicts (one: every assertion is
about one happening; mixed: some are not) in bench/event_verdicts.yaml, keyed by event id. The
draw: events told in at least two sentences (an event of one sentence cannot mix happenings),
40 of them, random.Random(14). Writes its section of bench/RESULTS.md between ``<!-- events -->``
markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import code_version, machine, write_section  # noqa: E402

from kartoteka.api import KB  # noqa: E402

HERE = Path(__file__).resolve().parent
CONFLICT_VERDICTS = HERE / "compare_judgements.yaml"
EVENT_VERDICTS = HERE / "event_verdicts.yaml"
DRAW, SEED, QUOTE = 40, 14, 60
TARGET_S = 5.0


def short(text: str, n: int = QUOTE) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n - 1] + "…"


def load(path: Path) -> dict[str, dict[str, str]]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def side(v: dict[str, Any]) -> str:
    """A conflict side: the value, its independent witnesses, and where each source says it (the
    document and offset, not its words: the corpus is not ours to copy)."""
    where = "; ".join(f"{s['doc'][:10]} [{s['start']}]" + (" (disputes)" if s.get("stance") == "disputes" else "")
                      for s in v["sources"][:3])
    more = f" (+{len(v['sources']) - 3})" if len(v["sources"]) > 3 else ""
    ref = " = reference" if v.get("reference") else ""
    return f"**{v['value']}**{ref} [{v.get('support', 0)}]: {where}{more}" if where else f"**{v['value']}**{ref}"


def sentences(e: dict[str, Any]) -> int:
    return len({(s["source"]["doc"], s["source"]["start"]) for s in e["sources"]})


def draw(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every event told in two sentences or more (where grouping decided something), in random
    order, topped up to DRAW with events told in one sentence; at most DRAW in all."""
    rng = random.Random(SEED)
    told = [e for e in events if sentences(e) >= 2]
    rest = [e for e in events if sentences(e) < 2]
    rng.shuffle(told)
    return (told + rng.sample(rest, max(0, min(DRAW - len(told), len(rest)))))[:DRAW]


def conflict_rows(conflicts: list[dict[str, Any]], verdicts: dict[str, dict[str, str]],
                  show: Callable[[dict[str, Any]], str] | None = None) -> tuple[list[str], int, int]:
    """One table row per conflict with its verdict, and the counts of real and spurious ones;
    ``show`` writes one side (``side`` by default)."""
    show = show or side
    rows, real, spurious = [], 0, 0
    for i, c in enumerate(conflicts, 1):
        j = verdicts.get(c["id"], {})
        verdict = j.get("verdict", "unjudged")
        real += verdict == "real"
        spurious += verdict == "spurious"
        values = "<br>".join(show(v) for v in c["values"])
        rows.append(f"| {i} | {c['entity']['name']} | {c['type']} {c['field']} | {c['kind']} | {values} |"
                    f" {verdict}: {j.get('why', '')} |")
    return rows, real, spurious


def event_rows(sample: list[dict[str, Any]], verdicts: dict[str, dict[str, str]]) -> tuple[list[str], int, int]:
    rows, one, mixed = [], 0, 0
    for i, e in enumerate(sample, 1):
        j = verdicts.get(e["id"], {})
        verdict = j.get("verdict", "unjudged")
        one += verdict == "one"
        mixed += verdict == "mixed"
        what = f"{e['type']} of {e['subject']['name']}" + (f", {e['date']['text']}" if e.get("date") else "")
        rows.append(f"| {i} | {e['id']} | {what} | {sentences(e)} in {e['documents']} docs,"
                    f" {e['independent']} independent | {verdict}: {j.get('why', '')} |")
    return rows, one, mixed


def list_for_judging(conflicts: list[dict[str, Any]], sample: list[dict[str, Any]]) -> None:
    for c in conflicts:
        print(f"\nCONFLICT {c['id']} {c['entity']['name']} {c['type']} {c['field']} {c['kind']}")
        for v in c["values"]:
            print(f"  = {v['value']} support={v.get('support')}")
            for s in v["sources"]:
                print(f"     {s['doc']} [{s['start']}] {s.get('stance', '')}: {short(s['quote'], 300)}")
    for e in sample:
        print(f"\nEVENT {e['id']} {e['label']}")
        for s in e["sources"]:
            print(f"     {s['type']} {s['source']['doc']} [{s['source']['start']}] {s['stance']} {s['voice']}:"
                  f" {short(s['source']['quote'], 300)}")


def conflicts_section(runs: int, times: list[float], summary: dict[str, Any], conflicts: list[dict[str, Any]],
                      crows: list[str], real: int, spurious: int) -> int:
    """The recompute time and every conflict with its verdict, in a section of its own."""
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "## Conflicts on seeds + more, every one judged (issue 14, dev2 phenomena)",
        "",
        f"- command: `.venv/bin/python bench/bench_events.py --db KB --runs {runs} --conflicts-only` (KB: seeds +"
        " more, built with `kartoteka ingest ../shared/corpus/seeds ../shared/corpus/more`; recomputed on a copy)",
        f"- code: {code_version()}; machine: {machine()}; date: {date}",
        f"- recompute events, conflicts, corroboration and profiles for the whole KB ({summary.get('factoids')}"
        f" factoids, {summary.get('documents')} documents): median {statistics.median(times):.2f} s, max"
        f" {max(times):.2f} s over {runs} runs (target < {TARGET_S:.0f} s)",
        f"- conflicts listed: {len(conflicts)}; judged {real + spurious}: {real} real, {spurious} spurious"
        + (f" ({real / (real + spurious):.0%} real)" if real + spurious else "")
        + f"; unjudged {len(conflicts) - real - spurious} (verdicts in `bench/compare_judgements.yaml`)",
        "",
        "| # | entity | what | kind | values [independent witnesses] | verdict |",
        "|---|---|---|---|---|---|",
        *crows,
    ])
    print(text)
    write_section("conflicts-only", text)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a KB of seeds + more (it is copied, not changed)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--list", action="store_true", help="print every conflict and the drawn events in full; write nothing")
    ap.add_argument("--conflicts-only", action="store_true",
                    help="time the recompute and table every conflict with its verdict, without the event draw,"
                         " in a section of its own (<!-- conflicts-only -->)")
    args = ap.parse_args()
    if not args.db.exists():
        print(f"no KB at {args.db}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.db"
        shutil.copy(args.db, db)
        kb = KB(db)
        times, summary = [], {}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            summary = kb.recompute_comparisons()
            times.append(time.perf_counter() - t0)
        conflicts, events = kb.conflicts(), kb.events()
        kb.close()
    sample = draw(events)
    if args.list:
        list_for_judging(conflicts, sample)
        return 0
    crows, real, spurious = conflict_rows(conflicts, load(CONFLICT_VERDICTS))
    if args.conflicts_only:
        return conflicts_section(args.runs, times, summary, conflicts, crows, real, spurious)
    erows, one, mixed = event_rows(sample, load(EVENT_VERDICTS))
    disputed = sum(1 for e in events if e.get("conflict"))
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "## Events and conflicts found in any text (issue 14)",
        "",
        f"- command: `.venv/bin/python bench/bench_events.py --db KB --runs {args.runs}` (KB: seeds + more, built"
        " with `kartoteka ingest ../shared/corpus/seeds ../shared/corpus/more`; the script recomputes on a copy)",
        f"- code: {code_version()}; machine: {machine()}; date: {date}",
        f"- recompute events, conflicts, corroboration and profiles for the whole KB ({summary.get('factoids')}"
        f" factoids, {summary.get('documents')} documents): median {statistics.median(times):.2f} s, max"
        f" {max(times):.2f} s over {args.runs} runs (target < {TARGET_S:.0f} s)",
        f"- {summary.get('events')} events, {disputed} of them in conflict; conflicts listed: {len(conflicts)};"
        f" judged {real + spurious}: {real} real, {spurious} spurious"
        + (f" ({real / (real + spurious):.0%} real)" if real + spurious else "")
        + f"; unjudged {len(conflicts) - real - spurious}",
        f"- events judged: {len(sample)}: every one told in two sentences or more, topped up at random with events"
        f" told in one (random.Random({SEED})); judged"
        f" {one + mixed}: {one} group only assertions about one happening, {mixed} mix in another"
        + (f" ({one / (one + mixed):.0%} one happening)" if one + mixed else ""),
        "",
        "Every conflict, ranked by the independent witnesses each side has (in brackets; each source by document"
        " and offset; verdicts in `bench/compare_judgements.yaml`: real where the texts, or a text and the pack,"
        " do disagree as listed, whichever is right; spurious where an extraction or resolution error made it):",
        "",
        "| # | entity | what | kind | values [independent witnesses] | verdict |",
        "|---|---|---|---|---|---|",
        *crows,
        "",
        "The drawn events (verdicts in `bench/event_verdicts.yaml`, made by reading every source sentence in"
        " context: one where all of them tell the same happening of the same subject):",
        "",
        "| # | event | description | told in | verdict |",
        "|---|---|---|---|---|",
        *erows,
    ])
    print(text)
    write_section("events", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
