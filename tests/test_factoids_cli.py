"""factoids / timeline / offices / holders through the real pipeline and command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kartoteka.api import KB

TEXT = """The Commissariat

In 1934 Genrikh Yagoda was appointed head of the NKVD. He held the post for two years.

In September 1936 Nikolai Yezhov replaced Yagoda as head of the NKVD. Yagoda was arrested in March 1937 and shot the following year.

According to Walter Krivitsky, Ignace Reiss was murdered near Lausanne in September 1937. Krivitsky reportedly defected in 1937.

Nikolai Bukharin was never arrested in 1936, but he was arrested on 27 February 1937.
"""


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("facts")
    src = d / "history.txt"
    src.write_text(TEXT, encoding="utf-8")
    db = d / "kb.db"
    with KB(db) as kb:
        kb.ingest([src])
    return db


def test_factoids_json_shape_and_exact_spans(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "factoids", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows
    text = KB(kb_path).text("history.txt")
    for f in rows:
        assert {"id", "type", "roles", "source", "voice", "hedged", "negated", "confidence"} <= f.keys()
        s = f["source"]
        assert text[s["start"]:s["end"]] == s["quote"]
        assert {"id", "name", "type"} <= f["roles"]["subject"].keys()
        if "date" in f:
            assert {"text", "start", "end", "precision"} <= f["date"].keys()


def test_entity_filter_types_dates_and_flags(kb_path: Path, run_cli) -> None:
    code, out, _ = run_cli("--db", kb_path, "factoids", "--entity", "Yagoda", "--json")
    assert code == 0
    rows = json.loads(out)
    types = {f["type"] for f in rows}
    assert {"appointment", "arrest"} <= types
    arrest = next(f for f in rows if f["type"] == "arrest")
    assert arrest["date"]["start"] == "1937-03-01" and arrest["date"]["precision"] == "month"
    code, out, _ = run_cli("--db", kb_path, "factoids", "--entity", "Reiss", "--type", "killing", "--json")
    (killing,) = json.loads(out)
    assert killing["voice"] != "author"
    code, out, _ = run_cli("--db", kb_path, "factoids", "--entity", "Bukharin", "--type", "arrest", "--json")
    rows = json.loads(out)
    assert any(f["negated"] for f in rows) and any(not f["negated"] for f in rows)


def test_date_range_and_timeline_order(kb_path: Path, run_cli) -> None:
    code, out, _ = run_cli("--db", kb_path, "timeline", "--from", "1936", "--to", "1937", "--json")
    assert code == 0
    rows = json.loads(out)
    starts = [f["date"]["start"] for f in rows]
    assert starts == sorted(starts)
    assert all(f["date"]["end"] >= "1936-01-01" and f["date"]["start"] <= "1937-12-31" for f in rows)
    code, out, _ = run_cli("--db", kb_path, "factoids", "--from", "not a date", "--json")
    assert code == 2


def test_human_output_and_nothing_found(kb_path: Path, run_cli) -> None:
    code, out, _ = run_cli("--db", kb_path, "timeline", "--entity", "Yagoda", env={"COLUMNS": "240"})
    assert code == 0 and "appointment" in out
    code, _, _ = run_cli("--db", kb_path, "factoids", "--entity", "Nobody Atallski", "--json")
    assert code == 3


def test_offices_and_holders(kb_path: Path) -> None:
    with KB(kb_path) as kb:
        offices = kb.offices("Yagoda")
        assert offices and offices[0]["from"].startswith("1934")
        assert offices[0]["to"] is not None and offices[0]["to"].startswith("1936")
        names = [iv["holder"]["name"] for iv in kb.holders("NKVD", "1937")]
        assert any("Yezhov" in n for n in names)
        assert not any("Yagoda" in n for n in names)
