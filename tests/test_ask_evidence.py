"""ask answers as evidence: candidates with citations, voice, hedging, fiction and sources; a
hedged value never beats a firm one, fiction never answers, split evidence says so.

The small KB is built through the real pipeline from texts written for these tests (invented
people of an invented province); the demo tests build the demo corpus the package ships.
"""

from __future__ import annotations

import pytest

from kartoteka.api import KB
from kartoteka.query.candidates import disagreement_text, hedged, verdict, voice_at
from kartoteka.query.question import parse_question

GAZETTE = """The Tessaly Gazette

Count Aurel Varga, governor of Tessaly, was shot dead at the opera house on 4 May 1871. His assassin was Tomas Brenner, a clerk from the customs office. Brenner fired twice from the gallery and was seized by the ushers before he could reload.

Oskar Feld, the editor of the paper, was arrested on 2 April 1873 for printing the trial record.
"""

LETTERS = """Letters from the Capital

Tomas Brenner shot Count Varga from the gallery while the second act was playing, and he never denied it.

In the cafes people whispered that the minister Edvard Lask had paid for the killing of Varga; no court ever heard the story.

The police arrested Oskar Feld at his office on 9 April 1873.
"""

HARBOUR = """The Harbour Board of Veltmar

Frederik Morrow was appointed director of the Harbour Board in March 1880. Henrik Ander was appointed director of the Harbour Board in May 1884, when Morrow retired to the coast.

Henrik Ander, whose real name was Hendrik Andriessen, had come to Veltmar as a ship's carpenter.
"""

STORY = """The Gallery, a story

"It was Pavel Dorn who shot the count," said the porter. "I saw his face."

"Nobody will believe a porter," the usher answered, laughing at him.

"They will believe me tonight," he said. "Wait and see."

"Then go and tell them," she whispered. "Go now."

"I will," he answered. "Tomorrow at the latest."
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    d = tmp_path_factory.mktemp("evidence")
    for name, text in (("gazette.txt", GAZETTE), ("letters.txt", LETTERS), ("harbour.txt", HARBOUR),
                       ("gallery_story.txt", STORY)):
        (d / name).write_text(text, encoding="utf-8")
    k = KB(d / "kb.db")
    k.ingest([d])
    return k


def test_hedges_and_hearsay_mark_a_sentence() -> None:
    assert hedged("Rumours had it that the abbot of Cluny poisoned the bishop.")
    assert hedged("People whispered that Edvard Lask had paid the assassin.")
    assert hedged("The duke was allegedly strangled in his cell at Pontefract.")
    assert not hedged("Tomas Brenner shot the governor from the gallery.")
    assert not hedged("The senator was stabbed in the theatre of Pompey in 44 BC.")


def test_voice_is_editor_in_a_bracketed_note_and_quoted_inside_quotes() -> None:
    text = 'He said "Brenner did it alone" at once. [Note: Brenner was tried in June 1871. - Ed.]'
    s = text.index("Brenner did")
    assert voice_at(text, 0, text.index(" at once") + 8, s) == "quoted"
    assert voice_at(text, 0, len(text), text.index("tried")) == "editor"
    assert voice_at(text, 0, len(text), 0) == "author"


def _cand(value: str, score: float, *, hedge: bool = False, fiction: bool = False, sources: int = 1) -> dict:
    return {"value": value, "score": score, "sources": sources, "voice": "author", "hedged": hedge,
            "fiction": fiction}


def test_verdict_never_lets_a_hedged_or_fictional_value_answer() -> None:
    answer, kind, conf = verdict([_cand("Edvard Lask", 2.0, hedge=True)], "person")
    assert answer.startswith("unconfirmed: Edvard Lask") and kind == "hedged" and conf < 0.8
    assert verdict([_cand("Pavel Dorn", 3.0, fiction=True)], "person") == ("", "unknown", 0.0)
    split = disagreement_text([_cand("Tomas Brenner", 2.0, sources=2), _cand("Edvard Lask", 1.9, hedge=True)])
    assert split == "sources disagree: Tomas Brenner (2 sources) / Edvard Lask (1, hedged)"


def test_the_assassin_answers_not_the_rumour_nor_the_story(kb: KB) -> None:
    for q in ("Who shot Count Varga?", "Who killed Count Varga?"):
        r = kb.ask(q)
        assert "Brenner" in r["answer"] and "Lask" not in r["answer"] and "Dorn" not in r["answer"], r
        top = r["candidates"][0]
        assert "Brenner" in top["value"] and not top["hedged"] and not top["fiction"]
        assert top["citations"] and all(c["quote"] == kb.text(c["doc"])[c["start"]:c["end"]] for c in top["citations"])
        assert {"value", "citations", "sources", "voice", "hedged", "fiction"} <= top.keys()
        assert all(not c["fiction"] for c in r["candidates"] if "Dorn" not in c["value"])
        assert all(c["hedged"] for c in r["candidates"] if "Lask" in c["value"])


def test_split_dates_show_each_side_with_its_source(kb: KB) -> None:
    r = kb.ask("When was Oskar Feld arrested?")
    assert r["kind"] == "disagreement", r
    assert r["answer"].startswith("sources disagree:") and "2 April 1873" in r["answer"] and "9 April 1873" in r["answer"]
    assert {c["doc"] for c in r["citations"]} == {"gazette.txt", "letters.txt"}
    assert r["confidence"] < 0.8


@pytest.fixture(scope="module")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    from kartoteka.demo import corpus_path

    k = KB(tmp_path_factory.mktemp("demo") / "demo.db")
    with corpus_path() as folder:
        k.ingest([folder])
    return k


def test_demo_who_shot_kirov_is_not_the_bodyguard(demo_kb: KB) -> None:
    r = demo_kb.ask("Who shot Kirov?")
    assert "Borisov" not in r["answer"], r
    assert "Nikolaev" in r["answer"] and r["citations"]


def test_demo_who_killed_kirov_is_not_the_rumour(demo_kb: KB) -> None:
    r = demo_kb.ask("Who killed Kirov?")
    assert "Nikolaev" in r["answer"] and "Stalin" not in r["answer"], r
    # Where the rumour is a candidate at all it is marked as one.
    assert all(c["hedged"] for c in r["candidates"] if c["value"].endswith("Stalin"))


def test_shapes_take_a_date_and_a_pseudonym() -> None:
    q = parse_question("Who headed the Harbour Board on 3 June 1882?")
    assert (q.shape, q.target, q.when, q.year) == ("holder", "Harbour Board", "3 June 1882", "1882")
    q = parse_question("Who was the chairman of the Assembly in March 1790?")
    assert (q.shape, q.when) == ("holder", "March 1790")
    for text in ("What was Mara Quell's pen name?", "What was Lenin's pseudonym?", "By what name was Henrik Ander known?"):
        assert parse_question(text).shape == "real_name", text


def test_who_held_the_post_on_a_date(kb: KB) -> None:
    assert "Frederik Morrow" in kb.ask("Who headed the Harbour Board in 1882?")["answer"]
    later = kb.ask("Who was director of the Harbour Board in June 1886?")
    assert "Henrik Ander" in later["answer"] and "Morrow" not in later["answer"], later
    both = kb.ask("Who headed the Harbour Board in 1884?")
    assert both["kind"] == "list" and "Morrow" in both["answer"] and "Ander" in both["answer"], both


def test_a_real_name_the_source_states(kb: KB) -> None:
    r = kb.ask("What was Henrik Ander's real name?")
    assert r["answer"] == "Hendrik Andriessen" and r["citations"][0]["doc"] == "harbour.txt", r
