"""``ingest --ray``: each document read and parsed on a Ray worker, resolved and written by the driver.

Resolution reads the KB as earlier documents left it (the entities they created), so only the
stages that read nothing but the document and the packs (``PURE_STAGES``: reading, structure,
genre, spaCy's parse and the mentions taken from it) go to Ray. The driver takes the workers'
results in the batch's order and runs the rest (resolve, extract) and the write exactly as a plain
ingest does: the KB is the same one, each document in its own transaction, and the run-level steps
(comparison, embedding) run once at the end. A worker keeps its spaCy model (and the packs' entity
ruler) for every task it runs; a parse travels back as a DocBin.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kartoteka.analysis import Analysis
from kartoteka.errors import RejectedInput, UsageError
from kartoteka.ingest.pipeline import (
    IngestResult,
    analyse_and_store,
    batch_files,
    known_documents,
    read_analysis,
    safe_name,
    stored_result,
    triage,
)
from kartoteka.pipeline import PURE_STAGES, STAGES, Context, Stage, load_stages
from kartoteka.store.writer import write_analysis

INSTALL_HINT = "pip install 'kartoteka[ray]'"
# A task whose worker dies (killed, out of memory) is run again on another worker this many times.
MAX_RETRIES = 3
# Documents sent ahead of the one the driver writes, per CPU of the cluster: enough to keep every
# worker busy while the driver resolves, few enough that waiting results stay small.
AHEAD_PER_CPU = 2


@dataclass
class Prepared:
    """What a worker sends back: the analysis after the pure stages, its parses as one DocBin."""

    analysis: Analysis  # docs emptied: they travel in ``docbin``
    n_docs: int  # len(analysis.docs) before packing (0 where the nlp stage did not run)
    parsed: list[int]  # the passages that have a parse, in DocBin order
    docbin: bytes


def require_ray() -> None:
    """A one-line error (exit 2) where Ray is not installed."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise UsageError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None


