"""Ingesting files: find them, read them, analyse them, store each in its own transaction."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from kartoteka.analysis import Analysis, Passage, Segment
from kartoteka.errors import RejectedInput
from kartoteka.ingest.readers import RawDocument, read_document
from kartoteka.ingest.structure import detect_structure
from kartoteka.pipeline import Context, deferred_stages, load_stages, prefetch
from kartoteka.store.writer import finish_document, insert_document, insert_records, write_analysis


@dataclass
class IngestResult:
    doc: str
    path: str
    status: str  # added, unchanged, updated, rejected
    reason: str | None = None
    warning: str | None = None  # added or updated, but something to know (bytes replaced, ...)

    def to_json(self) -> dict[str, str]:
        out = {"doc": self.doc, "path": self.path, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.warning:
            out["warning"] = self.warning
        return out


def safe_name(name: str | Path) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 (a cp1251
    name on a UTF-8 system) written as \\xNN, control characters as escapes."""
    raw = os.fsencode(name)
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """Files under the given paths, recursively, sorted; anything that cannot be ingested (a
    missing path, a symlink loop, a FIFO or device, an unreadable folder) comes back with its
    reason, and the rest of the batch goes on."""
    out: list[tuple[Path, str | None]] = []
    for p in map(Path, paths):
        problem = file_problem(p)
        if problem == "folder":
            out.extend(_walk(p))
        else:
            out.append((p, problem))
    return out


