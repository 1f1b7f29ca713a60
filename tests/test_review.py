"""`docgen review`: the change summary between two years' specs, and the redlined documents."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, examples, require
from docgen.cli import cli
from docgen.spec.positions import source_map
from docgen.renew import renew
from docgen.review.compare import compare
from docgen.review.report import (Review, read_changes, summary_html, summary_json,
                                  summary_markdown)
from docgen.spec.schema import Spec, json_path, load_spec, schema
from test_properties import TEXT, free_text_paths, put

LINCOLN = ROOT / "samples" / "lincoln-elementary-bright-futures.json"


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def write(path: Path, data: dict) -> str:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return str(path)


def as_spec(data: dict, name: str = "spec.json") -> Spec:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Spec(name, data, "0" * 64, source_map(text))


def renewed() -> dict:
    """Return the Lincoln sample renewed for 2027-2028, reviewed on 2027-05-14."""
    old = load_spec(LINCOLN)
    return renew(old, "2027-2028", new_file="new.json",
                 review_date=dt.date(2027, 5, 14)).data


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str, dict]:
    """Return last year's spec, this year's with known changes, and this year's data."""
    new = renewed()
    new["data_sharing"]["data_elements"].append(
        {"name": "Attendance records", "purpose": "to follow up on absences"})
    new["insurance"]["general_liability_per_occurrence"] = 2000000
    new["insurance"]["general_liability_aggregate"] = 3000000
    new["services"].pop(1)  # Family Literacy Nights
    new["contacts"][1]["email"] = "mnguyen@fruitvaleusd.example.org"
    new["contacts"].reverse()  # reordering is noted once, not as removals and additions
    old = tmp_path / "lincoln-2026-27.json"
    old.write_bytes(LINCOLN.read_bytes())
    return str(old), write(tmp_path / "lincoln-2027-28.json", new), new


def texts(changes) -> list[str]:
    return [c.text for c in changes]


# --- the comparison ----------------------------------------------------------------------------


def test_it_describes_each_change_in_plain_words_with_the_schemas_titles(pair) -> None:
    old, new, data = pair
    changes = compare(load_spec(old).data, data)
    assert texts(changes) == [
        "School year: 2026-2027 → 2027-2028",
        "Term › Start date: August 10, 2026 → August 9, 2027",
        "Term › End date: June 30, 2027 → June 30, 2028",
        "Services › Bright Futures After-School Program › Schedule › First day: August 17, 2026 "
        "→ August 16, 2027",
        "Services › Bright Futures After-School Program › Schedule › Last day: June 4, 2027 → "
        "June 2, 2028",
        "Service removed: Family Literacy Nights",
        "Insurance › General liability per occurrence: $1,000,000 → $2,000,000",
        "Insurance › General liability aggregate: $2,000,000 → $3,000,000",
        "Insurance › Certificate due: August 1, 2026 → August 1, 2027",
        "Data sharing › Scope: Students in grades 2 to 5 whose parents sign the consent form, for "
        "the 2026-2027 school year → Students in grades 2 to 5 whose parents sign the consent "
        "form, for the 2027-2028 school year",
        "Data element added to Data sharing: Attendance records",
        "Family notices › Enroll by: August 28, 2026 → August 27, 2027",
        "Contacts: the same items in another order",
        "Contacts › Minh Nguyen › E-mail: minh.nguyen@fruitvaleusd.example.org → "
        "mnguyen@fruitvaleusd.example.org",
    ]


def test_changes_that_need_a_lawyer_are_flagged(pair) -> None:
    old, new, data = pair
    flagged = {c.text: c.legal_reason for c in compare(load_spec(old).data, data)
               if c.legal_review}
    assert flagged == {
        "Insurance › General liability per occurrence: $1,000,000 → $2,000,000": "insurance",
        "Insurance › General liability aggregate: $2,000,000 → $3,000,000": "insurance",
        "Insurance › Certificate due: August 1, 2026 → August 1, 2027": "insurance",
        "Data element added to Data sharing: Attendance records": "FERPA: the student data shared",
        "Data sharing › Scope: Students in grades 2 to 5 whose parents sign the consent form, for "
        "the 2026-2027 school year → Students in grades 2 to 5 whose parents sign the consent "
        "form, for the 2027-2028 school year": "FERPA: the data-sharing agreement's terms",
    }


