"""`docgen review --old-documents`: last year's documents as they stand (built, then edited by
hand), redlined against this year's, each revision labelled by its cause (issue 13, finding 9)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree
from pypdf import PdfReader

from conftest import ROOT, require
from docgen.cli import cli

LINCOLN = ROOT / "samples" / "lincoln-elementary-bright-futures.json"
ID = "lincoln-es-bright-futures-2026-27"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CLAUSE = "Each party will keep a copy of this MOU with its records."


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def hand_edit(path: Path, before: str, after: str) -> None:
    doc = Document(str(path))
    for p in doc.paragraphs:
        for r in p.runs:
            if before in r.text:
                r.text = r.text.replace(before, after)
                doc.save(str(path))
                return
    raise AssertionError(f"{before!r} is not in {path}")


def _last_year_built(here: Path) -> Path:
    """Copy the Lincoln sample (with its catalogs) to ``here`` as old.json, build its
    documents without PDFs and return their folder."""
    shutil.copy(LINCOLN, here / "old.json")
    shutil.copytree(LINCOLN.with_suffix(".locales"), here / "old.locales")
    assert invoke("build", str(here / "old.json"), "-o", str(here / "out"),
                  "--no-pdf").exit_code == 0
    return here / "out" / ID


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """Build last year's documents, edit the MOU by hand, give counsel's template with a new
    clause, renew the spec with a new insurance amount, and review."""
    here = tmp_path_factory.mktemp("causes")
    folder = _last_year_built(here)
    hand_edit(folder / "mou.docx", "only in writing", "only in a writing")
    assert invoke("renew", str(here / "old.json"), "--school-year", "2027-2028", "-o",
                  str(here / "new.json")).exit_code == 0
    data = json.loads((here / "new.json").read_text())
    data["insurance"]["general_liability_per_occurrence"] = 2000000
    (here / "new.json").write_text(json.dumps(data, indent=2))
    (here / "templates").mkdir()
    template = Document(str(ROOT / "templates" / "mou.docx"))
    anchor = next(p for p in template.paragraphs if "amendment_procedure" in p.text)
    anchor.insert_paragraph_before(CLAUSE).style = anchor.style
    template.save(str(here / "templates" / "mou.docx"))
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review"), "--no-pdf", "--date", "2027-05-14",
                    "--old-documents", str(folder), "--templates", str(here / "templates"))
    assert result.exit_code == 0, result.output
    return here, result


def revisions(docx: Path) -> list[tuple[str, str, str]]:
    """(tag, author, text) of each revision mark of a redline's body."""
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    out = []
    for mark in root.iter(W + "ins", W + "del", W + "rPrChange", W + "pPrChange"):
        text = "".join(t.text or "" for t in mark.iter(W + "t", W + "delText"))
        out.append((mark.tag[len(W):], mark.get(W + "author") or "", text))
    return out


def test_the_build_keeps_what_it_built_from(reviewed) -> None:
    here, _ = reviewed
    folder = here / "out" / ID
    manifest = json.loads((folder / "manifest.json").read_text())
    kept = {e["path"]: e for e in manifest["files"] if e.get("kind") in ("template", "catalog")}
    assert kept["built-from/mou.docx"]["sha256"] == next(
        e["template_sha256"] for e in manifest["files"] if e["path"] == "mou.docx")
    assert (folder / "built-from/mou.docx").read_bytes() == (
        ROOT / "templates" / "mou.docx").read_bytes()
    assert (folder / "built-from/docgen-zh-Hans.po").read_bytes() == (
        ROOT / "locales/zh_Hans/LC_MESSAGES/docgen.po").read_bytes()
    assert kept["built-from/docgen-zh-Hans.po"]["locale"] == "zh-Hans"


