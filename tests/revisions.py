"""Read a DOCX's stories and accept or reject all its tracked changes, independently of the redliner.

This module is the judge of ``docgen.redline.compare``: it shares no code with it. It follows ECMA-376
Part 1, §17.13.5, and the summary in DOMAIN.md §6:

- ``stories(docx)`` returns the text of every story, block by block;
- ``accept_all(docx)`` / ``reject_all(docx)`` resolve every revision in every story part;
- ``check_redline(old, new, out)`` asserts that accepting the redline gives the new document's text
  and rejecting it gives the old one's, story by story, and that the revision markup is well formed;
- ``move_problems(out)`` checks its moves: each name has one source range and one destination
  range, each range its end, every ``w:moveFrom``/``w:moveTo`` lies in a range of its kind, and
  the text moved away is the text that arrives (before the edits made inside the move).

A story's text is a list of blocks: a paragraph is its text (``str``), a table is
``("table", [[cell blocks, ...] per row])`` and a text box is ``("textbox", blocks)`` after the
paragraph that anchors it. Things that are not characters appear as markers: ``⟦PAGE⟧`` for a
field (its instruction, whitespace collapsed; the result of a page number, ``PAGE``,
``NUMPAGES`` or ``SECTIONPAGES``, which is laid out afresh, reads as ``#``),
``⟦link:URL⟧…⟦/link⟧`` around a hyperlink,
``[fn]``/``[en]`` for a note reference, ``[drawing]`` for a picture.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from posixpath import dirname, join, normpath

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


INS, DEL, MOVE_FROM, MOVE_TO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
TRACKED = (INS, DEL, MOVE_FROM, MOVE_TO)
PR_CHANGES = tuple(w(t) for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                                  "tblPrExChange", "trPrChange", "tcPrChange", "tblGridChange",
                                  "numberingChange"))
CELL_MARKS = (w("cellIns"), w("cellDel"), w("cellMerge"))
RANGE_MARKS = tuple(w(t) for t in (
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
    "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd"))
# Elements that may sit between two paragraphs without being content.
RANGE_MARKUP = RANGE_MARKS + tuple(w(t) for t in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart",
    "permEnd", "proofErr"))
# Every element that records a revision and so carries w:id, w:author and w:date.
REVISIONS = TRACKED + tuple(t for t in PR_CHANGES if t != w("tblGridChange")) + CELL_MARKS[:2]

STORY_ROOTS = {w(t) for t in ("document", "hdr", "ftr", "footnotes", "endnotes", "comments")}
NOT_CONTENT_NOTES = {"separator", "continuationSeparator", "continuationNotice"}


# --------------------------------------------------------------------------------------------
# The package


class Package:
    """A DOCX held in memory: its members in order, with XML parts parsed on demand."""

    def __init__(self, data: bytes | Package) -> None:
        if isinstance(data, Package):  # a copy, so that resolving revisions leaves data alone
            self.names, self.blobs = list(data.names), dict(data.blobs)
            self._xml = {k: copy.deepcopy(v) for k, v in data._xml.items()}
            return
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.names = zf.namelist()
            self.blobs = {n: zf.read(n) for n in self.names}
        self._xml: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            self._xml[name] = etree.fromstring(self.blobs[name], PARSER)
        return self._xml[name]

    def rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """Return ``{rId: (type suffix, target part or URL, external)}`` of ``part``."""
        rels_name = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
        if rels_name not in self.blobs:
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(f"{{{PR}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not external:
                target = target.lstrip("/") if target.startswith("/") else normpath(
                    join(dirname(part), target))
            out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], target, external)
        return out

    @property
    def main(self) -> str:
        for _, target, _ext in (v for k, v in self.rels("").items() if v[0] == "officeDocument"):
            return target
        return "word/document.xml"

    def related(self, kind: str) -> list[str]:
        """Return the main part's related parts of one relationship type, in part-name order."""
        found = {t for k, t, ext in self.rels(self.main).values() if k == kind and not ext}
        return sorted((t for t in found if t in self.blobs), key=_natural)

    def story_parts(self) -> list[str]:
        names = [self.main]
        for kind in ("header", "footer", "footnotes", "endnotes", "comments"):
            names += self.related(kind)
        return names

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in self.names:
                blob = self.blobs[name]
                if name in self._xml:
                    blob = etree.tostring(self._xml[name], xml_declaration=True,
                                          encoding="UTF-8", standalone=True)
                zf.writestr(name, blob)
        return buf.getvalue()


