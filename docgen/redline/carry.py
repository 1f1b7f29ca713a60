"""Carry old content into the new document: copy it with the parts, relationships, styles and
notes it needs, and give its ids numbers the new document does not use."""

from __future__ import annotations

import copy
import posixpath
from lxml import etree

from ..ooxml.package import REL_TYPES, Package
from .model import Story
from collections.abc import Callable

from .tags import (EN_REF, FN_REF, ID, OLD_ONLY, R, RPR, STYLE_REFS, VAL, VML, R_, T,
                   attributes, w)

__all__ = ["Carrier", "first"]

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_PARA_IDS = {f"{{{_W14}}}paraId", f"{{{_W14}}}textId"}
_R_ATTRIBUTE = f"{{{R}}}"
_NOTE_KINDS = {FN_REF: "footnote", EN_REF: "endnote"}
_NUM_ID, _ABSTRACT_ID = w("numId"), w("abstractNumId")
_COMMENT_START, _COMMENT_END = w("commentRangeStart"), w("commentRangeEnd")
_COMMENT_REF, _COMMENT = w("commentReference"), w("comment")
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_NUMBERING_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"


def first(items: list[tuple[str, str]]) -> str | None:
    """Return the part of the first relationship found (``Package.related``), if any."""
    return items[0][1] if items else None


