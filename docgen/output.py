"""Write outputs whole or not at all, and never over a file docgen did not write.

Every writer of docgen (build, review, renew, redline, the i18n catalogs) goes through here:

* a file is first written in full to a hidden file beside it, then renamed into place
  (:func:`temporary_beside`, :func:`write_whole`); several files are put in place together by
  a :class:`Staging`, which removes what it did not place;
* a folder's record (a build's ``manifest.json``, a review's ``summary.json``) names each file
  docgen wrote with its SHA-256; a file is docgen's to replace only while it still has that
  hash (:func:`owned`, :func:`clashes`: the one ownership rule), and a file of the folder's own
  that a run no longer writes is removed (:func:`remove_stale`);
* a run that writes a folder of docgen's own (a build's ``OUT/<id>/``, a review's folder)
  holds it (:class:`Hold`): a lock (``.docgen.lock``, fcntl), so that a second run into the
  same folder is refused, and a journal (``.docgen-journal``) naming every hidden file the run
  makes there before it makes it, and the renames it is about to do. A run that was killed
  leaves its journal; the next run completes the renames (their files were written in full
  before they were journaled) and removes the hidden files the journal names, and only those;
* nothing is written or removed through a symbolic link below the folder a writer was given
  (:func:`link_below`, :func:`remove_file`);
* a writer of single files into a user's folder (``docgen renew``'s spec, ``docgen redline``'s
  redline and summary, a catalog) holds the folder of each for as long as it writes
  (:func:`holding`): the same lock and journal, so a second run writing there waits for none
  and is refused, and what a killed run left is completed or removed from its journal, never
  guessed from a file's name.

Only the standard library, so that the commands that write one file (``docgen redline``,
``docgen renew``) start without loading the rendering stack.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from types import TracebackType
from typing import Any, Iterable

from .errors import OutputError

#: The hidden files docgen writes beside its outputs while it works: ``.NAME.XXXXXXXX.tmp``
#: (:func:`temporary_beside`) and ``.STEM.XXXXXXXX.part.docx`` / ``.part.pdf``
#: (:func:`part_beside`, the input and output of a PDF conversion).
LEFTOVER = re.compile(r"\..+\.[0-9a-f]{8}\.(tmp|part\.docx|part\.pdf)")

#: The lock a run holds on a folder of docgen's, and its journal there (see :class:`Hold`).
LOCK = ".docgen.lock"
JOURNAL = ".docgen-journal"
#: docgen's own working files in a folder it holds; never a user's output
RESERVED = frozenset({LOCK, JOURNAL})

#: The environment variable of the test hook :func:`checkpoint`.
STOP_AT = "DOCGEN_TEST_STOP_AT"


def checkpoint(event: str, name: str = "") -> None:
    """A test hook: when ``DOCGEN_TEST_STOP_AT`` is ``event`` or ``event:name``, end the process
    here at once, without any clean-up, as ``kill -9`` would (exit status 137)."""
    wanted = os.environ.get(STOP_AT)
    if wanted and wanted in (event, f"{event}:{name}"):
        os._exit(137)


def sha256(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hex, as docgen's records write it."""
    return hashlib.sha256(data).hexdigest()


def _token() -> str:
    # what secrets.token_hex(4) returns, without the import of secrets' hmac and random
    return os.urandom(4).hex()


def describe(error: OSError) -> str:
    """Return what went wrong in ``error`` in plain words, with what to do."""
    number = error.errno
    if number == errno.ENAMETOOLONG:
        return "the name is too long for the file system; choose a shorter name"
    if number in (errno.ENOTDIR, errno.EEXIST) and isinstance(error, (NotADirectoryError,
                                                                      FileExistsError)):
        return "a part of this path is a file, not a folder; choose another place"
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"{error.strerror or 'permission denied'}; docgen cannot write there: choose "
                "a folder you can write to")
    if number == errno.ENOSPC:
        return "no space left on the disk; make room, then run docgen again"
    if isinstance(error, LinkError):
        return f"{error.filename} {error.strerror}"
    return f"{error.strerror or error}"


