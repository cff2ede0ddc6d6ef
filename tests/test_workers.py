"""spaCy's worker processes end with the ingest that started them (issue 18): after kill -9 of
the parent, and after SIGTERM (which the parent turns into a clean stop, exit 143)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env

PEOPLE = ["Anselm Quarry", "Ottilie Brandt", "Bertram Vosk", "Mira Solberg", "Jonas Feld", "Halla Mervin"]
PLACES = ["Kelport", "Dunmore", "Lindau", "Tarn", "Ostrava Mill", "the upper valley"]
DEEDS = ["visited {place} in {year}", "was appointed warden of {place} in {year}",
         "wrote to the council about {place} in {year}", "left {place} for good in {year}"]


def long_text(chars: int) -> str:
    """Enough invented paragraphs that the parser starts its worker processes."""
    rnd = random.Random(7)
    paras, size = [], 0
    while size < chars:
        sentences = [f"{rnd.choice(PEOPLE)} " + rnd.choice(DEEDS).format(place=rnd.choice(PLACES),
                                                                         year=rnd.randint(1850, 1950)) + "."
                     for _ in range(5)]
        paras.append(" ".join(sentences))
        size += len(paras[-1]) + 2
    return "\n\n".join(paras) + "\n"


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and two CPUs (one CPU parses in-process)")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_parser_workers_end_with_their_ingest(tmp_path: Path, how: signal.Signals) -> None:
    doc = tmp_path / "long.txt"
    doc.write_text(long_text(400_000), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "--db", str(tmp_path / "kb.db"), "ingest", str(doc)],
                            env=cli_env("nlp"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while len(workers) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the workers never started"
            time.sleep(0.2)
            workers = children(proc.pid)
        time.sleep(1)
        os.kill(proc.pid, how)
        _out, err = proc.communicate(timeout=60)
        if how == signal.SIGTERM:
            assert proc.returncode == 143 and "terminated" in err and "Traceback" not in err
        deadline = time.monotonic() + 30
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(w) for w in workers), "spaCy workers outlived their ingest"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
