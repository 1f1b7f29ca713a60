"""Embedded fonts written the way PDF/A checkers read them, glyphs untouched.

LibreOffice 7.4 embeds a CFF font (Noto Sans CJK, from Debian's ``fonts-noto-cjk``: the
notices' Chinese, Japanese and Korean text) by converting each subset to a Type 1 font program
(``/FontFile``, ``/Subtype /Type1``), whose first line it writes as
``%!FontType1-1.0: NotoSansCJKjp-Regular-VKana 001.003``. The Type 1 format has two forms of
that comment, ``%!PS-AdobeFont-1.0`` and ``%!FontType1-1.0`` (Adobe's Document Structuring
Conventions 3.0, ``%!PS-Adobe-3.0 Resource-``); page-validation 0.11 recognises a Type 1
program only by the first, so it reports the font as not embedded (PDFA3B-FONT-EMBEDDING-001,
PDFUA1-FONT-EMBEDDING-001), though poppler, Ghostscript and every reader render it from the
file. LibreOffice also writes no ``/CharSet`` for the subset, which the checker requires of a
Type 1 subset (PDFA3B-TYPE1-SUBSET-CHARSET-001, ISO 19005-1 6.3.5; ISO 19005-2/3 6.2.11.4.2
only require a ``/CharSet`` that is present to be complete).

:func:`conforming_fonts` therefore writes the first line in its ``%!PS-AdobeFont-1.0`` form and
adds the ``/CharSet`` the program's own ``/CharStrings`` give (every glyph in the subset but
``.notdef``): both say what is true of the font, and no outline, metric or encoding changes.

It also keeps a compressed font program from ending in a carriage return, which a checker reads
as part of the line end before ``endstream`` (a ``/Length`` that does not match, ISO 19005-3
6.1.7.1; one stream in 256): a Type 1 program takes a final line end after ``cleartomark``, a
TrueType program is written uncompressed; no glyph reads either.

And it writes the side bearing and width that begin each Type 1 glyph (``hsbw``) in the
shortest of the encodings the Type 1 format has for the same number: LibreOffice uses the
five-byte one (255 and a 32-bit integer, Type 1 Font Format 6.2), which page-validation 0.11
decodes as CFF's 16.16 fixed-point number, a width of 0.015 for 1000, and so reports widths
unlike ``/Widths`` (PDFA3B-TRUETYPE-GLYPH-WIDTH-001, PDFUA1-FONT-GLYPH-WIDTH-001).
"""

from __future__ import annotations

import io
import re
import zlib

import pikepdf

from .pin import _eexec

#: the first line LibreOffice writes, and the form of it PDF/A checkers recognise
_FONTTYPE1 = b"%!FontType1-"
_ADOBEFONT = b"%!PS-AdobeFont-"
#: a glyph of a Type 1 program's CharStrings: ``/name length RD <length bytes>`` (Type 1
#: Font Format 6.2; ``-|`` is the other usual name of RD)
_GLYPH = re.compile(rb"/([^\s/\[\]{}()<>%]+)\s+(\d+)\s+(?:RD|-\|)\s")
_CHARSTRINGS = re.compile(rb"/CharStrings\s+\d+\s+dict\s+dup\s+begin\s")


_GLYPH_END = re.compile(rb"\s*(?:ND|\|-|noaccess\s+def|def)\s*")
_LEN_IV = re.compile(rb"/lenIV\s+(\d+)")


