"""The registry of extraction rules: each a small function with a name, the linguistic
phenomenon it handles and fixture sentences of its own, that reads the shared, read-only parse
context (a ``ParseContext``, context.py: tokens, mentions, coreference, dates), passed as its
first argument ``cx``, and returns what it finds.

Like spaCy's registered components, a rule is looked up by name, and any rule can be switched
off by name for an ablation: ``KARTOTEKA_RULES_OFF=noun_of_object,coref_topic``. A rule that is
off finds nothing; the engine runs on without it.

Kinds of rule (the ``kind`` field says where the engine calls it):
  noun-subject   tokens a nominal trigger's event happens to ("X's arrest", "the arrest of X")
  verb-subject   tokens a verbal trigger's event happens to (passive subject, active object, actor)
  expand         how a noun phrase stands for people (apposition, groups, relative pronouns)
  coref          how a pronoun or a description finds its person
  candidates     further factoids from a phrase with no trigger verb ("X, head of Y")
  gate           conditions under which a trigger fires at all
  date           how a date expression is read (the anchor an anaphoric "that day" points back to)

Each fixture is (text, [(type, subject surname or name key, date prefix or None), ...]): the
factoids a rule's phenomenon must give on that text ("!type": must not give; "key=V": with value V;
"key+role=K": with entity K in that role). tests/test_extract_rules.py runs them all,
and checks that switching the rule off loses at least one of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Expected = tuple[str, str, str | None]
Fixture = tuple[str, tuple[Expected, ...]]


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    phenomenon: str
    fixtures: tuple[Fixture, ...] = ()
    fn: Callable[..., Any] | None = field(default=None, compare=False)


RULES: dict[str, Rule] = {}
KINDS = ("noun-subject", "verb-subject", "expand", "coref", "candidates", "gate", "date")


def rule(name: str, kind: str, phenomenon: str,
         fixtures: list[tuple[str, list[Expected]]] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as rule ``name``."""
    if kind not in KINDS:
        raise ValueError(f"unknown rule kind {kind!r}")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        RULES[name] = Rule(name, kind, phenomenon, _fixtures(fixtures), fn)
        return fn

    return deco


def declare(name: str, kind: str, phenomenon: str, fixtures: list[tuple[str, list[Expected]]] | None = None) -> None:
    """Register a rule whose code is a guarded step of the engine (``if on(name)``), not a function."""
    if kind not in KINDS:
        raise ValueError(f"unknown rule kind {kind!r}")
    RULES[name] = Rule(name, kind, phenomenon, _fixtures(fixtures), None)


def _fixtures(fixtures: list[tuple[str, list[Expected]]] | None) -> tuple[Fixture, ...]:
    return tuple((text, tuple(exp)) for text, exp in (fixtures or []))


_OFF_CACHE: dict[str, frozenset[str]] = {}


def disabled() -> frozenset[str]:
    """The rule names switched off by ``$KARTOTEKA_RULES_OFF`` (comma-separated)."""
    raw = os.environ.get("KARTOTEKA_RULES_OFF", "")
    if raw not in _OFF_CACHE:
        _OFF_CACHE[raw] = frozenset(x.strip() for x in raw.split(",") if x.strip())
    return _OFF_CACHE[raw]


def on(name: str) -> bool:
    """Whether rule ``name`` runs (registered rules only: a typo is an error, not a silent no-op)."""
    if name not in RULES:
        raise KeyError(f"no extraction rule named {name!r}")
    return name not in disabled()


def of_kind(kind: str) -> list[Rule]:
    """The rules of one kind that are on, in registration order."""
    off = disabled()
    return [r for r in RULES.values() if r.kind == kind and r.name not in off and r.fn is not None]
