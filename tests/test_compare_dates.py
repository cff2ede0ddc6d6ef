"""Precision-aware date comparison: values compatible at their precision never conflict."""

from __future__ import annotations

import random

import pytest

from kartoteka.compare.facts import Fact, date_use, gap_days, interval_of, iso_at, overlaps
from kartoteka.compare.grouping import dates_agree, dates_disagree
from kartoteka.extract.dates import parse_date


def fact(date: str | None, *, anchor: str | None = None, type_: str = "execution", quote: str = "",
         trigger: str = "", **attrs: object) -> Fact:
    d = parse_date(date, parse_date(anchor) if anchor else None) if date else None
    f = Fact(id="x", doc="d.txt", doc_id=1, type=type_, subject="s", roles={}, start=0, end=len(quote),
             quote=quote or f"He was executed on {date}.", date_text=d.text if d else None,
             date_start=d.start if d else None, date_end=d.end if d else None,
             precision=d.precision if d else None, attrs={"trigger": trigger, **attrs})
    f.date_use = date_use(f)
    return f


@pytest.mark.parametrize(("a", "b", "conflict"), [
    ("1937", "12 June 1937", False),
    ("June 1937", "12 June 1937", False),
    ("spring 1937", "12 April 1937", False),
    ("the 1930s", "12 June 1937", False),
    ("1937", "1937", False),
    ("2 June 1937", "12 June 1937", True),
    ("spring 1936", "autumn 1936", True),
    ("June 1937", "July 1937", True),
    ("1937", "1938", True),
    ("late 1937", "March 1937", False),  # "late 1937" is the year at this precision
])
def test_dates_conflict_only_where_precision_cannot_reconcile(a: str, b: str, conflict: bool) -> None:
    fa, fb = fact(a), fact(b)
    assert fa.date_use == fb.date_use == "firm"
    assert dates_disagree(fa, fb) is conflict
    assert dates_disagree(fb, fa) is conflict
    assert dates_agree(fa, fb) is not conflict


def test_a_partial_date_is_compared_only_within_its_context_year() -> None:
    # "2 June" takes its year from the context: against the same year it is a day like any other.
    two = fact("2 June", anchor="1937")
    assert two.date_use == "partial"
    assert dates_disagree(two, fact("12 June 1937"))
    # With a year from a wrong context it says nothing about another year's date.
    wrong_year = fact("12 June", anchor="1923")
    assert not dates_disagree(wrong_year, fact("12 June 1937"))
    assert not dates_agree(wrong_year, fact("12 June 1937"))


def test_random_nested_dates_never_conflict() -> None:
    """A date and any coarser date containing it (the year, its month, its season) agree."""
    rng = random.Random(7)
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    seasons = {3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer", 8: "summer",
               9: "autumn", 10: "autumn", 11: "autumn"}
    for _ in range(300):
        y, m, d = rng.randint(1900, 1960), rng.randint(1, 12), rng.randint(1, 28)
        forms = [f"{d} {months[m - 1]} {y}", f"{months[m - 1]} {y}", str(y), f"the {str(y)[:3]}0s"]
        if m in seasons:
            forms.append(f"{seasons[m]} {y}")
        facts = [fact(t) for t in forms]
        for a in facts:
            for b in facts:
                assert not dates_disagree(a, b), (a.date_text, b.date_text)


def test_struck_one_day_dead_the_next_is_one_happening() -> None:
    struck = fact("20 August 1940", type_="killing")
    died = fact("21 August 1940", type_="death")
    assert not dates_disagree(struck, died)
    assert dates_disagree(fact("20 August 1940", type_="execution"), fact("21 August 1940", type_="execution"))


def test_how_far_a_date_is_trusted() -> None:
    # A noun trigger the date does not modify ("after X's arrest") is only a point of reference.
    assert fact("1937", quote="After his arrest in 1937 he wrote nothing.", trigger="arrest").date_use == "weak"
    assert fact("1937", quote="His arrest in 1937 shocked them.", trigger="arrest").date_use == "firm"
    assert fact("1938", quote="The arrest of the marshal, which the papers ignored for weeks, was confirmed"
                               " only later by the exiles in 1938.", trigger="arrest").date_use == "weak"
    # A semicolon puts the date in another clause.
    assert fact("1939", quote="Guards arrested him at the door; death came to him in 1939.",
                trigger="arrested").date_use == "weak"
    # A date from another sentence, an approximate relative date, a relative day.
    assert fact("June 1937", date_inferred=True).date_use == "weak"
    assert fact("June 1937", quote="He was shot soon afterwards.", trigger="shot").date_use == "weak"
    assert fact("1931-32", quote="The camp was set up in 1931\u201332 in the north.", trigger="set").date_use == "firm"
    assert fact("three weeks later", anchor="1 June 1937", quote="Three weeks later, he was shot.",
                trigger="shot").date_use == "weak"
    assert fact("the next day", anchor="1 June 1937", quote="He was shot the next day.",
                trigger="shot").date_use == "partial"
    # "the next day" resolved only to a year is no day at all.
    assert fact("the next day", anchor="1937", quote="He was shot the next day.", trigger="shot").date_use == "weak"


def test_iso_values_at_their_precision() -> None:
    assert iso_at("1937-06-12", "1937-06-12", "day") == "1937-06-12"
    assert iso_at("1937-06-01", "1937-06-30", "month") == "1937-06"
    assert iso_at("1937-01-01", "1937-12-31", "year") == "1937"
    assert iso_at("1936-03-01", "1936-05-31", "season") == "1936-03/1936-05"
    assert iso_at("1930-01-01", "1939-12-31", "decade") == "1930s"
    assert iso_at("1931-01-01", "1932-12-31", "year") == "1931/1932"
    assert interval_of("1937-02") == ("1937-02-01", "1937-02-28")
    assert interval_of("1936-02") == ("1936-02-01", "1936-02-29")
    assert gap_days("1937-06-02", "1937-06-02", "1937-06-12", "1937-06-12") == 10
    assert overlaps("1937-01-01", "1937-12-31", "1937-06-12", "1937-06-12")
