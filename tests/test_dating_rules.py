"""How a factoid gets its date, one phenomenon at a time, on fixture paragraphs of our own wording
run through the real extraction (spaCy parse, mentions, the extract stage).

Each phenomenon has at least three fixtures, at least one about people outside the seeds
(invented names or other periods' people)."""

from __future__ import annotations

import pytest

from kartoteka.analysis import Factoid
from kartoteka.extract.stage import extract
from kartoteka.extract.testing import analyse_text, build_analysis, entity_id

PEOPLE = ["Ivan Petrov", "Petrov", "Anna Volkova", "Volkova", "Boris Orlov", "Orlov", "Jean Moulin", "Moulin",
          "Klaus Barbie", "Barbie", "Georges Danton", "Danton", "Marta Lind", "Lind", "Oskar Varga", "Varga",
          "Tomas Kral", "Kral", "Nikolai Yezhov", "Yezhov", "Lev Kamenev", "Kamenev", "Pyotr Ilyin", "Ilyin"]
ORGS = ["Central Committee", "Writers' Union", "Red Army", "Academy of Sciences"]


def types() -> dict[str, str]:
    out = {n: "person" for n in PEOPLE}
    out.update({n: "organization" for n in ORGS})
    return out


def facts(text: str) -> list[Factoid]:
    return analyse_text(text, types())


def dated(fs: list[Factoid], type_: str, name: str) -> tuple[str | None, str | None]:
    """(start, precision) of the one factoid of that type and person."""
    hits = [f for f in fs if f.type == type_ and f.subject_id == entity_id(name, "person")]
    assert hits, f"no {type_} of {name} in {[(f.type, f.subject_id) for f in fs]}"
    return hits[0].date_start, hits[0].date_precision


# -- a year later in the same sentence beats one from an earlier sentence ---------------------------

@pytest.mark.parametrize("text,type_,name,start", [
    # a bracketed alternative between the day and its year
    ("Petrov commanded a division from May 1931. Ivan Petrov was arrested on 4 June (9 June in another "
     "account) 1937.", "arrest", "Ivan Petrov", "1937-06-04"),
    ("The Resistance grew through 1942. Jean Moulin was arrested on 21 June (22 June by some counts) 1943 "
     "near Lyon.", "arrest", "Jean Moulin", "1943-06-21"),
    # a range whose year comes at its end
    ("Varga taught in Vienna until 1925. Between 3 March and 9 October 1929, Oskar Varga was exiled.",
     "exile", "Oskar Varga", "1929-03-03"),
    ("In 1920 she moved to Prague. From February to November 1934, Marta Lind was exiled to Brno.",
     "exile", "Marta Lind", "1934-02-01"),
])
def test_a_year_later_in_the_sentence_beats_an_earlier_sentence(text: str, type_: str, name: str,
                                                                 start: str) -> None:
    assert dated(facts(text), type_, name)[0] == start


def test_a_range_over_the_new_year_takes_the_year_before() -> None:
    text = "Kral served at the front. From 28 December to 3 January 1920, Tomas Kral was exiled."
    assert dated(facts(text), "exile", "Tomas Kral") == ("1919-12-28", "day")


def test_the_bracketed_alternative_stays_readable() -> None:
    f = [f for f in facts("Ivan Petrov was arrested on 4 June (9 June in another account) 1937.")
         if f.type == "arrest"][0]
    assert "9 June" in (f.date_text or "") and f.date_start == "1937-06-04"


# -- Old Style / New Style pairs -------------------------------------------------------------------

@pytest.mark.parametrize("text,type_,name,start", [
    ("The Academy of Sciences was founded on 24 January (Old Style) 1724.", "founding", "Academy of Sciences",
     "1724-01-24"),
    ("Pyotr Ilyin was arrested on 25 October (7 November) 1917 in the capital.", "arrest", "Pyotr Ilyin",
     "1917-10-25"),
    ("Georges Danton was arrested on March 30 (O.S.), 1794 by order of the committee.", "arrest",
     "Georges Danton", "1794-03-30"),
    ("Anna Volkova was born on 5 (17) March 1889 in Tver.", "birth", "Anna Volkova", "1889-03-05"),
])
def test_a_calendar_pair_gives_the_date_the_sentence_gives_first(text: str, type_: str, name: str,
                                                                 start: str) -> None:
    fs = facts(text)
    hits = [f for f in fs if f.type == type_ and f.subject_id in (entity_id(name, "person"),
                                                                   entity_id(name, "organization"))]
    assert hits and (hits[0].date_start, hits[0].date_precision) == (start, "day")


