"""The index pages: /entities (browse by type, pack or unlinked, name; sort; pages) and /sources
(bibliographic fields and a readable source profile). No SQL here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kartoteka.api import KB
from kartoteka.web import params

PER_PAGE = 50
ALL = 1 << 62  # the query's LIMIT when every row is wanted
SORTS = {"mentions": lambda e: (-e["mention_count"], e["name"]), "sources": lambda e: (-e["source_count"], e["name"]),
         "name": lambda e: (e["name"].casefold(), e["id"])}


def page_of(rows: list[Any], page: int, per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of ``rows`` with what the pager shows: numbers shown, total, previous and next."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(page, pages)
    start = (page - 1) * per_page
    return {"rows": rows[start:start + per_page], "page": page, "pages": pages, "total": len(rows),
            "first": start + 1 if rows else 0, "last": min(start + per_page, len(rows)),
            "prev": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None}


def profile_summary(profile: dict[str, Any] | None, genre: str | None,
                    confidence: dict[str, Any] | None = None) -> dict[str, Any]:
    """The figures of a source profile a reader judges a source by."""
    p = profile or {}
    conflicts = p.get("conflicts") or {}
    fiction = p.get("fiction") or {}
    sure = confidence or {}
    return {"genre": genre or p.get("genre") or "", "genre_by": fiction.get("by") or "",
            "genre_confidence": sure.get("level", ""), "genre_basis": sure.get("basis", ""),
            "factoids": p.get("factoids", 0), "corroborated_share": p.get("corroborated_share", 0.0),
            "conflicts": conflicts.get("total", 0), "self_conflicts": conflicts.get("self", 0),
            "hedged_share": p.get("hedged_share", 0.0), "ocr": (p.get("ocr_noise") or {}).get("level", "")}


class IndexPages:
    def __init__(self, open_kb: Callable[[], KB], render_page: Callable[..., HTMLResponse]) -> None:
        self.open_kb = open_kb
        self.page = render_page

    def entities(self, request: Request) -> HTMLResponse:
        p = request.query_params
        etype = params.choice(p, "type", params.ENTITY_TYPES)
        origin = params.choice(p, "origin", ("pack", "unlinked"))
        name = params.text(p, "q", max_len=200)
        sort = params.choice(p, "sort", tuple(SORTS)) or "mentions"
        number, per = params.page_request(p, per=PER_PAGE)
        with self.open_kb() as kb:
            rows = kb.entities(type=etype, limit=ALL, linked={"pack": True, "unlinked": False}.get(origin or ""))
        if name:
            rows = [e for e in rows if name.casefold() in e["name"].casefold()]
        rows.sort(key=SORTS[sort])
        return self.page(request, "entities.html", listing=page_of(rows, number, per), etype=etype, origin=origin,
                         q=name or "", sort=sort, types=params.ENTITY_TYPES, sorts=list(SORTS))

    def sources(self, request: Request) -> HTMLResponse:
        number, per = params.page_request(request.query_params, per=PER_PAGE)
        with self.open_kb() as kb:
            rows = kb.sources()
        for s in rows:
            s["summary"] = profile_summary(s.get("profile"), s.get("genre"), s.get("genre_confidence"))
        return self.page(request, "sources.html", listing=page_of(rows, number, per))
