"""Compare two DOCX files and write the new one with Word's own tracked changes.

``redline(old, new, author=..., date=...)`` returns the new document in which every difference
from the old one is a revision a reviewer can accept or reject in Word or LibreOffice:

- paragraphs and table rows that were added or removed are whole inserted or deleted paragraphs
  (their paragraph marks too) and rows;
- a paragraph that changed is compared word by word (character by character in Chinese and
  Japanese), keeping the new document's formatting;
- each story is compared on its own: the body with its tables and text boxes, each header and
  footer (matched by section and type), footnotes and endnotes (matched through their references);
- fields, drawings and content controls are compared whole; bookmarks and comments of the new
  document are kept in place;
- a change of formatting or paragraph style is a ``w:rPrChange`` or ``w:pPrChange``, and styles
  that only the old document defines come along with the old text that uses them.

Revisions already in either input are accepted first, as Word's Compare does. Accepting every
change in the result gives the new document's text; rejecting every change gives the old one's.

Public API::

    redline(old: bytes, new: bytes, *, author="docgen", date, old_name, new_name) -> Redline
    redline_files(old_path, new_path, *, author, date) -> Redline

``Change(story, where, kind, old, new, context)`` describes one changed place:
``story`` is "body", "header 1 (default)", "footnote 3"…; ``where`` is "paragraph 12" or
"table 2, row 3, cell 1, paragraph 1"; ``kind`` is "inserted", "deleted", "changed" (the words)
or "formatted" (the same words, other formatting or paragraph style); ``context`` is the
paragraph as it reads in the new document (the old one for deletions).
"""

from __future__ import annotations

import copy
import datetime as dt
import posixpath
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import DocxError, Problem, UsageError
from ..ooxml.package import REL_TYPES, R, W, Package, read_docx

__all__ = ["Change", "Redline", "accept_revisions", "redline", "redline_files"]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- element groups -----------------------------------------------------------------------------

P, TBL, TR, TC, R_, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
PPR, RPR, TRPR, SDT, SDTCONTENT = w("pPr"), w("rPr"), w("trPr"), w("sdt"), w("sdtContent")
INS, DEL, MOVE_FROM, MOVE_TO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
DELTEXT, INSTR, DELINSTR = w("delText"), w("instrText"), w("delInstrText")
FLDCHAR, FLDSIMPLE, HYPERLINK = w("fldChar"), w("fldSimple"), w("hyperlink")
TXBX = w("txbxContent")
FN_REF, EN_REF = w("footnoteReference"), w("endnoteReference")

_WRAPPERS = {HYPERLINK, w("smartTag"), w("customXml"), w("dir"), w("bdo")}
_MARKERS = {w(t) for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                           "permStart", "permEnd", "proofErr", "moveFromRangeStart",
                           "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                           "customXmlInsRangeStart", "customXmlInsRangeEnd",
                           "customXmlDelRangeStart", "customXmlDelRangeEnd")}
_OLD_ONLY = _MARKERS | {w("commentReference")}
_CHANGES = {w(t) for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tcPrChange",
                           "trPrChange", "tblGridChange", "tblPrExChange", "numberingChange")}
_MOVE_RANGES = {w(t) for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                               "moveToRangeEnd")}
_IGNORED_IN_RUN = {RPR, w("lastRenderedPageBreak")}
_ATOM_KEYS = {
    w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011",
    w("softHyphen"): "\u00ad", w("ptab"): "\t",
}
_STORY_TAGS = {w("body"), w("hdr"), w("ftr"), w("footnote"), w("endnote"), TC, TXBX, SDTCONTENT,
               w("comment")}
# elements of CT_PPr that come after w:rPr
_AFTER_RPR_IN_PPR = {w("sectPr"), w("pPrChange")}
_SETTINGS_BEFORE_TRACK = [w(t) for t in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
    "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle", "proofState",
    "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView")]

_CJK = (r"\u2E80-\u2FFF\u3000-\u303F\u3040-\u30FF\u3100-\u31FF\u3400-\u4DBF\u4E00-\u9FFF"
        r"\uF900-\uFAFF\uFF00-\uFFEF\U00020000-\U0003FFFF")
# a token is one CJK character, a word (letters, digits, marks), a stretch of spaces, or one
# other character; Chinese and Japanese are written without spaces, so they go per character
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|.", re.S)

_WORD_NS = {"w": W}
_VML = "{urn:schemas-microsoft-com:vml}"
_ALL_IDS = etree.XPath("//@w:id", namespaces={"w": W})
_DOCPR_IDS = etree.XPath("//*[local-name()='docPr']/@id")
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_PARA_IDS = {f"{{{_W14}}}paraId", f"{{{_W14}}}textId"}
MAX_REPLACE_PAIRS = 4000
SMALL_DIFF = 250_000  # above this many token pairs a region is compared with Myers' diff…
RARE = 16             # … unless no element repeats more often than this (difflib stays linear)
MAX_EDITS = 1000      # beyond this many edits two regions are taken as wholly different  # above this many paragraph pairs, align a changed region by position


# -- public types -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    story: str
    where: str
    kind: str
    old: str
    new: str
    context: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Redline:
    docx: bytes
    changes: list[Change]
    revisions: int


def redline_files(old: str | Path, new: str | Path, *, author: str = "docgen",
                  date: dt.datetime) -> Redline:
    """Read two DOCX files safely and compare them (see :func:`redline`); the problems of both
    files are reported together."""
    packages: list[Package] = []
    problems: list[Problem] = []
    for path in (old, new):
        try:
            packages.append(Package.open(read_docx(path), str(path)))
        except DocxError as e:
            problems.extend(e.problems)
    if problems:
        raise DocxError("; ".join(p.message for p in problems), problems)
    return _compare(packages[0], packages[1], author, date)


def redline(old: bytes, new: bytes, *, author: str = "docgen", date: dt.datetime,
            old_name: str = "old.docx", new_name: str = "new.docx") -> Redline:
    """Return ``new`` with tracked changes that turn ``old`` into it."""
    return _compare(Package.open(old, old_name), Package.open(new, new_name), author, date)


def _compare(old: Package, new: Package, author: str, date: dt.datetime) -> Redline:
    if not author.strip() or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in author):
        raise UsageError(f"the author of the changes, {author!r}, must be a name on one line")
    return _Comparer(old, new, author, date).run()


def accept_revisions(root: etree._Element) -> None:
    """Accept every tracked change in one story part, in place (ECMA-376 §17.13.5)."""
    marks: list[etree._Element] = []
    for el in list(root.iter(DEL, MOVE_FROM, INS, MOVE_TO, w("cellDel"), w("cellIns"),
                             *_CHANGES, *_MOVE_RANGES)):
        parent = el.getparent()
        if parent is None:
            continue
        tag = el.tag
        if tag in _CHANGES or tag in _MOVE_RANGES or tag in (INS, MOVE_TO, w("cellIns")) and \
                parent.tag in (RPR, TRPR, w("tcPr")):
            parent.remove(el)
        elif tag in (DEL, MOVE_FROM) and parent.tag == RPR:
            marks.append(parent.getparent().getparent() if parent.getparent() is not None
                         else None)
            parent.remove(el)
        elif tag == DEL and parent.tag == TRPR:
            row = parent.getparent()
            if row.getparent() is not None:
                row.getparent().remove(row)
        elif tag == w("cellDel"):
            cell = parent.getparent()
            if cell is not None and cell.getparent() is not None:
                cell.getparent().remove(cell)
        elif tag in (DEL, MOVE_FROM):
            parent.remove(el)
        elif tag in (INS, MOVE_TO):
            _unwrap(el)
    for p in marks:
        if p is not None and p.tag == P and p.getparent() is not None:
            _merge_into_next(p)


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for i, child in enumerate(list(el)):
        parent.insert(index + i, child)
    parent.remove(el)


def _merge_into_next(p: etree._Element) -> None:
    content = [c for c in p if c.tag != PPR]
    nxt = p.getnext()
    while nxt is not None and nxt.tag in _MARKERS:
        nxt = nxt.getnext()
    if not _has_content(content):
        p.getparent().remove(p)
    elif nxt is not None and nxt.tag == P:
        at = 1 if len(nxt) and nxt[0].tag == PPR else 0
        for i, c in enumerate(content):
            nxt.insert(at + i, c)
        p.getparent().remove(p)


