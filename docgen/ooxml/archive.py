"""Read and write the zip of a Word package: the one reader, the one XML parse, the one writer.

Every DOCX docgen opens (a template, a redline input) is read by :func:`read_members` and its
XML parts parsed by :func:`parse_part`, under the rules of :mod:`docgen.ooxml.limits`. What a
refusal says is the caller's: a :class:`Refusals` gives the error for each case, so a template
is refused as a template (:class:`~docgen.errors.TemplateError`) and a redline input as a Word
document (:class:`~docgen.errors.DocxError`), for the same reasons.

Every DOCX docgen writes goes through :func:`write_zip` (or :func:`write_package`, which keeps a
template's untouched members compressed once): members in a fixed order with fixed timestamps,
attributes and compression (a :class:`ZipStyle`), so the same parts always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol, Sequence

from lxml import etree

from ..errors import DocgenError
from .limits import (MAX_PART_BYTES, MAX_PARTS, MAX_TOTAL_BYTES, OLE_SIGNATURE,
                     declares_entities, out_of_memory, safe_parser)
from .links import is_xml_part, outside_references, without_attached_templates

#: One member of a package: its name in the zip and its bytes (b"" for a folder entry).
Member = tuple[str, bytes]

# what zipfile raises, besides BadZipFile, on a damaged archive or member
_DAMAGED = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError,
            zlib.error, lzma.LZMAError, struct.error)


class Refusals(Protocol):
    """The error for each reason to refuse a package, worded for one kind of input."""

    def empty(self) -> DocgenError:
        """The file has no bytes at all."""

    def ole(self) -> DocgenError:
        """The file is an OLE container: a password-protected DOCX or a binary .doc."""

    def not_a_zip(self) -> DocgenError:
        """The file is not a zip archive."""

    def too_many_parts(self, count: int) -> DocgenError:
        """The archive has more than :data:`~docgen.ooxml.limits.MAX_PARTS` members."""

    def encrypted(self) -> DocgenError:
        """A member is encrypted (a password-protected zip)."""

    def too_large(self, part: str) -> DocgenError:
        """``part`` inflates past the limits: a possible zip bomb."""

    def damaged(self, part: str | None, error: BaseException) -> DocgenError:
        """The archive (``part`` None) or one of its members cannot be inflated."""

    def entities(self, part: str) -> DocgenError:
        """``part`` declares a DOCTYPE or an entity."""

    def malformed(self, part: str, line: int, message: str) -> DocgenError:
        """``part`` is not well-formed XML (``line`` 0 when the parser gave none)."""

    def external(self, part: str, what: str) -> DocgenError:
        """``part`` points outside the package (``what``, in plain words): a linked picture,
        object, template or file, or a field that reads one (see :mod:`.links`)."""


def read_members(data: bytes, refuse: Refusals,
                 parsed: dict[str, etree._Element] | None = None,
                 checked: Mapping[str, bytes] | None = None) -> list[Member]:
    """Return the members of the package ``data`` in their order; raise ``refuse``'s error
    for a file that is not a zip, is encrypted, or inflates past the limits, for an XML part
    that declares a DOCTYPE (every one, copied or parsed), and for a package that points
    outside itself (:func:`~docgen.ooxml.links.outside_references`; an attached template is
    dropped, not refused). ``parsed`` receives the XML parts parsed for that check, each as
    :func:`parse_part` would parse it, by name; ``checked``: the members of a package read
    (and so checked) before, whose parts with the same name and bytes need no second look."""
    members = _inflate(data, refuse)
    for name, body in members:
        if body and is_xml_part(name, body) and declares_entities(body):
            raise refuse.entities(name)
    members = without_attached_templates(members)
    outside = outside_references(members, parsed, checked)
    if outside is not None:
        raise refuse.external(*outside)
    return members


def _inflate(data: bytes, refuse: Refusals) -> list[Member]:
    if data.startswith(OLE_SIGNATURE):
        raise refuse.ole()
    if not data:
        raise refuse.empty()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse.not_a_zip() from None
    except _DAMAGED as e:
        raise refuse.damaged(None, e) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise refuse.too_many_parts(len(infos))
        members: list[Member] = []
        total = 0
        for info in infos:
            if info.is_dir():
                members.append((info.filename, b""))
                continue
            if info.flag_bits & 0x1:
                raise refuse.encrypted()
            # the sizes a zip declares may lie: check them first, then what really inflates
            if info.file_size > MAX_PART_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                raise refuse.too_large(info.filename)
            try:
                with archive.open(info) as member:
                    body = member.read(MAX_PART_BYTES + 1)
            except _DAMAGED as e:
                raise refuse.damaged(info.filename, e) from None
            total += len(body)
            if len(body) > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise refuse.too_large(info.filename)
            members.append((info.filename, body))
    return members


def parse_part(data: bytes | str, part: str, refuse: Refusals) -> etree._Element:
    """Return the parsed root of the XML part ``part``; refuse a DOCTYPE or an entity
    anywhere in it, and XML that is not well formed."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if declares_entities(raw):
        raise refuse.entities(part)
    try:
        return etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError as e:
        memory = out_of_memory(e)
        if memory is not None:
            raise memory from None
        # (libxml2's message may hold a line break: the message is one line)
        raise refuse.malformed(part, getattr(e, "lineno", 0) or 0,
                               " ".join(str(e.msg).split())) from None


# --- writing ----------------------------------------------------------------------------------

DateTime = tuple[int, int, int, int, int, int]


@dataclass(frozen=True)
class ZipStyle:
    """How every member of a written zip is stamped, so the bytes depend on the parts only."""

    #: the members' timestamp (a zip can only say 1980 to 2107)
    date_time: DateTime
    #: the system the attributes are for (0: MS-DOS, 3: Unix)
    create_system: int
    #: the file attributes (Unix permissions in the high 16 bits)
    external_attr: int
    #: the deflate level; None is zlib's default
    level: int | None


