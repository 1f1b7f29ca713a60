"""Name the WordprocessingML elements the redliner reads and writes, and the groups it treats
alike (markers, wrappers, revision marks)."""

from __future__ import annotations

from typing import cast

from lxml import etree

from ..ooxml.package import R, W

__all__ = ["R", "W", "attributes", "child", "w"]


def w(tag: str) -> str:
    """Return the Clark name of a WordprocessingML element: ``w("p")`` is ``{…/main}p``."""
    return f"{{{W}}}{tag}"


def attributes(el: etree._Element) -> dict[str, str]:
    """Return a copy of an element's attributes (lxml gives them as text)."""
    return cast("dict[str, str]", dict(el.attrib))


def child(el: etree._Element, tag: str) -> etree._Element | None:
    """Return ``el.find(tag)``, the first child named ``tag`` (a Clark name), or None: for an
    element of a few children (``w:pPr``, most paragraphs) a loop over them, quicker than
    lxml's path search."""
    if len(el) > 8:
        return el.find(tag)
    for c in el:
        if c.tag == tag:
            return c
    return None


P, TBL, TR, TC, R_, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
PPR, RPR, TRPR, SDT, SDTCONTENT = w("pPr"), w("rPr"), w("trPr"), w("sdt"), w("sdtContent")
INS, DEL, MOVE_FROM, MOVE_TO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
DELTEXT, INSTR, DELINSTR = w("delText"), w("instrText"), w("delInstrText")
FLDCHAR, FLDSIMPLE, HYPERLINK = w("fldChar"), w("fldSimple"), w("hyperlink")
TXBX, SECTPR = w("txbxContent"), w("sectPr")
FN_REF, EN_REF = w("footnoteReference"), w("endnoteReference")
VAL, ID = w("val"), w("id")
RID = f"{{{R}}}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
VML = "{urn:schemas-microsoft-com:vml}"

#: elements that wrap runs without being content themselves (a link, a smart tag …)
WRAPPERS = {HYPERLINK, w("smartTag"), w("customXml"), w("dir"), w("bdo")}
#: zero-width marks between runs: bookmarks, comment ranges, permissions, move ranges
MARKERS = {w(t) for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                          "permStart", "permEnd", "proofErr", "moveFromRangeStart",
                          "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                          "customXmlInsRangeStart", "customXmlInsRangeEnd",
                          "customXmlDelRangeStart", "customXmlDelRangeEnd")}
#: what old content leaves behind when it is brought into the new document
OLD_ONLY = MARKERS | {w("commentReference")}
#: the tracked property changes
CHANGES = {w(t) for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tcPrChange",
                          "trPrChange", "tblGridChange", "tblPrExChange", "numberingChange")}
MOVE_RANGES = {w(t) for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                              "moveToRangeEnd")}
#: a run's children that are not content
IGNORED_IN_RUN = {RPR, w("lastRenderedPageBreak")}
#: one-character run elements and the text they stand for
ATOM_KEYS = {
    w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011",
    w("softHyphen"): "\u00ad", w("ptab"): "\t",
}
#: blocks a story, cell, text box or content control holds
BLOCKS = (P, TBL, SDT)
#: styles an element refers to by id
STYLE_REFS = {w("pStyle"), w("rStyle"), w("tblStyle")}
