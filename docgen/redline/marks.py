"""Write revision marks: inserted and deleted runs, paragraph marks and rows (``w:ins``,
``w:del``), moved paragraphs (``w:moveFrom``, ``w:moveTo`` and their named ranges), changed
properties (``w:rPrChange``, ``w:pPrChange``), and the setting that keeps Word tracking. Every
element goes where the schema puts it (:mod:`docgen.ooxml.sequence`)."""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

from ..ooxml.package import REL_TYPES, Package
from ..ooxml.sequence import get_or_add, insert
from .tags import (BLOCKS, DEL, DELINSTR, DELTEXT, FLDCHAR, FLDSIMPLE, ID, INS, INSTR,
                   MARKERS, MATH, MOVE_FROM, PPR, RPR, SDT, TR, TXBX, VAL, WRAPPERS, XML_SPACE, P,
                   R_, T, W, w)

__all__ = ["Marker", "inserted_whole", "inside", "simple_field_runs", "to_deleted",
           "track_revisions"]


class Marker:
    """Make revision marks by one author at one time, numbering them from ``next_id`` and
    counting them in ``revisions``."""

    def __init__(self, author: str, date: str, next_id: int) -> None:
        self.author = author
        self.date = date
        self.next_id = next_id
        self.revisions = 0

    def mark(self, tag: str) -> etree._Element:
        """Return a new, empty revision mark ``tag`` (``w:ins``, ``w:rPrChange`` …)."""
        el = etree.Element(tag)
        el.set(ID, str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        self.next_id += 1
        self.revisions += 1
        return el

    def paragraph(self, p: etree._Element, tag: str) -> None:
        """Mark the paragraph mark of ``p`` inserted, deleted or moved."""
        rpr = get_or_add(get_or_add(p, "w:pPr"), "w:rPr")
        for old in [c for c in rpr if c.tag in _PARAGRAPH_MARKS]:
            rpr.remove(old)
        insert(rpr, self.mark(tag))

    def row(self, tr: etree._Element, tag: str) -> None:
        """Mark the row ``tr`` inserted or deleted."""
        trpr = get_or_add(tr, "w:trPr")
        for old in trpr.findall(INS) + trpr.findall(DEL):
            trpr.remove(old)
        if not len(trpr):
            # CT_TrPr needs one row property before the mark; this one is the default
            insert(trpr, etree.Element(w("cantSplit"))).set(VAL, "off")
        insert(trpr, self.mark(tag))

    def block(self, block: etree._Element, tag: str) -> None:
        """Mark all of ``block`` (a paragraph, table or content control) inserted or deleted."""
        if block.tag == P:
            self.runs(block, tag)
            self.paragraph(block, tag)
            return
        for tr in list(block.iter(TR)):
            if not inside(tr, TXBX, block):
                self.row(tr, tag)
        for p in list(block.iter(P)):
            if not inside(p, TXBX, block):
                self.runs(p, tag)
                self.paragraph(p, tag)

    def row_and_paragraphs(self, tr: etree._Element, tag: str) -> None:
        """Mark a whole row inserted or deleted: the row, and each paragraph of its cells."""
        self.row(tr, tag)
        for p in [p for p in tr.iter(P) if not inside(p, TXBX, tr)]:
            self.runs(p, tag)
            self.paragraph(p, tag)

    def runs(self, parent: etree._Element, tag: str) -> None:
        """Wrap each stretch of runs of ``parent`` (a paragraph or wrapper) in one mark."""
        group: list[etree._Element] = []
        gone = tag in (DEL, MOVE_FROM)

        def flush() -> None:
            if group:
                mark = self.mark(tag)
                group[0].addprevious(mark)
                for el in group:
                    mark.append(el)
                group.clear()

        for child in list(parent):
            ctag = child.tag
            if ctag == PPR or not isinstance(ctag, str):
                continue
            if ctag == FLDSIMPLE:
                runs = simple_field_runs(child)
                for r in runs:
                    child.addprevious(r)
                parent.remove(child)
                if gone:
                    for r in runs:
                        to_deleted(r)
                group.extend(runs)
            elif ctag in (R_, SDT) or ctag.startswith(MATH):
                if gone:
                    to_deleted(child)
                group.append(child)
            elif ctag in WRAPPERS:
                flush()
                self.runs(child, tag)
            else:
                flush()
        flush()

    def move_range(self, sources: list[etree._Element], destinations: list[etree._Element]
                   ) -> None:
        """Name one move: put ``w:moveFromRangeStart``…``End`` around its source paragraphs
        and ``w:moveToRangeStart``…``End`` around its destination ones, as Word does (the
        start after the first paragraph's properties, the end after the last one's content;
        each range has an id of its own, and both share a name unique in the document)."""
        name = f"move{self.next_id}"
        for kind, paragraphs in (("moveFrom", sources), ("moveTo", destinations)):
            start = etree.Element(w(kind + "RangeStart"))
            start.set(ID, str(self.next_id))
            start.set(w("author"), self.author)
            start.set(w("date"), self.date)
            start.set(w("name"), name)
            end = etree.Element(w(kind + "RangeEnd"))
            end.set(ID, str(self.next_id))
            self.next_id += 1
            head = paragraphs[0]
            head.insert(1 if len(head) and head[0].tag == PPR else 0, start)
            paragraphs[-1].append(end)

    def last_paragraph(self, container: etree._Element) -> None:
        """Move the mark off the last paragraph mark of ``container``, when that one is
        inserted, deleted or moved, to the paragraph mark before the run of paragraphs it ends.

        A story, a cell or a note always ends with a paragraph, so its last paragraph mark can
        never go: rejecting paragraphs added at the end (or accepting paragraphs removed from
        the end) would leave an empty paragraph behind in Word and LibreOffice. Marked the
        other way, the paragraph before the run loses its mark instead and joins the last
        one, whose ``w:pPrChange`` gives it back its own properties (``A¶ B¶`` → ``A[¶ B]¶``).
        """
        blocks = [c for c in container if c.tag in BLOCKS]
        if not blocks or blocks[-1].tag != P:
            return
        tag = _mark_of(blocks[-1])
        if tag is None:
            return
        k = len(blocks) - 1
        while k > 0 and blocks[k - 1].tag == P and _mark_of(blocks[k - 1]) == tag:
            k -= 1
        if k == 0:
            return
        if not self.mark_before(blocks[k - 1], blocks[-1]):
            self.join_replaced_end(blocks[k - 1], blocks[k], blocks[-1])

    def join_replaced_end(self, before: etree._Element, first: etree._Element,
                          last: etree._Element) -> bool:
        """Join a story's last paragraphs when they replace others: ``before``, a paragraph
        wholly deleted (inserted), comes just before the run of paragraphs inserted (deleted)
        at the end, ``first`` … ``last``. ``before``'s words move to the start of ``first``
        and its mark goes; ``last``'s mark, which a story cannot lose, stays unmarked and
        holds, as a ``w:pPrChange``, the properties it has on the other side
        (``[D¶] [I¶]`` → ``[D][I]¶``). Rejecting (accepting) then leaves the old (new) last
        paragraph alone, where LibreOffice and Word left an empty one after it. Return
        whether it was done (not for moves, section breaks or partly kept paragraphs)."""
        tag, was_tag = _mark_of(last), _mark_of(before)
        if before.tag != P or {tag, was_tag} != {INS, DEL} or \
                before.find(f"{PPR}/{w('sectPr')}") is not None or \
                before.find(f"{PPR}/{w('pPrChange')}") is not None or \
                last.find(f"{PPR}/{w('pPrChange')}") is not None:
            return False
        content = [c for c in before if c.tag != PPR]
        if not all(c.tag == was_tag or c.tag in MARKERS for c in content
                   if isinstance(c.tag, str)):
            return False  # some of its words stay: it is not replaced whole
        old_props = _own_properties(before) if tag == INS else _own_properties(last)
        new_props = _own_properties(last) if tag == INS else _own_properties(before)
        parent = before.getparent()
        rpr = last.find(f"{PPR}/{RPR}")
        if parent is None or rpr is None:
            return False
        at = 1 if len(first) and first[0].tag == PPR else 0
        for c in reversed(content):
            first.insert(at, c)
        parent.remove(before)
        for m in [c for c in rpr if c.tag in _PARAGRAPH_MARKS]:
            rpr.remove(m)
        self.revisions -= 2  # the two paragraph marks, now one that stays
        ppr = get_or_add(last, "w:pPr")
        for c in [c for c in ppr if c.tag not in (RPR, w("sectPr"))]:
            ppr.remove(c)
        for c in new_props:
            insert(ppr, copy.deepcopy(c))
        if _signature(old_props) != _signature(new_props):
            was = etree.Element(P)
            was.append(_props_element(old_props))
            self.properties_changed(last, was, PPR, w("pPrChange"), (RPR, w("sectPr")),
                                    copy.deepcopy)
        return True

    def mark_before(self, before: etree._Element, last: etree._Element) -> bool:
        """Move the mark of ``last``, the last paragraph of a run of paragraphs inserted,
        deleted or moved here, to the paragraph mark of ``before``, the plain paragraph just
        before the run (``A¶ [B¶ C¶]`` → ``A[¶ B¶ C]¶``); ``last``'s mark then stands for
        ``before``'s, and a ``w:pPrChange`` gives it ``before``'s properties back. Return
        whether it was moved (not when ``before`` is no plain paragraph, or holds a section
        break, whose mark stays put).

        Besides the end of a story (see :meth:`last_paragraph`), this is how a run of
        paragraphs moved and edited here is marked: LibreOffice, rejecting a paragraph mark
        whose revision starts inside its paragraph (the words after an edit), joins the next
        paragraph into it and gives the join the rejected paragraph's style, so a heading
        after the move turned into body text. Marked this way the join is with ``before``,
        which keeps its own style in LibreOffice and, through ``last``'s mark, in Word.
        """
        if before.tag != P or _mark_of(before) is not None or \
                before.find(f"{PPR}/{w('sectPr')}") is not None:
            return False  # no plain paragraph before the run (a section break's mark stays put)
        tag = _mark_of(last)
        rpr = last.find(f"{PPR}/{RPR}")
        if rpr is None or tag is None:
            return False
        for m in [c for c in rpr if c.tag in _PARAGRAPH_MARKS]:
            rpr.remove(m)
            self.revisions -= 1  # a mark made, then moved to the paragraph before
        # a plain insertion or deletion: this mark lies outside the move's range (and
        # LibreOffice, rejecting a w:moveTo mark here, leaves an empty paragraph behind)
        self.paragraph(before, DEL if tag in (DEL, MOVE_FROM) else INS)
        if tag in (DEL, MOVE_FROM):
            # the last mark stays: it takes the properties of the paragraph that now joins
            # it, and keeps its own as the old ones
            was = copy.deepcopy(last)
            ppr = get_or_add(last, "w:pPr")
            for c in [c for c in ppr if c.tag not in (RPR, w("sectPr"))]:
                ppr.remove(c)
            for c in _own_properties(before):
                insert(ppr, copy.deepcopy(c))
            if _signature(_own_properties(was)) != _signature(_own_properties(before)):
                self.properties_changed(last, was, PPR, w("pPrChange"), (RPR, w("sectPr")),
                                        copy.deepcopy)
        else:
            # the last mark stands for the old one of the paragraph before: rejecting gives
            # that paragraph's old properties back
            old_props = before.find(f"{PPR}/{w('pPrChange')}/{PPR}")
            was = etree.Element(P)
            was.append(copy.deepcopy(old_props) if old_props is not None else
                       _props_element(_own_properties(before)))
            if _signature(_own_properties(was)) != _signature(_own_properties(last)):
                self.properties_changed(last, was, PPR, w("pPrChange"), (RPR, w("sectPr")),
                                        copy.deepcopy)
        return True

    def properties_changed(self, owner: etree._Element, before: etree._Element, props: str,
                           change_tag: str, skip: tuple[str, ...],
                           bring: Callable[[etree._Element], etree._Element]) -> None:
        """Record ``before``'s properties (its ``props`` child, brought over by ``bring``) in a
        ``change_tag`` (``w:rPrChange``, ``w:pPrChange``) of ``owner``'s ``props``."""
        current = get_or_add(owner, props)
        for previous in current.findall(change_tag):
            current.remove(previous)
        change = self.mark(change_tag)
        old_props = etree.SubElement(change, props)
        old = before.find(props)
        for c in (old if old is not None else []):
            if c.tag != change_tag and c.tag not in skip:
                old_props.append(bring(c))
        insert(current, change)


_PARAGRAPH_MARKS = {INS, DEL, MOVE_FROM, w("moveTo")}


def _mark_of(p: etree._Element) -> str | None:
    """Return how a paragraph's mark is tracked (``w:ins``, ``w:del``…), or None."""
    rpr = p.find(f"{PPR}/{RPR}")
    if rpr is not None:
        for c in rpr:
            if c.tag in _PARAGRAPH_MARKS:
                return str(c.tag)
    return None


def inserted_whole(p: etree._Element) -> bool:
    """Tell whether all of paragraph ``p`` is inserted: its mark and every run of it (a
    paragraph split in two has an inserted mark after words that stay)."""
    if _mark_of(p) != INS:
        return False
    return all(inside(r, INS, p) for r in p.iter(R_))


def _own_properties(p: etree._Element) -> list[etree._Element]:
    """Return a paragraph's own properties: not its mark's, its section's or its changes."""
    ppr = p.find(PPR)
    return [c for c in (ppr if ppr is not None else [])
            if c.tag not in (RPR, w("sectPr"), w("pPrChange"))]


def _props_element(children: list[etree._Element]) -> etree._Element:
    ppr = etree.Element(PPR)
    for c in children:
        ppr.append(copy.deepcopy(c))
    return ppr


def _signature(children: list[etree._Element]) -> list[bytes]:
    return [etree.tostring(c) for c in children]


def inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    """Tell whether ``el`` lies in a ``tag`` element below ``stop``."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def to_deleted(el: etree._Element) -> None:
    """Turn the text and field codes in ``el`` into deleted text and field codes."""
    for d in el.iter(T, INSTR):
        d.tag = DELTEXT if d.tag == T else DELINSTR
        if d.tag == DELTEXT:
            d.set(XML_SPACE, "preserve")


def simple_field_runs(fld: etree._Element) -> list[etree._Element]:
    """Return a ``w:fldSimple`` as the runs of a complex field, which revision marks may wrap."""
    inner = [r for r in fld if r.tag == R_]
    rpr = inner[0].find(RPR) if inner else None

    def run(*children: etree._Element) -> etree._Element:
        r = etree.Element(R_)
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        for c in children:
            r.append(c)
        return r

    def char(kind: str) -> etree._Element:
        c = etree.Element(FLDCHAR)
        c.set(w("fldCharType"), kind)
        return c

    instr = etree.Element(INSTR)
    instr.text = fld.get(w("instr"), "")
    instr.set(XML_SPACE, "preserve")
    return [run(char("begin")), run(instr), run(char("separate"))] + inner + [run(char("end"))]


def track_revisions(pkg: Package, main: str) -> None:
    """Turn on ``w:trackRevisions`` in the settings of ``main`` (adding the settings part if
    there is none), so that Word keeps tracking the reviewer's own edits."""
    related = pkg.related(main, "settings")
    found = related[0][1] if related else None
    if found is None or found not in pkg.parts:
        # no settings, or a relationship to a settings part the file lacks: make the part
        root = etree.Element(w("settings"), nsmap={"w": W})
        if found is None:
            found = "word/settings.xml"
            pkg.add_relationship(main, REL_TYPES + "settings", found)
        pkg.set_xml(found, root)
        pkg.ensure_content_type(found, content_type="application/vnd.openxmlformats-"
                                "officedocument.wordprocessingml.settings+xml")
    get_or_add(pkg.xml(found), "w:trackRevisions")
