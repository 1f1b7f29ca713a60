"""What in a Word package could make LibreOffice (or Word) read something outside it.

A DOCX can point outside itself: a picture linked rather than embedded (``a:blip r:link``, a
relationship with ``TargetMode="External"``), a linked OLE object, an attached template, a
sub-document, a chunk of another file (``w:altChunk``), a VML shape's ``src`` or ``o:href``,
an SVG picture's ``href``, and fields that pull a file in when they update (INCLUDETEXT,
INCLUDEPICTURE, LINK, DDE…). Converted to PDF, any of them can put a local file, or what a URL
returns, into a document people sign. docgen refuses every one of them, in every package it
reads (:func:`docgen.ooxml.archive.read_members`) and in every part it renders: a hyperlink is
the only thing that may point outside, because it is only followed by a reader who clicks it.

:func:`outside_references` finds the first such reference in a package's members, and
:func:`outside_reference_in` in one parsed part; each returns ``(part, what)`` in plain words.
"""

from __future__ import annotations

import posixpath
import re
from typing import Mapping, Sequence

from lxml import etree

from .limits import declares_entities, out_of_memory, safe_parser

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
_REL_TYPES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
              "http://purl.oclc.org/ooxml/officeDocument/relationships/")

#: The only relationship that may point outside the package: a reader follows it by clicking.
ALLOWED_EXTERNAL = frozenset({"hyperlink"})

#: Fields that read a file or another program when they update (Word's field names).
LINKING_FIELDS = frozenset({"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DDE",
                            "DDEAUTO", "DATABASE", "RD"})

#: What each kind of external relationship is, for a message.
_WHAT = {
    "image": "a picture linked to",
    "oleObject": "an object linked to",
    "attachedTemplate": "an attached template at",
    "subDocument": "a sub-document at",
    "aFChunk": "a chunk of another file at",
    "frame": "a frame showing",
    "package": "an embedded package linked to",
    "video": "a video linked to",
    "audio": "a sound linked to",
}

_XMLISH = (".xml", ".rels", ".vml", ".svg")


def shown(target: str) -> str:
    """Return ``target`` as it can be printed on one line: no control characters, short."""
    clean = re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "?", target)
    return clean if len(clean) <= 80 else clean[:77] + "…"


def is_xml_part(name: str, data: bytes) -> bool:
    """Whether the member ``name`` is XML (by its name, or by its first bytes)."""
    return name.lower().endswith(_XMLISH) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(
        b"<?xml")


def _parse(data: bytes) -> etree._Element | None:
    if declares_entities(data):
        return None  # refused as a DOCTYPE by the caller, before this is asked
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as e:
        memory = out_of_memory(e)
        if memory is not None:
            raise memory from None
        return None  # refused as malformed when it is parsed, if it ever is


def _rel_kind(rel_type: str) -> str:
    for prefix in _REL_TYPES:
        if rel_type.startswith(prefix):
            return rel_type[len(prefix):]
    return rel_type.rsplit("/", 1)[-1]


def _external_relationship(root: etree._Element) -> str | None:
    for rel in root.iter(f"{{{PR}}}Relationship"):
        kind = _rel_kind(rel.get("Type", ""))
        if kind == "aFChunk":
            return "a chunk of another file (altChunk), which Word replaces when it saves"
        if rel.get("TargetMode") == "External" and kind not in ALLOWED_EXTERNAL:
            what = _WHAT.get(kind, f"a {kind} link to")
            return f"{what} {shown(rel.get('Target', ''))} (outside the document)"
    return None


def _field_name(code: str) -> str:
    words = code.split()
    return words[0].lstrip("\\").upper() if words else ""


_ALT_CHUNK, _SUB_DOC, _ATTACHED = f"{{{W}}}altChunk", f"{{{W}}}subDoc", f"{{{W}}}attachedTemplate"
_FLD_SIMPLE, _FLD_CHAR = f"{{{W}}}fldSimple", f"{{{W}}}fldChar"
_INSTR, _DEL_INSTR = f"{{{W}}}instrText", f"{{{W}}}delInstrText"
_OLE_OBJECT = f"{{{OFFICE}}}OLEObject"
_VML_ANY = f"{{{VML}}}*"


def _linking_field(root: etree._Element) -> str | None:
    """Find a field that reads another file: ``w:fldSimple``, or the field codes between a
    ``w:fldChar`` begin and its separator (nested fields each on their own), or any one piece
    of a field code."""
    return _linking_field_in(list(root.iter(_FLD_SIMPLE, _FLD_CHAR, _INSTR, _DEL_INSTR)))


def _linking_field_in(elements: list[etree._Element]) -> str | None:
    """:func:`_linking_field` of a part whose ``w:fldSimple``, ``w:fldChar``, ``w:instrText``
    and ``w:delInstrText`` are ``elements``, in document order (others among them ignored)."""
    codes = [simple.get(f"{{{W}}}instr", "") for simple in elements
             if simple.tag == _FLD_SIMPLE]
    open_codes: list[list[str]] = []
    pieces: list[str] = []
    for el in elements:
        tag = el.tag
        if tag != _FLD_CHAR and tag != _INSTR and tag != _DEL_INSTR:
            continue
        if tag == _FLD_CHAR:
            kind = el.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                open_codes.append([])
            elif kind in ("separate", "end") and open_codes:
                codes.append("".join(open_codes.pop()))
                if kind == "separate":
                    open_codes.append([])  # the field's result, closed by its end
        else:
            pieces.append(el.text or "")
            if open_codes:
                open_codes[-1].append(el.text or "")
    codes.extend("".join(c) for c in open_codes)
    for code in codes + pieces:
        if _field_name(code) in LINKING_FIELDS:
            return f"a field that reads another file ({_field_name(code)})"
    return None


