"""Stored text to HTML with overlapping annotations (layers, cited span, factoids, mentions).

Every character of document text goes through ``markupsafe.escape``; tags come only from the
annotations built here. Ranges may overlap without nesting: an element that must close while a
later-opened one is still open closes that one too and reopens it after, so the markup stays
well formed and every character keeps all of its annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class Annotation:
    """[start, end) of the stored text wrapped in one element. ``rank`` orders annotations that
    open at the same offset (lower is outer); ``attrs`` go on the first piece only (ids)."""

    start: int
    end: int
    rank: int
    tag: str = field(compare=False)
    classes: str = field(compare=False, default="")
    attrs: dict[str, str] = field(compare=False, default_factory=dict)
    shared: dict[str, str] = field(compare=False, default_factory=dict)

    def open(self, first: bool) -> str:
        parts = [self.tag]
        if self.classes:
            parts.append(f'class="{escape(self.classes)}"')
        for k, v in {**self.shared, **(self.attrs if first else {})}.items():
            parts.append(f'{k}="{escape(v)}"')
        if not first:
            parts.append('data-cont="1"')
        return "<" + " ".join(parts) + ">"

    def close(self) -> str:
        return f"</{self.tag}>"


@dataclass
class Point:
    """Markup inserted at one offset (a page number in the margin)."""

    at: int
    html: Markup


def render(text: str, start: int, end: int, annotations: list[Annotation], points: list[Point] | None = None) -> Markup:
    """The HTML for ``text[start:end]`` with the annotations clipped to that window."""
    spans = [Annotation(max(a.start, start), min(a.end, end), a.rank, a.tag, a.classes, a.attrs, a.shared)
             for a in annotations if a.start < end and a.end > start and a.end > a.start]
    # Outer before inner at equal start: by rank, then longer first.
    spans.sort(key=lambda a: (a.start, a.rank, -a.end))
    at_point: dict[int, list[Markup]] = {}
    for p in points or ():
        if start <= p.at < end:
            at_point.setdefault(p.at, []).append(p.html)
    cuts = sorted({start, end, *at_point, *(a.start for a in spans), *(a.end for a in spans)})
    out: list[str] = []
    stack: list[Annotation] = []
    i = 0
    pos = start
    for cut in cuts:
        if cut > pos:
            out.append(str(escape(text[pos:cut])))
            pos = cut
        if any(a.end <= cut for a in stack):
            reopen: list[Annotation] = []
            while any(a.end <= cut for a in stack):
                top = stack.pop()
                out.append(top.close())
                if top.end > cut:
                    reopen.append(top)
            for a in reversed(reopen):
                out.append(a.open(first=False))
                stack.append(a)
        for html in at_point.get(cut, ()):
            out.append(str(html))
        while i < len(spans) and spans[i].start == cut:
            a = spans[i]
            i += 1
            if a.end <= cut:
                continue
            out.append(a.open(first=True))
            stack.append(a)
    while stack:
        out.append(stack.pop().close())
    return Markup("".join(out))
