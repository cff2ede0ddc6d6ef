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


def _pack(entries: list[dict], source: str = "invented for the test") -> Pack:
    return Pack(name="t", title="t", description="", entries=entries, hash="x", source=source)


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


def test_an_entry_needs_a_qid_or_a_source_note() -> None:
    """An entry with neither a QID nor a source note is reported, unless the pack gives a default."""
    e = {"id": "tollund_ferry", "type": "organization", "name": "Tollund Ferry Company", "description": "x"}
    assert any("neither a qid nor a source" in x for x in validate_pack(_pack([e], source="")))
    assert validate_pack(_pack([{**e, "qid": "Q1"}], source="")) == []
    assert validate_pack(_pack([{**e, "source": "parish register of 1888"}], source="")) == []
    assert any("empty source" in x for x in validate_pack(_pack([{**e, "source": " "}], source="")))
    assert validate_pack(_pack([e], source="the county archive's catalogue")) == []


def test_soviet_pack_states_its_source() -> None:
    pack = read_pack("soviet")
    assert pack.source
    no_note = [e["id"] for e in pack.entries if "qid" not in e and "source" not in e]
    assert no_note  # these take the pack's note; the validator would name them without it


def test_soviet_pack_renamings_are_dated() -> None:
    """The Commissariat of Posts and Telegraphs became Communications in January 1932; Perm became
    Molotov on 8 March 1940."""
    pack = read_pack("soviet")
    late = [(e["id"], o) for e in pack.entries for o in e.get("offices") or []
            if "Posts and Telegraphs" in o.get("office", "") and str(o.get("to") or o.get("from") or "") > "1932-01"]
    assert not late, late
    by_id = {e["id"]: e for e in pack.entries}
    assert by_id["perm"]["to"] == by_id["molotov_city"]["from"] == "1940-03-08"
    assert by_id["perm"]["successor"] == "molotov_city"
