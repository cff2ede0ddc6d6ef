"""When an event happened, as its source says: the date attached to a trigger's clause, the
running anchor that partial and relative dates resolve against, and the narrower cases in which
an undated event takes the date of the sentences before.

The phenomena, each with fixtures in tests/test_dating_rules.py: a yearless date takes the year
its own sentence gives later ("12 May (16 May per X) 1937", "between 2 July and 9 October 1931");
a carried year expires at a section break or after CARRY_SENTENCES sentences; relative dates
("two days later", "the next morning, 14 March", "by the autumn") count from the last event
date; calendar pairs give the first calendar's day; bracketed life spans after a name are no
event's date (kartoteka/extract/lifespan.py reads them); a sentence with dates of its own, a named
period ("during the purge") takes no date from the sentences
before, and one that points back to its scene ("at this same meeting")
takes the scene's; a dateless sentence in a named period ("During the purge ...") leaves a later
"twenty years later" without an anchor; a date qualifying a noun ("the May 1935 treaty") dates no
later undated event; "the next session, the one held on D" gives the session D."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kartoteka.extract import phrases
from kartoteka.extract.dates import (
    PRECISIONS,
    SEASONS,
    DateExpr,
    DateValue,
    borrowed_year,
    find_dates,
    is_anchor,
    lifespans,
    month_number,
    resolve,
    year_value,
)
from kartoteka.extract.rules import declare, on
from kartoteka.extract.syntax import (
    CLAUSAL,
    INFER_SENTENCES,
    MONTH_MEMORY,
    PARTIAL,
    SUBJ_DEPS,
    TEMPORAL_PREPS,
    TIME_CUES,
    nounish,
    same_year_after,
    verbish,
)

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

# How many sentences a year (or an anchor for "two days later") carries to yearless dates after it
# before the narrative is taken to have moved on.
CARRY_SENTENCES = 10
# Prepositions that set a clause in a named stretch of time ("during the purge", "throughout the
# war"): the clause has a time of its own, so it takes no date from the sentences before.
PERIOD_PREPS = {"during", "throughout", "amid", "amidst"}
# What a sentence points back to as the scene it is still in: "at this same meeting", "at that time".
# The steps of a career, told one after another: each has a time of its own.
CAREER_STEPS = {"appointment", "election", "membership"}
SCENE_NOUNS = {"meeting", "session", "sitting", "congress", "conference", "plenum", "assembly", "hearing",
               "time", "moment"}


declare("undated_period", "date",
        "a sentence set in a named period with no date ('During the purge X was shot') moves the story "
        "to a time not given, so a later 'two years later' does not count from the date before it",
        [("In 1850 Marcel Duroc moved to Lyon. During the Commune he was arrested. He was released two years later.",
          [("!release", "duroc", "1852")]),
         ("Ivan Petrov became director of the Kazan Academy in 1929. During the purge he was dismissed. "
          "He was arrested three years later.", [("!arrest", "petrov", "1932")]),
         ("Olga Brandt joined the Socialist League in 1910. Throughout the war she lived in Geneva. "
          "She was expelled from the Socialist League a year later.", [("!expulsion", "brandt", "1911")])])

declare("attributive_date", "date",
        "a date before a noun that it qualifies ('the May 1935 treaty') names which thing it is: the "
        "next sentence's undated event does not take it as its own date",
        [("The March 1921 treaty changed the whole policy. The next step was the appointment of Ivan Petrov "
          "as head of the Commune Council.", [("!appointment", "petrov", "1921")]),
         ("The 1936 constitution was praised everywhere. Then came the arrest of Boris Orlov.",
          [("!arrest", "orlov", "1936")]),
         ("The June 1871 decree shocked Lyon. The expulsion of Marcel Duroc from the Commune Council followed.",
          [("!expulsion", "duroc", "1871")])])

declare("telling_year", "date",
        "a year that qualifies a work telling of events ('in his 1940 book', 'a 1956 interview') is when "
        "it was told: a yearless day the work reports does not take that year",
        [("In 1939 the talks began. In his 1941 memoir, Emil Hartmann wrote that Ivan Petrov had met "
          "Boris Orlov on 16 August.", [("!meeting", "petrov", "1941")]),
         ("In 1870 Lyon was calm. In her 1902 book Nadia Soret wrote that Marcel Duroc had been arrested "
          "on 3 May.", [("!arrest", "duroc", "1902")]),
         ("In a 1962 interview Anna Volkova said that Gleb Morozov had been arrested on 9 June.",
          [("!arrest", "morozov", "1962")])])

declare("restated_noun", "date",
        "an event noun restated as 'the one held on D' right after it takes that date, wherever the "
        "parser hangs the restating phrase",
        [("We read the report on the following meeting of the Commune Council, the one held on 3 May 1871.",
          [("meeting", "commune_council", "1871-05-03")]),
         ("Recall the first meeting of the Socialist League, the one convened on 9 June 1891.",
          [("meeting", "socialist_league", "1891-06-09")]),
         ("She cited the final Central Committee session, the one held in Moscow on 12 March 1925.",
          [("meeting", "central_committee", "1925-03-12")])])


class _Frame:
    """The trigger as date attachment sees it: its ancestors (token -> distance up), its clause's
    head, whether that clause is relative, and the tokens of its own phrase."""

    def __init__(self, trig: Any, head: Any, own: set[int]) -> None:
        self.trig, self.head, self.own = trig, head, own
        self.ancestors = {a.i: k + 1 for k, a in enumerate(trig.ancestors)}
        self.in_relcl = head.dep_ == "relcl" or (head.dep_ == "conj" and head.head.dep_ == "relcl")


declare("next_step_undated", "date",
        "a day or month that dates one step of a person's career does not date the next step (an "
        "appointment, an election, a joining) told of the same person in a later sentence ('On 2 May he became X. He was promoted to Y.'): the "
        "story has moved on; a sentence restating the same happening (the same verb) still takes it",
        [("On 2 April 1921 Anna Volkova became a teacher in Kazan. She was elected to the Writers' Union.",
          [("election", "volkova", None), ("!election", "volkova", "1921-04-02")]),
         ("On 14 March 1902 Boris Orlov became editor of a paper in Lyon. He was appointed commissar of the NKVD.",
          [("!appointment", "orlov+organization=nkvd", "1902-03-14")]),
         ("In May 1930 Ivan Petrov was at the Kazan Academy. Petrov joined the Communist Party and the Writers' Union.",
          [("membership", "petrov", None), ("!membership", "petrov", "1930-05")]),
         ("Ivan Petrov returned to Kazan in 1929. In November 1929 he was appointed head of the Kazan Academy. "
          "Petrov became a member of the Writers' Union.", [("!membership", "petrov", "1929-11")]),
         ("On 9 June 1891 several members of the Socialist League were expelled. Olga Brandt and Anna Volkova "
          "were expelled for their articles.", [("expulsion", "brandt", "1891-06-09")])])


def next_step(cx: ParseContext, trig: Any, span: Any, value: DateValue) -> bool:
    """Whether a day or month in the sentence before dates another step of the trigger's own
    person: its clause's subject and the trigger's stand for the same person, by another verb."""
    # an event noun a verb predicates of its subject ("X became a member of Y") is told by that verb
    verb = trig if verbish(trig) else trig.head if trig.dep_ in ("attr", "oprd") and verbish(trig.head) else None
    if not on("next_step_undated") or value.precision not in ("day", "month") or verb is None:
        return False
    kinds = {t.type for t in cx.lex.by_lemma.get(trig.lemma_.lower(), [])}
    if not kinds or not kinds <= CAREER_STEPS:
        return False  # an arrest or a meeting is told at the story's now: "X returned in May. X was arrested."
    head = clause_head(cx, span.root)
    if head.lemma_ == verb.lemma_ and (verb is trig or any(c.lemma_ == trig.lemma_ for c in head.children)):
        return False  # "were replaced on 8 May ... A and B were replaced by C": the same happening
    before, now = subject_of(head), subject_of(verb)
    if before is None or now is None:
        return False
    ids = [_person_ids(cx, t) for t in (before, now)]
    return bool(ids[0]) and ids[0] == ids[1] and all(cx.etype(m) == "person" for m, _ in phrases.expand(cx, now, conjuncts=False))


def _person_ids(cx: ParseContext, tok: Any) -> set[str]:
    """The entities a subject stands for: its names, or the person a pronoun points to
    ("In May he was appointed X. Petrov joined Y.": the same person, by rule next_step_undated)."""
    ids = {m.entity_id for m, _ in phrases.expand(cx, tok, conjuncts=False) if m.entity_id}
    ref = cx.coref_map.get(tok.i) if tok.pos_ == "PRON" else None
    return ids or ({ref.entity_id} if ref is not None and ref.entity_id else set())


def subject_of(verb: Any) -> Any | None:
    """The grammatical subject of a verb, through the verbs it is coordinated with ("X came and joined")."""
    v = verb
    for _ in range(4):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
        if v.dep_ != "conj":
            return None
        v = v.head
    return None


def passage_dates(cx: ParseContext) -> list[tuple[DateExpr, DateValue | None, Any]]:
    """Dates of the passage, partial and relative ones resolved against the running anchor.
    A yearless date takes, in order: the year of a dated expression it is joined to later in
    its sentence ("between 2 July and 9 October 1931"); the anchor of its own sentence; a
    firm (written-out day or month) anchor of the last few sentences; the year of the same
    month named lately ("in March 1938 ... on 15 March"); the anchor while it is recent.
    Past ``CARRY_SENTENCES`` or a section break the narrative has moved on: no year."""
    st = cx.state
    if st.anchor_section != cx.p.section:
        st.anchor, st.anchor_section, st.years, st.months, st.days = None, cx.p.section, [], {}, {}
        st.trial_sentence = None
    cx.entry_anchor = (st.anchor, st.anchor_sentence)  # what the passage opens with
    cx.first_sentence = st.sentences
    body = cx.p.body
    starts = [s.start_char for s in cx.doc.sents]
    spans = _lifespan_spans(cx)
    exprs = [e for e in find_dates(body) if not any(b <= e.begin < x for b, x in spans)]
    cx.periods = [st.period_sentence, *_period_sentences(cx, exprs, starts)]
    out: list[tuple[DateExpr, DateValue | None, Any]] = []
    for i, expr in enumerate(exprs):
        here = st.sentences + bisect_right(starts, expr.begin) - 1
        span = cx.doc.char_span(expr.begin, expr.core_stop or expr.stop, alignment_mode="expand")
        value = resolve(expr, _anchor_for(cx, exprs, i, here, span))
        out.append((expr, value, span))
        _note(cx, expr, value, span, here)
    gap = st.text[st.passage_end:cx.p.start] if 0 <= st.passage_end <= cx.p.start else "\n"
    same_paragraph = gap.strip() == "" and "\n" not in gap  # a long paragraph cut into passages
    cx.entry_trial = st.trial_sentence if same_paragraph else None
    cx.entry_frame = st.frame if same_paragraph else None
    st.sentences += len(starts)
    st.period_sentence = max(cx.periods)
    st.trial_sentence = _last_trial(cx, out)
    st.frame, st.passage_end = _open_frame(cx, out), cx.p.end
    return _explicit_after_relative(cx, _month_of_year(cx, exprs, _ranges(cx, exprs, out)))


def _period_sentences(cx: ParseContext, exprs: list[DateExpr], starts: list[int]) -> list[int]:
    """The sentences (numbered through the document) set in a named stretch of time with no date
    of their own ("During the purge X was shot"): the story's time has moved to an unknown point."""
    st = cx.state
    dated = {bisect_right(starts, e.begin) - 1 for e in exprs}
    return [st.sentences + k for k, sent in enumerate(cx.doc.sents)
            if k not in dated and any(t.lower_ in PERIOD_PREPS and t.dep_ == "prep" for t in sent)]