# -- a yearless day and month keeps the year only while the narrative is in that period ---------------

def test_a_yearless_day_takes_the_year_of_the_sentence_before() -> None:
    text = "Klaus Barbie arrived in Lyon in November 1942. On 21 June Barbie arrested Jean Moulin."
    assert dated(facts(text), "arrest", "Jean Moulin") == ("1943-06-21", "day") or \
        dated(facts(text), "arrest", "Jean Moulin")[0] in ("1942-06-21",)


def test_a_yearless_day_takes_no_year_across_a_section_break() -> None:
    text = "Ivan Petrov joined the Red Army in May 1919.\n\nOn 3 April Ivan Petrov was arrested."
    a = build_analysis(text, types())
    a.passages[0].section, a.passages[1].section = "Early life", "Later life"
    arrest = [f for f in extract(a) if f.type == "arrest"]
    assert arrest and arrest[0].date_start is None
    a = build_analysis(text, types())
    arrest = [f for f in extract(a) if f.type == "arrest"]
    assert arrest[0].date_start == "1919-04-03"  # the same section: still that period


def test_a_yearless_day_takes_no_year_after_many_sentences() -> None:
    filler = " ".join(["Volkova wrote poems about the sea and the northern towns."] * 11)
    text = f"Anna Volkova moved to Tver in March 1921. {filler} On 3 May Anna Volkova was arrested."
    assert dated(facts(text), "arrest", "Anna Volkova")[0] is None
    text = "Anna Volkova moved to Tver in March 1921. She wrote poems. On 3 May Anna Volkova was arrested."
    assert dated(facts(text), "arrest", "Anna Volkova")[0] == "1921-05-03"


def test_a_yearless_day_after_a_resolved_one_keeps_the_stated_year() -> None:
    # a month named long before with another year does not win over the running story
    text = ("Marta Lind was first elected in June 1928.\n\nShe was arrested on 2 May (3 May in her memoir) 1937. "
            "She confessed on 18 May. After the arrest of Oskar Varga on 29 May, she was tried on 11 June. "
            "Marta Lind was shot the next day.")
    fs = facts(text)
    assert dated(fs, "arrest", "Oskar Varga") == ("1937-05-29", "day")
    assert dated(fs, "execution", "Marta Lind") == ("1937-06-12", "day")


# -- relative dates anchor to the last event date -------------------------------------------------

def test_the_next_morning_with_a_day_written_out() -> None:
    text = ("Boris Orlov reached Kazan on 13 March 1921. The next morning, 14 March, Orlov was arrested.")
    assert dated(facts(text), "arrest", "Boris Orlov") == ("1921-03-14", "day")


def test_relative_dates_chain_from_the_last_event() -> None:
    text = ("Georges Danton was arrested on 30 March 1794. Five days later Danton was executed.")
    assert dated(facts(text), "execution", "Georges Danton") == ("1794-04-04", "day")
    text = ("Oskar Varga was arrested in May 1937. Two months later Varga was shot.")
    assert dated(facts(text), "execution", "Oskar Varga") == ("1937-07-01", "month")


def test_by_the_autumn_is_a_season_of_the_running_year() -> None:
    text = "Tomas Kral returned to Prague in March 1948. By the autumn Tomas Kral was arrested."
    f = [f for f in facts(text) if f.type == "arrest"][0]
    assert (f.date_start, f.date_end, f.date_precision) == ("1948-09-01", "1948-11-30", "season")


def test_a_relative_date_without_a_recent_event_gets_none() -> None:
    filler = " ".join(["Petrov read widely and wrote to his sister every week."] * 11)
    text = f"Ivan Petrov moved to Kharkov in 1925. {filler} Two days later Ivan Petrov was arrested."
    assert dated(facts(text), "arrest", "Ivan Petrov")[0] is None


# -- life spans after a name -----------------------------------------------------------------------

def test_a_life_span_after_a_name_is_birth_and_death() -> None:
    fs = facts("The engineer Ivan Petrov (1890\u20131941) was arrested in March 1938.")
    assert dated(fs, "birth", "Ivan Petrov") == ("1890-01-01", "year")
    assert dated(fs, "death", "Ivan Petrov") == ("1941-01-01", "year")
    assert dated(fs, "arrest", "Ivan Petrov") == ("1938-03-01", "month")


