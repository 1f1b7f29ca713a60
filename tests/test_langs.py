"""The languages docgen ships (issue #12, section 4): every catalog complete, with the
placeholders and plural forms of its source; each catalog's X-Reviewed header, as
``i18n check``, ``init`` and ``update`` treat it; what build, validate and the manifest say of
unreviewed translations; doctor's fonts for the new scripts; and a notice in each new language
with no English left in it.

The new languages' catalogs of the four samples' own text are in tests/data/langs/ (the samples
keep their five languages); they were written with ``docgen i18n init --spec`` and filled by
/work/scripts/n-langs/fill_spec_catalogs.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from conftest import ROOT
from docgen.cli import cli
from docgen.i18n.catalogs import message_strings
from docgen.i18n.catalogs import _header_field
from docgen.i18n.check import check_catalog
from docgen.i18n.locales import available_locales, catalog_path
from docgen.i18n.plurals import expected_rule, parse_plural_forms
from docgen.i18n.review import parse_review, read_review
from docgen.i18n.spectext import spec_strings
from docgen.i18n.translate import optional_placeholders, placeholders
from docxtext import plain_text

CATALOGS = ROOT / "locales"
LANGS = ROOT / "tests/data/langs"
#: the languages shipped after the first five, for the languages US districts send most
NEW = ("zh-Hant", "ht", "ko", "ru", "so", "bn", "ur", "fa")
#: the samples whose own text tests/data/langs translates into every new language
SAMPLES = ("lincoln-elementary-bright-futures", "jefferson-elementary-public-library",
           "roosevelt-high-state-university-study", "chavez-middle-la-clinica-health")
#: scripts that are not Latin: a Latin word in their notices is a name or English left over
NOT_LATIN = ("zh-Hant", "ko", "ru", "bn", "ur", "fa")
UNREVIEWED_TAIL = ("have a translator check them before they go to families, and record the "
                   "review in the catalog's X-Reviewed header (README: Recording a translator's "
                   "review)")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def template_messages() -> list:
    return [m for m in read_po((CATALOGS / "docgen.pot").open("rb")) if m.id]


# --- the shipped catalogs ------------------------------------------------------------------


def test_the_languages_us_districts_send_most_are_shipped() -> None:
    assert set(NEW) <= set(available_locales(CATALOGS))


@pytest.mark.parametrize("tag", available_locales(CATALOGS))
def test_every_shipped_catalog_is_complete_with_its_sources_placeholders(tag: str) -> None:
    path = catalog_path(tag, CATALOGS)
    report = check_catalog(tag, path)
    assert report.problems == [] and report.gaps() == []
    assert (report.translated, report.fuzzy, report.untranslated, report.obsolete) == (
        len(template_messages()), 0, 0, 0)
    catalog = read_po(path.open("rb"))
    rule = expected_rule(tag)
    assert rule is not None, f"docgen/i18n/plural-forms.txt has no rule for {tag}"
    # the header's rule has as many forms as the language needs (Babel's/CLDR's count)
    header = parse_plural_forms(catalog.plural_forms)
    assert header.count == rule.count
    for message in catalog:
        if not message.id:
            continue
        ids, strs = message_strings(message.id), message_strings(message.string)
        assert not message.fuzzy, message.id
        assert all(s.strip() for s in strs), message.id
        if message.pluralizable:
            assert len(strs) == rule.count, message.id
        wanted = set(placeholders(ids[0])) | set(placeholders(ids[-1]))
        for text in strs:
            # a tagline may say its language in its own words (OPTIONAL_PLACEHOLDERS)
            assert wanted - optional_placeholders(ids[0]) <= set(placeholders(text)) <= wanted, (
                message.id, text)
            assert "{{" not in text and "}}" not in text, text
        if tag != "en" and message.context != "grade":
            # a translation, not the English copied (a placeholder alone may stay as it is)
            assert strs[0] != ids[0] or not re.search(r"[A-Za-z]{3}", re.sub(r"\{\w+\}", "",
                                                                             ids[0]))


@pytest.mark.parametrize("tag", NEW)
def test_the_schema_words_are_the_languages_own(tag: str) -> None:
    catalog = read_po(catalog_path(tag, CATALOGS).open("rb"))
    english = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    days = [catalog.get(d, context="weekday").string for d in english]
    assert len(set(days)) == 7 and not set(days) & english
    for context, msgid in [("grade", "PK"), ("grade", "K"), ("grades", "{first} to {last}"),
                           ("fee", "{amount} per week"), ("fee", "{amount} per term")]:
        text = catalog.get(msgid, context=context).string
        assert text and text != msgid
        assert " per " not in text and " to " not in text


def test_every_translated_catalog_says_whether_a_person_reviewed_it() -> None:
    files = [catalog_path(t, CATALOGS) for t in available_locales(CATALOGS) if t != "en"]
    files += sorted((ROOT / "samples").glob("*.locales/*.po"))
    files += sorted(LANGS.glob("*.locales/*.po"))
    assert len(files) == 12 + 16 + 32
    for path in files:
        value = re.search(r'^"X-Reviewed: ([^"]*)\\n"$', path.read_text(encoding="utf-8"), re.M)
        assert value, f"{path}: no X-Reviewed header"
        # nobody has reviewed the shipped translations, and none claims it
        assert parse_review(value.group(1)).reviewed is False, path
    assert "X-Reviewed" not in catalog_path("en", CATALOGS).read_text(encoding="utf-8")


# --- a tagline in a language with cases ----------------------------------------------------

#: The four "Other languages" lines: each is written in the language it names.
TAGLINES = ("If you need this letter in {language}, call {phone}. We will find an interpreter "
            "for you, at no cost.",
            "If you need this letter in {language}, write to {email}. We will find an "
            "interpreter for you, at no cost.",
            "If you need this letter in {language}, call {phone}.",
            "If you need this letter in {language}, write to {email}.")


def test_the_template_tells_translators_a_tagline_may_leave_its_language_out() -> None:
    by_id = {m.id: m for m in template_messages()}
    for msgid in TAGLINES:
        message = by_id[msgid]
        assert "you may leave {language} out" in " ".join(message.auto_comments), msgid
        # gettext's own checks (msgfmt -c, Poedit, Weblate) would refuse the shorter line
        assert "no-python-brace-format" in message.flags, msgid
    pot = (CATALOGS / "docgen.pot").read_text(encoding="utf-8")
    assert pot.count("#, no-python-brace-format\n") == 4
    assert "no-python-brace-format, python-brace-format" not in pot
    # every other message with a placeholder keeps gettext's check
    others = [m for m in template_messages() if m.id not in TAGLINES and placeholders(
        message_strings(m.id)[0])]
    assert others and all("python-brace-format" in m.flags
                          and "no-python-brace-format" not in m.flags for m in others)


def test_check_and_msgfmt_accept_the_russian_taglines_in_their_own_words() -> None:
    catalog = read_po(catalog_path("ru", CATALOGS).open("rb"))
    for msgid in TAGLINES:
        text = catalog.get(msgid).string
        assert "на русском языке" in text and "{language}" not in text, text
    result = invoke("i18n", "check", "ru")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    if shutil.which("msgfmt"):
        run = subprocess.run(["msgfmt", "--check", "-o", os.devnull,
                              str(catalog_path("ru", CATALOGS))], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


def test_check_still_refuses_a_missing_placeholder_other_than_a_taglines_language(
        catalogs: Path) -> None:
    ru = catalogs / "ru/LC_MESSAGES/docgen.po"
    text = ru.read_text(encoding="utf-8")
    # the tagline's number, and the contact's name elsewhere, are still required
    text = text.replace("позвоните по номеру {phone}.\"\n\n", "позвоните нам.\"\n\n", 1)
    assert text.count("{name}") >= 2
    spoken = 'msgid "{name} speaks your language."\nmsgstr "'
    start = text.index(spoken) + len(spoken)
    end = text.index('"', start)
    assert "{name}" in text[start:end]
    text = text[:start] + text[start:end].replace("{name}", "Наш сотрудник") + text[end:]
    ru.write_text(text, encoding="utf-8")
    line = {m.id: m.lineno for m in read_po(ru.open("rb"))}
    result = invoke("i18n", "check", "ru", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ru}:{line['{name} speaks your language.']}: placeholders differ from the source: "
        "missing {name}",
        f"{ru}:{line[TAGLINES[2]]}: placeholders differ from the source: missing {{phone}}",
    ]


def test_a_russian_notice_names_its_language_in_the_case_the_sentence_needs(
        tmp_path: Path) -> None:
    stem = "lincoln-elementary-bright-futures"
    spec = spec_copy(tmp_path / "specs", stem, ["en", "ru"])
    out = tmp_path / "out"
    result = invoke("build", str(spec), "-o", str(out), "--no-pdf", "--spec-locales",
                    str(LANGS))
    assert result.exit_code == 0, result.output
    sentence = ("Если вам нужно это письмо на русском языке, позвоните по номеру "
                "(510) 555-0142. Мы бесплатно найдём для вас переводчика.")
    for tag in ("ru", "en"):
        lines = plain_text(out / f"lincoln-es-bright-futures-2026-27/notices/notice-{tag}.docx"
                           ).splitlines()
        assert sentence in lines, tag
        assert not [line for line in lines if "«русский»" in line or "на русский" in line]


@pytest.mark.parametrize("tag, words", [
    ("vi", "Nếu quý vị cần thư này bằng tiếng Việt, hãy gọi số ("),
    ("zh-Hans", "如需本信的简体中文版本，请致电("),
    ("zh-Hant", "如需本信的繁體中文版本，請致電("),
    ("so", "Haddii aad warqaddan ku rabto af-Soomaali, wac ("),
])
def test_each_language_line_names_its_language_as_running_text_does(
        tmp_path: Path, tag: str, words: str) -> None:
    """A language's own name is not what its sentences say: Vietnamese writes "tiếng Việt"
    in running text, not the title "Tiếng Việt"; Chinese "简体中文版本", not
    "中文 (简体)版本"; Somali "af-Soomaali". The line may leave {language} out for that."""
    stem = "lincoln-elementary-bright-futures"
    spec = spec_copy(tmp_path / "specs", stem, ["en", tag])
    out = tmp_path / "out"
    result = invoke("build", str(spec), "-o", str(out), "--no-pdf", "--spec-locales",
                    str(LANGS), "--allow-incomplete")
    assert result.exit_code == 0, result.output
    text = plain_text(out / f"lincoln-es-bright-futures-2026-27/notices/notice-{tag}.docx")
    assert words in text  # (then the phone number of whoever speaks it)


def _header(path: Path) -> tuple[list[str], dict[str, str]]:
    """Return the header comment lines of the catalog at ``path`` and its header fields."""
    text = path.read_text(encoding="utf-8")
    head = text[:text.index('msgid ""')].splitlines()
    comment = [line for line in head if line.startswith("#") and not line.startswith("#,")]
    fields = {}
    for name in ("Last-Translator", "Language-Team", "X-Reviewed"):
        value, _ = _header_field(text, name)
        fields[name] = value
    return comment, fields


DRAFT = "docgen draft, not reviewed by a translator"


def test_every_unreviewed_shipped_catalog_says_it_is_a_docgen_draft_and_names_no_one() -> None:
    files = [catalog_path(t, CATALOGS) for t in available_locales(CATALOGS) if t != "en"]
    files += sorted((ROOT / "samples").glob("*.locales/*.po"))
    files += sorted(LANGS.glob("*.locales/*.po"))
    assert len(files) == 12 + 16 + 32
    for path in files:
        review, problem = read_review(path)
        assert problem is None and review.recorded and not review.reviewed, path
        comment, fields = _header(path)
        assert fields == {"Last-Translator": f"none ({DRAFT})",
                          "Language-Team": f"none ({DRAFT})",
                          "X-Reviewed": f"no; note={DRAFT}"}, path
        assert any(line.startswith(f"# {DRAFT}:") for line in comment), path
        # no translator, team or address is claimed anywhere in the header
        header = "\n".join(comment) + "\n".join(fields.values())
        assert "@" not in header and "translators" not in header.lower(), path
    # the English catalog is the source copied: it claims no translator either
    comment, fields = _header(catalog_path("en", CATALOGS))
    assert fields["Last-Translator"] == fields["Language-Team"] == (
        "none (the English source, copied by docgen)")
    assert fields["X-Reviewed"] is None


# --- each language by CLDR's English name ----------------------------------------------------


def _english_name(tag: str) -> str:
    from babel import Locale

    return str(Locale.parse(tag, sep="-").get_display_name("en"))


def test_the_readme_names_each_shipped_language_as_cldr_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|`]+?) \| `([\w-]+)` \| ", readme, re.M)
    assert {tag for _, tag in rows} == set(available_locales(CATALOGS))
    for name, tag in rows:
        assert name == _english_name(tag), tag


def _messages_of(path: Path) -> list[str]:
    """Return the string constants of the Python file ``path`` that are not docstrings: what
    docgen may say to a user."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings]


