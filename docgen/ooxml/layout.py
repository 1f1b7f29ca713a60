"""Fit tables to the page: those whose columns were repeated by ``{%tc for … %}``, and any
column too narrow for the longest word it holds.

After a column loop, a row has a different number of cells from the table's grid. Each cell keeps
the width its template cell had, so the template author sets column widths in Word as usual.
:func:`fit_tables` rebuilds the grid from those widths, scaled so that the table spans the text
width. When the columns need more than a portrait page gives, it first turns the section to
landscape, and widens the section's other full-width tables to the landscape text width too.

:func:`fit_words` then widens each column that is narrower than the longest word in it (an
e-mail address, a phone number, "partnership,"), taking the width from columns that have some
to spare, so that no word is cut inside and no comma wraps onto a line of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

from lxml import etree

from .metrics import BOLD, SANS, char_width, word_width_of
from .sequence import get_or_add, insert

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _int(el: etree._Element | None, attr: str, default: int = 0) -> int:
    if el is None:
        return default
    try:
        return int(float(el.get(_w(attr), default)))
    except ValueError:
        return default


_TC = f"{{{W}}}tc"
_TR = f"{{{W}}}tr"
_P = f"{{{W}}}p"
_T = f"{{{W}}}t"
_TCPR = f"{{{W}}}tcPr"
_TCW = f"{{{W}}}tcW"
_GRID_SPAN = f"{{{W}}}gridSpan"
_RPR = f"{{{W}}}rPr"
_R = f"{{{W}}}r"
_SZ = f"{{{W}}}sz"
_B = f"{{{W}}}b"
_RFONTS = f"{{{W}}}rFonts"
_ASCII = f"{{{W}}}ascii"
_VAL = f"{{{W}}}val"
_WIDTH = f"{{{W}}}w"
_TYPE = f"{{{W}}}type"

#: The attribute ``render`` puts on a template table with a column loop, so that only those
#: tables are refitted; it never reaches the output.
MARK = "docgen-fit"


def _cell(tc: etree._Element) -> tuple[etree._Element | None, int]:
    """Return a cell's ``w:tcW`` element (or None) and how many grid columns it spans."""
    width, span = None, 1
    tcpr = tc[0] if len(tc) and tc[0].tag == _TCPR else tc.find(_TCPR)
    if tcpr is not None:
        for child in tcpr:
            if child.tag == _TCW:
                width = child
            elif child.tag == _GRID_SPAN:
                try:
                    span = max(int(child.get(_VAL, "1")), 1)
                except ValueError:
                    span = 1
    return width, span


def _text_width(sect: etree._Element | None) -> tuple[int, int]:
    """Return the text width of ``sect`` as it is and as it would be in landscape (twips)."""
    size = sect.find(_w("pgSz")) if sect is not None else None
    margins = sect.find(_w("pgMar")) if sect is not None else None
    width, height = _int(size, "w", 12240), _int(size, "h", 15840)
    side = _int(margins, "left", 1440) + _int(margins, "right", 1440)
    return width - side, max(width, height) - side


def _to_landscape(sect: etree._Element) -> bool:
    """Turn ``sect`` to landscape; return whether it was portrait."""
    size = sect.find(_w("pgSz"))
    if size is None:
        return False
    width, height = _int(size, "w", 12240), _int(size, "h", 15840)
    if width < height:
        size.set(_w("w"), str(height))
        size.set(_w("h"), str(width))
        size.set(_w("orient"), "landscape")
        return True
    return False