@pytest.mark.slow
def test_the_labelled_redlines_become_pdfs(reviewed, tmp_path: Path) -> None:
    # the cause of each revision is a comment, on which LibreOffice 7.4 crashed over UNO: no
    # redline got a PDF ("Binary URP bridge disposed") when last year's documents were given
    require("soffice")
    here, _ = reviewed
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(tmp_path / "review"), "--date", "2027-05-14",
                    "--old-documents", str(here / "out" / ID))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "review" / "summary.json").read_text())
    assert summary["documents"]
    for doc in summary["documents"]:
        assert (tmp_path / "review" / doc["pdf"]).read_bytes().startswith(b"%PDF-")
    mou = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "review" /
                                                          "redline-mou.pdf")).pages)
    # counsel's hand edit, shown with the word it took out, and the amount changed whole
    assert "only in a writing" in mou
    assert "$1,000,000$2,000,000" in mou.replace(" ", "")


def test_the_summary_says_last_years_documents_were_not_rendered_again(reviewed) -> None:
    # it said "Rendered last year with: nothing", as if nothing had been compared
    here, _ = reviewed
    lines = (here / "review" / "summary.md").read_text(encoding="utf-8").splitlines()
    assert (f"- **Rendered last year with:** not rendered again: its documents as they "
            f"stand, from {here / 'out' / ID}") in lines


def test_every_revision_is_labelled_by_its_cause(reviewed) -> None:
    here, _ = reviewed
    marks = revisions(here / "review" / "redline-mou.docx")
    authors = {a for _, a, _ in marks}
    assert authors <= {"docgen (spec change)", "docgen (template change)",
                       "docgen (hand edit)"}
    assert ("del", "docgen (hand edit)", "a ") in marks  # counsel's word, not this year's
    assert ("ins", "docgen (template change)", CLAUSE) in marks
    root = etree.fromstring(zipfile.ZipFile(here / "review" / "redline-mou.docx").read(
        "word/document.xml"))
    [insurance] = [p for p in root.iter(W + "p") if "general liability insurance of at least"
                   in "".join(t.text or "" for t in p.iter(W + "t"))]
    assert {m.get(W + "author") for m in insurance.iter(W + "ins", W + "del")} == {
        "docgen (spec change)"}
    assert not [m for m in marks if m[1] == "docgen (hand edit)" and m != ("del",
                                                                         "docgen (hand edit)",
                                                                         "a ")]


def test_documents_nobody_edited_have_no_hand_edits(reviewed) -> None:
    here, _ = reviewed
    for name in ("redline-data-sharing-agreement.docx", "redline-notice-es.docx"):
        assert {a for _, a, _ in revisions(here / "review" / name)} == {"docgen (spec change)"}


def test_the_cli_says_which_document_was_edited_and_counts_each_cause(reviewed) -> None:
    here, result = reviewed
    spec = sum(a == "docgen (spec change)" for _, a, _ in
               revisions(here / "review" / "redline-mou.docx"))
    summary = json.loads((here / "review" / "summary.json").read_text())
    mou = next(d for d in summary["documents"] if d["path"] == "mou.docx")
    spec_all = mou["revisions_by_cause"]["spec change"]  # the header and footer's too
    assert spec_all >= spec
    lines = result.stdout.splitlines()
    assert (f"  {here / 'out' / ID / 'mou.docx'}: changed after docgen built it; its hand "
            "edits are marked \"docgen (hand edit)\" in redline-mou.docx") in lines
    assert (f"  redline-mou.docx: 1 hand edit, 2 template changes, {spec_all} spec changes"
            in lines)
    assert "  redline-role-chart.docx: " + (
        f"{summary['documents'][2]['revisions']} spec changes") in lines


