"""The one exception hierarchy of docgen.

Every error a user can cause is a :class:`DocgenError`. Each class names the exit code the CLI
returns for it, and carries its problems as data so that callers can sort, count or print them.
Anything else that escapes the library is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: ``file:line:col: $.path: message``.

    ``line`` and ``col`` count from 1; 0 means the problem has no position in the file (for
    example an empty file).
    """

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        if self.path:
            return f"{where}: {self.path}: {self.message}"
        return f"{where}: {self.message}"


class DocgenError(Exception):
    """Root of every error a user can cause; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __reduce__(self) -> tuple[Any, ...]:
        # keep the problems when an error crosses a process boundary (docgen build --jobs)
        return (self.__class__, (self.message, self.problems))

    def lines(self) -> list[str]:
        """Return the lines to show the user, one per problem."""
        if self.problems:
            return [str(p) for p in self.problems]
        return [self.message]


class UsageError(DocgenError):
    """The command was called wrongly (a missing argument, a bad option value)."""

    exit_code = 2


class SpecError(DocgenError):
    """A spec cannot be read, or it breaks the schema or a domain rule."""


class TemplateError(DocgenError):
    """A template cannot be read, compiled or rendered."""


class OutputError(DocgenError):
    """An output cannot be written without losing something."""


class DocxError(DocgenError):
    """A DOCX given to ``docgen redline`` cannot be read safely (not a zip, encrypted, a zip bomb,
    XML with entity declarations, a missing file). Several files' problems are one per line."""

    def lines(self) -> list[str]:
        return self.message.split("\n")
