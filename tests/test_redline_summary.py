"""The redline's change list says what changed, where a reader finds it, and the words in
context: a hand-made pair for each kind of change (issue 13, finding 8)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
from pathlib import Path

from docx import Document

from docgen.build.documents import BuildOptions, render_documents
from docgen.redline.compare import redline
from docgen.redline.model import Change, excerpts
from docgen.redline.summary import summary_html, summary_json, summary_markdown
from docgen.spec.schema import read_spec
from redline_docs import from_xml, note_ref, para, table

DATE = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)
H1 = '<w:pStyle w:val="Heading1"/>'
H2 = '<w:pStyle w:val="Heading2"/>'


def changes(old: bytes, new: bytes) -> list[Change]:
    return redline(old, new, date=DATE).changes


def markdown(old: bytes, new: bytes) -> list[str]:
    text = summary_markdown(redline(old, new, date=DATE), old_name="old", new_name="new",
                            author="docgen", date=DATE)
    return text.splitlines()[4:]


def test_a_new_footnote_is_a_footnote_with_its_text() -> None:
    old = from_xml(para("Insurance", ppr=H1) + para("The law applies."))
    new = from_xml(para("Insurance", ppr=H1) + para("The law applies", note_ref("footnote", 1),
                                                    "."),
                   footnotes=["20 U.S.C. § 1232g; 34 CFR Part 99."])
    [c] = changes(old, new)
    assert (c.what_is, c.located) == ("footnote", "Insurance, paragraph 1")
    assert c.detail == "footnote added: “20 U.S.C. § 1232g; 34 CFR Part 99.”"
    assert markdown(old, new) == [
        "- **Insurance, paragraph 1**: footnote added: “20 U.S.C. § 1232g; 34 CFR Part 99.”, "
        "in “The law applies.”"]


def test_a_new_comment_is_a_comment_with_its_author_and_text() -> None:
    def doc(comment: bool) -> bytes:
        d = Document()
        p = d.add_paragraph()
        r = p.add_run("The partner keeps records.")
        if comment:
            d.add_comment(r, text="Confirm the retention period.", author="Counsel",
                          initials="C")
        out = io.BytesIO()
        d.save(out)
        return out.getvalue()

    [c] = changes(doc(False), doc(True))
    assert c.what_is == "comment"
    assert c.detail == "comment added: “Counsel: Confirm the retention period.”"
    assert "(spacing)" not in "\n".join(markdown(doc(False), doc(True)))


def test_a_heading_level_change_names_both_levels() -> None:
    old = from_xml(para("Insurance", ppr=H2) + para("Coverage."))
    new = from_xml(para("Insurance", ppr=H1) + para("Coverage."))
    [c] = changes(old, new)
    assert (c.what_is, c.detail, c.located) == ("heading level", "Heading 2 → Heading 1",
                                                "Insurance (heading)")
    assert markdown(old, new) == [
        "- **Insurance (heading)**: heading level changed (Heading 2 → Heading 1) in "
        "“Insurance”"]


def test_a_numbering_change_is_numbering() -> None:
    num = '<w:numPr><w:ilvl w:val="{}"/><w:numId w:val="1"/></w:numPr>'
    old = from_xml(para("First item.", ppr=num.format(0)))
    new = from_xml(para("First item.", ppr=num.format(1)))
    [c] = changes(old, new)
    assert (c.what_is, c.detail) == ("numbering", "list level 1 → 2")


def test_a_removed_table_row_is_a_table_row_under_its_heading() -> None:
    rows = [["Service", "Hours"], ["Tutoring", "10"], ["Meals", "5"]]
    old = from_xml(para("Services", ppr=H1) + para("The partner provides:") + table(rows))
    new = from_xml(para("Services", ppr=H1) + para("The partner provides:")
                   + table(rows[:2]))
    [c] = changes(old, new)
    assert (c.what_is, c.kind, c.located) == ("table row", "deleted",
                                              "Services, table 1, row 3")
    assert markdown(old, new) == [
        "- **Services, table 1, row 3**: table row removed “Meals \\| 5”"]


def test_bold_only_is_formatting() -> None:
    old = from_xml(para("Notice period: 30 days."))
    new = from_xml(para('<w:r><w:rPr><w:b/></w:rPr><w:t>Notice period: 30 days.</w:t></w:r>'))
    [c] = changes(old, new)
    assert (c.what_is, c.kind) == ("formatting", "formatted")


def test_two_distant_edits_of_one_paragraph_are_two_excerpts() -> None:
    middle = " ".join(f"term{i}" for i in range(50))  # some 335 characters apart
    old = from_xml(para(f"The partner shall keep {middle} records for three years."))
    new = from_xml(para(f"The partner shall hold {middle} records for five years."))
    [c] = changes(old, new)
    assert [e.text for e in c.excerpts()] == [
        "The partner shall [-keep-] {+hold+} term0 term1 term2 term3 term4 term5 …",
        "… term46 term47 term48 term49 records for [-three-] {+five+} years."]
    data = summary_json(redline(old, new, date=DATE), old_name="o", new_name="n",
                        author="docgen", date=DATE)
    assert [e["removed"] for e in data["changes"][0]["excerpts"]] == ["keep", "three"]
    assert markdown(old, new) == [
        "- **body, paragraph 1**: 2 edits",
        "  - “The partner shall ~~keep~~ **hold** term0 term1 term2 term3 term4 term5 …”",
        "  - “… term46 term47 term48 term49 records for ~~three~~ **five** years.”"]


def test_close_edits_are_one_excerpt() -> None:
    [one] = excerpts("pay $100 within 30 days", "pay $200 within 45 days")
    # the word left alone between them ("within") is not shown as removed and added again
    assert one.text == "pay [-$100-] {+$200+} within [-30-] {+45+} days"
    assert (one.removed, one.added) == ("$100 within 30", "$200 within 45")  # the stretch


def test_close_edits_read_as_two_edits_in_the_summary() -> None:
    # counsel read "August ~~10, 2026 and ends on June 30, 2027~~ **9, 2027 and ends on June
    # 30, 2028**" as if "and ends on June 30" had been struck out and written again
    old = from_xml(para("This MOU takes effect on August 10, 2026 and ends on June 30, 2027."))
    new = from_xml(para("This MOU takes effect on August 9, 2027 and ends on June 30, 2028."))
    assert markdown(old, new) == [
        "- **body, paragraph 1**: “This MOU takes effect on August ~~10, 2026~~ **9, 2027** "
        "and ends on June 30, ~~2027.~~ **2028.**”"]
    html = summary_html(redline(old, new, date=DATE), old_name="o", new_name="n",
                        author="docgen", date=DATE)
    assert "August <del>10, 2026</del> <ins>9, 2027</ins> and ends on June 30, " \
        "<del>2027.</del> <ins>2028.</ins>" in html


def test_a_move_is_a_move() -> None:
    moved = Change("body", "paragraph 4", "moved", "Notices go to the contacts.",
                   "Notices go to the contacts.", "Notices go to the contacts.")
    assert moved.what_is == "move"
    assert moved.as_dict()["what"] == "move"


def test_a_real_move_reads_as_a_move_in_the_summary() -> None:
    # the redliner's own move, not a Change made by hand: its kind, both places, its words
    import redline_docs as docs
    old, new = docs.PAIRS["clause moved and edited"]()
    [c] = changes(old, new)
    assert (c.as_dict()["what"], c.as_dict()["kind"]) == ("move", "moved and changed")
    assert markdown(old, new) == [
        "- **§ 4 Records, paragraph 2, moved from § 2 Term, paragraph 2**: moved and changed: "
        "“… party may end it by giving ~~thirty~~ **sixty** days' written notice to the other.”"]
    old, new = docs.PAIRS["two sections swapped"]()
    [c] = changes(old, new)
    assert (c.as_dict()["what"], c.as_dict()["kind"]) == ("move", "moved")
    assert markdown(old, new)[0].startswith(
        "- **§ 4 Insurance (heading), moved from § 3 Insurance (heading), 3 paragraphs**: moved")


def test_a_docgen_mou_names_the_numbered_section_of_a_change() -> None:
    """The MOU's headings are numbered by their style: the place reads as the page does."""
    spec = read_spec("samples/lincoln-elementary-bright-futures.json")
    new = dataclasses.replace(spec, data=copy.deepcopy(spec.data))
    new.data["insurance"]["general_liability_per_occurrence"] = 2000000
    options = BuildOptions(Path("unused"), source_date=DATE)
    old_mou, new_mou = ({d.kind.output: d.data for d in render_documents(s, options)}
                        ["mou.docx"] for s in (spec, new))
    [c] = changes(old_mou, new_mou)
    assert c.located == "§ 12 Insurance, paragraph 2"
    assert [(e.removed, e.added) for e in c.excerpts()] == [("$1,000,000", "$2,000,000")]


