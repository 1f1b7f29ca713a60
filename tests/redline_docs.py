"""DOCX pairs for the redliner: a realistic agreement, hand-made edge cases and random edits.

Every builder returns DOCX bytes. ``PAIRS`` maps a case name to a function returning
``(old, new)``; ``IDENTICAL`` does the same for pairs that differ in nothing a reader sees.
``edited_pairs()`` is a hypothesis strategy of ``(old, new)`` made by editing the agreement.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_SECTION
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from hypothesis import strategies as st
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (f'xmlns:w="{W}" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:o="urn:schemas-microsoft-com:office:office" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
FIXED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
REV = 'w:author="Earlier Reviewer" w:date="2025-12-01T10:00:00Z"'


# --------------------------------------------------------------------------------------------
# Raw XML helpers


def make_docx(*paragraphs: str) -> bytes:
    """Return a python-docx document with one plain paragraph per text."""
    d = Document()
    for text in paragraphs:
        d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run(text: str, rpr: str = "") -> str:
    """Return a ``w:r`` holding ``text`` (tabs as ``w:tab``)."""
    parts = []
    for i, piece in enumerate(text.split("\t")):
        if i:
            parts.append("<w:tab/>")
        if piece:
            parts.append(f'<w:t xml:space="preserve">{esc(piece)}</w:t>')
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{''.join(parts)}</w:r>"


def para(*content: str, ppr: str = "") -> str:
    """Return a ``w:p``; plain strings in ``content`` become runs, ``<…`` strings are kept."""
    inner = "".join(c if c.startswith("<") else run(c) for c in content)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def table(rows: list[list[str]], *, widths: int | None = None) -> str:
    """Return a ``w:tbl`` whose cells are the given XML (plain strings become one paragraph)."""
    cols = widths or max(len(r) for r in rows)
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(cols))
    body = "".join(
        "<w:tr>" + "".join(
            f"<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>"
            f"{c if c.startswith('<') else para(c)}</w:tc>" for c in row) + "</w:tr>"
        for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>")


def fragment(xml: str) -> list[etree._Element]:
    return list(etree.fromstring(f"<w:body {NSDECL}>{xml}</w:body>"))


def set_body(doc, xml: str) -> None:
    """Replace the body content of a python-docx document, keeping its final w:sectPr."""
    body = doc.element.body
    for child in list(body):
        if child.tag != f"{{{W}}}sectPr":
            body.remove(child)
    at = len(body) - (1 if len(body) else 0)
    for i, el in enumerate(fragment(xml)):
        body.insert(at + i, el)


def set_story(story, xml: str) -> None:
    """Replace the paragraphs of a header or footer with raw XML."""
    el = story._element
    for child in list(el):
        el.remove(child)
    for child in fragment(xml):
        el.append(child)


def add_notes(doc, kind: str, notes: list[str]) -> None:
    """Add a footnotes or endnotes part whose notes 1..n hold the given paragraphs' XML."""
    tag = kind  # "footnote" or "endnote"
    ref_style = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    body = [
        f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>',
        f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:{tag}>"]
    for i, text in enumerate(notes, start=1):
        inner = text if text.startswith("<") else run(" " + text)
        body.append(f'<w:{tag} w:id="{i}"><w:p><w:r>{ref_style}<w:{tag}Ref/></w:r>{inner}</w:p>'
                    f"</w:{tag}>")
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{tag}s {NSDECL}>' + \
        "".join(body) + f"</w:{tag}s>"
    ct = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    rt = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    part = Part(PackURI(f"/word/{kind}s.xml"), ct, xml.encode(), doc.part.package)
    doc.part.relate_to(part, rt)


def note_ref(kind: str, nid: int) -> str:
    return (f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Reference w:id="{nid}"/></w:r>')


def page_field(prefix: str = "Page ") -> str:
    """Return a paragraph with a complex PAGE field and a simple NUMPAGES field."""
    return para(prefix,
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                run("1"),
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                " of ",
                '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>')


def save(doc) -> bytes:
    doc.core_properties.created = FIXED.replace(tzinfo=None)
    doc.core_properties.modified = FIXED.replace(tzinfo=None)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def track_revisions(doc) -> None:
    """Turn on w:trackRevisions in the settings, in its place in the schema's order."""
    settings = doc.settings.element
    mark = fragment("<w:trackRevisions/>")[0]
    later = settings.find(f"{{{W}}}defaultTabStop")
    if later is not None:
        later.addprevious(mark)
    else:
        settings.append(mark)


def from_xml(body: str, *, header: str | None = None, footer: str | None = None,
             footnotes: list[str] | None = None, endnotes: list[str] | None = None,
             track: bool = False) -> bytes:
    """Return a DOCX with the given body XML, and optional header, footer and notes XML."""
    doc = Document()
    set_body(doc, body)
    if track:
        track_revisions(doc)
    sec = doc.sections[0]
    if header is not None:
        set_story(sec.header, header)
    if footer is not None:
        set_story(sec.footer, footer)
    if footnotes is not None:
        add_notes(doc, "footnote", footnotes)
    if endnotes is not None:
        add_notes(doc, "endnote", endnotes)
    return save(doc)


# --------------------------------------------------------------------------------------------
# A realistic agreement, as a small model that edits can change


@dataclass
class Model:
    """A document: blocks of ``["p", style, text, note]`` or ``["table", rows of cells]``.

    A cell is a list of paragraph texts; ``note`` is a footnote's text or ``None``.
    """

    blocks: list = field(default_factory=list)
    header: str | None = None
    footer: str | None = None


def agreement_model() -> Model:
    return Model(
        header="Data Sharing Agreement - Riverside Unified School District",
        footer="Confidential",
        blocks=[
            ["p", "Title", "Data Sharing Agreement", None],
            ["p", None, "This Agreement is made between Riverside Unified School District "
                        "(the District) and Bright Futures Tutoring (the Partner).", None],
            ["p", "Heading 1", "1. Purpose", None],
            ["p", "List Number", "The Partner will provide after-school tutoring to enrolled "
                                 "students.", None],
            ["p", "List Number", "The District will disclose attendance and grade records only "
                                 "as permitted by FERPA.", "34 CFR 99.31(a)(6) studies exception."],
            ["p", "Heading 1", "2. Data Elements", None],
            ["table", [["Element", "Source", "Retention"],
                       ["Attendance", "SIS", "1 year"],
                       ["Grades", "Gradebook", "1 year"],
                       ["Contact details", "Registrar", "Term of agreement"]]],
            ["p", "Heading 1", "3. Term", None],
            ["p", None, "This Agreement begins on 1 August 2026 and ends on 31 July 2027, "
                        "unless terminated earlier in writing.", None],
            ["p", None, "Signed for the District:\tSigned for the Partner:", None],
        ])


def render(m: Model) -> bytes:
    """Return the DOCX of a model, built with python-docx plus raw XML for fields and notes."""
    doc = Document()
    sec = doc.sections[0]
    if m.header is not None:
        sec.header.paragraphs[0].text = m.header
    if m.footer is not None:
        set_story(sec.footer, page_field(m.footer + " - Page "))
    notes = []
    for block in m.blocks:
        if block[0] == "p":
            _, style, text, note = block
            p = doc.add_paragraph(text, style=style)
            if note is not None:
                notes.append(note)
                p._p.append(fragment(note_ref("footnote", len(notes)))[0])
        else:
            rows = block[1]
            t = doc.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    texts = cell if isinstance(cell, list) else [cell]
                    tc = t.cell(r, c)
                    tc.paragraphs[0].text = texts[0] if texts else ""
                    for extra in texts[1:]:
                        tc.add_paragraph(extra)
    if notes:
        add_notes(doc, "footnote", notes)
    return save(doc)


def agreement() -> bytes:
    return render(agreement_model())


def _edit(change: Callable[[Model], None]) -> Callable[[], tuple[bytes, bytes]]:
    def pair() -> tuple[bytes, bytes]:
        old = agreement_model()
        new = copy.deepcopy(old)
        change(new)
        return render(old), render(new)
    return pair


def _set(m: Model, i: int, text: str) -> None:
    m.blocks[i][2] = text


def _table(m: Model) -> list:
    return next(b for b in m.blocks if b[0] == "table")[1]


# --------------------------------------------------------------------------------------------
# Hand-made pairs

ARABIC = "يتفق الطرفان على تبادل بيانات الطلاب وفقا للقانون"
ARABIC_NEW = "يتفق الطرفان على مشاركة بيانات الطلاب وفقا للقانون"
CHINESE = "本协议由学区与合作伙伴签署，自二零二六年八月一日起生效。"
CHINESE_NEW = "本协议由学区与合作伙伴签署，自二零二六年九月一日起生效。"
RTL_PPR = "<w:bidi/>"
RTL_RPR = '<w:rtl/><w:lang w:bidi="ar-SA"/>'


def _rtl(text: str) -> str:
    return para(run(text, RTL_RPR), ppr=RTL_PPR)


def _link(rid: str, text: str) -> str:
    style = '<w:rStyle w:val="Hyperlink"/>'
    return f'<w:hyperlink r:id="{rid}">{run(text, style)}</w:hyperlink>'


def _with_links(body: Callable[[dict[str, str]], str], urls: list[str]) -> bytes:
    doc = Document()
    rids = {u: doc.part.relate_to(u, RT.HYPERLINK, is_external=True) for u in urls}
    set_body(doc, body(rids))
    return save(doc)


def _sections(headers: list[dict[str, str]], bodies: list[list[str]]) -> bytes:
    """Return a document of sections, each with its own headers (keys default/first/even)."""
    doc = Document()
    for i, (hdrs, texts) in enumerate(zip(headers, bodies)):
        sec = doc.sections[0] if i == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        for text in texts:
            doc.add_paragraph(text)
        if "first" in hdrs:
            sec.different_first_page_header_footer = True
            sec.first_page_header.is_linked_to_previous = False
            sec.first_page_header.paragraphs[0].text = hdrs["first"]
        if "default" in hdrs:
            sec.header.is_linked_to_previous = False
            sec.header.paragraphs[0].text = hdrs["default"]
        if "footer" in hdrs:
            sec.footer.is_linked_to_previous = False
            set_story(sec.footer, page_field(hdrs["footer"] + " "))
    return save(doc)


def _merged(top_left: str, bottom: str, extra_row: bool = False) -> bytes:
    doc = Document()
    doc.add_paragraph("Merged cells follow.")
    rows = 4 if extra_row else 3
    t = doc.add_table(rows=rows, cols=3, style="Table Grid")
    for r in range(rows):
        for c in range(3):
            t.cell(r, c).text = f"r{r}c{c}"
    t.cell(0, 0).merge(t.cell(0, 1)).text = top_left  # gridSpan
    t.cell(1, 2).merge(t.cell(2, 2)).text = bottom  # vMerge
    doc.add_paragraph("After the table.")
    return save(doc)


def _nested(inner_text: str, outer_text: str = "Outer cell") -> bytes:
    doc = Document()
    doc.add_paragraph("A table inside a table.")
    t = doc.add_table(rows=2, cols=2, style="Table Grid")
    t.cell(0, 0).text = outer_text
    t.cell(0, 1).text = "Right"
    t.cell(1, 1).text = "Bottom right"
    inner = t.cell(1, 0).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"inner {r}{c}"
    inner.cell(1, 1).text = inner_text
    doc.add_paragraph("After the table.")
    return save(doc)


def _bookmarked(middle: str, *, with_mark: bool = True) -> bytes:
    start = '<w:bookmarkStart w:id="0" w:name="Term"/>' if with_mark else ""
    end = '<w:bookmarkEnd w:id="0"/>' if with_mark else ""
    return from_xml(
        para('<w:bookmarkStart w:id="1" w:name="_GoBack"/><w:bookmarkEnd w:id="1"/>',
             "The term is ", start, middle, end, " from signature.")
        + para('<w:bookmarkStart w:id="2" w:name="Span"/>', "First of a span.")
        + para("Middle of the span.")
        + para("End of the span.", '<w:bookmarkEnd w:id="2"/>')
        # the cross-reference shows the bookmark's words, as Word and LibreOffice have them
        # after updating fields (LibreOffice updates it when a change is rejected)
        + para("See ", '<w:fldSimple w:instr=" REF Term \\h "><w:r><w:t>'
               f'{esc(middle)}</w:t></w:r></w:fldSimple>', " above."))


def _textbox(text: str) -> bytes:
    box = ('<w:r><w:pict><v:shape id="box1" style="width:200pt;height:50pt" type="#_x0000_t202">'
           f"<v:textbox><w:txbxContent>{para(text)}</w:txbxContent></v:textbox></v:shape>"
           "</w:pict></w:r>")
    return from_xml(para("Before the box.") + para("Anchor ", box) + para("After the box."))


def _sdt(inline: str, block: str) -> bytes:
    return from_xml(
        para("Partner: ", '<w:sdt><w:sdtPr><w:alias w:val="Partner"/><w:tag w:val="partner"/>'
             f"</w:sdtPr><w:sdtContent>{run(inline)}</w:sdtContent></w:sdt>", ".")
        + '<w:sdt><w:sdtPr><w:tag w:val="clause"/></w:sdtPr><w:sdtContent>'
        + para(block) + para("Second paragraph of the control.") + "</w:sdtContent></w:sdt>"
        + para("After the controls."))


def _tracked_old() -> bytes:
    return from_xml(
        para("The Partner ", f'<w:del w:id="1" {REV}><w:r><w:delText>may</w:delText></w:r></w:del>',
             f'<w:ins w:id="2" {REV}>{run("shall")}</w:ins>', " keep records.")
        + para("A paragraph that was inserted.",
               ppr=f'<w:rPr><w:ins w:id="3" {REV}/></w:rPr>')
        + para(f'<w:ins w:id="4" {REV}>{run("Its inserted text.")}</w:ins>')
        + para("Stays the same.", f'<w:r><w:rPr><w:b/><w:rPrChange w:id="5" {REV}><w:rPr/>'
               '</w:rPrChange></w:rPr><w:t xml:space="preserve"> Now bold.</w:t></w:r>'))


def _tracked_new() -> bytes:
    return from_xml(
        para("The Partner shall keep all records",
             f'<w:del w:id="1" {REV}><w:r><w:delText> forever</w:delText></w:r></w:del>', ".")
        + para(f'<w:del w:id="2" {REV}><w:r><w:delText>Deleted paragraph.</w:delText></w:r>'
               "</w:del>", ppr=f'<w:rPr><w:del w:id="3" {REV}/></w:rPr>')
        + para("Its inserted text, edited.")
        + para(f'<w:moveTo w:id="6" {REV}>{run("Moved here. ")}</w:moveTo>', "Stays the same.")
        + para(f'<w:moveFrom w:id="7" {REV}><w:r><w:delText>Moved here. </w:delText></w:r>'
               "</w:moveFrom>", "Now bold."))


def _field_doc(instr: str, result: str, around: str = "Printed on ", simple: bool = False) -> bytes:
    if simple:
        field_xml = f'<w:fldSimple w:instr="{esc(instr)}">{run(result)}</w:fldSimple>'
    else:
        field_xml = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                     f'<w:r><w:instrText xml:space="preserve">{esc(instr)}</w:instrText></w:r>'
                     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                     f"{run(result)}"
                     '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return from_xml(para(around, field_xml, " by the District.") + para("Unrelated text."),
                    footer=page_field())


def _notes(body: list[tuple[str, str | None]], kind: str = "footnote") -> bytes:
    """Return a document whose paragraphs may carry a note: ``[(text, note text or None)]``."""
    notes = [n for _, n in body if n is not None]
    xml, k = [], 0
    for text, note in body:
        if note is None:
            xml.append(para(text))
        else:
            k += 1
            xml.append(para(text, note_ref(kind, k), " Continued."))
    return from_xml("".join(xml), **({f"{kind}s": notes} if notes else {}))


def _cell_paras(cell: list[str], first: list[str] | None = None) -> bytes:
    m = agreement_model()
    _table(m)[1][0] = cell
    if first is not None:
        m.blocks[:0] = [["p", None, t, None] for t in first]
    return render(m)


def _commented(text: str, extra: str) -> bytes:
    """Return a document with comments and bookmarks that take the low ids 0, 1, 2..."""
    doc = Document()
    for i, word in enumerate(["First", "Second", "Third"]):
        p = doc.add_paragraph()
        r = p.add_run(f"{word} clause, with a note.")
        doc.add_comment(r, text=f"Comment {i}", author="Counsel", initials="C")
        p._p.insert(0, fragment(f'<w:bookmarkStart w:id="{i}" w:name="b{i}"/>')[0])
        p._p.append(fragment(f'<w:bookmarkEnd w:id="{i}"/>')[0])
    doc.add_paragraph(text)
    doc.add_paragraph(extra)
    return save(doc)


def _long(n: int, changed: int | None) -> bytes:
    xml = "".join(para(f"Clause {i}: the Partner shall keep record {i} for {i % 7 + 1} years.")
                  if i != changed else para(f"Clause {i}: the Partner may keep record {i}.")
                  for i in range(n))
    return from_xml(xml)


def _header_table(cell: str) -> bytes:
    doc = Document()
    doc.add_paragraph("Body text.")
    set_story(doc.sections[0].header, table([["Agreement no.", cell]]) + para("Header line"))
    return save(doc)


def _bold(bold: bool) -> bytes:
    return from_xml(para("The Partner ", run("shall", "<w:b/>" if bold else ""), " comply."))


def _formatted(words: list[tuple[str, str]]) -> bytes:
    return from_xml(para(*[run(t, f) for t, f in words]) + para("Next paragraph."))


def _toc(entries: list[str]) -> bytes:
    """Return a document with a TOC field whose result spans several paragraphs."""
    begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
             ' TOC \\o "1-3" \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
             "</w:r>")
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    paras = [para(begin if i == 0 else "", f"{e}\t{i + 1}", end if i == len(entries) - 1 else "")
             for i, e in enumerate(entries)]
    return from_xml(para("Contents") + "".join(paras) + para("Body text."))


