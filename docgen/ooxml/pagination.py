"""Pages a reader can use: what must not break across lines or pages, in any document.

For every template, a lawyer's own included, so that no template has to get these right by hand:

* **Lines.** An e-mail address, a phone number and a school year ("2026-2027") in a value never
  break inside (:func:`unbreakable`, which :mod:`docgen.render` applies to every value it
  writes): their spaces become no-break spaces (U+00A0), the hyphens of a phone number or a
  year non-breaking hyphens (U+2011; in right-to-left text, hyphens held by word joiners
  inside a left-to-right embedding, :func:`unbreakable_rtl`), and a hyphen or slash in an e-mail address is held by
  WORD JOINERs (U+2060) on both sides, so that the address keeps its own characters. Word and
  LibreOffice both honour these characters; OOXML has no run property that forbids a line
  break (``w:noProof`` only turns off proofing; ``w:noWrap`` is for whole cells, and ignored in
  fixed-width tables). Columns wide enough for such words: :func:`docgen.ooxml.layout.fit_words`.
* **Pages** (:func:`keep_together`, applied to a template when it is compiled, so that what its
  loops repeat keeps too). A heading, and a paragraph that introduces what follows (it ends
  with a colon, or it is the "IN WITNESS WHEREOF" line before the signatures), is kept with
  the next paragraph (``w:keepNext``) and whole (``w:keepLines``). The paragraphs of a signature
  block (a party's line, then lines such as "Signature: ____", "Name: …", "Date: ____") are
  kept together. A table's header rows (``w:tblHeader``; a shaded or bold first row is taken for
  one) repeat on each page, never split (``w:cantSplit``), and their paragraphs keep with the
  first row of data, so a header row never ends a page alone.

Elements are added through :mod:`docgen.ooxml.sequence`, in the schema's order.
"""

from __future__ import annotations

import re

from lxml import etree

from .sequence import get_or_add

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


NBSP, NB_HYPHEN, WORD_JOINER = "\u00a0", "\u2011", "\u2060"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
#: A phone number as the schema writes it (at least seven digits; a range of years such as
#: 2026-2027 is one too).
_PHONE = re.compile(r"\+?\(?\d[\d ().\-]{5,20}\d(?: ?(?:x|ext\.?) ?\d{1,6})?")
_EMAIL_BREAKS = re.compile(r"([-/])")


def _email(match: re.Match[str]) -> str:
    return _EMAIL_BREAKS.sub(WORD_JOINER + r"\1" + WORD_JOINER, match.group(0))


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if (" " not in text and "-" not in text) or sum(c.isdigit() for c in text) < 7:
        return text
    return text.replace(" ", NBSP).replace("-", NB_HYPHEN)


def unbreakable(text: str) -> str:
    """Return ``text`` with its e-mail addresses, phone numbers and school years made
    unbreakable.

    >>> unbreakable("Call (510) 555-0100 or write to a-b@x.org for 2026-2027.")
    'Call (510)\\xa0555‑0100 or write to a\\u2060-\\u2060b@x.org for 2026‑2027.'
    """
    if "@" in text:
        text = _EMAIL.sub(_email, text)
    return _PHONE.sub(_phone, text)


#: A number and the right-to-left word that follows it ("28 أغسطس", "6:00 م"), or a word and
#: the year after it ("أغسطس 2026").
_RTL_NUMBER = re.compile(r"(?<=\d) (?=[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc])"
                         r"|(?<=[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]) (?=\d{4}\b)")
#: A value embedded left to right (LRE … PDF) by :func:`docgen.i18n.translate.isolate`.
_EMBEDDED = re.compile("\u202a([^\u202a-\u202c]*)\u202c")


#: A time written with a Latin day period, as Urdu's CLDR data writes it ("2:45 PM").
_LATIN_TIME = re.compile(r"\d{1,2}[:.]\d{2}(?: [A-Za-z][A-Za-z.]{0,5})+")


#: A hyphen held by WORD JOINERs, as a number range or a phone number in right-to-left text
#: writes it: not U+2011, a bidi neutral that a right-to-left paragraph orders as it does
#: the numbers around it ("2027‑2026"), and that LibreOffice tags en-US in the PDF, whatever
#: the run's language. The word joiners keep it on one line; the ordering comes from the
#: embedding around it (an Arabic letter before it turns "2026-2027" into two Arabic
#: numbers, which the bidi algorithm does not join across a hyphen, so it needs one).
RTL_HYPHEN = WORD_JOINER + "-" + WORD_JOINER
#: A number range ("2026-2027", "14-16") or a phone number in a right-to-left translation's own
#: text, not in an embedding (which the first alternative skips), and not part of a code word
#: ("CSUEB-IRB-2026-117"): it is embedded, as a value is.
_BARE_NUMBERS = re.compile(
    r"\u202a[^\u202a-\u202c]*\u202c"
    r"|(?<![\w@./\u2011-])(?:\+?\(?\d[\d().]*(?:(?: |[-\u2011])\(?\d[\d().]*)*"
    r"[-\u2011]\d[\d.]*\d|\d[-\u2011]\d)(?![\w@/\u2011-])")


