"""Genre detection on small texts written for these tests."""

from __future__ import annotations

from kartoteka.analysis import Analysis
from kartoteka.compare.genre import detect_genre
from kartoteka.ingest.readers import RawDocument
from kartoteka.ingest.structure import detect_structure


def analysis_of(text: str, fmt: str = "txt") -> Analysis:
    raw = RawDocument(text=text, format=fmt)
    segments, passages = detect_structure(raw)
    return Analysis(doc="t.txt", path="t.txt", format=fmt, sha256="", text=text, title="t",
                    segments=segments, passages=passages)


FICTION = "\n".join([
    "The corridor smelled of wax and tobacco.",
    '"Sit down," the commissar said, without looking up.',
    '"I would rather stand," Pavel answered.',
    "The clock ticked twice before anyone moved.",
    '"Then stand," he replied, and smiled thinly.',
    '"You know why you are here?" she asked.',
    "Pavel nodded and looked at the window.",
    '"Good," said the commissar.',
] * 5)

MONOGRAPH_PARAGRAPH = (
    "In 1928 the grain procurement crisis deepened, and by 1929 the leadership had turned to "
    "coercion; the decrees of 1930 and 1931 extended the campaign, while the census of 1937 "
    "was suppressed and repeated in 1939. "
)

TRANSCRIPTION = (
    "The congress met in the spring [the editor adds that the delegates had been chosen with great care] "
    "and the debate was short. [Note: The author wrote this chapter in exile and never finished it - Ed.] "
    "He spoke for an hour and was not interrupted. "
) * 10

MEMOIR = (
    "I arrived at the ministry early. {p. 12} My chief told me that I was to leave at once, and I "
    "packed my bag that night. I did not sleep. {p. 13} In the morning I took the train. "
) * 10


def test_fiction_is_detected_from_dialogue() -> None:
    assert detect_genre(analysis_of(FICTION))[0] == "fiction"


def test_transcription_is_detected_from_editor_brackets() -> None:
    assert detect_genre(analysis_of(TRANSCRIPTION))[0] == "transcription"


def test_memoir_is_detected_from_first_person_and_pages() -> None:
    assert detect_genre(analysis_of(MEMOIR))[0] == "memoir"


def test_dated_expository_prose_is_not_fiction() -> None:
    genre, feats = detect_genre(analysis_of("\n\n".join([MONOGRAPH_PARAGRAPH] * 20)))
    assert genre == "essay"
    assert feats["year_rate"] > 4
