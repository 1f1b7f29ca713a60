"""Catalog plural rules that do not move with a dependency (foundation issue, part 2).

What counts as a correct catalog is docgen's own table of gettext's conventional rules, not the
installed Babel's CLDR data; every broken header is one located line from ``i18n check`` and
makes ``build`` refuse the notice; ``update`` never rewrites a Plural-Forms header.
"""

from __future__ import annotations

import gettext
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from conftest import ROOT
from docgen.i18n.catalogs import available_locales, catalog_path, open_catalog
from docgen.cli import cli
from docgen.i18n.plurals import (PluralFormsError, conventional_headers, expected_rule,
                            parse_plural_forms, rule_problem)
from docxtext import plain_text

LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
SPANISH = "nplurals=2; plural=(n != 1);"
FIX = ("; set it to 'nplurals=2; plural=(n != 1);' (the rule for Spanish; in Poedit: "
       "Translation › Properties › Plural forms)")


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    """A copy of the shipped catalogs, to break; commands are given it with --dir."""
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    return copy


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def replace(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def line_of(path: Path, text: bytes) -> int:
    data = path.read_bytes()
    return data[:data.index(text)].count(b"\n") + 1


#: the lines of the shipped Spanish catalog's Plural-Forms field and of its header's msgstr
PLURAL_LINE = line_of(ROOT / "locales/es/LC_MESSAGES/docgen.po", b'"Plural-Forms:')
HEADER_LINE = line_of(ROOT / "locales/es/LC_MESSAGES/docgen.po", b'msgstr ""')


# --- the rule and the table ----------------------------------------------------------------


def test_the_expected_rules_are_docgens_table_not_babels() -> None:
    # Babel 2.19's CLDR data gives Spanish three forms; gettext's convention, and docgen, two
    assert expected_rule("es").header == SPANISH
    assert expected_rule("es-MX") == expected_rule("es")
    assert expected_rule("pt-BR").header == "nplurals=2; plural=(n > 1);"
    assert expected_rule("pt").header == SPANISH
    assert expected_rule("zh-Hans").count == 1
    assert expected_rule("ar").count == 6
    assert expected_rule("ru").count == 3
    assert expected_rule("xx") is None


def test_every_shipped_catalog_has_its_languages_conventional_rule() -> None:
    for tag in available_locales(ROOT / "locales"):
        opened = open_catalog(catalog_path(tag, ROOT / "locales"), tag)
        assert opened.problems == []
        assert opened.rule == expected_rule(tag), tag


def test_every_rule_in_the_table_is_valid_and_agrees_with_gettext() -> None:
    for tag, header in conventional_headers().items():
        rule = parse_plural_forms(header)
        oracle = gettext.c2py(rule.expr)
        assert [rule.form(n) for n in range(300)] == [oracle(n) for n in range(300)], tag


@pytest.mark.parametrize("header, message", [
    ("nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
     "the Plural-Forms header says nplurals=3, but Spanish has 2 plural forms"),
    ("nplurals=2; plural=(n > 1 ? 2 : 0);", "the Plural-Forms header cannot be used: the "
     "formula chooses form 2 for n = 2, but nplurals=2 allows only forms 0 to 1"),
    ("nplurals=2; plural=(n%0);",
     "the Plural-Forms header cannot be used: the formula divides by zero ('%0')"),
    ("nplurals=2; plural=(n%(n-n));",
     "the Plural-Forms header cannot be used: the formula divides by zero for n = 0"),
    ("nplurals=2; plural=(n != 1) x;", "the Plural-Forms header cannot be used: the formula "
     "has 'x' at character 10, which a plural formula cannot contain (it may use n, whole "
     "numbers and the operators ! * / % + - < > <= >= == != && || ? :)"),
    ("nplurals=2; plural=(n != 1 + __import__('os'));", "the Plural-Forms header cannot be "
     "used: the formula has '_' at character 11, which a plural formula cannot contain (it may "
     "use n, whole numbers and the operators ! * / % + - < > <= >= == != && || ? :)"),
    ("nplurals=2; plural=" + "n+" * 250 + "1;", "the Plural-Forms header cannot be used: the "
     "header is 521 characters long; docgen reads headers of at most 440 (real rules are "
     "under 100)"),
    ("nplurals=2; plural=" + "(" * 60 + "n" + ")" * 60 + ";",
     "the Plural-Forms header cannot be used: the formula nests more than 40 levels deep"),
    ("nplurals=99999999; plural=(n != 1);", "the Plural-Forms header cannot be used: "
     "nplurals=99999999 is not a number of plural forms (a language has 1 to 6)"),
    ("nplurals=two; plural=(n != 1);",
     "the Plural-Forms header cannot be used: nplurals=two is not a whole number"),
    ("nplurals=2; plural=0;", "the Plural-Forms header cannot be used: the formula never "
     "chooses form 1 of its 2, so those translations would never be used"),
    ("plural=(n != 1);", "the Plural-Forms header cannot be used: the header is not of the "
     "form 'nplurals=N; plural=FORMULA;'"),
])
def test_each_broken_header_is_one_located_line_from_check(catalogs: Path, header: str,
                                                           message: str) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, SPANISH.encode(), header.encode())
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{es}:{PLURAL_LINE}: {message}{FIX}"]


