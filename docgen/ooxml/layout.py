"""Fit tables whose columns were repeated by ``{%tc for … %}`` to the page.

After a column loop, a row has a different number of cells from the table's grid. Each cell keeps
the width its template cell had, so the template author sets column widths in Word as usual.
This module rebuilds the grid from those widths, scaled so that the table spans the text width.
When the columns need more than a portrait page gives, it first turns the section to landscape.
"""

from __future__ import annotations

from lxml import etree

from .sequence import insert

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
_TCPR = f"{{{W}}}tcPr"
_TCW = f"{{{W}}}tcW"
_GRID_SPAN = f"{{{W}}}gridSpan"
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


def _to_landscape(sect: etree._Element) -> None:
    size = sect.find(_w("pgSz"))
    if size is None:
        return
    width, height = _int(size, "w", 12240), _int(size, "h", 15840)
    if width < height:
        size.set(_w("w"), str(height))
        size.set(_w("h"), str(width))
        size.set(_w("orient"), "landscape")


def fit_tables(root: etree._Element) -> None:
    """Rebuild the grid of each marked table whose rows no longer match it; fit it to the page."""
    body = root.find(_w("body"))
    sect = body.find(_w("sectPr")) if body is not None else None
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
            _to_landscape(sect)
            available = landscape
        # a table whose columns come from the data spans the text width, whatever their number
        widths = [w * available // total for w in widths]
        total = sum(widths)
        for col in columns:
            grid.remove(col)
        for width in widths:
            insert(grid, etree.Element(_w("gridCol"))).set(_WIDTH, str(width))
        for cells in table:
            index = 0
            for tcw, span in cells:
                if tcw is not None:
                    tcw.set(_WIDTH, str(sum(widths[index:index + span])))
                    tcw.set(_TYPE, "dxa")
                index += span
        tbl_w = tbl.find(f"{_w('tblPr')}/{_w('tblW')}")
        if tbl_w is not None:
            tbl_w.set(_w("w"), str(total))
            tbl_w.set(_w("type"), "dxa")
