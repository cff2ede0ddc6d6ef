"""Dates in running text: find the expressions, then resolve them against a discourse anchor.

``find_dates(text)`` returns every date expression with its span in ``text`` and what it says:
an absolute date ("1 December 1934", "Dec. 1, 1934", "spring 1937", "the mid-1920s", "1936-38"),
a partial one that needs a year from context ("in March", "on 29 December", "that autumn"), or a
relative one that needs an anchor date ("two days later", "the following year").
``resolve(expr, anchor)`` turns an expression into a ``DateValue`` with an inclusive ISO interval
and honest precision (a day is never invented). Impossible or garbled dates ("31 November",
"19178") come back with ``flag`` set and no interval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kartoteka.extract.rules import declare, on

PRECISIONS = ("day", "month", "season", "year", "decade")

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS.update({"sept": 9, "febr": 2})

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22, "twenty-third": 23,
    "twenty-fourth": 24, "twenty-fifth": 25, "twenty-sixth": 26, "twenty-seventh": 27,
    "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30, "thirty-first": 31,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "several": None, "few": None, "some": None,
}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"(?:Jan|Feb|Febr|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_ORD_RE = "|".join(sorted((re.escape(w) for w in ORDINAL_WORDS), key=len, reverse=True))
_DAY_RE = rf"(?:[0-3]?\d(?:st|nd|rd|th)?|(?:the\s+)?(?:{_ORD_RE}))"
_YEAR_RE = r"(?:1[0-9]\d\d|20[0-4]\d)"
_QUAL_RE = r"(?:(?:early|late|mid|middle of|end of|beginning of|the end of|the beginning of|the middle of)[\s-]+)"
_SEASON_RE = r"(?:spring|summer|autumn|fall|winter)"
_NUM_RE = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty|several|a few|some)"
_UNIT_RE = r"(?:day|days|week|weeks|month|months|year|years|decade|decades)"

# What may stand in brackets between a day and month and their year: another calendar's date
# ("25 October (7 November) 1917"), a calendar mark ("(Old Style)", "(O.S.)") or another
# source's reading ("12 May (16 May according to X) 1937"); short, one level, no year of its own.
_ALT_RE = r"[(\[](?P<alt>[^()\[\]\d]{0,60}?(?:\d{1,2}(?:st|nd|rd|th)?[^()\[\]\d]{0,60}?)?)[)\]]"
_CAL_RE = re.compile(r"\b(?:(?P<os>old\s+style|o\.\s?s\.?|julian)|(?P<ns>new\s+style|n\.\s?s\.?|gregorian))(?![a-z])", re.I)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 12 May (16 May according to X) 1937 / 25 October (7 November) 1917 / 5 (18) December 1917
    ("dmy_alt", re.compile(rf"\b(?P<core>(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*\((?P<altday>[0-3]?\d)\))?\s+(?P<month>{_MONTH_RE}))(?:\s*{_ALT_RE})?,?\s*(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # December 5 (Old Style) 1917 / October 25 (November 7), 1917
    ("mdy_alt", re.compile(rf"\b(?P<core>(?P<month>{_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?)\s*{_ALT_RE},?\s*(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # 1 December 1934 / 28th June, 1899 / the second of April, 1922
    ("dmy", re.compile(rf"\b(?P<day>{_DAY_RE})(?:(?:\s*-\s*|\s+(?:or|and|to)\s+)(?P<day2>[0-3]?\d))?(?:\s+of)?\s+(?P<month>{_MONTH_RE}),?\s*(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # December 1, 1934 / Dec. 1, 1934 / December 19,1937 / January 20th, 1924
    ("mdy", re.compile(rf"\b(?P<month>{_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s*(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # garbled years after a month or a preposition: "May 19378", "in 19178"
    ("garbled", re.compile(rf"\b(?:(?P<month>{_MONTH_RE})\s+|(?:in|since|until)\s+)(?P<bad>1[89]\d{{3}})\b", re.I)),
    # July to August 1941 / March-May 1938 / (October until December 1919): one span of months
    ("month_range", re.compile(rf"\b(?P<month>{_MONTH_RE})\s*(?:-|\u2013|\u2014|to|until|till|through)\s*(?P<month2>{_MONTH_RE}),?\s+(?:of\s+)?(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # mid-May 1934 / May, 1937 / late December 1937
    ("my", re.compile(rf"\b(?P<qual>{_QUAL_RE})?(?P<month>{_MONTH_RE}),?\s+(?:of\s+)?(?P<year>{_YEAR_RE})(?!\d)", re.I)),
    # in the spring of 1937 / spring 1937 / the winter of 1941-42
    ("season_year", re.compile(rf"\b(?:the\s+)?(?P<qual>{_QUAL_RE})?(?P<season>{_SEASON_RE})\s+(?:of\s+)?(?P<year>{_YEAR_RE})(?:[-/](?P<year2>\d\d))?(?!\d)", re.I)),
    # mid-1920s / the 1930s / early 1930s
    ("decade", re.compile(r"\b(?:the\s+)?(?P<qual>early|mid|late|middle)?[\s-]*(?P<decade>1[0-9]\d0)'?s\b", re.I)),
    # 1936-38 / 1936-1938 / 1936 to 1938
    ("year_range", re.compile(rf"\b(?P<year>{_YEAR_RE})\s*(?:-|/|to|until)\s*(?P<year2>{_YEAR_RE}|\d\d)(?!\d)(?![-/]\d)", re.I)),
    # relative: two days later, the next day, the following year, a year earlier
    ("relative", re.compile(
        rf"\b(?:(?P<n>{_NUM_RE})\s+(?P<unit>{_UNIT_RE})\s+(?P<dir>later|afterwards|after that|earlier|before(?=\s*[,.;:)!?\u2014]|\s*$))"
        rf"|(?:the|on\s+the)\s+(?P<rel>next|following|previous|preceding|same)\s+(?P<unit2>day|week|month|year|morning|evening|night|spring|summer|autumn|fall|winter|January|February|March|April|June|July|August|September|October|November|December))\b",
        re.I)),
    # that autumn / that year / that spring; that day / that same evening / that month (never
    # "this day", which is mostly "to this day", the writer's present)
    ("deictic", re.compile(rf"\b(?:(?:that|this)\s+(?P<unit>year|{_SEASON_RE})"
                           rf"|that\s+(?:very\s+|same\s+)?(?P<near>day|morning|afternoon|evening|night|month))\b", re.I)),
    # on 29 December / 15 or 16 December / September 4 (partial: the year from context)
    ("dm", re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:(?:\s*-\s*|\s+(?:or|and|to)\s+)(?P<day2>[0-3]?\d))?\s+(?P<month>{_MONTH_RE})(?![\s,]*\d)", re.I)),
    ("md", re.compile(rf"\b(?P<month>{_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![,\s]*\d)(?!\s*(?:percent|per))", re.I)),
    # a bare year: 1934 / in 1934
    ("year", re.compile(rf"(?<![\d,.$£/-])\b(?P<qual>{_QUAL_RE})?(?P<year>{_YEAR_RE})\b(?![,.]?\d)(?!\s*(?:percent|%))", re.I)),
    # in March / by early June (partial month, needs a preposition so "May" the verb stays out)
    ("month", re.compile(rf"\b(?:in|by|since|until|till|from|of|during|early|late|mid|that|last|next|the following)[\s-]+(?:(?:early|late|mid)[\s-]+)?(?P<month>{_MONTH_RE})(?![\s,]*\d)\b", re.I)),
    # in the spring / the following spring (partial season)
    ("season", re.compile(rf"\b(?:in|during|by)\s+(?:the\s+)?(?P<qual>early|late)?\s*(?P<season>{_SEASON_RE})\b(?!\s+(?:of\s+)?\d)", re.I)),
]

declare("anaphoric_day", "date",
        "'that day', 'that same evening', 'that month' point back to the day (or month) the story "
        "last dated, as 'the same day' does ('to this day' is the writer's present, not a date)",
        [("On 4 May 1911 the strike began in Lyon.\n\nThat day, Marcel Duroc was arrested.", [("arrest", "duroc", "1911-05-04")]),
         ("Ivan Petrov reached Kazan on 2 March 1920 with his brother.\n\nPetrov was arrested that same evening.",
          [("arrest", "petrov", "1920-03-02")]),
         ("The congress opened on 9 July 1926 in Moscow.\n\nAnna Volkova was expelled from the Writers' Union that day.",
          [("expulsion", "volkova", "1926-07-09")])])

declare("month_span", "date",
        "two months joined by 'to' or a dash before one year ('July to August 1941', 'March-May 1938') are "
        "one span from the first month to the last, not the last month alone",
        [("Marcel Duroc became commander of the Lyon garrison (April to May 1871).", [("appointment", "duroc", "1871-04")]),
         ("Ivan Petrov was exiled to Perm from March to June 1930.", [("exile", "petrov", "1930-03")]),
         ("Emil Hartmann was appointed chairman of the Socialist League in October\u2013December 1933.",
          [("appointment", "hartmann", "1933-10")])])

_ABSOLUTE = {"dmy", "mdy", "my", "month_range", "season_year", "decade", "year_range", "year", "garbled"}


@dataclass(frozen=True)
class DateValue:
    """A resolved date: inclusive ISO interval at a precision, or only text with a flag."""

    text: str
    start: str | None
    end: str | None
    precision: str | None
    flag: str | None = None  # impossible, garbled
    relative: bool = False  # resolved against an anchor
    inferred: bool = False  # taken from the discourse, not stated in the clause

    def to_json(self) -> dict[str, str]:
        out = {"text": self.text}
        if self.start and self.end and self.precision:
            out.update(start=self.start, end=self.end, precision=self.precision)
        return out

    @property
    def year(self) -> int | None:
        return int(self.start[:4]) if self.start else None


@dataclass(frozen=True)
class DateExpr:
    """One date expression found in a text: ``kind`` is a pattern name, ``parts`` its fields."""

    kind: str
    begin: int
    stop: int
    text: str
    parts: tuple[tuple[str, str], ...]
    core_stop: int | None = None  # where the date a clause hangs on ends: "12 May" of "12 May (...) 1937"

    @property
    def absolute(self) -> bool:
        return self.kind in _ABSOLUTE

    def get(self, key: str) -> str | None:
        return dict(self.parts).get(key)


def find_dates(text: str) -> list[DateExpr]:
    """Every date expression in ``text``, left to right, longest first where they overlap."""
    found: list[DateExpr] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in PATTERNS:
        kind = name.removesuffix("_alt")
        for m in pattern.finditer(text):
            b, e = m.span()
            if any(b < te and tb < e for tb, te in taken):
                continue
            if name != kind and not (m.groupdict().get("alt") is not None or m.groupdict().get("altday")):
                continue  # no bracket: the plain patterns below read it
            if kind == "month" or kind == "season":
                # keep the preposition out of the expression's text
                b = m.start("qual") if kind == "season" and m.group("qual") else m.start(kind)
                if kind == "month":
                    pre = text[m.start():m.start("month")].lower().strip(" -")
                    for q in ("early", "late", "mid"):
                        if pre.endswith(q):
                            b = m.start() + pre.rfind(q)
            parts = tuple((k, v) for k, v in m.groupdict().items() if v)
            if kind == "year" and not _plausible_year(text, m):
                continue
            core = m.end("core") if name != kind else None
            found.append(DateExpr(kind, b, e, text[b:e], _with_calendar(parts), core))
            taken.append((b, e))
    found.sort(key=lambda d: d.begin)
    return found


def _with_calendar(parts: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Mark the calendar of the date given first: "December 5 (Old Style)" is Old Style; in
    "8 October [O.S. 26 September]" the mark names the bracket's own date, so the first is New."""
    alt = dict(parts).get("alt")
    m = _CAL_RE.search(alt) if alt else None
    if m is None or alt is None:
        return parts
    old = bool(m.group("os")) != bool(re.search(r"\d", alt))
    return (*parts, ("calendar", "old" if old else "new"))