def _ranges(cx: ParseContext, exprs: list[DateExpr], out: list[tuple[DateExpr, DateValue | None, Any]]
            ) -> list[tuple[DateExpr, DateValue | None, Any]]:
    """"Between 2 July and 9 October 1931", "from March to August 1926": one span of time from
    the first day to the last, at the coarser precision of its ends, whichever end dates a clause."""
    for k in range(len(out) - 1):
        if borrowed_year(cx.p.body, exprs, k) is None:
            continue
        (e1, v1, s1), (e2, v2, s2) = out[k], out[k + 1]
        if v1 is None or v2 is None or not v1.start or not v2.end or v1.start > v2.end:
            continue
        if "/" in cx.p.body[e1.stop:e2.begin]:  # "25 October/7 November 1917": one day, two calendars
            pair = replace(v1, text=cx.p.body[e1.begin:e2.stop])
            out[k], out[k + 1] = (e1, pair, s1), (e2, pair, s2)
            continue
        rank = max(PRECISIONS.index(v1.precision or "day"), PRECISIONS.index(v2.precision or "day"))
        both = DateValue(cx.p.body[e1.begin:e2.stop], v1.start, v2.end, PRECISIONS[rank])
        out[k], out[k + 1] = (e1, both, s1), (e2, both, s2)
    return out


declare("month_of_year", "date",
        "a month or season followed by 'of' and a year told by reference ('in November of that year', 'the "
        "spring of the following year') is one date: that month of that year, at month or season precision",
        [("Ivan Petrov returned to Kazan in May 1929. In November of that year the Politburo appointed Petrov "
          "head of the Kazan Academy.", [("appointment", "petrov", "1929-11")]),
         ("Marcel Duroc came back to Lyon in 1869. In the spring of the following year he was arrested.",
          [("arrest", "duroc", "1870-03")]),
         ("Anna Volkova was released in 1946. In March of the same year she was expelled from the Writers' Union.",
          [("expulsion", "volkova", "1946-03")])])


def _month_of_year(cx: ParseContext, exprs: list[DateExpr], out: list[tuple[DateExpr, DateValue | None, Any]]
                   ) -> list[tuple[DateExpr, DateValue | None, Any]]:
    """"In November of that year": the month in the year the second phrase names, one date
    for both phrases (whichever the clause takes)."""
    if not on("month_of_year"):
        return out
    for k in range(len(out) - 1):
        (e1, _v1, s1), (e2, v2, s2) = out[k], out[k + 1]
        if e1.kind not in ("month", "season") or v2 is None or v2.precision != "year" or v2.year is None \
                or not re.fullmatch(r"\s+of\s+", cx.p.body[e1.stop:e2.begin]):
            continue
        v = resolve(e1, year_value(str(v2.year), v2.year))
        if v is None or not v.start:
            continue
        both = replace(v, text=cx.p.body[e1.begin:e2.stop], relative=v2.relative)
        out[k], out[k + 1] = (e1, both, s1), (e2, both, s2)
    return out