def _package(data: bytes | Package) -> Package:
    return data if isinstance(data, Package) else Package(data)


def _natural(name: str) -> list:
    return [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", name)]


# --------------------------------------------------------------------------------------------
# Story text


class _Ctx:
    def __init__(self, rels: dict[str, tuple[str, str, bool]]) -> None:
        self.rels = rels


def blocks(container: etree._Element, ctx: _Ctx) -> list:
    """Return the blocks of a container of paragraphs (body, cell, note, text box, ...).

    Adjacent tables read as one, as Word joins them.
    """
    out: list = []
    for block in _blocks(container, ctx):
        if out and isinstance(block, tuple) and block[0] == "table" and isinstance(
                out[-1], tuple) and out[-1][0] == "table":
            out[-1] = ("table", out[-1][1] + block[1])
        else:
            out.append(block)
    return out


def _blocks(container: etree._Element, ctx: _Ctx) -> list:
    out: list = []
    for child in container:
        tag = child.tag
        if tag == w("p"):
            out.append(paragraph_text(child, ctx))
            for box in _text_boxes(child):
                out.append(("textbox", blocks(box, ctx)))
        elif tag == w("tbl"):
            out.append(("table", [[blocks(tc, ctx) for tc in _cells(tr)] for tr in _rows(child)]))
        elif tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                out += blocks(content, ctx)
        elif tag == f"{{{MC}}}AlternateContent":
            choice = child.find(f"{{{MC}}}Choice")
            if choice is not None:
                out += blocks(choice, ctx)
        elif tag in (w("customXml"),) + TRACKED:
            out += blocks(child, ctx)
    return out


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    yield from _wrapped(tbl, w("tr"))


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    yield from _wrapped(tr, w("tc"))


def _wrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _wrapped(content, tag)
        elif child.tag == w("customXml"):
            yield from _wrapped(child, tag)


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """Return the outermost text boxes anchored in ``p`` (the mc:Choice copy only)."""
    found = []
    stack = list(p)[::-1]
    while stack:
        el = stack.pop()
        if el.tag == f"{{{MC}}}Fallback" or el.tag == w("p"):
            continue
        if el.tag == w("txbxContent"):
            found.append(el)
            continue
        stack.extend(list(el)[::-1])
    return found


_INLINE_SKIP = {w("pPr"), w("rPr"), w("sdtPr"), w("sdtEndPr"), w("txbxContent"),
                f"{{{MC}}}Fallback", w("delText"), w("delInstrText")}
_CHARS = {w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n",
          w("noBreakHyphen"): "\u2011", w("softHyphen"): "\u00ad",
          w("footnoteReference"): "[fn]", w("endnoteReference"): "[en]",
          w("footnoteRef"): "[fn#]", w("endnoteRef"): "[en#]",
          w("drawing"): "[drawing]", w("pict"): "[drawing]", w("object"): "[drawing]"}


def paragraph_text(p: etree._Element, ctx: _Ctx) -> str:
    """Return the text of one paragraph, with markers for fields, links and note references."""
    out: list[str] = []
    _inline(p, ctx, out, [])
    return "".join(out)


def _field_marker(instr: str) -> str:
    return "⟦" + " ".join(instr.split()) + "⟧"


# Fields whose result Word and LibreOffice lay out afresh on every page: what a file holds as
# their result is never what a reader sees, so it reads as "#".
LAID_OUT = {"PAGE", "NUMPAGES", "SECTIONPAGES"}


def _laid_out(instr: str) -> bool:
    words = instr.split()
    return bool(words) and words[0].upper() in LAID_OUT


def _hidden(fields: list[list]) -> bool:
    return any(len(f) > 2 and f[2] for f in fields)


def _inline(el: etree._Element, ctx: _Ctx, out: list[str], fields: list[list]) -> None:
    for child in el:
        tag = child.tag
        if tag in _INLINE_SKIP or not isinstance(tag, str):
            continue
        if tag == w("t"):
            if not _hidden(fields):
                out.append(child.text or "")
        elif tag in _CHARS:
            out.append(_CHARS[tag])
        elif tag == w("sym"):
            code = child.get(w("char"), "")
            out.append(chr(int(code, 16)) if re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) else "?")
        elif tag == w("fldChar"):
            kind = child.get(w("fldCharType"))
            if kind == "begin":
                fields.append([[], False])
            elif fields and kind in ("separate", "end"):
                instr, shown = fields[-1][:2]
                if not shown:
                    out.append(_field_marker("".join(instr)))
                    fields[-1][1] = True
                    if _laid_out("".join(instr)):
                        out.append("#")
                        fields[-1].append(True)  # its result is not read
                if kind == "end":
                    fields.pop()
        elif tag == w("instrText"):
            if fields:
                fields[-1][0].append(child.text or "")
        elif tag == w("fldSimple"):
            out.append(_field_marker(child.get(w("instr"), "")))
            if _laid_out(child.get(w("instr"), "")):
                out.append("#")
            else:
                _inline(child, ctx, out, fields)
        elif tag == w("hyperlink"):
            rid = child.get(f"{{{R}}}id")
            target = ctx.rels.get(rid, ("", f"?{rid}", True))[1] if rid else ""
            if child.get(w("anchor")):
                target += "#" + child.get(w("anchor"))
            opening = f"⟦link:{target}⟧"
            # Two adjacent links to one target read as one link; an empty link is invisible.
            joined = bool(out) and out[-1] == "⟦/link⟧" and _last_open(out) == opening
            if joined:
                out.pop()
            else:
                out.append(opening)
            size = len(out)
            _inline(child, ctx, out, fields)
            if len(out) > size and "".join(out[size:]):
                out.append("⟦/link⟧")
            elif joined:
                out.append("⟦/link⟧")
            else:
                del out[size - 1:]
        elif tag == f"{{{MC}}}AlternateContent":
            choice = child.find(f"{{{MC}}}Choice")
            if choice is not None:
                _inline(choice, ctx, out, fields)
        else:
            _inline(child, ctx, out, fields)