class Carrier:
    """Bring content of ``old`` into ``new``, remembering what it copied.

    ``styles_used`` collects the styles old content refers to, ``numbering_used`` the
    numbering definitions (``w:numId``) it refers to, ``notes`` the old notes
    (``kind -> [(new id, note)]``) whose references came along, to be added to ``new``.
    """

    def __init__(self, old: Package, new: Package, next_docpr: int) -> None:
        self.old = old
        self.new = new
        self.next_docpr = next_docpr
        self.styles_used: set[str] = set()
        self.numbering_used: set[str] = set()
        self.notes: dict[str, list[tuple[str, etree._Element]]] = {"footnote": [],
                                                                   "endnote": []}
        self._rels: dict[tuple[str, str, str], str] = {}
        self._parts: dict[str, str] = {}
        #: gives an id no revision, bookmark or comment uses (the comparison's counter)
        self.take_id: Callable[[], int] | None = None
        self._old_comments: dict[str, etree._Element] | None = None  # old id -> comment
        self._comment_ids: dict[str, str] = {}  # old id -> its id in the redline
        self._comment_marks: dict[str, list[etree._Element]] = {}  # old id -> marks placed

    def bring(self, el: etree._Element, story: Story) -> etree._Element:
        """Return a copy of ``el`` (old content of ``story``) fit to live in the new document."""
        el = copy.deepcopy(el)
        for d in list(el.iter()):
            tag = d.tag
            if not isinstance(tag, str):
                continue
            if tag in OLD_ONLY:
                _drop_old_only(d)
                continue
            if tag in STYLE_REFS:
                self.styles_used.add(d.get(VAL, ""))
            elif tag == _NUM_ID:
                self.numbering_used.add(d.get(VAL, ""))
            if tag in _NOTE_KINDS:
                self._bring_note(d, _NOTE_KINDS[tag])
            if tag.endswith("}docPr"):
                d.set("id", str(self.next_docpr))
                self.next_docpr += 1
            elif tag.startswith(VML) and d.get("id"):
                d.set("id", f"{d.get('id')}_old{self.next_docpr}")
                self.next_docpr += 1
            for name, value in attributes(d).items():
                if name in _PARA_IDS:
                    del d.attrib[name]
                elif name.startswith(_R_ATTRIBUTE):
                    d.set(name, self.relationship(story, value))
        return el

    def _bring_note(self, ref: etree._Element, kind: str) -> None:
        """Give the note an old reference points to a new id, and keep it to add later."""
        note = self._old_note(kind, ref.get(ID))
        if note is not None:
            new_id = str(self._new_note_id(kind))
            self.notes[kind].append((new_id, note))
            ref.set(ID, new_id)

    def _old_note(self, kind: str, old_id: str | None) -> etree._Element | None:
        part = first(self.old.related(self.old.main, kind + "s"))
        if part is None or old_id is None:
            return None
        for note in self.old.xml(part).findall(w(kind)):
            if note.get(ID) == old_id:
                return note
        return None

    def _new_note_id(self, kind: str) -> int:
        part = first(self.new.related(self.new.main, kind + "s"))
        used = {int(i) for i, _ in self.notes[kind]}
        if part is not None:
            for note in self.new.xml(part).findall(w(kind)):
                v = note.get(ID, "0")
                if v.lstrip("-").isdigit():
                    used.add(int(v))
        return max(used | {1}) + 1

    def relationship(self, story: Story, rid: str) -> str:
        """Return the id, in ``story``'s new part, of the old part's relationship ``rid``,
        copying its target (an image, a linked part) if it is inside the package."""
        part = story.old_part
        dest = story.new_part or self.new.main
        known = self._rels.get((part, rid, dest))
        if known is not None:
            return known
        target = self.old.target(part, rid) if part else None
        if target is None:
            return rid
        rel_type, where, external = target
        if external:
            new_rid = self.new.add_relationship(dest, rel_type, where, external=True)
        else:
            name = self.copy_part(where)
            if name is None:
                return rid
            new_rid = self.new.add_relationship(dest, rel_type, name)
        self._rels[(part, rid, dest)] = new_rid
        return new_rid

    def copy_part(self, where: str, fresh: bool = False) -> str | None:
        """Copy an old part (an image, a header) and the parts it refers to into the new one,
        and return its new name; ``fresh`` copies it again even if it was copied before."""
        if where in self._parts and not fresh:
            return self._parts[where]
        data = self.old.parts.get(where)
        if data is None:
            return None
        base, ext = posixpath.splitext(where)
        name = f"{base}-old{ext}"
        n = 1
        while name in self.new.parts:
            name = f"{base}-old{n}{ext}"
            n += 1
        if not fresh:
            self._parts[where] = name
        ctype = self.old.content_type(where)
        if ctype and ctype.endswith((".header+xml", ".footer+xml")):
            root = copy.deepcopy(self.old.xml(where))
            for d in list(root.iter(*OLD_ONLY)):
                parent = d.getparent()
                if parent is not None:
                    parent.remove(d)
            self.new.set_xml(name, root)
        else:
            self.new.parts[name] = data
        if ctype:
            self.new.ensure_content_type(name, extension_type=ctype)
            if self.new.content_type(name) != ctype:
                self.new.ensure_content_type(name, content_type=ctype)
        if self.old.rels_name(where) in self.old.parts:
            rels = copy.deepcopy(self.old.rels(where))
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                inner = self.copy_part(self.old.resolve(where, rel.get("Target", "")))
                if inner is not None:
                    rel.set("Target", posixpath.relpath(inner, posixpath.dirname(name)))
            self.new.set_xml(self.new.rels_name(name), rels)
        return name

    def add_notes_part(self, kind: str, old_part: str, new_main: str) -> str:
        """Give the new document a notes part (``kind`` is "footnote" or "endnote") holding the
        old one's separators, for old notes to come back into; return its name."""
        old_root = self.old.xml(old_part)
        root = etree.Element(old_root.tag, nsmap=old_root.nsmap)  # type: ignore[arg-type]
        for note in old_root.findall(w(kind)):
            if note.get(w("type")) in ("separator", "continuationSeparator",
                                       "continuationNotice"):
                root.append(copy.deepcopy(note))
        name = f"word/{kind}s.xml"
        n = 1
        while name in self.new.parts:
            name = f"word/{kind}s{n}.xml"
            n += 1
        self.new.set_xml(name, root)
        self.new.add_relationship(new_main, REL_TYPES + kind + "s", name)
        self.new.ensure_content_type(name, content_type="application/vnd.openxmlformats-"
                                     f"officedocument.wordprocessingml.{kind}s+xml")
        return name

    def carry_styles(self, old_main: str, new_main: str) -> None:
        """Copy the styles that old content brought back uses and the new document lacks, so
        that a rejected change looks as it did."""
        old_part = first(self.old.related(old_main, "styles"))
        new_part = first(self.new.related(new_main, "styles"))
        if not self.styles_used or old_part is None or new_part is None:
            return
        old_root, new_root = self.old.xml(old_part), self.new.xml(new_part)
        if old_root is new_root:
            return  # one tree read for both (the same styles): the new one lacks none
        old_styles = {st.get(w("styleId")): st for st in old_root.iter(w("style"))}
        have = {st.get(w("styleId")) for st in new_root.iter(w("style"))}
        wanted: list[str | None] = []
        wanted.extend(sorted(self.styles_used))
        while wanted:
            sid = wanted.pop(0)
            if sid in have or sid not in old_styles:
                continue
            style = copy.deepcopy(old_styles[sid])
            self.numbering_used.update(n.get(VAL, "") for n in style.iter(_NUM_ID))
            for ref in ("basedOn", "next", "link"):
                r = style.find(w(ref))
                if r is None:
                    continue
                base = r.get(VAL)
                if base not in have:
                    if base in old_styles:
                        wanted.append(base)
                    else:
                        style.remove(r)
            new_root.append(style)
            have.add(sid)


    # ---- comments of the old document on text that did not change

    def old_comment_mark(self, mark: etree._Element) -> etree._Element | None:
        """Return a copy, for the redline, of an old comment's mark (its range start or end, or
        the run of its reference) on text that did not change; None for other markers, and for
        a comment the new document has too (the same author and words)."""
        ref: etree._Element | None = None
        if mark.tag in (_COMMENT_START, _COMMENT_END):
            ref = mark
        elif mark.tag == R_:
            ref = mark.find(_COMMENT_REF)
        oid = ref.get(ID) if ref is not None else None
        if oid is None or oid not in self._comments_to_keep() or self.take_id is None:
            return None
        nid = self._comment_ids.get(oid)
        if nid is None:
            nid = self._comment_ids[oid] = str(self.take_id())
        copied = copy.deepcopy(mark)
        if copied.tag == R_:
            for d in copied.iter(*STYLE_REFS):
                self.styles_used.add(d.get(VAL, ""))
            for d in copied.iter(_COMMENT_REF):
                d.set(ID, nid)
            for name in [n for n in attributes(copied) if n.startswith(w("rsid"))]:
                del copied.attrib[name]
        else:
            copied.set(ID, nid)
        self._comment_marks.setdefault(oid, []).append(copied)
        return copied

    def _comments_to_keep(self) -> dict[str, etree._Element]:
        """The old document's comments, but those the new one has too."""
        if self._old_comments is None:
            self._old_comments = {}
            old_part = first(self.old.related(self.old.main, "comments"))
            if old_part is None or old_part not in self.old.parts:
                return self._old_comments
            new_part = first(self.new.related(self.new.main, "comments"))
            have = set()
            if new_part is not None and new_part in self.new.parts:
                have = {(c.get(w("author")), _comment_text(c))
                        for c in self.new.xml(new_part).findall(_COMMENT)}
            for c in self.old.xml(old_part).findall(_COMMENT):
                if c.get(ID) is not None and (c.get(w("author")), _comment_text(c)) not in have:
                    self._old_comments[c.get(ID, "")] = c
        return self._old_comments

    def carry_comments(self, new_main: str) -> None:
        """Add the old comments whose marks all came into the redline to the new document's
        comments; the marks of a comment whose range was cut by a change are taken out."""
        kept: list[tuple[str, etree._Element]] = []
        for oid, marks in self._comment_marks.items():
            kinds = [m.tag for m in marks]
            whole = kinds.count(R_) == 1 and kinds.count(_COMMENT_START) == \
                kinds.count(_COMMENT_END) <= 1
            if whole and self._old_comments is not None and oid in self._old_comments:
                kept.append((oid, self._old_comments[oid]))
                continue
            for m in marks:
                parent = m.getparent()
                if parent is not None:
                    parent.remove(m)
        if not kept:
            return
        old_part = first(self.old.related(self.old.main, "comments"))
        assert old_part is not None  # the comments were read from it
        new_part = first(self.new.related(new_main, "comments"))
        if new_part is None or new_part not in self.new.parts:
            new_part = self._add_part(self.old.xml(old_part), new_main, new_part, "comments",
                                      _COMMENTS_TYPE)
        story = Story("comments", self.old, self.new, old_part, new_part)
        new_root = self.new.xml(new_part)
        for oid, comment in kept:
            copied = self.bring(comment, story)
            copied.set(ID, self._comment_ids[oid])
            new_root.append(copied)

    def carry_numbering(self, old_main: str, new_main: str) -> None:
        """Copy the numbering definitions (``w:num`` and its ``w:abstractNum``) that old content
        brought back refers to and the new document lacks, the abstract ones under ids the new
        document does not use, so that a deleted numbered paragraph keeps its number (call it
        after :meth:`carry_styles`, whose styles may refer to numbering too)."""
        wanted = {n for n in self.numbering_used if n and n != "0"}
        old_part = first(self.old.related(old_main, "numbering"))
        if not wanted or old_part is None or old_part not in self.old.parts:
            return
        old_root = self.old.xml(old_part)
        old_nums = {n.get(_NUM_ID): n for n in old_root.findall(w("num"))}
        old_abstract = {a.get(_ABSTRACT_ID): a for a in old_root.findall(w("abstractNum"))}
        new_part = first(self.new.related(new_main, "numbering"))
        if new_part is None or new_part not in self.new.parts:
            if not any(n in old_nums for n in wanted):
                return
            new_part = self._add_part(old_root, new_main, new_part, "numbering",
                                      _NUMBERING_TYPE)
        new_root = self.new.xml(new_part)
        have = {n.get(_NUM_ID) for n in new_root.findall(w("num"))}
        used_abstract = {a.get(_ABSTRACT_ID) for a in new_root.findall(w("abstractNum"))}
        next_abstract = 1 + max((int(a) for a in used_abstract if a and a.isdigit()), default=-1)
        renamed: dict[str | None, str] = {}
        for nid in sorted(wanted - have, key=lambda v: (len(v), v)):
            num = old_nums.get(nid)
            if num is None:
                continue
            num = copy.deepcopy(num)
            ref = num.find(_ABSTRACT_ID)
            old_abstract_id = ref.get(VAL) if ref is not None else None
            if ref is not None and old_abstract_id in old_abstract:
                if old_abstract_id not in renamed:
                    abstract = copy.deepcopy(old_abstract[old_abstract_id])
                    renamed[old_abstract_id] = str(next_abstract)
                    next_abstract += 1
                    abstract.set(_ABSTRACT_ID, renamed[old_abstract_id])
                    for link in abstract.findall(w("numStyleLink")):
                        abstract.remove(link)  # the style it names is the new document's
                    for style in abstract.iter(w("pStyle")):
                        self.styles_used.add(style.get(VAL, ""))
                    _place_numbering(new_root, abstract)
                ref.set(VAL, renamed[old_abstract_id])
            _place_numbering(new_root, num)
            have.add(nid)

    def _add_part(self, old_root: etree._Element, new_main: str, name: str | None,
                  kind: str, content_type: str) -> str:
        """Give the new document an empty ``kind`` part ("comments", "numbering") rooted as
        ``old_root`` is (at ``name`` if its relationship already names one) and return its
        name."""
        root = etree.Element(old_root.tag, nsmap=old_root.nsmap)  # type: ignore[arg-type]
        if name is None:
            name = f"word/{kind}.xml"
            n = 1
            while name in self.new.parts:
                name = f"word/{kind}{n}.xml"
                n += 1
            self.new.add_relationship(new_main, REL_TYPES + kind, name)
        self.new.set_xml(name, root)
        self.new.ensure_content_type(name, content_type=content_type)
        return name


def _comment_text(comment: etree._Element) -> str:
    return "".join(t.text or "" for t in comment.iter(T))


def _place_numbering(root: etree._Element, el: etree._Element) -> None:
    """Put a ``w:abstractNum`` after the last one (before the first ``w:num``), a ``w:num``
    after the last one (before ``w:numIdMacAtCleanup``), as the schema orders them."""
    same = root.findall(el.tag)
    if same:
        same[-1].addnext(el)
        return
    later = (w("num"), w("numIdMacAtCleanup")) if el.tag == w("abstractNum") else \
        (w("numIdMacAtCleanup"),)
    for child in root:
        if child.tag in later:
            child.addprevious(el)
            return
    root.append(el)


def _drop_old_only(d: etree._Element) -> None:
    """Remove a bookmark, comment mark … of old content; a run that held only a comment's
    mark goes with it."""
    parent = d.getparent()
    if parent is not None:
        parent.remove(d)
        grandparent = parent.getparent()
        if parent.tag == R_ and all(c.tag == RPR for c in parent) and grandparent is not None:
            grandparent.remove(parent)
