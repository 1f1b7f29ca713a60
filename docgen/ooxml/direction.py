"""Mark rendered DOCX text with its language and direction, so Word, LibreOffice and PDFs get it.

For each paragraph: ``w:lang`` on every run (``w:val`` for Latin script, ``w:eastAsia`` for
Chinese, ``w:bidi`` for Arabic), and for right-to-left languages ``w:bidi`` on the paragraph,
``w:rtl`` on its runs and ``w:bidi`` on the section. Alignment is left alone: in a ``w:bidi``
paragraph ``left``/``start`` already means the right margin (DOMAIN.md §4.1). Elements go where
the schema puts them, because Word is strict about order.
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_PPR_AFTER_BIDI = [_w(t) for t in (
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")]
_RPR_AFTER_RTL = [_w(t) for t in ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")]
_RPR_AFTER_LANG = [_w(t) for t in ("eastAsianLayout", "specVanish", "oMath")]
_SECT_AFTER_BIDI = [_w(t) for t in ("rtlGutter", "docGrid", "printerSettings", "sectPrChange")]

#: BCP 47 tag → (w:lang attribute, value) for the scripts docgen writes.
_LANG_ATTR = {"ar": ("bidi", "ar-SA"), "zh": ("eastAsia", "zh-CN")}


def _insert(parent: etree._Element, child: etree._Element, before: list[str]) -> None:
    """Insert ``child`` into ``parent`` before the first existing element named in ``before``."""
    for existing in parent:
        if existing.tag in before:
            existing.addprevious(child)
            return
    parent.append(child)


def _ensure(parent: etree._Element, tag: str, before: list[str]) -> etree._Element:
    found = parent.find(_w(tag))
    if found is None:
        found = etree.Element(_w(tag))
        _insert(parent, found, before)
    return found


def _properties(element: etree._Element, tag: str) -> etree._Element:
    """Return the properties child (``w:pPr``, ``w:rPr``) of ``element``, made first if needed."""
    found = element.find(_w(tag))
    if found is None:
        found = etree.Element(_w(tag))
        element.insert(0, found)
    return found


def lang_attributes(tag: str) -> dict[str, str]:
    """Return the ``w:lang`` attributes for text in the BCP 47 ``tag``."""
    language = tag.split("-")[0].lower()
    if language in _LANG_ATTR:
        attr, value = _LANG_ATTR[language]
        return {"val": "en-US", attr: value}
    return {"val": tag}


def mark_paragraph(p: etree._Element, tag: str, rtl: bool) -> None:
    """Give paragraph ``p`` and its runs the language ``tag`` and, if ``rtl``, its direction."""
    ppr = _properties(p, "pPr")
    if rtl:
        _ensure(ppr, "bidi", _PPR_AFTER_BIDI)
    attributes = lang_attributes(tag)
    for run in p.iter(_w("r")):
        rpr = _properties(run, "rPr")
        if rtl:
            _ensure(rpr, "rtl", _RPR_AFTER_RTL)
        lang = _ensure(rpr, "lang", _RPR_AFTER_LANG)
        for key, value in attributes.items():
            lang.set(_w(key), value)


def mark_language(root: etree._Element, tag: str, rtl: bool,
                  by_text: dict[str, tuple[str, bool]] | None = None) -> None:
    """Mark every paragraph of a rendered part as ``tag`` (``rtl`` for its direction).

    A paragraph whose text is a key of ``by_text`` gets that language instead: the lines of the
    tagline block, each written in its own language.
    """
    by_text = by_text or {}
    for p in root.iter(_w("p")):
        text = "".join(t.text or "" for t in p.iter(_w("t")))
        p_tag, p_rtl = by_text.get(text, (tag, rtl))
        mark_paragraph(p, p_tag, p_rtl)
    if rtl:
        for sect in root.iter(_w("sectPr")):
            _ensure(sect, "bidi", _SECT_AFTER_BIDI)


def document_tag(tag: str) -> str:
    """Return the language-region tag Word and LibreOffice expect for a document in ``tag``."""
    return {"ar": "ar-SA", "zh": "zh-CN"}.get(tag.split("-")[0].lower(), tag)


def set_default_language(styles: etree._Element, tag: str) -> None:
    """Set the default language in styles.xml (docDefaults) to ``tag``."""
    rpr = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr is None:
        return
    lang = _ensure(rpr, "lang", _RPR_AFTER_LANG)
    lang.set(_w("val"), document_tag(tag))
