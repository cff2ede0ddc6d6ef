"""Every registered extraction rule on its own fixture sentences (kartoteka.extract.rules):
with every rule on, each expected factoid is there (and each "!" one is not); with the rule
switched off by name, at least one expectation fails, so each rule is seen doing its work."""

from __future__ import annotations

import pytest

import kartoteka.extract.extractor  # noqa: F401  (registers the rules)
from kartoteka.analysis import Factoid
from kartoteka.extract.rules import RULES, Expected
from kartoteka.extract.testing import analyse_text

PEOPLE = ["Ivan Petrov", "Petrov", "Boris Orlov", "Orlov", "Anna Volkova", "Volkova", "Gleb Morozov", "Morozov",
          "Marcel Duroc", "Duroc", "Louis Varlin", "Varlin", "Sergei Vavilov", "Vavilov", "Stalin",
          "Olga Brandt", "Brandt", "Pyotr Lanin", "Lanin", "Emil Hartmann", "Hartmann", "Nadia Soret", "Soret",
          "Jean Lannes", "Lannes"]
ORGS = ["Lyon Conference", "Paris Conference", "Order of Lenin", "Legion of Honour", "Communist Party", "Writers' Union", "Politburo", "Central Committee", "Socialist League", "NKVD",
        "Red Army", "Academy of Sciences", "Commune Council", "Jacobin Club", "Girondins", "Mensheviks", "Hebertists"]
PLACES = ["Moscow", "Paris", "Geneva", "Kazan", "Tsaritsyn", "Stalingrad", "Perm", "Molotov Region", "Kharkov",
          "Berlin", "Vienna", "Lyon", "Lausanne", "Volgograd", "Koenigsberg", "Kaliningrad"]


def types() -> dict[str, str]:
    out = {n: "person" for n in PEOPLE}
    out.update({n: "organization" for n in ORGS})
    out.update({n: "place" for n in PLACES})
    return out


def holds(facts: list[Factoid], exp: Expected) -> bool:
    typ, key, date = exp
    negative = typ.startswith("!")
    typ = typ.lstrip("!")
    key, _, role = key.partition("+")  # "duroc+place=paris": with that entity in that role
    role_name, _, role_key = role.partition("=")
    key, _, value = key.partition("=")  # "central_committee=98": a count's value too
    hits = [f for f in facts if f.type == typ and f.subject_id == "t:" + key and not f.negated
            and (date is None or (f.date_start or "").startswith(date)) and (not value or f.value == value)
            and (not role or f.roles.get(role_name) == "t:" + role_key)]
    return not hits if negative else bool(hits)


def failures(rule_name: str, monkeypatch: pytest.MonkeyPatch, off: str = "") -> list[str]:
    monkeypatch.setenv("KARTOTEKA_RULES_OFF", off)
    out = []
    for text, expected in RULES[rule_name].fixtures:
        facts = analyse_text(text, types())
        out += [f"{text!r}: {exp}" for exp in expected if not holds(facts, exp)]
    return out


NAMES = sorted(RULES)


def test_every_rule_has_three_fixtures() -> None:
    thin = [name for name, r in RULES.items() if len(r.fixtures) < 3]
    assert not thin, f"rules with fewer than three fixture sentences: {thin}"


@pytest.mark.parametrize("name", NAMES)
def test_rule_fixtures_hold(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = failures(name, monkeypatch)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", NAMES)
def test_rule_switched_off_loses_something(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert failures(name, monkeypatch, off=name), f"switching {name} off changes none of its fixtures"
