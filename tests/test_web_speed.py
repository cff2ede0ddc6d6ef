"""What keeps the web UI's uncached page builds fast (issue 18, web under 16 clients): the server
shares one warm search cache between requests while the KB file is unchanged, a reader's
connection does not count as a change of the KB, and the dossier's and home page's aggregate
queries (link evidence, most-mentioned entities) give what a plain recount gives, on SQLite and
PostgreSQL. Over a KB built from two short texts written for these tests (invented people of an
invented river town).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from kartoteka import KB
from kartoteka.web.pagecache import WarmSearch, kb_state

DOCS = {
    "ferry.txt": """The Ferry Ledger of Ostmark

Ilse Marrow was appointed ferry warden of Ostmark in April 1888. Ilse Marrow quarrelled with
Benedikt Sallow in Ostmark in 1890. Benedikt Sallow was elected treasurer of the Ostmark Ferry
Guild in 1891.

Ilse Marrow left Ostmark for Greywater in the spring of 1893. Marrow wrote to Benedikt Sallow
from Greywater in 1894.
""",
    "guild.txt": """Minutes of the Ferry Guild

Benedikt Sallow opened the meeting of the Ostmark Ferry Guild in 1892. Sallow read a letter
from Ilse Marrow. Jorund Pike was born in Greywater in 1870 and met Ilse Marrow in 1895.
""",
}


def ingest(db: str | Path, folder: Path, stages: str | None = None) -> None:
    env = None
    if stages is not None:
        import os

        env = {**os.environ, "KARTOTEKA_STAGES": stages}
    proc = subprocess.run([sys.executable, "-m", "kartoteka", "--db", str(db), "ingest", str(folder)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def full_db(tmp_path_factory: pytest.TempPathFactory, new_kb: Callable[[], str | Path]) -> str | Path:
    """The two texts fully analysed, on each backend (the aggregate queries are SQL of their own)."""
    folder = tmp_path_factory.mktemp("speed-corpus")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = new_kb()
    ingest(db, folder)
    return db


@pytest.fixture
def plain_db(tmp_path: Path) -> tuple[Path, Path]:
    """A KB of the two texts read and cut into passages only (fast), and its folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.txt").write_text(DOCS["ferry.txt"], encoding="utf-8")
    db = tmp_path / "kb.db"
    ingest(db, folder, stages="")
    return db, folder


def test_an_open_reader_is_no_change_of_the_kb(plain_db: tuple[Path, Path]) -> None:
    # Each request's connection makes an empty WAL (the last to close removes it); counting that
    # as a change threw the page cache and the warm search cache away on every request.
    db, _folder = plain_db
    before = kb_state(db)
    kb = KB(db, create=False).read_only()
    try:
        kb.search("Ilse Marrow", limit=3)
        during = kb_state(db)
    finally:
        kb.close()
    assert during == before
    assert kb_state(db) == before


def test_the_warm_search_cache_lasts_until_the_kb_changes(plain_db: tuple[Path, Path]) -> None:
    db, folder = plain_db
    warm = WarmSearch(db)
    first = warm.current()
    with KB(db, create=False) as kb:
        kb.read_only().reuse_search_cache(first)
        hits = kb.search("ferry warden", limit=3)
    assert hits and first.texts, "the search read its document's text through the shared cache"
    assert warm.current() is first
    (folder / "guild.txt").write_text(DOCS["guild.txt"], encoding="utf-8")
    ingest(db, folder, stages="")
    assert warm.current() is not first


def test_link_evidence_counts_every_mention_once(full_db: str | Path) -> None:
    with KB(full_db, create=False) as kb:
        eid = kb.resolve_name("Benedikt Sallow")
        assert eid
        e = kb.entity_by_id(eid, co_limit=0)
        evidence = kb.link_evidence(eid, per_alias=1)
        texts = {s["doc"]: kb.text(s["doc"]) for s in kb.sources()}
    assert sum(item["mentions"] for item in evidence) == e["mention_count"] >= 3
    for item in evidence:
        assert sum(item["how"].values()) == item["mentions"]
        assert len(item["sample"]) <= 1
        for s in item["sample"]:
            text = texts[s["doc"]]
            assert text[s["start"]:s["end"]] == s["quote"]
            around = f"{text[max(0, s['start'] - 40):s['start']]}[{s['quote']}]{text[s['end']:s['end'] + 40]}"
            assert s["context"] == around.replace("\n", " ")
    assert "Benedikt Sallow" in {item["alias"] for item in evidence}


def test_most_mentioned_entities_match_a_recount(full_db: str | Path) -> None:
    with KB(full_db, create=False) as kb:
        recount: Counter[str] = Counter()
        docs: dict[str, set[str]] = {}
        for s in kb.sources():
            for m in kb.mentions(s["doc"]):
                if m["entity"]:
                    recount[m["entity"]["id"]] += 1
                    docs.setdefault(m["entity"]["id"], set()).add(s["doc"])
        top = kb.entities(limit=5)
        people = kb.entities(type="person", limit=50)
    assert [e["mention_count"] for e in top] == sorted(recount.values(), reverse=True)[:5]
    assert people and all(e["type"] == "person" for e in people)
    for e in top + people:
        assert e["mention_count"] == recount[e["id"]]
        assert e["source_count"] == len(docs[e["id"]])