def _bare_numbers(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("\u202a"):
        return text
    return "\u202a" + re.sub("[-\u2011]", RTL_HYPHEN, text) + "\u202c"


def _embedded(match: re.Match[str]) -> str:
    text = match.group(1)
    if _LATIN_TIME.fullmatch(text):
        # kept in order by left-to-right marks, its space a narrow no-break one: with a
        # no-break space (in an embedding or not) LibreOffice 7.4 broke the line inside "PM"
        return "\u200e" + text.replace(" ", "\u202f") + "\u200e"
    if any(c.isalpha() for c in text):
        return match.group(0)
    return "\u202a" + re.sub("[-\u2011]", RTL_HYPHEN, text) + "\u202c"


def unbreakable_rtl(text: str) -> str:
    """Return the right-to-left ``text`` with its dates, times and numbers unbreakable, as
    LibreOffice honours it there.

    :func:`unbreakable`'s no-break spaces inside a phone number embedded left to right make
    LibreOffice 7.4 break the line inside its digits, so here: a number and the word that
    follows it ("28 أغسطس", "6:00 م") and a month and its year ("أغسطس 2026") are joined by
    no-break spaces; a value without letters (a phone number, a school year) is embedded
    left to right, and so is a number range or a phone number in the translation's own text
    ("للعام الدراسي 2026-2027"), its hyphens held by word joiners (:data:`RTL_HYPHEN`), so
    that it reads in its order (not "2027-2026") and on one line; a time with a Latin day period ("2:45 PM" in Urdu, whose
    PM went to the next line) is kept together by a narrow no-break space, in order by
    left-to-right marks.

    >>> unbreakable_rtl("حتى 28 أغسطس 2026، من 6:00 م")
    'حتى 28\xa0أغسطس\xa02026، من 6:00\xa0م'
    """
    if "\u202a" in text:
        text = _EMBEDDED.sub(_embedded, text)
    if "-" in text or NB_HYPHEN in text:
        text = _BARE_NUMBERS.sub(_bare_numbers, text)
    return _RTL_NUMBER.sub(NBSP, text)


def styles_for_layout(styles: etree._Element) -> tuple[frozenset[str], int]:
    """Return the ids of the paragraph styles that are headings (an outline level, or Word's
    names "heading N", "Title", "Subtitle", or based on one), and the body text's size."""
    based: dict[str, str | None] = {}
    own: set[str] = set()
    size = 22
    default = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('sz')}")
    if default is not None and (default.get(_w("val")) or "").isdigit():
        size = int(default.get(_w("val")) or size)
    for style in (s for s in styles.iterfind(_w("style")) if s.get(_w("type")) == "paragraph"):
        sid = style.get(_w("styleId")) or ""
        name = style.find(_w("name"))
        parent = style.find(_w("basedOn"))
        based[sid] = parent.get(_w("val")) if parent is not None else None
        label = (name.get(_w("val")) or "").lower() if name is not None else ""
        level = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if (re.fullmatch(r"heading [1-9]|title|subtitle", label)
                or level is not None and level.get(_w("val")) != "9"):
            own.add(sid)
        if style.get(_w("default")) in ("1", "true"):
            sz = style.find(f"{_w('rPr')}/{_w('sz')}")
            if sz is not None and (sz.get(_w("val")) or "").isdigit():
                size = int(sz.get(_w("val")) or size)
    headings = set(own)
    for sid in based:
        seen, current = set(), based.get(sid)
        while current and current not in seen:
            if current in own:
                headings.add(sid)
                break
            seen.add(current)
            current = based.get(current)
    return frozenset(headings), size


# --- keeping lines together across pages ------------------------------------------------------

#: A line of a signature block: a short label and a colon ("Name:", "By:"), or a line to sign on.
_LABEL = re.compile(r"^\s*[^\s:][^:]{0,24}:|_{5,}")
_SIGNATURE_LINE = re.compile(r"_{5,}")
_WITNESS = re.compile(r"^\s*IN WITNESS WHEREOF", re.IGNORECASE)


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))


#: A docxtpl tag that stands for its whole paragraph or row (``{%p for b in blocks %}``).
_CONTROL = re.compile(r"\s*\{%(?:p|tr|tc)\s[^%]*%\}\s*")


