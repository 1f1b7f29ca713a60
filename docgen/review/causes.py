"""Why each change of a review's redline happened.

Last year's document as it stands (as built, or signed and edited by hand) is turned into this
year's by four layers, each the difference between two renderings:

1. **hand edit**: the document as docgen built it → the document as it stands (what was
   changed by hand after the build; the final redline undoes or keeps these);
2. **template change**: last year's spec with last year's templates → with this year's;
3. **catalog change**: … with last year's catalogs → with this year's (family notices);
4. **spec change**: last year's spec → this year's, with this year's templates and catalogs.

Each revision of the final redline (last year's actual document → this year's) is attributed to
the layer whose edits explain it: the words it inserts or deletes are words that layer added or
removed (for hand edits, the other way round), in the paragraph most like it. Its author then
names the cause ("docgen (spec change)"), which Word's reviewer filter shows, and the summary
lists each cause's changes; a spec change names the fields whose values it writes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from ..ooxml.package import Package
from ..redline.model import Change, Excerpt
from ..redline.tags import DEL, DELTEXT, ID, INS, PPR, RPR, TR, P, R_, T, W, attributes, w
from .compare import SpecChange

__all__ = ["CAUSES", "Attribution", "Layer", "label_revisions"]

#: the causes, in the order a revision is attributed to them when several could explain it
CAUSES = ("hand edit", "template change", "catalog change", "spec change")

_CHANGE_TAGS = (w("rPrChange"), w("pPrChange"), w("trPrChange"), w("tblPrChange"),
                w("tcPrChange"), w("sectPrChange"), w("numberingChange"))
_MOVES = (w("moveFrom"), w("moveTo"))
_STORY_RELS = ("header", "footer", "footnotes", "endnotes")


#: what a document writes differently from a spec value without changing it: non-breaking
#: hyphens, the word joiners that hold a right-to-left number's hyphen, and the direction
#: marks around numbers in right-to-left text
_SAME = str.maketrans({"\u2011": "-", "\u2010": "-", "\u00a0": " ", "\u202f": " ",
                       **{chr(c): None for c in (0x200E, 0x200F, 0x2060, *range(0x202A, 0x202F),
                                                 *range(0x2066, 0x206A))}})
_PUNCTUATION = ".,;:!?()[]“”\"'’"


def _norm(text: str) -> str:
    return " ".join(text.translate(_SAME).split())


def _words(text: str) -> set[str]:
    return {w.strip(_PUNCTUATION) for w in text.split()} - {""}


def _word_list(text: str) -> tuple[str, ...]:
    """Return the words of ``text`` in order, without the punctuation around them."""
    return tuple(w for w in (w.strip(_PUNCTUATION) for w in _norm(text).split()) if w)


@dataclass
class _Edit:
    removed: str  # the words this layer removed (normalized), "" if none
    added: str
    old_context: str
    new_context: str
    formatting: bool = False
    #: the words themselves removed and added, in order (not those left alone between close
    #: edits)
    removed_words: tuple[str, ...] = ()
    added_words: tuple[str, ...] = ()

    def flipped(self) -> _Edit:
        """Return the edit seen the other way round (a hand edit, from the final redline)."""
        return _Edit(self.added, self.removed, self.new_context, self.old_context,
                     self.formatting, self.added_words, self.removed_words)


def _excerpt_words(e: Excerpt) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the words an excerpt removes and adds, edit by edit, in order."""
    edits = e.edits or (("removed", e.removed), ("added", e.added))
    removed = tuple(w for kind, t in edits if kind == "removed" for w in _word_list(t))
    added = tuple(w for kind, t in edits if kind == "added" for w in _word_list(t))
    return removed, added


@dataclass
class Layer:
    """One layer's edits: ``cause`` and the changes of the redline between its two
    renderings; ``undone`` for hand edits, whose before and after the final redline sees the
    other way round."""

    cause: str
    changes: list[Change]
    undone: bool = False
    edits: list[_Edit] = field(default_factory=list)

    def __post_init__(self) -> None:
        for c in self.changes:
            old, new = _norm(c.old), _norm(c.new)
            if c.kind in ("changed", "moved and changed"):
                for e in c.excerpts():
                    self.edits.append(_Edit(_norm(e.removed), _norm(e.added), old, new, False,
                                            *_excerpt_words(e)))
                if not c.excerpts():
                    self.edits.append(_Edit("", "", old, new, formatting=True))
            elif c.kind == "inserted":
                self.edits.append(_Edit("", new, "", new, False, (), _word_list(new)))
            elif c.kind == "deleted":
                self.edits.append(_Edit(old, "", old, "", False, _word_list(old), ()))
            elif c.kind == "moved":
                self.edits.append(_Edit(old, new, old, new, False, _word_list(old),
                                        _word_list(new)))
            else:
                self.edits.append(_Edit("", "", old, new, formatting=True))
        if self.undone:  # seen from the final redline, a hand edit's additions are removed
            self.edits = [e.flipped() for e in self.edits]


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).quick_ratio() * 0.5 + (
        SequenceMatcher(None, a[:400], b[:400], autojunk=False).ratio() * 0.5)