def _has_content(elements: list[etree._Element]) -> bool:
    return any(block_key(el) for el in elements if el.tag not in _MARKERS)


# -- keys: what a reader sees ----------------------------------------------------------------------

_KEY_TAGS = (T, w("tab"), w("br"), w("cr"), w("noBreakHyphen"), w("softHyphen"), w("ptab"),
             w("sym"), INSTR, w("drawing"), w("pict"), w("object"), FN_REF, EN_REF, P, TC, TR,
             w("footnoteRef"), w("endnoteRef"), FLDSIMPLE, HYPERLINK, "{http://schemas.openxmlformats.org/"
             "officeDocument/2006/math}t")


def block_key(el: etree._Element) -> str:
    """A string that changes whenever a reader would see a different text in ``el``."""
    parts: list[str] = []
    for d in el.iter(*_KEY_TAGS):
        tag = d.tag
        if tag == T or tag.endswith("}t"):
            parts.append(d.text or "")
        elif tag in _ATOM_KEYS:
            parts.append(_ATOM_KEYS[tag])
        elif tag == P:
            parts.append("\x1e")
            ppr = d.find(PPR)
            if ppr is not None and ppr.find(w("sectPr")) is not None:
                parts.append("\x06S")
        elif tag == TC:
            parts.append("\x1f")
        elif tag == TR:
            parts.append("\x1d")
        elif tag == INSTR:
            parts.append("\x01" + (d.text or ""))
        elif tag == FLDSIMPLE:
            parts.append("\x01" + (d.get(w("instr")) or ""))
        elif tag == w("sym"):
            parts.append("\x02" + (d.get(w("char")) or ""))
        elif tag in (FN_REF, EN_REF):
            parts.append("\x03n")
        elif tag == HYPERLINK:
            parts.append("\x07" + (d.get(f"{{{R}}}id") or "") + "#" + (d.get(w("anchor")) or ""))
        else:
            parts.append("\x04" + etree.QName(tag).localname)
    return "".join(parts)


def _plain(el: etree._Element) -> str:
    """Readable text of a paragraph for the change list."""
    out: list[str] = []
    for d in el.iter(T, DELTEXT, w("tab"), w("br"), w("cr"), w("noBreakHyphen")):
        if d.tag in (T, DELTEXT):
            out.append(d.text or "")
        elif d.tag == w("tab"):
            out.append("\t")
        elif d.tag == w("noBreakHyphen"):
            out.append("\u2011")
        else:
            out.append("\n")
    return "".join(out)


# -- tokens of a paragraph ------------------------------------------------------------------------

_NO_MARKERS: list = []  # shared, never appended to


@dataclass(slots=True)
class _Token:
    key: str
    pieces: list[tuple[Any, Any]]  # (source run or None, text str or element)
    wrap: tuple = ()               # wrapper elements (hyperlink …), outermost first
    markers: list = field(default_factory=list)  # new-side markers just before this token


def _paragraph_tokens(p: etree._Element, sign: Any = None
                      ) -> tuple[list[_Token], list[etree._Element]]:
    """Tokens of ``p`` and the markers after its last token.

    ``sign(wrapper)`` names what a wrapper means (a hyperlink's target), so that the same words
    linking somewhere else are a change.
    """
    items: list[tuple[tuple, Any, Any]] = []  # (wrap, run or None, child or text or marker)
    _flatten(p, (), items)
    if sign is not None:
        signs: dict[int, str] = {}
        for wrap, _, _ in items:
            for el in wrap:
                if id(el) not in signs:
                    signs[id(el)] = sign(el)
    tokens: list[_Token] = []
    pending: list[etree._Element] = []
    i = 0
    n = len(items)
    while i < n:
        wrap, run, child = items[i]
        if run is None and isinstance(child, etree._Element) and child.tag in _MARKERS:
            pending.append(child)
            i += 1
            continue
        if isinstance(child, etree._Element) and child.tag == FLDCHAR and \
                child.get(w("fldCharType")) == "begin":
            end = _field_end(items, i)
            if end is not None:
                pieces = []
                instr, result, separated = [], [], False
                markers = []
                for _, r2, c2 in items[i:end + 1]:
                    if r2 is None:
                        markers.append(c2)
                        continue
                    pieces.append((r2, c2))
                    if isinstance(c2, str):
                        (result if separated else instr).append(c2)
                    elif c2.tag == INSTR:
                        instr.append(c2.text or "")
                    elif c2.tag == FLDCHAR and c2.get(w("fldCharType")) == "separate":
                        separated = True
                    elif c2.tag in _ATOM_KEYS:
                        (result if separated else instr).append(_ATOM_KEYS[c2.tag])
                key = "\x01F" + "".join(instr) + "\x02" + "".join(result)
                tokens.append(_Token(key, pieces, wrap, pending))
                pending = markers
                i = end + 1
                continue
        if isinstance(child, str):
            words = _TOKEN.findall(child)
            if words:
                tokens.append(_Token(words[0], [(run, words[0])], wrap, pending))
                pending = []
                tokens.extend([_Token(t, [(run, t)], wrap, _NO_MARKERS) for t in words[1:]])
        else:
            tokens.append(_Token(_atom_key(child), [(run, child)], wrap, pending))
            pending = []
        i += 1
    if sign is not None:
        for tok in tokens:
            if tok.wrap:
                tok.key = "".join(signs[id(el)] for el in tok.wrap) + "\x00" + tok.key
    return tokens, pending


def _field_end(items: list, start: int) -> int | None:
    depth = 0
    for j in range(start, len(items)):
        c = items[j][2]
        if isinstance(c, etree._Element) and c.tag == FLDCHAR:
            kind = c.get(w("fldCharType"))
            if kind == "begin":
                depth += 1
            elif kind == "end":
                depth -= 1
                if depth == 0:
                    return j
    return None


def _flatten(parent: etree._Element, wrap: tuple, items: list) -> None:
    for child in parent:
        tag = child.tag
        if tag == PPR or not isinstance(tag, str):
            continue
        if tag == R_:
            for c in child:
                ctag = c.tag
                if ctag in _IGNORED_IN_RUN or not isinstance(ctag, str):
                    continue
                if ctag == T:
                    if c.text:
                        items.append((wrap, child, c.text))
                else:
                    items.append((wrap, child, c))
        elif tag in _WRAPPERS:
            _flatten(child, wrap + (child,), items)
        elif tag in _MARKERS:
            items.append((wrap, None, child))
        else:
            # fldSimple, inline content controls, math and anything else: one whole token
            items.append((wrap, None, child))


def _atom_key(el: etree._Element) -> str:
    tag = el.tag
    if tag in _ATOM_KEYS:
        return _ATOM_KEYS[tag]
    if tag == w("sym"):
        return "\x02" + (el.get(w("char")) or "")
    if tag in (FN_REF, EN_REF):
        return "\x03" + etree.QName(tag).localname
    if tag == FLDSIMPLE:
        return "\x01F" + (el.get(w("instr")) or "") + "\x02" + block_key(el)
    return "\x04" + etree.QName(tag).localname + "\x05" + block_key(el)


# -- the comparer -------------------------------------------------------------------------------

