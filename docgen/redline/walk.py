"""Walk the stories of two documents side by side: the body with its tables, content controls
and text boxes, each header and footer (matched by section and type), and the footnotes and
endnotes (matched through their references). Each function is told the story it works in."""

from __future__ import annotations

from lxml import etree

from ..ooxml.package import REL_TYPES, Package
from .carry import first
from .diff import align, opcodes, positional, slide
from .keys import (block_key, block_sign, row_shape, row_text, same_markup, similar,
                   starts_section, words)
from .model import Story
from .paragraph import compare_paragraph
from .session import Numbering, Session
from .tags import (BLOCKS, DEL, INS, PPR, RID, SDTCONTENT, SECTPR, TBL, TC, TR, P, w)

__all__ = ["compare_container", "compare_headers_footers", "compare_notes",
           "explicit_headers", "section_refs", "sections"]

#: a section's header and footer references: (section index, "header"|"footer", type) ->
#: (part, relationship id)
SectionRefs = dict[tuple[int, str, str], tuple[str, str]]
Pair = tuple[etree._Element | None, etree._Element | None]
MAX_REPLACE_PAIRS = 4000  # above this many block pairs, a changed region is aligned by position
_TYPE_NAMES = {"default": "default", "first": "first page", "even": "even pages"}


# ---- containers (a story, a cell, a text box, a content control)

def compare_container(s: Session, story: Story, old: etree._Element, new: etree._Element,
                      where: list[str]) -> None:
    """Compare the blocks of two containers, marking the new one's blocks and putting the
    old one's removed blocks back in it, deleted."""
    old_blocks = [c for c in old if c.tag in BLOCKS]
    new_blocks = [c for c in new if c.tag in BLOCKS]
    old_keys = [block_sign(b, story.old, story.old_part) for b in old_blocks]
    new_keys = [block_sign(b, story.new, story.new_part) for b in new_blocks]
    numbering = Numbering()  # paragraphs and tables are numbered as they stand in the redline
    # the body's own blocks are followed under their headings, to name places by them
    places = None
    if story.name == "body" and not where:
        s.start_places(story, old, new)
        places = s.places
    ops = slide(opcodes(old_keys, new_keys), old_keys, new_keys,
                lambda i: starts_section(old_blocks[i]),
                lambda i: starts_section(new_blocks[i]))
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            for ob, nb, key in zip(old_blocks[i1:i2], new_blocks[j1:j2], new_keys[j1:j2]):
                numbering.count(nb)
                if places:
                    places.enter(nb)
                if same_markup(ob, nb):
                    if "\x03" in key:
                        s.pair_notes(ob, nb)
                else:  # same words, other formatting
                    _compare_block(s, story, ob, nb, where, numbering)
            continue
        prev: etree._Element | None = new_blocks[j1 - 1] if j1 > 0 else None
        first_new = new_blocks[j1] if j1 < len(new_blocks) else None
        for o, n in _align_blocks(old_blocks[i1:i2], new_blocks[j1:j2]):
            if n is None:
                assert o is not None
                copy_ = s.carry.bring(o, story)
                _place(new, copy_, prev, first_new)
                prev = copy_
                numbering.count(copy_)
                if places:
                    places.enter(copy_, o)
                s.record_block(story, copy_, "deleted", where, numbering)
                s.marks.block(copy_, DEL)
                continue
            prev = n
            numbering.count(n)
            if places:
                places.enter(n)
            if o is None:
                s.record_block(story, n, "inserted", where, numbering)
                s.marks.block(n, INS)
            else:
                _compare_block(s, story, o, n, where, numbering)


def _compare_block(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str], numbering: Numbering) -> None:
    """Compare two paired blocks of the same kind."""
    if new.tag == P:
        compare_paragraph(s, story, old, new, where + [f"paragraph {numbering.paragraphs}"])
    elif new.tag == TBL:
        _compare_table(s, story, old, new, where + [f"table {numbering.tables}"])
    else:
        _compare_sdt(s, story, old, new, where)


def _align_blocks(old: list[etree._Element], new: list[etree._Element]) -> list[Pair]:
    """Pair similar blocks of a changed region, in order; the rest are deletions/insertions."""
    if len(old) == len(new) == 1 and old[0].tag == new[0].tag == P and \
            min(len(words(old[0])), len(words(new[0]))) <= 5:
        return [(old[0], new[0])]  # a short value changed in place: "~~$50~~ $75"
    if len(old) * len(new) > MAX_REPLACE_PAIRS:
        return positional(old, new, similar)
    return align(old, new, similar)


