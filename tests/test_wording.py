"""The wording follows the parties and the spec: what the MOU and the data-sharing agreement
say is grammatical for the number and kind of parties, the title, the FERPA basis and the way
the coordinator wrote the free text. Each finding of the agreements issue (§ 2, "Wording follows
the parties") has a test here, and a property test renders many generated specs and checks the
text for the shapes those findings had."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import examples
from dsa_checks import section_problems
from docgen.formatting import Formatter
from wording_specs import (BASES, as_spec, body, documents, free_texts, specs, with_basis,
                           without_lead_agency)

LINCOLN = BASES["lincoln-elementary-bright-futures"]
ROOSEVELT = BASES["roosevelt-high-state-university-study"]
LIBRARY = BASES["jefferson-elementary-public-library"]
CHAVEZ = BASES["chavez-middle-la-clinica-health"]

#: The labels of list items that are sentences ("Who: … ."); other list items are fragments.
SENTENCE_LABELS = ("Who:", "Eligibility:", "When:", "Where:", "Capacity:", "Cost to families:",
                   "Storage:", "At rest:", "In transit:", "Access controls:")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){1,3}|\b(?:Dr|Mr|Ms|Mrs|Inc|No|St|Ave|Blvd|Co|"
                           r"Corp|Ltd|vs|etc|Jr|Sr)\.)$")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:[\s\u202f]*(?:[AaPp]\.?[Mm]\.?))?")


def expected_term(data: dict[str, Any]) -> str:
    title = data.get("title", "Memorandum of Understanding")
    if re.search(r"memorandum of understanding|\bMOU\b", title, re.I):
        return "MOU"
    return "MOA" if re.search(r"memorandum of agreement|\bMOA\b", title, re.I) else "Agreement"


def own_words(text: str, data: dict[str, Any]) -> str:
    """``text`` with the spec's free text blanked out: the words docgen itself wrote."""
    for value in free_texts(data):
        if len(value) > 1:
            text = text.replace(value, "\u2400").replace(value.rstrip().rstrip("."), "\u2400")
    return text


def _joins(line: str) -> list[str]:
    found = []
    if re.search(r"(?<!\.)\.\.(?!\.)", line):
        found.append("two periods")
    if re.search(r" [.,;:](?!\d)", line):
        found.append("a space before punctuation")
    if line.strip() in (",", ";", "."):
        found.append("a line that is a lone punctuation mark")
    for m in re.finditer(r"(\S*)\. ([a-z])", line):
        if not _ABBREVIATION.search(m.group(1) + "."):
            found.append(f"a lowercase word after a period ({m.group(0)!r})")
    if re.search(r"\{\{|\}\}|\{%|%\}", line):
        found.append("a template tag")
    if re.search(r"\bwilful\b", line, re.I):
        found.append("'wilful' (US contracts write 'willful')")
    return found


def _ends_a_sentence(line: str) -> bool:
    return re.search(r"[.:?][”’\")\]]*$", line) is not None


def _needs_ending(line: str) -> str | None:
    """The text of a paragraph that must end as a sentence, or None (headings, table rows,
    list items that are fragments, recitals, signature blocks)."""
    if not line or line.startswith(("[heading", "[Title]", "[Subtitle]", "|", "[landscape]",
                                    "WHEREAS", "[header]", "[footer]")):
        return None
    if line.startswith("[List Bullet] "):
        item = line[len("[List Bullet] "):]
        return item if item.startswith(SENTENCE_LABELS) else None
    return line.split("] ", 1)[1] if line.startswith("[List Number] ") else line


