"""Specs for the wording and consistency tests: the samples, mutated along the lines a
partnership varies (how many parties, what kind of partner, the FERPA basis, the title, the
optional sections, how coordinators write free text), each kept valid; and their documents.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from conftest import SAMPLES
from docgen.build.run import BuildOptions, render_documents
from docgen.spec.positions import source_map
from docgen.spec.schema import Spec, check_spec, schema
from docxtext import normalised
from test_properties import free_text_paths

BASES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES}
PARTNER_TYPES = schema()["$defs"]["party"]["properties"]["type"]["enum"]
TITLES = [None, "Memorandum of Understanding", "Community School Partnership Agreement",
          "Memorandum of Agreement", "Expanded Learning Services Agreement",
          "Partnership MOU"]
GRANTS = ["After School Education and Safety (ASES) Program", "Measure G",
          "a 21st Century Community Learning Centers grant",
          "21st Century Community Learning Centers, Cohort 12", "Oakland Fund for Children and Youth",
          "Title IV, Part B"]
# free text as coordinators write it: with or without a final period, lowercase starts
ELIGIBILITY = ["referred by the student support team", "Students who ask for help.",
               "Students whose first-quarter grade is below C, or who ask for help"]
SCOPES = ["Students in grades 2 to 5 whose parents sign the consent form",
          "ninth graders in the 2026-2027 school year.", "Referred students (see Exhibit A)"]
METHODS = [["secure deletion"], ["deleting electronic files and emptying the trash",
                                 "cross-cut shredding of paper records"],
           ["secure erase of electronic files.", "cross-cut shredding of paper", "return of "
            "any USB drives"]]
GRADES = [[], ["9"], ["2", "3", "4", "5"], ["K", "1"], ["6", "7", "8", "adult"], ["4", "5"],
          ["10", "11", "12"]]
# what families pay, as coordinators write it: nothing said, nothing, billed, a fee with a waiver
COSTS = [None, {"amount": 0, "per": "session"},
         {"amount": 0, "per": "session", "waiver": "La Clínica bills Medi-Cal or private "
          "insurance when a family has it; uninsured students are seen at no cost."},
         {"amount": 25, "per": "month", "waiver": "Families who qualify for free or "
          "reduced-price meals pay nothing"}, {"amount": 40, "per": "term"}]
HOW_TO_ENROLL = [None, "Tell your child's Algebra I teacher, or call the school office.",
                 "sign up online at the district's family portal"]
ENROLL_BY = [None, "2026-09-18"]
OPTIONAL = ["recitals", "shared_vision", "goals", "space_use", "safety", "insurance",
            "indemnification", "funding", "evaluation", "dispute_resolution", "meetings",
            "communication", "attachments", "governing_law"]


def as_spec(data: dict[str, Any]) -> Spec:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Spec("generated.json", data, "0" * 64, source_map(text))


def without_lead_agency(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its lead agency, and everything that names it, taken out."""
    spec = copy.deepcopy(data)
    spec["parties"].pop("lead_agency", None)
    gone = {c["id"] for c in spec["contacts"] if c["party"] == "lead_agency"}
    spec["contacts"] = [c for c in spec["contacts"] if c["id"] not in gone]
    roles = {r["id"] for r in spec["roles"] if r["party"] == "lead_agency"}
    spec["roles"] = [r for r in spec["roles"] if r["id"] not in roles]
    for role in spec["roles"]:
        if role.get("holder") in gone:
            del role["holder"]
    for activity in spec["raci"]:
        activity["assignments"] = {k: v for k, v in activity["assignments"].items()
                                   if k not in roles}
    spec["raci"] = [a for a in spec["raci"] if any("A" in v for v in a["assignments"].values())]
    spec.get("responsibilities", {}).pop("lead_agency", None)
    spec["signatures"] = [s for s in spec["signatures"] if s["party"] != "lead_agency"]
    if spec.get("funding"):
        spec["funding"]["contributions"] = [c for c in spec["funding"].get("contributions", [])
                                            if c["party"] != "lead_agency"]
    if spec.get("meetings"):
        spec["meetings"]["participants"] = [p for p in spec["meetings"]["participants"]
                                            if p not in roles]
    return spec


