"""Which factoids may ground a conflict: asserted happenings about the entity they are filed
under; and the conflicts of denials, places, offices and reference office terms."""

from __future__ import annotations

from pathlib import Path

from compare_kb import F, analysis, build

from kartoteka.compare.facts import Fact, asserted
from kartoteka.compare.identity import name_modified, subject_is_doer


def fact(quote: str, trigger: str, type_: str = "killing", subject_text: str = "") -> Fact:
    return Fact(id="x", doc="d.txt", doc_id=1, type=type_, subject="s", roles={}, start=0, end=len(quote),
                quote=quote, attrs={"trigger": trigger, "subject_text": subject_text})


def test_charges_plans_and_counterfactuals_are_not_assertions() -> None:
    assert asserted(fact("Orlov was murdered in his cell.", "murdered"))
    assert asserted(fact("The murder of Orlov shocked the city.", "murder"))
    assert not asserted(fact("Volkov was charged with the murder of Orlov.", "murder"))
    assert not asserted(fact("Volkov confessed that he had arranged the murder of Orlov.", "murder"))
    assert not asserted(fact("A group was sent across the border to murder Orlov.", "murder"))
    assert not asserted(fact("He was accused of murdering Orlov.", "murdering"))
    assert not asserted(fact("Had the plot succeeded, they would have executed Orlov.", "executed", "execution"))
    assert not asserted(fact("He was condemned to death in absentia.", "death", "death"))
    # One asserting occurrence of the trigger is enough.
    assert asserted(fact("He was charged with a murder in the spring; in the autumn the murder of Orlov"
                         " in his cell was proved.", "murder"))


def test_a_name_that_modifies_another_noun_or_runs_on_into_another_name() -> None:
    f = fact("Hansen's widow lived until 1990, when she died in New York.", "died", "death", "Hansen")
    assert name_modified(f, "Joseph Hansen", "person")
    f = fact("The German pacifist Carl von Ossietzky died in 1938.", "died", "death", "Carl")
    assert name_modified(f, "Whittaker Chambers", "person")
    f = fact("A new OGPU agency was set up in 1931.", "set", "founding", "OGPU")
    assert name_modified(f, "Joint State Political Directorate", "organization")
    f = fact("Sergei Kirov was shot in the corridor.", "shot", "killing", "Sergei")
    assert not name_modified(f, "Sergei Kirov", "person")
    # Modified in one mention, itself in another: the factoid stands.
    f = fact("Orlov's wife saw Orlov die in 1938.", "die", "death", "Orlov")
    assert not name_modified(f, "Ivan Orlov", "person")


def test_the_doer_of_a_done_to_happening_is_not_its_subject() -> None:
    assert subject_is_doer(fact("In a rage, Volkov shot or strangled her.", "strangled", "killing", "Volkov"))
    assert subject_is_doer(fact("Volkov arrested Orlov in 1936.", "arrested", "arrest", "Volkov"))
    assert not subject_is_doer(fact("Volkov was arrested in 1936.", "arrested", "arrest", "Volkov"))
    assert not subject_is_doer(fact("Volkov and his deputies were arrested.", "arrested", "arrest", "Volkov"))
    assert not subject_is_doer(fact("General Volkov, kidnapped in Paris, was never seen again.", "kidnapped",
                                    "kidnapping", "General Volkov"))
    assert not subject_is_doer(fact("Stalin had Volkov killed.", "killed", "killing", "Volkov"))
    assert not subject_is_doer(fact("Volkov shot himself.", "shot", "suicide", "Volkov"))  # suicide: a doer's act


PRONOUNS = (
    "Chapter Nine\n\n"
    "Volkov spent the winter in prison. Three months later, he was shot, on 2 March 1938. "
    "Orlov's sister was a nurse. Volkov knew her well. She was shot on 5 March 1938. "
    "Orlov talked to Volkov at length. He was shot on 9 March 1938.\n"
)


def test_a_pronoun_subject_contradicts_only_as_the_person_last_named(tmp_path: Path) -> None:
    names = {"Volkov": "test:volkov", "Orlov": "test:orlov"}
    facts = [
        F("execution", "test:volkov", "Three months later, he was shot, on 2 March 1938.", "2 March 1938",
          trigger="shot", subject_text="Volkov"),
        F("execution", "test:volkov", "She was shot on 5 March 1938.", "5 March 1938", trigger="shot",
          subject_text="Volkov"),
        # The resolver chose Orlov, but the person last named is Volkov: not sure enough.
        F("execution", "test:orlov", "He was shot on 9 March 1938.", "9 March 1938", trigger="shot",
          subject_text="Orlov"),
    ]
    other = ("Annals\n\nVolkov was executed on 20 April 1938. Orlov was executed on 20 April 1938.\n")
    other_facts = [
        F("execution", "test:volkov", "Volkov was executed on 20 April 1938.", "20 April 1938", trigger="executed",
          subject_text="Volkov"),
        F("execution", "test:orlov", "Orlov was executed on 20 April 1938.", "20 April 1938", trigger="executed",
          subject_text="Orlov"),
    ]
    kb = build(tmp_path / "kb.db", [analysis("p.txt", PRONOUNS, facts, names=names),
                                    analysis("o.txt", other, other_facts, names=names)])
    (c,) = kb.conflicts(entity="Pavel Volkov")
    assert sorted(v["value"] for v in c["values"]) == ["1938-03-02", "1938-04-20"]  # not the "she" of 5 March
    assert kb.conflicts(entity="Ivan Orlov") == []


