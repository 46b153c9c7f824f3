"""Crash-safe state files: a file is either wholly its old content or wholly its new one, after power loss too.

A new content goes to a temporary file beside the target, is flushed to disk, and is renamed over the target;
the rename is then made durable by flushing the directory.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that a crash leaves the old file or the new one, never a part."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    replace_atomically(temporary, path)


def replace_atomically(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` and make the rename durable."""
    os.replace(source, target)
    fsync_directory(target.parent)


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