def _last_open(out: list[str]) -> str | None:
    for piece in reversed(out):
        if piece.startswith("⟦link:"):
            return piece
    return None


def _note_texts(pkg: Package, kind: str) -> dict[str, list]:
    """Return ``{id: blocks}`` of the content notes (``kind`` footnote or endnote), in order."""
    out: dict[str, list] = {}
    for part in pkg.related(kind + "s"):
        ctx = _Ctx(pkg.rels(part))
        for note in pkg.xml(part).findall(w(kind)):
            if note.get(w("type")) in NOT_CONTENT_NOTES or note.get(w("id")) in ("-1", "0"):
                continue
            out[note.get(w("id"))] = blocks(note, ctx)
    return out


def stories(docx: bytes | Package) -> dict[str, list]:
    """Return the blocks of each story, keyed by "body", header/footer part name, and note."""
    pkg = _package(docx)
    body = pkg.xml(pkg.main).find(w("body"))
    out: dict[str, list] = {"body": blocks(body, _Ctx(pkg.rels(pkg.main))) if body is not None else []}
    for part in sorted(pkg.related("header") + pkg.related("footer"), key=_natural):
        out[part] = blocks(pkg.xml(part), _Ctx(pkg.rels(part)))
    for kind in ("footnote", "endnote"):
        for nid, text in _note_texts(pkg, kind).items():
            out[f"{kind} {nid}"] = text
    return out


def sections(pkg: Package) -> list[etree._Element]:
    """Return the body's w:sectPr elements in order (one per section)."""
    body = pkg.xml(pkg.main).find(w("body"))
    if body is None:
        return []
    return [s for s in body.iter(w("sectPr"))
            if s.getparent().tag in (w("pPr"), w("body"))]


def story_view(docx: bytes | Package) -> dict[str, list]:
    """Return the stories keyed as a reader sees them, so that two versions can be compared.

    Headers and footers are keyed by section and type with inheritance resolved ("section 2
    header (first)"); notes by their order of reference in the body ("footnote 1").
    """
    pkg = _package(docx)
    body = pkg.xml(pkg.main).find(w("body"))
    rels = pkg.rels(pkg.main)
    # Word shows a story without paragraphs as one empty paragraph.
    out: dict[str, list] = {"body": (blocks(body, _Ctx(rels)) if body is not None else []) or [""]}
    current: dict[tuple[str, str], str] = {}
    for i, sect in enumerate(sections(pkg), start=1):
        for kind in ("header", "footer"):
            for ref in sect.findall(w(kind + "Reference")):
                target = rels.get(ref.get(f"{{{R}}}id"), ("", "", True))
                current[kind, ref.get(w("type"), "default")] = target[1]
            for typ in ("default", "first", "even"):
                part = current.get((kind, typ))
                if part is not None:
                    text = blocks(pkg.xml(part), _Ctx(pkg.rels(part))) if part in pkg.blobs else [
                        f"<missing part {part}>"]
                    # An empty header shows as no header: a redline cannot track a reference.
                    if any(b != "" for b in text):
                        out[f"section {i} {kind} ({typ})"] = text
    if body is not None:
        for kind in ("footnote", "endnote"):
            notes = _note_texts(pkg, kind)
            n = 0
            for ref in body.iter(w(kind + "Reference")):
                n += 1
                out[f"{kind} {n}"] = notes.get(ref.get(w("id")), [f"<missing {kind}>"])
    return out


