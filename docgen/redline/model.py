"""Name what a comparison passes around and returns: the story being compared, each changed
place, and the redline."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from ..ooxml.package import Package
from .keys import _CJK, text_tokens

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
    #: whether the edit stands between spaces; in text written without them (Chinese,
    #: Japanese) the parts are shown side by side ("期間は[-２０２１年-]{+２０２２年+}まで")
    spaced: bool = True

    @property
    def sep(self) -> str:
        """Return what goes between the parts of the excerpt shown on a line."""
        return " " if self.spaced else ""

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
        return self.sep.join(parts)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)
        if not self.edits:
            del data["edits"]  # one edit: removed and added say it
        if self.spaced:
            del data["spaced"]  # said only of text written without spaces
        data["text"] = self.text
        return data


#: words shown either side of an edit; edits closer than twice this are one excerpt (in a
#: script written without spaces, two characters count as one word)
CONTEXT_WORDS = 6
_LIMIT = 60  # words of one removed or added stretch shown before "…"
#: scripts written without spaces between words: Chinese, Japanese (keys._CJK), Thai, Lao,
#: Myanmar, Khmer. Their text is compared in characters (grapheme clusters), not sentences.
_UNSPACED = re.compile(rf"[{_CJK}\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF]")
_ZWJ, _VS = "\u200d", re.compile(r"[\uFE00-\uFE0F\U000E0100-\U000E01EF]")
#: a token of an excerpt: its text, and whether a space comes before it in the paragraph
_Tok = tuple[str, bool]


def excerpt_tokens(text: str) -> list[_Tok]:
    """Return the tokens an excerpt is made of: the words between spaces, except that text
    written without spaces is cut into characters (a grapheme cluster: a letter with its
    marks, a character with its variation selector) and whole numbers (keys.text_tokens).

    >>> [t for t, _ in excerpt_tokens("期間は２０２２年３月まで (Term)")]
    ['期', '間', 'は', '２０２２年３月', 'ま', 'で', '(Term)']
    """
    out: list[_Tok] = []
    for chunk in text.split():
        if not _UNSPACED.search(chunk):
            out.append((chunk, True))
            continue
        # Thai, Lao, Myanmar and Khmer letters come in grapheme clusters, their numbers whole
        pieces = text_tokens(chunk)
        clusters: list[str] = []
        for t in pieces:  # a mark, a variation selector or a joined character: one cluster
            if clusters and (_mark(t[0]) or _VS.match(t[0]) or clusters[-1].endswith(_ZWJ)
                             or t == _ZWJ):
                clusters[-1] += t
            else:
                clusters.append(t)
        out += [(t, k == 0) for k, t in enumerate(clusters)]
    return out


def _mark(c: str) -> bool:
    return unicodedata.category(c).startswith("M")


def _weight(tok: _Tok) -> float:
    return 0.5 if _UNSPACED.match(tok[0]) else 1.0


def _span_weight(toks: list[_Tok]) -> float:
    return sum(_weight(t) for t in toks)


def _before(toks: list[_Tok], at: int, context: int) -> int:
    """Return where the context before ``toks[at]`` starts."""
    start, weight = at, 0.0
    while start > 0 and weight + _weight(toks[start - 1]) <= context:
        start -= 1
        weight += _weight(toks[start])
    return start


def _after(toks: list[_Tok], at: int, context: int) -> int:
    """Return where the context after ``toks[at:]`` ends."""
    end, weight = at, 0.0
    while end < len(toks) and weight + _weight(toks[end]) <= context:
        weight += _weight(toks[end])
        end += 1
    return end


def excerpts(old: str, new: str, context: int = CONTEXT_WORDS) -> list[Excerpt]:
    """Return the edits from ``old`` to ``new`` word by word (character by character in
    text written without spaces), each with ``context`` words around it; edits with more
    than ``2 * context`` unchanged words between them are separate excerpts."""
    ta, tb = excerpt_tokens(old), excerpt_tokens(new)
    a, b = [t for t, _ in ta], [t for t, _ in tb]
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if not ops:
        if old == new:
            return []
        end = _after(ta, 0, context)
        return [Excerpt(_words(ta[:end]), "", "", "", False, end < len(ta))]
    groups: list[list[tuple[str, int, int, int, int]]] = [[ops[0]]]
    for op in ops[1:]:
        if _span_weight(ta[groups[-1][-1][2]:op[1]]) > 2 * context:
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
                    edits.append(("same", _words(ta[group[k - 1][2]:o1])))
                edits += [("removed", _words(ta[o1:o2])), ("added", _words(tb[n1:n2]))]
        start, end = _before(ta, i1, context), _after(ta, i2, context)
        # text written without spaces shows its edits without spaces around them
        glued = any(i < len(toks) and not toks[i][1] for toks, i in (
            (ta, i1), (tb, j1), (ta, i2), (tb, j2)) if 0 < i)
        out.append(Excerpt(_words(ta[start:i1]), _words(ta[i1:i2]), _words(tb[j1:j2]),
                           _words(ta[i2:end]), start > 0, end < len(ta),
                           tuple((k, t) for k, t in edits if t), spaced=not glued))
    return out


def _words(toks: list[_Tok]) -> str:
    shown = toks if len(toks) <= _LIMIT else toks[:_LIMIT] + [("…", True)]
    return "".join((" " if spaced and k else "") + t for k, (t, spaced) in enumerate(shown))


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