class _Comparer:
    def __init__(self, old: Package, new: Package, author: str, date: dt.datetime) -> None:
        self.old = old
        self.out = new
        self.author = author
        self.date = _w_date(date)
        self.changes: list[Change] = []
        self.revisions = 0
        self.next_id = 0
        self.next_docpr = 0
        self.story = "body"
        self.old_part = ""
        self.new_part = ""
        self.note_pairs: dict[str, list[tuple[str, str]]] = {"footnote": [], "endnote": []}
        self.old_notes: dict[str, list[tuple[str, etree._Element]]] = {"footnote": [],
                                                                       "endnote": []}
        self.new_notes_inserted: dict[str, list[str]] = {"footnote": [], "endnote": []}
        self.imported_rels: dict[tuple[str, str, str], str] = {}
        self.copied_parts: dict[str, str] = {}
        self.old_wrappers: dict[int, etree._Element] = {}
        self.old_styles_used: set[str] = set()
        self.keep_alive: list[etree._Element] = []

    # ---- driver

    def run(self) -> Redline:
        old_main, new_main = self.old.main, self.out.main
        old_parts = self._story_parts(self.old, old_main)
        new_parts = self._story_parts(self.out, new_main)
        for part in old_parts:
            accept_revisions(self.old.xml(part))
        for part in new_parts:
            accept_revisions(self.out.xml(part))
        self._number_from(new_parts)

        old_body = self.old.xml(old_main).find(w("body"))
        new_body = self.out.xml(new_main).find(w("body"))
        if old_body is None or new_body is None:
            which = self.old.name if old_body is None else self.out.name
            raise DocxError.at(which, "the main document part has no body")
        old_sections = _sections(old_body)
        new_sections = _sections(new_body)
        old_refs = _section_refs(old_sections, old_main, self.old)
        new_refs = _section_refs(new_sections, new_main, self.out)
        self.old_part, self.new_part = old_main, new_main
        self.story = "body"
        self._container(old_body, new_body, [])

        if len(old_sections) != len(new_sections):
            _explicit_headers(new_sections, new_refs)
        for kind in ("footnote", "endnote"):
            self._notes(kind, old_main, new_main)
        self._headers_footers(old_refs, new_refs, old_main, new_main, new_sections)
        self._track_revisions(new_main)
        self._carry_styles(old_main, new_main)
        return Redline(self.out.to_bytes(), self.changes, self.revisions)

    def _story_parts(self, pkg: Package, main: str) -> list[str]:
        parts = [main]
        for rel in ("header", "footer", "footnotes", "endnotes", "comments"):
            parts += [name for _, name in pkg.related(main, rel) if name in pkg.parts]
        return list(dict.fromkeys(parts))

    def _number_from(self, parts: list[str]) -> None:
        highest = 0
        docpr = 0
        for part in parts:
            root = self.out.xml(part)
            for v in _ALL_IDS(root):
                if v.lstrip("-").isdigit():
                    highest = max(highest, int(v))
            for v in _DOCPR_IDS(root):
                if v.isdigit():
                    docpr = max(docpr, int(v))
        self.next_id = highest + 1
        self.next_docpr = docpr + 1

    # ---- revision marks

    def _mark(self, tag: str) -> etree._Element:
        el = etree.Element(tag)
        el.set(w("id"), str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        self.next_id += 1
        self.revisions += 1
        return el

    def _mark_paragraph(self, p: etree._Element, tag: str) -> None:
        ppr = p.find(PPR)
        if ppr is None:
            ppr = etree.Element(PPR)
            p.insert(0, ppr)
        rpr = ppr.find(RPR)
        if rpr is None:
            rpr = etree.Element(RPR)
            at = len(ppr)
            for i, c in enumerate(ppr):
                if c.tag in _AFTER_RPR_IN_PPR:
                    at = i
                    break
            ppr.insert(at, rpr)
        for old in rpr.findall(INS) + rpr.findall(DEL):
            rpr.remove(old)
        rpr.insert(0, self._mark(tag))

    def _mark_row(self, tr: etree._Element, tag: str) -> None:
        trpr = tr.find(TRPR)
        if trpr is None:
            trpr = etree.Element(TRPR)
            at = 1 if len(tr) and tr[0].tag == w("tblPrEx") else 0
            tr.insert(at, trpr)
        for old in trpr.findall(INS) + trpr.findall(DEL):
            trpr.remove(old)
        if not len(trpr):
            # CT_TrPr needs one row property before the mark; this one is the default
            etree.SubElement(trpr, w("cantSplit")).set(w("val"), "off")
        change = trpr.find(w("trPrChange"))
        mark = self._mark(tag)
        if change is not None:
            change.addprevious(mark)
        else:
            trpr.append(mark)

    def _mark_block(self, block: etree._Element, tag: str) -> None:
        """Mark all of ``block`` (a paragraph, table or content control) inserted or deleted."""
        if block.tag == P:
            self._mark_runs(block, tag)
            self._mark_paragraph(block, tag)
            return
        for tr in list(block.iter(TR)):
            if not _inside(tr, TXBX, block):
                self._mark_row(tr, tag)
        for p in list(block.iter(P)):
            if not _inside(p, TXBX, block):
                self._mark_runs(p, tag)
                self._mark_paragraph(p, tag)

    def _mark_runs(self, parent: etree._Element, tag: str) -> None:
        """Wrap each stretch of runs of ``parent`` (a paragraph or wrapper) in one mark."""
        group: list[etree._Element] = []

        def flush() -> None:
            if group:
                mark = self._mark(tag)
                group[0].addprevious(mark)
                for el in group:
                    mark.append(el)
                group.clear()

        for child in list(parent):
            ctag = child.tag
            if ctag == PPR or not isinstance(ctag, str):
                continue
            if ctag == FLDSIMPLE:
                runs = _simple_field_runs(child)
                child.addprevious(runs[0])
                for r in runs[1:]:
                    child.addprevious(r)
                parent.remove(child)
                if tag == DEL:
                    for r in runs:
                        _to_deleted(r)
                group.extend(runs)
            elif ctag in (R_, SDT) or ctag.startswith("{http://schemas.openxmlformats.org/"
                                                      "officeDocument/2006/math}"):
                if tag == DEL:
                    _to_deleted(child)
                group.append(child)
            elif ctag in _WRAPPERS:
                flush()
                self._mark_runs(child, tag)
            else:
                flush()
        flush()

    # ---- containers (a story, a cell, a text box)

    def _container(self, old: etree._Element, new: etree._Element, where: list[str]) -> None:
        old_blocks = [c for c in old if c.tag in (P, TBL, SDT)]
        new_blocks = [c for c in new if c.tag in (P, TBL, SDT)]
        old_keys = [self._key(b, self.old, self.old_part) for b in old_blocks]
        new_keys = [self._key(b, self.out, self.new_part) for b in new_blocks]
        # paragraphs and tables are numbered as they stand in the redline
        counters = {"p": 0, "t": 0}
        ops = _slide(_opcodes(old_keys, new_keys), old_keys, new_keys,
                     lambda i: _starts_section(old_blocks[i]),
                     lambda i: _starts_section(new_blocks[i]))
        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                for o, n, key in zip(old_blocks[i1:i2], new_blocks[j1:j2], new_keys[j1:j2]):
                    self._count(n, counters)
                    if _same_markup(o, n):
                        if "\x03" in key:
                            self._pair_notes(o, n)
                    elif n.tag == P:  # same words, other formatting
                        self._paragraph(o, n, where + [f"paragraph {counters['p']}"])
                    elif n.tag == TBL:
                        self._table(o, n, where + [f"table {counters['t']}"])
                    else:
                        self._sdt(o, n, where, counters)
                continue
            pairs = self._align(old_blocks[i1:i2], new_blocks[j1:j2])
            prev = new_blocks[j1 - 1] if j1 > 0 else None
            first_new = new_blocks[j1] if j1 < len(new_blocks) else None
            for o, n in pairs:
                if n is None:
                    copy_ = self._import(o)
                    _place(new, copy_, prev, first_new)
                    prev = copy_
                    self._count(copy_, counters)
                    self._record_block(copy_, "deleted", where, counters)
                    self._mark_block(copy_, DEL)
                    continue
                prev = n
                self._count(n, counters)
                if o is None:
                    self._record_block(n, "inserted", where, counters)
                    self._mark_block(n, INS)
                elif n.tag == P:
                    self._paragraph(o, n, where + [f"paragraph {counters['p']}"])
                elif n.tag == TBL:
                    self._table(o, n, where + [f"table {counters['t']}"])
                else:
                    self._sdt(o, n, where, counters)

    def _key(self, block: etree._Element, pkg: Package, part: str) -> str:
        key = block.tag[-3:] + block_key(block)
        if "\x07" in key:  # hyperlinks: where they lead, not their relationship ids
            key = re.sub("\x07[^#]*#", "\x07#", key) + "".join(
                self._sign(h, pkg, part) for h in block.iter(HYPERLINK))
        return key

    @staticmethod
    def _count(block: etree._Element, counters: dict[str, int]) -> None:
        if block.tag == P:
            counters["p"] += 1
        elif block.tag == TBL:
            counters["t"] += 1

    def _align(self, old: list, new: list) -> list[tuple[Any, Any]]:
        """Pair similar blocks of a changed region, in order; the rest are deletions/insertions.

        The result lists, in document order, ``(old, None)`` deletions, ``(None, new)``
        insertions and ``(old, new)`` pairs to compare inside.
        """
        if len(old) == len(new) == 1 and old[0].tag == new[0].tag == P and \
                min(len(_words(old[0])), len(_words(new[0]))) <= 5:
            return [(old[0], new[0])]  # a short value changed in place: "~~$50~~ $75"
        if len(old) * len(new) > MAX_REPLACE_PAIRS:
            return _positional(old, new)
        ok = [[_similar(o, n) for n in new] for o in old]
        # best monotone matching by total similarity (a small dynamic programme)
        rows, cols = len(old), len(new)
        score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
        for i in range(rows - 1, -1, -1):
            for j in range(cols - 1, -1, -1):
                best = max(score[i + 1][j], score[i][j + 1])
                if ok[i][j] > 0:
                    best = max(best, score[i + 1][j + 1] + ok[i][j])
                score[i][j] = best
        out: list[tuple[Any, Any]] = []
        i = j = 0
        while i < rows and j < cols:
            if ok[i][j] > 0 and score[i][j] == score[i + 1][j + 1] + ok[i][j]:
                out.append((old[i], new[j]))
                i += 1
                j += 1
            elif score[i][j] == score[i + 1][j]:
                out.append((old[i], None))
                i += 1
            else:
                out.append((None, new[j]))
                j += 1
        out += [(o, None) for o in old[i:]]
        out += [(None, n) for n in new[j:]]
        return out

    # ---- a changed paragraph, word by word

    def _paragraph(self, old: etree._Element, new: etree._Element, where: list[str]) -> None:
        old_tokens, _ = _paragraph_tokens(old, lambda el: self._sign(el, self.old,
                                                                    self.old_part))
        new_tokens, tail_markers = _paragraph_tokens(new, lambda el: self._sign(el, self.out,
                                                                               self.new_part))
        ops = _smooth(_opcodes([t.key for t in old_tokens], [t.key for t in new_tokens]),
                      [t.key for t in new_tokens])
        segments: list[tuple[tuple, str | None, list]] = []  # (wrap, mark, pieces)

        def add(wrap: tuple, mark: str | None, piece: Any) -> None:
            if segments and segments[-1][0] == wrap and segments[-1][1] == mark:
                segments[-1][2].append(piece)
            else:
                segments.append((wrap, mark, [piece]))

        formatted = False
        differs: dict[tuple[int, int], bool] = {}  # (old run, new run) → other properties?

        def add_new(tok: _Token, mark: str | None, old: _Token | None = None) -> None:
            nonlocal formatted
            for m in tok.markers:
                add(tok.wrap, "marker", m)
            if old is None or len(old.pieces) != len(tok.pieces):
                for src, what in tok.pieces:
                    add(tok.wrap, mark, (src, what, None))
                return
            for (src, what), (before, _) in zip(tok.pieces, old.pieces):
                if src is None or before is None or before is src:
                    before = None
                else:
                    pair = (id(before), id(src))
                    changed = differs.get(pair)
                    if changed is None:
                        changed = differs[pair] = _rpr_sig(before) != _rpr_sig(src)
                    if changed:
                        formatted = True
                    else:
                        before = None
                add(tok.wrap, mark, (src, what, before))

        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                for o, n in zip(old_tokens[i1:i2], new_tokens[j1:j2]):
                    add_new(n, None, o)
                    if len(n.pieces) > 1 or not isinstance(n.pieces[0][1], str):
                        self._pair_refs(o, n)  # a note reference, a field …
                continue
            for tok in old_tokens[i1:i2]:
                wrap = tuple(self._old_wrapper(el) for el in tok.wrap
                             if el.tag == HYPERLINK)
                for src, what in tok.pieces:
                    add(wrap, DEL, (src, what, None))
            for tok in new_tokens[j1:j2]:
                add_new(tok, INS)
                self._note_inserted(tok)
        for m in tail_markers:
            add((), "marker", m)

        old_text = "".join(_token_text(t) for t in old_tokens)
        new_text = "".join(_token_text(t) for t in new_tokens)
        ppr = new.find(PPR)
        for child in list(new):
            if child is not ppr:
                new.remove(child)
        self._emit(new, segments)
        restyled = self._paragraph_properties(old, new)
        if old_text != new_text or any(op != "equal" for op, *_ in ops):
            self._record(where, "changed", old_text, new_text, new_text)
        elif formatted or restyled:
            self._record(where, "formatted", old_text, new_text, new_text)

    def _paragraph_properties(self, old: etree._Element, new: etree._Element) -> bool:
        """Track a change of paragraph properties (style, alignment …) with ``w:pPrChange``."""
        if _ppr_sig(old) == _ppr_sig(new):
            return False
        self._properties_changed(new, old, PPR, w("pPrChange"), (RPR, w("sectPr")))
        return True

    def _sign(self, el: etree._Element, pkg: Package, part: str) -> str:
        if el.tag != HYPERLINK:
            return "\x07" + etree.QName(el.tag).localname
        target = pkg.target(part, el.get(f"{{{R}}}id", "")) if part else None
        return "\x07" + (target[1] if target else "") + "#" + (el.get(w("anchor")) or "")

    def _old_wrapper(self, el: etree._Element) -> etree._Element:
        """A hyperlink of the old document, fit to wrap its deleted words in the new one."""
        clone = self.old_wrappers.get(id(el))
        if clone is None:
            clone = etree.Element(el.tag, dict(el.attrib))
            for name, value in list(clone.attrib.items()):
                if name.startswith(f"{{{R}}}"):
                    clone.set(name, self._import_rel(self.old_part, value))
            self.old_wrappers[id(el)] = clone
            self.keep_alive.append(el)
        return clone

    def _emit(self, paragraph: etree._Element, segments: list) -> None:
        holders: list[tuple[Any, etree._Element]] = []  # open wrappers, outermost first

        def container_for(wrap: tuple) -> etree._Element:
            # reuse open wrapper clones while the chain matches
            k = 0
            while k < len(holders) and k < len(wrap) and holders[k][0] is wrap[k]:
                k += 1
            del holders[k:]
            parent = holders[-1][1] if holders else paragraph
            for src in wrap[k:]:
                clone = etree.SubElement(parent, src.tag, dict(src.attrib))
                holders.append((src, clone))
                parent = clone
            return parent

        for wrap, mark, pieces in segments:
            parent = container_for(wrap)
            if mark == "marker":
                for m in pieces:
                    parent.append(m)
                continue
            runs = self._runs(pieces, deleted=mark == DEL)
            if mark is None:
                for r in runs:
                    parent.append(r)
            else:
                rev = self._mark(mark)
                parent.append(rev)
                for r in runs:
                    if r.tag == FLDSIMPLE:
                        converted = _simple_field_runs(r)
                        if mark == DEL:
                            for c in converted:
                                _to_deleted(c)
                        for c in converted:
                            rev.append(c)
                    else:
                        rev.append(r)

    def _runs(self, pieces: list, deleted: bool) -> list[etree._Element]:
        """Output runs for pieces (``(source run, text or element, old run)``), grouped by
        source run; an old run with other properties becomes a ``w:rPrChange``."""
        out: list[etree._Element] = []
        current = None
        run = None
        text_tag = DELTEXT if deleted else T
        texts: list[str] = []  # words waiting to become one w:t (joined once: no O(n²) text)

        def flush() -> None:
            if texts:
                t = etree.SubElement(run, text_tag)
                t.text = "".join(texts)
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                texts.clear()

        for src, what, before in pieces:
            if src is None:
                flush()
                el = self._import(what) if deleted else what
                if deleted and el.tag == SDT:
                    _to_deleted(el)
                out.append(el)
                current = run = None
                continue
            if run is None or (src, before) != current:
                flush()
                run = etree.Element(R_, dict(src.attrib))
                rpr = src.find(RPR)
                if rpr is not None:
                    run.append(self._import(rpr) if deleted else copy.deepcopy(rpr))
                if before is not None:
                    self._run_properties_changed(run, before)
                out.append(run)
                current = (src, before)
            if isinstance(what, str):
                texts.append(what)
            else:
                flush()
                el = self._import(what) if deleted else copy.deepcopy(what)
                if deleted:
                    _to_deleted(el)
                run.append(el)
        flush()
        return out

    def _run_properties_changed(self, run: etree._Element, before: etree._Element) -> None:
        self._properties_changed(run, before, RPR, w("rPrChange"), ())

    def _properties_changed(self, owner: etree._Element, before: etree._Element, props: str,
                            change_tag: str, skip: tuple[str, ...]) -> None:
        """Record ``before``'s properties in a ``*PrChange``, the last child of ``owner``'s."""
        current = owner.find(props)
        if current is None:
            current = etree.Element(props)
            owner.insert(0, current)
        for previous in current.findall(change_tag):
            current.remove(previous)
        change = self._mark(change_tag)
        old_props = etree.SubElement(change, props)
        old = before.find(props)
        for c in (old if old is not None else []):
            if c.tag != change_tag and c.tag not in skip:
                old_props.append(self._import(c))
        current.append(change)

    # ---- tables

    def _table(self, old: etree._Element, new: etree._Element, where: list[str]) -> None:
        old_rows = old.findall(TR)
        new_rows = new.findall(TR)
        ops = _opcodes([block_key(r) for r in old_rows], [block_key(r) for r in new_rows])
        row_no = 0
        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                for o, n in zip(old_rows[i1:i2], new_rows[j1:j2]):
                    row_no += 1
                    if _same_markup(o, n) or _row_shape(o) != _row_shape(n):
                        self._pair_notes(o, n)
                        continue
                    for c, (oc, nc) in enumerate(zip(o.findall(TC), n.findall(TC)), 1):
                        if not _same_markup(oc, nc):
                            self._container(oc, nc, where + [f"row {row_no}", f"cell {c}"])
                        else:
                            self._pair_notes(oc, nc)
                continue
            prev = new_rows[j1 - 1] if j1 > 0 else None
            first_new = new_rows[j1] if j1 < len(new_rows) else None
            for o, n in self._align_rows(old_rows[i1:i2], new_rows[j1:j2]):
                row_no += 1
                here = where + [f"row {row_no}"]
                if n is not None:
                    prev = n
                if n is None:
                    copy_ = self._import(o)
                    _place(new, copy_, prev, first_new)
                    prev = copy_
                    self._record(here, "deleted", _row_text(copy_), "", _row_text(copy_))
                    self._mark_row(copy_, DEL)
                    for p in _own_paragraphs(copy_):
                        self._mark_runs(p, DEL)
                        self._mark_paragraph(p, DEL)
                elif o is None:
                    self._record(here, "inserted", "", _row_text(n), _row_text(n))
                    self._mark_row(n, INS)
                    for p in _own_paragraphs(n):
                        self._mark_runs(p, INS)
                        self._mark_paragraph(p, INS)
                else:
                    for c, (oc, nc) in enumerate(zip(o.findall(TC), n.findall(TC)), 1):
                        if not _same_markup(oc, nc):
                            self._container(oc, nc, here + [f"cell {c}"])
                        else:
                            self._pair_notes(oc, nc)

    def _align_rows(self, old: list, new: list) -> list[tuple[Any, Any]]:
        pairs = self._align(old, new)
        out: list[tuple[Any, Any]] = []
        for o, n in pairs:
            if o is not None and n is not None and _row_shape(o) != _row_shape(n):
                out += [(o, None), (None, n)]
            else:
                out.append((o, n))
        return out

    def _sdt(self, old: etree._Element, new: etree._Element, where: list[str],
             counters: dict[str, int]) -> None:
        oc, nc = old.find(SDTCONTENT), new.find(SDTCONTENT)
        if oc is not None and nc is not None:
            self._container(oc, nc, where + ["content control"])
            return
        copy_ = self._import(old)
        new.addprevious(copy_)
        self._mark_block(copy_, DEL)
        self._mark_block(new, INS)

    # ---- notes

    def _pair_notes(self, old: etree._Element, new: etree._Element) -> None:
        for tag, kind in ((FN_REF, "footnote"), (EN_REF, "endnote")):
            olds = [e.get(w("id")) for e in old.iter(tag)]
            news = [e.get(w("id")) for e in new.iter(tag)]
            self.note_pairs[kind] += list(zip(olds, news))

    def _pair_refs(self, old: _Token, new: _Token) -> None:
        for (_, o), (_, n) in zip(old.pieces, new.pieces):
            if not (isinstance(o, etree._Element) and isinstance(n, etree._Element)):
                continue
            if o.tag in (FN_REF, EN_REF) and o.tag == n.tag:
                kind = "footnote" if o.tag == FN_REF else "endnote"
                self.note_pairs[kind].append((o.get(w("id")), n.get(w("id"))))
            else:
                self._pair_notes(o, n)

    def _note_inserted(self, tok: _Token) -> None:
        for _, n in tok.pieces:
            if isinstance(n, etree._Element):
                for ref in n.iter(FN_REF, EN_REF):
                    kind = "footnote" if ref.tag == FN_REF else "endnote"
                    self.new_notes_inserted[kind].append(ref.get(w("id")))

    def _notes(self, kind: str, old_main: str, new_main: str) -> None:
        old_part = _first(self.old.related(old_main, kind + "s"))
        new_part = _first(self.out.related(new_main, kind + "s"))
        pairs = self.note_pairs[kind]
        deleted = self.old_notes[kind]
        if not pairs and not deleted and not self.new_notes_inserted[kind]:
            return
        if new_part is None:
            if not deleted or old_part is None:
                return
            new_part = self._add_notes_part(kind, old_part, new_main)
        new_root = self.out.xml(new_part)
        new_by_id = {n.get(w("id")): n for n in new_root.findall(w(kind))}
        old_by_id = ({n.get(w("id")): n for n in self.old.xml(old_part).findall(w(kind))}
                     if old_part else {})
        self.old_part, self.new_part = old_part or "", new_part
        for number, (oid, nid) in enumerate(pairs, 1):
            o, n = old_by_id.get(oid), new_by_id.get(nid)
            if o is None or n is None:
                continue
            if not _same_markup(o, n):
                self.story = f"{kind} {number}"
                self._container(o, n, [])
        for nid in self.new_notes_inserted[kind]:
            n = new_by_id.get(nid)
            if n is not None:
                for block in [c for c in n if c.tag in (P, TBL, SDT)]:
                    self._mark_block(block, INS)
        for new_id, old_note in deleted:
            note = self._import(old_note, part_from=old_part)
            note.set(w("id"), new_id)
            new_root.append(note)
            for block in [c for c in note if c.tag in (P, TBL, SDT)]:
                self._mark_block(block, DEL)

    def _add_notes_part(self, kind: str, old_part: str, new_main: str) -> str:
        old_root = self.old.xml(old_part)
        root = etree.Element(old_root.tag, nsmap=old_root.nsmap)
        for note in old_root.findall(w(kind)):
            if note.get(w("type")) in ("separator", "continuationSeparator",
                                       "continuationNotice"):
                root.append(copy.deepcopy(note))
        name = f"word/{kind}s.xml"
        n = 1
        while name in self.out.parts:
            name = f"word/{kind}s{n}.xml"
            n += 1
        self.out.set_xml(name, root)
        self.out.add_relationship(new_main, REL_TYPES + kind + "s", name)
        self.out.ensure_content_type(name, content_type="application/vnd.openxmlformats-"
                                     f"officedocument.wordprocessingml.{kind}s+xml")
        return name

    # ---- headers and footers

    def _headers_footers(self, old_refs: dict, new_refs: dict, old_main: str, new_main: str,
                         new_sections: list[etree._Element]) -> None:
        done: set[str] = set()
        for (index, kind, typ), (new_part, _) in new_refs.items():
            if new_part in done or new_part not in self.out.parts:
                continue
            done.add(new_part)
            old_part = _effective(old_refs, index, kind, typ)
            new_root = self.out.xml(new_part)
            self.story = f"{kind} {index + 1} ({_TYPE_NAMES.get(typ, typ)})"
            self.old_part, self.new_part = old_part or "", new_part
            if old_part is None or old_part not in self.old.parts:
                self._whole_story(new_root, INS)
                continue
            old_root = self.old.xml(old_part)
            if not _same_markup(old_root, new_root):
                self._container(old_root, new_root, [])
        # a header or footer the new document no longer has: bring it back, all deleted
        for (index, kind, typ), (old_part, rid) in old_refs.items():
            if index >= len(new_sections) or _effective(new_refs, index, kind, typ) is not None:
                continue
            self.old_part, self.new_part = old_main, new_main
            name = self._copy_part(old_part, fresh=True)
            if name is None:
                continue
            rel_type = REL_TYPES + kind
            new_rid = self.out.add_relationship(new_main, rel_type, name)
            ref = etree.Element(w(f"{kind}Reference"))
            ref.set(w("type"), typ)
            ref.set(f"{{{R}}}id", new_rid)
            new_sections[index].insert(0, ref)
            self.story = f"{kind} {index + 1} ({_TYPE_NAMES.get(typ, typ)})"
            self.old_part, self.new_part = old_part, name
            self._whole_story(self.out.xml(name), DEL)

    def _whole_story(self, root: etree._Element, tag: str) -> None:
        counters = {"p": 0, "t": 0}
        for b in [c for c in root if c.tag in (P, TBL, SDT)]:
            self._count(b, counters)
            if block_key(b).strip("\x1e"):
                self._record_block(b, "inserted" if tag == INS else "deleted", [], counters)
            self._mark_block(b, tag)

    # ---- styles

    def _carry_styles(self, old_main: str, new_main: str) -> None:
        """Copy the styles that old content brought back uses and the new document lacks, so
        that a rejected change looks as it did."""
        old_part = _first(self.old.related(old_main, "styles"))
        new_part = _first(self.out.related(new_main, "styles"))
        if not self.old_styles_used or old_part is None or new_part is None:
            return
        old_styles = {st.get(w("styleId")): st for st in self.old.xml(old_part).iter(w("style"))}
        new_root = self.out.xml(new_part)
        have = {st.get(w("styleId")) for st in new_root.iter(w("style"))}
        wanted = sorted(self.old_styles_used)
        while wanted:
            sid = wanted.pop(0)
            if sid in have or sid not in old_styles:
                continue
            style = copy.deepcopy(old_styles[sid])
            for ref in ("basedOn", "next", "link"):
                r = style.find(w(ref))
                if r is not None and r.get(w("val")) not in have:
                    if r.get(w("val")) in old_styles:
                        wanted.append(r.get(w("val")))
                    else:
                        style.remove(r)
            new_root.append(style)
            have.add(sid)

    # ---- settings

    def _track_revisions(self, main: str) -> None:
        found = _first(self.out.related(main, "settings"))
        if found is None:
            root = etree.Element(w("settings"), nsmap={"w": W})
            found = "word/settings.xml"
            self.out.set_xml(found, root)
            self.out.add_relationship(main, REL_TYPES + "settings", found)
            self.out.ensure_content_type(found, content_type="application/vnd.openxmlformats-"
                                         "officedocument.wordprocessingml.settings+xml")
        settings = self.out.xml(found)
        if settings.find(w("trackRevisions")) is not None:
            return
        at = 0
        for i, child in enumerate(settings):
            if child.tag in _SETTINGS_BEFORE_TRACK:
                at = i + 1
        settings.insert(at, etree.Element(w("trackRevisions")))

    # ---- copying old content into the new document

    def _import(self, el: etree._Element, part_from: str | None = None) -> etree._Element:
        """A copy of old content fit to live in the new document."""
        el = copy.deepcopy(el)
        source = part_from or self.old_part
        for d in list(el.iter()):
            tag = d.tag
            if not isinstance(tag, str):
                continue
            if tag in _OLD_ONLY:
                parent = d.getparent()
                if parent is not None:
                    parent.remove(d)
                    # a run that held only the comment's mark goes with it
                    if parent.tag == R_ and all(c.tag == RPR for c in parent) and \
                            parent.getparent() is not None:
                        parent.getparent().remove(parent)
                continue
            if tag in _STYLE_REFS:
                self.old_styles_used.add(d.get(w("val"), ""))
            if tag in (FN_REF, EN_REF):
                kind = "footnote" if tag == FN_REF else "endnote"
                old_id = d.get(w("id"))
                note = self._old_note(kind, old_id)
                if note is not None:
                    new_id = str(self._new_note_id(kind))
                    self.old_notes[kind].append((new_id, note))
                    d.set(w("id"), new_id)
            if tag.endswith("}docPr"):
                d.set("id", str(self.next_docpr))
                self.next_docpr += 1
            elif tag.startswith(_VML) and d.get("id"):
                d.set("id", f"{d.get('id')}_old{self.next_docpr}")
                self.next_docpr += 1
            for name, value in list(d.attrib.items()):
                if name in _PARA_IDS:
                    del d.attrib[name]
                elif name.startswith(f"{{{R}}}"):
                    d.set(name, self._import_rel(source, value))
        return el

    def _old_note(self, kind: str, old_id: str | None) -> etree._Element | None:
        part = _first(self.old.related(self.old.main, kind + "s"))
        if part is None or old_id is None:
            return None
        for note in self.old.xml(part).findall(w(kind)):
            if note.get(w("id")) == old_id:
                return note
        return None

    def _new_note_id(self, kind: str) -> int:
        part = _first(self.out.related(self.out.main, kind + "s"))
        used = {int(i) for i, _ in self.old_notes[kind]}
        if part is not None:
            for note in self.out.xml(part).findall(w(kind)):
                v = note.get(w("id"), "0")
                if v.lstrip("-").isdigit():
                    used.add(int(v))
        return max(used | {1}) + 1

    def _import_rel(self, part: str, rid: str) -> str:
        dest = self.new_part or self.out.main
        known = self.imported_rels.get((part, rid, dest))
        if known is not None:
            return known
        target = self.old.target(part, rid) if part else None
        if target is None:
            return rid
        rel_type, where, external = target
        if external:
            new_rid = self.out.add_relationship(dest, rel_type, where, external=True)
        else:
            name = self._copy_part(where)
            if name is None:
                return rid
            new_rid = self.out.add_relationship(dest, rel_type, name)
        self.imported_rels[(part, rid, dest)] = new_rid
        return new_rid

    def _copy_part(self, where: str, fresh: bool = False) -> str | None:
        """Copy an old part (an image, a header) and the parts it refers to into the new one."""
        if where in self.copied_parts and not fresh:
            return self.copied_parts[where]
        data = self.old.parts.get(where)
        if data is None:
            return None
        base, ext = posixpath.splitext(where)
        name = f"{base}-old{ext}"
        n = 1
        while name in self.out.parts:
            name = f"{base}-old{n}{ext}"
            n += 1
        if not fresh:
            self.copied_parts[where] = name
        ctype = self.old.content_type(where)
        if ctype and ctype.endswith((".header+xml", ".footer+xml")):
            root = copy.deepcopy(self.old.xml(where))
            for d in list(root.iter(*_OLD_ONLY)):
                d.getparent().remove(d)
            self.out.set_xml(name, root)
        else:
            self.out.parts[name] = data
        if ctype:
            self.out.ensure_content_type(name, extension_type=ctype)
            if self.out.content_type(name) != ctype:
                self.out.ensure_content_type(name, content_type=ctype)
        if self.old.rels_name(where) in self.old.parts:
            rels = copy.deepcopy(self.old.rels(where))
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                inner = self._copy_part(self.old.resolve(where, rel.get("Target", "")))
                if inner is not None:
                    rel.set("Target", posixpath.relpath(inner, posixpath.dirname(name)))
            self.out.set_xml(self.out.rels_name(name), rels)
        return name

    # ---- the change list

    def _record(self, where: list[str], kind: str, old: str, new: str, context: str) -> None:
        self.changes.append(Change(self.story, ", ".join(where) or "paragraph", kind, old, new,
                                   context))

    def _record_block(self, block: etree._Element, kind: str, where: list[str],
                      counters: dict[str, int]) -> None:
        text = _plain(block) if block.tag == P else _block_text(block)
        label = (f"paragraph {counters['p']}" if block.tag == P else
                 f"table {counters['t']}" if block.tag == TBL else "content control")
        old, new = (text, "") if kind == "deleted" else ("", text)
        self._record(where + [label], kind, old, new, text)


_TYPE_NAMES = {"default": "default", "first": "first page", "even": "even pages"}


def _sections(body: etree._Element) -> list[etree._Element]:
    """The section properties of a body, in order (the last one belongs to the body)."""
    sections = [x for x in body.iter(w("sectPr")) if x.getparent().tag == PPR]
    last = body.find(w("sectPr"))
    if last is not None:
        sections.append(last)
    return sections


def _section_refs(sections: list[etree._Element], main: str,
                  pkg: Package) -> dict[tuple, tuple[str, str]]:
    """``(section index, "header"|"footer", type) -> (part, relationship id)``."""
    refs: dict[tuple, tuple[str, str]] = {}
    for index, sect in enumerate(sections):
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                rid = ref.get(f"{{{R}}}id", "")
                target = pkg.target(main, rid)
                if target is not None and not target[2] and target[1] in pkg.parts:
                    refs[(index, kind, ref.get(w("type"), "default"))] = (target[1], rid)
    return refs


def _explicit_headers(sections: list[etree._Element], refs: dict) -> None:
    """Give every section its own references to the headers and footers it inherits.

    This does not change what a reader sees, but when a section break is inserted or deleted
    the sections on either side of it keep their headers whichever way the change goes.
    """
    current: dict[tuple[str, str], str] = {}
    for index, sect in enumerate(sections):
        for (k, kind, typ), (_, rid) in refs.items():
            if k == index:
                current[(kind, typ)] = rid
        own = {(etree.QName(r.tag).localname[:-9], r.get(w("type"), "default"))
               for r in sect if r.tag in (w("headerReference"), w("footerReference"))}
        for (kind, typ), rid in sorted(current.items()):
            if (kind, typ) not in own:
                ref = etree.Element(w(f"{kind}Reference"))
                ref.set(w("type"), typ)
                ref.set(f"{{{R}}}id", rid)
                sect.insert(0, ref)


def _effective(refs: dict, index: int, kind: str, typ: str) -> str | None:
    """The part a section shows: its own, else the previous section's (Word's inheritance)."""
    for k in range(index, -1, -1):
        found = refs.get((k, kind, typ))
        if found is not None:
            return found[0]
    return None


def _first(items: list[tuple[str, str]]) -> str | None:
    return items[0][1] if items else None


_STYLE_REFS = {w("pStyle"), w("rStyle"), w("tblStyle")}
_NOISE = re.compile(rb' (?:w:rsid\w*|w14:paraId|w14:textId)="[^"]*"')


def _rpr_sig(run: etree._Element) -> bytes:
    rpr = run.find(RPR) if len(run) else None
    if rpr is None:
        return b""
    return b"".join(_NOISE.sub(b"", etree.tostring(c)) for c in rpr
                    if c.tag != w("rPrChange"))


def _ppr_sig(p: etree._Element) -> bytes:
    ppr = p.find(PPR)
    if ppr is None:
        return b""
    return b"".join(_NOISE.sub(b"", etree.tostring(c)) for c in ppr
                    if c.tag not in (RPR, w("sectPr"), w("pPrChange")))


def _markup(el: etree._Element) -> bytes:
    """A block's markup without what carries no meaning (revision-session ids, paragraph ids)."""
    return _NOISE.sub(b"", etree.tostring(el))


def _same_markup(a: etree._Element, b: etree._Element) -> bool:
    raw_a, raw_b = etree.tostring(a), etree.tostring(b)
    return raw_a == raw_b or _NOISE.sub(b"", raw_a) == _NOISE.sub(b"", raw_b)


def _inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _own_paragraphs(el: etree._Element) -> list[etree._Element]:
    return [p for p in el.iter(P) if not _inside(p, TXBX, el)]


def _place(container: etree._Element, block: etree._Element, prev: etree._Element | None,
           first_new: etree._Element | None) -> None:
    """Put an old block back: after ``prev``, else before ``first_new``, else at the end."""
    if prev is not None:
        prev.addnext(block)
    elif first_new is not None:
        first_new.addprevious(block)
    else:
        _append_block(container, block)


def _append_block(container: etree._Element, block: etree._Element) -> None:
    """Append a block to a container, before a body's final section properties."""
    last = container[-1] if len(container) else None
    if last is not None and last.tag == w("sectPr"):
        last.addprevious(block)
    else:
        container.append(block)


def _to_deleted(el: etree._Element) -> None:
    for d in el.iter(T, INSTR):
        d.tag = DELTEXT if d.tag == T else DELINSTR
        if d.tag == DELTEXT:
            d.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _simple_field_runs(fld: etree._Element) -> list[etree._Element]:
    """A ``w:fldSimple`` as the runs of a complex field, which revision marks may wrap."""
    inner = [r for r in fld if r.tag == R_]
    rpr = inner[0].find(RPR) if inner else None

    def run(*children: etree._Element) -> etree._Element:
        r = etree.Element(R_)
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        for c in children:
            r.append(c)
        return r

    def char(kind: str) -> etree._Element:
        c = etree.Element(FLDCHAR)
        c.set(w("fldCharType"), kind)
        return c

    instr = etree.Element(INSTR)
    instr.text = fld.get(w("instr"), "")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [run(char("begin")), run(instr), run(char("separate"))] + inner + [run(char("end"))]


def _token_text(tok: _Token) -> str:
    if len(tok.pieces) == 1 and isinstance(tok.pieces[0][1], str):
        return tok.pieces[0][1]
    out = []
    for _, what in tok.pieces:
        if isinstance(what, str):
            out.append(what)
        elif what.tag in _ATOM_KEYS:
            out.append(_ATOM_KEYS[what.tag])
        elif what.tag in (FLDSIMPLE, SDT):
            out.append(_plain(what))
    return "".join(out)


def _row_text(tr: etree._Element) -> str:
    return " | ".join(_plain(tc) for tc in tr.findall(TC))


def _block_text(block: etree._Element) -> str:
    if block.tag == TBL:
        return "\n".join(_row_text(tr) for tr in block.findall(TR))
    return _plain(block)


def _row_shape(tr: etree._Element) -> tuple:
    shape = []
    for tc in tr.findall(TC):
        tcpr = tc.find(w("tcPr"))
        span = tcpr.find(w("gridSpan")) if tcpr is not None else None
        vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
        shape.append((span.get(w("val")) if span is not None else "1",
                      None if vmerge is None else (vmerge.get(w("val")) or "continue")))
    return tuple(shape)


def _similar(old: etree._Element, new: etree._Element) -> float:
    """How alike two blocks read, 0 when they should not be paired at all."""
    if old.tag != new.tag:
        return 0.0
    a, b = block_key(old), block_key(new)
    if not a.strip() and not b.strip():
        return 0.6
    if not a.strip() or not b.strip():
        return 0.0
    # words only: shared spaces, punctuation and digits alone do not make two sentences alike
    ta = [t for t in _TOKEN.findall(a) if t[0].isalpha() or len(t) > 2]
    tb = [t for t in _TOKEN.findall(b) if t[0].isalpha() or len(t) > 2]
    if not ta or not tb:
        return 0.6 if ta == tb else 0.0
    sm = SequenceMatcher(None, ta, tb, autojunk=False)
    if sm.real_quick_ratio() < 0.5 or sm.quick_ratio() < 0.5:
        return 0.0
    same = sum(i2 - i1 for op, i1, i2, _, _ in _opcodes(ta, tb) if op == "equal")
    ratio = 2.0 * same / (len(ta) + len(tb))
    return ratio if ratio >= 0.5 else 0.0


def _words(block: etree._Element) -> list[str]:
    return [t for t in _TOKEN.findall(block_key(block)) if t[0].isalnum()]


def _positional(old: list, new: list) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    for k in range(max(len(old), len(new))):
        o = old[k] if k < len(old) else None
        n = new[k] if k < len(new) else None
        if o is not None and n is not None and _similar(o, n) == 0.0:
            out += [(o, None), (None, n)]
        else:
            out.append((o, n))
    return out


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Edit operations turning ``a`` into ``b``; common ends are trimmed first for speed.

    Small regions, and regions whose elements rarely repeat (the paragraphs of a document), use
    difflib, whose longest-match alignment reads well; large regions of repeated elements (the
    words and spaces of a very long paragraph) use Myers' O(ND) diff, which stays fast when the
    changes are few where difflib would be quadratic.
    """
    n, m = len(a), len(b)
    start = 0
    while start < n and start < m and a[start] == b[start]:
        start += 1
    end = 0
    while end < n - start and end < m - start and a[n - 1 - end] == b[m - 1 - end]:
        end += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    mid_a, mid_b = a[start:n - end], b[start:m - end]
    if len(mid_a) * len(mid_b) <= SMALL_DIFF or \
            max(Counter(mid_b).values(), default=0) <= RARE:
        middle = SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes()
    else:
        middle = _myers(mid_a, mid_b)
    for op, i1, i2, j1, j2 in middle:
        ops.append((op, i1 + start, i2 + start, j1 + start, j2 + start))
    if end:
        ops.append(("equal", n - end, n, m - end, m))
    return [o for o in ops if o[1] != o[2] or o[3] != o[4]]


def _myers(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Myers' greedy shortest edit script as difflib opcodes; beyond ``MAX_EDITS`` edits the
    two sides are simply different, and one replacement says so."""
    n, m = len(a), len(b)
    common = sum((Counter(a) & Counter(b)).values())
    limit = min(n + m, MAX_EDITS)
    if n + m - 2 * common > limit:  # more edits than the limit, whatever the order
        return [("replace", 0, n, 0, m)] if n and m else \
            [("delete", 0, n, 0, 0)] if n else [("insert", 0, 0, 0, m)]
    offset = limit + 1
    v = [0] * (2 * limit + 3)
    trace: list[list[int]] = []
    found = False
    for d in range(limit + 1):
        trace.append(v[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            v[offset + k] = x
            if x >= n and y >= m:
                found = True
                break
        if found:
            break
    if not found:
        return [("replace", 0, n, 0, m)] if n and m else \
            [("delete", 0, n, 0, 0)] if n else [("insert", 0, 0, 0, m)]
    # walk back through the saved frontiers: each step is a snake, then one edit
    steps: list[tuple[str, int, int]] = []  # (kind, x, y) of single elements, back to front
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        before = trace[d]
        k = x - y
        if k == -d or (k != d and before[offset + k - 1] < before[offset + k + 1]):
            prev_k = k + 1
        else:
            prev_k = k - 1
        prev_x = before[offset + prev_k]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x -= 1
            y -= 1
            steps.append(("equal", x, y))
        if x == prev_x:
            y -= 1
            steps.append(("insert", x, y))
        else:
            x -= 1
            steps.append(("delete", x, y))
    while x > 0 and y > 0:
        x -= 1
        y -= 1
        steps.append(("equal", x, y))
    steps.reverse()
    ops: list[list[Any]] = []
    i = j = 0
    for kind, x, y in steps:
        tag = "equal" if kind == "equal" else "change"
        if not ops or ops[-1][0] != tag:
            ops.append([tag, i, i, j, j])
        if kind in ("equal", "delete"):
            i += 1
        if kind in ("equal", "insert"):
            j += 1
        ops[-1][2], ops[-1][4] = i, j
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "change":
            tag = "replace" if i1 != i2 and j1 != j2 else "delete" if i1 != i2 else "insert"
        out.append((tag, i1, i2, j1, j2))
    return out


_OUTLINE, _PSTYLE, _VAL = w("outlineLvl"), w("pStyle"), w("val")
_HEADING_STYLE = re.compile(r"heading|title|berschrift|titre|t[ií]tulo", re.I)


def _starts_section(block: etree._Element) -> bool:
    """Whether a block begins a unit a reader would see as one: a heading or a table."""
    if block.tag == TBL:
        return True
    ppr = block.find(PPR)
    if ppr is None:
        return False
    if ppr.find(_OUTLINE) is not None:
        return True
    style = ppr.find(_PSTYLE)
    return style is not None and bool(_HEADING_STYLE.search(style.get(_VAL, "")))


def _slide(ops: list, a: list[str], b: list[str], head_a: Any, head_b: Any) -> list:
    """Slide each pure insertion or deletion to where it starts with a heading, if it can.

    When a removed section ends with the same line as the one before it ("Cost: free"), a
    diff may remove either copy; a reader expects the whole section to go, heading first.
    """
    ops = [list(o) for o in ops]
    for k in range(1, len(ops) - 1):
        prev, cur, nxt = ops[k - 1], ops[k], ops[k + 1]
        if prev[0] != "equal" or nxt[0] != "equal" or cur[0] not in ("delete", "insert"):
            continue
        if cur[0] == "delete":
            seq, heads, lo, hi = a, head_a, cur[1], cur[2]
        else:
            seq, heads, lo, hi = b, head_b, cur[3], cur[4]
        up = 0
        while up < prev[2] - prev[1] and seq[lo - 1 - up] == seq[hi - 1 - up]:
            up += 1
        down = 0
        while down < nxt[2] - nxt[1] and hi + down < len(seq) and seq[lo + down] == seq[hi + down]:
            down += 1
        if not up and not down:
            continue
        best = max(range(-up, down + 1), key=lambda s: (heads(lo + s), s == 0, s))
        if best == 0:
            continue
        prev[2] += best
        prev[4] += best
        cur[1] += best
        cur[2] += best
        cur[3] += best
        cur[4] += best
        nxt[1] += best
        nxt[3] += best
    return [tuple(o) for o in ops if o[1] != o[2] or o[3] != o[4]]


def _smooth(ops: list, new_keys: list[str]) -> list:
    """Fold a lone space or punctuation mark between two changes into them, so that a reviewer
    reads "the quick" → "a slow" rather than a change per word."""
    out = list(ops)
    k = 1
    while k < len(out) - 1:
        op, i1, i2, j1, j2 = out[k]
        before, after = out[k - 1], out[k + 1]
        if op == "equal" and before[0] != "equal" and after[0] != "equal" and \
                all(not key.strip() or (len(key) == 1 and not key.isalnum())
                    for key in new_keys[j1:j2]) and j2 - j1 <= 2:
            merged = ("replace", before[1], after[2], before[3], after[4])
            out[k - 1:k + 2] = [merged]
            k = max(k - 1, 1)
        else:
            k += 1
    return out


# -- writing a redline and its summary ------------------------------------------------------------

def summary_json(result: Redline, *, old_name: str, new_name: str, author: str,
                 date: dt.datetime) -> dict[str, Any]:
    """The change list as data: what ``--summary FILE.json`` writes."""
    return {
        "old": old_name,
        "new": new_name,
        "author": author,
        "date": _w_date(date),
        "revisions": result.revisions,
        "changes": [c.as_dict() for c in result.changes],
    }


def summary_markdown(result: Redline, *, old_name: str, new_name: str, author: str,
                     date: dt.datetime) -> str:
    """The change list for people: what ``--summary FILE.md`` writes."""
    lines = [f"# Changes from {_md(old_name)} to {_md(new_name)}", "",
             f"{len(result.changes)} changed place{'s' if len(result.changes) != 1 else ''}, "
             f"{result.revisions} tracked revision{'s' if result.revisions != 1 else ''} "
             f"by {_md(author)}, {_w_date(date)}. Places count paragraphs, tables and rows as "
             "they stand in the redline, where removed ones are still shown.", ""]
    for c in result.changes:
        where = f"{c.story}, {c.where}"
        if c.kind == "changed":
            lines.append(f"- **{where}**: “{_excerpt(c.old, c.new)}”")
        elif c.kind == "formatted":
            lines.append(f"- **{where}**: formatting changed in “{_md(_one_line(c.new))}”")
        elif c.kind == "inserted":
            lines.append(f"- **{where}**: added “{_md(_one_line(c.new))}”")
        else:
            lines.append(f"- **{where}**: removed “{_md(_one_line(c.old))}”")
    if not result.changes:
        lines.append("The documents read the same.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape ``text`` so that Markdown shows it as written."""
    return re.sub(r"([\\`*_\[\]<>|~#])", r"\\\1", text).replace("\n", " ")


def _excerpt(old: str, new: str, context: int = 8, limit: int = 60) -> str:
    """The changed words of a paragraph with a few words around them, in Markdown:
    ``…for the ~~2026-2027~~ **2027-2028** school year…``."""
    a, b = old.split(), new.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1

    def words(ws: list[str]) -> str:
        return _md(" ".join(ws if len(ws) <= limit else ws[:limit] + ["…"]))

    before = a[max(0, start - context):start]
    after = a[len(a) - end:len(a) - end + context] if end else []
    gone, added = a[start:len(a) - end], b[start:len(b) - end]
    parts = (["…"] if start > context else []) + ([words(before)] if before else [])
    if gone:
        parts.append(f"~~{words(gone)}~~")
    if added:
        parts.append(f"**{words(added)}**")
    if not gone and not added:  # only spacing changed
        parts.append("(spacing)")
    parts += ([words(after)] if after else []) + (["…"] if end > context else [])
    return " ".join(parts)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _w_date(date: dt.datetime) -> str:
    if date.tzinfo is not None:
        date = date.astimezone(dt.timezone.utc)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")
