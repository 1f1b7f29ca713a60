"""Any language a district needs (issue 12, §3 and §4): direction, language tags and fonts from
CLDR's likely subtags, right-to-left values as LibreOffice lays them out, languages CLDR lacks,
US formats for US districts, and fonts checked before a PDF is made. The PDFs themselves:
tests/test_scripts_pdf.py."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, translate_beside
from docgen.build.run import BuildOptions, build_one, render_documents
from docgen.cli import cli
from docgen.context import build_context
from docgen.i18n.scripts import script_of
from docgen.resources import Resources
from docgen.spec.schema import load_spec
from docxtext import plain_text, stories
from script_catalogs import make_catalog, spec_in

LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
TEST_TAGS = ["fa", "ur", "he", "ko", "zh-Hant", "am", "my", "bn", "prs", "hmn"]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def test_notices(tmp_path_factory) -> dict[str, bytes]:
    """The Lincoln notice in every test language, from catalogs made with docgen i18n init."""
    folder = tmp_path_factory.mktemp("scripts")
    base = folder / "locales"
    for tag in TEST_TAGS:
        make_catalog(tag, base)
    spec_file = spec_in(TEST_TAGS, folder)
    translate_beside(Path(spec_file), tmp_path_factory)  # the catalogs of the spec's own text
    spec = load_spec(spec_file, Resources.shipped().using(locales=base))
    documents = render_documents(spec, BuildOptions(
        folder / "out", resources=Resources.shipped().using(locales=base)))
    return {k.locale: data for k, _, data in documents if k.locale}


def part(docx: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read(name).decode()


def text_of(docx: bytes) -> str:
    """The document's paragraphs' text, runs joined (Latin words are runs of their own)."""
    xml = part(docx, "word/document.xml")
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
                     for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S))


def test_direction_and_language_tags_come_from_cldr_likely_subtags() -> None:
    assert [script_of(t).direction for t in ("fa", "ur", "he", "ps", "prs", "ckb")] == \
        ["rtl"] * 6
    assert [script_of(t).direction for t in ("ko", "zh-Hant", "bn", "my", "am", "ru")] == \
        ["ltr"] * 6
    assert {t: (script_of(t).slot, script_of(t).word_tag) for t in
            ("ko", "zh-Hant", "zh-Hans", "fa", "ur", "bn", "my", "am", "es")} == {
        "ko": ("eastAsia", "ko-KR"), "zh-Hant": ("eastAsia", "zh-TW"),
        "zh-Hans": ("eastAsia", "zh-CN"), "fa": ("bidi", "fa-IR"), "ur": ("bidi", "ur-PK"),
        "bn": ("bidi", "bn-BD"), "my": ("bidi", "my-MM"), "am": ("bidi", "am-ET"),
        "es": ("val", "es-ES")}


def test_each_test_language_is_tagged_and_set_in_its_own_script(test_notices) -> None:
    expected = {"ko": ('w:eastAsia="ko-KR"', "Noto Sans CJK KR"),
                "zh-Hant": ('w:eastAsia="zh-TW"', "Noto Sans CJK TC"),
                "fa": ('w:bidi="fa-IR"', "Noto Naskh Arabic"),
                "ur": ('w:bidi="ur-PK"', "Noto Naskh Arabic"),  # its PDF text right
                "he": ('w:bidi="he-IL"', "Noto Sans Hebrew"),
                "bn": ('w:bidi="bn-BD"', "Noto Sans Bengali"),
                "my": ('w:bidi="my-MM"', "Noto Sans Myanmar"),
                "am": ('w:bidi="am-ET"', "Noto Sans Ethiopic")}
    for tag, (lang, font) in expected.items():
        xml, styles = part(test_notices[tag], "word/document.xml"), part(
            test_notices[tag], "word/styles.xml")
        assert lang in xml, tag
        assert f'"{font}"' in styles, tag
        title = re.search(r"<w:p>(?:(?!</w:p>).)*Title(?:(?!</w:p>).)*</w:p>", xml).group(0)
        assert lang in title, tag
    # Korean was tagged as Chinese (w:eastAsia="zh-CN"): LibreOffice then broke Latin words
    assert 'w:eastAsia="zh-CN"' not in part(test_notices["ko"], "word/document.xml")
    assert 'w:eastAsia="zh-CN"' not in part(test_notices["zh-Hant"], "word/document.xml")


def test_right_to_left_languages_are_right_to_left(test_notices) -> None:
    for tag in ("fa", "ur", "he", "prs"):
        xml = part(test_notices[tag], "word/document.xml")
        body = [p for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
                if "Other languages" not in p and re.search("[\u0590-\u06ff]", p)]
        assert body and all("<w:bidi/>" in p and "<w:rtl/>" in p for p in body), tag
        assert re.search(r"<w:sectPr[^>]*>.*<w:bidi/>.*</w:sectPr>", xml, re.S), tag
    assert "<w:bidi/>" not in part(test_notices["ko"], "word/document.xml").split(
        "Other languages")[0]


def test_complex_script_documents_have_no_letter_spacing(test_notices) -> None:
    """The Title and Subtitle styles' letter spacing disjoins Arabic letters in LibreOffice
    (and wrote U+0002 between them in the PDF's text): none in a complex-script document, the
    template untouched."""
    spaced = re.compile(r"<w:rPr>(?:(?!</w:rPr>).)*<w:spacing w:val=", re.S)
    shipped = {k.locale: data for k, _, data in render_documents(
        load_spec(LINCOLN), BuildOptions(ROOT / "out-unused")) if k.locale}
    for tag, docx in [*test_notices.items(), ("ar", shipped["ar"])]:
        for name in ("word/styles.xml", "word/document.xml"):
            found = bool(spaced.search(part(docx, name)))
            assert found == (tag in ("ko", "zh-Hant", "hmn") and name == "word/styles.xml"), \
                (tag, name)


def test_right_to_left_values_need_no_isolates_and_do_not_break(test_notices) -> None:
    """LibreOffice 7.4 splits words and loses spaces beside FSI … PDI: values are written with
    embeddings where they need one, dates and times with no-break spaces."""
    for tag in ("fa", "ur", "prs"):
        xml = part(test_notices[tag], "word/document.xml")
        assert not re.search("[\u2066-\u2069]", xml), tag
        assert "\u202aBright Futures\u202c" in text_of(test_notices[tag]), tag
    ur = part(test_notices["ur"], "word/document.xml")
    assert "28\u00a0اگست،\u00a02026" in ur or "28\u00a0اگست" in ur


def test_a_right_to_left_value_holding_latin_words_is_marked_not_embedded(test_notices) -> None:
    """An embedding (RLE … PDF) around a translated program name or place made LibreOffice
    leave a gap after its first word and draw a Latin word that ends it over the word before
    ("مدرسةLincoln"): a right-to-left mark on each side keeps a number or a Latin word beside
    it out of it instead (the PDF: test_scripts_pdf.py, words drawn over each other)."""
    from docgen.i18n.translate import isolate

    assert isolate("برنامج Bright Futures لما بعد المدرسة") == \
        "\u200fبرنامج Bright Futures لما بعد المدرسة\u200f"
    assert isolate("Lincoln") == "\u202aLincoln\u202c"
    assert isolate("الاثنين") == "الاثنين"
    shipped = {k.locale: data for k, _, data in render_documents(
        load_spec(LINCOLN), BuildOptions(ROOT / "out-unused")) if k.locale}
    for tag, docx in [*test_notices.items(), ("ar", shipped["ar"])]:
        assert "\u202b" not in part(docx, "word/document.xml"), tag
    ar = text_of(shipped["ar"])
    assert "\u200fعائلات المشاركين في البرنامج، وأي عائلة من مدرسة Lincoln\u200f (" in ar


def test_a_value_ending_in_a_full_stop_ends_a_right_to_left_sentence() -> None:
    """"Inc." embedded left to right, then the sentence's own period: "Inc.‬." was doubled."""
    from docgen.i18n.translate import Translator

    class Same:
        def gettext(self, message: str) -> str:
            return message

    said = Translator("ar", Same(), rtl=True).gettext("اتصل بـ {name}.",
                                                      name="Bright Futures Inc.")
    assert said == "اتصل بـ \u202aBright Futures Inc.\u202c"


def test_no_english_is_left_in_a_notice_in_any_script(test_notices) -> None:
    """Every paragraph of the body of each test language's notice (one per script: Perso-Arabic,
    Urdu, Hebrew, Hangul, Traditional Han, Ethiopic, Myanmar, Bengali, Dari, Latin Hmong) is
    translated: none is a paragraph of the English notice, but the Other languages block's
    lines in other languages, a spec text's later paragraphs (its catalog's stand-in marks
    only the first) and lines that are values alone."""
    english = next(data for k, _, data in render_documents(
        load_spec(LINCOLN), BuildOptions(ROOT / "out-unused")) if k.locale == "en")
    english_lines = {line for line in stories(english)["document"]}
    later = set()

    def strings(node: object) -> None:
        if isinstance(node, str):
            later.update(node.split("\n\n")[1:])
        elif isinstance(node, dict):
            for value in node.values():
                strings(value)
        elif isinstance(node, list):
            for value in node:
                strings(value)

    strings(json.loads(LINCOLN.read_text()))
    for tag, docx in test_notices.items():
        body = stories(docx)["document"]
        # up to the Other languages heading (its lines are each in their own language)
        other = next(i for i, line in enumerate(body) if "Other languages" in line)
        left = [line for line in body[:other] + body[other + 1:other + 2]
                if line in english_lines and line not in later
                and re.search("[A-Za-z]{3}", line)]
        assert not left, (tag, left)
        assert len(body) > 40, tag


def test_a_us_district_gets_us_spanish_unless_it_says_otherwise(tmp_path: Path) -> None:
    data = json.loads(LINCOLN.read_text())
    us = build_context(data, locale="es")
    fee = {"amount": 1250.5, "per": "month", "waiver": None}
    data["services"][0]["cost_to_families"] = fee
    assert build_context(data, locale="es")["services"][0]["cost_to_families"]["amount"] == \
        "$1,250.50"
    assert us["services"][0]["schedule"]["start_time"] == "2:45\u202fp.m."  # CLDR's narrow space
    assert build_context(data, locale="es-ES")["services"][0]["schedule"]["start_time"] == \
        "14:45"
    abroad = json.loads(LINCOLN.read_text())
    for party in abroad["parties"].values():
        party["address"]["region"] = "Jalisco"
    abroad.pop("governing_law", None)
    assert build_context(abroad, locale="es")["services"][0]["schedule"]["start_time"] == \
        "14:45"
    spanish = next(d for k, _, d in render_documents(load_spec(LINCOLN),
                   BuildOptions(tmp_path)) if k.locale == "es")
    text = plain_text(spanish)
    assert "de 2:45\u202fp.m. a 6:00\u202fp.m. Lugar" in text and "p.m.." not in text
    # and tagged as US Spanish, which the PDF gives as its language
    assert 'w:val="es-US"' in part(spanish, "word/styles.xml")


@pytest.mark.parametrize("tag", ["hmn", "prs", "mh", "chk"])
def test_init_starts_a_language_babel_lacks_with_a_fallback(tag: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["i18n", "init", tag, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / tag / "LC_MESSAGES/docgen.po").is_file()
    assert result.stderr.startswith(f"warning: {tag}: CLDR (Babel's language data) has no "
                                    "data for this language, so dates and numbers in its "
                                    "notices are written ")


def test_init_warns_when_cldr_data_is_partial(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["i18n", "init", "ht", "--dir", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: ht: CLDR (Babel's language data) has only partial data for this language, "
        "so dates and numbers in its notices are written as numbers, US style (8/28/2026, "
        "2:45 PM, $1,250.50); weekday names come from its catalog. Ask a translator to check "
        "a notice before it is sent\n")
    assert CliRunner().invoke(cli, ["i18n", "init", "fr", "--dir", str(tmp_path)]).stderr == ""


_HT_NOTICE = (
    "notice: ht: CLDR (Babel's language data) has only partial data for this language, so "
    "dates and numbers in its notices are written as numbers, US style (8/28/2026, 2:45 PM, "
    "$1,250.50); weekday names come from its catalog. Ask a translator to check a notice "
    "before it is sent")


def _lincoln_in(tags: list[str], folder: Path) -> Path:
    data = json.loads(LINCOLN.read_text())
    data.pop("$schema", None)
    data["family_notices"]["languages"] = tags
    spec = folder / LINCOLN.name  # its own text's catalogs are in tests/data/langs
    spec.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return spec


def test_validate_and_build_say_when_a_notice_language_has_partial_cldr_data(
        tmp_path: Path) -> None:
    """Haitian Creole's dates fell back to US numbers with no word from validate or build."""
    spec = _lincoln_in(["en", "ht"], tmp_path)
    checked = CliRunner().invoke(cli, ["validate", str(spec)])
    assert checked.exit_code == 0, checked.output
    assert checked.stderr.splitlines().count(_HT_NOTICE) == 1, checked.stderr
    built = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"),
                                     "--no-pdf", "--spec-locales",
                                     str(ROOT / "tests/data/langs")])
    assert built.exit_code == 0, built.output
    assert built.stderr.splitlines().count(_HT_NOTICE) == 1, built.stderr
    # a language with its own CLDR data gets no such line
    spanish = CliRunner().invoke(cli, ["validate", str(_lincoln_in(["en", "es"], tmp_path))])
    assert spanish.exit_code == 0 and "CLDR" not in spanish.stderr, spanish.stderr


def test_validate_names_the_fallback_of_a_language_cldr_lacks(tmp_path: Path) -> None:
    base = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", base)
    make_catalog("prs", base)
    make_catalog("hmn", base)
    spec = _lincoln_in(["en", "prs", "hmn"], tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(spec), "--locales", str(base)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "CLDR" in line]
    assert lines == [
        "notice: prs: CLDR (Babel's language data) has no data for this language, so dates and "
        "numbers in its notices are written as fa-AF writes them. Ask a translator to check a "
        "notice before it is sent",
        "notice: hmn: CLDR (Babel's language data) has no data for this language, so dates and "
        "numbers in its notices are written as numbers, US style (8/28/2026, 2:45 PM, "
        "$1,250.50); weekday names come from its catalog. Ask a translator to check a notice "
        "before it is sent"], result.stderr


def test_dates_in_a_language_cldr_lacks_read_naturally(test_notices) -> None:
    hmong, dari = plain_text(test_notices["hmn"]), plain_text(test_notices["prs"])
    assert "8/28/2026" in hmong and "M08" not in hmong and "2026 M" not in hmong
    assert "2:45\u202fPM" in hmong
    assert "۲۸ اگست ۲۰۲۶" in dari and "M08" not in dari  # Afghan Persian, in its digits


def _hiding(folder: Path, glob: str) -> dict[str, str]:
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>{glob}</glob></rejectfont></selectfont>
</fontconfig>
""")
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_doctor_and_build_name_the_package_when_a_script_has_no_font(tmp_path: Path,
                                                                     monkeypatch) -> None:
    from docgen import doctor

    base = tmp_path / "locales"
    make_catalog("am", base)
    spec = spec_in(["am"], tmp_path)
    env = _hiding(tmp_path, "*Ethiopic*")
    monkeypatch.setenv("FONTCONFIG_FILE", env["FONTCONFIG_FILE"])
    doctor._installed.cache_clear()
    try:
        result = invoke("doctor", str(spec), "--locales", str(base))
        assert result.exit_code == 1
        assert ("MISSING  am (Ethi) font: Noto Sans Ethiopic is not installed, and the am "
                "notices are set in it; apt-get install fonts-noto-core"
                ) in result.stdout.splitlines()
        # build says so before it makes the PDFs (the letter would be boxes)
        built = build_one(str(spec), BuildOptions(
            tmp_path / "o", pdf=True, resources=Resources.shipped().using(locales=base)))
        assert built.error is None
        assert built.font_problems == [("notices/notice-am.docx", "Noto Sans Ethiopic is not "
                                        "installed, and the am notices are set in it; apt-get "
                                        "install fonts-noto-core")]
        monkeypatch.setattr(doctor, "_installed", lambda: (
            frozenset({"Noto Sans Ethiopic", "Noto Sans"}), ((0x20, 0x7E), (0xA0, 0x17F))))
        check = doctor.font_check("am", "አማርኛ Hello")
        assert not check.ok and check.detail == (
            "no installed font has 4 characters of the am notice: ማ (U+121B) ር (U+122D) "
            "ኛ (U+129B) አ (U+12A0); the PDF would show boxes; apt-get install fonts-noto-core")
    finally:
        monkeypatch.undo()
        doctor._installed.cache_clear()
    assert "FONTCONFIG_FILE" not in os.environ or os.environ["FONTCONFIG_FILE"] != env[
        "FONTCONFIG_FILE"]


def test_a_number_range_in_right_to_left_text_keeps_its_order_and_its_line() -> None:
    """After an Arabic word "2026-2027" is two Arabic numbers to the bidi algorithm, drawn
    "2027-2026"; U+2011, a neutral, reverses it in Hebrew too. A range or a phone number is
    embedded left to right, its hyphen held by word joiners; a code word is left alone."""
    from docgen.ooxml.pagination import unbreakable_rtl

    wj = "\u2060"
    assert unbreakable_rtl("للعام الدراسي 2026-2027.") == \
        f"للعام الدراسي \u202a2026{wj}-{wj}2027\u202c."
    assert unbreakable_rtl("התקשרו (510) 555-0142 היום") == \
        f"התקשרו \u202a(510) 555{wj}-{wj}0142\u202c היום"
    # a value already embedded (docgen.i18n.translate.isolate) gets the same hyphen, no U+2011
    assert unbreakable_rtl("العام \u202a2026-2027\u202c") == f"العام \u202a2026{wj}-{wj}2027\u202c"
    assert unbreakable_rtl("رقم CSUEB-IRB-2026-117") == "رقم CSUEB-IRB-2026-117"


def test_latin_words_in_a_right_to_left_notice_are_latin_runs_of_their_own(test_notices) -> None:
    """A run holding Arabic-script or Hebrew text and a partner's name or an e-mail address was
    marked w:rtl whole: Word sets and orders such a run as complex-script right-to-left text
    (Latin letters in the Arabic face), and its Arabic digits were tagged en-US. Each Latin
    stretch is a run of its own, not w:rtl, tagged en-US; the rest keeps w:rtl and the
    notice's language."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rtl_letter = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
    shipped = {k.locale: data for k, _, data in render_documents(
        load_spec(LINCOLN), BuildOptions(ROOT / "out-unused")) if k.locale}
    for tag, docx in [*((t, test_notices[t]) for t in ("fa", "ur", "he", "prs")),
                      ("ar", shipped["ar"])]:
        own = script_of(tag).word_tag if tag != "ar" else "ar-EG"
        root = etree.fromstring(part(docx, "word/document.xml").encode())
        latin_runs = owns = 0
        for p in root.iter(f"{w}p"):
            if p.find(f"{w}pPr/{w}bidi") is None:
                continue
            for run in p.iter(f"{w}r"):
                text = "".join(t.text or "" for t in run.iter(f"{w}t"))
                if run.find(f"{w}tab") is not None or run.find(f"{w}fldChar") is not None:
                    continue
                latin = re.search("[A-Za-z]", text)
                lang = run.find(f"{w}rPr/{w}lang")
                marked = run.find(f"{w}rPr/{w}rtl") is not None
                assert not (latin and rtl_letter.search(text)), (tag, text)
                if latin:
                    latin_runs += 1
                    assert not marked and lang.get(f"{w}val") == "en-US", (tag, text)
                elif rtl_letter.search(text):
                    # the notice's language (or, in the Other languages block, the line's)
                    assert marked and lang.get(f"{w}val") == lang.get(f"{w}bidi"), (tag, text)
                    owns += lang.get(f"{w}val") == own
        assert latin_runs > 10 and owns > 20, (tag, latin_runs, owns)


@pytest.mark.parametrize(("tag", "date", "time", "amount", "whole", "count"), [
    ("fa", "۲۸ اوت ۲۰۲۶", "۱۴:۴۵", "\u200e$\u00a0۱٬۲۵۰٫۵۰", "\u200e$\u00a0۲۵", "۳"),
    ("prs", "۲۸ اگست ۲۰۲۶", "۱۴:۴۵", "\u200e$\u00a0۱٬۲۵۰٫۵۰", "\u200e$\u00a0۲۵", "۳"),
    ("bn", "২৮ আগস্ট, ২০২৬", "২:৪৫ PM", "১,২৫০.৫০US$", "২৫US$", "৩"),
    ("my", "၂၀၂၆ ဩဂုတ် ၂၈", "၁၄:၄၅", "၁,၂၅၀.၅၀\u00a0US$", "၂၅\u00a0US$", "၃"),
    ("ar", "28 أغسطس 2026", "2:45 م", "\u200f1,250.50\u00a0US$", "\u200f25\u00a0US$", "3"),
    ("ur", "28 اگست، 2026", "2:45 PM", "$1,250.50", "$25", "3"),
    ("he", "28 באוגוסט 2026", "14:45", "\u200f1,250.50\u00a0\u200f$", "\u200f25\u00a0\u200f$",
     "3"),
], ids=["fa", "prs", "bn", "my", "ar", "ur", "he"])
def test_the_formatter_writes_each_locales_own_digits(tag, date, time, amount, whole,
                                                      count) -> None:
    """Babel writes every date, time and amount in Latin digits, whatever the locale: the
    Formatter writes CLDR's default numbering system of each (Persian and Dari ۰۱۲, Bengali
    ০১২, Myanmar ၀၁၂; Arabic as docgen writes it, "ar", and Urdu and Hebrew Latin digits),
    with its separators (Persian ٬ and ٫)."""
    from docgen.formatting import Formatter

    f = Formatter(tag, "USD", in_us=True)
    assert (f.date("2026-08-28"), f.time("14:45"), f.money(1250.5), f.money(25),
            f.number(3)) == (date, time, amount, whole, count)


def test_digits_of_phone_numbers_e_mail_addresses_urls_and_ids_are_never_converted() -> None:
    from docgen.i18n.scripts import localise_digits

    text = ("۲ (510) 555-0142 ext. 12, +1 510 555 0100, a.kim2@lincoln.org, "
            "https://x.org/f/2026, CSUEB-IRB-2026-117, 2026-2027, 18, 14:45")
    assert localise_digits(text, "fa") == (
        "۲ (510) 555-0142 ext. 12, +1 510 555 0100, a.kim2@lincoln.org, "
        "https://x.org/f/2026, CSUEB-IRB-2026-117, ۲۰۲۶-۲۰۲۷, ۱۸, ۱۴:۴۵")
    assert localise_digits(text, "ar") == text and localise_digits(text, "ur") == text


def test_a_persian_notice_writes_one_digit_system_throughout(test_notices) -> None:
    """The Persian notice wrote its dates, times, grades, school year and the translation's
    own numbers in Latin digits beside the Persian ones CLDR gives "fa": every number of
    its text in Persian digits but phone numbers, e-mail addresses and ids; the Korean
    notice (Latin digits in CLDR) keeps its digits."""
    from docgen.i18n.scripts import _KEPT_DIGITS

    text = plain_text(test_notices["fa"])
    persian = re.findall("[\u06f0-\u06f9]+", text)
    assert {"۲۰۲۶-۲۰۲۷", "۱۴:۴۵", "۱۸:۰۰", "۲۸"} <= set(re.findall(
        "[\u06f0-\u06f9][\u06f0-\u06f9:\\-]*[\u06f0-\u06f9]|[\u06f0-\u06f9]+",
        text.replace("\u2011", "-"))), text
    assert len(persian) > 10
    for line in text.splitlines():
        if line.startswith(("[header]", "[footer]")):
            continue
        line = re.sub(r"^\[[^\]]*\] ", "", line)  # plain_text's style label
        if re.search("[\u0600-\u06ff]", line):
            left = [m.group(0) for m in _KEPT_DIGITS.finditer(line)
                    if re.search("[0-9]", m.group(0)) and not re.search(
                        r"[A-Za-z@]|\d{3}[-\u2011 ]\d{4}", m.group(0))]
            assert not left, (line, left)
    assert "۲۰۲۶-۲۰۲۷" in text.split("[header]")[-1]  # the page header's school year
    assert "14:45" in plain_text(test_notices["ko"]) or "2:45" in plain_text(test_notices["ko"])