def test_each_change_has_a_path_a_kind_and_both_values(pair) -> None:
    old, new, data = pair
    by_text = {c.text: c for c in compare(load_spec(old).data, data)}
    end = by_text["Term › End date: June 30, 2027 → June 30, 2028"]
    assert (end.path, end.label, end.kind, end.old, end.new) == (
        "$.term.end", "Term › End date", "changed", "2027-06-30", "2028-06-30")
    added = by_text["Data element added to Data sharing: Attendance records"]
    assert (added.path, added.kind, added.old) == ("$.data_sharing.data_elements[3]", "added",
                                                   None)
    assert added.new == {"name": "Attendance records", "purpose": "to follow up on absences"}
    removed = by_text["Service removed: Family Literacy Nights"]
    assert (removed.path, removed.kind, removed.new) == ("$.services[1]", "removed", None)


def test_reordering_a_list_is_noted_once_not_as_removals_and_additions() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    for items in (new["contacts"], new["services"], new["roles"], new["raci"],
                  new["signatures"], new["data_sharing"]["data_elements"],
                  new["data_sharing"]["authorized_users"], new["funding"]["contributions"],
                  new["space_use"]["rooms"], new["services"][0]["schedule"]["days"],
                  new["recitals"], new["family_notices"]["languages"]):
        items.reverse()
    changes = compare(old, new)
    assert {c.kind for c in changes} == {"reordered"}
    assert not any(c.legal_review for c in changes)
    assert "Contacts: the same items in another order" in texts(changes)
    assert "Recitals: the same items in another order" in texts(changes)


def test_a_field_left_out_is_the_same_as_its_default() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    del new["term"]["auto_renew"]  # default: false, as the old spec says
    new["title"] = "Memorandum of Understanding"  # the default, written in
    assert compare(old, new) == []


def test_the_bookkeeping_of_a_renewal_is_not_a_change() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    new.update(version=7, schema_version="1.1", id="something-else",
               annual_review={"decision": "renew"})
    assert compare(old, new) == []


def test_contacts_are_matched_by_email_when_their_id_changes() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    new["contacts"][4]["id"] = "li_chen"
    new["contacts"][4]["phone"] = "(510) 555-0199"
    assert texts(compare(old, new)) == [
        "Contacts › Li Chen › Contact id: chen → li_chen",
        "Contacts › Li Chen › Phone: (510) 555-0145 → (510) 555-0199",
    ]


def test_a_section_added_or_removed_is_one_change_and_data_sharing_needs_a_lawyer() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    del new["data_sharing"]
    del new["indemnification"]
    changes = compare(old, new)
    assert [(c.path, c.kind, c.legal_review) for c in changes] == [
        ("$.indemnification", "removed", True),
        ("$.data_sharing", "removed", True),
    ]
    assert changes[0].text == "Indemnification removed: Type: mutual"


def test_amounts_days_and_booleans_are_written_as_the_documents_write_them() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    new["funding"]["contributions"][0]["amount"] = 150000.5
    new["services"][0]["schedule"]["days"].append("saturday")
    new["services"][0]["schedule"]["end_time"] = "18:30"
    new["term"]["auto_renew"] = True
    assert texts(compare(old, new)) == [
        "Term › Renews automatically: no → yes",
        "Day added to Services › Bright Futures After-School Program › Schedule: Saturday",
        "Services › Bright Futures After-School Program › Schedule › End time: 6:00\u202fPM → 6:30\u202fPM",
        "Funding and cost sharing › Contributions › FUSD › Amount: $148,500 → $150,000.50",
    ]


