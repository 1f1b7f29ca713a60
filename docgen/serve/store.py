"""The folder is the store: specs are ordinary JSON files in it, and nothing typed is lost.

* A spec is ``FOLDER/<stem>.json``; :meth:`Store.stems` lists them (hidden files, links and
  anything that is not a regular ``.json`` file are not specs).
* A save writes the file whole or not at all (:func:`docgen.output.write_whole`, holding the
  folder as every writer of docgen does, so a ``docgen renew`` writing there at the same moment
  is refused rather than interleaved).
* Before a save replaces a file, the version it replaces is kept in
  ``FOLDER/.docgen-history/<stem>/<UTC time>-<hash>.json``; :meth:`Store.history` lists them,
  newest first, and :meth:`Store.restore` puts one back (keeping, in turn, the one it replaces).
* When the folder is a git repository (the top of a work tree), each save is a commit of that file alone instead
  (``docgen serve: saved <stem>.json``, :mod:`.gitstore`), and the history is the file's
  ``git log``; a file changed by hand since its last commit is committed first, so the version
  a save replaces is always kept. When git is missing or a commit fails, the version replaced
  goes to the history folder as above, and :attr:`Saved.note` (and :attr:`Store.git_problem`)
  say why, for the page to show.
* Each file has a revision: the SHA-256 of its bytes. A save names the revision it was made
  from; when the file has changed since (a second tab, an editor, a ``docgen renew``), the save
  is refused with :class:`Conflict`, which carries both texts, so the page can show them side
  by side and the person chooses. Nothing is overwritten silently.

The library is silent: problems are raised, with the file named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import OutputError
from ..output import describe, holding, write_whole
from .files import NotServed, good_stem, spec_path
from .gitstore import Git, GitFailed, blob_id

#: The history folder, beside the specs.
HISTORY = ".docgen-history"

#: The prefix of the name of a version kept as a git commit (``git-<commit hash>``).
GIT_VERSION = "git-"

#: Saves of one spec closer together than this are one burst of typing: only the version
#: before the burst is kept (see :class:`Store`).
KEEP_EVERY = dt.timedelta(minutes=2)

_VERSION = re.compile(r"(\d{8}T\d{6}\.\d{6}Z)-([0-9a-f]{12})(-unsaved)?\.json")
_GIT_VERSION = re.compile(GIT_VERSION + r"[0-9a-f]{40}")


def revision_of(data: bytes) -> str:
    """Return the revision of a file's bytes: their SHA-256, in hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Document:
    """A spec file as read: its stem, path, text, revision and when it was last written."""

    stem: str
    path: Path
    text: str
    revision: str
    modified: dt.datetime


@dataclass(frozen=True)
class Version:
    """A kept version of a spec: its name in the history folder, when it was replaced (UTC),
    and the revision it had."""

    name: str
    when: dt.datetime
    revision: str
    size: int
    #: a text whose save was refused (a conflict), kept so that nothing typed is lost
    unsaved: bool = False


@dataclass(frozen=True)
class Saved:
    """What a save did: the file's new revision and when it was written (UTC)."""

    revision: str
    when: dt.datetime
    changed: bool
    #: the folder is a git repository but this save could not be committed: why, in words
    note: str | None = None


class Conflict(Exception):
    """A save made from a revision the file no longer has: the file changed since the page
    was loaded. ``mine`` is the text the save carried; ``theirs`` the file's text now."""

    def __init__(self, stem: str, mine: str, theirs: str, theirs_revision: str) -> None:
        super().__init__(f"{stem}.json changed since this page was opened")
        self.stem = stem
        self.mine = mine
        self.theirs = theirs
        self.theirs_revision = theirs_revision