def _anchor_for(cx: ParseContext, exprs: list[DateExpr], i: int, here: int, span: Any) -> DateValue | None:
    """What a yearless or relative date resolves against (None: nothing reliable). A day
    named in passing ("the law of 1 December", "which appeared on 4 December") that was told
    lately with its year points back to it; one that dates its clause follows the story."""
    st, expr = cx.state, exprs[i]
    if expr.absolute:
        return None
    lent = borrowed_year(cx.p.body, exprs, i)
    if lent is not None:
        return year_value(str(lent), lent)
    anchor = st.anchor
    if anchor is None or not anchor.start:
        return None
    if expr.kind == "season" and re.search(r"\bby\s+(?:the\s+)?$", cx.p.body[:expr.begin], re.I):
        return _deadline_year(cx, expr, anchor, here)
    if st.anchor_sentence == here:
        return anchor
    recent = here - st.anchor_sentence <= CARRY_SENTENCES
    if expr.kind not in PARTIAL:
        if on("undated_period") and any(st.anchor_sentence < k < here for k in cx.periods):
            return None  # "In 1935 ... During the purge X was shot. Twenty years later": not 1955
        return anchor if recent else None  # "two days later": after the last event told
    month = expr.get("month")
    day = expr.get("day") if expr.kind in ("dm", "md") else None
    same_day = st.days.get((month_number(month), int(day))) if month and day and day.isdigit() else None
    if same_day is not None and cx.p.seq - same_day[1] <= MONTH_MEMORY and span is not None \
            and aside(cx, span):
        return year_value(str(same_day[0]), same_day[0])  # the day told lately, named again
    firm = st.anchor_absolute and anchor.precision in ("day", "month") and cx.p.seq - st.anchor_seq <= 2
    same_month = st.months.get(month_number(month)) if month else None
    if not (firm and recent) and same_month is not None and cx.p.seq - same_month[1] <= MONTH_MEMORY:
        return year_value(str(same_month[0]), same_month[0])
    return anchor if recent else None


def _deadline_year(cx: ParseContext, expr: DateExpr, anchor: DateValue, here: int) -> DateValue | None:
    """"By the autumn" is the next such season after the story's now: after a date in December
    it is the next year's autumn."""
    if here - cx.state.anchor_sentence > CARRY_SENTENCES or anchor.year is None:
        return None
    first, last = SEASONS[(expr.get("season") or "").lower()]
    month = int(anchor.start[5:7]) if anchor.start and anchor.precision in ("day", "month") else 0
    y = anchor.year + 1 if first < last and month > last else anchor.year
    return year_value(str(y), y)


def _note(cx: ParseContext, expr: DateExpr, value: DateValue | None, span: Any, here: int) -> None:
    """Let a resolved date anchor what follows, unless it is a flashback aside."""
    st = cx.state
    if value is not None and value.start and value.precision in ("day", "month") and value.year \
            and value.start[:7] == (value.end or "")[:7]:
        st.months[int(value.start[5:7])] = (value.year, cx.p.seq)
        if value.precision == "day":
            st.days[(int(value.start[5:7]), int(value.start[8:10]))] = (value.year, cx.p.seq)
    if not is_anchor(expr, value) or value is None or value.flag:
        return
    if span is not None and _telling_year(cx, span):
        return  # "In his 1940 book X wrote that Y had met Z on 16 August": not 1940's August
    if st.anchor is not None and st.anchor.year and value.year and span is not None \
            and abs(value.year - st.anchor.year) > 1 and aside(cx, span):
        return  # a flashback inside a noun phrase or subordinate clause: "a note of 1923"
    # a yearless date resolved against a written-out one is as firm as it ("1 May 1937 ... on 9 May")
    firm = expr.absolute or (st.anchor_absolute and st.anchor is not None and st.anchor.year == value.year
                             and here - st.anchor_sentence <= CARRY_SENTENCES)
    st.anchor, st.anchor_absolute, st.anchor_seq, st.anchor_sentence = value, firm, cx.p.seq, here
    if expr.absolute and value.year:
        st.years.append(value.year)


def _explicit_after_relative(cx: ParseContext, out: list[tuple[DateExpr, DateValue | None, Any]]
                             ) -> list[tuple[DateExpr, DateValue | None, Any]]:
    """"The next morning, 14 March": the day written out is the date; the relative phrase it
    restates takes that value too, so either one dating the clause gives the same day."""
    body = cx.p.body
    for k in range(len(out) - 1):
        (e1, _v1, s1), (e2, v2, _s2) = out[k], out[k + 1]
        if e1.kind in ("relative", "deictic") and v2 is not None and v2.start \
                and re.fullmatch(r"\s*[,(\u2014-]\s*", body[e1.stop:e2.begin]):
            out[k] = (e1, replace(v2, text=f"{e1.text}, {v2.text}"), s1)
    return out


def _lifespan_spans(cx: ParseContext) -> list[tuple[int, int]]:
    """Bracketed life spans right after a name ("X (1890-1941)", "X (b. 1902)"): the person's
    birth and death, not the date of the sentence's event (the lifespan rule reads them; a
    "born" in the bracket still makes a birth, which merges with the rule's dated one)."""
    body = cx.p.body
    return [(ls.begin, ls.stop) for ls in lifespans(body) if re.search(r"[A-Z][\w'.-]*\s*$", body[:ls.begin])]


def aside(cx: ParseContext, span: Any, strict: bool = True) -> bool:
    """Whether a date sits off the narrative line: in a relative or participial clause, a
    parenthesis, or a phrase about a noun ("his troubles four years earlier"); ``strict`` adds
    a clause reported under another and the "of" complement of a noun ("a note of 1923"),
    which can still date the scene for the next sentence ("The plenum of 1 February ...")."""
    root = span.root
    body = cx.p.body
    before = body[root.sent.start_char:span.start_char]
    if before.count("(") > before.count(")"):
        return True
    t = root
    while t.head.i != t.i:
        if t.dep_ in ("relcl", "acl", "appos"):
            return True
        if strict and t.dep_ in ("ccomp", "csubj", "parataxis"):
            return True
        if strict and t.dep_ == "pobj" and t.head.lower_ == "of" and nounish(t.head.head):
            return True
        if t.dep_ == "advmod" and nounish(t.head):
            return True
        t = t.head
    return False


def clause_head(cx: ParseContext, tok: Any) -> Any:
    t = tok
    while t.head.i != t.i and not verbish(t):
        t = t.head
    return t


