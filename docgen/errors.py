"""The one exception hierarchy of docgen, and the located problems its errors carry.

Every error a user can cause is a :class:`DocgenError`. Each class names the exit code the CLI
returns for it, and carries its problems as data (:class:`Problem`: a file, a line and column, a
path into the JSON the caller can walk, a message), so that callers can sort, count or print
them without parsing text. Anything else that escapes the library is a bug and keeps its
traceback.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Union

#: One step of a path into a JSON document: an object key or an array index.
PathItem = Union[str, int]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def json_path(path: Iterable[PathItem]) -> str:
    """Return ``path`` written as a JSONPath such as ``$.raci[2].assignments``.

    >>> json_path(("raci", 2, "assignments"))
    '$.raci[2].assignments'
    >>> json_path(("contacts", "e-mail"))
    '$.contacts["e-mail"]'
    """
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


@functools.total_ordering
@dataclass(frozen=True)
class Problem:
    """One located problem: ``file:line:col: $.path: message``.

    ``line`` and ``col`` count from 1; 0 means the problem has no position in the file (for
    example an empty file). ``path`` is where in the JSON the problem is, as the keys and
    indexes to walk (``("raci", 0, "assignments")``), ``()`` for the whole document, or None
    when the file is not JSON (a catalog, a template, a Word document).

    >>> str(Problem("spec.json", 31, 12, ("term", "end"), "the term ends before it starts"))
    'spec.json:31:12: $.term.end: the term ends before it starts'
    >>> str(Problem("locales/es/LC_MESSAGES/docgen.po", 15, message="no Plural-Forms"))
    'locales/es/LC_MESSAGES/docgen.po:15: no Plural-Forms'
    """

    file: str
    line: int = 0
    col: int = 0
    path: tuple[PathItem, ...] | None = None
    message: str = ""

    @property
    def json_path(self) -> str:
        """Return the path as JSONPath text (``$.term.end``), or "" when there is none."""
        return "" if self.path is None else json_path(self.path)

    def _key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.json_path, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        if not self.file:  # a problem of the run, not of a file (LibreOffice is missing)
            return self.message
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        if self.path is not None:
            return f"{where}: {self.json_path}: {self.message}"
        return f"{where}: {self.message}"


class DocgenError(Exception):
    """Root of every error a user can cause; ``exit_code`` is what the CLI returns.

    ``problems`` are the located problems, one line each when shown. An error made from a
    message alone carries it as one problem of no file (a missing program, a wrong option); one
    made with :meth:`at` carries one problem located in its file. Either is a single failure,
    shown as ``Error: …``; a report of problems (a spec's, a catalog's) lists them bare.
    """

    exit_code = 1
    #: what each of the error's lines starts with when shown
    prefix = ""

    def __init__(self, message: str, problems: Iterable[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if problems is None:
            self.problems = [Problem("", message=message)]
            self.prefix = "Error: "
        else:
            self.problems = list(problems)

    @classmethod
    def at(cls, file: str | object, message: str, *, line: int = 0, col: int = 0,
           path: tuple[PathItem, ...] | None = None) -> DocgenError:
        """Return an error of this class with one problem, located in ``file``, shown as
        ``Error: file:line: message``."""
        problem = Problem(str(file), line, col, path, message)
        error = cls(str(problem), [problem])
        error.prefix = "Error: "
        return error

    def __reduce__(self) -> tuple[Any, ...]:
        # keep the problems when an error crosses a process boundary (docgen build --jobs)
        return (_rebuild, (self.__class__, self.message, self.problems, self.prefix))

    def lines(self) -> list[str]:
        """Return the lines to show the user, one per problem."""
        return [self.prefix + str(p) for p in self.problems] or [self.prefix + self.message]


def _rebuild(cls: type[DocgenError], message: str, problems: list[Problem],
             prefix: str) -> DocgenError:
    """Return the error ``cls(message, problems)`` shown with ``prefix`` (for pickling)."""
    error = cls(message, problems)
    error.prefix = prefix
    return error


class UsageError(DocgenError):
    """The command was called wrongly (a missing argument, a bad option value)."""

    exit_code = 2


class SpecError(DocgenError):
    """A spec cannot be read, or it breaks the schema or a domain rule."""


class TemplateError(DocgenError):
    """A template cannot be read, compiled or rendered."""


class CatalogError(DocgenError):
    """A catalog is missing, unreadable, or not complete enough to build from."""


class OutputError(DocgenError):
    """An output cannot be written without losing something."""


class DocxError(DocgenError):
    """A Word document cannot be read safely (not a zip, encrypted, a zip bomb, XML with entity
    declarations, a missing file); each file's problem is one of ``problems``."""

    prefix = "Error: "


class ConverterError(DocgenError):
    """LibreOffice is missing, will not start, or could not convert a document."""


class PacketError(DocgenError):
    """A PDF is not a signing packet docgen can read."""

    prefix = "Error: "