def lines(blocks_: list, indent: str = "") -> list[str]:
    """Flatten blocks into readable lines for a diff."""
    out = []
    for b in blocks_:
        if isinstance(b, str):
            out.append(f"{indent}{b!r}")
        elif b[0] == "table":
            out.append(f"{indent}table:")
            for r, row in enumerate(b[1], start=1):
                for c, cell in enumerate(row, start=1):
                    out.append(f"{indent}  row {r} cell {c}:")
                    out += lines(cell, indent + "    ")
        else:
            out.append(f"{indent}{b[0]}:")
            out += lines(b[1], indent + "  ")
    return out


# --------------------------------------------------------------------------------------------
# Accept all / reject all


def accept_all(docx: bytes) -> bytes:
    """Return ``docx`` with every tracked change in every story accepted."""
    return _resolve(docx, accept=True).to_bytes()


def reject_all(docx: bytes) -> bytes:
    """Return ``docx`` with every tracked change in every story rejected."""
    return _resolve(docx, accept=False).to_bytes()


def _resolve(docx: bytes | Package, *, accept: bool) -> Package:
    pkg = Package(docx)
    for part in pkg.story_parts():
        if part in pkg.blobs and pkg.xml(part).tag in STORY_ROOTS:
            resolve(pkg.xml(part), accept=accept)
    return pkg


def resolve(root: etree._Element, *, accept: bool) -> None:
    """Accept or reject, in place, every revision under ``root`` (§17.13.5)."""
    gone = (DEL, MOVE_FROM) if accept else (INS, MOVE_TO)
    _property_changes(root, accept)
    _rows_and_cells(root, accept)
    for el in list(root.iter(*TRACKED)):
        parent = el.getparent()
        if parent is None or local(parent).endswith("Pr"):
            continue  # a mark on a property element: handled with its owner
        if el.tag in gone:
            parent.remove(el)
        else:
            i = parent.index(el)
            parent[i:i + 1] = list(el)
    _paragraph_marks(root, gone)
    for el in list(root.iter(*TRACKED)):
        el.getparent().remove(el)  # the remaining marks, now resolved
    for el in list(root.iter(*RANGE_MARKS)):
        el.getparent().remove(el)
    if not accept:
        for el in root.iter(w("delText")):
            el.tag = w("t")
        for el in root.iter(w("delInstrText")):
            el.tag = w("instrText")


def _property_changes(root: etree._Element, accept: bool) -> None:
    for change in list(root.iter(*PR_CHANGES)):
        owner = change.getparent()
        owner.remove(change)
        if accept or change.tag == w("numberingChange"):
            continue
        old = change[0] if len(change) else etree.Element(w("x"))
        if change.tag == w("pPrChange"):
            keep = (w("rPr"), w("sectPr"))
        elif change.tag == w("sectPrChange"):
            keep = (w("headerReference"), w("footerReference"))
        elif change.tag == w("tcPrChange"):
            keep = CELL_MARKS
        else:
            keep = TRACKED
        kept_first = [c for c in owner if c.tag in keep and c.tag in TRACKED + CELL_MARKS]
        kept_last = [c for c in owner if c.tag in keep and c not in kept_first]
        for c in list(owner):
            owner.remove(c)
        for c in kept_first + list(old) + kept_last:
            owner.append(c)