def with_basis(data: dict[str, Any], basis: str) -> dict[str, Any]:
    """``data`` sharing its data under ``basis``, with what that basis needs."""
    spec = copy.deepcopy(data)
    sharing = spec["data_sharing"]
    for name in ("study", "evaluation", "school_official", "irb", "consent"):
        sharing.pop(name, None)
    sharing["legal_basis"] = basis
    if basis == "consent":
        sharing["consent"] = {"collected_by": "the school office.", "signature": "either",
                              "kept_for_years": 3}
    elif basis == "school_official":
        sharing["school_official"] = {
            "institutional_service": "tutoring that school staff would otherwise provide.",
            "annual_notification": "the district's annual FERPA notice."}
    elif basis == "studies":
        sharing["study"] = {"purpose_category": "improving_instruction",
                            "description": "the study compares tutored and untutored students",
                            "ends": spec["term"]["end"]}
    else:
        sharing["evaluation"] = {
            "program": "the After School Education and Safety (ASES) Program",
            "program_support": "state", "activity": "an evaluation of the program's results",
            "use_of_data": "to compare participants' attendance with the school's"}
    return spec


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    """A valid spec: a sample, varied along the lines a partnership varies."""
    spec = copy.deepcopy(BASES[draw(st.sampled_from(sorted(BASES)))])
    if "lead_agency" in spec["parties"] and draw(st.booleans()):
        spec = without_lead_agency(spec)
    spec["parties"]["partner"]["type"] = draw(st.sampled_from(PARTNER_TYPES))
    title = draw(st.sampled_from(TITLES))
    if title is None:
        spec.pop("title", None)
    else:
        spec["title"] = title
    sharing = spec.get("data_sharing")
    if sharing and sharing.get("shares_student_data"):
        spec = with_basis(spec, draw(st.sampled_from(
            ["consent", "school_official", "studies", "audit_evaluation"])))
        sharing = spec["data_sharing"]
        sharing["scope"] = draw(st.sampled_from(SCOPES))
        sharing.setdefault("destruction", {})["methods"] = draw(st.sampled_from(METHODS))
    if sharing and sharing.get("shares_student_data"):
        # the notice's optional facts: records of students who do not take part, a no's effect
        flag = draw(st.sampled_from([None, True, False]))
        sharing.pop("includes_non_participants", None)
        if flag is not None:
            sharing["includes_non_participants"] = flag
        if sharing.get("consent"):
            sharing["consent"].pop("take_part_without_consent", None)
            choice = draw(st.sampled_from([None, True, False]))
            if choice is not None:
                sharing["consent"]["take_part_without_consent"] = choice
    notices = spec.get("family_notices")
    if notices:
        for name, values in (("how_to_enroll", HOW_TO_ENROLL), ("enroll_by", ENROLL_BY)):
            value = draw(st.sampled_from(values))
            notices.pop(name, None)
            if value is not None:
                notices[name] = value
    for service in spec["services"]:
        service["population"]["grades"] = draw(st.sampled_from(GRADES))
        cost = draw(st.sampled_from(COSTS))
        service.pop("cost_to_families", None)
        if cost is not None:
            service["cost_to_families"] = copy.deepcopy(cost)
        if draw(st.booleans()):
            service["population"]["eligibility"] = draw(st.sampled_from(ELIGIBILITY))
        if draw(st.booleans()):
            service["schedule"]["notes"] = "not on school holidays or minimum days"
    if spec.get("funding") and draw(st.booleans()):
        spec["funding"] = {**spec["funding"], "model": draw(st.sampled_from(
            ["grant", "shared", "own_costs"])), "grant": draw(st.sampled_from(GRANTS))}
    for name in draw(st.lists(st.sampled_from(OPTIONAL), max_size=6, unique=True)):
        spec.pop(name, None)
    if draw(st.booleans()):
        spec["termination"] = {**spec.get("termination", {}),
                               "notice_days": draw(st.sampled_from([0, 1, 30]))}
    with_dsa_sections(draw, spec)
    spec = draw(later_sections(spec))
    problems = check_spec(as_spec(spec))
    assume(problems == [])
    return spec