#: how alike (:func:`_similar`) a layer's paragraph must be to the final redline's for its
#: edits to explain the words of a revision there
_SAME_PARAGRAPH = 0.5


def _inside(part: str, whole: str) -> bool:
    """Whether the words ``part`` stand in ``whole`` as whole words."""
    return bool(part) and f" {part} " in f" {whole} "


class Attribution:
    """Attribute the edits of a final redline to the layers that explain them."""

    def __init__(self, layers: list[Layer], spec_changes: list[SpecChange]) -> None:
        self.layers = [layer for layer in layers if layer.edits]
        self.spec_changes = spec_changes

    def cause(self, removed: str, added: str, old_context: str, new_context: str,
              formatting: bool = False) -> str:
        """Return the cause of an edit that removes ``removed`` and adds ``added`` in a
        paragraph that reads ``old_context`` before and ``new_context`` after."""
        removed, added = _norm(removed), _norm(added)
        old_context, new_context = _norm(old_context), _norm(new_context)
        best: tuple[float, int, str] | None = None
        fallback: tuple[float, int, str] | None = None
        for order, layer in enumerate(self.layers):
            for e in layer.edits:
                context = max(_similar(new_context, e.new_context) if new_context else 0.0,
                              _similar(old_context, e.old_context) if old_context else 0.0)
                if formatting:
                    explains = e.formatting
                else:
                    explains = ((not added or _inside(added, e.added))
                                and (not removed or _inside(removed, e.removed))
                                and bool(added or removed))
                score = (context, -order, layer.cause)
                if explains and (best is None or score > best):
                    best = score
                if fallback is None or score > fallback:
                    fallback = score
        chosen = best or fallback
        return chosen[2] if chosen else "spec change"

    def formatting_causes(self, old_context: str, new_context: str) -> tuple[str, ...]:
        """Return the causes of a formatting revision of a paragraph that reads
        ``old_context`` before and ``new_context`` after: every layer that changed the
        formatting of the paragraph most like it (the template and a hand edit can both
        have), in :data:`CAUSES` order; else the best cause of :meth:`cause`."""
        old_context, new_context = _norm(old_context), _norm(new_context)
        found: set[str] = set()
        for layer in self.layers:
            for e in layer.edits:
                if not e.formatting:
                    continue
                context = max(_similar(new_context, e.new_context) if new_context else 0.0,
                              _similar(old_context, e.old_context) if old_context else 0.0)
                if context >= _SAME_PARAGRAPH:
                    found.add(layer.cause)
                    break
        return tuple(c for c in CAUSES if c in found) or (
            self.cause("", "", old_context, new_context, formatting=True),)

    def fields(self, removed: str, added: str, old_context: str = "",
               new_context: str = "") -> list[SpecChange]:
        """Return the spec changes whose values an edit writes or removes: the new value is
        in the paragraph after (and not before), the old one before, and the edit touches
        one of them."""
        removed, added = _norm(removed), _norm(added)
        old_context, new_context = _norm(old_context), _norm(new_context)
        found: list[SpecChange] = []
        for c in self.spec_changes:
            if any(f.path == c.path for f in found):
                continue  # found as the document writes it (in its language) already
            new, old = _norm(c.new_text or ""), _norm(c.old_text or "")
            if new and _inside(new, added) or old and _inside(old, removed):
                found.append(c)
                continue
            writes = bool(new) and new in new_context and new not in old_context
            erases = bool(old) and old in old_context and old not in new_context
            touches = (_words(added) & _words(new) or _words(removed) & _words(old))
            if (writes or erases) and touches:
                found.append(c)
        return found

    def word_causes(self, words: list[str], removed: bool, old_context: str,
                    new_context: str) -> list[tuple[str, ...]]:
        """Return the causes of each of ``words``, removed (``removed``) or added by one
        revision of a paragraph that reads ``old_context`` before and ``new_context``
        after: the layers whose edit of the paragraph most like it removed (or added) that
        word, in :data:`CAUSES` order; () for a word no layer explains."""
        old_context, new_context = _norm(old_context), _norm(new_context)
        plain = [_norm(w).strip(_PUNCTUATION) for w in words]
        wanted = set(plain) - {""}
        explained: list[set[str]] = [set() for _ in words]
        for layer in self.layers:
            best: tuple[float, _Edit] | None = None
            for e in layer.edits:
                side = e.removed_words if removed else e.added_words
                if e.formatting or wanted.isdisjoint(side):
                    continue
                context = max(_similar(new_context, e.new_context) if new_context else 0.0,
                              _similar(old_context, e.old_context) if old_context else 0.0)
                if context >= _SAME_PARAGRAPH and (best is None or context > best[0]):
                    best = (context, e)
            if best is None:
                continue
            # the words in the order the layer wrote them: a common word ("and", "the")
            # counts only where it stands in the layer's own stretch
            side = best[1].removed_words if removed else best[1].added_words
            matcher = SequenceMatcher(None, plain, list(side), autojunk=False)
            for a, _, size in matcher.get_matching_blocks():
                for k in range(a, a + size):
                    if plain[k]:
                        explained[k].add(layer.cause)
        return [tuple(c for c in CAUSES if c in found) for found in explained]

    def excerpt_causes(self, e: Excerpt, old: str, new: str) -> list[str]:
        """Return every cause of an excerpt's edits: the words it removes and adds, each by
        the layer(s) that explain it (:meth:`word_causes`), else the excerpt's best cause."""
        found: list[str] = []
        removed, added = _excerpt_words(e)
        for words, gone in ((list(removed), True), (list(added), False)):
            for causes in self.word_causes(words, gone, old, new):
                found += [c for c in causes if c not in found]
        return [c for c in CAUSES if c in found] or [self.cause(e.removed, e.added, old, new)]

    def of_change(self, c: Change) -> list[str]:
        """Return the causes of one change of the final redline (those of each excerpt)."""
        old, new = c.old, c.new
        if c.kind in ("changed", "moved and changed") and c.excerpts():
            causes = [cause for e in c.excerpts() for cause in self.excerpt_causes(e, old, new)]
        elif c.kind == "inserted":
            causes = [self.cause("", new, "", new)]
        elif c.kind == "deleted":
            causes = [self.cause(old, "", old, "")]
        elif c.kind == "moved":
            causes = [self.cause(old, new, old, new)]
        else:
            causes = list(self.formatting_causes(old, new))
        return list(dict.fromkeys(causes))


