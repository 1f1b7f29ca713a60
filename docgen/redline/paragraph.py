"""Compare one changed paragraph word by word and write it with its revision marks, keeping the
new document's formatting (and the old one's, as ``w:rPrChange``, where it differs)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Union

from lxml import etree

from .describe import (describe_comments, describe_properties, describe_runs, describe_tokens,
                       run_formatting)
from .diff import opcodes, smooth
from .formats import Sig, raw_ppr, raw_rpr, same_paragraph_look
from .keys import Token, What, link_sign, paragraph_tokens
from .marks import simple_field_runs, to_deleted
from .model import Story
from .session import Session
from .tags import (DEL, DELTEXT, FLDSIMPLE, HYPERLINK, INS, PPR, RPR, SDT, SECTPR, XML_SPACE,
                   R_, T, attributes, w)

__all__ = ["compare_paragraph"]

Wrap = tuple[etree._Element, ...]
#: a piece placed in the redline: (source run or None, text or element, old run whose
#: properties differ, or None)
Placed = tuple[Union[etree._Element, None], What, Union[etree._Element, None]]
#: a stretch of the redline under one chain of wrappers and one mark (None, w:ins, w:del, or
#: "marker" for bookmarks and such)
Segment = tuple[Wrap, Union[str, None], list[Placed]]
MARKER = "marker"
#: the markers that open a range over words
RANGE_STARTS = {w("bookmarkStart"), w("commentRangeStart"), w("permStart")}


class _Segments:
    """The redline of a paragraph as it is built: stretches of pieces under one mark.

    ``old_sig`` and ``new_sig`` read a run's formatting by meaning (:mod:`.formats`); without
    them (``--ignore-formatting``) formatting is never compared.
    """

    def __init__(self, old_sig: Callable[[etree._Element], Sig] | None = None,
                 new_sig: Callable[[etree._Element], Sig] | None = None) -> None:
        self.segments: list[Segment] = []
        self.formatted = False  # some run kept its words but not its properties
        self._differs: dict[tuple[int, int], bool] = {}  # (old run, new run) → other props?
        self._old_sig, self._new_sig = old_sig, new_sig
        #: the last (old run, new run) :meth:`add_equal` weighed, and what :meth:`_before` said
        self._last_before: etree._Element | None = None
        self._last_src: etree._Element | None = None
        self._last_changed: etree._Element | None = None

    def add(self, wrap: Wrap, mark: str | None, piece: Placed) -> None:
        """Add a piece, joining the last stretch if it has the same wrappers and mark."""
        segments = self.segments
        if segments and segments[-1][0] == wrap and segments[-1][1] == mark:
            segments[-1][2].append(piece)
        else:
            segments.append((wrap, mark, [piece]))

    def _before(self, before: etree._Element | None, src: etree._Element | None
                ) -> etree._Element | None:
        """Return ``before`` (the old run) if its formatting differs from ``src``'s."""
        if src is None or before is None or before is src or self._old_sig is None or \
                self._new_sig is None:
            return None
        pair = (id(before), id(src))
        changed = self._differs.get(pair)
        if changed is None:
            changed = self._differs[pair] = raw_rpr(before) != raw_rpr(src) and \
                self._old_sig(before) != self._new_sig(src)
        if changed:
            self.formatted = True
            return before
        return None

    def formatted_runs(self) -> list[tuple[etree._Element, etree._Element, str]]:
        """Return the runs whose words stayed but whose formatting changed: (old run, new
        run, their words), in order."""
        out: list[tuple[etree._Element, etree._Element, str]] = []
        for _, mark, pieces in self.segments:
            if mark == MARKER:
                continue
            for src, what, before in pieces:
                if before is None or src is None or not isinstance(what, str):
                    continue
                if out and out[-1][0] is before and out[-1][1] is src:
                    out[-1] = (before, src, out[-1][2] + what)
                else:
                    out.append((before, src, what))
        return out

    def add_equal(self, s: Session, olds: list[Token], news: list[Token]) -> None:
        """Add the tokens of the new paragraph equal to ``olds`` (:meth:`add_new` of each, with
        the old document's comment marks on them kept if asked); a word of one piece of text
        on either side, without markers (most words), in one step here."""
        keep_comments = s.options.old_comments
        weigh = self._old_sig is not None
        segments = self.segments
        for o, n in zip(olds, news):
            if o.markers and keep_comments:
                _old_comments(s, self, n.wrap, o.markers)
            pieces = n.pieces
            if weigh and not n.markers and len(pieces) == 1 and len(o.pieces) == 1:
                src, what = pieces[0]
                if isinstance(what, str):
                    before = o.pieces[0][0]
                    if src is None or before is None or before is src:
                        changed = None
                    elif before is self._last_before and src is self._last_src:
                        changed = self._last_changed
                    else:
                        changed = self._before(before, src)
                        self._last_before, self._last_src, self._last_changed = (before, src,
                                                                                 changed)
                    wrap = n.wrap
                    if segments:
                        last = segments[-1]
                        if last[0] == wrap and last[1] is None:
                            last[2].append((src, what, changed))
                            continue
                    segments.append((wrap, None, [(src, what, changed)]))
                    continue
            self.add_new(n, None, o)
            if len(pieces) > 1 or not isinstance(pieces[0][1], str):
                s.pair_refs(o, n)  # a note reference, a field …

    def add_new(self, tok: Token, mark: str | None, old: Token | None = None,
                placed: tuple[etree._Element, ...] = ()) -> None:
        """Add a token of the new paragraph; ``old`` is the equal old token, whose runs'
        properties become a ``w:rPrChange`` where they differ; ``placed`` are markers of the
        token already added (before the words it replaces)."""
        for m in tok.markers:
            if m not in placed:
                self.add(tok.wrap, MARKER, (None, m, None))
        if old is None or self._old_sig is None:
            for src, what in tok.pieces:
                self.add(tok.wrap, mark, (src, what, None))
            return
        if len(old.pieces) == len(tok.pieces) and (
                len(tok.pieces) == 1 or not isinstance(tok.pieces[0][1], str)):
            for (src, what), (before, _) in zip(tok.pieces, old.pieces):
                self.add(tok.wrap, mark, (src, what, self._before(before, src)))
            return
        # a word split between runs on either side: line the pieces up character by character
        spans: list[tuple[int, etree._Element | None]] = []  # (end offset, old run)
        at = 0
        for before, what in old.pieces:
            at += len(what) if isinstance(what, str) else 1
            spans.append((at, before))
        at = 0
        k = 0
        for src, what in tok.pieces:
            if not isinstance(what, str):
                self.add(tok.wrap, mark, (src, what, None))
                at += 1
                continue
            rest = what
            while rest:
                while k < len(spans) - 1 and spans[k][0] <= at:
                    k += 1
                take = max(1, min(len(rest), spans[k][0] - at))
                self.add(tok.wrap, mark, (src, rest[:take], self._before(spans[k][1], src)))
                rest = rest[take:]
                at += take


