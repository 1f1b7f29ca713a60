"""Column fitting as docgen did it before the speed work of issue #16 (docgen/ooxml/layout.py at
commit 2beb19b): every cell's text walked twice and every paragraph's words split and measured
on each render; and each table refitted to its column loop and to the page, cell by cell, each
time its grid changed (at commit e5e19a8). tests/test_layout_fast.py checks the fitting now
gives the same widths and sizes as this one.

Only the functions the speed work changed, and those that call them, are copied; the rest
are docgen's own."""

from __future__ import annotations

from typing import cast

from lxml import etree

from docgen.ooxml.layout import (_BREAKS_INSIDE, _GRID_SPAN, _P, _SANS, _SIZES, _SLACK, _TC,
                                 _TCPR, _TCW, _TR, _TYPE, _VAL, _WIDEST, _WIDTH, _WORDS, MARK,
                                 SMALLEST, _cell_margins, _int, _text_of, _text_width,
                                 _to_landscape, _units, _w, _widths_for)
from docgen.ooxml.metrics import word_width_of
from docgen.ooxml.sequence import get_or_add, insert


def _run_font(run: etree._Element, size: int) -> tuple[int, bool, bool]:
    """Return a run's size (half-points), whether it is bold and whether its font is sans."""
    rpr = run.find(_w("rPr"))
    if rpr is None:
        return size, False, False
    sz = rpr.find(_w("sz"))
    bold = rpr.find(_w("b"))
    fonts = rpr.find(_w("rFonts"))
    name = (fonts.get(_w("ascii")) or "").lower() if fonts is not None else ""
    return (_int(sz, "val", size) or size,
            bold is not None and bold.get(_VAL, "true") not in ("0", "false"),
            any(name.startswith(s) for s in _SANS))


def _widest_word(tc: etree._Element) -> int:
    """Return the width, in thousandths of the font size, of the longest unbreakable stretch of
    text in cell ``tc``."""
    units = 0
    for p in tc.iter(_P):
        text = _text_of(p)
        if not text:
            continue
        # most text breaks only at its spaces: split there (not at no-break spaces, which
        # str.split() would take for spaces), and use the regular expression only for text
        # with a tab, a hyphen, a slash, a dash or a zero-width space in it
        words = _WORDS.findall(text) if _BREAKS_INSIDE.search(text) else text.split(" ")
        if words:
            units = max(units, max(map(_units, words)))
    return units


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
    for number, row in enumerate(tbl.iterchildren(_TR)):
        index = 0
        for tc in row.iterchildren(_TC):
            _, span = _cell(tc)
            if span == 1 and index < columns:
                length = len(_text_of(tc))
                if length <= room[index]:
                    if length:
                        need[index] = max(need[index], int(length * per_char) + 40)
                    index += span
                    continue
                units = _widest_word(tc)
                if units:
                    key = (number == 0, index)
                    if key not in fonts:
                        run = tc.find(f".//{_w('r')}")
                        fonts[key] = (_run_font(run, size) if run is not None
                                      else (size, False, False))
                    width = word_width_of(units, *fonts[key])
                    need[index] = max(need[index], int(width * _SLACK) + 40)
            index += span
    return [n + margins if n > 40 else 0 for n in need]


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