# ---- the revisions of the redline

def _text(el: etree._Element, tags: tuple[str, ...]) -> str:
    return "".join(t.text or "" for t in el.iter(*tags))


def _contexts(p: etree._Element) -> tuple[str, str]:
    """Return a paragraph's text with every change rejected, and accepted."""
    old, new = [], []
    for t in p.iter(T, DELTEXT):
        ancestors = {a.tag for a in t.iterancestors()}
        if t.tag == DELTEXT:
            old.append(t.text or "")
        else:
            new.append(t.text or "")
            if INS not in ancestors:
                old.append(t.text or "")
    return "".join(old), "".join(new)


def _owner(el: etree._Element, tag: str) -> etree._Element | None:
    for a in el.iterancestors():
        if a.tag == tag:
            return a
    return None


def label_revisions(docx: bytes, name: str, attribution: Attribution, author: str
                    ) -> tuple[bytes, dict[str, int], int]:
    """Return the redline with each revision's author naming its causes (``author (cause)``,
    ``author (template change + hand edit)``), how many revisions each cause has, and how
    many revisions were added by splitting one whose words have different causes."""
    pkg = Package.open(docx, name)
    main = pkg.main
    parts = [main] + [n for rel in _STORY_RELS for _, n in pkg.related(main, rel)
                      if n in pkg.parts]
    counts: dict[str, int] = {}
    ids = _Ids(pkg, list(dict.fromkeys(parts)))
    #: the body's paragraphs whose revisions write spec changes: those revisions, and the
    #: fields they write (named in a comment legal staff read beside them)
    noted: dict[etree._Element, tuple[list[etree._Element], list[SpecChange]]] = {}
    for part in dict.fromkeys(parts):
        root = pkg.xml(part)
        # keyed by the paragraph itself, which keeps it alive (an id could be reused)
        contexts: dict[etree._Element, tuple[str, str]] = {}
        for mark in list(root.iter(INS, DEL, *_MOVES, *_CHANGE_TAGS)):
            if mark.get(w("author")) != author:
                continue
            p = mark if mark.tag == P else _owner(mark, P)
            if p is not None and p not in contexts:
                contexts[p] = _contexts(p)
            old_ctx, new_ctx = contexts[p] if p is not None else ("", "")
            parent = mark.getparent()
            in_props = parent is not None and parent.tag in (RPR, w("trPr"))
            if mark.tag in _CHANGE_TAGS:
                # a formatting revision the template and a hand edit both made names both
                _label(mark, author, attribution.formatting_causes(old_ctx, new_ctx), counts)
                continue
            if in_props and parent is not None and parent.tag == w("trPr"):
                row = _owner(mark, TR)
                text = _text(row, (T, DELTEXT)) if row is not None else ""
                cause = attribution.cause(text if mark.tag == DEL else "",
                                          text if mark.tag == INS else "", text, text)
            elif in_props:  # a paragraph mark: the paragraph's own words say why
                grand = parent.getparent() if parent is not None else None
                if grand is not None and grand.tag == PPR:
                    cause = attribution.cause(old_ctx if mark.tag == DEL else "",
                                              new_ctx if mark.tag == INS else "",
                                              old_ctx, new_ctx)
                else:  # a run's properties mark an inserted run (a note's reference)
                    cause = attribution.cause("", "", old_ctx, new_ctx)
            else:
                removed = _text(mark, (DELTEXT,)) if mark.tag in (DEL, w("moveFrom")) else ""
                added = _text(mark, (T,)) if mark.tag in (INS, w("moveTo")) else ""
                if not removed and not added:  # a note's or comment's reference
                    cause = attribution.cause("", "", old_ctx, new_ctx)
                else:
                    cause = attribution.cause(removed, added, old_ctx, new_ctx)
                    groups = _word_groups(attribution, removed or added, bool(removed),
                                          old_ctx, new_ctx, cause)
                    # words of one revision that different causes explain are revisions of
                    # their own; words that more than one explains name them all
                    pieces = _split(mark, groups, ids)
                    for piece, causes in pieces:
                        _label(piece, author, causes, counts)
                    if part == main and p is not None and any(
                            "spec change" in causes for _, causes in pieces):
                        fields = attribution.fields(removed, added, old_ctx, new_ctx)
                        if fields:
                            noted.setdefault(p, ([], []))
                            noted[p][0].extend(piece for piece, causes in pieces
                                               if "spec change" in causes)
                            noted[p][1].extend(f for f in fields if all(
                                f.path != g.path for g in noted[p][1]))
                    continue
            _label(mark, author, (cause,), counts)
    if noted:
        _comment_fields(pkg, main, noted, author, ids)
    return pkg.to_bytes(), counts, ids.taken


