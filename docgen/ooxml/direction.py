"""Mark rendered DOCX text with its language and direction, so Word, LibreOffice and PDFs get it.

For each paragraph: ``w:lang`` on every run, in the slot its script is read from
(:mod:`docgen.i18n.scripts`, from CLDR's likely subtags: ``w:val`` for Latin or Cyrillic,
``w:eastAsia`` for Han and Hangul, ``w:bidi`` for complex scripts such as Arabic, Hebrew,
Bengali, Myanmar or Ethiopic), and for right-to-left languages ``w:bidi`` on the paragraph,
``w:rtl`` on its runs and ``w:bidi`` on the section. In a complex-script or East Asian
paragraph, Latin words (names, e-mail addresses, URLs) are runs of their own, tagged en-US
and, in a right-to-left one, not ``w:rtl``: Latin text, set and ordered as Latin. In a complex-script document no run is
letter-spaced (``w:spacing`` in ``w:rPr``, as a Title style has): LibreOffice would disjoin
Arabic letters and write U+0002 between them in the PDF's text. The styles name the script's
font (the Korean or Traditional face of Noto CJK; Urdu in Noto Naskh Arabic, whose PDF text
LibreOffice writes right: :data:`docgen.i18n.scripts.LANGUAGE_FACES`). Alignment is
left alone: in a ``w:bidi`` paragraph ``left``/``start`` already means the right margin
(DOMAIN.md §4.1). Elements go where the schema puts them (:mod:`docgen.ooxml.sequence`),
because Word is strict about order.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from ..i18n.scripts import script_of
from .sequence import get_or_add

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def lang_attributes(tag: str, *, latin: bool = True) -> dict[str, str]:
    """Return the ``w:lang`` attributes for text in the BCP 47 ``tag``; ``latin``: the text
    holds Latin words (names, e-mail addresses), which keep ``w:val`` en-US.

    LibreOffice tags digits and punctuation with the ``w:val`` language in the PDF, so text
    without Latin words carries the notice's language there too (a screen reader reads the
    date "2026년 8월 28일" and the time "2:45" in Korean, not in English).

    >>> lang_attributes("ko"), lang_attributes("ur"), lang_attributes("es")
    ({'val': 'en-US', 'eastAsia': 'ko-KR'}, {'val': 'en-US', 'bidi': 'ur-PK'}, {'val': 'es'})
    >>> lang_attributes("ko", latin=False)
    {'val': 'ko-KR', 'eastAsia': 'ko-KR'}
    """
    script = script_of(tag)
    if script.slot == "val":
        return {"val": tag}
    return {"val": "en-US" if latin else script.word_tag, script.slot: script.word_tag}


_LATIN_LETTER = "A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
_WORD = f"[{_LATIN_LETTER}0-9]"
_INSIDE = f"[{_LATIN_LETTER}0-9.@_:/%+~#=&?'\u2019\\-\u2011\u2060]"
#: A stretch of Latin words (a name, "Bright Futures", an e-mail address, a URL), with the
#: spaces between them: it keeps en-US; digits and punctuation around it take the notice's.
_LATIN_WORDS = re.compile(
    f"(?:{_WORD}{_INSIDE}*)?[{_LATIN_LETTER}](?:{_INSIDE}*{_WORD})?"
    f"(?:[ \u00a0]+(?:{_WORD}{_INSIDE}*)?[{_LATIN_LETTER}](?:{_INSIDE}*{_WORD})?)*")


def latin_pieces(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into pieces, each with whether it is a stretch of Latin words.

    >>> latin_pieces("Lincoln Elementary와(과) 2026년, a.kim@lincoln.org")
    [('Lincoln Elementary', True), ('와(과) 2026년, ', False), ('a.kim@lincoln.org', True)]
    """
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _LATIN_WORDS.finditer(text):
        if match.start() > at:
            pieces.append((text[at:match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _split_latin(p: etree._Element) -> None:
    """Split each run of ``p`` made only of text at the edges of its Latin words, so that each
    piece can carry its own ``w:lang`` (a run holding tabs, breaks or fields is left whole)."""
    for run in list(p.iter(_w("r"))):
        kids = [k for k in run if k.tag != _w("rPr")]
        if len(kids) != 1 or kids[0].tag != _w("t") or not kids[0].text:
            continue
        pieces = latin_pieces(kids[0].text)
        if len(pieces) < 2:
            continue
        parent = run.getparent()
        if parent is None:
            continue
        at = parent.index(run)
        for i, (piece, _) in enumerate(pieces):
            new = copy.deepcopy(run)
            t = new.find(_w("t"))
            assert t is not None
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(at + i, new)
        parent.remove(run)


def mark_paragraph(p: etree._Element, tag: str, rtl: bool, *, own_font: bool = False) -> None:
    """Give paragraph ``p`` and its runs the language ``tag`` and, if ``rtl``, its direction;
    with ``own_font``, its runs the font of ``tag``'s script (a line in another script than
    the document's, whose styles name the document's)."""
    ppr = get_or_add(p, "w:pPr")
    if rtl:
        get_or_add(ppr, "w:bidi")
    script = script_of(tag)
    if script.slot != "val":
        # Latin words (a partner's name, an e-mail address) in runs of their own: in a
        # right-to-left paragraph not marked w:rtl, which makes Word set and order a whole run
        # as complex-script right-to-left text, Latin letters in the Arabic face; the marks
        # that embed them (LRE ... PDF) stay in the runs beside them, the paragraph's
        # direction is worked out over its whole text, across runs
        _split_latin(p)
    spaced = script.complex
    face = script.face if own_font and script.script not in _LATIN else None
    for run in p.iter(_w("r")):
        rpr = get_or_add(run, "w:rPr")
        if face is not None:
            fonts = get_or_add(rpr, "w:rFonts")
            for attr in _SLOT_FONTS[script.slot]:
                fonts.set(_w(attr), face.family)
        if spaced:
            for spacing in rpr.findall(_w("spacing")):
                rpr.remove(spacing)
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        latin = bool(re.search(f"[{_LATIN_LETTER}]", text))
        if rtl and not (latin and not _RTL_LETTER.search(text)):
            get_or_add(rpr, "w:rtl")
        elif rtl:
            for mark in rpr.findall(_w("rtl")):
                rpr.remove(mark)
        lang = get_or_add(rpr, "w:lang")
        for key, value in lang_attributes(tag, latin=latin).items():
            lang.set(_w(key), value)


#: A right-to-left letter (Hebrew, Arabic and their presentation forms).
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SLOT_FONTS = {"eastAsia": ("eastAsia",), "bidi": ("cs",), "val": ("ascii", "hAnsi")}
_LATIN = ("Latn", "Cyrl", "Grek")


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
        mark_paragraph(p, p_tag, p_rtl,
                       own_font=script_of(p_tag).face != script_of(tag).face)
    if rtl:
        for sect in root.iter(_w("sectPr")):
            get_or_add(sect, "w:bidi")


def document_tag(tag: str) -> str:
    """Return the language-region tag Word and LibreOffice expect for a document in ``tag``
    (``ko`` → ``ko-KR``, ``zh-Hant`` → ``zh-TW``), from CLDR's likely subtags."""
    return script_of(tag).word_tag




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
    latin = script.script in _LATIN
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
