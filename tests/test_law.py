"""The law the documents cite is right for the parties: where the rules of `validate` stop.

The refusals themselves are bad specs in tests/data/invalid/ (test_validate.py); these tests pin
the other side of each rule, what it must still accept, so that a rule never refuses a spec the
law allows.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from docgen.errors import SpecError
from docgen.spec.schema import load_spec

INVALID = ROOT / "tests/data/invalid"


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "samples" / name).read_text(encoding="utf-8"))
    return data


def messages(data: dict[str, Any], tmp_path: Path) -> list[str]:
    """Return the ``json_path: message`` of every problem of ``data`` (none: [])."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    try:
        load_spec(spec)
    except SpecError as error:
        return [f"{p.json_path}: {p.message}" for p in error.problems]
    return []


def lone_school_audit() -> dict[str, Any]:
    return json.loads((INVALID / "audit-evaluation-by-a-lone-school.json").read_text("utf-8"))


def test_an_audit_designated_by_the_district_is_accepted(tmp_path: Path) -> None:
    data = lone_school_audit()
    data["parties"]["district"] = copy.deepcopy(sample("chavez-middle-la-clinica-health.json")
                                                ["parties"]["district"])
    data["signatures"].append({"party": "district", "name": "Dr. Marcus Bell",
                               "title": "Superintendent"})
    assert messages(data, tmp_path) == []


@pytest.mark.parametrize("kind", ["district", "county_office"])
def test_a_district_or_county_office_that_is_the_school_party_may_designate(
        kind: str, tmp_path: Path) -> None:
    data = lone_school_audit()
    data["parties"]["school"]["type"] = kind
    assert messages(data, tmp_path) == []


@pytest.mark.parametrize("kind", ["public_school", "charter_school"])
def test_a_school_alone_may_not_designate_an_authorized_representative(
        kind: str, tmp_path: Path) -> None:
    data = lone_school_audit()
    data["parties"]["school"]["type"] = kind
    data["parties"]["school"]["legal_status"] = "a California public school"
    [message] = messages(data, tmp_path)
    assert message.startswith("$.data_sharing.legal_basis: the audit or evaluation exception "
                              "can only be used by a state or local educational authority")
    assert ("(if the charter school is its own local educational agency under state law, say "
            "so in $.parties.school.legal_status" in message) == (kind == "charter_school")


@pytest.mark.parametrize("kind, refused", [("charter_school", False), ("public_school", True)])
def test_a_charter_school_that_is_its_own_local_educational_agency_may_designate(
        kind: str, refused: bool, tmp_path: Path) -> None:
    # as Roosevelt's legal status says it is; a public school of a district never is
    data = lone_school_audit()
    data["parties"]["school"]["type"] = kind
    data["parties"]["school"]["legal_status"] = ("a California public charter school and local "
                                                 "educational agency")
    assert bool(messages(data, tmp_path)) == refused


def test_a_lone_school_may_still_use_the_studies_exception(tmp_path: Path) -> None:
    # Roosevelt is a charter school with no district: a study for it is allowed (§ 99.31(a)(6))
    assert sample("roosevelt-high-state-university-study.json")["parties"].keys() == {
        "school", "partner"}
    assert messages(sample("roosevelt-high-state-university-study.json"), tmp_path) == []


def test_a_study_that_ends_on_the_last_day_of_the_term_is_accepted(tmp_path: Path) -> None:
    data = sample("roosevelt-high-state-university-study.json")
    assert data["data_sharing"]["study"]["ends"] == data["term"]["end"]
    assert messages(data, tmp_path) == []
    data["data_sharing"]["study"]["ends"] = "2027-08-01"
    assert messages(data, tmp_path) == [
        "$.data_sharing.study.ends: the study ends (2027-08-01) after the agreement does (the "
        "term ends 2027-07-31); the data-sharing agreement must cover the whole study: end the "
        "study by 2027-07-31, or extend $.term.end"]


def test_the_return_period_is_checked_only_where_the_spec_writes_it_and_shares_data(
        tmp_path: Path) -> None:
    lincoln = sample("lincoln-elementary-bright-futures.json")
    del lincoln["termination"]["data_return_days"]  # the DSA's 45 days then apply
    assert messages(lincoln, tmp_path) == []
    jefferson = sample("jefferson-elementary-public-library.json")
    jefferson["termination"] = {"data_return_days": 30}  # no data shared: no DSA to disagree
    assert messages(jefferson, tmp_path) == []


