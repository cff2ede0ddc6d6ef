"""``ingest --ray``: documents read and parsed on Ray workers in parts, resolved and written by the
driver, their passages encoded on the workers in the plain ingest's batches.

Resolution reads the KB as earlier documents left it (the entities they created), so only the
stages that read nothing but the document and the packs (``PURE_STAGES``) go to Ray:

- ``prepare`` reads one file, finds its structure and runs the whole-document pure stages (genre);
- ``parse_part`` runs the passage-wise pure stages (spaCy's parse and the mentions taken from it)
  over a part of about ``PARSE_CHARS`` characters of its passages: a long document keeps every
  worker busy instead of one (a passage's parse does not depend on the passages parsed with it);
- the driver takes the documents in the batch's order, joins their parts, runs the rest (resolve,
  extract) and writes each in its own transaction, exactly as a plain ingest does; while it works
  on one document the workers parse the next ones;
- ``embed_chunk``: once a document is written, its passages join the queue of passages to encode
  and every full batch of ``EMBED_CHUNK`` goes to a worker, the very batches the deferred embedding
  stage cuts (a bfloat16 vector depends on its batch). They are a speculation: the deferred stage
  still runs after the comparisons, as in every ingest, and takes a worker's vectors only for a
  batch of the same passages with the same bodies, encoding any other batch itself.

A worker keeps its spaCy model (and the packs' entity ruler) and its encoder for every task it runs;
a parse travels back as a DocBin.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kartoteka.analysis import Analysis, Mention
from kartoteka.errors import RejectedInput, UsageError
from kartoteka.ingest.pipeline import (
    WHOLE_DOCUMENT_STAGES,
    IngestResult,
    analyse_and_store,
    batch_files,
    known_documents,
    read_analysis,
    safe_name,
    stored_result,
    triage,
)
from kartoteka.pipeline import PURE_STAGES, STAGES, Context, Stage, deferred_stages, load_stages
from kartoteka.store.writer import write_analysis

INSTALL_HINT = "pip install 'kartoteka[ray]'"
# A task whose worker dies (killed, out of memory) is run again on another worker this many times.
MAX_RETRIES = 3
# Documents sent ahead of the one the driver writes, per CPU of the cluster: enough to keep every
# worker busy while the driver resolves, few enough that waiting results stay small.
AHEAD_PER_CPU = 2
# Characters of passages per parse task: a task of a second or two, so a long document is shared
# out across the workers and the cost of a task (its analysis sent, its result sent back) stays small.
PARSE_CHARS = int(os.environ.get("KARTOTEKA_RAY_PARSE_CHARS", 50_000))
# The encoder's settings that change a vector: the workers take the driver's.
EMBED_ENV = ("KARTOTEKA_EMBED_TOKENS", "KARTOTEKA_EMBED_FP32")


@dataclass
class Plan:
    """What ``prepare`` says of a document: "ready" (then its parts, [lo, hi) passage ranges),
    "rejected" (then why) or "local" (analysed by the driver, a long document written part by part)."""

    kind: str
    reason: str | None = None
    parts: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ParsedPart:
    """What ``parse_part`` sends back: the part's mentions and its parses as one DocBin."""

    lo: int  # the part's first passage in the document
    mentions: list[Mention]
    parsed: list[int]  # the part's passages that have a parse (from ``lo``), in DocBin order
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


def prepare(path: str, digest: str, stage_names: list[str], packs: list[str] | None,
            part_chars: int) -> tuple[Plan, Analysis | None]:
    """The Ray task that reads one file, finds its structure and runs the whole-document pure
    stages: (its plan, the analysis, or None unless the plan is "ready")."""
    try:
        analysis, parts = read_analysis(Path(path), digest)
    except RejectedInput as e:
        return Plan("rejected", reason=str(e)), None
    if parts and len(parts) > 1:
        return Plan("local"), None
    run_stages(analysis, stage_names, packs)
    return Plan("ready", parts=passage_parts([len(p.body) for p in analysis.passages], part_chars)), analysis