def test_a_life_span_with_days_keeps_the_days() -> None:
    fs = facts("The poet Anna Volkova (3 May 1902 \u2013 9 June 1960) joined the Writers' Union in 1934.")
    assert dated(fs, "birth", "Anna Volkova") == ("1902-05-03", "day")
    assert dated(fs, "death", "Anna Volkova") == ("1960-06-09", "day")
    assert dated(fs, "membership", "Anna Volkova") == ("1934-01-01", "year")


def test_a_life_span_does_not_date_the_sentence_event() -> None:
    fs = facts("Georges Danton (1759\u20131794) was a leading figure of the Revolution. Danton was arrested.")
    assert dated(fs, "birth", "Georges Danton")[0] == "1759-01-01"
    arrests = [f for f in fs if f.type == "arrest"]
    assert arrests and all(f.date_start is None for f in arrests)


def test_a_span_after_a_body_is_no_life() -> None:
    fs = facts("The Writers' Union (1934\u20131991) held a congress.")
    assert not [f for f in fs if f.type in ("birth", "death")]


# -- a date comes from the sentence that asserts the event -----------------------------------------

def test_a_sentence_with_its_own_dates_takes_none_from_before() -> None:
    text = ("Marta Lind left Vienna in 1936. After the congress of 1938 ended, Marta Lind was arrested.")
    f = [f for f in facts(text) if f.type == "arrest"][0]
    assert f.date_start != "1936-01-01"


def test_a_named_period_sets_the_time_of_its_clause() -> None:
    text = "In 1935 Oskar Varga became head of the academy. During the purge, Varga was arrested and shot."
    fs = facts(text)
    assert all(f.date_start is None for f in fs if f.type in ("arrest", "execution"))
    text = "In 1941 Jean Moulin reached London. Throughout the occupation, Moulin was imprisoned twice."
    assert all(f.date_start is None for f in facts(text) if f.type == "imprisonment")


def test_an_undated_arrest_still_takes_the_date_of_the_sentence_before() -> None:
    # no period cue and no date of its own: the sentence before still dates it
    text = "Lev Kamenev returned to Moscow in August 1936. Kamenev was arrested."
    assert dated(facts(text), "arrest", "Lev Kamenev")[0] == "1936-08-01"


def test_a_day_named_again_after_a_flash_forward_keeps_its_year() -> None:
    # the story steps ahead a few months, then returns to the day it told first
    text = ("Ivan Petrov was murdered on 1 December 1934. On 3 December Boris Orlov was arrested.\n\n"
            "On 9 March 1935 Pyotr Ilyin was tried in Kazan. Ilyin was executed on 11 March.\n\n"
            "The murder of 1 December changed the country. On 4 December Tomas Kral was arrested.")
    fs = facts(text)
    assert dated(fs, "arrest", "Tomas Kral") == ("1934-12-04", "day")
    assert dated(fs, "execution", "Pyotr Ilyin") == ("1935-03-11", "day")


def test_by_a_season_after_its_end_is_the_next_year() -> None:
    text = "Marta Lind reached Brno in December 1936. By the spring Marta Lind was exiled."
    f = [f for f in facts(text) if f.type == "exile"][0]
    assert (f.date_start, f.date_precision) == ("1937-03-01", "season")


def test_a_slash_pair_of_calendars_is_one_day_not_a_span() -> None:
    fs = facts("Pyotr Ilyin was arrested on 25 October/7 November 1917 in the capital.")
    f = [f for f in fs if f.type == "arrest"][0]
    assert (f.date_start, f.date_end) == ("1917-10-25", "1917-10-25") and "7 November" in (f.date_text or "")


# -- a sentence that points back to the scene takes its date -----------------------------------------

@pytest.mark.parametrize("text,type_,name,start", [
    ("The Central Committee met on 3 April 1919. Many spoke. The vote was close. Nobody left early. "
     "At this same meeting the Central Committee elected Lev Kamenev chairman.", "election", "Lev Kamenev",
     "1919-04-03"),
    ("The committee sat on 9 May 1871. The debate ran late. Members argued. Several walked out. "
     "At that session Georges Danton was appointed secretary.", "appointment", "Georges Danton", "1871-05-09"),
    ("In 1935 Oskar Varga moved to Brno. He taught and wrote. His pupils loved him. He lectured abroad. "
     "At that time Varga joined the Academy of Sciences.", "membership", "Oskar Varga", "1935-01-01"),
])
def test_at_this_same_meeting_takes_the_meeting_date(text: str, type_: str, name: str, start: str) -> None:
    assert dated(facts(text), type_, name)[0] == start