def test_bangla_is_called_by_its_cldr_name_wherever_a_user_reads_it(tmp_path: Path) -> None:
    assert _english_name("bn") == "Bangla"
    # the font's own family and file names keep "Bengali": they are the font's
    def stray(text: str) -> bool:
        return "Bengali" in re.sub(r"Noto ?(Sans|Serif) ?Bengali", "", text)

    read = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").rglob("*.md")),
            *sorted(CATALOGS.rglob("*.po")), CATALOGS / "docgen.pot",
            *sorted((ROOT / "samples").rglob("*.po")), *sorted(LANGS.rglob("*.po"))]
    assert [p for p in read if stray(p.read_text(encoding="utf-8"))] == []
    said = [p for p in sorted((ROOT / "docgen").rglob("*.py"))
            if any(stray(text) for text in _messages_of(p))]
    assert said == []
    # what validate says of a Bangla notice no contact speaks, and the catalog's own header
    spec = spec_copy(tmp_path / "specs", "lincoln-elementary-bright-futures", ["en", "bn"])
    result = invoke("validate", str(spec))
    assert "no contact speaks Bangla (bn), so the Bangla notice" in result.output
    assert catalog_path("bn", CATALOGS).read_text(encoding="utf-8").startswith(
        "# Bangla translations for docgen.")