def wording_problems(data: dict[str, Any], docs: dict[str, str]) -> list[str]:
    """What reads wrong in the MOU and the data-sharing agreement of ``data``, one line each."""
    problems = []
    parties = len(data["parties"])
    term = expected_term(data)
    fmt = Formatter("en-US", data.get("currency", "USD"))
    times = {fmt.time(s["schedule"][k]) for s in data["services"]
             for k in ("start_time", "end_time") if s["schedule"].get(k)}
    for kind in ("mou", "data-sharing-agreement"):
        if kind not in docs:
            continue
        lines = body(docs[kind])
        signing = next((i for i, l in enumerate(lines) if l.startswith("IN WITNESS")), len(lines))
        owns = own_words("\n".join(lines), data).split("\n")
        if len(owns) != len(lines):
            owns = [own_words(line, data) for line in lines]
        for number, (line, own) in enumerate(zip(lines, owns)):
            problems += [f"{kind}: {p}: {line}" for p in _joins(line)]
            if re.search(r"\bnone\b", own, re.I):
                problems.append(f"{kind}: 'None' leaks: {line}")
            if re.search(r"\beither party\b", own, re.I) and parties != 2:
                problems.append(f"{kind}: 'either party' with {parties} parties: {line}")
            if re.search(r"\bthe others\b", own) and kind == "mou":
                problems.append(f"{kind}: 'the other(s)' without its noun: {line}")
            for found in _TIME.findall(own):
                if found not in times:
                    problems.append(f"{kind}: a time not in the locale's style ({found!r}): {line}")
            text = _needs_ending(line) if number < signing else None
            if text is not None and not _ends_a_sentence(text):
                problems.append(f"{kind}: a paragraph without a final period: {line}")
        own_text = "\n".join(owns)
        if kind == "mou" and f"(this “{term}”)" not in own_text:
            problems.append(f"mou: the defined term is not (this “{term}”)")
        if term != "MOU" and re.search(r"\bMOU\b", own_text):
            problems.append(f"{kind}: says 'MOU' of an agreement titled {data.get('title')!r}")
    return problems + section_problems(data, docs)


# --- each finding ---------------------------------------------------------------------------


def test_with_four_parties_any_party_may_end_it_and_disputes_go_to_the_signatories(
        tmp_path: Path) -> None:
    mou = documents(CHAVEZ, tmp_path)["mou"]
    assert "Any party may end this MOU for any reason by giving the other parties 90 days’ " \
           "written notice." in mou
    assert ("first between the people who carry out the services day to day, then between the "
            "people who sign this MOU for FUSD, La Clínica, and CIS East Bay. If the "
            "disagreement is not resolved within 30 days, any party may end this MOU") in mou
    assert "either party" not in mou.lower() and "executive director" not in mou


def test_with_two_parties_either_party_may_end_it_and_gives_the_other_party_notice(
        tmp_path: Path) -> None:
    mou = documents(LIBRARY, tmp_path)["mou"]
    assert ("then between the people who sign this MOU for Jefferson Elementary School and "
            "Oakland Public Library.") in mou
    assert "Each party names the people below to carry out this MOU and will tell the other " \
           "party in writing" in mou
    mou = documents(ROOSEVELT, tmp_path)["mou"]
    assert "Either party may end this Agreement for any reason by giving the other party 60 " \
           "days’ written notice." in mou
    assert "hold harmless the other party, and its officers, employees and agents" in mou


@pytest.mark.parametrize("kind", ["faith_based", "business", "university"])
def test_a_dispute_never_goes_to_an_executive_director_the_partner_may_not_have(
        kind: str, tmp_path: Path) -> None:
    data = copy.deepcopy(LIBRARY)
    data["parties"]["partner"]["type"] = kind
    if kind == "faith_based":
        data["faith_based"] = {"voluntary": True, "no_religious_activity": True}
    assert "executive director" not in documents(data, tmp_path)["mou"].lower()


def test_the_defined_term_follows_the_title(tmp_path: Path) -> None:
    docs = documents(ROOSEVELT, tmp_path)
    assert ("This Research and Tutoring Partnership Agreement (this “Agreement”) is made "
            "between") in docs["mou"]
    assert "MOU" not in docs["mou"] and "MOU" not in docs["data-sharing-agreement"]
    assert ("It forms part of the Research and Tutoring Partnership Agreement between the "
            "parties for the 2026-2027 school year. In this Agreement") in docs[
        "data-sharing-agreement"]
    assert ("A breach of this Agreement is a material breach of the Research and Tutoring "
            "Partnership Agreement") in docs["data-sharing-agreement"]
    lincoln = documents(LINCOLN, tmp_path)
    assert "This Memorandum of Understanding (this “MOU”)" in lincoln["mou"]
    assert "school year (the “MOU”)." in lincoln["data-sharing-agreement"]


def test_services_are_for_the_school_each_at_its_own_place(tmp_path: Path) -> None:
    data = copy.deepcopy(LIBRARY)
    data["services"][0]["location"] = "Oakland Public Library, Main Branch"
    mou = documents(data, tmp_path)["mou"]
    assert "will provide the following services for Jefferson Elementary School." in mou
    assert "services at Jefferson" not in mou
    assert "Where: Oakland Public Library, Main Branch." in mou


def test_a_grade_range_is_said_once(tmp_path: Path) -> None:
    mou = documents(LINCOLN, tmp_path)["mou"]
    assert "Who: Students in grades 2 to 5 whose families enroll them." in mou
    assert "Who: Families of program participants, and any Lincoln family (grades PK to 5 and " \
           "adults)." in mou
    assert "Who: Ninth graders enrolled in Algebra I." in documents(ROOSEVELT, tmp_path)["mou"]
    assert "(grades 6 to 8)" in documents(CHAVEZ, tmp_path)["mou"]


