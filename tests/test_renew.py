"""`docgen renew`: next year's spec, its dates rolled forward, and the list of what to re-confirm."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, examples
from docgen.cli import cli
from docgen.renew import new_id, roll_date
from docgen.renew_dates import move_dates, school_year_of
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
    assert new["schema_version"] == "1.3"
    assert new["version"] == 2
    assert new["id"] == "lincoln-es-bright-futures-2027-28"
    # Monday → Monday, Friday → Friday; 30 June and 1 August are calendar dates and stay
    assert new["term"] == {**old["term"], "start": "2027-08-09", "end": "2028-06-30"}
    schedule = new["services"][0]["schedule"]
    assert (schedule["first_day"], schedule["last_day"]) == ("2027-08-16", "2028-06-02")
    assert new["insurance"]["certificate_due"] == "2027-08-01"
    assert new["family_notices"]["enroll_by"] == "2027-08-27"
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
    assert new["term"]["start"] == "2029-08-13"  # Monday 10 August 2026 → Monday 13 August 2029
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


# --- the dates on the calendar ------------------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long(day: str) -> str:
    """'2026-08-10' → 'Monday, August 10, 2026', as the re-confirm list writes a date."""
    d = dt.date.fromisoformat(day)
    return f"{WEEKDAY_NAMES[d.weekday()]}, {d:%B} {d.day}, {d.year}"


def dates_of(data: dict) -> dict[str, str]:
    found = {"$.term.start": data["term"]["start"], "$.term.end": data["term"]["end"]}
    for i, service in enumerate(data["services"]):
        for name in ("first_day", "last_day"):
            if name in service.get("schedule", {}):
                found[f"$.services[{i}].schedule.{name}"] = service["schedule"][name]
    for path, section, name in (("$.insurance.certificate_due", "insurance", "certificate_due"),
                                ("$.family_notices.enroll_by", "family_notices", "enroll_by")):
        if name in (data.get(section) or {}):
            found[path] = data[section][name]
    if "study" in (data.get("data_sharing") or {}):
        found["$.data_sharing.study.ends"] = data["data_sharing"]["study"]["ends"]
    return found


def first_or_last_of_a_month(day: dt.date) -> bool:
    return day.day == 1 or (day + dt.timedelta(days=1)).month != day.month


@pytest.mark.parametrize("sample_file", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_moved_date_keeps_its_weekday_or_as_a_calendar_date_its_day_of_the_month(
        sample_file: Path, tmp_path: Path) -> None:
    result, out = renew(tmp_path, str(sample_file))
    assert result.exit_code == 0, result.output
    old, new = dates_of(sample(str(sample_file))), dates_of(json.loads(out.read_text()))
    assert old.keys() == new.keys()
    for path in old:
        before, after = dt.date.fromisoformat(old[path]), dt.date.fromisoformat(new[path])
        if first_or_last_of_a_month(before):
            assert (after.year, after.month, after.day) == (before.year + 1, before.month,
                                                            before.day), path
        else:
            assert after.weekday() == before.weekday(), path
            assert abs((after - roll_date(before, 1)).days) <= 3, path
    # and the order of the dates is the order they had
    assert sorted(old, key=lambda p: (old[p], p)) == sorted(new, key=lambda p: (new[p], p))


def test_lincolns_program_days_and_deadlines_keep_their_weekdays(tmp_path: Path) -> None:
    # the issue: the last program day of 2027-2028 fell on a Sunday, enroll-by on a Saturday
    result, out = renew(tmp_path, str(ROOT / LINCOLN))
    new = json.loads(out.read_text(encoding="utf-8"))
    weekdays = {path: WEEKDAY_NAMES[dt.date.fromisoformat(day).weekday()]
                for path, day in dates_of(new).items()}
    assert weekdays == {
        "$.term.start": "Monday", "$.term.end": "Friday",  # 30 June stays 30 June
        "$.services[0].schedule.first_day": "Monday", "$.services[0].schedule.last_day": "Friday",
        "$.insurance.certificate_due": "Sunday",  # 1 August: the date, not the weekday, counts
        "$.family_notices.enroll_by": "Friday"}


def test_the_printed_lines_name_both_weekdays_of_each_moved_date(in_repo, tmp_path: Path
                                                                 ) -> None:
    result, out = renew(tmp_path)
    assert result.exit_code == 0, result.output
    calendar = "check it against the 2027-2028 school calendar"
    assert result.stdout.splitlines()[1:7] == [
        f"- Term start: Monday, August 10, 2026 → Monday, August 9, 2027 (same weekday); "
        f"{calendar}",
        "- Term end: Wednesday, June 30, 2027 → Friday, June 30, 2028 (same date: the last day "
        f"of a month is kept as a calendar date); {calendar}",
        "- First day of Bright Futures After-School Program: Monday, August 17, 2026 → Monday, "
        f"August 16, 2027 (same weekday); {calendar}",
        "- Last day of Bright Futures After-School Program: Friday, June 4, 2027 → Friday, June 2, "
        f"2028 (same weekday); {calendar}",
        "- Insurance certificate due date: Saturday, August 1, 2026 → Sunday, August 1, 2027 "
        "(same date: the first day of a month is kept as a calendar date); check that the "
        "partner can deliver its certificate of insurance by then",
        "- Enroll-by date of the family notices: Friday, August 28, 2026 → Friday, August 27, "
        "2027 (same weekday); check the enrollment deadline against the 2027-2028 school "
        "calendar",
    ]
    items = json.loads(out.read_text(encoding="utf-8"))["annual_review"]["reconfirm"]
    assert [i["field"] for i in items[:6]] == [
        "$.term.start", "$.term.end", "$.services[0].schedule.first_day",
        "$.services[0].schedule.last_day", "$.insurance.certificate_due",
        "$.family_notices.enroll_by"]


def renewed_lines(tmp_path: Path, data: dict, year: str) -> list[str]:
    old = write(tmp_path, data)
    assert check_spec(read_spec(old)) == []
    result, out = renew(tmp_path, old, year)
    assert result.exit_code == 0, result.output
    assert check_spec(read_spec(out)) == []
    return result.stdout.splitlines()


def test_the_29th_of_february_becomes_the_28th_and_says_so(tmp_path: Path) -> None:
    data = sample()
    data.update(school_year="2027-2028", id="lincoln-2027-28")
    data["term"].update(start="2027-08-09", end="2028-02-29")
    del data["services"][0]["schedule"]["first_day"]
    data["services"][0]["schedule"]["last_day"] = "2028-02-28"  # a Monday, not a month's last
    lines = renewed_lines(tmp_path, data, "2028-2029")
    assert ("- Term end: Tuesday, February 29, 2028 → Wednesday, February 28, 2029 (February 28: "
            "2029 has no February 29, and the last day of a month is kept as a calendar date); "
            "check it against the 2028-2029 school calendar") in lines
    assert ("- Last day of Bright Futures After-School Program: Monday, February 28, 2028 → "
            "Monday, February 26, 2029 (same weekday); check it against the 2028-2029 school "
            "calendar") in lines


def test_a_date_whose_nearest_weekday_is_in_the_year_before_takes_the_one_a_week_later(
        tmp_path: Path) -> None:
    # Friday 2 July 2027, a year on: Sunday 2 July 2028; the nearest Friday is 30 June 2028, the
    # last day of the 2027-2028 school year: the term would start before its own school year
    data = sample()
    data.update(school_year="2027-2028", id="lincoln-2027-28")
    data["term"].update(start="2027-07-02", end="2028-06-30")
    data["services"][0]["schedule"].update(first_day="2027-08-16", last_day="2028-06-02")
    data["insurance"]["certificate_due"] = "2027-08-01"
    data["family_notices"]["enroll_by"] = "2027-08-27"
    lines = renewed_lines(tmp_path, data, "2028-2029")
    assert lines[1] == (
        "- Term start: Friday, July 2, 2027 → Friday, July 7, 2028 (same weekday, a week later: "
        "the nearest, Friday, June 30, 2028, is in the 2027-2028 school year, not in 2028-2029); "
        "check it against the 2028-2029 school calendar")


def test_a_term_that_would_end_before_it_starts_ends_on_the_same_weekday_a_week_later(
        tmp_path: Path) -> None:
    # a two-day term: Tuesday 1 June (a calendar date, kept) to Wednesday 2 June; the nearest
    # Wednesday a year on is 31 May 2028, before the term starts on 1 June
    data = sample()
    data["term"].update(start="2027-06-01", end="2027-06-02")
    for name in ("first_day", "last_day"):
        del data["services"][0]["schedule"][name]
    lines = renewed_lines(tmp_path, data, "2027-2028")
    assert lines[1:3] == [
        "- Term start: Tuesday, June 1, 2027 → Thursday, June 1, 2028 (same date: the first day "
        "of a month is kept as a calendar date); check it against the 2027-2028 school calendar",
        "- Term end: Wednesday, June 2, 2027 → Wednesday, June 7, 2028 (same weekday, a week "
        "later: the nearest, Wednesday, May 31, 2028, is before the term start, Thursday, June 1, "
        "2028); check it against the 2027-2028 school calendar"]


def test_a_program_day_keeps_its_place_before_a_deadline(tmp_path: Path) -> None:
    # the first program day, Monday 2 August 2027, was the day after the certificate was due (1
    # August, a calendar date); its nearest Monday, 31 July 2028, would come before it
    data = sample()
    data.update(school_year="2027-2028", id="lincoln-2027-28")
    data["term"].update(start="2027-08-02", end="2028-06-30")
    data["services"][0]["schedule"].update(first_day="2027-08-16", last_day="2028-06-02")
    data["insurance"]["certificate_due"] = "2027-08-01"
    data["family_notices"]["enroll_by"] = "2027-08-27"
    lines = renewed_lines(tmp_path, data, "2028-2029")
    assert lines[1] == (
        "- Term start: Monday, August 2, 2027 → Monday, August 7, 2028 (same weekday, a week "
        "later: the nearest, Monday, July 31, 2028, is before the insurance certificate due date, "
        "Tuesday, August 1, 2028); check it against the 2028-2029 school calendar")


@settings(max_examples=examples(300), deadline=None)
@given(days=st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2032, 12, 31)), min_size=1,
                     max_size=8),
       years=st.integers(1, 6))
def test_moved_dates_keep_their_weekday_their_school_year_and_their_order(
        days: list[dt.date], years: int) -> None:
    moved = move_dates({("date", i): day for i, day in enumerate(days)}, years, 2030)
    kept = [m for m in moved.values() if m.rule != "same_date"]  # the last resort promises less
    for m in moved.values():
        if m.rule == "calendar" or m.rule == "same_date":
            assert m.new == roll_date(m.old, years)
        else:
            assert m.new.weekday() == m.old.weekday()
            assert abs((m.new - roll_date(m.old, years)).days) <= (3 if m.rule == "weekday"
                                                                     else 10)
    for m in kept:
        assert school_year_of(m.new) == school_year_of(m.old) + years
        for other in kept:
            assert (m.old < other.old) == (m.new < other.new)
            assert (m.old == other.old) == (m.new == other.new)


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
    assert new["data_sharing"]["study"]["ends"] == "2028-07-31"
    assert new["data_sharing"]["irb"]["approved_on"] == "2026-06-12"  # a fact of the past
    names = [i["item"] for i in new["annual_review"]["reconfirm"]]
    reasons = {i["item"]: i["reason"] for i in new["annual_review"]["reconfirm"]}
    assert reasons["Study end date"] == (
        "Saturday, July 31, 2027 → Monday, July 31, 2028 (same date: the last day of a month "
        "is kept as a calendar date); the study's duration is part of the FERPA agreement, so "
        "confirm the study goes on until then")
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
    # no temporary file left; the translations of the spec's own text came along
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renewed.json", "renewed.locales"]


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
                             "than a year before the term starts (2027-08-09); check the date")
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


def test_the_date_rules_docstring_examples_hold() -> None:
    import doctest

    import docgen.renew_dates
    result = doctest.testmod(docgen.renew_dates)
    assert result.attempted > 0 and result.failed == 0