def _walk(top: Path) -> list[tuple[Path, str | None]]:
    out: list[tuple[Path, str | None]] = []

    def unreadable(e: OSError) -> None:
        out.append((Path(e.filename or top), f"cannot read folder: {e.strerror or e}"))

    # Symlinked folders are not followed (a loop cannot trap the walk); a linked file is read.
    for root, dirs, files in os.walk(top, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if os.path.islink(os.path.join(root, d)):
                dirs.remove(d)
                files.append(d)
        for name in sorted(files):
            if not name.startswith("."):
                path = Path(root) / name
                problem = file_problem(path)
                out.append((path, "a folder reached through a symlink (not followed)" if problem == "folder"
                            else problem))
    return out


def file_problem(path: Path) -> str | None:
    """None for a regular file, "folder" for a folder, else why it cannot be ingested. Only the
    file's metadata is read: a FIFO or a link to /dev/zero would block or never end."""
    try:
        st = path.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return "broken symlink"
        return "no such file or folder" if e.errno == errno.ENOENT else f"cannot read: {e.strerror or e}"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = ("FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode)
            else "device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "special file")
    return f"not a regular file ({kind})"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# A plain-text document longer than ``whole_chars()`` is analysed in parts of about PART_CHARS,
# each part's parses dropped before the next: memory follows the part, not the document (a 50 MB
# file would otherwise hold every sentence's parse and every character's offset as a Python object
# at once). A part's parses cost about 450 MB per million characters, on top of the whole text and
# its passages that the document holds meanwhile, so parts are small; a book up to four parts long
# is still analysed whole, its discourse state (topics, year frames) never cut at a part's edge.
PART_CHARS = int(os.environ.get("KARTOTEKA_PART_CHARS", 500_000))


def whole_chars() -> int:
    """The longest plain text analysed in one piece ($KARTOTEKA_WHOLE_CHARS, else four parts)."""
    return int(os.environ.get("KARTOTEKA_WHOLE_CHARS", 4 * PART_CHARS))


# Stages that judge the whole document (its genre) run once over all of it, before the parts.
WHOLE_DOCUMENT_STAGES = {"genre"}


def read_analysis(path: Path, digest: str) -> tuple[Analysis, list[tuple[int, int]] | None]:
    """Read one file and find its structure: (the analysis before any stage, the parts a long
    document is analysed in, or None). Raises RejectedInput."""
    raw = read_document(path)
    long_text = raw.format in ("txt", "md") and not raw.pages and len(raw.text) > whole_chars()
    parts = split_parts(raw.text, PART_CHARS) if long_text else None
    segments, passages = (structure_in_parts(raw, parts) if parts and len(parts) > 1 else detect_structure(raw))
    for p in passages:  # 4 bytes per character instead of a Python int (about 36) each
        p.offsets = compact_offsets(p.offsets)  # type: ignore[assignment]
    title = raw.title or _first_line(raw.text) or safe_name(path.name)
    analysis = Analysis(
        doc=safe_name(path.name), path=safe_name(path), format=raw.format, sha256=digest, text=raw.text,
        title=title, encoding=raw.encoding, meta=raw.meta, segments=segments, passages=passages,
    )
    return analysis, parts


def analyse(path: Path, digest: str, ctx: Context) -> tuple[Analysis, bool]:
    """Read and analyse one file: (its analysis, whether it is already stored: a long document
    is written part by part as it is analysed). Raises RejectedInput."""
    return analyse_read(*read_analysis(path, digest), ctx)


def analyse_read(analysis: Analysis, parts: list[tuple[int, int]] | None, ctx: Context) -> tuple[Analysis, bool]:
    """``analyse`` of a document already read (``read_analysis``)."""
    stages = load_stages()
    if not parts or len(parts) < 2:
        for _name, stage in stages:
            stage(analysis, ctx)
        return analysis, False
    for name, stage in stages:
        if name in WHOLE_DOCUMENT_STAGES:
            stage(analysis, ctx)
    store_in_parts(analysis, stages, ctx)
    return analysis, True


def store_in_parts(analysis: Analysis, stages: list, ctx: Context) -> None:
    """Analyse a long document part by part and write each part's records as soon as it is done,
    all in one transaction: memory holds one part's parses and records, never the document's.
    The first part is analysed before the transaction opens (a first stage may load the packs,
    which is a transaction of its own)."""
    chunks = iter(passage_chunks(analysis.passages, PART_CHARS))
    first = _analyse_part(analysis, next(chunks), stages, ctx)
    ctx.conn.execute("BEGIN IMMEDIATE")
    try:
        doc_id = insert_document(ctx.conn, analysis)
        part: Analysis | None = first
        while part is not None:
            insert_records(ctx.conn, doc_id, part)
            release(part.passages)
            chunk = next(chunks, None)
            part = _analyse_part(analysis, chunk, stages, ctx) if chunk is not None else None
        finish_document(ctx.conn)
    except BaseException:
        ctx.conn.execute("ROLLBACK")
        raise
    ctx.conn.execute("COMMIT")


def _analyse_part(analysis: Analysis, chunk: list[Passage], stages: list, ctx: Context) -> Analysis:
    part = replace(analysis, passages=chunk, mentions=[], entities=[], aliases=[], relations=[], factoids=[],
                   embeddings={}, docs=[])
    for name, stage in stages:
        if name not in WHOLE_DOCUMENT_STAGES:
            stage(part, ctx)
    part.docs = []  # the parses go now; the records go once written
    return part


def compact_offsets(offsets: Iterable[int]) -> array:
    """A passage's character offsets as 4-byte integers (8 where a text passes 2**31 characters)."""
    values = offsets if isinstance(offsets, (list, array)) else list(offsets)
    return array("i" if not values or max(values) < 2**31 else "q", values)


def release(passages: list[Passage]) -> None:
    """Drop the bodies and offsets of passages already stored and analysed: a long document's
    memory then shrinks part by part instead of holding every passage to the end."""
    for p in passages:
        p.body = ""
        p.offsets = array("i")  # type: ignore[assignment]


def split_parts(text: str, size: int) -> list[tuple[int, int]]:
    """[start, end) ranges covering ``text``, each about ``size`` long, cut at a blank line (else a
    line break, else anywhere)."""
    out, start = [], 0
    while len(text) - start > size:
        target = start + size
        cut = text.find("\n\n", target, target + size // 2)
        cut = cut + 2 if cut != -1 else text.find("\n", target, target + size // 2) + 1 or target
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def structure_in_parts(raw: RawDocument, parts: list[tuple[int, int]]) -> tuple[list[Segment], list[Passage]]:
    """detect_structure over each part, offsets moved into the whole text, passages renumbered."""
    segments: list[Segment] = []
    passages: list[Passage] = []
    for n, (start, end) in enumerate(parts):
        piece = RawDocument(text=raw.text[start:end], format=raw.format, encoding=raw.encoding)
        segs, pas = detect_structure(piece)
        if n == 0 and raw.title is None:
            raw.title = piece.title
        for sg in segs:
            sg.start, sg.end = sg.start + start, sg.end + start
        for p in pas:
            p.start, p.end, p.seq = p.start + start, p.end + start, len(passages)
            p.offsets = compact_offsets([o + start for o in p.offsets])  # type: ignore[assignment]
            passages.append(p)
        segments += segs
    return segments, passages


def passage_chunks(passages: list[Passage], size: int) -> Iterable[list[Passage]]:
    chunk: list[Passage] = []
    chars = 0
    for p in passages:
        chunk.append(p)
        chars += len(p.body)
        if chars >= size:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:200]
    return ""


def ingest_paths(
    ctx: Context,
    paths: Iterable[str | Path],
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Ingest the files one after the other, each in its own transaction. The next file is read,
    and its prefetch started (its parse on the parser processes), before the stages of the current
    one run: the workers parse it while this process resolves and writes the current one."""
    files = batch_files(ctx, paths)
    if on_start:
        on_start(len(files))
    known = known_documents(ctx)
    seen: dict[str, Path] = {}
    results: list[IngestResult] = []
    try:
        ahead = _read_ahead(ctx, *files[0], known, seen) if files else None
        for k, (path, _problem) in enumerate(files):
            if on_file:
                on_file(safe_name(path.name))
            current, ahead = ahead, (_read_ahead(ctx, *files[k + 1], known, seen) if k + 1 < len(files) else None)
            result = current if isinstance(current, IngestResult) else store_read(ctx, path, current, known)
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        ctx.close()
    return results


# A file at least this large is not read before its turn (it holds its text and offsets meanwhile).
READ_AHEAD_MAX_BYTES = whole_chars()
ReadAhead = IngestResult | RejectedInput | tuple[str, Analysis | None, list[tuple[int, int]] | None]


def _read_ahead(ctx: Context, path: Path, problem: str | None, known: dict[str, tuple[str, str]],
                seen: dict[str, Path]) -> ReadAhead:
    """One file of the batch before its turn: its result where it is not analysed (``triage``),
    else its digest and, unless it is large, its analysis as read, the prefetch started."""
    verdict = triage(path, problem, known, seen)
    if isinstance(verdict, IngestResult):
        return verdict
    try:
        if path.stat().st_size >= READ_AHEAD_MAX_BYTES:
            return verdict, None, None
        analysis, parts = read_analysis(path, verdict)
    except RejectedInput as e:
        return e
    except OSError:  # gone or unreadable since triage: read again at its turn, which says why
        return verdict, None, None
    if not parts or len(parts) < 2:
        load_stages()
        prefetch(analysis, ctx)
    return verdict, analysis, parts


def store_read(ctx: Context, path: Path, ahead: ReadAhead, known: dict[str, tuple[str, str]]) -> IngestResult:
    """``analyse_and_store`` of a file read ahead (``_read_ahead``)."""
    if isinstance(ahead, RejectedInput):
        return IngestResult(safe_name(path.name), safe_name(path), "rejected", str(ahead))
    assert not isinstance(ahead, IngestResult)
    digest, analysis, parts = ahead
    if analysis is None:
        return analyse_and_store(ctx, path, digest, known)
    read = analysis
    return _store(ctx, path, known, lambda: analyse_read(read, parts, ctx))


def batch_files(ctx: Context, paths: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """The files of a batch, each with why it cannot be ingested (or None)."""
    # A KB kept inside the folder being ingested is not one of its documents.
    own = _kb_files(ctx)
    return [(path, problem) for path, problem in expand_paths(paths) if problem or _resolved(path) not in own]


def known_documents(ctx: Context) -> dict[str, tuple[str, str]]:
    """The KB's documents: name -> (SHA-256, path)."""
    return {r["doc"]: (r["sha256"], r["path"]) for r in ctx.conn.execute("SELECT doc, sha256, path FROM documents")}


def run_deferred(ctx: Context, docs: list[str], on_progress: Callable[[str, int, int], None] | None = None) -> None:
    """The deferred stages (embedding) over the documents this run wrote, each document already
    committed and searchable; ``on_progress(stage, done, total)`` reports as they go."""
    if not docs:
        return
    marks = ",".join("?" * len(docs))
    ids = [r[0] for r in ctx.conn.execute(f"SELECT id FROM documents WHERE doc IN ({marks})", docs)]
    for name, stage in deferred_stages(ctx):
        stage(ctx, ids, (lambda done, total, _n=name: on_progress(_n, done, total)) if on_progress else None)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None


def _kb_files(ctx: Context) -> set[Path | None]:
    """The KB's own files (the database and its -wal, -shm and -journal companions)."""
    out: set[Path | None] = set()
    for row in ctx.conn.execute("PRAGMA database_list"):
        if row[2]:
            base = Path(row[2]).resolve()
            out |= {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
    return out


def _clash(path: Path, old_path: str | None) -> bool:
    """Is the KB's document of this name a different file that still exists (not this file moved)?"""
    if not old_path:
        return False
    old = Path(old_path)
    return old.is_file() and _resolved(old) != _resolved(path)


def analyse_and_store(ctx: Context, path: Path, digest: str, known: dict[str, tuple[str, str]]) -> IngestResult:
    """Every stage of one document in this process, then its transaction (unless the analysis
    already stored it part by part); a file that turns out unreadable is a rejection."""
    return _store(ctx, path, known, lambda: analyse(path, digest, ctx))


def _store(ctx: Context, path: Path, known: dict[str, tuple[str, str]],
           run: Callable[[], tuple[Analysis, bool]]) -> IngestResult:
    """Run the stages (``run``: the analysis, and whether it is already stored), write it unless
    it is, and say so; a rejection on the way is the file's result."""
    try:
        analysis, stored = run()
    except RejectedInput as e:
        return IngestResult(safe_name(path.name), safe_name(path), "rejected", str(e))
    if not stored:
        write_analysis(ctx.conn, analysis)
    return stored_result(analysis, known)


def stored_result(analysis: Analysis, known: dict[str, tuple[str, str]]) -> IngestResult:
    """The result of a document just written (added or updated), noted in ``known``."""
    status = "updated" if analysis.doc in known else "added"
    known[analysis.doc] = (analysis.sha256, analysis.path)
    return IngestResult(analysis.doc, analysis.path, status, warning=reading_warning(analysis.meta))


def triage(path: Path, problem: str | None, known: dict[str, tuple[str, str]],
           seen: dict[str, Path]) -> IngestResult | str:
    """What becomes of one file of the batch without analysing it: its result (rejected, unchanged)
    or, where it must be analysed, its SHA-256. Depends on the KB's documents before the run and on
    the files before it in the batch only, so a whole batch can be judged up front (ingest --ray)."""
    doc, shown = safe_name(path.name), safe_name(path)
    if problem:
        return IngestResult(doc, shown, "rejected", problem)
    if doc in seen:
        return IngestResult(doc, shown, "rejected",
                            f"another file named {doc} is in this batch ({safe_name(seen[doc])})")
    seen[doc] = path
    try:
        digest = sha256_of(path)
    except OSError as e:
        return IngestResult(doc, shown, "rejected", f"cannot read: {e.strerror}")
    old_digest, old_path = known.get(doc, (None, None))
    if old_digest == digest:
        return IngestResult(doc, shown, "unchanged")
    if old_digest is not None and _clash(path, old_path):
        return IngestResult(doc, shown, "rejected", f"a different document named {doc} is already in the KB"
                            f" (from {old_path}); rename one of them")
    return digest


def reading_warning(meta: dict) -> str | None:
    """What the reader had to repair or could not keep, as one line (None: nothing)."""
    notes = []
    if meta.get("replaced_bytes"):
        notes.append(f"{meta['replaced_bytes']} undecodable byte(s) replaced by U+FFFD")
    if meta.get("flattened_depth"):
        notes.append(f"markup nested {meta['flattened_depth']} levels deep was flattened")
    short = meta.get("short_extraction")
    if short:
        notes.append(f"extracted text is {short['extracted_chars']:,} of {short['visible_chars']:,} visible"
                     " characters (the rest read as navigation or boilerplate)")
    return "; ".join(notes) or None