def _rows_and_cells(root: etree._Element, accept: bool) -> None:
    row_gone, cell_gone = (DEL, w("cellDel")) if accept else (INS, w("cellIns"))
    for tr in list(root.iter(w("tr"))):
        trpr = tr.find(w("trPr"))
        if trpr is not None and trpr.find(row_gone) is not None and tr.getparent() is not None:
            tr.getparent().remove(tr)
    for tc in list(root.iter(w("tc"))):
        tcpr = tc.find(w("tcPr"))
        if tcpr is None:
            continue
        if tcpr.find(cell_gone) is not None and tc.getparent() is not None:
            tc.getparent().remove(tc)
        for mark in tcpr.findall("*"):
            if mark.tag in CELL_MARKS:
                tcpr.remove(mark)
    for tbl in list(root.iter(w("tbl"))):
        if tbl.find(w("tr")) is None and tbl.getparent() is not None:
            tbl.getparent().remove(tbl)


def _is_empty(p: etree._Element) -> bool:
    return all(c.tag in (w("pPr"),) + RANGE_MARKUP for c in p)


def _paragraph_marks(root: etree._Element, gone: tuple[str, str]) -> None:
    for p in list(root.iter(w("p"))):
        rpr = p.find(f"{w('pPr')}/{w('rPr')}")
        if rpr is None or not any(m.tag in gone for m in rpr):
            continue
        parent = p.getparent()
        if parent is None:
            continue
        nxt = p.getnext()
        while nxt is not None and nxt.tag in RANGE_MARKUP:
            nxt = nxt.getnext()
        content = [c for c in p if c.tag != w("pPr")]
        if nxt is not None and nxt.tag == w("p"):
            at = 1 if len(nxt) and nxt[0].tag == w("pPr") else 0
            nxt[at:at] = content
            parent.remove(p)
        elif _is_empty(p) and (parent.tag == w("body") or len(parent.findall(w("p"))) > 1):
            # A cell, note or text box keeps its last paragraph; the body needs none.
            for c in content:
                parent.insert(parent.index(p), c)
            parent.remove(p)
        else:
            for m in [m for m in rpr if m.tag in gone]:
                rpr.remove(m)


# --------------------------------------------------------------------------------------------
# Judging a redline


def _diff(label: str, want: dict[str, list], got: dict[str, list]) -> list[str]:
    problems = []
    for key in sorted(set(want) | set(got), key=_natural):
        if key not in got:
            problems.append(f"{label}: story {key!r} is missing; expected\n  "
                            + "\n  ".join(lines(want[key])))
        elif key not in want:
            problems.append(f"{label}: unexpected story {key!r}:\n  "
                            + "\n  ".join(lines(got[key])))
        elif want[key] != got[key]:
            diff = difflib.unified_diff(lines(want[key]), lines(got[key]), "expected", "actual",
                                        lineterm="", n=2)
            problems.append(f"{label}: story {key!r} differs:\n  " + "\n  ".join(diff))
    return problems