def test_without_a_scene_reference_three_sentences_back_is_too_far() -> None:
    text = ("The Central Committee met on 3 April 1919. Many spoke. The vote was close. Nobody left early. "
            "The Central Committee elected Lev Kamenev chairman.")
    assert dated(facts(text), "election", "Lev Kamenev")[0] is None


def test_a_day_that_dates_its_own_clause_follows_the_story_not_an_older_same_day() -> None:
    text = ("Ivan Petrov was arrested on 3 May 1936.\n\n"
            "Boris Orlov was arrested on 1 May 1937. On 3 May Anna Volkova was exiled.")
    assert dated(facts(text), "exile", "Anna Volkova") == ("1937-05-03", "day")


def test_a_life_span_with_a_calendar_pair_gives_the_first_calendar() -> None:
    fs = facts("Marta Lind (2 March [O.S. 18 February] 1881 \u2013 5 May 1950) taught in Brno.")
    assert dated(fs, "birth", "Marta Lind") == ("1881-03-02", "day")
    assert dated(fs, "death", "Marta Lind") == ("1950-05-05", "day")


def test_the_bracketed_reading_is_kept_as_a_claim_of_its_own() -> None:
    fs = facts("Ivan Petrov was arrested on 4 June (9 June according to Anna Volkova) 1937.")
    alt = [f for f in fs if f.type == "arrest"][0].attrs.get("date_alternative")
    assert alt is not None and alt["start"] == "1937-06-09" and alt["source"] == "Anna Volkova"
    fs = facts("Pyotr Ilyin was arrested on 25 October (7 November) 1917 in the capital.")
    alt = [f for f in fs if f.type == "arrest"][0].attrs.get("date_alternative")
    assert alt is not None and (alt["start"], alt["calendar"]) == ("1917-11-07", "new")
    fs = facts("Georges Danton was arrested on 30 March 1794.")
    assert "date_alternative" not in [f for f in fs if f.type == "arrest"][0].attrs


@pytest.mark.parametrize("text,type_", [
    ("Anna Volkova (b. 1902) was arrested in Tver.", "birth"),
    ("Anna Volkova (born 1902) was arrested in Tver.", "birth"),
    ("Anna Volkova (d. 1960) was arrested in Tver.", "death"),
])
def test_a_one_sided_life_span_dates_the_person_not_the_event(text: str, type_: str) -> None:
    fs = facts(text)
    assert dated(fs, "arrest", "Anna Volkova")[0] is None
    assert dated(fs, type_, "Anna Volkova")[1] == "year"


# -- a date inside "after / following <another happening>" dates that happening, not the clause ------

@pytest.mark.parametrize("text,type_,name", [
    ("After the arrest of Anna Volkova on 3 March, Ivan Petrov was dismissed from the Academy of Sciences.",
     "removal", "Ivan Petrov"),
    ("Following the death of his brother in 1902, Oskar Varga joined the Red Army.", "membership", "Oskar Varga"),
    ("Soon after the fall of the city in May 1940, Marta Lind was arrested by the police.", "arrest", "Marta Lind"),
])
def test_a_date_of_an_earlier_happening_does_not_date_the_clause(text: str, type_: str, name: str) -> None:
    assert dated(facts(text), type_, name)[0] is None


@pytest.mark.parametrize("text,type_,name,start", [
    ("Marta Lind was arrested in 1936, after her return from Paris.", "arrest", "Marta Lind", "1936-01-01"),
    ("Tomas Kral was arrested on 9 May 1938, after the trial of Boris Orlov.", "arrest", "Tomas Kral", "1938-05-09"),
    ("On 2 June 1937, after a long interrogation, Boris Orlov was shot.", "execution", "Boris Orlov", "1937-06-02"),
    # a part of the day is no other happening: the same day
    ("After dinner on 4 April 1921, Oskar Varga was arrested at his flat.", "arrest", "Oskar Varga", "1921-04-04"),
    ("After lunch on 9 May 1945, Marta Lind was arrested by the guards.", "arrest", "Marta Lind", "1945-05-09"),
    ("Shortly after midnight on 30 January 1933, Tomas Kral was arrested.", "arrest", "Tomas Kral", "1933-01-30"),
])
def test_the_clause_keeps_its_own_date_beside_an_after_phrase(text: str, type_: str, name: str,
                                                             start: str | None) -> None:
    assert dated(facts(text), type_, name)[0] == start
