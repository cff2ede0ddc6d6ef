"""Where an export goes: a file, stdout (`-`), or a folder of files. A file is written beside its
final path and moved into place only when the export succeeds, so a failed or empty export never
leaves a half-written file behind (or clobbers the previous one)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kartoteka.errors import UsageError

STDOUT = "-"


@contextlib.contextmanager
def text_file(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text file that appears at ``path`` only if the block finishes without error."""
    if path.is_symlink():
        raise UsageError(f"{path} is a symlink; give a regular file or a new path with --out")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name with --out")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path} is not a regular file (a device, FIFO or socket); give a regular file or a new path")
    if not path.parent.is_dir():
        raise UsageError(f"no folder {path.parent} to write {path.name} in")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def single_output(out: str, *, newline: str | None = None) -> Iterator[TextIO]:
    """A file, or stdout for ``-`` (written as it goes; nothing to roll back there)."""
    if out == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    with text_file(Path(out), newline=newline) as fh:
        yield fh


def folder(out: str) -> Path:
    """A folder for a many-file format: created if absent; a file in the way is bad input."""
    if out == STDOUT:
        raise UsageError("this format writes a folder of files: give --out FOLDER, not -")
    path = Path(out)
    if path.is_symlink():
        raise UsageError(f"{path} is a symlink; give a folder or a new path with --out")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} exists and is not a folder")
    if not path.parent.is_dir():
        raise UsageError(f"no folder {path.parent} to create {path.name} in")
    path.mkdir(exist_ok=True)
    return path