#: Saved packages (the redline): 1980-01-01, Unix rw-r--r--, zlib's default level.
SAVED_STYLE = ZipStyle((1980, 1, 1, 0, 0, 0), create_system=3, external_attr=0o644 << 16,
                       level=None)


def rendered_style(when: dt.datetime) -> ZipStyle:
    """Return the style of rendered documents: stamped ``when`` (the document's date), no file
    attributes, level 3 (within a third of level 6's size at a third of its time)."""
    low = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    high = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)
    t = min(max(when, low), high).timetuple()
    return ZipStyle((t[0], t[1], t[2], t[3], t[4], t[5]), create_system=0, external_attr=0,
                    level=3)


def _info(name: str, style: ZipStyle) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=style.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = style.create_system
    info.external_attr = style.external_attr
    return info


def _add(archive: zipfile.ZipFile, members: Iterable[Member], style: ZipStyle) -> None:
    for name, data in members:
        archive.writestr(_info(name, style), data, compresslevel=style.level)


def write_zip(members: Iterable[Member], style: ZipStyle,
              stored: Mapping[str, StoredMember] | None = None) -> bytes:
    """Return a zip of ``members``, deflated and stamped by ``style``, in the order given.

    ``stored``: members to copy as their source zip holds them (:func:`stored_members`),
    without inflating and deflating them again, when a member's bytes are the very bytes
    that source inflates to; the others are deflated.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members:
            copy = stored.get(name) if stored else None
            if copy is not None and (copy.data is data or copy.data == data):
                _add_stored(archive, name, copy, style)
            else:
                archive.writestr(_info(name, style), data, compresslevel=style.level)
    return buf.getvalue()


@dataclass(frozen=True)
class StoredMember:
    """A member as a zip stores it: its compressed bytes, how they are compressed, and what
    they inflate to (``data``, already read and checked against ``crc``)."""

    data: bytes
    compressed: bytes
    compress_type: int
    crc: int

    @property
    def size(self) -> int:
        return len(self.data)


def stored_members(source: bytes, members: Iterable[Member]) -> dict[str, StoredMember]:
    """Return the members of the zip ``source`` (already read by :func:`read_members`, whose
    inflated ``members`` they are) that can be copied compressed as they are: stored or
    deflated, found where the zip's directory says."""
    inflated = dict(members)
    out: dict[str, StoredMember] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            infos = archive.infolist()
    except _DAMAGED:
        return out
    view = memoryview(source)
    for info in infos:
        data = inflated.get(info.filename)
        if data is None or info.is_dir() or info.flag_bits & 0x1 or \
                info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or \
                info.file_size != len(data):
            continue
        at = info.header_offset
        header = source[at:at + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            continue
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = at + 30 + name_length + extra_length
        compressed = bytes(view[start:start + info.compress_size])
        if len(compressed) != info.compress_size:
            continue
        out[info.filename] = StoredMember(data, compressed, info.compress_type, info.CRC)
    return out


def _add_stored(archive: zipfile.ZipFile, name: str, member: StoredMember,
                style: ZipStyle) -> None:
    """Append ``member``'s compressed bytes to ``archive`` as they are, stamped by ``style``
    (zipfile has no public call for it: this writes the local header and the bytes, and
    records the entry for the central directory, as ``writestr`` does)."""
    info = _info(name, style)
    info.compress_type = member.compress_type
    info.CRC = member.crc
    info.compress_size = len(member.compressed)
    info.file_size = member.size
    fp = archive.fp
    assert fp is not None
    info.header_offset = fp.tell()
    archive._writecheck(info)  # type: ignore[attr-defined]
    archive._didModify = True  # type: ignore[attr-defined]
    fp.write(info.FileHeader(False))
    fp.write(member.compressed)
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
    archive.start_dir = fp.tell()


def append_zip(data: bytes, members: Iterable[Member], style: ZipStyle) -> bytes:
    """Return the zip ``data`` with ``members`` appended, deflated and stamped by ``style``."""
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as archive:
        _add(archive, members, style)
    return buf.getvalue()


@functools.lru_cache(maxsize=32)
def _static_prefix(members: tuple[Member, ...],
                   style: ZipStyle) -> tuple[bytes, tuple[zipfile.ZipInfo, ...]]:
    """Return the entries of a zip of the members that never change, compressed once per
    template and date, without its central directory, and the directory's records as zipfile
    reads them back (never changed after: zipfile only reads them to write the directory)."""
    data = write_zip(members, style)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = tuple(archive.infolist())
        start = archive.start_dir
    return data[:start], infos


def write_package(members: Sequence[Member], replace: Mapping[str, bytes],
                  style: ZipStyle) -> bytes:
    """Return a zip of ``members`` with ``replace`` substituted, byte-reproducible.

    ``[Content_Types].xml`` comes first, then the members ``replace`` leaves alone (from an
    archive made once per set of members and style), then the replaced ones, each group in the
    members' order.
    """
    order = sorted(members, key=lambda m: m[0] != "[Content_Types].xml")
    static = tuple((name, raw) for name, raw in order if name not in replace)
    changed = [(name, replace[name]) for name, _ in order if name in replace]
    # what append_zip(write_zip(static), changed) writes, without reading back the static
    # members' directory on every call: their records are kept with their entries
    entries, infos = _static_prefix(static, style)
    buf = io.BytesIO(entries)
    buf.seek(len(entries))
    with zipfile.ZipFile(buf, "w") as archive:
        archive.filelist = list(infos)
        archive.NameToInfo = {info.filename: info for info in infos}
        _add(archive, changed, style)
    return buf.getvalue()
