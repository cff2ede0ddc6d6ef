"""Structured answers: factoids, office intervals, aliases and disagreements for the question
shapes the KB models (who killed X, when was X shot, who succeeded X, X's real name, ...).

Every answer carries the factoids' source spans; a value several sources give is listed with
its support, and where sources give different values each is listed ("12 June 1937 - 2 sources;
2 June 1937 - 1 source"). Factoids from fiction, negated ones, and hedged ones where firm ones
exist never carry an answer.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kartoteka.errors import NotFound
from kartoteka.query.candidates import (
    DISAGREEMENT_CONFIDENCE,
    HEDGED_CONFIDENCE,
    disagreement_text,
    support_label,
    unique_spans,
)

if TYPE_CHECKING:
    from kartoteka.api import KB
    from kartoteka.query.question import Question

FATE_TYPES = ("arrest", "trial", "sentence", "exile", "expulsion", "removal", "release", "defection", "kidnapping",
              "execution", "killing", "suicide", "death")
MAX_VALUES = 5
MAX_CITATIONS = 6
REPEATED = "unattributed quotation"   # the extract stage's voice for words quoted without a speaker
LIST_CONFIDENCE = 0.6   # several holders of a post within the date asked about
FIRM_CONFIDENCE = 0.7   # one firm value from one source; each further source adds 0.1


def structured_answer(kb: KB, q: Question, excluded: set[int]) -> dict[str, Any] | None:
    if not q.shape or not q.target_id:
        return None
    route: Callable[[KB, Question, set[str]], dict[str, Any] | None] | None = ROUTES.get(q.shape)
    if route is None:
        return None
    fiction = {r[0] for r in kb.conn.execute("SELECT doc FROM documents WHERE genre = 'fiction'")}
    fiction |= {r[0] for r in kb.conn.execute(f"SELECT doc FROM documents WHERE id IN ({','.join('?' * len(excluded))})",
                                              tuple(excluded))} if excluded else set()
    try:
        return route(kb, q, fiction)
    except NotFound:
        return None


def _facts(kb: KB, eid: str, types: tuple[str, ...] | list[str], fiction_docs: set[str]) -> list[dict[str, Any]]:
    """The entity's factoids (as subject) of these types, rendered as CONTRACT.md has them."""
    # Hedged factoids stay: they are candidates (flagged), ranked below every firm value.
    return [f for f in kb.subject_factoids(eid, types) if f["source"]["doc"] not in fiction_docs]


def date_text(d: dict[str, Any]) -> str:
    """A factoid date in words at its precision: "12 June 1937", "June 1937", "1937"."""
    start, prec = d["start"], d.get("precision")
    y, m, day = int(start[:4]), int(start[5:7]), int(start[8:10])
    if prec == "day":
        return f"{day} {calendar.month_name[m]} {y}"
    if prec == "month":
        return f"{calendar.month_name[m]} {y}"
    if prec == "season":
        return d.get("text") or str(y)
    return str(y) if prec == "year" else d.get("text") or str(y)


def iso_text(value: str) -> str:
    """An ISO date value ("1937-06-02", "1937-06", "1937") in words; anything else unchanged."""
    parts = value.split("-")
    if not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3:
        return value
    prec = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return date_text({"start": "-".join(parts + ["01"] * (3 - len(parts))), "precision": prec})


def support_text(v: dict[str, Any]) -> str:
    """How many sources give a conflict value; the domain pack's value says so."""
    if v.get("reference") and not v.get("sources"):
        return "reference data"
    n = len({s["doc"] for s in v.get("sources", [])})
    return f"{n} source{'s' if n != 1 else ''}"


def date_key(d: dict[str, Any]) -> str:
    prec = d.get("precision")
    return d["start"][:10] if prec == "day" else d["start"][:7] if prec in ("month", "season") else d["start"][:4]


