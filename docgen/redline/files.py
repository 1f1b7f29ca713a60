"""Save a redline and its summary: both whole, or neither; never over an input or a file
docgen did not write unless ``--force``."""

from __future__ import annotations

from pathlib import Path

from ..errors import OutputError, Problem, UsageError
from ..output import temporary_beside


def save_files(files: list[tuple[Path, bytes]], *, force: bool = False,
               inputs: tuple[Path, ...] = ()) -> None:
    """Write every file whole or none: all are written beside their targets, then renamed.

    An existing file is replaced only with ``force``; an input is never replaced.
    """
    problems = []
    if len({p.resolve() for p, _ in files}) < len(files):
        raise UsageError("the redline and its summary must be two different files")
    for path, _ in files:
        if any(_same(path, i) for i in inputs):
            problems.append(f"{path}: is one of the documents being compared; "
                            "choose another output name")
        elif path.is_dir():
            problems.append(f"{path}: is a folder; give a file name")
        elif path.exists() and not force:
            problems.append(f"{path}: already exists; docgen does not overwrite it "
                            "(use --force to replace it)")
        elif not path.parent.is_dir():
            problems.append(f"{path}: the folder {path.parent} does not exist")
    if problems:
        raise OutputError(problems[0], [Problem(p.split(": ", 1)[0], 0, 0, None,
                                                p.split(": ", 1)[1]) for p in problems])
    temps: list[tuple[Path, Path]] = []
    target = files[0][0]
    try:
        for target, data in files:
            temps.append((temporary_beside(target, data), target))
        for tmp, target in temps:
            tmp.replace(target)
    except OSError as e:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot be written ({e.strerror or e})") from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
