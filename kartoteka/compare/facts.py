"""Factoids as the compare stage sees them: loaded once from the KB, with their dates judged for
how far they can be trusted to date the happening, and the date arithmetic of precision."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from kartoteka import yamldata

PRECISION_RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}
_YEARISH = re.compile(r"\b(?:1[0-9]\d\d|20[0-4]\d)s?\b|\b(?:1[0-9]|20)\d0s\b|'\d0s\b")
_MONTHISH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b|\b(?:spring|summer|autumn|fall|winter)\b"
    r"|\b[0-3]?\d(?:st|nd|rd|th)?\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")


@cache
def rules() -> dict[str, Any]:
    text = resources.files("kartoteka.compare").joinpath("compare.yaml").read_text(encoding="utf-8")
    return yamldata.safe_load(text)


@cache
def noun_triggers() -> frozenset[str]:
    """The trigger lemmas that are nouns ("murder", "arrest"): their dates need a closer look."""
    from kartoteka.extract.lexicon import default_lexicon

    lex = default_lexicon()
    return frozenset(t.lemma for ts in lex.by_lemma.values() for t in ts if t.is_noun)


def family_of(ftype: str) -> str:
    for fam, members in rules()["families"].items():
        if ftype in members:
            return fam
    return ftype


@dataclass
class Fact:
    """One factoid with what comparison needs. ``date_use`` says how its date may be used:
    "firm" (stated in the sentence with its year), "partial" (day or month stated, the year taken
    from context: comparable only with a date of the same year), "weak" (inferred from another
    sentence, or a noun trigger the date does not modify: never grounds for a conflict)."""

    id: str
    doc: str
    doc_id: int
    type: str
    subject: str | None
    roles: dict[str, Any]
    start: int
    end: int
    quote: str
    date_text: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    precision: str | None = None
    date_flag: str | None = None
    value: str | None = None
    voice: str = "author"
    hedged: bool = False
    negated: bool = False
    fiction: bool = False
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)
    page: str | None = None
    date_use: str = "none"
    asserted: bool = True
    subject_sure: bool = True
    identity_doubt: bool = False
    stance: str = "asserts"  # asserts, disputes, hedged (compare.disputes)
    row: str = ""  # the factoid's id: its place among factoids of one start (document profiles)

    @property
    def grounds(self) -> bool:
        """Whether this factoid may ground a conflict: asserted (not disputed by its own source),
        its subject named in the sentence or the person last named before it, its identity not in
        doubt."""
        return self.asserted and self.stance != "disputes" and self.subject_sure and not self.identity_doubt

    @property
    def family(self) -> str:
        return family_of(self.type)

    @property
    def dated(self) -> bool:
        return self.date_start is not None and self.date_use != "none"

    @property
    def year(self) -> str | None:
        return self.date_start[:4] if self.date_start else None

    def role_id(self, role: str) -> str | None:
        v = self.roles.get(role)
        return v if isinstance(v, str) else None

    def role_ids(self, role: str) -> set[str]:
        v = self.roles.get(role)
        if isinstance(v, list):
            return {x for x in v if isinstance(x, str)}
        return {v} if isinstance(v, str) else set()

    def span(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc": self.doc, "start": self.start, "end": self.end, "quote": self.quote}
        if self.page:
            out["page"] = self.page
        return out

    def date_value(self) -> str | None:
        """The date in ISO form at its precision: "1937-06-12", "1937-06", "1937"."""
        if not self.date_start:
            return None
        return iso_at(self.date_start, self.date_end or self.date_start, self.precision or "day")


def iso_at(start: str, end: str, precision: str) -> str:
    """An interval in ISO form at its precision; a range keeps both ends ("1937-03/1937-05")."""
    if precision == "day":
        return start if start == end else f"{start}/{end}"
    if precision in ("month", "season"):
        return start[:7] if start[:7] == end[:7] else f"{start[:7]}/{end[:7]}"
    if precision == "decade" and start.endswith("0-01-01") and int(end[:4]) - int(start[:4]) == 9:
        return f"{start[:4]}s"
    return start[:4] if start[:4] == end[:4] else f"{start[:4]}/{end[:4]}"


def overlaps(a_start: str, a_end: str, b_start: str, b_end: str) -> bool:
    return a_start <= b_end and b_start <= a_end


def gap_days(a_start: str, a_end: str, b_start: str, b_end: str) -> int:
    """Days between two intervals (0 when they overlap)."""
    if overlaps(a_start, a_end, b_start, b_end):
        return 0
    lo, hi = (a_end, b_start) if a_end < b_start else (b_end, a_start)
    return (_day(hi) - _day(lo)).days


def _day(iso: str) -> date:
    y, m, d = (int(x) for x in iso.split("-"))
    return date(y, m, min(d, 28)) if d > 28 else date(y, m, d)


def two_calendars(a: Fact, b: Fact) -> bool:
    """Whether two days are one day in the Julian and the Gregorian calendar: one source's own
    other-calendar reading ("5 (18) December", "December 5 (Old Style)") is the other's date, or
    two single days before the Julian calendar's last use lie exactly its lag apart ("25 October"
    and "7 November" 1917). Days further apart disagree beyond what the calendars explain."""
    for x, y in ((a, b), (b, a)):
        alt = x.attrs.get("date_alternative")
        if isinstance(alt, dict) and alt.get("calendar") and alt.get("start") and y.date_start and y.date_end \
                and overlaps(str(alt["start"]), str(alt.get("end") or alt["start"]), y.date_start, y.date_end):
            return True
    if a.precision != "day" or b.precision != "day" or not a.date_start or not b.date_start:
        return False
    if a.date_start != a.date_end or b.date_start != b.date_end:
        return False
    early, late = sorted((a.date_start, b.date_start))
    if late >= str(rules()["julian_last_used"]):
        return False
    return (_day(late) - _day(early)).days == julian_lag(_day(late))


def julian_lag(day: date) -> int:
    """Days the Julian calendar runs behind the Gregorian on a Gregorian ``day`` (10 from 1582,
    one more for each century year the Julian calendar makes a leap year and the Gregorian not)."""
    y = day.year if (day.month, day.day) > (2, 28) else day.year - 1
    return 10 + sum(1 for c in range(1700, y + 1, 100) if c % 400)


def interval_of(value: str) -> tuple[str, str]:
    """A reference date written at its precision ("1937", "1937-06", "1937-06-12") as an interval."""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{value}-01-01", f"{value}-12-31"
    if len(parts) == 2:
        y, m = int(parts[0]), int(parts[1])
        last = (date(y + (m == 12), m % 12 + 1, 1) - date(y, m, 1)).days
        return f"{value}-01", f"{value}-{last:02d}"
    return value, value


def date_use(f: Fact) -> str:
    """How far ``f``'s date can be trusted to date its happening (see Fact)."""
    if not f.date_start or f.date_flag:
        return "none"
    if f.attrs.get("date_inferred") or not _date_in_sentence(f.quote, f.date_text or ""):
        return "weak"
    text = f.date_text or ""
    trigger = str(f.attrs.get("trigger") or "")
    if trigger and not _date_attached(f.quote, trigger, text, is_noun_trigger(trigger)):
        return "weak"
    if _YEARISH.search(text):
        return "firm"
    if _MONTHISH.search(text):
        return "partial"
    # Relative ("the next day", "two years later"): trusted only where its words give the day
    # ("the next day") or the year ("two years later"); "three weeks later" is approximate.
    low = text.lower()
    unit = next((u for u in ("day", "week", "month", "year") if u in low), None)
    rank = PRECISION_RANK.get(f.precision or "", 9)
    if unit == "day" and rank == 0 or unit == "year" and rank == 3:
        return "partial"
    return "weak"


