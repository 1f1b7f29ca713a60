"""Family notices and the translator workflow (issue #4)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from conftest import ROOT
from docgen.i18n.catalogs import write_catalog
from docgen.i18n.extract import extract_catalog
from docgen.i18n.locales import available_locales, canonical
from docgen.resources import Resources
from docgen.build.run import BuildOptions, build, render_documents
from docgen.cli import cli
from docgen.spec.schema import load_spec
from docxtext import plain_text

LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
CATALOGS = ROOT / "locales"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    """A copy of the shipped catalogs, to break or extend; commands are given it with --dir."""
    copy = tmp_path / "locales"
    shutil.copytree(CATALOGS, copy)
    return copy


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def notices(tmp_path: Path, spec: Path = LINCOLN, **options) -> dict[str, bytes]:
    documents = render_documents(load_spec(spec), BuildOptions(tmp_path, **options))
    return {k.locale: data for k, _, data in documents if k.kind == "notice"}


def document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return zf.read("word/document.xml").decode()


def test_extract_finds_every_message_with_its_template_and_translator_comment() -> None:
    pot = extract_catalog([ROOT / "templates/notice.docx"], root=ROOT)
    title = pot.get("{partner} at {school}")
    assert title.locations == [("templates/notice.docx", None)]
    assert title.auto_comments == ["the title of the letter; {partner} is an organisation, "
                                   "{school} a school",
                                   "Where: the title of the letter, at the top of the first page"]
    assert "python-brace-format" in title.flags
    assert pot.get("{amount} per month", context="fee") is not None  # a whole phrase
    plural = pot.get(("{program}: {who} (grade {grades}).",
                      "{program}: {who} (grades {grades})."))
    assert plural is not None and plural.pluralizable
    assert len([m for m in pot if m.id]) == 81


def test_pybabel_extract_reads_docx_through_the_entry_point(tmp_path: Path) -> None:
    mapping = tmp_path / "babel.cfg"
    mapping.write_text("[docx: templates/notice.docx]\n")
    out = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    done = subprocess.run([str(pybabel), "extract", "-F", str(mapping), "-c", "TRANSLATORS:",
                           "-k", "lgettext:2", "-o", str(out), "."], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    catalog = read_po(out.open("rb"))
    assert catalog.get("What do you need to do?") is not None
    assert catalog.get("If you need this letter in {language}, call {phone}.") is not None


def test_the_shipped_catalogs_pass_the_check() -> None:
    result = invoke("i18n", "check")
    assert result.exit_code == 0, result.output
    # English is the source; every translation says nobody has reviewed it (X-Reviewed: no)
    assert result.stdout.splitlines() == [
        f"{tag}: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete"
        + ("" if tag == "en" else "; not reviewed by a person")
        for tag in ("ar", "bn", "en", "es", "fa", "ht", "ko", "ru", "so", "ur", "vi", "zh-Hans",
                    "zh-Hant")]


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_check_fails_on_a_dropped_placeholder_a_fuzzy_entry_and_an_english_copy(
        catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    _edit(es, 'msgstr "Escriba a {name}: {email}."', 'msgstr "Escriba a {name}."')
    _edit(es, '#, python-brace-format\nmsgid "{program}: {days}. Place: {place}."',
          '#, fuzzy, python-brace-format\nmsgid "{program}: {days}. Place: {place}."')
    _edit(es, 'msgstr "¿Cuánto cuesta?"', 'msgstr "How much does it cost?"')
    catalog = read_po(es.open("rb"))
    line = {m.id: m.lineno for m in catalog}
    place = "{program}: {days}. Place: {place}."
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stdout == ("es: 80 translated, 1 fuzzy, 0 untranslated, 0 obsolete; not "
                             "reviewed by a person\n")
    assert result.stderr.splitlines() == [
        f"{es}:{line['How much does it cost?']}: the translation is the English source "
        "unchanged: 'How much does it cost?'",
        f"{es}:{line['Write to {name}: {email}.']}: placeholders differ from the source: "
        "missing {email}",
        f"{es}:{line[place]}: fuzzy (review it, then remove the fuzzy flag): "
        "'{program}: {days}. Place: {place}.'",
    ]


def test_check_fails_on_a_wrong_plural_count(catalogs: Path) -> None:
    ar = catalogs / "ar/LC_MESSAGES/docgen.po"
    _edit(ar, "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 ",
          "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 ")
    text = ar.read_text(encoding="utf-8")
    text = re.sub(r'msgstr\[5\] "[^"]*"\n', "", text)
    ar.write_text(text, encoding="utf-8")
    result = invoke("i18n", "check", "ar", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert "not translated" in result.stderr or "plural forms" in result.stderr


def test_init_writes_the_right_arabic_plural_rule_babel_gets_wrong(tmp_path: Path) -> None:
    result = invoke("i18n", "init", "ar", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    header = (tmp_path / "ar/LC_MESSAGES/docgen.po").read_text(encoding="utf-8")
    flat = header.replace('"\n"', "")
    assert ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
            "n%100>=11 ? 4 : 5);") in flat
    again = invoke("i18n", "init", "ar", "--dir", str(tmp_path))
    assert again.exit_code == 1
    assert again.stderr.endswith("already exists; run docgen i18n update instead\n")


def test_update_keeps_the_previous_wording_and_marks_it_fuzzy(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    # as if the template had said "Questions" before it said "Questions?"
    _edit(es, 'msgid "Questions?"', 'msgid "Questions"')
    assert invoke("i18n", "update", "--dir", str(catalogs)).exit_code == 0
    text = es.read_text(encoding="utf-8")
    block = text[text.index('msgid "Questions?"') - 60:text.index('msgid "Questions?"') + 40]
    assert "#, fuzzy" in block and '#| msgid "Questions"' in block
    assert 'msgstr "¿Preguntas?"' in text[text.index('msgid "Questions?"'):][:60]


def test_update_writes_a_long_old_wording_as_msgmerge_does_and_keeps_it(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    long = ('"{school} and {partner} work together to offer a program for students. This "\n'
            '"letter tells you what it is, who can join, and what you need to do."')
    _edit(es, long, long.replace("for students.", "for children."))
    assert invoke("i18n", "update", "--dir", str(catalogs)).exit_code == 0
    once = es.read_text(encoding="utf-8")
    assert ('#, fuzzy, python-brace-format\n'
            '#| msgid ""\n'
            '#| "{school} and {partner} work together to offer a program for children. "\n'
            '#| "This letter tells you what it is, who can join, and what you need to do."\n'
            'msgid ""\n') in once
    # read back as the old wording, not as translator comments; a second update changes nothing
    assert "\n# |" not in once
    assert invoke("i18n", "update", "--dir", str(catalogs)).exit_code == 0
    assert es.read_text(encoding="utf-8") == once


def test_build_refuses_a_notice_from_a_broken_catalog(catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    line = _edit(es, '#, python-brace-format\nmsgid "{program}: {days}. Place: {place}."',
                 '#, fuzzy, python-brace-format\nmsgid "{program}: {days}. Place: {place}."')
    result = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{es}:{line + 1}: the translation of '{{program}}: {{days}}. Place: {{place}}.' is marked "
        "fuzzy (it may be out of date); review it and remove the fuzzy flag",
        f"{LINCOLN}: the family notices were not built: 1 problem in their catalogs "
        "(untranslated, fuzzy or broken); fix the catalogs (docgen i18n check), or pass "
        "--allow-incomplete to build them marked as drafts"]
    assert not (tmp_path / "out").exists()


def test_allow_incomplete_builds_it_marked_as_a_draft(catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    _edit(es, 'msgstr "¿Preguntas?"', 'msgstr ""')
    result = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path), "--no-pdf",
                    "--allow-incomplete")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "lincoln-es-bright-futures-2026-27"
    text = plain_text(folder / "notices/notice-es.docx")
    assert "BORRADOR: partes de esta carta aún no están traducidas." in text
    assert "Questions?" in text  # the untranslated message falls back to English, visibly
    assert "BORRADOR" not in plain_text(folder / "notices/notice-vi.docx")
    entries = {e["path"]: e for e in json.loads((folder / "manifest.json").read_text())["files"]}
    assert entries["notices/notice-es.docx"]["incomplete_translation"] == [
        f"{es}: no translation of 'Questions?'"] or "Questions?" in str(
        entries["notices/notice-es.docx"]["incomplete_translation"])
    assert "incomplete_translation" not in entries["notices/notice-vi.docx"]


def test_the_arabic_notice_is_right_to_left_with_isolated_values(tmp_path: Path) -> None:
    xml = document_xml(notices(tmp_path)["ar"])
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    arabic = [p for p in paragraphs if re.search("[\u0600-\u06ff]", p)]
    assert arabic and all("<w:bidi/>" in p for p in arabic)
    assert all("<w:rtl/>" in p for p in arabic)
    assert 'w:bidi="ar-EG"' in xml  # CLDR's likely region for Arabic
    assert re.search(r"<w:sectPr[^>]*>.*<w:bidi/>.*</w:sectPr>", xml, re.S)
    assert 'w:jc w:val="right"' not in xml
    # the phone number keeps its order, embedded left to right (LibreOffice 7.4 lays out the
    # isolates FSI … PDI badly: words split beside them, spaces lost)
    # (its Latin "ext." a run of its own: the runs' text is read joined)
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert "\u202a(510) 555-0190 ext. 12\u202c" in text
    assert not re.search("[\u2066-\u2069]", xml)
    # Arabic weekdays need no mark; a date and a time never break
    assert "الاثنين والثلاثاء" in xml and "28\u00a0أغسطس\u00a02026" in xml
    assert "6:00\u00a0م" in xml
    english = [p for p in paragraphs if "If you need this letter in English" in p]
    # tagged as the English notice is: a US partnership's English is en-US
    assert english and "<w:bidi/>" not in english[0] and 'w:val="en-US"' in english[0]


def test_the_chinese_notice_marks_east_asian_text(tmp_path: Path) -> None:
    xml = document_xml(notices(tmp_path)["zh-Hans"])
    assert 'w:eastAsia="zh-CN"' in xml and "<w:bidi/>" not in xml.split("其他语言")[0]
    assert "家长须知，2026-2027学年" in plain_text(notices(tmp_path)["zh-Hans"])


def test_dates_and_days_are_in_the_notices_language(tmp_path: Path) -> None:
    texts = {tag: plain_text(data) for tag, data in notices(tmp_path).items()}
    assert "antes del 28" not in texts["es"] and "28 de agosto de 2026" in texts["es"]
    assert "lunes, martes, miércoles, jueves y viernes" in texts["es"]
    assert "28 tháng 8, 2026" in texts["vi"]
    assert "2026年8月28日" in texts["zh-Hans"]


def syllables(word: str, dic) -> int:
    return max(1, len(dic.positions(word)) + 1)


def test_the_english_notice_reads_at_grade_8_or_below(tmp_path: Path) -> None:
    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    lines = [line for line in plain_text(notices(tmp_path)["en"]).splitlines()
             if len(line.split()) > 3 and "@" not in line]
    text = " ".join(lines)
    sentences = max(1, len(re.findall(r"[.!?](\s|$)", text)))
    words = re.findall(r"[A-Za-z']+", text)
    grade = (0.39 * len(words) / sentences
             + 11.8 * sum(syllables(w, dic) for w in words) / len(words) - 15.59)
    assert grade <= 8, f"Flesch-Kincaid grade {grade:.1f}"


def test_a_translator_adds_a_locale_end_to_end(catalogs: Path, tmp_path: Path) -> None:
    assert invoke("i18n", "init", "fr", "--dir", str(catalogs)).exit_code == 0
    fr = catalogs / "fr/LC_MESSAGES/docgen.po"
    catalog = read_po(fr.open("rb"), locale="fr")
    for message in catalog:
        if message.id:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            fake = [f"[fr] {text}" for text in ids]
            message.string = fake[0] if isinstance(message.id, str) else tuple(
                fake[min(i, len(fake) - 1)] for i in range(catalog.num_plurals))
    write_catalog(catalog, fr)
    assert invoke("i18n", "check", "fr", "--dir", str(catalogs)).exit_code == 0
    data = json.loads(LINCOLN.read_text())
    data["family_notices"]["languages"].append("fr")
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data))
    result = build([str(spec)], BuildOptions(
        tmp_path / "out", resources=Resources.shipped().using(locales=catalogs)))[0]
    assert result.error is None, result.error and result.error.lines()
    text = plain_text(tmp_path / "out" / data["id"] / "notices/notice-fr.docx")
    assert "[fr] What is it?" in text
    assert "[fr] If you need this letter in français, call" in text


def test_doctor_flags_a_language_with_no_font(monkeypatch) -> None:
    from docgen import doctor

    families, ranges = doctor._installed()
    arabic = tuple((a, b) for a, b in ranges if b < 0x600 or a > 0x6FF) + (
        (0x600, 0x5FF),)  # no font has the Arabic block
    monkeypatch.setattr(doctor, "_installed", lambda: (
        families - {"Noto Naskh Arabic"}, tuple(r for r in arabic if r[0] <= r[1])))
    monkeypatch.setattr(doctor, "find_converter",
                        lambda: (_ for _ in ()).throw(doctor.ConverterError("no soffice")))
    result = invoke("doctor", str(LINCOLN))
    assert result.exit_code == 1
    assert ("MISSING  ar (Arab) font: Noto Naskh Arabic is not installed, and the ar notices "
            "are set in it; apt-get install fonts-noto-core") in result.stdout.splitlines()


def test_a_regional_catalog_serves_its_region_and_tags_are_normalised(catalogs: Path,
                                                                       tmp_path: Path) -> None:
    assert invoke("i18n", "init", "pt-br", "--dir", str(catalogs)).exit_code == 0
    assert (catalogs / "pt_BR/LC_MESSAGES/docgen.po").exists()
    assert "pt-BR" in available_locales(catalogs)
    assert canonical("pt-BR", catalogs) == "pt-BR" and canonical("es-MX", catalogs) == "es"
    assert canonical("ZH-hans", catalogs) == "zh-Hans" and canonical("zh-CN", catalogs) == "zh-Hans"
    data = json.loads(LINCOLN.read_text())
    data["family_notices"]["languages"] = ["en", "ZH-hans"]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data))
    result = build([str(spec)], BuildOptions(
        tmp_path / "out", resources=Resources.shipped().using(locales=catalogs)))[0]
    assert result.error is None
    assert (tmp_path / "out" / data["id"] / "notices/notice-zh-Hans.docx").exists()


def test_check_catches_what_would_break_the_letter(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    _edit(es, 'msgstr "{partner} en {school}"', 'msgstr "{partner} en {school:.3}"')
    _edit(es, "plural=(n != 1);", "plural=0;")
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert ("the Plural-Forms header cannot be used: the formula never chooses form 1 of its "
            "2, so those translations would never be used; set it to 'nplurals=2; "
            "plural=(n != 1);' (the rule for Spanish") in result.stderr
    assert "placeholders differ from the source: missing {school}; unknown {{school:.3}}" in (
        result.stderr)


def test_check_reports_messages_missing_from_an_empty_catalog(catalogs: Path) -> None:
    vi = catalogs / "vi/LC_MESSAGES/docgen.po"
    text = vi.read_text(encoding="utf-8")
    vi.write_text(text[:text.index("#.")], encoding="utf-8")  # the header only
    result = invoke("i18n", "check", "vi", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stdout == ("vi: 0 translated, 0 fuzzy, 81 untranslated, 0 obsolete; not "
                             "reviewed by a person\n")
    assert f"{vi}: not in the catalog: '{{partner}} at {{school}}'; run `docgen i18n update`" in (
        result.stderr.splitlines())


def test_a_catalog_that_is_not_utf8_is_refused(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    es.write_bytes(es.read_bytes().replace(b"charset=utf-8", b"charset=latin1"))
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert "declares charset=latin1; docgen catalogs are UTF-8" in result.stderr


def test_a_broken_placeholder_falls_back_to_english_in_a_draft(catalogs: Path,
                                                             tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    _edit(es, 'msgstr "{partner} en {school}"', 'msgstr "{partner en {school}"')
    result = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path), "--no-pdf", "--allow-incomplete")
    assert result.exit_code == 0, result.output
    text = plain_text(tmp_path / "lincoln-es-bright-futures-2026-27/notices/notice-es.docx")
    assert "BORRADOR" in text and "Bright Futures at Lincoln Elementary" in text


def test_a_translation_cannot_reach_into_python(catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    _edit(es, 'msgstr "{partner} en {school}"', 'msgstr "{partner} en {school.__class__}"')
    invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path), "--no-pdf", "--allow-incomplete")
    text = plain_text(tmp_path / "lincoln-es-bright-futures-2026-27/notices/notice-es.docx")
    assert "class" not in text and "str" not in text.split("\n")[1]
