"""The documents agree with the spec and with each other: for every sample and many generated
specs, the term dates, the school year, the parties' names, the amounts, the purposes, the data
elements, the contacts, the times and the notice periods that the MOU, the data-sharing
agreement, the role chart and the English notice print are the spec's, formatted the same way
(by the locale's Formatter), and the same in each document; and every fact the English notice
states of the services and of the sharing is the spec's (:func:`notice_inconsistencies`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import examples
from docgen.formatting import Formatter
from dsa_checks import recipient_inconsistencies
from test_wording import expected_term
from wording_specs import BASES, body, documents, specs


def _days(n: int) -> str:
    return "one day’s" if n == 1 else f"{n} days’"


def _bare(text: str) -> str:
    return text.rstrip().rstrip(".")


def inconsistencies(data: dict[str, Any], docs: dict[str, str]) -> list[str]:
    """What a document of ``data`` prints differently from the spec or from another document."""
    fmt = Formatter("en-US", data.get("currency", "USD"))
    mou, chart = docs["mou"], docs["role-chart"]
    dsa = docs.get("data-sharing-agreement")
    notice = docs.get("notice-en")
    out: list[str] = []

    def need(doc: str | None, name: str, text: str, what: str) -> None:
        if doc is not None and text not in doc:
            out.append(f"{name} does not print {what} as {text!r}")

    parties = data["parties"]
    agreements = {"mou": mou, "data-sharing-agreement": dsa}
    # the term, as the MOU writes it, is the DSA's duration
    term = (f"takes effect on {fmt.date(data['term']['start'])} and ends on "
            f"{fmt.date(data['term']['end'])}")
    for name, doc in agreements.items():
        own = f"This {expected_term(data)} " if name == "mou" else "This Agreement "
        need(doc, name, own + term, "the term")
    for name, doc in docs.items():
        need(doc, name, data["school_year"], "the school year")
    # each party by its legal name, and by the same short name in every agreement
    for key, party in parties.items():
        need(mou, "mou", party["legal_name"], f"the {key}'s legal name")
        if party.get("short_name") and party["short_name"] != party["legal_name"]:
            need(mou, "mou", f"(“{party['short_name']}”)", f"the {key}'s short name")
    for key in ("school", "partner"):
        need(chart, "role-chart", parties[key]["legal_name"], f"the {key}'s legal name")
    sharing = data.get("data_sharing") or {}
    if dsa is not None:
        discloser = parties.get("district") or parties["school"]
        for key, party in (("discloser", discloser), ("partner", parties["partner"])):
            need(dsa, "data-sharing-agreement", party["legal_name"], f"the {key}'s legal name")
            if party.get("short_name") and party["short_name"] != party["legal_name"]:
                need(dsa, "data-sharing-agreement", f"(“{party['short_name']}”)",
                     f"the {key}'s short name")
        # the purpose and each element, as the DSA states them, and the notice repeats them
        purpose = _bare(sharing["purpose"])
        need(dsa, "data-sharing-agreement", f"Purpose. The data is shared {purpose}.",
             "the purpose")
        need(notice, "notice-en", purpose, "the purpose")
        for element in sharing["data_elements"]:
            need(dsa, "data-sharing-agreement", f"| {element['name']} |", "a data element")
            need(dsa, "data-sharing-agreement", element["purpose"], "an element's purpose")
            if sharing["legal_basis"] == "consent":
                need(notice, "notice-en", f"{element['name']}: {_bare(element['purpose'])}.",
                     "a data element on the consent form")
        destruction = sharing.get("destruction") or {}
        if destruction.get("within_days") is not None:
            n = destruction["within_days"]
            need(dsa, "data-sharing-agreement", f"within {n} day{'s' if n != 1 else ''} after",
                 "the destruction deadline")
        if (sharing.get("audit_rights") or {}).get("notice_days") is not None:
            need(dsa, "data-sharing-agreement",
                 f"on {_days(sharing['audit_rights']['notice_days'])} notice", "the audit notice")
    elif notice is not None and "data-sharing-agreement" not in docs:
        if "for this purpose" in notice:
            out.append("notice-en states a purpose of sharing where no data is shared")
    # every contact, in the MOU and the role chart alike; the DSA's data contacts
    for contact in data["contacts"]:
        row = f"| {contact['name']} | {contact.get('title') or '—'} |"
        need(mou, "mou", row, "a contact")
        need(chart, "role-chart", row, "a contact")
        for value in (contact["email"], contact.get("phone")):
            if value:
                need(mou, "mou", value, "a contact's e-mail or phone")
                need(chart, "role-chart", value, "a contact's e-mail or phone")
    # amounts
    for item in (data.get("funding") or {}).get("contributions", []):
        if item.get("amount"):
            need(mou, "mou", f"| {fmt.money(item['amount'])}", "a contribution")
    for field, value in (data.get("insurance") or {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            need(mou, "mou", f" {fmt.money(value)} ", f"insurance ({field})")
    # each service's times and cost, the same in the MOU and the notice
    for service in data["services"]:
        schedule = service["schedule"]
        if schedule.get("start_time") and schedule.get("end_time"):
            times = f"{fmt.time(schedule['start_time'])} to {fmt.time(schedule['end_time'])}"
            need(mou, "mou", times, f"the times of {service['name']}")
            need(notice, "notice-en", times, f"the times of {service['name']}")
        cost = (service.get("cost_to_families") or {}).get("amount")
        if cost:
            need(mou, "mou", f"{fmt.money(cost)} per", f"the cost of {service['name']}")
            need(notice, "notice-en", fmt.money(cost), f"the cost of {service['name']}")
    # the rate, the payment deadline and the interns' wage of the later sections
    rate = (data.get("funding") or {}).get("rate") or {}
    for field in ("amount", "maximum"):
        if rate.get(field):
            need(mou, "mou", f" {fmt.money(rate[field])}", f"the rate ({field})")
    within = ((data.get("funding") or {}).get("payment") or {}).get("within_days")
    if within:
        need(mou, "mou", f"within {within} day{'s' if within != 1 else ''} of receiving it",
             "the payment deadline")
    wage = (data.get("internship") or {}).get("hourly_wage")
    if wage:
        need(mou, "mou", f"at least {fmt.money(wage)} for each hour worked", "the hourly wage")
    # notice periods
    termination = data.get("termination") or {}
    if termination.get("notice_days"):
        need(mou, "mou", f"{_days(termination['notice_days'])} written notice",
             "the termination notice")
    renewal = data["term"].get("renewal_notice_days")
    if renewal is not None:
        need(mou, "mou", f"at least {renewal} day{'s' if renewal != 1 else ''} before it ends",
             "the renewal notice")
    if notice is not None:
        out += notice_inconsistencies(data, notice)
    enroll_by = (data.get("family_notices") or {}).get("enroll_by")
    if enroll_by:
        need(notice, "notice-en", fmt.date(enroll_by), "the enrollment deadline")
    # a value no document invents: no date in the agreements' own lines that the spec lacks
    dates = {fmt.date(v) for v in _values(data) if isinstance(v, str) and _is_date(v)}
    for name, doc in agreements.items():
        for line in body(doc) if doc else []:
            for found in _DATE.findall(line):
                if found not in dates and found not in _free(data):
                    out.append(f"{name} prints a date the spec does not have: {found}")
    return out + recipient_inconsistencies(data, docs)


def notice_inconsistencies(data: dict[str, Any], notice: str) -> list[str]:
    """What the English notice of ``data`` says differently from the spec and the agreements:
    each service as the MOU has it (what it is, its notes, who may join and on what condition,
    what it costs in the spec's words, never "free"); the spec's own way to sign up and no
    fixed school-office line; the records shared on every basis, with why, whose and whether
    students who do not take part are included; the basis's own facts; the consent form's
    terms."""
    fmt = Formatter("en-US", data.get("currency", "USD"))
    out: list[str] = []

    def need(text: str, what: str) -> None:
        if text not in notice:
            out.append(f"notice-en does not print {what} as {text!r}")

    lines = [re.sub(r"^\[[^]]+\] ", "", line) for line in notice.split("\n")]
    costs = lines[lines.index("How much does it cost?") + 1:lines.index("Your child's information")]
    if any(re.search(r"\bfree\b", line) and "pay nothing" not in line for line in costs):
        out.append("notice-en calls a service free")
    for service in data["services"]:
        name = service["name"]
        for line in service["description"].split("\n"):
            if line.strip():
                need(line.strip(), f"the description of {name}")
        notes = service["schedule"].get("notes")
        if notes:
            need(_bare(notes), f"the schedule notes of {name}")
        population = service["population"]
        need(f"{name}: {_bare(population['description'])}", f"who may join {name}")
        if population.get("eligibility"):
            need(f"Who qualifies: {_bare(population['eligibility'])}.",
                 f"the condition to join {name}")
        cost = service.get("cost_to_families") or {}
        if cost.get("waiver"):
            need(_bare(cost["waiver"]), f"the fee waiver of {name}")
        elif not cost.get("amount"):
            need(f"{name}: families pay nothing.", f"that {name} costs families nothing")
    notices = data.get("family_notices") or {}
    if notices.get("how_to_enroll"):
        need(_bare(notices["how_to_enroll"]), "how to enroll")
    if "You can get the form at the school office" in notice:
        out.append("notice-en sends families to the school office for a form")
    sharing = data.get("data_sharing") or {}
    if not sharing.get("shares_student_data"):
        return out
    basis = sharing["legal_basis"]
    for element in sharing["data_elements"]:
        need(f"{element['name']}: {_bare(element['purpose'])}.", "a data element and its purpose")
    if sharing.get("scope"):
        need(f"Whose records: {_bare(sharing['scope'])}.", "whose records are shared")
    others = "This includes the records of students who do not take part in the program."
    if (others in notice) != bool(sharing.get("includes_non_participants")):
        out.append("notice-en says otherwise than the spec whether the records of students who "
                   "do not take part are shared")
    if basis == "studies":
        study = sharing["study"]
        need(_bare(study["description"]), "the study")
        need(f"The study ends on {fmt.date(study['ends'])}.", "when the study ends")
        if sharing.get("irb"):
            need(sharing["irb"]["board"], "the IRB")
    elif basis == "audit_evaluation":
        need(f"an evaluation of {sharing['evaluation']['program']}", "the program evaluated")
        need(_bare(sharing["evaluation"]["activity"]), "the evaluation")
    elif basis == "school_official":
        need(_bare(sharing["school_official"]["institutional_service"]),
             "the school official's service")
    elif basis == "consent":
        consent = sharing["consent"]
        need(f"Return this form to {_bare(consent['collected_by'])}.", "who collects the form")
        choice = consent.get("take_part_without_consent")
        said = {True: "If you say no, your child can still take part in the program.",
                False: "If you say no, your child cannot take part in the program."}
        for value, line in said.items():
            if (line in notice) != (choice is value):
                out.append(f"notice-en says otherwise than the spec what a no means: {line!r}")
    return out


_DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                   r"November|December) \d{1,2}, \d{4}\b")


def _values(node: Any) -> Any:
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    else:
        yield node


def _is_date(text: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def _free(data: dict[str, Any]) -> str:
    return "\n".join(v for v in _values(data) if isinstance(v, str))


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_sample_prints_the_specs_values_the_same_in_every_document(
        name: str, tmp_path: Path) -> None:
    docs = documents(BASES[name], tmp_path, notice=True)
    assert {"mou", "role-chart"} <= set(docs)
    assert inconsistencies(BASES[name], docs) == []


def test_the_check_finds_a_document_that_disagrees(tmp_path: Path) -> None:
    data = BASES["lincoln-elementary-bright-futures"]
    docs = documents(data, tmp_path, notice=True)
    docs["data-sharing-agreement"] = docs["data-sharing-agreement"].replace(
        "June 30, 2027", "30 June 2027").replace("Bright Futures Youth Alliance", "Bright Futures")
    docs["role-chart"] = docs["role-chart"].replace("(510) 555-0142", "510-555-0142")
    found = "\n".join(inconsistencies(data, docs))
    assert "data-sharing-agreement does not print the term" in found
    assert "data-sharing-agreement does not print the partner's legal name" in found
    assert "role-chart does not print a contact's e-mail or phone as '(510) 555-0142'" in found


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=specs())
def test_generated_specs_print_the_same_values_in_every_document(
        data: dict[str, Any], tmp_path_factory: Any) -> None:
    docs = documents(data, tmp_path_factory.mktemp("c"), notice=True)
    assert inconsistencies(data, docs) == []


def test_the_check_finds_a_notice_that_disagrees(tmp_path: Path) -> None:
    data = BASES["lincoln-elementary-bright-futures"]
    docs = documents(data, tmp_path, notice=True)
    assert notice_inconsistencies(data, docs["notice-en"]) == []
    docs["notice-en"] = (docs["notice-en"]
                         .replace("First Thursday of each month, October to May.", "")
                         .replace("Family Literacy Nights: families pay nothing.",
                                  "Family Literacy Nights: free.")
                         .replace("can still take part", "cannot take part"))
    found = "\n".join(inconsistencies(data, docs))
    assert "notice-en does not print the schedule notes of Family Literacy Nights" in found
    assert "notice-en calls a service free" in found
    assert "notice-en says otherwise than the spec what a no means" in found
    roosevelt = BASES["roosevelt-high-state-university-study"]
    docs = documents(roosevelt, tmp_path / "r", notice=True)
    docs["notice-en"] = docs["notice-en"].replace(
        "This includes the records of students who do not take part in the program.", "")
    assert ("notice-en says otherwise than the spec whether the records of students who do not "
            "take part are shared") in inconsistencies(roosevelt, docs)
