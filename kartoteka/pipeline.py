"""The ingestion pipeline: registered stages run in order over one document's Analysis.

Like spaCy's components, a stage is a named callable registered here; the order is data
(``DEFAULT_STAGES``). Stages read the Analysis built so far and add to it; only the store
writes, once per document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kartoteka.analysis import Analysis


@dataclass
class Context:
    """What stages share across the documents of one ingest run."""

    conn: sqlite3.Connection
    packs: list[str] | None = None  # None: every installed pack
    n_process: int = 1
    cache: dict[str, Any] = field(default_factory=dict)
    # Told (passages done, passages in the document) as a long document is parsed: progress.
    on_passage: Callable[[int, int], None] | None = None
    skip: set[str] = field(default_factory=set)  # stages switched off for this run (ingest --no-embed)
    # What a stage keeps for the whole run and must stop at its end (the parser processes).
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Stop what the run's stages started (``closers``, last first)."""
        while self.closers:
            self.closers.pop()()


Stage = Callable[[Analysis, Context], None]
STAGES: dict[str, Stage] = {}

# Stages run in this order; a name not registered (its module absent) is skipped. "embed" is a
# deferred stage: it runs after every document of the run is written.
DEFAULT_STAGES = ["genre", "nlp", "resolve", "extract", "embed"]
# Stages that read only the document and the packs' files, never the KB: ``ingest --ray`` runs
# them on Ray workers. They open the order; every later stage (resolution reads the entities that
# earlier documents created) runs in the driver, document after document, as in a plain ingest.
PURE_STAGES = ("genre", "nlp")
# Modules whose import registers the stages above.
STAGE_MODULES = [
    "kartoteka.compare.genre",
    "kartoteka.nlp.stage",
    "kartoteka.resolve.stage",
    "kartoteka.extract.stage",
    "kartoteka.nlp.embed",
]


def register(name: str) -> Callable[[Stage], Stage]:
    def deco(fn: Stage) -> Stage:
        STAGES[name] = fn
        return fn

    return deco


# A stage's prefetch starts its work on a document in other processes before the document's turn
# (the nlp stage sends its passages to the parser processes): the ingest loop calls it for the next
# document before the stages of the current one, so the workers parse while this process resolves
# and writes. It changes nothing in the Analysis; the stage itself collects the result.
PREFETCH: dict[str, Stage] = {}


def register_prefetch(name: str) -> Callable[[Stage], Stage]:
    def deco(fn: Stage) -> Stage:
        PREFETCH[name] = fn
        return fn

    return deco


def prefetch(a: Analysis, ctx: Context) -> None:
    """Every prefetch of this run's stages over ``a`` (after ``load_stages()``)."""
    for name in stage_names():
        if name in PREFETCH and name in STAGES:
            PREFETCH[name](a, ctx)


# Stages that run once the run's documents are written (the KB is searchable before them):
# each takes the Context, the ids of the documents written, and a progress callback (done, total).
DeferredStage = Callable[[Context, list[int], Callable[[int, int], None] | None], None]
DEFERRED: dict[str, DeferredStage] = {}


def register_deferred(name: str) -> Callable[[DeferredStage], DeferredStage]:
    def deco(fn: DeferredStage) -> DeferredStage:
        DEFERRED[name] = fn
        return fn

    return deco


def deferred_stages(ctx: Context) -> list[tuple[str, DeferredStage]]:
    """The deferred stages this run takes, in ``stage_names()`` order (after ``load_stages()``)."""
    return [(name, DEFERRED[name]) for name in stage_names() if name in DEFERRED and name not in ctx.skip]


def load_stages() -> list[tuple[str, Stage]]:
    import importlib

    for module in STAGE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
    return [(name, STAGES[name]) for name in stage_names() if name in STAGES]


def stage_names() -> list[str]:
    """The stages to run: ``DEFAULT_STAGES``, or ``$KARTOTEKA_STAGES`` (comma-separated names;
    an empty value runs none, which leaves reading and structure only) where it is set."""
    import os

    override = os.environ.get("KARTOTEKA_STAGES")
    if override is None:
        return list(DEFAULT_STAGES)
    return [name.strip() for name in override.split(",") if name.strip()]


# Run-level steps after every document of an ingest run is stored (recomputing corroboration
# and conflicts, for instance), in order. Each takes the Context.
FINISHERS: dict[str, Callable[[Context], None]] = {}
FINISHER_MODULES = ["kartoteka.curate.replay", "kartoteka.compare.stage"]
# Finishers that run before the others whatever the import order: the historian's corrections are
# replayed over the rebuilt rows before anything is derived from them.
FIRST_FINISHERS = ("curate",)


def register_finisher(name: str) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def deco(fn: Callable[[Context], None]) -> Callable[[Context], None]:
        FINISHERS[name] = fn
        return fn

    return deco


def finish_run(ctx: Context, changed: bool) -> None:
    import importlib

    if not changed:
        return
    for module in FINISHER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
    for name in sorted(FINISHERS, key=lambda n: n not in FIRST_FINISHERS):
        FINISHERS[name](ctx)