def date_for(cx: ParseContext, trig: Any, sent: Any, excluded: set[int], infer: bool = True) -> tuple[DateValue | None, float]:
    """The date attached to the trigger's clause, or one inferred from the passage."""
    frame = _Frame(trig, clause_head(cx, trig), own_clause(cx, trig))
    best: tuple[int, int, DateValue] | None = None
    for _expr, value, span in cx.dates:
        if span is None or value is None or not (sent.start <= span.start < sent.end):
            continue
        if any(t.i in excluded for t in span) or _dates_another(cx, trig, span):
            continue
        ranked = _rank(cx, frame, span, value)
        if ranked is None:
            continue
        dist = abs(span.start - trig.i)
        if best is None or (ranked[0], dist) < best[:2]:
            best = (ranked[0], dist, ranked[1])
    if best is None and trig.dep_ == "advcl" and verbish(trig.head):
        timed = clause_timed(cx, trig, sent, excluded)
        if timed is not None:
            return timed, 0.9
    if best is not None and best[0] > 0 and any(cx.doc[i].lower_ in TIME_CUES for i in frame.own):
        best = None  # "Seized a week later, X was shot on 3 May": not the seizure's date
    if best is not None:
        return best[2], 1.0 if best[0] == 0 else 0.9
    if not cx.lex.infer_dates:
        return None, 1.0
    if not infer:  # a verdict is told after its trial: it takes the trial's date, nothing else
        verdict = trial_verdict(cx, trig, sent)
        return (verdict, 0.7) if verdict is not None else (None, 1.0)
    return _inferred(cx, trig, sent)


def _dates_another(cx: ParseContext, trig: Any, span: Any) -> bool:
    """A date in the sentence that belongs to something else than the trigger's event."""
    root = span.root
    if _about_another(cx, root, trig):
        return True  # "In accordance with the law of 1 December, execution followed": the law's date
    if _of_an_earlier_event(cx, root, trig, span):
        return True  # "After the arrest of X on 3 March, Y was questioned": X's arrest's date
    if nounish(trig) and trig.i < span.start and _nearer_event(cx, trig, span):
        return True  # "the murder of A and the attempt on B, 30 August": B's date
    if root.dep_ == "conj" and root.head.i == trig.i:
        return True  # "between X's murder and mid-1936": the other end of a span of time
    if prior_object(cx, span):
        return True  # "met X and recalled their past disputes in the 1920s": the disputes' time
    if not_until_after(cx, trig, span):
        return True  # "It did not appear until after X's death in 1956": the appearing's date or the death's
    inside = {t.i for t in span}
    return any(a.lemma_.lower() in cx.lex.date_blockers and a.i not in inside for a in trig.ancestors
               if a.i != root.i and span.start <= a.i + 3)


def _rank(cx: ParseContext, f: _Frame, span: Any, value: DateValue) -> tuple[int, DateValue] | None:
    """How closely a date of the sentence hangs on the trigger (0: its own clause; higher:
    a clause further up), with its value (shifted by "two days after"); None: not the trigger's."""
    trig, root = f.trig, span.root
    if root.i in f.own or any(t.i in f.own for t in span) or _restated(cx, trig, root):
        return 0, value
    if bracket_after(cx, trig, span):
        return 1, value  # "at the A Congress and at the B Congress (middle and end of May, 1891)"
    if trig.dep_ in ("relcl", "advcl", "acl") and trig.head.i in {t.i for t in span}:
        return 0, value  # the clause qualifies the date: "the October when X was arrested"
    h = clause_head(cx, root)
    up = [a for a in trig.ancestors if f.ancestors[a.i] <= f.ancestors.get(h.i, 0)]
    # how the date hangs on its clause: as an adverbial ("In 1935 X was ..."), not inside
    # another argument ("X's murder set off the purges of the next decade")
    via = next((a for a in [root, *root.ancestors] if a.head.i == h.i), root)
    adverbial = via.dep_ in ("prep", "npadvmod", "advmod", "pobj", "nummod") and via.lower_ != "of"
    if nounish(trig) and any(_relational(cx, a) for a in up):
        return None  # "Arrested in 1881 in connection with X's murder": the arrest's date
    if h.i == trig.i or (h.i == f.head.i and nounish(trig) and adverbial and not any(
            a.lower_ in TEMPORAL_PREPS or a.lemma_.lower() in cx.lex.date_blockers for a in up)):
        return 0, value  # "whose arrest followed on 20 August": the noun's own clause
    if any(a.i == trig.i for a in root.ancestors):
        return _rank_below(cx, trig, root, value)
    if h.i in f.ancestors and not f.in_relcl and trig.dep_ != "advcl" and adverbial \
            and not (trig.dep_ in ("amod", "acl") and trig.tag_ == "VBN"):  # "the recently founded X"
        return _rank_above(cx, f, h, value)
    return None


def _rank_below(cx: ParseContext, trig: Any, root: Any, value: DateValue) -> tuple[int, DateValue] | None:
    """A date in an adverbial clause under the trigger ("shot himself when they came on 31
    May"); what a complement says ("testified that in December ...") is not the trigger's."""
    below = [a for a in root.ancestors if trig.i in {x.i for x in a.ancestors}]
    event_participle = bool(below) and nounish(trig) and below[-1].dep_ == "acl" \
        and below[-1].tag_ == "VBN"  # "the trials, staged in March 1938"
    if any(a.dep_ in ("ccomp", "relcl", "acl", "xcomp") for a in below) and not event_participle:
        return None
    if any(c.dep_ in ("mark", "advmod", "prep") and c.lower_ in TEMPORAL_PREPS
           for a in below if a.dep_ in ("advcl", "prep", "pcomp") for c in [a, *a.children]):
        return None  # "After X won in 1917, Y died": the date of what came before
    return 1, value


def _rank_above(cx: ParseContext, f: _Frame, h: Any, value: DateValue) -> tuple[int, DateValue] | None:
    """A date whose clause governs the trigger ("In 1935 X was charged and exiled"), unless a
    temporal preposition between them shifts the time ("days after X's suicide")."""
    trig = f.trig
    path = [a for a in trig.ancestors if f.ancestors[a.i] <= f.ancestors[h.i]]
    if any(a.dep_ in ("ccomp", "csubj", "relcl") or any(c.dep_ == "mark" and c.lower_ == "that" for c in a.children)
           for a in [trig, *path[:-1]]):
        return None  # "In 1938 they testified that they had caused X's death", "a report that": not 1938
    if any(a.lemma_.lower() in cx.lex.date_blockers for a in path):
        return None  # "on 21 January, the anniversary of X's death": another year
    clauses = [a for a in [trig, *path[:-1]] if a.dep_ == "advcl"]
    mark = next((c for a in clauses for c in a.children if c.dep_ in ("mark", "advmod")
                 and c.lower_ in ("after", "before")), None)
    if mark is not None:  # "X came on 18 June, two months before the trial opened"
        adv = next((c for c in [*mark.head.children, *mark.children] if c.dep_ == "npadvmod"
                    and c.i < mark.i), None)
        shifted = _shift(cx, value, mark, adv) if adv is not None else None
        if shifted is None:
            return None
        value = shifted
    preps = [a for a in path if a.lower_ in TEMPORAL_PREPS]
    if preps:
        shifted = _shift(cx, value, preps[0])  # "four days after X's suicide"
        if shifted is None and not same_year_after(value, preps[0]):
            return None
        value = shifted or value
    return f.ancestors[h.i] + 1, value


