"""Columns fitted for their words (docgen/ooxml/layout.py) come out exactly as they did before the
speed work of issue #16 (tests/layout_reference.py): the same grid and cell widths, the same
text sizes, for any text in any cell, in tables of one or more paragraphs a cell, of runs that
set their own size, weight and font, of cells that span columns or hold nested tables; and
tables whose column loops gave their rows more cells than their grid are fitted to those
columns, to the page (turned to landscape when they need it) and to their words as before."""

from __future__ import annotations

import copy

import layout_reference
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.ooxml import layout

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: the characters that decide where a line breaks and how wide a word is, and some others
_ALPHABET = st.sampled_from(
    list("aeimW .,@()0159-/\t") + ["\u00a0", "\u2011", "\u2013", "\u2014", "\u200b", "\u2060",
                                   "\u4e2d", "\u00e9", "\u05d0", "-\u2060", "/\u2060"])
_TEXT = st.lists(_ALPHABET, max_size=30).map("".join)


@st.composite
def _run(draw: st.DrawFn) -> str:
    props = []
    if draw(st.booleans()):
        props.append(f'<w:rFonts w:ascii="{draw(st.sampled_from(["Arial", "Times New Roman", "Carlito", ""]))}"/>')
    if draw(st.booleans()):
        props.append(f'<w:b w:val="{draw(st.sampled_from(["true", "0", "false", "1"]))}"/>'
                     if draw(st.booleans()) else "<w:b/>")
    if draw(st.booleans()):
        props.append(f'<w:sz w:val="{draw(st.sampled_from(["12", "16", "22", "28", "40", "x"]))}"/>')
    if draw(st.booleans()):
        props = list(reversed(props)) + ['<w:sz w:val="18"/>']  # a second w:sz is not read
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if bool(props) or draw(st.booleans()) else ""
    texts = "".join(f'<w:t xml:space="preserve">{_escape(t)}</w:t>{_tail(draw)}'
                    for t in draw(st.lists(_TEXT, min_size=0, max_size=2)))
    return f"<w:r>{rpr}{texts}</w:r>"