# --- X-Reviewed in i18n check, init and update -----------------------------------------------


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(CATALOGS, copy)
    return copy


def set_review(path: Path, value: str) -> int:
    """Write ``value`` as the catalog's X-Reviewed header; return the header's line."""
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r'^"X-Reviewed: [^"]*\\n"$', lambda _: f'"X-Reviewed: {value}\\n"', text,
                     count=1, flags=re.M)
    assert n == 1
    path.write_text(new, encoding="utf-8")
    return new[:new.index('"X-Reviewed:')].count("\n") + 1


def clear_draft(path: Path, translator: str) -> None:
    """Do what README tells a reviewer: delete the draft comment, name the translator."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if not (line.startswith("#") and (
        DRAFT in line or line.startswith(("# Have a translator", "# X-Reviewed header"))))]
    text = "\n".join(lines).replace(f"none ({DRAFT})", translator)
    path.write_text(text, encoding="utf-8")


def test_check_shows_a_recorded_review(catalogs: Path) -> None:
    set_review(catalogs / "ko/LC_MESSAGES/docgen.po",
               "yes; by=Ana Ruiz (Language Access Office); date=2026-11-30")
    clear_draft(catalogs / "ko/LC_MESSAGES/docgen.po", "Ana Ruiz <ana.ruiz@example.org>")
    result = invoke("i18n", "check", "ko", "ru", "en", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ko: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete; reviewed by Ana Ruiz "
        "(Language Access Office) on 2026-11-30",
        "ru: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete; not reviewed by a person",
        "en: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete"]
    assert result.stderr == ""


def test_check_warns_when_a_recorded_review_leaves_the_draft_lines_in_the_header(
        catalogs: Path) -> None:
    ko = catalogs / "ko/LC_MESSAGES/docgen.po"
    set_review(ko, "yes; by=Ana Ruiz; date=2026-11-30")
    lines = ko.read_text(encoding="utf-8").splitlines()
    stale = [i for i, line in enumerate(lines, 1) if DRAFT in line]
    assert len(stale) == 3  # the comment's first line, Last-Translator, Language-Team
    result = invoke("i18n", "check", "ko", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output  # a warning: the review is recorded
    assert result.stderr.splitlines() == [
        f"{ko}:{line}: warning: X-Reviewed records a review, but this header line still says "
        f"'{DRAFT}'; delete the draft lines above the header and write the translator in "
        "Last-Translator (Poedit does when it saves)" for line in stale]
    # a draft that says it is not reviewed is not warned of
    assert invoke("i18n", "check", "ru", "--dir", str(catalogs)).stderr == ""


FORMS = "'X-Reviewed: no' or 'X-Reviewed: yes; by=NAME; date=YYYY-MM-DD'"


@pytest.mark.parametrize("value, message", [
    ("yes", "'yes' needs who reviewed it and when: write it as 'yes; by=NAME; date=YYYY-MM-DD'"),
    ("yes; by=Ana Ruiz", "'yes; by=Ana Ruiz' needs when: write it as 'yes; by=NAME; "
                         "date=YYYY-MM-DD'"),
    ("yes; date=2026-11-30", "'yes; date=2026-11-30' needs who reviewed it: write it as 'yes; "
                             "by=NAME; date=YYYY-MM-DD'"),
    ("reviewed", f"'reviewed' is neither 'yes' nor 'no': write it as {FORMS}"),
    ("yes; by=Ana; date=30/11/2026", "date='30/11/2026' is not a day written YYYY-MM-DD "
                                     "(2026-11-30)"),
    ("yes; by=Ana; date=2026-02-30", "date='2026-02-30' is not a day written YYYY-MM-DD "
                                     "(2026-11-30)"),
    ("yes; by=Ana; on=2026-11-30", f"'on=2026-11-30' is not 'by=NAME' or 'date=YYYY-MM-DD': "
                                   f"write it as {FORMS}"),
    ("no; by=Ana", f"'no' takes nothing after it (by= and date= belong to 'yes'): write it as "
                   f"{FORMS}"),
])
def test_check_names_a_malformed_review_with_its_file_and_line(catalogs: Path, value: str,
                                                               message: str) -> None:
    ko = catalogs / "ko/LC_MESSAGES/docgen.po"
    line = set_review(ko, value)
    result = invoke("i18n", "check", "ko", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stdout == ("ko: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete; not "
                             "reviewed by a person\n")
    assert result.stderr == (f"{ko}:{line}: X-Reviewed: {message}; until then docgen counts "
                             "this translation as not reviewed\n")


def test_a_review_dated_after_today_is_refused(catalogs: Path) -> None:
    ko = catalogs / "ko/LC_MESSAGES/docgen.po"
    line = set_review(ko, "yes; by=Ana Ruiz; date=2999-01-01")
    result = invoke("i18n", "check", "ko", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr == (f"{ko}:{line}: X-Reviewed: date=2999-01-01 is after today "
                             f"({dt.date.today().isoformat()}); write the day the translator "
                             "reviewed the catalog; until then docgen counts this translation "
                             "as not reviewed\n")


def test_a_malformed_review_does_not_stop_a_notice_from_building(catalogs: Path,
                                                                 tmp_path: Path) -> None:
    set_review(catalogs / "es/LC_MESSAGES/docgen.po", "yes")
    result = invoke("build", str(ROOT / "samples/lincoln-elementary-bright-futures.json"),
                    "-o", str(tmp_path / "out"), "--no-pdf", "--locales", str(catalogs))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith(
        "notice: not reviewed by a person: the es, vi, ar, zh-Hans translations (4 notices); ")


def test_update_keeps_the_review_and_a_tools_own_headers(catalogs: Path) -> None:
    ko = catalogs / "ko/LC_MESSAGES/docgen.po"
    set_review(ko, "yes; by=Ana Ruiz; date=2026-11-30")
    text = ko.read_text(encoding="utf-8")
    ko.write_text(text.replace('"X-Reviewed:', '"X-Poedit-Basepath: ../..\\n"\n"X-Reviewed:', 1),
                  encoding="utf-8")
    before = ko.read_text(encoding="utf-8")
    result = invoke("i18n", "update", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    after = ko.read_text(encoding="utf-8")
    assert after == before
    assert after.count('"X-Reviewed: yes; by=Ana Ruiz; date=2026-11-30\\n"') == 1
    assert after.count('"X-Poedit-Basepath: ../..\\n"') == 1
    # and every other catalog keeps its own 'no'
    assert f'"X-Reviewed: no; note={DRAFT}\\n"' in (catalogs / "fa/LC_MESSAGES/docgen.po"
                                                     ).read_text("utf-8")


def test_init_starts_a_catalog_as_not_reviewed(tmp_path: Path) -> None:
    result = invoke("i18n", "init", "am", "--dir", str(tmp_path / "locales"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "locales/am/LC_MESSAGES/docgen.po").read_text(encoding="utf-8")
    assert text.count('"X-Reviewed: no\\n"') == 1
    spec = tmp_path / "s.json"
    shutil.copy(ROOT / "samples/jefferson-elementary-public-library.json", spec)
    result = invoke("i18n", "init", "am", "--spec", str(spec))
    assert result.exit_code == 0, result.output
    assert '"X-Reviewed: no\\n"' in (tmp_path / "s.locales/am.po").read_text(encoding="utf-8")


# --- build, validate, the manifest ---------------------------------------------------------


def spec_copy(folder: Path, stem: str, languages: list[str]) -> Path:
    """A sample with its notices in ``languages``, under its own name (so that its catalogs
    in tests/data/langs are found with --spec-locales)."""
    data = json.loads((ROOT / "samples" / f"{stem}.json").read_text(encoding="utf-8"))
    data["family_notices"]["languages"] = languages
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def langs(tmp_path: Path) -> Path:
    copy = tmp_path / "langs"
    shutil.copytree(LANGS, copy)
    return copy


def test_the_new_languages_catalogs_of_the_samples_text_are_complete(tmp_path: Path) -> None:
    for stem in SAMPLES:
        spec = spec_copy(tmp_path / "specs", stem, ["en", *NEW])
        result = invoke("i18n", "check", "--spec", str(spec), "--spec-locales", str(LANGS))
        assert result.exit_code == 0, result.output
        total = len(spec_strings(json.loads(spec.read_text(encoding="utf-8"))))
        assert result.stdout.splitlines() == [
            f"{tag}: {total} of {total} strings translated ({LANGS}/{stem}.locales/{tag}.po); "
            "not reviewed by a person" for tag in NEW]


def test_build_says_once_which_languages_no_person_reviewed_and_the_manifest_records_it(
        tmp_path: Path, catalogs: Path, langs: Path) -> None:
    stem = "lincoln-elementary-bright-futures"
    spec = spec_copy(tmp_path / "specs", stem, ["en", "ko", "ru", "fa"])
    review = "yes; by=Ana Ruiz (Language Access Office); date=2026-11-30"
    set_review(catalogs / "ko/LC_MESSAGES/docgen.po", review)
    set_review(langs / f"{stem}.locales/ko.po", review)
    # Persian: docgen's catalog reviewed, the partnership's own text not yet
    set_review(catalogs / "fa/LC_MESSAGES/docgen.po", review)
    out = tmp_path / "out"
    args = ["build", str(spec), "-o", str(out), "--no-pdf", "--locales", str(catalogs),
            "--spec-locales", str(langs)]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    line = ("notice: not reviewed by a person: the ru, fa translations (2 notices); "
            + UNREVIEWED_TAIL)
    assert result.stderr.splitlines() == [line]
    manifest = json.loads((out / "lincoln-es-bright-futures-2026-27/manifest.json")
                          .read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    ko = entries["notices/notice-ko.docx"]
    assert ko["translation_reviewed"] is True
    assert ko["translation_review"] == [f"ko/LC_MESSAGES/docgen.po: {review}",
                                        f"{stem}.locales/ko.po: {review}"]
    fa = entries["notices/notice-fa.docx"]
    assert fa["translation_reviewed"] is False
    assert fa["translation_review"] == [f"fa/LC_MESSAGES/docgen.po: {review}",
                                        f"{stem}.locales/fa.po: no"]
    assert entries["notices/notice-ru.docx"]["translation_reviewed"] is False
    en = entries["notices/notice-en.docx"]
    assert "translation_reviewed" not in en and "translation_review" not in en
    assert "translation_reviewed" not in entries["mou.docx"]
    # a folder already up to date says the same (the notices are no better for being skipped)
    again = invoke(*args)
    assert again.exit_code == 0
    assert again.stderr.splitlines() == [line]
    # once the rest is reviewed, build says nothing of it
    for path in (catalogs / "ru/LC_MESSAGES/docgen.po", langs / f"{stem}.locales/ru.po",
                 langs / f"{stem}.locales/fa.po"):
        set_review(path, review)
    done = invoke(*args, "--force")
    assert done.exit_code == 0 and done.stderr == "", done.output
    manifest = json.loads((out / "lincoln-es-bright-futures-2026-27/manifest.json")
                          .read_text(encoding="utf-8"))
    assert all(e["translation_reviewed"] for e in manifest["files"]
               if e.get("kind") == "notice" and e["locale"] != "en")


def test_one_line_for_a_whole_batch_naming_each_language_once(tmp_path: Path) -> None:
    specs = [spec_copy(tmp_path / "specs", stem, ["en", "ko", "ur"]) for stem in SAMPLES[:2]]
    built = invoke("build", *map(str, specs), "-o", str(tmp_path / "out"), "--no-pdf",
                   "--spec-locales", str(LANGS))
    assert built.exit_code == 0, built.output
    line = ("notice: not reviewed by a person: the ko, ur translations (4 notices); "
            + UNREVIEWED_TAIL)
    assert built.stderr.splitlines() == [line]
    checked = invoke("validate", *map(str, specs))
    assert checked.exit_code == 0
    assert checked.stderr.splitlines()[-1] == (
        "notice: not reviewed by a person: the ko, ur translations; " + UNREVIEWED_TAIL)
    assert sum("not reviewed" in x for x in checked.stderr.splitlines()) == 1
    single = invoke("validate", str(spec_copy(tmp_path / "one", SAMPLES[1], ["en", "so"])))
    assert single.stderr.splitlines()[-1] == (
        "notice: not reviewed by a person: the so translation; " + UNREVIEWED_TAIL.replace(
            "check them before they go", "check it before it goes"))


def test_an_english_only_spec_says_nothing_of_review(tmp_path: Path) -> None:
    spec = spec_copy(tmp_path / "specs", SAMPLES[1], ["en"])
    result = invoke("validate", str(spec))
    assert result.exit_code == 0
    assert "reviewed" not in result.stderr


# --- a notice in each new language has no English left --------------------------------------


def _body(text: str) -> list[str]:
    """The lines of a notice's text without its running header and footer, each paragraph's
    style ("[heading 1] ") left out, a heading kept as "# " and its text."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(("[header]", "[footer]")):
            continue
        style = re.match(r"\[([^\]]*)\] ", line)
        if style:
            line = ("# " if style.group(1).startswith("heading") else "") + line[style.end():]
        out.append(line)
    return out


