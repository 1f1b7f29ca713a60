"""A ToUnicode entry for every glyph LibreOffice draws only inside an ``/ActualText`` span.

LibreOffice 7.4 draws a cluster of a complex script in several glyphs (Bengali চি: the vowel
sign ি drawn first, then the consonant চ), wraps them in a marked-content span whose
``/ActualText`` holds the cluster's text in its logical order (ISO 32000-1 14.9.4), and writes
in the font's ToUnicode CMap only the text it first met each character code with: the glyph
that begins a cluster gets the whole cluster's text, and a glyph it only ever met inside
clusters after the first gets no entry at all. Text extraction reads the span's
``/ActualText`` (poppler, Acrobat, screen readers), so the file reads right; but PDF/UA-1
7.21.7 wants every glyph mapped to Unicode by the font itself (veraPDF's test of the rule is
``toUnicode != null``; page-validation's PDFUA1-FONT-UNICODE-MAPPING-001 is the same), and
neither counts an ``/ActualText`` for it.

:func:`mapped_actual_text` adds the missing entries, from what LibreOffice itself wrote: a code
with no entry that is drawn only inside ``/ActualText`` spans is mapped to the text of the
span it is drawn in alone where there is one (LibreOffice writes such a span for a glyph whose
text differs from its code's entry: র of রি drawn alone is ``/ActualText (র)``), else to the
text all the spans it is drawn in share (ণ of ণি and র্ণ is ণ), else to the text of the
cluster it is drawn in (চ of চি, only ever drawn in চি, gets চি: a reader that ignores
``/ActualText`` then reads that cluster twice, as it reads a cluster LibreOffice maps to its
first glyph out of order). A code drawn outside any
such span is left as it is (the checker then reports it). The content streams, the glyphs, the
marked-content ids and the structure tree do not change, nor does what an ``/ActualText``
reader extracts; the bytes stay reproducible. A page whose simple fonts map every code they
have widths for is not read (a finished part in a packet: a tenth of a second for the packet
of thirteen notices, against a second reading every page).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import pikepdf

from .fonts import saved

_HEX = rb"<([0-9A-Fa-f\s]*)>"
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(_HEX + rb"\s*" + _HEX)
_RANGE = re.compile(_HEX + rb"\s*" + _HEX + rb"\s*(?:<[0-9A-Fa-f\s]*>|\[[^\]]*\])")
_ENDCMAP = re.compile(rb"\bendcmap\b")

_SHOW = {"Tj", "TJ", "'", '"'}


def _code(hex_: bytes) -> int:
    return int(re.sub(rb"\s", b"", hex_) or b"0", 16)


def _mapped_codes(cmap: bytes) -> set[int]:
    """The character codes a ToUnicode CMap gives a destination (bfchar and bfrange)."""
    codes: set[int] = set()
    for block in _BFCHAR.findall(cmap):
        codes.update(_code(src) for src, dst in _PAIR.findall(block) if re.sub(rb"\s", b"", dst))
    for block in _BFRANGE.findall(cmap):
        for low, high in _RANGE.findall(block):
            codes.update(range(_code(low), _code(high) + 1))
    return codes


def _width(font: pikepdf.Dictionary) -> int:
    """The bytes of a character code: two for a composite font (LibreOffice's are Identity-H),
    one for a simple font."""
    return 2 if font.get("/Subtype") == "/Type0" else 1


def _codes(shown: bytes, width: int) -> list[int]:
    return [int.from_bytes(shown[i:i + width], "big") for i in range(0, len(shown), width)]


def _shown(operands: list[Any], op: str) -> bytes:
    items = operands[0] if op == "TJ" and operands else operands[-1:]
    return b"".join(bytes(x) for x in items if isinstance(x, pikepdf.String))


def _complete(font: pikepdf.Object, mapped: set[int] | None) -> bool:
    """Whether a simple font's ToUnicode maps every code from its /FirstChar (but 0, .notdef)
    to its /LastChar, the codes it has widths for (or is a font this leaves alone)."""
    if mapped is None:
        return True
    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") == "/Type0":
        return False
    first, last = font.get("/FirstChar"), font.get("/LastChar")
    if not isinstance(first, int) or not isinstance(last, int):
        return False
    return all(code in mapped for code in range(max(first, 1), last + 1))


def _uses(pdf: pikepdf.Pdf) -> dict[tuple[int, int], tuple[pikepdf.Dictionary, dict[int, Any]]]:
    """For each font with a ToUnicode CMap (by object), the codes it draws that the CMap does not
    map: for each, the ActualText spans it is drawn in, as (text, how many codes the span draws)
    in drawing order, and whether it is drawn outside any."""
    fonts: dict[tuple[int, int], set[int] | None] = {}
    found: dict[tuple[int, int], tuple[pikepdf.Dictionary, dict[int, Any]]] = {}

    def mapped(font: pikepdf.Object) -> set[int] | None:
        """The codes the font's ToUnicode maps; None for a font this leaves alone (no CMap,
        or not an object of its own)."""
        if not isinstance(font, pikepdf.Dictionary) or not font.is_indirect:
            return None
        if font.objgen not in fonts:
            cmap = font.get("/ToUnicode")
            fonts[font.objgen] = _mapped_codes(cmap.read_bytes()) \
                if isinstance(cmap, pikepdf.Stream) else None
        return fonts[font.objgen]

    for page in pdf.pages:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        by_name = resources.get("/Font", pikepdf.Dictionary())
        if not isinstance(by_name, pikepdf.Dictionary) or all(
                _complete(f, mapped(f)) for f in by_name.values()):
            continue  # every code its fonts have is mapped: nothing to read
        spans: list[list[Any] | None] = []  # per open marked content: [text, codes] or None
        font: pikepdf.Dictionary | None = None
        for instruction in pikepdf.parse_content_stream(page):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue  # an inline image draws no text
            operands, op = list(instruction.operands), str(instruction.operator)
            if op in ("BDC", "BMC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                text = props.get("/ActualText") if isinstance(props, pikepdf.Dictionary) \
                    else None
                spans.append([str(text), []] if isinstance(text, pikepdf.String) else None)
            elif op == "EMC":
                span = spans.pop() if spans else None
                if span is not None:
                    for key, code in span[1]:
                        if code in found.get(key, (None, {}))[1]:
                            found[key][1][code]["spans"].append((span[0], len(span[1])))
            elif op == "Tf" and operands and isinstance(operands[0], pikepdf.Name):
                chosen = by_name.get(operands[0])
                font = chosen if isinstance(chosen, pikepdf.Dictionary) else None
            elif op in _SHOW and font is not None and (known := mapped(font)) is not None:
                key = font.objgen
                codes = _codes(_shown(operands, op), _width(font))
                span = next((s for s in reversed(spans) if s is not None), None)
                if span is not None:
                    span[1].extend((key, c) for c in codes)
                for code in codes:
                    if code in known:
                        continue
                    entry = found.setdefault(key, (font, {}))[1].setdefault(
                        code, {"spans": [], "outside": False})
                    if span is None:
                        entry["outside"] = True
    return found


def _common(texts: list[str]) -> str:
    """The longest text all of ``texts`` hold (the first such in the shortest of them)."""
    shortest = min(texts, key=lambda t: (len(t), t))
    for size in range(len(shortest), 0, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start:start + size]
            if all(part in t for t in texts):
                return part
    return ""


def _text_for(spans: list[tuple[str, int]]) -> str | None:
    """The text of a glyph drawn in these spans: that of a span it is drawn in alone (the most
    frequent such, then the first); else the text all its spans share (the reph of র্ট and র্ম
    is র্); else that of its smallest span (the most frequent, then the first)."""
    texts = [t for t, _n in spans if t]
    if not texts:
        return None
    alone = [t for t, n in spans if n == 1 and t]
    if alone:
        return Counter(alone).most_common(1)[0][0]
    if shared := _common(sorted(set(texts))):
        return shared
    smallest = min(n for t, n in spans if t)
    return Counter(t for t, n in spans if n == smallest and t).most_common(1)[0][0]


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _with_entries(cmap: bytes, entries: dict[int, str], width: int) -> bytes | None:
    """``cmap`` with bfchar blocks for ``entries`` added before ``endcmap`` (at most 100 a
    block, PDF's limit), or None if it has no ``endcmap``."""
    match = _ENDCMAP.search(cmap)
    if match is None:
        return None
    items = sorted(entries.items())
    blocks = []
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        lines = "".join(f"<{code:0{2 * width}X}> <{_utf16(text)}>\n" for code, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}endbfchar\n".encode("ascii"))
    return cmap[:match.start()] + b"".join(blocks) + cmap[match.start():]


def mapped_actual_text(data: bytes) -> bytes:
    """Return the PDF ``data`` with a ToUnicode entry for each glyph drawn only inside
    ``/ActualText`` spans that its font's ToUnicode CMap leaves out; ``data`` itself when there
    is none. The bytes stay reproducible."""
    pdf = pikepdf.open(io.BytesIO(data))
    return saved(pdf) if map_actual_text(pdf) else data


def map_actual_text(pdf: pikepdf.Pdf) -> bool:
    """:func:`mapped_actual_text` on an open ``pdf``, in place; whether anything changed."""
    changed = False
    for font, codes in _uses(pdf).values():
        entries = {code: text for code, entry in codes.items()
                   if not entry["outside"] and (text := _text_for(entry["spans"]))}
        if not entries:
            continue
        stream = font.ToUnicode
        edited = _with_entries(stream.read_bytes(), entries, _width(font))
        if edited is None:
            continue
        # written uncompressed: a compressed stream may end in a carriage return, which a PDF/A
        # checker reads as part of the line end before endstream
        font.ToUnicode = pdf.make_stream(edited)
        changed = True
    return changed
