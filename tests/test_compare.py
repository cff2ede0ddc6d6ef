"""The compare stage on hand-written documents and factoids: grouping, corroboration, conflicts,
reference checks, fiction and profiles, through the real store and the KB API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compare_kb import F, analysis, build

from kartoteka.api import KB

ESSAY_A = (
    "The Army Purge\n\n"
    "Marshal Tukhachevsky was executed in Moscow on 12 June 1937. "
    "General Miller was kidnapped in Paris on 22 September 1937. "
    "Yagoda was arrested in March 1937. "
    "Gamarnik shot himself on 31 May 1937. "
    "The commission counted 1,108 victims in 1937. "
    "Volkov was arrested in Leningrad in 1936 and again in Moscow in 1939.\n"
)
ESSAY_B = (
    "Notes on the Terror\n\n"
    "Tukhachevsky was executed on 2 June 1937. "
    "Gamarnik never took his own life; the police murdered him. "
    "The commission counted 1,100 victims in 1937. "
    "Some 1,000 victims were counted by the commission in 1937. "
    "Volkov was arrested on 3 May 1938.\n"
)
MEMOIR = (
    "My Years Abroad\n\n"
    "I remember that General Miller was kidnapped on September 22, 1937, at noon. "
    "Months later I heard the story again. On September 23, General Miller was kidnapped, they said. "
    "In April, 1927, Yagoda was arrested. "
    "Tukhachevsky was shot in June 1937.\n"
)
DIALOGUE = [
    '"Sit down," the marshal said.',
    '"I would rather stand," Orlov answered.',
    "The clock ticked twice before anyone moved.",
    '"Then stand," he replied, and smiled.',
    '"You know why you are here?" she asked.',
    "Orlov nodded and looked at the window.",
]
STORY = "\n".join(["The Third Floor", *DIALOGUE * 3, "Tukhachevsky was executed on 3 March 1938, the papers said later.",
                   *DIALOGUE * 3])


def essay_a() -> list[F]:
    return [
        F("execution", "test:marshal", "Marshal Tukhachevsky was executed in Moscow on 12 June 1937.", "12 June 1937",
          roles={"place": "test:moscow"}, trigger="executed", subject_text="Marshal Tukhachevsky"),
        F("death", "test:marshal", "Marshal Tukhachevsky was executed in Moscow on 12 June 1937.", "12 June 1937",
          roles={"place": "test:moscow"}, trigger="executed", subject_text="Marshal Tukhachevsky"),
        F("kidnapping", "test:general", "General Miller was kidnapped in Paris on 22 September 1937.",
          "22 September 1937", roles={"place": "test:paris"}, trigger="kidnapped", subject_text="General Miller"),
        F("arrest", "test:chief", "Yagoda was arrested in March 1937.", "March 1937", trigger="arrested",
          subject_text="Yagoda"),
        F("suicide", "test:commissar", "Gamarnik shot himself on 31 May 1937.", "31 May 1937", trigger="shot",
          subject_text="Gamarnik"),
        F("count", "test:nkvd", "The commission counted 1,108 victims in 1937.", "1937", value="1108",
          trigger="counted", subject_text="commission", attrs={"number_text": "1,108", "what": "victim"}),
        F("arrest", "test:volkov", "Volkov was arrested in Leningrad in 1936 and again in Moscow in 1939.", "1936",
          roles={"place": "test:leningrad"}, trigger="arrested", subject_text="Volkov"),
    ]


def essay_b() -> list[F]:
    return [
        F("execution", "test:marshal", "Tukhachevsky was executed on 2 June 1937.", "2 June 1937",
          trigger="executed", subject_text="Tukhachevsky"),
        F("suicide", "test:commissar", "Gamarnik never took his own life; the police murdered him.",
          trigger="took", subject_text="Gamarnik", negated=True),
        F("killing", "test:commissar", "Gamarnik never took his own life; the police murdered him.",
          trigger="murdered", subject_text="Gamarnik"),
        F("count", "test:nkvd", "The commission counted 1,100 victims in 1937.", "1937", value="1100",
          trigger="counted", subject_text="commission", attrs={"number_text": "1,100", "what": "victim"}),
        F("count", "test:nkvd", "Some 1,000 victims were counted by the commission in 1937.", "1937", value="1000",
          trigger="counted", subject_text="commission", attrs={"number_text": "1,000", "what": "victim"}),
        F("arrest", "test:volkov", "Volkov was arrested on 3 May 1938.", "3 May 1938", trigger="arrested",
          subject_text="Volkov"),
    ]


def memoir() -> list[F]:
    return [
        F("kidnapping", "test:general", "I remember that General Miller was kidnapped on September 22, 1937, at noon.",
          "September 22, 1937", trigger="kidnapped", subject_text="General Miller"),
        F("kidnapping", "test:general", "On September 23, General Miller was kidnapped, they said.", "September 23",
          anchor="1937", trigger="kidnapped", subject_text="General Miller"),
        F("arrest", "test:chief", "In April, 1927, Yagoda was arrested.", "April, 1927", trigger="arrested",
          subject_text="Yagoda"),
        F("execution", "test:marshal", "Tukhachevsky was shot in June 1937.", "June 1937", trigger="shot",
          subject_text="Tukhachevsky"),
    ]


def story() -> list[F]:
    return [F("execution", "test:marshal", "Tukhachevsky was executed on 3 March 1938, the papers said later.",
              "3 March 1938", trigger="executed", subject_text="Tukhachevsky")]


@pytest.fixture(scope="module")
def kb(new_kb) -> KB:
    """The KB, on each backend in turn (tests/conftest.py)."""
    return build(new_kb(), [analysis("a.txt", ESSAY_A, essay_a()), analysis("b.txt", ESSAY_B, essay_b()),
                        analysis("memoir.txt", MEMOIR, memoir()), analysis("story.txt", STORY, story())])


def by(kb: KB, entity: str, field: str, kind: str | None = None) -> list[dict]:
    return [c for c in kb.conflicts(entity=entity) if c["field"] == field and (kind is None or c["kind"] == kind)]


def test_two_sources_two_days_is_a_conflict_with_both_sides_cited(kb: KB) -> None:
    (c,) = by(kb, "Mikhail Tukhachevsky", "date")
    assert c["type"] == "execution" and c["kind"] == "sources"
    values = {v["value"]: v for v in c["values"]}
    assert set(values) == {"1937-06-02", "1937-06-12"}  # June 1937 agrees with both: not a side
    assert values["1937-06-12"]["docs"] == ["a.txt"] and values["1937-06-02"]["docs"] == ["b.txt"]
    for v in c["values"]:
        for s in v["sources"]:
            assert kb.text(s["doc"])[s["start"]:s["end"]] == s["quote"]
    # The pack's date sides with one of them, and the conflict says so.
    assert c["reference"]["value"] == "1937-06-12" and values["1937-06-12"].get("reference")


def test_a_source_contradicting_itself_is_kind_self(kb: KB) -> None:
    (c,) = by(kb, "Yevgeny Miller", "date")
    assert c["kind"] == "self" and c["docs"] == ["a.txt", "memoir.txt"]
    assert sorted(v["value"] for v in c["values"]) == ["1937-09-22", "1937-09-23"]


def test_a_misprinted_year_contradicts_the_reference(kb: KB) -> None:
    (c,) = by(kb, "Genrikh Yagoda", "date", "reference")
    assert c["type"] == "arrest"
    assert [v["value"] for v in c["values"]] == ["1927-04", "1937"]
    assert c["reference"]["misprint"] and c["reference"]["field"] == "events"
    # March 1937 agrees with the pack's 1937 and is listed on its side.
    assert c["values"][1]["docs"] == ["a.txt"]


def test_a_denial_against_an_assertion(kb: KB) -> None:
    (c,) = by(kb, "Yan Gamarnik", "manner")
    values = {v["value"]: v["docs"] for v in c["values"]}
    assert values == {"suicide": ["a.txt"], "killing": ["b.txt"], "not suicide": ["b.txt"]}
    assert not by(kb, "Yan Gamarnik", "negation")  # folded into the manner conflict


def test_counts_conflict_unless_approximate(kb: KB) -> None:
    (c,) = by(kb, "People's Commissariat for Internal Affairs", "value")
    assert sorted(v["value"] for v in c["values"]) == ["1100", "1108"]  # "some 1,000" is approximate


def test_a_recurring_happening_far_apart_is_two_happenings(kb: KB) -> None:
    assert kb.conflicts(entity="Pavel Volkov") == []


def test_fiction_never_corroborates_nor_conflicts(kb: KB) -> None:
    sources = {s["doc"]: s for s in kb.sources()}
    assert sources["story.txt"]["genre"] == "fiction"
    assert all("story.txt" not in c["docs"] for c in kb.conflicts())
    (story_fact,) = kb.factoids(source="story.txt")
    assert story_fact["fiction"] and story_fact["corroboration"] == 0


def test_corroboration_counts_other_sources_that_agree(kb: KB) -> None:
    facts = {f["source"]["doc"]: f for f in kb.factoids(entity="Mikhail Tukhachevsky", type="execution")}
    # June 1937 (memoir) agrees with 12 June (a) and 2 June (b); they do not agree with each other.
    assert facts["memoir.txt"]["corroboration"] == 2
    assert sorted(facts["memoir.txt"]["corroborated_by"]) == ["a.txt", "b.txt"]
    assert facts["a.txt"]["corroborated_by"] == ["memoir.txt"]
    assert facts["a.txt"]["conflicts"]
    assert facts["a.txt"]["reference"][0]["agrees"] is True


def test_profiles(kb: KB) -> None:
    p = {s["doc"]: s["profile"] for s in kb.sources()}
    assert p["memoir.txt"]["conflicts"]["self"] == 1
    assert p["memoir.txt"]["reference"]["contradict"] == 2  # 1927 for 1937, the 23rd for the 22nd
    assert p["story.txt"]["fiction"]["fiction"] and p["story.txt"]["fiction"]["by"] == "text"
    assert 0 < p["a.txt"]["corroborated_share"] <= 1
    assert p["a.txt"]["layers"]["author"] > 0.9
    assert p["a.txt"]["ocr_noise"]["level"] == "low"


def test_recompute_is_idempotent(kb: KB) -> None:
    before = json.dumps(kb.conflicts(), sort_keys=True)
    kb.recompute_comparisons()
    assert json.dumps(kb.conflicts(), sort_keys=True) == before


def test_conflicts_by_source_and_kind(kb: KB) -> None:
    assert {c["entity"]["name"] for c in kb.conflicts(source="memoir.txt")} == {"Yevgeny Miller", "Genrikh Yagoda"}
    assert all(c["kind"] == "reference" for c in kb.conflicts(kind="reference"))


def test_alternate_history_is_fiction_by_the_reference_check(tmp_path: Path) -> None:
    text = ("A Different Thirties\n\n"
            "Tukhachevsky was executed on 3 March 1940. Miller was kidnapped on 1 May 1935. "
            "Yagoda was appointed People's Commissar of Internal Affairs in 1931. "
            "Tukhachevsky was born in 1899. Miller was born in 1880.\n")
    facts = [
        F("execution", "test:marshal", "Tukhachevsky was executed on 3 March 1940.", "3 March 1940",
          trigger="executed", subject_text="Tukhachevsky"),
        F("kidnapping", "test:general", "Miller was kidnapped on 1 May 1935.", "1 May 1935", trigger="kidnapped",
          subject_text="Miller"),
        F("appointment", "test:chief", "Yagoda was appointed People's Commissar of Internal Affairs in 1931.", "1931",
          roles={"office": "People's Commissar of Internal Affairs", "organization": "test:nkvd"},
          trigger="appointed", subject_text="Yagoda"),
        F("birth", "test:marshal", "Tukhachevsky was born in 1899.", "1899", trigger="born", subject_text="Tukhachevsky"),
        F("birth", "test:general", "Miller was born in 1880.", "1880", trigger="born", subject_text="Miller"),
    ]
    kb = build(tmp_path / "kb.db", [analysis("alt.txt", text, facts), analysis("a.txt", ESSAY_A, essay_a())])
    (alt,) = [s for s in kb.sources() if s["doc"] == "alt.txt"]
    assert alt["genre"] == "fiction" and alt["profile"]["fiction"]["by"] == "reference"
    assert alt["profile"]["genre_from_text"] != "fiction"
    assert all(f["fiction"] for f in kb.factoids(source="alt.txt"))
    assert all("alt.txt" not in c["docs"] for c in kb.conflicts())


def test_misprinted_years_make_a_careless_transcription_not_fiction(tmp_path: Path) -> None:
    text = ("Chapter Twelve [transcribed]\n\n"
            "Tukhachevsky was executed on 12 June 1927. Miller was kidnapped on 22 September 1927. "
            "In April, 1927, Yagoda was arrested. Tukhachevsky was born in 1893.\n")
    facts = [
        F("execution", "test:marshal", "Tukhachevsky was executed on 12 June 1927.", "12 June 1927",
          trigger="executed", subject_text="Tukhachevsky"),
        F("kidnapping", "test:general", "Miller was kidnapped on 22 September 1927.", "22 September 1927",
          trigger="kidnapped", subject_text="Miller"),
        F("arrest", "test:chief", "In April, 1927, Yagoda was arrested.", "April, 1927", trigger="arrested",
          subject_text="Yagoda"),
        F("birth", "test:marshal", "Tukhachevsky was born in 1893.", "1893", trigger="born", subject_text="Tukhachevsky"),
    ]
    kb = build(tmp_path / "kb.db", [analysis("t.txt", text, facts)])
    (t,) = kb.sources()
    assert t["genre"] != "fiction" and t["profile"]["reference"]["contradict"] == 3
    assert {c["reference"].get("misprint") for c in kb.conflicts(kind="reference")} == {True}
