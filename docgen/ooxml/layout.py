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
from typing import Any, cast

from lxml import etree

from .metrics import BOLD, SANS, char_width, word_width_of
from .sequence import get_or_add, insert

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _int(el: etree._Element | None, attr: str, default: int = 0) -> int:
    return _number(el, _w(attr), default)


def _number(el: etree._Element | None, name: str, default: int = 0) -> int:
    """Return the attribute ``name`` (Clark form) of ``el`` as a whole number, or ``default``."""
    if el is None:
        return default
    try:
        return int(float(el.get(name, default)))
    except ValueError:
        return default


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """Return the first child ``tag`` of ``el``: ``el.find(tag)``, without the path lookup."""
    return next(el.iterchildren(tag), None)


def _grandchild(el: etree._Element, tag: str, child: str) -> etree._Element | None:
    """Return ``el.find(f"{tag}/{child}")``: the first ``child`` of any ``tag`` child."""
    for parent in el.iterchildren(tag):
        for found in parent.iterchildren(child):
            return found
    return None


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
_TBL = f"{{{W}}}tbl"
_TBL_GRID = f"{{{W}}}tblGrid"
_GRID_COL = f"{{{W}}}gridCol"
_TBL_PR = f"{{{W}}}tblPr"
_PG_SZ = f"{{{W}}}pgSz"
_PG_MAR = f"{{{W}}}pgMar"
_HEIGHT = f"{{{W}}}h"
_TBL_W = f"{{{W}}}tblW"
_CELL_MAR = f"{{{W}}}tblCellMar"
_LEFT = f"{{{W}}}left"
_RIGHT = f"{{{W}}}right"

#: The attribute ``render`` puts on a template table with a column loop, so that only those
#: tables are refitted; it never reaches the output.
MARK = "docgen-fit"


def _span_of(grid_span: etree._Element) -> int:
    try:
        return max(int(grid_span.get(_VAL, "1")), 1)
    except ValueError:
        return 1


def _cell(tc: etree._Element) -> tuple[etree._Element | None, int]:
    """Return a cell's ``w:tcW`` element (or None) and how many grid columns it spans: the last
    of each in the cell's first ``w:tcPr``."""
    width, span = None, 1
    tcpr = tc[0] if len(tc) and tc[0].tag == _TCPR else tc.find(_TCPR)
    if tcpr is not None:
        for child in tcpr:
            if child.tag == _TCW:
                width = child
            elif child.tag == _GRID_SPAN:
                span = _span_of(child)
    return width, span


#: A cell of one of a table's rows, as :func:`_walk` finds it: the ``w:tc``, its ``w:tcW``
#: (or None) and its span as :func:`_cell` reads them, its text (:func:`_text_of`), its
#: paragraph if it has only one and no ``w:t`` comes before it (else None), then, once
#: :func:`_needs` looked them up, the width of its widest word and its font (:func:`_run_font`
#: of its first run); None before.
Cell = list[Any]  # [tc, tcW | None, span, text, w:p | None, units | None, font | None]


def _within(el: etree._Element, tc: etree._Element, tbl: etree._Element) -> bool:
    """Whether ``el`` (in ``tbl``) is inside the cell ``tc``."""
    for ancestor in el.iterancestors():
        if ancestor is tc:
            return True
        if ancestor is tbl:
            return False
    return False


def _walk(tbl: etree._Element) -> list[list[Cell]]:
    """Return each row of ``tbl`` as its cells (:data:`Cell`).

    One walk over the table's rows, cells, cell properties, paragraphs and text, instead of one
    per cell and per property: a row counts if it is the table's, a cell if it is that row's,
    its properties if they are its first ``w:tcPr``'s, a paragraph or a text if it is inside
    that cell (as a nested table's are, whose own rows and cells do not count)."""
    rows: list[list[Cell]] = []
    cells: list[Cell] | None = None
    cell: Cell | None = None
    pieces: list[str] = []
    row = tc = tcpr = paragraph = last = None
    paragraphs = 0
    for el in tbl.iter(_TR, _TC, _TCPR, _TCW, _GRID_SPAN, _P, _T):
        tag = el.tag
        if tag == _T:
            if tc is None:
                continue
            # most text is in a run of the last paragraph seen: its parent's parent
            if last is None or el.getparent().getparent() is not last:  # type: ignore[union-attr]
                if not _within(el, tc, tbl):
                    continue
            pieces.append((el.text or "") + (el.tail or ""))
        elif tag == _P:
            if tc is None or (el.getparent() is not tc and not _within(el, tc, tbl)):
                continue
            last = el
            paragraphs += 1
            if paragraphs == 1 and not pieces:
                paragraph = el
        elif tag == _TC:
            if cells is None or el.getparent() is not row:
                continue  # a nested table's, or a cell inside some other element of the row
            if cell is not None:
                cell[3] = "".join(pieces)
                cell[4] = paragraph if paragraphs == 1 else None
            tc = el
            cell = [el, None, 1, "", None, None, None]
            cells.append(cell)
            tcpr = paragraph = last = None
            pieces = []
            paragraphs = 0
        elif tag == _TCPR:
            if tcpr is None and tc is not None and el.getparent() is tc:
                tcpr = el
        elif tag == _TCW:
            if tcpr is not None and el.getparent() is tcpr:
                cell[1] = el  # type: ignore[index]
        elif tag == _GRID_SPAN:
            if tcpr is not None and el.getparent() is tcpr:
                cell[2] = _span_of(el)  # type: ignore[index]
        elif el.getparent() is tbl:  # one of the table's rows
            if cell is not None:
                cell[3] = "".join(pieces)
                cell[4] = paragraph if paragraphs == 1 else None
            row = el
            cells = []
            rows.append(cells)
            tc = tcpr = cell = paragraph = last = None
    if cell is not None:
        cell[3] = "".join(pieces)
        cell[4] = paragraph if paragraphs == 1 else None
    return rows