def _other_languages(english: list[str]) -> set[str]:
    """The lines of the English notice's "Other languages" block that every notice shares:
    one line per language, each in its own language."""
    start = english.index("# Other languages") + 2  # after the heading and the free-help line
    block = []
    for line in english[start:]:
        if line.startswith("# "):
            break
        block.append(line)
    assert len(block) == 1 + len(NEW)
    return set(block)


def _segments(lines: list[str], names: set[str] = frozenset()) -> set[str]:
    """The English notice's sentences and phrases of three words or more, not counting the
    words of ``names`` (a phone number and an e-mail address are no English)."""
    return {seg.strip() for line in lines for seg in re.split(r"[.:;?!()]", line)
            if len([w for w in re.findall(r"[A-Za-z]{2,}", seg) if w.lower() not in names]) >= 3}


#: the brand and program names the spec's own text keeps as they are, in every language
BRANDS = {"Bright", "Futures", "Ready", "Lincoln", "Medi", "Cal", "Clínica", "CSU", "East", "Bay",
          "FUSD", "Roosevelt", "Chávez"}


def _names(spec: dict) -> set[str]:
    """The Latin words of what is never translated: names, addresses, e-mail addresses."""
    shown = {s.text for s in spec_strings(spec)}

    def leaves(x: object):
        if isinstance(x, dict):
            for v in x.values():
                yield from leaves(v)
        elif isinstance(x, list):
            for v in x:
                yield from leaves(v)
        elif isinstance(x, str) and x not in shown:
            yield x

    return {w.lower() for text in leaves(spec) for w in re.findall(r"[A-Za-z]+", text)}


