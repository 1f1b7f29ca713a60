"""Save a redline and its summary: both whole, or neither; never over an input or a file
docgen did not write unless ``--force``."""

from __future__ import annotations

from pathlib import Path

from ..errors import OutputError, Problem, UsageError
from ..output import Staging, describe, holding


def _problem(path: Path, inputs: tuple[Path, ...], force: bool) -> Problem | None:
    """Return why ``path`` cannot be written, if it cannot."""
    if any(_same(path, i) for i in inputs):
        message = "is one of the documents being compared; choose another output name"
    elif path.is_dir():
        message = "is a folder; give a file name"
    elif path.exists() and not force:
        message = "already exists; docgen does not overwrite it (use --force to replace it)"
    elif not path.parent.is_dir():
        message = f"the folder {path.parent} does not exist"
    else:
        return None
    return Problem(str(path), message=message)


def save_files(files: list[tuple[Path, bytes]], *, force: bool = False,
               inputs: tuple[Path, ...] = ()) -> None:
    """Write every file whole or none: all are written beside their targets, then renamed.

    An existing file is replaced only with ``force``; an input is never replaced.
    """
    target = files[0][0]
    try:
        if len({p.resolve() for p, _ in files}) < len(files):
            raise UsageError("the redline and its summary must be two different files")
        problems = [p for p in (_problem(path, inputs, force) for path, _ in files) if p]
        if problems:
            raise OutputError(str(problems[0]), problems)
        # the folders held (a killed run's files completed or removed), then checked again
        with holding([path for path, _ in files]), Staging() as staging:
            problems = [p for p in (_problem(path, inputs, force) for path, _ in files) if p]
            if problems:
                raise OutputError(str(problems[0]), problems)
            for target, data in files:
                staging.add(target, data)
            staging.place()
    except OSError as e:
        raise OutputError.at(target, f"cannot be written: {describe(e)}") from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
