"""`docgen build`: the right documents, written atomically, reproducibly, never over a user's file."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from docgen import __version__
from docgen.build.run import BuildOptions, build
from docgen.cli import cli
from docxtext import plain_text, stories

LINCOLN = "samples/lincoln-elementary-bright-futures.json"
JEFFERSON = "samples/jefferson-elementary-public-library.json"


def invoke(*args: str, env: dict[str, str] | None = None):
    """Run docgen; `build` runs without PDFs unless the test asks (tests/test_pdf.py does)."""
    args = list(args)
    if args and args[0] == "build" and "--pdf" not in args:
        args.append("--no-pdf")
    else:
        args = [a for a in args if a != "--pdf"]
    return CliRunner().invoke(cli, args, catch_exceptions=False, env=env)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_writes_the_documents_the_notices_and_a_manifest(in_repo, tmp_path: Path) -> None:
    result = invoke("build", LINCOLN, "-o", str(tmp_path))
    folder = tmp_path / "lincoln-es-bright-futures-2026-27"
    notices = [f"notices/notice-{t}.docx" for t in ("en", "es", "vi", "ar", "zh-Hans")]
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{LINCOLN}: wrote {folder}/ (mou.docx, data-sharing-agreement.docx, "
                             f"role-chart.docx, {', '.join(notices)})\n")
    tags = ("en", "es", "vi", "ar", "zh-Hans")
    kept = ([f"built-from/{t}.docx" for t in ("mou", "data-sharing-agreement", "role-chart",
                                               "notice")]
            + [f"built-from/docgen-{t}.po" for t in tags]
            + [f"built-from/spec-{t}.po" for t in tags[1:]])
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(
        ["data-sharing-agreement.docx", "manifest.json", "mou.docx", "role-chart.docx"]
        + notices + kept)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["docgen_version"] == __version__
    assert manifest["spec"]["sha256"] == sha(ROOT / LINCOLN)
    documents = [f for f in manifest["files"] if not f["path"].startswith("built-from/")]
    assert [(f["path"], f["kind"], f["locale"]) for f in documents] == [
        ("mou.docx", "mou", "en-US"),
        ("data-sharing-agreement.docx", "data-sharing-agreement", "en-US"),
        ("role-chart.docx", "role-chart", "en-US"),
    ] + [(n, "notice", n.split("notice-")[1][:-5]) for n in notices]
    # what the documents were built from, byte for byte, for next year's review
    assert sorted(f["path"] for f in manifest["files"] if f not in documents) == sorted(kept)
    for entry in manifest["files"]:
        if entry not in documents:
            assert entry["sha256"] == sha(folder / entry["path"])
            continue
        assert entry["sha256"] == sha(folder / entry["path"])
        assert entry["template_sha256"] == sha(ROOT / "templates" / entry["template"])
    assert documents[3]["catalog_sha256"] == sha(
        ROOT / "locales/en/LC_MESSAGES/docgen.po")


def test_no_data_sharing_agreement_when_no_student_data_is_shared(in_repo, tmp_path: Path) -> None:
    invoke("build", JEFFERSON, "-o", str(tmp_path))
    names = sorted(p.name for p in (tmp_path / "jefferson-es-library-2026-27").iterdir())
    assert names == ["built-from", "manifest.json", "mou.docx", "notices", "role-chart.docx"]


def test_an_existing_folder_from_another_spec_is_not_replaced_without_force(in_repo,
                                                                          tmp_path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_bytes((ROOT / JEFFERSON).read_bytes())
    invoke("build", str(spec), "-o", str(tmp_path / "out"))
    folder = tmp_path / "out" / "jefferson-es-library-2026-27"
    before = {p.name: sha(p) for p in folder.rglob("*") if p.is_file()}
    spec.write_text(spec.read_text().replace("weekly story time", "weekly story hour"))
    result = invoke("build", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {folder}: already exists; pass --force to replace the files "
                             "docgen wrote there (anything else in the folder is kept)\n")
    assert {p.name: sha(p) for p in folder.rglob("*") if p.is_file()} == before


def test_an_unchanged_spec_is_skipped(in_repo, tmp_path: Path) -> None:
    invoke("build", JEFFERSON, "-o", str(tmp_path))
    folder = tmp_path / "jefferson-es-library-2026-27"
    before = {p: (sha(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    result = invoke("build", JEFFERSON, "-o", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == f"{JEFFERSON}: up to date in {folder}/, skipped\n"
    assert {p: (sha(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()} == before


def test_force_replaces_only_docgens_own_files(in_repo, tmp_path: Path) -> None:
    invoke("build", JEFFERSON, "-o", str(tmp_path))
    folder = tmp_path / "jefferson-es-library-2026-27"
    (folder / "notes from the principal.txt").write_text("keep me")
    result = invoke("build", JEFFERSON, "-o", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "notes from the principal.txt").read_text() == "keep me"


def test_force_never_overwrites_a_document_someone_edited(in_repo, tmp_path: Path) -> None:
    invoke("build", JEFFERSON, "-o", str(tmp_path))
    edited = tmp_path / "jefferson-es-library-2026-27" / "mou.docx"
    edited.write_bytes(b"the principal's edits")
    result = invoke("build", JEFFERSON, "-o", str(tmp_path), "--force")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {edited}: was not written by docgen, or was changed after docgen wrote it; "
        "move it out of the folder first, docgen will not overwrite it")
    assert edited.read_bytes() == b"the principal's edits"


def test_force_removes_a_document_the_spec_no_longer_produces(in_repo, tmp_path: Path) -> None:
    data = json.loads((ROOT / LINCOLN).read_text())
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data))
    invoke("build", str(spec), "-o", str(tmp_path / "out"))
    folder = tmp_path / "out" / data["id"]
    assert (folder / "data-sharing-agreement.docx").exists()
    data["data_sharing"] = {"shares_student_data": False}
    spec.write_text(json.dumps(data))
    again = invoke("build", str(spec), "-o", str(tmp_path / "out"), "--force")
    assert again.exit_code == 0, again.output
    assert not (folder / "data-sharing-agreement.docx").exists()


def test_a_template_failure_leaves_no_file_at_all(in_repo, tmp_path: Path) -> None:
    from docx import Document

    templates = tmp_path / "templates"
    templates.mkdir()
    doc = Document()
    doc.add_paragraph("The partner is {{ partner.nme }}.")
    doc.save(templates / "role-chart.docx")
    result = invoke("build", JEFFERSON, "-o", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    assert result.stderr.splitlines()[0] == (
        f"Error: {templates / 'role-chart.docx'}: paragraph 1 (“The partner is {{{{ partner.nme }}}}.”): "
        "'partner.nme' is undefined; the template uses a value the context does not have "
        "(see `docgen context`)")


def test_one_bad_spec_does_not_stop_the_others(in_repo, tmp_path: Path) -> None:
    result = invoke("build", "tests/data/invalid/empty.json", JEFFERSON, "-o", str(tmp_path))
    assert result.exit_code == 1
    assert (tmp_path / "jefferson-es-library-2026-27" / "mou.docx").exists()
    assert result.stderr == (
        "tests/data/invalid/empty.json: is empty; a spec is a JSON object, see samples/ for "
        "examples\nnotice: not reviewed by a person: the es, vi, ar, zh-Hans translations (4 "
        "notices); have a translator check them before they go to families, and record the "
        "review in the catalog's X-Reviewed header (README: Recording a translator's review)\n"
        "1 built, 0 skipped, 1 failed\n  failed: tests/data/invalid/empty.json: is "
        "empty; a spec is a JSON object, see samples/ for examples\n")


def test_two_specs_with_the_same_id_are_refused(in_repo, tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    shutil.copy(ROOT / JEFFERSON, copy)
    result = invoke("build", JEFFERSON, str(copy), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{copy}: has the same id 'jefferson-es-library-2026-27' as {JEFFERSON}" in result.stderr


def test_the_same_spec_gives_byte_identical_documents(in_repo, tmp_path: Path) -> None:
    invoke("build", *map(str, SAMPLES), "-o", str(tmp_path / "a"))
    invoke("build", *map(str, SAMPLES), "-o", str(tmp_path / "b"))
    a = {p.relative_to(tmp_path / "a"): sha(p) for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): sha(p) for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b
    documents = [p for p in a if "built-from" not in p.parts]
    assert len(documents) == 11 + 4 + 4 * 5  # documents, manifests, notices
    # and what each was built from: its templates, and its notices' catalogs
    assert {p.parent for p in a if "built-from" in p.parts} == {
        p.parent / "built-from" for p in a if p.name == "manifest.json"}


def test_one_at_a_time_or_all_together_gives_the_same_files(in_repo, tmp_path: Path) -> None:
    invoke("build", *map(str, SAMPLES), "-o", str(tmp_path / "all"))
    for sample in SAMPLES:
        invoke("build", str(sample), "-o", str(tmp_path / "one"))
    for path in (tmp_path / "all").rglob("*.docx"):
        assert sha(path) == sha(tmp_path / "one" / path.relative_to(tmp_path / "all"))


def test_source_date_epoch_sets_the_document_dates(in_repo, tmp_path: Path) -> None:
    invoke("build", JEFFERSON, "-o", str(tmp_path / "a"), env={"SOURCE_DATE_EPOCH": "1790000000"})
    invoke("build", JEFFERSON, "-o", str(tmp_path / "b"))
    import zipfile

    core_a = zipfile.ZipFile(tmp_path / "a/jefferson-es-library-2026-27/mou.docx").read(
        "docProps/core.xml").decode()
    core_b = zipfile.ZipFile(tmp_path / "b/jefferson-es-library-2026-27/mou.docx").read(
        "docProps/core.xml").decode()
    assert "2026-09-21T14:13:20Z" in core_a  # 1790000000
    assert "2026-09-01T00:00:00Z" in core_b  # the term's start, when no epoch is given


def test_a_bad_source_date_epoch_is_a_usage_error(in_repo, tmp_path: Path) -> None:
    result = invoke("build", JEFFERSON, "-o", str(tmp_path), env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.exit_code == 2
    assert result.stderr == ("Error: SOURCE_DATE_EPOCH='soon' is not a number of seconds since "
                             "1970-01-01\n")


def test_the_library_reports_results_without_printing(tmp_path: Path, capsys) -> None:
    results = build([str(ROOT / JEFFERSON), str(tmp_path / "missing.json")],
                    BuildOptions(tmp_path / "out"))
    assert [r.error is None for r in results] == [True, False]
    assert capsys.readouterr() == ("", "")


def test_the_role_chart_repeats_its_header_row_and_turns_landscape_when_wide(in_repo,
                                                                            tmp_path) -> None:
    invoke("build", LINCOLN, JEFFERSON, "-o", str(tmp_path))
    wide = stories(tmp_path / "lincoln-es-bright-futures-2026-27" / "role-chart.docx")["document"]
    narrow = stories(tmp_path / "jefferson-es-library-2026-27" / "role-chart.docx")["document"]
    assert "[landscape]" in wide and "[landscape]" not in narrow
    header = [line for line in wide if line.startswith("|H| Activity")]
    assert header == ["|H| Activity | Principal | Community School Coordinator | Bright Futures "
                      "Site Director | Bright Futures Program Director | Community School "
                      "Leadership Team | Families"]
    assert "| Recruit and enroll students | C | A | R |  |  | I" in wide
    assert any(line.startswith("Key. R: Responsible, does the work.") for line in wide)


def test_the_data_sharing_agreement_follows_the_legal_basis(in_repo, tmp_path) -> None:
    invoke("build", *map(str, SAMPLES), "-o", str(tmp_path))
    text = {p.parent.name: plain_text(p) for p in tmp_path.rglob("data-sharing-agreement.docx")}
    consent = text["lincoln-es-bright-futures-2026-27"]
    studies = text["roosevelt-hs-csu-tutoring-study-2026-27"]
    official = text["chavez-ms-la-clinica-2026-27"]
    assert "34 CFR § 99.30" in consent and "99.31(a)(6)" not in consent
    assert "studies exception of FERPA, 34 CFR § 99.31(a)(6)" in studies
    assert "within 90 days after the study ends" in studies
    assert "for at least five years" in studies and "for at least five years" not in consent
    assert "school official with a legitimate educational interest" in official
    # § 99.32(d): disclosures with consent and to school officials need no record
    assert "Record of Disclosures" in studies
    assert "Record of Disclosures" not in official and "Record of Disclosures" not in consent


def test_pdf_problems_are_located_in_the_file_they_concern(tmp_path: Path) -> None:
    from docgen.errors import ConverterError, Problem

    class NoLibreOffice:
        def convert(self, jobs):
            raise ConverterError("PDFs need LibreOffice, which is not installed")

    spec = str(ROOT / "samples/jefferson-elementary-public-library.json")
    assert build([spec], BuildOptions(tmp_path))[0].error is None
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    (folder / "mou.pdf").write_bytes(b"%PDF-1.7 someone else's")
    result = build([spec], BuildOptions(tmp_path, pdf=True), pool=NoLibreOffice())[0]
    assert result.pdf_errors == [
        Problem(str(folder / "mou.pdf"), message="was not written by docgen, or was changed "
                "after docgen wrote it; move it out of the folder first, docgen will not "
                "overwrite it"),
        Problem("", message="PDFs need LibreOffice, which is not installed")]
    assert (folder / "mou.pdf").read_bytes() == b"%PDF-1.7 someone else's"
    assert not [p for p in folder.rglob(".*")]


def _comparable(value: object) -> object:
    """A context as plain data: translators by their language, amounts as they print."""
    if isinstance(value, dict):
        return {k: (type(v).__name__ if k in ("_translator", "_translators") else _comparable(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return (type(value).__name__, str(value)) if not isinstance(
        value, (str, int, float, bool, type(None))) else value


def test_a_spec_shaped_once_gives_each_notice_the_context_it_had(tmp_path: Path) -> None:
    # a build walks the spec against the schema once and writes its dates, times, amounts and
    # weekdays in each notice's language, with the spec's own text translated (issue #16):
    # every sample's agreement and notice contexts are the ones a fresh walk gives
    import docgen.context as context
    from docgen.build.documents import _catalog_gaps, notice_kinds, NOTICE_TEMPLATE
    from docgen.i18n.translate import translator
    from docgen.spec.schema import load_spec

    options = BuildOptions(tmp_path, allow_incomplete=True)
    checked = 0
    for sample in SAMPLES:
        spec = load_spec(sample)
        shaped = context.shape_spec(spec.data)
        assert _comparable(context.build_context(spec.data, shaped=shaped)) == _comparable(
            context.build_context(spec.data))
        kinds = notice_kinds(spec, options)
        own: dict = {}
        gaps = _catalog_gaps(spec, kinds, options.resources.template(NOTICE_TEMPLATE), options,
                             own)
        translators = {tag: translator(tag, base=options.resources.locales, use_fuzzy=True)
                       for tag in gaps}
        for tag in gaps:
            strings = own[tag].strings if tag in own else None
            if strings:
                # the translated text lands where the spec's own strings were shaped
                assert context._specialised(shaped, context.Formatter(tag, "USD"),
                                            strings) is not None
            once = context.build_notice_context(spec.data, tag, translators,
                                                spec_text=strings, shaped=shaped)
            fresh = context.build_notice_context(spec.data, tag, translators, spec_text=strings)
            assert _comparable(once) == _comparable(fresh), (spec.id, tag)
            checked += 1
    assert checked >= 10  # the samples' notices in all their languages
