"""Disagreements a text states in ways the extractor must first read (issue 14): a bracketed
alternative a source attributes to another writer, a life-date bracket whose birth is left out
against a death told elsewhere, and two calendars' readings of one day (no disagreement). Real
extraction (spaCy) of fixture text of our own, a real SQLite KB, the compare stage as ingestion
runs it."""

from __future__ import annotations

from pathlib import Path

from compare_kb import build

from kartoteka.api import KB
from kartoteka.extract.stage import extract
from kartoteka.extract.testing import analyse_text, build_analysis

PEOPLE = {"Harbour Commission": "organization", "Tamsin Voll": "person", "Voll": "person", "Ivan Petrov": "person", "Petrov": "person",
          "Marcel Duroc": "person", "Duroc": "person", "Eric Hobsbawm": "person", "Jules Michelet": "person",
          "Mary Beard": "person"}


def kb_of(tmp_path: Path, text: str) -> KB:
    tmp_path.mkdir(parents=True, exist_ok=True)
    a = build_analysis(text, PEOPLE)
    a.factoids = extract(a)
    return build(tmp_path / "kb.db", [a])


def date_conflicts(kb: KB, surname: str) -> list[dict]:
    out = []
    for c in kb.conflicts():
        if surname.lower() in str(c["entity"]).lower() and c["field"] == "date":
            out.append(c)
    return out


def sides(c: dict) -> dict[str, str]:
    return {v["value"]: v["sources"][0]["voice"] for v in c["values"]}


def test_the_according_to_aside_voices_only_its_bracket() -> None:
    (f,) = [f for f in analyse_text("Tamsin Voll was arrested on 3 April (9 April according to Eric Hobsbawm) 1921.",
                                    PEOPLE) if f.type == "arrest"]
    assert f.voice == "author"
    assert f.attrs["date_alternative"]["source"] == "Eric Hobsbawm"
    # an "according to" outside any bracket still voices the sentence
    (g,) = [f for f in analyse_text("According to Eric Hobsbawm, Tamsin Voll was arrested on 3 April 1921.", PEOPLE)
            if f.type == "arrest"]
    assert g.voice == "Eric Hobsbawm"


def test_a_bracketed_alternative_with_its_source_is_a_second_claim_that_disagrees(tmp_path: Path) -> None:
    kb = kb_of(tmp_path, "Tamsin Voll was a printer in Cardiff.\n\n"
                         "Voll was arrested on 3 April (9 April according to Eric Hobsbawm) 1921.\n\n"
                         "Marcel Duroc was tried on 2 April (5 April according to Jules Michelet) 1871.\n\n"
                         "Ivan Petrov was released on 14 March (20 March according to Mary Beard) 1925.")
    assert [sides(c) for c in date_conflicts(kb, "Voll")] == [{"1921-04-03": "author", "1921-04-09": "Eric Hobsbawm"}]
    assert [sides(c) for c in date_conflicts(kb, "Duroc")] == [{"1871-04-02": "author", "1871-04-05": "Jules Michelet"}]
    assert [sides(c) for c in date_conflicts(kb, "Petrov")] == [{"1925-03-14": "author", "1925-03-20": "Mary Beard"}]
    # the event keeps the document's own date, marked disputed, over the one it reports
    (arrest,) = [e for e in kb.events() if e["type"] == "arrest" and "Voll" in e["subject"]["name"]]
    assert (arrest["date"]["start"], arrest["date"]["disputed"]) == ("1921-04-03", True)


def test_another_calendars_reading_or_an_unattributed_one_is_no_disagreement(tmp_path: Path) -> None:
    kb = kb_of(tmp_path, "Ivan Petrov was arrested on 25 October (7 November) 1917 in Perm.\n\n"
                         "Marcel Duroc was arrested on 12 (or 14) May 1871.")
    assert date_conflicts(kb, "Petrov") == [] and date_conflicts(kb, "Duroc") == []