def parse_part(analysis: Analysis, lo: int, hi: int, stage_names: list[str], packs: list[str] | None) -> ParsedPart:
    """The Ray task that runs the passage-wise pure stages over passages [lo, hi) of a document.
    Those stages add the passages' parses (``docs``) and ``mentions`` and nothing else."""
    part = replace(analysis, passages=analysis.passages[lo:hi], mentions=[], docs=[])
    run_stages(part, stage_names, packs)
    parsed = [n for n, doc in enumerate(part.docs) if doc is not None]
    return ParsedPart(lo=lo, mentions=part.mentions, parsed=parsed, docbin=pack_docs([part.docs[n] for n in parsed]))


def embed_chunk(bodies: list[str], env: dict[str, str | None]) -> list[bytes]:
    """The Ray task that encodes one batch of passages as the deferred embedding stage would."""
    from kartoteka.nlp.embed import passage_vectors

    for name, value in env.items():  # the driver's settings: a worker's own environment may differ
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    return passage_vectors(bodies)


def run_stages(analysis: Analysis, stage_names: list[str], packs: list[str] | None) -> None:
    if not stage_names:
        return
    ctx = worker_context(packs)
    load_stages()  # registers them; the driver chose which (its $KARTOTEKA_STAGES, not the worker's)
    for name in stage_names:
        STAGES[name](analysis, ctx)


def passage_parts(lengths: list[int], size: int) -> list[tuple[int, int]]:
    """[lo, hi) ranges of passages, each of about ``size`` characters (at least one passage)."""
    out: list[tuple[int, int]] = []
    lo, chars = 0, 0
    for n, length in enumerate(lengths):
        chars += length
        if chars >= size:
            out.append((lo, n + 1))
            lo, chars = n + 1, 0
    if lo < len(lengths):
        out.append((lo, len(lengths)))
    return out


_CONTEXTS: dict[tuple[str, ...] | None, Context] = {}


def worker_context(packs: list[str] | None) -> Context:
    """One Context per worker process and pack selection: the packs' index (and, through
    ``load_model``, the model and its ruler) built once for every document the worker parses."""
    from kartoteka.resolve.state import offline_context

    key = tuple(packs) if packs else None
    if key not in _CONTEXTS:
        _CONTEXTS[key] = offline_context(packs)
    return _CONTEXTS[key]


def pack_docs(docs: list[Any]) -> bytes:
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=False)
    for doc in docs:
        docbin.add(doc)
    return docbin.to_bytes()


def join_parts(a: Analysis, parts: list[ParsedPart]) -> Analysis:
    """The analysis with its parts' mentions, in passage order, and parses, on the driver's
    model's vocabulary (as the stages would have left it run over the whole document)."""
    if not parts:
        return a
    a.docs = [None] * len(a.passages)
    a.mentions = [m for part in parts for m in part.mentions]
    if any(part.parsed for part in parts):
        from spacy.tokens import DocBin

        from kartoteka.nlp.model import load_model

        vocab = load_model().vocab
        for part in parts:
            docs = DocBin().from_bytes(part.docbin).get_docs(vocab)
            for n, doc in zip(part.parsed, docs, strict=True):
                a.docs[part.lo + n] = doc
    return a


def split_stages(stages: list[tuple[str, Stage]]) -> tuple[list[str], list[str], list[tuple[str, Stage]]]:
    """(the leading whole-document pure stages, for ``prepare``; the passage-wise pure stages after
    them, for ``parse_part``; the stages after those, for the driver)."""
    k = 0
    while k < len(stages) and stages[k][0] in PURE_STAGES and stages[k][0] in WHOLE_DOCUMENT_STAGES:
        k += 1
    m = k
    while m < len(stages) and stages[m][0] in PURE_STAGES and stages[m][0] not in WHOLE_DOCUMENT_STAGES:
        m += 1
    return [name for name, _ in stages[:k]], [name for name, _ in stages[k:m]], stages[m:]


def ingest_paths_ray(
    ctx: Context,
    paths: Iterable[str | Path],
    address: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    on_flight: Callable[[int, int], None] | None = None,
) -> list[IngestResult]:
    """``ingest_paths`` with the pure stages (and the encoding of the deferred embedding stage) on
    Ray. ``on_flight(done, in_flight)`` reports the documents written and those sent to the workers
    and not yet written."""
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
            return Driver(ctx, files, verdicts, known).run(on_result, on_file, on_flight)
        finally:
            ray.shutdown()


