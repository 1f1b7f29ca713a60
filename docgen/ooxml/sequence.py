"""Children in the order the schema puts them: one table of element sequences, one insert.

Word refuses a document whose elements stand in the wrong order (a ``w:bidi`` after
``w:jc`` in a paragraph's properties, ``w:trackRevisions`` before ``w:proofState`` in the
settings), and LibreOffice quietly drops some. Instead of hand-written "insert before these"
lists in each place, every element that docgen adds goes through :func:`insert` or
:func:`get_or_add`, which read the parent's sequence from :data:`SEQUENCE` (ECMA-376 Part 1,
the schema types ``CT_PPr``, ``CT_RPr``, ``CT_TrPr``, ``CT_SectPr``, ``CT_Settings`` …). The
idea is python-docx's ``successors``, without subclassing lxml's elements.

>>> from lxml import etree
>>> ppr = etree.fromstring(f'<w:pPr xmlns:w="{W}"><w:jc w:val="left"/></w:pPr>')
>>> _ = get_or_add(ppr, "w:bidi")
>>> _ = get_or_add(ppr, "w:pStyle")
>>> [etree.QName(c).localname for c in ppr]
['pStyle', 'bidi', 'jc']
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PREFIXES = {
    "w": W,
    # a package's core properties (docProps/core.xml)
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}

#: In a sequence, the place of every child the table does not name (a paragraph's content
#: after its ``w:pPr``, say); without it, unnamed children keep their places.
OTHERS = "*"


def qn(name: str) -> str:
    """Return the Clark name (``{namespace}local``) of a prefixed name such as ``w:pPr``."""
    prefix, _, local = name.partition(":")
    return f"{{{_PREFIXES[prefix]}}}{local}"


def _w(*names: str) -> tuple[str, ...]:
    return tuple(f"{{{W}}}{n}" for n in names)


#: The children of each parent, in schema order. Names in one inner tuple may come in any order
#: among themselves (a choice, such as a section's header and footer references).
SEQUENCE: dict[str, tuple[tuple[str, ...], ...]] = {
    # a paragraph's and a run's properties come before anything else in them
    qn("w:p"): ((qn("w:pPr"),), (OTHERS,)),
    qn("w:r"): ((qn("w:rPr"),), (OTHERS,)),
    qn("w:pPr"): tuple((n,) for n in _w(
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
        "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
        "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
        "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
        "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")),
    # a run's properties, and a paragraph mark's (which may start with its own revision marks)
    qn("w:rPr"): tuple((n,) for n in _w(
        "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps",
        "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof",
        "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
        "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
        "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange")),
    # a row's own properties are a choice in any order; its revision marks come after them
    qn("w:trPr"): (_w("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
                      "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"),
                   ) + tuple((n,) for n in _w("ins", "del", "trPrChange")),
    # a paragraph, a run and a row: their properties first, then their content in any order
    qn("w:p"): (_w("pPr"), _w(
        "r", "fldSimple", "hyperlink", "smartTag", "customXml", "sdt", "dir", "bdo", "subDoc",
        "ins", "del", "moveFrom", "moveTo", "proofErr", "permStart", "permEnd", "bookmarkStart",
        "bookmarkEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
        "moveToRangeEnd", "commentRangeStart", "commentRangeEnd", "customXmlInsRangeStart",
        "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
        "customXmlMoveToRangeEnd") + (
        "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara",
        "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath",
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")),
    qn("w:r"): (_w("rPr"), _w(
        "br", "t", "contentPart", "delText", "instrText", "delInstrText", "noBreakHyphen",
        "softHyphen", "dayShort", "monthShort", "yearShort", "dayLong", "monthLong", "yearLong",
        "annotationRef", "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "sym",
        "pgNum", "cr", "tab", "object", "pict", "fldChar", "ruby", "footnoteReference",
        "endnoteReference", "commentReference", "drawing", "ptab", "lastRenderedPageBreak") + (
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",)),
    qn("w:tr"): (_w("tblPrEx"), _w("trPr"), _w(
        "tc", "customXml", "sdt", "proofErr", "permStart", "permEnd", "bookmarkStart",
        "bookmarkEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
        "moveToRangeEnd", "commentRangeStart", "commentRangeEnd", "customXmlInsRangeStart",
        "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
        "customXmlMoveToRangeEnd", "ins", "del", "moveFrom", "moveTo") + (
        "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara",
        "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath")),
    qn("w:sectPr"): (_w("headerReference", "footerReference"),) + tuple((n,) for n in _w(
        "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
        "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
        "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")),
    qn("w:tblPr"): tuple((n,) for n in _w(
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange")),
    qn("w:tblGrid"): ((qn("w:gridCol"),), (qn("w:tblGridChange"),)),
    qn("w:tcPr"): tuple((n,) for n in _w(
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
        "cellDel", "cellMerge", "tcPrChange")),
    qn("w:settings"): tuple((n,) for n in _w(
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
        "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
        "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
        "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
        "proofState", "formsDesign", "attachedTemplate", "linkStyles",
        "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
        "documentProtection", "autoFormatOverride", "styleLockTheme", "styleLockQFSet",
        "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
        "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle",
        "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
        "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
        "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
        "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
        "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
        "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
        "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
        "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
        "rsids")),
    # the core properties are a set, in any order (xsd:all)
    qn("cp:coreProperties"): (tuple(qn(n) for n in (
        "cp:category", "cp:contentStatus", "dcterms:created", "dc:creator", "dc:description",
        "dc:identifier", "cp:keywords", "dc:language", "cp:lastModifiedBy", "cp:lastPrinted",
        "dcterms:modified", "cp:revision", "dc:subject", "dc:title", "cp:version")),),
}

_RANKS: dict[str, dict[str, int]] = {
    parent: {name: rank for rank, names in enumerate(groups) for name in names}
    for parent, groups in SEQUENCE.items()}


def _clark(tag: str) -> str:
    return qn(tag) if ":" in tag and not tag.startswith("{") else tag


def insert(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Insert ``child`` into ``parent`` where the schema puts it, and return it.

    It goes after every sibling the sequence puts before it or beside it (so a second
    ``w:headerReference`` follows the first), and before the first that comes after it.
    Siblings the table does not know (extensions, comments) keep their places, unless the
    parent's sequence gives a place to :data:`OTHERS`: then they stand there.
    """
    ranks = _RANKS.get(parent.tag)
    if ranks is None:
        raise KeyError(f"no element sequence for {parent.tag}; add it to SEQUENCE")
    others = ranks.get(OTHERS)
    rank = ranks.get(child.tag, others)
    if rank is None:
        raise KeyError(f"{child.tag} is not a child of {parent.tag} in SEQUENCE")
    for existing in parent:
        other = ranks.get(existing.tag, others) if isinstance(existing.tag, str) else others
        if other is not None and other > rank:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: etree._Element, tag: str) -> etree._Element:
    """Return the first child ``tag`` (``"w:bidi"`` or Clark form) of ``parent``, adding an
    empty one where the schema puts it if there is none."""
    name = _clark(tag)
    found = parent.find(name)
    if found is not None:
        return found
    return insert(parent, etree.Element(name))
