"""The data-sharing agreement's optional sections (where data is stored, no profiling,
subcontractors, health records) and its several recipients: each clause appears only when the
spec writes its values, says what they say, and binds each recipient the spec names."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REVIEW_NOTICE, ROOT
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docgen.spec.model import schema
from docgen.spec.schema import check_spec
from docxtext import plain_text
from wording_specs import BASES, as_spec, with_basis

LINCOLN = BASES["lincoln-elementary-bright-futures"]
CHAVEZ = BASES["chavez-middle-la-clinica-health"]
TWO = ROOT / "tests" / "data" / "dsa" / "chavez-with-cis-as-recipient.json"
TWO_RECIPIENTS: dict[str, Any] = json.loads(TWO.read_text(encoding="utf-8"))
SOPIPA = "California Education Code § 22584 (SOPIPA)"


def texts(data: dict[str, Any], tmp: Path) -> dict[str, str]:
    """The plain text of each document of the valid ``data``, by kind (notices by language)."""
    spec = as_spec(data)
    assert check_spec(spec) == []
    return {kind.kind + (f"-{kind.locale}" if kind.locale else ""): plain_text(blob)
            for kind, _, blob in render_documents(spec, BuildOptions(tmp))}


def dsa(data: dict[str, Any], tmp: Path) -> str:
    return texts(data, tmp)["data-sharing-agreement"]


def sharing(data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``data`` with ``fields`` set in ``data_sharing`` (None: left out)."""
    spec = copy.deepcopy(data)
    for name, value in fields.items():
        spec["data_sharing"].pop(name, None)
        if value is not None:
            spec["data_sharing"][name] = value
    return spec


# --- each commitment: left out, no clause; written in, its clause -----------------------------

DEV = "personal devices (computers, phones or tablets that its staff or volunteers own)"
MEDIA = "removable media (such as USB drives or external disks)"
#: each commitment of the new sections: the spec, the field and its value, the words it puts there
COMMITMENTS = [
    (("storage_limits", "locations"), ["servers located in the United States"],
     "Bright Futures will store the data only in the following places:"),
    (("storage_limits", "personal_devices"), False,
     f"Bright Futures will not store the data on {DEV}."),
    (("storage_limits", "removable_media"), False,
     f"Bright Futures will not copy the data to {MEDIA}."),
    (("no_profiling", "no_student_profiles"), True,
     "to build a profile of a student, except for the purpose of this Agreement"),
    (("no_profiling", "no_targeted_advertising"), True,
     "use the data to target advertising to students or their families"),
    (("no_profiling", "no_sale"), True, "sell, rent or trade the data."),
    (("subcontractors", "allowed"), False,
     "Bright Futures will not let any subcontractor or service provider access the data."),
    (("subcontractors", "prior_written_approval"), True,
     "only with the prior written approval of FUSD"),
    (("subcontractors", "written_agreement"), True,
     "each subcontractor or service provider will sign a written agreement with Bright Futures "
     "that binds it to the same terms on the data as this Agreement."),
    (("subcontractors", "recipient_responsible"), True,
     "Bright Futures remains responsible for what its subcontractors and service providers do "
     "with the data."),
    (("health_records", "hipaa_covered_entity"), True,
     "is a covered entity under the Health Insurance Portability and Accountability Act"),
]


def _base(path: tuple[str, ...]) -> dict[str, Any]:
    """Lincoln without the section of ``path``, or with only what the section requires."""
    section = path[0]
    rest: dict[str, Any] = {"storage_limits": {"locations": ["the District's Google Workspace"]},
                            "no_profiling": {},
                            "subcontractors": {"allowed": True},
                            "health_records": {"partner_keeps": ["Visit notes"]}}[section]
    if path[1] in rest:  # the field the section requires: without it, no section
        return sharing(LINCOLN, **{section: None})
    return sharing(LINCOLN, **{section: rest})


@pytest.mark.parametrize("path, value, words", COMMITMENTS,
                         ids=[".".join(c[0]) for c in COMMITMENTS])
def test_a_section_promises_only_what_the_spec_writes_in(path: tuple[str, ...], value: Any,
                                                         words: str, tmp_path: Path) -> None:
    without = _base(path)
    assert words not in dsa(without, tmp_path / "without")
    written = copy.deepcopy(without)
    section = written["data_sharing"].setdefault(path[0], {})
    section[path[1]] = value
    if path[0] == "storage_limits":
        section.setdefault("locations", ["servers located in the United States"])
    assert words in dsa(written, tmp_path / "with")