def _inferred(cx: ParseContext, trig: Any, sent: Any) -> tuple[DateValue | None, float]:
    """A date inferred from the passage: the latest anchor-able date before this sentence,
    unless the sentence sets its own time ("Later", "During the purge") or has dates of its
    own that the event does not take: then the sentence says when, just not for this event."""
    scene = scene_reference(cx, sent)
    if scene is not None:
        return replace(scene, inferred=True), 0.7  # "At this same meeting X was elected"
    if any(t.lower_ in TIME_CUES or t.lower_ in PERIOD_PREPS for t in sent):
        return None, 1.0
    if any(sp is not None and v is not None and sent.start <= sp.start < sent.end for _e, v, sp in cx.dates):
        return None, 1.0
    titled = decree_title(cx, trig, sent)
    if titled is not None:
        return replace(titled, inferred=True), 0.7  # "X adopted a decree, _On the abolition of Y_"
    if not narrated(cx, trig):
        framed = frame_date(cx, sent) if _attended(cx, trig) else None
        if framed is not None:
            return framed, 0.7  # "It was the winter of 1848. ... X came to attend the session."
        return None, 1.0  # "the traitors who killed Kirov", "since Kirov's murder": told before
    # the nearest of the two sentences before that dates the narrative (asides do not count)
    # gives its date if it has only one
    lo = sent.start
    for _ in range(INFER_SENTENCES):
        if lo == 0:
            break
        prev = cx.doc[lo - 1].sent
        lo = prev.start
        found = [(e, v, sp) for e, v, sp in cx.dates
                 if sp is not None and v is not None and prev.start <= sp.start < prev.end and is_anchor(e, v)
                 and v.precision in ("day", "month", "season", "year") and not _attributive(cx, sp)]
        told = [(e, v, sp) for e, v, sp in found if not aside(cx, sp, strict=False)]
        prior = {(v.start, v.end, v.precision): v for _e, v, _sp in told}
        if len(prior) > 1:
            break
        if prior and not scene_date(cx, told[0][0], told[0][2]):
            break  # "Two years earlier X had written ...": a flashback dates nothing after it
        if prior and next_step(cx, trig, told[0][2], next(iter(prior.values()))):
            break  # "On 2 May X became Y. He was promoted to Z.": his next step, not that day
        if prior:
            v = next(iter(prior.values()))
            return DateValue(v.text, v.start, v.end, v.precision, v.flag, v.relative, inferred=True), 0.7
        if any(t.lower_ in TIME_CUES for t in prev):
            break  # "Later ..." moves the time on from the sentence before
    framed = frame_date(cx, sent)
    if framed is not None:
        return framed, 0.7  # "It was the winter of 1848. ... X was summoned to a session."
    return None, 1.0


def scene_reference(cx: ParseContext, sent: Any) -> DateValue | None:
    """The date of the scene a sentence points back to ("at this very meeting", "at that
    session", "at the same time"): the last date that set the scene in the sentences before,
    while it is recent; None where the sentence points to no scene."""
    if not any(t.lower_ in ("this", "that", "same") and t.head.lemma_.lower() in SCENE_NOUNS
               and t.head.dep_ == "pobj" and t.head.head.lower_ in ("at", "in", "during") for t in sent):
        return None
    for e, v, sp in reversed(cx.dates):
        if sp is None or v is None or sp.start >= sent.start or not is_anchor(e, v) or aside(cx, sp, strict=False):
            continue
        return v if _sentence_no(cx, sent.start_char) - _sentence_no(cx, sp.start_char) <= CARRY_SENTENCES else None
    anchor, at = cx.entry_anchor
    return anchor if anchor is not None and _sentence_no(cx, sent.start_char) - at <= CARRY_SENTENCES else None


def _telling_year(cx: ParseContext, span: Any) -> bool:
    """A date qualifying a work that tells of events ("his 1940 book", "a 1956 interview"):
    the time of the telling, not of the story it tells."""
    if not on("telling_year"):
        return False
    root = span.root
    return root.dep_ in ("compound", "nmod", "amod", "nummod", "poss") and root.head.i >= span.end \
        and root.head.lemma_.lower() in cx.lex.source_nouns


def _attributive(cx: ParseContext, span: Any) -> bool:
    """A date that modifies a noun before it ("the May 1935 treaty", "the 1936 constitution"):
    it names which thing, and dates no scene the next sentence can take its date from."""
    if not on("attributive_date"):
        return False
    root = span.root
    return root.dep_ in ("compound", "nmod", "amod", "nummod") and nounish(root.head) and root.head.i > span.end - 1 \
        and root.head.i not in {t.i for t in span}


def _restated(cx: ParseContext, trig: Any, root: Any) -> bool:
    """A date in a participle on "the one" that restates an event noun just before it ("the
    next session of X, the one held on 3 May"): the noun's own date, however the parser hung it."""
    if not on("restated_noun") or not nounish(trig):
        return False
    one = next((a for a in root.ancestors if a.lower_ == "one" and a.i > trig.i
                and any(c.dep_ == "det" and c.lower_ in ("the", "that") for c in a.children)), None)
    if one is None or not any(c.dep_ == "acl" and c.tag_ == "VBN" and root.i in {x.i for x in c.subtree}
                              for c in one.children):
        return False
    between = cx.doc[trig.i + 1:one.i]
    return not any(verbish(t) or (t.pos_ == "NOUN" and any(x.is_noun for x in cx.lex.by_lemma.get(t.lemma_.lower(), [])))
                   for t in between)


def _sentence_no(cx: ParseContext, char: int) -> int:
    """The document-wide number of the sentence holding a character of this passage."""
    return cx.first_sentence + bisect_right([s.start_char for s in cx.doc.sents], char) - 1


def _about_another(cx: ParseContext, root: Any, trig: Any) -> bool:
    """A date inside a phrase that ties the clause to something else ("in accordance with the
    law of 1 December", "for the decree of May"), when the trigger is outside that phrase."""
    head = clause_head(cx, root)
    for a in root.ancestors:
        if a.i == head.i:
            break
        if _relational(cx, a):
            return trig.i not in {t.i for t in a.subtree}
    return False


def _of_an_earlier_event(cx: ParseContext, root: Any, trig: Any, span: Any) -> bool:
    """A date inside a temporal phrase about another happening ("after the arrest of X on 3 March",
    "following the death of Y in 1902"), when the trigger is outside that phrase: it dates that
    happening, and the trigger's event only comes before or after it. Not "after 1930", where
    the date is the phrase's own object."""
    inside = {t.i for t in span}
    for a in root.ancestors:
        if trig.i in {t.i for t in a.subtree}:
            break  # up to where the date and the trigger meet ("Following" may head its own clause)
        if a.dep_ == "prep" and a.lower_ in TEMPORAL_PREPS:
            return any(c.dep_ == "pobj" and c.i not in inside and c.lemma_.lower() not in cx.lex.day_part_nouns
                       for c in a.children)
    return False


def _relational(cx: ParseContext, prep: Any) -> bool:
    """A preposition that ties its clause to another matter ("in connection with", "for"),
    not one that says how long or which time ("for a time", "for the first time")."""
    return prep.dep_ == "prep" and prep.lower_ in cx.lex.relational_preps and not any(
        c.dep_ == "pobj" and c.lemma_.lower() in cx.lex.duration_nouns for c in prep.children)


