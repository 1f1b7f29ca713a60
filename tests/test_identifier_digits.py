"""Digits a family copies, types or dials keep their Latin digits in a notice written in a
language whose numbers CLDR writes in other digits (issue 12: Persian ۰۱۲, Bengali ০১২,
Myanmar ၀၁၂); its quantities, dates, times and amounts are written in the language's own.

What a family does with each number decides its digits:

- a ZIP code, a street number, a room or suite number: copied onto an envelope, typed into a
  web form or a map, looked for on a door of a school in the United States: Latin digits;
- a phone number, an e-mail address, a URL, a code word (an IRB approval id): dialled or
  typed: Latin digits (as before);
- a date, a time, an amount, a count, a grade, the school year: read: the language's digits.

The notices are built from the Lincoln sample with an enrollment sentence that names the
office's room and address; the spec's text is translated by the stand-in catalogs (its
English after a marker), so the address is in Latin letters as a translator leaves it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import require, translate_beside
from docgen.build.run import BuildOptions, build, render_documents
from docgen.i18n.scripts import localise_digits
from docgen.resources import Resources
from docgen.spec.schema import load_spec
from docxtext import plain_text
from script_catalogs import make_catalog, spec_in

TAGS = ["fa", "prs", "bn", "my"]
ENROLL = ("Bring the form to the school office, room 12, at 1200 Fruitvale Avenue, Oakland, "
          "CA 94601, or mail it there.")
#: The identifiers of the notice, as the spec writes them and a family copies them.
IDENTIFIERS = ["room 12", "1200 Fruitvale Avenue", "CA 94601",
               "(510) 555-0142", "minh.nguyen@fruitvaleusd.example.org"]
#: Each language's own digits, and what the notice reads in them: the enrollment date, the
#: program's start time and the school year.
OWN = {
    "fa": ("[\u06f0-\u06f9]", ["۲۸ اوت ۲۰۲۶", "۱۴:۴۵", "۲۰۲۶-۲۰۲۷"]),
    "prs": ("[\u06f0-\u06f9]", ["۲۸ اگست ۲۰۲۶", "۱۴:۴۵", "۲۰۲۶-۲۰۲۷"]),
    "bn": ("[\u09e6-\u09ef]", ["২৮ আগস্ট, ২০২৬", "২:৪৫", "২০২৬-২০২৭"]),
    "my": ("[\u1040-\u1049]", ["၂၀၂၆ ဩဂုတ် ၂၈", "၁၄:၄၅", "၂၀၂၆-၂၀၂၇"]),
}


#: The program's place ("Cafeteria, library and rooms 14 to 16") as a translator words it,
#: the room numbers typed in Latin digits as in the English.
PLACE = {
    "fa": "سالن غذاخوری، کتابخانه و اتاق‌های 14 تا 16",
    "prs": "سالون نان، کتابخانه و اتاق‌های 14 تا 16",
    "bn": "ক্যাফেটেরিয়া, লাইব্রেরি এবং 14 থেকে 16 নম্বর কক্ষ",
    "my": "စားသောက်ခန်း၊ စာကြည့်တိုက်နှင့် အခန်း 14 မှ 16",
}


def _spec(folder: Path, tmp_path_factory) -> Path:
    from docgen.i18n.catalogs import read_catalog, write_catalog
    from docgen.i18n.spectext import catalog_file

    for tag in TAGS:
        make_catalog(tag, folder / "locales")
    spec_file = spec_in(TAGS, folder)
    data = json.loads(spec_file.read_text(encoding="utf-8"))
    data["family_notices"]["how_to_enroll"] = ENROLL
    spec_file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    translate_beside(spec_file, tmp_path_factory)  # the catalogs of the spec's own text
    for tag, place in PLACE.items():  # the first service's place, translated
        path = catalog_file(spec_file, tag)
        catalog = read_catalog(path, tag)
        [message] = [m for m in catalog if m.id == "Cafeteria, library and rooms 14 to 16"]
        message.string = place
        write_catalog(catalog, path)
    return spec_file


@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> dict[str, bytes]:
    """The notices (DOCX) in each of TAGS."""
    folder = tmp_path_factory.mktemp("identifier-digits")
    spec_file = _spec(folder, tmp_path_factory)
    resources = Resources.shipped().using(locales=folder / "locales")
    documents = render_documents(load_spec(str(spec_file), resources),
                                 BuildOptions(folder / "out", resources=resources))
    return {k.locale: data for k, _, data in documents if k.locale}


def _flat(text: str) -> str:
    """The text without direction marks and isolates, a no-break space as a space."""
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).replace("\u00a0", " ")


@pytest.mark.parametrize("tag", TAGS)
def test_addresses_and_room_numbers_keep_latin_digits_in_the_notice(notices, tag) -> None:
    """The Persian, Bengali and Myanmar notices wrote the office's ZIP code, street number
    and room number, and the program's rooms, in the language's digits ("CA ۹۴۶۰۱"): a ZIP
    code a family copies onto an envelope or types into a web form, a room number it looks
    for on a door. They keep the digits the spec writes them in; the notice's dates, times
    and school year are in the language's digits, as CLDR writes them. So do the program's
    rooms, which a translator words in the language ("اتاق‌های 14 تا 16"): its numbers are
    the places of the English ("rooms 14 to 16"), not quantities."""
    digit, read = OWN[tag]
    text = _flat(plain_text(notices[tag]))
    for identifier in IDENTIFIERS:
        assert identifier in text, (tag, identifier)
    assert PLACE[tag] in text, tag  # its room numbers, though the room is worded in the language
    native_zip = localise_digits("94601", tag)
    assert native_zip != "94601" and native_zip not in text, tag
    for value in read:
        assert value in text, (tag, value)
    assert len(re.findall(digit, text)) > 20, tag


def test_a_number_beside_an_identifier_is_still_a_quantity() -> None:
    """Only the identifier keeps its digits: a count, a grade, a year or a bare five-digit
    number beside it is written in the language's digits."""
    text = "1200 Fruitvale Avenue, CA 94601-1234, Suite 300, #4, rooms 14, 15 and 16; 3, 94601"
    assert localise_digits(text, "fa") == (
        "1200 Fruitvale Avenue, CA 94601-1234, Suite 300, #4, rooms 14, 15 and 16; ۳, ۹۴۶۰۱")
    assert localise_digits("grades 2 to 5, 2026-2027", "bn") == "grades ২ to ৫, ২০২৬-২০২৭"
    assert localise_digits(text, "ar") == text  # Arabic as docgen writes it: Latin digits


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> dict[str, str]:
    """The text of each notice's PDF as pdftotext gives it (what copy-paste and a screen
    reader get), direction marks left out."""
    require("soffice")
    folder = tmp_path_factory.mktemp("identifier-digits-pdf")
    spec_file = _spec(folder, tmp_path_factory)
    resources = Resources.shipped().using(locales=folder / "locales")
    [result] = build([str(spec_file)], BuildOptions(folder / "out", pdf=True, pdf_workers=1,
                                                    resources=resources))
    assert result.ok, result.error or result.pdf_errors
    return {tag: re.sub(" +", " ", _flat(subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", str(result.folder / f"notices/notice-{tag}.pdf"),
         "-"], capture_output=True, text=True, check=True).stdout).replace("\u2011", "-"))
        for tag in TAGS}


