"""Signature fields in the signing packet: one empty field per signatory on each signature block
that names them, made by pyHanko and tagged by docgen (pyHanko does not tag).

A signature block, as the templates write it, is a ``Signature: ____`` line with ``Name: …`` and
``Title: …`` beneath; docgen finds the line on the page's text layer, above the line naming the
signatory, and puts the field over its rule. Each field is named by document, party and person
(``MOU-school-Jordan Lee``: Acrobat, Acrobat Sign and DocuSign list fields by these names) and
described (``/TU``, what a screen reader says) by the person's name, title and party. In the
structure tree each field is a ``/Form`` element whose ``/OBJR`` points at its widget, in
party order at the end of its document's ``/Part``, and every page lists its annotations in
structure order (``/Tabs /S``), as PDF/UA-1 asks.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Name
from pypdf import PdfReader

#: the parties in the order their fields come (and are grouped) in each document
PARTY_ORDER = ("district", "school", "partner", "lead_agency")


@dataclass(frozen=True)
class Signatory:
    """One signatory of the spec: the party they sign for, its name, theirs and their title."""

    party: str
    party_name: str
    name: str
    title: str


@dataclass(frozen=True)
class Field:
    """A signature field to make: its name, description, page (0-based) and rectangle."""

    name: str
    description: str
    page: int
    box: tuple[int, int, int, int]
    signatory: Signatory


@dataclass
class _Line:
    """A text line of a page: the position and size of its first run, its text, and that
    run's font and text (whose glyph widths :attr:`widths` gives, worked out when asked)."""

    y: float
    x: float
    size: float
    text: str
    font: Any
    first: str
    _widths: list[float] | None = None

    @property
    def widths(self) -> list[float]:
        """The glyph widths (points) of the line's first run."""
        if self._widths is None:
            self._widths = _widths(self.first, self.font, self.size)
        return self._widths


class PageTexts:
    """The pages of one PDF read once each by pypdf: each page's text (the text a signer
    reads, :func:`docgen.pdf.packet.page_texts`) and its text lines with their positions, from
    one text extraction of the page."""

    def __init__(self, data: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(data))
        self._read: dict[int, tuple[str, list[_Line]]] = {}

    def __len__(self) -> int:
        return len(self.reader.pages)

    def _page(self, index: int) -> tuple[str, list[_Line]]:
        if index not in self._read:
            self._read[index] = _extract(self.reader, index)
        return self._read[index]

    def text(self, index: int) -> str:
        """Page ``index``'s text, its white space made single spaces."""
        return self._page(index)[0]

    def lines(self, index: int) -> list[_Line]:
        """Page ``index``'s text lines, top to bottom."""
        return self._page(index)[1]

    def texts(self) -> list[str]:
        return [self.text(i) for i in range(len(self))]