def _nearer_event(cx: ParseContext, trig: Any, span: Any) -> bool:
    """Another event noun coordinated under the trigger, between it and a date after it."""
    for t in cx.doc[trig.i + 1:span.start]:
        if t.dep_ == "conj" and t.pos_ == "NOUN" and trig.i in {a.i for a in t.ancestors} and (
                t.lemma_.lower() in cx.lex.irrealis_heads
                or any(x.is_noun for x in cx.lex.by_lemma.get(t.lemma_.lower(), []))):
            return True
    return False


def scene_date(cx: ParseContext, expr: DateExpr, span: Any) -> bool:
    """Whether a date sets the scene for what follows: not a step back ("two years earlier"),
    not in a clause told in the pluperfect ("X had written in 1930"), not in a gerund or
    infinitive ("accused him of betraying the revolution in 1919")."""
    if expr.kind == "relative" and (expr.get("dir") or "").lower() in ("earlier", "before") \
            or (expr.get("rel") or "").lower() in ("previous", "preceding"):
        return False
    h = clause_head(cx, span.root)
    if any(c.dep_ == "aux" and c.lower_ == "had" for c in h.children):
        return False
    return not any(a.dep_ in ("pcomp", "xcomp") or (a.tag_ == "VBG" and a.dep_ not in ("ROOT", "conj"))
                   for a in [h, *h.ancestors][:2] if verbish(a))


def narrated(cx: ParseContext, trig: Any) -> bool:
    """Whether a trigger tells its event as the story's next step (and so may take the date of
    the sentences before) rather than referring back to it: a verb not in a relative or
    participial clause, or an event noun that is the predicate ("The next step was X's
    appointment"), the subject of a verb of occurring ("X's arrest followed") or what is
    announced ("the news of X's death")."""
    if cx.lex.by_lemma and any(t.type == "testimony" for t in cx.lex.by_lemma.get(trig.lemma_.lower(), [])):
        return False  # what a witness testified to has a time of its own
    if verbish(trig) and trig.tag_ == "VBG" and trig.dep_ in ("pcomp", "pobj", "acl", "xcomp", "dobj"):
        return False  # "his motive for killing X", "the subject of removing X"
    if verbish(trig):
        auxes = {c.lower_ for c in trig.children if c.dep_ == "aux"}
        if "had" in auxes or {"to", "have"} <= auxes:
            return False  # "X had been arrested", "was said to have died": before the story's now
        return not any(a.dep_ in ("relcl", "acl", "amod") for a in [trig, *trig.ancestors][:3])
    if trig.dep_ in ("attr", "ROOT"):
        return True
    if announced(cx, trig):
        return True
    return trig.dep_ in SUBJ_DEPS and trig.head.lemma_ in cx.lex.occurrence_verbs


def announced(cx: ParseContext, trig: Any) -> bool:
    """An event noun told as news: "The memo signalled the creation of X", "The news of X's
    death reached me" (so the news dates it)."""
    if trig.dep_ == "dobj" and trig.head.lemma_ in cx.lex.announcing:
        return True
    return trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.lemma_ in cx.lex.announcing


def clause_timed(cx: ParseContext, trig: Any, sent: Any, excluded: set[int]) -> DateValue | None:
    """The date of an adverbial clause from its main clause: "in 1935 he did A, two days after
    B happened" dates B two days before A; "when B happened" dates B with A."""
    mark = next((c for c in trig.children if c.dep_ in ("mark", "advmod")
                 and c.lower_ in ("when", "while", "as", "after", "before")), None)
    if mark is None:
        return None
    main, _ = date_for(cx, trig.head, sent, excluded | {t.i for t in trig.subtree}, infer=False)
    if main is None or mark.lower_ in ("when", "while", "as"):
        return main
    adv = next((c for c in [*trig.children, *mark.children] if c.dep_ == "npadvmod" and c.i < mark.i), None)
    # "A happened on D, two days after B": B is two days before D
    return _shift(cx, main, mark, adv) if adv is not None else None


def _shift(cx: ParseContext, value: DateValue, prep: Any, adv: Any | None = None) -> DateValue | None:
    """The date of an event N units before/after a dated one ("four days after"), or None."""
    if prep.lower_ not in ("after", "before"):
        return None
    adv = adv if adv is not None else next((c for c in prep.children if c.dep_ == "npadvmod"), None)
    if adv is None:
        return None
    num = next((c for c in adv.children if c.dep_ == "nummod"), None)
    text = f"{num.text if num is not None else 'a'} {adv.text} {'earlier' if prep.lower_ == 'after' else 'later'}"
    exprs = find_dates(text)
    if len(exprs) != 1 or exprs[0].kind != "relative":
        return None
    v = resolve(exprs[0], value)
    lo, hi = min(adv.left_edge.i, prep.i), max(adv.left_edge.i, prep.i)
    return None if v is None else DateValue(f"{prep.doc[lo:hi + 1].text} {value.text}",
                                            v.start, v.end, v.precision, relative=True)


def own_clause(cx: ParseContext, trig: Any) -> set[int]:
    """The trigger's own phrase or clause: not clauses below it, nor (for an event noun) the
    events coordinated with it ("the murder of X and the wounding of Y on 30 August",
    "between X's murder and mid-1936")."""
    out: set[int] = set()
    stack = [trig]
    while stack:
        t = stack.pop()
        out.add(t.i)
        for c in t.children:
            if c.dep_ in CLAUSAL and (verbish(c) or c.dep_ in ("relcl", "acl")):
                continue
            if c.dep_ == "conj" and (verbish(c) or (t.i == trig.i and nounish(trig))):
                continue
            stack.append(c)
    return out


# -- frames and sequels: an undated event dated by the happening or the time it is told inside -------

# The event kinds a trial ends in: told right after a trial dated to one day, they happened at it.
VERDICT_KINDS = {"sentence"}
# The prepositions that open an enacted text's title ("On the abolition of X"; rule decree_title).
TITLE_PREPS = {"on", "about", "concerning"}
# The subject of a sentence that only sets the time of what follows: "It was the spring of 1848."
FRAME_SUBJECTS = {"this", "it", "that", "time", "year"}
FRAME_PRECISIONS = ("month", "season", "year")

declare("trial_verdict", "date",
        "a conviction or sentence told right after a trial dated to one day ('At the trial on 11 June X kept "
        "silent. He was convicted.') was handed down at that trial: it takes the trial's date; a trial "
        "that only opened that day, or a newer date between them, leaves it undated",
        [("Boris Orlov was arrested on 3 March 1938. At the closed trial on 14 April, Orlov refused to answer "
          "the judges. He was convicted of treason and sabotage.", [("sentence", "orlov", "1938-04-14")]),
         ("Marcel Duroc was arrested on 2 May 1871. At the hearing on 9 June Duroc denied everything. "
          "He was sentenced to deportation.", [("sentence", "duroc", "1871-06-09")]),
         ("Anna Volkova was tried on 5 October 1950 in Kazan. She was sentenced to ten years in the camps.",
          [("sentence", "volkova", "1950-10-05")]),
         ("Gleb Morozov stood silent at his trial on 8 August 1937.\n\nMorozov was convicted of treason.",
          [("sentence", "morozov", None), ("!sentence", "morozov", "1937")]),
         ("The trial of Ivan Petrov opened on 2 March 1938. The hearings lasted ten days. Petrov was convicted "
          "of espionage.", [("!sentence", "petrov", "1938-03-02")])])

