"""The pinning docgen had before it located the bytes that change (commit db2eb00, docgen/pdf/pin.py):
pypdf reads the whole file. tests/test_pin.py checks the located pinning gives these bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zlib

from pypdf import PdfReader

def _eexec(data: bytes, decrypt: bool, r: int = 55665) -> bytes:
    """Decrypt or encrypt a Type 1 font's eexec section (Adobe Type 1 Font Format, 7.2)."""
    out = bytearray()
    for byte in data:
        plain = byte ^ (r >> 8)
        cipher = byte if decrypt else plain
        out.append(plain if decrypt else cipher)
        r = ((cipher + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _stable_type1(font: bytes, length1: int, length2: int) -> bytes:
    """Replace the /UniqueID LibreOffice numbers per process with a constant of the same size."""

    def constant(m: re.Match[bytes]) -> bytes:
        return b"/UniqueID " + b"4" + b"0" * (len(m.group(1)) - 1)

    clear = re.sub(rb"/UniqueID (\d+)", constant, font[:length1])
    private = re.sub(rb"/UniqueID (\d+)", constant,
                     _eexec(font[length1:length1 + length2], decrypt=True))
    return clear + _eexec(private, decrypt=False) + font[length1 + length2:]


def _stable_streams(data: bytes, when: dt.datetime) -> bytes:
    """Make the streams LibreOffice fills with the moment or the process stable.

    Two are known: the PDF/A colour profile, stamped with the time of export, and each Type 1
    font (how LibreOffice embeds CFF fonts such as Noto CJK), numbered with a per-process
    /UniqueID. Their compressed length may change; only offsets after them move, and the classic
    cross-reference table LibreOffice writes is rebuilt from pypdf's reading.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        offsets = dict(reader.xref[0])
        changes: dict[int, bytes] = {}
        intents = reader.root_object.get("/OutputIntents")
        if intents:
            ref = intents[0].get_object().raw_get("/DestOutputProfile")
            profile = bytearray(ref.get_object().get_data())
            if len(profile) >= 128 and profile[36:40] == b"acsp":
                profile[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour,
                                             when.minute, when.second)
                changes[ref.idnum] = bytes(profile)
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
