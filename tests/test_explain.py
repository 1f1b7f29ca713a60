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
    assert ("mou.docx ¶257 ← $.termination.notice_days, $.title, $.parties: \"Any party may end "
            "this MOU for any reason by giving the other parties 30 days’ written notice.\"\n") in lines
    # a clause with no tag of its own draws on the block that keeps it
    assert ("mou.docx ¶173 ← $.insurance.workers_compensation: \"Workers’ compensation "
            "insurance as required by law.\"\n") in lines


def test_an_old_spec_shows_which_values_are_old_defaults(in_repo) -> None:
    lines = invoke("explain", "tests/data/legacy/jefferson-1.1.json").stdout.splitlines()
    assert ("mou.docx ¶257 ← $.termination.notice_days (old default), $.title, $.parties: "
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
        words = " ".join(c.text for c in clauses).split()
        assert words == _words(data), document


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