declare("decree_title", "date",
        "an event noun in the title of an enacted text ('adopted a resolution, On the abolition of X') is "
        "what the text does: dated by the text's adoption even where the title stands as its own sentence",
        [("On 20 January 1919 the Commune Council adopted a decree drafted by Duroc, _On the abolition of the "
          "Jacobin Club_.", [("removal", "jacobin_club", "1919-01-20")]),
         ("In March 1871 the Commune Council issued a resolution written by Louis Varlin, _On the dissolution "
          "of the Socialist League_.", [("removal", "socialist_league", "1871-03")]),
         ("On 5 June 1936 the Politburo approved an order prepared by the NKVD, \"On the abolition of the "
          "Writers' Union\".", [("removal", "writers_union", "1936-06-05")])])

declare("season_frame", "date",
        "a sentence that only sets the time ('It was the spring of 1848.', 'This was in the winter of 1920.') "
        "frames the paragraph it opens: a narrated event after it, with no newer date or move in time "
        "between, takes the frame's season, month or year",
        [("It is the autumn of 1905. The strike spreads to Kazan. The army approaches Perm. Ivan Petrov "
          "is summoned from Perm to attend a session of the Central Committee.",
          [("meeting", "central_committee", "1905-09")]),
         ("It was the spring of 1848. Paris was restless and the clubs were full. Marcel Duroc was arrested "
          "at the Jacobin Club.", [("arrest", "duroc", "1848-03")]),
         ("This was in the winter of 1920. Kazan was hungry. The army was retreating. Anna Volkova was "
          "expelled from the Writers' Union.", [("expulsion", "volkova", "1920-12")]),
         ("This was in the winter of 1920. Kazan was hungry. Later Anna Volkova was expelled from the "
          "Writers' Union.", [("!expulsion", "volkova", "1920")]),
         ("This is in the summer of 1793. The army advances on Lyon. A meeting of the Jacobin Club is held. "
          "Georges Danton argues that the siege must go on; Lyon must first be taken, and only after that should "
          "troops march south. Marcel Duroc resigns.", [("meeting", "jacobin_club", "1793-06"), ("removal", "duroc", "1793-06")])])

declare("not_until_after", "date",
        "a date after 'until after the death of X in D' may be when the death happened or when the delayed "
        "happening of the clause finally came: it does not date the death",
        [("The book did not appear in France until after the death of Marcel Duroc in 1902.",
          [("!death", "duroc", "1902")]),
         ("Her letters were not printed until after the arrest of Boris Orlov in 1938.",
          [("!arrest", "orlov", "1938")]),
         ("The memoir stayed hidden until after the death of Anna Volkova in 1975.",
          [("!death", "volkova", "1975")])])


def trial_verdict(cx: ParseContext, trig: Any, sent: Any) -> DateValue | None:
    """The date of the trial a verdict is told right after ("At the trial on 11 June ... He was
    convicted."), or None: the sentence before that dates the story must date only that trial."""
    if not on("trial_verdict") or not verbish(trig) or not narrated(cx, trig):
        return None
    kinds = {t.type for t in cx.lex.by_lemma.get(trig.lemma_.lower(), [])}
    if not kinds or not kinds <= VERDICT_KINDS or _moved_on(cx, sent):
        return None
    lo = sent.start
    for _ in range(INFER_SENTENCES):
        if lo == 0:  # the passage before ended on the trial: "... at the trial on 11 June." | "He was ..."
            told = cx.entry_trial
            near = told is not None and _sentence_no(cx, sent.start_char) - told[1] <= INFER_SENTENCES
            return replace(told[0], inferred=True) if near and told is not None else None
        prev = cx.doc[lo - 1].sent
        lo = prev.start
        found = _sentence_dates(cx, prev)
        if found:
            v, sp = found[0]
            if len({(x.start, x.end, x.precision) for x, _ in found}) > 1 or not _dates_trial(cx, sp):
                return None
            return replace(v, inferred=True) if v.precision in ("day", "month", "year") else None
        if any(t.lower_ in TIME_CUES for t in prev):
            return None
    return None


def _last_trial(cx: ParseContext, out: list[tuple[DateExpr, DateValue | None, Any]]) -> tuple[DateValue, int] | None:
    """The one date of the passage's last sentence, with that sentence's number, where it dates a
    trial (a passage may end inside a paragraph: the verdict opens the next one)."""
    sents = list(cx.doc.sents)
    if not sents or not on("trial_verdict"):
        return None
    last = sents[-1]
    found = [(v, sp) for _e, v, sp in out if sp is not None and v is not None and last.start <= sp.start < last.end]
    if len({(v.start, v.end, v.precision) for v, _ in found}) != 1 or not _dates_trial(cx, found[0][1]):
        return None
    v = found[0][0]
    return (v, cx.state.sentences - 1) if v.precision in ("day", "month", "year") else None


def _dates_trial(cx: ParseContext, span: Any) -> bool:
    """A date on a trial itself ("at the trial on 11 June", "X was tried on 5 October"), not on a
    clause about the trial ("the trial opened on 2 March": the verdict came later)."""
    h = clause_head(cx, span.root)
    between = [a for a in span.root.ancestors if a.i != h.i and h.i in {x.i for x in a.ancestors}]
    if any(a.lemma_.lower() in cx.lex.trial_nouns and nounish(a) for a in between):
        return True
    return h.lemma_.lower() == "try" and h.tag_ == "VBN"


def _sentence_dates(cx: ParseContext, sent: Any) -> list[tuple[DateValue, Any]]:
    return [(v, sp) for _e, v, sp in cx.dates if sp is not None and v is not None and sent.start <= sp.start < sent.end]


def _moved_on(cx: ParseContext, sent: Any) -> bool:
    """A sentence with a time of its own: a date, a time cue ("later") or a named period."""
    return bool(_sentence_dates(cx, sent)) or any(t.lower_ in TIME_CUES or t.lower_ in PERIOD_PREPS for t in sent)


def decree_title(cx: ParseContext, trig: Any, sent: Any) -> DateValue | None:
    """The adoption date of the enacted text whose title a sentence is ("..., _On the abolition
    of X_."): the sentence before ends, unfinished, on the text's noun and its own phrase."""
    if not on("decree_title") or not nounish(trig) or trig.dep_ != "pobj" or sent.start == 0:
        return None
    prep = trig.head
    if prep.lower_ not in TITLE_PREPS or prep.dep_ != "ROOT" or prep.i > sent.start + 1:
        return None
    prev = cx.doc[sent.start - 1].sent
    if any(t.text in (".", "!", "?", ";") for t in prev[-2:]):
        return None  # the sentence before is finished: this is no title of its text
    decree = next((t for t in reversed(prev) if t.lemma_.lower() in cx.lex.decree_nouns and nounish(t)), None)
    if decree is None:
        return None
    inside = {t.i for t in decree.subtree}
    if any(t.i not in inside and not t.is_punct and t.pos_ != "PUNCT" and t.text != "_" for t in cx.doc[decree.i + 1:prev.end]):
        return None  # "adopted a decree and left for Moscow, On ...": not the decree's title
    value, _ = date_for(cx, decree, prev, set(), infer=False)
    return value


