"""Ablation of the registered extraction rules (kartoteka/extract/rules.py): for each rule, build
the KBs again with that rule switched off (KARTOTEKA_RULES_OFF) and print what the gold scores
lose or gain against all rules on.

    python bench/bench_rules.py [--rules a,b,...] [--no-dev] [--write]
    python bench/bench_rules.py --fixtures [--write]

Columns: dev factoids (a KB of the seeds), dev2 factoids and dev2 passages precision and
recall (a KB of the ``more`` documents alone: the dev2 gold names only them). Each variant is a
fresh ingest, so a full run takes (1 + number of rules) builds of each KB; ``--rules`` picks a
subset. ``--fixtures`` instead counts, in seconds rather than hours, the expectations of every
rule's fixture sentences and of the biography paragraphs (tests/fixtures/biographies.yaml) that
hold with each rule off. ``--write`` records the table in bench/RESULTS.md (section "rules" or
"rules-fixtures").
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

ROOT = benchlib.ROOT
SHARED = ROOT.parent / "shared"
SCORE = SHARED / "eval" / "score.py"


def build(db: Path, corpus: list[Path], off: str) -> None:
    env = dict(os.environ, KARTOTEKA_RULES_OFF=off, PYTHONPATH=str(ROOT))
    db.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", *map(str, corpus)],
                   env=env, check=True, capture_output=True, cwd=ROOT)


def score(db: Path, gold: Path, only: str) -> str:
    cmd = f"env PYTHONPATH={ROOT} {sys.executable} -m kartoteka"
    out = subprocess.run([sys.executable, str(SCORE), "--db", str(db), "--gold", str(gold), "--only", only,
                          "--cmd", cmd], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    line = next((x for x in out.splitlines() if x.startswith(only + ":")), "")
    return line.split(":", 1)[1].strip()


def figures(tmp: Path, off: str, dev: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    if dev:
        build(tmp / "seeds.db", [SHARED / "corpus" / "seeds"], off)
        m = re.search(r"\((\d+)/(\d+)\)", score(tmp / "seeds.db", SHARED / "eval" / "dev", "factoids"))
        out["dev factoids"] = f"{m.group(1)}/{m.group(2)}" if m else "?"
    build(tmp / "more.db", [SHARED / "corpus" / "more"], off)
    m = re.search(r"\((\d+)/(\d+)\)", score(tmp / "more.db", SHARED / "eval" / "dev2", "factoids"))
    out["dev2 factoids"] = f"{m.group(1)}/{m.group(2)}" if m else "?"
    p = score(tmp / "more.db", SHARED / "eval" / "dev2", "passages")
    pm = re.search(r"precision (\d+)/(\d+).*recall (\d+)/(\d+)", p)
    out["dev2 passages P"] = f"{pm.group(1)}/{pm.group(2)}" if pm else "?"
    out["dev2 passages R"] = f"{pm.group(3)}/{pm.group(4)}" if pm else "?"
    return out


def delta(base: str, got: str) -> str:
    try:
        b, g = int(base.split("/")[0]), int(got.split("/")[0])
    except ValueError:
        return got
    return f"{got} ({g - b:+d})" if g != b else got


def fixture_counts(off: str) -> tuple[int, int, int, int]:
    """(rule fixture expectations held, of all; biography expectations held, of all) with ``off``."""
    os.environ["KARTOTEKA_RULES_OFF"] = off
    sys.path.insert(0, str(ROOT / "tests"))
    from test_extract_rules import holds, types

    from kartoteka import yamldata
    from kartoteka.extract.rules import RULES
    from kartoteka.extract.testing import analyse_text

    counts = [0, 0, 0, 0]
    for r in RULES.values():
        for text, expected in r.fixtures:
            facts = analyse_text(text, types())
            counts[0] += sum(holds(facts, e) for e in expected)
            counts[1] += len(expected)
    bios = yamldata.safe_load((ROOT / "tests" / "fixtures" / "biographies.yaml").read_text(encoding="utf-8"))
    for item in bios:
        facts = analyse_text(item["text"], types())
        counts[2] += sum(holds(facts, tuple(e)) for e in item["facts"])
        counts[3] += len(item["facts"])
    return counts[0], counts[1], counts[2], counts[3]


def fixtures_table(names: list[str], kinds: dict[str, str]) -> str:
    base = fixture_counts("")
    lines = ["| rule switched off | kind | rule fixtures held | biography expectations held |", "|---|---|---|---|",
             f"| (all rules on) | | {base[0]}/{base[1]} | {base[2]}/{base[3]} |"]
    for n in names:
        got = fixture_counts(n)
        lines.append(f"| {n} | {kinds[n]} | {got[0]}/{got[1]} ({got[0] - base[0]:+d}) | "
                     f"{got[2]}/{got[3]} ({got[2] - base[2]:+d}) |")
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", help="comma-separated rule names (default: every registered rule)")
    ap.add_argument("--no-dev", action="store_true", help="skip the seeds KB (dev factoids)")
    ap.add_argument("--write", action="store_true", help="record the table in bench/RESULTS.md")
    ap.add_argument("--fixtures", action="store_true", help="ablate on the fixture sentences, not the gold")
    args = ap.parse_args(argv)
    if not args.fixtures and not SCORE.exists():
        print(f"error: no scorer at {SCORE}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    import kartoteka.extract.extractor  # noqa: F401  (registers the rules)
    import kartoteka.extract.stage  # noqa: F401
    from kartoteka.extract.rules import RULES

    names = [n.strip() for n in args.rules.split(",")] if args.rules else sorted(RULES)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        print(f"error: no such rule: {', '.join(unknown)}", file=sys.stderr)
        return 2
    t0 = time.time()
    if args.fixtures:
        table = fixtures_table(names, {n: RULES[n].kind for n in names})
        print(table)
        if args.write:
            text = (f"## Extraction rules: ablation on the fixtures\n\n`python bench/bench_rules.py --fixtures --write` at "
                    f"{benchlib.code_version()} on {benchlib.machine()}, {time.strftime('%Y-%m-%d')}, "
                    f"{time.time() - t0:.0f} s. Expectations of every rule's fixture sentences and of the biography "
                    "biography paragraphs that hold with one rule off (a minus is what the rule gains).\n\n" + table)
            benchlib.write_section("rules-fixtures", text)
        return 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base = figures(tmp, "", not args.no_dev)
        rows = [("(all rules on)", "", base)]
        for n in names:
            got = figures(tmp, n, not args.no_dev)
            rows.append((n, RULES[n].kind, {k: delta(base[k], v) for k, v in got.items()}))
            print(f"{n}: {rows[-1][2]}", file=sys.stderr)
    cols = list(base)
    lines = ["| rule switched off | kind | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    lines += [f"| {n} | {k} | " + " | ".join(v[c] for c in cols) + " |" for n, k, v in rows]
    table = "\n".join(lines)
    print(table)
    if args.write:
        cmd = "python bench/bench_rules.py" + (f" --rules {args.rules}" if args.rules else "") + \
            (" --no-dev" if args.no_dev else "")
        text = (f"## Extraction rules: ablation\n\n`{cmd} --write` at {benchlib.code_version()} on "
                f"{benchlib.machine()}, {time.strftime('%Y-%m-%d')}, {time.time() - t0:.0f} s. dev factoids on a "
                "seeds KB; dev2 on a KB of the `more` documents alone. Each row switches one rule off "
                "(differences from all rules on in brackets: a minus is what the rule gains).\n\n" + table)
        benchlib.write_section("rules", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