def test_a_valid_header_with_the_right_number_of_forms_passes(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, SPANISH.encode(), b"nplurals=2; plural=n==1 ? 0 : 1;")
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output


def test_a_missing_header_a_bom_and_a_control_character_are_located(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, f'"Plural-Forms: {SPANISH}\\n"\n'.encode(), b"")
    replace(es, b"# Spanish", b"\xef\xbb\xbf# Spanish")
    replace(es, "¿Preguntas?".encode(), "¿Pregun\x07tas?".encode())
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    control = line_of(es, "¿Pregun".encode()) - 1  # the message's msgid line
    assert result.stderr.splitlines() == [
        f"{es}:1: the file starts with a byte-order mark (BOM), which gettext tools do not "
        "read; save it as UTF-8 without a BOM (in Poedit, just save it again)",
        f"{es}:{HEADER_LINE}: the header has no Plural-Forms line{FIX}",
        f"{es}:{control}: the translation contains a control character (U+0007) that a "
        "document cannot show; delete it (in Poedit, retype the text around it)"]


def test_a_language_docgen_does_not_list_needs_only_a_valid_rule() -> None:
    assert rule_problem("nplurals=4; plural=(n==1 ? 0 : n==2 ? 1 : n<10 ? 2 : 3);", "xx") is None
    assert rule_problem("nplurals=2; plural=(n%0);", "xx") == (
        "the Plural-Forms header cannot be used: the formula divides by zero ('%0'); set it to "
        "the rule for the language, such as 'nplurals=2; plural=(n != 1);' (in Poedit: "
        "Translation › Properties › Plural forms)")


# --- what build does with a broken header --------------------------------------------------


def test_build_refuses_a_notice_whose_header_is_broken(catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, SPANISH.encode(), b"nplurals=2; plural=(n != 1) x;")
    result = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{es}:{PLURAL_LINE}: the Plural-Forms header cannot be used: the formula has 'x' at character "
        "10, which a plural formula cannot contain (it may use n, whole numbers and the "
        f"operators ! * / % + - < > <= >= == != && || ? :){FIX}",
        f"{LINCOLN}: the family notices were not built: 1 problem in their catalogs "
        "(untranslated, fuzzy or broken); fix the catalogs (docgen i18n check), or pass "
        "--allow-incomplete to build them marked as drafts"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("old, new", [
    (SPANISH.encode(), b"nplurals=99999999; plural=(n != 1);"),
    (SPANISH.encode(), b"nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),
    (SPANISH.encode(), b"nplurals=2; plural=(n%0);"),
])
def test_allow_incomplete_builds_a_draft_with_plural_lines_in_english(
        catalogs: Path, tmp_path: Path, old: bytes, new: bytes) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, old, new)
    result = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path), "--no-pdf",
                    "--allow-incomplete")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "lincoln-es-bright-futures-2026-27"
    text = plain_text(folder / "notices/notice-es.docx")
    assert "BORRADOR:" in text
    assert "(grades " in text  # the plural line, visibly in English
    assert "¿Preguntas?" in text  # the rest stays translated
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["path"] == "notices/notice-es.docx")
    assert len(entry["incomplete_translation"]) == 1
    assert "Plural-Forms" in entry["incomplete_translation"][0]


