"""A redline DOCX as HTML, for the review page: inline (Word's "All Markup") and side by side.

The redline ``docgen review`` writes holds Word's own tracked changes; this module reads them
back, under docgen's limits for any Word document it opens (:class:`docgen.ooxml.package.Package`:
sizes checked on the bytes inflated, no DOCTYPE or entity, no network), and shows:

- insertions (``w:ins``) and deletions (``w:del``, their ``w:delText``) as ``<ins>`` and
  ``<del>``;
- moves (``w:moveFrom`` and ``w:moveTo``) as deletions and insertions of their own class,
  labelled "moved from here" and "moved here";
- formatting changes (``w:rPrChange`` of a run, ``w:pPrChange`` of a paragraph) as marked
  spans and paragraphs, "formatting changed";
- table rows inserted or deleted (``w:trPr/w:ins``, ``w:trPr/w:del``) as rows of that class;
- paragraphs whose mark was inserted or deleted (a whole paragraph added or removed);
- the other stories after the body, each under its own heading: the headers and footers of
  each section (first page, even pages), the footnotes and endnotes (numbered), and the
  comments (with their author), with their changes marked the same way.

Every piece of text is escaped (:func:`html.escape`); nothing of the document becomes markup.
The views are :class:`~markupsafe.Markup`, made only of escaped text and this module's tags,
so a template shows them without ``|safe``.
Each change also carries words for a screen reader ("inserted:", "deleted:"), visually hidden,
since ``<ins>`` and ``<del>`` alone are read as plain text.

The side-by-side view is one row per block: last year's text (insertions and moved-to text left
out) beside this year's (deletions and moved-from text left out), each change still marked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Iterable

from lxml import etree
from markupsafe import Markup

from ..ooxml.package import Package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: What each kind of run segment is, and how it is shown.
SAME, INS, DEL, MOVED_FROM, MOVED_TO = "same", "ins", "del", "moved-from", "moved-to"
_WRAPPERS = {_w("ins"): INS, _w("del"): DEL, _w("moveFrom"): MOVED_FROM, _w("moveTo"): MOVED_TO}
#: elements whose content is part of the paragraph's text, looked through
_THROUGH = {_w(t) for t in ("hyperlink", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple",
                            "dir", "bdo")}
_SPOKEN = {INS: "inserted", DEL: "deleted", MOVED_FROM: "moved from here",
           MOVED_TO: "moved here"}


@dataclass
class Segment:
    """A piece of a paragraph's text: what happened to it, and whether its formatting changed."""

    kind: str
    text: str
    formatted: bool = False
    #: a line break (``w:br``), shown as one
    br: bool = False


@dataclass
class Paragraph:
    segments: list[Segment] = field(default_factory=list)
    #: the paragraph mark was inserted or deleted (the whole paragraph, when all its text was)
    mark: str = SAME
    formatted: bool = False
    heading: bool = False

    @property
    def kind(self) -> str:
        """INS or DEL when the whole paragraph was added or removed, else SAME."""
        kinds = {s.kind for s in self.segments if s.text.strip() or s.br}
        if self.mark in (INS, MOVED_TO) and kinds <= {INS, MOVED_TO}:
            return INS
        if self.mark in (DEL, MOVED_FROM) and kinds <= {DEL, MOVED_FROM}:
            return DEL
        return SAME


@dataclass
class Row:
    cells: list[list[Paragraph]]
    kind: str = SAME


@dataclass
class Table:
    rows: list[Row]


Block = Paragraph | Table


@dataclass
class Counts:
    """How many marks of each kind the redline holds, as shown."""

    insertions: int = 0
    deletions: int = 0
    moves: int = 0
    formatting: int = 0
    rows: int = 0

    @property
    def total(self) -> int:
        return self.insertions + self.deletions + self.moves + self.formatting + self.rows


@dataclass
class Story:
    """A part of the document besides the body: a header, a footer, the footnotes, the
    endnotes or the comments, under its title."""

    title: str
    blocks: list[Block]


@dataclass
class RedlineView:
    """A redline read for showing: its blocks, the other stories, and the HTML of both
    views."""

    blocks: list[Block]
    counts: Counts
    stories: list[Story] = field(default_factory=list)

    def inline(self) -> Markup:
        """The redline as Word shows it with all markup: one element per block, then each
        other story under its heading."""
        out = [_inline_block(b) for b in self.blocks]
        for story in self.stories:
            out.append(f'<section class="story" aria-label="{html.escape(story.title)}">'
                       f'<h2 class="story-title">{html.escape(story.title)}</h2>')
            out.extend(_inline_block(b) for b in story.blocks)
            out.append("</section>")
        return Markup("\n".join(out))

    def side_by_side(self) -> Markup:
        """A table: last year's text beside this year's, block by block."""
        out = ['<table class="side-by-side">',
               '<caption class="visually-hidden">Last year\'s text beside this year\'s, '
               "paragraph by paragraph</caption>",
               '<thead><tr><th scope="col">Last year</th><th scope="col">This year</th></tr>'
               "</thead>", "<tbody>"]
        def rows(blocks: list[Block]) -> None:
            for block in blocks:
                old, new = _side(block, "old"), _side(block, "new")
                changed = ' class="changed"' if _changed(block) else ""
                out.append(f"<tr{changed}><td>{old}</td><td>{new}</td></tr>")

        rows(self.blocks)
        for story in self.stories:
            out.append(f'<tr class="story"><th scope="colgroup" colspan="2">'
                       f"{html.escape(story.title)}</th></tr>")
            rows(story.blocks)
        out += ["</tbody>", "</table>"]
        return Markup("\n".join(out))