def _commented_span(deleted: bool) -> bytes:
    doc = Document()
    doc.add_paragraph("Kept paragraph.")
    if not deleted:
        p = doc.add_paragraph()
        r = p.add_run("A commented paragraph.")
        doc.add_comment(r, text="Why?", author="Counsel", initials="C")
    doc.add_paragraph("Last paragraph.")
    return save(doc)


def _custom_style(with_clause: bool) -> bytes:
    """Return a document whose clause uses a style that only this document defines."""
    from docx.enum.style import WD_STYLE_TYPE
    doc = Document()
    doc.add_paragraph("Kept paragraph.")
    if with_clause:
        style = doc.styles.add_style("Clause Text", WD_STYLE_TYPE.PARAGRAPH)
        style.font.bold = True
        doc.add_paragraph("A clause in its own style.", style=style)
    doc.add_paragraph("Last paragraph.")
    return save(doc)


EMPTY = ""
PAIRS: dict[str, Callable[[], tuple[bytes, bytes]]] = {
    "empty to text": lambda: (from_xml(EMPTY), from_xml(para("Now there is text."))),
    "text to empty": lambda: (from_xml(para("Soon there is none.")), from_xml(EMPTY)),
    "empty paragraph to text": lambda: (from_xml(para()), from_xml(para("Text."))),
    "empty paragraph to nothing": lambda: (from_xml(para()), from_xml(EMPTY)),
    "agreement word changed": _edit(lambda m: _set(m, 3, m.blocks[3][2].replace("after-school",
                                                                                 "weekend"))),
    "agreement clause inserted": _edit(lambda m: m.blocks.insert(
        5, ["p", "List Number", "The Partner will train its staff on FERPA.", None])),
    "agreement clause deleted": _edit(lambda m: m.blocks.pop(3)),
    "agreement clause moved": _edit(lambda m: m.blocks.insert(8, m.blocks.pop(3))),
    "agreement heading restyled and renamed": _edit(lambda m: m.blocks[2].__setitem__(
        slice(1, 3), ["Heading 2", "1. Purpose and Scope"])),
    "paragraph inserted at start of body": _edit(lambda m: m.blocks.insert(
        0, ["p", None, "DRAFT - for review", None])),
    "paragraph inserted at end of body": _edit(lambda m: m.blocks.append(
        ["p", None, "Witness: ____________", None])),
    "paragraph deleted at start of body": _edit(lambda m: m.blocks.pop(0)),
    "paragraph deleted at end of body": _edit(lambda m: m.blocks.pop()),
    "paragraph split in two": _edit(lambda m: m.blocks.insert(9, ["p", None, "Unless terminated "
                                    "earlier in writing.", None]) or _set(
        m, 8, "This Agreement begins on 1 August 2026 and ends on 31 July 2027.")),
    "paragraphs merged": _edit(lambda m: _set(m, 3, m.blocks[3][2] + " " + m.blocks.pop(4)[2])),
    "table row inserted": _edit(lambda m: _table(m).insert(2, ["Schedules", "SIS", "1 year"])),
    "table row appended": _edit(lambda m: _table(m).append(["Photos", "Yearbook", "None"])),
    "table row deleted": _edit(lambda m: _table(m).pop(2)),
    "table first row deleted": _edit(lambda m: _table(m).pop(0)),
    "table cell edited": _edit(lambda m: _table(m)[3].__setitem__(2, "2 years")),
    "table removed": _edit(lambda m: m.blocks.pop(6)),
    "table added": lambda: (render(Model(blocks=[["p", None, "Only text.", None]])),
                            render(Model(blocks=[["p", None, "Only text.", None],
                                                 ["table", [["a", "b"], ["c", "d"]]]]))),
    "paragraph inserted at start of a cell": lambda: (
        _cell_paras(["Attendance"]), _cell_paras(["Daily", "Attendance"])),
    "paragraph inserted at end of a cell": lambda: (
        _cell_paras(["Attendance"]), _cell_paras(["Attendance", "Daily and period"])),
    "paragraph deleted from a cell": lambda: (
        _cell_paras(["Attendance", "Daily and period"]), _cell_paras(["Attendance"])),
    "cell emptied": lambda: (_cell_paras(["Attendance"]), _cell_paras([""])),
    "header changed": _edit(lambda m: setattr(m, "header", "Data Sharing Agreement - DRAFT")),
    "footer changed": _edit(lambda m: setattr(m, "footer", "Confidential - do not forward")),
    "header added": lambda: (render(Model(blocks=[["p", None, "Body.", None]])),
                             render(Model(blocks=[["p", None, "Body.", None]], header="New head"))),
    "header removed": lambda: (render(Model(blocks=[["p", None, "Body.", None]], header="Old")),
                               render(Model(blocks=[["p", None, "Body.", None]]))),
    "footnote changed": _edit(lambda m: m.blocks[4].__setitem__(3, "34 CFR 99.31(a)(6)(ii).")),
    "footnote added": _edit(lambda m: m.blocks[8].__setitem__(3, "Renewable by written notice.")),
    "footnote removed": _edit(lambda m: m.blocks[4].__setitem__(3, None)),
    "footnote added before an existing one": lambda: (
        _notes([("First.", None), ("Second.", "Note B.")]),
        _notes([("First.", "Note A."), ("Second.", "Note B.")])),
    "footnotes part added": lambda: (_notes([("Plain.", None)]),
                                     _notes([("Plain.", "A new note.")])),
    "endnote changed": lambda: (_notes([("Text.", "Old endnote.")], "endnote"),
                                _notes([("Text.", "New endnote.")], "endnote")),
    "endnote added and removed": lambda: (
        _notes([("One.", "Note one."), ("Two.", None)], "endnote"),
        _notes([("One.", None), ("Two.", "Note two.")], "endnote")),
    "whole document replaced": lambda: (
        agreement(), render(Model(blocks=[["p", "Heading 1", "Memorandum", None],
                                          ["p", None, "Nothing in common here at all.", None],
                                          ["table", [["x", "y"]]]],
                                  header="Other header", footer="Other footer"))),
    "simple field code changed": lambda: (_field_doc(" DATE ", "1 Jan", simple=True),
                                          _field_doc(" PRINTDATE ", "1 Jan", simple=True)),
    "complex field code changed": lambda: (_field_doc(" DATE ", "1 Jan"),
                                           _field_doc(" SAVEDATE ", "1 Jan")),
    "complex field result changed": lambda: (_field_doc(" DATE ", "1 Jan"),
                                             _field_doc(" DATE ", "2 Feb")),
    "text beside a field changed": lambda: (_field_doc(" DATE ", "1 Jan"),
                                            _field_doc(" DATE ", "1 Jan", around="Signed on ")),
    "field added": lambda: (from_xml(para("Printed on 1 Jan by the District.")),
                            _field_doc(" DATE ", "1 Jan")),
    "field removed": lambda: (_field_doc(" DATE ", "1 Jan", simple=True),
                              from_xml(para("Printed on 1 Jan by the District."))),
    "hyperlink text changed": lambda: (
        _with_links(lambda r: para("See ", _link(r["https://example.org/a"], "the policy"), "."),
                    ["https://example.org/a"]),
        _with_links(lambda r: para("See ", _link(r["https://example.org/a"], "the privacy policy"),
                                   "."), ["https://example.org/a"])),
    "hyperlink target changed": lambda: (
        _with_links(lambda r: para("See ", _link(r["https://example.org/a"], "the policy"), "."),
                    ["https://example.org/a"]),
        _with_links(lambda r: para("See ", _link(r["https://example.org/b"], "the policy"), "."),
                    ["https://example.org/b"])),
    "hyperlink added": lambda: (
        from_xml(para("See the policy.")),
        _with_links(lambda r: para("See ", _link(r["https://example.org/a"], "the policy"), "."),
                    ["https://example.org/a"])),
    "bookmarked text changed": lambda: (_bookmarked("one year"), _bookmarked("two years")),
    "bookmark removed": lambda: (_bookmarked("one year"), _bookmarked("one year", with_mark=False)),
    "paragraph inside a bookmark span deleted": lambda: (
        _bookmarked("one year"),
        from_xml(para('<w:bookmarkStart w:id="1" w:name="_GoBack"/><w:bookmarkEnd w:id="1"/>',
                      "The term is ", '<w:bookmarkStart w:id="0" w:name="Term"/>', "one year",
                      '<w:bookmarkEnd w:id="0"/>', " from signature.")
                 + para('<w:bookmarkStart w:id="2" w:name="Span"/>', "First of a span.")
                 + para("End of the span.", '<w:bookmarkEnd w:id="2"/>')
                 + para("See ", '<w:fldSimple w:instr=" REF Term \\h "><w:r><w:t>one year'
                        "</w:t></w:r></w:fldSimple>", " above."))),
    "arabic word changed": lambda: (from_xml(_rtl(ARABIC) + _rtl("المادة الثانية")),
                                    from_xml(_rtl(ARABIC_NEW) + _rtl("المادة الثانية"))),
    "arabic paragraph added": lambda: (from_xml(_rtl(ARABIC)),
                                       from_xml(_rtl(ARABIC) + _rtl("يسري هذا الاتفاق لمدة سنة"))),
    "chinese character changed": lambda: (from_xml(para(CHINESE)), from_xml(para(CHINESE_NEW))),
    "chinese mixed with latin": lambda: (from_xml(para("FERPA 规定：学校必须保护学生记录。")),
                                         from_xml(para("FERPA 规定：学区必须保护学生记录。"))),
    "merged cell edited": lambda: (_merged("Header span", "Tall cell"),
                                   _merged("Header span", "Tall cell, edited")),
    "spanning cell edited": lambda: (_merged("Header span", "Tall cell"),
                                     _merged("Spanning header", "Tall cell")),
    "row added below merged cells": lambda: (_merged("Header span", "Tall cell"),
                                             _merged("Header span", "Tall cell", extra_row=True)),
    "nested table edited": lambda: (_nested("inner 11"), _nested("inner eleven")),
    "outer cell beside nested table edited": lambda: (_nested("inner 11"),
                                                      _nested("inner 11", "Outer cell, edited")),
    "second section header changed": lambda: (
        _sections([{"default": "Part A"}, {"default": "Part B"}], [["One."], ["Two."]]),
        _sections([{"default": "Part A"}, {"default": "Part B revised"}], [["One."], ["Two."]])),
    "first-page header changed": lambda: (
        _sections([{"default": "Running head", "first": "Cover"}], [["Cover page.", "More."]]),
        _sections([{"default": "Running head", "first": "Cover sheet"}], [["Cover page.", "More."]])),
    "section footers changed": lambda: (
        _sections([{"default": "A", "footer": "Foot A"}, {"default": "B", "footer": "Foot B"}],
                  [["One."], ["Two."]]),
        _sections([{"default": "A", "footer": "Foot A"}, {"default": "B", "footer": "Foot B2"}],
                  [["One."], ["Two, edited."]])),
    "text in a section changed": lambda: (
        _sections([{"default": "A"}, {"default": "B", "first": "B first"}], [["One."], ["Two."]]),
        _sections([{"default": "A"}, {"default": "B", "first": "B first"}], [["One."], ["Deux."]])),
    "inputs with tracked changes": lambda: (_tracked_old(), _tracked_new()),
    "tracked old to plain new": lambda: (_tracked_old(), from_xml(para("The Partner shall keep."))),
    "text box edited": lambda: (_textbox("Inside the box."), _textbox("Inside the text box.")),
    "content controls edited": lambda: (_sdt("Bright Futures", "A clause in a control."),
                                        _sdt("Bright Futures Tutoring", "A clause in a control, "
                                             "amended.")),
    "tabs and breaks": lambda: (
        from_xml(para("Name:\tJane", '<w:r><w:br/><w:t>Line two</w:t></w:r>')),
        from_xml(para("Name:\tJohn", '<w:r><w:br/><w:t>Line 2</w:t></w:r>'))),
    "ids shared with comments and bookmarks": lambda: (
        _commented("Plain text here.", "More text."),
        _commented("Plain words here.", "More text, added.")),
    "whitespace changed": lambda: (from_xml(para("The  Partner shall\tcomply .")),
                                   from_xml(para("The Partner shall comply."))),
    "punctuation changed": lambda: (from_xml(para("Keep records; then, destroy them.")),
                                    from_xml(para("Keep records: then destroy them!"))),
    "combining characters and emoji": lambda: (from_xml(para("Café data 👍 ok")),
                                               from_xml(para("Cafe\u0301 data 👎 ok"))),
    "japanese character changed": lambda: (from_xml(para("本契約は二〇二六年に発効する。")),
                                           from_xml(para("本契約は二〇二七年に発効する。"))),
    "paragraph with a footnote deleted": _edit(lambda m: m.blocks.pop(4)),
    "paragraph with a footnote moved": _edit(lambda m: m.blocks.insert(9, m.blocks.pop(4))),
    "section break added": lambda: (
        _sections([{"default": "Head"}], [["One.", "Two."]]),
        _sections([{"default": "Head"}, {}], [["One."], ["Two."]])),
    "section break removed": lambda: (
        _sections([{"default": "Head"}, {}], [["One."], ["Two."]]),
        _sections([{"default": "Head"}], [["One.", "Two."]])),
    "table column added": lambda: (
        render(Model(blocks=[["p", None, "Grid:", None], ["table", [["a", "b"], ["c", "d"]]]])),
        render(Model(blocks=[["p", None, "Grid:", None],
                             ["table", [["a", "b", "x"], ["c", "d", "y"]]]]))),
    "table inserted between paragraphs": lambda: (
        render(Model(blocks=[["p", None, "Before.", None], ["p", None, "After.", None]])),
        render(Model(blocks=[["p", None, "Before.", None], ["table", [["a", "b"]]],
                             ["p", None, "After.", None]]))),
    "paragraph before a table deleted": lambda: (
        render(Model(blocks=[["p", None, "Intro.", None], ["table", [["a", "b"]]],
                             ["p", None, "After.", None]])),
        render(Model(blocks=[["table", [["a", "b"]]], ["p", None, "After.", None]]))),
    "paragraph after a table deleted": lambda: (
        render(Model(blocks=[["p", None, "Intro.", None], ["table", [["a", "b"]]],
                             ["p", None, "After.", None]])),
        render(Model(blocks=[["p", None, "Intro.", None], ["table", [["a", "b"]]]]))),
    "two tables merged into one": lambda: (
        render(Model(blocks=[["table", [["a", "b"]]], ["p", None, "", None],
                             ["table", [["c", "d"]]]])),
        render(Model(blocks=[["table", [["a", "b"], ["c", "d"]]]]))),
    "bold only": lambda: (_bold(False), _bold(True)),
    "empty paragraphs inserted": lambda: (from_xml(para("One.") + para("Two.")),
                                          from_xml(para("One.") + para() + para() + para("Two."))),
    "empty paragraphs removed": lambda: (from_xml(para("One.") + para() + para() + para("Two.")),
                                         from_xml(para("One.") + para("Two."))),
    "paragraph emptied": lambda: (from_xml(para("One.") + para("Two.") + para("Three.")),
                                  from_xml(para("One.") + para() + para("Three."))),
    "line break added": lambda: (from_xml(para("Name: Jane Doe")),
                                 from_xml(para("Name:", '<w:r><w:br/></w:r>', "Jane Doe"))),
    "table in a header edited": lambda: (_header_table("2026-001"), _header_table("2026-002")),
    "long document, one clause changed": lambda: (_long(300, None), _long(300, 150)),
    "long document, every clause changed": lambda: (_long(120, None), from_xml("".join(
        para(f"Article {i}: the District may hold record {i}.") for i in range(120)))),
    "edit across formatting runs": lambda: (
        _formatted([("The ", ""), ("Partner", "<w:b/>"), (" shall ", ""), ("not", "<w:i/>"),
                    (" disclose.", "")]),
        _formatted([("The ", ""), ("Partnership", "<w:b/>"), (" shall ", ""),
                    ("never", "<w:i/>"), (" disclose data.", "")])),
    "formatting and text changed together": lambda: (
        _formatted([("Keep records for ", ""), ("one year", "<w:b/>"), (".", "")]),
        _formatted([("Keep records for ", ""), ("two years", "<w:u w:val=\"single\"/>"),
                    (".", "")])),
    "text beside a footnote reference changed": lambda: (
        _notes([("Records are kept.", "Note.")]), _notes([("Records are kept securely.", "Note.")])),
    "deleted text with edge spaces": lambda: (from_xml(para("Keep  all   the records .")),
                                              from_xml(para("Keep records."))),
    "paragraph with a bookmark deleted": lambda: (
        from_xml(para("One.") + para('<w:bookmarkStart w:id="5" w:name="gone"/>', "Two.",
                                     '<w:bookmarkEnd w:id="5"/>') + para("Three.")),
        from_xml(para("One.") + para("Three."))),
    "commented paragraph deleted": lambda: (_commented_span(False), _commented_span(True)),
    "commented paragraph inserted": lambda: (_commented_span(True), _commented_span(False)),
    "paragraph with a text box deleted": lambda: (
        _textbox("Inside the box."), from_xml(para("Before the box.") + para("After the box."))),
    "table of contents entry changed": lambda: (_toc(["Purpose", "Term", "Data"]),
                                                _toc(["Purpose", "Duration", "Data"])),
    "table of contents removed": lambda: (_toc(["Purpose", "Term"]),
                                          from_xml(para("Contents") + para("Body text."))),
    "paragraph in a style only old defines deleted": lambda: (_custom_style(True),
                                                              _custom_style(False)),
    "paragraph in a style only new defines inserted": lambda: (_custom_style(False),
                                                               _custom_style(True)),
    "repeated paragraphs": lambda: (
        from_xml(para("Same.") * 3 + para("Different.") + para("Same.") * 2),
        from_xml(para("Same.") * 2 + para("Different.") + para("Same.") * 4)),
}

