"""ask: every question shape, disagreement, fiction, the unknown case, the JSON and human output.

The KB is built through the real pipeline from short texts written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kartoteka.api import KB

CHRONICLE = """A Chronicle of the Commissariat

In July 1934 Genrikh Yagoda was appointed head of the NKVD. In September 1936 Nikolai Yezhov replaced Yagoda as head of the NKVD. Yagoda was arrested in March 1937.

Marshal Mikhail Tukhachevsky was arrested in May 1937. Marshal Tukhachevsky was shot on 12 June 1937 in Moscow.

Vasili Ulrikh chaired the military tribunal that tried the commanders. The tribunal sat for a single day.

The Seventeenth Congress opened in January 1934. The congress was attended by 1,966 delegates, of whom most were later arrested.

Walter Krivitsky was born in Podwoloczyska in 1899. Walter Krivitsky's real name was Samuel Ginsberg.

In August 1940 Ramon Mercader murdered Leon Trotsky in Coyoacan. Trotsky had lived in Mexico for three years.

Nikolai Bukharin was then forty-nine years old, and his trial lasted eleven days.

Stalin's article of March 1930 carried the title "Dizzy with Success" and blamed local officials.
"""

MEMOIR = """Recollections of a Staff Officer

I remember the morning the news came. Marshal Tukhachevsky was shot on 11 June 1937, a day before the papers admitted it.

The officers of the staff were silent for weeks afterwards.
"""

STORY = """The Red Corridor

"You know who killed him," said the colonel. "It was Ivan Petrovsky who killed Trotsky."

"Nobody will believe you," the clerk replied, smiling at the window.

"They believe what they are told," he said, and he laughed.

"Then tell them," she whispered. "Tell them tonight."

"I will," he answered. "I always do."
"""


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ask")
    for name, text in (("chronicle.txt", CHRONICLE), ("memoir.txt", MEMOIR), ("story.txt", STORY)):
        (d / name).write_text(text, encoding="utf-8")
    db = d / "kb.db"
    with KB(db) as kb:
        kb.ingest([d / "chronicle.txt", d / "memoir.txt", d / "story.txt"])
    return db


@pytest.fixture(scope="module")
def kb(kb_path: Path) -> KB:
    return KB(kb_path)


def check_citations(kb: KB, result: dict) -> None:
    assert result["citations"], result
    for c in result["citations"]:
        assert kb.text(c["doc"])[c["start"]:c["end"]] == c["quote"]
    assert len(result["answer"]) <= 300


@pytest.mark.parametrize(("question", "expected", "kind"), [
    ("Who chaired the military tribunal?", "Ulrikh", None),
    ("Who presided over the military tribunal?", "Ulrikh", None),   # a synonym of the sentence's verb
    ("When was Tukhachevsky shot?", "12 June 1937", None),
    ("Where was Krivitsky born?", "Podwoloczyska", None),
    ("How many delegates attended the Seventeenth Congress?", "1,966", "count"),
    ("Who replaced Yagoda?", "Yezhov", "person"),
    ("Who headed the NKVD in 1935?", "Yagoda", "person"),
    ("Who succeeded Yagoda as head of the NKVD?", "Yezhov", "person"),
    ("Who killed Trotsky?", "Mercader", "person"),
    ("What was Krivitsky's real name?", "Samuel Ginsberg", None),
    ("How old was Bukharin at his trial?", "forty-nine", "age"),
    ("How long did Bukharin's trial last?", "eleven days", "duration"),
    ("What was the title of Stalin's article of March 1930?", "Dizzy with Success", "title"),
    ("In what year was Krivitsky born?", "1899", None),
])
def test_question_shapes(kb: KB, question: str, expected: str, kind: str | None) -> None:
    result = kb.ask(question)
    assert expected.lower() in result["answer"].lower(), result
    if kind:
        assert result["kind"] == kind, result
    check_citations(kb, result)


def test_names_through_any_spelling(kb: KB) -> None:
    result = kb.ask("Who replaced Iagoda?")
    assert "Yezhov" in result["answer"]
    check_citations(kb, result)


def test_what_happened_to(kb: KB) -> None:
    result = kb.ask("What happened to Yagoda?")
    assert result["kind"] == "list"
    assert "arrest" in result["answer"]
    check_citations(kb, result)


def test_position_in_year(kb: KB) -> None:
    result = kb.ask("What position did Yagoda hold in 1935?")
    assert "head" in result["answer"].lower() and "NKVD" in result["answer"]
    check_citations(kb, result)


def test_disagreement_lists_every_value_with_support(kb: KB) -> None:
    result = kb.ask("When was Tukhachevsky shot?")
    assert result["kind"] == "disagreement", result
    assert "12 June 1937" in result["answer"] and "11 June 1937" in result["answer"]
    values = {v["value"] for v in result["values"]}
    assert {"12 June 1937", "11 June 1937"} <= values
    docs = {c["doc"] for c in result["citations"]}
    assert {"chronicle.txt", "memoir.txt"} <= docs
    result = kb.ask("Which sources disagree about Tukhachevsky?")
    assert result["kind"] == "disagreement"
    assert "1937-06-12" in result["answer"] or "12 June 1937" in result["answer"]
    check_citations(kb, result)


def test_fiction_never_supports_an_answer(kb: KB) -> None:
    assert any(s["doc"] == "story.txt" and s.get("genre") == "fiction" for s in kb.sources())
    result = kb.ask("Who killed Trotsky?")
    assert "Petrovsky" not in result["answer"]
    assert all(c["doc"] != "story.txt" for c in result["citations"])
    result = kb.ask("Who did the colonel say killed Trotsky?")
    assert all(c["doc"] != "story.txt" for c in result["citations"])


def test_unknown_has_empty_answer_and_closest_passages(kb: KB) -> None:
    result = kb.ask("Who painted the ceiling of the Sistine Chapel?")
    assert result["answer"] == "" and result["kind"] == "unknown"
    assert result["citations"] == []
    assert isinstance(result["closest"], list)


def test_cli_json_and_human_output(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "ask", "Who killed Trotsky?", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert {"question", "answer", "kind", "citations", "confidence"} <= result.keys()
    assert "Mercader" in result["answer"]
    code, out, err = run_cli("--db", kb_path, "ask", "Who killed Trotsky?")
    assert code == 0, err
    lines = out.splitlines()
    assert "Mercader" in lines[0]
    assert "chronicle.txt" in out and "murdered" in out
    code, out, err = run_cli("--db", kb_path, "ask", "Who painted the ceiling of the Sistine Chapel?")
    assert code == 3
    code, out, err = run_cli("--db", kb_path, "ask", "   ")
    assert code == 2 and "empty question" in err and "Traceback" not in err


def test_ask_and_search_on_a_query_only_kb(kb_path: Path) -> None:
    """The web UI serves a KB whose connection refuses writes."""
    with KB(kb_path, create=False).read_only() as ro:
        assert "Mercader" in ro.ask("Who killed Trotsky?")["answer"]
        assert "1,966" in ro.ask("How many delegates attended the Seventeenth Congress?")["answer"]
        assert ro.search("tribunal")


SUCCESSION = """The Commissariat Changes Hands

