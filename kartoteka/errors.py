"""Errors that reach the user as one line and an exit code (CONTRACT.md)."""

from __future__ import annotations


class KartotekaError(Exception):
    """A failure the user can act on: printed as one line, never as a traceback."""

    exit_code = 1


class UsageError(KartotekaError):
    """Bad usage or bad input."""

    exit_code = 2


class NotFound(KartotekaError):
    """The KB holds nothing that answers."""

    exit_code = 3


class RejectedInput(KartotekaError):
    """A file that cannot be ingested; the reason is one line for the summary."""

    exit_code = 2


class Ambiguous(NotFound):
    """A name that several entities answer equally well: the candidates, never one at random."""

    def __init__(self, message: str, candidates: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.candidates = candidates
