"""No English inside a translated letter (issue 12 §1): the spec's own text from a
per-partnership catalog, the schema's words from docgen's, whole fee phrases, grade ranges, and
no doubled period after a date or time that ends with one."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, examples
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docgen.formatting import Formatter
from docgen.i18n.spectext import spec_strings
from docgen.i18n.translate import translator
from docgen.spec.schema import load_spec
from docxtext import plain_text

LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"
TRANSLATED = ("es", "vi", "ar", "zh-Hans")
ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def notices(spec: Path, tmp_path: Path, **options) -> dict[str, str]:
    documents = render_documents(load_spec(spec), BuildOptions(tmp_path, **options))
    return {k.locale: plain_text(data).translate(ISOLATES) for k, _, data in documents
            if k.kind == "notice"}


def copy_spec(tmp_path: Path, spec: Path = LINCOLN, name: str = "spec") -> Path:
    """A copy of ``spec`` with its catalogs, as a coordinator would keep them."""
    target = tmp_path / f"{name}.json"
    shutil.copy(spec, target)
    shutil.copytree(spec.with_suffix(".locales"), tmp_path / f"{name}.locales")
    (tmp_path / f"{name}.locales" / f"{spec.stem}.pot").unlink()
    return target


def po_edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the .po file; return the line ``old`` started on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_no_translated_notice_of_a_sample_holds_english_spec_text(sample: Path,
                                                                   tmp_path: Path) -> None:
    data = json.loads(sample.read_text(encoding="utf-8"))
    strings = spec_strings(data)
    assert strings
    texts = notices(sample, tmp_path)
    # the English notice shows the spec's text as written: what the catalogs must cover
    shown = [s for s in strings if s.text.rstrip(".") in texts["en"]]
    assert {s.pointer for s in shown} >= {f"/services/{i}/name"
                                          for i in range(len(data["services"]))}
    for tag in TRANSLATED:
        for item in strings:
            assert item.text.rstrip(".") not in texts[tag], (tag, item.pointer)
        # nor the schema's words: weekdays, grade codes, adults, fee periods
        for word in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "PK", "K",
                     "adult", "per", "session", "week"):
            assert not re.search(rf"\b{word}\b", texts[tag]), (tag, word)


@pytest.mark.own_spec_catalogs
def test_extract_spec_writes_each_string_with_its_path_field_and_place(tmp_path: Path) -> None:
    out = tmp_path / "jefferson.pot"
    result = invoke("i18n", "extract", "--spec", str(JEFFERSON), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (4 strings of the spec's own text)\n"
    body = out.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert body == '''\
#. Name
#. The name families and staff use, e.g. 'After-school homework club'.
#: notice/how-much-does-it-cost notice/what-is-it notice/who-can-join
msgctxt "/services/0/name"
msgid "Story time and library cards"
msgstr ""

#. Description
#. What happens in the service, in plain words.
#: notice/what-is-it
msgctxt "/services/0/description"
msgid ""
"A children's librarian reads with each kindergarten and first-grade class "
"and signs up families for library cards."
msgstr ""

#. Location
#. Where the service takes place, e.g. 'Cafeteria and rooms 12 to 14'.
#: notice/what-is-it
msgctxt "/services/0/location"
msgid "School library"
msgstr ""

#. Description
#. Who may take part, e.g. 'Students in grades 3 to 5 and their families'.
#: notice/who-can-join
msgctxt "/services/0/population/description"
msgid "Kindergarten and first-grade classes"
msgstr ""
'''
    header = out.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert header.startswith("# The text of the spec jefferson-es-library-2026-27 that its "
                             "family notices show, to translate.\n")


@pytest.mark.own_spec_catalogs
def test_a_data_element_is_referenced_where_the_letter_lists_it(tmp_path: Path) -> None:
    out = tmp_path / "lincoln.pot"
    assert invoke("i18n", "extract", "--spec", str(LINCOLN), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert ('#. Data element\n#. What the data is, e.g. \'Student name, grade and teacher\'.\n'
            in text or '/data_sharing/data_elements/0/name' in text)
    entry = text[text.index('msgctxt "/data_sharing/data_elements/1/purpose"') - 200:]
    assert ("#: notice/permission-to-share-school-records notice/your-childs-information\n"
            'msgctxt "/data_sharing/data_elements/1/purpose"\n'
            'msgid "to track chronic absence and reach out to families early"\n') in entry


@pytest.mark.own_spec_catalogs
def test_an_untranslated_spec_string_is_refused_with_its_catalog_and_path(tmp_path: Path) -> None:
    spec = copy_spec(tmp_path)
    es = tmp_path / "spec.locales/es.po"
    line = po_edit(es, 'msgstr "Programa Extracurricular Bright Futures"', 'msgstr ""') - 1
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{es}:{line}: /services/0/name: not translated: 'Bright Futures After-School Program'; "
        "translate it (in Poedit or Weblate), then build again",
        f"{spec}: the family notices were not built: 1 problem in their catalogs "
        "(untranslated, fuzzy or broken); fix the catalogs (docgen i18n check), or pass "
        "--allow-incomplete to build them marked as drafts"]
    assert not (tmp_path / "out").exists()
    check = invoke("i18n", "check", "--spec", str(spec), "es")
    assert check.exit_code == 1
    assert check.stdout == f"es: 20 of 21 strings translated ({es}); not reviewed by a person\n"


@pytest.mark.own_spec_catalogs
def test_a_spec_string_twice_in_its_catalog_is_refused_as_msgfmt_refuses_it(
        tmp_path: Path) -> None:
    # an obsolete (#~) copy of a string the catalog still has: gettext's msgfmt --check
    # rejects the file ("duplicate message definition"), so Weblate and Poedit would too
    spec = copy_spec(tmp_path)
    es = tmp_path / "spec.locales/es.po"
    text = es.read_text(encoding="utf-8")
    first = po_edit(es, 'msgctxt "/services/0/name"', 'msgctxt "/services/0/name"')
    line = text.count("\n") + 3  # the obsolete copy's msgid
    es.write_text(text + '\n#~ msgctxt "/services/0/name"\n'
                  '#~ msgid "Bright Futures After-School Program"\n#~ msgstr "Programa"\n',
                  encoding="utf-8")
    message = (f"{es}:{line}: this obsolete message (#~) 'Bright Futures After-School "
               f"Program' is also in the catalog at line {first + 1}; gettext's msgfmt refuses "
               "a catalog with a message twice: delete the #~ lines of the obsolete one")
    check = invoke("i18n", "check", "--spec", str(spec), "es")
    assert check.exit_code == 1
    assert check.stderr.splitlines() == [message]
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message
    assert not (tmp_path / "out").exists()


@pytest.mark.own_spec_catalogs
def test_a_direction_control_in_a_spec_translation_is_refused(tmp_path: Path) -> None:
    # U+202E around a room number would print it backwards ("61 a 41")
    spec = copy_spec(tmp_path)
    es = tmp_path / "spec.locales/es.po"
    line = po_edit(es, 'msgstr "Cafetería, biblioteca y salones 14 a 16"',
                   'msgstr "Cafetería, biblioteca y salones \u202e14 a 16\u202c"')
    check = invoke("i18n", "check", "--spec", str(spec), "es")
    assert check.exit_code == 1
    assert check.stderr.splitlines() == [
        f"{es}:{line - 1}: /services/0/location: reordered: 'Cafeteria, library and rooms 14 to "
        "16'; the translation contains an invisible character that reorders the text around "
        "it (U+202A to U+202E, U+2066 to U+2069); delete it (in Poedit, retype the text "
        "around it)"]
    assert invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf").exit_code == 1


@pytest.mark.own_spec_catalogs
def test_allow_incomplete_builds_the_notice_as_a_draft_with_the_english_visible(
        tmp_path: Path) -> None:
    spec = copy_spec(tmp_path)
    po_edit(tmp_path / "spec.locales/es.po", 'msgstr "Programa Extracurricular Bright Futures"',
            'msgstr ""')
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--allow-incomplete")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out/lincoln-es-bright-futures-2026-27"
    assert result.stderr.splitlines()[0] == (
        f"{folder}/notices/notice-es.docx: DRAFT: 1 catalog problem (listed in manifest.json); "
        "the letter says so at the top")
    assert result.stderr.splitlines()[1:] == [
        "notice: not reviewed by a person: the es, vi, ar, zh-Hans translations (4 notices); "
        "have a translator check them before they go to families, and record the review in "
        "the catalog's X-Reviewed header (README: Recording a translator's review)"]
    text = plain_text(folder / "notices/notice-es.docx")
    assert "BORRADOR: partes de esta carta aún no están traducidas." in text
    assert "Bright Futures After-School Program: lunes" in text  # visibly untranslated
    assert "BORRADOR" not in plain_text(folder / "notices/notice-vi.docx")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    assert "/services/0/name: not translated" in entries["notices/notice-es.docx"][
        "incomplete_translation"][0]
    assert entries["notices/notice-es.docx"]["spec_catalog_sha256"]


@pytest.mark.own_spec_catalogs
def test_a_changed_spec_string_is_never_silently_translated(tmp_path: Path) -> None:
    spec = copy_spec(tmp_path)
    data = json.loads(spec.read_text(encoding="utf-8"))
    data["services"][1]["location"] = "Library and courtyard"
    spec.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    es = tmp_path / "spec.locales/es.po"
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    at = po_edit(es, 'msgctxt "/services/1/location"', 'msgctxt "/services/1/location"') + 1
    assert lines[0] == (
        f"{es}:{at}: /services/1/location: changed: 'Library and courtyard'; the spec's English changed "
        f"since it was translated; run `docgen i18n update --spec {spec}`, then review the "
        "translation")
    assert len(lines) == 5  # es, vi, ar, zh-Hans and the summary
    # update keeps the old translation for review, marked fuzzy with the old English
    assert invoke("i18n", "update", "--spec", str(spec)).exit_code == 0
    text = es.read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Library"\nmsgctxt "/services/1/location"\n'
            'msgid "Library and courtyard"\nmsgstr "Biblioteca"\n') in text
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert ": /services/1/location: fuzzy: 'Library and courtyard'; the spec's English changed " \
           "since it was translated: review the translation against the new text, then " \
           "remove the fuzzy flag" in result.stderr.splitlines()[0]
    # reviewed, it builds
    po_edit(es, '#, fuzzy\n#| msgid "Library"\n', "")
    po_edit(es, 'msgstr "Biblioteca"', 'msgstr "Biblioteca y patio"')
    for tag in ("vi", "ar", "zh-Hans"):
        po_edit(tmp_path / f"spec.locales/{tag}.po", '#, fuzzy\n#| msgid "Library"\n', "")
    assert invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf").exit_code == 0
    text = plain_text(tmp_path / "out/lincoln-es-bright-futures-2026-27/notices/notice-es.docx")
    assert "Lugar: Biblioteca y patio." in text


@pytest.mark.own_spec_catalogs
def test_a_spec_without_catalogs_says_how_to_start_them(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    shutil.copy(JEFFERSON, spec)
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/spec.locales/es.po: no catalog of the spec's text in es (4 strings to "
        f"translate); start it with `docgen i18n init es --spec {spec}`")
    assert invoke("i18n", "init", "es", "--spec", str(spec)).stdout == (
        f"wrote {tmp_path}/spec.locales/es.po; translate it, then run docgen i18n check "
        f"--spec {spec}\n")
    # --spec-locales: the catalogs kept in another folder
    other = tmp_path / "translations"
    shutil.copytree(JEFFERSON.with_suffix(".locales"), other / "spec.locales")
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--spec-locales", str(other))
    assert result.exit_code == 0, result.output


def test_english_notices_need_no_spec_catalog(tmp_path: Path) -> None:
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    data["family_notices"]["languages"] = ["en"]
    spec = tmp_path / "en-only.json"
    spec.write_text(json.dumps(data), encoding="utf-8")
    assert invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf").exit_code == 0


#: the grades of Lincoln's family nights (PK, K, 1 … 5 and adults), a range in each language
GRADES = {"en": "any Lincoln family (grades PK to 5). Adults can join too.",
          "es": "cualquier familia de Lincoln (grados prekínder a 5). Los adultos también pueden "
                "participar.",
          "vi": "bất kỳ gia đình nào của trường Lincoln (lớp tiền mẫu giáo đến 5). Người lớn cũng "
                "có thể tham gia.",
          "ar": "(الصفوف \u2068من \u2068ما قبل الروضة\u2069 إلى \u20685\u2069\u2069). ويمكن للبالغين "
                "المشاركة أيضًا.",
          "zh-Hans": "Lincoln的任何家庭（学前班至5年级）。成人也可以参加。"}  # no space after 。


def test_a_run_of_grades_is_a_range_in_every_language(tmp_path: Path) -> None:
    texts = notices(LINCOLN, tmp_path)
    def bare(text: str) -> str:  # without the isolates that keep right-to-left text in order
        return re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).replace("\u00a0", " ")

    for tag, line in GRADES.items():
        assert bare(line) in bare(texts[tag]), tag
    assert "2, 3, 4" not in "".join(texts.values())


FEES = {"en": "Bright Futures After-School Program: $25 per week.",
        "es": "Programa Extracurricular Bright Futures: $25 por semana.",  # a US district
        "vi": "Chương trình Sau giờ học Bright Futures: 25 US$ mỗi tuần.",
        "ar": "برنامج Bright Futures لما بعد المدرسة: 25 US$ في الأسبوع.",
        "zh-Hans": "Bright Futures 课后项目：每周US$25。"}


def test_a_fee_is_a_whole_phrase_for_its_period_in_every_language(tmp_path: Path) -> None:
    data = json.loads(LINCOLN.read_text(encoding="utf-8"))
    data["services"][0]["cost_to_families"] = {"amount": 25, "per": "week"}
    spec = tmp_path / "fee.json"
    spec.write_text(json.dumps(data), encoding="utf-8")
    shutil.copytree(LINCOLN.with_suffix(".locales"), tmp_path / "fee.locales")
    texts = notices(spec, tmp_path / "out")
    for tag, line in FEES.items():
        shown = re.sub(r"\s", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "",
                                           texts[tag]))
        assert line in shown, tag
        assert "per {period}" not in shown


#: locales whose CLDR dates or times end with a period: "28 авг. 2026 г.", "2:45 p.m.", "26. 8. 28."
PERIOD_LOCALES = ("ru", "bg", "es-US", "ko", "en-US", "es", "vi", "ar", "zh-Hans")


@settings(max_examples=examples(60), deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
       moment=st.times(), value_locale=st.sampled_from(PERIOD_LOCALES),
       tag=st.sampled_from(("en", "es", "vi", "ar", "zh-Hans")))
def test_a_date_or_time_ending_in_a_period_ends_the_sentence_once(
        day: dt.date, moment: dt.time, value_locale: str, tag: str) -> None:
    fmt = Formatter(value_locale, "USD")
    date, time = fmt.date(day.isoformat()), fmt.time(moment.strftime("%H:%M"))
    short = day.strftime(f"{int(day.strftime('%y'))}. {day.month}. {day.day}.")
    tr = translator(tag)
    for text in (
            tr.gettext("Fill out the sign-up form by {date}. You can get the form at the "
                       "school office.", date=date),
            tr.gettext("The program runs from {first} to {last}.", first=date, last=short),
            tr.gettext("{program}: {days}, {start} to {end}. Place: {place}.", program="P",
                       days="D", start=time, end=time + ("" if time.endswith(".") else " p.m."),
                       place="Room 5, Bldg."),
    ):
        plain = text.translate(ISOLATES)
        assert not re.search(r"(?<!\.)[.。]\s*[.。](?!\.)", plain), plain


def test_a_russian_date_ends_a_sentence_with_one_period() -> None:
    date = Formatter("ru", "USD").date("2026-08-28")
    assert date.endswith("г.")
    text = translator("en").gettext("The program runs from {first} to {last}.", first=date,
                                    last=date)
    assert text == f"The program runs from {date} to {date}"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_each_reference_names_a_section_of_the_english_letter(sample: Path,
                                                              tmp_path: Path) -> None:
    text = notices(sample, tmp_path)["en"]
    headings = {re.sub(r"[^a-z0-9]+", "-", line.split("] ", 1)[1].lower().replace("'", ""))
                .strip("-") for line in text.splitlines() if line.startswith("[heading")}
    for item in spec_strings(json.loads(sample.read_text(encoding="utf-8"))):
        assert set(item.where) <= headings, (item.pointer, item.where, headings)


#: Spec text a notice shows as written in every language: names (of organisations such as an
#: IRB too), addresses, e-mails, phones, identifiers.
NAMES = re.compile(r"^/(parties/[^/]+/(legal_name|short_name|address/.*|website)"
                   r"|(contacts|signatures)/\d+/(name|email|phone|title)|id|school_year"
                   r"|data_sharing/irb/(board|approval_id))$")


def _leaves(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}/{i}")
    elif isinstance(value, str):
        yield path, value


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_spec_text_the_english_letter_shows_is_in_the_catalog(sample: Path,
                                                                     tmp_path: Path) -> None:
    data = json.loads(sample.read_text(encoding="utf-8"))
    english = notices(sample, tmp_path)["en"]
    strings = spec_strings(data)
    catalog = {s.pointer for s in strings}
    for pointer, text in _leaves(data):
        if NAMES.match(pointer) or len(text.split()) < 2:
            continue  # a name, or a single word (an enum value, a code)
        if any(text in s.text for s in strings):
            continue  # part of a string the catalog has
        if re.search(rf"(?<!\w){re.escape(text.rstrip('.'))}(?!\w)", english):
            assert pointer in catalog, f"{pointer} ({text!r}) reaches the letter untranslated"


@pytest.mark.own_spec_catalogs
def test_renew_carries_the_translations_over_and_rolls_their_school_year(tmp_path: Path) -> None:
    new = tmp_path / "next.json"
    result = CliRunner().invoke(cli, ["renew", str(LINCOLN), "--school-year", "2027-2028",
                                      "--review-date", "2027-05-14", "-o", str(new)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    es = (tmp_path / "next.locales" / "es.po").read_text(encoding="utf-8")
    # the scope named last year's school year, in English and in Spanish: both roll
    assert "para el año \"\n\"escolar 2027-2028\"" in es or "escolar 2027-2028" in es
    assert "2026-2027" not in es.split("msgctxt", 1)[1]
    check = CliRunner().invoke(cli, ["i18n", "check", "--spec", str(new)])
    assert check.exit_code == 0, check.output
    assert "es: 21 of 21 strings translated" in check.stdout


def test_grades_a_translated_description_already_names_are_not_repeated(tmp_path: Path) -> None:
    # "Students in grades 2 to 5 whose families enroll them" names its grades: the English
    # adds none, and neither does any translation of it ("... (grados 2 a 5)" said them twice)
    texts = notices(LINCOLN, tmp_path)
    for tag, text in texts.items():
        section = text.split("[heading 1]")[2]  # Who can join?
        first = next(line for line in section.splitlines() if line.startswith("[List Bullet]"))
        assert "(" not in first and "（" not in first, (tag, first)