Lavrentiy Beria was appointed head of the NKVD on 25 November 1938, and the purge of the purgers began.

Two years earlier, on 26 September 1936, Nikolai Yezhov became People's Commissar for Internal Affairs. In January 1935 Yezhov had been made a secretary of the Central Committee.
"""


def test_the_post_after_the_event_word_narrows_it_and_another_mans_appointment_does_not_answer(
        tmp_path: Path) -> None:
    (tmp_path / "succession.txt").write_text(SUCCESSION, encoding="utf-8")
    with KB(tmp_path / "kb.db") as kb:
        kb.ingest([tmp_path / "succession.txt"])
        result = kb.ask("When was Yezhov appointed head of the NKVD?")
        assert "26 September 1936" in result["answer"], result
        assert "1938" not in result["answer"] and "1935" not in result["answer"], result
        check_citations(kb, result)


RANKS = """The Commissariats

In 1936 Nikolai Yezhov was appointed commissar of water transport.

In 1937 Vladimir Dekanozov was appointed deputy foreign commissar.

Lavrentiy Beria chaired the meeting as chief of the commissariat instead of Yezhov, whom he replaced late
in 1938.
"""


def test_a_successor_is_named_by_the_succession_not_by_a_rank_two_offices_share(tmp_path: Path) -> None:
    # "commissar" in both titles does not make the deputy foreign commissar Yezhov's successor
    (tmp_path / "ranks.txt").write_text(RANKS, encoding="utf-8")
    with KB(tmp_path / "kb.db") as kb:
        kb.ingest([tmp_path / "ranks.txt"])
        result = kb.ask("Who succeeded Yezhov?")
        assert "Beria" in result["answer"] and "Dekanozov" not in result["answer"], result
        check_citations(kb, result)