def _tail(draw: st.DrawFn) -> str:
    """Mostly nothing after a ``w:t``; sometimes text (a tail), or a ``w:t`` inside a ``w:t``."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return _escape(draw(_TEXT))
    if kind == 1:
        return f"<w:t>{_escape(draw(_TEXT))}<w:t>{_escape(draw(_TEXT))}</w:t>{_escape(draw(_TEXT))}</w:t>"
    return ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    runs = "".join(draw(st.lists(_run(), max_size=2)))
    if draw(st.integers(0, 7)) == 0:  # runs in a hyperlink
        runs = f'<w:hyperlink w:anchor="a">{runs}</w:hyperlink>'
    if draw(st.integers(0, 9)) == 0:  # a text box in the paragraph: a paragraph inside it
        runs += ("<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>"
                 f"{_escape(draw(_TEXT))}</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>")
    return f"<w:p>{runs}</w:p>"


@st.composite
def _table(draw: st.DrawFn, depth: int = 0, looped: bool = False) -> str:
    columns = draw(st.integers(1, 4))
    widths = [draw(st.integers(300, 4000)) for _ in range(columns)]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    margins = draw(st.sampled_from(["", '<w:tblCellMar><w:left w:w="50"/><w:right w:w="70"/>'
                                        "</w:tblCellMar>"]))
    # a column loop repeats a row's cells: more of them than the grid has columns
    repeated = draw(st.integers(0, 5)) if looped else 0
    mark = f' {layout.MARK}="1"' if looped else ""
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        cells, index = [], 0
        row_columns = columns + (draw(st.integers(0, repeated)) if repeated else 0)
        while index < row_columns:
            span = draw(st.sampled_from([1, 1, 1, 2])) if index + 1 < row_columns else 1
            span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            body = "".join(draw(st.lists(_paragraph(), min_size=1, max_size=2)))
            if depth == 0 and draw(st.integers(0, 14)) == 0:
                body += draw(_table(depth=1)) + "<w:p/>"
            shape = draw(st.integers(0, 9))
            if shape == 0:  # text after the cell's paragraph, outside any paragraph
                body += f"<w:r><w:t>{_escape(draw(_TEXT))}</w:t></w:r>"
            elif shape == 1:  # nothing but the paragraph, no properties
                cells.append(f"<w:tc>{body}</w:tc>")
                index += span
                continue
            width = sum(widths[index:index + span]) if index + span <= columns else \
                draw(st.integers(0, 3000))
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" '
                         f'w:type="dxa"/>{span_xml}</w:tcPr>{body}</w:tc>')
            index += span
        if draw(st.integers(0, 9)) == 0:  # a cell in a content control: not the row's own
            cells.insert(draw(st.integers(0, len(cells))),
                         "<w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>"
                         f"{_escape(draw(_TEXT))}</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>")
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return (f'<w:tbl{mark}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{margins}'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


@st.composite
def _document(draw: st.DrawFn, looped: bool = False) -> etree._Element:
    tables = "<w:p/>".join(draw(st.lists(_table(looped=looped and draw(st.booleans()))
                                         if looped else _table(), min_size=1, max_size=3)))
    width = draw(st.sampled_from([12240, 15840, 6000]))
    xml = (f'<w:document xmlns:w="{W}"><w:body>{tables}<w:sectPr><w:pgSz w:w="{width}" '
           'w:h="15840"/><w:pgMar w:left="1440" w:right="1440"/></w:sectPr></w:body>'
           "</w:document>")
    return etree.fromstring(xml)


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_document(), st.sampled_from([16, 22, 24]))
def test_columns_are_fitted_to_their_words_exactly_as_before(root: etree._Element,
                                                               size: int) -> None:
    theirs = copy.deepcopy(root)
    layout_reference.fit_words(theirs, size)
    layout.fit_words(root, size)
    assert etree.tostring(root) == etree.tostring(theirs)


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_document(), st.sampled_from([16, 22, 24]), st.booleans())
def test_each_column_needs_the_width_it_needed_before(root: etree._Element, size: int,
                                                      exact: bool) -> None:
    for tbl in root.iter(f"{{{W}}}tbl"):
        widths = layout._grid(tbl)
        if widths and all(widths):
            assert (layout._needs(tbl, widths, size, exact=exact)
                    == layout_reference._needs(tbl, widths, size, exact=exact))


@given(_TEXT)
def test_a_paragraphs_widest_word_is_measured_as_before(text: str) -> None:
    xml = (f'<w:tc xmlns:w="{W}"><w:p><w:r><w:t xml:space="preserve">{_escape(text)}</w:t>'
           "</w:r></w:p></w:tc>")
    cell = etree.fromstring(xml)
    assert (layout._widest_in(text) if text else 0) == layout_reference._widest_word(cell)
    assert layout._widest_word(cell) == layout_reference._widest_word(cell)


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_document(looped=True), st.sampled_from([16, 22, 24]))
def test_tables_are_fitted_to_their_column_loops_and_words_exactly_as_before(
        root: etree._Element, size: int) -> None:
    columns_only = copy.deepcopy(root)
    theirs = copy.deepcopy(root)
    layout_reference.fit_tables(theirs)
    theirs_columns_only = copy.deepcopy(theirs)
    layout_reference.fit_words(theirs, size)
    layout.fit_layout(root, size, columns=True)
    assert etree.tostring(root) == etree.tostring(theirs)
    layout.fit_tables(columns_only)
    assert etree.tostring(columns_only) == etree.tostring(theirs_columns_only)


def test_a_bold_sans_serif_word_just_wider_than_its_column_widens_it_as_before() -> None:
    # a word that would fit set in a plain font, but not in bold Arial: the quick check that
    # leaves a table alone must take the widest a run can be, or the word would be cut
    xml = (f'<w:document xmlns:w="{W}"><w:body><w:tbl><w:tblPr><w:tblW w:w="2300" '
           'w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="2300"/></w:tblGrid><w:tr><w:tc>'
           '<w:tcPr><w:tcW w:w="2300" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr>'
           '<w:rFonts w:ascii="Arial"/><w:b/><w:sz w:val="22"/></w:rPr><w:t>WWWWWWWW</w:t></w:r>'
           "</w:p></w:tc></w:tr></w:tbl><w:sectPr/></w:body></w:document>")
    ours, theirs = etree.fromstring(xml), etree.fromstring(xml)
    layout.fit_words(ours, 22)
    layout_reference.fit_words(theirs, 22)
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert layout._grid(next(ours.iter(f"{{{W}}}tbl"))) == [2422]