def test_each_new_commitment_of_the_schema_has_its_test() -> None:
    new = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if node.get("x-commitment") and "x-default-before-1.2" not in node:
            new.append(path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, path + (name,))

    walk(schema()["properties"]["data_sharing"], ())
    assert sorted(new) == sorted(c[0] for c in COMMITMENTS)


def test_no_section_is_written_when_the_spec_has_none(tmp_path: Path) -> None:
    bare = sharing(LINCOLN, storage_limits=None, no_profiling=None, subcontractors=None)
    text = dsa(bare, tmp_path)
    for heading in ("Where the Data Is Stored", "Subcontractors", "Health Records",
                    "will not:", "Recipient"):
        assert heading not in text


# --- the sections as the samples write them --------------------------------------------------


def test_lincoln_says_where_its_data_is_stored_and_that_it_builds_no_profiles(
        tmp_path: Path) -> None:
    lines = dsa(LINCOLN, tmp_path).splitlines()
    at = lines.index("[heading 1] Where the Data Is Stored")
    assert lines[at + 1:at + 5] == [
        "Bright Futures will store the data only in the following places:",
        "[List Bullet] the District's Google Workspace, in the shared folder set up for this "
        "program",
        "[List Bullet] a locked cabinet in the Bright Futures office at Lincoln Elementary, for "
        "paper records",
        f"Bright Futures will not store the data on {DEV} or on {MEDIA}."]
    at = lines.index("Bright Futures will not:")
    assert lines[at + 1:at + 4] == [
        "[List Bullet] use the data, or anything derived from it, to build a profile of a "
        "student, except for the purpose of this Agreement;",
        "[List Bullet] use the data to target advertising to students or their families; or",
        "[List Bullet] sell, rent or trade the data."]


def test_a_permission_written_in_is_stated_and_only_the_laws_named_are_cited(
        tmp_path: Path) -> None:
    data = sharing(LINCOLN, other_laws=[SOPIPA],
                   storage_limits={"locations": ["servers in the United States"],
                                   "personal_devices": True, "removable_media": False},
                   no_profiling={"no_targeted_advertising": True, "laws": [SOPIPA]})
    text = dsa(data, tmp_path)
    assert f"Bright Futures will not copy the data to {MEDIA}." in text
    assert f"Bright Futures may also keep the data on {DEV}, with the same safeguards." in text
    assert (f"Consistent with {SOPIPA}, bright" not in text
            and f"Consistent with {SOPIPA}, Bright Futures will not:" in text)
    assert ("[List Bullet] use the data to target advertising to students or their "
            "families.") in text
    # without the law in the spec, no law is cited
    text = dsa(sharing(LINCOLN, no_profiling={"no_targeted_advertising": True}), tmp_path / "b")
    assert "Consistent with" not in text and "22584" not in text


def test_subcontractors_may_have_access_on_the_conditions_written(tmp_path: Path) -> None:
    data = sharing(LINCOLN, subcontractors={
        "allowed": True, "prior_written_approval": True, "written_agreement": True,
        "recipient_responsible": True,
        "approved": [{"name": "Social Solutions", "service": "hosts the case-management system."}]})
    lines = dsa(data, tmp_path).splitlines()
    at = lines.index("[heading 1] Subcontractors")
    assert lines[at + 1:at + 4] == [
        "Bright Futures may let a subcontractor or service provider access the data, for the "
        "purpose of this Agreement only and only with the prior written approval of FUSD. Before "
        "it has access, each subcontractor or service provider will sign a written agreement with "
        "Bright Futures that binds it to the same terms on the data as this Agreement. Bright "
        "Futures remains responsible for what its subcontractors and service providers do with "
        "the data.",
        "By signing this Agreement, the parties approve these subcontractors and service "
        "providers:",
        "[List Bullet] Social Solutions: hosts the case-management system"]


