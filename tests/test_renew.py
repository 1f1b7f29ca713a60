"""`docgen renew`: next year's spec, its dates rolled forward, and the list of what to re-confirm."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from docgen.cli import cli
from docgen.renew import new_id, roll_date
from docgen.spec.schema import check_spec, load_spec, read_spec

LINCOLN = "samples/lincoln-elementary-bright-futures.json"
ROOSEVELT = "samples/roosevelt-high-state-university-study.json"


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def renew(tmp_path: Path, spec: str = LINCOLN, year: str = "2027-2028", *extra: str):
    out = tmp_path / "renewed.json"
    return invoke("renew", spec, "--school-year", year, "-o", str(out), *extra), out


def write(tmp_path: Path, data: dict, name: str = "old.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return str(path)


def sample(name: str = LINCOLN) -> dict:
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample_file", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_sample_renews_into_a_valid_spec(sample_file: Path, tmp_path: Path) -> None:
    result, out = renew(tmp_path, str(sample_file))
    assert result.exit_code == 0, result.output
    assert check_spec(read_spec(out)) == []


def test_it_writes_next_years_spec_with_the_term_rolled_forward(in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, LINCOLN, "2027-2028", "--review-date", "2027-05-14")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == (
        f"{LINCOLN}: wrote {out} for 2027-2028 (version 2); re-confirm before signing:")
    old, new = sample(), json.loads(out.read_text(encoding="utf-8"))
    assert new["school_year"] == "2027-2028"
    assert new["schema_version"] == "1.2"
    assert new["version"] == 2
    assert new["id"] == "lincoln-es-bright-futures-2027-28"
    assert new["term"] == {**old["term"], "start": "2027-08-10", "end": "2028-06-30"}
    schedule = new["services"][0]["schedule"]
    assert (schedule["first_day"], schedule["last_day"]) == ("2027-08-17", "2028-06-04")
    assert new["insurance"]["certificate_due"] == "2027-08-01"
    assert new["family_notices"]["enroll_by"] == "2027-08-28"
    # the school year written out in the text follows; everything else is kept as it was
    assert new["data_sharing"]["scope"].endswith("for the 2027-2028 school year")
    assert new["contacts"] == old["contacts"]
    assert new["signatures"] == old["signatures"]
    assert new["annual_review"]["review_date"] == "2027-05-14"
    assert new["annual_review"]["renewed_from"] == {"school_year": "2026-2027", "version": 1}


def test_it_keeps_the_key_order_and_writes_indented_utf8_with_a_final_newline(
        tmp_path: Path) -> None:
    result, out = renew(tmp_path, str(ROOT / "samples/chavez-middle-la-clinica-health.json"))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    new = json.loads(text)
    old = sample("samples/chavez-middle-la-clinica-health.json")
    assert list(new) == list(old) + ["annual_review"]
    assert list(new["parties"]["school"]) == list(old["parties"]["school"])
    assert text == json.dumps(new, indent=2, ensure_ascii=False) + "\n"
    assert "Chávez" in text


def test_the_schema_reference_still_points_at_the_schema_from_the_new_place(
        tmp_path: Path) -> None:
    out = tmp_path / "deeper" / "renewed.json"
    result = invoke("renew", str(ROOT / LINCOLN), "--school-year", "2027-2028", "-o", str(out))
    assert result.exit_code == 0, result.output
    ref = json.loads(out.read_text(encoding="utf-8"))["$schema"]
    assert (out.parent / ref).resolve() == ROOT / "schemas" / "partnership.schema.json"


def test_the_version_starts_at_1_when_the_spec_has_none(tmp_path: Path) -> None:
    data = sample("samples/jefferson-elementary-public-library.json")
    assert "version" not in data
    result, out = renew(tmp_path, write(tmp_path, data))
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["version"] == 2
    assert list(new)[list(new).index("school_year") + 1] == "version"
    assert new["annual_review"]["renewed_from"]["version"] == 1


def test_renewing_several_years_on_moves_the_dates_as_many_years(tmp_path: Path) -> None:
    result, out = renew(tmp_path, str(ROOT / LINCOLN), "2029-2030")
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["term"]["start"] == "2029-08-10"
    assert new["id"] == "lincoln-es-bright-futures-2029-30"


@pytest.mark.parametrize(("day", "years", "expected"), [
    ("2028-02-29", 1, "2029-02-28"),
    ("2028-02-29", 4, "2032-02-29"),
    ("2027-02-28", 1, "2028-02-28"),
    ("2026-08-10", 1, "2027-08-10"),
], ids=["leap-day-to-common-year", "leap-day-to-leap-year", "feb-28", "ordinary"])
def test_roll_date(day: str, years: int, expected: str) -> None:
    assert roll_date(dt.date.fromisoformat(day), years).isoformat() == expected


def test_a_term_that_ends_on_february_29_ends_on_the_28th_next_year(tmp_path: Path) -> None:
    data = sample()
    data.update(school_year="2027-2028", id="lincoln-2027-28")
    data["term"].update(start="2027-08-10", end="2028-02-29")
    data["services"][0]["schedule"].update(first_day="2027-08-17", last_day="2028-02-29")
    assert check_spec(read_spec(write(tmp_path, data))) == []
    result, out = renew(tmp_path, write(tmp_path, data), "2028-2029")
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["term"]["end"] == "2029-02-28"
    assert new["services"][0]["schedule"]["last_day"] == "2029-02-28"
    assert new["id"] == "lincoln-2028-29"


@pytest.mark.parametrize(("old", "expected"), [
    ("lincoln-es-bright-futures-2026-27", "lincoln-es-bright-futures-2027-28"),
    ("lincoln-2026-2027", "lincoln-2027-2028"),
    ("fy2026-lincoln", "fy2027-lincoln"),
    ("lincoln-bright-futures", "lincoln-bright-futures"),
    ("room-12026", "room-12026"),
], ids=["short-year", "full-year", "first-year-only", "no-year", "digits-not-a-year"])
def test_the_id_changes_only_where_it_embeds_the_year(old: str, expected: str) -> None:
    assert new_id(old, "2026-2027", "2027-2028") == expected


def test_it_lists_what_to_reconfirm_and_records_it_in_the_spec(in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path)
    items = json.loads(out.read_text(encoding="utf-8"))["annual_review"]["reconfirm"]
    assert result.stdout.splitlines()[1:] == [f"- {i['item']}: {i['reason']}" for i in items]
    assert all(i["confirmed"] is False for i in items)
    names = [i["item"] for i in items]
    assert "Insurance certificate for 2027-2028" in names
    assert "Background checks of partner staff and volunteers" in names
    assert "Certificates of destruction for 2026-2027 data" in names
    assert "Authorized users of student data" in names
    for contact in sample()["contacts"]:
        assert f"Contact: {contact['name']} ({contact['email']})" in names
    for element in sample()["data_sharing"]["data_elements"]:
        assert f"Data element still needed: {element['name']}" in names
    assert "Funding: FUSD contributes $148,500" in names
    assert "Funding: Bright Futures contributes $62,000" in names
    fields = {i["item"]: i["field"] for i in items}
    assert fields["Insurance certificate for 2027-2028"] == "$.insurance"
    assert fields["Contact: Minh Nguyen (minh.nguyen@fruitvaleusd.example.org)"] == "$.contacts[1]"


def test_a_spec_without_insurance_or_data_sharing_has_nothing_to_reconfirm_about_them(
        in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, "samples/jefferson-elementary-public-library.json")
    names = [i["item"] for i in json.loads(out.read_text())["annual_review"]["reconfirm"]]
    assert not [n for n in names if n.startswith(("Insurance", "Data element", "Certificates",
                                                 "Authorized", "Funding"))]
    # the library's story time is for students: their staff need current checks
    assert "Background checks of partner staff and volunteers" in names


def test_text_that_still_mentions_last_year_is_listed_and_the_study_end_moves(
        in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, ROOSEVELT)
    new = json.loads(out.read_text(encoding="utf-8"))
    assert new["data_sharing"]["study"]["ends"] == "2028-08-31"
    assert new["data_sharing"]["irb"]["approved_on"] == "2026-06-12"  # a fact of the past
    names = [i["item"] for i in new["annual_review"]["reconfirm"]]
    assert "Study end date: August 31, 2028" in names
    assert "IRB approval CSUEB-IRB-2026-117, approved June 12, 2026" in names
    assert "Text that mentions 2027: Evaluation and reporting › Reporting" in names
    assert "Text that mentions 2027: Goals › Indicators › Target" in names


def test_it_refuses_to_overwrite_an_existing_file_without_force(in_repo, tmp_path: Path) -> None:
    out = tmp_path / "renewed.json"
    out.write_text("my notes\n", encoding="utf-8")
    result = invoke("renew", LINCOLN, "--school-year", "2027-2028", "-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {out}: already exists; pass --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "my notes\n"
    result = invoke("renew", LINCOLN, "--school-year", "2027-2028", "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["school_year"] == "2027-2028"
    assert [p.name for p in tmp_path.iterdir()] == ["renewed.json"]  # no temporary file left


def test_it_never_writes_over_the_spec_it_renews(tmp_path: Path) -> None:
    old = write(tmp_path, sample())
    before = Path(old).read_bytes()
    result = invoke("renew", old, "--school-year", "2027-2028", "-o", old, "--force")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {old}: is the spec being renewed; write the renewal to a "
                             "new file so that last year's spec is kept\n")
    assert Path(old).read_bytes() == before


@pytest.mark.parametrize(("year", "message"), [
    ("2027", "'2027' is not a school year; write it as YYYY-YYYY, e.g. 2027-2028"),
    ("27-28", "'27-28' is not a school year; write it as YYYY-YYYY, e.g. 2027-2028"),
    ("2027-2029", "'2027-2029' should span one year, e.g. '2027-2028'"),
    ("2026-2027", "2026-2027 is not later than the spec's school year 2026-2027"),
    ("2025-2026", "2025-2026 is not later than the spec's school year 2026-2027"),
], ids=["one-year", "short", "two-years", "same-year", "earlier"])
def test_a_bad_school_year_is_a_usage_error(year: str, message: str, in_repo,
                                            tmp_path: Path) -> None:
    result, out = renew(tmp_path, LINCOLN, year)
    assert result.exit_code == 2
    assert result.stderr == f"Error: --school-year: {message}\n"
    assert not out.exists()


def test_a_bad_review_date_is_a_usage_error(in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, LINCOLN, "2027-2028", "--review-date", "2027-02-30")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --review-date: '2027-02-30' is not a date; write it as "
                             "YYYY-MM-DD, e.g. 2027-05-14\n")
    assert not out.exists()


def test_a_missing_school_year_option_is_a_usage_error(in_repo, tmp_path: Path) -> None:
    result = invoke("renew", LINCOLN, "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "Missing option '--school-year'" in result.stderr


def test_an_invalid_spec_is_reported_and_nothing_is_written(in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, "tests/data/invalid/invalid-date.json")
    assert result.exit_code == 1
    assert result.stderr == (
        "tests/data/invalid/invalid-date.json:31:12: $.term.end: \"2027-02-30\" is not a valid "
        "date; write it as YYYY-MM-DD, e.g. 2026-08-17\n")
    assert not out.exists()


def test_a_renewal_that_would_be_invalid_is_reported_in_the_new_file_and_not_written(
        in_repo, tmp_path: Path) -> None:
    result, out = renew(tmp_path, LINCOLN, "2027-2028", "--review-date", "2025-01-10")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{out}:")
    assert lines[0].endswith("$.annual_review.review_date: the review date (2025-01-10) is more "
                             "than a year before the term starts (2027-08-10); check the date")
    assert lines[1] == (f"{out}: not written: the spec renewed from {LINCOLN} would have 1 "
                        "problem(s)")
    assert not out.exists()


# --- the annual_review rules ----------------------------------------------------------------------


def problems_of(tmp_path: Path, data: dict) -> list[str]:
    return [f"{p.json_path}: {p.message}" for p in check_spec(read_spec(write(tmp_path, data)))]


def renewed(tmp_path: Path) -> dict:
    result, out = renew(tmp_path, str(ROOT / LINCOLN))
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_renewed_spec_keeps_its_review_in_schema_version_1_1(tmp_path: Path) -> None:
    data = renewed(tmp_path)
    data["schema_version"] = "1.0"
    assert problems_of(tmp_path, data) == [
        "$.annual_review: 'annual_review' is part of schema version 1.1; set \"schema_version\" "
        "to \"1.1\""]


def test_a_spec_renews_an_earlier_year_and_a_lower_version(tmp_path: Path) -> None:
    data = renewed(tmp_path)
    data["annual_review"]["renewed_from"] = {"school_year": "2027-2028", "version": 2}
    assert problems_of(tmp_path, data) == [  # in the order of the file
        "$.version: the version (2) should be higher than the version it renews (2); it goes up "
        "by one at each renewal",
        "$.annual_review.renewed_from.school_year: this agreement renews 2027-2028, which is not "
        "before its own school year 2027-2028"]


def test_the_review_takes_place_before_the_term_ends(tmp_path: Path) -> None:
    data = renewed(tmp_path)
    data["annual_review"]["review_date"] = "2028-07-01"
    assert problems_of(tmp_path, data) == [
        "$.annual_review.review_date: the review date (2028-07-01) is after the term ends "
        "(2028-06-30); the review comes before the agreement it leads to"]


def test_a_1_0_spec_is_still_read(in_repo) -> None:
    assert load_spec("tests/data/legacy/lincoln-1.0.json").data["schema_version"] == "1.0"