class LinkError(OSError):
    """A path below the folder docgen was given goes through a symbolic link."""

    def __init__(self, link: Path) -> None:
        super().__init__(errno.ELOOP, "is a symbolic link; docgen neither writes nor removes "
                         "through links: replace the link with a real folder or file",
                         str(link))


def link_below(base: Path, path: Path) -> Path | None:
    """Return the first symbolic link on the way from ``base`` (itself not checked) to ``path``
    (included), or None; ``path`` must be below ``base``."""
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        return None
    here = base
    for part in parts:
        here = here / part
        try:
            if stat.S_ISLNK(os.lstat(here).st_mode):
                return here
        except OSError:
            return None
    return None


def _check_links(path: Path, within: Path | None) -> None:
    """Raise :class:`LinkError` if ``path`` is a link or reached through one below ``within``."""
    link = link_below(within, path) if within is not None else None
    if link is None and os.path.islink(path):
        link = path
    if link is not None:
        raise LinkError(link)


# The folders held by this process (a build's spec folders, a review's folder), by absolute
# path: a hidden file made below one is first named in its journal.
_held: dict[str, Journal] = {}


def _journal_for(path: Path) -> Journal | None:
    folder = os.path.abspath(path.parent)
    while True:
        journal = _held.get(folder)
        if journal is not None:
            return journal
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def temporary_beside(path: Path, data: bytes, *, within: Path | None = None) -> Path:
    """Write ``data`` to a new hidden file beside ``path`` and return its name.

    The file gets the same permissions as any new file of the user (0666 less the umask),
    unlike :func:`tempfile.mkstemp`'s 0600, which would survive the rename. In a folder a
    :class:`Hold` holds, the name is journaled first. Nothing is written through a link below
    ``within`` (:class:`LinkError`).
    """
    _check_links(path, within)
    journal = _journal_for(path)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{_token()}.tmp")
        if journal is not None:
            journal.made(tmp)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
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
        checkpoint("written", journal.name(path) if journal else path.name)
        return tmp
    raise OSError(f"cannot create a temporary file beside {path}")


