"""Accept the tracked changes already in a document, as Word's Compare does before it compares."""

from __future__ import annotations

from lxml import etree

from .keys import block_key
from .tags import CHANGES, DEL, INS, MARKERS, MOVE_FROM, MOVE_RANGES, MOVE_TO, PPR, RPR, TRPR, P, w

__all__ = ["accept_revisions"]

_CELL_INS, _CELL_DEL = w("cellIns"), w("cellDel")


def accept_revisions(root: etree._Element) -> None:
    """Accept every tracked change in one story part, in place (ECMA-376 §17.13.5)."""
    marks: list[etree._Element | None] = []
    for el in list(root.iter(DEL, MOVE_FROM, INS, MOVE_TO, _CELL_DEL, _CELL_INS,
                             *CHANGES, *MOVE_RANGES)):
        parent = el.getparent()
        if parent is None:
            continue
        tag = el.tag
        if tag in CHANGES or tag in MOVE_RANGES or tag in (INS, MOVE_TO, _CELL_INS) and \
                parent.tag in (RPR, TRPR, w("tcPr")):
            parent.remove(el)
        elif tag in (DEL, MOVE_FROM) and parent.tag == RPR:
            # a deleted paragraph mark: the paragraph joins the next one
            ppr = parent.getparent()
            marks.append(ppr.getparent() if ppr is not None else None)
            parent.remove(el)
        elif tag == DEL and parent.tag == TRPR:
            _remove(parent.getparent())
        elif tag == _CELL_DEL:
            _remove(parent.getparent())
        elif tag in (DEL, MOVE_FROM):
            parent.remove(el)
        elif tag in (INS, MOVE_TO):
            _unwrap(el)
    for p in marks:
        if p is not None and p.tag == P and p.getparent() is not None:
            _merge_into_next(p)


def _remove(el: etree._Element | None) -> None:
    """Remove ``el`` (a deleted row or cell) from its parent, if it has one."""
    if el is not None:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    assert parent is not None
    index = parent.index(el)
    for i, child in enumerate(list(el)):
        parent.insert(index + i, child)
    parent.remove(el)


def _merge_into_next(p: etree._Element) -> None:
    parent = p.getparent()
    assert parent is not None
    content = [c for c in p if c.tag != PPR]
    nxt = p.getnext()
    while nxt is not None and nxt.tag in MARKERS:
        nxt = nxt.getnext()
    if not _has_content(content):
        parent.remove(p)
    elif nxt is not None and nxt.tag == P:
        at = 1 if len(nxt) and nxt[0].tag == PPR else 0
        for i, c in enumerate(content):
            nxt.insert(at + i, c)
        parent.remove(p)


def _has_content(elements: list[etree._Element]) -> bool:
    return any(block_key(el) for el in elements if el.tag not in MARKERS)