# --- the CLI and its files --------------------------------------------------------------------------


def test_review_writes_the_summaries_and_a_redline_per_document(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    out = tmp_path / "review"
    result = invoke("review", old, new, "-o", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{old} (2026-2027, version 1) → {new} (2027-2028, version 2): "
                        "14 changes, 5 for legal review")
    assert lines[1] == ("  legal review (insurance): Insurance › General liability per "
                        "occurrence: $1,000,000 → $2,000,000")
    assert lines[-1].startswith(f"{out}/: wrote summary.md, summary.html, summary.json, "
                                "redline-mou.docx (")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "docgen review"
    assert (summary["old"]["version"], summary["new"]["version"]) == (1, 2)
    assert summary["date"] == "2027-05-14T00:00:00Z"  # the new spec's review date
    docs = {d["path"]: d for d in summary["documents"]}
    assert set(docs) == {"mou.docx", "data-sharing-agreement.docx", "role-chart.docx",
                         *(f"notices/notice-{t}.docx" for t in ("en", "es", "vi", "ar",
                                                                "zh-Hans"))}
    assert docs["mou.docx"]["redline"] == "redline-mou.docx"
    assert docs["mou.docx"]["revisions"] > 0
    assert docs["notices/notice-es.docx"]["redline"] == "redline-notice-es.docx"
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["summary.md", "summary.html", "summary.json"]
                             + [d["redline"] for d in docs.values()])
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert f"- redline-mou.docx (mou.docx, {docs['mou.docx']['revisions']} revisions)" in md


def test_the_redline_is_the_one_redline_makes(pair, tmp_path: Path) -> None:
    from docgen.build.documents import BuildOptions, render_documents
    from docgen.redline.compare import redline

    old, new, _ = pair
    out = tmp_path / "review"
    assert invoke("review", old, new, "-o", str(out), "--no-pdf",
                  "--date", "2027-06-01T09:30:00Z", "--author", "Minh Nguyen").exit_code == 0
    docs = [{kind.output: data for kind, _, data in render_documents(load_spec(f),
                                                                     BuildOptions(tmp_path))}
            for f in (old, new)]
    expected = redline(docs[0]["mou.docx"], docs[1]["mou.docx"], author="Minh Nguyen",
                       date=dt.datetime(2027, 6, 1, 9, 30, tzinfo=dt.timezone.utc),
                       old_name=f"{old}: mou.docx", new_name=f"{new}: mou.docx")
    assert (out / "redline-mou.docx").read_bytes() == expected.docx
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    mou = next(d for d in summary["documents"] if d["path"] == "mou.docx")
    assert (mou["revisions"], mou["changes"]) == (expected.revisions, len(expected.changes))
    assert summary["author"] == "Minh Nguyen"