def test_a_control_character_is_the_catalogs_fault_and_allow_incomplete_builds(
        catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, "¿Preguntas?".encode(), "¿Pregun\x07tas?".encode())
    refused = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "a"), "--no-pdf")
    assert refused.exit_code == 1
    line = line_of(es, "¿Pregun".encode())
    assert refused.stderr.splitlines()[0] == (
        f"{es}:{line - 1}: the translation of 'Questions?' is broken; run `docgen i18n check`")
    built = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "b"), "--no-pdf",
                   "--allow-incomplete")
    assert built.exit_code == 0, built.output
    text = plain_text(tmp_path / "b/lincoln-es-bright-futures-2026-27/notices/notice-es.docx")
    assert "BORRADOR:" in text and "Questions?" in text and "\x07" not in text


def test_a_bom_is_refused_by_build_and_read_past_with_allow_incomplete(catalogs: Path,
                                                                      tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, b"# Spanish", b"\xef\xbb\xbf# Spanish")
    refused = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "a"), "--no-pdf")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0].startswith(
        f"{es}:1: the file starts with a byte-order mark (BOM)")
    built = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "b"), "--no-pdf",
                   "--allow-incomplete")
    assert built.exit_code == 0, built.output
    text = plain_text(tmp_path / "b/lincoln-es-bright-futures-2026-27/notices/notice-es.docx")
    assert "BORRADOR:" in text and "¿Preguntas?" in text


# --- init and update -----------------------------------------------------------------------


