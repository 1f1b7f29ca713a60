"""Mark rendered DOCX text with its language and direction, so Word, LibreOffice and PDFs get it.

For each paragraph: ``w:lang`` on every run (``w:val`` for Latin script, ``w:eastAsia`` for
Chinese, ``w:bidi`` for Arabic), and for right-to-left languages ``w:bidi`` on the paragraph,
``w:rtl`` on its runs and ``w:bidi`` on the section. Alignment is left alone: in a ``w:bidi``
paragraph ``left``/``start`` already means the right margin (DOMAIN.md §4.1). Elements go where
the schema puts them (:mod:`docgen.ooxml.sequence`), because Word is strict about order.
"""

from __future__ import annotations

from lxml import etree

from .sequence import get_or_add

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: BCP 47 tag → (w:lang attribute, value) for the scripts docgen writes.
_LANG_ATTR = {"ar": ("bidi", "ar-SA"), "zh": ("eastAsia", "zh-CN")}


def lang_attributes(tag: str) -> dict[str, str]:
    """Return the ``w:lang`` attributes for text in the BCP 47 ``tag``."""
    language = tag.split("-")[0].lower()
    if language in _LANG_ATTR:
        attr, value = _LANG_ATTR[language]
        return {"val": "en-US", attr: value}
    return {"val": tag}


def mark_paragraph(p: etree._Element, tag: str, rtl: bool) -> None:
    """Give paragraph ``p`` and its runs the language ``tag`` and, if ``rtl``, its direction."""
    ppr = get_or_add(p, "w:pPr")
    if rtl:
        get_or_add(ppr, "w:bidi")
    attributes = lang_attributes(tag)
    for run in p.iter(_w("r")):
        rpr = get_or_add(run, "w:rPr")
        if rtl:
            get_or_add(rpr, "w:rtl")
        lang = get_or_add(rpr, "w:lang")
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
            get_or_add(sect, "w:bidi")


def document_tag(tag: str) -> str:
    """Return the language-region tag Word and LibreOffice expect for a document in ``tag``."""
    return {"ar": "ar-SA", "zh": "zh-CN"}.get(tag.split("-")[0].lower(), tag)


def set_default_language(styles: etree._Element, tag: str) -> None:
    """Set the default language in styles.xml (docDefaults) to ``tag``."""
    rpr = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr is None:
        return
    lang = get_or_add(rpr, "w:lang")
    lang.set(_w("val"), document_tag(tag))