def test_the_html_summary_shows_each_change_escaped(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from docgen.cli import cli

    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(from_xml(para("Services", ppr=H1) + para("Pay <b>$100</b>.")))
    Path("new.docx").write_bytes(from_xml(para("Services", ppr=H1) + para("Pay <b>$200</b>.")))
    result = CliRunner().invoke(cli, ["redline", "old.docx", "new.docx", "-o", "out.docx",
                                      "--summary", "changes.html", "--date", "2027-06-01"])
    assert result.exit_code == 0, result.output
    page = Path("changes.html").read_text()
    assert ('<li><span class="label">Services, paragraph 1</span>: “Pay <del>&lt;b&gt;$100'
            '&lt;/b&gt;.</del> <ins>&lt;b&gt;$200&lt;/b&gt;.</ins>”</li>') in page
    assert "<b>" not in page


# ---- text written without spaces (counsel's review of issue #13: a Japanese RFP's excerpt
# showed the whole sentence removed and added for one changed character)

def test_a_japanese_edit_shows_the_changed_characters_in_a_little_context() -> None:
    old = from_xml(para("甲は乙に対し、毎月末日までに業務報告書を提出しなければならない。"))
    new = from_xml(para("甲は乙に対し、毎月十日までに業務報告書を提出しなければならない。"))
    [c] = changes(old, new)
    [e] = c.excerpts()
    assert (e.removed, e.added) == ("末", "十")
    # twelve characters either side (six words' worth), no spaces put into the sentence
    assert e.text == "甲は乙に対し、毎月[-末-]{+十+}日までに業務報告書を提出…"
    assert markdown(old, new) == [
        "- **body, paragraph 1**: “甲は乙に対し、毎月~~末~~**十**日までに業務報告書を提出…”"]


def test_a_cjk_date_changes_whole_and_distant_edits_are_two_excerpts() -> None:
    old = "本契約の期間は２０２１年４月１日から開始し、当事者双方が別途書面により合意した場合を除き、" \
          "自動的に更新されるものとし、報告書は毎月提出する。"
    new = old.replace("２０２１年４月１日", "２０２２年４月１日").replace("毎月", "毎週")
    found = excerpts(old, new)
    assert [(e.removed, e.added) for e in found] == [("２０２１年４月１日", "２０２２年４月１日"),
                                                     ("月", "週")]
    assert [e.text for e in found] == [
        "本契約の期間は[-２０２１年４月１日-]{+２０２２年４月１日+}から開始し、当事者双方が…",
        "…れるものとし、報告書は毎[-月-]{+週+}提出する。"]
    # a Chinese clause: the character, not the sentence
    [zh] = excerpts("本合同期限为一年，自签署之日起生效。", "本合同期限为两年，自签署之日起生效。")
    assert zh.text == "本合同期限为[-一-]{+两+}年，自签署之日起生效。"


def test_a_character_with_its_marks_is_one_token_of_an_excerpt() -> None:
    # a kana with a combining voiced mark, a kanji with its variation selector, Thai vowels
    # above their consonant: each one grapheme cluster, never split in an excerpt
    [kana] = excerpts("はか\u3099くの規定", "はこ\u3099くの規定")  # が → ご
    assert (kana.removed, kana.added) == ("か\u3099", "こ\u3099")
    [kanji] = excerpts("葛\U000E0100飾区の学校", "葛\U000E0101飾区の学校")
    assert (kanji.removed, kanji.added) == ("葛\U000E0100", "葛\U000E0101")
    [thai] = excerpts("ระยะเวลาหนึ่งปี", "ระยะเวลาสิบปี")
    assert "\u0e36" not in thai.removed.replace("หนึ", "")  # ึ stays on its consonant
    assert thai.text.startswith("ระยะเวลา[-")


def test_a_thai_number_changes_whole_in_an_excerpt() -> None:
    [e] = excerpts("ปีการศึกษา ๒๕๖๙ เริ่มต้น", "ปีการศึกษา ๒๕๗๐ เริ่มต้น")
    assert (e.removed, e.added) == ("๒๕๖๙", "๒๕๗๐")  # "๒๕[-๖๙-]{+๗๐+}" before


def test_a_spaced_language_keeps_its_words_in_excerpts() -> None:
    [e] = excerpts("The term is one year from signing.", "The term is two years from signing.")
    assert e.text == "The term is [-one year-] {+two years+} from signing."
    assert "spaced" not in e.as_dict()
    [ja] = excerpts("期間は一年とする。", "期間は二年とする。")
    assert ja.as_dict()["spaced"] is False


# ---- formatting said in words (counsel's review: "formatting changed" did not say what)

def _runs(*runs: tuple[str, str]) -> bytes:
    return from_xml(para(*(f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t>'
                           '</w:r>' for text, rpr in runs)))


def test_a_formatting_change_names_the_property_and_the_words_it_is_on() -> None:
    old = _runs(("Notice period: ", ""), ("30 days.", ""))
    new = _runs(("Notice period: ", ""), ("30 days.", "<w:b/>"))
    [c] = changes(old, new)
    assert (c.what_is, c.detail) == ("formatting", "bold added on “30 days.”")
    assert markdown(old, new) == [
        "- **body, paragraph 1**: formatting changed (bold added on “30 days.”) in "
        "“Notice period: 30 days.”"]


def test_sizes_fonts_and_removed_properties_read_as_word_says_them() -> None:
    old = _runs(("The Partner ", ""), ("shall", '<w:i/><w:sz w:val="22"/>'),
                (" insure.", '<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'))
    new = _runs(("The Partner ", ""), ("shall", '<w:sz w:val="24"/>'),
                (" insure.", '<w:rFonts w:ascii="Georgia" w:hAnsi="Georgia"/>'))
    [c] = changes(old, new)
    assert c.detail == ("italic removed, font size 11 → 12 pt on “shall”; "
                        "font Arial → Georgia on “insure.”")


def test_a_paragraph_style_and_alignment_change_is_said() -> None:
    old = from_xml(para("Signed for both parties."))
    new = from_xml(para("Signed for both parties.", ppr='<w:pStyle w:val="Quote"/>'
                                                        '<w:jc w:val="center"/>'))
    [c] = changes(old, new)
    assert (c.what_is, c.detail) == ("formatting",
                                     "style Normal → Quote; alignment left → centered")
    data = summary_json(redline(old, new, date=DATE), old_name="o", new_name="n",
                        author="docgen", date=DATE)
    assert data["changes"][0]["detail"] == "style Normal → Quote; alignment left → centered"


def test_a_heading_moved_a_level_says_both_styles() -> None:
    old = from_xml(para("Services", ppr=H2) + para("The Partner tutors."))
    new = from_xml(para("Services", ppr='<w:pStyle w:val="Heading3"/>')
                   + para("The Partner tutors."))
    assert markdown(old, new) == [
        "- **Services (heading)**: heading level changed (Heading 2 → Heading 3) in “Services”"]


def test_words_and_formatting_changed_together_say_both() -> None:
    old = _runs(("Pay within 30 ", ""), ("days.", ""))
    new = _runs(("Pay within 45 ", ""), ("days.", '<w:u w:val="single"/>'))
    assert markdown(old, new) == [
        "- **body, paragraph 1**: “Pay within ~~30~~ **45** days.” (underline added on "
        "“days.”)"]
