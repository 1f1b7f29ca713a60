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

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from ..ooxml.package import Package
from ..redline.model import Change
from ..redline.tags import DEL, DELTEXT, INS, PPR, RPR, TR, P, T, w
from .compare import SpecChange

__all__ = ["CAUSES", "Attribution", "Layer", "label_revisions"]

#: the causes, in the order a revision is attributed to them when several could explain it
CAUSES = ("hand edit", "template change", "catalog change", "spec change")

_CHANGE_TAGS = (w("rPrChange"), w("pPrChange"), w("trPrChange"), w("tblPrChange"),
                w("tcPrChange"), w("sectPrChange"), w("numberingChange"))
_MOVES = (w("moveFrom"), w("moveTo"))
_STORY_RELS = ("header", "footer", "footnotes", "endnotes")


#: what a document writes differently from a spec value without changing it: non-breaking
#: hyphens, and the direction marks around numbers in right-to-left text
_SAME = str.maketrans({"\u2011": "-", "\u2010": "-", "\u00a0": " ", "\u202f": " ",
                       **{chr(c): None for c in (0x200E, 0x200F, *range(0x202A, 0x202F),
                                                 *range(0x2066, 0x206A))}})
_PUNCTUATION = ".,;:!?()[]“”\"'’"


def _norm(text: str) -> str:
    return " ".join(text.translate(_SAME).split())


def _words(text: str) -> set[str]:
    return {w.strip(_PUNCTUATION) for w in text.split()} - {""}


@dataclass
class _Edit:
    removed: str  # the words this layer removed (normalized), "" if none
    added: str
    old_context: str
    new_context: str
    formatting: bool = False


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
                    self.edits.append(_Edit(_norm(e.removed), _norm(e.added), old, new))
                if not c.excerpts():
                    self.edits.append(_Edit("", "", old, new, formatting=True))
            elif c.kind == "inserted":
                self.edits.append(_Edit("", new, "", new))
            elif c.kind == "deleted":
                self.edits.append(_Edit(old, "", old, ""))
            elif c.kind == "moved":
                self.edits.append(_Edit(old, new, old, new))
            else:
                self.edits.append(_Edit("", "", old, new, formatting=True))
        if self.undone:  # seen from the final redline, a hand edit's additions are removed
            self.edits = [_Edit(e.added, e.removed, e.new_context, e.old_context, e.formatting)
                          for e in self.edits]


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).quick_ratio() * 0.5 + (
        SequenceMatcher(None, a[:400], b[:400], autojunk=False).ratio() * 0.5)


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

    def fields(self, removed: str, added: str, old_context: str = "",
               new_context: str = "") -> list[SpecChange]:
        """Return the spec changes whose values an edit writes or removes: the new value is
        in the paragraph after (and not before), the old one before, and the edit touches
        one of them."""
        removed, added = _norm(removed), _norm(added)
        old_context, new_context = _norm(old_context), _norm(new_context)
        found = []
        for c in self.spec_changes:
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

    def of_change(self, c: Change) -> list[str]:
        """Return the causes of one change of the final redline (one per excerpt)."""
        old, new = c.old, c.new
        if c.kind in ("changed", "moved and changed") and c.excerpts():
            causes = [self.cause(e.removed, e.added, old, new) for e in c.excerpts()]
        elif c.kind == "inserted":
            causes = [self.cause("", new, "", new)]
        elif c.kind == "deleted":
            causes = [self.cause(old, "", old, "")]
        elif c.kind == "moved":
            causes = [self.cause(old, new, old, new)]
        else:
            causes = [self.cause("", "", old, new, formatting=True)]
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
                    ) -> tuple[bytes, dict[str, int]]:
    """Return the redline with each revision's author naming its cause (``author (cause)``),
    and how many revisions each cause has."""
    pkg = Package.open(docx, name)
    main = pkg.main
    parts = [main] + [n for rel in _STORY_RELS for _, n in pkg.related(main, rel)
                      if n in pkg.parts]
    counts: dict[str, int] = {}
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
                cause = attribution.cause("", "", old_ctx, new_ctx, formatting=True)
            elif in_props and parent is not None and parent.tag == w("trPr"):
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
            mark.set(w("author"), f"{author} ({cause})")
            counts[cause] = counts.get(cause, 0) + 1
    return pkg.to_bytes(), counts