def structure_problems(out: bytes) -> list[str]:
    """Return what is wrong with the revision markup of ``out`` (empty when it is well formed)."""
    pkg = _package(out)
    problems: list[str] = []
    revision_ids: Counter[str] = Counter()
    bookmark_ids: Counter[str] = Counter()
    comment_ids: set[str] = set()
    for part in pkg.story_parts():
        if part not in pkg.blobs:
            problems.append(f"{part}: related part is missing from the package")
            continue
        root = pkg.xml(part)
        if root.tag == w("comments"):
            comment_ids |= {c.get(w("id")) for c in root.findall(w("comment"))}
            continue
        for el in root.iter(*REVISIONS, w("moveFromRangeStart"), w("moveToRangeStart")):
            where = f"{part}: line {el.sourceline}: w:{local(el)}"
            rid, author, date = el.get(w("id")), el.get(w("author")), el.get(w("date"))
            if rid is None:
                problems.append(f"{where} has no w:id")
            else:
                revision_ids[rid] += 1
            if not author:
                problems.append(f"{where} has no w:author")
            if date is None or not DATE.fullmatch(date):
                problems.append(f"{where} has w:date {date!r}, not YYYY-MM-DDTHH:MM:SSZ")
        starts = [b.get(w("id")) for b in root.iter(w("bookmarkStart"))]
        ends = Counter(b.get(w("id")) for b in root.iter(w("bookmarkEnd")))
        bookmark_ids.update(starts)
        for bid in starts:
            if ends[bid] < 1:
                problems.append(f"{part}: bookmark {bid} has no w:bookmarkEnd")
        for bid in set(ends) - set(starts):
            problems.append(f"{part}: w:bookmarkEnd {bid} has no w:bookmarkStart")
        comment_ids |= {c.get(w("id")) for c in root.iter(w("commentRangeStart"))}
        for t in root.iter(w("t"), w("instrText")):
            if _tracked_wrappers(t) & {DEL, MOVE_FROM}:
                problems.append(f"{part}: line {t.sourceline}: w:{local(t)} inside a deletion "
                                f"(deleted text must be w:del{local(t)[0].upper()}{local(t)[1:]})")
        for t in root.iter(w("t"), w("delText"), w("instrText"), w("delInstrText")):
            text = t.text or ""
            if text != text.strip() and t.get(XML_SPACE) != "preserve":
                problems.append(f"{part}: line {t.sourceline}: w:{local(t)} {text!r} has edge "
                                'spaces but no xml:space="preserve" (Word drops them)')
        for t in root.iter(w("delText"), w("delInstrText")):
            if not _tracked_wrappers(t) & {DEL, MOVE_FROM}:
                problems.append(f"{part}: line {t.sourceline}: w:{local(t)} outside w:del")
        for rpr in root.iter(w("rPr")):
            if rpr.getparent().tag != w("pPr"):
                continue
            kinds = [c.tag in TRACKED for c in rpr]
            if kinds != sorted(kinds, reverse=True):
                problems.append(f"{part}: line {rpr.sourceline}: in w:pPr/w:rPr the revision mark "
                                "must come before the run properties")
        for trpr in root.iter(w("trPr")):
            tags = [c.tag for c in trpr if c.tag != w("trPrChange")]
            n = sum(t in (INS, DEL) for t in tags)
            if any(t in (INS, DEL) for t in tags[:len(tags) - n]):
                problems.append(f"{part}: line {trpr.sourceline}: w:trPr/w:ins|w:del must come "
                                "after the other row properties")
        for change in root.iter(w("rPrChange"), w("pPrChange")):
            if change.getnext() is not None:
                problems.append(f"{part}: line {change.sourceline}: w:{local(change)} must be the "
                                "last child of its properties")
    problems += move_problems(pkg)
    problems += [f"revision w:id {i} is used {n} times" for i, n in revision_ids.items() if n > 1]
    problems += [f"bookmark w:id {i} is used {n} times" for i, n in bookmark_ids.items() if n > 1]
    for i in sorted(set(revision_ids) & set(bookmark_ids), key=_natural):
        problems.append(f"revision w:id {i} is also a bookmark's id")
    for i in sorted(set(revision_ids) & comment_ids, key=_natural):
        problems.append(f"revision w:id {i} is also a comment's id")
    settings = pkg.related("settings")
    if not settings or pkg.xml(settings[0]).find(w("trackRevisions")) is None:
        problems.append("word/settings.xml has no w:trackRevisions")
    return problems


_MOVE_RANGES = {w("moveFromRangeStart"): ("moveFrom", True), w("moveFromRangeEnd"): ("moveFrom", False),
                w("moveToRangeStart"): ("moveTo", True), w("moveToRangeEnd"): ("moveTo", False)}


