"""The compare stage's sweeps give exactly what comparing all with all gave (issue 18: a long
document about a few people must not make the comparisons quadratic)."""

from __future__ import annotations

import random

from kartoteka.compare.conflicts import office_conflicts
from kartoteka.compare.facts import Fact, gap_days, overlaps, rules
from kartoteka.compare.grouping import Claim, claims_of, close_pairs
from kartoteka.compare.offices import office_tokens


def _claim(n: int, start: str, end: str) -> Claim:
    return Claim([Fact(id=f"f{n}", doc="d", doc_id=1, type="arrest", subject="p", roles={}, start=n, end=n + 1,
                       quote="", date_start=start, date_end=end, precision="day", date_use="firm")])


def _day(rnd: random.Random) -> str:
    return f"{rnd.randint(1900, 1903)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 31):02d}"


def test_close_pairs_are_every_pair_within_the_window() -> None:
    rnd = random.Random(5)
    for window in (0, 7, 60, 400):
        claims = []
        for n in range(150):
            a, b = sorted((_day(rnd), _day(rnd))) if rnd.random() < 0.3 else (_day(rnd),) * 2
            claims.append(_claim(n, a, b))
        found = set(close_pairs(claims, window))
        within = {(i, j) for i in range(len(claims)) for j in range(i + 1, len(claims))
                  if gap_days(claims[i].lead.date_start, claims[i].lead.date_end,
                              claims[j].lead.date_start, claims[j].lead.date_end) <= window}
        assert within <= found
        assert all(i < j for i, j in found)
        assert len(found) < len(claims) * (len(claims) - 1) // 2 or window == 400


def test_dates_not_in_day_form_are_compared_all_with_all() -> None:
    claims = [_claim(0, "1937", "1937"), _claim(1, "1950-01-01", "1950-01-01"), _claim(2, "1901-01-01", "1901-01-01")]
    assert set(close_pairs(claims, 0)) == {(0, 1), (0, 2), (1, 2)}


def _office_conflicts_all_pairs(facts: list[Fact]) -> list[str]:
    """office_conflicts as it was: every pair of one subject's and body's appointments."""
    ranks = frozenset(w[:5] for w in rules()["rank_words"])
    claims = [c for c in claims_of(facts) if c.date_ok() and c.lead.precision in ("day", "month")]
    out = []
    for i, a in enumerate(claims):
        for b in claims[i + 1:]:
            la, lb = a.lead, b.lead
            if not overlaps(la.date_start, la.date_end, lb.date_start, lb.date_end):
                continue
            ta, tb = office_tokens(a.role("office")), office_tokens(b.role("office"))
            if ta - ranks == tb - ranks and ta & ranks != tb & ranks:
                out.append("|".join(a.ids + b.ids))
    return out


def test_office_conflicts_swept_in_date_order_are_those_of_every_pair() -> None:
    rnd = random.Random(9)
    offices = ["harbour master", "deputy harbour master", "first secretary of the guild", "secretary of the guild"]
    facts = []
    for n in range(300):
        day = _day(rnd)
        end = day if rnd.random() < 0.7 else day[:8] + "28"
        facts.append(Fact(id=f"a{n}", doc=f"d{n % 3}", doc_id=n % 3, type="appointment", subject="p",
                          roles={"office": rnd.choice(offices), "organization": "o"}, start=n, end=n + 1, quote="",
                          date_start=min(day, end), date_end=max(day, end), precision="day", date_use="firm"))
    found = ["|".join(c.values[0]["factoids"] + c.values[1]["factoids"]) for c in office_conflicts(facts, None)]
    assert found == _office_conflicts_all_pairs(facts)
    assert len(found) > 5
