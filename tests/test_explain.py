"""`docgen explain`: each clause of a document, the template paragraph it comes from and the
spec paths it draws on."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import ROOT, SAMPLES
from docgen.build.run import BuildOptions, render_documents
from docgen.cli import cli
from docgen.explain import explain
from docgen.render import W, patched_source
from docgen.spec.schema import load_spec
from docxtext import LAYOUT_CHARACTERS

EXPECTED = ROOT / "tests" / "data" / "explain"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("document", ["mou", "role-chart"])
def test_it_prints_each_clause_of_the_library_sample(document: str, in_repo,
                                                     update_golden: bool) -> None:
    result = invoke("explain", "samples/jefferson-elementary-public-library.json",
                    "--document", document)
    assert (result.exit_code, result.stderr) == (0, "")
    expected = EXPECTED / f"jefferson-{document}.txt"
    if update_golden:
        expected.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected.read_text(encoding="utf-8")


def test_a_clause_names_the_commitment_it_comes_from(in_repo) -> None:
    lines = invoke("explain", "samples/lincoln-elementary-bright-futures.json").stdout
    assert ("mou.docx ¶344 ← $.termination.notice_days, $.title, $.parties: \"Any party may end "
            "this MOU for any reason by giving the other parties 30 days’ written notice.\"\n") in lines
    # a clause with no tag of its own draws on the block that keeps it
    assert ("mou.docx ¶254 ← $.insurance.workers_compensation: \"Workers’ compensation "
            "insurance as required by law.\"\n") in lines


def test_an_old_spec_shows_which_values_are_old_defaults(in_repo) -> None:
    lines = invoke("explain", "tests/data/legacy/jefferson-1.1.json").stdout.splitlines()
    assert ("mou.docx ¶344 ← $.termination.notice_days (old default), $.title, $.parties: "
            "\"Either party may end this MOU for any reason by giving the other party 30 days’ written notice.\"") in lines


def test_a_document_the_spec_does_not_have_is_refused(in_repo) -> None:
    result = invoke("explain", "samples/jefferson-elementary-public-library.json",
                    "--document", "data-sharing-agreement")
    assert result.exit_code == 2
    assert result.stderr == ("Error: samples/jefferson-elementary-public-library.json: shares no "
                             "student data, so it has no data-sharing agreement\n")
    result = invoke("explain", "samples/jefferson-elementary-public-library.json",
                    "--document", "notice-fr")
    assert result.exit_code == 2
    assert result.stderr == ("Error: samples/jefferson-elementary-public-library.json: has no "
                             "family notice in 'fr'; its notices are in: en, es, vi, ar, "
                             "zh-Hans\n")


def test_help_has_an_example() -> None:
    text = invoke("explain", "--help").stdout
    assert "Example:" in text and "docgen explain samples/" in text


def _tagged(template: Path) -> set[int]:
    """The template paragraphs that hold a tag using a value (not only a translated literal
    such as ``{{ _('What is it?') }}``, whose source is the template and its catalogs)."""
    xml = zipfile.ZipFile(template).read("word/document.xml").decode("utf-8")
    texts = patched_source(xml, str(template), "word/document.xml")[2]
    literal = re.compile(r"\{#.*?#\}|\{\{\s*_\((['\"]).*?\1\)\s*\}\}")
    return {n for n, text in enumerate(texts, start=1)
            if re.search(r"\{[{%]", literal.sub("", text))}


_EMBEDDINGS = str.maketrans("", "", "\u202a\u202c")


def _words(docx: bytes) -> list[str]:
    """The words of a rendered document's body, in order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    return " ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
                    for p in root.iter(f"{{{W}}}p")).translate(LAYOUT_CHARACTERS).split()


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_explain_names_the_source_of_every_clause_of_every_document(sample: Path,
                                                                    tmp_path: Path) -> None:
    spec = load_spec(sample)
    for kind, template, data in render_documents(spec, BuildOptions(tmp_path)):
        document = kind.kind if kind.locale is None else f"notice-{kind.locale}"
        clauses = explain(spec, document)
        tagged = _tagged(template)
        for clause in clauses:
            if clause.paragraph in tagged:
                assert clause.paths, clause.line()
            assert all(p.startswith("$") for p in clause.paths), clause.line()
        # the clauses are the document's paragraphs, all of them and in order
        # (the left-to-right embedding the page gives a number range in right-to-left text,
        # docgen.ooxml.pagination.unbreakable_rtl, is the page's, not the clause's)
        words = " ".join(c.text for c in clauses).translate(_EMBEDDINGS).split()
        assert words == " ".join(_words(data)).translate(_EMBEDDINGS).split(), document


