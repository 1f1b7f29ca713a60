"""Reproducible PDF bytes: LibreOffice stamps each PDF with the time of export (document info,
XMP, the PDF/A colour profile), a random file identifier and font subsets whose encryption is
seeded at random; :func:`pin_pdf` replaces them, byte for byte, so the same DOCX gives the same
PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zlib

from typing import Any, NamedTuple

from pypdf import PdfReader
from pypdf.filters import decompress

def _eexec(data: bytes, decrypt: bool, r: int = 55665) -> bytes:
    """Decrypt or encrypt a Type 1 font's eexec section (Adobe Type 1 Font Format, 7.2)."""
    out = bytearray(len(data))
    if decrypt:
        for i, cipher in enumerate(data):
            out[i] = cipher ^ (r >> 8)
            r = ((cipher + r) * 52845 + 22719) & 0xFFFF
    else:
        for i, plain in enumerate(data):
            out[i] = cipher = plain ^ (r >> 8)
            r = ((cipher + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _stable_type1(font: bytes, length1: int, length2: int) -> bytes:
    """Replace the /UniqueID LibreOffice numbers per process with a constant of the same size."""

    def constant(m: re.Match[bytes]) -> bytes:
        return b"/UniqueID " + b"4" + b"0" * (len(m.group(1)) - 1)

    clear = re.sub(rb"/UniqueID (\d+)", constant, font[:length1])
    cipher = font[length1:length1 + length2]
    plain = _eexec(cipher, decrypt=True)
    private = re.sub(rb"/UniqueID (\d+)", constant, plain)
    # encrypting what decrypting gave gives the cipher back: only a change is encrypted
    return (clear + (cipher if private == plain else _eexec(private, decrypt=False))
            + font[length1 + length2:])


def _stable_streams(data: bytes, when: dt.datetime) -> bytes:
    """Make the streams LibreOffice fills with the moment or the process stable.

    Two are known: the PDF/A colour profile, stamped with the time of export, and each Type 1
    font (how LibreOffice embeds CFF fonts such as Noto CJK), numbered with a per-process
    /UniqueID. Their compressed length may change; only offsets after them move, and the classic
    cross-reference table LibreOffice writes is rebuilt.

    The streams are found by reading only the cross-reference table and the few objects that
    lead to them (:func:`_located_changes`); a file not in the plain form LibreOffice writes is
    read whole with pypdf instead (:func:`_parsed_changes`), which gives the same answer.
    """
    try:
        offsets, changes = _located_changes(data, when)
    except Exception:  # noqa: BLE001 - not the plain form (_Unsure), or a surprise: read it whole
        return _parsed_streams(data, when)
    return _replace_streams(data, offsets, changes) if changes else data


def _profile_stamped(profile: bytearray, when: dt.datetime) -> bytes:
    """The ICC profile ``profile`` with its creation date (bytes 24-35) set to ``when``."""
    profile[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour,
                                 when.minute, when.second)
    return bytes(profile)


def _parsed_streams(data: bytes, when: dt.datetime) -> bytes:
    """:func:`_stable_streams` by pypdf's reading of the whole file (any PDF pypdf reads)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        offsets = dict(reader.xref[0])
        changes: dict[int, bytes] = {}
        intents = reader.root_object.get("/OutputIntents")
        if intents:
            ref = intents[0].get_object().raw_get("/DestOutputProfile")
            profile = bytearray(ref.get_object().get_data())
            if len(profile) >= 128 and profile[36:40] == b"acsp":
                changes[ref.idnum] = _profile_stamped(profile, when)
        for idnum in offsets:
            obj = reader.get_object(idnum)
            if isinstance(obj, dict) and "/Length2" in obj and "/Length1" in obj:
                font = obj.get_data()
                stable = _stable_type1(font, int(obj["/Length1"]), int(obj["/Length2"]))
                if stable != font:
                    changes[idnum] = stable
    except Exception:  # noqa: BLE001 - not a PDF we know how to touch: leave it as it is
        return data
    return _replace_streams(data, offsets, changes) if changes else data


# --- the located reading: the cross-reference table and the few objects that matter ----------

class _Unsure(Exception):
    """The file is not in the plain form :func:`_located_changes` reads; read it whole."""


class _Ref(NamedTuple):
    """An indirect reference ``number 0 R``."""

    number: int


class _Text(NamedTuple):
    """A string, literal or hexadecimal (its bytes are never needed)."""


class _Stream(NamedTuple):
    """A stream object's dictionary and where its data starts."""

    entries: dict[bytes, Any]
    body: int


_BLANK = re.compile(rb"[ \t\r\n\x0c\x00]*")
_NAME = re.compile(rb"/[^ \t\r\n\x0c\x00()<>\[\]{}/%]*")
_REF = re.compile(rb"(\d+)[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+R(?=[ \t\r\n\x0c\x00()<>\[\]{}/%]|$)")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?=[ \t\r\n\x0c\x00()<>\[\]{}/%]|$)")
_WORD = re.compile(rb"(?:true|false|null)(?=[ \t\r\n\x0c\x00()<>\[\]{}/%]|$)")
_HEX = re.compile(rb"<[0-9A-Fa-f \t\r\n\x0c\x00]*>")
_PAREN = re.compile(rb"[()\\]")
_HEADER = re.compile(rb"(\d+)[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+obj")
_STREAM = re.compile(rb"[ \t\r\n\x0c\x00]*stream(?:\r\n|\n)")
_ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
_STARTXREF = re.compile(rb"startxref[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+%%EOF[ \t\r\n\x0c\x00]*\Z")
_XREF = re.compile(rb"xref[ \t\r\n\x0c\x00]+0[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+")
_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_TRAILER = re.compile(rb"[ \t\r\n\x0c\x00]*trailer")
_STREAM_KEYWORD = re.compile(rb">>[ \t\r\n\x0c\x00]*stream(\r\n|\n)?")
_LENGTH = re.compile(rb"/Length[ \t\r\n\x0c\x00]+(\d+)(?:[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+R)?")
_WHOLE = re.compile(rb"(\d+)[ \t\r\n\x0c\x00]+(\d+)[ \t\r\n\x0c\x00]+obj[ \t\r\n\x0c\x00]*(\d+)"
                    rb"[ \t\r\n\x0c\x00]*endobj")


def _value(data: bytes, at: int, depth: int = 0) -> tuple[Any, int]:
    """The PDF object at ``at`` in the plain forms LibreOffice writes, and where it ends: a
    name (bytes, with its slash), an int, a list, a dict, a :class:`_Ref` or a :class:`_Text`;
    a comment, an escaped name, a real number or deep nesting is :class:`_Unsure`."""
    at = _BLANK.match(data, at).end()  # type: ignore[union-attr]
    if depth > 32:
        raise _Unsure
    head = data[at:at + 1]
    if data.startswith(b"<<", at):
        entries: dict[bytes, Any] = {}
        at += 2
        while True:
            at = _BLANK.match(data, at).end()  # type: ignore[union-attr]
            if data.startswith(b">>", at):
                return entries, at + 2
            key, at = _value(data, at, depth + 1)
            if not isinstance(key, bytes) or key in entries:
                raise _Unsure
            entries[key], at = _value(data, at, depth + 1)
    if head == b"/":
        m = _NAME.match(data, at)
        assert m is not None
        if b"#" in m.group(0):
            raise _Unsure
        return m.group(0), m.end()
    if head == b"[":
        items: list[Any] = []
        at += 1
        while True:
            at = _BLANK.match(data, at).end()  # type: ignore[union-attr]
            if data.startswith(b"]", at):
                return items, at + 1
            item, at = _value(data, at, depth + 1)
            items.append(item)
    if head == b"(":
        level = 0
        for m in _PAREN.finditer(data, at):
            if m.start() < at:
                continue
            char = m.group(0)
            if char == b"\\":
                at = m.end() + 1
            elif char == b"(":
                level += 1
            else:
                level -= 1
                if not level:
                    return _Text(), m.end()
        raise _Unsure
    if head == b"<":
        m = _HEX.match(data, at)
        if m is None:
            raise _Unsure
        return _Text(), m.end()
    m = _REF.match(data, at)
    if m is not None:
        if m.group(2) != b"0":
            raise _Unsure
        return _Ref(int(m.group(1))), m.end()
    m = _NUMBER.match(data, at)
    if m is not None:
        if not m.group(0).isdigit():
            raise _Unsure  # only whole numbers matter here (a sign or a point: read it whole)
        return int(m.group(0)), m.end()
    m = _WORD.match(data, at)
    if m is not None:
        return m.group(0), m.end()
    raise _Unsure


def _xref(data: bytes) -> tuple[dict[int, int], dict[bytes, Any], int]:
    """The one classic cross-reference table (``0 N``, no /Prev): each object's offset, the
    trailer, and where the table starts."""
    m = _STARTXREF.search(data, max(0, len(data) - 1024))
    if m is None:
        raise _Unsure
    table = _XREF.match(data, int(m.group(1)))
    if table is None:
        raise _Unsure
    count, at = int(table.group(1)), table.end()
    offsets: dict[int, int] = {}
    for number in range(count):
        row = _ROW.match(data, at)
        if row is None:
            raise _Unsure
        at = row.end()
        if row.group(3) == b"n":
            if row.group(2) != b"00000":
                raise _Unsure
            offsets[number] = int(row.group(1))
    trailer = _TRAILER.match(data, at)
    if trailer is None:
        raise _Unsure
    entries, _ = _value(data, trailer.end())
    if (not isinstance(entries, dict) or b"/Prev" in entries or b"/XRefStm" in entries
            or entries.get(b"/Size") != count):
        raise _Unsure
    return offsets, entries, int(m.group(1))


def _object(data: bytes, offsets: dict[int, int], number: int) -> Any:
    """Object ``number``: its value, or a :class:`_Stream` for a stream."""
    at = offsets.get(number)
    m = _HEADER.match(data, at) if at is not None else None
    if m is None or int(m.group(1)) != number or m.group(2) != b"0":
        raise _Unsure
    value, end = _value(data, m.end())
    if isinstance(value, dict):
        stream = _STREAM.match(data, end)
        if stream is not None:
            return _Stream(value, stream.end())
    return value


def _flate_data(data: bytes, offsets: dict[int, int], stream: Any) -> bytes:
    """The decoded data of ``stream``, a stream with one /FlateDecode filter, no parameters,
    and a /Length that ends at ``endstream`` (anything else is :class:`_Unsure`)."""
    if (not isinstance(stream, _Stream) or stream.entries.get(b"/Filter") != b"/FlateDecode"
            or b"/DecodeParms" in stream.entries):
        raise _Unsure
    length = stream.entries.get(b"/Length")
    if isinstance(length, _Ref):
        length = _object(data, offsets, length.number)
    if not isinstance(length, int) or not _ENDSTREAM.match(data, stream.body + length):
        raise _Unsure
    return decompress(data[stream.body:stream.body + length])


def _located_changes(data: bytes, when: dt.datetime) -> tuple[dict[int, int], dict[int, bytes]]:
    """What :func:`_parsed_streams` changes, found without reading the whole file: the
    cross-reference table, the catalog, its first output intent and colour profile, and the
    objects whose bytes name ``/Length2`` (a Type 1 font program's key; an object without those
    bytes cannot have it). Raise :class:`_Unsure` for a file in any other form."""
    offsets, trailer, table = _xref(data)
    root = trailer.get(b"/Root")
    catalog = _object(data, offsets, root.number) if isinstance(root, _Ref) else None
    if not isinstance(catalog, dict):
        raise _Unsure
    changes: dict[int, bytes] = {}
    intents = catalog.get(b"/OutputIntents")
    if intents is not None:
        if not isinstance(intents, list) or (intents and not isinstance(intents[0], _Ref)):
            raise _Unsure
    if intents:
        intent = _object(data, offsets, intents[0].number)
        ref = intent.get(b"/DestOutputProfile") if isinstance(intent, dict) else None
        if not isinstance(ref, _Ref):
            raise _Unsure
        profile = bytearray(_flate_data(data, offsets, _object(data, offsets, ref.number)))
        if len(profile) >= 128 and profile[36:40] == b"acsp":
            changes[ref.number] = _profile_stamped(profile, when)
    placed = sorted(offsets.items(), key=lambda item: item[1])
    for (number, at), end in zip(placed, [at for _, at in placed[1:]] + [table]):
        if not data[at:end].rstrip(b" \t\r\n\x0c\x00").endswith(b"endobj"):
            raise _Unsure  # objects that overlap, or bytes between them
        header = _HEADER.match(data, at)
        if header is None or int(header.group(1)) != number or header.group(2) != b"0":
            raise _Unsure  # a row that points at another object (a reader would drop it)
        _check_stream_extent(data, offsets, at, end)
        if data.find(b"/Length2", at, end) < 0:
            continue
        obj = _object(data, offsets, number)
        entries = obj.entries if isinstance(obj, _Stream) else obj
        if not (isinstance(entries, dict) and b"/Length2" in entries
                and b"/Length1" in entries):
            continue
        length1, length2 = entries[b"/Length1"], entries[b"/Length2"]
        if not (isinstance(length1, int) and isinstance(length2, int)):
            raise _Unsure
        font = _flate_data(data, offsets, obj)
        stable = _stable_type1(font, length1, length2)
        if stable != font:
            changes[number] = stable
    return offsets, changes


def _check_stream_extent(data: bytes, offsets: dict[int, int], at: int, end: int) -> None:
    """Raise :class:`_Unsure` unless the object at ``at`` (ending before ``end``) is either no
    stream or a stream whose /Length, direct or an indirect whole number, ends at
    ``endstream``: the whole-file reading must judge a file with any other stream, as it judges
    the streams that change (a reader that trips over one stream leaves the file as it is)."""
    keyword = _STREAM_KEYWORD.search(data, at, end)
    if keyword is None:
        return
    if keyword.group(1) is None:
        raise _Unsure  # the keyword not followed by a line end
    length = _LENGTH.search(data, at, keyword.start())
    if length is None:
        raise _Unsure
    value = int(length.group(1))
    if length.group(2) is not None:
        target = offsets.get(value)
        whole = _WHOLE.match(data, target) if target is not None else None
        if (whole is None or int(whole.group(1)) != value or length.group(2) != b"0"
                or whole.group(2) != b"0"):
            raise _Unsure
        value = int(whole.group(3))
    if not _ENDSTREAM.match(data, keyword.end() + value):
        raise _Unsure


def _replace_streams(data: bytes, offsets: dict[int, int], changes: dict[int, bytes]) -> bytes:
    """Return ``data`` with the FlateDecode streams of ``changes`` replaced and the xref rebuilt."""
    edits: list[tuple[int, int, bytes]] = []
    length_re = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
    for idnum, decoded in changes.items():
        start = offsets[idnum]
        head = data.index(b"stream", start)
        if b"/FlateDecode" not in data[start:head]:
            return data
        body = head + len(b"stream")
        body += 2 if data[body:body + 2] == b"\r\n" else 1
        m = length_re.search(data, start, head)
        if not m:
            return data
        if m.group(2) is None:
            length_at = (m.start(1), m.end(1))
        else:
            at = offsets.get(int(m.group(1)))
            n = re.compile(rb"\d+\s+\d+\s+obj\s*(\d+)").match(data, at) if at else None
            if not n:
                return data
            length_at = (n.start(1), n.end(1))
        old_length = int(data[length_at[0]:length_at[1]])
        # measure the data by /Length: compressed data may itself end in line-end bytes
        if not data[body + old_length:body + old_length + 12].lstrip(b"\r\n").startswith(
                b"endstream"):
            return data
        new_body = zlib.compress(decoded, 9)
        edits.append((body, body + old_length, new_body))
        edits.append((length_at[0], length_at[1], str(len(new_body)).encode()))
    edits.sort()
    out, last, shifts = bytearray(), 0, []
    for a, b, text in edits:
        out += data[last:a] + text
        shifts.append((b, len(text) - (b - a)))
        last = b
    out += data[last:]

    def moved(offset: int) -> int:
        return offset + sum(delta for at, delta in shifts if offset >= at)

    xref_at = out.rfind(b"\nxref") + 1
    m = re.compile(rb"xref\s+0\s+(\d+)\s+").match(out, xref_at)
    if xref_at <= 0 or not m or int(m.group(1)) != max(offsets) + 1:
        return data
    table = [b"0000000000 65535 f \n"]
    for number in range(1, int(m.group(1))):
        table.append(b"%010d 00000 n \n" % moved(offsets[number]) if number in offsets
                     else b"0000000000 65535 f \n")
    tail = re.compile(rb"trailer").search(out, m.end())
    if not tail:
        return data
    out[m.end():tail.start()] = b"".join(table)
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % xref_at, bytes(out))