def test_update_never_rewrites_a_plural_forms_header(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, SPANISH.encode(), b"nplurals=2; plural=(n==1 ? 0 : 1);")
    before = {p: p.read_bytes() for p in catalogs.rglob("*.po")}
    result = invoke("i18n", "update", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    # the shipped catalogs are up to date: update writes them back byte for byte
    assert {p: p.read_bytes() for p in catalogs.rglob("*.po")} == before


def test_update_refuses_every_catalog_while_a_header_is_broken(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, SPANISH.encode(), b"nplurals=99999999; plural=(n != 1);")
    before = {p: p.read_bytes() for p in catalogs.rglob("*.po*")}
    result = invoke("i18n", "update", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{es}:{PLURAL_LINE}: the Plural-Forms header cannot be used: nplurals=99999999 is not a number of "
        f"plural forms (a language has 1 to 6){FIX}",
        f"{catalogs}: no catalog was updated: fix the Plural-Forms header above first, then "
        "run docgen i18n update again"]
    assert {p: p.read_bytes() for p in catalogs.rglob("*.po*")} == before


def test_init_writes_docgens_rule_for_the_language(tmp_path: Path) -> None:
    for tag, header in [("es", SPANISH), ("ru", conventional_headers()["ru"]),
                        ("ko", "nplurals=1; plural=0;")]:
        assert invoke("i18n", "init", tag, "--dir", str(tmp_path)).exit_code == 0
        text = (tmp_path / tag / "LC_MESSAGES/docgen.po").read_text(encoding="utf-8")
        assert f"Plural-Forms: {header}\\n" in text.replace('"\n"', "")


# --- the parser on anything a translator might type ----------------------------------------


@given(st.text(max_size=120))
def test_any_header_text_is_a_rule_or_a_plain_reason(text: str) -> None:
    try:
        rule = parse_plural_forms(text)
    except PluralFormsError as e:
        assert str(e) and "Traceback" not in str(e)
    else:
        assert all(0 <= rule.form(n) < rule.count for n in range(50))


_atoms = st.one_of(st.just("n"), st.integers(0, 120).map(str))
_COMPARE = ["==", "!=", "<", "<=", ">", ">="]
# no "-": C truncates a negative quotient toward zero, Python (and so c2py) floors it
_ARITHMETIC = ["+", "*", "%", "/"]


def _expressions(depth: int = 3) -> st.SearchStrategy[str]:
    """gettext formulas on which c2py is a fair oracle: && and || join comparisons only (c2py
    writes them as Python's and/or, which return an operand rather than 0 or 1), and ! is
    parenthesised (c2py reads "!a < b" as "not (a < b)")."""
    if depth == 0:
        return _atoms
    inner = _expressions(depth - 1)
    compared = st.tuples(inner, st.sampled_from(_COMPARE), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    return st.one_of(
        _atoms,
        st.tuples(inner, st.sampled_from(_ARITHMETIC), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        compared,
        st.tuples(compared, st.sampled_from(["&&", "||"]), compared).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda e: f"(!{e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"))


@given(_expressions())
def test_docgens_evaluator_agrees_with_gettext_on_any_formula(expr: str) -> None:
    from docgen.i18n.plurals import _Parser, _value

    try:
        tree = _Parser(expr).parse()
    except PluralFormsError as e:
        assert "divides by zero" in str(e)
        return
    oracle = gettext.c2py(expr)
    for n in (0, 1, 2, 3, 5, 11, 21, 100, 101, 1000):
        try:
            expected = oracle(n)
        except ZeroDivisionError:
            with pytest.raises(PluralFormsError, match="divides by zero"):
                _value(tree, n)
            continue
        assert _value(tree, n) == expected, (expr, n)


# --- a plural form too many, and a catalog that cannot be read at all ----------------------

EXTRA = ('msgstr[1] "{program}: {who} (grados {grades})."\n'.encode(),
         'msgstr[1] "{program}: {who} (grados {grades})."\n'
         'msgstr[2] "{program}: "\n"FORMA-DE-MAS."\n'.encode())


def test_a_plural_form_too_many_is_located_and_the_other_catalogs_are_checked(
        catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, *EXTRA)
    (catalogs / "vi/LC_MESSAGES/docgen.po").unlink()
    result = invoke("i18n", "check", "--dir", str(catalogs))
    assert result.exit_code == 1
    line = line_of(es, b"msgstr[2]")
    assert result.stderr.splitlines() == [
        f"{es}:{line}: msgstr[2] is one plural form too many: the header says nplurals=2, so a "
        "translation has 2 forms (msgstr[0] to msgstr[1]); delete this one"]
    # every catalog is counted, the broken one too
    assert [l.split(":")[0] for l in result.stdout.splitlines()] == [
        "ar", "bn", "en", "es", "fa", "ht", "ko", "ru", "so", "ur", "zh-Hans", "zh-Hant"]


def test_build_refuses_a_plural_form_too_many_and_allow_incomplete_drafts_it(
        catalogs: Path, tmp_path: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    replace(es, *EXTRA)
    refused = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "a"), "--no-pdf")
    assert refused.exit_code == 1
    msgid = line_of(es, b'msgid "{program}: {who} (grade {grades}).')
    assert refused.stderr.splitlines()[0] == (
        f"{es}:{msgid}: the translation of '{{program}}: {{who}} (grade {{grades}}).' is "
        "broken; run `docgen i18n check`")
    built = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o", str(tmp_path / "b"), "--no-pdf",
                   "--allow-incomplete")
    assert built.exit_code == 0, built.output
    folder = tmp_path / "b/lincoln-es-bright-futures-2026-27"
    text = plain_text(folder / "notices/notice-es.docx")
    assert "BORRADOR:" in text and "(grades " in text
    assert "FORMA-DE-MAS" not in text
    # the coordinator is told, not only the manifest
    assert built.stderr.splitlines()[0] == (
        f"{folder}/notices/notice-es.docx: DRAFT: 1 catalog problem (listed in manifest.json); "
        "the letter says so at the top")
    assert built.stderr.splitlines()[1].startswith("notice: not reviewed by a person: ")


def test_a_missing_catalog_says_how_to_start_it(catalogs: Path) -> None:
    result = invoke("i18n", "check", "fr", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {catalogs}/fr/LC_MESSAGES/docgen.po: no such catalog; "
                             "start it with `docgen i18n init fr`\n")
