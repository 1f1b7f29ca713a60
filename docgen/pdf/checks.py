"""Honest claims: every PDF docgen writes is checked against PDF/A-3b and PDF/UA-1 by an offline
checker, and keeps the identification of a standard (``pdfaid``, ``pdfuaid`` in its XMP) only
while the checker passes it.

The checker is page-validation (``page``, Rust, no JVM): it runs veraPDF's machine-checkable
rules of PDF/A-1 to -3 and PDF/UA-1 (the Matterhorn protocol's machine checks: tagging of all
content, structure types and role maps, heading nesting, table headers and spans, alternative
text of figures and formulas, languages, fonts embedded and mapped to Unicode, annotations and
form fields tagged, the title shown, the identification and its XMP schema), within safety
limits on size, objects and nesting. What no machine can check (reading order, whether the
alternative text says what the picture shows) it does not claim to.

LibreOffice claims PDF/UA-1 whatever the content; docgen takes that claim (and a PDF/A claim)
away from a file that fails, and lists the failures in ``manifest.json`` (the file's
``checks`` entry).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Any

import page
import pikepdf

from .fonts import conform_fonts, saved
from .tounicode import map_actual_text
from .xmp import claims_pdfua, with_pdfua_schema, without_pdfua

PDFA = "PDF/A-3b"
PDFUA = "PDF/UA-1"
_PROFILES = {PDFA: "3b", PDFUA: "ua1"}
CHECKER = f"page-validation {page.__version__}"

#: what the checker may read: a packet is a few megabytes (page's own defaults otherwise)
_LIMITS = page.SafetyLimits(max_input_size=256 * 1024 * 1024)


@dataclass(frozen=True)
class Finding:
    """One rule a PDF breaks: its id, how many times, and the first message."""

    rule: str
    count: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "count": self.count, "message": self.message}


def check(data: bytes, standard: str) -> list[Finding]:
    """The rules of ``standard`` (PDFA or PDFUA) that the PDF ``data`` breaks, by rule id; a
    file the checker cannot read at all breaks the rule ``unreadable``."""
    try:
        report = page.validate_pdf_bytes(data, profile=_PROFILES[standard], limits=_LIMITS)
    except page.PageError as e:
        return [Finding("unreadable", 1, str(e) or type(e).__name__)]
    found: dict[str, Finding] = {}
    for failure in report.failures:
        rule = failure.rule_id
        had = found.get(rule)
        found[rule] = (Finding(rule, had.count + 1, had.message) if had
                       else Finding(rule, 1, failure.message))
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class Checks:
    """What the checker found in one PDF, and what the PDF claims after docgen's edit."""

    results: dict[str, list[Finding]]
    claims: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not any(self.results.values())

    def to_json(self) -> dict[str, Any]:
        return {"checker": CHECKER, "claims": list(self.claims),
                "results": {std: {"passed": not found, "failures": [f.to_json() for f in found]}
                            for std, found in self.results.items()}}


def honest_pdf(data: bytes) -> tuple[bytes, Checks]:
    """Return ``data`` claiming only the standards it passes, and what the checker found.

    A PDF that passes PDF/UA-1 keeps its ``pdfuaid`` (with the schema declaration PDF/A needs
    for it); one that fails loses it. Likewise ``pdfaid`` for PDF/A-3b, checked after that edit.
    The bytes stay reproducible (pikepdf writes them with an identifier derived from them).
    The Type 1 fonts LibreOffice writes are first put in the form the checker reads, glyphs
    unchanged (:func:`docgen.pdf.fonts.conforming_fonts`), and a glyph LibreOffice draws only
    inside an ``/ActualText`` span gets the ToUnicode entry it left out
    (:func:`docgen.pdf.tounicode.mapped_actual_text`).
    """
    finished = pikepdf.open(io.BytesIO(data))
    if conform_fonts(finished) | map_actual_text(finished):  # both, then one save
        data = saved(finished)
    ua = check(data, PDFUA)
    pdf = pikepdf.open(io.BytesIO(data))
    meta = pdf.Root.get("/Metadata")
    xmp = meta.read_bytes().decode("utf-8") if isinstance(meta, pikepdf.Stream) else ""
    edited = (with_pdfua_schema(xmp) if not ua else without_pdfua(xmp)) if claims_pdfua(xmp) \
        else xmp
    out = _with_xmp(pdf, edited) if edited != xmp else data
    pdfa = check(out, PDFA)
    if pdfa and "<pdfaid:part>" in edited:
        edited = _without_pdfa(edited)
        out = _with_xmp(pikepdf.open(io.BytesIO(data)), edited)
    claims = tuple(s for s, ok in ((PDFA, "<pdfaid:part>" in edited),
                                   (PDFUA, claims_pdfua(edited))) if ok)
    return out, Checks({PDFA: pdfa, PDFUA: ua}, claims)


def _without_pdfa(xmp: str) -> str:
    import re

    return re.sub(r"[ \t]*<rdf:Description[^>]*xmlns:pdfaid=\"http://www\.aiim\.org/pdfa/ns/id/\""
                  r"[^>]*>.*?</rdf:Description>\n?", "", xmp, flags=re.S)


def _no_trailing_cr(pdf: pikepdf.Pdf) -> None:
    """A compressed stream ends in its Adler-32 checksum; one in 256 ends in a carriage return,
    which a PDF/A checker reads as part of the end-of-line before ``endstream`` (a /Length that
    does not match, ISO 19005-3 6.1.7.1). A page's content stream can take a final line end
    (white space between operators), which changes its checksum; a font's cannot."""
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
            if (isinstance(stream, pikepdf.Stream) and stream.read_raw_bytes().endswith(b"\r")
                    and stream.get("/Filter") == pikepdf.Name.FlateDecode):
                data = stream.read_bytes() + b"\n"
                while (packed := zlib.compress(data, 9)).endswith(b"\r"):
                    data += b"\n"
                stream.write(packed, filter=pikepdf.Name.FlateDecode)


def _with_xmp(pdf: pikepdf.Pdf, xmp: str) -> bytes:
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=pikepdf.Name.Metadata,
                                        Subtype=pikepdf.Name.XML)
    buf = io.BytesIO()
    _no_trailing_cr(pdf)
    pdf.save(buf, deterministic_id=True, linearize=False, compress_streams=False,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buf.getvalue()
