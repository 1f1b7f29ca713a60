"""Files of the served folder, from names that come in a URL.

A name from a request is never trusted: :func:`spec_path` takes only a spec's stem (letters,
digits, ``.``, ``_``, ``-``; not hidden), and :func:`folder_file` a relative path whose every
part is such a name, and both refuse a path that leaves the folder or goes through a symbolic
link (a link inside the folder may point anywhere on the computer). What they refuse is
:class:`NotServed`, which the app shows as 404 with a plain message.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

#: A name docgen serve accepts in a URL: no slash, not hidden, no control character.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class NotServed(Exception):
    """A name from a request that names no file docgen serve shows."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: {why}")
        self.name = name
        self.why = why


def good_stem(stem: str) -> bool:
    """Whether ``stem`` is a name docgen serve accepts for a spec (``lincoln-2026-27``)."""
    return bool(_NAME.fullmatch(stem)) and not stem.endswith(".json")


def _no_links(folder: Path, path: Path) -> None:
    here = folder
    for part in path.relative_to(folder).parts:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return
        except OSError as e:
            raise NotServed(str(path.relative_to(folder)), f"cannot be read ({e.strerror})")
        if stat.S_ISLNK(mode):
            raise NotServed(str(path.relative_to(folder)),
                            "is a symbolic link; docgen serve shows only files of the folder")


def folder_file(folder: Path, relative: str, *, must_exist: bool = True) -> Path:
    """Return ``folder/relative``, a regular file of ``folder`` reached without a link.

    ``relative`` uses ``/``; each part must be a plain name (no ``..``, not hidden).
    """
    parts = relative.split("/")
    if not relative or any(not _NAME.fullmatch(part) for part in parts):
        raise NotServed(relative, "is not a file name docgen serve shows")
    path = folder.joinpath(*parts)
    _no_links(folder, path)
    if must_exist:
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                raise NotServed(relative, "is not a file")
        except FileNotFoundError:
            raise NotServed(relative, "does not exist in the folder") from None
    return path


def spec_path(folder: Path, stem: str, *, must_exist: bool = True) -> Path:
    """Return the spec file ``folder/<stem>.json``."""
    if not good_stem(stem):
        raise NotServed(stem, "is not the name of a spec of this folder")
    return folder_file(folder, stem + ".json", must_exist=must_exist)
