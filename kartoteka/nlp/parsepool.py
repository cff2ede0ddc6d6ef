"""Parser processes kept for a whole ingest run, fed ahead of the ingesting process.

``nlp.pipe(n_process=...)`` forks its workers for each call and keeps them only two batches
ahead of the reader: while the ingesting process resolves and writes one document, the cores
that parsed it wait. Here the workers are forked once per run, take batches from one queue, and
a document's batches can be sent before the ingesting process is ready for them (the next
document is submitted while the current one is resolved and written), so the parse of one
document overlaps the serial work on another. A batch is the same 64 consecutive passages of one
document that ``nlp.pipe(texts, batch_size=64)`` forms, and comes back as one ``DocBin`` (one
message per batch instead of one ``Doc.to_bytes`` per passage).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kartoteka.nlp.model import BATCH_SIZE, arm_worker_death

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# How long the reader waits on the result queue before it checks that every worker still lives.
POLL_S = 1.0


def can_fork() -> bool:
    """Whether workers can inherit the loaded model (no fork on Windows: spaCy's workers then)."""
    return "fork" in mp.get_all_start_methods()


class ParsePool:
    """``n`` forked copies of ``nlp`` (its pipeline as it is now, ruler included)."""

    def __init__(self, nlp: Language, n: int) -> None:
        arm_worker_death()
        fork = mp.get_context("fork")  # the model is inherited, not pickled or loaded again
        self.nlp = nlp
        self.tasks: Any = fork.Queue()
        self.results: Any = fork.Queue()
        self.procs = [fork.Process(target=_work, args=(nlp, self.tasks, self.results), daemon=True)
                      for _ in range(n)]
        for p in self.procs:
            p.start()
        self.next_job = 0
        self.done: dict[tuple[int, int], bytes] = {}  # results that came before the one awaited
        self.dropped: set[int] = set()  # jobs whose results nobody will read

    def submit(self, texts: list[str]) -> tuple[int, int]:
        """Queue the texts' batches now; returns the job to read with ``docs``."""
        job, self.next_job = self.next_job, self.next_job + 1
        batches = [texts[k:k + BATCH_SIZE] for k in range(0, len(texts), BATCH_SIZE)]
        for k, batch in enumerate(batches):
            self.tasks.put(((job, k), batch))
        return job, len(batches)

    def docs(self, handle: tuple[int, int]) -> Iterator[Doc]:
        """The parses of a submitted job, in the order of its texts."""
        from spacy.tokens import DocBin

        job, n = handle
        for k in range(n):
            data = self._result((job, k))
            yield from DocBin().from_bytes(data).get_docs(self.nlp.vocab)

    def discard(self, handle: tuple[int, int]) -> None:
        """Forget a submitted job: its results are dropped as they arrive."""
        self.dropped.add(handle[0])
        for k in range(handle[1]):
            self.done.pop((handle[0], k), None)

    def _result(self, key: tuple[int, int]) -> bytes:
        while key not in self.done:
            try:
                got, data, error = self.results.get(timeout=POLL_S)
            except queue.Empty:
                if not all(p.is_alive() for p in self.procs):
                    raise RuntimeError("a parser process died") from None
                continue
            if error is not None:
                raise RuntimeError(f"the parser failed:\n{error}")
            if got[0] not in self.dropped:
                self.done[got] = data
        return self.done.pop(key)

    def close(self) -> None:
        """Stop the workers (a sentinel each, then a kill for any still running) and the queues."""
        for _ in self.procs:
            self.tasks.put(None)
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        for q in (self.tasks, self.results):
            q.cancel_join_thread()  # batches never read are dropped, not waited for
            q.close()


def _work(nlp: Language, tasks: Any, results: Any) -> None:
    """One worker: parse each batch as ``nlp.pipe`` would, send it back as one DocBin."""
    from spacy.tokens import DocBin

    # The ingesting process stops the workers itself (SIGTERM would run its handler here).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (item := tasks.get()) is not None:
        key, texts = item
        try:
            docbin = DocBin(store_user_data=False)
            for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
                docbin.add(doc)
            results.put((key, docbin.to_bytes(), None))
        except Exception:  # the reader raises it with the worker's traceback
            results.put((key, None, traceback.format_exc()))
