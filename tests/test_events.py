"""Events and the conflicts found in them, on hand-written documents about invented people of
another century (compare_kb: the real store and compare stage, no NLP): one event per happening
whatever word tells it, every kind of conflict, disputing stance, quotation that is no
independent witness, and fiction that neither corroborates nor conflicts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from compare_kb import F, analysis, build

from kartoteka.analysis import AliasRecord, Analysis, EntityRecord
from kartoteka.api import KB
from kartoteka.compare.conflicts import instigator
from kartoteka.compare.disputes import stance_of
from kartoteka.compare.facts import Fact

PEOPLE = [
    EntityRecord("test:kessler", "Anna Kessler", "person", pack="test", linked=True),
    EntityRecord("test:brandt", "Otto Brandt", "person", pack="test", linked=True),
    EntityRecord("test:lemke", "Franz Lemke", "person", pack="test", linked=True),
    EntityRecord("test:haas", "Emil Haas", "person", pack="test", linked=True),
    EntityRecord("test:guild", "Guild of River Pilots", "organization", pack="test", linked=True),
    EntityRecord("test:town", "Verkhnegorsk", "place", pack="test", linked=True, data={"kind": "city"}),
    EntityRecord("test:kamensk", "Kamensk", "place", pack="test", linked=True, data={"kind": "city"}),
    EntityRecord("test:war", "War of the Two Rivers", "event", pack="test", linked=True),
]

CHRONICLE = (
    "A Chronicle of the Lower Valley\n\n"
    "Anna Kessler was arrested in Verkhnegorsk on 4 March 1881 by the district police. "
    "Otto Brandt died in Verkhnegorsk in 1890. "
    "Brandt was murdered in 1890. "
    "The Guild of River Pilots had 212 members in 1885. "
    "Verkhnegorsk had 14,200 inhabitants in 1885. "
    "The War of the Two Rivers cost 3,400 lives. "
    "Volkov died in 1902. "
    "Volkov was shot by Orlov on 9 June 1902. "
    "Emil Haas was stabbed by Orlov in 1907.\n"
)
LETTERS = (
    "Letters from the Valley\n\n"
    "Anna Kessler was arrested on 19 March 1881. "
    "Otto Brandt died in Kamensk in 1890. "
    "Brandt took his own life in 1890. "
    "The Guild of River Pilots had 230 members in 1885. "
    "Verkhnegorsk had 15,900 inhabitants in 1885. "
    "The War of the Two Rivers cost 4,100 lives. "
    "Volkov was shot by Lemke in June 1902. "
    "Lemke had Haas stabbed in 1907.\n"
)
ANNALS = (
    "Annals of a Small Town\n\n"
    "Otto Brandt was born in 1821 in a miller's house. "
    "Many years later the town recalled that Brandt, born in 1824, had never left the valley. "
    "Some accounts give 19 March for the arrest; in fact Anna Kessler was arrested on 4 March 1881. "
    "Some sources say Volkov was born in 1860, but he was born in 1862.\n"
)
DIGEST = (
    "A Digest of Local Papers\n\n"
    "As the chronicle puts it, Anna Kessler was arrested in Verkhnegorsk on 4 March 1881 by the district police. "
    "According to Karl Weiss, Volkov died in 1902.\n"
)
GAZETTE = "The Valley Gazette\n\nAccording to Karl Weiss, Volkov died in the year 1902.\n"
DIALOGUE = ['"Open the door," the pilot said.', '"Not tonight," Brandt answered.',
            "The river rose under the bridge.", '"Then wait," she replied, and laughed.']
NOVEL = "\n".join(["The Drowned Ferry", *DIALOGUE * 4, "Otto Brandt died in Kamensk in 1899, the ferrymen said.",
                   "Anna Kessler was arrested on 4 March 1881, the ferrymen said.", *DIALOGUE * 4])


def _doc(name: str, text: str, facts: list[F], genre: str | None = None,
         voices: dict[str, str] | None = None) -> Analysis:
    a = analysis(name, text, facts, genre=genre)
    a.entities.extend(PEOPLE)
    a.aliases.extend(AliasRecord(e.id, e.name, "pack") for e in PEOPLE)
    for f in a.factoids:  # a reported speaker: the voice the extractor would give the sentence
        # One sentence may give two dates of one happening: two factoids, two ids.
        f.id = "f" + hashlib.sha1(f"{f.id}|{f.date_text}".encode()).hexdigest()[:15]
        quote = text[f.start:f.end]
        for marker, voice in (voices or {}).items():
            if marker in quote:
                f.voice = voice
    return a


def chronicle() -> list[F]:
    return [
        F("arrest", "test:kessler", "Anna Kessler was arrested in Verkhnegorsk on 4 March 1881 by the district police.",
          "4 March 1881", roles={"place": "test:town"}, trigger="arrested", subject_text="Anna Kessler"),
        F("death", "test:brandt", "Otto Brandt died in Verkhnegorsk in 1890.", "1890", roles={"place": "test:town"},
          trigger="died", subject_text="Otto Brandt"),
        F("killing", "test:brandt", "Brandt was murdered in 1890.", "1890", trigger="murdered", subject_text="Brandt"),
        F("count", "test:guild", "The Guild of River Pilots had 212 members in 1885.", "1885", value="212",
          trigger="had", subject_text="Guild of River Pilots", attrs={"number_text": "212", "what": "member"}),
        F("count", "test:town", "Verkhnegorsk had 14,200 inhabitants in 1885.", "1885", value="14200", trigger="had",
          subject_text="Verkhnegorsk", attrs={"number_text": "14,200", "what": "inhabitant"}),
        F("count", "test:war", "The War of the Two Rivers cost 3,400 lives.", value="3400", trigger="cost",
          subject_text="War of the Two Rivers", attrs={"number_text": "3,400", "what": "life"}),
        F("death", "test:volkov", "Volkov died in 1902.", "1902", trigger="died", subject_text="Volkov"),
        F("killing", "test:volkov", "Volkov was shot by Orlov on 9 June 1902.", "9 June 1902", trigger="shot",
          subject_text="Volkov", roles={"agent": "test:orlov"}),
        F("killing", "test:haas", "Emil Haas was stabbed by Orlov in 1907.", "1907", trigger="stabbed",
          subject_text="Emil Haas", roles={"agent": "test:orlov"}),
    ]


def letters() -> list[F]:
    return [
        F("arrest", "test:kessler", "Anna Kessler was arrested on 19 March 1881.", "19 March 1881", trigger="arrested",
          subject_text="Anna Kessler"),
        F("death", "test:brandt", "Otto Brandt died in Kamensk in 1890.", "1890", roles={"place": "test:kamensk"},
          trigger="died", subject_text="Otto Brandt"),
        F("suicide", "test:brandt", "Brandt took his own life in 1890.", "1890", trigger="took", subject_text="Brandt"),
        F("count", "test:guild", "The Guild of River Pilots had 230 members in 1885.", "1885", value="230",
          trigger="had", subject_text="Guild of River Pilots", attrs={"number_text": "230", "what": "member"}),
        F("count", "test:town", "Verkhnegorsk had 15,900 inhabitants in 1885.", "1885", value="15900", trigger="had",
          subject_text="Verkhnegorsk", attrs={"number_text": "15,900", "what": "inhabitant"}),
        F("count", "test:war", "The War of the Two Rivers cost 4,100 lives.", value="4100", trigger="cost",
          subject_text="War of the Two Rivers", attrs={"number_text": "4,100", "what": "life"}),
        F("killing", "test:volkov", "Volkov was shot by Lemke in June 1902.", "June 1902", trigger="shot",
          subject_text="Volkov", roles={"agent": "test:lemke"}),
        F("killing", "test:haas", "Lemke had Haas stabbed in 1907.", "1907", trigger="stabbed", subject_text="Haas",
          roles={"agent": "test:lemke"}),
    ]


def annals() -> list[F]:
    dispute = "Some accounts give 19 March for the arrest; in fact Anna Kessler was arrested on 4 March 1881."
    born = "Some sources say Volkov was born in 1860, but he was born in 1862."
    return [
        F("birth", "test:brandt", "Otto Brandt was born in 1821 in a miller's house.", "1821", trigger="born",
          subject_text="Otto Brandt"),
        F("birth", "test:brandt", "Many years later the town recalled that Brandt, born in 1824, had never left the valley.",
          "1824", trigger="born", subject_text="Brandt"),
        F("arrest", "test:kessler", dispute, "19 March", anchor="1881", trigger="arrest", subject_text="Anna Kessler"),
        F("arrest", "test:kessler", dispute, "4 March 1881", trigger="arrested", subject_text="Anna Kessler"),
        F("birth", "test:volkov", born, "1860", trigger="born", subject_text="Volkov"),
        F("birth", "test:volkov", born, "1862", trigger="born", subject_text="Volkov"),
    ]


def digest() -> list[F]:
    return [
        F("arrest", "test:kessler",
          "As the chronicle puts it, Anna Kessler was arrested in Verkhnegorsk on 4 March 1881 by the district police.",
          "4 March 1881", roles={"place": "test:town"}, trigger="arrested", subject_text="Anna Kessler"),
        F("death", "test:volkov", "According to Karl Weiss, Volkov died in 1902.", "1902", trigger="died",
          subject_text="Volkov"),
    ]


def gazette() -> list[F]:
    return [F("death", "test:volkov", "According to Karl Weiss, Volkov died in the year 1902.", "1902",
              trigger="died", subject_text="Volkov")]


def novel() -> list[F]:
    return [
        F("death", "test:brandt", "Otto Brandt died in Kamensk in 1899, the ferrymen said.", "1899",
          roles={"place": "test:kamensk"}, trigger="died", subject_text="Otto Brandt"),
        F("arrest", "test:kessler", "Anna Kessler was arrested on 4 March 1881, the ferrymen said.", "4 March 1881",
          trigger="arrested", subject_text="Anna Kessler"),
    ]


@pytest.fixture(scope="module")
def kb_path(new_kb) -> Path | str:
    """The KB, on each backend in turn (tests/conftest.py)."""
    path = new_kb()
    weiss = {"According to Karl Weiss": "Karl Weiss"}
    build(path, [
        _doc("chronicle.txt", CHRONICLE, chronicle()), _doc("letters.txt", LETTERS, letters()),
        _doc("annals.txt", ANNALS, annals()), _doc("digest.txt", DIGEST, digest(), voices=weiss),
        _doc("gazette.txt", GAZETTE, gazette(), voices=weiss), _doc("novel.txt", NOVEL, novel(), genre="fiction"),
    ]).close()
    return path


@pytest.fixture(scope="module")
def kb(kb_path: Path) -> KB:
    return KB(kb_path)


def conflicts_of(kb: KB, entity: str, field: str) -> list[dict]:
    return [c for c in kb.conflicts(entity=entity) if c["field"] == field]


def values(c: dict) -> dict[str, dict]:
    return {str(v["value"]): v for v in c["values"]}


# -- events ---------------------------------------------------------------------------------------

def test_a_death_told_as_death_and_killing_is_one_event_dated_by_its_narrowest_agreeing_source(kb: KB) -> None:
    (ev,) = kb.events(entity="Volkov", type="death")
    assert ev["type"] == "killing" and ev["family"] == "death"
    # 1902, June 1902 and 9 June 1902 agree: the event is dated 9 June 1902.
    assert ev["date"]["start"] == ev["date"]["end"] == "1902-06-09" and ev["date"]["precision"] == "day"
    docs = {s["source"]["doc"] for s in ev["sources"]}
    assert docs == {"chronicle.txt", "letters.txt", "digest.txt", "gazette.txt"}
    for s in ev["sources"]:
        span = s["source"]
        assert kb.text(span["doc"])[span["start"]:span["end"]] == span["quote"]
        assert s["stance"] in ("asserts", "disputes", "hedged") and s["voice"]


def test_events_json_has_the_contract_shape(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "events", "--entity", "Anna Kessler", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all({"id", "type", "subject", "sources"} <= set(r) for r in rows)
    assert all(set(s) >= {"factoid", "source", "voice", "stance"} for r in rows for s in r["sources"])
    (arrest,) = [r for r in rows if r["type"] == "arrest"]
    assert arrest["subject"]["id"] == "test:kessler" and arrest["conflict"]
    code, out, _ = run_cli("--db", kb_path, "events", "--entity", "Anna Kessler", "--from", "1950", "--json")
    assert code == 3 and json.loads(out) == []
    code, out, _ = run_cli("--db", kb_path, "events", "--entity", "Volkov", "--json")
    assert [r["type"] for r in json.loads(out)] == ["birth", "killing"]  # in date order
    code, out, _ = run_cli("--db", kb_path, "events", "--entity", "Volkov", "--limit", "1", "--offset", "1", "--json")
    assert code == 0 and [r["type"] for r in json.loads(out)] == ["killing"]


def test_events_filter_by_family_type_and_dates(kb: KB) -> None:
    assert {e["subject"]["id"] for e in kb.events(type="death")} >= {"test:volkov", "test:brandt", "test:haas"}
    assert [e["subject"]["id"] for e in kb.events(type="arrest", date_from="1881-03", date_to="1881-03")] == [
        "test:kessler"]
    assert kb.events(type="arrest", date_from="1900") == []


# -- conflicts of every kind -----------------------------------------------------------------------

def test_two_days_of_one_arrest_conflict_and_the_side_more_independent_sources_hold_leads(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Anna Kessler", "date")
    v = values(c)
    assert set(v) == {"1881-03-04", "1881-03-19"} and c["kind"] == "sources"
    # chronicle and annals hold the 4th (the digest only quotes the chronicle); letters the 19th.
    assert v["1881-03-04"]["support"] == 2 and v["1881-03-19"]["support"] == 1
    # The annals name the 19th only to reject it.
    assert v["1881-03-19"]["disputed_by"] == ["annals.txt"]
    stances = {(s["doc"], s["stance"]) for s in v["1881-03-19"]["sources"]}
    assert stances == {("letters.txt", "asserts"), ("annals.txt", "disputes")}


def test_two_cities_for_one_death_are_a_place_conflict(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Otto Brandt", "place")
    assert set(values(c)) == {"Verkhnegorsk", "Kamensk"}


def test_a_murder_and_a_suicide_are_an_outcome_conflict(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Otto Brandt", "manner")
    assert set(values(c)) == {"suicide", "killing"}


def test_two_doers_are_an_agent_conflict_but_one_who_ordered_it_is_not(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Volkov", "agent")
    assert set(values(c)) == {"Ivan Orlov", "Franz Lemke"}
    assert conflicts_of(kb, "Emil Haas", "agent") == []
    assert instigator("Lemke had Haas stabbed in 1907.", "Franz Lemke")
    assert instigator("On the orders of Reinholt the courier was hanged.", "Max Reinholt")
    assert not instigator("Lemke had stabbed Haas in 1907.", "Franz Lemke")


@pytest.mark.parametrize(("entity", "low", "high"), [
    ("Guild of River Pilots", "212", "230"),  # members of one body at one time
    ("Verkhnegorsk", "14200", "15900"),  # a population in one year
    ("War of the Two Rivers", "3400", "4100"),  # casualties of one war: the war fixes the time
])
def test_two_counts_of_one_thing_at_one_time_conflict(kb: KB, entity: str, low: str, high: str) -> None:
    (c,) = conflicts_of(kb, entity, "value")
    assert c["type"] == "count" and set(values(c)) == {low, high}
    assert c["event"] and c["kind"] == "sources"


def test_a_source_giving_two_birth_years_contradicts_itself(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Otto Brandt", "date")
    assert c["kind"] == "self" and set(values(c)) == {"1821", "1824"}


# -- stance ----------------------------------------------------------------------------------------

def _fact(quote: str, date_text: str, ftype: str = "birth", value: str | None = None) -> Fact:
    return Fact(id="x", doc="d", doc_id=1, type=ftype, subject="s", roles={}, start=0, end=len(quote), quote=quote,
                date_text=date_text, value=value, attrs={"number_text": value} if value else {})


@pytest.mark.parametrize(("quote", "said", "stance"), [
    ("Some historians date the fire to 1871, but it broke out in 1872.", "1871", "disputes"),
    ("Some historians date the fire to 1871, but it broke out in 1872.", "1872", "asserts"),
    ("The abbot was crowned not in 1430 but in 1431.", "1430", "disputes"),
    ("The abbot was crowned not in 1430 but in 1431.", "1431", "asserts"),
    ("Older chroniclers wrongly give 1204 as the year of the siege.", "1204", "disputes"),
    ("The year 1911, which is often printed, is wrong; the register says 1913.", "1911", "disputes"),
    ("The year 1911, which is often printed, is wrong; the register says 1913.", "1913", "asserts"),
    ("The ferryman was wrong in claiming that the bridge opened in 1888; it opened in 1891.", "1888", "disputes"),
    ("The ferryman was wrong in claiming that the bridge opened in 1888; it opened in 1891.", "1891", "asserts"),
    ("She was not arrested until 1923.", "1923", "asserts"),
    ("In fact the bridge was finished in 1850.", "1850", "asserts"),
])
def test_a_value_named_to_be_rejected_is_disputed(quote: str, said: str, stance: str) -> None:
    assert stance_of(_fact(quote, said)) == stance


def test_a_count_rejected_for_another_is_disputed_and_still_a_side() -> None:
    quote = "The inspector refuted the claim that only 40 boats sank, showing that the true number was 410."
    assert stance_of(_fact(quote, "", "count", "40")) == "disputes"
    assert stance_of(_fact(quote, "", "count", "410")) == "asserts"


def test_a_source_rejecting_one_year_for_another_does_not_contradict_itself(kb: KB) -> None:
    (c,) = conflicts_of(kb, "Volkov", "date")
    assert c["kind"] == "sources"
    v = values(c)
    assert v["1860"]["disputed_by"] == ["annals.txt"] and v["1860"]["support"] == 0
    assert v["1862"]["support"] == 1


# -- independence ---------------------------------------------------------------------------------

def test_a_quotation_corroborates_but_is_not_independent(kb: KB) -> None:
    (f,) = [f for f in kb.factoids(entity="Anna Kessler", source="chronicle.txt") if f["type"] == "arrest"]
    assert "digest.txt" in f.get("repeated_by", [])
    assert "digest.txt" not in f["corroborated_by"] and "annals.txt" in f["corroborated_by"]


def test_one_reported_speaker_in_two_documents_is_one_witness(kb: KB) -> None:
    (ev,) = kb.events(entity="Volkov", type="death")
    weiss = [s for s in ev["sources"] if s["voice"] == "Karl Weiss"]
    assert len(weiss) == 2 and sum(s["independent"] for s in weiss) == 1
    # chronicle, letters and Karl Weiss: three witnesses in four documents.
    assert ev["documents"] == 4 and ev["independent"] == 3


# -- fiction --------------------------------------------------------------------------------------

def test_fiction_never_corroborates_never_conflicts_and_makes_no_events(kb: KB) -> None:
    assert all("novel.txt" not in c["docs"] for c in kb.conflicts())
    for ev in kb.events():
        assert all(s["source"]["doc"] != "novel.txt" for s in ev["sources"])
    for f in kb.factoids(source="chronicle.txt"):
        assert "novel.txt" not in f.get("corroborated_by", [])
    # The novel's 1899 is no side of Brandt's death.
    assert all("1899" not in values(c) for c in kb.conflicts(entity="Otto Brandt"))


# -- where a user sees them -------------------------------------------------------------------------

def test_timeline_and_dossier_show_one_row_per_event_with_sources_on_request(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "timeline", "--entity", "Volkov")
    assert code == 0, err
    # Five sentences in four documents tell the death: one row (and one for the birth).
    assert out.count("killing of Pavel Volkov") == 1 and out.count("birth of Pavel Volkov") == 1
    assert "Orlov on 9 June" not in out
    code, out, _ = run_cli("--db", kb_path, "timeline", "--entity", "Volkov", "--sources")
    assert code == 0 and "Orlov on 9 June" in out and "disputes" in out
    code, out, _ = run_cli("--db", kb_path, "timeline", "--entity", "Volkov", "--json")
    assert code == 0 and len(json.loads(out)) >= 6  # the contract's timeline: dated factoids
    code, out, _ = run_cli("--db", kb_path, "entity", "Otto Brandt")
    assert code == 0 and "events:" in out and out.count("of Otto Brandt") == 2  # birth, death


def test_web_timeline_lists_events_expandable_to_their_sources(kb_path: Path) -> None:
    from starlette.testclient import TestClient

    from kartoteka.web import create_app

    with TestClient(create_app(kb_path)) as client:
        r = client.get("/timeline", params={"entity": "Anna Kessler"})
        c = client.get("/conflicts")
    assert c.status_code == 200 and "disputes it" in c.text and "2 independent" in c.text
    assert r.status_code == 200
    assert r.text.count('<li class="event"') == 1 and "<details>" in r.text
    assert r.text.count('class="cite"') == 5  # one per source: chronicle, letters, digest, and the annals twice
    assert "disputes" in r.text and "not independent" in r.text and "/conflicts#c-" in r.text


# -- shapes the extractor is learning to give (issue 12): two dates in one sentence, a table's
# count against a sentence that rejects it ----------------------------------------------------------

REGISTER = (
    "The Harbour Register\n\n"
    "Emil Haas was detained on 3 May (7 May according to Karl Weiss) 1899 at the quay. "
    "Boats lost in the storm of 1899: 40\n"
    "The inspector refuted the claim of the harbour board that only 40 boats sank in 1899, showing that the true "
    "number was 410.\n"
)


def register() -> list[F]:
    detained = "Emil Haas was detained on 3 May (7 May according to Karl Weiss) 1899 at the quay."
    refuted = ("The inspector refuted the claim of the harbour board that only 40 boats sank in 1899, showing that the"
               " true number was 410.")
    boat = {"what": "boat"}
    return [
        F("arrest", "test:haas", detained, "3 May 1899", trigger="detained", subject_text="Emil Haas"),
        F("arrest", "test:haas", detained, "7 May 1899", trigger="detained", subject_text="Emil Haas"),
        F("count", "test:town", "Boats lost in the storm of 1899: 40", "1899", value="40", trigger="lost",
          subject_text="Boats", attrs={"number_text": "40", **boat}),
        F("count", "test:town", refuted, "1899", value="40", trigger="sank", subject_text="harbour board",
          attrs={"number_text": "40", **boat}),
        F("count", "test:town", refuted, "1899", value="410", trigger="sank", subject_text="harbour board",
          attrs={"number_text": "410", **boat}),
    ]


@pytest.fixture(scope="module")
def register_kb(new_kb) -> KB:
    path = new_kb()
    a = _doc("register.txt", REGISTER, register())
    for f in a.factoids:  # the date in the parenthesis is Weiss's; the count's second value its own
        if f.date_text == "7 May 1899":
            f.voice = "Karl Weiss"
        if f.value == "410":
            f.id = f.id[:-1] + "x"
    return build(path, [a])


def test_one_sentence_giving_two_dates_one_attributed_is_a_conflict_of_two_voices(register_kb: KB) -> None:
    (c,) = conflicts_of(register_kb, "Emil Haas", "date")
    assert c["kind"] == "sources" and set(values(c)) == {"1899-05-03", "1899-05-07"}
    assert {s["voice"] for v in c["values"] for s in v["sources"]} == {"author", "Karl Weiss"}


def test_a_count_rejected_for_another_conflicts_however_far_apart(register_kb: KB) -> None:
    (c,) = conflicts_of(register_kb, "Verkhnegorsk", "value")
    v = values(c)
    assert set(v) == {"40", "410"}
    assert v["40"]["disputed_by"] == ["register.txt"] and v["410"]["support"] == 1


def test_a_disputed_factoid_says_so_in_the_factoid_listing(kb: KB) -> None:
    births = [f for f in kb.factoids(entity="Volkov", type="birth")]
    assert {(f["date"]["start"][:4], f.get("stance", "asserts")) for f in births} == {("1860", "disputes"),
                                                                                    ("1862", "asserts")}