def _report(verdicts: list[IngestResult | str], on_result: Callable[[IngestResult], None] | None) -> list[IngestResult]:
    results = [v for v in verdicts if isinstance(v, IngestResult)]
    for r in results:
        if on_result:
            on_result(r)
    return results


class Driver:
    """One ``ingest --ray`` run: the tasks sent ahead, the documents finished in batch order."""

    def __init__(self, ctx: Context, files: list[tuple[Path, str | None]], verdicts: list[IngestResult | str],
                 known: dict[str, tuple[str, str]]) -> None:
        import ray

        self.ctx, self.files, self.verdicts, self.known = ctx, files, verdicts, known
        self.whole, self.partwise, self.rest = split_stages(load_stages())
        self.prepare = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, num_returns=2)(prepare)
        self.parse = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(parse_part)
        self.ahead = max(2, AHEAD_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
        self.todo = [i for i, v in enumerate(verdicts) if isinstance(v, str)]
        self.sent = 0  # documents of ``todo`` sent to ``prepare``
        self.planned = 0  # documents of ``todo`` whose parts are sent
        self.reads: dict[int, tuple[Any, Any]] = {}  # document -> (plan ref, analysis ref)
        self.plans: dict[int, tuple[Plan, list[Any]]] = {}  # document -> (plan, part refs)
        self.vectors = Speculation(ctx, verdicts) if embedding_on(ctx) else None

    def run(self, on_result: Callable[[IngestResult], None] | None, on_file: Callable[[str], None] | None,
            on_flight: Callable[[int, int], None] | None) -> list[IngestResult]:
        results: list[IngestResult] = []
        done = 0
        self.send_reads()
        if self.partwise:  # the driver's model (its vocabulary reads the parses) loads while the workers start
            from kartoteka.nlp.model import load_model

            load_model()
        for i, verdict in enumerate(self.verdicts):
            if isinstance(verdict, str):
                path = self.files[i][0]
                if on_file:
                    on_file(safe_name(path.name))
                if on_flight:
                    on_flight(done, self.sent - done)
                verdict = self.finish(i, path, verdict)
                done += 1
                self.send_reads()
                if self.vectors and verdict.status in ("added", "updated"):
                    self.vectors.written(verdict.doc)
            results.append(verdict)
            if on_result:
                on_result(verdict)
        if on_flight:
            on_flight(done, 0)
        if self.vectors:
            from kartoteka.nlp.embed import VECTORS_HOOK

            self.ctx.cache[VECTORS_HOOK] = self.vectors.gather()
        return results

    def send_reads(self) -> None:
        """Keep ``ahead`` documents read (or being read) beyond those finished."""
        while self.sent < len(self.todo) and len(self.reads) < self.ahead:
            i = self.todo[self.sent]
            # Absolute: a worker's working folder is not the driver's (a cluster needs the files on
            # a shared file system at the same path).
            self.reads[i] = tuple(self.prepare.remote(str(self.files[i][0].absolute()), self.verdicts[i],
                                                      self.whole, self.ctx.packs, PARSE_CHARS))
            self.sent += 1

    def send_parts(self, block_until: int | None = None) -> None:
        """Send the parts of the documents read, in batch order: those read already, and (blocking)
        every one up to document ``block_until``."""
        import ray

        while self.planned < self.sent:
            i = self.todo[self.planned]
            plan_ref, analysis_ref = self.reads[i]
            if (block_until is None or i > block_until) and not ray.wait([plan_ref], timeout=0)[0]:
                return
            plan: Plan = ray.get(plan_ref)
            refs = [self.parse.remote(analysis_ref, lo, hi, self.partwise, self.ctx.packs)
                    for lo, hi in plan.parts] if self.partwise else []
            self.plans[i] = (plan, refs)
            self.planned += 1

    def finish(self, i: int, path: Path, digest: str) -> IngestResult:
        """The driver's part of one document: wait for its parts (sending the next documents' parts
        as they are read), the stages that read the KB, then its transaction."""
        import ray

        self.send_parts(block_until=i)
        plan, refs = self.plans[i]
        waiting = list(refs)
        while waiting:
            nxt = [self.reads[self.todo[self.planned]][0]] if self.planned < self.sent else []
            ready, _ = ray.wait(waiting + nxt, num_returns=1)
            waiting = [r for r in waiting if r not in ready]
            self.send_parts()
        _plan_ref, analysis_ref = self.reads.pop(i)
        del self.plans[i]
        if plan.kind == "rejected":
            return IngestResult(safe_name(path.name), safe_name(path), "rejected", plan.reason)
        if plan.kind == "local":
            return analyse_and_store(self.ctx, path, digest, self.known)
        analysis = join_parts(ray.get(analysis_ref), ray.get(refs))
        # The worker read the file by its absolute path; the KB keeps the path as it was given.
        analysis.doc, analysis.path = safe_name(path.name), safe_name(path)
        for _name, stage in self.rest:
            stage(analysis, self.ctx)
        write_analysis(self.ctx.conn, analysis)
        return stored_result(analysis, self.known)


def embedding_on(ctx: Context) -> bool:
    """Whether this run's deferred stages embed passages here (the stage on, its extra installed)."""
    from kartoteka.nlp.embed import stage_available

    return any(name == "embed" for name, _ in deferred_stages(ctx)) and stage_available()


class Speculation:
    """The deferred embedding stage's batches, encoded on the workers as documents are written.

    That stage encodes the passages lacking a vector of the batch's documents (those written and
    those unchanged), by id, ``EMBED_CHUNK`` at a time. Passages of documents written later get
    higher ids, so the batches are cut here as the documents are written; where a guess is wrong
    (a rowid reused after an update), the stage finds no batch of those ids and encodes it itself."""

    def __init__(self, ctx: Context, verdicts: list[IngestResult | str]) -> None:
        import ray

        from kartoteka.nlp.embed import EMBED_CHUNK, missing_ids

        self.conn = ctx.conn
        self.task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(embed_chunk)
        self.env = {name: os.environ.get(name) for name in EMBED_ENV}
        self.chunk = EMBED_CHUNK
        unchanged = [v.doc for v in verdicts if isinstance(v, IngestResult) and v.status == "unchanged"]
        self.pending = missing_ids(self.conn, self.doc_ids(unchanged)) if unchanged else []
        self.sent: list[tuple[list[int], str, Any]] = []  # (ids, digest of their bodies, ref)

    def doc_ids(self, docs: list[str]) -> list[int]:
        marks = ",".join("?" * len(docs))
        return [r[0] for r in self.conn.execute(f"SELECT id FROM documents WHERE doc IN ({marks})", docs)]

    def written(self, doc: str) -> None:
        from kartoteka.nlp.embed import missing_ids

        self.pending += missing_ids(self.conn, self.doc_ids([doc]))
        while len(self.pending) >= self.chunk:
            self.send(self.pending[:self.chunk])
            self.pending = self.pending[self.chunk:]

    def send(self, ids: list[int]) -> None:
        marks = ",".join("?" * len(ids))
        bodies = [r[0] for r in self.conn.execute(f"SELECT body FROM passages WHERE id IN ({marks}) ORDER BY id", ids)]
        self.sent.append((ids, digest_of(bodies), self.task.remote(bodies, self.env)))

    def gather(self) -> Callable[[list[int], list[str]], list[bytes]]:
        """Wait for every batch; the ``vectors`` hook of ``embed_missing`` that hands them back."""
        import ray

        from kartoteka.nlp.embed import passage_vectors

        if self.pending:
            self.send(self.pending)
            self.pending = []
        done: dict[tuple[int, ...], tuple[str, list[bytes]]] = {}
        for ids, digest, ref in self.sent:
            with contextlib.suppress(ray.exceptions.RayError):  # then the stage encodes it itself
                done[tuple(ids)] = (digest, ray.get(ref))

        def vectors(ids: list[int], bodies: list[str]) -> list[bytes]:
            digest, blobs = done.pop(tuple(ids), ("", []))
            return blobs if digest == digest_of(bodies) else passage_vectors(bodies)

        return vectors


def digest_of(bodies: list[str]) -> str:
    h = hashlib.sha256()
    for body in bodies:
        h.update(body.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()