def _compare_sdt(s: Session, story: Story, old: etree._Element, new: etree._Element,
                 where: list[str]) -> None:
    oc, nc = old.find(SDTCONTENT), new.find(SDTCONTENT)
    if oc is not None and nc is not None:
        compare_container(s, story, oc, nc, where + ["content control"])
        return
    copy_ = s.carry.bring(old, story)
    new.addprevious(copy_)
    s.marks.block(copy_, DEL)
    s.marks.block(new, INS)


def _place(container: etree._Element, block: etree._Element, prev: etree._Element | None,
           first_new: etree._Element | None) -> None:
    """Put an old block back: after ``prev``, else before ``first_new``, else at the end
    (before a body's final section properties)."""
    if prev is not None:
        prev.addnext(block)
    elif first_new is not None:
        first_new.addprevious(block)
    elif len(container) and container[-1].tag == SECTPR:
        container[-1].addprevious(block)
    else:
        container.append(block)


# ---- tables

def _compare_table(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str]) -> None:
    old_rows = old.findall(TR)
    new_rows = new.findall(TR)
    ops = opcodes([block_key(r) for r in old_rows], [block_key(r) for r in new_rows])
    row_no = 0
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            for orow, nrow in zip(old_rows[i1:i2], new_rows[j1:j2]):
                row_no += 1
                if same_markup(orow, nrow) or row_shape(orow) != row_shape(nrow):
                    s.pair_notes(orow, nrow)
                else:
                    _compare_cells(s, story, orow, nrow, where + [f"row {row_no}"])
            continue
        prev: etree._Element | None = new_rows[j1 - 1] if j1 > 0 else None
        first_new = new_rows[j1] if j1 < len(new_rows) else None
        for o, n in _align_rows(old_rows[i1:i2], new_rows[j1:j2]):
            row_no += 1
            here = where + [f"row {row_no}"]
            if n is not None:
                prev = n
            if n is None:
                assert o is not None
                copy_ = s.carry.bring(o, story)
                _place(new, copy_, prev, first_new)
                prev = copy_
                s.record(story, here, "deleted", row_text(copy_), "", row_text(copy_))
                s.marks.row_and_paragraphs(copy_, DEL)
            elif o is None:
                s.record(story, here, "inserted", "", row_text(n), row_text(n))
                s.marks.row_and_paragraphs(n, INS)
            else:
                _compare_cells(s, story, o, n, here)


def _compare_cells(s: Session, story: Story, old: etree._Element, new: etree._Element,
                   where: list[str]) -> None:
    """Compare the cells of two rows of one shape, one by one."""
    for c, (oc, nc) in enumerate(zip(old.findall(TC), new.findall(TC)), 1):
        if not same_markup(oc, nc):
            compare_container(s, story, oc, nc, where + [f"cell {c}"])
        else:
            s.pair_notes(oc, nc)


def _align_rows(old: list[etree._Element], new: list[etree._Element]) -> list[Pair]:
    """Pair similar rows; rows of another shape (spans, merges) are never paired."""
    out: list[Pair] = []
    for o, n in _align_blocks(old, new):
        if o is not None and n is not None and row_shape(o) != row_shape(n):
            out += [(o, None), (None, n)]
        else:
            out.append((o, n))
    return out


def _whole_story(s: Session, story: Story, root: etree._Element, tag: str) -> None:
    """Mark every block of a story inserted (``w:ins``) or deleted (``w:del``)."""
    numbering = Numbering()
    for b in [c for c in root if c.tag in BLOCKS]:
        numbering.count(b)
        if block_key(b).strip("\x1e"):
            s.record_block(story, b, "inserted" if tag == INS else "deleted", [], numbering)
        s.marks.block(b, tag)


# ---- notes

def compare_notes(s: Session, kind: str, old: Package, new: Package, old_main: str,
                  new_main: str) -> None:
    """Compare the notes (``kind`` is "footnote" or "endnote") whose references were paired,
    mark those of inserted references inserted, and bring back those of deleted ones."""
    old_part = first(old.related(old_main, kind + "s"))
    new_part = first(new.related(new_main, kind + "s"))
    pairs = s.note_pairs[kind]
    deleted = s.carry.notes[kind]
    if not pairs and not deleted and not s.notes_inserted[kind]:
        return
    if new_part is None:
        if not deleted or old_part is None:
            return
        new_part = s.carry.add_notes_part(kind, old_part, new_main)
    new_root = new.xml(new_part)
    new_by_id = {n.get(w("id")): n for n in new_root.findall(w(kind))}
    old_by_id = ({n.get(w("id")): n for n in old.xml(old_part).findall(w(kind))}
                 if old_part else {})
    story = Story(kind + "s", old, new, old_part or "", new_part)
    for number, (oid, nid) in enumerate(pairs, 1):
        o, n = old_by_id.get(oid), new_by_id.get(nid)
        if o is not None and n is not None and not same_markup(o, n):
            compare_container(s, story.named(f"{kind} {number}"), o, n, [])
    for nid in s.notes_inserted[kind]:
        n = new_by_id.get(nid)
        if n is not None:
            for block in [c for c in n if c.tag in BLOCKS]:
                s.marks.block(block, INS)
    for new_id, old_note in deleted:  # grows while old notes bring their own references
        note = s.carry.bring(old_note, story)
        note.set(w("id"), new_id)
        new_root.append(note)
        for block in [c for c in note if c.tag in BLOCKS]:
            s.marks.block(block, DEL)


