"""Elements docgen adds go where the schema puts them (docgen.ooxml.sequence)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from docgen.ooxml.sequence import W, get_or_add, insert, qn


def xml(text: str) -> etree._Element:
    """Parse ``<w:…>`` markup, declaring the w: namespace on its root."""
    return etree.fromstring(re.sub(r"^<(w:\w+)", rf'<\1 xmlns:w="{W}"', text, count=1))


def names(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el]


def test_a_paragraphs_direction_goes_after_its_style_and_before_its_alignment() -> None:
    ppr = xml('<w:pPr><w:pStyle w:val="Title"/><w:jc w:val="left"/><w:rPr/></w:pPr>')
    get_or_add(ppr, "w:bidi")
    assert names(ppr) == ["pStyle", "bidi", "jc", "rPr"]


def test_get_or_add_returns_the_element_already_there() -> None:
    rpr = xml('<w:rPr><w:lang w:val="es-ES"/></w:rPr>')
    assert get_or_add(rpr, "w:lang") is rpr[0]
    get_or_add(rpr, "w:rtl")
    get_or_add(rpr, "w:rStyle")
    assert names(rpr) == ["rStyle", "rtl", "lang"]


def test_a_second_header_reference_follows_the_first_and_precedes_the_page_size() -> None:
    sect = xml('<w:sectPr><w:headerReference/><w:pgSz/><w:bidi/></w:sectPr>')
    insert(sect, etree.Element(qn("w:footerReference")))
    insert(sect, etree.Element(qn("w:titlePg")))
    assert names(sect) == ["headerReference", "footerReference", "pgSz", "titlePg", "bidi"]


def test_track_revisions_goes_after_proof_state_and_before_the_tab_stop() -> None:
    settings = xml('<w:settings><w:zoom/><w:proofState/><w:defaultTabStop/><w:compat/></w:settings>')
    get_or_add(settings, "w:trackRevisions")
    assert names(settings) == ["zoom", "proofState", "trackRevisions", "defaultTabStop", "compat"]


def test_a_rows_revision_mark_follows_its_properties_in_any_order() -> None:
    trpr = xml('<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>')
    get_or_add(trpr, "w:ins")
    get_or_add(trpr, "w:jc")
    assert names(trpr) == ["tblHeader", "cantSplit", "jc", "ins"]


def test_an_unknown_parent_or_child_is_a_mistake_in_docgen_not_a_silent_append() -> None:
    with pytest.raises(KeyError, match="no element sequence"):
        get_or_add(xml("<w:body/>"), "w:p")
    with pytest.raises(KeyError, match="is not a child of"):
        get_or_add(xml("<w:pPr/>"), "w:tbl")


def test_a_paragraphs_properties_come_first_even_before_a_bookmark() -> None:
    p = xml('<w:p><w:bookmarkStart w:id="0"/><w:r><w:t>Hi</w:t></w:r></w:p>')
    get_or_add(p, "w:pPr")
    assert names(p) == ["pPr", "bookmarkStart", "r"]


def test_a_runs_properties_come_first() -> None:
    r = xml("<w:r><w:tab/><w:t>Hi</w:t></w:r>")
    get_or_add(r, "w:rPr")
    assert names(r) == ["rPr", "tab", "t"]


def test_a_new_grid_column_follows_the_others_and_precedes_a_grid_revision() -> None:
    grid = xml("<w:tblGrid><w:gridCol/><w:tblGridChange/></w:tblGrid>")
    insert(grid, etree.Element(qn("w:gridCol")))
    assert names(grid) == ["gridCol", "gridCol", "tblGridChange"]