def test_a_named_funding_program_takes_its_article(tmp_path: Path) -> None:
    mou = documents(LINCOLN, tmp_path)["mou"]
    assert "Part of it is funded by the After School Education and Safety (ASES) Program." in mou
    data = copy.deepcopy(LINCOLN)
    data["funding"]["grant"] = "Measure G"
    assert "Part of it is funded by Measure G." in documents(data, tmp_path)["mou"]


def test_destruction_methods_read_as_one_phrase_or_a_list(tmp_path: Path) -> None:
    dsa = documents(CHAVEZ, tmp_path)["data-sharing-agreement"]
    assert "It will destroy the data by secure deletion." in dsa
    lines = documents(LINCOLN, tmp_path)["data-sharing-agreement"].splitlines()
    at = lines.index("It will destroy the data by these methods:")
    assert lines[at + 1:at + 3] == ["[List Bullet] deleting electronic files and emptying the trash",
                                    "[List Bullet] cross-cut shredding of paper records"]


def test_scope_eligibility_and_labelled_free_text_end_with_a_period(tmp_path: Path) -> None:
    assert "Eligibility: Students whose first-quarter grade is below C, or who ask for help." \
        in documents(ROOSEVELT, tmp_path)["mou"]
    assert "Scope: Students in grades 2 to 5 whose parents sign the consent form, for the " \
           "2026-2027 school year." in documents(LINCOLN, tmp_path)["data-sharing-agreement"]


def test_how_the_pii_is_used_reads_as_one_sentence(tmp_path: Path) -> None:
    data = with_basis(LINCOLN, "audit_evaluation")
    dsa = documents(data, tmp_path)["data-sharing-agreement"]
    assert "How the PII is used: to compare participants' attendance with the school's." in dsa
    assert "The activity: an evaluation of the program's results." in dsa


def test_a_us_contract_writes_willful(tmp_path: Path) -> None:
    mou = documents(CHAVEZ, tmp_path)["mou"]
    assert "sole negligence or willful misconduct of FUSD" in mou and "wilful" not in mou


def test_several_parties_are_listed_with_semicolons_to_the_last(tmp_path: Path) -> None:
    mou = documents(LINCOLN, tmp_path)["mou"]
    assert "(“Lincoln Elementary”); and Bright Futures Youth Alliance" in mou


def test_docgen_writes_every_time_in_the_locales_style_and_leaves_the_coordinators_alone(
        tmp_path: Path) -> None:
    # "2:30 to 6:30 p.m." is the coordinator's own text ($.space_use.schedule): it is printed as
    # written; every time docgen formats is the locale's ("2:45 PM")
    mou = documents(LINCOLN, tmp_path)["mou"]
    assert "When: School days from 2:30 to 6:30 p.m., and the first Thursday" in mou
    assert "2:45\u202fPM to 6:00\u202fPM" in mou
    assert wording_problems(LINCOLN, {"mou": mou}) == []


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_sample_reads_right(name: str, tmp_path: Path) -> None:
    assert wording_problems(BASES[name], documents(BASES[name], tmp_path)) == []


def test_the_checks_find_the_findings_of_the_issue() -> None:
    # the shapes the issue found, as the documents printed them before the fix
    old = {"mou": "\n".join([
        "=== document", "This Research and Tutoring Partnership Agreement (this “MOU”) is made.",
        "Either party may end this MOU for any reason by giving the others 30 days’ notice.",
        "[List Bullet] Eligibility: Students who ask for help",
        "[List Bullet] When: Monday, 2:45 PM to 6:00 PM.",
        "willful or wilful misconduct.", "How the PII is used. to compare students.",
        "It will destroy the data by these methods: secure deletion..", ","])}
    found = "\n".join(wording_problems(CHAVEZ | {"title": "Research and Tutoring Partnership "
                                                 "Agreement"}, old))
    for shape in ("'either party' with 4 parties", "a paragraph without a final period",
                  "a time not in the locale's style", "'wilful'", "a lowercase word after a period",
                  "two periods", "a lone punctuation mark", "the defined term is not",
                  "says 'MOU'", "'the other(s)'"):
        assert shape in found, shape


# --- many generated specs -------------------------------------------------------------------


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=specs())
def test_generated_specs_read_right(data: dict[str, Any], tmp_path_factory: Any) -> None:
    docs = documents(data, tmp_path_factory.mktemp("w"))
    assert wording_problems(data, docs) == []