def grouped(facts: list[dict[str, Any]], value: Callable[[dict[str, Any]], tuple[str, str] | None]) -> list[dict[str, Any]]:
    """Values (key, display) with their factoids and sources, best supported first."""
    groups: dict[str, dict[str, Any]] = {}
    for f in facts:
        v = value(f)
        if v is None:
            continue
        key, shown = v
        g = groups.setdefault(key, {"value": shown, "key": key, "factoids": [], "sources": [], "docs": set(),
                                    "firm": set(), "voices": [], "own": set()})
        g["factoids"].append(f["id"])
        g["sources"].append(f["source"])
        g["docs"].add(f["source"]["doc"])
        if not f.get("hedged"):
            g["firm"].add(f["source"]["doc"])
        g["voices"].append(f.get("voice") or "author")
        if (f.get("voice") or "author") != REPEATED:
            g["own"].add(f["source"]["doc"])
    # A vaguer value that one more precise value falls within is the same claim ("June 1937" ~
    # "12 June 1937"); precise values are placed first so the vaguer ones can join them.
    merged: list[dict[str, Any]] = []
    for g in sorted(groups.values(), key=lambda g: (-len(g["key"]), -len(g["docs"]), g["key"])):
        hosts = [m for m in merged if m["key"].startswith(g["key"])]
        if len(hosts) == 1:
            for k in ("factoids", "sources", "voices"):
                hosts[0][k] += g[k]
            for k in ("docs", "firm", "own"):
                hosts[0][k] |= g[k]
            continue
        # Within several precise values ("June 1937" of "2 June" and "12 June") a vaguer one
        # takes no side: it stays a candidate but makes no disagreement.
        g["vague"] = len(hosts) > 1
        merged.append(g)
    # Firm values first (a hedged value never outranks a firm one), then by independent sources.
    merged.sort(key=lambda g: (not g["firm"], -independent(g), -len(g["factoids"]), g["key"]))
    return merged[:MAX_VALUES]


def independent(g: dict[str, Any]) -> int:
    """The sources that give a value in their own voice: a document that only repeats it inside an
    unattributed quotation (often the words of another source the KB holds) adds no witness."""
    docs = g["firm"] or g["docs"]
    return len(docs & g["own"]) or 1