def test_the_health_partner_says_which_records_are_health_records_and_which_education_records(
        tmp_path: Path) -> None:
    lines = dsa(CHAVEZ, tmp_path).splitlines()
    at = lines.index("[heading 1] Health Records and Education Records")
    assert lines[at + 1].startswith("Health records. These are health records that La Clínica "
                                    "creates and keeps in providing its own health care")
    assert lines[at + 2].startswith("[List Bullet] Visit notes, diagnoses, prescriptions")
    assert lines[at + 4] == (
        "Health records that La Clínica creates in providing its own health care, and not on "
        "behalf of FUSD, are not education records under FERPA unless they are given to FUSD. La "
        "Clínica is a covered entity under the Health Insurance Portability and Accountability "
        "Act (“HIPAA”) and keeps these health records as HIPAA and its regulations require.")
    assert lines[at + 5].startswith("Education records. These records are kept by FUSD and are "
                                    "education records under FERPA")
    assert lines[at + 6] == ("[List Bullet] The school nurse's health office log and medication "
                             "records")
    assert lines[at + 8] == (
        "Records disclosed. Records that FUSD discloses to La Clínica under this Agreement remain "
        "personally identifiable information from education records, governed by FERPA and its "
        "limits on redisclosure in 34 CFR § 99.33, even when La Clínica keeps them with its "
        "health records.")
    # without the section, nothing is said of health records
    text = dsa(sharing(CHAVEZ, health_records=None), tmp_path / "none")
    assert "Health Records and Education Records" not in text and "HIPAA”" not in text


# --- several recipients ----------------------------------------------------------------------


def test_each_recipient_is_named_defined_bound_and_signs(tmp_path: Path) -> None:
    text = dsa(TWO_RECIPIENTS, tmp_path)
    lines = text.splitlines()
    assert lines[1] == ("[Subtitle] Fruitvale Unified School District, La Clínica de la "
                        "Comunidad, Inc. and Communities In Schools of the East Bay · School year "
                        "2026-2027")
    assert ("which discloses the data, and La Clínica de la Comunidad, Inc., a California nonprofit "
            "public benefit corporation and federally qualified health center (“La Clínica”); and "
            "Communities In Schools of the East Bay, a California nonprofit public benefit "
            "corporation (“CIS East Bay”) (each a “Recipient”), which receive it.") in text
    assert "FUSD designates each Recipient as a school official" in text
    assert "Each Recipient will use the data only for the purpose stated" in text
    assert "Each Recipient will destroy all PII" in text
    # each with its own authorized users
    at = lines.index("Only the following people at La Clínica may access the data, each because "
                     "they need it for the purpose of this Agreement. Before access, each will "
                     "sign an acknowledgement that they have read this Agreement and will keep "
                     "the data confidential.")
    assert lines[at + 1:at + 3] == ["[List Bullet] Health Center Manager",
                                    "[List Bullet] Clinical Social Worker"]
    assert lines[at + 3].startswith("Only the following people at CIS East Bay may access")
    assert lines[at + 4] == ("[List Bullet] CIS Site Coordinator: tracks referrals and the "
                             "attendance of referred students")
    # each signs
    signing = lines[lines.index("IN WITNESS WHEREOF, the parties have signed this Agreement on "
                                "the dates below."):]
    for name in ("La Clínica de la Comunidad, Inc.", "Communities In Schools of the East Bay",
                 "Name: Omar Haddad"):
        assert name in signing
    assert "[header] Student Data-Sharing Agreement · FUSD, La Clínica and CIS East Bay" in text


def test_one_recipient_reads_as_before(tmp_path: Path) -> None:
    text = dsa(CHAVEZ, tmp_path)
    assert "Recipient" not in text and "Communities In Schools of the East Bay\nSignature" not in text
    assert "which discloses the data, and La Clínica de la Comunidad, Inc." in text
    assert "Only the following people may access the data" in text


def test_the_consent_form_names_every_recipient_in_every_language(tmp_path: Path) -> None:
    docs = texts(with_basis(TWO_RECIPIENTS, "consent"), tmp_path)
    assert ("Fruitvale Unified School District asks your permission to share some of your "
            "child's school records with La Clínica de la Comunidad, Inc. and Communities In "
            "Schools of the East Bay.") in docs["notice-en"]
    assert ("☐ Yes, I allow Fruitvale Unified School District to share these records with La "
            "Clínica de la Comunidad, Inc. and Communities In Schools of the East Bay.") in docs[
        "notice-en"]
    assert "La Clínica de la Comunidad, Inc. y Communities In Schools of the East Bay" in docs[
        "notice-es"]
    for tag in ("vi", "ar", "zh-Hans"):
        notice = docs[f"notice-{tag}"]
        for name in ("La Clínica de la Comunidad, Inc.", "Communities In Schools of the East Bay"):
            assert notice.count(name) >= 3, (tag, name)
    assert "identify each Recipient as a party to whom they may be disclosed" in docs[
        "data-sharing-agreement"]


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_lead_agency_named_as_a_recipient_may_handle_records(in_repo) -> None:
    # the same work is refused while the lead agency is not a recipient
    # (tests/data/invalid/lead-agency-handles-records.err)
    result = invoke("validate", "tests/data/dsa/chavez-with-cis-as-recipient.json")
    assert (result.exit_code, result.stdout) == (
        0, "tests/data/dsa/chavez-with-cis-as-recipient.json: valid\n")
    # the only lines on stderr are the notices of languages no contact speaks (and of the
    # translations no person has reviewed)
    assert all("notice: no contact speaks" in line or line.startswith(REVIEW_NOTICE)
               for line in result.stderr.splitlines())
    refused = invoke("validate", "tests/data/invalid/lead-agency-handles-records.json")
    assert refused.exit_code == 1
    assert ("or name CIS East Bay as a recipient of the data: add {\"party\": \"lead_agency\"} to "
            "$.data_sharing.additional_recipients, with its authorized users") in refused.stderr