@pytest.mark.parametrize("stem", SAMPLES)
def test_a_notice_in_each_new_language_has_no_english_left(stem: str, tmp_path: Path) -> None:
    spec = spec_copy(tmp_path / "specs", stem, ["en", *NEW])
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--spec-locales", str(LANGS))
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "out").iterdir()) / "notices"
    english = _body(plain_text(folder / "notice-en.docx"))
    shared = _other_languages(english)
    data = json.loads(spec.read_text(encoding="utf-8"))
    names = _names(data)
    sentences = _segments([line for line in english if line not in shared], names)
    assert len(sentences) > 12  # the letter's own sentences, enough to find one left
    for tag in NEW:
        body = [line for line in _body(plain_text(folder / f"notice-{tag}.docx"))
                if line not in shared]
        text = "\n".join(body)
        left = sorted(s for s in sentences if s in text)
        assert left == [], f"{tag}: English left in the notice: {left}"
        if tag in NOT_LATIN:
            words = {w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in names}
            assert words <= BRANDS, f"{tag}: {words - BRANDS}"
        assert "DRAFT" not in text


#: English words short enough to pass the test above, each a whole word of its own
SMALL_ENGLISH = ("and", "or", "to", "the", "of", "per", "by")


@pytest.mark.parametrize("stem", ["lincoln-elementary-bright-futures",
                                  "roosevelt-high-state-university-study"])