@pytest.mark.slow
@pytest.mark.parametrize("tag", TAGS)
def test_addresses_keep_latin_digits_in_the_notices_pdf_text(pdf_text, tag) -> None:
    """What a family copies from the PDF is what the DOCX holds: the ZIP code, the street
    number and the room numbers in Latin digits in the Persian, Dari, Bengali and Myanmar
    notices, their dates in the language's digits."""
    text = pdf_text[tag]
    for identifier in ("1200 Fruitvale Avenue", "94601", "room 12"):
        assert identifier in text, (tag, identifier)
    # the translated place's room numbers (pdftotext orders a right-to-left line its own way)
    assert re.search(r"(?<![0-9])14(?![0-9])", text) and re.search(r"(?<![0-9])16(?![0-9])",
                                                                    text), tag
    assert localise_digits("14", tag) not in text.replace(localise_digits("14:", tag), ""), tag
    assert localise_digits("94601", tag) not in text, tag
    # the enrollment date (pdftotext puts a right-to-left line's words in its own order)
    assert all(w in text for w in OWN[tag][1][0].replace(",", "").split()), tag


#: The footer of every page: the document's id, then "page / pages".
_FOOTER = re.compile(r"(\S+) / (\S+) · lincoln-es-bright-futures-2026-27|"
                     r"lincoln-es-bright-futures-2026-27 · (\S+) / (\S+)")


