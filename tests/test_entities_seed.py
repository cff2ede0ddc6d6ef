"""Entities over the seed corpus (skipped where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.api import KB

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
pytestmark = [pytest.mark.seeds, pytest.mark.slow,
              pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus absent")]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    k = KB(tmp_path_factory.mktemp("seeds") / "s.db")
    k.ingest([p for p in sorted(SEEDS.iterdir()) if p.stat().st_size < 400_000], n_process=1)
    return k


def test_seed_mentions_valid_and_resolved(kb: KB) -> None:
    for src in kb.sources():
        text = kb.text(src["doc"])
        for m in kb.mentions(src["doc"]):
            assert text[m["start"]:m["end"]] == m["text"]
    assert kb.entity("Stalin")["id"] == "soviet:stalin"
    assert kb.entity("Krivitsky")["id"] == kb.entity("Samuel Ginsberg")["id"]
    assert kb.entity("Admiral Orlov")["id"] != kb.entity("Alexander Orlov")["id"]


def test_seed_no_chrome_entities(kb: KB) -> None:
    names = {e["name"].lower() for e in kb.entities(limit=5000)}
    assert "comment count" not in names and "log out" not in names
