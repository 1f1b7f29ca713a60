"""Normalised text of a DOCX, story by story, for golden files and assertions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: The characters docgen puts in e-mail addresses, phone numbers and school years so that they
#: do not break at the end of a line (docgen.ooxml.pagination): a reader reads them as a hyphen,
#: a space and nothing, and so does this text. tests/test_pages.py checks that they are there.
LAYOUT_CHARACTERS = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u2060": None})


def paragraph_text(p: etree._Element) -> str:
    return _paragraph_text(p).translate(LAYOUT_CHARACTERS)


def _paragraph_text(p: etree._Element) -> str:
    out = []
    for el in p.iter(_w("t"), _w("br"), _w("tab"), _w("fldSimple")):
        if el.tag == _w("t"):
            out.append(el.text or "")
        elif el.tag == _w("br"):
            out.append("\n")
        elif el.tag == _w("tab"):
            out.append("\t")
    return "".join(out)


def _block(el: etree._Element, styles: dict[str, str], lines: list[str]) -> None:
    for child in el:
        if child.tag == _w("p"):
            style = child.find(f"{_w('pPr')}/{_w('pStyle')}")
            name = styles.get(style.get(_w("val")), style.get(_w("val"))) if style is not None else ""
            text = paragraph_text(child)
            prefix = f"[{name}] " if name else ""
            lines.append(prefix + text)
        elif child.tag == _w("tbl"):
            for row in child.findall(_w("tr")):
                header = row.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
                cells = [" / ".join(paragraph_text(p) for p in tc.iter(_w("p")))
                         for tc in row.findall(_w("tc"))]
                lines.append(("|H| " if header else "| ") + " | ".join(cells))
        elif child.tag == _w("sectPr"):
            size = child.find(_w("pgSz"))
            if size is not None and size.get(_w("orient")) == "landscape":
                lines.append("[landscape]")


def stories(docx: bytes | Path) -> dict[str, list[str]]:
    """Return the normalised lines of each story: body, headers and footers."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles: dict[str, str] = {}
        if "word/styles.xml" in zf.namelist():
            sroot = etree.fromstring(zf.read("word/styles.xml"))
            for st in sroot.findall(_w("style")):
                name = st.find(_w("name"))
                if name is not None:
                    styles[st.get(_w("styleId"))] = name.get(_w("val"))
        out: dict[str, list[str]] = {}
        for name in sorted(zf.namelist()):
            if re.fullmatch(r"word/(document|header\d+|footer\d+)\.xml", name):
                root = etree.fromstring(zf.read(name))
                lines: list[str] = []
                body = root.find(_w("body"))
                _block(body if body is not None else root, styles, lines)
                out[name.split("/")[1].removesuffix(".xml")] = lines
    return out


def normalised(docx: bytes | Path) -> str:
    """Return the whole document as text, one story after another."""
    parts = []
    for story, lines in stories(docx).items():
        parts.append(f"=== {story}")
        parts.extend(lines)
    return "\n".join(parts) + "\n"


def plain_text(docx: bytes | Path) -> str:
    """Return the text of every story joined with newlines, without markers."""
    return "\n".join(line for lines in stories(docx).values() for line in lines)