def _number(value: int) -> bytes:
    """A Type 1 charstring number in its shortest encoding (Type 1 Font Format 6.2)."""
    if -107 <= value <= 107:
        return bytes([value + 139])
    if 108 <= value <= 1131:
        return bytes([247 + (value - 108) // 256, (value - 108) % 256])
    if -1131 <= value <= -108:
        return bytes([251 + (-value - 108) // 256, (-value - 108) % 256])
    return b"\xff" + value.to_bytes(4, "big", signed=True)


def _short_metrics(charstring: bytes) -> bytes:
    """A plain charstring whose leading ``hsbw`` or ``sbw`` operands (side bearing and width)
    are in their shortest encoding; the same numbers, so the same glyph.

    LibreOffice writes every width in the five-byte form (255 and a 32-bit integer), which
    page-validation 0.11 reads as a Type 2 (CFF) 16.16 fixed-point number: 1000 as 0.015,
    then a width unlike ``/Widths`` (PDFA3B-TRUETYPE-GLYPH-WIDTH-001)."""
    values: list[int] = []
    at = 0
    while at < len(charstring):
        v = charstring[at]
        if 32 <= v <= 246:
            values.append(v - 139)
            at += 1
        elif 247 <= v <= 250 and at + 1 < len(charstring):
            values.append((v - 247) * 256 + charstring[at + 1] + 108)
            at += 2
        elif 251 <= v <= 254 and at + 1 < len(charstring):
            values.append(-(v - 251) * 256 - charstring[at + 1] - 108)
            at += 2
        elif v == 255 and at + 4 < len(charstring):
            values.append(int.from_bytes(charstring[at + 1:at + 5], "big", signed=True))
            at += 5
        else:
            break
    is_metrics = (charstring[at:at + 1] == b"\x0d" and len(values) == 2) or (
        charstring[at:at + 2] == b"\x0c\x07" and len(values) == 4)
    if not is_metrics:
        return charstring
    return b"".join(_number(v) for v in values) + charstring[at:]


def _glyphs(private: bytes) -> tuple[list[str], bytes] | None:
    """The glyph names of a decrypted Type 1 private part's ``/CharStrings`` (program order),
    and the private part with each glyph's metrics in their shortest encoding; None when it has
    no CharStrings this reader understands."""
    start = _CHARSTRINGS.search(private)
    if not start:
        return None
    m_iv = _LEN_IV.search(private)
    len_iv = int(m_iv.group(1)) if m_iv else 4
    names: list[str] = []
    out = bytearray(private[:start.end()])
    at = start.end()
    while m := _GLYPH.match(private, at):
        names.append(m.group(1).decode("latin-1"))
        body = private[m.end():m.end() + int(m.group(2))]
        plain = _eexec(body, decrypt=True, r=4330)
        short = plain[:len_iv] + _short_metrics(plain[len_iv:])
        body = body if short == plain else _eexec(short, decrypt=False, r=4330)
        out += private[at:m.start(2)] + str(len(body)).encode() + private[m.end(2):m.end()]
        out += body
        at = m.end() + int(m.group(2))
        end = _GLYPH_END.match(private, at)
        if not end:
            return None
        out += private[at:end.end()]
        at = end.end()
    if not names:
        return None
    return names, bytes(out + private[at:])


def type1_glyph_names(private: bytes) -> list[str] | None:
    """The glyph names of a decrypted Type 1 private part's ``/CharStrings``, in program order;
    None when it has none this reader understands."""
    found = _glyphs(private)
    return found[0] if found else None


def _packed(program: bytes, pad: bytes) -> tuple[bytes, int]:
    """``program`` compressed so that the stream does not end in a carriage return, and how
    many ``pad`` bytes that took at its end."""
    added = 0
    while (packed := zlib.compress(program + pad * added, 9)).endswith(b"\r"):
        added += 1
    return packed, added


def _type1(descriptor: pikepdf.Dictionary, stream: pikepdf.Stream) -> bool:
    """Conform one Type 1 ``/FontFile``; whether anything changed."""
    try:
        lengths = [int(stream[k]) for k in ("/Length1", "/Length2", "/Length3")]
        program = stream.read_bytes()
    except (KeyError, TypeError, ValueError, pikepdf.PdfError):
        return False
    if sum(lengths) != len(program):
        return False
    changed = False
    if program.startswith(_FONTTYPE1):
        program = _ADOBEFONT + program[len(_FONTTYPE1):]
        lengths[0] += len(_ADOBEFONT) - len(_FONTTYPE1)
        changed = True
    private = _eexec(program[lengths[0]:lengths[0] + lengths[1]], decrypt=True)
    found = _glyphs(private)
    if found:
        names, shorter = found
        if shorter != private:
            encrypted = _eexec(shorter, decrypt=False)
            program = (program[:lengths[0]] + encrypted
                       + program[lengths[0] + lengths[1]:])
            lengths[1] = len(encrypted)
            changed = True
        if "/CharSet" not in descriptor:
            descriptor.CharSet = pikepdf.String(
                "".join(f"/{n}" for n in sorted(set(names)) if n != ".notdef"))
            changed = True
    raw = stream.read_raw_bytes()
    if not changed and not raw.endswith(b"\r"):
        return False
    packed, added = _packed(program, b"\n")
    lengths[2] += added
    stream.write(packed, filter=pikepdf.Name.FlateDecode)
    stream.Length1, stream.Length2, stream.Length3 = lengths
    return True


def _truetype(stream: pikepdf.Stream) -> bool:
    """Keep one TrueType ``/FontFile2`` from ending in a carriage return: it is then written
    uncompressed (a compressed stream ends in the checksum of its data, which zero bytes after
    the last table do not change), with a zero byte after a program that itself ends in one."""
    if not stream.read_raw_bytes().endswith(b"\r") or stream.get("/Filter") != pikepdf.Name.FlateDecode:
        return False
    program = stream.read_bytes()
    if program.endswith(b"\r"):
        program += b"\0"
    stream.write(program)
    stream.Length1 = len(program)
    return True


def _descriptors(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font descriptor of the file's fonts (and their CIDFonts), once each."""
    out: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        fonts = [obj] + [d for d in obj.get("/DescendantFonts", pikepdf.Array())
                         if isinstance(d, pikepdf.Dictionary)]
        for font in fonts:
            descriptor = font.get("/FontDescriptor")
            if isinstance(descriptor, pikepdf.Dictionary):
                out.setdefault(descriptor.objgen if descriptor.is_indirect
                               else (-len(out) - 1, 0), descriptor)
    return list(out.values())


def conforming_fonts(data: bytes) -> bytes:
    """Return the PDF ``data`` with its Type 1 font programs' first line in the form PDF/A
    checkers read, a ``/CharSet`` for each Type 1 subset lacking one, and no compressed font
    program ending in a carriage return; ``data`` itself when none needs it. The bytes stay
    reproducible."""
    pdf = pikepdf.open(io.BytesIO(data))
    return saved(pdf) if conform_fonts(pdf) else data


def conform_fonts(pdf: pikepdf.Pdf) -> bool:
    """:func:`conforming_fonts` on an open ``pdf``, in place; whether anything changed."""
    changed = False
    for descriptor in _descriptors(pdf):
        type1 = descriptor.get("/FontFile")
        if isinstance(type1, pikepdf.Stream):
            changed |= _type1(descriptor, type1)
        truetype = descriptor.get("/FontFile2")
        if isinstance(truetype, pikepdf.Stream):
            changed |= _truetype(truetype)
    return changed


def saved(pdf: pikepdf.Pdf) -> bytes:
    """``pdf`` written as the finishing steps write an edited PDF: the same bytes every time
    (a deterministic /ID), streams as they are (a compressed stream may end in a carriage
    return, which a PDF/A checker reads as part of the line end before endstream), no object
    streams."""
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, linearize=False, compress_streams=False,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buf.getvalue()
