"""Every installed pack is valid: entries well formed, ids unique, references resolve, enough coverage."""

from __future__ import annotations

from collections import Counter

import pytest

from kartoteka.resolve.packs import Pack, installed_packs, read_pack, relation_rows, validate_pack


@pytest.mark.parametrize("name", installed_packs())
def test_pack_valid(name: str) -> None:
    pack = read_pack(name)
    errors = validate_pack(pack)
    assert not errors, "\n".join(errors[:20])
    ids = [e["id"] for e in pack.entries]
    assert len(ids) == len(set(ids))


def test_soviet_pack_coverage_and_lineage() -> None:
    pack = read_pack("soviet")
    counts = Counter(e["type"] for e in pack.entries)
    assert counts["person"] >= 400
    assert counts["organization"] >= 100
    assert counts["place"] >= 150
    rel = {(s, d) for s, d, t, *_ in relation_rows(pack) if t == "succeeded_by"}
    assert ("soviet:tsaritsyn", "soviet:stalingrad") in rel or any(
        d == "soviet:stalingrad" for _, d in rel), "renamed places carry succession"


def _pack(entries: list[dict]) -> Pack:
    return Pack(name="t", title="t", description="", entries=entries, hash="x")


def test_shared_alias_must_be_marked() -> None:
    """Two agents given one code name: the validator names both until each marks it risky."""
    a = {"id": "agent_a", "type": "person", "name": "Olaf Brenner", "aliases": ["Heron"], "description": "x"}
    b = {"id": "agent_b", "type": "person", "name": "Mirek Dvorak", "aliases": ["heron"], "description": "y"}
    errors = validate_pack(_pack([a, b]))
    assert len([e for e in errors if "'heron'" in e]) == 2
    a["risky_aliases"] = ["Heron"]
    b["risky_aliases"] = ["Heron"]
    assert validate_pack(_pack([a, b])) == []


def test_alias_shared_across_types_needs_no_mark() -> None:
    """A person and the town named after him are kept apart by type."""
    a = {"id": "brenner", "type": "person", "name": "Olaf Brenner", "aliases": ["Brennerstadt"], "description": "x"}
    b = {"id": "brennerstadt", "type": "place", "name": "Brennerstadt", "description": "y"}
    assert validate_pack(_pack([a, b])) == []


def test_an_alias_shaped_like_a_date_is_rejected() -> None:
    """ "March 1921" as an event's alias would link every such date in a text to the event."""
    e = {"id": "kronstadt_rising", "type": "event", "name": "Kronstadt Rising", "description": "x",
         "aliases": ["Kronstadt Mutiny", "March 1921"]}
    assert any("is a date" in x for x in validate_pack(_pack([e])))
    e["aliases"] = ["Kronstadt Mutiny", "Battle of 1921"]
    assert validate_pack(_pack([e])) == []
    for date in ("1848", "4 July 1776", "november 1918"):
        e["aliases"] = [date]
        assert validate_pack(_pack([e])), date