#: the data-sharing agreement's optional sections, and its other recipients
DSA_SECTIONS = ("storage_limits", "no_profiling", "subcontractors", "health_records",
                "additional_recipients")
PLACES = [["servers located in the United States"],
          ["the partner's case-management system (Apricot), hosted in the United States.",
           "a locked file cabinet at the school site"]]
SOPIPA = "California Education Code § 22584 (SOPIPA)"
DSA_FLAGS = {"storage_limits": ("personal_devices", "removable_media"),
             "no_profiling": ("no_student_profiles", "no_targeted_advertising", "no_sale"),
             "subcontractors": ("prior_written_approval", "written_agreement",
                                "recipient_responsible"),
             "health_records": ("hipaa_covered_entity",)}


def with_dsa_sections(draw: Any, spec: dict[str, Any]) -> None:
    """Give the spec's data-sharing agreement (if it has one) each optional section or not,
    each promise in it true, false or left out, and the lead agency as a second recipient or
    not."""
    sharing = spec.get("data_sharing")
    if not (sharing and sharing.get("shares_student_data")):
        return
    for name in DSA_SECTIONS:
        sharing.pop(name, None)
    sections: dict[str, dict[str, Any]] = {
        "storage_limits": {"locations": draw(st.sampled_from(PLACES))},
        "no_profiling": {},
        "subcontractors": {"allowed": draw(st.booleans())},
        "health_records": {"partner_keeps": ["Visit notes and diagnoses"],
                           "school_keeps": draw(st.sampled_from(
                               [[], ["The school nurse's health log."]]))}}
    for name in draw(st.lists(st.sampled_from(sorted(sections)), unique=True)):
        section = sections[name]
        if name == "subcontractors" and not section["allowed"]:
            sharing[name] = section  # no terms for subcontractors none may be
            continue
        for flag in DSA_FLAGS[name]:
            value = draw(st.sampled_from([None, True, False]))
            if value is not None:
                section[flag] = value
        sharing[name] = section
    if any(sharing.get("no_profiling", {}).values()) and draw(st.booleans()):
        sharing["other_laws"] = list(sharing.get("other_laws", [])) + [SOPIPA]
        sharing["no_profiling"]["laws"] = [SOPIPA]
    if sharing.get("subcontractors", {}).get("allowed") and draw(st.booleans()):
        sharing["subcontractors"]["approved"] = [{"name": "Social Solutions",
                                                  "service": "hosts the case-management system"}]
    if "lead_agency" in spec["parties"] and draw(st.booleans()):
        sharing["additional_recipients"] = [{"party": "lead_agency", "authorized_users": draw(
            st.sampled_from([[], [{"name": "Site coordinator", "reason": "tracks referrals"}]]))}]


def documents(data: dict[str, Any], tmp: Path, *, notice: bool = False) -> dict[str, str]:
    """The plain text of each document of ``data``: mou, data-sharing-agreement, role-chart,
    and (with ``notice``) notice-en, the English notice only."""
    spec = copy.deepcopy(data)
    if spec.get("family_notices"):
        if notice:
            spec["family_notices"]["languages"] = ["en"]
        else:
            del spec["family_notices"]
    assert check_spec(as_spec(spec)) == []
    return {kind.kind + (f"-{kind.locale}" if kind.locale else ""): normalised(blob)
            for kind, _, blob in render_documents(as_spec(spec), BuildOptions(tmp))}


def free_texts(data: dict[str, Any]) -> list[str]:
    """Every free-text value of ``data`` (schema 'text' and 'line'), longest first."""
    values = set()
    for path in free_text_paths(schema(), data):
        value: Any = data
        for key in path:
            value = value[key]
        values.add(value)
    return sorted(values, key=len, reverse=True)