def test_legal_review_comes_first_in_the_summaries(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    out = tmp_path / "review"
    invoke("review", old, new, "-o", str(out), "--no-pdf")
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert md.index("## For legal review (5)") < md.index("## Other changes (9)")
    assert "- **insurance:** Insurance › General liability per occurrence: $1,000,000 → " \
           "$2,000,000" in md
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert page.index('<section class="legal">') < page.index("Other changes")
    assert "Term › End date:</span> <del>June 30, 2027</del> → <ins>June 30, 2028</ins>" in page


def test_the_same_inputs_give_the_same_bytes(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_specs_given_in_the_wrong_order_or_of_two_partnerships_are_refused(
        pair, tmp_path: Path) -> None:
    old, new, _ = pair
    out = tmp_path / "review"
    result = invoke("review", new, old, "-o", str(out), "--no-pdf")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {old} is for 2026-2027, before {new}'s 2027-2028: give "
                             "last year's spec first, then this year's\n")
    other = str(LINCOLN.parent / "roosevelt-high-state-university-study.json")
    result = invoke("review", str(LINCOLN), other, "-o", str(out), "--no-pdf")
    assert result.exit_code == 2
    assert "are different partnerships; docgen review compares two years of one partnership" \
        in result.stderr
    assert not out.exists()


def test_old_amounts_keep_their_own_currency() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    new["currency"] = "EUR"
    new["insurance"]["general_liability_per_occurrence"] = 900000
    flagged = {c.text: c.legal_reason for c in compare(old, new) if c.legal_review}
    assert flagged["Currency: USD → EUR"] == "the currency of every amount"
    assert "Insurance › General liability per occurrence: $1,000,000 → €900,000" in flagged


def test_identical_specs_have_no_changes(tmp_path: Path) -> None:
    spec = str(LINCOLN)
    out = tmp_path / "review"
    result = invoke("review", spec, spec, "-o", str(out), "--no-pdf", "--date", "2027-05-14")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (f"{spec} (2026-2027, version 1) → {spec} "
                                             "(2026-2027, version 1): no changes")
    assert "## Changes\n\nNo changes.\n" in (out / "summary.md").read_text(encoding="utf-8")
    assert "<p>No changes.</p>" in (out / "summary.html").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"] == []
    assert all(d["revisions"] == 0 for d in summary["documents"])


def test_a_malicious_value_is_escaped_in_the_html_and_the_markdown(tmp_path: Path) -> None:
    data = json.loads(LINCOLN.read_text(encoding="utf-8"))
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> & [link](javascript:1)'
    data["services"][0]["name"] = evil
    data["parties"]["partner"]["short_name"] = "<b>Bright</b>"
    new = write(tmp_path / "new.json", data)
    out = tmp_path / "review"
    assert invoke("review", str(LINCOLN), new, "-o", str(out), "--no-pdf").exit_code == 0
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert ("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x "
            "onerror=alert(1)&gt; &amp; [link](javascript:1)") in page
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)[<\[]", md)  # every < and [ is escaped: Markdown shows them
    assert r'\<script\>alert("x")\</script\>' in md


def test_a_document_only_one_year_has_is_listed_without_a_redline(tmp_path: Path) -> None:
    data = json.loads(LINCOLN.read_text(encoding="utf-8"))
    data["data_sharing"] = {"shares_student_data": False}
    data["family_notices"]["how_to_enroll"] = "Fill in the enrollment form at the school office."
    attachments = data["attachments"]
    data["attachments"] = [a for a in attachments if "consent" not in a["title"]]
    new = write(tmp_path / "new.json", data)
    out = tmp_path / "review"
    result = invoke("review", str(LINCOLN), new, "-o", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert not (out / "redline-data-sharing-agreement.docx").exists()
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert ("- data-sharing-agreement.docx: only in last year's documents, so there is no "
            "redline") in md


def test_the_tracked_changes_date_comes_from_date_then_source_date_epoch_then_the_review(
        pair, tmp_path: Path) -> None:
    old, new, _ = pair

    def date(*args: str, env: dict[str, str] | None = None) -> str:
        out = tmp_path / f"r{len(list(tmp_path.iterdir()))}"
        result = invoke("review", old, new, "-o", str(out), "--no-pdf", *args, env=env)
        assert result.exit_code == 0, result.output
        return json.loads((out / "summary.json").read_text(encoding="utf-8"))["date"]

    assert date("--date", "2027-06-01") == "2027-06-01T00:00:00Z"
    assert date("--date", "2027-06-01T10:00:00+02:00") == "2027-06-01T08:00:00Z"
    assert date("--date", "2027-06-01", env={"SOURCE_DATE_EPOCH": "0"}) == "2027-06-01T00:00:00Z"
    assert date(env={"SOURCE_DATE_EPOCH": "1800000000"}) == "2027-01-15T08:00:00Z"
    assert date(env={"SOURCE_DATE_EPOCH": ""}) == "2027-05-14T00:00:00Z"


def test_without_any_date_it_is_now(tmp_path: Path) -> None:
    out = tmp_path / "review"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert invoke("review", str(LINCOLN), str(LINCOLN), "-o", str(out), "--no-pdf",
                  env={"SOURCE_DATE_EPOCH": ""}).exit_code == 0
    stamp = json.loads((out / "summary.json").read_text(encoding="utf-8"))["date"]
    when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert before <= when <= dt.datetime.now(dt.timezone.utc)


def test_a_bad_date_is_a_usage_error(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    result = invoke("review", old, new, "-o", str(tmp_path / "r"), "--date", "next week")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --date: 'next week' is not a date; write it as YYYY-MM-DD "
                             "or YYYY-MM-DDTHH:MM:SSZ, e.g. 2027-05-14\n")
    assert not (tmp_path / "r").exists()


def test_the_problems_of_both_specs_are_reported_at_once(in_repo, tmp_path: Path) -> None:
    out = tmp_path / "review"
    result = invoke("review", "tests/data/invalid/invalid-date.json",
                    "tests/data/invalid/a-list.json", "-o", str(out), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == (  # in the order of the arguments
        "tests/data/invalid/invalid-date.json:31:12: $.term.end: \"2027-02-30\" is not a valid "
        "date; write it as YYYY-MM-DD, e.g. 2026-08-17\n"
        "tests/data/invalid/a-list.json:1:1: a spec must be a JSON object ({ … }), not a list\n")
    assert not out.exists()


def test_it_refuses_to_overwrite_files_it_did_not_write(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    out = tmp_path / "review"
    out.mkdir()
    (out / "summary.md").write_text("my own summary\n", encoding="utf-8")
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    result = invoke("review", old, new, "-o", str(out), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == (f"{out}/summary.md: was not written by docgen review, or was "
                             "changed after; move it out of the folder, or pass --force to "
                             "replace it\n")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "summary.md"]
    result = invoke("review", old, new, "-o", str(out), "--no-pdf", "--force")
    assert result.exit_code == 0, result.output
    assert (out / "summary.md").read_text(encoding="utf-8").startswith("# Annual review")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_it_replaces_its_own_files_but_not_ones_changed_since(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    out = tmp_path / "review"
    assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    (out / "redline-mou.docx").write_bytes(b"edited by counsel")
    result = invoke("review", old, new, "-o", str(out), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{out}/redline-mou.docx: was not written by docgen review")
    assert (out / "redline-mou.docx").read_bytes() == b"edited by counsel"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_redline_of_a_document_gone_this_year_is_removed_with_the_next_review(
        pair, tmp_path: Path) -> None:
    old, new, data = pair
    out = tmp_path / "review"
    assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    assert (out / "redline-notice-vi.docx").exists()
    data["family_notices"]["languages"].remove("vi")
    write(Path(new), data)
    assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    assert not (out / "redline-notice-vi.docx").exists()


@pytest.mark.slow
def test_the_redlines_become_pdfs(pair, tmp_path: Path) -> None:
    require("soffice")
    old, new, _ = pair
    out = tmp_path / "review"
    result = invoke("review", old, new, "-o", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for doc in summary["documents"]:
        assert doc["pdf"] == doc["redline"].replace(".docx", ".pdf")
        assert (out / doc["pdf"]).read_bytes().startswith(b"%PDF-")
    assert "redline-mou.pdf" in {f["path"] for f in summary["files"]}


# --- properties -------------------------------------------------------------------------------

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
BASE = json.loads(LINCOLN.read_text(encoding="utf-8"))
PATHS = list(free_text_paths(schema(), BASE))


def _covers(change_path: str, edited: str) -> bool:
    return edited == change_path or edited.startswith(change_path + ".") or edited.startswith(
        change_path + "[")


@SETTINGS
@given(data=st.data())
def test_every_edit_of_a_text_is_reported_and_the_summary_round_trips(data) -> None:
    new = copy.deepcopy(BASE)
    chosen = data.draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=6, unique=True))
    edited = []
    for path in chosen:
        value = data.draw(TEXT)
        if value == _get(BASE, path):
            continue
        put(new, path, value)
        edited.append(json_path(path))
    changes = compare(BASE, new)
    for path in edited:
        assert any(_covers(c.path, path) for c in changes), (path, [c.path for c in changes])
    assert all(c.kind in ("changed", "added", "removed") for c in changes)
    review = Review(as_spec(BASE, "old.json"), as_spec(new, "new.json"), changes, "docgen",
                    dt.datetime(2027, 5, 14, tzinfo=dt.timezone.utc))
    assert read_changes(summary_json(review, [])) == changes
    page = summary_html(review)
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|h1|h2|dl|dt|dd|section|ul|li|"
                         r"span|del|ins|div|p|small|table|thead|tbody|tr|th|td|a)\b|!DOCTYPE)",
                         page)
    assert summary_markdown(review).count("\n- ") >= len(changes)


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def test_without_libreoffice_the_docx_and_summaries_are_written_and_the_pdf_problem_named(
        pair, tmp_path: Path) -> None:
    from docgen.pdf.pool import ConverterError
    from docgen.review.write import write_review

    class NoLibreOffice:
        def convert(self, jobs):
            raise ConverterError("PDFs need LibreOffice, which is not installed")

    old, new, _ = pair
    out = tmp_path / "review"
    review = write_review(load_spec(old), load_spec(new), out, author="docgen",
                          date=dt.datetime(2027, 5, 14, tzinfo=dt.timezone.utc), pdf=True,
                          pool=NoLibreOffice())
    assert [p.message for p in review.pdf_errors] == ["PDFs need LibreOffice, which is not installed"]
    assert (out / "redline-mou.docx").is_file() and not (out / "redline-mou.pdf").exists()
    assert ("redline-mou.docx (mou.docx, " in (out / "summary.md").read_text(encoding="utf-8"))
    assert "PDF not written: PDFs need LibreOffice" in (out / "summary.md").read_text(
        encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_document_of_one_year_only_is_named_on_the_terminal(tmp_path: Path) -> None:
    new = renewed()
    new["family_notices"]["languages"] = [
        lang for lang in new["family_notices"]["languages"] if lang != "ar"]
    new_file = write(tmp_path / "lincoln-2027-28.json", new)
    result = invoke("review", str(LINCOLN), new_file, "-o", str(tmp_path / "review"), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert ("  notices/notice-ar.docx: only in last year's documents, so there is no redline"
            in result.stdout.splitlines())


def test_references_read_as_names_not_ids() -> None:
    old = json.loads(LINCOLN.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    principal = next(r for r in new["roles"] if r.get("holder"))
    before = next(c["name"] for c in old["contacts"] if c["id"] == principal["holder"])
    other = next(c for c in new["contacts"] if c["id"] != principal["holder"])
    principal["holder"] = other["id"]
    assert f"Roles › {principal['title']} › Person: {before} → {other['name']}" in texts(
        compare(old, new))


# --- the templates and catalogs the documents were built with ------------------------------------


def _own_templates(folder: Path) -> Path:
    """Return a folder with a district's own MOU template: one paragraph, naming the year."""
    from docx import Document as Word

    folder.mkdir()
    doc = Word()
    doc.add_paragraph("Our district's own memorandum for the {{ school_year }} school year.")
    doc.save(folder / "mou.docx")
    return folder


def test_a_review_with_your_templates_redlines_the_documents_built_from_them(
        pair, tmp_path: Path) -> None:
    import hashlib

    from docgen.build.documents import BuildOptions, render_documents
    from docgen.redline.compare import redline
    from docgen.resources import Resources

    old, new, _ = pair
    templates = _own_templates(tmp_path / "templates")
    out = tmp_path / "review"
    result = invoke("review", old, new, "-o", str(out), "--no-pdf", "--templates", str(templates),
                    "--date", "2027-06-01")
    assert result.exit_code == 0, result.output
    options = BuildOptions(tmp_path, resources=Resources.shipped().using(own_templates=templates))
    docs = [{kind.output: data for kind, _, data in render_documents(load_spec(f), options)}
            for f in (old, new)]
    expected = redline(docs[0]["mou.docx"], docs[1]["mou.docx"], author="docgen",
                       date=dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc),
                       old_name=f"{old}: mou.docx", new_name=f"{new}: mou.docx")
    assert (out / "redline-mou.docx").read_bytes() == expected.docx
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["resources"] == {"templates": str(templates), "catalogs": None}
    own = hashlib.sha256((templates / "mou.docx").read_bytes()).hexdigest()
    shipped = hashlib.sha256((ROOT / "templates/role-chart.docx").read_bytes()).hexdigest()
    for year in ("old", "new"):
        used = {b["document"]: b for b in summary[year]["built_with"]}
        assert used["mou.docx"]["template_sha256"] == own
        assert used["role-chart.docx"]["template_sha256"] == shipped
        assert used["notices/notice-es.docx"]["catalog_sha256"] == hashlib.sha256(
            (ROOT / "locales/es/LC_MESSAGES/docgen.po").read_bytes()).hexdigest()
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert md.count(f"mou.docx from mou.docx (SHA-256 {own[:12]})") == 2  # last year, this year


def test_a_review_with_docgens_templates_records_them_as_docgens(pair, tmp_path: Path) -> None:
    import hashlib

    old, new, _ = pair
    out = tmp_path / "review"
    assert invoke("review", old, new, "-o", str(out), "--no-pdf").exit_code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # docgen's own templates and catalogs, named so, and each document's template as built
    assert summary["resources"] == {"templates": None, "catalogs": None}
    shipped = hashlib.sha256((ROOT / "templates/mou.docx").read_bytes()).hexdigest()
    for year in ("old", "new"):
        used = {b["document"]: b for b in summary[year]["built_with"]}
        assert used["mou.docx"]["template_sha256"] == shipped
        assert used["notices/notice-es.docx"]["catalog_sha256"] == hashlib.sha256(
            (ROOT / "locales/es/LC_MESSAGES/docgen.po").read_bytes()).hexdigest()
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "- **Templates:** docgen's" in markdown and "- **Catalogs:** docgen's" in markdown


def test_a_missing_templates_folder_is_a_usage_error(pair, tmp_path: Path) -> None:
    old, new, _ = pair
    missing = tmp_path / "nowhere"
    result = invoke("review", old, new, "-o", str(tmp_path / "review"), "--templates",
                    str(missing))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--templates': Directory '{missing}' does not exist.")
    assert not (tmp_path / "review").exists()


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    """A copy of the shipped catalogs, to break; a review is given it with --locales."""
    import shutil

    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    return copy


def test_a_review_refuses_notices_from_an_incomplete_catalog_unless_allowed(
        pair, catalogs: Path, tmp_path: Path) -> None:
    old, new, _ = pair
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    text = es.read_text(encoding="utf-8")
    es.write_text(text.replace('msgstr "¿Preguntas?"', 'msgstr ""', 1), encoding="utf-8")
    line = text[:text.index('msgstr "¿Preguntas?"')].count("\n")
    refused = invoke("review", "--locales", str(catalogs), old, new, "-o", str(tmp_path / "a"), "--no-pdf")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"{es}:{line}: no translation of 'Questions?'",
        f"{old}: the family notices were not built: 1 problem in their catalogs "
        "(untranslated, fuzzy or broken); fix the catalogs (docgen i18n check), or pass "
        "--allow-incomplete to build them marked as drafts"]
    assert not (tmp_path / "a").exists()
    allowed = invoke("review", "--locales", str(catalogs), old, new, "-o", str(tmp_path / "b"), "--no-pdf",
                     "--allow-incomplete")
    assert allowed.exit_code == 0, allowed.output
    summary = json.loads((tmp_path / "b/summary.json").read_text(encoding="utf-8"))
    assert summary["resources"]["catalogs"] == str(catalogs)
    assert (tmp_path / "b/redline-notice-es.docx").is_file()