# --- reading ------------------------------------------------------------------------------


def read_redline(data: bytes, name: str) -> RedlineView:
    """Read the body of the redline ``data`` (called ``name`` in errors) under docgen's limits;
    raise :class:`~docgen.errors.DocxError` for a file docgen refuses to open."""
    package = Package.open(data, name)
    root = package.xml(package.main)
    body = root.find(_w("body"))
    counts = Counts()
    blocks = list(_blocks(body if body is not None else root, counts))
    return RedlineView(blocks, counts, _stories(package, root, counts))


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_KIND_WORDS = {"default": "", "first": " (first page)", "even": " (even pages)"}


def _stories(package: Package, root: etree._Element, counts: Counts) -> list[Story]:
    """The headers and footers of each section, in the document's order, then the footnotes,
    the endnotes and the comments."""
    main = package.main
    out: list[Story] = []
    seen: set[str] = set()
    sections = list(root.iter(_w("sectPr")))
    for number, sect in enumerate(sections, start=1):
        for ref in sect:
            if ref.tag not in (_w("headerReference"), _w("footerReference")):
                continue
            found = package.target(main, ref.get(f"{{{R}}}id", ""))
            if found is None or found[2] or found[1] in seen or found[1] not in package.parts:
                continue
            seen.add(found[1])
            what = "Header" if ref.tag == _w("headerReference") else "Footer"
            where = f"Section {number} " + what.lower() if len(sections) > 1 else what
            title = where + _KIND_WORDS.get(ref.get(_w("type"), "default"), "")
            part = package.xml(found[1])
            out.append(Story(title, list(_blocks(part, counts))))
    for kind, title in (("footnotes", "Footnotes"), ("endnotes", "Endnotes")):
        for _, part_name in package.related(main, kind)[:1]:
            if part_name not in package.parts:
                continue
            notes: list[Block] = []
            number = 0
            for note in package.xml(part_name):
                if note.get(_w("type")) not in (None, "normal"):
                    continue  # the separators
                number += 1
                notes.extend(_numbered(list(_blocks(note, counts)), f"{number}. "))
            if notes:
                out.append(Story(title, notes))
    for _, part_name in package.related(main, "comments")[:1]:
        if part_name not in package.parts:
            continue
        comments: list[Block] = []
        for comment in package.xml(part_name):
            if comment.tag != _w("comment"):
                continue
            author = comment.get(_w("author")) or "Someone"
            comments.extend(_numbered(list(_blocks(comment, counts)), f"{author}: "))
        if comments:
            out.append(Story("Comments", comments))
    return out


def _numbered(blocks: list[Block], label: str) -> list[Block]:
    """``blocks`` with ``label`` (a note's number, a comment's author) before the text of
    the first paragraph."""
    for block in blocks:
        if isinstance(block, Paragraph):
            block.segments.insert(0, Segment(SAME, label))
            break
    return blocks


def _blocks(container: etree._Element, counts: Counts) -> Iterable[Block]:
    for child in container:
        if child.tag == _w("p"):
            yield _paragraph(child, counts)
        elif child.tag == _w("tbl"):
            yield _table(child, counts)
        elif child.tag in _THROUGH:  # a block content control
            yield from _blocks(child, counts)


def _paragraph(p: etree._Element, counts: Counts) -> Paragraph:
    para = Paragraph()
    ppr = p.find(_w("pPr"))
    if ppr is not None:
        style = ppr.find(_w("pStyle"))
        value = style.get(_w("val"), "") if style is not None else ""
        para.heading = value.lower().startswith(("heading", "title"))
        if ppr.find(_w("pPrChange")) is not None:
            para.formatted = True
            counts.formatting += 1
        rpr = ppr.find(_w("rPr"))
        if rpr is not None:
            for tag, kind in _WRAPPERS.items():
                if rpr.find(tag) is not None:
                    para.mark = kind
    _runs(p, SAME, para, counts)
    return para


def _runs(element: etree._Element, kind: str, para: Paragraph, counts: Counts) -> None:
    for child in element:
        tag = child.tag
        if tag in _WRAPPERS:
            inner = _WRAPPERS[tag]
            if inner in (INS, MOVED_TO) and kind == DEL:
                inner = DEL  # inserted then deleted: gone
            before = len(para.segments)
            _runs(child, inner, para, counts)
            if len(para.segments) > before:
                if inner == INS:
                    counts.insertions += 1
                elif inner == DEL:
                    counts.deletions += 1
                elif inner == MOVED_TO:
                    counts.moves += 1
        elif tag == _w("r"):
            _run(child, kind, para, counts)
        elif tag in _THROUGH:
            _runs(child, kind, para, counts)


