"""Geometry for the small server-drawn SVG charts: the busiest-years histogram and the bars of
offices held over time. Pure functions from data to coordinates; templates draw them."""

from __future__ import annotations

from datetime import date
from typing import Any


def year_bars(histogram: list[dict[str, Any]], width: int = 640, height: int = 120,
              top: int = 40) -> dict[str, Any]:
    """Bars for the ``top`` busiest years, drawn in year order."""
    busiest = sorted(sorted(histogram, key=lambda h: -h["count"])[:top], key=lambda h: h["year"])
    if not busiest:
        return {"bars": [], "width": width, "height": height}
    peak = max(h["count"] for h in busiest)
    step = width / len(busiest)
    bars = []
    for i, h in enumerate(busiest):
        bar_h = max(2.0, (height - 18) * h["count"] / peak)
        bars.append({"x": round(i * step + 1, 1), "w": round(max(1.0, step - 2), 1), "y": round(height - 16 - bar_h, 1),
                     "h": round(bar_h, 1), "year": h["year"], "count": h["count"], "label_x": round(i * step + step / 2, 1)})
    return {"bars": bars, "width": width, "height": height, "label_every": max(1, len(bars) // 10)}


def _day(iso: str | None, end: bool = False) -> date | None:
    """A date from 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (the first or, with ``end``, a late day)."""
    if not iso:
        return None
    parts = str(iso).split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        day = int(parts[2]) if len(parts) > 2 else (28 if end else 1)
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def office_bars(offices: list[dict[str, Any]], width: int = 640, row: int = 22) -> dict[str, Any]:
    """One bar per office held, on a shared axis of years; an office with no known end is drawn
    to the last date on the chart and marked open."""
    rows = []
    for o in offices:
        start = _day(o.get("from"))
        if start is None:
            continue
        rows.append({**o, "_start": start, "_end": _day(o.get("to"), end=True)})
    if not rows:
        return {"bars": [], "width": width, "height": 0, "ticks": []}
    lo = min(r["_start"] for r in rows)
    hi = max([r["_end"] or r["_start"] for r in rows] + [r["_start"] for r in rows])
    lo_year, hi_year = lo.year, max(hi.year + 1, lo.year + 2)
    span = (date(hi_year, 1, 1) - date(lo_year, 1, 1)).days
    label_w = 0.0
    plot_w = width - label_w

    def x(d: date) -> float:
        return round(label_w + plot_w * (d - date(lo_year, 1, 1)).days / span, 1)

    bars = []
    for i, r in enumerate(sorted(rows, key=lambda r: r["_start"])):
        x0 = x(r["_start"])
        x1 = x(r["_end"]) if r["_end"] else x(date(hi_year, 1, 1))
        bar = {"x": x0, "w": max(3.0, round(x1 - x0, 1)), "y": i * row + 4, "h": row - 6,
               "open": r["_end"] is None, "label": r.get("office") or (r.get("organization") or {}).get("name") or "office",
               "from": r.get("from"), "to": r.get("to"), "source": r.get("source"), "origin": r.get("origin", "source")}
        bars.append({**bar, **label_place(bar["x"], bar["w"], bar["label"], width)})
    step = max(1, (hi_year - lo_year) // 8)
    ticks = [{"x": x(date(y, 1, 1)), "year": y} for y in range(lo_year, hi_year + 1, step)]
    return {"bars": bars, "width": width, "height": len(bars) * row + 20, "ticks": ticks, "axis_y": len(bars) * row + 4}


LABEL_CHAR_W = 6.3   # px per character of the 11px chart font (a generous average)


def label_place(x: float, w: float, label: str, width: int) -> dict[str, Any]:
    """Where a bar's label goes: inside when it fits, else beside the bar on the side with room
    (each bar has its own row, so a label beside it crosses no other bar); a label too long for
    either side is shortened with an ellipsis to the room there is (the bar's tooltip has it all)."""
    need = LABEL_CHAR_W * len(label)
    if w >= need + 8:
        return {"label_x": round(x + 4, 1), "anchor": "start", "label_at": "inside", "text": label}
    right, left = width - (x + w) - 4, x - 4
    on_right = need <= right or right >= left
    room = right if on_right else left
    text = label if need <= room else label[:max(1, int(room / LABEL_CHAR_W) - 1)].rstrip() + "…"
    if on_right:
        return {"label_x": round(x + w + 4, 1), "anchor": "start", "label_at": "right", "text": text}
    return {"label_x": round(x - 4, 1), "anchor": "end", "label_at": "left", "text": text}
