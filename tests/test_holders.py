"""`holders OFFICE` (issue 18): one tenure per person and office however many sources retell the
appointment, with every source; and holders whose appointment no clause dates, dated by the
date of their sentence or paragraph. Over texts written for this test (an invented port)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

DOCS = {
    "register.txt": """The Kelport Register

Ottilie Brandt was appointed harbour master of Kelport in 1902. Ottilie Brandt was removed as harbour master of Kelport in 1909.

The shipyard was sold to new owners in 1919, and after a long quarrel over the price Jonas Feld became director of the Kelport Shipyard.

Edda Lomm came to Kelport in the spring of 1921. Soon afterwards Edda Lomm was made keeper of the Kelport lighthouse.
""",
    "gazette.txt": """Kelport Gazette

In March 1902 Ottilie Brandt was appointed harbour master of Kelport, the first woman to hold the post. Halla Mervin was appointed harbour master of Kelport in 1910.
""",
    "diary.txt": """A Diary of the Coast

Ottilie Brandt was appointed harbour master of Kelport in 1902, and she kept the office for years.
""",
}


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("holders")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "kb.db"
    code, _, err = run_cli("--db", db, "ingest", folder)
    assert code == 0, err
    return db


def holders(db: Path, *args: str) -> tuple[int, list[dict]]:
    code, out, err = run_cli("--db", db, "holders", *args, "--json")
    assert code in (0, 3), err
    return code, json.loads(out)


def test_one_tenure_per_person_and_office_with_all_its_sources(kb_path: Path) -> None:
    _, rows = holders(kb_path, "harbour master")
    brandt = [t for t in rows if t["holder"]["name"] == "Ottilie Brandt"]
    assert len(brandt) == 1, "three sources tell one appointment: one tenure"
    (t,) = brandt
    assert {s["doc"] for s in t["sources"]} == set(DOCS) and len(t["factoids"]) == 3
    assert t["from"].startswith("1902") and t["to"].startswith("1909") and t["dated_by"] == "stated"
    assert [r["holder"]["name"] for r in rows] == ["Ottilie Brandt", "Halla Mervin"]
    code, out, _ = run_cli("--db", kb_path, "holders", "harbour master")
    assert code == 0 and out.count("Ottilie Brandt ·") == 1 and "showing 1–2 of 2" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_an_appointment_dated_only_by_its_context_is_found(kb_path: Path) -> None:
    _, rows = holders(kb_path, "director")
    (feld,) = rows
    assert feld["holder"]["name"] == "Jonas Feld" and feld["from"].startswith("1919")
    assert feld["dated_by"] == "context" and feld["sources"][0]["dated_by"] == "context"
    _, rows = holders(kb_path, "keeper")
    assert [(t["holder"]["name"], t["from"][:4], t["dated_by"]) for t in rows] == [("Edda Lomm", "1921", "context")]
    code, out, _ = run_cli("--db", kb_path, "holders", "director")
    assert code == 0 and "by context" in out


def test_holders_at_a_date(kb_path: Path) -> None:
    _, rows = holders(kb_path, "harbour master", "--date", "1905")
    assert [t["holder"]["name"] for t in rows] == ["Ottilie Brandt"]
    _, rows = holders(kb_path, "director", "--date", "1925")
    assert [t["holder"]["name"] for t in rows] == ["Jonas Feld"]
    code, rows = holders(kb_path, "director", "--date", "1911")
    assert code == 3 and rows == []
    code, _, err = run_cli("--db", kb_path, "holders", "director", "--date", "1911-13")
    assert code == 2 and err.strip().count("\n") == 0