def body(text: str) -> list[str]:
    """The lines of a document's body (not its headers and footers)."""
    lines = text.split("\n")
    start = lines.index("=== document") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("=== ")), len(lines))
    return lines[start:end]


# --- the optional MOU sections that came after schema 1.2, each sometimes present ----------

#: free text as coordinators write it in these sections, with and without a final period
SECTION_LINES = ["the principal", "the principal or the principal's designee.",
                 "District-approved school buses", "the program enrollment form."]


@st.composite
def later_sections(draw: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each section that came after schema 1.2 (rates and payment, permissions,
    food and health, subcontractors, general terms, faith-based, internship) present or not,
    each of its fields written or left out."""
    spec = copy.deepcopy(data)
    parties = sorted(spec["parties"])
    flag = st.sampled_from([None, True, False])
    text = st.sampled_from(SECTION_LINES)

    def some(**fields: Any) -> dict[str, Any]:
        out = {k: draw(v) for k, v in fields.items() if draw(st.booleans())}
        return {k: v for k, v in out.items() if v is not None}

    if draw(st.booleans()):
        funding = spec.setdefault("funding", {"model": "fee_for_service"})
        if funding["model"] in ("own_costs", "in_kind"):
            funding["model"] = "shared"
        if draw(st.booleans()):
            funding["rate"] = {"amount": draw(st.sampled_from([150, 825.5, 0])),
                               "per": draw(st.sampled_from(["session", "program day."])),
                               **some(maximum=st.sampled_from([5400, 148500]))}
        if draw(st.booleans()):
            funding["payment"] = {"invoice": draw(st.sampled_from(
                ["monthly", "quarterly", "each_semester"])), **some(
                attendance_records=flag, within_days=st.sampled_from([1, 30, 45]),
                cancelled_sessions_unpaid=flag)}
    if draw(st.booleans()):
        spec["permissions"] = some(
            participation=flag,
            media=st.fixed_dictionaries({"allowed": st.booleans()}, optional={
                "release_form": st.just("the District's Media Release Form."),
                "uses": st.just("the partner's newsletter")}),
            field_trips=st.fixed_dictionaries({"allowed": st.booleans()}, optional={
                "approved_by": text, "written_permission": st.booleans(), "transport": text,
                "supervision_ratio": st.sampled_from([1, 10])}))
    if draw(st.booleans()):
        spec["food_and_health"] = some(
            food=st.fixed_dictionaries({"provided_by": st.sampled_from(parties),
                                        "description": st.just("a healthy snack.")},
                                       optional={"standards": st.just("the wellness policy")}),
            allergies=st.fixed_dictionaries({"learned_from": text},
                                            optional={"follow_plans": st.booleans()}),
            medication=st.sampled_from(["none", "school_policy"]),
            medication_policy=st.just("Board Policy 5141.21."),
            medical_emergencies=st.fixed_dictionaries({"notify": text}))
    if draw(st.booleans()):
        approvers = [p for p in ("school", "district") if p in parties]
        spec["subcontractors"] = {"allowed": draw(st.booleans()), **some(
            approved_by=st.sampled_from(approvers), flow_down=flag)}
    if draw(st.booleans()):
        spec["general_terms"] = some(
            severability=flag, assignment=flag, no_third_party_beneficiaries=flag,
            public_records_law=st.sampled_from(["California Public Records Act",
                                                "Texas Public Information Act."]),
            names_and_logos=flag, conflict_of_interest=flag)
    if draw(st.booleans()):
        spec["faith_based"] = some(voluntary=flag, no_religious_activity=flag,
                                   open_to_all=flag)
    if draw(st.booleans()):
        spec["internship"] = some(
            employer_of_record=st.sampled_from(parties),
            hourly_wage=st.sampled_from([16.5, 18, 0]), worksite=text,
            child_labor_law=st.sampled_from([None, "California Labor Code."]),
            work_permits=flag, hours_limits=flag, worksite_supervisor=text,
            workers_compensation=flag)
    return spec