IDENTICAL: dict[str, Callable[[], tuple[bytes, bytes]]] = {
    "empty documents": lambda: (from_xml(EMPTY), from_xml(EMPTY)),
    "agreement": lambda: (agreement(), agreement()),
    "agreement rebuilt with different run splits": lambda: (
        from_xml(para("The Partner shall keep records.")),
        from_xml(para("The Partner ", "shall keep", " records."))),
    "sections and notes": lambda: PAIRS["second section header changed"]()[:1] * 2,
    "fields and links": lambda: (PAIRS["hyperlink added"]()[1],) * 2,
    "tracked input equal after accepting": lambda: (
        _tracked_old(),
        from_xml(para("The Partner shall keep records.") + para("A paragraph that was inserted.")
                 + para("Its inserted text.")
                 + para("Stays the same.", '<w:r><w:rPr><w:b/></w:rPr>'
                        '<w:t xml:space="preserve"> Now bold.</w:t></w:r>'))),
}


# --------------------------------------------------------------------------------------------
# Random edits

WORDS = ("the partner shall provide records within thirty days of each request district student "
         "data FERPA 2026 agreement notice parent consent (a) non-exclusive §99.31 écoles").split()
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@st.composite
def word_edit(draw, text: str) -> str:
    """Return ``text`` with one word replaced, inserted or deleted."""
    tokens = TOKEN.findall(text)
    words = [i for i, t in enumerate(tokens) if not t.isspace()]
    action = draw(st.sampled_from(["replace", "insert", "delete"])) if words else "insert"
    word = draw(st.sampled_from(WORDS))
    if action == "insert":
        at = draw(st.integers(0, len(tokens)))
        tokens[at:at] = [word, " "] if at < len(tokens) else ([" ", word] if tokens else [word])
    else:
        i = draw(st.sampled_from(words))
        if action == "replace":
            tokens[i] = word
        else:
            del tokens[i:i + 2]
    return "".join(tokens)


