"""Draw factoids at random (fixed seed) from the ``more/`` documents of a KB, for judging each one
by hand against its quote and its document, and tally judged verdicts (issue 12).

    python bench/draw_more_factoids.py --db KB [--n 60] [--seed 12] > draw.jsonl
    python bench/draw_more_factoids.py --tally bench/factoid_verdicts_more.jsonl

The pool is every non-negated factoid whose source is one of the ``more/`` documents, drawn
uniformly through the ``KB`` API. A draw line: ``{"n", "id", "doc", "type", "subject", "date":
{"text", "start", "precision"} | null, "voice", "hedged", "quote"}``. A verdict line: ``{"id",
"doc", "type", "subject", "date", "verdict": "right" | "wrong", "error": null | "subject" | "type"
| "date" | "not an event" | ..., "why"}``; ``right`` means subject, type and date all right (a date
the sentence does not fix, given anyway, is wrong; no date where the text gives none is right).
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


def pool(db: str) -> list[dict]:
    """Every non-negated factoid of the ``more/`` documents, in a stable order (doc, offset, id)."""
    from kartoteka.api import KB

    names = {p.name for p in MORE.iterdir()} if MORE.is_dir() else set()
    with KB(db, create=False) as kb:
        docs = sorted(s["doc"] for s in kb.sources() if s["doc"] in names)
        rows = [f for doc in docs for f in kb.factoids(source=doc) if not f["negated"]]
    rows.sort(key=lambda f: (f["source"]["doc"], f["source"]["start"], f["id"]))
    return rows


def row_of(k: int, f: dict) -> dict:
    date = f.get("date")
    subject = f["roles"].get("subject") or {}
    return {"n": k, "id": f["id"], "doc": f["source"]["doc"], "type": f["type"],
            "subject": subject.get("name"),
            "date": {"text": date["text"], "start": date["start"], "precision": date["precision"]} if date else None,
            "voice": f["voice"], "hedged": f["hedged"], "quote": " ".join(f["source"]["quote"].split())}


def draw(db: str, n: int, seed: int) -> tuple[int, list[dict]]:
    rows = pool(db)
    picked = sorted(random.Random(seed).sample(range(len(rows)), min(n, len(rows))))
    return len(rows), [row_of(k, rows[i]) for k, i in enumerate(picked, 1)]


def tally(path: Path) -> dict:
    verdicts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    errors: dict[str, int] = {}
    for v in verdicts:
        if v["verdict"] != "right":
            errors[v["error"] or "unspecified"] = errors.get(v["error"] or "unspecified", 0) + 1
    right = sum(v["verdict"] == "right" for v in verdicts)
    total = len(verdicts)
    return {"total": total, "right": right, "wrong": total - right,
            "share": round(right / total, 3) if total else None,
            "errors": dict(sorted(errors.items(), key=lambda kv: -kv[1]))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the KB to draw from (seeds + more)")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--tally", type=Path, help="tally a verdicts file instead of drawing")
    args = ap.parse_args()
    if args.tally:
        print(json.dumps(tally(args.tally)))
        return
    if not args.db:
        ap.error("--db is required to draw")
    total, rows = draw(args.db, args.n, args.seed)
    print(f"# {total} non-negated factoids in the more/ documents; {len(rows)} drawn with seed {args.seed}",
          file=sys.stderr)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
