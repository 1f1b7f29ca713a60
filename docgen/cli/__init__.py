"""The ``docgen`` command: a thin click layer, and the only code that prints.

``app`` holds the top command, ``run(argv, stdout, stderr)`` and ``main()``; the commands are in
``specs`` (validate, build, context, schema, spec-from-pdf, doctor), ``annual`` (renew, review,
redline) and ``translators`` (i18n); ``options`` is what they share.

``main`` (the console script) imports the command itself, so that a system with too little
memory for even that gets the one line of :data:`OUT_OF_MEMORY`, not a traceback.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from typing import Any, Iterator

__all__ = ["OUT_OF_MEMORY", "cli", "loading", "main", "out_of_memory", "run"]

#: what a command that ran out of memory says (made now: there may be no memory for it then)
OUT_OF_MEMORY = ("Error: docgen ran out of memory before it finished (this system lets it use "
                 "less than the documents need); no file was half-written. Close other "
                 "programs or allow docgen more memory, or give it smaller documents, and run "
                 "the command again\n")


#: whether this process is the console script's: it runs one command and ends (:func:`main`)
_one_command = False


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Import what a command runs. In the console script's process, which runs one command
    and ends, the collector of reference cycles does not run while modules load, and what has
    been loaded is frozen after (``gc.freeze``): it lives as long as the process, so no later
    collection, while the command runs, traces it again. In any other process
    (:func:`~docgen.cli.app.run` called by a program, the tests) nothing changes."""
    if not _one_command:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def main() -> None:
    """Entry point of the ``docgen`` console script (see :func:`docgen.cli.app.main`)."""
    global _one_command
    _one_command = True
    try:
        with loading():
            from .app import main as run_main
    except (MemoryError, ImportError) as e:
        if not out_of_memory(e):
            raise
        say_out_of_memory()
        sys.exit(1)
    run_main()


def out_of_memory(error: BaseException) -> bool:
    """Tell whether ``error`` means the process had no memory left: a :class:`MemoryError`,
    or an import whose shared library could not be mapped into the address space left."""
    if isinstance(error, MemoryError):
        return True
    text = str(error)
    return isinstance(error, ImportError) and (
        "failed to map segment" in text or "Cannot allocate memory" in text)


def say_out_of_memory() -> None:
    """Write :data:`OUT_OF_MEMORY` on stderr, if there is a way to."""
    try:
        sys.stderr.write(OUT_OF_MEMORY)
        sys.stderr.flush()
    except (OSError, MemoryError):
        pass  # nowhere to say it: the exit code still does


def __getattr__(name: str) -> Any:
    if name in ("cli", "run"):
        from . import app
        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