def pin_pdf(data: bytes, when: dt.datetime) -> bytes:
    """Return ``data`` with its dates set to ``when`` and its file identifier derived from it.

    Dates in the document info and XMP keep their length, so nothing else moves; the colour
    profile and Type 1 fonts are made stable by :func:`_stable_streams`.
    """
    when = when.astimezone(dt.timezone.utc)
    data = _stable_streams(data, when)
    pdf_date = when.strftime("%Y%m%d%H%M%S")
    xmp_date = when.strftime("%Y-%m-%dT%H:%M:%S")

    def info_date(m: re.Match[bytes]) -> bytes:
        return m.group(1) + pdf_date.encode()

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", info_date, data)

    def xmp(m: re.Match[bytes]) -> bytes:
        return m.group(1) + xmp_date.encode()

    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
                  xmp, data)
    ident = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
    checksum = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
    blank = ident.sub(lambda m: b"/ID[<>]", data)
    blank = checksum.sub(lambda m: m.group(1), blank)
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode()

    def new_id(m: re.Match[bytes]) -> bytes:
        text = m.group(0)
        for old in (m.group(1), m.group(2)):
            text = text.replace(old, digest[: len(old)].ljust(len(old), b"0"), 1)
        return text

    data = ident.sub(new_id, data)
    return checksum.sub(lambda m: m.group(1) + digest[: len(m.group(2))], data)