def test_the_generated_spec_checks_find_a_missing_clause_or_recipient(tmp_path: Path) -> None:
    from dsa_checks import recipient_inconsistencies, section_problems
    from wording_specs import documents

    docs = documents(LINCOLN, tmp_path / "l")
    assert section_problems(LINCOLN, docs) == []
    docs["data-sharing-agreement"] = docs["data-sharing-agreement"].replace(
        "[heading 1] Where the Data Is Stored", "[heading 1] Storage")
    assert section_problems(LINCOLN, docs) == [
        "data-sharing-agreement lacks the storage section: '[heading 1] Where the Data Is Stored'"]
    docs = documents(TWO_RECIPIENTS, tmp_path / "t")
    assert recipient_inconsistencies(TWO_RECIPIENTS, docs) == []
    docs["data-sharing-agreement"] = docs["data-sharing-agreement"].replace(
        "Only the following people at CIS East Bay", "Only these people")
    assert recipient_inconsistencies(TWO_RECIPIENTS, docs) == [
        "data-sharing-agreement does not list the lead_agency's authorized users"]


def test_the_mou_names_every_recipient_of_the_data(tmp_path: Path) -> None:
    two = texts(TWO_RECIPIENTS, tmp_path / "two")["mou"]
    assert ("FUSD will share information from students’ education records with La Clínica and "
            "CIS East Bay only as set out in the Student Data-Sharing Agreement") in two
    assert ("each party that receives student data will return or destroy the student data "
            "it holds") in two
    one = texts(CHAVEZ, tmp_path / "one")["mou"]
    assert "education records with La Clínica only as set out" in one
    assert "La Clínica will return or destroy the student data it holds" in one


def test_a_lead_agency_that_receives_data_is_bound_by_the_safety_insurance_and_indemnity_terms(
        tmp_path: Path) -> None:
    two = texts(TWO_RECIPIENTS, tmp_path / "two")["mou"]
    assert "Before any staff member or volunteer of La Clínica or CIS East Bay works with" in two
    assert ("La Clínica and CIS East Bay will each keep the following insurance in force at its "
            "own cost") in two
    assert "Each of them will give FUSD a certificate of insurance" in two
    assert ("La Clínica and CIS East Bay will each defend, indemnify and hold harmless Fruitvale "
            "Unified School District") in two
    assert "arising from the acts or omissions of that party, its officers" in two
    one = texts(CHAVEZ, tmp_path / "one")["mou"]
    assert "Before any staff member or volunteer of La Clínica works with students" in one
    assert "La Clínica will keep the following insurance in force" in one
    assert "La Clínica will defend, indemnify and hold harmless" in one


def test_the_notice_names_every_recipient_and_its_verbs_agree(tmp_path: Path) -> None:
    data = copy.deepcopy(TWO_RECIPIENTS)
    docs = texts(data, tmp_path / "two")
    en, es = docs["notice-en"], docs["notice-es"]
    assert ("The school shares some of your child's school records with La Clínica and CIS East "
            "Bay, for this purpose:") in en
    assert "They must keep them private and delete them when they no longer need them." in en
    assert "because La Clínica and CIS East Bay do this work for the school" in en
    assert "why La Clínica and CIS East Bay need each one:" in en
    assert "por qué La Clínica y CIS East Bay necesitan cada uno:" in es
    assert "porque La Clínica y CIS East Bay hacen este trabajo" in es
    assert "عندما لا يعودان بحاجة إليها" in docs["notice-ar"]  # the dual: two recipients
    one = texts(CHAVEZ, tmp_path / "one")["notice-en"]
    assert "why La Clínica needs each one:" in one
    assert "It must keep them private and delete them when it no longer needs them." in one
