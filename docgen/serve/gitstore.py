"""Saves committed to git, when the folder of specs is a git repository.

:class:`Git` runs ``git`` as a process (no shell; arguments as a list; literal pathspecs), in
the folder, for one file at a time: :meth:`Git.commit` stages and commits only that file (any
other change of the repository, staged or not, is left as it is), with the plain message
``docgen serve: saved <file>`` and the author from git's own configuration, else
``docgen serve <noreply@localhost>``. Hooks and signing are not run: an autosave must not wait
for a passphrase or a linter. Every failure is a :class:`GitFailed` with git's own words, so
the store can keep the version in its history folder instead and say why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FALLBACK_NAME = "docgen serve"
FALLBACK_EMAIL = "noreply@localhost"
#: git answers in well under a second; a repository on a stalled network drive must not
#: hold a save for long
TIMEOUT = 20


class GitFailed(Exception):
    """git could not do what was asked; the message says why, in git's words."""


@dataclass(frozen=True)
class Commit:
    """A commit that changed a file: its hash, when it was made (UTC), the file's blob there
    (None: the commit removed it) and the blob's size."""

    sha: str
    when: dt.datetime
    blob: str | None
    size: int


def blob_id(data: bytes) -> str:
    """The id git gives a blob of ``data``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def is_a_repository(folder: Path) -> bool:
    """Whether ``folder`` is the top of a git work tree (it has its own ``.git``, a folder or
    a worktree's file). A folder somewhere inside a repository is not: ``docgen serve
    samples`` in a clone of docgen must not commit to docgen's own history."""
    return os.path.lexists(folder / ".git")


class Git:
    """git for the specs of ``folder``, a folder inside a work tree."""

    def __init__(self, folder: Path, program: str) -> None:
        self.folder = folder
        self.program = program

    @classmethod
    def find(cls, folder: Path) -> Git | None:
        """The git of ``folder``; None when it is not a repository. :class:`GitFailed` when
        it is one but git is not installed or does not answer."""
        if not is_a_repository(folder):
            return None
        program = shutil.which("git")
        if program is None:
            raise GitFailed("the folder is a git repository, but git is not installed")
        git = cls(folder, program)
        top = git.run("rev-parse", "--show-toplevel").strip()
        if not top or Path(top).resolve() != folder.resolve():
            return None
        return git

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run ``git ARGS`` in the folder; return what it wrote, or raise :class:`GitFailed`."""
        command = [self.program, "--literal-pathspecs", "-c", "core.quotepath=off", *args]
        full = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
        try:
            done = subprocess.run(command, cwd=self.folder, env=full, capture_output=True,
                                  timeout=TIMEOUT, check=False)
        except FileNotFoundError:
            raise GitFailed("git is not installed") from None
        except subprocess.TimeoutExpired:
            raise GitFailed(f"git {args[0]} did not answer within {TIMEOUT} seconds") from None
        except OSError as e:
            raise GitFailed(f"git could not be run: {e.strerror or e}") from None
        if done.returncode != 0:
            words = done.stderr.decode("utf-8", "replace").strip().splitlines()
            said = [w for w in words if w.startswith(("fatal:", "error:"))] or words[-1:]
            raise GitFailed(f"git {args[0]} failed: " + (said[0] if said else
                                                           f"exit status {done.returncode}"))
        return done.stdout.decode("utf-8", "replace")

    def _author(self) -> dict[str, str]:
        """git's own author when it has one configured, else docgen serve's."""
        env: dict[str, str] = {}
        for key, fallback in (("user.name", FALLBACK_NAME), ("user.email", FALLBACK_EMAIL)):
            try:
                configured = self.run("config", "--get", key).strip()
            except GitFailed:
                configured = ""
            if not configured:
                part = "NAME" if key == "user.name" else "EMAIL"
                env[f"GIT_AUTHOR_{part}"] = fallback
                env[f"GIT_COMMITTER_{part}"] = fallback
        return env

    def committed_blob(self, name: str) -> str | None:
        """The blob of file ``name`` (in the folder) at HEAD; None when HEAD lacks it."""
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"HEAD:./{name}").strip() or None
        except GitFailed:
            return None

    def commit(self, name: str, message: str) -> str:
        """Stage and commit file ``name`` of the folder alone; return the commit's hash."""
        self.run("add", "--", name)
        self.run("-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify",
                 "--no-edit", "-m", message, "--only", "--", name, env=self._author())
        return self.run("rev-parse", "HEAD").strip()

    def log(self, name: str, limit: int = 200) -> list[Commit]:
        """The commits that changed file ``name``, the newest first."""
        try:
            out = self.run("log", f"-n{limit}", "--format=%H %ct", "--", name)
        except GitFailed:
            return []  # no commit yet
        found = [line.split() for line in out.splitlines() if line.strip()]
        if not found:
            return []
        query = "".join(f"{sha}:./{name}\n" for sha, _ in found)
        blobs = self._batch_check(query).splitlines()
        commits = []
        for (sha, stamp), line in zip(found, blobs):
            parts = line.split()
            blob, size = (parts[0], int(parts[2])) if len(parts) == 3 and parts[1] == "blob" \
                else (None, 0)
            commits.append(Commit(sha, dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc),
                                  blob, size))
        return commits

    def _batch_check(self, query: str) -> str:
        command = [self.program, "cat-file", "--batch-check"]
        try:
            done = subprocess.run(command, cwd=self.folder, input=query.encode("utf-8"),
                                  capture_output=True, timeout=TIMEOUT, check=False,
                                  env={**os.environ, "LC_ALL": "C"})
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GitFailed(f"git cat-file could not be run: {e}") from None
        return done.stdout.decode("utf-8", "replace")

    def show(self, sha: str, name: str) -> bytes:
        """The bytes of file ``name`` at commit ``sha``."""
        command = [self.program, "show", f"{sha}:./{name}"]
        try:
            done = subprocess.run(command, cwd=self.folder, capture_output=True,
                                  timeout=TIMEOUT, check=False,
                                  env={**os.environ, "LC_ALL": "C"})
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GitFailed(f"git show could not be run: {e}") from None
        if done.returncode != 0:
            raise GitFailed("git show failed: " + done.stderr.decode("utf-8", "replace").strip())
        return done.stdout