def test_a_list_in_a_language_with_partial_cldr_data_has_no_english_and(
        stem: str, tmp_path: Path) -> None:
    # Haitian Creole's CLDR data is partial, so its dates are written with US English; its
    # lists were too: "Lendi, Madi, Mèkredi, Jedi, and Vandredi"
    spec = spec_copy(tmp_path / "specs", stem, ["en", "ht", "so"])
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--spec-locales", str(LANGS))
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "out").iterdir()) / "notices"
    english = _body(plain_text(folder / "notice-en.docx"))
    start = english.index("# Other languages") + 2
    shared = set(english[start:start + 3])  # a line each in en, ht and so
    names = _names(json.loads(spec.read_text(encoding="utf-8")))
    for tag in ("ht", "so"):
        text = "\n".join(line for line in _body(plain_text(folder / f"notice-{tag}.docx"))
                          if line not in shared)
        left = sorted({w for w in re.findall(r"[A-Za-z]+", text)
                       if w in SMALL_ENGLISH and w not in names})
        assert left == [], f"{tag}: English words in the notice: {left}"
    ht = plain_text(folder / "notice-ht.docx")
    assert re.search(r": (Lendi, )?Madi, (Mèkredi, )?Jedi(, Vandredi)?, depi ", ht), ht


# --- fonts for the new scripts --------------------------------------------------------------


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_doctor_checks_the_face_of_each_new_language(tmp_path: Path, monkeypatch) -> None:
    from docgen import doctor

    monkeypatch.setattr(doctor, "find_converter",
                        lambda: (_ for _ in ()).throw(doctor.ConverterError("no soffice")))
    result = invoke("doctor")
    lines = result.stdout.splitlines()
    faces = {"zh-Hant": "Hant) font: Noto Sans CJK TC", "ko": "Kore) font: Noto Sans CJK KR",
             "ur": "Arab) font: Noto Naskh Arabic", "fa": "Arab) font: Noto Naskh Arabic",
             "bn": "Beng) font: Noto Sans Bengali", "ru": "Cyrl) font: Noto Sans",
             "ht": "Latn) font: Noto Sans", "so": "Latn) font: Noto Sans"}
    for tag, face in faces.items():
        assert f"ok       {tag} ({face}, and every character of the catalog" in lines, tag
    # every language with a catalog is checked, not a list of four
    assert [line.split()[1] for line in lines if " font: " in line] == available_locales(CATALOGS)


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_doctor_names_the_package_when_the_korean_or_bengali_face_is_missing(monkeypatch) -> None:
    from docgen import doctor

    families, ranges = doctor._installed()
    hidden = frozenset(f for f in families if f not in ("Noto Sans Bengali", "Noto Sans CJK KR"))
    monkeypatch.setattr(doctor, "_installed", lambda: (hidden, ranges))
    monkeypatch.setattr(doctor, "find_converter",
                        lambda: (_ for _ in ()).throw(doctor.ConverterError("no soffice")))
    result = invoke("doctor")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert ("MISSING  bn (Beng) font: Noto Sans Bengali is not installed, and the bn notices "
            "are set in it; apt-get install fonts-noto-core") in lines
    assert ("MISSING  ko (Kore) font: Noto Sans CJK KR is not installed, and the ko notices are "
            "set in it; apt-get install fonts-noto-cjk") in lines
    assert any(line.startswith("ok       fa (Arab) font: Noto Naskh Arabic") for line in lines)


