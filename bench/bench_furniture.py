"""What page furniture does to a KB: mentions, factoids and dates per document, before and after.

    .venv/bin/python bench/bench_furniture.py --db KB [--before OLD_KB] [--no-write]

For each document whose name does not start with a digit (the ``more/`` documents; ``--all`` for
every one) it counts the passages by layer, the boilerplate segments by what they are (caption,
back matter, ...), the mentions, the factoids and the dated factoids, and how many mentions and
factoids lie inside a boilerplate segment (zero once furniture is marked: nothing is read from
it). With ``--before`` the same counts of an older KB of the same documents stand beside them.
Writes the ``<!-- furniture -->`` section of bench/RESULTS.md unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import code_version, machine, write_section  # noqa: E402

Spans = dict[str, tuple[str, list[tuple[int, int]]]]


def furniture_spans(db: str) -> Spans:
    """doc -> (stored text, boilerplate ranges)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    return {doc: (text, conn.execute("SELECT start, end FROM segments WHERE doc_id = ? AND kind = 'boilerplate'",
                                     (doc_id,)).fetchall())
            for doc_id, doc, text in conn.execute("SELECT id, doc, text FROM documents")}


def counts(db: str, every: bool, spans: Spans) -> dict[str, dict[str, int]]:
    """Per document; "in furniture" counts against ``spans`` (the newer KB's furniture, where the
    stored text is the same, so that an older KB is judged by the same ranges)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out: dict[str, dict[str, int]] = {}
    for doc_id, doc, text in conn.execute("SELECT id, doc, text FROM documents ORDER BY doc"):
        if not every and doc[:1].isdigit():
            continue
        same = spans.get(doc, ("", []))
        boiler = same[1] if same[0] == text else conn.execute(
            "SELECT start, end FROM segments WHERE doc_id = ? AND kind = 'boilerplate'", (doc_id,)).fetchall()

        def inside(s: int, e: int, spans: list = boiler) -> bool:
            return any(a <= s and e <= b for a, b in spans)

        mentions = conn.execute("SELECT start, end FROM mentions WHERE doc_id = ?", (doc_id,)).fetchall()
        facts = conn.execute("SELECT start, end, date_start FROM factoids WHERE doc_id = ?", (doc_id,)).fetchall()
        layers = Counter(r[0] for r in conn.execute("SELECT layer FROM passages WHERE doc_id = ?", (doc_id,)))
        out[doc] = {
            "passages": sum(layers.values()), "furniture passages": layers.get("furniture", 0),
            "mentions": len(mentions), "mentions in furniture": sum(inside(s, e) for s, e in mentions),
            "factoids": len(facts), "dated factoids": sum(1 for f in facts if f[2]),
            "factoids in furniture": sum(inside(s, e) for s, e, _ in facts),
        }
    return out


def labels(db: str) -> Counter[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    return Counter(r[0] or "chrome" for r in conn.execute(
        "SELECT s.label FROM segments s JOIN documents d ON d.id = s.doc_id"
        " WHERE s.kind = 'boilerplate' AND d.doc NOT GLOB '[0-9]*'"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--before", help="an older KB of the same documents, counted alongside")
    ap.add_argument("--all", action="store_true", help="every document, not only those not starting with a digit")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    spans = furniture_spans(args.db)
    after = counts(args.db, args.all, spans)
    before = counts(args.before, args.all, spans) if args.before else {}
    keys = list(next(iter(after.values())).keys()) if after else []
    rows = ["| document | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    total_after: Counter[str] = Counter()
    total_before: Counter[str] = Counter()
    for doc, c in after.items():
        total_after.update(c)
        b = before.get(doc)
        if b:
            total_before.update(b)
        cells = [f"{b[k]} \u2192 {c[k]}" if b else str(c[k]) for k in keys]
        rows.append(f"| {doc} | " + " | ".join(cells) + " |")
    cells = [f"{total_before[k]} \u2192 {total_after[k]}" if before else str(total_after[k]) for k in keys]
    rows.append("| **all** | " + " | ".join(cells) + " |")
    kinds = ", ".join(f"{k} {n}" for k, n in labels(args.db).most_common())
    print("\n".join(rows))
    print(kinds)
    cmd = "python bench/bench_furniture.py --db KB" + (" --before OLD_KB" if before else "")
    text = (f"## Furniture: what is no longer read from captions, reference lists and chrome\n\n`{cmd}` "
            f"at {code_version()} on {machine()}, {dt.date.today()}"
            + (" (before \u2192 after)" if before else "") + ".\n\n" + "\n".join(rows)
            + f"\n\nBoilerplate segments in these documents by what they are: {kinds}.\n")
    if not args.no_write:
        write_section("furniture", text)


if __name__ == "__main__":
    main()