def test_summary_json_lists_each_cause_with_its_place_and_the_spec_values(reviewed) -> None:
    here, _ = reviewed
    summary = json.loads((here / "review" / "summary.json").read_text())
    assert summary["old_documents"] == str(here / "out" / ID)
    mou = next(d for d in summary["documents"] if d["path"] == "mou.docx")
    assert (mou["edited_after_build"], mou["old_file"]) == (True,
                                                           str(here / "out" / ID / "mou.docx"))
    assert summary["by_cause"]["hand edit"] == [{
        "document": "mou.docx", "place": "§ 3 Term, paragraph 4", "what": "text",
        "text": "… may amend this MOU only in [-a-] writing, signed by the authorized "
                "representatives …"}]
    assert summary["by_cause"]["template change"] == [{
        "document": "mou.docx", "place": "§ 3 Term, paragraph 3", "what": "text",
        "text": f"added “{CLAUSE}”"}]
    [insurance] = [c for c in summary["redline_changes"]["mou.docx"]
                   if c["place"] == "§ 12 Insurance, paragraph 2"]
    assert insurance["causes"] == ["spec change"]
    assert insurance["spec_changes"] == [{
        "path": "$.insurance.general_liability_per_occurrence", "old": 1000000,
        "new": 2000000,
        "text": "Insurance › General liability per occurrence: $1,000,000 → $2,000,000"}]


def test_summary_md_has_a_section_for_each_cause(reviewed) -> None:
    here, _ = reviewed
    text = (here / "review" / "summary.md").read_text()
    assert "## Why the documents changed" in text
    assert ("### Hand edits (made to last year's document after docgen built it; this "
            "year's document does not have them: the redline takes them out unless the spec "
            "or the template is changed to keep them) (1)") in text
    assert ("- mou.docx: **§ 3 Term, paragraph 4**: “… may amend this MOU only in ~~a~~ "
            "writing, signed by the authorized representatives …”") in text
    assert ("  - $.insurance.general\\_liability\\_per\\_occurrence: $1,000,000 → $2,000,000"
            in text)
    html = (here / "review" / "summary.html").read_text()
    assert "<h3>Template changes (the wording of a template changed) (1)</h3>" in html


def test_switching_the_ferpa_basis_says_what_leaves_the_notices(tmp_path: Path) -> None:
    """Consent → school official: the consent form leaves every notice, and the summary says
    so with the documents it affects."""
    old = tmp_path / "old.json"
    shutil.copy(LINCOLN, old)
    shutil.copytree(LINCOLN.with_suffix(".locales"), tmp_path / "old.locales")
    assert invoke("build", str(old), "-o", str(tmp_path / "out"), "--no-pdf").exit_code == 0
    data = json.loads(old.read_text())
    sharing = data["data_sharing"]
    sharing["legal_basis"] = "school_official"
    del sharing["consent"]
    sharing["school_official"] = {
        "institutional_service": "running the reading program the District would run",
        "annual_notification": "the District's annual FERPA notice"}
    data["family_notices"]["languages"] = ["en"]
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data, indent=2))
    result = invoke("review", str(old), str(new), "-o", str(tmp_path / "review"), "--no-pdf",
                    "--date", "2027-05-14", "--old-documents", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "review" / "summary.json").read_text())
    [basis] = [c for c in summary["consequences"] if c["path"] == "$.data_sharing.legal_basis"]
    notice = next(p for p in basis["paragraphs"] if p["document"] == "notices/notice-en.docx")
    assert any(p.startswith("The form at the end of this letter asks") for p in notice["removed"])
    assert notice["headings_removed"] == ["Permission to share school records"]  # the form
    assert ("in notices/notice-en.docx, removes the section “Permission to share school "
            "records” and 17 other paragraphs") in basis["text"]
    assert basis["text"].startswith("Data sharing › FERPA legal basis: consent → school "
                                    "official: in data-sharing-agreement.docx, removes 2 "
                                    "paragraphs")
    assert any(line.startswith("  in the documents: Data sharing › FERPA legal basis")
               for line in result.stdout.splitlines())


def test_a_folder_without_a_build_is_refused_plainly(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["review", str(LINCOLN), str(LINCOLN), "-o",
                                      str(tmp_path / "r"), "--no-pdf", "--old-documents",
                                      str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --old-documents {tmp_path / 'empty'}: has no manifest.json from docgen build "
        f"(nor has {tmp_path / 'empty' / ID}); give the folder docgen build wrote last year's "
        f"documents into, e.g. out/{ID}/\n")
    assert not (tmp_path / "r").exists()


def test_old_mou_needs_the_build_folder(tmp_path: Path) -> None:
    mou = tmp_path / "signed.docx"
    mou.write_bytes(b"PK")
    result = CliRunner().invoke(cli, ["review", str(LINCOLN), str(LINCOLN), "-o",
                                      str(tmp_path / "r"), "--no-pdf", "--old-mou", str(mou)])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --old-mou needs --old-documents: give last year's build "
                             "folder too, which holds what the MOU was built from\n")


