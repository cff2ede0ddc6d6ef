"""Draw mentions at random (fixed seed) from the ``more/`` documents of a KB, for judging entity
links by hand, and tally judged verdicts.

    python bench/sample_mentions.py --db KB [--n 100] [--seed 13] > draw.jsonl
    python bench/sample_mentions.py --db KB --tally bench/mention_verdicts.jsonl
    python bench/sample_mentions.py --db KB --changed bench/mention_verdicts.jsonl > changed.jsonl

``--changed`` looks each judged mention up by document and span on another KB and prints the
rows whose entity differs (or that the KB no longer stores: ``"entity": "gone"``, with the mentions
now overlapping its span), for re-judging.

A draw line: ``{"n", "doc", "start", "end", "text", "entity": {"id", "name", "type"}, "how",
"context"}``. A verdict line adds ``"verdict"``: ``right`` (the entity meant), ``unresolved``
(rightly left without an entity, or a document entity of its own where the packs know nobody
meant) or ``wrong``, and ``"note"``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MORE = ROOT.parent / "shared" / "corpus" / "more"


def draw(db: str, n: int, seed: int) -> list[dict]:
    from kartoteka.api import KB

    kb = KB(db, create=False)
    names = {p.name for p in MORE.iterdir()} if MORE.is_dir() else set()
    docs = sorted(s["doc"] for s in kb.sources() if s["doc"] in names)
    pool = []
    for doc in docs:
        text = kb.text(doc)
        for m in kb.mentions(doc):
            pool.append((doc, m, text))
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(pool)), min(n, len(pool))))
    out = []
    for k, i in enumerate(picked, 1):
        doc, m, text = pool[i]
        context = text[max(0, m["start"] - 80):m["start"]] + "[" + m["text"] + "]" + text[m["end"]:m["end"] + 80]
        out.append({"n": k, "doc": doc, "start": m["start"], "end": m["end"], "text": m["text"],
                    "entity": m["entity"], "context": " ".join(context.split())})
    return out


def tally(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            v = json.loads(line)["verdict"]
            counts[v] = counts.get(v, 0) + 1
    return counts


def changed(db: str, path: Path) -> list[dict]:
    from kartoteka.api import KB

    kb = KB(db, create=False)
    by_doc: dict[str, dict[tuple[int, int], dict]] = {}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row["doc"] not in by_doc:
            by_doc[row["doc"]] = {(m["start"], m["end"]): m for m in kb.mentions(row["doc"])}
        now = by_doc[row["doc"]].get((row["start"], row["end"]))
        was = (row.get("entity") or {}).get("id")
        if now is None:
            over = [m for (a, b), m in by_doc[row["doc"]].items() if a < row["end"] and row["start"] < b]
            out.append({**row, "was": row.get("entity"), "entity": "gone",
                        "overlapping": [{"start": m["start"], "end": m["end"], "text": m["text"],
                                         "entity": m["entity"]} for m in over]})
        elif (now["entity"] or {}).get("id") != was:
            out.append({**row, "was": row.get("entity"), "entity": now["entity"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--tally", type=Path, help="tally a verdicts file instead of drawing")
    ap.add_argument("--changed", type=Path, help="judged rows whose entity differs on this KB")
    args = ap.parse_args()
    if args.changed:
        for row in changed(args.db, args.changed):
            print(json.dumps(row, ensure_ascii=False))
        return
    if args.tally:
        counts = tally(args.tally)
        total = sum(counts.values())
        good = counts.get("right", 0) + counts.get("unresolved", 0)
        print(json.dumps({"counts": counts, "total": total, "good": good,
                          "share": round(good / total, 3) if total else None}))
        return
    for row in draw(args.db, args.n, args.seed):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
