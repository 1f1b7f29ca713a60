"""Name what a comparison passes around and returns: the story being compared, each changed
place, and the redline."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..ooxml.package import Package

__all__ = ["Change", "Redline", "Story", "word_date"]


@dataclass(frozen=True)
class Story:
    """One story being compared: the body, a header or footer, a note.

    ``name`` is how the change list names it ("body", "header 1 (default)", "footnote 3");
    ``old_part`` is the part of ``old`` that the old content comes from ("" when there is none),
    ``new_part`` the part of ``new`` that the result is written into. Old content brought into
    the new document takes its relationships from ``old_part`` to ``new_part``.
    """

    name: str
    old: Package
    new: Package
    old_part: str
    new_part: str

    def named(self, name: str) -> Story:
        """Return this story under another name (a note of the same notes part)."""
        return Story(name, self.old, self.new, self.old_part, self.new_part)


@dataclass(frozen=True)
class Change:
    """One changed place: ``story`` is "body", "header 1 (default)", "footnote 3"…;
    ``where`` is "paragraph 12" or "table 2, row 3, cell 1, paragraph 1"; ``kind`` is
    "inserted", "deleted", "changed" (the words), "formatted" (the same words, other
    formatting or paragraph style), "moved" or "moved and changed" (a paragraph or run of
    paragraphs moved, ``where`` naming both places, and edited after the move); ``context`` is the paragraph as it reads in the new document
    (the old one for deletions)."""

    story: str
    where: str
    kind: str
    old: str
    new: str
    context: str

    def as_dict(self) -> dict[str, str]:
        """Return the change as a dictionary (for the JSON summary)."""
        return asdict(self)


@dataclass
class Redline:
    """The new document with tracked changes, the changed places, and how many revision marks
    it holds."""

    docx: bytes
    changes: list[Change]
    revisions: int


def word_date(date: dt.datetime) -> str:
    """Return ``date`` as a revision's ``w:date`` says it: UTC, to the second."""
    if date.tzinfo is not None:
        date = date.astimezone(dt.timezone.utc)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")
