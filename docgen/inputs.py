"""Read a file a user gave docgen, bounded: a regular file, no larger than what docgen reads.

A pipe (FIFO) would block a read forever and a device such as ``/dev/zero`` never ends, so
:func:`read_input` refuses anything that is not a regular file, without blocking on it, and
reads at most one byte more than its limit, so a huge file costs no more memory than the limit.
What it raises is :class:`InputRefused` with the plain reason (the caller names the file) or
the :class:`OSError` of the read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

NOT_REGULAR = "is not a regular file (a pipe or a device?); give docgen a file"


class InputRefused(ValueError):
    """A file docgen will not read: ``reason`` says why, in words that follow its name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def size_words(limit: int) -> str:
    """``limit`` bytes in words: "5 MB"."""
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def read_input(path: str | Path, limit: int, kind: str = "file") -> bytes:
    """Return the bytes of the regular file ``path``; raise :class:`InputRefused` if it is not
    a regular file (a folder, a pipe, a device) or is larger than ``limit`` bytes (``kind``
    names what it should be, in that message), :class:`OSError` if it cannot be read."""
    # O_NONBLOCK: opening a FIFO with no writer must not wait for one
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputRefused(f"is a folder, not a {kind}")
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(NOT_REGULAR)
        if info.st_size > limit:
            raise InputRefused(f"is larger than {size_words(limit)}, more than a {kind} "
                               "docgen reads; refusing it")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise InputRefused(f"is larger than {size_words(limit)}, more than a {kind} "
                           "docgen reads; refusing it")
    return data