def move_problems(docx: bytes | Package) -> list[str]:
    """Return what is wrong with the moves of ``docx`` (ECMA-376 §17.13.5.21–28).

    A move is named: ``w:moveFromRangeStart``/``End`` (matched by ``w:id``) hold its source,
    ``w:moveToRangeStart``/``End`` with the same ``w:name`` its destination. A ``w:moveFrom`` or
    ``w:moveTo`` outside a range of its kind is read as a plain deletion or insertion, and two
    ranges of one kind under one name are ambiguous. The text moved into the destination range
    (in ``w:moveTo``; words deleted there count too, words inserted do not) must be drawn, in
    order, from the text moved away from the source range: otherwise the "move" brings text
    that was never there. Words edited after the move may be left out at the destination (they
    show at the source) or shown there as deleted.
    """
    pkg = _package(docx)
    problems: list[str] = []
    names: dict[str, Counter[str]] = {}
    moved: dict[tuple[str, str], list[str]] = {}
    for part in pkg.story_parts():
        if part not in pkg.blobs or pkg.xml(part).tag not in STORY_ROOTS:
            continue
        open_ranges: dict[str, tuple[str, str]] = {}  # w:id -> (kind, name)
        for el in pkg.xml(part).iter():
            tag = el.tag
            if tag in _MOVE_RANGES:
                kind, start = _MOVE_RANGES[tag]
                rid = el.get(w("id"))
                if start:
                    name = el.get(w("name"))
                    if not name:
                        problems.append(f"{part}: line {el.sourceline}: w:{local(el)} has no "
                                        "w:name")
                        continue
                    names.setdefault(name, Counter())[kind] += 1
                    open_ranges[rid] = (kind, name)
                    moved.setdefault((name, kind), [])
                elif open_ranges.get(rid, ("",))[0] != kind:
                    problems.append(f"{part}: line {el.sourceline}: w:{local(el)} {rid} has no "
                                    "start")
                else:
                    del open_ranges[rid]
            elif tag in (w("t"), w("delText")):
                wrappers = _tracked_wrappers(el)
                for mark, kind in ((MOVE_FROM, "moveFrom"), (MOVE_TO, "moveTo")):
                    if mark in wrappers and not any(k == kind for k, _ in open_ranges.values()):
                        problems.append(f"{part}: line {el.sourceline}: w:{kind} text "
                                        f"{el.text!r} outside a w:{kind}RangeStart…End")
                sources = [n for k, n in open_ranges.values() if k == "moveFrom"]
                targets = [n for k, n in open_ranges.values() if k == "moveTo"]
                if MOVE_FROM in wrappers and sources:
                    moved[(sources[-1], "moveFrom")].append(el.text or "")
                elif targets and (DEL in wrappers or MOVE_TO in wrappers and INS not in wrappers):
                    moved[(targets[-1], "moveTo")].append(el.text or "")
        for rid, (kind, name) in open_ranges.items():
            problems.append(f"{part}: w:{kind}RangeStart {rid} ({name}) has no end")
    for name, kinds in sorted(names.items()):
        if kinds != Counter(moveFrom=1, moveTo=1):
            problems.append(f"move {name!r} has {kinds['moveFrom']} source range(s) and "
                            f"{kinds['moveTo']} destination range(s), not one of each")
        else:
            away, at = "".join(moved[(name, "moveFrom")]), 0
            for piece in moved[(name, "moveTo")]:
                found = away.find(piece, at)
                if found < 0:
                    problems.append(f"move {name!r}: {piece!r} arrives, but the text moved away, "
                                    f"{away!r}, has no such words there")
                    break
                at = found + len(piece)
            if not moved[(name, "moveTo")]:
                problems.append(f"move {name!r} brings no text")
    return problems


def reference_problems(docx: bytes | Package) -> set[str]:
    """Return references from the stories to styles, notes, comments and numbering definitions
    that do not exist."""
    pkg = _package(docx)
    problems = set()
    styles: set[str] = set()
    for part in pkg.related("styles"):
        styles |= {st.get(w("styleId")) for st in pkg.xml(part).findall(w("style"))}
    targets = {}
    for kind, rel in (("footnote", "footnotes"), ("endnote", "endnotes"), ("comment", "comments")):
        targets[kind] = {n.get(w("id")) for part in pkg.related(rel)
                         for n in pkg.xml(part).findall(w(kind))}
    nums = {n.get(w("numId")) for part in pkg.related("numbering")
            for n in pkg.xml(part).findall(w("num"))} | {"0"}
    abstract = {a.get(w("abstractNumId")) for part in pkg.related("numbering")
                for a in pkg.xml(part).findall(w("abstractNum"))}
    for part in pkg.related("numbering"):
        for ref in pkg.xml(part).iter(w("abstractNumId")):
            if ref.getparent().tag == w("num") and ref.get(w("val")) not in abstract:
                problems.add(f"{part}: w:abstractNumId {ref.get(w('val'))} is not defined")
    for part in pkg.story_parts():
        if part not in pkg.blobs:
            continue
        root = pkg.xml(part)
        for el in root.iter(w("numId")):
            if el.get(w("val")) not in nums:
                problems.add(f"{part}: w:numId {el.get(w('val'))} has no numbering definition")
        for el in root.iter(w("pStyle"), w("rStyle"), w("tblStyle")):
            if el.get(w("val")) not in styles:
                problems.add(f"{part}: w:{local(el)} {el.get(w('val'))!r} is not defined in "
                             "the styles part")
        for kind, tags in (("footnote", ("footnoteReference",)), ("endnote", ("endnoteReference",)),
                           ("comment", ("commentReference", "commentRangeStart"))):
            for el in root.iter(*(w(t) for t in tags)):
                if el.get(w("id")) not in targets[kind]:
                    problems.add(f"{part}: w:{local(el)} {el.get(w('id'))} has no {kind}")
    return problems