def test_each_new_clause_of_the_data_sharing_agreement_names_its_source(in_repo) -> None:
    def clauses(spec: str) -> list[str]:
        result = invoke("explain", spec, "--document", "data-sharing-agreement")
        assert result.exit_code == 0
        return result.stdout.splitlines()

    def source(lines: list[str], text: str) -> str:
        line = next(line for line in lines if f': "{text}' in line)
        return line.split(" ← ", 1)[1].split(": \"", 1)[0]

    lincoln = clauses("samples/lincoln-elementary-bright-futures.json")
    assert "$.data_sharing.storage_limits" in source(
        lincoln, "Bright Futures will store the data only in the following places:")
    assert "$.data_sharing.storage_limits.locations" in source(
        lincoln, "the District's Google Workspace")
    devices = source(lincoln, "Bright Futures will not store the data on personal devices")
    assert {"$.data_sharing.storage_limits.personal_devices",
            "$.data_sharing.storage_limits.removable_media"} <= set(devices.split(", "))
    assert "$.data_sharing.no_profiling.no_sale" in source(lincoln, "sell, rent or trade the data.")
    assert "$.data_sharing.no_profiling.no_targeted_advertising" in source(
        lincoln, "use the data to target advertising")
    assert "$.data_sharing.subcontractors.allowed" in source(
        lincoln, "Bright Futures will not let any subcontractor")
    chavez = clauses("samples/chavez-middle-la-clinica-health.json")
    assert "$.data_sharing.health_records.partner_keeps" in source(
        chavez, "Behavioral health counseling notes")
    assert "$.data_sharing.health_records.hipaa_covered_entity" in source(
        chavez, "Health records that La Clínica creates")
    assert "$.data_sharing.health_records.school_keeps" in source(chavez, "Education records.")
    assert "$.data_sharing.health_records" in source(chavez, "Records disclosed.")
    two = clauses("tests/data/dsa/chavez-with-cis-as-recipient.json")
    assert "$.data_sharing.additional_recipients" in source(
        two, "Each Recipient will use the data only")
    assert "$.data_sharing.additional_recipients[0].authorized_users[0].name" in source(
        two, "CIS Site Coordinator")
    assert "$.parties.lead_agency.legal_name" in source(
        two, "This Student Data-Sharing Agreement")


