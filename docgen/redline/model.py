"""Name what a comparison passes around and returns: the story being compared, each changed
place, and the redline."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from ..ooxml.package import Package

__all__ = ["Change", "Excerpt", "Redline", "Story", "WHATS", "excerpts", "word_date"]

#: What a change is, as the summary names it: the words, a move, a note, a comment, a heading's
#: level, a paragraph's numbering, a table row, or formatting only.
WHATS = ("text", "move", "footnote", "endnote", "comment", "heading level", "numbering",
         "table row", "formatting")


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
    paragraphs moved, ``where`` naming both places, and edited after the move); ``context`` is the
    paragraph as it reads in the new document (the old one for deletions).

    ``what`` says what kind of change it is (one of :data:`WHATS`; "" lets :attr:`what_is`
    tell it from ``kind`` and ``story``); ``place`` is where a reader finds it by heading
    ("§ 9 Insurance, paragraph 2"; "" when the document has no heading before it);
    ``detail`` is what the words do not show: a new footnote's or comment's text, "Heading 2
    → Heading 1"."""

    story: str
    where: str
    kind: str
    old: str
    new: str
    context: str
    what: str = ""
    place: str = ""
    detail: str = ""

    @property
    def what_is(self) -> str:
        """Return what kind of change this is (see :data:`WHATS`)."""
        if self.what:
            return self.what
        if self.kind.startswith("moved"):
            return "move"
        for note in ("footnote", "endnote"):
            if self.story.startswith(note):
                return note
        if self.kind in ("inserted", "deleted") and self.where.rsplit(", ", 1)[-1].startswith(
                "row "):
            return "table row"
        return "formatting" if self.kind == "formatted" else "text"

    @property
    def located(self) -> str:
        """Return where a reader finds the change: by heading in the body, else by story."""
        return self.place or f"{self.story}, {self.where}"

    def excerpts(self) -> list[Excerpt]:
        """Return the changed words with a few words around them, one excerpt for each
        stretch of edits (edits far apart in one paragraph are excerpts of their own)."""
        if self.kind in ("changed", "moved and changed"):
            return excerpts(self.old, self.new)
        return []

    def as_dict(self) -> dict[str, Any]:
        """Return the change as a dictionary (for the JSON summary)."""
        data: dict[str, Any] = asdict(self)
        data["what"] = self.what_is
        data["place"] = self.located
        data["excerpts"] = [e.as_dict() for e in self.excerpts()]
        return data


@dataclass(frozen=True)
class Excerpt:
    """One stretch of edits in a paragraph: the words ``before`` it, those ``removed`` and
    ``added`` (with the unchanged words between close edits in both), the words ``after``;
    ``leading``/``trailing`` tell whether the paragraph goes on beyond them. ``edits`` is the
    stretch edit by edit when it holds more than one: ("removed" | "added" | "same", words),
    so that the words left alone between two close edits are not shown as removed and added
    again ("August ~~10, 2026~~ **9, 2027** and ends on June 30, ~~2027~~ **2028**")."""

    before: str
    removed: str
    added: str
    after: str
    leading: bool
    trailing: bool
    edits: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """Return the excerpt on one line: ``…for the [-2026-2027-]{+2027-2028+} school…``."""
        parts = (["…"] if self.leading else []) + ([self.before] if self.before else [])
        marks = {"removed": "[-{}-]", "added": "{{+{}+}}", "same": "{}"}
        for kind, words in self.edits or (("removed", self.removed), ("added", self.added)):
            if words:
                parts.append(marks[kind].format(words))
        if not self.removed and not self.added:
            parts.append("(spacing)")
        parts += ([self.after] if self.after else []) + (["…"] if self.trailing else [])
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)
        if not self.edits:
            del data["edits"]  # one edit: removed and added say it
        data["text"] = self.text
        return data


#: words shown either side of an edit; edits closer than twice this are one excerpt
CONTEXT_WORDS = 6
_LIMIT = 60  # words of one removed or added stretch shown before "…"


def excerpts(old: str, new: str, context: int = CONTEXT_WORDS) -> list[Excerpt]:
    """Return the edits from ``old`` to ``new`` word by word, each with ``context`` words
    around it; edits with more than ``2 * context`` unchanged words between them are
    separate excerpts."""
    a, b = old.split(), new.split()
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if not ops:
        if old == new:
            return []
        return [Excerpt(_words(a[:context]), "", "", "", False, len(a) > context)]
    groups: list[list[tuple[str, int, int, int, int]]] = [[ops[0]]]
    for op in ops[1:]:
        if op[1] - groups[-1][-1][2] > 2 * context:
            groups.append([op])
        else:
            groups[-1].append(op)
    out = []
    for group in groups:
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        edits: list[tuple[str, str]] = []
        if len(group) > 1:
            for k, (_, o1, o2, n1, n2) in enumerate(group):
                if k:
                    edits.append(("same", _words(a[group[k - 1][2]:o1])))
                edits += [("removed", _words(a[o1:o2])), ("added", _words(b[n1:n2]))]
        out.append(Excerpt(_words(a[max(0, i1 - context):i1]), _words(a[i1:i2]),
                           _words(b[j1:j2]), _words(a[i2:i2 + context]), i1 > context,
                           i2 + context < len(a), tuple((k, t) for k, t in edits if t)))
    return out


def _words(ws: list[str]) -> str:
    return " ".join(ws if len(ws) <= _LIMIT else ws[:_LIMIT] + ["…"])


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
