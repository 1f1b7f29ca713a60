"""Column fitting as docgen did it before the speed work of issue #16 (docgen/ooxml/layout.py at
commit 2beb19b): every cell's text walked twice and every paragraph's words split and measured
on each render. tests/test_layout_fast.py checks the fitting now gives the same widths and
sizes as this one.

Only the functions the speed work changed, and those that call them, are copied; the rest
are docgen's own."""

from __future__ import annotations

from typing import cast

from lxml import etree

from docgen.ooxml.layout import (_BREAKS_INSIDE, _P, _SANS, _SIZES, _SLACK, _TC, _TR, _VAL,
                                 _WIDEST, _WORDS, SMALLEST, _cell, _cell_margins, _grid, _int,
                                 _set_widths, _text_of, _text_width, _units, _w, _widths_for)
from docgen.ooxml.metrics import word_width_of
from docgen.ooxml.sequence import get_or_add


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
