"""Every installed pack is valid: entries well formed, ids unique, references resolve, enough coverage."""

from __future__ import annotations

from collections import Counter

import pytest

from kartoteka.resolve.packs import installed_packs, read_pack, relation_rows, validate_pack


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
