"""Hold what one comparison builds up as it walks the stories: the revision marks, the old
content it carries over, the change list, and the notes whose references it has met."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..ooxml.package import Package
from .carry import Carrier
from .formats import Formats
from .keys import Token, block_text, plain
from .marks import Marker
from .model import Change, Story
from .outline import Outline, Places
from .tags import EN_REF, FN_REF, ID, TBL, P, R, attributes

__all__ = ["Numbering", "Options", "Session"]

_NOTE_KINDS = {FN_REF: "footnote", EN_REF: "endnote"}
_R_ATTRIBUTE = f"{{{R}}}"


class Numbering:
    """Count the paragraphs and tables of a container as they stand in the redline."""

    __slots__ = ("paragraphs", "tables")

    def __init__(self) -> None:
        self.paragraphs = 0
        self.tables = 0

    def count(self, block: etree._Element) -> None:
        """Count ``block`` if it is a paragraph or a table."""
        if block.tag == P:
            self.paragraphs += 1
        elif block.tag == TBL:
            self.tables += 1

    def label(self, block: etree._Element) -> str:
        """Return where the block just counted is: "paragraph 3", "table 1"…"""
        return (f"paragraph {self.paragraphs}" if block.tag == P else
                f"table {self.tables}" if block.tag == TBL else "content control")


@dataclass(frozen=True)
class Options:
    """How to compare, as Word's Compare options say it: ``ignore_formatting`` leaves changes of
    formatting and paragraph style untracked (no ``w:rPrChange``/``w:pPrChange``);
    ``granularity`` is "word" (a changed word, or number, is marked whole) or "character";
    ``old_comments`` keeps the old document's comments on text that did not change (the new
    document's comments are always kept)."""

    ignore_formatting: bool = False
    granularity: str = "word"
    old_comments: bool = True


class Session:
    """One comparison's marks (``marks``), carried content (``carry``) and change list
    (``changes``).

    ``note_pairs[kind]`` lists the (old id, new id) of the notes whose references stand in
    equal places, to compare later; ``notes_inserted[kind]`` the ids of new notes whose
    references were inserted.
    """

    def __init__(self, marks: Marker, carry: Carrier, options: Options = Options()) -> None:
        self.marks = marks
        self.carry = carry
        self.options = options
        self._formats: dict[int, Formats] = {}
        #: each package's paragraph styles by id (walk._styles), by the package's identity
        #: (both packages live as long as the comparison)
        self.paragraph_styles: dict[int, dict[str, etree._Element | str]] = {}
        #: the tokens of the texts of the paragraphs compared, by text (keys.text_tokens, at
        #: the comparison's granularity): a text both versions have, or repeated, is split once
        self.texts_split: dict[str, list[str]] = {}
        self.changes: list[Change] = []
        self.note_pairs: dict[str, list[tuple[str | None, str | None]]] = {
            "footnote": [], "endnote": []}
        self.notes_inserted: dict[str, list[str | None]] = {"footnote": [], "endnote": []}
        #: the body's headings, to name each change's place by them (set by the body's walk)
        self.places: Places | None = None
        self._wrappers: dict[int, etree._Element] = {}
        self._keep_alive: list[etree._Element] = []  # so that the ids above stay theirs

    # ---- the change list

    def record(self, story: Story, where: list[str], kind: str, old: str, new: str,
               context: str, what: str = "", detail: str = "") -> None:
        """Add a changed place of ``story`` to the change list; ``what`` and ``detail`` say
        what kind of change it is when the words do not (see :class:`Change`)."""
        place = self.places.place(where) if story.name == "body" and self.places else ""
        self.changes.append(Change(story.name, ", ".join(where) or "paragraph", kind, old, new,
                                   context, what, place, detail))

    # ---- places by heading

    def start_places(self, story: Story, old: etree._Element, new: etree._Element) -> None:
        """Read the headings of both bodies, to name places by them (the body's walk)."""
        self.places = Places(Outline.of(story.old, story.old_part, old),
                             Outline.of(story.new, story.new_part, new))

    def record_block(self, story: Story, block: etree._Element, kind: str, where: list[str],
                     numbering: Numbering) -> None:
        """Add a whole block, "inserted" or "deleted", to the change list."""
        text = plain(block) if block.tag == P else block_text(block)
        old, new = (text, "") if kind == "deleted" else ("", text)
        self.record(story, where + [numbering.label(block)], kind, old, new, text)

    def formats(self, pkg: Package) -> Formats:
        """Return the reader of ``pkg``'s formatting (its styles, read once)."""
        found = self._formats.get(id(pkg))
        if found is None:
            found = self._formats[id(pkg)] = Formats(pkg)
        return found

    # ---- notes met on the way

    def pair_notes(self, old: etree._Element, new: etree._Element) -> None:
        """Pair the notes referred to in two equal places, in order."""
        for tag, kind in _NOTE_KINDS.items():
            olds = [e.get(ID) for e in old.iter(tag)]
            news = [e.get(ID) for e in new.iter(tag)]
            self.note_pairs[kind] += list(zip(olds, news))

    def pair_refs(self, old: Token, new: Token) -> None:
        """Pair the notes referred to in two equal tokens (a note reference, a field …)."""
        for (_, o), (_, n) in zip(old.pieces, new.pieces):
            if not (isinstance(o, etree._Element) and isinstance(n, etree._Element)):
                continue
            if o.tag in _NOTE_KINDS and o.tag == n.tag:
                self.note_pairs[_NOTE_KINDS[o.tag]].append((o.get(ID), n.get(ID)))
            else:
                self.pair_notes(o, n)

    def note_inserted(self, tok: Token) -> None:
        """Remember the notes an inserted token refers to, to mark them inserted."""
        for _, n in tok.pieces:
            if isinstance(n, etree._Element):
                for ref in n.iter(FN_REF, EN_REF):
                    self.notes_inserted[_NOTE_KINDS[ref.tag]].append(ref.get(ID))

    # ---- old hyperlinks

    def old_wrapper(self, el: etree._Element, story: Story) -> etree._Element:
        """Return a hyperlink of the old document, fit to wrap its deleted words in the new
        one (one clone for each old hyperlink)."""
        clone = self._wrappers.get(id(el))
        if clone is None:
            clone = etree.Element(el.tag, attributes(el))
            for name, value in attributes(clone).items():
                if name.startswith(_R_ATTRIBUTE):
                    clone.set(name, self.carry.relationship(story, value))
            self._wrappers[id(el)] = clone
            self._keep_alive.append(el)
        return clone