def _plausible_year(text: str, m: re.Match[str]) -> bool:
    """A bare four-digit number is a year unless it counts something ("1934 delegates")."""
    y = int(m.group("year"))
    if not 1700 <= y <= 2030:
        return False
    after = text[m.end():m.end() + 20]
    return not re.match(r"\s+(?:[a-z]+s|men|people|persons|copies|pages|miles|km|feet|rubles|roubles|dollars)\b", after)


def month_number(s: str) -> int:
    """1..12 for a month name or abbreviation ("Sept.", "dec")."""
    return _month_num(s)


def _month_num(s: str) -> int:
    return MONTHS[s.lower().rstrip(".")[:4] if s.lower().startswith("sept") else s.lower().rstrip(".")[:3]]


def _day_num(s: str) -> int:
    s = s.lower().strip()
    if s.startswith("the "):
        s = s[4:].strip()
    if s in ORDINAL_WORDS:
        return ORDINAL_WORDS[s]
    return int(re.sub(r"\D", "", s))


def _iso(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _month_end(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def day_value(text: str, y: int, m: int, d: int, **kw: bool) -> DateValue:
    if d < 1 or d > _month_end(y, m):
        return DateValue(text, None, None, None, flag="impossible", **kw)
    return DateValue(text, _iso(y, m, d), _iso(y, m, d), "day", **kw)


def month_value(text: str, y: int, m: int, qual: str | None = None, **kw: bool) -> DateValue:
    return DateValue(text, _iso(y, m, 1), _iso(y, m, _month_end(y, m)), "month", **kw)


def _month_span(text: str, y: int, m1: int, m2: int) -> DateValue:
    """"July to August 1941": from the first month's first day to the last's last; "December to
    February 1942" starts in the year before."""
    y1 = y - 1 if m1 > m2 else y
    return DateValue(text, _iso(y1, m1, 1), _iso(y, m2, _month_end(y, m2)), "month")


def season_value(text: str, y: int, season: str, **kw: bool) -> DateValue:
    a, b = SEASONS[season.lower()]
    if a > b:  # winter of 1937 runs December 1937 .. February 1938
        return DateValue(text, _iso(y, a, 1), _iso(y + 1, b, _month_end(y + 1, b)), "season", **kw)
    return DateValue(text, _iso(y, a, 1), _iso(y, b, _month_end(y, b)), "season", **kw)


def year_value(text: str, y: int, y2: int | None = None, **kw: bool) -> DateValue:
    return DateValue(text, _iso(y, 1, 1), _iso(y2 or y, 12, 31), "year", **kw)


def _expand_year2(y: int, y2s: str) -> int | None:
    y2 = int(y2s)
    if len(y2s) == 2:
        y2 = y // 100 * 100 + y2
        if y2 < y:
            y2 += 100
    return y2 if y < y2 <= y + 50 else None


def resolve(expr: DateExpr, anchor: DateValue | None = None) -> DateValue | None:
    """The date an expression denotes; partial and relative ones need ``anchor`` (else None)."""
    k, t, g = expr.kind, expr.text, expr.get
    if k == "garbled":
        return DateValue(t, None, None, None, flag="garbled")
    if k in ("dmy", "mdy"):
        y, mo = int(g("year") or 0), _month_num(g("month") or "")
        v = day_value(t, y, mo, _day_num(g("day") or "0"))
        return _day_range(v, y, mo, g("day2"))
    if k == "month_range" and on("month_span"):
        return _month_span(t, int(g("year") or 0), _month_num(g("month") or ""), _month_num(g("month2") or ""))
    if k in ("my", "month_range"):  # with month_span off, the span is read as its last month
        return month_value(t, int(g("year") or 0), _month_num(g("month2") or g("month") or ""))
    if k == "season_year":
        return season_value(t, int(g("year") or 0), g("season") or "")
    if k == "decade":
        d = int(g("decade") or 0)
        if d % 100 == 0 and not g("qual"):
            # "the 1900s" may mean the century's first decade; keep it a decade honestly
            pass
        qual = (g("qual") or "").lower()
        lo, hi = {"early": (0, 3), "mid": (3, 6), "middle": (3, 6), "late": (6, 9)}.get(qual, (0, 9))
        return DateValue(t, _iso(d + lo, 1, 1), _iso(d + hi, 12, 31), "decade")
    if k == "year_range":
        y = int(g("year") or 0)
        y2 = _expand_year2(y, g("year2") or "")
        if y2 is None:
            return year_value(t, y)
        return year_value(t, y, y2)
    if k == "year":
        return year_value(t, int(g("year") or 0))
    if anchor is None or anchor.start is None or anchor.precision is None:
        return None
    ay, am = int(anchor.start[:4]), int(anchor.start[5:7])
    if k in ("dm", "md"):
        mo = _month_num(g("month") or "")
        v = day_value(t, ay, mo, _day_num(g("day") or "0"), relative=True)
        return _day_range(v, ay, mo, g("day2"))
    if k == "month":
        return month_value(t, ay, _month_num(g("month") or ""), relative=True)
    if k == "season":
        return season_value(t, ay, g("season") or "", relative=True)
    if k == "deictic":
        near = (g("near") or "").lower()
        if near and not on("anaphoric_day"):
            return None
        if near:  # "that day": the anchor's own day (or month), at no finer precision than it has
            if near == "month" and anchor.precision == "day":
                return month_value(t, ay, am, relative=True)
            return replace(anchor, text=t, relative=True, inferred=False)
        unit = (g("unit") or "").lower()
        if unit == "year":
            return year_value(t, ay, relative=True)
        return season_value(t, ay, unit, relative=True)
    if k == "relative":
        return _relative(expr, anchor, ay, am)
    return None


def _day_range(v: DateValue, y: int, mo: int, d2: str | None) -> DateValue:
    """"15 or 16 December", "15-16 January 1935": the interval covers both days."""
    if d2 and v.end and 0 < int(d2) <= _month_end(y, mo) and int(d2) > int(v.end[8:]):
        return replace(v, end=_iso(y, mo, int(d2)))
    return v


def _relative(expr: DateExpr, anchor: DateValue, ay: int, am: int) -> DateValue | None:
    t, g = expr.text, expr.get
    rel = (g("rel") or "").lower()
    if rel:
        unit = (g("unit2") or "").lower()
        sign = {"next": 1, "following": 1, "previous": -1, "preceding": -1, "same": 0}[rel]
        n = 1
    else:
        unit = (g("unit") or "").lower().rstrip("s")
        n_text = (g("n") or "").lower()
        if n_text.isdigit():
            n = int(n_text)
        else:
            n_val = NUMBER_WORDS.get(n_text.replace("a few", "few"))
            sign = 1 if (g("dir") or "").lower() in ("later", "afterwards", "after that") else -1
            if n_val is None:
                return _vague(t, anchor, unit, sign, VAGUE_COUNTS.get(n_text.replace("a few", "few")))
            n = n_val
        sign = 1 if (g("dir") or "").lower() in ("later", "afterwards", "after that") else -1
    if unit in MONTHS and len(unit) > 3:  # "the previous October", "the following March"
        mo = MONTHS[unit]
        if sign < 0:
            y = ay if mo < am else ay - 1
        elif sign > 0:
            y = ay if mo > am else ay + 1
        else:
            y = ay
        return month_value(t, y, mo, relative=True)
    unit = unit.rstrip("s")
    if unit in ("morning", "evening", "night"):
        unit = "day"
    if unit in SEASONS:
        return season_value(t, ay + max(sign, 0) if sign >= 0 else ay - 1, unit, relative=True)
    p = anchor.precision
    assert anchor.start is not None and anchor.end is not None
    if unit in ("day", "week"):
        days = n * (7 if unit == "week" else 1) * sign
        if p == "day":
            d = date.fromisoformat(anchor.start) + timedelta(days=days)
            return DateValue(t, d.isoformat(), d.isoformat(), "day", relative=True)
        if p == "month":  # shift the month interval: honest month precision at best
            s = date.fromisoformat(anchor.start) + timedelta(days=days)
            e = date.fromisoformat(anchor.end) + timedelta(days=days)
            if s.month == e.month:
                return month_value(t, s.year, s.month, relative=True)
            return DateValue(t, s.isoformat(), e.isoformat(), "month", relative=True)
        return replace(anchor, text=t, relative=True, inferred=False)
    if unit == "month":
        if p in ("day", "month"):
            m0 = ay * 12 + (am - 1) + n * sign
            y, m = divmod(m0, 12)
            return month_value(t, y, m + 1, relative=True)
        y0 = ay + (am - 1 + n * sign) // 12
        return year_value(t, y0, relative=True)
    if unit == "year":
        return year_value(t, ay + n * sign, relative=True)
    if unit == "decade":
        return DateValue(t, _iso(ay + 10 * n * sign - 5, 1, 1), _iso(ay + 10 * n * sign + 5, 12, 31), "decade",
                         relative=True)
    return None


# "a few days later", "several months later", "some weeks later": how many, at least and at most.
VAGUE_COUNTS = {"few": (2, 5), "several": (3, 9), "some": (2, 9)}
# The precision a vague count of a unit keeps: "a few days later" is known to about the month.
_VAGUE_PRECISION = {"day": "month", "week": "month", "month": "year", "year": "decade"}


def _vague(text: str, anchor: DateValue, unit: str, sign: int, count: tuple[int, int] | None) -> DateValue | None:
    """A vague count of units from the anchor: the interval of every reading, one precision coarser
    than the unit ("a few days after 1 December" is 3..6 December, known to the month)."""
    if count is None or unit not in _VAGUE_PRECISION or anchor.start is None or anchor.end is None:
        return None
    lo, hi = count
    ends = []
    for n, edge in ((lo, anchor.start), (hi, anchor.end), (lo, anchor.end), (hi, anchor.start)):
        d = date.fromisoformat(edge)
        if unit in ("day", "week"):
            d = d + timedelta(days=n * (7 if unit == "week" else 1) * sign)
        else:
            months = n * (12 if unit == "year" else 1) * sign
            y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
            d = date(y, m + 1, min(d.day, _month_end(y, m + 1)))
        ends.append(d)
    return DateValue(text, min(ends).isoformat(), max(ends).isoformat(), _VAGUE_PRECISION[unit], relative=True)


def is_anchor(expr: DateExpr, value: DateValue | None) -> bool:
    """Whether a resolved expression can anchor later partial and relative dates."""
    return value is not None and value.start is not None and value.precision in ("day", "month", "season", "year")


def parse_date(text: str, anchor: DateValue | None = None) -> DateValue | None:
    """The first date in ``text`` resolved (a convenience for tests and the CLI's --from/--to)."""
    for expr in find_dates(text):
        v = resolve(expr, anchor)
        if v is not None:
            return v
    return None


def parse_bound(text: str, end: bool = False) -> str:
    """A --from/--to bound: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' as an inclusive ISO day."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", t)
    if not m:
        v = parse_date(t)
        if v is None or v.start is None or v.end is None:
            raise ValueError(f"not a date: {text!r}")
        return v.end if end else v.start
    y = int(m.group(1))
    if m.group(3):
        return _iso(y, int(m.group(2)), int(m.group(3)))
    if m.group(2):
        mo = int(m.group(2))
        return _iso(y, mo, _month_end(y, mo) if end else 1)
    return _iso(y, 12, 31) if end else _iso(y, 1, 1)


# -- dates that lean on each other within one sentence ------------------------------------------

# What joins a yearless date to a dated one that lends it its year: a range or an alternative
# ("between 2 July and 9 October 1931", "from March to August 1926", "15 or 16 May 1937").
_JOIN_RE = re.compile(r"\s*(?:-|\u2013|\u2014|/|,?\s*(?:and|or|to|until|till|through|into)(?:\s+(?:the|early|late|mid))?)[\s-]*", re.I)
_LENDERS = {"dmy", "mdy", "my", "season_year"}


def borrowed_year(text: str, exprs: list[DateExpr], i: int) -> int | None:
    """The year a yearless date takes from the dated one it is joined to later in the sentence:
    "from 30 December to 4 January 1923" gives 1922 (the span runs over the new year)."""
    expr = exprs[i]
    if expr.kind not in ("dm", "md", "month", "season") or i + 1 >= len(exprs):
        return None
    nxt = exprs[i + 1]
    if nxt.kind not in _LENDERS or not _JOIN_RE.fullmatch(text[expr.stop:nxt.begin]):
        return None
    year = int(nxt.get("year") or 0)
    mine, theirs = _first_month(expr), _first_month(nxt)
    if mine is not None and theirs is not None and mine > theirs:
        return year - 1
    return year


def _first_month(expr: DateExpr) -> int | None:
    if expr.get("month"):
        return _month_num(expr.get("month") or "")
    if expr.get("season"):
        return SEASONS[(expr.get("season") or "").lower()][0]
    return None


def alternative(expr: DateExpr, value: DateValue | None) -> DateValue | None:
    """The other reading a bracket gives of a dated day: "25 October (7 November) 1917" gives
    7 November 1917, "12 May (16 May according to X) 1937" 16 May 1937; None where the bracket
    gives no day (a calendar mark only)."""
    if value is None or value.year is None or not expr.get("month"):
        return None
    y, mo = value.year, _month_num(expr.get("month") or "")
    if expr.get("altday"):
        return day_value(f"{expr.get('altday')} {expr.get('month')} {y}", y, mo, int(expr.get("altday") or 0))
    alt = expr.get("alt") or ""
    m = re.search(rf"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_RE})|(?P<month2>{_MONTH_RE})\s+(?P<day2>[0-3]?\d)\b", alt, re.I)
    if m is None:
        return None
    mo2 = _month_num(m.group("month") or m.group("month2"))
    d2 = int(m.group("day") or m.group("day2"))
    y2 = y + 1 if mo2 < mo - 6 else y  # "19 December (1 January) 1918": the other calendar's next year
    return day_value(m.group(0), y2, mo2, d2)


# -- life spans after a name --------------------------------------------------------------------

_SPAN_DATE = rf"(?:(?:c\.|ca\.|circa|about)\s*)?(?:{_DAY_RE}\s+{_MONTH_RE},?\s+|{_MONTH_RE}\s+[0-3]?\d,?\s+)?{_YEAR_RE}"
_FULL_DAY = rf"(?:{_DAY_RE}\s+{_MONTH_RE},?\s+|{_MONTH_RE}\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+){_YEAR_RE}"
LIFESPAN_RE = re.compile(
    rf"\(\s*(?:(?P<born>{_SPAN_DATE})\s*(?:-|\u2013|\u2014|to)\s*(?P<died>{_SPAN_DATE}|\?)?"
    rf"|(?:born|b\.)\s+(?P<born_only>{_SPAN_DATE})|(?:died|d\.)\s+(?P<died_only>{_SPAN_DATE})"
    # the birth left out: "(? - 11 June 1937)", "(- 1937)", or the name's other forms and then one
    # full day alone, "(Latvian: Janis Ozols; 11 June 1937)" (a lone year there may be a citation)
    rf"|(?:[^()\d]{{0,200}}?;\s*)?\??\s*(?:-|\u2013|\u2014)\s*(?P<died_end>{_SPAN_DATE})"
    rf"|[^()\d]{{0,200}}?;\s*(?P<died_lone>{_FULL_DAY}))\s*\)", re.I)


@dataclass(frozen=True)
class LifeSpan:
    """A bracketed "(1890-1941)", "(b. 1894)" or "(3 May 1890 - 9 June 1941)" in ``text``;
    ``unborn`` where the birth is left out ("(? - 1937)", "(Latvian: X; 11 June 1937)")."""

    begin: int
    stop: int
    born: DateValue | None
    died: DateValue | None
    unborn: bool = False


def lifespans(text: str) -> list[LifeSpan]:
    """Every bracketed life span in ``text``; a date each end gives at its own precision
    ("c. 1890" stays a year)."""
    out = []
    # "(8 October [O.S. 26 September] 1892 - ...)": the other calendar's day blanked, offsets kept
    plain = re.sub(r"\[[^\[\]()]{0,40}\]", lambda b: " " * len(b.group(0)), text)
    for m in LIFESPAN_RE.finditer(plain):
        born = m.group("born") or m.group("born_only")
        died = m.group("died") or m.group("died_only") or m.group("died_end") or m.group("died_lone")
        bv = parse_date(" ".join(born.split())) if born else None
        dv = parse_date(" ".join(died.split())) if died and died != "?" else None
        if bv is not None and dv is not None and (dv.start or "") < (bv.start or ""):
            continue  # "(1941-1890)" is no life
        if bv is not None and dv is not None and (dv.year or 0) - (bv.year or 0) > 110:
            continue
        if bv is None and dv is None:
            continue
        out.append(LifeSpan(m.start(), m.end(), bv, dv, bool(m.group("died_end") or m.group("died_lone"))))
    return out


_ACCORDING_RE = re.compile(r"\b(?:according\s+to|per|after|in)\s+(?P<src>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)", re.U)


def alternative_claim(value: DateValue | None) -> dict[str, str] | None:
    """The other reading a dated expression carries in brackets, as a claim of its own: its date and,
    where the bracket names one, its source ("12 May (16 May according to X) 1937" gives 16 May
    1937 by X). None where the date has no alternative day."""
    if value is None or not value.text or not value.start:
        return None
    exprs = find_dates(value.text)
    if not exprs or exprs[0].core_stop is None:
        return None
    alt = alternative(exprs[0], value)
    if alt is None or alt.start is None or alt.end is None or alt.precision is None:
        return None
    out = {"text": alt.text, "start": alt.start, "end": alt.end, "precision": alt.precision}
    m = _ACCORDING_RE.search(exprs[0].get("alt") or "")
    if m is not None:
        out["source"] = m.group("src")
    if exprs[0].get("calendar"):
        out["calendar"] = "new" if exprs[0].get("calendar") == "old" else "old"
    elif 10 <= (date.fromisoformat(alt.start) - date.fromisoformat(value.start)).days <= 13:
        out["calendar"] = "new"  # the Julian calendar ran 10 to 13 days behind from 1582 to 1918
    return out