def test_a_death_date_in_the_lead_bracket_disagrees_with_a_shooting_the_next_day(tmp_path: Path) -> None:
    kb = kb_of(tmp_path, "Ivan Petrov (Russian: Ivan Petrov; 4 May 1938) was a rifleman from Perm.\n\n"
                         "Petrov was tried on 2 May 1938. He was shot the next day.")
    (c,) = date_conflicts(kb, "Petrov")
    assert set(sides(c)) == {"1938-05-04", "1938-05-03"}
    # the lead bracket agreeing with the story: no conflict
    kb2 = kb_of(tmp_path / "b", "Marcel Duroc (French: Marcel Du Roc; 3 May 1871) was a printer.\n\n"
                               "Duroc was tried on 2 May 1871. He was shot the next day.")
    assert date_conflicts(kb2, "Duroc") == []


def test_a_founding_day_against_that_day_of_a_later_paragraph(tmp_path: Path) -> None:
    text = ("The Harbour Commission was the port authority of Danzig. Established on 5 December (Old Style) "
            "1890 by the city council, it came under the control of Marcel Duroc.\n\n"
            "On {day} 1890, the members gathered in the town hall to discuss its powers.\n\n"
            "That day, the council confirmed the creation of the Harbour Commission.")
    kb = kb_of(tmp_path / "a", text.format(day="7 December"))
    (c,) = [c for c in date_conflicts(kb, "Harbour Commission") if c["type"] == "founding"]
    assert {v["value"] for v in c["values"]} == {"1890-12-05", "1890-12-07"}
    # the Old Style day's New Style reading (12 days on in the 1890s) is the same day
    kb = kb_of(tmp_path / "b", text.format(day="17 December"))
    assert date_conflicts(kb, "Harbour Commission") == []


def test_two_days_a_julian_lag_apart_are_one_day_in_two_calendars() -> None:
    from kartoteka.compare.facts import Fact, date_use, two_calendars
    from kartoteka.compare.grouping import dates_disagree
    from kartoteka.extract.dates import alternative_claim, parse_date

    def fact(text: str) -> Fact:
        d = parse_date(text)
        assert d is not None
        alt = alternative_claim(d)
        f = Fact(id="x", doc="d", doc_id=1, type="founding", subject="s", roles={}, start=0, end=0,
                 quote=f"It was founded on {text}.", date_text=d.text, date_start=d.start, date_end=d.end,
                 precision=d.precision, attrs={"date_alternative": alt} if alt else {})
        f.date_use = date_use(f)
        return f

    assert two_calendars(fact("25 October 1917"), fact("7 November 1917"))
    assert not dates_disagree(fact("25 October 1917"), fact("7 November 1917"))
    assert not dates_disagree(fact("5 (17) March 1881"), fact("17 March 1881"))
    assert dates_disagree(fact("5 March 1881"), fact("19 March 1881"))  # 14 days: beyond the lag
    assert dates_disagree(fact("25 October 1937"), fact("7 November 1937"))  # long after the switch
    assert dates_disagree(fact("December 5 (Old Style) 1917"), fact("20 December 1917"))


def count_conflicts(kb: KB) -> list[set[str]]:
    return [{v["value"] for v in c["values"]} for c in kb.conflicts() if c["type"] == "count"]


def test_a_count_of_happenings_rejected_for_another_is_a_conflict(tmp_path: Path) -> None:
    kb = kb_of(tmp_path / "a", "Marcel Duroc rejects Ivan Petrov's figure of only 40 executions by the Harbour "
                               "Commission in its opening year; in fact the archives record 310 executions.")
    assert count_conflicts(kb) == [{"40", "310"}]
    # two years' counts, or a rise told in one sentence, are no disagreement
    kb = kb_of(tmp_path / "b", "The Harbour Commission carried out 40 executions in 1919 and 310 executions in 1920.\n\n"
                               "Under Duroc the Harbour Commission went from 200 arrests to 260 arrests.")
    assert count_conflicts(kb) == []
