"""Biography-style paragraphs of our own (tests/fixtures/biographies.yaml) where two or three
people alternate as subjects: every factoid each paragraph asserts is found with its subject,
type and date, and none is filed under the other person."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_extract_rules import holds, types

from kartoteka import yamldata
from kartoteka.extract.testing import analyse_text

ITEMS = yamldata.safe_load((Path(__file__).parent / "fixtures" / "biographies.yaml").read_text(encoding="utf-8"))


def test_enough_paragraphs() -> None:
    assert len(ITEMS) >= 30


@pytest.mark.parametrize("item", ITEMS, ids=[f"bio{i}" for i in range(len(ITEMS))])
def test_biography_paragraph(item: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTOTEKA_RULES_OFF", raising=False)
    facts = analyse_text(item["text"], types())
    bad = [exp for exp in item["facts"] if not holds(facts, tuple(exp))]
    got = sorted((f.type, f.subject_id, f.date_start) for f in facts if not f.negated)
    assert not bad, f"{bad} not satisfied; got {got}"
