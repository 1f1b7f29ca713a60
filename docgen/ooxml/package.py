"""Open, edit and save a Word package: its parts, their XML, relationships and content types.

A DOCX is a zip of XML parts. :meth:`Package.open` reads one through the one reader of
:mod:`docgen.ooxml.archive`, under the limits and the DOCTYPE rule of :mod:`docgen.ooxml.limits`,
and refuses, with one plain sentence naming the file (:class:`DocxRefusals`), what a hostile or
damaged file could use against us: zip bombs, entity expansion and external entities,
password-protected documents (an OLE container, not a zip) and zips that are not Word documents.
:meth:`Package.to_bytes` saves through the one reproducible writer.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DocgenError, DocxError
from . import archive
from ..inputs import InputRefused, read_input
from .limits import (MAX_FILE_BYTES, MAX_PART_BYTES, MAX_PARTS, MAX_TOTAL_BYTES,
                     declares_entities, out_of_memory, safe_parser)

__all__ = ["CT", "MAX_PARTS", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "PR", "Package", "R",
           "REL_TYPES", "W", "DocxRefusals", "read_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

# kept for callers that parse beside a Package; parse_part makes its own
_PARSER = safe_parser()


def read_docx(path: str | Path) -> bytes:
    """Read a file that should be a DOCX; refuse, naming the file, when it cannot be read, is
    not a regular file (a pipe would block, a device never end) or is over
    :data:`~docgen.ooxml.limits.MAX_FILE_BYTES`."""
    try:
        return read_input(path, MAX_FILE_BYTES, "Word document")
    except InputRefused as e:
        raise DocxError.at(str(path), e.reason) from None
    except FileNotFoundError:
        raise DocxError.at(str(path), "no such file") from None
    except OSError as e:
        raise DocxError.at(str(path), f"cannot be read ({e.strerror or e})") from None


@dataclass(frozen=True)
class DocxRefusals:
    """Why a Word document to compare is refused, as :class:`DocxError` naming the file."""

    name: str

    def error(self, message: str) -> DocgenError:
        """Return a :class:`DocxError` naming the file, saying ``message``."""
        return DocxError.at(self.name, message)

    def empty(self) -> DocgenError:
        return self.error("is empty, not a Word document")

    def ole(self) -> DocgenError:
        return self.error("is password-protected or an old binary Word file (.doc); "
                           "save it in Word as an unprotected .docx and try again")

    def not_a_zip(self) -> DocgenError:
        return self.error("is not a Word document (.docx files are zip archives, "
                           "and this is not one)")

    def too_many_parts(self, count: int) -> DocgenError:
        return self.error(f"has {count} parts, more than the {MAX_PARTS} "
                           "docgen reads; refusing it")

    def encrypted(self) -> DocgenError:
        return self.error("is password-protected; save an unprotected copy and try again")

    def too_large(self, part: str) -> DocgenError:
        return self.error(f"part {part} unpacks to more than docgen's limit "
                           f"({MAX_PART_BYTES // 2**20} MB a part, "
                           f"{MAX_TOTAL_BYTES // 2**20} MB in all); "
                           "refusing it as a possible zip bomb")

    def damaged(self, part: str | None, error: BaseException) -> DocgenError:
        if part is None:
            return self.error(f"is damaged ({error})")
        return self.error(f"part {part} is damaged ({error})")

    def entities(self, part: str) -> DocgenError:
        return self.error(f"part {part} declares XML entities (a DOCTYPE), "
                           "which Word never writes; refusing it as unsafe")

    def malformed(self, part: str, line: int, message: str) -> DocgenError:
        return self.error(f"part {part} is not well-formed XML (line {line}: {message})")

    def external(self, part: str, what: str) -> DocgenError:
        return self.error(f"part {part} has {what}; docgen does not read documents that link "
                          "to content outside them, which could bring another file or a web "
                          "page in: embed it instead (in Word: File > Info > Edit Links to "
                          "Files > Break Link) and save again")


@dataclass
class Package:
    """The parts of a Word package, in their original order, with parsed XML on demand."""

    name: str
    parts: dict[str, bytes]
    _trees: dict[str, etree._Element] = field(default_factory=dict)
    #: the zip the package was read from, and the parts as read from it: a part written
    #: back with the same bytes is copied as the zip stores it, not compressed again
    source: bytes | None = None
    read: dict[str, bytes] = field(default_factory=dict)
    #: parts already parsed while the package was read (to look for outside links), each
    #: handed to the first :meth:`xml` call for it while the part's bytes are those read
    _parsed: dict[str, etree._Element] = field(default_factory=dict)
    #: parts to read through another package's tree of a part with the same bytes
    #: (:meth:`share`)
    _twins: dict[str, tuple["Package", str]] = field(default_factory=dict)

    @classmethod
    def open(cls, data: bytes, name: str, beside: "Package | None" = None) -> "Package":
        """Read the Word document ``data`` (called ``name`` in errors) under docgen's limits;
        ``beside``: a package read before (so found to point nowhere outside itself), whose
        parts this one has with the same bytes are not looked at again for outside links."""
        refuse = DocxRefusals(name)
        parsed: dict[str, etree._Element] = {}
        checked = beside.read if beside is not None else None
        parts = {part: body
                 for part, body in archive.read_members(data, refuse, parsed, checked)
                 if not part.endswith("/")}
        if "word/document.xml" not in parts and "[Content_Types].xml" in parts:
            main = _main_part(parts, name)
            if main is None:
                raise refuse.error("is not a Word document (it has no main document "
                                   "part; is it a spreadsheet or a presentation?)")
        elif "word/document.xml" not in parts:
            raise refuse.error("is a zip archive but not a Word document "
                               "(it has no word/document.xml)")
        for needed in ("[Content_Types].xml", "_rels/.rels"):
            if needed not in parts:
                raise refuse.error(f"is not a complete Word document (it has no {needed}); "
                                   "open it in Word or LibreOffice and save it again")
        return cls(name, parts, source=data, read=dict(parts), _parsed=parsed)

    @property
    def main(self) -> str:
        return _main_part(self.parts, self.name) or "word/document.xml"

    def xml(self, part: str) -> etree._Element:
        """The parsed root of ``part``; refuses a DOCTYPE (entity declarations) outright."""
        tree = self._trees.get(part)
        if tree is None:
            ready = self._parsed.pop(part, None)
            twin = self._twins.pop(part, None)
            if ready is not None and self.parts[part] is self.read.get(part):
                tree = ready
            elif twin is not None and (shared := self._twin_tree(part, *twin)) is not None:
                tree = shared
            else:
                tree = archive.parse_part(self.parts[part], part, DocxRefusals(self.name))
            self._trees[part] = tree
        return tree

    def share(self, part: str, other: "Package", other_part: str) -> None:
        """Let ``part`` be read, when it is first asked for, through the tree ``other`` has
        then parsed of ``other_part``, if both parts still have the bytes they were read with
        and these are the same: one tree for both, for a part that neither package changes
        unless the two differ (the styles, which the redline adds the old document's to only
        where the new one lacks them)."""
        self._twins[part] = (other, other_part)

    def _twin_tree(self, part: str, other: "Package", other_part: str
                   ) -> etree._Element | None:
        tree = other._trees.get(other_part)
        if tree is None or other_part not in other.parts:
            return None
        mine, theirs = self.parts[part], other.parts[other_part]
        if mine is not self.read.get(part) or theirs is not other.read.get(other_part) or \
                not (mine is theirs or mine == theirs):
            return None
        return tree

    def parsed(self, part: str) -> etree._Element | None:
        """The tree of ``part`` if :meth:`xml` has parsed it (it is written out again)."""
        return self._trees.get(part)

    def set_xml(self, part: str, root: etree._Element) -> None:
        self._trees[part] = root
        self.parts.setdefault(part, b"")

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> etree._Element:
        name = self.rels_name(part)
        if name not in self.parts:
            # None is the default namespace, which lxml-stubs do not allow as an nsmap key
            nsmap = {None: PR}
            root = etree.Element(f"{{{PR}}}Relationships", nsmap=nsmap)  # type: ignore[arg-type]
            self.set_xml(name, root)
        return self.xml(name)

    def related(self, part: str, rel_type: str) -> list[tuple[str, str]]:
        """``(rId, part name)`` of the internal relationships of ``part`` with this type."""
        if self.rels_name(part) not in self.parts:
            return []
        found: list[tuple[str, str]] = []
        for rel in self.rels(part):
            if rel.get("Type") == REL_TYPES + rel_type and rel.get("TargetMode") != "External":
                found.append((rel.get("Id", ""), self.resolve(part, rel.get("Target", ""))))
        return found

    def target(self, part: str, rid: str) -> tuple[str, str, bool] | None:
        """``(type, target, external)`` of relationship ``rid`` of ``part``."""
        if self.rels_name(part) not in self.parts:
            return None
        for rel in self.rels(part):
            if rel.get("Id") == rid:
                external = rel.get("TargetMode") == "External"
                target = rel.get("Target", "")
                return (rel.get("Type", ""), target if external else self.resolve(part, target),
                        external)
        return None

    @staticmethod
    def resolve(part: str, target: str) -> str:
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def add_relationship(self, part: str, rel_type: str, target: str,
                         external: bool = False) -> str:
        rels = self.rels(part)
        used = {rel.get("Id") for rel in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        rel = etree.SubElement(rels, f"{{{PR}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", rel_type)
        if external:
            rel.set("Target", target)
            rel.set("TargetMode", "External")
        else:
            rel.set("Target", posixpath.relpath(target, posixpath.dirname(part)))
        return rid

    def ensure_content_type(self, part: str, content_type: str | None = None,
                            extension_type: str | None = None) -> None:
        types = self.xml("[Content_Types].xml")
        if content_type is not None:
            for o in types.iter(f"{{{CT}}}Override"):
                if o.get("PartName") == "/" + part:
                    return
            o = etree.SubElement(types, f"{{{CT}}}Override")
            o.set("PartName", "/" + part)
            o.set("ContentType", content_type)
        elif extension_type is not None:
            ext = posixpath.splitext(part)[1][1:].lower()
            for d in types.iter(f"{{{CT}}}Default"):
                if (d.get("Extension") or "").lower() == ext:
                    return
            d = etree.Element(f"{{{CT}}}Default")
            d.set("Extension", ext)
            d.set("ContentType", extension_type)
            types.insert(0, d)

    def content_type(self, part: str) -> str | None:
        types = self.xml("[Content_Types].xml")
        for o in types.iter(f"{{{CT}}}Override"):
            if o.get("PartName") == "/" + part:
                return o.get("ContentType")
        ext = posixpath.splitext(part)[1][1:].lower()
        for d in types.iter(f"{{{CT}}}Default"):
            if (d.get("Extension") or "").lower() == ext:
                return d.get("ContentType")
        return None

    def to_bytes(self) -> bytes:
        """The package as a zip with fixed timestamps, so the same parts give the same bytes.

        A part whose bytes are still those it was read with (pictures, fonts, styles the
        comparison never changed) is copied compressed as the source zip held it."""
        stored = (archive.stored_members(self.source, self.read.items())
                  if self.source is not None else None)
        return archive.write_zip(
            ((part, self._serialised(part, data)) for part, data in self.parts.items()),
            archive.SAVED_STYLE, stored)

    def _serialised(self, part: str, data: bytes) -> bytes:
        tree = self._trees.get(part)
        if tree is None:
            return data
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _main_part(parts: dict[str, bytes], name: str) -> str | None:
    rels = parts.get("_rels/.rels")
    if rels is None or declares_entities(rels):
        return None
    try:
        root = etree.fromstring(rels, safe_parser())
    except etree.XMLSyntaxError as e:
        memory = out_of_memory(e)
        if memory is not None:
            raise memory from None
        return None
    for rel in root:
        if rel.get("Type") == REL_TYPES + "officeDocument":
            target = rel.get("Target", "").lstrip("/")
            return target if target in parts else None
    return None
