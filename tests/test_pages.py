"""Pages a reader can use (issue: agreements §5): what must not break across lines or pages.

The fast tests read the rendered DOCX: the non-breaking characters, the keep-with-next marks,
the column widths. The slow ones render each sample's MOU, data-sharing agreement and role chart
(and a crowded spec: long names, long e-mail addresses, many contacts) to PDF with LibreOffice
and read the pages as a reader would: per page with ``pdftotext -layout``, words' positions with
``pdftotext -bbox``.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, SAMPLES, require, translate_beside
from crowded import crowded
from docgen.build.run import BuildOptions, build, render_documents
from docgen.context import language_names
from docgen.ooxml.layout import fit_words
from docgen.ooxml.metrics import word_width
from docgen.ooxml.pagination import NB_HYPHEN, NBSP, WORD_JOINER, unbreakable
from docgen.spec.model import Spec
from docgen.spec.read import source_map
from docgen.spec.schema import check_spec, load_spec
from docxtext import LAYOUT_CHARACTERS, plain_text, stories

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
AGREEMENTS = ("mou", "data-sharing-agreement", "role-chart")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def crowded_spec() -> Spec:
    data = crowded()
    return Spec("crowded.json", data, "0" * 64, source_map(json.dumps(data, indent=2)))


def documents(spec: Spec, tmp_path: Path) -> dict[str, etree._Element]:
    out = {}
    for kind, _, data in render_documents(spec, BuildOptions(tmp_path)):
        if kind.kind in AGREEMENTS:
            out[kind.kind] = etree.fromstring(zipfile.ZipFile(io.BytesIO(data))
                                              .read("word/document.xml"))
    return out


def raw_text(root: etree._Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in root.iter(_w("p")))


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))


def has(p: etree._Element, tag: str) -> bool:
    return p.find(f"{_w('pPr')}/{_w(tag)}") is not None


# --- lines ------------------------------------------------------------------------------------


def test_phone_numbers_emails_and_school_years_are_made_unbreakable() -> None:
    assert unbreakable("(510) 555-0100") == f"(510){NBSP}555{NB_HYPHEN}0100"
    assert unbreakable("+1 510 555 0142 ext. 12") == NBSP.join(["+1", "510", "555", "0142",
                                                                 "ext.", "12"])
    assert unbreakable("School year 2026-2027") == f"School year 2026{NB_HYPHEN}2027"
    # an e-mail address keeps its own characters: a WORD JOINER holds it at the hyphen
    assert unbreakable("write to a.b-c@x-y.org.") == (
        f"write to a.b{WORD_JOINER}-{WORD_JOINER}c@x{WORD_JOINER}-{WORD_JOINER}y.org.")
    for text in ("$1,000,000 per occurrence", "rooms 14 to 16", "2:45 PM to 6:00 PM",
                 "Oakland, CA 94601", "grades 9-12", "lincoln-es-bright-futures-2026-27"):
        assert unbreakable(text) == text


def test_every_contact_is_printed_unbreakable_in_every_agreement(tmp_path: Path) -> None:
    spec = crowded_spec()
    assert check_spec(spec) == []
    for kind, root in documents(spec, tmp_path).items():
        text = raw_text(root)
        for contact in spec.data["contacts"]:
            if contact["email"] in text.translate(LAYOUT_CHARACTERS):
                assert unbreakable(contact["email"]) in text, (kind, contact["email"])
            if contact.get("phone") and contact["phone"] in text.translate(LAYOUT_CHARACTERS):
                assert unbreakable(contact["phone"]) in text, (kind, contact["phone"])
        assert f"2026{NB_HYPHEN}2027" in text and "2026-2027" not in text, kind


def test_the_role_chart_names_the_languages_a_contact_speaks(tmp_path: Path) -> None:
    assert language_names(["en", "zh-Hans", "vi"], "en-US") == [
        "English", "Chinese (Simplified)", "Vietnamese"]
    assert language_names(["en", "es"], "es") == ["inglés", "español"]
    for kind, _, data in render_documents(load_spec(LINCOLN), BuildOptions(tmp_path)):
        if kind.kind == "role-chart":
            text = plain_text(data)
            assert "| English, Chinese (Simplified)" in text
            assert "en, zh-Hans" not in text and "| en" not in text


def column_needs(tbl: etree._Element) -> list[tuple[str, float, int]]:
    """Each single-column cell's longest unbreakable word, its width and its column's width."""
    widths = [int(c.get(_w("w"))) for c in tbl.find(_w("tblGrid")).findall(_w("gridCol"))]
    out = []
    for row in tbl.findall(_w("tr")):
        for index, tc in enumerate(row.findall(_w("tc"))):
            if tc.find(f"{_w('tcPr')}/{_w('gridSpan')}") is not None:
                break
            for p in tc.iter(_w("p")):
                size = p.find(f".//{_w('sz')}")
                half_points = int(size.get(_w("val"))) if size is not None else 22
                for word in re.split(r"[ \t]|(?<=[-/])(?!\u2060)", text_of(p)):
                    out.append((word, word_width(word, half_points), widths[index] - 216))
    return out


def test_every_column_is_wide_enough_for_its_longest_word(tmp_path: Path) -> None:
    for spec in (crowded_spec(), *map(load_spec, SAMPLES)):
        for kind, root in documents(spec, tmp_path).items():
            for tbl in root.iter(_w("tbl")):
                for word, width, room in column_needs(tbl):
                    assert width <= room, (kind, word, width, room)


def test_a_column_too_narrow_for_its_words_takes_width_from_the_others() -> None:
    cell = ('<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{t}</w:t>'
            '</w:r></w:p></w:tc>')
    xml = (f'<w:document xmlns:w="{W}"><w:body><w:tbl><w:tblPr><w:tblW w:w="6000" '
           'w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="5000"/>'
           '</w:tblGrid><w:tr>' + cell.format(w=1000, t="someone@example.org")
           + cell.format(w=5000, t="a few short words") + '</w:tr></w:tbl></w:body></w:document>')
    root = etree.fromstring(xml)
    fit_words(root, 22)
    grid = [int(c.get(_w("w"))) for c in root.iter(_w("gridCol"))]
    assert sum(grid) == 6000 and grid[0] > word_width("someone@example.org", 22) + 216
    assert [int(c.get(_w("w"))) for c in root.iter(_w("tcW"))] == grid


# --- pages ------------------------------------------------------------------------------------


def test_headings_introductions_signature_blocks_and_header_rows_keep_with_what_follows(
        tmp_path: Path) -> None:
    for kind, root in documents(load_spec(LINCOLN), tmp_path).items():
        body = [p for p in root.find(_w("body")) if p.tag == _w("p")]
        for p in body:
            style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            text = text_of(p)
            if style is not None and style.get(_w("val")).startswith("Heading") or \
                    text.startswith("IN WITNESS WHEREOF") or text.rstrip().endswith(":"):
                assert has(p, "keepNext") and has(p, "keepLines"), (kind, text)
        if kind != "role-chart":
            texts = [text_of(p) for p in body]
            name = texts.index("Name: Angela Torres")
            block = body[name - 2:name + 3]  # the party, signature, name, title and date lines
            assert texts[name - 2] == "Bright Futures Youth Alliance"
            assert [has(p, "keepNext") for p in block] == [True, True, True, True, False]
            assert all(has(p, "keepLines") for p in block)
        for tbl in root.iter(_w("tbl")):
            first, second = tbl.findall(_w("tr"))[:2]
            assert first.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None, kind
            assert first.find(f"{_w('trPr')}/{_w('cantSplit')}") is not None, kind
            assert second.find(f"{_w('trPr')}/{_w('cantSplit')}") is not None, kind
            assert all(has(p, "keepNext") for p in first.iter(_w("p"))), kind


def test_the_landscape_role_chart_spans_the_page_width(tmp_path: Path) -> None:
    root = documents(load_spec(LINCOLN), tmp_path)["role-chart"]
    size = root.find(f"{_w('body')}/{_w('sectPr')}/{_w('pgSz')}")
    margins = root.find(f"{_w('body')}/{_w('sectPr')}/{_w('pgMar')}")
    assert size.get(_w("orient")) == "landscape"
    text_width = int(size.get(_w("w"))) - int(margins.get(_w("left"))) - int(
        margins.get(_w("right")))
    for tbl in root.iter(_w("tbl")):
        grid = sum(int(c.get(_w("w"))) for c in tbl.iter(_w("gridCol")))
        assert abs(grid - text_width) <= 10


# --- the PDFs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """Each sample's agreements and the crowded spec's, built to PDF once: id → (folder, data)."""
    require("soffice")
    out = tmp_path_factory.mktemp("pages")
    spec_file = out / "crowded.json"
    spec_file.write_text(json.dumps(crowded(), ensure_ascii=False, indent=2), encoding="utf-8")
    translate_beside(spec_file, tmp_path_factory)
    paths = [str(p) for p in SAMPLES] + [str(spec_file)]
    results = build(paths, BuildOptions(out / "built", pdf=True, pdf_workers=2))
    assert all(r.ok and not r.pdf_errors for r in results)
    built = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        built[data["id"]] = (out / "built" / data["id"], data)
    return built


def pages(pdf: Path) -> list[list[str]]:
    """The lines of each page's body (its header and footer lines left out), as a reader sees
    them: layout characters read as what they show."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    result = []
    for page in out.split("\f"):
        lines = [line.translate(LAYOUT_CHARACTERS).rstrip() for line in page.splitlines()]
        lines = [line for line in lines if line.strip()]
        if lines:
            result.append(lines[1:-1])
    return result