def _is_control(el: etree._Element) -> bool:
    return el.tag in (_w("p"), _w("tr")) and bool(_CONTROL.fullmatch(_text(el)))


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    return style.get(_w("val")) if style is not None else None


def _keep(p: etree._Element, *, with_next: bool = True) -> None:
    ppr = get_or_add(p, "w:pPr")
    if with_next:
        get_or_add(ppr, "w:keepNext")
    get_or_add(ppr, "w:keepLines")


def _is_heading(p: etree._Element, headings: frozenset[str]) -> bool:
    if _style(p) in headings:
        return True
    level = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
    return level is not None and level.get(_w("val")) not in (None, "9")


def _signature_blocks(paragraphs: list[etree._Element], texts: list[str]) -> list[range]:
    """Return the signature blocks of a run of paragraphs, as ranges of indexes.

    A block is a line that is not a label (the party's name), followed by label lines, one of
    which is a line to sign on.
    """
    blocks = []
    i = 0
    while i < len(paragraphs):
        if texts[i].strip() and not _LABEL.search(texts[i]):
            end = i + 1
            while end < len(texts) and texts[end].strip() and _LABEL.search(texts[end]):
                end += 1
            if any(_SIGNATURE_LINE.search(texts[j]) for j in range(i + 1, end)):
                blocks.append(range(i, end))
                i = end
                continue
        i += 1
    return blocks


def keep_together(root: etree._Element, headings: frozenset[str]) -> None:
    """Keep headings, introductions, signature blocks and header rows of ``root``'s body with
    what follows them. ``headings``: the paragraph style ids that are headings.

    ``root`` is a template's or a rendered document's body: a template's loops repeat what it
    marks, so :mod:`docgen.render` runs this once, on the template, when it compiles it.
    """
    body = root.find(_w("body"))
    if body is None:
        return
    # a template's paragraphs and rows that only hold a loop's or a condition's tag are gone
    # once it is rendered: what keeps with what is decided as if they were not there
    children = [el for el in body if not _is_control(el)]
    paragraphs = [el for el in children if el.tag == _w("p")]
    texts = [_text(p) for p in paragraphs]
    position = {id(el): i for i, el in enumerate(children)}
    for p, text in zip(paragraphs, texts):
        following = position[id(p)] + 1 < len(children)
        stripped = text.strip()
        if not following or not stripped:
            continue
        if _is_heading(p, headings) or stripped.endswith(":") or _WITNESS.match(text):
            _keep(p)
    blocks = _signature_blocks(paragraphs, texts)
    in_blocks = {i for block in blocks for i in block}
    for block in blocks:
        before = position[id(paragraphs[block.start])] - 1
        if (before >= 0 and children[before].tag == _w("p")
                and block.start - 1 not in in_blocks and texts[block.start - 1].strip()):
            _keep(children[before])  # the line that introduces the signatures
        for i in block:
            _keep(paragraphs[i], with_next=i != block.stop - 1)
    for tbl in body.iter(_w("tbl")):
        keep_header_rows(tbl)


def _looks_like_header(row: etree._Element) -> bool:
    """Whether a first row is set apart as a header: every cell shaded, or all its text bold."""
    cells = row.findall(_w("tc"))
    if not cells:
        return False
    fills = [tc.find(f"{_w('tcPr')}/{_w('shd')}") for tc in cells]
    if all(shd is not None and shd.get(_w("fill"), "auto") not in ("auto", "FFFFFF")
           for shd in fills):
        return True
    runs = [r for r in row.iter(_w("r")) if "".join(t.text or "" for t in r.iter(_w("t"))).strip()]
    return bool(runs) and all(r.find(f"{_w('rPr')}/{_w('b')}") is not None for r in runs)


def keep_header_rows(tbl: etree._Element) -> None:
    """Mark ``tbl``'s header rows (those marked, or a first row set apart) so that they repeat,
    never split and keep with the first row of data."""
    rows = [r for r in tbl.findall(_w("tr")) if not _is_control(r)]
    if len(rows) < 2:
        return
    header = [r for r in rows if r.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None]
    if not header and len(rows) > 2 and _looks_like_header(rows[0]):
        header = [rows[0]]
    # header rows repeat only as a run at the top of the table
    count = 0
    while count < len(rows) and rows[count] in header:
        count += 1
    for row in rows[:count]:
        trpr = get_or_add(row, "w:trPr")
        get_or_add(trpr, "w:tblHeader")
        get_or_add(trpr, "w:cantSplit")
        for p in row.iter(_w("p")):
            _keep(p)
    if 0 < count < len(rows):
        get_or_add(get_or_add(rows[count], "w:trPr"), "w:cantSplit")