def sentence() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(
        lambda ws: " ".join(ws).capitalize() + ".")


def _paragraphs(m: Model) -> list[int]:
    return [i for i, b in enumerate(m.blocks) if b[0] == "p"]


@st.composite
def _apply(draw, m: Model) -> None:
    kind = draw(st.sampled_from([
        "word", "word", "word", "insert", "delete", "move", "split", "merge", "row insert",
        "row delete", "cell", "cell paragraph", "header", "footer", "note", "note toggle",
        "style"]))
    paras = _paragraphs(m)
    rows = _table(m) if any(b[0] == "table" for b in m.blocks) else None
    if kind == "word" and paras:
        i = draw(st.sampled_from(paras))
        m.blocks[i][2] = draw(word_edit(m.blocks[i][2]))
    elif kind == "insert":
        at = draw(st.integers(0, len(m.blocks)))
        style = draw(st.sampled_from([None, None, "List Number", "Heading 1"]))
        m.blocks.insert(at, ["p", style, draw(sentence()), None])
    elif kind == "delete" and len(m.blocks) > 1:
        m.blocks.pop(draw(st.integers(0, len(m.blocks) - 1)))
    elif kind == "move" and len(m.blocks) > 1:
        block = m.blocks.pop(draw(st.integers(0, len(m.blocks) - 1)))
        m.blocks.insert(draw(st.integers(0, len(m.blocks))), block)
    elif kind == "split" and paras:
        i = draw(st.sampled_from(paras))
        text = m.blocks[i][2]
        cut = draw(st.integers(0, len(text)))
        m.blocks[i][2] = text[:cut].rstrip()
        m.blocks.insert(i + 1, ["p", m.blocks[i][1], text[cut:].lstrip(), None])
    elif kind == "merge":
        pairs = [i for i in paras if i + 1 in paras]
        if pairs:
            i = draw(st.sampled_from(pairs))
            nxt = m.blocks.pop(i + 1)
            m.blocks[i][2] = (m.blocks[i][2] + " " + nxt[2]).strip()
            m.blocks[i][3] = m.blocks[i][3] or nxt[3]
    elif kind == "row insert" and rows is not None:
        width = len(rows[0])
        rows.insert(draw(st.integers(0, len(rows))),
                    draw(st.lists(st.sampled_from(WORDS), min_size=width, max_size=width)))
    elif kind == "row delete" and rows is not None and len(rows) > 1:
        rows.pop(draw(st.integers(0, len(rows) - 1)))
    elif kind == "cell" and rows is not None:
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        texts = rows[r][c] if isinstance(rows[r][c], list) else [rows[r][c]]
        i = draw(st.integers(0, len(texts) - 1))
        texts[i] = draw(word_edit(texts[i]))
        rows[r][c] = texts
    elif kind == "cell paragraph" and rows is not None:
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        texts = rows[r][c] if isinstance(rows[r][c], list) else [rows[r][c]]
        if len(texts) > 1 and draw(st.booleans()):
            texts.pop(draw(st.integers(0, len(texts) - 1)))
        else:
            texts.insert(draw(st.integers(0, len(texts))), draw(sentence()))
        rows[r][c] = texts
    elif kind == "style" and paras:
        i = draw(st.sampled_from(paras))
        m.blocks[i][1] = draw(st.sampled_from([None, "List Number", "Heading 1", "Heading 2"]))
    elif kind == "note toggle" and paras:
        i = draw(st.sampled_from(paras))
        m.blocks[i][3] = None if m.blocks[i][3] is not None else draw(sentence())
    elif kind == "header":
        m.header = draw(word_edit(m.header or ""))
    elif kind == "footer":
        m.footer = draw(word_edit(m.footer or ""))
    elif kind == "note":
        noted = [i for i in paras if m.blocks[i][3] is not None]
        if noted:
            i = draw(st.sampled_from(noted))
            m.blocks[i][3] = draw(word_edit(m.blocks[i][3]))


