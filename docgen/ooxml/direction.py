"""Mark rendered DOCX text with its language and direction, so Word, LibreOffice and PDFs get it.

For each paragraph: ``w:lang`` on every run, in the slot its script is read from
(:mod:`docgen.i18n.scripts`, from CLDR's likely subtags: ``w:val`` for Latin or Cyrillic,
``w:eastAsia`` for Han and Hangul, ``w:bidi`` for complex scripts such as Arabic, Hebrew,
Bengali, Myanmar or Ethiopic), and for right-to-left languages ``w:bidi`` on the paragraph,
``w:rtl`` on its runs and ``w:bidi`` on the section. In a complex-script document no run is
letter-spaced (``w:spacing`` in ``w:rPr``, as a Title style has): LibreOffice would disjoin
Arabic letters and write U+0002 between them in the PDF's text. The styles name the script's
font (Noto Nastaliq Urdu for Urdu, the Korean or Traditional face of Noto CJK). Alignment is
left alone: in a ``w:bidi`` paragraph ``left``/``start`` already means the right margin
(DOMAIN.md §4.1). Elements go where the schema puts them (:mod:`docgen.ooxml.sequence`),
because Word is strict about order.
"""

from __future__ import annotations

from lxml import etree

from ..i18n.scripts import script_of
from .sequence import get_or_add

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def lang_attributes(tag: str) -> dict[str, str]:
    """Return the ``w:lang`` attributes for text in the BCP 47 ``tag``.

    >>> lang_attributes("ko"), lang_attributes("ur"), lang_attributes("es")
    ({'val': 'en-US', 'eastAsia': 'ko-KR'}, {'val': 'en-US', 'bidi': 'ur-PK'}, {'val': 'es'})
    """
    script = script_of(tag)
    if script.slot == "val":
        return {"val": tag}
    return {"val": "en-US", script.slot: script.word_tag}


def mark_paragraph(p: etree._Element, tag: str, rtl: bool) -> None:
    """Give paragraph ``p`` and its runs the language ``tag`` and, if ``rtl``, its direction."""
    ppr = get_or_add(p, "w:pPr")
    if rtl:
        get_or_add(ppr, "w:bidi")
    attributes = lang_attributes(tag)
    spaced = script_of(tag).complex
    for run in p.iter(_w("r")):
        rpr = get_or_add(run, "w:rPr")
        if spaced:
            for spacing in rpr.findall(_w("spacing")):
                rpr.remove(spacing)
        if rtl:
            get_or_add(rpr, "w:rtl")
        lang = get_or_add(rpr, "w:lang")
        for key, value in attributes.items():
            lang.set(_w(key), value)


#: The characters that keep a value on one line, left out when paragraphs are compared.
_LAYOUT = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u2060": None})


def mark_language(root: etree._Element, tag: str, rtl: bool,
                  by_text: dict[str, tuple[str, bool]] | None = None) -> None:
    """Mark every paragraph of a rendered part as ``tag`` (``rtl`` for its direction).

    A paragraph whose text is a key of ``by_text`` gets that language instead: the lines of the
    tagline block, each written in its own language.
    """
    by_text = {k.translate(_LAYOUT): v for k, v in (by_text or {}).items()}
    for p in root.iter(_w("p")):
        text = "".join(t.text or "" for t in p.iter(_w("t"))).translate(_LAYOUT)
        p_tag, p_rtl = by_text.get(text, (tag, rtl))
        mark_paragraph(p, p_tag, p_rtl)
        if p_tag != tag:
            set_face(p, p_tag, tag)
    if rtl:
        for sect in root.iter(_w("sectPr")):
            get_or_add(sect, "w:bidi")


def set_face(p: etree._Element, tag: str, document: str) -> None:
    """Give the runs of paragraph ``p``, in ``tag`` inside a document in ``document``, the
    face of ``tag``'s script where it is not the document's: the Persian line of an Urdu
    notice is set in Naskh, not in the Nastaliq of the Urdu around it, and the Urdu line of a
    Persian notice in Nastaliq."""
    script = script_of(tag)
    face = script.face
    if face is None or script.slot == "val" or face == script_of(document).face:
        return
    for run in p.iter(_w("r")):
        fonts = get_or_add(get_or_add(run, "w:rPr"), "w:rFonts")
        for attr in _SLOT_FONTS[script.slot]:
            fonts.set(_w(attr), face.family)


def document_tag(tag: str) -> str:
    """Return the language-region tag Word and LibreOffice expect for a document in ``tag``
    (``ko`` → ``ko-KR``, ``zh-Hant`` → ``zh-TW``), from CLDR's likely subtags."""
    return script_of(tag).word_tag


_SLOT_FONTS = {"eastAsia": ("eastAsia",), "bidi": ("cs",), "val": ("ascii", "hAnsi")}


def prepare_styles(styles: etree._Element, tag: str) -> None:
    """Make styles.xml right for a document in ``tag``: its default language, in the slot its
    script is read from; the script's font in every style that names fonts; and, for a
    complex script, no letter spacing in any style."""
    script = script_of(tag)
    rpr = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr is not None:
        lang = get_or_add(rpr, "w:lang")
        lang.set(_w("val"), script.word_tag)
        if script.slot != "val":
            lang.set(_w(script.slot), script.word_tag)
    face = script.face
    latin = script.script in ("Latn", "Cyrl", "Grek")
    for fonts in styles.iter(_w("rFonts")):
        if face is not None and not latin:
            for attr in _SLOT_FONTS[script.slot]:
                fonts.set(_w(attr), face.family)
                if _w(f"{attr}Theme") in fonts.attrib:
                    del fonts.attrib[_w(f"{attr}Theme")]
    if script.complex:
        for spacing in styles.iter(_w("spacing")):
            parent = spacing.getparent()
            if parent is not None and parent.tag == _w("rPr"):
                parent.remove(spacing)
