"""Reading a question: what kind of phrase answers it, which structured shape it has, whom it names.

The patterns are data (``questions.yaml``); names go through the entity layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kartoteka import yamldata
from kartoteka.query.words import word_list

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})(?:\s*[-\u2013]\s*(\d{2,4}))?\b")


@dataclass
class Question:
    text: str
    answer_type: str                      # age, duration, count, year, date, place, title, name, person, thing, other
    focus: str | None = None              # the noun asked about ("engineers", "poison", "minister")
    shape: str | None = None              # killer, successor, holder, position, real_name, fate, event_date, ...
    target: str | None = None             # the name the shape is about, as written
    target_id: str | None = None          # ... resolved
    office: str | None = None
    event_types: list[str] = field(default_factory=list)
    year: str | None = None
    when: str | None = None                # the date the question names ("March 1937"), where a shape takes one
    names: list[Any] = field(default_factory=list)   # kartoteka.query.names.NameSpan


@cache
def rules() -> dict[str, Any]:
    # Beside this module (kartoteka.query.words says why not importlib.resources).
    data = yamldata.safe_load((Path(__file__).parent / "questions.yaml").read_text(encoding="utf-8"))
    data["answer_types"] = [(r["type"], re.compile(r["pattern"])) for r in data["answer_types"]]
    data["event_of"] = {w: t for t, words in data["events"].items() for w in words}
    event = "(?P<event>" + "|".join(sorted(map(re.escape, data["event_of"]), key=len, reverse=True)) + r")\b"
    data["shapes"] = [(r["shape"], re.compile(r["pattern"].replace("{event}", event))) for r in data["shapes"]]
    return data


def normalise(text: str) -> str:
    text = " ".join(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split())
    return text.strip()


def event_types(words: str) -> list[str]:
    of = rules()["event_of"]
    out: list[str] = []
    for w in re.findall(r"[a-z]+", words.lower()):
        t = of.get(w)
        if t and t not in out:
            out.append(t)
    if "death" in out or "execution" in out or "killing" in out:
        out += [t for t in ("execution", "killing", "death") if t not in out]
    return out


def parse_question(text: str) -> Question:
    q = normalise(text)
    low = q.lower().rstrip("?. ")
    atype, focus = "other", None
    for t, pat in rules()["answer_types"]:
        m = pat.search(low)
        if m:
            atype = t
            focus = m.groupdict().get("focus")
            if focus:
                words = [w for w in focus.split() if w not in word_list("not_focus")]
                focus = " ".join(words[:2]) or None
            break
    out = Question(text=q, answer_type=atype, focus=focus)
    ym = _YEAR.search(q)
    if ym:
        out.year = ym.group(1)
    for shape, pat in rules()["shapes"]:
        m = pat.search(low)
        if not m:
            continue
        gd = m.groupdict()
        types = event_types(gd["event"]) if gd.get("event") else []
        if gd.get("event") and not types:
            continue
        start, end = m.span("target")
        out.shape, out.target, out.office, out.event_types = shape, q[start:end].strip(" ,"), gd.get("office"), types
        if gd.get("year"):
            out.year = gd["year"]
        if gd.get("when"):
            out.when = q[m.start("when"):m.end("when")]
        break
    if not out.event_types:
        out.event_types = event_types(low)
    return out
