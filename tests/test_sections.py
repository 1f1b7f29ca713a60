"""The optional MOU sections that came after schema 1.2 (rates and payment, permissions, food
and health, subcontractors, general terms, faith-based partners, paid internships): each clause
appears only where the spec writes its values, and `docgen validate` asks a faith-based partner
or a paid internship for what it needs (a refusal from schema 1.3 on, a notice before)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from conftest import ROOT, examples
from docgen.cli import cli
from docgen.spec.rules import rule_problems
from docgen.spec.sections import section_notices, version_at_least
from wording_specs import BASES, as_spec, body, documents, specs

SECTIONS = ROOT / "tests" / "data" / "sections"
FAITH = json.loads((SECTIONS / "faith-based-mentoring.json").read_text(encoding="utf-8"))
INTERN = json.loads((SECTIONS / "paid-internship.json").read_text(encoding="utf-8"))
LIBRARY = BASES["jefferson-elementary-public-library"]
LINCOLN = BASES["lincoln-elementary-bright-futures"]

HEADINGS = ["[heading 1] Voluntary Participation and Religious Neutrality",
            "[heading 1] Paid Internships", "[heading 1] Permissions",
            "[heading 1] Food, Allergies, Medication and Medical Emergencies",
            "[heading 1] Subcontractors"]
GENERAL = ["Assignment.", "Severability.", "No third-party beneficiaries.", "Public records.",
           "Names and logos.", "Conflict of interest."]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(tmp_path: Path, data: dict[str, Any]) -> str:
    file = tmp_path / "spec.json"
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return str(file)


# --- the clauses ------------------------------------------------------------------------------


def test_a_spec_without_the_sections_gets_none_of_their_clauses(tmp_path: Path) -> None:
    mou = documents(LIBRARY, tmp_path)["mou"]
    for words in HEADINGS + GENERAL + ["Rate.", "Invoices and payment."]:
        assert words not in mou


def test_the_faith_based_mentoring_mou_states_religious_neutrality_and_no_internship(
        tmp_path: Path) -> None:
    mou = documents(FAITH, tmp_path)["mou"]
    assert ("No religious activity. The services are secular. Greater Hope will not include "
            "religious instruction, worship, prayer or proselytizing in the services") in mou
    assert ("Voluntary participation. Taking part in the services is voluntary. No student is "
            "required to take part, and a student who does not take part loses no grade, credit, "
            "privilege or other benefit at Garfield.") in mou
    assert "Photographs and recordings. Greater Hope will not photograph, film or record " \
           "students." in mou
    assert "Field trips. The services include no field trips." in mou
    assert ("Greater Hope will provide the services only with its own staff and volunteers. It "
            "will not use subcontractors, or the staff or volunteers of another organization, "
            "to provide any part of them.") in mou
    # two parties: the other party; general terms only as written
    assert "No party will use the name, logo or other marks of the other party" in mou
    assert "Public records." not in mou and "Severability." not in mou
    assert "[heading 1] Paid Internships" not in mou and "Food." not in mou


def test_the_internship_mou_names_the_employer_the_wage_and_the_child_labor_law(
        tmp_path: Path) -> None:
    mou = documents(INTERN, tmp_path)["mou"]
    assert ("Employer of record. Acme is the employer of record of each intern placed under "
            "this Agreement.") in mou
    assert "Wages. Each intern is paid at least $18.50 for each hour worked" in mou
    assert "the work permit that the California Labor Code requires" in mou
    assert ("Public records. This Agreement and the records relating to it may be disclosed "
            "under the California Public Records Act") in mou
    assert "[heading 1] Voluntary Participation and Religious Neutrality" not in mou


def test_without_a_child_labor_law_the_internship_names_state_and_federal_law(
        tmp_path: Path) -> None:
    data = copy.deepcopy(INTERN)
    del data["internship"]["child_labor_law"]
    mou = documents(data, tmp_path)["mou"]
    assert "the work permit that state and federal child-labor law requires" in mou


def test_subcontractors_are_bound_only_to_the_sections_the_mou_has(tmp_path: Path) -> None:
    data = copy.deepcopy(LINCOLN)
    del data["insurance"]
    mou = documents(data, tmp_path)["mou"]
    assert "to the terms of this MOU on safety and confidentiality, and remains" in mou


def test_payment_terms_say_each_quarter_and_leave_out_what_is_not_written(
        tmp_path: Path) -> None:
    data = copy.deepcopy(FAITH)
    data["funding"]["payment"] = {"invoice": "quarterly"}
    del data["funding"]["rate"]["maximum"]
    mou = documents(data, tmp_path)["mou"]
    assert "Garfield will pay Greater Hope for the services at the rate below.\n" in mou
    assert "Invoices and payment. Greater Hope will invoice Garfield each quarter.\n" in mou
    assert "Rate. Garfield will pay Greater Hope $150 per mentoring session.\n" in mou


def test_medication_under_the_school_policy_names_the_policy_or_the_district(
        tmp_path: Path) -> None:
    data = copy.deepcopy(LINCOLN)
    data["food_and_health"]["medication"] = "school_policy"
    mou = documents(data, tmp_path)["mou"]
    assert ("Medication. Staff of Bright Futures give a student medication only as the "
            "medication policy of FUSD allows, and only with the written authorizations that "
            "policy requires.") in mou
    data["food_and_health"]["medication_policy"] = "Board Policy 5141.21"
    assert "only as Board Policy 5141.21 allows" in documents(data, tmp_path / "2")["mou"]


# --- validate ---------------------------------------------------------------------------------


def test_a_faith_based_partner_without_its_section_is_noticed_before_schema_1_3(
        tmp_path: Path) -> None:
    data = copy.deepcopy(FAITH)
    del data["faith_based"]
    data["schema_version"] = "1.2"
    file = write(tmp_path, data)
    result = invoke("validate", file)
    assert result.exit_code == 0
    assert result.stdout == f"{file}: valid\n"
    assert result.stderr == (
        f"{file}:23:15: $.parties.partner.type: notice: the partner is faith-based, but the spec "
        "has no 'faith_based' section, so the MOU does not say that the program is voluntary "
        "and free of religious activity; add \"faith_based\": {\"voluntary\": true, "
        "\"no_religious_activity\": true, \"open_to_all\": true}\n")


def test_an_internship_without_employer_or_wage_is_noticed_before_schema_1_3(
        tmp_path: Path) -> None:
    data = copy.deepcopy(INTERN)
    del data["internship"]["employer_of_record"], data["internship"]["hourly_wage"]
    data["schema_version"] = "1.2"
    file = write(tmp_path, data)
    result = invoke("validate", file)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{file}:107:17: $.internship: notice: a paid internship needs 'employer_of_record' "
        "(which party hires and pays the interns) and 'hourly_wage' (what each intern is paid "
        "an hour); add them\n")


def as_1_3(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["schema_version"] = "1.3"
    return data


def test_from_schema_1_3_a_faith_based_partner_without_its_section_is_refused() -> None:
    data = as_1_3(FAITH)
    del data["faith_based"]
    spec = as_spec(data)
    messages = [str(p) for p in rule_problems(spec)]
    assert [m.split(": ", 1)[1] for m in messages] == [
        "$.parties.partner.type: the partner is faith-based, but the spec has no 'faith_based' "
        "section, so the MOU does not say that the program is voluntary and free of religious "
        "activity; add \"faith_based\": {\"voluntary\": true, \"no_religious_activity\": true, "
        "\"open_to_all\": true}"]
    assert section_notices(spec) == []


def test_from_schema_1_3_a_faith_based_section_must_rule_out_religious_activity() -> None:
    data = as_1_3(FAITH)
    data["faith_based"]["no_religious_activity"] = False
    assert [str(p).split(": ", 1)[1] for p in rule_problems(as_spec(data))] == [
        "$.faith_based: does not promise a program without religious instruction, worship or "
        "proselytizing, which a program in a public school must be; add "
        "\"no_religious_activity\": true"]


def test_from_schema_1_3_an_internship_without_a_wage_is_refused() -> None:
    data = as_1_3(INTERN)
    del data["internship"]["hourly_wage"]
    assert [str(p).split(": ", 1)[1] for p in rule_problems(as_spec(data))] == [
        "$.internship: a paid internship needs 'hourly_wage' (what each intern is paid an "
        "hour); add it"]


def test_the_section_specs_are_valid_without_notices(in_repo) -> None:
    result = invoke("validate", "tests/data/sections")
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("version, expected", [("1.0", False), ("1.2", False), ("1.3", True),
                                               ("1.10", True), ("2.0", True)])
def test_schema_versions_compare_as_numbers(version: str, expected: bool) -> None:
    assert version_at_least({"schema_version": version}, "1.3") is expected


# --- many generated specs ---------------------------------------------------------------------

#: a clause of each later section: the words that start it, and whether a spec writes it
CLAUSES: list[tuple[str, Any]] = [
    ("Rate. ", lambda d: (d.get("funding") or {}).get("rate")),
    ("Invoices and payment. ", lambda d: (d.get("funding") or {}).get("payment")),
    ("Permission to take part. ", lambda d: (d.get("permissions") or {}).get("participation")),
    ("Photographs and recordings. ", lambda d: (d.get("permissions") or {}).get("media")),
    ("Field trips. ", lambda d: (d.get("permissions") or {}).get("field_trips")),
    ("Food. ", lambda d: (d.get("food_and_health") or {}).get("food")),
    ("Allergies and health needs. ", lambda d: (d.get("food_and_health") or {}).get("allergies")),
    ("Medication. ", lambda d: (d.get("food_and_health") or {}).get("medication")),
    ("Medical emergencies. ",
     lambda d: (d.get("food_and_health") or {}).get("medical_emergencies")),
    ("[heading 1] Subcontractors", lambda d: d.get("subcontractors")),
    ("Employer of record. ", lambda d: (d.get("internship") or {}).get("employer_of_record")),
    ("Wages. ", lambda d: (d.get("internship") or {}).get("hourly_wage")),
    ("Work permits. ", lambda d: (d.get("internship") or {}).get("work_permits")),
    ("Workers’ compensation. ",
     lambda d: (d.get("internship") or {}).get("workers_compensation")),
] + [(f"{label} ", (lambda key: lambda d: (d.get("general_terms") or {}).get(key))(key))
     for label, key in zip(GENERAL, ("assignment", "severability", "no_third_party_beneficiaries",
                                     "public_records_law", "names_and_logos",
                                     "conflict_of_interest"))] + [
    (f"{label} ", (lambda key: lambda d: (d.get("faith_based") or {}).get(key))(key))
    for label, key in (("Voluntary participation.", "voluntary"),
                       ("No religious activity.", "no_religious_activity"),
                       ("Open to all students.", "open_to_all"))]


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=specs())
def test_each_later_clause_appears_exactly_when_the_spec_writes_it(
        data: dict[str, Any], tmp_path_factory: Any) -> None:
    lines = body(documents(data, tmp_path_factory.mktemp("s"))["mou"])
    for start, written in CLAUSES:
        present = any(line.startswith(start) for line in lines)
        assert present == bool(written(data)), (start, written(data))
    # a section's heading stands over at least one of its clauses
    for i, line in enumerate(lines):
        if line in HEADINGS:
            assert i + 1 < len(lines) and not lines[i + 1].startswith("[heading"), line


def test_a_change_to_a_later_section_is_for_legal_review() -> None:
    from docgen.review.compare import compare

    new = copy.deepcopy(LINCOLN)
    new["general_terms"]["public_records_law"] = "Public Records Act of the State of Nevada"
    new["subcontractors"]["flow_down"] = False
    new["food_and_health"]["medication"] = "school_policy"
    flagged = {c.text: c.legal_reason for c in compare(LINCOLN, new) if c.legal_review}
    assert set(flagged.values()) == {
        "the general terms (assignment, public records, conflict of interest…)",
        "subcontractors", "food, allergies, medication and medical emergencies"}
    assert len(flagged) == 3, flagged
