"""Read and write Word packages safely: size limits, no entities, no encrypted or foreign files.

A DOCX is a zip of XML parts. Everything here refuses, with one plain sentence naming the file,
what a hostile or damaged file could use against us: zip bombs (a limit on each part and on the
whole), entity expansion and external entities (a DOCTYPE is refused before parsing, and the parser
resolves nothing and reads nothing from the network), password-protected documents (an OLE
container, not a zip) and zips that are not Word documents.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DocxError

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_PARTS = 5000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=False)
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def read_docx(path: str | Path) -> bytes:
    """Read a file that should be a DOCX; refuse, naming the file, when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocxError.at(str(path), f"no such file") from None
    except IsADirectoryError:
        raise DocxError.at(str(path), f"is a folder, not a Word document") from None
    except OSError as e:
        raise DocxError.at(str(path), f"cannot be read ({e.strerror or e})") from None
    return data


@dataclass
class Package:
    """The parts of a Word package, in their original order, with parsed XML on demand."""

    name: str
    parts: dict[str, bytes]
    _trees: dict[str, etree._Element] = field(default_factory=dict)

    @classmethod
    def open(cls, data: bytes, name: str) -> "Package":
        if data.startswith(_OLE_SIGNATURE):
            raise DocxError.at(name, f"is password-protected or an old binary Word file (.doc); "
                            "save it in Word as an unprotected .docx and try again")
        if not data:
            raise DocxError.at(name, f"is empty, not a Word document")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise DocxError.at(name, f"is not a Word document (.docx files are zip archives, "
                            "and this is not one)") from None
        with archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise DocxError.at(name, f"has {len(infos)} parts, more than the {MAX_PARTS} "
                                "docgen reads; refusing it")
            parts: dict[str, bytes] = {}
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise DocxError.at(name, f"is password-protected; save an unprotected copy "
                                    "and try again")
                if info.file_size > MAX_PART_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                    raise _bomb(name, info.filename)
                try:
                    with archive.open(info) as member:
                        body = member.read(MAX_PART_BYTES + 1)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError,
                        NotImplementedError) as e:
                    raise DocxError.at(name, f"part {info.filename} is damaged ({e})") from None
                if len(body) > MAX_PART_BYTES:
                    raise _bomb(name, info.filename)
                total += len(body)
                if total > MAX_TOTAL_BYTES:
                    raise _bomb(name, info.filename)
                parts[info.filename] = body
        if "word/document.xml" not in parts and "[Content_Types].xml" in parts:
            main = _main_part(parts, name)
            if main is None:
                raise DocxError.at(name, f"is not a Word document (it has no main document "
                                "part; is it a spreadsheet or a presentation?)")
        elif "word/document.xml" not in parts:
            raise DocxError.at(name, f"is a zip archive but not a Word document "
                            "(it has no word/document.xml)")
        for needed in ("[Content_Types].xml", "_rels/.rels"):
            if needed not in parts:
                raise DocxError.at(name, f"is not a complete Word document (it has no {needed}); "
                                "open it in Word or LibreOffice and save it again")
        return cls(name, parts)

    @property
    def main(self) -> str:
        return _main_part(self.parts, self.name) or "word/document.xml"

    def xml(self, part: str) -> etree._Element:
        """The parsed root of ``part``; refuses a DOCTYPE (entity declarations) outright."""
        tree = self._trees.get(part)
        if tree is None:
            data = self.parts[part]
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise DocxError.at(self.name, f"part {part} declares XML entities (a DOCTYPE), "
                                "which Word never writes; refusing it as unsafe")
            try:
                tree = etree.fromstring(data, _PARSER)
            except etree.XMLSyntaxError as e:
                line = getattr(e, "lineno", 0) or 0
                raise DocxError.at(self.name, f"part {part} is not well-formed XML "
                                f"(line {line}: {e.msg})") from None
            self._trees[part] = tree
        return tree

    def has(self, part: str) -> bool:
        return part in self.parts

    def set_xml(self, part: str, root: etree._Element) -> None:
        self._trees[part] = root
        self.parts.setdefault(part, b"")

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> etree._Element:
        name = self.rels_name(part)
        if name not in self.parts:
            self.set_xml(name, etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR}))
        return self.xml(name)

    def related(self, part: str, rel_type: str) -> list[tuple[str, str]]:
        """``(rId, part name)`` of the internal relationships of ``part`` with this type."""
        if self.rels_name(part) not in self.parts:
            return []
        found = []
        for rel in self.rels(part):
            if rel.get("Type") == REL_TYPES + rel_type and rel.get("TargetMode") != "External":
                found.append((rel.get("Id"), self.resolve(part, rel.get("Target", ""))))
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
        """The package as a zip with fixed timestamps, so the same parts give the same bytes."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for part, data in self.parts.items():
                tree = self._trees.get(part)
                if tree is not None:
                    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                info = zipfile.ZipInfo(part, _FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)
        return out.getvalue()


def _bomb(name: str, part: str) -> DocxError:
    return DocxError.at(name, f"part {part} unpacks to more than docgen's limit "
                     f"({MAX_PART_BYTES // 2**20} MB a part, {MAX_TOTAL_BYTES // 2**20} MB in all); "
                     "refusing it as a possible zip bomb")


def _main_part(parts: dict[str, bytes], name: str) -> str | None:
    rels = parts.get("_rels/.rels")
    if rels is None or b"<!DOCTYPE" in rels or b"<!ENTITY" in rels:
        return None
    try:
        root = etree.fromstring(rels, _PARSER)
    except etree.XMLSyntaxError:
        return None
    for rel in root:
        if rel.get("Type") == REL_TYPES + "officeDocument":
            target = rel.get("Target", "").lstrip("/")
            return target if target in parts else None
    return None