@st.composite
def edited_models(draw) -> tuple[Model, Model]:
    """Return the agreement (perhaps trimmed) and a randomly edited copy of it."""
    old = agreement_model()
    keep = draw(st.lists(st.booleans(), min_size=len(old.blocks), max_size=len(old.blocks)))
    if sum(keep) >= 3:
        old.blocks = [b for b, k in zip(old.blocks, keep) if k]
    new = copy.deepcopy(old)
    for _ in range(draw(st.integers(1, 4))):
        draw(_apply(new))
    return old, new


def edited_pairs() -> st.SearchStrategy[tuple[bytes, bytes]]:
    """Return a strategy of (old, new) DOCX bytes: the agreement and an edited copy."""
    return edited_models().map(lambda pair: (render(pair[0]), render(pair[1])))


# --------------------------------------------------------------------------------------------
# A contract with numbered headings, for moves and heading levels (issue #13, findings 5 and 6)

CONTRACT = [
    ("Purpose", 1, ["The Partner will provide after-school tutoring to enrolled students at "
                    "the school.",
                    "The District will make a classroom available on each school day."]),
    ("Term", 1, ["This Agreement begins on 1 August 2026 and ends on 31 July 2027.",
                 "Either party may end it by giving thirty days' written notice to the other."]),
    ("Insurance", 1, ["The Partner shall keep general liability insurance of at least one "
                      "million dollars.",
                      "The Partner will name the District as an additional insured party."]),
    ("Records", 1, ["The Partner shall keep student records confidential and use them only "
                    "for tutoring.",
                    "Records are returned or destroyed within sixty days after the end."]),
    ("Retention", 2, ["Attendance logs are kept for one school year and then destroyed."]),
    ("Notices and Contacts", 1, ["Notices are given in writing to the addresses below.",
                                 "Each party names one contact for the partnership."]),
]


