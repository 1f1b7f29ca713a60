"""The redliner's output, judged by an independent accept-all / reject-all (tests/revisions.py).

The first half checks the judge itself on hand-written tracked changes, so that it is known to be
right before it judges ``docgen.redline.compare``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

import redline_docs as docs
import revisions as rv
from conftest import examples
from redline_docs import from_xml, para, run, table

AUTHOR = "Test Reviewer"
DATE = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
A = 'w:author="A" w:date="2026-01-02T03:04:05Z"'


def body(docx: bytes) -> list:
    return rv.stories(docx)["body"]


def accepted(xml: str, **kw) -> list:
    return body(rv.accept_all(from_xml(xml, **kw)))


def rejected(xml: str, **kw) -> list:
    return body(rv.reject_all(from_xml(xml, **kw)))


def ins(i: int, text: str) -> str:
    return f'<w:ins w:id="{i}" {A}>{run(text)}</w:ins>'


def dele(i: int, text: str) -> str:
    return f'<w:del w:id="{i}" {A}><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'


def mark(kind: str, i: int) -> str:
    return f'<w:rPr><w:{kind} w:id="{i}" {A}/></w:rPr>'


# --------------------------------------------------------------------------------------------
# The judge: story text


def test_it_reads_tabs_breaks_hyphens_symbols_and_fields_as_text() -> None:
    xml = para("a\tb", '<w:r><w:br/><w:t>c</w:t><w:cr/><w:noBreakHyphen/><w:softHyphen/>'
               '<w:sym w:font="Wingdings" w:char="F0FC"/></w:r>',
               '<w:fldSimple w:instr=" PAGE  \\* MERGEFORMAT "><w:r><w:t>3</w:t></w:r></w:fldSimple>',
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> NUM</w:instrText></w:r>'
               '<w:r><w:instrText>PAGES </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>', ppr='<w:tabs><w:tab w:val="left" '
               'w:pos="720"/></w:tabs>')
    assert body(from_xml(xml)) == ["a\tb\nc\n\u2011\u00ad\uf0fc⟦PAGE \\* MERGEFORMAT⟧#⟦NUMPAGES⟧#"]


def test_adjacent_links_to_one_target_read_as_one_and_empty_links_vanish(tmp_path) -> None:
    doc = docs._with_links(lambda r: para(
        docs._link(r["https://a.example"], "one"), docs._link(r["https://a.example"], " two"),
        '<w:hyperlink r:id="%s"></w:hyperlink>' % r["https://b.example"], "."),
        ["https://a.example", "https://b.example"])
    assert body(doc) == ["⟦link:https://a.example⟧one two⟦/link⟧."]


def test_it_reads_tables_nested_tables_text_boxes_and_content_controls() -> None:
    inner = table([["x", "y"]])
    xml = (table([["a", "b"], [para("c") + inner + para(""), "d"]])
           + '<w:sdt><w:sdtPr/><w:sdtContent>' + para("in control") + "</w:sdtContent></w:sdt>"
           + para("anchor", '<w:r><w:pict><v:shape><v:textbox><w:txbxContent>' + para("boxed")
                  + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    assert body(from_xml(xml)) == [
        ("table", [[["a"], ["b"]], [["c", ("table", [[["x"], ["y"]]]), ""], ["d"]]]),
        "in control", "anchor[drawing]", ("textbox", ["boxed"])]


def test_it_keys_headers_by_section_and_notes_by_reference_order() -> None:
    old, _ = docs.PAIRS["second section header changed"]()
    view = rv.story_view(old)
    assert view["section 1 header (default)"] == ["Part A"]
    assert view["section 2 header (default)"] == ["Part B"]
    doc = from_xml(para("x", docs.note_ref("footnote", 2), docs.note_ref("footnote", 1)),
                   footnotes=["first note", "second note"])
    view = rv.story_view(doc)
    assert view["footnote 1"] == ["[fn#] second note"]
    assert view["footnote 2"] == ["[fn#] first note"]
    assert set(rv.stories(doc)) == {"body", "footnote 1", "footnote 2"}  # no separators


def test_a_section_without_its_own_header_inherits_the_previous_one() -> None:
    doc = docs._sections([{"default": "Only"}, {}], [["One."], ["Two."]])
    view = rv.story_view(doc)
    assert view["section 2 header (default)"] == view["section 1 header (default)"] == ["Only"]


# --------------------------------------------------------------------------------------------
# The judge: accept all / reject all


def test_it_accepts_and_rejects_insertions_and_deletions_in_a_paragraph() -> None:
    xml = para("The Partner ", dele(1, "may"), ins(2, "shall"), " keep records.")
    assert accepted(xml) == ["The Partner shall keep records."]
    assert rejected(xml) == ["The Partner may keep records."]


def test_rejecting_turns_deleted_text_and_field_codes_back_into_text() -> None:
    xml = para(f'<w:del w:id="1" {A}><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:delInstrText> PAGE </w:delInstrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
               '<w:r><w:delText>4</w:delText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
               "</w:del>", "end")
    assert accepted(xml) == ["end"]
    assert rejected(xml) == ["⟦PAGE⟧#end"]
    out = rv.reject_all(from_xml(xml))
    assert b"delText" not in out and b"delInstrText" not in rv.Package(out).blobs[
        "word/document.xml"]


def test_a_deleted_paragraph_mark_merges_the_paragraph_into_the_next() -> None:
    xml = para("Left ", ppr=mark("del", 1)) + para("right.")
    assert accepted(xml) == ["Left right."]
    assert rejected(xml) == ["Left ", "right."]


def test_an_inserted_paragraph_mark_splits_a_paragraph() -> None:
    xml = para("Left ", ppr=mark("ins", 1)) + para("right.")
    assert accepted(xml) == ["Left ", "right."]
    assert rejected(xml) == ["Left right."]


def test_a_wholly_deleted_paragraph_disappears_on_accept() -> None:
    xml = para("Before.") + para(dele(1, "Gone."), ppr=mark("del", 2)) + para("After.")
    assert accepted(xml) == ["Before.", "After."]
    assert rejected(xml) == ["Before.", "Gone.", "After."]


def test_a_wholly_inserted_last_paragraph_disappears_on_reject() -> None:
    xml = para("Before.") + para(ins(1, "New."), ppr=mark("ins", 2))
    assert accepted(xml) == ["Before.", "New."]
    assert rejected(xml) == ["Before."]


def test_without_the_paragraph_mark_an_emptied_paragraph_stays() -> None:
    xml = para("Before.") + para(dele(1, "Gone.")) + para("After.")
    assert accepted(xml) == ["Before.", "", "After."]


def test_consecutive_deleted_marks_merge_in_order() -> None:
    xml = para("a", ppr=mark("del", 1)) + para("b", ppr=mark("del", 2)) + para("c")
    assert accepted(xml) == ["abc"]


def test_text_inserted_then_deleted_is_gone_either_way() -> None:
    xml = para("x", f'<w:ins w:id="1" {A}>{dele(2, "temp")}</w:ins>', "y")
    assert accepted(xml) == ["xy"]
    assert rejected(xml) == ["xy"]


def test_moves_are_a_deletion_and_an_insertion() -> None:
    xml = (para(f'<w:moveFrom w:id="1" {A}><w:r><w:delText>Moved. </w:delText></w:r></w:moveFrom>',
                "Stay.")
           + para("Other. ", f'<w:moveToRangeStart w:id="9" w:name="m1" {A}/>'
                  f'<w:moveTo w:id="2" {A}>{run("Moved.")}</w:moveTo><w:moveToRangeEnd w:id="9"/>'))
    assert accepted(xml) == ["Stay.", "Other. Moved."]
    assert rejected(xml) == ["Moved. Stay.", "Other. "]
    assert b"moveToRange" not in rv.Package(rv.accept_all(from_xml(xml))).blobs["word/document.xml"]


def _move(source: str, destination: str, name: str = "m1", dest_name: str | None = None,
          ranges: bool = True) -> str:
    """A paragraph moved from before "Stay." to after "Other.", as Word writes it."""
    def rng(kind: str, i: int, nm: str) -> tuple[str, str]:
        if not ranges:
            return "", ""
        return (f'<w:{kind}RangeStart w:id="{i}" w:name="{nm}" {A}/>',
                f'<w:{kind}RangeEnd w:id="{i}"/>')
    fs, fe = rng("moveFrom", 10, name)
    ts, te = rng("moveTo", 11, dest_name or name)
    return (para(fs, f'<w:moveFrom w:id="1" {A}><w:r><w:delText>{source}</w:delText></w:r>'
                 f"</w:moveFrom>", fe, ppr=mark("moveFrom", 2))
            + para("Stay.") + para("Other.")
            + para(ts, destination, te, ppr=mark("moveTo", 4)))


def test_a_well_formed_move_has_no_move_problem() -> None:
    xml = _move("Moved clause.", f'<w:moveTo w:id="3" {A}>{run("Moved clause.")}</w:moveTo>')
    assert accepted(xml) == ["Stay.", "Other.", "Moved clause."]
    assert rejected(xml) == ["Moved clause.", "Stay.", "Other."]
    assert rv.move_problems(from_xml(xml)) == []


@pytest.mark.parametrize("deleted", [
    f'<w:moveTo w:id="8" {A}>{dele(5, "one")}</w:moveTo>',  # as Word may write it
    f'<w:ins w:id="8" {A}>{dele(5, "one")}</w:ins>',
    "",  # as docgen writes it: the source shows "one"
], ids=["in the move", "in an insertion", "left out"])
def test_a_move_edited_inside_compares_its_text_before_the_edits(deleted: str) -> None:
    inner = (f'<w:moveTo w:id="3" {A}>{run("Keep for ")}</w:moveTo>{deleted}'
             f'{ins(6, "two")}<w:moveTo w:id="7" {A}>{run(" years.")}</w:moveTo>')
    xml = _move("Keep for one years.", inner)
    assert accepted(xml) == ["Stay.", "Other.", "Keep for two years."]
    assert rejected(xml) == ["Keep for one years.", "Stay.", "Other."]
    assert rv.move_problems(from_xml(xml)) == []


@pytest.mark.parametrize("xml, message", [
    (_move("A.", f'<w:moveTo w:id="3" {A}>{run("A.")}</w:moveTo>', dest_name="m2"),
     "move 'm1' has 1 source range(s) and 0 destination range(s)"),
    (_move("Old words.", f'<w:moveTo w:id="3" {A}>{run("New words.")}</w:moveTo>'),
     "move 'm1': 'New words.' arrives, but the text moved away, 'Old words.', has no such"),
    (_move("A.", f'<w:moveTo w:id="3" {A}>{run("A.")}</w:moveTo>', ranges=False),
     "w:moveFrom text 'A.' outside a w:moveFromRangeStart…End"),
    (para(f'<w:moveFromRangeStart w:id="10" w:name="m1" {A}/>', "x"),
     "w:moveFromRangeStart 10 (m1) has no end"),
], ids=["unpaired name", "text differs", "no range", "no end"])
def test_it_finds_malformed_moves(xml: str, message: str) -> None:
    assert any(message in p for p in rv.move_problems(from_xml(xml))), \
        rv.move_problems(from_xml(xml))


def _row(cells: list[str], trpr: str = "") -> str:
    tcs = docs.table([cells]).split("<w:tr>", 1)[1].split("</w:tr>", 1)[0]
    return f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{tcs}</w:tr>"


def test_rows_marked_inserted_or_deleted_come_and_go() -> None:
    tbl = docs.table([["head", "er"]])
    tbl = tbl.replace("</w:tbl>", _row(["new", "row"], f'<w:cantSplit/><w:ins w:id="1" {A}/>')
                      + _row(["old", "row"], f'<w:del w:id="2" {A}/>') + "</w:tbl>")
    xml = tbl + para("after")
    assert accepted(xml) == [("table", [[["head"], ["er"]], [["new"], ["row"]]]), "after"]
    assert rejected(xml) == [("table", [[["head"], ["er"]], [["old"], ["row"]]]), "after"]


def test_a_table_whose_rows_are_all_rejected_disappears() -> None:
    row = _row(["x"], f'<w:ins w:id="1" {A}/>')
    xml = para("before") + f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>{row}</w:tbl>"
    xml += para("after")
    assert rejected(xml) == ["before", "after"]


def test_cell_insertions_and_deletions() -> None:
    xml = ('<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>'
           f'<w:tc><w:tcPr><w:cellIns w:id="1" {A}/></w:tcPr>{para("in")}</w:tc>'
           f'<w:tc><w:tcPr><w:cellDel w:id="2" {A}/></w:tcPr>{para("out")}</w:tc>'
           "</w:tr></w:tbl>" + para())
    assert accepted(xml)[0] == ("table", [[["in"]]])
    assert rejected(xml)[0] == ("table", [[["out"]]])


def test_deleting_the_paragraph_between_two_tables_joins_them() -> None:
    xml = docs.table([["a"]]) + para(ppr=mark("del", 1)) + docs.table([["b"]])
    assert accepted(xml) == [("table", [[["a"]], [["b"]]])]
    assert rejected(xml) == [("table", [[["a"]]]), "", ("table", [[["b"]]])]


def test_a_cell_keeps_its_last_paragraph() -> None:
    xml = docs.table([[para(ins(1, "x"), ppr=mark("ins", 2))]]) + para()
    assert rejected(xml)[0] == ("table", [[[""]]])


def test_an_empty_header_reads_as_no_header() -> None:
    doc = from_xml(para("x"), header=para(ins(1, "Head")))
    assert "section 1 header (default)" not in rv.story_view(rv.reject_all(doc))
    assert rv.story_view(rv.accept_all(doc))["section 1 header (default)"] == ["Head"]


def test_rejecting_restores_old_run_and_paragraph_properties() -> None:
    xml = para(f'<w:r><w:rPr><w:b/><w:rPrChange w:id="1" {A}><w:rPr><w:i/></w:rPr></w:rPrChange>'
               "</w:rPr><w:t>x</w:t></w:r>",
               ppr=f'<w:pStyle w:val="Heading1"/><w:pPrChange w:id="2" {A}><w:pPr>'
               '<w:pStyle w:val="Title"/></w:pPr></w:pPrChange>')
    root = rv.Package(rv.reject_all(from_xml(xml))).xml("word/document.xml")
    p = root.find(f".//{rv.w('p')}")
    assert p.find(f"{rv.w('pPr')}/{rv.w('pStyle')}").get(rv.w("val")) == "Title"
    rpr = p.find(f"{rv.w('r')}/{rv.w('rPr')}")
    assert [rv.local(c) for c in rpr] == ["i"]
    root = rv.Package(rv.accept_all(from_xml(xml))).xml("word/document.xml")
    assert [rv.local(c) for c in root.find(f".//{rv.w('rPr')}")] == ["b"]
    assert root.find(f".//{rv.w('pPrChange')}") is None


def test_formatting_reads_styles_and_run_properties_after_resolving() -> None:
    xml = para("plain ", f'<w:r><w:rPr><w:b/><w:rPrChange w:id="1" {A}><w:rPr/></w:rPrChange>'
               "</w:rPr><w:t>bold</w:t></w:r>", ppr='<w:pStyle w:val="Heading1"/>')
    doc = from_xml(xml)
    assert rv.formatting(rv.accept_all(doc)) == [("Heading1", [("plain ", ""), ("bold", "b")])]
    assert rv.formatting(rv.reject_all(doc)) == [("Heading1", [("plain bold", "")])]


def test_headers_and_notes_are_resolved_too() -> None:
    doc = from_xml(para("x", docs.note_ref("footnote", 1)),
                   header=para("Head ", ins(5, "new")),
                   footnotes=[run(" Note ") + dele(6, "old")])
    acc, rej = rv.stories(rv.accept_all(doc)), rv.stories(rv.reject_all(doc))
    assert acc["word/header1.xml"] == ["Head new"] and rej["word/header1.xml"] == ["Head "]
    assert acc["footnote 1"] == ["[fn#] Note "] and rej["footnote 1"] == ["[fn#] Note old"]


# --------------------------------------------------------------------------------------------
# The judge: structure of the markup


def _problems(xml: str, track: bool = True, **kw) -> list[str]:
    return rv.structure_problems(from_xml(xml, track=track, **kw))


def test_well_formed_revisions_have_no_structure_problem() -> None:
    xml = (para('<w:bookmarkStart w:id="0" w:name="b"/>', "a", ins(1, "b"), dele(2, "c"),
                '<w:bookmarkEnd w:id="0"/>', ppr=mark("ins", 3))
           + para("tail"))
    assert _problems(xml) == []


@pytest.mark.parametrize("xml, message", [
    (para('<w:ins w:id="1">' + run("x") + "</w:ins>"), "has no w:author"),
    (para('<w:ins w:id="1" w:author="A" w:date="2026-01-02">' + run("x") + "</w:ins>"),
     "not YYYY-MM-DDTHH:MM:SSZ"),
    (para('<w:ins w:author="A" w:date="2026-01-02T03:04:05Z">' + run("x") + "</w:ins>"),
     "has no w:id"),
    (para(ins(1, "x"), ins(1, "y")), "revision w:id 1 is used 2 times"),
    (para('<w:bookmarkStart w:id="4" w:name="b"/>', ins(4, "x"), '<w:bookmarkEnd w:id="4"/>'),
     "revision w:id 4 is also a bookmark's id"),
    (para(f'<w:del w:id="1" {A}>{run("x")}</w:del>'), "w:t inside a deletion"),
    (para('<w:r><w:delText>x</w:delText></w:r>'), "w:delText outside w:del"),
    (para(f'<w:del w:id="1" {A}><w:r><w:delText>x </w:delText></w:r></w:del>'),
     "no xml:space"),
    (para("x", ppr=f'<w:rPr><w:b/><w:ins w:id="1" {A}/></w:rPr>'), "revision mark must come"),
    (docs.table([["x"]]).replace("<w:tr>", f'<w:tr><w:trPr><w:ins w:id="1" {A}/><w:cantSplit/>'
                                 "</w:trPr>") + para(), "must come after the other row"),
    (para(f'<w:r><w:rPr><w:rPrChange w:id="1" {A}><w:rPr/></w:rPrChange><w:b/></w:rPr>'
          "<w:t>x</w:t></w:r>"), "must be the last child"),
    (para('<w:bookmarkStart w:id="0" w:name="b"/>', "x"), "bookmark 0 has no w:bookmarkEnd"),
], ids=["no author", "bad date", "no id", "duplicate id", "id shared with a bookmark",
        "w:t in w:del", "delText outside w:del", "edge spaces not preserved", "mark after run properties", "row mark first",
        "rPrChange not last", "unbalanced bookmark"])
def test_it_finds_malformed_revisions(xml: str, message: str) -> None:
    problems = _problems(xml)
    assert any(message in p for p in problems), problems


def test_it_finds_references_to_missing_styles_notes_and_comments() -> None:
    doc = from_xml(para("x", docs.note_ref("footnote", 3), '<w:commentRangeStart w:id="8"/>',
                        ppr='<w:pStyle w:val="NoSuchStyle"/>'), footnotes=["one"])
    assert rv.reference_problems(doc) == {
        "word/document.xml: w:pStyle 'NoSuchStyle' is not defined in the styles part",
        "word/document.xml: w:footnoteReference 3 has no footnote",
        "word/document.xml: w:commentRangeStart 8 has no comment"}


def test_check_redline_blames_the_redline_only_for_references_it_breaks() -> None:
    old = from_xml(para("x", ppr='<w:pStyle w:val="Ghost"/>') + para("y"))
    new = from_xml(para("x", ppr='<w:pStyle w:val="Ghost"/>'))
    out = from_xml(para("x", ppr='<w:pStyle w:val="Ghost"/>')
                   + para(dele(1, "y"), ppr='<w:pStyle w:val="Gone"/>' + mark("del", 2)),
                   track=True)
    problems = rv.redline_problems(old, new, out)
    assert problems == ["word/document.xml: w:pStyle 'Gone' is not defined in the styles part"]


def test_revision_ids_must_be_unique_across_parts() -> None:
    problems = _problems(para(ins(7, "x")), header=para(ins(7, "y")))
    assert "revision w:id 7 is used 2 times" in problems


def test_it_wants_track_revisions_on() -> None:
    assert _problems(para("x"), track=False) == ["word/settings.xml has no w:trackRevisions"]


# --------------------------------------------------------------------------------------------
# The judge: check_redline


def test_check_redline_passes_a_correct_hand_written_redline() -> None:
    old = from_xml(para("The Partner may keep records.") + para("Old clause."))
    new = from_xml(para("The Partner shall keep records.") + para("New clause."))
    out = from_xml(para("The Partner ", dele(1, "may"), ins(2, "shall"), " keep records.")
                   + para(dele(3, "Old clause."), ppr=mark("del", 4))
                   + para(ins(5, "New clause."), ppr=mark("ins", 6)), track=True)
    rv.check_redline(old, new, out)


def test_check_redline_fails_a_copy_of_the_new_document_with_a_diff() -> None:
    old = from_xml(para("The Partner may keep records."))
    new = from_xml(para("The Partner shall keep records."), track=True)
    with pytest.raises(AssertionError) as err:
        rv.check_redline(old, new, new)
    assert "reject all: story 'body' differs" in str(err.value)
    assert "-'The Partner may keep records.'" in str(err.value)
    assert "+'The Partner shall keep records.'" in str(err.value)


def test_check_redline_fails_a_lost_paragraph_mark() -> None:
    old = from_xml(para("One.") + para("Two."))
    new = from_xml(para("One."))
    out = from_xml(para("One.") + para(dele(1, "Two.")), track=True)  # no w:pPr/w:rPr/w:del
    with pytest.raises(AssertionError, match="accept all: story 'body' differs"):
        rv.check_redline(old, new, out)


def test_check_redline_fails_a_header_left_unchanged() -> None:
    old, new = docs.PAIRS["second section header changed"]()
    out = rv.Package(old)
    settings = out.xml("word/settings.xml")
    settings.append(docs.fragment("<w:trackRevisions/>")[0])
    with pytest.raises(AssertionError, match="section 2 header"):
        rv.check_redline(old, new, out.to_bytes())


# --------------------------------------------------------------------------------------------
# The redliner


@pytest.fixture(scope="module")
def redline():
    from docgen.redline.compare import redline as compare
    return lambda old, new: compare(old, new, author=AUTHOR, date=DATE)


def _differs(old: bytes, new: bytes) -> bool:
    return rv.story_view(rv.accept_all(old)) != rv.story_view(rv.accept_all(new))


@pytest.mark.parametrize("case", list(docs.PAIRS), ids=list(docs.PAIRS))
def test_accepting_the_redline_gives_new_and_rejecting_gives_old(case: str, redline) -> None:
    old, new = docs.PAIRS[case]()
    result = redline(old, new)
    rv.check_redline(old, new, result.docx)
    if _differs(old, new):
        assert result.revisions > 0 and result.changes


@pytest.mark.parametrize("case", list(docs.IDENTICAL), ids=list(docs.IDENTICAL))
def test_identical_documents_give_no_revision(case: str, redline) -> None:
    old, new = docs.IDENTICAL[case]()
    assert not _differs(old, new)
    result = redline(old, new)
    assert (result.revisions, result.changes) == (0, [])
    rv.check_redline(old, new, result.docx)


@pytest.mark.parametrize("case, inserted, deleted", [
    ("chinese character changed", "九", "八"),
    ("chinese mixed with latin", "区", "校"),
    ("arabic word changed", "مشاركة", "تبادل"),
    ("agreement word changed", "weekend", "after-school"),
    ("complex field result changed", "2 Feb", "1 Jan"),
], ids=["chinese", "chinese and latin", "arabic", "english", "field result"])
def test_a_small_edit_marks_only_what_changed(case: str, inserted: str, deleted: str,
                                              redline) -> None:
    old, new = docs.PAIRS[case]()
    got = rv.revision_text(redline(old, new).docx)
    assert (got[0].strip(), got[1].strip()) == (inserted, deleted)


@pytest.mark.parametrize("case, change", [
    ("header changed", ("header 1 (default)", "paragraph 1", "changed")),
    ("first-page header changed", ("header 1 (first page)", "paragraph 1", "changed")),
    ("second section header changed", ("header 2 (default)", "paragraph 1", "changed")),
    ("footnote changed", ("footnote 1", "paragraph 1", "changed")),
    ("endnote changed", ("endnote 1", "paragraph 1", "changed")),
    ("table cell edited", ("body", "table 1, row 4, cell 3, paragraph 1", "changed")),
    ("table row inserted", ("body", "table 1, row 3", "inserted")),
    ("agreement clause deleted", ("body", "paragraph 4", "deleted")),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_change_names_its_story_and_place(case: str, change: tuple, redline) -> None:
    old, new = docs.PAIRS[case]()
    assert [(c.story, c.where, c.kind) for c in redline(old, new).changes] == [change]


@pytest.mark.parametrize("case", ["bold only", "agreement heading restyled and renamed",
                                  "formatting and text changed together"])
def test_formatting_changes_are_tracked(case: str, redline) -> None:
    old, new = docs.PAIRS[case]()
    out = redline(old, new).docx
    assert rv.formatting(rv.accept_all(out)) == rv.formatting(rv.accept_all(new))
    assert rv.formatting(rv.reject_all(out)) == rv.formatting(rv.accept_all(old))


def _tags(docx: bytes) -> Counter[str]:
    root = rv.Package(docx).xml("word/document.xml")
    return Counter(rv.local(el) for el in root.iter() if rv.local(el).startswith("move"))


@pytest.mark.parametrize("case, change, paragraphs", [
    ("section moved", ("paragraphs 16–18, moved from paragraphs 5–7", "moved"), 3),
    ("section moved to the end", ("paragraphs 19–21, moved from paragraphs 2–4", "moved"), 3),
    ("two sections swapped", ("paragraphs 14–16, moved from paragraphs 8–10", "moved"), 3),
    ("clause moved and edited", ("paragraph 13, moved from paragraph 7", "moved and changed"), 1),
    ("clause moved to a section's end and edited",
     ("paragraph 14, moved from paragraph 7", "moved and changed"), 1),
    ("section moved and edited", ("paragraphs 14–16, moved from paragraphs 5–7",
                                  "moved and changed"), 3),
    ("agreement clause moved", ("paragraph 9, moved from paragraph 4", "moved"), 1),
    ("paragraph with a footnote moved", ("paragraph 10, moved from paragraph 5", "moved"), 1),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_moved_paragraph_or_section_is_a_native_move(case: str, change: tuple,
                                                       paragraphs: int, redline) -> None:
    old, new = docs.PAIRS[case]()
    result = redline(old, new)
    assert [(c.where, c.kind) for c in result.changes] == [change]
    tags = _tags(result.docx)
    # one named range at each end; every paragraph's text and mark moved, on both sides
    assert (tags["moveFromRangeStart"], tags["moveFromRangeEnd"], tags["moveToRangeStart"],
            tags["moveToRangeEnd"]) == (1, 1, 1, 1)
    # (a move to the end of the document leaves its last paragraph mark alone:
    # Marker.last_paragraph)
    assert tags["moveFrom"] == 2 * paragraphs
    assert tags["moveTo"] >= 2 * paragraphs - 1
    assert rv.move_problems(result.docx) == []
    root = rv.Package(result.docx).xml("word/document.xml")
    inserted_words = [i for i in root.iter(rv.INS) if i.getparent().tag != rv.w("rPr")]
    assert not inserted_words or change[1] == "moved and changed"


def test_two_moves_in_one_document_have_names_of_their_own(redline) -> None:
    old, new = docs.PAIRS["two clauses moved apart"]()
    result = redline(old, new)
    assert [(c.where, c.kind) for c in result.changes] == [
        ("paragraph 5, moved from paragraph 11", "moved"),
        ("paragraph 13, moved from paragraph 8", "moved")]
    root = rv.Package(result.docx).xml("word/document.xml")
    starts = [el for el in root.iter(rv.w("moveFromRangeStart"), rv.w("moveToRangeStart"))]
    names = Counter(el.get(rv.w("name")) for el in starts)
    # each name once at the source and once at the destination; ids never shared
    assert len(names) == 2 and set(names.values()) == {2}
    assert len({el.get(rv.w("id")) for el in starts}) == 4
    assert rv.move_problems(result.docx) == []
    rv.check_redline(old, new, result.docx)


def test_a_move_is_placed_by_the_headings_at_both_ends(redline) -> None:
    # counsel reads "§ 2 Services, paragraph 2" in the summary, not "body, paragraph 7"
    room = "The School shall provide a classroom, a storage cupboard and a point of contact."
    quiet = room.replace("a classroom", "a quiet classroom")
    term = ["This Agreement begins on July 1, 2026 and ends on June 30, 2027.",
            "Either party may renew it by written notice given sixty days before it ends."]
    tutoring = "The Partner shall provide after-school tutoring on Mondays and Wednesdays."
    cover = "The Partner shall maintain general liability insurance of at least $1,000,000."
    sections = [("Term", 1, term), ("Services", 1, [tutoring, room]),
                ("Insurance", 1, [cover])]
    old = docs.contract(sections)
    moved = [("Term", 1, term + [quiet]), ("Services", 1, [tutoring]),
             ("Insurance", 1, [cover])]
    new = docs.contract(moved)
    result = redline(old, new)
    assert [(c.kind, c.located) for c in result.changes] == [
        ("moved and changed", "§ 1 Term, paragraph 3, moved from § 2 Services, paragraph 2")]
    swapped = docs.contract([sections[0], sections[2], sections[1]])
    result = redline(old, swapped)
    assert [c.located for c in result.changes if c.kind.startswith("moved")] == [
        "§ 2 Insurance (heading), moved from § 3 Insurance (heading), 2 paragraphs"]


def test_words_edited_in_a_moved_clause_are_revisions_inside_the_move(redline) -> None:
    old, new = docs.PAIRS["clause moved and edited"]()
    out = redline(old, new).docx
    root = rv.Package(out).xml("word/document.xml")
    source, = [p for p in root.iter(rv.w("p")) if p.find(rv.w("moveFromRangeStart")) is not None]
    destination, = [p for p in root.iter(rv.w("p"))
                    if p.find(rv.w("moveToRangeStart")) is not None]
    # the source shows the old clause moved away, "thirty" and all; the destination the
    # clause as it now reads, "sixty" inserted after the move
    deleted = [t.text for t in source.iter(rv.w("delText")) if "thirty" in t.text]
    inserted = [t.text for t in destination.iter(rv.w("t"))
                if rv.INS in {a.tag for a in t.iterancestors()}]
    assert b"thirty" not in etree.tostring(destination)
    assert (len(deleted), inserted) == (1, ["sixty"])
    # the count of revisions is of those in the file
    assert redline(old, new).revisions == sum(
        1 for el in root.iter(rv.INS, rv.DEL, rv.MOVE_FROM, rv.MOVE_TO, rv.w("pPrChange"),
                              rv.w("rPrChange")))


@pytest.mark.parametrize("case", ["short line moved", "contract clause inserted and another deleted",
                                  "heading level changed"])
def test_a_short_line_or_other_edits_are_not_moves(case: str, redline) -> None:
    old, new = docs.PAIRS[case]()
    result = redline(old, new)
    assert not _tags(result.docx)
    assert all(not c.kind.startswith("moved") for c in result.changes)


@settings(max_examples=examples(150), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models=docs.edited_models())
def test_random_edits_to_the_agreement_redline_correctly(models, redline) -> None:
    old, new = docs.render(models[0]), docs.render(models[1])
    rv.check_redline(old, new, redline(old, new).docx)


_CLAUSE = st.sampled_from(["The Partner shall keep records.", "Notices go to the contacts.",
                           "Fees are due monthly.", "Either party may end it in writing.",
                           "Records are destroyed after one year.", ""])
_STYLE = st.sampled_from(["", '<w:pStyle w:val="Heading1"/>', '<w:jc w:val="center"/>'])


@settings(max_examples=examples(120), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(kept=st.lists(st.tuples(_CLAUSE, _STYLE), max_size=3),
       old_end=st.lists(st.tuples(_CLAUSE, _STYLE), min_size=1, max_size=4),
       new_end=st.lists(st.tuples(_CLAUSE, _STYLE), min_size=0, max_size=4))
def test_a_story_whose_last_paragraphs_are_replaced_redlines_correctly(kept, old_end, new_end,
                                                                       redline) -> None:
    # the end of a story replaced (or cut off): its last paragraph mark is never tracked, and
    # accepting or rejecting every change gives each version, formatting and all
    def doc(blocks: list[tuple[str, str]]) -> bytes:
        return from_xml("".join(para(text, ppr=ppr) for text, ppr in blocks))
    assume(kept or new_end)  # (a new document with no paragraph at all: "text to empty")
    old, new = doc(kept + old_end), doc(kept + [(f"New: {t}", p) for t, p in new_end])
    out = redline(old, new).docx
    rv.check_redline(old, new, out)
    assert _marks_of_paragraphs(out)[-1] == ""
    assert rv.formatting(rv.accept_all(out)) == rv.formatting(rv.accept_all(new))
    assert rv.formatting(rv.reject_all(out)) == rv.formatting(rv.accept_all(old))


AUDIT = Path(sys.executable).parent / "openxml-audit"
# openxml-audit takes one to two seconds a file: audit a few cases that between them hold every
# kind of markup the redliner writes (paragraphs, rows, tables, headers, footers, notes, fields,
# links, bookmarks, text boxes, content controls, tracked input).
AUDITED = ["whole document replaced", "table row inserted", "complex field code changed",
           "hyperlink text changed", "bookmarked text changed", "text box edited",
           "inputs with tracked changes", "endnote changed", "content controls edited",
           "section moved", "clause moved and edited", "section moved and edited",
           "heading level changed",
           "paragraph with a footnote moved", "heading appended at the end",
           "last section removed"]


def _findings(path: Path) -> set[str]:
    # One file a run: with -r the tool carries state (footnote ids) from one file to the next.
    out = subprocess.run([str(AUDIT), "-f", "microsoft365", "-o", "json", "-m", "0", str(path)],
                         capture_output=True, text=True, check=False)
    return {f"{e['part_uri']}: {e['description']}" for e in json.loads(out.stdout)[0]["errors"]}


@pytest.mark.slow  # openxml-audit: about ten seconds
def test_the_redline_adds_no_openxml_audit_finding_to_the_new_document(tmp_path: Path,
                                                                       redline) -> None:
    files = []
    for i, case in enumerate(AUDITED):
        old, new = docs.PAIRS[case]()
        files.append((tmp_path / f"{i:03}-new.docx", tmp_path / f"{i:03}-out.docx"))
        files[-1][0].write_bytes(new)
        files[-1][1].write_bytes(redline(old, new).docx)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        found = dict(zip([f for pair in files for f in pair],
                         pool.map(_findings, [f for pair in files for f in pair])))
    added = {case: sorted(found[out] - found[new]) for case, (new, out) in zip(AUDITED, files)}
    assert {k: v for k, v in added.items() if v} == {}


def _marks_of_paragraphs(docx: bytes) -> list[str]:
    root = rv.Package(docx).xml("word/document.xml")
    out = []
    for p in root.find(rv.w("body")).iter(rv.w("p")):
        rpr = p.find(f"{rv.w('pPr')}/{rv.w('rPr')}")
        found = [rv.local(c) for c in (rpr if rpr is not None else []) if c.tag in rv.TRACKED]
        out.append(found[0] if found else "")
    return out


@pytest.mark.parametrize("case, last_two", [
    ("paragraph inserted at end of body", ["ins", ""]),
    ("paragraph deleted at end of body", ["del", ""]),
    ("heading appended at the end", ["ins", ""]),
    ("section moved to the end", ["moveTo", ""]),
    # the last clause deleted and another put in its place: one paragraph holds both
    ("long document, every clause changed", ["ins", ""]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_the_last_paragraph_mark_of_the_body_is_never_tracked(case: str, last_two: list[str],
                                                              redline) -> None:
    # Word and LibreOffice cannot remove a story's last paragraph mark: rejecting (accepting)
    # it leaves an empty paragraph. The mark before the run goes instead.
    old, new = docs.PAIRS[case]()
    out = redline(old, new).docx
    assert _marks_of_paragraphs(out)[-2:] == last_two
    rv.check_redline(old, new, out)
    assert rv.formatting(rv.accept_all(out)) == rv.formatting(rv.accept_all(new))
    assert rv.formatting(rv.reject_all(out)) == rv.formatting(rv.accept_all(old))


@pytest.mark.parametrize("case, numbered", [
    ("heading level changed", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'),
    ("heading made body text", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'),
], ids=["level", "to body text"])
def test_a_paragraph_change_writes_the_old_number_out(case: str, numbered: str,
                                                      redline) -> None:
    # LibreOffice restores a heading's old number on rejecting only from an explicit w:numPr
    old, new = docs.PAIRS[case]()
    out = redline(old, new).docx
    root = rv.Package(out).xml("word/document.xml")
    changes = [etree.tostring(c, encoding="unicode") for c in root.iter(rv.w("pPrChange"))]
    assert len(changes) == 1 and numbered in re.sub(r' xmlns:\w+="[^"]*"', "", changes[0])
    assert rv.formatting(rv.reject_all(out)) == rv.formatting(rv.accept_all(old))
