"""The page handlers: read query parameters (``params``), call the KB API, render a template.
No SQL here; every KB is opened read-only for the one request it serves."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kartoteka.api import KB
from kartoteka.errors import NotFound, UsageError
from kartoteka.web import charts, indexes, params, reader
from kartoteka.web.datelabel import date_label, said_differently
from kartoteka.web.markup import Annotation, render
from kartoteka.web.urls import cite_url

SEARCH_POOL = 40      # best hits fetched, faceted and filtered (search cost grows with it)
SNIPPET = 420         # characters of a hit shown around its first matched term
MAX_EDGES = 300       # network edges drawn at most (the strongest)
QUOTE_PREVIEW = 240
CONFLICT_KINDS = ("sources", "self", "reference")   # as the CLI's conflicts --kind
FACTS_PER_PAGE = 25   # factoid cards and events per page (a dossier of 130 was one 18,700-px page)
# A query that reads as a question goes to ``KB.ask`` as well as to search.
QUESTION = re.compile(r"^(?:who|whom|whose|what|when|where|why|how|which|did|does|was|were|is|are)\b|\?\s*$", re.I)

Render = Callable[..., HTMLResponse]


class Pages:
    def __init__(self, open_kb: Callable[[], KB], render_page: Render) -> None:
        self.open_kb = open_kb
        self.page = render_page

    # -- home --------------------------------------------------------------------------------

    def home(self, request: Request) -> HTMLResponse:
        with self.open_kb() as kb:
            sources = kb.sources()
            top = kb.entities(limit=15)
            years = charts.year_bars(kb.year_histogram())
            conflicts = kb.conflicts()
        for s in sources:
            s["summary"] = indexes.profile_summary(s.get("profile"), s.get("genre"), s.get("genre_confidence"))
        return self.page(request, "home.html", sources=sources, top=top, years=years,
                         conflicts=conflicts[:8], conflict_count=len(conflicts))

    # -- search and ask ----------------------------------------------------------------------

    def search(self, request: Request) -> HTMLResponse:
        p = request.query_params
        q = params.text(p, "q")
        source = params.text(p, "source", max_len=300)
        etype = params.choice(p, "type", params.ENTITY_TYPES)
        year = params.integer(p, "year", lo=1, hi=9999)
        number, per = params.page_request(p, per=params.integer(p, "limit", default=20, lo=1, hi=100) or 20)
        ctx: dict[str, Any] = {"q": q or "", "source": source, "etype": etype, "year": year, "hits": [],
                               "facets": None, "answer": None, "entity": None, "error": None, "total": 0,
                               "listing": None}
        if not q:
            return self.page(request, "search.html", **ctx)
        with self.open_kb() as kb:
            if source and source not in {s["doc"] for s in kb.sources()}:
                raise NotFound(f"no document named {source!r} in this KB")
            try:
                hits = run_search(kb, q, source)
            except UsageError as e:
                ctx["error"] = str(e)
                return self.page(request, "search.html", status=400, **ctx)
            facets = kb.span_facets([(h["doc"], h["start"], h["end"]) for h in hits])
            ctx["facets"] = {
                "source": Counter(h["doc"] for h in hits).most_common(),
                "type": Counter(t for f in facets for t in f["types"]).most_common(),
                "year": sorted(Counter(y for f in facets for y in f["years"]).items()),
            }
            shown = [dict(h, facets=f) for h, f in zip(hits, facets, strict=True)
                     if (not etype or etype in f["types"]) and (not year or year in f["years"])]
            ctx["total"] = len(shown)
            listing = indexes.page_of(shown, number, per)
            ctx["listing"] = listing
            ctx["hits"] = [dict(h, snippet=snippet(h)) for h in listing["rows"]]
            if QUESTION.search(q):
                ctx["answer"] = kb.ask(q)
            else:
                eid = kb.resolve_name(q) if len(q) <= 120 else None
                if eid:
                    ctx["entity"] = kb.entity_by_id(eid, co_limit=0)
        return self.page(request, "search.html", **ctx)

    # -- entity dossier ----------------------------------------------------------------------

    def entity(self, request: Request) -> HTMLResponse:
        eid = request.path_params["eid"]
        number, per = params.page_request(request.query_params, per=FACTS_PER_PAGE)
        with self.open_kb() as kb:
            e = kb.entity_by_id(eid, co_limit=15)
            facts = kb.entity_factoids(eid)
            offices = [dict(o, origin="source") for o in kb.offices_of(eid)] + pack_offices(e)
            lineage = kb.lineage_of(eid) if e["type"] == "organization" else []
            contexts = kb.mention_contexts(eid, per_source=5)
            evidence = kb.link_evidence(eid, per_alias=1)
            mine = [c for c in kb.conflicts() if c.get("entity", {}).get("id") == eid]
        corroborated = [f for f in facts if f.get("corroboration")]
        return self.page(request, "entity.html", e=e, facts=facts, listing=indexes.page_of(facts, number, per),
                         offices=charts.office_bars(offices),
                         lineage=lineage, contexts=contexts, evidence=evidence, conflicts=mine,
                         corroborated=len(corroborated),
                         dated=sum(1 for f in facts if f.get("date")))

    # -- timeline ----------------------------------------------------------------------------

    def timeline(self, request: Request) -> HTMLResponse:
        p = request.query_params
        wanted = params.text(p, "entity", max_len=200)
        ftype = params.identifier(p, "type")
        source = params.text(p, "source", max_len=300)
        voice = params.text(p, "voice", max_len=200)
        date_from, date_to = params.date(p, "from"), params.date(p, "to", end=True)
        fiction = params.flag(p, "fiction")
        number, per = params.page_request(p, per=FACTS_PER_PAGE)
        with self.open_kb() as kb:
            docs = [s["doc"] for s in kb.sources()]
            if source and source not in docs:
                raise NotFound(f"no document named {source!r} in this KB")
            subject = find_entity(kb, wanted) if wanted else None
            entity = subject["id"] if subject else None
            if entity:
                facts = filter_dates(kb.entity_factoids(entity, dated_only=True), date_from, date_to)
                facts = [f for f in facts if (not ftype or f["type"] == ftype) and
                         (not source or f["source"]["doc"] == source) and (fiction or not f.get("fiction"))]
            else:
                facts = kb.factoids(None, ftype, source, date_from, date_to, dated_only=True, fiction=fiction)
            conflicts = kb.conflicts()
            events = kb.events(None, ftype, date_from, date_to, entity_id=entity, dated_only=True)
        voices = sorted({f["voice"] for f in facts})
        types = sorted({f["type"] for f in facts} | ({ftype} if ftype else set()))
        if voice:
            facts = [f for f in facts if f["voice"] == voice]
        in_conflict = conflict_index(conflicts, "date")
        items = [timeline_item(f, in_conflict.get(f["id"])) for f in facts]
        # One row per happening, its sources below it; the filters by source and voice keep the
        # events that one of their sources passes.
        events = [e for e in events if any((not source or s["source"]["doc"] == source) and
                                           (not voice or s["voice"] == voice) for s in e["sources"])]
        return self.page(request, "timeline.html", facts=facts, items=items, events=events,
                         listing=indexes.page_of(events, number, per), subject=subject, ftype=ftype,
                         source=source, voice=voice, date_from=date_from, date_to=date_to, fiction=fiction,
                         docs=docs, voices=voices, types=types, conflicted=sum(1 for i in items if i["conflict"]))

    # -- network -----------------------------------------------------------------------------

    def network(self, request: Request) -> HTMLResponse:
        p = request.query_params
        center = params.identifier(p, "center")
        etype = params.choice(p, "type", params.ENTITY_TYPES)
        limit = params.integer(p, "limit", default=40, lo=2, hi=150) or 40
        min_co = params.integer(p, "min", default=3, lo=1, hi=100_000) or 3
        # Places and bodies named in most sources are off unless asked for: they sit next to
        # everyone and would pull every other name into one knot.
        places, generic = params.flag(p, "places"), params.flag(p, "generic")
        with self.open_kb() as kb:
            focus = kb.entity_by_id(center, co_limit=0) if center else None
            hidden = set() if generic else kb.generic_bodies()
            net = kb.network(center, etype, limit, min_co, exclude_types=() if places or etype == "place" else ("place",),
                             exclude_ids=hidden)
        net["edges"] = net["edges"][:MAX_EDGES]
        net["center"] = center
        names = {n["id"]: n["name"] for n in net["nodes"]}
        relation_types = sorted({r["type"] for e in net["edges"] for r in e["relations"]})
        return self.page(request, "network.html", net=net, names=names, focus=focus, etype=etype, limit=limit,
                         min_co=min_co, places=places, generic=generic, hidden=len(hidden - {center}),
                         relation_types=relation_types)

    # -- source reader -----------------------------------------------------------------------

    def source(self, request: Request) -> HTMLResponse:
        doc = request.path_params["doc"]
        p = request.query_params
        start, end = params.integer(p, "start"), params.integer(p, "end")
        at = params.integer(p, "at")
        with self.open_kb() as kb:
            text = kb.text(doc)
            meta = next((s for s in kb.sources() if s["doc"] == doc), {"doc": doc, "title": doc})
            cited = None
            if start is not None or end is not None:
                if start is None or end is None:
                    raise params.BadParam("a cited span needs both 'start' and 'end'")
                if not 0 <= start <= end <= len(text):
                    raise params.BadParam(f"span {start}-{end} lies outside this document (0-{len(text)})")
                cited = (start, end)
            elif at is not None and at > len(text):
                raise params.BadParam(f"offset {at} lies outside this document (0-{len(text)})")
            window = reader.window_at(text, start if cited else (at or 0), end if cited else None)
            segments = kb.segments(doc)
            mentions = kb.mentions_in(doc, window.start, window.end)
            facts = kb.factoids_in(doc, window.start, window.end)
        body = reader.render_window(text, window, segments, mentions, facts, cited)
        layers = Counter(s["kind"] for s in segments if s["kind"] in reader.LAYER_KINDS and
                         s["start"] < window.end and s["end"] > window.start)
        pages = [s["label"] for s in segments if s["kind"] == "page" and s["start"] < window.end and s["end"] > window.start]
        return self.page(request, "source.html", doc=doc, meta=meta, body=body, window=window, chars=len(text),
                         cited=cited, quote=text[cited[0]:cited[1]] if cited else None, facts=facts,
                         mention_count=len(mentions), layers=sorted(layers.items()), pages=pages,
                         contents=reader.contents(segments))

    # -- conflicts ---------------------------------------------------------------------------

    def conflicts(self, request: Request) -> HTMLResponse:
        p = request.query_params
        entity = params.identifier(p, "entity")
        ftype = params.identifier(p, "type")
        field = params.identifier(p, "field")
        kind = params.choice(p, "kind", CONFLICT_KINDS)
        number, per = params.page_request(p, per=20)
        with self.open_kb() as kb:
            subject = kb.entity_by_id(entity, co_limit=0) if entity else None
            found = kb.conflicts()
        shown = [c for c in found if (not entity or c.get("entity", {}).get("id") == entity)
                 and (not ftype or c.get("type") == ftype) and (not field or c.get("field") == field)
                 and (not kind or c.get("kind") == kind)]
        return self.page(request, "conflicts.html", conflicts=shown, listing=indexes.page_of(shown, number, per),
                         subject=subject, ftype=ftype, field=field, kind=kind, kinds=CONFLICT_KINDS,
                         types=sorted({c.get("type", "") for c in found}),
                         fields=sorted({c.get("field", "") for c in found}))


# -- helpers ----------------------------------------------------------------------------------

def find_entity(kb: KB, wanted: str) -> dict[str, Any]:
    """The entity with id ``wanted``, else the best match for it as a name (raises NotFound)."""
    try:
        return kb.entity_by_id(wanted, co_limit=0)
    except NotFound:
        eid = kb.resolve_name(wanted)
        if eid is None:
            raise NotFound(f"no entity matches {wanted!r}") from None
        return kb.entity_by_id(eid, co_limit=0)


def conflict_index(conflicts: list[dict[str, Any]], field: str) -> dict[str, str]:
    """Factoid id -> id of the conflict (over ``field``) it takes part in."""
    out: dict[str, str] = {}
    for c in conflicts:
        if c.get("field") != field:
            continue
        for v in c.get("values", []):
            for fid in v.get("factoids", []):
                out.setdefault(fid, c["id"])
    return out


def run_search(kb: KB, q: str, source: str | None) -> list[dict[str, Any]]:
    return kb.search(q, limit=SEARCH_POOL, source=source)


def snippet(hit: dict[str, Any]) -> Any:
    """The hit's passage around its first matched term, the matched terms marked."""
    text, base = hit["text"], hit["start"]
    marks = [(a - base, b - base) for a, b in hit.get("highlights") or [] if base <= a < b <= base + len(text)]
    first = marks[0][0] if marks else 0
    lo = max(0, min(first - SNIPPET // 3, len(text) - SNIPPET))
    hi = min(len(text), lo + SNIPPET)
    notes = [Annotation(a, b, 0, "mark") for a, b in marks]
    html = render(text, lo, hi, notes)
    return {"html": html, "cut_before": lo > 0, "cut_after": hi < len(text)}


def filter_dates(facts: list[dict[str, Any]], date_from: str | None, date_to: str | None) -> list[dict[str, Any]]:
    from kartoteka.extract.dates import parse_bound

    lo = parse_bound(date_from) if date_from else None
    hi = parse_bound(date_to, end=True) if date_to else None
    return [f for f in facts if f.get("date") and (not lo or f["date"]["end"] >= lo) and (not hi or f["date"]["start"] <= hi)]


def pack_offices(e: dict[str, Any]) -> list[dict[str, Any]]:
    """The offices the entity's pack entry lists, as intervals like ``KB.offices_of``'s."""
    out = []
    pack = e.get("pack")
    for o in (e.get("data") or {}).get("offices") or []:
        if not isinstance(o, dict) or not o.get("from"):
            continue
        org = o.get("organization")
        ref = {"id": org if ":" in str(org) else f"{pack}:{org}", "name": str(org), "type": "organization"} if org else None
        out.append({"office": o.get("office"), "organization": ref, "from": str(o["from"]),
                    "to": str(o["to"]) if o.get("to") else None, "origin": "pack"})
    return out


def timeline_item(f: dict[str, Any], conflict: str | None) -> dict[str, Any]:
    subject = f["roles"].get("subject", {})
    quote = f["source"]["quote"]
    return {"id": f["id"], "type": f["type"], "start": f["date"]["start"], "end": f["date"]["end"],
            "precision": f["date"]["precision"], "date": date_label(f["date"]),
            "said": said_differently(f["date"]), "subject": subject.get("name", ""),
            "doc": f["source"]["doc"], "href": cite_url(f["source"]), "voice": f["voice"],
            "quote": quote if len(quote) <= QUOTE_PREVIEW else quote[:QUOTE_PREVIEW] + "…",
            "hedged": f["hedged"], "negated": f["negated"], "conflict": conflict}