def _numbered_headings(doc) -> None:
    """Number Heading 1 and Heading 2 ("1.", "1.1.") through their styles, as counsel's
    templates do."""
    numbering = doc.part.numbering_part.element
    abstract = fragment(
        '<w:abstractNum w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="432" w:hanging="432"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="576" w:hanging="576"/></w:pPr></w:lvl></w:abstractNum>')[0]
    first_num = numbering.find(f"{{{W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(fragment('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>')[0])
    for style_id, level in (("Heading1", 0), ("Heading2", 1)):
        style = doc.styles.element.find(f"{{{W}}}style[@{{{W}}}styleId='{style_id}']")
        ppr = style.find(f"{{{W}}}pPr")
        if ppr is None:
            ppr = fragment("<w:pPr/>")[0]
            style.find(f"{{{W}}}rPr").addprevious(ppr)
        before = [c for c in ppr if c.tag.split("}")[1] in (
            "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl")]
        ppr.insert(len(before), fragment(f'<w:numPr><w:ilvl w:val="{level}"/>'
                                         '<w:numId w:val="90"/></w:numPr>')[0])


def contract(sections: list[tuple[str, int, list[str]]] = CONTRACT,
             rows: list[list[str]] | None = None) -> bytes:
    """Return a contract of numbered sections (heading, level, clauses), and a table of
    ``rows`` at the end if given."""
    doc = Document()
    doc.styles["Heading 2"]  # python-docx adds the latent style on first use
    _numbered_headings(doc)
    doc.add_paragraph("Partnership Agreement", style="Title")
    for heading, level, clauses in sections:
        doc.add_paragraph(heading, style=f"Heading {level}")
        for clause in clauses:
            doc.add_paragraph(clause)
    if rows:
        t = doc.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        doc.add_paragraph("Signed for both parties.")
    return save(doc)


def _contract_edit(change: Callable[[list], None]) -> Callable[[], tuple[bytes, bytes]]:
    def pair() -> tuple[bytes, bytes]:
        new = copy.deepcopy(CONTRACT)
        change(new)
        return contract(), contract(new)
    return pair


def _move_clause_edited(s: list) -> None:
    clause = s[1][2].pop(1).replace("thirty", "sixty")
    s[3][2].insert(1, clause)


def _move_clause_to_section_end_edited(s: list) -> None:
    """The Term's notice clause, "sixty days" now, ends the Records section: a heading (the
    Retention one, Heading 2) follows it."""
    s[3][2].append(s[1][2].pop(1).replace("thirty", "sixty"))


def _move_section_edited(s: list) -> None:
    """The Term section moves after Records, its notice clause edited: a Heading 2 follows."""
    heading, level, clauses = s.pop(1)
    s.insert(3, (heading, level, [clauses[0], clauses[1].replace("thirty", "sixty")]))


#: a clause the Records section gains, for the paragraph before a move to be a tracked one
LOSS_CLAUSE = "The Partner shall report any loss of records to the District within one day."


def _moved_after(before: Callable[[list], None]) -> Callable[[list], None]:
    """The Term's notice clause, "sixty days" now, ends the Records section (a Heading 2
    follows it) after ``before`` has changed the Records clause the move comes after."""
    def change(s: list) -> None:
        _move_clause_to_section_end_edited(s)
        before(s)
    return change


def _restyled(pair: Callable[[], tuple[bytes, bytes]], text: str, style: str
              ) -> Callable[[], tuple[bytes, bytes]]:
    """``pair`` with the new document's paragraph ``text`` given the paragraph style
    ``style``."""
    def restyled() -> tuple[bytes, bytes]:
        old, new = pair()
        doc = Document(io.BytesIO(new))
        for p in doc.paragraphs:
            if p.text == text:
                p.style = style
        return old, save(doc)
    return restyled


def _heading_to_text(s: list) -> None:
    """The "Records" heading becomes a plain line of the "Insurance" section."""
    heading, _, clauses = s.pop(3)
    s[2] = (s[2][0], s[2][1], s[2][2] + [heading] + clauses)


DATA_ROWS = [["Element", "Retention"], ["Attendance", "1 year"], ["Grades", "1 year"],
             ["Contacts", "Term of agreement"]]

MOVES: dict[str, Callable[[], tuple[bytes, bytes]]] = {
    "section moved": _contract_edit(lambda s: s.insert(4, s.pop(1))),
    "section moved to the end": _contract_edit(lambda s: s.append(s.pop(0))),
    "clause moved and edited": _contract_edit(_move_clause_edited),
    "clause moved to a section's end and edited": _contract_edit(
        _move_clause_to_section_end_edited),
    "section moved and edited": _contract_edit(_move_section_edited),
    # the paragraph before the moved clause is itself a tracked change (counsel's finding A)
    "clause moved and edited after an inserted clause": _contract_edit(
        _moved_after(lambda s: s[3][2].insert(2, LOSS_CLAUSE))),
    "clause moved and edited after a deleted clause": _contract_edit(
        _moved_after(lambda s: s[3][2].pop(1))),
    "clause moved and edited after a replaced clause": _contract_edit(
        _moved_after(lambda s: s[3][2].__setitem__(1, LOSS_CLAUSE))),
    "clause moved and edited after a restyled clause": _restyled(_contract_edit(
        _move_clause_to_section_end_edited), CONTRACT[3][2][1], "Quote"),
    "two sections swapped": _contract_edit(lambda s: s.insert(2, s.pop(3))),
    # two moves in one document: Term's notice clause to Records, the additional insured to
    # Purpose (each a move of its own, with a name of its own)
    "two clauses moved apart": _contract_edit(
        lambda s: s[3][2].insert(0, s[1][2].pop(1)) or s[0][2].append(s[2][2].pop(1))),
    "heading level changed": _contract_edit(lambda s: s.__setitem__(
        2, (s[2][0], 2, s[2][2]))),
    "contract clause inserted and another deleted": _contract_edit(
        lambda s: s[0][2].insert(1, "The Partner will train its tutors before the first "
                                    "session.") or s[3][2].pop(1)),
    "short line moved": lambda: (
        from_xml(para("Yes.") + para("The first clause stays where it was.")
                 + para("The second clause stays too.")),
        from_xml(para("The first clause stays where it was.") + para("The second clause "
                                                                     "stays too.")
                 + para("Yes."))),
    "contract table row deleted": lambda: (contract(rows=DATA_ROWS),
                                           contract(rows=DATA_ROWS[:2] + DATA_ROWS[3:])),
    "body text made a heading": _contract_edit(lambda s: s.insert(
        3, (s[2][2].pop(1), 1, []))),
    "heading made body text": _contract_edit(_heading_to_text),
    "heading appended at the end": _contract_edit(lambda s: s.append(("Annex", 1, []))),
    "last section removed": _contract_edit(lambda s: s.pop()),
}
PAIRS.update(MOVES)