def _tracked_wrappers(el: etree._Element) -> set[str]:
    return {anc.tag for anc in el.iterancestors(*TRACKED)
            if anc.getparent() is None or not local(anc.getparent()).endswith("Pr")}


def field_problems(docx: bytes | Package, label: str) -> list[str]:
    """Return unbalanced fields and bookmarks in each story of ``docx``."""
    pkg = _package(docx)
    problems = []
    for part in pkg.story_parts():
        if part not in pkg.blobs:
            continue
        root = pkg.xml(part)
        containers = [root] if root.tag != w("footnotes") and root.tag != w("endnotes") else list(root)
        for story in containers:
            depth = 0
            for fc in story.iter(w("fldChar")):
                kind = fc.get(w("fldCharType"))
                depth += {"begin": 1, "end": -1}.get(kind, 0)
                if depth < 0 or (kind == "separate" and depth == 0):
                    problems.append(f"{label}: {part}: line {fc.sourceline}: w:fldChar {kind} "
                                    "outside a field")
                    depth = max(depth, 0)
            if depth:
                problems.append(f"{label}: {part}: {depth} field(s) begun and not ended")
        starts = {b.get(w("id")) for b in root.iter(w("bookmarkStart"))}
        ends = {b.get(w("id")) for b in root.iter(w("bookmarkEnd"))}
        if starts != ends:
            problems.append(f"{label}: {part}: unbalanced bookmarks {sorted(starts ^ ends)}")
    return problems


def redline_problems(old: bytes, new: bytes, out: bytes) -> list[str]:
    """Return every way in which ``out`` is not a correct redline from ``old`` to ``new``."""
    accepted, rejected = _resolve(out, accept=True), _resolve(out, accept=False)
    problems = _diff("accept all", story_view(_resolve(new, accept=True)), story_view(accepted))
    problems += _diff("reject all", story_view(_resolve(old, accept=True)), story_view(rejected))
    problems += structure_problems(out)
    # Only the references the redline breaks: the inputs may have dangling ones of their own.
    problems += sorted(reference_problems(out) - reference_problems(new))
    problems += field_problems(accepted, "accept all") + field_problems(rejected, "reject all")
    return problems


def check_redline(old: bytes, new: bytes, out: bytes) -> None:
    """Assert that ``out`` redlines ``old`` into ``new``: accept gives new, reject gives old."""
    problems = redline_problems(old, new, out)
    if problems:
        raise AssertionError("the redline is wrong:\n" + "\n".join(problems))


def revision_text(docx: bytes) -> tuple[str, str]:
    """Return the text inserted and the text deleted by the revisions of ``docx``, all stories."""
    pkg = _package(docx)
    ins, dele = [], []
    for part in pkg.story_parts():
        if part not in pkg.blobs:
            continue
        for el in pkg.xml(part).iter(INS, DEL, MOVE_FROM, MOVE_TO):
            if local(el.getparent()).endswith("Pr"):
                continue
            if el.tag in (INS, MOVE_TO):
                ins += [t.text or "" for t in el.iter(w("t"))]
            else:
                dele += [t.text or "" for t in el.iter(w("delText"))]
    return "".join(ins), "".join(dele)


def formatting(docx: bytes | Package) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """Return each body paragraph's style and its text in runs of equal run properties."""
    pkg = _package(docx)
    body = pkg.xml(pkg.main).find(w("body"))
    out = []
    for p in ([] if body is None else body.iter(w("p"))):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        spans: list[tuple[str, str]] = []
        for r in p.iter(w("r")):
            rpr = r.find(w("rPr"))
            props = "" if rpr is None else " ".join(sorted(
                local(c) + "".join(f" {local(etree.Element(k))}={v}" for k, v in sorted(
                    c.attrib.items()) if "rsid" not in k)
                for c in rpr if c.tag != w("rPrChange")))
            text = "".join(t.text or "" for t in r.iter(w("t")))
            if not text:
                continue
            if spans and spans[-1][1] == props:
                spans[-1] = (spans[-1][0] + text, props)
            else:
                spans.append((text, props))
        out.append((style.get(w("val")) if style is not None else None, spans))
    return out