def _text_width(sect: etree._Element | None) -> tuple[int, int]:
    """Return the text width of ``sect`` as it is and as it would be in landscape (twips)."""
    size = _child(sect, _PG_SZ) if sect is not None else None
    margins = _child(sect, _PG_MAR) if sect is not None else None
    width, height = _number(size, _WIDTH, 12240), _number(size, _HEIGHT, 15840)
    side = _number(margins, _LEFT, 1440) + _number(margins, _RIGHT, 1440)
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
    _fit(root, None)


def _fit(root: etree._Element, size: int | None, columns: bool = True) -> None:
    """Fit ``root``'s tables: the marked ones to their columns (:func:`fit_tables`, when
    ``columns``), then each to its words at ``size`` (:func:`fit_words`, unless ``size`` is
    None).

    The same as the two one after the other, but the tables are searched for once, and each
    table's cells are given their widths once, at the end, from the last grid it was given
    (every refit sets every cell's width from the grid, so only the last one shows)."""
    body = root.find(_w("body"))
    sect = body.find(_w("sectPr")) if body is not None else None
    tables = list(root.iter(_TBL))
    #: the grid each refitted table ends with, and its rows once walked (by its number)
    final: dict[int, list[int]] = {}
    walked: dict[int, list[list[Cell]]] = {}
    if columns:
        portrait, landscape = _text_width(sect)
        if _fit_marked(tables, sect, final, walked) and sect is not None:
            # the page turned: a table that spanned the portrait text width spans the landscape
            for number, tbl in enumerate(tables):
                widths = _grid(tbl)
                if widths and sum(widths) >= portrait * 0.95:
                    widths = [w * landscape // sum(widths) for w in widths]
                    if _set_grid(tbl, widths):
                        final[number] = widths
    if size is not None:
        limit, _ = _text_width(sect)
        for number, tbl in enumerate(tables):
            fitted = _fit_words(tbl, size, limit, walked, number)
            if fitted is not None and _set_grid(tbl, fitted):
                final[number] = fitted
    for number, widths in final.items():
        tbl = tables[number]
        _set_cells(tbl, walked[number] if number in walked else _walk(tbl), widths)


def _grid(tbl: etree._Element) -> list[int]:
    grid = _child(tbl, _TBL_GRID)
    return [] if grid is None else [_number(c, _WIDTH) for c in grid.iterchildren(_GRID_COL)]


def _set_widths(tbl: etree._Element, widths: list[int]) -> None:
    """Give ``tbl`` the grid ``widths``, and each cell and the table the widths they span."""
    if _set_grid(tbl, widths):
        _set_cells(tbl, _walk(tbl), widths)


def _set_grid(tbl: etree._Element, widths: list[int]) -> bool:
    """Give ``tbl``'s grid columns ``widths``; return whether it has a grid."""
    grid = _child(tbl, _TBL_GRID)
    if grid is None:
        return False
    for col, width in zip(grid.iterchildren(_GRID_COL), widths):
        col.set(_WIDTH, str(width))
    return True


def _set_cells(tbl: etree._Element, rows: list[list[Cell]], widths: list[int]) -> None:
    """Give each cell of ``rows`` (``tbl``'s) and ``tbl`` the widths they span in the grid
    ``widths``."""
    one = [str(w) for w in widths]  # a cell of one column, the most common
    for cells in rows:
        index = 0
        for cell in cells:
            tcw, span = cell[1], cell[2]
            if tcw is not None:
                tcw.set(_WIDTH, one[index] if span == 1 and index < len(one)
                        else str(sum(widths[index:index + span])))
                tcw.set(_TYPE, "dxa")
            index += span
    tbl_w = _grandchild(tbl, _TBL_PR, _TBL_W)
    if tbl_w is not None:
        tbl_w.set(_WIDTH, str(sum(widths)))
        tbl_w.set(_TYPE, "dxa")


def _fit_marked(tables: list[etree._Element], sect: etree._Element | None,
                final: dict[int, list[int]], looked_up: dict[int, list[list[Cell]]]) -> bool:
    """Fit the marked ``tables``; return whether the section turned to landscape for one.
    Each refitted table's new grid goes to ``final``, for its cells to be given their widths at
    the end, and the rows of each table walked to ``looked_up`` (by its number in ``tables``)."""
    turned = False
    for number, tbl in enumerate(tables):
        if tbl.get(MARK) is None:
            continue
        del tbl.attrib[MARK]
        grid = _child(tbl, _TBL_GRID)
        if grid is None:
            continue
        rows = looked_up[number] = _walk(tbl)
        if not rows:
            continue
        columns = list(grid.iterchildren(_GRID_COL))
        counts = [sum(cell[2] for cell in cells) for cells in rows]
        if max(counts) == len(columns):
            continue
        default = (sum(_number(c, _WIDTH) for c in columns) // max(len(columns), 1)) or 1000
        widths: list[int] = []
        for cell in rows[counts.index(max(counts))]:
            tcw, span = cell[1], cell[2]
            width = _number(tcw, _WIDTH, default) or default
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
            insert(grid, etree.Element(_GRID_COL)).set(_WIDTH, str(width))
        # the cells and the table, as every refit sets them (at the end)
        final[number] = widths
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
    return (_number(sz, _VAL, size) or size,
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
    margins = _grandchild(tbl, _TBL_PR, _CELL_MAR)
    if margins is None:
        return 2 * 108  # Word's and LibreOffice's default
    return (_number(_child(margins, _LEFT), _WIDTH, 108)
            + _number(_child(margins, _RIGHT), _WIDTH, 108)) or 2 * 108


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


#: A cell :func:`_needs` measures: whether it is in the first row, its column, the cell.
Measured = tuple[bool, int, Cell]


def _measured(rows: list[list[Cell]], columns: int) -> list[Measured]:
    """Return the cells of ``rows`` that :func:`_needs` measures: those that span one column,
    within the grid's ``columns``."""
    out: list[Measured] = []
    for number, cells in enumerate(rows):
        index = 0
        for cell in cells:
            span = cell[2]
            if span == 1 and index < columns:
                out.append((number == 0, index, cell))
            index += span
    return out


def _cells(tbl: etree._Element, columns: int) -> list[Measured]:
    """Return the cells of ``tbl`` that :func:`_needs` measures (:func:`_measured`)."""
    return _measured(_walk(tbl), columns)


def _units_of(cell: Cell) -> int:
    """Return the width of the widest word of ``cell`` (:func:`_widest_word`), measured once."""
    units: int | None = cell[5]
    if units is None:
        tc, text, paragraph = cell[0], cell[3], cell[4]
        if not text:
            units = 0
        elif paragraph is not None and tc[-1] is paragraph:
            # the cell's text is its one paragraph's: split and measured once a process
            units = _widest_in(text)
        else:
            units = _widest_word(tc)
        cell[5] = units
    return units


def _needs(tbl: etree._Element, widths: list[int], size: int, *, exact: bool = False,
           cells: list[Measured] | None = None, margins: int | None = None,
           sizes: set[str] | None = None) -> list[int]:
    """Return the width each of ``tbl``'s columns needs for its longest word, margins included
    (0 for an empty column). A cell's text is taken as set as
    the first run of its column in the first row (a header row is often bold), and in the
    rows after it.

    Unless ``exact``, a cell whose text is so short that it would fit its column even if each
    character were a full em at the table's largest size is not measured: it is taken to need
    that bound, which is no more than its column's width. The columns then never come out
    narrower than their words, and most cells (a role chart's "R" and "A") cost nothing.

    ``cells``: the table's cells as :func:`_cells` gave them for these ``widths``, with what
    earlier calls measured (the words, and the fonts unless the text was set smaller since);
    ``margins``: :func:`_cell_margins`, and ``sizes``: :func:`_sizes`, if known.
    """
    if margins is None:
        margins = _cell_margins(tbl)
    columns = len(widths)
    if cells is None:
        cells = _cells(tbl, columns)
    need = [0] * columns
    fonts: dict[tuple[bool, int], tuple[int, bool, bool]] = {}
    if exact:
        per_char, room = 0.0, [-1.0] * columns
    else:
        per_char = _largest(_sizes(tbl) if sizes is None else sizes, size) * 10 / 1000 * _WIDEST
        room = [(w - margins - 40) / per_char for w in widths]
    for first, index, cell in cells:
        length = len(cell[3])
        if length <= room[index]:
            if length:
                need[index] = max(need[index], int(length * per_char) + 40)
            continue
        units = cell[5]
        if units is None:
            units = _units_of(cell)
        if units:
            key = (first, index)
            font = fonts.get(key)
            if font is None:
                font = cell[6]
                if font is None:
                    run = next(cell[0].iter(_R), None)  # find(".//w:r"), without the path
                    font = cell[6] = (_run_font(run, size) if run is not None
                                      else (size, False, False))
                fonts[key] = font
            width = word_width_of(units, *font)
            need[index] = max(need[index], int(width * _SLACK) + 40)
    return [n + margins if n > 40 else 0 for n in need]


def _sizes(tbl: etree._Element) -> set[str]:
    """Return the sizes (``w:sz`` values) set in ``tbl``."""
    return set(cast("list[str]", _SIZES(tbl)))


def _largest(sizes: set[str], size: int) -> int:
    """Return the largest of ``sizes`` written in digits, or ``size`` if it is larger."""
    return max([size, *(int(v) for v in sizes if v.isdigit())])


def _fits(widths: list[int], size: int, cells: list[Measured], margins: int,
          sizes: set[str]) -> bool:
    """Whether :func:`_needs` (not ``exact``) would give no column more than its width, told
    without looking up a font: each word measured as if set at the largest size any run of
    the table may have, bold and sans-serif (the widest :func:`_needs` can take it to be).
    Then the words fit and the table stays as it is; when this cannot tell, False. ``sizes``:
    the table's (:func:`_sizes`)."""
    if margins < 0 or min(widths) <= 0:
        return False
    largest = size
    for value in sizes:
        try:
            largest = max(largest, int(float(value)))  # as _run_font reads a size
        except ValueError:
            continue  # read as the document's size
        except OverflowError:
            return False
    per_char = _largest(sizes, size) * 10 / 1000 * _WIDEST
    room = [(w - margins - 40) / per_char for w in widths]
    for _, index, cell in cells:
        length = len(cell[3])
        if length <= room[index]:
            n = int(length * per_char) + 40 if length else 0
        else:
            units = _units_of(cell)
            if not units:
                continue
            n = int(word_width_of(units, largest, True, True) * _SLACK) + 40
        if n > 40 and n + margins > widths[index]:
            return False
    return True


#: The widest a character is taken to be (:func:`~docgen.ooxml.metrics.char_width`'s largest,
#: a full em) with every factor :func:`_needs` may apply: bold, sans-serif and the slack.
_WIDEST = 1000 * BOLD * SANS * _SLACK
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
    _fit(root, size, columns=False)


def fit_layout(root: etree._Element, size: int | None = 22, *, columns: bool = False) -> None:
    """:func:`fit_tables` (when ``columns``: the part has tables marked for their column
    loops) then :func:`fit_words` at ``size`` (unless it is None), in one search for the
    tables and one setting of each table's cell widths: the same XML as the two one after
    the other."""
    _fit(root, size, columns)


def _fit_words(tbl: etree._Element, size: int, limit: int,
               walked: dict[int, list[list[Cell]]], number: int) -> list[int] | None:
    """Return the grid that fits ``tbl``'s words in ``limit`` (None: it already does), its text
    set smaller first where they cannot all fit (:func:`fit_words`). ``walked``: the rows of
    the tables walked so far, ``tbl``'s by its ``number`` (added if it is walked here)."""
    widths = _grid(tbl)
    if not widths or not all(widths):
        return None
    total = max(limit, sum(widths))
    rows = walked.get(number)
    if rows is None:
        rows = walked[number] = _walk(tbl)
    cells = _measured(rows, len(widths))
    margins = _cell_margins(tbl)
    sizes = _sizes(tbl)
    if _fits(widths, size, cells, margins, sizes):
        return None
    need = _needs(tbl, widths, size, cells=cells, margins=margins, sizes=sizes)
    if sum(need) > total:
        # before any text is set smaller
        need = _needs(tbl, widths, size, exact=True, cells=cells, margins=margins)
    margins_of_all = margins * sum(1 for n in need if n)
    for _ in range(3):
        if sum(need) <= total or sum(need) <= margins_of_all:
            break
        if not _shrink(tbl, (total - margins_of_all) / (sum(need) - margins_of_all) * 0.98,
                       size):
            break
        for _, _, cell in cells:
            cell[6] = None  # the fonts are smaller now
        need = _needs(tbl, widths, size, exact=True, cells=cells, margins=margins)
    return _widths_for(widths, need, total)