def test_denials_places_and_offices(tmp_path: Path) -> None:
    a = ("Annals\n\nOrlov was executed in Moscow in 1937. Volkov was murdered in Moscow in 1938. "
         "Volkov was murdered at the Smolny Institute. "
         "Volkov was appointed deputy commissar of internal affairs in May 1936.\n")
    b = ("Memoirs\n\nOrlov was imprisoned, but he was not executed. Volkov was murdered in Leningrad. "
         "Volkov's murder was not the work of the police. "
         "In May 1936 Volkov was appointed commissar of internal affairs.\n")
    office = {"office": "deputy commissar of internal affairs", "organization": "test:nkvd"}
    facts_a = [
        F("execution", "test:orlov", "Orlov was executed in Moscow in 1937.", "1937", trigger="executed",
          subject_text="Orlov", roles={"place": "test:moscow"}),
        F("killing", "test:volkov", "Volkov was murdered in Moscow in 1938.", "1938", trigger="murdered",
          subject_text="Volkov", roles={"place": "test:moscow"}),
        F("appointment", "test:volkov", "Volkov was appointed deputy commissar of internal affairs in May 1936.",
          "May 1936", trigger="appointed", subject_text="Volkov", roles=office),
        # A building and a city: the one may lie in the other, so no side of the place conflict.
        F("killing", "test:volkov", "Volkov was murdered at the Smolny Institute.", trigger="murdered",
          subject_text="Volkov", roles={"place": "test:institute"}),
    ]
    facts_b = [
        F("execution", "test:orlov", "Orlov was imprisoned, but he was not executed.", trigger="executed",
          subject_text="Orlov", negated=True),
        F("killing", "test:volkov", "Volkov was murdered in Leningrad.", trigger="murdered", subject_text="Volkov",
          roles={"place": "test:leningrad"}),
        F("killing", "test:volkov", "Volkov's murder was not the work of the police.", trigger="murder",
          subject_text="Volkov", negated=True),
        F("appointment", "test:volkov", "In May 1936 Volkov was appointed commissar of internal affairs.",
          "May 1936", trigger="appointed", subject_text="Volkov",
          roles={"office": "commissar of internal affairs", "organization": "test:nkvd"}),
    ]
    kb = build(tmp_path / "kb.db", [analysis("a.txt", a, facts_a), analysis("b.txt", b, facts_b)])
    (denial,) = kb.conflicts(entity="Ivan Orlov")
    assert denial["field"] == "negation"
    assert {v["value"]: v["docs"] for v in denial["values"]} == {"execution": ["a.txt"], "not execution": ["b.txt"]}
    fields = {c["field"]: c for c in kb.conflicts(entity="Pavel Volkov")}
    # A noun's negation ("X's murder was not the work of ...") denies something else: no conflict.
    assert set(fields) == {"place", "office"}
    assert sorted(v["value"] for v in fields["place"]["values"]) == ["Leningrad", "Moscow"]
    assert sorted(v["value"] for v in fields["office"]["values"]) == [
        "commissar of internal affairs", "deputy commissar of internal affairs"]


def test_an_office_term_checked_against_the_pack(tmp_path: Path) -> None:
    text = ("Annals\n\nYagoda, whom Stalin had elevated in May 1935 to the vacant post of commissar of internal"
            " affairs, said nothing. Yagoda became head of the NKVD in July 1934.\n")
    facts = [
        F("appointment", "test:chief", "Yagoda, whom Stalin had elevated in May 1935 to the vacant post of commissar"
          " of internal affairs, said nothing.", "May 1935", trigger="elevated", subject_text="Yagoda",
          roles={"office": "the vacant post of commissar of internal affairs", "organization": "test:nkvd"}),
        F("appointment", "test:chief", "Yagoda became head of the NKVD in July 1934.", "July 1934", trigger="became",
          subject_text="Yagoda", roles={"office": "head of the NKVD", "organization": "test:nkvd"}),
    ]
    kb = build(tmp_path / "kb.db", [analysis("a.txt", text, facts)])
    (c,) = kb.conflicts(entity="Genrikh Yagoda")
    assert c["kind"] == "reference" and c["reference"]["field"] == "offices.from"
    assert [v["value"] for v in c["values"]] == ["1935-05", "1934-07-10"]
    assert c["values"][1]["docs"] == ["a.txt"]  # "head of the NKVD in July 1934" agrees with the pack