def start_ray(address: str | None) -> None:
    """Join the cluster at ``address`` (or $RAY_ADDRESS), else start a local one with a CPU per core.
    Workers' output stays off the driver's stdout, which may carry exactly one JSON value."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    address = address or os.environ.get("RAY_ADDRESS") or None
    common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
    if not address:
        ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, **common)
        return
    check_reachable(address)
    try:
        ray.init(address=address, **common)
    except ConnectionError as e:
        raise UsageError(f"cannot reach the Ray cluster at {address}: {e}") from None


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """A one-line error at once for a HOST:PORT nothing listens on: Ray itself retries for minutes,
    logging each try. ("auto", a running local instance, is left to Ray.)"""
    import socket

    host, sep, port = address.split("://", 1)[-1].rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise UsageError(f"cannot reach the Ray cluster at {address}: {e.strerror or e}") from None


def prepare(path: str, digest: str, stage_names: list[str], packs: list[str] | None) -> tuple[str, Any]:
    """The Ray task: read one file and run the pure stages on it. ("ready", Prepared), ("rejected",
    reason), or ("local", None) for a document long enough to be analysed part by part, which the
    driver does itself (it writes each part as it goes)."""
    try:
        analysis, parts = read_analysis(Path(path), digest)
    except RejectedInput as e:
        return "rejected", str(e)
    if parts and len(parts) > 1:
        return "local", None
    ctx = worker_context(packs)
    load_stages()  # registers them; the driver chose which (its $KARTOTEKA_STAGES, not the worker's)
    for name in stage_names:
        STAGES[name](analysis, ctx)
    return "ready", pack_docs(analysis)


_CONTEXTS: dict[tuple[str, ...] | None, Context] = {}


def worker_context(packs: list[str] | None) -> Context:
    """One Context per worker process and pack selection: the packs' index (and, through
    ``load_model``, the model and its ruler) built once for every document the worker parses."""
    from kartoteka.resolve.state import offline_context

    key = tuple(packs) if packs else None
    if key not in _CONTEXTS:
        _CONTEXTS[key] = offline_context(packs)
    return _CONTEXTS[key]


def pack_docs(a: Analysis) -> Prepared:
    from spacy.tokens import DocBin

    parsed = [n for n, doc in enumerate(a.docs) if doc is not None]
    docbin = DocBin(store_user_data=False)
    for n in parsed:
        docbin.add(a.docs[n])
    n_docs = len(a.docs)
    a.docs = []
    return Prepared(analysis=a, n_docs=n_docs, parsed=parsed, docbin=docbin.to_bytes())


def unpack_docs(p: Prepared) -> Analysis:
    """The analysis with its parses restored, on the driver's model's vocabulary."""
    a = p.analysis
    a.docs = [None] * p.n_docs
    if p.parsed:
        from spacy.tokens import DocBin

        from kartoteka.nlp.model import load_model

        docs = DocBin().from_bytes(p.docbin).get_docs(load_model().vocab)
        for n, doc in zip(p.parsed, docs, strict=True):
            a.docs[n] = doc
    return a


def split_stages(stages: list[tuple[str, Stage]]) -> tuple[list[str], list[tuple[str, Stage]]]:
    """(the names of the leading pure stages, for the workers; the stages after them, for the driver)."""
    k = 0
    while k < len(stages) and stages[k][0] in PURE_STAGES:
        k += 1
    return [name for name, _ in stages[:k]], stages[k:]


def ingest_paths_ray(
    ctx: Context,
    paths: Iterable[str | Path],
    address: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    on_flight: Callable[[int, int], None] | None = None,
) -> list[IngestResult]:
    """``ingest_paths`` with the pure stages on Ray. ``on_flight(done, in_flight)`` reports the
    documents written and those sent to the workers and not yet written."""
    require_ray()
    files = batch_files(ctx, paths)
    if on_start:
        on_start(len(files))
    known = known_documents(ctx)
    seen: dict[str, Path] = {}
    verdicts = [triage(path, problem, known, seen) for path, problem in files]
    if not any(isinstance(v, str) for v in verdicts):  # nothing to analyse: no cluster to start
        return _report(verdicts, on_result)
    import ray

    # Ray prints what it hears of its workers' deaths ("A worker died ...") on stdout, whatever
    # log_to_driver says; stdout carries the run's one JSON value, so they go to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        start_ray(address)
        try:
            return _drive(ctx, files, verdicts, known, on_result, on_file, on_flight)
        finally:
            ray.shutdown()


def _report(verdicts: list[IngestResult | str], on_result: Callable[[IngestResult], None] | None) -> list[IngestResult]:
    results = [v for v in verdicts if isinstance(v, IngestResult)]
    for r in results:
        if on_result:
            on_result(r)
    return results


def _drive(ctx: Context, files: list[tuple[Path, str | None]], verdicts: list[IngestResult | str],
           known: dict[str, tuple[str, str]], on_result: Callable[[IngestResult], None] | None,
           on_file: Callable[[str], None] | None, on_flight: Callable[[int, int], None] | None) -> list[IngestResult]:
    """Send the documents ahead to the workers; take them back in batch order and finish each."""
    import ray

    pure, rest = split_stages(load_stages())
    task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(prepare)
    ahead = max(2, AHEAD_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
    queue = [i for i, v in enumerate(verdicts) if isinstance(v, str)]
    queue.reverse()
    refs: dict[int, Any] = {}

    def refill() -> None:
        while queue and len(refs) < ahead:
            i = queue.pop()
            # Absolute: a worker's working folder is not the driver's (a cluster needs the files on
            # a shared file system at the same path).
            refs[i] = task.remote(str(files[i][0].absolute()), verdicts[i], pure, ctx.packs)

    results: list[IngestResult] = []
    done = 0
    refill()
    if "nlp" in pure:  # the driver's model (its vocabulary reads the parses) loads while the workers start
        from kartoteka.nlp.model import load_model

        load_model()
    for i, verdict in enumerate(verdicts):
        if isinstance(verdict, str):
            path = files[i][0]
            if on_file:
                on_file(safe_name(path.name))
            if on_flight:
                on_flight(done, len(refs))
            kind, payload = ray.get(refs.pop(i))
            refill()
            verdict = finish_document(ctx, path, verdict, kind, payload, rest, known)
            done += 1
        results.append(verdict)
        if on_result:
            on_result(verdict)
    if on_flight:
        on_flight(done, 0)
    return results


def finish_document(ctx: Context, path: Path, digest: str, kind: str, payload: Any,
                    rest: list[tuple[str, Stage]], known: dict[str, tuple[str, str]]) -> IngestResult:
    """The driver's part of one document: the stages that read the KB, then its transaction."""
    if kind == "rejected":
        return IngestResult(safe_name(path.name), safe_name(path), "rejected", payload)
    if kind == "local":
        return analyse_and_store(ctx, path, digest, known)
    analysis = unpack_docs(payload)
    # The worker read the file by its absolute path; the KB keeps the path as it was given.
    analysis.doc, analysis.path = safe_name(path.name), safe_name(path)
    for _name, stage in rest:
        stage(analysis, ctx)
    write_analysis(ctx.conn, analysis)
    return stored_result(analysis, known)