def frame_date(cx: ParseContext, sent: Any) -> DateValue | None:
    """The time a frame sentence of the paragraph sets ("It was the spring of 1848."), if
    nothing between it and ``sent`` dates the story anew or moves it on."""
    if not on("season_frame"):
        return None
    for prev in reversed([s for s in cx.doc.sents if s.end <= sent.start]):
        found = _sentence_dates(cx, prev)
        framed = _as_frame(cx, prev, found)
        if framed is not None:
            return framed
        if found or _time_moves(prev):
            return None
    return cx.entry_frame


def _as_frame(cx: ParseContext, sent: Any, found: list[tuple[DateValue, Any]]) -> DateValue | None:
    if len(found) != 1 or found[0][0].precision not in FRAME_PRECISIONS or not _frame_sentence(cx, sent, found[0][1]):
        return None
    v = found[0][0]
    return DateValue(v.text, v.start, v.end, v.precision, v.flag, v.relative, inferred=True)


def _open_frame(cx: ParseContext, out: list[tuple[DateExpr, DateValue | None, Any]]) -> DateValue | None:
    """The frame still holding at the passage's end (set in it, or carried in and not ended)."""
    if not on("season_frame"):
        return None
    frame = cx.entry_frame
    for sent in cx.doc.sents:
        found = [(v, sp) for _e, v, sp in out if sp is not None and v is not None and sent.start <= sp.start < sent.end]
        framed = _as_frame(cx, sent, found)
        if framed is not None:
            frame = framed
        elif found or _time_moves(sent):
            frame = None
    return frame


def _time_moves(sent: Any) -> bool:
    """A time cue or named period on the sentence's own clause ("Later, X ...", "During the war
    ..."), not one inside what someone proposes ("X must go, and only after that should Y"), nor
    in a sentence of what must or should be done."""
    root = sent.root
    if any(c.tag_ == "MD" for c in root.children):
        return False  # "X must first be driven out, and only after that ...": a plan, not the story
    return any((t.lower_ in TIME_CUES or t.lower_ in PERIOD_PREPS)
               and (t.head.i == root.i or (t.dep_ == "mark" and t.head.head.i == root.i)) for t in sent)


def _frame_sentence(cx: ParseContext, sent: Any, span: Any) -> bool:
    """"It was the spring of 1848.", "This was in the winter of 1920.": a copula whose subject is
    a bare pointer to the time, with nothing in the sentence but the date."""
    root = sent.root
    if root.lemma_ != "be":
        return False
    subj = [c for c in root.children if c.dep_ in SUBJ_DEPS]
    if len(subj) != 1 or subj[0].lower_ not in FRAME_SUBJECTS or len(list(subj[0].subtree)) > 2:
        return False
    rest = [t for t in sent if not t.is_punct and t.i not in {x.i for x in subj[0].subtree}
            and t.i != root.i and t.i not in {x.i for x in span}]
    return len(rest) <= 4 and all(t.pos_ in ("ADP", "DET", "NOUN", "ADV") for t in rest)

declare("prior_object", "date",
        "a date after an object marked as from before ('discussed the old quarrels of the 1890s', "
        "'recalled their past disputes in the 1920s') tells when that earlier thing was, whatever the parser "
        "hangs it on: it dates no event of the clause",
        [("Over dinner Boris Orlov met Ivan Petrov, and they discussed the old quarrels of their two towns in "
          "the 1890s.", [("!meeting", "orlov", "1890")]),
         ("Marcel Duroc met Louis Varlin in Lyon and discussed the earlier quarrels of the club in 1869.",
          [("meeting", "duroc", None), ("!meeting", "duroc", "1869")]),
         ("Anna Volkova met Gleb Morozov and recalled their past disputes in the 1920s.",
          [("!meeting", "volkova", "1920")])])


def prior_object(cx: ParseContext, span: Any) -> bool:
    """A date hung on a verb after its object marked as earlier ("the old quarrels ... in
    the 1890s"): the earlier thing's time."""
    if not on("prior_object"):
        return False
    via = next((a for a in [span.root, *span.root.ancestors] if a.dep_ == "prep" or verbish(a.head)), None)
    if via is None or not verbish(via.head):
        return False
    return any(c.dep_ == "dobj" and c.i < span.start and any(m.dep_ == "amod" and m.lower_ in cx.lex.prior_adjectives
                                                             for m in c.children) for c in via.head.children)


def not_until_after(cx: ParseContext, trig: Any, span: Any) -> bool:
    """A date after "until after the death of X" (or "before"): it may date the death or the
    delayed happening of the clause, so not the death for sure."""
    if not on("not_until_after") or not nounish(trig) or span.start <= trig.i or trig.dep_ != "pobj":
        return False
    prep = trig.head
    if prep.lower_ not in ("after", "before"):
        return False
    return prep.head.lower_ == "until" or (prep.i > 0 and cx.doc[prep.i - 1].lower_ == "until")


def _attended(cx: ParseContext, trig: Any) -> bool:
    """An event noun that a narrated verb takes as its object ("X is called back to attend the session",
    "they held a congress") or that is held ("A meeting is held."): told as happening then."""
    if not nounish(trig) or not verbish(trig.head) or not narrated(cx, trig.head):
        return False
    return trig.dep_ == "dobj" or (trig.dep_ == "nsubjpass" and trig.head.lemma_.lower() in cx.lex.hold_verbs)


declare("bracket_after", "date",
        "a bracket holding only a date that closes the phrase naming a meeting ('at the Lyon Conference and "
        "at the Paris Conference (middle and end of May, 1891)') dates the meetings of that phrase, wherever "
        "the parser hangs the bracket",
        [("See also the speeches made at the Lyon Conference of the Socialist League and at the Paris Conference "
          "(middle and end of May, 1891).", [("meeting", "lyon_conference", "1891-05")]),
         ("Read the report given at the Lyon Conference (early June 1871).",
          [("meeting", "lyon_conference", "1871-06")]),
         ("Compare the notes taken at the Paris Conference and at the Politburo (end of March, 1925), and the "
          "letters of 1926.", [("meeting", "paris_conference", "1925-03")])])

# What may stand in a bracket before its date: "(middle and end of April, 1917)", "(early May 1920)".
_BRACKET_LEAD = re.compile(r"\(\s*(?:(?:in\s+)?(?:the\s+)?(?:middle|end|beginning|start|first|second|latter|"
                           r"early|late|mid)[\s-]*(?:half\s+)?(?:and\s+)?)*$", re.I)


def bracket_after(cx: ParseContext, trig: Any, span: Any) -> bool:
    """A date alone in a bracket right after the phrase of a meeting noun, with no verb between
    (the bracket closes that phrase, not a clause after it)."""
    if not on("bracket_after") or not nounish(trig) or span.start <= trig.i or span.start - trig.i > 16:
        return False
    body = cx.p.body
    lead = _BRACKET_LEAD.search(body[:span.start_char])
    if lead is None or not re.match(r"\s*\)", body[span.end_char:]):
        return False
    if any(x.type != "meeting" for x in cx.lex.by_lemma.get(trig.lemma_.lower(), [])) and trig.lemma_.lower() not in SCENE_NOUNS:
        return False
    between = cx.doc[trig.i + 1:span.start]
    return not any(verbish(t) or t.pos_ in ("VERB", "AUX") or t.text in (";", ".") for t in between)
