"""Write a file whole or not at all: first to a hidden file beside it, then renamed into place.

Only the standard library, so that the commands that write one file (``docgen redline``,
``docgen renew``) start without loading the rendering stack.
"""

from __future__ import annotations

import os
from pathlib import Path


def temporary_beside(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file beside ``path`` and return its name.

    The file gets the same permissions as any new file of the user (0666 less the umask),
    unlike :func:`tempfile.mkstemp`'s 0600, which would survive the rename.
    """
    for _ in range(100):
        # what secrets.token_hex(4) returns, without the import of secrets' hmac and random
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp
    raise OSError(f"cannot create a temporary file beside {path}")