def test_a_signed_mou_from_elsewhere_is_compared_as_it_stands(reviewed) -> None:
    """--old-mou: the signed copy kept outside the build folder is last year's MOU."""
    here, _ = reviewed
    signed = here / "signed-mou.docx"
    shutil.copy(here / "out" / ID / "mou.docx", signed)
    hand_edit(signed, "at least 60 days", "at least 90 days")
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review-signed"), "--no-pdf", "--date", "2027-05-14",
                    "--old-documents", str(here / "out"), "--old-mou", str(signed))
    assert result.exit_code == 0, result.output
    summary = json.loads((here / "review-signed" / "summary.json").read_text())
    mou = next(d for d in summary["documents"] if d["path"] == "mou.docx")
    assert (mou["old_file"], mou["edited_after_build"]) == (str(signed), True)
    assert [c["text"] for c in summary["by_cause"]["hand edit"]] == [
        "… review this MOU together at least [-90-] {+60+} days before it ends and decide …",
        "… may amend this MOU only in [-a-] writing, signed by the authorized "
        "representatives …"]
    assert f"  {signed}: changed after docgen built it; its hand edits are marked " \
           "\"docgen (hand edit)\" in redline-mou.docx" in result.stdout.splitlines()


def test_a_changed_translation_is_a_catalog_change(reviewed) -> None:
    """This year's Spanish catalog words a sentence anew: the Spanish notice's revision says
    so, and nothing else in it is blamed on the catalog."""
    here, _ = reviewed
    locales = here / "locales"
    if not locales.exists():
        shutil.copytree(ROOT / "locales", locales)
        po = locales / "es" / "LC_MESSAGES" / "docgen.po"
        text = po.read_text(encoding="utf-8")
        before = '"La escuela comparte estos expedientes solo si usted dice que sí en el "\n'
        assert before in text  # (the catalog as gettext wraps it)
        po.write_text(text.replace(before, before.replace("dice", "responde")),
                      encoding="utf-8")
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review-catalog"), "--no-pdf", "--date", "2027-05-14",
                    "--old-documents", str(here / "out"), "--locales", str(locales))
    assert result.exit_code == 0, result.output
    summary = json.loads((here / "review-catalog" / "summary.json").read_text())
    assert [(c["document"], c["text"]) for c in summary["by_cause"]["catalog change"]] == [
        ("notices/notice-es.docx",
         "… comparte estos expedientes solo si usted [-dice-] {+responde+} que sí en el "
         "formulario.")]
    marks = revisions(here / "review-catalog" / "redline-notice-es.docx")
    assert ("del", "docgen (catalog change)", "dice") in [(t, a, x.strip())
                                                          for t, a, x in marks]
    spanish = next(d for d in summary["documents"] if d["path"] == "notices/notice-es.docx")
    spec = spanish["revisions_by_cause"]["spec change"]
    assert (f"  redline-notice-es.docx: 2 catalog changes, {spec} spec changes"
            in result.stdout.splitlines())  # the deleted word and the inserted one


