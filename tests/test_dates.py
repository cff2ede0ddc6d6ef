"""The date parser: every form the extractor meets, resolved with honest precision."""

from __future__ import annotations

import pytest

from kartoteka.extract.dates import DateValue, find_dates, parse_bound, parse_date, resolve

ANCHOR_DAY = DateValue("12 June 1937", "1937-06-12", "1937-06-12", "day")
ANCHOR_YEAR = DateValue("1934", "1934-01-01", "1934-12-31", "year")
ANCHOR_MONTH = DateValue("August 1936", "1936-08-01", "1936-08-31", "month")


def one(text: str, anchor: DateValue | None = None) -> DateValue | None:
    return parse_date(text, anchor)


@pytest.mark.parametrize("text,start,end,precision", [
    ("on 1 December 1934 in the evening", "1934-12-01", "1934-12-01", "day"),
    ("December 1, 1934", "1934-12-01", "1934-12-01", "day"),
    ("Dec. 1, 1934", "1934-12-01", "1934-12-01", "day"),
    ("on 3rd March, 1918", "1918-03-03", "1918-03-03", "day"),
    ("the fourth of July, 1921", "1921-07-04", "1921-07-04", "day"),
    ("October 25th, 1917", "1917-10-25", "1917-10-25", "day"),
    ("Sept. 9, 1941", "1941-09-09", "1941-09-09", "day"),
    ("June 22,1941", "1941-06-22", "1941-06-22", "day"),
    ("in 1934", "1934-01-01", "1934-12-31", "year"),
    ("early 1938", "1938-01-01", "1938-12-31", "year"),
    ("in March 1921", "1921-03-01", "1921-03-31", "month"),
    ("in February, 1917", "1917-02-01", "1917-02-28", "month"),
    ("by mid-April 1925", "1925-04-01", "1925-04-30", "month"),
    ("late October 1929", "1929-10-01", "1929-10-31", "month"),
    ("in the spring of 1937", "1937-03-01", "1937-05-31", "season"),
    ("summer 1932", "1932-06-01", "1932-08-31", "season"),
    ("the winter of 1941", "1941-12-01", "1942-02-28", "season"),
    ("the mid-1920s", "1923-01-01", "1926-12-31", "decade"),
    ("the 1930s", "1930-01-01", "1939-12-31", "decade"),
    ("in the late 1940s", "1946-01-01", "1949-12-31", "decade"),
    ("1936–38", "1936-01-01", "1938-12-31", "year"),
    ("1936-1938", "1936-01-01", "1938-12-31", "year"),
])
def test_absolute_forms(text: str, start: str, end: str, precision: str) -> None:
    v = one(text.replace("–", "-"))
    assert v is not None
    assert (v.start, v.end, v.precision) == (start, end, precision)
    assert not v.relative


@pytest.mark.parametrize("text,anchor,start,end,precision", [
    ("in March", ANCHOR_YEAR, "1934-03-01", "1934-03-31", "month"),
    ("on 29 December", ANCHOR_YEAR, "1934-12-29", "1934-12-29", "day"),
    ("on December 29", ANCHOR_YEAR, "1934-12-29", "1934-12-29", "day"),
    ("that autumn", ANCHOR_YEAR, "1934-09-01", "1934-11-30", "season"),
    ("that year", ANCHOR_DAY, "1937-01-01", "1937-12-31", "year"),
    ("two days later", ANCHOR_DAY, "1937-06-14", "1937-06-14", "day"),
    ("The next day", ANCHOR_DAY, "1937-06-13", "1937-06-13", "day"),
    ("a week later", ANCHOR_DAY, "1937-06-19", "1937-06-19", "day"),
    ("three months later", ANCHOR_DAY, "1937-09-01", "1937-09-30", "month"),
    ("the following year", ANCHOR_DAY, "1938-01-01", "1938-12-31", "year"),
    ("the previous year", ANCHOR_YEAR, "1933-01-01", "1933-12-31", "year"),
    ("two years earlier", ANCHOR_YEAR, "1932-01-01", "1932-12-31", "year"),
    ("in the spring", ANCHOR_YEAR, "1934-03-01", "1934-05-31", "season"),
    ("the previous October", ANCHOR_DAY, "1936-10-01", "1936-10-31", "month"),
    ("the following March", ANCHOR_DAY, "1938-03-01", "1938-03-31", "month"),
])
def test_relative_and_partial_forms(text: str, anchor: DateValue, start: str, end: str, precision: str) -> None:
    v = one(text, anchor)
    assert v is not None
    assert (v.start, v.end, v.precision) == (start, end, precision)
    assert v.relative


def test_never_invents_a_day() -> None:
    # a day-level shift of a month-precise anchor stays month-precise
    v = one("the next day", ANCHOR_MONTH)
    assert v is not None and v.precision == "month"
    # a year anchor stays a year
    v = one("two days later", ANCHOR_YEAR)
    assert v is not None and v.precision == "year"