def answer_from(groups: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    """The answer from grouped values: one firm value alone is the answer; several firm values are
    a disagreement with each side's support; hedged values only are an unconfirmed answer."""
    if not groups:
        return None
    values = [{"value": g["value"], "factoids": g["factoids"], "sources": g["sources"][:MAX_CITATIONS]} for g in groups]
    cands = [_candidate(g) for g in groups]
    firm = [c for c, g in zip(cands, groups, strict=True) if not c["hedged"] and not g.get("vague")]
    if len(firm) > 1:
        one = len({d for g in groups if not g.get("vague") for d in g["docs"]}) == 1
        answer, out_kind, confidence = disagreement_text(firm + [c for c in cands if c["hedged"]], one), \
            "disagreement", DISAGREEMENT_CONFIDENCE
        cites = [s for g in groups for s in g["sources"][:2]]
    elif firm:
        best = groups[0]
        answer, out_kind = best["value"], kind
        confidence = min(0.95, FIRM_CONFIDENCE + 0.1 * (independent(best) - 1))
        cites = best["sources"][:MAX_CITATIONS] + [s for g in groups[1:] for s in g["sources"][:1]]
    else:
        answer, out_kind, confidence = f"unconfirmed: {cands[0]['value']} ({support_label(cands[0], short=True)})", "hedged", HEDGED_CONFIDENCE
        cites = [s for g in groups for s in g["sources"][:2]]
    return {"answer": answer[:300], "kind": out_kind, "citations": unique_spans(cites)[:MAX_CITATIONS],
            "confidence": round(confidence, 3), "values": values, "candidates": cands}


def _candidate(g: dict[str, Any]) -> dict[str, Any]:
    """A grouped value as ``kartoteka.query.candidates`` has a candidate."""
    voices = list(dict.fromkeys(g["voices"]))
    return {"value": g["value"], "score": float(independent(g)),
            "sources": independent(g), "voice": "author" if "author" in voices else voices[0],
            "voices": voices,
            "hedged": not g["firm"], "fiction": False, "citations": unique_spans(g["sources"])[:3]}


def _in_year(f: dict[str, Any], year: str | None) -> bool:
    if not year:
        return True
    d = f.get("date")
    return bool(d) and d["start"][:4] <= year <= (d.get("end") or d["start"])[:4]


# -- routes -----------------------------------------------------------------------------------

def killer(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    facts = _facts(kb, q.target_id or "", ("killing", "execution"), fiction)
    return answer_from(grouped(facts, lambda f: (f["roles"]["agent"]["id"], f["roles"]["agent"]["name"])
                               if f["roles"].get("agent") and f["roles"]["agent"]["id"] != q.target_id else None), "person")


def event_date(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    facts = [f for f in _facts(kb, q.target_id or "", q.event_types[:1] or ["death"], fiction)
             if f.get("date") and not f["date"].get("inferred")]
    if q.office:
        # "appointed head of the NKVD": only the factoids about that post or body answer.
        facts = [f for f in facts if _about_office(kb, q, f)]
    return answer_from(grouped(facts, lambda f: (date_key(f["date"]), date_text(f["date"]))), "date")


def office_words(office: str | None) -> set[str]:
    """The words of an office title that say which office it is ("commissar", "nkvd"), without
    the filler words.yaml lists ("of", "the", "post", "people")."""
    from kartoteka.query.words import word_list
    from kartoteka.resolve.keys import fold

    return set(fold(office or "").split()) - word_list("office_filler")


def portfolio_words(office: str | None) -> set[str]:
    """The office words that say which body or portfolio ("water transport", "nkvd"), not the
    rank every body has ("head", "commissar", "deputy": ``office_rank`` in words.yaml)."""
    from kartoteka.query.words import word_list

    return office_words(office) - word_list("office_rank")


def _about_office(kb: KB, q: Question, f: dict[str, Any]) -> bool:
    """The factoid's organization is (in the lineage of) a body the question's complement names,
    or, where it names none, its office shares a word with the complement."""

    office = (q.office or "").lower()
    bodies = [n.entity_id for n in q.names if n.entity_id != q.target_id and n.text.lower() in office]
    if bodies:
        org = (f["roles"].get("organization") or {}).get("id")
        lineage = {e for b in bodies for e in kb.entity_ids_for(b, lineage=True)}
        return org in lineage
    return bool(office_words(office) & office_words(f["roles"].get("office")))


def event_place(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    facts = [f for f in _facts(kb, q.target_id or "", q.event_types[:1] or ["birth"], fiction)
             if f["roles"].get("place") and _in_year(f, q.year)]
    return answer_from(grouped(facts, lambda f: (f["roles"]["place"]["id"], f["roles"]["place"]["name"])), "place")


def successor(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    """Who a source says replaced the person (a removal that names the successor: "X was
    replaced by Y", "Y succeeded X"), and who next held an office the person held."""
    asked = office_words(q.office) if q.office else set()
    facts = []
    for f in _facts(kb, q.target_id or "", ["removal"], fiction):
        if not _in_year(f, q.year) or (asked and f["roles"].get("office")
                                       and not asked & office_words(f["roles"]["office"])):
            continue
        for other in f["roles"].get("other") or []:
            if other.get("type") == "person" and other.get("id") != q.target_id:
                facts.append({"id": f["id"], "source": f["source"], "holder": other})
    intervals = [iv for iv in kb.office_intervals() if iv["source"]["doc"] not in fiction]
    mine = [iv for iv in intervals if iv["holder"]["id"] == q.target_id]
    if asked:
        mine = [iv for iv in mine if asked & office_words(iv.get("office"))] or mine
    for iv in mine:
        nxt = next((o for o in intervals if o["factoid"] == iv.get("closed_by") and o["holder"]["id"] != q.target_id), None)
        if nxt is None:
            nxt = _next_holder(iv, intervals, q)
        if nxt is not None:
            facts.append({"id": nxt["factoid"], "source": nxt["source"], "holder": nxt["holder"]})
    return answer_from(grouped(facts, lambda f: (f["holder"]["id"], f["holder"]["name"])), "person")


def _next_holder(iv: dict[str, Any], intervals: list[dict[str, Any]], q: Question) -> dict[str, Any] | None:
    """The first other holder of the same office (same organization, or shared office words) who
    took it after ``iv`` began; in the question's year where it names one. A rank two offices
    share is no match: only their portfolio words."""

    org = (iv.get("organization") or {}).get("id")
    words = portfolio_words(iv.get("office"))
    later = []
    for o in intervals:
        if o["holder"]["id"] == iv["holder"]["id"] or not o.get("from") or not iv.get("from") or o["from"] <= iv["from"]:
            continue
        same_org = org is not None and (o.get("organization") or {}).get("id") == org
        shared = bool(words & portfolio_words(o.get("office")))
        if same_org and (shared or not o.get("office")) or not org and shared:
            later.append(o)
    if q.year:
        later = [o for o in later if o["from"][:4] == q.year] or later
    return min(later, key=lambda o: o["from"], default=None)


def holder(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    """Who held the post at the question's date: each holder's tenure runs until the next other
    holder's appointment where no source closes it earlier; successive holders within the date
    (a year) are a list, not a disagreement."""
    from kartoteka.extract.dates import parse_bound

    ivs = sorted((iv for iv in kb.holders(q.target or "") if iv["source"]["doc"] not in fiction and iv.get("from")),
                 key=lambda iv: iv["from"])
    when = q.when or q.year
    try:
        lo, hi = (parse_bound(when), parse_bound(when, end=True)) if when else ("0000", "9999")
    except ValueError:
        lo, hi = q.year or "0000", f"{q.year}-12-31" if q.year else "9999"
    kept = []
    for iv in ivs:
        nxt = next((o["from"] for o in ivs if o["from"] > iv["from"] and o["holder"]["id"] != iv["holder"]["id"]), None)
        end = min(x for x in (iv.get("to"), nxt, "9999") if x)
        if iv["from"] <= hi and end >= lo:
            kept.append(iv)
    facts = [{"id": iv["factoid"], "source": iv["source"], "holder": iv["holder"]} for iv in kept]
    out = answer_from(grouped(facts, lambda f: (f["holder"]["id"], f["holder"]["name"])), "person")
    if out and out["kind"] == "disagreement":   # successive holders, in the order they took the post
        order = list(dict.fromkeys(iv["holder"]["name"] for iv in kept))
        out.update(answer="; ".join(order)[:300], kind="list", confidence=LIST_CONFIDENCE)
    return out


def position(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    ivs = [iv for iv in kb.office_intervals()
           if iv["holder"]["id"] == q.target_id and iv["source"]["doc"] not in fiction and iv.get("office")]
    if q.year:
        ivs = [iv for iv in ivs if (iv.get("from") or "9999")[:4] <= q.year <= (iv.get("to") or "9999")[:4]]
    facts = [{"id": iv["factoid"], "source": iv["source"], "office": iv["office"]} for iv in ivs]
    out = answer_from(grouped(facts, lambda f: (f["office"].lower(), f["office"])), "list")
    if out and len(out["values"]) > 1:  # several offices are a list, not a disagreement
        out["answer"] = "; ".join(v["value"] for v in out["values"])[:300]
        out["kind"] = "list"
    return out


def real_name(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    """Names a source states for the entity ("born X", "real name X", "nee X")."""
    from kartoteka.query.documents import page_at

    rows = kb.conn.execute(
        "SELECT a.alias, a.start, a.end, d.doc, d.id AS doc_id, d.text FROM aliases a JOIN documents d ON d.id = a.doc_id"
        " WHERE a.entity_id = ? AND a.kind = 'stated' AND a.start IS NOT NULL", (q.target_id,)).fetchall()
    facts = []
    for r in rows:
        if r["doc"] in fiction:
            continue
        src: dict[str, Any] = {"doc": r["doc"], "start": r["start"], "end": r["end"], "quote": r["text"][r["start"]:r["end"]]}
        page = page_at(kb.conn, r["doc_id"], r["start"])
        if page:
            src["page"] = page
        facts.append({"id": f"alias:{r['doc']}:{r['start']}", "source": src, "alias": r["alias"]})
    return answer_from(grouped(facts, lambda f: (f["alias"].lower(), f["alias"])), "name")


def fate(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    facts = _facts(kb, q.target_id or "", FATE_TYPES, fiction)
    if not facts:
        return None
    facts.sort(key=lambda f: (f.get("date") or {}).get("start") or "9999")
    seen: dict[str, dict[str, Any]] = {}
    for f in facts:
        key = f["type"] + "|" + (date_key(f["date"])[:4] if f.get("date") else "")
        seen.setdefault(key, f)
    parts = []
    for f in list(seen.values())[:6]:
        parts.append(f["type"] + (f" ({date_text(f['date'])})" if f.get("date") else ""))
    cites = unique_spans([f["source"] for f in seen.values()])[:MAX_CITATIONS]
    return {"answer": "; ".join(parts)[:300], "kind": "list", "citations": cites,
            "confidence": 0.6, "values": [{"value": p, "factoids": [f["id"]], "sources": [f["source"]]}
                                          for p, f in zip(parts, seen.values(), strict=False)]}


def disagree(kb: KB, q: Question, fiction: set[str]) -> dict[str, Any] | None:
    """Where sources disagree about the entity: the KB's conflicts where it has them, else the
    factoids' differing dates, type by type."""
    conflicts = getattr(kb, "conflicts", None)
    found: list[dict[str, Any]] = []
    if callable(conflicts):
        try:
            found = [c for c in conflicts(q.target or q.target_id) if isinstance(c, dict) and c.get("values")
                     and (c.get("entity") or {}).get("id") == q.target_id]
        except (NotFound, TypeError):
            found = []
    if not found:
        for t in FATE_TYPES + ("birth", "appointment"):
            facts = [f for f in _facts(kb, q.target_id or "", (t,), fiction) if f.get("date")]
            groups = grouped(facts, lambda f: (date_key(f["date"]), date_text(f["date"])))
            if len(groups) > 1:
                found.append({"type": t, "field": "date", "values": [
                    {"value": g["value"], "factoids": g["factoids"], "sources": g["sources"][:3]} for g in groups]})
    if not found:
        return None
    parts, cites, values = [], [], []
    for c in found[:4]:
        vals = [v for v in c["values"] if not any(s.get("doc") in fiction for s in v.get("sources", []))] or c["values"]
        shown = ", ".join(f"{iso_text(str(v['value']))} ({support_text(v)})" for v in vals)
        parts.append(f"{c['type']} {c.get('field', 'date')}: {shown}")
        for v in vals:
            cites += v.get("sources", [])[:1]
            values.append({"type": c["type"], "field": c.get("field", "date"), **v})
    return {"answer": "; ".join(parts)[:300], "kind": "disagreement", "citations": unique_spans(cites)[:MAX_CITATIONS * 2],
            "confidence": 0.7, "values": values}


ROUTES: dict[str, Callable[[KB, Question, set[str]], dict[str, Any] | None]] = {
    "killer": killer, "event_date": event_date, "event_place": event_place, "successor": successor,
    "holder": holder, "position": position, "real_name": real_name, "fate": fate, "disagree": disagree,
}