def test_without_last_years_documents_the_summary_says_they_were_rendered_again(
        reviewed) -> None:
    here, _ = reviewed
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review-plain"), "--no-pdf", "--date", "2027-05-14")
    assert result.exit_code == 0, result.output
    assert "hand edit" not in result.stdout
    text = (here / "review-plain" / "summary.md").read_text()
    assert ("Both years were rendered again from their specs with the same templates and "
            "catalogs: changes made by hand to last year's documents after they were built "
            "(a signed copy, counsel's edits) are not in these redlines.") in text
    assert ("- **§ 12 Insurance, paragraph 2**: “… general liability insurance of at least "
            "~~$1,000,000~~ **$2,000,000** per occurrence and $2,000,000 in the …”") in text
    summary = json.loads((here / "review-plain" / "summary.json").read_text())
    assert summary["old_documents"] is None and "by_cause" not in summary
    places = [c["place"] for c in summary["redline_changes"]["mou.docx"]]
    assert "§ 12 Insurance, paragraph 2" in places and "§ 3 Term, paragraph 1" in places
    html = (here / "review-plain" / "summary.html").read_text()
    assert "<h3>mou.docx (" in html and '<span class="label">§ 12 Insurance, paragraph 2' in html


def test_the_labelled_redline_still_turns_last_years_mou_into_this_years(reviewed) -> None:
    """Labelling changes only the authors: accepting every revision gives this year's MOU,
    rejecting every one gives last year's as it stands (hand edit and all)."""
    import revisions as rv
    from docgen.build.documents import BuildOptions, render_documents
    from docgen.resources import Resources
    from docgen.spec.schema import load_spec

    here, _ = reviewed
    options = BuildOptions(here / "unused", resources=Resources.shipped().using(
        own_templates=here / "templates"))
    [new] = [d.data for d in render_documents(load_spec(here / "new.json"), options)
             if d.kind.output == "mou.docx"]
    rv.check_redline((here / "out" / ID / "mou.docx").read_bytes(), new,
                     (here / "review" / "redline-mou.docx").read_bytes())


@pytest.mark.slow  # openxml-audit: a few seconds
def test_the_labelled_redline_adds_no_openxml_audit_finding(reviewed) -> None:
    import subprocess
    import sys

    here, _ = reviewed
    audit = Path(sys.executable).parent / "openxml-audit"

    def findings(path: Path) -> set[str]:
        out = subprocess.run([str(audit), "-f", "microsoft365", "-o", "json", "-m", "0",
                              str(path)], capture_output=True, text=True, check=False)
        return {f"{e['part_uri']}: {e['description']}"
                for e in json.loads(out.stdout)[0]["errors"]}

    last_year = findings(here / "out" / ID / "mou.docx")
    assert findings(here / "review" / "redline-mou.docx") <= last_year


def test_every_spec_change_names_the_fields_it_writes(reviewed) -> None:
    """Counsel's review: a footer's id and version and the dates of the translated notices
    were "spec change" with no field named. Each now names its JSON path, the bookkeeping
    fields and the values as the notice's language writes them included."""
    here, _ = reviewed
    summary = json.loads((here / "review" / "summary.json").read_text())
    unnamed = [(path, c["place"]) for path, items in summary["redline_changes"].items()
               for c in items if "spec change" in c["causes"] and not c.get("spec_changes")]
    assert unnamed == []
    [footer] = [c for c in summary["redline_changes"]["mou.docx"]
                if c["story"] == "footer 1 (default)"]
    assert [(f["path"], f["text"]) for f in footer["spec_changes"]] == [
        ("$.id", f"Document id: {ID} → lincoln-es-bright-futures-2027-28"),
        ("$.version", "Version: 1 → 2")]
    [enroll] = [c for c in summary["redline_changes"]["notices/notice-es.docx"]
                if any("Inscríbase" in e["text"] for e in c["excerpts"])]
    assert [(f["path"], f["text"]) for f in enroll["spec_changes"]] == [
        ("$.family_notices.enroll_by",
         "Family notices › Enroll by: 28 de agosto de 2026 → 27 de agosto de 2027")]
    text = (here / "review" / "summary.md").read_text()
    assert "  - $.version: 1 → 2" in text


# ---- a clause both counsel (by hand) and the template changed (counsel's review: it was
# labelled "hand edit" only)

ROLES = "Each party names the people below"