#: a clause of each optional section that came after schema 1.2, in a spec that writes it, and
#: the spec paths explain must name for it
SECTION_CLAUSES = [
    ("samples/lincoln-elementary-bright-futures.json", "Rate. FUSD will pay",
     ["$.funding.rate.amount", "$.funding.rate.per", "$.funding.rate.maximum"]),
    ("tests/data/sections/faith-based-mentoring.json", "Invoices and payment.",
     ["$.funding.payment.invoice", "$.funding.payment.attendance_records",
      "$.funding.payment.within_days", "$.funding.payment.cancelled_sessions_unpaid"]),
    ("samples/lincoln-elementary-bright-futures.json", "Permission to take part.",
     ["$.permissions.participation"]),
    ("samples/lincoln-elementary-bright-futures.json", "Photographs and recordings.",
     ["$.permissions.media.allowed", "$.permissions.media.release_form",
      "$.permissions.media.uses"]),
    ("samples/lincoln-elementary-bright-futures.json", "Field trips.",
     ["$.permissions.field_trips.allowed", "$.permissions.field_trips.approved_by",
      "$.permissions.field_trips.written_permission", "$.permissions.field_trips.transport",
      "$.permissions.field_trips.supervision_ratio"]),
    ("samples/lincoln-elementary-bright-futures.json", "Food.",
     ["$.food_and_health.food.provided_by", "$.food_and_health.food.description",
      "$.food_and_health.food.standards"]),
    ("samples/lincoln-elementary-bright-futures.json", "Allergies and health needs.",
     ["$.food_and_health.allergies.learned_from", "$.food_and_health.allergies.follow_plans"]),
    ("samples/lincoln-elementary-bright-futures.json", "Medication.",
     ["$.food_and_health.medication"]),
    ("samples/lincoln-elementary-bright-futures.json", "Medical emergencies.",
     ["$.food_and_health.medical_emergencies.notify"]),
    ("samples/lincoln-elementary-bright-futures.json", "Bright Futures may use subcontractors",
     ["$.subcontractors.allowed", "$.subcontractors.approved_by", "$.subcontractors.flow_down"]),
    ("tests/data/sections/faith-based-mentoring.json",
     "Greater Hope will provide the services only with its own staff",
     ["$.subcontractors.allowed"]),
    ("samples/lincoln-elementary-bright-futures.json", "Assignment.",
     ["$.general_terms.assignment"]),
    ("samples/lincoln-elementary-bright-futures.json", "Severability.",
     ["$.general_terms.severability"]),
    ("samples/lincoln-elementary-bright-futures.json", "No third-party beneficiaries.",
     ["$.general_terms.no_third_party_beneficiaries"]),
    ("samples/lincoln-elementary-bright-futures.json", "Public records.",
     ["$.general_terms.public_records_law"]),
    ("samples/lincoln-elementary-bright-futures.json", "Names and logos.",
     ["$.general_terms.names_and_logos"]),
    ("samples/lincoln-elementary-bright-futures.json", "Conflict of interest.",
     ["$.general_terms.conflict_of_interest"]),
    ("tests/data/sections/faith-based-mentoring.json", "Voluntary participation.",
     ["$.faith_based.voluntary"]),
    ("tests/data/sections/faith-based-mentoring.json", "No religious activity.",
     ["$.faith_based.no_religious_activity"]),
    ("tests/data/sections/faith-based-mentoring.json", "Open to all students.",
     ["$.faith_based.open_to_all"]),
    ("tests/data/sections/paid-internship.json", "Employer of record.",
     ["$.internship.employer_of_record"]),
    ("tests/data/sections/paid-internship.json", "Worksite.", ["$.internship.worksite"]),
    ("tests/data/sections/paid-internship.json", "Wages.", ["$.internship.hourly_wage"]),
    ("tests/data/sections/paid-internship.json", "Work permits.",
     ["$.internship.work_permits", "$.internship.child_labor_law"]),
    ("tests/data/sections/paid-internship.json", "Hours of interns under 18.",
     ["$.internship.hours_limits", "$.internship.child_labor_law"]),
    ("tests/data/sections/paid-internship.json", "Supervision.",
     ["$.internship.worksite_supervisor"]),
    ("tests/data/sections/paid-internship.json", "Workers’ compensation.",
     ["$.internship.workers_compensation"]),
]


@pytest.mark.parametrize("spec_file, start, paths", SECTION_CLAUSES,
                         ids=[c[1].rstrip(".") for c in SECTION_CLAUSES])
def test_explain_names_the_source_of_each_clause_of_the_later_sections(
        spec_file: str, start: str, paths: list[str]) -> None:
    clauses = [c for c in explain(load_spec(ROOT / spec_file), "mou")
               if c.text.startswith(start)]
    assert len(clauses) == 1, start
    assert set(paths) <= set(clauses[0].paths), clauses[0].line()
    # a clause names its own section only, not the sections around it
    own = paths[0].split(".")[1]
    assert all(p.split(".")[1] in (own, "parties", "title") for p in clauses[0].paths
               if p.split(".")[1] in ("permissions", "food_and_health", "subcontractors",
                                      "general_terms", "faith_based", "internship")), \
        clauses[0].line()


@pytest.mark.parametrize("spec_file", sorted((ROOT / "tests" / "data" / "sections").glob("*.json")),
                         ids=lambda p: p.stem)
def test_explain_names_the_source_of_every_clause_of_the_section_specs(spec_file: Path,
                                                                      tmp_path: Path) -> None:
    spec = load_spec(spec_file)
    for kind, template, data in render_documents(spec, BuildOptions(tmp_path)):
        if kind.kind != "mou":
            continue
        tagged = _tagged(template)
        clauses = explain(spec, "mou")
        for clause in clauses:
            if clause.paragraph in tagged:
                assert clause.paths, clause.line()
        assert " ".join(c.text for c in clauses).split() == _words(data)