@pytest.mark.slow
@pytest.mark.parametrize("tag", TAGS)
def test_page_numbers_are_latin_digits_where_no_office_suite_writes_the_languages(
        pdf_text, tag) -> None:
    """The page numbers (PAGE / NUMPAGES in the footer) stay in Latin digits in the Persian,
    Dari, Bengali and Myanmar notices, whose text is in the language's digits: neither Word
    nor LibreOffice can write those digits in a page number, so docgen asks for none.

    - OOXML's page-number formats (ST_NumberFormat, ``w:pgNumType w:fmt``) have no Extended
      Arabic-Indic (Persian ۰۱۲), Bengali or Myanmar digits. ``hindiNumbers`` is Word's
      Arabic-Indic digits (٠١٢: its ٤٥٦ are not Persian ۴۵۶); LibreOffice 7.4 reads it as
      Latin digits (a notice converted with it: "1 / 5").
    - LibreOffice 7.4 knows the field switches ``\\* Arabic``, ``roman``, ``alphabetic``,
      ``CircleNum``, ``ThaiArabic``, ``Aiueo``, ``Iroha``, ``ArabicAlpha`` and
      ``ArabicAbjad``, which it writes as full-width digits (１ / 5): none is the notice's, and
      NUMPAGES keeps Latin digits whatever the switch.

    Each page reads "1 / 5" (the pages in order, the count the same on each) in Latin
    digits, never full-width ones, nor the language's (which would mean a change above)."""
    pages = [tuple(d for d in m.groups() if d) for m in _FOOTER.finditer(pdf_text[tag])]
    assert len(pages) >= 2, (tag, pdf_text[tag][-400:])
    rtl = tag in ("fa", "prs")
    numbers = [(int(b), int(a)) if rtl else (int(a), int(b)) for a, b in pages]
    assert numbers == [(i + 1, len(pages)) for i in range(len(pages))], (tag, pages)
    assert all(re.fullmatch("[0-9]+", d) for page in pages for d in page), (tag, pages)


@pytest.mark.parametrize("tag", TAGS)
def test_the_footer_asks_for_no_page_number_format_an_office_suite_would_misread(
        notices, tag) -> None:
    """The footer's PAGE and NUMPAGES fields carry no format switch and the section no
    ``w:pgNumType w:fmt``: no format gives the Persian, Dari, Bengali or Myanmar digits (see
    test_page_numbers_are_latin_digits_where_no_office_suite_writes_the_languages), and the
    nearest ones give other digits (Word's ``hindiNumbers`` Arabic-Indic ٠١٢, LibreOffice's
    ``ArabicAbjad`` full-width １２３) beside the text's. Both fields are there, so each page
    reads "page / pages" in Latin digits."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(notices[tag])) as package:
        footers = [package.read(n).decode() for n in package.namelist()
                   if re.fullmatch(r"word/footer\d+\.xml", n)]
        document = package.read("word/document.xml").decode()
    fields = [f.strip() for xml in footers
              for f in re.findall(r'w:instr="([^"]*)"', xml)
              + re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]
    assert "PAGE" in fields and "NUMPAGES" in fields, (tag, fields)
    assert not [f for f in fields if "\\*" in f], (tag, fields)
    assert not re.search(r"<w:pgNumType[^>]*w:fmt=", document), tag