def _outside_url(value: str) -> bool:
    value = value.strip()
    return bool(value) and not value.startswith(("#", "data:"))


def _vml_link(root: etree._Element) -> str | None:
    # only the OLE objects and the VML elements, picked out by lxml (a part is walked once
    # per render: a walk in Python over every element cost a tenth of a role chart's render)
    return _vml_link_in(list(root.iter(_OLE_OBJECT, _VML_ANY)))


def _vml_link_in(elements: list[etree._Element]) -> str | None:
    """:func:`_vml_link` of a part whose OLE objects and VML elements are among ``elements``,
    in document order."""
    for el in elements:
        if not isinstance(el.tag, str):
            continue
        if el.tag == _OLE_OBJECT and el.get("Type") == "Link":
            return "an object linked to another file (OLE link)"
        if el.tag.startswith(f"{{{VML}}}"):
            for attr in ("src", f"{{{OFFICE}}}href", "href"):
                value = el.get(attr)
                if value is not None and _outside_url(value):
                    return f"a shape linked to {shown(value)} (outside the document)"
    return None


def _svg_link(root: etree._Element) -> str | None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, raw in el.attrib.items():
            value = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
            local = etree.QName(name).localname
            if local in ("href", "src") and _outside_url(value):
                return f"an SVG picture that loads {shown(value)}"
            if "url(" in value and re.search(r"url\(\s*['\"]?(?!#)", value):
                return f"an SVG picture that loads {shown(value)}"
        if etree.QName(el).localname == "style" and re.search(
                r"url\(\s*['\"]?(?!#)|@import", el.text or ""):
            return "an SVG picture whose style loads another file"
    return None


def outside_reference_in(name: str, root: etree._Element) -> str | None:
    """Return what in the parsed part ``name`` points outside the package, if anything."""
    if name.endswith(".rels"):
        return _external_relationship(root)
    if name.lower().endswith(".svg"):
        return _svg_link(root)
    # one walk picks out every element the three looks below need, in document order
    found = list(root.iter(_ALT_CHUNK, _SUB_DOC, _ATTACHED, _FLD_SIMPLE, _FLD_CHAR, _INSTR,
                           _DEL_INSTR, _OLE_OBJECT, _VML_ANY))
    for el in found:
        what = _LINKING_ELEMENTS.get(el.tag)
        if what is not None:
            return what
    return _linking_field_in(found) or _vml_link_in(found)


#: the elements that stand for another file, and what a message calls them
_LINKING_ELEMENTS = {
    _ALT_CHUNK: "a chunk of another file (altChunk), which Word replaces when it saves",
    _SUB_DOC: "a sub-document (a master document's link to another file)",
    _ATTACHED: "an attached template"}


#: Bytes without which a part cannot hold what outside_reference_in looks for (the VML
#: namespace first: Word and python-docx declare it on the root of most parts, so that the
#: search of a part that holds it stops there instead of reading it once for each other one).
_MARKERS = (b"urn:schemas-microsoft-com", b"instr", b"altChunk", b"subDoc",
            b"attachedTemplate", b"fldSimple")


def outside_references(members: Sequence[tuple[str, bytes]],
                       parsed: dict[str, etree._Element] | None = None,
                       checked: Mapping[str, bytes] | None = None
                       ) -> tuple[str, str] | None:
    """Return ``(part, what)`` for the first member that points outside the package: the
    relationships first, which name the target. ``parsed`` receives each part parsed to
    look (by name), for a reader that parses it next. ``checked``: parts already looked at
    and found to point nowhere outside (another package's, by name): a member of the same
    name and the same bytes is not looked at again (what is found depends on nothing
    else)."""
    for name, data in sorted(members, key=lambda m: not m[0].endswith(".rels")):
        if not data or not is_xml_part(name, data):
            continue
        if checked is not None:
            seen = checked.get(name)
            if seen is not None and (seen is data or seen == data):
                continue
        lower = name.lower()
        if not (lower.endswith((".rels", ".svg")) or any(m in data for m in _MARKERS)):
            continue
        root = _parse(data)
        if root is None:
            continue
        if parsed is not None:
            parsed[name] = root
        what = outside_reference_in(posixpath.normpath(name), root)
        if what:
            return name, what
    return None


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _serialised(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def without_attached_templates(members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Return ``members`` without their attached template (``w:attachedTemplate`` and its
    relationship), which Word records when a document was made from a .dotx and which names a
    file on the author's computer: nothing of the document is in it, so it is dropped rather
    than refused."""
    out = dict(members)
    for name, data in members:
        if b"attachedTemplate" not in data or name.endswith(".rels") or not is_xml_part(name,
                                                                                       data):
            continue
        root = _parse(data)
        if root is None:
            continue
        ids = set()
        for el in list(root.iter(f"{{{W}}}attachedTemplate")):
            ids.add(el.get(f"{{{_R}}}id"))
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
        if not ids:
            continue
        out[name] = _serialised(root)
        folder, base = posixpath.split(name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        rels = _parse(out.get(rels_name, b"")) if out.get(rels_name) else None
        if rels is not None:
            for rel in list(rels.iter(f"{{{PR}}}Relationship")):
                if rel.get("Id") in ids:
                    rels.remove(rel)
            out[rels_name] = _serialised(rels)
    return list(out.items())
