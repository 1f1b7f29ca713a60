"""Take a document's comments out of the copy LibreOffice converts.

LibreOffice 7.4, driven over UNO as docgen's workers drive it, aborts while loading a DOCX
whose text holds a comment (python-docx's own one-comment file too), and the worker's soffice
dies with it. A PDF of docgen's never shows comments (``ExportNotes`` is off), so the copy that
goes to LibreOffice leaves them out: the comment marks in the text (``w:commentRangeStart``,
``w:commentRangeEnd``, ``w:commentReference``) and the main part's relationships to the
comment parts. The PDF is the one the document with its comments would give.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from lxml import etree

from ..ooxml.archive import Member
from ..ooxml.limits import safe_parser
from ..ooxml.package import PR, W

__all__ = ["without_comments"]

_MARKS = {f"{{{W}}}{t}" for t in ("commentRangeStart", "commentRangeEnd", "commentReference")}
_MARK_BYTES = (b"commentRangeStart", b"commentRangeEnd", b"commentReference")
#: the relationship types of comment parts (Word 2007's, and the later extended ones)
_COMMENT_TYPES = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible")


def without_comments(members: Sequence[Member]) -> bytes | None:
    """Return the package of ``members`` with its comments left out, or None when it has no
    comment mark (the file is converted as it is)."""
    if not any(name.endswith(".xml") and name.startswith("word/") and
               any(m in body for m in _MARK_BYTES) for name, body in members):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            if name.startswith("word/") and name.endswith(".xml") and \
                    any(m in body for m in _MARK_BYTES):
                body = _unmarked(body)
            elif name.startswith("word/_rels/") and name.endswith(".rels") and \
                    b"comments" in body:
                body = _unrelated(body)
            archive.writestr(name, body)
    return out.getvalue()


def _unmarked(body: bytes) -> bytes:
    root = etree.fromstring(body, safe_parser())
    for el in [el for el in root.iter(*_MARKS)]:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)  # (an element of a WordprocessingML part has no tail text)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _unrelated(body: bytes) -> bytes:
    root = etree.fromstring(body, safe_parser())
    for rel in [r for r in root.iter(f"{{{PR}}}Relationship")
                if (r.get("Type") or "").endswith(_COMMENT_TYPES)]:
        root.remove(rel)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