def asserted(f: Fact) -> bool:
    """Whether the source asserts the happening rather than reporting a charge, a plan or an
    attempt ("charged with the murder of X", "instructions to murder X"): such factoids
    neither corroborate nor contradict anything."""
    trigger = str(f.attrs.get("trigger") or "").lower()
    if not trigger:
        return True
    words = _words(f.quote)
    positions = _trigger_positions(words, trigger)
    if not positions:
        return True
    r = rules()
    frames = set(r["allegation_frames"])
    window = int(r["allegation_window"])
    before_any = [tuple(p.split()) for p in r["unasserting_before"]]
    before_verb = [tuple(p.split()) for p in r["unasserting_before_verb"]]
    verb = not is_noun_trigger(trigger) or trigger.endswith("ing")
    for t in positions:
        framed = bool(frames & set(words[max(0, t - window):t]))
        ahead = [p for p in before_any + (before_verb if verb else []) if tuple(words[max(0, t - len(p)):t]) == p]
        if not (framed or ahead):
            return True
    return False


def subject_named(f: Fact, before: str = "") -> bool:
    """Whether the sentence names the subject itself rather than a pronoun standing for it; or,
    for a body, an "it" in a sentence with no person pronoun where ``before`` (the text just before
    the sentence) names the body (extract.bodyref takes "it" only so)."""
    name = str(f.attrs.get("subject_text") or "")
    if not name:
        return True
    if _fold(name) in _fold(f.quote):
        return True
    words = set(_words(f.quote))
    return "it" in words and not words & _PERSON_PRONOUNS and _fold(name) in _fold(before)


