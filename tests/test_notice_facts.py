"""The family notice says what the program is and what happens to the child's records, as the
spec and the agreements say it (issue 12 §2): the schedule's notes, the service and who may
join, the cost as the spec words it (never "free" where families may be billed), the spec's own
way to sign up, what is shared on every FERPA basis and why, the consent form's terms, and
help in every language."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docxtext import plain_text
from wording_specs import as_spec, with_basis

BASES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES}
LINCOLN = BASES["lincoln-elementary-bright-futures"]
ROOSEVELT = BASES["roosevelt-high-state-university-study"]
CHAVEZ = BASES["chavez-middle-la-clinica-health"]
JEFFERSON = BASES["jefferson-elementary-public-library"]
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def notices(data: dict[str, Any], tmp: Path) -> dict[str, list[str]]:
    """The lines of each notice of ``data``, by language, without styles and isolates."""
    out = {}
    for kind, _, blob in render_documents(as_spec(data), BuildOptions(tmp)):
        if kind.kind == "notice":
            lines = plain_text(blob).translate(ISOLATES).splitlines()
            out[str(kind.locale)] = [line.split("] ", 1)[1] if line.startswith("[") else line
                                     for line in lines
                                     if not line.startswith(("[footer]", "[header]"))]
    return out


def section(lines: list[str], heading: str) -> list[str]:
    """The lines under ``heading``, up to the next heading."""
    start = lines.index(heading) + 1
    heads = ("What is it?", "Who can join?", "What do you need to do?", "How much does it cost?",
             "Your child's information", "Your rights", "Questions?", "Other languages",
             "Permission to share school records")
    end = next((i for i in range(start, len(lines)) if lines[i] in heads), len(lines))
    return lines[start:end]


def english(data: dict[str, Any], tmp: Path) -> list[str]:
    spec = copy.deepcopy(data)
    spec["family_notices"]["languages"] = ["en"]
    return notices(spec, tmp)["en"]


# --- what the program is -----------------------------------------------------------------------


def test_a_monthly_event_does_not_read_as_weekly(tmp_path: Path) -> None:
    what = section(english(LINCOLN, tmp_path), "What is it?")
    night = next(i for i, line in enumerate(what) if line.startswith("Family Literacy Nights:"))
    # the schedule's notes follow the service's days, with its description
    assert "First Thursday of each month, October to May." in what[night + 1:night + 3]
    assert ("The program does not run on school holidays. On minimum days it starts at 12:30."
            in what)
    assert any(line.startswith("A monthly evening where families read together") for line in what)


def test_a_clinic_that_bills_insurance_is_not_called_free(tmp_path: Path) -> None:
    cost = section(english(CHAVEZ, tmp_path), "How much does it cost?")
    assert cost[0] == ("School-based health center: No student is turned away. La Clínica bills "
                       "Medi-Cal or private insurance when a family has it; uninsured students "
                       "are seen at no cost.")
    assert not any("free" in line for line in cost)


def test_a_fee_with_a_waiver_shows_the_specs_waiver_text(tmp_path: Path) -> None:
    spec = copy.deepcopy(LINCOLN)
    spec["services"][0]["cost_to_families"] = {
        "amount": 25, "per": "month",
        "waiver": "Families who qualify for free or reduced-price meals pay nothing"}
    cost = section(english(spec, tmp_path), "How much does it cost?")
    assert cost[0] == ("Bright Futures After-School Program: $25 per month. Families who qualify "
                       "for free or reduced-price meals pay nothing.")
    assert "Ask the school office" not in "\n".join(cost)


def test_a_paid_internship_is_not_called_free(tmp_path: Path) -> None:
    spec = copy.deepcopy(ROOSEVELT)
    spec["services"][0].update(name="Paid summer internship",
                               description="Students work at a partner lab and are paid $18 an "
                                           "hour.")
    cost = section(english(spec, tmp_path), "How much does it cost?")
    assert cost == ["Paid summer internship: families pay nothing."]


def test_who_can_join_says_what_the_mou_says(tmp_path: Path) -> None:
    # Jefferson lists no grades: its MOU says "Kindergarten and first-grade classes"
    who = section(english(JEFFERSON, tmp_path), "Who can join?")
    assert who == ["Story time and library cards: Kindergarten and first-grade classes."]
    # grades the description does not name are added, as the MOU adds them
    who = section(english(CHAVEZ, tmp_path), "Who can join?")
    assert who[0] == ("School-based health center: All Chávez students, and their siblings up "
                      "to age 18 (grades 6 to 8).")
    # a condition to take part
    who = section(english(ROOSEVELT, tmp_path), "Who can join?")
    assert who == ["Algebra I tutoring: Ninth graders enrolled in Algebra I.",
                   "Who qualifies: Students whose first-quarter grade is below C, or who ask for "
                   "help."]


def test_the_notice_gives_the_specs_own_way_to_sign_up(tmp_path: Path) -> None:
    todo = section(english(ROOSEVELT, tmp_path), "What do you need to do?")
    assert todo == ["Sign up by September 18, 2026.",
                    "Tell your child's Algebra I teacher, or call the school office."]
    # no form at all: no form to get at the school office
    todo = section(english(JEFFERSON, tmp_path), "What do you need to do?")
    assert todo == ["To ask how your child can take part, contact Jordan Lee (details below)."]
    # in every language, the coordinator's words are not dropped: they are in its language,
    # from the partnership's own catalog
    from babel.messages.pofile import read_po
    from conftest import ROOT

    english_words = "Tell your child's Algebra I teacher, or call the school office."
    catalogs = ROOT / "samples/roosevelt-high-state-university-study.locales"
    for tag, lines in notices(ROOSEVELT, tmp_path / "all").items():
        words = english_words
        if tag != "en":
            with (catalogs / f"{tag}.po").open("rb") as po:
                words = read_po(po).get(english_words,
                                        context="/family_notices/how_to_enroll").string
        assert words in lines, tag


# --- what happens to the child's records -------------------------------------------------------


def test_a_study_says_what_it_is_who_approved_it_and_whose_records_it_uses(
        tmp_path: Path) -> None:
    info = section(english(ROOSEVELT, tmp_path), "Your child's information")
    text = "\n".join(info)
    sharing = ROOSEVELT["data_sharing"]
    assert sharing["purpose"] in text
    assert "These records are for a research study." in text
    assert sharing["study"]["description"] in info
    assert ("A review board that protects people in research, CSU East Bay Institutional Review "
            "Board, approved the study (approval number CSUEB-IRB-2026-117).") in info
    assert "The study ends on July 31, 2027." in info
    assert f"Whose records: {sharing['scope']}." in info
    assert ("This includes the records of students who do not take part in the program."
            in info)
    assert ("English learner status and special education status: to check that tutoring works "
            "for every group of students.") in info
    assert "to run the program" not in text


def test_records_of_students_who_do_not_take_part_are_mentioned_only_when_the_spec_says_so(
        tmp_path: Path) -> None:
    spec = copy.deepcopy(ROOSEVELT)
    del spec["data_sharing"]["includes_non_participants"]
    info = section(english(spec, tmp_path), "Your child's information")
    assert not any("do not take part" in line for line in info)


@pytest.mark.parametrize("basis, says", [
    ("consent", "The school shares these records only if you say yes on the form."),
    ("school_official", "The school does not ask you first. The law allows this because Bright "
                        "Futures does this work for the school, under the school's control: "
                        "tutoring that school staff would otherwise provide."),
    ("studies", "These records are for a research study. The school does not ask you first."),
    ("audit_evaluation", "These records are for an evaluation of the After School Education and "
                         "Safety (ASES) Program. The school does not ask you first."),
])
def test_every_basis_says_which_records_go_to_whom_and_why(
        basis: str, says: str, tmp_path: Path) -> None:
    spec = with_basis(LINCOLN, basis)
    lines = english(spec, tmp_path)
    text = "\n".join(lines)
    assert says in text
    # the records, each with why it is needed: on the form under consent, else in the letter
    where = (section(lines, "Permission to share school records") if basis == "consent"
             else section(lines, "Your child's information"))
    for element in spec["data_sharing"]["data_elements"]:
        assert f"{element['name']}: {element['purpose']}." in where, (basis, element["name"])
    assert spec["data_sharing"]["purpose"] in text


def test_a_notice_without_sharing_says_no_records_are_shared(tmp_path: Path) -> None:
    info = section(english(JEFFERSON, tmp_path), "Your child's information")
    assert info == ["The school does not share your child's school records with Oakland Public "
                    "Library."]


# --- the consent form (34 CFR 99.30) -----------------------------------------------------------


def test_the_consent_form_says_what_a_no_means_where_it_goes_and_how_to_take_it_back(
        tmp_path: Path) -> None:
    form = section(english(LINCOLN, tmp_path), "Permission to share school records")
    no = form.index("☐ No, I do not allow it.")
    assert form[no + 1:no + 3] == [
        "If you say no, the school does not share these records with Bright Futures Youth "
        "Alliance.",
        "If you say no, your child can still take part in the program."]
    assert "Return this form to the school office during program registration." in form
    assert form[-1] == ("You can take back your permission at any time by writing to Minh "
                        "Nguyen, minh.nguyen@fruitvaleusd.example.org. After that, the school "
                        "no longer shares your child's records with Bright Futures Youth "
                        "Alliance.")


@pytest.mark.parametrize("value, line", [
    (False, "If you say no, your child cannot take part in the program."),
    (None, None),
])
def test_whether_a_child_can_take_part_without_consent_is_said_only_as_the_spec_says(
        value: bool | None, line: str | None, tmp_path: Path) -> None:
    spec = copy.deepcopy(LINCOLN)
    if value is None:
        del spec["data_sharing"]["consent"]["take_part_without_consent"]
    else:
        spec["data_sharing"]["consent"]["take_part_without_consent"] = value
    form = section(english(spec, tmp_path), "Permission to share school records")
    said = [f for f in form if f.startswith("If you say no, your child")]
    assert said == ([line] if line else [])


# --- help in every language ----------------------------------------------------------------------


def test_language_help_is_free_and_each_line_leads_to_someone_who_speaks_it(
        tmp_path: Path) -> None:
    # read as a reader sees it: without the marks that keep right-to-left text in order
    lines = [re.sub("[\u202a-\u202e\u2066-\u2069]", "", line)
             for line in section(notices(CHAVEZ, tmp_path)["en"], "Other languages")]
    assert lines[0] == ("Interpreting and translation are free. To ask for a language that is "
                        "not listed here, contact Bao Tran.")
    # Spanish: Lucía Medina speaks it; Vietnamese: Bao Tran; nobody speaks Arabic or Chinese
    assert "Si necesita esta carta en español, llame al (510) 555-0277." in lines
    assert "Nếu quý vị cần thư này bằng tiếng Việt, hãy gọi số (510) 555-0261." in lines
    assert ("إذا كنت بحاجة إلى هذه الرسالة باللغة العربية، فاتصل بالرقم (510) 555-0261. "
            "وسنوفّر لك مترجمًا فوريًا مجانًا.") in lines
    assert "如需本信的简体中文版本，请致电(510) 555-0261。我们会为您免费安排口译员。" in lines
    # where every language has a speaker, no line promises an interpreter
    lincoln = section(notices(LINCOLN, tmp_path / "l")["es"], "Otros idiomas")
    assert lincoln and not any("intérprete" in line or "口译员" in line for line in lincoln[1:])


def test_validate_warns_of_a_notice_language_no_contact_speaks(tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = copy.deepcopy(LINCOLN)
    spec["contacts"] = [c for c in spec["contacts"] if c["id"] != "chen"]
    Path("spec.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False),
                                 encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "spec.json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == "spec.json: valid\n"
    line = next(i for i, text in enumerate(Path("spec.json").read_text().splitlines(), 1)
                if '"zh-Hans"' in text and i > 100)
    assert result.stderr.splitlines() == [
        f"spec.json:{line}:7: $.family_notices.languages[4]: notice: no contact speaks Chinese "
        "(Simplified) (zh-Hans), so the Chinese (Simplified) notice sends families to someone "
        "who does not speak it and says an interpreter will be arranged; add \"zh-Hans\" to the "
        "languages of a contact who speaks it with families", UNREVIEWED]
    # and a spec whose every language has a speaker gets no such notice
    Path("spec.json").write_text(json.dumps(LINCOLN, indent=2, ensure_ascii=False),
                                 encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "spec.json"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, UNREVIEWED + "\n")


UNREVIEWED = ("notice: not reviewed by a person: the es, vi, ar, zh-Hans translations; have a "
              "translator check them before they go to families, and record the review in the "
              "catalog's X-Reviewed header (README: Recording a translator's review)")


def test_context_prints_what_the_notice_sees(monkeypatch) -> None:
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["context", "samples/lincoln-elementary-bright-futures.json",
                                      "--notice", "es"], catch_exceptions=False)
    assert result.exit_code == 0
    notice = json.loads(result.stdout)["notice"]
    assert notice["locale"] == "es"
    # the spec's own text, from the partnership's Spanish catalog
    assert notice["services"][1]["notes"] == "El primer jueves de cada mes, de octubre a mayo."
    assert notice["recipients"] == ["Bright Futures Youth Alliance"]
    assert notice["take_part_without_consent"] is True
    assert [t["interpreter"] for t in notice["taglines"]] == [False] * 5
    bad = CliRunner().invoke(cli, ["context", "samples/lincoln-elementary-bright-futures.json",
                                   "--notice", "fr"])
    assert bad.exit_code == 2
    assert "has no family notice in 'fr'; its notices are in: en, es, vi, ar, zh-Hans" in \
        bad.stderr


def test_an_interpreter_line_is_tagged_with_its_own_language(tmp_path: Path) -> None:
    # Chávez has no contact who speaks Arabic: its Arabic line promises an interpreter, and is
    # still marked as Arabic (right to left, its own language tag) in the English letter
    import io
    import zipfile

    spec = as_spec(CHAVEZ)
    english = next(data for kind, _, data in render_documents(spec, BuildOptions(tmp_path))
                   if kind.locale == "en")
    xml = zipfile.ZipFile(io.BytesIO(english)).read("word/document.xml").decode()
    paragraph = next(p for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
                     if "وسنوفّر لك مترجمًا" in p)
    assert "<w:bidi/>" in paragraph and re.search(r'w:bidi="ar(-[A-Z]+)?"', paragraph)