def _extract(reader: PdfReader, index: int) -> tuple[str, list[_Line]]:
    """The text of page ``index`` (white space made single spaces) and its text lines, top to
    bottom, each with the position and size of its first run (whose glyph widths in points
    :attr:`_Line.widths` gives)."""
    runs: list[tuple[float, float, float, str, Any]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = size * (abs(tm[0] * cm[0]) or 1.0)
        runs.append((round(y, 1), x, scale, text, font))

    text = reader.pages[index].extract_text(visitor_text=visit)
    lines: dict[float, _Line] = {}
    for y, x, size, run, font in sorted(runs, key=lambda r: (-r[0], r[1])):
        line = lines.get(y)
        if line is None:
            lines[y] = _Line(y, x, size, run, font, run)
        else:
            line.text += run
    return " ".join((text or "").split()), list(lines.values())


def _widths(text: str, font: Any, size: float) -> list[float]:
    """Each character's advance in ``font`` at ``size``: the width of the code its
    ``/ToUnicode`` map gives the character (a subset font numbers its glyphs its own way), or
    half an em where the font does not say."""
    try:
        first = int(font["/FirstChar"])
        table = [float(w) for w in font["/Widths"]]
        codes = _codes(font)
    except (KeyError, TypeError, ValueError):
        return [size / 2] * len(text)
    out = []
    for ch in text:
        k = codes.get(ch, ord(ch)) - first
        out.append(table[k] * size / 1000 if 0 <= k < len(table) else size / 2)
    return out


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _codes(font: Any) -> dict[str, int]:
    """The character code of each character in ``font``'s ``/ToUnicode`` map (bfchar and
    bfrange entries of one character)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font["/ToUnicode"].get_object().get_data()
    out: dict[str, int] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        values = _HEX.findall(block)
        for code, uni in zip(values[0::2], values[1::2]):
            if len(uni) == 4:
                out.setdefault(chr(int(uni, 16)), int(code, 16))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        values = _HEX.findall(block)
        for lo, hi, uni in zip(values[0::3], values[1::3], values[2::3]):
            if len(uni) == 4:
                for k in range(int(hi, 16) - int(lo, 16) + 1):
                    out.setdefault(chr(int(uni, 16) + k), int(lo, 16) + k)
    return out


def find_fields(reader: PageTexts, signatories: list[Signatory],
                documents: list[tuple[str, str, int, int]]) -> list[Field]:
    """The fields to make in the PDF ``reader`` reads: for each signatory, on each signature
    block that names them (``documents``: bookmark, label prefix, first page, page count)."""
    order = sorted(signatories, key=lambda s: (PARTY_ORDER.index(s.party)
                                               if s.party in PARTY_ORDER else 9))
    out: list[Field] = []
    for title, prefix, start, count in documents:
        pages = _signature_pages(reader, start, count)
        for who in order:
            for index, lines in pages.items():
                for k, line in enumerate(lines):
                    if " ".join(line.text.split()) != f"Name: {who.name}":
                        continue
                    above = [ln for ln in lines[:k] if ln.text.startswith("Signature:")
                             and 0 < ln.y - line.y < 4 * line.size]
                    if not above:
                        continue
                    sig = above[-1]
                    label = len("Signature:") + (1 if sig.text[10:11] == " " else 0)
                    x0 = sig.x + sum(sig.widths[:label])
                    x1 = sig.x + sum(sig.widths[:len(sig.text.rstrip())])
                    if x1 - x0 < 4 * sig.size:
                        x1 = x0 + 16 * sig.size
                    box = (int(x0), int(sig.y - 0.3 * sig.size), int(x1 + 0.5),
                           int(sig.y + 2.2 * sig.size + 0.5))
                    name = f"{prefix}{who.party}-{who.name}".replace(".", "")
                    description = (f"Signature of {who.name}, {who.title}, for "
                                   f"{who.party_name} ({title})")
                    out.append(Field(name, description, index, box, who))
    return out


def _signature_pages(reader: PageTexts, start: int, count: int) -> dict[int, list[_Line]]:
    """The lines of a document's pages with signature blocks: read from its last page back,
    and no further than the first page before them without a ``Signature:`` line (a document's
    signature blocks come together at its end; reading every page's text costs seconds)."""
    pages: dict[int, list[_Line]] = {}
    for index in range(start + count - 1, start - 1, -1):
        lines = reader.lines(index)
        if any(ln.text.startswith("Signature:") for ln in lines):
            pages[index] = lines
        elif pages:
            break
    return dict(sorted(pages.items()))


def add_fields(data: bytes, fields: list[Field]) -> bytes:
    """``data`` with the empty signature ``fields`` (pyHanko), as one revision."""
    if not fields:
        return data
    # pyHanko's signing package takes about half a CPU-second to import (it brings aiohttp and
    # cryptography): imported here, a build that makes no packet in this process never pays it
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    for f in fields:
        append_signature_field(writer, SigFieldSpec(
            f.name, on_page=f.page, box=f.box, readable_field_name=f.description,
            empty_field_appearance=True))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def tag_fields(pdf: pikepdf.Pdf, fields: list[Field], parts: list[tuple[int, int]]) -> None:
    """Tag each signature field of ``pdf`` as a ``/Form`` element with an ``/OBJR`` to its
    widget, at the end of the ``/Part`` (``parts``: first page, page count) its page is in."""
    if not fields:
        return
    root = pdf.Root.StructTreeRoot
    part_elems = list(root.K[0].K)
    tree = root.ParentTree
    nums = tree.Nums
    key = int(root.ParentTreeNextKey)
    by_name = {str(f.name): f for f in fields}
    for number, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            name = str(annot.get("/T", ""))
            if annot.get("/FT") != Name.Sig or name not in by_name:
                continue
            field = by_name[name]
            at = next(i for i, (s, c) in enumerate(parts) if s <= number < s + c)
            part = part_elems[at]
            if not isinstance(part.get("/K"), pikepdf.Array):
                part.K = pikepdf.Array([] if part.get("/K") is None else [part.K])
            form = pdf.make_indirect(pikepdf.Dictionary(
                Type=Name.StructElem, S=Name.Form, P=part, Pg=page.obj,
                Alt=pikepdf.String(field.description),
                # the /OBJR as the element's only kid, not in an array: pyHanko's difference
                # analysis accepts a signed field the structure tree points at only this way
                # (a path ending in /K /Obj), and refuses later signatures otherwise
                K=pikepdf.Dictionary(Type=Name.OBJR, Obj=annot, Pg=page.obj)))
            part.K.append(form)
            annot.StructParent = key
            annot.TU = pikepdf.String(field.description)
            annot.F = 4  # printed: PDF/A
            nums.append(key)
            nums.append(form)
            key += 1
        page.obj.Tabs = Name.S
    root.ParentTreeNextKey = key
