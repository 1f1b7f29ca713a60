"""A glyph LibreOffice draws only inside an /ActualText span gets a ToUnicode entry, so that a
notice with a Bengali line keeps its PDF/UA-1 claim (issue 12). The fixture is LibreOffice
7.4's PDF of an English notice whose "Other languages" block holds the Bengali line (এই চিঠিটি
…): চি is drawn as ি then চ, in a span /ActualText (চি), and চ's code has no entry."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pikepdf

from conftest import require
from docgen.pdf.checks import PDFA, PDFUA, check, honest_pdf
from docgen.pdf.fonts import conforming_fonts
from docgen.pdf.pin import pin_pdf
from docgen.pdf.tounicode import _mapped_codes, _uses, mapped_actual_text

DATA = Path(__file__).parent / "data" / "pdf"
RAW = (DATA / "lo-notice-en-bengali-line.pdf").read_bytes()
WHEN = dt.datetime(2026, 8, 10, 12, 0, tzinfo=dt.timezone.utc)
#: as docgen's finishing step has it before the ToUnicode entries: pinned, fonts conformed
BEFORE = conforming_fonts(pin_pdf(RAW, WHEN))


def _bengali(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    (font,) = {f.objgen: f for p in pdf.pages for f in p.Resources.Font.values()
               if "NotoSansBengali" in str(f.BaseFont)}.values()
    assert isinstance(font, pikepdf.Dictionary)
    return font


def _tree(pdf: pikepdf.Pdf) -> list[tuple[str, int, int]]:
    """The structure tree's elements in order, each with its depth and, for a marked-content
    leaf, its MCID: what the tree says, whatever the objects' numbers."""
    out: list[tuple[str, int, int]] = []

    def walk(node: object, depth: int) -> None:
        if isinstance(node, int):
            out.append(("MCID", depth, node))
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, depth)
        elif isinstance(node, pikepdf.Dictionary):
            if "/MCID" in node:
                out.append(("MCID", depth, int(node.MCID)))
            else:
                out.append((str(node.get("/S", node.get("/Type", ""))), depth, -1))
                walk(node.get("/K"), depth + 1)

    walk(pdf.Root.StructTreeRoot, 0)
    return out


def _text(data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run([require("pdftotext"), *args, "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_libreoffice_leaves_the_consonant_of_chi_unmapped_and_pdf_ua_fails() -> None:
    assert {f.rule for f in check(BEFORE, PDFUA)} == {"PDFUA1-FONT-UNICODE-MAPPING-001"}
    with pikepdf.open(io.BytesIO(BEFORE)) as pdf:
        font = _bengali(pdf)
        unmapped = _uses(pdf)[font.objgen][1]
        # চ (code 5) is drawn only in the span of চি, after ি (code 4, mapped to all of চি)
        assert unmapped[5] == {"spans": [("চি", 2)], "outside": False}
        assert 4 in _mapped_codes(font.ToUnicode.read_bytes())


def test_every_glyph_gets_a_unicode_meaning_and_the_notice_passes_pdf_ua_1() -> None:
    after = mapped_actual_text(BEFORE)
    assert check(after, PDFUA) == []
    with pikepdf.open(io.BytesIO(after)) as pdf:
        assert _uses(pdf) == {}  # no code drawn is left without an entry
        cmap = _bengali(pdf).ToUnicode.read_bytes()
    assert b"<05> <099A09BF>" in cmap  # চ: the text of the one cluster it is drawn in, চি
    assert b"<15> <09B0>" in cmap  # র: drawn alone (in রে's reordering) in a span of র
    assert b"<20> <09A6>" in cmap  # দ: what its spans দ and দে share
    # docgen's finishing step now keeps the claims it used to take away
    out, checks = honest_pdf(pin_pdf(RAW, WHEN))
    assert checks.claims == (PDFA, PDFUA) and checks.passed
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert "<pdfuaid:part>1</pdfuaid:part>" in pdf.Root.Metadata.read_bytes().decode()


def test_the_text_the_pixels_and_the_marked_content_stay_as_libreoffice_made_them(
        tmp_path: Path) -> None:
    after = mapped_actual_text(BEFORE)
    for args in ((), ("-raw",)):
        text = _text(after, tmp_path, *args)
        assert text == _text(BEFORE, tmp_path, *args)
        assert "এই চিঠিটি বাংলা ভাষায়" in text  # the logical order, চ before ি
    with pikepdf.open(io.BytesIO(BEFORE)) as a, \
            pikepdf.open(io.BytesIO(after)) as b:
        for pa, pb in zip(a.pages, b.pages, strict=True):
            assert pa.Contents.read_bytes() == pb.Contents.read_bytes()  # MCIDs, spans, glyphs
        assert _tree(a) == _tree(b) and len(_tree(a)) > 50
    for name, data in (("before", BEFORE), ("after", after)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run([require("pdftoppm"), "-png", "-r", "60", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
    pages = sorted(tmp_path.glob("before-*.png"))
    assert len(pages) == 3
    for page in pages:
        assert page.read_bytes() == (tmp_path / page.name.replace("before", "after")).read_bytes()


def test_the_entries_are_reproducible_and_added_once() -> None:
    after = mapped_actual_text(BEFORE)
    assert mapped_actual_text(BEFORE) == after
    assert mapped_actual_text(after) == after
    plain = conforming_fonts(pin_pdf((DATA / "lo-notice-en.pdf").read_bytes(), WHEN))
    assert mapped_actual_text(plain) is plain  # a notice without such glyphs is left alone


def test_the_codes_a_cmap_maps_are_read_from_bfchar_and_bfrange_blocks() -> None:
    cmap = (b"2 beginbfchar\n<01> <0041>\n<02> <>\nendbfchar\n"
            b"2 beginbfrange\n<10> <12> <0061>\n<20> <21> [<0062> <0063>]\nendbfrange\n")
    assert _mapped_codes(cmap) == {1, 0x10, 0x11, 0x12, 0x20, 0x21}
