"""The compare stage streams the KB a subject at a time (issue 18: memory must follow a group, not
a long document): each subject's factoids read alone are the whole KB's, in the same order, and a
document's profile counted subject by subject is the profile of all its factoids at once."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from compare_kb import F, analysis, build

from kartoteka.api import KB
from kartoteka.compare.facts import FactReader, fact_subjects, load_facts, load_subject_facts
from kartoteka.compare.profile import hedge_rate, ocr_noise

# Our own sentences about invented people; the clerk's voice comes first in the document but
# belongs to the subject compared last, so a tally kept in subject order would list it second.
LEDGER = ("The clerk recorded that Pavel Volkov was born in 1888. Ivan Orlov was arrested in Leningrad on "
          "3 March 1921. Volkov was arrested in Leningrad on 10 March 1921. The clerk added that Orlov was "
          "born in 1890.")
MINUTES = ("At the hearing Orlov was said to have been arrested in Moscow on 3 March 1921. "
           "Pavel Volkov was born in 1887, by the parish book.")


@pytest.fixture(scope="module")
def kb(new_kb) -> KB:
    ledger = analysis("ledger.txt", LEDGER, [
        F("birth", "test:volkov", "Pavel Volkov was born in 1888", date="1888", subject_text="Pavel Volkov"),
        F("arrest", "test:orlov", "Ivan Orlov was arrested in Leningrad on 3 March 1921", date="3 March 1921",
          subject_text="Ivan Orlov", trigger="arrested", roles={"place": "test:leningrad"}),
        F("arrest", "test:volkov", "Volkov was arrested in Leningrad on 10 March 1921", date="10 March 1921",
          subject_text="Volkov", trigger="arrested", roles={"place": "test:leningrad"}),
        F("birth", "test:orlov", "Orlov was born in 1890", date="1890", subject_text="Orlov"),
    ])
    for f in ledger.factoids:
        if f.type == "birth":
            f.voice = "the clerk"
    minutes = analysis("minutes.txt", MINUTES, [
        F("arrest", "test:orlov", "Orlov was said to have been arrested in Moscow on 3 March 1921",
          date="3 March 1921", subject_text="Orlov", trigger="arrested", roles={"place": "test:moscow"}),
        F("birth", "test:volkov", "Pavel Volkov was born in 1887", date="1887", subject_text="Pavel Volkov"),
    ])
    path = new_kb()
    build(path, [ledger, minutes])
    return KB(path)


def test_each_subject_read_alone_gives_the_kbs_factoids_in_the_same_order(kb: KB) -> None:
    whole = load_facts(kb.conn)
    reader = FactReader(kb.conn)
    streamed = {s: [f.id for f in load_subject_facts(kb.conn, s, reader)] for s in fact_subjects(kb.conn)}
    assert sorted(i for ids in streamed.values() for i in ids) == sorted(f.id for f in whole)
    for subject, ids in streamed.items():
        assert ids == [f.id for f in whole if f.subject == subject]
    assert len(streamed) >= 2


def test_a_documents_profile_is_that_of_all_its_factoids_at_once(kb: KB) -> None:
    whole = load_facts(kb.conn)
    rows = kb.conn.execute("SELECT id, doc, profile FROM documents ORDER BY id").fetchall()
    conflicts = sorted((r[1], r[2], r[3], r[0], json.loads(r[4])) for r in kb.conn.execute(
        "SELECT id, entity_id, type, field, docs FROM conflicts"))
    assert conflicts, "the fixture must hold a conflict"
    for doc_id, doc, profile in rows:
        p = json.loads(profile)
        mine = [f for f in whole if f.doc_id == doc_id]
        voices = Counter(f.voice for f in mine)
        assert list(p["voices"]) == [v for v, _ in voices.most_common(8)]
        assert p["voices"] == dict(voices.most_common(8))
        assert p["factoids"] == len(mine)
        assert p["hedged_share"] == round(sum(f.hedged for f in mine) / len(mine), 3)
        ids = [c[3] for c in conflicts if doc in c[4]]
        assert p["conflicts"]["total"] == len(ids)
        assert p["conflicts"]["ids"] == ids[:50]
    ledger = json.loads(rows[0][2])
    assert list(ledger["voices"]) == ["the clerk", "author"]


def test_recomputing_twice_changes_no_row(kb: KB, tmp_path: Path) -> None:
    def snapshot() -> list[list[str]]:
        return [sorted(repr(tuple(r)) for r in kb.conn.execute(q)) for q in (
            "SELECT * FROM factoid_groups", "SELECT * FROM conflicts", "SELECT * FROM events",
            "SELECT * FROM event_factoids", "SELECT id, genre, profile FROM documents")]

    before = snapshot()
    kb.recompute_comparisons()
    assert snapshot() == before


def _hedge_rate_at_once(text: str, words: frozenset[str], phrases: tuple[str, ...]) -> float:
    """hedge_rate as it was, every word of the text in one list."""
    tokens = re.findall(r"\b\w+\b", text)
    if not tokens:
        return 0.0
    low = " ".join(t.lower() for t in tokens)
    hits = sum(1 for t in tokens if t.lower() in words and t != "May") + sum(low.count(p) for p in phrases)
    return round(hits * 1000.0 / len(tokens), 2)


@pytest.mark.parametrize("chunk", [1, 7, 40, 1 << 20])
def test_hedging_counted_a_chunk_at_a_time_is_counted_as_at_once(chunk: int) -> None:
    # Our own text: hedges and hedging phrases that straddle any cut, a month named May, OCR slips.
    text = ("Perhaps the ferryman Tomas Rieck left Kelport in May 1851; it is said that he\nreturned,\t"
            "possibly twice. It is said\n\nthat the harbour   board doubted it, perhaps rightly. Caf6 tHe ") * 3
    words, phrases = frozenset({"perhaps", "possibly", "may"}), ("it is said", "said that")
    assert hedge_rate(text, words, phrases, chunk) == _hedge_rate_at_once(text, words, phrases) > 0
    assert hedge_rate("", words, phrases, chunk) == 0.0
    noise = ocr_noise(text)
    assert noise["suspect_tokens"] == 6 and noise["examples"] == ["Caf6", "tHe"]