_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def field_comment(fields: list[SpecChange]) -> list[str]:
    """Return the lines of the comment on revisions that write ``fields``: each field's
    title, its JSON path in the spec, and both values as the documents write them.

    >>> from docgen.review.compare import SpecChange
    >>> field_comment([SpecChange("$.term.start", "Term › Start date", "changed",
    ...     "2026-08-10", "2027-08-09", "August 10, 2026", "August 9, 2027", "")])
    ['Spec change: Term › Start date ($.term.start): August 10, 2026 → August 9, 2027']
    """
    return [f"Spec change: {f.label} ({f.path}): {f.old_text or 'none'} → "
            f"{f.new_text or 'none'}" for f in fields]


def _comment_fields(pkg: Package, main: str, noted: dict[
        etree._Element, tuple[list[etree._Element], list[SpecChange]]], author: str,
        ids: _Ids) -> None:
    """Put a comment around the spec-change revisions of each noted paragraph, naming the
    fields they write (:func:`field_comment`), in the comments part (made if there is none)."""
    related = pkg.related(main, "comments")
    part = related[0][1] if related and related[0][1] in pkg.parts else None
    if part is None:
        part = "word/comments.xml"
        n = 1
        while part in pkg.parts:
            n += 1
            part = f"word/comments{n}.xml"
        pkg.set_xml(part, etree.Element(w("comments"), nsmap={"w": W}))
        pkg.add_relationship(main, _COMMENTS_REL, part)
        pkg.ensure_content_type(part, content_type=_COMMENTS_TYPE)
    root = pkg.xml(part)
    taken = {int(v) for el in root.iter() if (v := el.get(ID)) is not None and v.isdigit()}
    next_id = max(taken | {ids.next - 1}) + 1
    for marks, fields in noted.values():
        cid = str(next_id)
        next_id += 1
        first_mark, last_mark = marks[0], marks[-1]
        start = etree.Element(w("commentRangeStart"))
        start.set(ID, cid)
        first_mark.addprevious(start)
        end = etree.Element(w("commentRangeEnd"))
        end.set(ID, cid)
        last_mark.addnext(end)
        ref_run = etree.Element(R_)
        etree.SubElement(ref_run, w("commentReference")).set(ID, cid)
        end.addnext(ref_run)
        comment = etree.SubElement(root, w("comment"))
        comment.set(ID, cid)
        comment.set(w("author"), author)
        date = first_mark.get(w("date"))
        if date:
            comment.set(w("date"), date)
        comment.set(w("initials"), author[:2])
        for k, line in enumerate(field_comment(fields)):
            para = etree.SubElement(comment, P)
            if k == 0:
                etree.SubElement(etree.SubElement(para, R_), w("annotationRef"))
            r = etree.SubElement(para, R_)
            t = etree.SubElement(r, T)
            t.text = line