def test_partial_without_anchor_is_unresolved() -> None:
    assert one("in March") is None
    assert one("two days later") is None


@pytest.mark.parametrize("text,flag", [("31 November 1937", "impossible"), ("30 February 1920", "impossible"),
                                       ("in 19178", "garbled"), ("May 19378", "garbled")])
def test_impossible_and_garbled_are_flagged_not_guessed(text: str, flag: str) -> None:
    v = one(text)
    assert v is not None
    assert v.flag == flag
    assert v.start is None and v.end is None and v.precision is None
    assert v.text in text


def test_leap_day() -> None:
    v = one("29 February 1936")
    assert v is not None and v.start == "1936-02-29" and v.flag is None


def test_spans_point_into_the_text() -> None:
    text = "He left in 1921, returned on 3 May 1924 and died the following year."
    for d in find_dates(text):
        assert text[d.begin:d.stop] == d.text
    kinds = [d.kind for d in find_dates(text)]
    assert kinds == ["year", "dmy", "relative"]


def test_counts_and_numbers_are_not_years() -> None:
    assert find_dates("1,108 of the 1,966 delegates") == []
    assert find_dates("He had 1500 soldiers") == []
    assert find_dates("It may be so") == []  # the modal is not the month


def test_bare_month_needs_a_preposition() -> None:
    assert [d.kind for d in find_dates("They may march in May.")] == ["month"]


def test_parse_bound() -> None:
    assert parse_bound("1937") == "1937-01-01"
    assert parse_bound("1937", end=True) == "1937-12-31"
    assert parse_bound("1937-02", end=True) == "1937-02-28"
    assert parse_bound("1937-06-12") == "1937-06-12"
    with pytest.raises(ValueError):
        parse_bound("soon")


def test_resolve_direct() -> None:
    (expr,) = find_dates("on 15 March")
    v = resolve(expr, DateValue("1938", "1938-01-01", "1938-12-31", "year"))
    assert v is not None and v.start == "1938-03-15" and v.precision == "day"


def test_day_ranges_cover_both_days() -> None:
    v = parse_date("held on 15-16 January 1935 in Leningrad")
    assert v is not None and (v.start, v.end, v.precision) == ("1935-01-15", "1935-01-16", "day")


def test_before_a_clause_is_no_relative_date() -> None:
    assert find_dates("two months before the trial opened") == []
    assert [d.text for d in find_dates("He had left two days before.")] == ["two days before"]


@pytest.mark.parametrize("text,start,end,precision", [
    ("a few days later", "1937-06-14", "1937-06-17", "month"),
    ("several weeks later", "1937-07-03", "1937-08-14", "month"),
    ("some months later", "1937-08-12", "1938-03-12", "year"),
])
def test_vague_counts_give_an_interval_one_precision_coarser(text: str, start: str, end: str, precision: str) -> None:
    v = one(text, ANCHOR_DAY)
    assert v is not None and (v.start, v.end, v.precision) == (start, end, precision)


def test_a_bracketed_alternative_belongs_to_the_date_before_its_year() -> None:
    from kartoteka.extract.dates import alternative

    for text, first, other in [("on 12 May (16 May in one account) 1937", "1937-05-12", "1937-05-16"),
                               ("on October 25 (November 7), 1917", "1917-10-25", "1917-11-07"),
                               ("on 19 December (1 January) 1919", "1919-12-19", "1920-01-01"),
                               ("on 5 (18) March 1889", "1889-03-05", "1889-03-18")]:
        (expr,) = find_dates(text)
        v = resolve(expr)
        alt = alternative(expr, v)
        assert v is not None and v.start == first and alt is not None and alt.start == other
    (expr,) = find_dates("Founded on December 5 (Old Style) 1917.")
    assert expr.get("calendar") == "old" and resolve(expr).start == "1917-12-05"  # type: ignore[union-attr]


def test_life_spans_in_brackets() -> None:
    from kartoteka.extract.dates import lifespans

    (a,) = lifespans("Ivan Petrov (1890\u20131941) was")
    assert (a.born.start, a.died.end) == ("1890-01-01", "1941-12-31")  # type: ignore[union-attr]
    (b,) = lifespans("Volkova (b. 1902) wrote")
    assert b.born is not None and b.died is None
    assert lifespans("the years (1941\u20131890) are reversed") == []


def test_square_brackets_and_which_calendar_a_mark_names() -> None:
    (expr,) = find_dates("born on 8 October [O.S. 26 September] 1892 in Moscow")
    v = resolve(expr)
    assert v is not None and v.start == "1892-10-08" and expr.get("calendar") == "new"
    (expr,) = find_dates("on 24 January (Old Style) 1724")
    assert expr.get("calendar") == "old"
    (expr,) = find_dates("on 6 February (N.S.) 1918")
    assert expr.get("calendar") == "new"
