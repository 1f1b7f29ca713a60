"""Write outputs whole or not at all, and never over a file docgen did not write.

Every writer of docgen (build, review, renew, redline, the i18n catalogs) goes through here:

* a file is first written in full to a hidden file beside it, then renamed into place
  (:func:`temporary_beside`, :func:`write_whole`); several files are put in place together by
  a :class:`Staging`, which removes what it did not place;
* a folder's record (a build's ``manifest.json``, a review's ``summary.json``) names each file
  docgen wrote with its SHA-256; a file is docgen's to replace only while it still has that
  hash (:func:`owned`), and a file of the folder's own that a run no longer writes is removed
  (:func:`remove_stale`);
* a run that was killed leaves hidden files matching :data:`LEFTOVER`; the next run removes them
  (:func:`remove_leftovers` in a folder of docgen's, :func:`remove_leftovers_of` beside one
  file in a folder of the user's).

Only the standard library, so that the commands that write one file (``docgen redline``,
``docgen renew``) start without loading the rendering stack.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
from pathlib import Path
from types import TracebackType
from typing import Iterable

#: The hidden files docgen writes beside its outputs while it works: ``.NAME.XXXXXXXX.tmp``
#: (:func:`temporary_beside`) and ``.STEM.XXXXXXXX.part.docx`` / ``.part.pdf``
#: (:func:`part_beside`, the input and output of a PDF conversion).
LEFTOVER = re.compile(r"\..+\.[0-9a-f]{8}\.(tmp|part\.docx|part\.pdf)")


def sha256(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hex, as docgen's records write it."""
    return hashlib.sha256(data).hexdigest()


def _token() -> str:
    # what secrets.token_hex(4) returns, without the import of secrets' hmac and random
    return os.urandom(4).hex()


def temporary_beside(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file beside ``path`` and return its name.

    The file gets the same permissions as any new file of the user (0666 less the umask),
    unlike :func:`tempfile.mkstemp`'s 0600, which would survive the rename.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{_token()}.tmp")
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


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: beside it first, then renamed over it.

    Raises :class:`OSError` as the file system does; ``path`` is then as it was.
    """
    tmp = temporary_beside(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def part_beside(path: Path, suffix: str) -> Path:
    """Return a new hidden name beside ``path`` for a file in the making, ending in ``suffix``
    (``.docx`` or ``.pdf``): ``out/mou.pdf`` → ``out/.mou.1a2b3c4d.part.pdf``."""
    return path.with_name(f".{path.stem}.{_token()}.part{suffix}")


def remove_leftovers(folder: Path, *, below: bool = False) -> None:
    """Remove the hidden files of a docgen run that was killed before it could clean up, in
    ``folder`` (and in its sub-folders too when ``below``)."""
    if not folder.is_dir():
        return
    found = folder.rglob(".*") if below else folder.iterdir()
    for leftover in [p for p in found if LEFTOVER.fullmatch(p.name)]:
        leftover.unlink(missing_ok=True)


def remove_leftovers_of(path: Path) -> None:
    """Remove the hidden files an interrupted write of the one file ``path`` left beside it
    (and only those: the folder may be anyone's)."""
    if not path.parent.is_dir():
        return
    mine = re.compile(re.escape(f".{path.name}.") + r"[0-9a-f]{8}\.tmp")
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if mine.fullmatch(leftover.name):
            leftover.unlink(missing_ok=True)


def safe_name(name: object) -> bool:
    """Whether ``name``, read from a record, names a file of its folder docgen may touch: a
    relative path of at most one sub-folder, not hidden, with no ``..``."""
    return (isinstance(name, str) and bool(name) and not name.startswith((".", "/"))
            and ".." not in name.split("/") and name.count("/") <= 1)


def intact(path: Path, digest: object) -> bool:
    """Whether ``path`` is a file whose SHA-256 is ``digest``."""
    try:
        return path.is_file() and sha256(path.read_bytes()) == digest
    except OSError:
        return False


def owned(folder: Path, recorded: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return the files of ``recorded`` (name and SHA-256, from the folder's record) that are
    still as docgen wrote them: the files docgen may replace or remove."""
    return {name: digest for name, digest in recorded
            if safe_name(name) and intact(folder / name, digest)}


def clashes(folder: Path, names: Iterable[str], mine: Iterable[str]) -> list[str]:
    """Return the ``names`` that exist in ``folder`` but are not among ``mine``: files docgen
    would overwrite without having written them."""
    allowed = set(mine)
    return [name for name in names if (folder / name).exists() and name not in allowed]


def remove_stale(folder: Path, mine: Iterable[str], current: Iterable[str]) -> None:
    """Remove the files of ``mine`` (docgen's, unchanged) that this run did not write."""
    keep = set(current)
    for name in mine:
        if name not in keep:
            (folder / name).unlink(missing_ok=True)


class Staging:
    """Files written in full beside their targets, then put in place together.

    ``add`` writes a file under a hidden name; ``place`` renames them into place in the order
    they were added (the folder's record last, by adding it last). Whatever is not placed when
    the staging ends (``discard``, or leaving its ``with`` block) is removed, so a failure
    leaves no partial file.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}
        #: the targets renamed into place so far, in order
        self.placed: list[Path] = []

    def add(self, target: Path, data: bytes) -> Path:
        """Write ``data`` beside ``target`` (making its folder); return the hidden file."""
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self._staged.pop(target, None)
        if previous is not None:
            previous.unlink(missing_ok=True)
        self._staged[target] = temporary_beside(target, data)
        return self._staged[target]

    def staged(self, target: Path) -> Path:
        """Return the hidden file that holds ``target``'s new content."""
        return self._staged[target]

    @property
    def targets(self) -> list[Path]:
        """Return the targets still to be placed, in order."""
        return list(self._staged)

    def place(self) -> None:
        """Rename every staged file into place, in order; raise :class:`OSError` on the first
        that fails (``placed`` then says which are in place)."""
        for target in list(self._staged):
            os.replace(self._staged[target], target)
            del self._staged[target]
            self.placed.append(target)

    def discard(self) -> None:
        """Remove the staged files that were not placed."""
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.discard()
