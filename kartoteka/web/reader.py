"""The source reader's view of one window of a document: the stored text with its layers,
page numbers, mentions, factoids and the cited span marked up (see ``markup``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from kartoteka.web.markup import Annotation, Point, render
from kartoteka.web.urls import entity_url

WINDOW = 30_000       # characters of stored text per reader page
MAX_CITED = 90_000    # a cited span longer than this is shown from its start only
# Segment kinds that are a layer of their own, set apart from the author's text.
LAYER_KINDS = ("boilerplate", "editorial", "comment", "epigraph", "blockquote", "toc", "page_marker")
HEADING_KINDS = ("part", "chapter", "section", "heading")


@dataclass
class Window:
    start: int
    end: int
    index: int        # which window of the document
    count: int        # how many windows it has
    prev_at: int | None
    next_at: int | None


def boundary(text: str, j: int) -> int:
    """Where window ``j`` starts: just after the last line break before j*WINDOW."""
    if j <= 0:
        return 0
    target = j * WINDOW
    if target >= len(text):
        return len(text)
    nl = text.rfind("\n", (j - 1) * WINDOW, target)
    return nl + 1 if nl >= 0 else target


def window_at(text: str, at: int, cited_end: int | None = None) -> Window:
    """The window holding offset ``at``, stretched to hold a cited span that runs past it."""
    at = max(0, min(at, len(text)))
    j = at // WINDOW
    if boundary(text, j + 1) <= at and at < len(text):
        j += 1
    start, end = boundary(text, j), boundary(text, j + 1)
    last = j + 1
    if cited_end is not None and cited_end > end:
        limit = min(cited_end, start + MAX_CITED)
        while end < limit:
            last += 1
            end = boundary(text, last)
    count = max(1, -(-len(text) // WINDOW))
    return Window(start=start, end=end, index=j, count=count,
                  prev_at=boundary(text, j - 1) if j > 0 else None,
                  next_at=end if end < len(text) else None)


def page_labels(segments: list[dict[str, Any]], window: Window) -> list[Point]:
    """A page number in the margin where each printed page starts (and at the window's top
    when it opens mid-page)."""
    points = []
    for s in segments:
        if s["kind"] != "page" or not s.get("label") or s["end"] <= window.start or s["start"] >= window.end:
            continue
        at = max(s["start"], window.start)
        label = escape(s["label"])
        points.append(Point(at, Markup(f'<span class="pageno" data-page="{label}" aria-label="page {label}">{label}</span>')))
    return points


def annotations(segments: list[dict[str, Any]], mentions: list[dict[str, Any]], factoids: list[dict[str, Any]],
                cited: tuple[int, int] | None) -> list[Annotation]:
    out: list[Annotation] = []
    for s in segments:
        if s["kind"] in LAYER_KINDS:
            title = s["kind"].replace("_", " ") + (f": {s['label']}" if s.get("label") else "")
            out.append(Annotation(s["start"], s["end"], 0, "span", f"layer layer-{s['kind']}",
                                  shared={"data-layer": s["kind"].replace("_", " "), "title": title}))
        elif s["kind"] == "heading":
            out.append(Annotation(s["start"], s["end"], 1, "span", "heading"))
    if cited is not None:
        out.append(Annotation(cited[0], cited[1], 2, "mark", "cited", attrs={"id": "span"}))
    for f in factoids:
        src = f["source"]
        date = f.get("date", {}).get("text") if f.get("date") else None
        subject = f["roles"].get("subject", {}).get("name", "")
        title = " · ".join(x for x in (f["type"], subject, date) if x)
        out.append(Annotation(src["start"], src["end"], 3, "span", f"fact ft-{f['type']}",
                              attrs={"id": f"f-{f['id']}"}, shared={"title": title, "data-factoid": f["id"]}))
    for m in mentions:
        ent = m.get("entity")
        if ent:
            out.append(Annotation(m["start"], m["end"], 4, "a", f"m t-{ent['type']}",
                                  shared={"href": entity_url(ent["id"]), "title": f"{ent['name']} ({ent['type']})"}))
        else:
            out.append(Annotation(m["start"], m["end"], 4, "span", "m t-unresolved",
                                  shared={"title": f"{m['label']} (not resolved)"}))
    return out


def render_window(text: str, window: Window, segments: list[dict[str, Any]], mentions: list[dict[str, Any]],
                  factoids: list[dict[str, Any]], cited: tuple[int, int] | None) -> Markup:
    return render(text, window.start, window.end, annotations(segments, mentions, factoids, cited),
                  page_labels(segments, window))


def contents(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The document's headed divisions, for the reader's contents list."""
    return [{"kind": s["kind"], "label": s["label"], "start": s["start"]} for s in segments
            if s["kind"] in HEADING_KINDS[:3] and s.get("label")]
