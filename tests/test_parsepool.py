"""The run's parser processes (kartoteka.nlp.parsepool): the same parses as ``nlp.pipe`` in this
process, in order whatever order jobs are read in, a dead worker reported, and a KB built with
them (documents read and parsed ahead) equal to one parsed in-process."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from kartoteka.api import KB
from kartoteka.nlp import model
from kartoteka.nlp.model import load_model
from kartoteka.nlp.parsepool import ParsePool

PEOPLE = ["Ilse Varga", "Tomas Orrin", "Dr. Pell", "Greta Holm", "Anton Wirth", "Senator Cale"]
VERBS = ["met", "wrote to", "was arrested with", "succeeded", "quarrelled with", "was appointed deputy to"]
PLACES = ["Kelport", "the harbour office", "Lindau", "the Northern Bureau", "Tarnow"]


def sentences(n: int, seed: int) -> list[str]:
    """Invented passages of one to four sentences each."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        out.append(" ".join(f"In {rnd.randint(1850, 1990)} {rnd.choice(PEOPLE)} {rnd.choice(VERBS)} "
                            f"{rnd.choice(PEOPLE)} in {rnd.choice(PLACES)}." for _ in range(rnd.randint(1, 4))))
    return out


def tokens(doc) -> list[tuple]:
    return [(t.text, t.whitespace_, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph), t.ent_iob_,
             t.ent_type_, t.is_sent_start) for t in doc]


needs_two = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="needs fork and two CPUs")


@needs_two
def test_pool_parses_as_nlp_pipe_in_order_whatever_order_jobs_are_read() -> None:
    nlp = load_model()
    first, second = sentences(150, 1), sentences(70, 2)  # several batches of 64, a short last one
    pool = ParsePool(nlp, 2)
    try:
        h1, h2 = pool.submit(first), pool.submit(second)
        got2 = [tokens(d) for d in pool.docs(h2)]
        got1 = [tokens(d) for d in pool.docs(h1)]
    finally:
        pool.close()
    assert got1 == [tokens(d) for d in nlp.pipe(first, batch_size=model.BATCH_SIZE)]
    assert got2 == [tokens(d) for d in nlp.pipe(second, batch_size=model.BATCH_SIZE)]


@needs_two
def test_a_dead_worker_is_an_error_not_a_wait() -> None:
    pool = ParsePool(load_model(), 2)
    try:
        for p in pool.procs:
            os.kill(p.pid, signal.SIGKILL)
            p.join()
        with pytest.raises(RuntimeError, match="parser process died"):
            list(pool.docs(pool.submit(sentences(10, 3))))
    finally:
        pool.close()


def rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                for t in ("passages", "mentions", "entities", "aliases", "factoids")}
    finally:
        conn.close()


@needs_two
def test_a_kb_parsed_on_the_pool_equals_one_parsed_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"doc{n}.txt").write_text("\n\n".join(sentences(40, 10 + n)) + "\n", encoding="utf-8")
    monkeypatch.setenv("KARTOTEKA_STAGES", "genre,nlp,resolve,extract")
    with KB(tmp_path / "inproc.db") as kb:
        kb.ingest([corpus], n_process=1)
    # Every document large enough for the workers: the pool starts with the first one read ahead.
    monkeypatch.setattr(model, "MIN_CHARS_FOR_WORKERS", 1000)
    with KB(tmp_path / "pool.db") as kb:
        results = kb.ingest([corpus], n_process=2)
    assert [r.status for r in results] == ["added"] * 3
    inproc, pooled = rows(tmp_path / "inproc.db"), rows(tmp_path / "pool.db")
    assert pooled["mentions"] and pooled["entities"]
    assert pooled == inproc