def fit_tables(root: etree._Element) -> None:
    """Rebuild the grid of each marked table whose rows no longer match it; fit it to the page."""
    body = root.find(_w("body"))
    sect = body.find(_w("sectPr")) if body is not None else None
    portrait, landscape = _text_width(sect)
    if _fit_marked(root, sect) and sect is not None:
        # the page turned: a table that spanned the portrait text width spans the landscape one
        for tbl in root.iter(_w("tbl")):
            widths = _grid(tbl)
            if widths and sum(widths) >= portrait * 0.95:
                _set_widths(tbl, [w * landscape // sum(widths) for w in widths])


def _grid(tbl: etree._Element) -> list[int]:
    grid = tbl.find(_w("tblGrid"))
    return [] if grid is None else [_int(c, "w") for c in grid.findall(_w("gridCol"))]


def _set_widths(tbl: etree._Element, widths: list[int]) -> None:
    """Give ``tbl`` the grid ``widths``, and each cell and the table the widths they span."""
    grid = tbl.find(_w("tblGrid"))
    if grid is None:
        return
    for col, width in zip(grid.findall(_w("gridCol")), widths):
        col.set(_WIDTH, str(width))
    for row in tbl.findall(_w("tr")):
        index = 0
        for tc in row.iterchildren(_TC):
            tcw, span = _cell(tc)
            if tcw is not None:
                tcw.set(_WIDTH, str(sum(widths[index:index + span])))
                tcw.set(_TYPE, "dxa")
            index += span
    tbl_w = tbl.find(f"{_w('tblPr')}/{_w('tblW')}")
    if tbl_w is not None:
        tbl_w.set(_w("w"), str(sum(widths)))
        tbl_w.set(_w("type"), "dxa")


def _fit_marked(root: etree._Element, sect: etree._Element | None) -> bool:
    """Fit the marked tables; return whether the section turned to landscape for one."""
    turned = False
    for tbl in root.iter(_w("tbl")):
        if tbl.get(MARK) is None:
            continue
        del tbl.attrib[MARK]
        grid = tbl.find(_w("tblGrid"))
        rows = tbl.findall(_w("tr"))
        if grid is None or not rows:
            continue
        columns = grid.findall(_w("gridCol"))
        table = [[_cell(tc) for tc in row.iterchildren(_TC)] for row in rows]
        counts = [sum(span for _, span in cells) for cells in table]
        if max(counts) == len(columns):
            continue
        default = (sum(_int(c, "w") for c in columns) // max(len(columns), 1)) or 1000
        widths: list[int] = []
        for tcw, span in table[counts.index(max(counts))]:
            width = _int(tcw, "w", default) or default
            widths.extend([width // span] * span)
        total = sum(widths)
        portrait, landscape = _text_width(sect)
        available = portrait
        if total > portrait and sect is not None:
            turned = turned or _to_landscape(sect)
            available = landscape
        # a table whose columns come from the data spans the text width, whatever their number
        widths = [w * available // total for w in widths]
        for col in columns:
            grid.remove(col)
        for width in widths:
            insert(grid, etree.Element(_w("gridCol"))).set(_WIDTH, str(width))
        _set_widths(tbl, widths)  # the cells and the table, as every refit sets them
    return turned


# --- columns wide enough for their words ------------------------------------------------------

#: The estimate's margin for hinting, kerning and fonts not quite the metrics' own.
_SLACK = 1.05
_SANS = ("arial", "helvetica", "liberation sans", "calibri", "carlito", "verdana", "noto sans")


def _run_font(run: etree._Element, size: int) -> tuple[int, bool, bool]:
    """Return a run's size (half-points), whether it is bold and whether its font is sans.

    Each property is the first of its kind in the run's first ``w:rPr``, read in one pass
    over the properties (``find`` per property costs a path lookup each)."""
    rpr = run[0] if len(run) and run[0].tag == _RPR else run.find(_RPR)
    if rpr is None:
        return size, False, False
    sz = bold = fonts = None
    for child in rpr:
        tag = child.tag
        if tag == _SZ:
            if sz is None:
                sz = child
        elif tag == _B:
            if bold is None:
                bold = child
        elif tag == _RFONTS:
            if fonts is None:
                fonts = child
    name = (fonts.get(_ASCII) or "").lower() if fonts is not None else ""
    return (_int(sz, "val", size) or size,
            bold is not None and bold.get(_VAL, "true") not in ("0", "false"),
            name.startswith(_SANS))


#: The stretches of text a line never breaks inside: a hyphen or slash that a WORD JOINER
#: holds does not end one.
_WORDS = re.compile(r"(?:[^ \t\-/\u2013\u200b]|[-/]\u2060)+[-/\u2013]?|[-/\u2013]")


@lru_cache(maxsize=8192)
def _units(word: str) -> int:
    return sum(char_width(c) for c in word)


def _text_of(el: etree._Element) -> str:
    """Return the text of ``el``'s ``w:t`` elements, as ``el.itertext(w:t)`` gives it (their
    text and tails), found with ``iter``: itertext with a tag costs some 16 times more."""
    return "".join([(t.text or "") + (t.tail or "") for t in el.iter(_T)])


def _cell_text(tc: etree._Element) -> tuple[str, bool]:
    """Return the text of cell ``tc`` (as :func:`_text_of` gives it) and whether it is the text
    of its one paragraph, in one walk of the cell: it is when the cell holds one ``w:p``, no
    text comes before it and it is the cell's last child (so all text after it is in it)."""
    pieces: list[str] = []
    paragraph = None
    single = True
    for el in tc.iter(_P, _T):
        if el.tag == _T:
            pieces.append((el.text or "") + (el.tail or ""))
        elif paragraph is None and not pieces:
            paragraph = el
        else:
            single = False
    if paragraph is None or tc[-1] is not paragraph:
        single = False
    return "".join(pieces), single


def _widest_word(tc: etree._Element) -> int:
    """Return the width, in thousandths of the font size, of the longest unbreakable stretch of
    text in cell ``tc``."""
    units = 0
    for p in tc.iter(_P):
        text = _text_of(p)
        if text:
            units = max(units, _widest_in(text))
    return units


@lru_cache(maxsize=16384)
def _widest_in(text: str) -> int:
    """Return the width, in thousandths of the font size, of the longest unbreakable stretch of
    the paragraph text ``text`` (0 for none). It depends on the text alone (the font is applied
    after), so a cell's paragraph is split and measured once per process, not once per render."""
    # most text breaks only at its spaces: split there (not at no-break spaces, which
    # str.split() would take for spaces), and use the regular expression only for text
    # with a tab, a hyphen, a slash, a dash or a zero-width space in it
    words = _WORDS.findall(text) if _BREAKS_INSIDE.search(text) else text.split(" ")
    return max(map(_units, words)) if words else 0


_BREAKS_INSIDE = re.compile("[-/\u2013\u200b\t]")


def _cell_margins(tbl: etree._Element) -> int:
    margins = tbl.find(f"{_w('tblPr')}/{_w('tblCellMar')}")
    if margins is None:
        return 2 * 108  # Word's and LibreOffice's default
    return sum(_int(margins.find(_w(side)), "w", 108)
               for side in ("left", "right")) or 2 * 108


def _widths_for(widths: list[int], need: list[int], limit: int) -> list[int] | None:
    """Return column widths close to ``widths`` where each column has at least ``need``;
    the table may grow up to ``limit``. None when ``widths`` already do."""
    if all(n <= w for n, w in zip(need, widths)):
        return None
    total = max(sum(widths), min(sum(need), limit))
    if sum(need) >= total:
        # not every word fits: share the width in proportion to what each column needs
        return [n * total // sum(need) for n in need]
    floor = [max(n, w) for n, w in zip(need, widths)]
    excess = sum(floor) - total
    spare = [max(f - n, 0) for f, n in zip(floor, need)]
    spare_total = sum(spare)
    return [f - (s * excess // spare_total if spare_total else 0) for f, s in zip(floor, spare)]


def _needs(tbl: etree._Element, widths: list[int], size: int, *, exact: bool = False) -> list[int]:
    """Return the width each of ``tbl``'s columns needs for its longest word, margins included
    (0 for an empty column). A cell's text is taken as set as
    the first run of its column in the first row (a header row is often bold), and in the
    rows after it.

    Unless ``exact``, a cell whose text is so short that it would fit its column even if each
    character were a full em at the table's largest size is not measured: it is taken to need
    that bound, which is no more than its column's width. The columns then never come out
    narrower than their words, and most cells (a role chart's "R" and "A") cost nothing.
    """
    margins = _cell_margins(tbl)
    columns = len(widths)
    need = [0] * columns
    fonts: dict[tuple[bool, int], tuple[int, bool, bool]] = {}
    if exact:
        per_char, room = 0.0, [-1.0] * columns
    else:
        sizes = set(cast("list[str]", _SIZES(tbl)))
        largest = max([size, *(int(v) for v in sizes if v.isdigit())])
        per_char = largest * 10 / 1000 * _WIDEST
        room = [(w - margins - 40) / per_char for w in widths]
    # a table without a w:gridSpan has cells of one column each: their properties go unread
    spanned = _HAS_SPAN(tbl)
    for number, row in enumerate(tbl.iterchildren(_TR)):
        index = 0
        for tc in row.iterchildren(_TC):
            span = _cell(tc)[1] if spanned else 1
            if span == 1 and index < columns:
                text, single = _cell_text(tc)
                length = len(text)
                if length <= room[index]:
                    if length:
                        need[index] = max(need[index], int(length * per_char) + 40)
                    index += span
                    continue
                units = (_widest_in(text) if single else _widest_word(tc)) if text else 0
                if units:
                    key = (number == 0, index)
                    if key not in fonts:
                        run = next(tc.iter(_R), None)  # find(".//w:r"), without the path
                        fonts[key] = (_run_font(run, size) if run is not None
                                      else (size, False, False))
                    width = word_width_of(units, *fonts[key])
                    need[index] = max(need[index], int(width * _SLACK) + 40)
            index += span
    return [n + margins if n > 40 else 0 for n in need]


#: The widest a character is taken to be (:func:`~docgen.ooxml.metrics.char_width`'s largest,
#: a full em) with every factor :func:`_needs` may apply: bold, sans-serif and the slack.
_WIDEST = 1000 * BOLD * SANS * _SLACK
#: Whether a table has a cell that spans columns (in it or a table nested in it)
_HAS_SPAN = etree.XPath("boolean(.//w:gridSpan)", namespaces={"w": W})
#: The sizes a table's runs set (w:sz), read in one pass
_SIZES = etree.XPath(".//w:sz/@w:val", namespaces={"w": W}, smart_strings=False)


#: The smallest size (half-points) a table's text is set at so that its words fit: 7.5 points.
SMALLEST = 15


def _shrink(tbl: etree._Element, factor: float, size: int) -> bool:
    """Set the text of ``tbl`` ``factor`` times its size, not below :data:`SMALLEST`; return
    whether any run became smaller."""
    smaller = False
    for run in tbl.iter(_w("r")):
        half_points = _run_font(run, size)[0]
        new = max(SMALLEST, int(half_points * factor))
        if new < half_points:
            rpr = get_or_add(run, "w:rPr")
            get_or_add(rpr, "w:sz").set(_VAL, str(new))
            get_or_add(rpr, "w:szCs").set(_VAL, str(new))
            smaller = True
    return smaller


def fit_words(root: etree._Element, size: int = 22) -> None:
    """Widen each column of ``root``'s tables that is narrower than the longest word in it,
    from the columns that have width to spare; where the words of a table cannot all fit the
    text width, set its text smaller (down to :data:`SMALLEST`) until they do. ``size``: the
    document's font size (half-points) where a run does not set one."""
    body = root.find(_w("body"))
    sect = body.find(_w("sectPr")) if body is not None else None
    limit, _ = _text_width(sect)
    for tbl in root.iter(_w("tbl")):
        widths = _grid(tbl)
        if not widths or not all(widths):
            continue
        total = max(limit, sum(widths))
        need = _needs(tbl, widths, size)
        if sum(need) > total:
            need = _needs(tbl, widths, size, exact=True)  # before any text is set smaller
        margins = _cell_margins(tbl) * sum(1 for n in need if n)
        for _ in range(3):
            if sum(need) <= total or sum(need) <= margins:
                break
            if not _shrink(tbl, (total - margins) / (sum(need) - margins) * 0.98, size):
                break
            need = _needs(tbl, widths, size, exact=True)
        fitted = _widths_for(widths, need, total)
        if fitted is not None:
            _set_widths(tbl, fitted)