class Store:
    """The specs of ``folder``. ``clock`` gives the time of a save (UTC; for tests)."""

    def __init__(self, folder: Path,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.folder = folder
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._lock = threading.Lock()
        #: per spec, the revision this store last wrote and when: a version this store wrote
        #: less than :data:`KEEP_EVERY` ago is a step of the same burst of typing, replaced
        #: without being kept (the version before the burst is kept, and the file has the
        #: latest), so that autosave does not keep a version per pause in typing
        self._written: dict[str, tuple[str, dt.datetime]] = {}
        #: the folder's git, when it is a repository (saves are commits)
        self.git: Git | None = None
        #: why git cannot be used for a folder that is a repository (the versions are then kept in
        #: the history folder), or None
        self.git_problem: str | None = None
        try:
            self.git = Git.find(folder)
        except GitFailed as e:
            self.git_problem = str(e)

    # -- reading -------------------------------------------------------------------------

    def stems(self) -> list[str]:
        """Return the stems of the specs of the folder, sorted."""
        out = []
        try:
            entries = list(os.scandir(self.folder))
        except OSError as e:
            raise OutputError.at(self.folder, f"cannot be read: {describe(e)}") from None
        for entry in entries:
            name = entry.name
            if not name.endswith(".json") or name.startswith("."):
                continue
            stem = name[:-5]
            if good_stem(stem) and entry.is_file(follow_symlinks=False):
                out.append(stem)
        return sorted(out)

    def path(self, stem: str, *, must_exist: bool = True) -> Path:
        """Return the file of spec ``stem``; :class:`NotServed` for a name that is none."""
        return spec_path(self.folder, stem, must_exist=must_exist)

    def exists(self, stem: str) -> bool:
        """Whether the folder has the spec ``stem``."""
        try:
            self.path(stem)
        except NotServed:
            return False
        return True

    def read(self, stem: str) -> Document:
        """Return spec ``stem`` as it is on disk now."""
        path = self.path(stem)
        data = self._bytes(path)
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
        return Document(stem, path, data.decode("utf-8", "replace"), revision_of(data), when)

    def _bytes(self, path: Path) -> bytes:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as e:
            raise OutputError.at(path, f"cannot be read: {describe(e)}") from None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise OutputError.at(path, "is not a file")
            return fh.read()

    # -- writing -------------------------------------------------------------------------

    def save(self, stem: str, text: str, *, revision: str | None,
             keep: bool = False) -> Saved:
        """Write ``text`` as spec ``stem``, made from ``revision`` (None: a new spec, which
        must not exist yet). Raise :class:`Conflict` when the file's revision is another one;
        keep the version replaced in the history (always when ``keep``, else unless it is a
        step of the same burst of typing). Saving the text the file has already changes
        nothing (``changed`` False)."""
        data = text.encode("utf-8")
        with self._lock:
            path = self.path(stem, must_exist=False)
            current = self._bytes(path) if os.path.lexists(path) else None
            if current is None:
                if revision is not None:
                    raise Conflict(stem, text, "", "")
            else:
                now_rev = revision_of(current)
                if now_rev != revision and current == data:
                    # made from an older revision, but the file says just this already (a
                    # page's last save arrived after the page was reloaded): nothing to refuse
                    return Saved(now_rev, self.clock(), False)
                if now_rev != revision:
                    self._keep_refused(stem, path, data)
                    raise Conflict(stem, text, current.decode("utf-8", "replace"), now_rev)
                if current == data:
                    return Saved(now_rev, self.clock(), False)
            when = self.clock()
            last = self._written.get(stem)
            burst = (not keep and current is not None and last is not None
                     and last[0] == revision_of(current) and when - last[1] < KEEP_EVERY)
            note: str | None = None
            try:
                with holding([path], within=self.folder):
                    kept = False
                    if self.git is not None and current is not None:
                        try:
                            kept = self._commit_as_found(path, current)
                        except GitFailed as e:
                            note = self._git_failed(e)
                    if current is not None and not kept and (not burst or note):
                        self._keep(stem, current, when)
                    write_whole(path, data, within=self.folder)
                    if self.git is not None and note is None:
                        try:
                            self.git.commit(path.name, f"docgen serve: saved {path.name}")
                        except GitFailed as e:
                            # the version replaced is in git; this one is committed (or kept
                            # in the history folder) by the next save
                            self.git_problem = str(e)
                            note = (f"not committed to git ({e}); the version before it is "
                                    "in git")
            except OSError as e:
                raise OutputError.at(path, f"cannot be saved: {describe(e)}") from None
            new = revision_of(data)
            # the burst's clock runs from the version kept, not from the last keystroke
            self._written[stem] = (new, last[1] if burst and last is not None else when)
            if note is None and self.git is None and self.git_problem:
                note = self.git_problem + "; every version is kept in " + HISTORY
            return Saved(new, when, True, note)

    def _commit_as_found(self, path: Path, current: bytes) -> bool:
        """Make sure git has the version a save replaces: commit the file as found when it
        was changed since its last commit (by hand, by another program). Return True: the
        version is in git."""
        assert self.git is not None
        if self.git.committed_blob(path.name) != blob_id(current):
            self.git.commit(path.name, f"docgen serve: saved {path.name} as it was found, "
                                       "before a save")
        return True

    def _git_failed(self, e: GitFailed) -> str:
        self.git_problem = f"{e}; the version replaced is kept in {HISTORY} instead"
        return f"not committed to git ({e}); the version replaced is kept in {HISTORY}"

    def create(self, stem: str, text: str) -> Saved:
        """Write a new spec ``stem``; :class:`Conflict` if the folder has one of that name."""
        return self.save(stem, text, revision=None)

    def _history_dir(self, stem: str) -> Path:
        return self.folder / HISTORY / stem

    def _keep(self, stem: str, data: bytes, when: dt.datetime) -> None:
        folder = self._history_folder(stem)
        rev = revision_of(data)
        newest = [v for v in self.history(stem) if not v.unsaved][:1]
        if newest and newest[0].revision.startswith(rev[:12]):
            return  # kept already (a restore of the newest, a save after a refused one)
        name = f"{when.strftime('%Y%m%dT%H%M%S.%fZ')}-{rev[:12]}.json"
        write_whole(folder / name, data, within=self.folder)

    def _keep_refused(self, stem: str, path: Path, data: bytes) -> None:
        """Keep ``data``, whose save was refused, as an unsaved version (once)."""
        rev = revision_of(data)
        if any(v.revision == rev[:12] and v.unsaved for v in self.history(stem)):
            return
        name = f"{self.clock().strftime('%Y%m%dT%H%M%S.%fZ')}-{rev[:12]}-unsaved.json"
        try:
            with holding([path], within=self.folder):
                self._history_folder(stem)
                write_whole(self._history_dir(stem) / name, data, within=self.folder)
        except OSError as e:
            raise OutputError.at(path, f"cannot keep what was typed: {describe(e)}") from None

    def _history_folder(self, stem: str) -> Path:
        folder = self._history_dir(stem)
        for part in (self.folder / HISTORY, folder):
            if os.path.islink(part):
                raise OutputError.at(part, "is a symbolic link; docgen keeps the history "
                                     "only in a real folder: replace the link with a folder")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # -- history -------------------------------------------------------------------------

    def history(self, stem: str) -> list[Version]:
        """Return the kept versions of spec ``stem``, the newest first: its git commits (but
        the one that is the file now) when the folder is in a repository, and the versions
        of the history folder."""
        if not good_stem(stem):
            raise NotServed(stem, "is not the name of a spec of this folder")
        kept = sorted(self._folder_history(stem), key=lambda v: v.name, reverse=True)
        # git's own order for its commits (several can share a second): a stable sort
        return sorted(self._git_history(stem) + kept, key=lambda v: v.when, reverse=True)

    def _git_history(self, stem: str) -> list[Version]:
        if self.git is None:
            return []
        name = f"{stem}.json"
        commits = [c for c in self.git.log(name) if c.blob is not None]
        path = self.folder / name
        if commits and os.path.isfile(path) and commits[0].blob == blob_id(self._bytes(path)):
            commits = commits[1:]  # the file as it is now is no earlier version
        return [Version(GIT_VERSION + c.sha, c.when, c.blob[:12] if c.blob else "", c.size)
                for c in commits]

    def _folder_history(self, stem: str) -> list[Version]:
        folder = self._history_dir(stem)
        if os.path.islink(self.folder / HISTORY) or os.path.islink(folder):
            return []
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return []
        out = []
        for entry in entries:
            match = _VERSION.fullmatch(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            when = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S.%fZ").replace(
                tzinfo=dt.timezone.utc)
            out.append(Version(entry.name, when, match[2],
                               entry.stat(follow_symlinks=False).st_size, bool(match[3])))
        return out

    def version_text(self, stem: str, name: str) -> str:
        """Return the text of the kept version ``name`` of spec ``stem``."""
        if not any(v.name == name for v in self.history(stem)):
            raise NotServed(name, f"is not a kept version of {stem}.json")
        if _GIT_VERSION.fullmatch(name) and self.git is not None:
            try:
                data = self.git.show(name[len(GIT_VERSION):], f"{stem}.json")
            except GitFailed as e:
                raise OutputError.at(self.folder / f"{stem}.json",
                                     f"the version {name} cannot be read: {e}") from None
            return data.decode("utf-8", "replace")
        return self._bytes(self._history_dir(stem) / name).decode("utf-8", "replace")

    def restore(self, stem: str, name: str, *, revision: str | None) -> Saved:
        """Put the kept version ``name`` back as spec ``stem``, made from the file's
        ``revision`` (the version it replaces is kept in turn)."""
        return self.save(stem, self.version_text(stem, name), revision=revision, keep=True)
