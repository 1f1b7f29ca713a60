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
    problems = check_spec(as_spec(spec))
    assume(problems == [])
    return spec


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