# --- each line of the Other languages block in its own face ---------------------------------


def _line_fonts(docx: Path, start: str) -> set[tuple[str, str]]:
    """The (slot, family) pairs of the runs of the paragraph whose text starts with ``start``."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    for p in root.iter(f"{w}p"):
        text = "".join(t.text or "" for t in p.iter(f"{w}t"))
        if text.startswith(start):
            return {(k[len(w):], v) for f in p.iter(f"{w}rFonts") for k, v in f.attrib.items()}
    raise AssertionError(f"no paragraph starts with {start!r} in {docx}")


def test_a_line_in_another_script_is_set_in_its_own_face(tmp_path: Path) -> None:
    spec = spec_copy(tmp_path / "specs", SAMPLES[0], ["en", "ur", "fa", "ko", "zh-Hant"])
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--spec-locales", str(LANGS))
    assert result.exit_code == 0, result.output
    notices = next((tmp_path / "out").iterdir()) / "notices"
    urdu, persian = "اگر آپ کو یہ خط", "اگر این نامه را"
    # Urdu is set in Naskh as Persian is (LibreOffice writes Nastaliq's PDF text letter by
    # letter, out of order: see docgen/i18n/scripts.py), so neither line needs a face of its own
    assert _line_fonts(notices / "notice-ur.docx", persian) == set()
    assert _line_fonts(notices / "notice-fa.docx", urdu) == set()
    # the Traditional Chinese line of the Korean letter in the Traditional face of Noto CJK
    assert _line_fonts(notices / "notice-ko.docx", "如需本信") == {
        ("eastAsia", "Noto Sans CJK TC")}
    assert _line_fonts(notices / "notice-zh-Hant.docx", "한국어") == {
        ("eastAsia", "Noto Sans CJK KR")}
    # a letter's own lines take their face from its styles
    assert _line_fonts(notices / "notice-ur.docx", urdu) == set()


@pytest.mark.slow
def test_each_new_language_is_rendered_in_its_face_with_no_english_left(tmp_path: Path) -> None:
    import subprocess

    from conftest import require

    require("soffice")
    spec = spec_copy(tmp_path / "specs", SAMPLES[0], ["en", *NEW])
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--spec-locales",
                    str(LANGS), "-j", "1")
    assert result.exit_code == 0, result.output
    notices = next((tmp_path / "out").iterdir()) / "notices"

    def fonts(tag: str) -> set[str]:
        listed = subprocess.run([require("pdffonts"), str(notices / f"notice-{tag}.pdf")],
                                capture_output=True, text=True, check=True).stdout
        return {line.split()[0].split("+", 1)[-1] for line in listed.splitlines()[2:]}

    def text(tag: str) -> str:
        return subprocess.run([require("pdftotext"), "-enc", "UTF-8",
                               str(notices / f"notice-{tag}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout

    assert "NotoNaskhArabic-Regular" in fonts("ur")
    assert "NotoNaskhArabic-Regular" in fonts("fa")
    assert "NotoSansBengali-Regular" in fonts("bn")
    # Noto CJK's faces share one CFF font inside the collection, so the PDF names the
    # collection's; the face picks the Korean or Traditional glyphs through its own cmap
    assert any(f.startswith("NotoSansCJK") for f in fonts("ko") & fonts("zh-Hant"))
    assert re.search("[\uac00-\ud7a3]{4}", text("ko"))
    english = _body(plain_text(notices / "notice-en.docx"))
    shared = _other_languages(english)
    sentences = {s for s in _segments([x for x in english if x not in shared]) if len(s) > 25}
    for tag in NEW:
        flat = re.sub(r"\s+", " ", text(tag))
        controls = {c for c in flat if ord(c) < 32}
        assert not controls, tag
        # pdftotext joins a wrapped line with a space, as the sentences are compared
        left = [s for s in sentences if s in flat]
        assert left == [], f"{tag}: English left in the PDF: {left}"


def test_every_line_that_may_leave_its_language_out_is_a_message_of_the_template() -> None:
    """The four language lines are named by their text in docgen.i18n.translate: a template
    edit that rewords one must reword it there too, or Russian's line would be refused."""
    from docgen.i18n.translate import OPTIONAL_PLACEHOLDERS

    pot = {m.id: m for m in read_po((CATALOGS / "docgen.pot").open("rb")) if m.id}
    for msgid in OPTIONAL_PLACEHOLDERS:
        assert msgid in pot, msgid
        assert "no-python-brace-format" in pot[msgid].flags, msgid