def write_whole(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all: beside it first, then renamed over it.

    Raises :class:`OSError` as the file system does (:class:`LinkError` for a link below
    ``within``); ``path`` is then as it was.
    """
    with Staging(within) as staging:
        staging.add(path, data)
        staging.place()


def part_beside(path: Path, suffix: str) -> Path:
    """Return a new hidden name beside ``path`` for a file in the making, ending in ``suffix``
    (``.docx`` or ``.pdf``): ``out/mou.pdf`` → ``out/.mou.1a2b3c4d.part.pdf``; journaled when
    the folder is held."""
    part = path.with_name(f".{path.stem}.{_token()}.part{suffix}")
    journal = _journal_for(part)
    if journal is not None:
        journal.made(part)
    return part


class holding:  # noqa: N801 - used as a context manager, like contextlib's
    """Hold the folder of each of ``paths`` (:class:`Hold`) while single files are written
    there, each folder once: a second run writing into one of them is refused, and what a
    killed run journaled there is completed first. Nothing is held through a symbolic link
    below ``within``, nor for a path that is a link (:class:`LinkError`)."""

    def __init__(self, paths: Iterable[Path], within: Path | None = None) -> None:
        self.paths = list(paths)
        self.within = within
        self.holds: list[Hold] = []

    def __enter__(self) -> holding:
        folders: dict[str, Path] = {}
        for path in self.paths:
            _check_links(path, self.within)
            folders.setdefault(os.path.abspath(path.parent), path.parent)
        try:
            for key, folder in folders.items():
                if key in _held:
                    continue  # this process holds it already (a build's folder)
                hold = Hold(folder)
                hold.acquire()
                self.holds.append(hold)
        except BaseException:
            self._release()
            raise
        return self

    def _release(self) -> None:
        for hold in reversed(self.holds):
            hold.release()
        self.holds = []

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._release()


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, a new file (a :func:`part_beside` name): never over an
    existing file, never through a symbolic link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def safe_name(name: object) -> bool:
    """Whether ``name``, read from a record, names a file of its folder docgen may touch: a
    relative path of at most one sub-folder, not hidden, with no ``..``."""
    return (isinstance(name, str) and bool(name) and not name.startswith((".", "/"))
            and ".." not in name.split("/") and name.count("/") <= 1 and "\0" not in name)


def _plain_file(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` is a regular file reached without a symbolic link."""
    try:
        return (link_below(folder, folder / name) is None
                and stat.S_ISREG(os.lstat(folder / name).st_mode))
    except (OSError, ValueError):
        return False


def intact(path: Path, digest: object) -> bool:
    """Whether ``path`` is a file whose SHA-256 is ``digest``."""
    try:
        return path.is_file() and sha256(path.read_bytes()) == digest
    except (OSError, ValueError):
        return False


def owned(folder: Path, recorded: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return the files of ``recorded`` (name and SHA-256, from the folder's record) that are
    still as docgen wrote them, reached without a link: the files docgen may replace or
    remove."""
    return {name: digest for name, digest in recorded
            if safe_name(name) and _plain_file(folder, name) and intact(folder / name, digest)}


def clashes(folder: Path, names: Iterable[str], mine: Iterable[str]) -> list[str]:
    """Return the ``names`` that exist in ``folder`` but are not among ``mine``: files docgen
    would overwrite without having written them (or as they were changed since). This is the
    one ownership rule of every output docgen writes into a folder of its own."""
    allowed = set(mine)
    return [name for name in names
            if os.path.lexists(folder / name) and name not in allowed]


def remove_file(folder: Path, name: str) -> None:
    """Remove the file ``folder/name`` (``name`` at most one sub-folder deep), never following
    a symbolic link: a linked sub-folder or a link in its place is left alone."""
    parts = name.split("/")
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError:
                return  # not a real folder: nothing of docgen's in it
            os.close(fd)
            fd = inner
        try:
            if stat.S_ISREG(os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode):
                os.unlink(parts[-1], dir_fd=fd)
        except FileNotFoundError:
            pass
    finally:
        os.close(fd)


def remove_stale(folder: Path, mine: Iterable[str], current: Iterable[str]) -> None:
    """Remove the files of ``mine`` (docgen's, unchanged) that this run did not write."""
    keep = set(current)
    for name in mine:
        if name not in keep and safe_name(name):
            remove_file(folder, name)


class Staging:
    """Files written in full beside their targets, then put in place together.

    ``add`` writes a file under a hidden name; ``place`` renames them into place in the order
    they were added (the folder's record last, by adding it last), after naming the renames in
    the folder's journal when it is held, so that a run killed half-way through is completed by
    the next (:func:`recover`). Whatever is not placed when the staging ends (``discard``, or
    leaving its ``with`` block) is removed, so a failure leaves no partial file. Nothing is
    written through a symbolic link below ``within``.
    """

    def __init__(self, within: Path | None = None) -> None:
        self.within = within
        self._staged: dict[Path, tuple[Path, str]] = {}
        #: the targets renamed into place so far, in order
        self.placed: list[Path] = []
        #: the folders ``add`` made, removed again if nothing was placed in them
        self._made: list[Path] = []

    def add(self, target: Path, data: bytes) -> Path:
        """Write ``data`` beside ``target`` (making its folder); return the hidden file."""
        _check_links(target, self.within)
        missing = target.parent
        made = []
        while not os.path.lexists(missing) and missing.parent != missing:
            made.append(missing)
            missing = missing.parent
        target.parent.mkdir(parents=True, exist_ok=True)
        self._made.extend(made)  # the deepest first
        previous = self._staged.pop(target, None)
        if previous is not None:
            previous[0].unlink(missing_ok=True)
        self._staged[target] = (temporary_beside(target, data, within=self.within),
                                sha256(data))
        return self._staged[target][0]

    def staged(self, target: Path) -> Path:
        """Return the hidden file that holds ``target``'s new content."""
        return self._staged[target][0]

    @property
    def targets(self) -> list[Path]:
        """Return the targets still to be placed, in order."""
        return list(self._staged)

    def place(self) -> None:
        """Rename every staged file into place, in order; raise :class:`OSError` on the first
        that fails (``placed`` then says which are in place)."""
        journals: dict[int, tuple[Journal, list[tuple[Path, Path, str]]]] = {}
        for target, (tmp, digest) in self._staged.items():
            journal = _journal_for(target)
            if journal is not None:
                journals.setdefault(id(journal), (journal, []))[1].append((tmp, target, digest))
        for journal, moves in journals.values():
            journal.moving(moves)
        checkpoint("staged")
        for target in list(self._staged):
            os.replace(self._staged[target][0], target)
            del self._staged[target]
            self.placed.append(target)
            journal = _journal_for(target)
            checkpoint("placed", journal.name(target) if journal else target.name)

    def discard(self) -> None:
        """Remove the staged files that were not placed, and the folders made for them that
        are empty."""
        for tmp, _ in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()
        for folder in sorted(self._made, key=lambda f: len(f.parts), reverse=True):
            try:
                folder.rmdir()  # only if empty
            except OSError:
                pass
        self._made = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.discard()


class Journal:
    """The journal of a held folder: each hidden file a run makes there, and each set of
    renames it is about to do, as a JSON line appended before the act."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL

    def name(self, path: Path) -> str:
        """Return ``path`` as the journal writes it: relative to the folder, with ``/``."""
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.folder))
        return relative.replace(os.sep, "/")

    def _append(self, record: dict[str, Any], durable: bool) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "surrogateescape")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        try:
            os.write(fd, line)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)

    def made(self, path: Path) -> None:
        """Record that ``path``, a hidden file in the making, is about to be created."""
        self._append({"made": self.name(path)}, durable=False)

    def moving(self, moves: list[tuple[Path, Path, str]]) -> None:
        """Record the renames about to be done: each hidden file (written in full, with its
        SHA-256) onto its target, in order."""
        self._append({"move": [[self.name(tmp), self.name(target), digest]
                               for tmp, target, digest in moves]}, durable=True)

    def _read(self) -> tuple[list[str], list[tuple[str, str, str]]]:
        """Return the hidden files and the renames the journal names, each checked to be a
        hidden file of docgen's and a target inside the folder."""
        try:
            if not stat.S_ISREG(os.lstat(self.path).st_mode):
                return [], []
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return [], []
        made: list[str] = []
        moves: list[tuple[str, str, str]] = []
        for line in lines:
            try:
                record = json.loads(line.decode("utf-8", "surrogateescape"))
            except ValueError:
                continue  # the last line of a run killed as it wrote it
            if not isinstance(record, dict):
                continue
            if _hidden_name(record.get("made")):
                made.append(record["made"])
            for move in record.get("move") or []:
                if (isinstance(move, list) and len(move) == 3 and _hidden_name(move[0])
                        and safe_name(move[1]) and isinstance(move[2], str)
                        and os.path.dirname(move[0]) == os.path.dirname(move[1])):
                    moves.append((move[0], move[1], move[2]))
        return made, moves

    def recover(self) -> None:
        """Complete what a killed run journaled: do the renames whose hidden file is still
        there, whole; remove every other hidden file the journal names; remove the journal."""
        made, moves = self._read()
        for tmp, target, digest in moves:
            if (_plain_file(self.folder, tmp) and intact(self.folder / tmp, digest)
                    and link_below(self.folder, self.folder / target) is None
                    and not os.path.isdir(self.folder / target)):
                os.replace(self.folder / tmp, self.folder / target)
        self.close()

    def close(self) -> None:
        """Remove the hidden files the journal names that are still there, then the journal."""
        made, moves = self._read()
        for name in made + [tmp for tmp, _, _ in moves]:
            remove_file(self.folder, name)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _hidden_name(name: object) -> bool:
    """Whether ``name`` (from a journal) is a hidden file of docgen's inside the folder."""
    if not isinstance(name, str) or "\0" in name:
        return False
    parts = name.split("/")
    if len(parts) > 2 or any(p in ("", ".", "..") for p in parts):
        return False
    if len(parts) == 2 and parts[0].startswith("."):
        return False
    return LEFTOVER.fullmatch(parts[-1]) is not None


class Hold:
    """A run's hold on a folder docgen writes (a build's ``OUT/<id>/``, a review's folder).

    Taking it makes the folder, locks ``.docgen.lock`` in it (fcntl, refused at once with a
    located :class:`~docgen.errors.OutputError` when another run holds it) and completes what a
    killed run's journal names (:meth:`Journal.recover`). While it is held, every hidden file a
    writer of this process makes in the folder is journaled first (child processes of the run
    join it with :func:`joined`). Letting it go removes the journal and the lock, and the folder
    too when the hold made it and nothing was written there.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.journal = Journal(folder)
        self._fd: int | None = None
        #: the folders taking the hold made, the deepest first
        self._made: list[Path] = []

    def _open_lock(self) -> int:
        lock = self.folder / LOCK
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputError.at(self.folder, "another docgen run is writing into this "
                                     "folder; wait until it has finished, then run again (or "
                                     "write into another folder)") from None
            mine = os.fstat(fd)
            try:
                now: os.stat_result | None = os.lstat(lock)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_ino, now.st_dev) == (mine.st_ino, mine.st_dev):
                return fd
            os.close(fd)  # the run before let go of this lock file as we opened it: again

    def acquire(self) -> None:
        """Take the hold; raise :class:`~docgen.errors.OutputError` naming the folder when it
        cannot be made or is held by another run."""
        label = str(self.folder)
        try:
            if os.path.lexists(self.folder) and not self.folder.is_dir():
                raise OutputError.at(label, "exists and is not a folder; move the file away or "
                                     "choose another output folder")
            missing = self.folder
            while not os.path.lexists(missing) and missing.parent != missing:
                self._made.append(missing)
                missing = missing.parent
            self.folder.mkdir(parents=True, exist_ok=True)
            self._fd = self._open_lock()
        except OSError as e:
            raise OutputError.at(label, f"cannot be written: {describe(e)}") from None
        try:
            self.journal.recover()
        except OSError as e:
            self.release()
            raise OutputError.at(self.journal.path, "cannot complete the run that was "
                                 f"interrupted here: {describe(e)}") from None
        _held[os.path.abspath(self.folder)] = self.journal

    def release(self) -> None:
        """Let go: remove the journal's hidden files and the journal, then the lock."""
        _held.pop(os.path.abspath(self.folder), None)
        if self._fd is None:
            return
        try:
            self.journal.close()
        except OSError:
            pass  # the journal stays, and the next run completes it
        try:
            os.unlink(self.folder / LOCK)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None
        for folder in sorted(self._made, key=lambda f: len(f.parts), reverse=True):
            try:
                folder.rmdir()  # only if empty: the run wrote nothing there
            except OSError:
                break
        self._made = []

    def __enter__(self) -> Hold:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


class joined:  # noqa: N801 - used as a context manager, like contextlib's
    """Journal this process's hidden files in ``folder``, which the run's main process holds
    (a ``docgen build --jobs`` worker); does nothing where the folder is held already."""

    def __init__(self, folder: Path) -> None:
        self.key = os.path.abspath(folder)
        self.journal = Journal(folder)
        self.mine = False

    def __enter__(self) -> joined:
        if self.key not in _held:
            _held[self.key] = self.journal
            self.mine = True
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.mine:
            _held.pop(self.key, None)