def test_an_appointment_told_without_its_office_and_a_quotation(tmp_path: Path) -> None:
    a = ("Annals\n\nOrlov was appointed head of the NKVD on 25 November 1938. "
         "He held the post for a year.\n")
    b = ("Interview\n\nIn December 1938 Orlov replaced Volkov, and some prisoners were let out.\n")
    c = ("Essay\n\nAs the annals put it, \"Orlov was appointed head of the NKVD on 25 November 1938\".\n")
    d = "Diary\n\nOrlov was appointed to another post in December 1938.\n"  # neither office nor predecessor
    office = {"office": "head of the NKVD", "organization": "test:nkvd"}
    kb = build(tmp_path / "kb.db", [
        analysis("a.txt", a, [F("appointment", "test:orlov", "Orlov was appointed head of the NKVD on 25 November 1938.",
                                "25 November 1938", trigger="appointed", subject_text="Orlov", roles=office)]),
        analysis("b.txt", b, [F("appointment", "test:orlov", "In December 1938 Orlov replaced Volkov, and some"
                                " prisoners were let out.", "December 1938", trigger="replaced", subject_text="Orlov",
                                roles={"other": ["test:volkov"]})]),
        analysis("c.txt", c, [F("appointment", "test:orlov", "As the annals put it, \"Orlov was appointed head of the"
                                " NKVD on 25 November 1938\".", "25 November 1938", trigger="appointed",
                                subject_text="Orlov", roles=office)]),
        analysis("d.txt", d, [F("appointment", "test:orlov", "Orlov was appointed to another post in December 1938.",
                                "December 1938", trigger="appointed", subject_text="Orlov")]),
    ])
    (conflict,) = kb.conflicts(entity="Ivan Orlov")
    assert {v["value"]: v["docs"] for v in conflict["values"]} == {"1938-11-25": ["a.txt", "c.txt"], "1938-12": ["b.txt"]}
    facts = {f["source"]["doc"]: f for f in kb.factoids(entity="Ivan Orlov")}
    # c.txt quotes a.txt: it agrees, in the same words, so it is no independent corroboration.
    assert facts["a.txt"]["corroboration"] == 0 and facts["a.txt"]["repeated_by"] == ["c.txt"]


def test_elected_and_appointed_to_one_office_is_one_happening(tmp_path: Path) -> None:
    a = "Annals\n\nOrlov was elected general secretary of the commissariat on 2 April 1922.\n"
    b = "Memoirs\n\nOrlov was appointed general secretary of the commissariat on 3 April 1922.\n"
    office = {"office": "general secretary of the commissariat", "organization": "test:nkvd"}
    kb = build(tmp_path / "kb.db", [
        analysis("a.txt", a, [F("election", "test:orlov", a.split("\n\n")[1].strip(), "2 April 1922",
                                trigger="elected", subject_text="Orlov", roles=office)]),
        analysis("b.txt", b, [F("appointment", "test:orlov", b.split("\n\n")[1].strip(), "3 April 1922",
                                trigger="appointed", subject_text="Orlov", roles=office)]),
    ])
    (c,) = kb.conflicts(entity="Ivan Orlov")
    assert c["field"] == "date" and sorted(v["value"] for v in c["values"]) == ["1922-04-02", "1922-04-03"]


def test_an_undated_meeting_elsewhere_is_not_the_dated_meeting_of_the_same_people(tmp_path: Path) -> None:
    """People meet again and again: another document's undated talk between the same two men is
    its own event; the dated meeting's own document may still tell it again without a date."""
    a = ("Minutes\n\nOrlov met Volkov in Kamensk on 3 May 1901. "
         "At that meeting Orlov spoke first.\n")
    b = "Recollections\n\nOrlov often had long talks with Volkov before the war.\n"
    c = "Letters\n\nOrlov and Volkov dined together at the club.\n"
    other = {"other": ["test:volkov"]}
    kb = build(tmp_path / "kb.db", [
        analysis("a.txt", a, [F("meeting", "test:orlov", "Orlov met Volkov in Kamensk on 3 May 1901.", "3 May 1901",
                                trigger="met", subject_text="Orlov", roles=other),
                              F("meeting", "test:orlov", "At that meeting Orlov spoke first.", None,
                                trigger="meeting", subject_text="Orlov", roles=other)]),
        analysis("b.txt", b, [F("meeting", "test:orlov", b.split("\n\n")[1].strip(), None, trigger="talks",
                                subject_text="Orlov", roles=other)]),
        analysis("c.txt", c, [F("meeting", "test:orlov", c.split("\n\n")[1].strip(), None, trigger="dined",
                                subject_text="Orlov", roles=other)]),
    ])
    events = [e for e in kb.events(entity="Ivan Orlov") if e["type"] == "meeting"]
    docs = sorted(sorted({s["source"]["doc"] for s in e["sources"]}) for e in events)
    assert docs == [["a.txt"], ["b.txt"], ["c.txt"]]
    (dated,) = [e for e in events if e.get("date")]
    assert len(dated["sources"]) == 2
