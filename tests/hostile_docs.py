"""Hostile changes to a real DOCX: each makes it point outside itself, or declare a DTD.

``HOSTILE`` maps a case to ``(change, part, words)``: ``change(data, target)`` returns the DOCX
``data`` changed to reach ``target`` (a file URL or an http URL), ``part`` is the part docgen's
message names and ``words`` what it says the part has.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = R + "/"
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      f'xmlns:r="{R}" xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:o="urn:schemas-microsoft-com:office:office" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
DOC_RELS = "word/_rels/document.xml.rels"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def packed(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def add_rel(parts: dict[str, bytes], rid: str, kind: str, target: str,
            external: bool = True, rels: str = DOC_RELS) -> None:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rid}" Type="{RT}{kind}" Target="{target}"{mode}/>'
    parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def add_body(parts: dict[str, bytes], xml: str) -> None:
    """Put ``xml`` (with the namespaces of :data:`NS` declared on it) before the body's end."""
    doc = parts["word/document.xml"].decode("utf-8")
    wrapped = re.sub(r"^<(\w+:\w+)", lambda m: f"<{m.group(1)} {NS}", xml, count=1)
    at = doc.rfind("<w:sectPr")
    at = at if at >= 0 else doc.rfind("</w:body>")
    parts["word/document.xml"] = (doc[:at] + wrapped + doc[at:]).encode("utf-8")


def linked_picture(rid: str) -> str:
    """An inline picture whose image is linked (``a:blip r:link``), not embedded."""
    return (
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="3000000" cy="1500000"/>'
        '<wp:docPr id="901" name="Linked"/><a:graphic>'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="901" name="Linked"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3000000" '
        'cy="1500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def field(code_pieces: list[str], result: str = "field result") -> str:
    """A complex field whose code is split over runs, as Word writes it."""
    codes = "".join(f'<w:r><w:instrText xml:space="preserve">{c}</w:instrText></w:r>'
                    for c in code_pieces)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{codes}'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{result}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def _picture(data: bytes, target: str) -> bytes:
    parts = members(data)
    add_rel(parts, "rIdHostile", "image", target)
    add_body(parts, linked_picture("rIdHostile"))
    return packed(parts)


def _ole(data: bytes, target: str) -> bytes:
    parts = members(data)
    add_rel(parts, "rIdHostile", "oleObject", target)
    add_body(parts, '<w:p><w:r><w:object><o:OLEObject Type="Link" ProgID="Word.Document.12" '
                    'r:id="rIdHostile" UpdateMode="Always"/></w:object></w:r></w:p>')
    return packed(parts)


def _include_text(data: bytes, target: str) -> bytes:
    parts = members(data)
    path = target.removeprefix("file://")
    add_body(parts, field([" INCLUDE", f'TEXT "{path}" ', "\\* MERGEFORMAT "]))
    return packed(parts)


def _include_picture(data: bytes, target: str) -> bytes:
    parts = members(data)
    add_body(parts, f'<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{target}&quot; \\d ">'
                    '<w:r><w:t>picture</w:t></w:r></w:fldSimple></w:p>')
    return packed(parts)


def _link_field(data: bytes, target: str) -> bytes:
    parts = members(data)
    path = target.removeprefix("file://")
    add_body(parts, field([f' LINK Word.Document.12 "{path}" "" \\a \\t ']))
    return packed(parts)


def _alt_chunk(data: bytes, target: str) -> bytes:
    parts = members(data)
    html = f'<html><body><p>chunk</p><img src="{target}"/></body></html>'
    parts["word/chunk.html"] = html.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="html" ContentType="text/html"/></Types>')
    add_rel(parts, "rIdHostile", "aFChunk", "chunk.html", external=False)
    add_body(parts, '<w:altChunk r:id="rIdHostile"/>')
    return packed(parts)


def _sub_doc(data: bytes, target: str) -> bytes:
    parts = members(data)
    add_rel(parts, "rIdHostile", "subDocument", target)
    add_body(parts, '<w:p><w:subDoc r:id="rIdHostile"/></w:p>')
    return packed(parts)


def _vml(data: bytes, target: str) -> bytes:
    parts = members(data)
    add_body(parts, '<w:p><w:r><w:pict><v:shape style="width:200pt;height:100pt">'
                    f'<v:imagedata src="{target}" o:title=""/></v:shape></w:pict></w:r></w:p>')
    return packed(parts)


def _svg(data: bytes, target: str) -> bytes:
    parts = members(data)
    parts["word/media/hostile.svg"] = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="100" height="100"><image xlink:href="{target}" width="100" height="100"/>'
        '</svg>').encode()
    return packed(parts)


def _dtd_in_copied_part(data: bytes, target: str) -> bytes:
    parts = members(data)
    settings = parts["word/settings.xml"]
    end = settings.index(b"?>") + 2
    parts["word/settings.xml"] = (settings[:end] + b'<!DOCTYPE w:settings [<!ENTITY x SYSTEM "'
                                  + target.encode() + b'">]>' + settings[end:])
    return packed(parts)


Change = Callable[[bytes, str], bytes]

HOSTILE: dict[str, tuple[Change, str, str]] = {
    "linked-picture": (_picture, DOC_RELS, "has a picture linked to {target} (outside the "
                                           "document)"),
    "ole-link": (_ole, DOC_RELS, "has an object linked to {target} (outside the document)"),
    "includetext": (_include_text, "word/document.xml", "has a field that reads another file (INCLUDETEXT)"),
    "includepicture": (_include_picture, "word/document.xml", "has a field that reads another file (INCLUDEPICTURE)"),
    "link-field": (_link_field, "word/document.xml", "has a field that reads another file (LINK)"),
    "altchunk": (_alt_chunk, DOC_RELS, "has a chunk of another file (altChunk), which Word "
                                          "replaces when it saves"),
    "subdoc": (_sub_doc, DOC_RELS, "has a sub-document at {target} (outside the document)"),
    "vml": (_vml, "word/document.xml", "has a shape linked to {target} (outside the "
                                       "document)"),
    "svg": (_svg, "word/media/hostile.svg", "has an SVG picture that loads {target}"),
}
