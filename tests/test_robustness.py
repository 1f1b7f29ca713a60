"""Odd inputs found in review: each gets a clear error or works; none crashes or loses a file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from conftest import ROOT
from docgen import output
from docgen.build.run import BuildOptions, build
from docgen.cli import cli
from docgen.errors import TemplateError
from docgen.resources import Resources
from docgen.render import compile_template
from docgen.spec.schema import check_spec, read_spec

JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"
LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"


def write_spec(tmp_path: Path, change, name: str = "spec.json", base: Path = JEFFERSON) -> Path:
    data = json.loads(base.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    return [f"{p.json_path}: {p.message}" for p in check_spec(read_spec(path))]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("amount", [19.99, 0.07, 2.3, 1000000, 12.5])
def test_amounts_in_whole_cents_are_accepted(tmp_path: Path, amount: float) -> None:
    spec = write_spec(tmp_path, lambda d: d["services"][0].update(
        cost_to_families={"amount": amount, "per": "month"}))
    assert messages(spec) == []


def test_fractions_of_a_cent_and_infinite_amounts_are_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d["services"][0].update(
        cost_to_families={"amount": 19.999, "per": "month"}))
    assert messages(spec) == ["$.services[0].cost_to_families.amount: 19.999 has more than two "
                              "decimal places; write the amount in whole cents"]
    text = spec.read_text().replace("19.999", "1e400")
    spec.write_text(text)
    result = invoke("validate", str(spec))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "too large" in result.stderr


def test_a_wrongly_typed_legal_basis_is_one_type_error(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(data_sharing={
        "shares_student_data": True, "legal_basis": ["consent"], "purpose": "to help",
        "data_elements": [{"name": "Attendance", "purpose": "to help"}]}))
    assert messages(spec) == ["$.data_sharing.legal_basis: should be text in double quotes, "
                              "not a list"]


def test_a_wrongly_typed_required_section_is_not_also_missing(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(data_sharing={
        "shares_student_data": True, "legal_basis": "consent", "purpose": "to help",
        "data_elements": [{"name": "Attendance", "purpose": "to help"}], "consent": "yes"}))
    assert messages(spec) == ["$.data_sharing.consent: should be an object ({ … }), not text"]


def test_a_number_where_an_enum_wants_text_says_so_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(schema_version=1.0))
    assert messages(spec) == ["$.schema_version: should be text in double quotes, not a number"]


def test_enum_choices_are_quoted(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d["services"][0]["schedule"].update(days=["funday"]))
    assert messages(spec) == ['$.services[0].schedule.days[0]: "funday" is not one of the '
                              'choices: "monday", "tuesday", "wednesday", "thursday", "friday", '
                              '"saturday" or "sunday"; did you mean \'sunday\'?']


def test_a_badly_written_role_id_points_at_the_key_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d["raci"][0]["assignments"].update({"Bad Role": "C"}))
    problems = check_spec(read_spec(spec))
    assert [(p.json_path, p.message) for p in problems] == [
        ('$.raci[0].assignments["Bad Role"]', '"Bad Role" is not a valid id: use 1 to 40 lowercase letters, '
         "digits and underscores, starting with a letter")]
    text = spec.read_text().splitlines()
    assert '"Bad Role"' in text[problems[0].line - 1][problems[0].col - 1:]


def test_non_ascii_digits_in_the_school_year_are_refused_cleanly(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(school_year="2026-\u00b2027"))
    assert messages(spec) == ['$.school_year: "2026-²027": write the school year as YYYY-YYYY, '
                              "e.g. 2026-2027"]


def test_a_term_outside_the_school_year_is_flagged(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(school_year="2025-2026"))
    assert messages(spec) == ["$.term.start: the term starts on 2026-09-01, outside the 2025-2026 "
                              "school year; check the school year or the date"]


def test_a_start_time_needs_an_end_time(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d["services"][0]["schedule"].update(start_time="15:00"))
    assert messages(spec) == ["$.services[0].schedule: give both 'start_time' and 'end_time', or "
                              "neither; 'end_time' is missing"]


def test_an_enormous_integer_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "big.json"
    spec.write_text('{"version": ' + "9" * 5000 + "}")
    result = invoke("validate", str(spec))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{spec}: malformed JSON: ")
    assert len(result.stderr.splitlines()) == 1


def test_nan_is_located_outside_strings(tmp_path: Path) -> None:
    spec = tmp_path / "nan.json"
    spec.write_text('{\n  "purpose": "Plan, NaN and more",\n  "version": NaN\n}\n')
    assert invoke("validate", str(spec)).stderr == (
        f"{spec}:3:14: $.version: malformed JSON: NaN is not a JSON value; write a number\n")


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = invoke("validate", str(fifo))
    assert result.exit_code == 1
    assert "is not a regular file" in result.stderr


def test_integral_numbers_print_as_integers(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: d.update(version=2.0))
    results = build([str(spec)], BuildOptions(tmp_path / "out"))
    assert results[0].error is None
    assert "version 2 ·" in "".join(
        line for line in __import__("docxtext").plain_text(
            tmp_path / "out/jefferson-es-library-2026-27/mou.docx").splitlines())


def test_dates_beyond_2107_still_build(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, lambda d: (d.update(school_year="2199-2200"),
                                           d["term"].update(start="2199-09-01", end="2200-06-11")))
    assert messages(spec) == []
    assert build([str(spec)], BuildOptions(tmp_path / "out"))[0].error is None


@pytest.mark.parametrize("start, year", [("0027-09-12", 27), ("1899-12-31", 1899),
                                         ("2201-01-01", 2201)])
def test_a_date_in_a_year_no_partnership_has_is_refused_in_words(
        tmp_path: Path, start: str, year: int) -> None:
    # a date box once saved "9/1/2027" as 0027-09-12: valid ISO, and the MOU would say "27"
    spec = write_spec(tmp_path, lambda d: d["term"].update(start=start))
    said = [m for m in messages(spec) if "$.term.start" in m]
    assert said and said[0].endswith(
        f"{start} is a date in the year {year}, which no partnership has; write the year "
        "with its four digits (YYYY-MM-DD, e.g. 2027-09-01)"), said
    assert build([str(spec)], BuildOptions(tmp_path / "out"))[0].error is not None


def test_a_file_name_that_is_not_utf8_still_builds(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff.json")
    spec = write_spec(tmp_path, lambda d: None, name=name)
    result = build([str(spec)], BuildOptions(tmp_path / "out"))[0]
    assert result.error is None
    manifest = json.loads((tmp_path / "out/jefferson-es-library-2026-27/manifest.json").read_text())
    assert manifest["spec"]["file"] == "bad\\xff.json"


def test_outputs_have_the_users_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        build([str(JEFFERSON)], BuildOptions(tmp_path))
    finally:
        os.umask(old)
    for path in (tmp_path / "jefferson-es-library-2026-27").rglob("*"):
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path.name


def test_force_does_not_overwrite_someone_elses_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "jefferson-es-library-2026-27"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"mine": 1}')
    result = build([str(JEFFERSON)], BuildOptions(tmp_path, force=True))[0]
    assert result.error is not None
    assert result.error.message.startswith(f"{folder / 'manifest.json'}: is not a docgen manifest")
    assert (folder / "manifest.json").read_text() == '{"mine": 1}'


def test_a_failed_write_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    real = output.temporary_beside
    calls = []

    def failing(path: Path, data: bytes, **kwargs) -> Path:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(output, "temporary_beside", failing)
    result = build([str(LINCOLN)], BuildOptions(tmp_path))[0]
    assert result.error.message == (f"{tmp_path / 'lincoln-es-bright-futures-2026-27'}: cannot "
                                    "be written, nothing was changed: no space left on the "
                                    "disk; make room, then run docgen again")
    # the folder the run made is gone again: nothing, not even an empty folder, is left
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_leaves_a_folder_force_can_replace(tmp_path: Path, monkeypatch) -> None:
    real = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", failing)
    assert build([str(LINCOLN)], BuildOptions(tmp_path))[0].error is not None
    monkeypatch.setattr(output.os, "replace", real)
    folder = tmp_path / "lincoln-es-bright-futures-2026-27"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    again = build([str(LINCOLN)], BuildOptions(tmp_path, force=True))[0]
    assert again.error is None, again.error and again.error.message


def test_an_unreadable_output_folder_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "jefferson-es-library-2026-27"
    folder.mkdir()

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    result = build([str(JEFFERSON)], BuildOptions(tmp_path))[0]
    assert result.error.message == f"{folder}: permission denied; docgen cannot read this folder"


def test_an_unreadable_template_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "mou.docx"
    Document().save(path)

    def denied(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("docgen.render.read_input", denied)
    with pytest.raises(TemplateError) as info:
        compile_template(path)
    assert info.value.message == f"{path}: cannot be read: Permission denied"


@pytest.mark.parametrize("expression", ['"{0}".format()', '"%(a)s" % {}', "10.0 ** 400"])
def test_a_failing_template_expression_is_a_located_error(tmp_path: Path, expression) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    doc = Document()
    doc.add_paragraph("Intro.")
    doc.add_paragraph("{{ " + expression + " }}")
    doc.save(templates / "mou.docx")
    own = Resources.shipped().using(own_templates=templates)
    result = build([str(JEFFERSON)], BuildOptions(tmp_path / "out", resources=own))[0]
    assert result.error is not None
    assert result.error.message.startswith(f"{templates / 'mou.docx'}: paragraph 2")
    assert "the template failed" in result.error.message


def test_an_unclosed_loop_is_reported_where_it_opens(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{%p for s in services %}")
    for i in range(20):
        doc.add_paragraph(f"Paragraph {i}")
    path = tmp_path / "t.docx"
    doc.save(path)
    with pytest.raises(TemplateError) as info:
        compile_template(path)
    assert info.value.message == (f"{path}: paragraph 1 (“{{%p for s in services %}}”): a "
                                  "'{% for %}' is never closed; add its '{% endfor %}'")