_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "they", "them", "their"})
# How far back an "it" for a body may find its name: the sentence before, at most.
_BODY_BACK_CHARS = 400


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _words(text: str) -> list[str]:
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    return [w.group().lower() for w in _WORD.finditer(text)]


def _date_in_sentence(quote: str, date_text: str) -> bool:
    """Whether the date's numbers and month or season names are in the sentence itself (a date the
    extractor took from the paragraph around it dates the paragraph, not this happening)."""
    content = [w for w in _words(date_text) if any(ch.isdigit() for ch in w) or _MONTHISH.fullmatch(w)
               and not w.isdigit()]
    words = set(_words(quote))
    return all(w in words for w in content)


def _trigger_positions(words: list[str], trigger: str) -> list[int]:
    stem = trigger.rstrip("s")
    return [i for i, w in enumerate(words) if w == trigger or w.rstrip("s") == stem]


def is_noun_trigger(trigger: str) -> bool:
    t = trigger.lower()
    nouns = noun_triggers()
    return t in nouns or (t.endswith("s") and t[:-1] in nouns)


def _date_attached(quote: str, trigger: str, date_text: str, noun: bool) -> bool:
    """Whether a date stands close enough to its trigger to date it, with no semicolon between
    them, and (for a noun) the noun is not a point of reference ("after X's arrest")."""
    date_words = _words(date_text)
    if not date_words:
        return False
    spans = [(m.start(), m.end()) for m in _WORD.finditer(quote)]
    words = _words(quote)
    r = rules()
    frames = set(r["reference_frames"])
    window = int(r["noun_date_window" if noun else "verb_date_window"])
    t_pos = _trigger_positions(words, trigger.lower())
    d_pos = [i for i in range(len(words)) if words[i:i + len(date_words)] == date_words]
    if not t_pos or not d_pos:
        return True  # cannot tell: trust the extractor
    for t in t_pos:
        if noun and frames & set(words[max(0, t - 4):t]):
            continue
        for d in d_pos:
            lo, hi = (d + len(date_words) - 1, t) if d < t else (t, d)
            if hi - lo - 1 > window:
                continue
            if ";" in quote[spans[lo][1]:spans[hi][0]]:
                continue
            return True
    return False


def load_facts(conn: sqlite3.Connection) -> list[Fact]:
    """Every factoid in the KB, with its quote and page. This is the ONE way factoids enter
    comparison (groups, events, conflicts, corroboration, reference checks): a filter on which
    factoids count (a historian's rejection) belongs here and nowhere else (``load_subject_facts``
    reads the same rows a subject at a time, through the same reader)."""
    reader = FactReader(conn)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM factoids ORDER BY doc_id, start, id")
    return [f for r in rows for f in reader.facts(r)]


def fact_subjects(conn: sqlite3.Connection) -> list[str | None]:
    """The distinct subjects of the KB's factoids (None for factoids without one), in sorted order."""
    return [r[0] for r in conn.execute("SELECT DISTINCT subject_id FROM factoids ORDER BY subject_id")]


def load_subject_facts(conn: sqlite3.Connection, subject: str | None, reader: FactReader) -> list[Fact]:
    """The factoids of one subject (None: those without a subject), as ``load_facts`` gives them and
    in its order (document, start, id): the compare stage streams the KB a subject at a time, so
    its memory follows the largest subject, not the KB."""
    where = "subject_id IS NULL" if subject is None else "subject_id = ?"
    rows = conn.execute(f"SELECT {_COLUMNS} FROM factoids WHERE {where} ORDER BY doc_id, start, id",
                        () if subject is None else (subject,))
    return [f for r in rows.fetchall() for f in reader.facts(r)]


# Ties of one document and start are ordered by id on both backends (SQLite's rowid is not
# PostgreSQL's, and the grouping of ties depends on their order, so the backends must agree).
_COLUMNS = ("id AS tie, id, doc_id, type, subject_id, roles, date_text, date_start, date_end, date_precision, date_flag,"
                 " value, start, end, voice, hedged, negated, fiction, confidence, attrs")