# ---- headers and footers

def compare_headers_footers(s: Session, old: Package, new: Package, old_refs: SectionRefs,
                            new_refs: SectionRefs, new_main: str,
                            new_sections: list[etree._Element]) -> None:
    """Compare the header or footer each section shows with the old one in its place; one the
    new document no longer has comes back, all deleted."""
    done: set[str] = set()
    for (index, kind, typ), (new_part, _) in new_refs.items():
        if new_part in done or new_part not in new.parts:
            continue
        done.add(new_part)
        old_part = _effective(old_refs, index, kind, typ)
        new_root = new.xml(new_part)
        story = Story(_story_name(kind, index, typ), old, new, old_part or "", new_part)
        if old_part is None or old_part not in old.parts:
            _whole_story(s, story, new_root, INS)
            continue
        old_root = old.xml(old_part)
        if not same_markup(old_root, new_root):
            compare_container(s, story, old_root, new_root, [])
    for (index, kind, typ), (old_part, _) in old_refs.items():
        if index >= len(new_sections) or _effective(new_refs, index, kind, typ) is not None:
            continue
        name = s.carry.copy_part(old_part, fresh=True)
        if name is None:
            continue
        new_rid = new.add_relationship(new_main, REL_TYPES + kind, name)
        # the references are the first of a section's properties, in any order among
        # themselves; this one goes first
        new_sections[index].insert(0, _reference(kind, typ, new_rid))
        story = Story(_story_name(kind, index, typ), old, new, old_part, name)
        _whole_story(s, story, new.xml(name), DEL)


def _story_name(kind: str, index: int, typ: str) -> str:
    return f"{kind} {index + 1} ({_TYPE_NAMES.get(typ, typ)})"


def _reference(kind: str, typ: str, rid: str) -> etree._Element:
    ref = etree.Element(w(f"{kind}Reference"))
    ref.set(w("type"), typ)
    ref.set(RID, rid)
    return ref


def sections(body: etree._Element) -> list[etree._Element]:
    """Return the section properties of a body, in order (the last one belongs to the body)."""
    found = []
    for x in body.iter(SECTPR):
        parent = x.getparent()
        if parent is not None and parent.tag == PPR:
            found.append(x)
    last = body.find(SECTPR)
    if last is not None:
        found.append(last)
    return found


def section_refs(sections: list[etree._Element], main: str, pkg: Package) -> SectionRefs:
    """Return the header and footer references of each section that lead to a part."""
    refs: SectionRefs = {}
    for index, sect in enumerate(sections):
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                rid = ref.get(RID, "")
                target = pkg.target(main, rid)
                if target is not None and not target[2] and target[1] in pkg.parts:
                    refs[(index, kind, ref.get(w("type"), "default"))] = (target[1], rid)
    return refs


def explicit_headers(sections: list[etree._Element], refs: SectionRefs) -> None:
    """Give every section its own references to the headers and footers it inherits.

    This does not change what a reader sees, but when a section break is inserted or deleted
    the sections on either side of it keep their headers whichever way the change goes.
    """
    current: dict[tuple[str, str], str] = {}
    for index, sect in enumerate(sections):
        for (k, kind, typ), (_, rid) in refs.items():
            if k == index:
                current[(kind, typ)] = rid
        own = {(etree.QName(r.tag).localname[:-9], r.get(w("type"), "default"))
               for r in sect if r.tag in (w("headerReference"), w("footerReference"))}
        for (kind, typ), rid in sorted(current.items()):
            if (kind, typ) not in own:
                sect.insert(0, _reference(kind, typ, rid))  # first, as above


def _effective(refs: SectionRefs, index: int, kind: str, typ: str) -> str | None:
    """Return the part a section shows: its own, else the previous section's (Word's
    inheritance)."""
    for k in range(index, -1, -1):
        found = refs.get((k, kind, typ))
        if found is not None:
            return found[0]
    return None