def compare_paragraph(s: Session, story: Story, old: etree._Element, new: etree._Element,
                      where: list[str]) -> None:
    """Rewrite ``new`` with tracked changes from ``old``, word by word, and record the change."""
    granularity = s.options.granularity
    old_texts: list[str] = []
    new_texts: list[str] = []
    old_tokens, old_tail = paragraph_tokens(
        old, lambda el: link_sign(el, story.old, story.old_part), granularity, old_texts,
        s.texts_split)
    new_tokens, tail_markers = paragraph_tokens(
        new, lambda el: link_sign(el, story.new, story.new_part), granularity, new_texts,
        s.texts_split)
    comments = describe_comments(story, old, new,  # before ``new`` is rewritten
                                 s.options.old_comments)
    new_keys = [t.key for t in new_tokens]
    ops = smooth(opcodes([t.key for t in old_tokens], new_keys), new_keys)
    built = (_Segments() if s.options.ignore_formatting else  # styles read only if needed
             _Segments(lambda r: s.formats(story.old).run_sig(r),
                       lambda r: s.formats(story.new).run_sig(r)))
    gone: list[Token] = []  # the tokens removed and added, to say what kind of change it is
    added: list[Token] = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            built.add_equal(s, old_tokens[i1:i2], new_tokens[j1:j2])
            continue
        gone += old_tokens[i1:i2]
        added += new_tokens[j1:j2]
        # a bookmark or comment that starts on the new words starts before the old ones they
        # replace, so that rejecting the change leaves it on the old words (a REF field to a
        # bookmark whose words were changed read as empty in LibreOffice after rejecting)
        lead = tuple(m for m in new_tokens[j1].markers if m.tag in RANGE_STARTS) \
            if i2 > i1 and j2 > j1 else ()
        for m in lead:
            built.add(new_tokens[j1].wrap, MARKER, (None, m, None))
        for tok in old_tokens[i1:i2]:
            wrap = tuple(s.old_wrapper(el, story) for el in tok.wrap if el.tag == HYPERLINK)
            for src, what in tok.pieces:
                built.add(wrap, DEL, (src, what, None))
        for tok in new_tokens[j1:j2]:
            built.add_new(tok, INS, placed=lead)
            s.note_inserted(tok)
    if old_tail and s.options.old_comments:
        _old_comments(s, built, (), old_tail)
    for m in tail_markers:
        built.add((), MARKER, (None, m, None))

    old_text, new_text = "".join(old_texts), "".join(new_texts)
    ppr = new.find(PPR)
    for child in list(new):
        if child is not ppr:
            new.remove(child)
    _emit(s, story, new, built.segments)
    restyled = _paragraph_properties(s, story, old, new)
    old_formats, new_formats = s.formats(story.old), s.formats(story.new)
    # the words whose formatting changed, and how ("bold added on “30 days”")
    runs = describe_runs([(run_formatting(old_formats, new_formats, before, src), text)
                          for before, src, text in built.formatted_runs()]
                         ) if built.formatted else ""
    if any(op != "equal" for op, *_ in ops):  # (a page number's result is no change)
        what, detail = describe_tokens(story, gone, added)
        s.record(story, where, "changed", old_text, new_text, new_text, what,
                 "; ".join(d for d in (detail, runs) if d))
    elif comments:
        s.record(story, where, "changed", old_text, new_text, new_text, "comment", comments)
    elif built.formatted or restyled:
        what, detail = (describe_properties(story, old, new, old_formats, new_formats)
                        if restyled else ("formatting", ""))
        s.record(story, where, "formatted", old_text, new_text, new_text, what,
                 "; ".join(d for d in (detail, runs) if d))


