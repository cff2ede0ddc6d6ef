"""Structured answers: factoids, office intervals, aliases and disagreements for the question
shapes the KB models (who killed X, when was X shot, who succeeded X, X's real name, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kartoteka.api import KB
    from kartoteka.query.question import Question


def structured_answer(kb: KB, q: Question, excluded: set[int]) -> dict[str, Any] | None:
    return None