@pytest.fixture(scope="module")
def both_changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Counsel made last year's MOU give five school days and dropped the role chart's
    sentence by hand; this year's template gives fifteen days, adds "leaves or" and extends
    the role chart's sentence."""
    here = tmp_path_factory.mktemp("both")
    folder = _last_year_built(here)
    chart = (" The attached role chart shows who is responsible, accountable, consulted and "
             "informed for each activity.")
    hand_edit(folder / "mou.docx", "within ten school days", "within five school days")
    hand_edit(folder / "mou.docx", chart, "")
    assert invoke("renew", str(here / "old.json"), "--school-year", "2027-2028", "-o",
                  str(here / "new.json")).exit_code == 0
    (here / "templates").mkdir()
    template = Document(str(ROOT / "templates" / "mou.docx"))
    [run] = [r for p in template.paragraphs if p.text.startswith(ROLES) for r in p.runs]
    run.text = run.text.replace("within ten school days if any of them changes",
                                "within fifteen school days if any of them leaves or changes"
                                ).replace("for each activity.",
                                          "for each activity and each service.")
    template.save(str(here / "templates" / "mou.docx"))
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review"), "--no-pdf", "--date", "2027-05-14",
                    "--old-documents", str(folder), "--templates", str(here / "templates"))
    assert result.exit_code == 0, result.output
    return here


def test_a_clause_changed_by_hand_and_by_the_template_carries_both_causes(both_changed
                                                                         ) -> None:
    here = both_changed
    marks = [(t, a, x) for t, a, x in revisions(here / "review" / "redline-mou.docx")
             if a != "docgen (spec change)"]
    assert marks == [
        ("del", "docgen (hand edit)", "five"),            # counsel's word goes
        ("ins", "docgen (template change)", "fifteen"),   # the template's comes
        ("ins", "docgen (template change)", "leaves or "),
        # one inserted stretch, split where its causes meet: counsel's dropped sentence
        # comes back (a hand edit undone), the template's words after it
        ("ins", "docgen (hand edit)", ". The attached role chart shows who is responsible, "
                                      "accountable, consulted and informed for each "),
        ("ins", "docgen (template change + hand edit)", "activity "),  # "activity." was both
        ("ins", "docgen (template change)", "and each service")]
    summary = json.loads((here / "review" / "summary.json").read_text())
    [roles] = [c for c in summary["redline_changes"]["mou.docx"]
               if "role chart" in c["excerpts"][0]["text"]]
    assert roles["causes"] == ["hand edit", "template change"]
    for cause in ("hand edit", "template change"):
        assert [c["place"] for c in summary["by_cause"][cause]] == [roles["place"]]
    mou = next(d for d in summary["documents"] if d["path"] == "mou.docx")
    root = etree.fromstring(zipfile.ZipFile(here / "review" / "redline-mou.docx").read(
        "word/document.xml"))
    ids = [m.get(W + "id") for m in root.iter() if m.get(W + "id") is not None
           and etree.QName(m).localname in ("ins", "del", "rPrChange", "pPrChange")]
    assert len(ids) == len(set(ids))  # a split revision has an id of its own
    assert mou["revisions"] >= len(ids)


def test_the_split_revisions_still_turn_last_years_mou_into_this_years(both_changed) -> None:
    import revisions as rv
    from docgen.build.documents import BuildOptions, render_documents
    from docgen.resources import Resources
    from docgen.spec.schema import load_spec

    here = both_changed
    options = BuildOptions(here / "unused", resources=Resources.shipped().using(
        own_templates=here / "templates"))
    [new] = [d.data for d in render_documents(load_spec(here / "new.json"), options)
             if d.kind.output == "mou.docx"]
    rv.check_redline((here / "out" / ID / "mou.docx").read_bytes(), new,
                     (here / "review" / "redline-mou.docx").read_bytes())


# ---- a clause whose formatting counsel (by hand) and the template both changed: a formatting
# revision carries both causes, as a text revision does