def _old_comments(s: Session, built: _Segments, wrap: Wrap,
                  markers: list[etree._Element]) -> None:
    """Keep the old document's comment marks that stand on text both versions have."""
    for m in markers:
        copied = s.carry.old_comment_mark(m)
        if copied is not None:
            built.add(wrap, MARKER, (None, copied, None))


def _paragraph_properties(s: Session, story: Story, old: etree._Element,
                          new: etree._Element) -> bool:
    """Track a change of paragraph properties (style, alignment …) with ``w:pPrChange``."""
    if s.options.ignore_formatting or raw_ppr(old) == raw_ppr(new) or \
            s.formats(story.old).paragraph_sig(old) == s.formats(story.new).paragraph_sig(new) or \
            same_paragraph_look(s.formats(story.old).paragraph_look(old),
                                s.formats(story.new).paragraph_look(new)):
        return False
    s.marks.properties_changed(new, old, PPR, w("pPrChange"), (RPR, SECTPR),
                               lambda c: s.carry.bring(c, story))
    return True


def _emit(s: Session, story: Story, paragraph: etree._Element, segments: list[Segment]) -> None:
    """Write the segments into ``paragraph``, reopening wrappers (a hyperlink) as needed."""
    holders: list[tuple[etree._Element, etree._Element]] = []  # open wrappers, outermost first

    def container_for(wrap: Wrap) -> etree._Element:
        # reuse open wrapper clones while the chain matches
        k = 0
        while k < len(holders) and k < len(wrap) and holders[k][0] is wrap[k]:
            k += 1
        del holders[k:]
        parent = holders[-1][1] if holders else paragraph
        for src in wrap[k:]:
            clone = etree.SubElement(parent, src.tag, attributes(src))
            holders.append((src, clone))
            parent = clone
        return parent

    for wrap, mark, pieces in segments:
        parent = container_for(wrap)
        if mark == MARKER:
            for _, m, _ in pieces:
                assert not isinstance(m, str)
                parent.append(m)
            continue
        runs = _runs(s, story, pieces, deleted=mark == DEL)
        if mark is None:
            for r in runs:
                parent.append(r)
            continue
        rev = s.marks.mark(mark)
        parent.append(rev)
        for r in runs:
            if r.tag == FLDSIMPLE:
                converted = simple_field_runs(r)
                if mark == DEL:
                    for c in converted:
                        to_deleted(c)
                for c in converted:
                    rev.append(c)
            else:
                rev.append(r)


def _runs(s: Session, story: Story, pieces: list[Placed], deleted: bool) -> list[etree._Element]:
    """Return the output runs for ``pieces``, grouped by source run; an old run with other
    properties becomes a ``w:rPrChange``."""
    out: list[etree._Element] = []
    current: tuple[etree._Element, etree._Element | None] | None = None
    run: etree._Element | None = None
    text_tag = DELTEXT if deleted else T
    texts: list[str] = []  # words waiting to become one w:t (joined once: no O(n²) text)

    def flush() -> None:
        if texts and run is not None:
            t = etree.SubElement(run, text_tag)
            t.text = "".join(texts)
            t.set(XML_SPACE, "preserve")
            texts.clear()

    for src, what, before in pieces:
        if src is None:
            flush()
            assert not isinstance(what, str)  # text always comes from a run
            el = s.carry.bring(what, story) if deleted else what
            if deleted and el.tag == SDT:
                to_deleted(el)
            out.append(el)
            current = run = None
            continue
        if run is None or (src, before) != current:
            flush()
            run = etree.Element(R_, attributes(src))
            rpr = src.find(RPR)
            if rpr is not None:
                run.append(s.carry.bring(rpr, story) if deleted else copy.deepcopy(rpr))
            if before is not None:
                s.marks.properties_changed(run, before, RPR, w("rPrChange"), (),
                                           lambda c: s.carry.bring(c, story))
            out.append(run)
            current = (src, before)
        if isinstance(what, str):
            texts.append(what)
        else:
            flush()
            el = s.carry.bring(what, story) if deleted else copy.deepcopy(what)
            if deleted:
                to_deleted(el)
            run.append(el)
    flush()
    return out