def _label(mark: etree._Element, author: str, causes: tuple[str, ...],
           counts: dict[str, int]) -> None:
    """Name a revision's causes in its author ("docgen (template change + hand edit)") and
    count it under each."""
    mark.set(w("author"), f"{author} ({' + '.join(reversed(causes))})")
    for cause in causes:
        counts[cause] = counts.get(cause, 0) + 1


_WORD = re.compile(r"\S+")


def _word_groups(attribution: Attribution, text: str, removed: bool, old_ctx: str,
                 new_ctx: str, fallback: str) -> list[tuple[int, tuple[str, ...]]]:
    """Return where in ``text`` (a revision's words) each stretch of one set of causes
    starts, and those causes; a word no layer explains goes with the words before it (or
    after it, at the start)."""
    found = list(_WORD.finditer(text))
    causes = attribution.word_causes([m.group() for m in found], removed, old_ctx, new_ctx)
    known = [c for c in causes if c]
    if not known:
        return [(0, (fallback,))]
    current = known[0]
    groups: list[tuple[int, tuple[str, ...]]] = []
    for m, c in zip(found, causes):
        current = c or current
        if not groups:
            groups.append((0, current))
        elif groups[-1][1] != current:
            groups.append((m.start(), current))
    return groups


class _Ids:
    """Hand out revision ids no mark of the document has."""

    def __init__(self, pkg: Package, parts: list[str]) -> None:
        self.next = 1 + max((int(v) for part in parts for el in pkg.xml(part).iter()
                             if (v := el.get(ID)) is not None and v.isdigit()), default=0)
        self.taken = 0

    def take(self) -> str:
        self.next += 1
        self.taken += 1
        return str(self.next - 1)


def _split(mark: etree._Element, groups: list[tuple[int, tuple[str, ...]]], ids: _Ids
           ) -> list[tuple[etree._Element, tuple[str, ...]]]:
    """Split a revision mark's runs at the offsets of ``groups`` into marks of their own
    (the first keeps the mark), and return each with its causes. A run holding more than its
    text (a tab, a field) is not cut: it goes with the stretch it starts in."""
    if len(groups) == 1:
        return [(mark, groups[0][1])]
    text_tag = DELTEXT if mark.tag in (DEL, w("moveFrom")) else T
    pieces: list[list[etree._Element]] = [[] for _ in groups]
    starts = [g[0] for g in groups]

    def group_at(offset: int) -> int:
        return max(k for k, start in enumerate(starts) if start <= offset)

    at = 0
    for run in list(mark):
        texts = [c for c in run if c.tag == text_tag]
        length = sum(len(t.text or "") for t in texts)
        simple = len(texts) == 1 and all(c.tag in (RPR, text_tag) for c in run)
        if not simple or run.tag != R_:
            pieces[group_at(at)].append(run)
            at += length
            continue
        text = texts[0].text or ""
        cuts = [start - at for start in starts if at < start < at + length]
        bounds = [0] + cuts + [length]
        for a, b in zip(bounds, bounds[1:]):
            part = copy.deepcopy(run)
            found = part.find(text_tag)
            assert found is not None
            found.text = text[a:b]
            pieces[group_at(at + a)].append(part)
        mark.remove(run)
        at += length
    for run in list(mark):
        mark.remove(run)
    out: list[tuple[etree._Element, tuple[str, ...]]] = []
    previous = mark
    for k, (runs, (_, causes)) in enumerate(zip(pieces, groups)):
        if not runs:
            continue
        target = mark if not out else etree.Element(mark.tag, attributes(mark))
        if target is not mark:
            target.set(ID, ids.take())
            previous.addnext(target)
        for r in runs:
            target.append(r)
        previous = target
        out.append((target, causes))
    return out