def test_the_partner_may_handle_the_records_the_agreement_shares_with_it(tmp_path: Path) -> None:
    data = sample("lincoln-elementary-bright-futures.json")
    assert any(a["activity"] == "Share monthly attendance data" for a in data["raci"])
    data["raci"].append({"activity": "Update student records after each session",
                         "assignments": {"site_director": "A/R", "coordinator": "I"}})
    assert messages(data, tmp_path) == []


#: the district's letter that completes the lead agency's, so the activity has one A and an R
OTHER = {"A": "R", "A/R": "I", "R": "A", "C": "A/R", "I": "A/R"}


@pytest.mark.parametrize("letter, refused", [("A", True), ("A/R", True), ("R", True),
                                             ("C", False), ("I", False)])
def test_a_lead_agency_that_does_or_answers_for_work_with_records_is_refused(
        letter: str, refused: bool, tmp_path: Path) -> None:
    data = sample("chavez-middle-la-clinica-health.json")
    data["raci"].append({"activity": "Keep the referral list in the student information system",
                         "assignments": {"district_health": OTHER[letter],
                                         "site_coordinator": letter}})
    found = messages(data, tmp_path)
    assert bool(found) == refused
    if refused:
        assert found == [
            f"$.raci[6].assignments.site_coordinator: CIS East Bay (the lead agency) is "
            f"{letter} for 'Keep the referral list in the student information system', which "
            "handles student records, but the data-sharing agreement covers only La Clínica; "
            "give this work to a role of FUSD, Chávez Middle School or La Clínica, or name CIS "
            "East Bay as a recipient of the data: add {\"party\": \"lead_agency\"} to "
            "$.data_sharing.additional_recipients, with its authorized users"]
        # named as a recipient, it may do the work
        data["data_sharing"]["additional_recipients"] = [{"party": "lead_agency"}]
        assert messages(data, tmp_path) == []


def test_work_that_names_a_shared_data_element_or_its_system_handles_records(
        tmp_path: Path) -> None:
    data = sample("chavez-middle-la-clinica-health.json")
    data["responsibilities"]["lead_agency"].append("Check Aeries each week for absences")
    [message] = messages(data, tmp_path)
    assert message.startswith("$.responsibilities.lead_agency[2]: CIS East Bay (the lead "
                              "agency) would handle student records in this duty")


# --- what the documents say about the law and the parties ----------------------------------


def rendered(name: str, document: str, tmp_path: Path) -> str:
    """Return the text of ``document`` (mou, data-sharing-agreement) built from a sample."""
    from docgen.build.documents import BuildOptions, render_documents
    from docxtext import plain_text

    spec = load_spec(ROOT / "samples" / f"{name}.json")
    for kind, _, data in render_documents(spec, BuildOptions(tmp_path)):
        if kind.kind == document:
            out = tmp_path / f"{document}.docx"
            out.write_bytes(data)
            return plain_text(out)
    raise AssertionError(f"{name} has no {document}")


def test_the_studies_exception_cites_its_own_sanction_not_the_audit_rule(tmp_path: Path) -> None:
    text = rendered("roosevelt-high-state-university-study", "data-sharing-agreement", tmp_path)
    sanction = next(line for line in text.splitlines() if "five years" in line)
    assert sanction.startswith("If the U.S. Department of Education determines that CSU East "
                               "Bay has failed to destroy the data as required")
    assert sanction.endswith("as 34 CFR §§ 99.31(a)(6)(iv) and 99.33(e) provide.")
    assert "99.35" not in text


def test_an_mou_that_shares_no_data_promises_no_return_of_student_data(tmp_path: Path) -> None:
    text = rendered("jefferson-elementary-public-library", "mou", tmp_path)
    assert "return or destroy" not in text
    shares = rendered("lincoln-elementary-bright-futures", "mou", tmp_path)
    assert ("When this MOU ends, Bright Futures will return or destroy the student data it "
            "holds, as the Student Data-Sharing Agreement requires.") in shares.splitlines()


def test_a_district_that_signs_for_its_school_says_so(tmp_path: Path) -> None:
    for document in ("mou", "data-sharing-agreement"):
        text = rendered("chavez-middle-la-clinica-health", document, tmp_path)
        assert ("Fruitvale Unified School District, for itself and on behalf of César Chávez "
                "Middle School") in text.splitlines(), document