def words(pdf: Path) -> list[tuple[float, float, str]]:
    """Each word of the first page with its left and right edges (points)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), html.unescape(w)) for a, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


CASES = [s.stem for s in SAMPLES] + ["crowded"]


def _case(pdfs: dict, case: str) -> tuple[Path, dict]:
    if case == "crowded":
        return pdfs["crowded-2026-27"]
    data = json.loads((ROOT / "samples" / f"{case}.json").read_text(encoding="utf-8"))
    return pdfs[data["id"]]


def _agreements(folder: Path) -> list[Path]:
    return [folder / f"{k}.pdf" for k in AGREEMENTS if (folder / f"{k}.pdf").exists()]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_no_email_or_phone_number_breaks_and_no_comma_stands_alone(pdfs, case: str) -> None:
    folder, data = _case(pdfs, case)
    for pdf in _agreements(folder):
        lines = [line for page in pages(pdf) for line in page]
        printed = plain_text(pdf.with_suffix(".docx"))
        for contact in data["contacts"]:
            for value in (contact["email"], contact.get("phone")):
                if value and value in printed:
                    assert any(value in line for line in lines), (pdf.name, value)
        assert "2026-" not in [w for line in lines for w in line.split()], pdf.name
        for line in lines:
            assert "," not in line.split(), (pdf.name, line)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_no_page_ends_with_a_heading_an_introduction_or_a_header_row(pdfs, case: str) -> None:
    folder, _ = _case(pdfs, case)
    for pdf in _agreements(folder):
        docx = stories(pdf.with_suffix(".docx"))["document"]
        headings = [re.sub(r"^\[[^]]+\] ", "", line) for line in docx
                    if line.startswith(("[heading", "[Title]", "[Subtitle]"))]
        header_words = {w for line in docx if line.startswith("|H| ")
                        for w in line[4:].replace("|", " ").split()}
        for number, page in enumerate(pages(pdf)[:-1], start=1):
            last = page[-1].strip()
            where = (pdf.name, number, last)
            assert not any(re.fullmatch(r"(\d+\.\s+)?" + re.escape(h), last)
                           for h in headings if h), where
            assert not last.startswith("IN WITNESS WHEREOF") and not last.endswith(":"), where
            assert not set(last.split()) <= header_words, where


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_each_signature_block_is_on_one_page(pdfs, case: str) -> None:
    folder, data = _case(pdfs, case)
    for pdf in _agreements(folder):
        if pdf.stem == "role-chart":
            continue
        found = pages(pdf)
        printed = plain_text(pdf.with_suffix(".docx"))

        def page_of(text: str) -> int:
            hits = [i for i, page in enumerate(found) for line in page if text in line]
            assert hits, (pdf.name, text)
            return hits[-1]

        for signature in data["signatures"]:
            if f"Name: {signature['name']}" not in printed:
                continue  # the data-sharing agreement is signed by its two sides only
            party = data["parties"][signature["party"]]["legal_name"]
            name = page_of(f"Name: {signature['name']}")
            assert page_of(party[:30]) == name == page_of(f"Title: {signature['title'][:30]}"), \
                (pdf.name, signature["name"])


@pytest.mark.slow
def test_the_landscape_role_chart_uses_the_page_width(pdfs) -> None:
    landscape = 0
    for case in CASES:
        folder, _ = _case(pdfs, case)
        pdf = folder / "role-chart.pdf"
        width = float(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                     check=True).stdout.split("Page size:")[1].split()[0])
        if width < 700:
            continue  # this role chart fits a portrait page
        landscape += 1
        found = words(pdf)
        # the People table's last column, Phone, starts in the last quarter of the text width
        # (72 pt margins); in a table only as wide as a portrait page it started before 480 pt
        phone = [left for left, _, word in found if word == "Phone"]
        assert phone and min(phone) > 72 + (width - 144) * 3 / 4, case
        assert max(right for _, right, _ in found) <= width - 72 + 2, case
    assert landscape >= 2  # the samples with many parties, and the crowded spec


# --- family notices (issue 12 §6) ---------------------------------------------------------------


def _notices(folder: Path, data: dict) -> list[Path]:
    return [folder / "notices" / f"notice-{tag}.pdf"
            for tag in (data.get("family_notices") or {}).get("languages", [])]


def test_the_other_languages_block_keeps_together_in_the_docx(tmp_path: Path) -> None:
    for kind, _, blob in render_documents(load_spec(LINCOLN), BuildOptions(tmp_path)):
        if kind.kind != "notice":
            continue
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml"))
        paragraphs = list(root.iter(_w("p")))
        lines = [p for p in paragraphs if "(510)" in text_of(p)
                 and p.find(f"{_w('pPr')}/{_w('pStyle')}") is None][-5:]
        assert len(lines) == 5, kind.locale
        start = paragraphs.index(lines[0]) - 2  # the heading and the free-help line
        block = paragraphs[start:paragraphs.index(lines[-1]) + 1]
        # each paragraph keeps with the next, and each line stays whole
        assert all(has(p, "keepNext") for p in block), kind.locale
        assert all(has(p, "keepLines") for p in lines), kind.locale


@pytest.mark.slow
@pytest.mark.parametrize("case", [s.stem for s in SAMPLES])
def test_no_notice_page_holds_only_a_line_or_two(pdfs, case: str) -> None:
    # Jefferson's Vietnamese and Chinese notices had a page 2 with the last tagline alone
    folder, data = _case(pdfs, case)
    for pdf in _notices(folder, data):
        for number, page in enumerate(pages(pdf), start=1):
            assert len(page) >= 3, (pdf.name, number, page)


#: the start of each language's "Other languages" line, as pdftotext reads it
TAGLINE_STARTS = ("If you need this letter in English", "Si necesita esta carta en",
                  "Nếu quý vị cần thư này bằng", "如需本信的")


@pytest.mark.slow
@pytest.mark.parametrize("case", [s.stem for s in SAMPLES])
def test_the_other_languages_block_is_on_one_page(pdfs, case: str) -> None:
    folder, data = _case(pdfs, case)
    for pdf in _notices(folder, data):
        found = pages(pdf)
        where = {start: [i for i, page in enumerate(found) for line in page if start in line]
                 for start in TAGLINE_STARTS}
        assert all(len(hits) == 1 for hits in where.values()), (pdf.name, where)
        assert len({hits[0] for hits in where.values()}) == 1, (pdf.name, where)
