"""Say what kind of change a changed paragraph holds when its words do not show it: a note or
a comment added or removed, a heading's level, a paragraph's numbering, its style."""

from __future__ import annotations

from lxml import etree

from ..ooxml.package import Package
from .carry import first
from .keys import Token, plain, token_text
from .model import Story
from .outline import heading_level, style_name
from .tags import EN_REF, FN_REF, ID, PPR, VAL, w

__all__ = ["describe_comments", "describe_properties", "describe_tokens"]

COMMENT_REF = w("commentReference")
_REFS = {FN_REF: ("footnote", "footnotes"), EN_REF: ("endnote", "endnotes"),
         COMMENT_REF: ("comment", "comments")}
_LIMIT = 300


def _refs(tokens: list[Token]) -> list[etree._Element]:
    found = []
    for tok in tokens:
        for _, what in tok.pieces:
            if isinstance(what, etree._Element):
                found += [e for e in what.iter(FN_REF, EN_REF, COMMENT_REF)]
    return found


def _note_text(pkg: Package, part: str, ref: etree._Element) -> str:
    """Return the text of the note or comment ``ref`` refers to ("" if it cannot be found)."""
    kind, rel = _REFS[ref.tag]
    found = first(pkg.related(part, rel))
    if found is None or found not in pkg.parts:
        return ""
    for note in pkg.xml(found).findall(w(kind)):
        if note.get(ID) == ref.get(ID):
            text = " ".join(" ".join(plain(p) for p in note.iter(w("p"))).split())
            author = note.get(w("author")) if kind == "comment" else None
            text = text if len(text) <= _LIMIT else text[:_LIMIT - 1] + "…"
            return f"{author}: {text}" if author else text
    return ""


def describe_tokens(story: Story, gone: list[Token], added: list[Token]) -> tuple[str, str]:
    """Return what a changed paragraph's edits are ("text", "footnote", "comment" …) and the
    notes or comments they add or remove, in words."""
    details = []
    kinds = []
    for tokens, pkg, part, verb in ((added, story.new, story.new_part, "added"),
                                    (gone, story.old, story.old_part, "removed")):
        for ref in _refs(tokens):
            kind = _REFS[ref.tag][0]
            kinds.append(kind)
            text = _note_text(pkg, part, ref)
            details.append(f"{kind} {verb}" + (f": “{text}”" if text else ""))
    words = any(token_text(t).strip() and not _refs([t]) for t in gone + added)
    what = kinds[0] if kinds and not words else "text"
    return what, "; ".join(details)


def describe_comments(story: Story, old: etree._Element, new: etree._Element,
                      old_kept: bool) -> str:
    """Return the comments added to a paragraph whose words did not change ("comment added:
    “Counsel: …”"), and, unless the old document's comments are kept (``old_kept``), those
    left out ("comment removed: …"), or "" when there are none. (A comment's mark is no text,
    so the word comparison does not see it.)"""
    before = [_note_text(story.old, story.old_part, r) for r in old.iter(COMMENT_REF)]
    after = [_note_text(story.new, story.new_part, r) for r in new.iter(COMMENT_REF)]
    details = []
    sides = [(after, before, "added")] + ([] if old_kept else [(before, after, "removed")])
    for texts, others, verb in sides:
        rest = list(others)
        for text in texts:
            if text in rest:
                rest.remove(text)
            else:
                details.append(f"comment {verb}" + (f": “{text}”" if text else ""))
    return "; ".join(details)


def _num(p: etree._Element) -> tuple[str, str] | None:
    ppr = p.find(PPR)
    num = ppr.find(w("numPr")) if ppr is not None else None
    if num is None:
        return None
    ilvl, num_id = num.find(w("ilvl")), num.find(w("numId"))
    return (ilvl.get(VAL, "0") if ilvl is not None else "0",
            num_id.get(VAL, "0") if num_id is not None else "0")


def describe_properties(story: Story, old: etree._Element, new: etree._Element
                        ) -> tuple[str, str]:
    """Return what a change of paragraph properties is: "heading level" (with the levels),
    "numbering", or "formatting" (with the styles when the style changed)."""
    before = style_name(story.old, story.old_part, old)
    after = style_name(story.new, story.new_part, new)
    old_level = heading_level(story.old, story.old_part, old)
    new_level = heading_level(story.new, story.new_part, new)
    if old_level != new_level:
        return "heading level", f"{before} → {after}"
    if _num(old) != _num(new):
        gone, now = _num(old), _num(new)
        if gone is None or now is None:
            return "numbering", "numbered → not numbered" if now is None else \
                "not numbered → numbered"
        if gone[1] == now[1] and gone[0].isdigit() and now[0].isdigit():
            return "numbering", f"list level {int(gone[0]) + 1} → {int(now[0]) + 1}"
        return "numbering", "another list's numbering"
    return "formatting", (f"style {before} → {after}" if before != after else "")