def _run(r: etree._Element, kind: str, para: Paragraph, counts: Counts) -> None:
    rpr = r.find(_w("rPr"))
    formatted = rpr is not None and rpr.find(_w("rPrChange")) is not None
    if formatted:
        counts.formatting += 1
    for child in r:
        tag = child.tag
        if tag in (_w("t"), _w("delText")):
            para.segments.append(Segment(kind, child.text or "", formatted))
        elif tag in (_w("tab"), _w("ptab")):
            para.segments.append(Segment(kind, "\t", formatted))
        elif tag in (_w("br"), _w("cr")):
            para.segments.append(Segment(kind, "", formatted, br=True))
        elif tag == _w("noBreakHyphen"):
            para.segments.append(Segment(kind, "\u2011", formatted))


def _table(tbl: etree._Element, counts: Counts) -> Table:
    rows = []
    for tr in tbl.iter(_w("tr")):
        parent = tr.getparent()
        if parent is not None and parent is not tbl and parent.tag != _w("sdtContent"):
            continue  # a nested table's row is shown in its cell
        kind = SAME
        trpr = tr.find(_w("trPr"))
        if trpr is not None:
            if trpr.find(_w("ins")) is not None:
                kind = INS
            elif trpr.find(_w("del")) is not None:
                kind = DEL
        if kind != SAME:
            counts.rows += 1
        cells = []
        for tc in tr.findall(_w("tc")):
            cells.append([b for b in _blocks(tc, counts) if isinstance(b, Paragraph)])
        rows.append(Row(cells, kind))
    return Table(rows)


# --- writing ------------------------------------------------------------------------------


def _text(text: str) -> str:
    return html.escape(text).replace("\t", " \u2003")


def _hidden(words: str) -> str:
    return f'<span class="visually-hidden">{html.escape(words)}</span>'


def _segment(s: Segment, shown: str) -> str:
    body = "<br>" if s.br else _text(s.text)
    if s.formatted:
        body = (f'<span class="fmt" title="formatting changed">{_hidden("formatting changed: ")}'
                f"{body}</span>")
    if shown == SAME:
        return body
    tag = "ins" if shown in (INS, MOVED_TO) else "del"
    label = _SPOKEN[shown]
    return f'<{tag} class="{shown}" title="{label}">{_hidden(label + ": ")}{body}</{tag}>'


def _join(segments: list[Segment], keep: set[str]) -> str:
    """The segments of ``keep``'s kinds, neighbours of one kind and formatting in one mark."""
    out: list[str] = []
    run: list[Segment] = []

    def flush() -> None:
        if run:
            merged = Segment(run[0].kind, "".join(s.text for s in run), run[0].formatted)
            out.append(_segment(merged, merged.kind))
            run.clear()

    for s in segments:
        if s.kind not in keep:
            continue
        if s.br:
            flush()
            out.append(_segment(s, s.kind))
        elif run and (run[0].kind, run[0].formatted) != (s.kind, s.formatted):
            flush()
            run.append(s)
        else:
            run.append(s)
    flush()
    return "".join(out)


_ALL = {SAME, INS, DEL, MOVED_FROM, MOVED_TO}
_OLD = {SAME, DEL, MOVED_FROM}
_NEW = {SAME, INS, MOVED_TO}


def _p(para: Paragraph, keep: set[str]) -> str:
    classes = ["heading"] if para.heading else []
    kind = para.kind
    if kind != SAME:
        classes.append(f"whole-{kind}")
    note = ""
    if para.formatted:
        classes.append("fmt-para")
        note = '<span class="fmt-note">(paragraph formatting changed)</span> '
    content = _join(para.segments, keep)
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<p{attr}>{note}{content}</p>"


def _cells(row: Row, keep: set[str]) -> str:
    tds = "".join("<td>" + "".join(_p(p, keep) for p in cell) + "</td>" for cell in row.cells)
    attr = ""
    if row.kind != SAME:
        label = "row inserted" if row.kind == INS else "row deleted"
        attr = f' class="row-{row.kind}" title="{label}"'
        first = _hidden(label + ": ")
        tds = tds.replace("<td>", "<td>" + first, 1)
    return f"<tr{attr}>{tds}</tr>"


def _tbl(table: Table, keep: set[str]) -> str:
    rows = [r for r in table.rows if r.kind in keep or r.kind == SAME]
    return ('<table class="doc-table"><tbody>' + "".join(_cells(r, keep) for r in rows)
            + "</tbody></table>")


def _inline_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _p(block, _ALL)
    return _tbl(block, _ALL)


def _side(block: Block, year: str) -> str:
    keep = _OLD if year == "old" else _NEW
    if isinstance(block, Paragraph):
        gone = (year == "old" and block.kind == INS) or (year == "new" and block.kind == DEL)
        return "" if gone else _p(block, keep)
    return _tbl(block, keep)


def _changed(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return block.formatted or block.kind != SAME or any(
            s.kind != SAME or s.formatted for s in block.segments)
    return any(r.kind != SAME or any(_changed(p) for c in r.cells for p in c)
               for r in block.rows)