class FactReader:
    """Factoid rows to Facts: the documents' names, texts (read once each) and page segments, and one
    object per distinct value (a long document's hundreds of thousands of factoids repeat a few
    types, subjects, voices and dates, and each row read would otherwise be its own copy)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.docs = {r[0]: r[1] for r in conn.execute("SELECT id, doc FROM documents")}
        self.pages = _pages(conn)
        self.texts: dict[int, str] = {}
        self.one: dict[Any, Any] = {}

    def text(self, doc_id: int) -> str:
        if doc_id not in self.texts:
            self.texts[doc_id] = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        return self.texts[doc_id]

    def facts(self, r: Any) -> list[Fact]:
        """The fact of one row, and its bracketed alternative's (``alternative_fact``) if it has one."""
        same = self.one.setdefault
        doc_id = r["doc_id"]
        text = self.text(doc_id)
        attrs = _shared_values(json.loads(r["attrs"] or "{}"), same)
        f = Fact(
            id=r["id"], doc=self.docs[doc_id], doc_id=doc_id, type=same(r["type"], r["type"]),
            subject=same(r["subject_id"], r["subject_id"]),
            roles=_shared_values(json.loads(r["roles"] or "{}"), same), start=r["start"], end=r["end"],
            quote=same(q := text[r["start"]:r["end"]], q), date_text=same(r["date_text"], r["date_text"]),
            date_start=same(r["date_start"], r["date_start"]),
            date_end=same(d := r["date_end"] or r["date_start"], d), precision=same(r["date_precision"], r["date_precision"]),
            date_flag=r["date_flag"], value=same(r["value"], r["value"]), voice=same(r["voice"], r["voice"]),
            hedged=bool(r["hedged"]), negated=bool(r["negated"]),
            fiction=bool(r["fiction"]), confidence=float(r["confidence"]), attrs=attrs,
            page=attrs.get("page") or _page_at(self.pages.get(doc_id, []), r["start"]), row=r["tie"],
        )
        f.date_use = date_use(f)
        f.asserted = asserted(f)
        f.subject_sure = subject_named(f, text[max(0, f.start - _BODY_BACK_CHARS):f.start])
        alt = alternative_fact(f)
        return [f] if alt is None else [f, alt]


def _shared_values(d: dict[str, Any], same: Any) -> dict[str, Any]:
    """``d`` with each key and each string value replaced by the one equal object ``same`` keeps."""
    return {same(k, k): same(v, v) if isinstance(v, str) else v for k, v in d.items()}


def alternative_fact(f: Fact) -> Fact | None:
    """The second claim of a date given with a bracketed alternative that names its source ("3 April
    (9 April according to X)"): the main date is the source's own, the bracket is X's reading, a
    claim of X's voice in the same sentence (same factoid id: one stored row, two claims). Another
    calendar's reading ("5 (18) December") or an unattributed one ("12 (or 16) May") is none: the
    first is one date, the second the source's own doubt."""
    alt = f.attrs.get("date_alternative")
    if not isinstance(alt, dict) or not alt.get("source") or alt.get("calendar") or not alt.get("start"):
        return None
    if str(alt["source"]).lower() == f.voice.lower() or f.date_use not in ("firm", "partial"):
        return None
    attrs = {k: v for k, v in f.attrs.items() if k != "date_alternative"}
    attrs["alternative_of"] = f.date_text
    other = replace(f, date_text=str(alt.get("text") or ""), date_start=str(alt["start"]),
                    date_end=str(alt.get("end") or alt["start"]), precision=str(alt.get("precision") or "day"),
                    voice=str(alt["source"]), attrs=attrs)
    # the bracket borrows the main date's year ("12 May (16 May ...) 1937"): as firm as it
    other.date_use = f.date_use
    return other


def _pages(conn: sqlite3.Connection) -> dict[int, list[tuple[int, int, str]]]:
    out: dict[int, list[tuple[int, int, str]]] = {}
    for r in conn.execute("SELECT doc_id, start, end, label FROM segments WHERE kind = 'page' ORDER BY doc_id, start"):
        out.setdefault(r[0], []).append((r[1], r[2], r[3]))
    return out


def _page_at(pages: list[tuple[int, int, str]], offset: int) -> str | None:
    found = None
    for s, e, label in pages:
        if s > offset:
            break
        if offset < e:
            found = label
    return found
