"""Recomputing corroboration, conflicts, reference checks and source profiles for a whole KB, and
the list of every conflict found, each with the judgement recorded for it.

    .venv/bin/python bench/bench_compare.py --db KB          # KB built from the seed corpus (copied first)
    .venv/bin/python bench/bench_compare.py --db KB --runs 3 --no-write

Judgements (real or spurious, with a reason) are kept by hand in bench/compare_judgements.yaml,
keyed by conflict id; a conflict without one is listed as "unjudged". Quotes are cut to 50
characters. Writes its section of bench/RESULTS.md between ``<!-- compare -->`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_events import conflict_rows  # noqa: E402
from benchlib import code_version, machine, write_section  # noqa: E402

from kartoteka.api import KB  # noqa: E402

JUDGEMENTS = Path(__file__).resolve().parent / "compare_judgements.yaml"
QUOTE = 50
TARGET_S = 5.0


def short(text: str, n: int = QUOTE) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n - 1] + "…"


def side(v: dict[str, Any]) -> str:
    quotes = "; ".join(f"{s['doc'][:3]} “{short(s['quote'])}”" for s in v["sources"][:2])
    more = f" (+{len(v['sources']) - 2})" if len(v["sources"]) > 2 else ""
    ref = " = reference" if v.get("reference") else ""
    return f"**{v['value']}**{ref}: {quotes}{more}" if quotes else f"**{v['value']}**{ref}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a KB built from the seed corpus (it is copied, not changed)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not args.db.exists():
        print(f"no KB at {args.db}", file=sys.stderr)
        return 2
    judged: dict[str, dict[str, str]] = yaml.safe_load(JUDGEMENTS.read_text(encoding="utf-8")) or {} \
        if JUDGEMENTS.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.db"
        shutil.copy(args.db, db)
        kb = KB(db)
        # The first run scans every text afresh, as the finisher does after ingesting new documents.
        kb.conn.execute("UPDATE documents SET profile = NULL")
        times, summary = [], {}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            summary = kb.recompute_comparisons()
            times.append(time.perf_counter() - t0)
        conflicts = kb.conflicts()
        sources = kb.sources()
        kb.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows, real, spurious = conflict_rows(conflicts, judged, side)
    judged_n = real + spurious
    profile_rows = []
    for s in sources:
        p = s.get("profile") or {}
        ref = p.get("reference", {})
        profile_rows.append(
            f"| {s['doc']} | {p.get('genre')} | {p.get('ocr_noise', {}).get('level')} |"
            f" {p.get('hedged_share', 0):.0%} | {p.get('corroborated', 0)} of {p.get('factoids', 0)} |"
            f" {p.get('conflicts', {}).get('total', 0)} | {ref.get('contradict', 0)} of {ref.get('checked', 0)} |")
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "## Corroboration, conflicts and source profiles (compare)",
        "",
        f"- command: `.venv/bin/python bench/bench_compare.py --db KB --runs {args.runs}` (KB: the five seeds,"
        " built with `kartoteka ingest ../shared/corpus/seeds`; the script recomputes on a copy)",
        f"- code: {code_version()}; machine: {machine()}; date: {date}",
        f"- recompute for the whole KB ({summary.get('factoids')} factoids, {summary.get('documents')} documents):"
        f" first run {times[0]:.2f} s (every document's text scanned for its profile), later runs median"
        f" {statistics.median(times[1:] or times):.2f} s, max {max(times[1:] or times):.2f} s (unchanged texts' scans"
        f" reused) over {args.runs} runs (target < {TARGET_S:.0f} s); peak RSS {rss:.0f} MiB",
        f"- {summary.get('groups')} happenings, {summary.get('events')} events (counts included; recomputed in the"
        " same run); "
        f"{summary.get('reference_checked')} factoids checked against the"
        f" pack, {summary.get('reference_contradictions')} contradict it",
        f"- conflicts listed: {len(conflicts)}; judged {judged_n}: {real} real, {spurious} spurious"
        + (f" ({real / judged_n:.0%} real)" if judged_n else "")
        + f"; unjudged {len(conflicts) - judged_n}",
        "",
        "Every conflict on the seed KB (quotes cut to 50 characters; judgements in"
        " `bench/compare_judgements.yaml`, made by reading each quote in its context in the seed text: real"
        " where the texts, or a text and the pack, do disagree as listed, whichever is right; spurious where"
        " an extraction or resolution error made the disagreement):",
        "",
        "| # | entity | what | kind | values | judgement |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "Source profiles:",
        "",
        "| doc | genre | OCR noise | hedged | corroborated | conflicts | contradicts reference |",
        "|---|---|---|---|---|---|---|",
        *profile_rows,
    ])
    print(text)
    if not args.no_write:
        write_section("compare", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