@pytest.fixture(scope="module")
def both_formatted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Counsel made the role chart's clause bold in last year's MOU by hand; this year's
    template makes it italic instead."""
    here = tmp_path_factory.mktemp("formatted")
    folder = _last_year_built(here)
    doc = Document(str(folder / "mou.docx"))
    [clause] = [p for p in doc.paragraphs if p.text.startswith(ROLES)]
    for r in clause.runs:
        r.bold = True
    doc.save(str(folder / "mou.docx"))
    assert invoke("renew", str(here / "old.json"), "--school-year", "2027-2028", "-o",
                  str(here / "new.json")).exit_code == 0
    (here / "templates").mkdir()
    template = Document(str(ROOT / "templates" / "mou.docx"))
    for r in [r for p in template.paragraphs if p.text.startswith(ROLES) for r in p.runs]:
        r.italic = True
    template.save(str(here / "templates" / "mou.docx"))
    result = invoke("review", str(here / "old.json"), str(here / "new.json"), "-o",
                    str(here / "review"), "--no-pdf", "--date", "2027-05-14",
                    "--old-documents", str(folder), "--templates", str(here / "templates"))
    assert result.exit_code == 0, result.output
    return here


def test_a_formatting_change_made_by_hand_and_by_the_template_carries_both_causes(
        both_formatted) -> None:
    here = both_formatted
    root = etree.fromstring(zipfile.ZipFile(here / "review" / "redline-mou.docx").read(
        "word/document.xml"))
    [clause] = [p for p in root.iter(W + "p") if "".join(
        t.text or "" for t in p.iter(W + "t")).startswith(ROLES)]
    changes = list(clause.iter(W + "rPrChange"))
    assert changes  # bold (counsel's) → italic (the template's)
    assert {c.get(W + "author") for c in changes} == {"docgen (template change + hand edit)"}
    summary = json.loads((here / "review" / "summary.json").read_text())
    [roles] = [c for c in summary["redline_changes"]["mou.docx"]
               if c["place"] == "§ 5.4 Designated roles, paragraph 1"]
    assert (roles["detail"].split(" on ")[0], roles["causes"]) == (
        "bold removed, italic added", ["hand edit", "template change"])
    for cause in ("hand edit", "template change"):
        assert roles["place"] in [c["place"] for c in summary["by_cause"][cause]]


def comments(docx: Path) -> list[tuple[str, str]]:
    """(the words a comment is on, the comment's text) of each comment of a redline."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        texts = {c.get(W + "id"): "\n".join("".join(t.text or "" for t in p.iter(W + "t"))
                                            for p in c.iter(W + "p"))
                 for c in etree.fromstring(z.read("word/comments.xml")).iter(W + "comment")}
    out = []
    for start in root.iter(W + "commentRangeStart"):
        cid, words, el = start.get(W + "id"), [], start
        for el in start.itersiblings():
            if el.tag == W + "commentRangeEnd" and el.get(W + "id") == cid:
                break
            words += [t.text or "" for t in el.iter(W + "t", W + "delText")]
        out.append(("".join(words), texts[cid]))
    return out


def test_a_spec_change_is_named_in_a_word_comment_beside_its_revisions(reviewed) -> None:
    # legal staff read the redline in Word: the field's title, its path and both values are
    # in a comment on the words it changed, not only in the summary (counsel's finding C)
    here, _ = reviewed
    found = comments(here / "review" / "redline-mou.docx")
    insurance = [text for words, text in found if "$1,000,000" in words]
    assert insurance == ["Spec change: Insurance › General liability per occurrence "
                         "($.insurance.general_liability_per_occurrence): $1,000,000 → "
                         "$2,000,000"]
    # "August ~~10, 2026~~ 9, 2027 and ends on June 30, ~~2027~~ 2028": one comment, two fields
    term = [text for words, text in found if words.startswith("10, 20269, 2027 and ends")]
    assert term == ["Spec change: Term › Start date ($.term.start): August 10, 2026 → "
                    "August 9, 2027\nSpec change: Term › End date ($.term.end): June 30, 2027 "
                    "→ June 30, 2028"]
    # a hand edit or a template change has no such comment
    assert not [t for w, t in found if "a writing" in w or CLAUSE in w]
