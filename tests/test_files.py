"""Nothing of the user's is lost, and every failure is one located line (reliability issue:
"User files lost", "Tracebacks instead of one line", "Reproducibility").

Interrupted runs are stopped at chosen points by the test hook ``DOCGEN_TEST_STOP_AT``
(:func:`docgen.output.checkpoint`: the process ends there at once, as ``kill -9`` would), not
by sleeps or real signals. A read-only folder is made read-only with ``chattr +i`` (root ignores
permission bits but not the immutable flag), or with ``chmod 0555`` when the tests do not run as
root; a path under a file stands for the other case. The records docgen reads back (a
manifest, a journal, a review's summary) and the spec reader are fuzzed on mutated real files.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from conftest import ROOT, examples, in_ci, translate_beside
from docgen import output
from docgen.build.manifest import FileEntry, Manifest, SpecRecord, read_manifest
from docgen.build.outputs import NOT_OURS, pdfs_needed
from docgen.build.run import BuildOptions, build
from docgen.cli import cli
from docgen.errors import DocgenError, Problem
from docgen.pdf.pool import PdfResult
from docgen.review.write import previous_files
from docgen.spec.schema import check_spec, read_spec

JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"
LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
CHAVEZ = ROOT / "samples/chavez-middle-la-clinica-health.json"
J_ID = "jefferson-es-library-2026-27"
L_ID = "lincoln-es-bright-futures-2026-27"
LONG = "x" * 300


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def docgen(*args: str | Path, cwd: Path, stop_at: str | None = None,
           stdout: int | io.IOBase = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run docgen in a process of its own (stopped at ``stop_at``, see the module's note)."""
    env = {k: v for k, v in os.environ.items() if k != output.STOP_AT}
    env["PYTHONPATH"] = str(ROOT)
    if stop_at:
        env[output.STOP_AT] = stop_at
    return subprocess.run([sys.executable, "-m", "docgen", *map(str, args)], cwd=cwd, env=env,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=300)


def hidden(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


class FakePdfs:
    """A LibreOffice stand-in: each DOCX becomes a one-page PDF."""

    def convert(self, jobs):
        for job in jobs:
            writer = PdfWriter()
            writer.add_blank_page(612, 792)
            buf = io.BytesIO()
            writer.write(buf)
            job.dst.write_bytes(buf.getvalue())
        return [PdfResult(job, True) for job in jobs]


# --- every output goes through one ownership rule -------------------------------------------

def test_an_edited_packet_is_kept_on_a_run_without_force(tmp_path: Path) -> None:
    assert build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True), pool=FakePdfs())[0].ok
    packet = tmp_path / J_ID / "packet.pdf"
    packet.write_bytes(b"%PDF-1.7 signed by the principal")
    result = build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True), pool=FakePdfs())[0]
    assert result.pdf_errors == [Problem(str(packet), message=NOT_OURS)]
    assert packet.read_bytes() == b"%PDF-1.7 signed by the principal"


def test_an_edited_packet_is_kept_by_force_after_a_spec_change(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    spec.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    assert build([str(spec)], BuildOptions(out, pdf=True), pool=FakePdfs())[0].ok
    packet = out / J_ID / "packet.pdf"
    packet.write_bytes(b"%PDF-1.7 signed by the principal")
    data["purpose"] = data["purpose"] + " Revised."
    spec.write_text(json.dumps(data), encoding="utf-8")
    result = build([str(spec)], BuildOptions(out, pdf=True, force=True), pool=FakePdfs())[0]
    assert result.error is None
    assert result.pdf_errors == [Problem(str(packet), message=NOT_OURS)]
    assert packet.read_bytes() == b"%PDF-1.7 signed by the principal"
    assert "mou.pdf" in result.written  # the rest was rebuilt


# --- leftovers: only what docgen journaled ---------------------------------------------------

def test_a_users_file_named_like_a_temporary_file_is_kept(tmp_path: Path) -> None:
    assert build([str(JEFFERSON)], BuildOptions(tmp_path))[0].error is None
    notes = tmp_path / J_ID / ".notes.0badcafe.tmp"
    notes.write_text("my notes")
    (tmp_path / J_ID / "notices" / ".mine.0a1b2c3d.part.pdf").write_text("mine too")
    result = invoke("build", JEFFERSON, "-o", tmp_path, "--force", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert notes.read_text() == "my notes"
    assert (tmp_path / J_ID / "notices" / ".mine.0a1b2c3d.part.pdf").exists()


def test_a_run_killed_between_renames_is_completed_by_the_next(tmp_path: Path) -> None:
    killed = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path,
                    stop_at="placed:mou.docx")
    assert killed.returncode == 137
    folder = tmp_path / "out" / J_ID
    assert (folder / "mou.docx").exists() and not (folder / "manifest.json").exists()
    assert output.JOURNAL in hidden(folder)
    again = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{JEFFERSON}: up to date in out/{J_ID}/, skipped\n"
    assert hidden(folder) == []
    forced = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_force_works_after_a_run_killed_between_renames(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path).returncode == 0
    spec = tmp_path / "spec.json"
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    data["purpose"] += " Revised."
    spec.write_text(json.dumps(data), encoding="utf-8")
    translate_beside(spec, tmp_path_factory)  # the catalogs of its own text, as a translator
    killed = docgen("build", spec, "-o", "out", "--no-pdf", "--force", cwd=tmp_path,
                    stop_at="placed:mou.docx")
    assert killed.returncode == 137
    forced = docgen("build", spec, "-o", "out", "--no-pdf", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert hidden(tmp_path / "out" / J_ID) == []
    manifest = json.loads((tmp_path / "out" / J_ID / "manifest.json").read_text())
    assert manifest["spec"]["file"] == "spec.json"


def test_a_run_killed_before_its_renames_is_rolled_back(tmp_path: Path) -> None:
    killed = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path,
                    stop_at="written:role-chart.docx")
    assert killed.returncode == 137
    folder = tmp_path / "out" / J_ID
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []
    assert len([name for name in hidden(folder) if name.endswith(".tmp")]) == 2
    again = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"{JEFFERSON}: wrote out/{J_ID}/ (mou.docx, ")
    assert hidden(folder) == []


def test_a_run_killed_after_its_journal_of_renames_is_completed(tmp_path: Path) -> None:
    killed = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path, stop_at="staged")
    assert killed.returncode == 137
    folder = tmp_path / "out" / J_ID
    assert not (folder / "mou.docx").exists()
    again = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{JEFFERSON}: up to date in out/{J_ID}/, skipped\n"
    assert hidden(folder) == []


# --- a lock per output folder ----------------------------------------------------------------

def test_a_second_build_into_a_folder_being_written_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out" / J_ID
    with output.Hold(folder):  # this process writes there now; docgen runs in another
        second = docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path)
    assert second.returncode == 1
    assert second.stderr == (f"Error: out/{J_ID}: another docgen run is writing into this "
                             "folder; wait until it has finished, then run again (or write "
                             "into another folder)\n")
    assert not folder.exists()  # the hold made it, nothing was written, it is gone again
    assert docgen("build", JEFFERSON, "-o", "out", "--no-pdf", cwd=tmp_path).returncode == 0


def test_a_second_review_into_a_folder_being_written_is_refused(tmp_path: Path) -> None:
    with output.Hold(tmp_path / "review"):
        second = docgen("review", LINCOLN, LINCOLN, "-o", "review", "--no-pdf", cwd=tmp_path)
    assert second.returncode == 1
    assert second.stderr.startswith("Error: review: another docgen run is writing into this "
                                    "folder;")


def test_a_batch_whose_folder_is_being_written_builds_the_others(tmp_path: Path) -> None:
    with output.Hold(tmp_path / "out" / J_ID):
        result = docgen("build", JEFFERSON, LINCOLN, "-o", "out", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(f"  failed: Error: out/{J_ID}: another "
                                                     "docgen run is writing")
    assert (tmp_path / "out" / L_ID / "manifest.json").is_file()


# --- never through a link --------------------------------------------------------------------

def test_a_forged_manifest_cannot_make_force_remove_a_file_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build([str(JEFFERSON)], BuildOptions(out))[0].error is None
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not docgen's")
    folder = out / J_ID
    (folder / "extra").symlink_to(secret.parent, target_is_directory=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"].append({"path": "extra/secret.txt",
                              "sha256": output.sha256(secret.read_bytes())})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    spec = tmp_path / "spec.json"  # a change, so that the folder is built again
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    data["purpose"] += " Revised."
    spec.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("build", spec, "-o", out, "--force", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{spec}: wrote {folder}/ (mou.docx, ")
    assert secret.read_text() == "not docgen's"
    assert (folder / "extra").is_symlink()


def test_a_linked_notices_folder_is_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build([str(JEFFERSON)], BuildOptions(out))[0].error is None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = out / J_ID
    shutil.rmtree(folder / "notices")
    (folder / "notices").symlink_to(elsewhere, target_is_directory=True)
    result = invoke("build", JEFFERSON, "-o", out, "--force", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {folder / 'notices'}: is a symbolic link; docgen neither "
                             "writes nor removes through links: replace the link with a real "
                             "folder or file; nothing was changed\n")
    assert list(elsewhere.iterdir()) == []


def test_i18n_update_does_not_write_through_a_link(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    outside = tmp_path / "outside"
    outside.mkdir()
    (locales / "es").rename(outside / "es")
    (locales / "es").symlink_to(outside / "es", target_is_directory=True)
    before = (outside / "es/LC_MESSAGES/docgen.po").read_bytes()
    result = invoke("i18n", "update", "--dir", locales)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{locales / 'es'}: is a symbolic link; docgen does not write docgen.po through it: "
        "replace the link with a real folder or file\n"
        f"{locales}: no catalog was updated: replace the link above, then run docgen i18n "
        "update again\n")
    assert (outside / "es/LC_MESSAGES/docgen.po").read_bytes() == before


def test_a_catalog_that_is_a_link_is_not_replaced(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "vi/LC_MESSAGES/docgen.po"
    shared = tmp_path / "shared-vi.po"
    po.rename(shared)
    po.symlink_to(shared)
    result = invoke("i18n", "update", "--dir", locales)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{po}: is a symbolic link; docgen does not write docgen.po")
    assert po.is_symlink()


# --- one located line, never a traceback -----------------------------------------------------

@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only in a way that holds for root (see the module's note)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)],
                                        capture_output=True).returncode != 0:
        if in_ci():
            pytest.fail("chattr +i is not available as root here; .ci/run must run on a file "
                        "system that supports it")
        pytest.skip("chattr +i does not work on this file system, and root ignores chmod")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_review_into_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    folder.mkdir()
    with read_only(folder):
        result = invoke("review", LINCOLN, LINCOLN, "-o", folder, "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder}: cannot be written: ")
    assert result.stderr.endswith("; docgen cannot write there: choose a folder you can write "
                                  "to\n")
    assert len(result.stderr.splitlines()) == 1
    assert list(folder.iterdir()) == []


def test_review_under_a_path_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    result = invoke("review", LINCOLN, LINCOLN, "-o", tmp_path / "afile/review", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'afile/review'}: cannot be written: a part "
                             "of this path is a file, not a folder; choose another place\n")


TOO_LONG = "cannot be written: the name is too long for the file system; choose a shorter name"


def test_an_over_long_output_name_is_one_line_in_build(tmp_path: Path) -> None:
    result = invoke("build", LINCOLN, "-o", tmp_path / LONG, "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / LONG / L_ID}: {TOO_LONG}\n"


def test_an_over_long_output_name_is_one_line_in_renew(tmp_path: Path) -> None:
    target = tmp_path / f"{LONG}.json"
    result = invoke("renew", LINCOLN, "--school-year", "2027-2028", "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: {TOO_LONG}\n"


def test_an_over_long_output_name_is_one_line_in_redline(tmp_path: Path) -> None:
    assert build([str(LINCOLN)], BuildOptions(tmp_path))[0].error is None
    mou = tmp_path / L_ID / "mou.docx"
    target = tmp_path / f"{LONG}.docx"
    result = invoke("redline", mou, mou, "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: {TOO_LONG}\n"


def test_an_over_long_output_name_is_one_line_in_review(tmp_path: Path) -> None:
    result = invoke("review", LINCOLN, LINCOLN, "-o", tmp_path / LONG, "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / LONG}: {TOO_LONG}\n"


def test_a_redline_input_without_its_settings_part_is_redlined(tmp_path: Path) -> None:
    assert build([str(LINCOLN)], BuildOptions(tmp_path))[0].error is None
    mou = tmp_path / L_ID / "mou.docx"
    lacking = tmp_path / "lacking.docx"
    with zipfile.ZipFile(mou) as src, zipfile.ZipFile(lacking, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/settings.xml":  # its relationship stays
                dst.writestr(item, src.read(item))
    result = invoke("redline", mou, lacking, "-o", tmp_path / "r.docx")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {tmp_path / 'r.docx'}: 0 changed places, 0 tracked revisions\n"
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        assert b"trackRevisions" in z.read("word/settings.xml")


def packet_with(data: bytes, *, deflate: bool = False) -> bytes:
    """A PDF with ``data`` attached as spec.json (compressed, as a bomb is, with ``deflate``)."""
    import zlib

    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment("spec.json", b"placeholder")
    for obj in writer._objects:
        if isinstance(obj, DecodedStreamObject) and obj.get("/Type") == "/EmbeddedFile":
            if deflate:
                obj._data = zlib.compress(data, 9)
                obj[NameObject("/Filter")] = NameObject("/FlateDecode")
            else:
                obj.set_data(data)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_spec_from_pdf_refuses_a_deflate_bomb_in_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(packet_with(b"\0" * 100_000_000, deflate=True))
    result = invoke("spec-from-pdf", bomb)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {bomb}: its spec.json attachment inflates to more than "
                             "docgen reads (a compression bomb, or not a packet docgen built); "
                             "docgen will not read it\n")


def test_spec_from_pdf_escapes_a_non_json_attachment(tmp_path: Path) -> None:
    packet = tmp_path / "odd.pdf"
    packet.write_bytes(packet_with(b"\x1b]0;owned\x07\x1b[2Jhello\n"))
    result = CliRunner().invoke(cli, ["spec-from-pdf", str(packet)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout_bytes == b"\\x1b]0;owned\\x07\\x1b[2Jhello\n"
    assert result.stderr == (f"Error: {packet}: its spec.json attachment is not JSON (Expecting "
                             "value: line 1 column 1 (char 0)); it was printed with its control "
                             "characters escaped, as \\x1b; it is not a spec docgen can build\n")


def test_spec_from_pdf_escapes_control_codes_on_a_terminal(tmp_path: Path) -> None:
    import pty

    packet = tmp_path / "odd.pdf"
    # valid JSON may hold a C1 control (U+009B, a terminal's CSI) unescaped in a string
    packet.write_bytes(packet_with('{"id": "x\u009b2J"}\n'.encode("utf-8")))
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-m", "docgen", "spec-from-pdf", str(packet)],
                          stdout=follower, stderr=subprocess.PIPE, env=env) as proc:
        os.close(follower)
        printed = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            printed += chunk
        assert proc.wait(timeout=60) == 0
    os.close(leader)
    assert printed.replace(b"\r\n", b"\n") == b'{"id": "x\\x9b2J"}\n'


@pytest.mark.parametrize("command", [["schema"], ["context", str(LINCOLN)],
                                     ["validate", str(LINCOLN)]])
def test_a_full_standard_output_is_one_line(tmp_path: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = docgen(*command, cwd=tmp_path, stdout=full)
    assert result.returncode == 1
    assert result.stderr == ("Error: cannot write to standard output: no space left on the "
                             "disk; make room, then run docgen again\n")


def test_a_damaged_manifest_is_never_a_traceback(tmp_path: Path) -> None:
    assert build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True), pool=FakePdfs())[0].ok
    path = tmp_path / J_ID / "manifest.json"
    manifest = json.loads(path.read_text())
    for entry in manifest["files"]:
        entry.update(locale=3, source=[entry.get("source")], sources={"a": 1}, kind=7,
                     template_sha256=None, incomplete_translation="yes")
    manifest["spec"] = {"sha256": ["x"], "id": 5}
    manifest["source_date"] = 12
    path.write_text(json.dumps(manifest))
    again = build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True, force=True),
                  pool=FakePdfs())[0]
    assert again.ok, (again.error, again.pdf_errors)
    assert json.loads(path.read_text())["spec"]["id"] == J_ID


def test_a_damaged_review_summary_is_never_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "review"
    assert invoke("review", LINCOLN, LINCOLN, "-o", out, "--no-pdf").exit_code == 0
    for files in (5, "x", [1, {"path": 3, "sha256": []}]):
        (out / "summary.json").write_text(json.dumps({"kind": "docgen review", "files": files}))
        result = invoke("review", LINCOLN, LINCOLN, "-o", out, "--no-pdf")
        assert result.exit_code == 1
        assert result.stderr.startswith(f"{out / 'summary.md'}: was not written by docgen "
                                        "review, or was changed after;")
        assert invoke("review", LINCOLN, LINCOLN, "-o", out, "--no-pdf",
                      "--force").exit_code == 0


def test_one_damaged_output_folder_does_not_stop_the_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / J_ID).mkdir(parents=True)
    (out / J_ID / "manifest.json").mkdir()  # a folder where docgen's record should be
    # a folder named like one of docgen's temporary files
    (out / L_ID / ".mou.docx.0a1b2c3d.tmp").mkdir(parents=True)
    result = docgen("build", JEFFERSON, LINCOLN, CHAVEZ, "-o", out, "--no-pdf", "--jobs", "2",
                    "--force", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-2:] == [
        "2 built, 0 skipped, 1 failed",
        f"  failed: Error: {out / J_ID / 'manifest.json'}: is not a docgen manifest; move it "
        "out of the folder first, docgen will not overwrite it"]
    assert (out / L_ID / "manifest.json").is_file()
    assert (out / L_ID / ".mou.docx.0a1b2c3d.tmp").is_dir()


def test_a_worker_dying_mid_batch_fails_only_its_spec(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    base = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    for i in range(6):
        base["id"] = f"school-{i}-library-2026-27"
        (specs / f"s{i}.json").write_text(json.dumps(base), encoding="utf-8")
        translate_beside(specs / f"s{i}.json", tmp_path_factory)
    result = docgen("build", "specs", "-o", "out", "--no-pdf", "--jobs", "3", cwd=tmp_path,
                    stop_at="render:school-2-library-2026-27")
    assert result.returncode == 1
    summary, failed = result.stderr.splitlines()[-2:]
    # a spec the dead process's pool had finished is built, or found built when it is retried
    counts = re.fullmatch(r"(\d) built, (\d) skipped, 1 failed", summary)
    assert counts and int(counts[1]) + int(counts[2]) == 5, summary
    assert [failed] == [
        "  failed: Error: specs/s2.json: the process building this spec stopped unexpectedly "
        "(it was killed, or ran out of memory); the other specs were built. Run docgen build "
        "on this spec alone to see why"]
    built = sorted(p.parent.name for p in (tmp_path / "out").glob("*/manifest.json"))
    assert built == [f"school-{i}-library-2026-27" for i in (0, 1, 3, 4, 5)]
    assert not (tmp_path / "out/school-2-library-2026-27").exists()


# --- reproducibility -------------------------------------------------------------------------

def test_the_manifest_lists_files_in_one_order_whatever_order_they_came_in() -> None:
    docx = [FileEntry(f"{n}.docx", "0" * 64, format="docx") for n in ("mou", "role-chart")]
    pdfs = [FileEntry(f"{n}.pdf", "1" * 64, format="pdf", source=f"{n}.docx")
            for n in ("mou", "role-chart")]
    packet = FileEntry("packet.pdf", "2" * 64, kind="packet", format="pdf")
    spec = SpecRecord("s.json", "x", "1.2", "3" * 64)
    one = Manifest("1", spec, None, tuple(docx + pdfs + [packet]))
    other = Manifest("1", spec, None, tuple([packet, pdfs[1]] + docx + [pdfs[0]]))
    assert one.to_bytes() == other.to_bytes()
    assert [f["path"] for f in json.loads(one.to_bytes())["files"]] == [
        "mou.docx", "role-chart.docx", "mou.pdf", "role-chart.pdf", "packet.pdf"]


def test_a_source_date_before_the_year_1000_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "-30610224001")
    result = invoke("build", JEFFERSON, "-o", tmp_path, "--no-pdf")
    assert result.exit_code == 2
    assert result.stderr == ("Error: SOURCE_DATE_EPOCH='-30610224001' is in the year 999, "
                             "before 1000; documents cannot be dated then: give a time from "
                             "the year 1000 on (-30610224000 or more)\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "-30610224000")
    assert invoke("build", JEFFERSON, "-o", tmp_path, "--no-pdf").exit_code == 0


@pytest.mark.slow
def test_two_clean_builds_with_pdfs_are_byte_identical(tmp_path: Path) -> None:
    from conftest import require

    require("soffice")
    for name in ("one", "two"):
        result = invoke("build", LINCOLN, JEFFERSON, "-o", tmp_path / name, "-j", "3")
        assert result.exit_code == 0, result.output
    one = {p.relative_to(tmp_path / "one"): p.read_bytes()
           for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes()
           for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert sorted(map(str, one)) == sorted(map(str, two))
    assert Path(L_ID, "manifest.json") in one and Path(L_ID, "packet.pdf") in one
    for name in one:
        assert one[name] == two[name], name
    manifest = json.loads(one[Path(L_ID, "manifest.json")])
    pdfs = [f["path"] for f in manifest["files"] if f.get("format") == "pdf"]
    assert pdfs[-1] == "packet.pdf" and len(PdfReader(tmp_path / "one" / L_ID / "packet.pdf")
                                            .attachments["spec.json"]) == 1


# --- fuzzing the records docgen reads back, on mutated real files -----------------------------

def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with a few bytes replaced, removed or inserted, or cut short."""
    @st.composite
    def strategy(draw: st.DrawFn) -> bytes:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, max(len(out) - 1, 0)))
            kind = draw(st.sampled_from(["replace", "remove", "insert", "cut"]))
            byte = draw(st.sampled_from(list(b'"{}[],:0123456789 \\\n\x00\xff') + [0x61]))
            if kind == "replace" and out:
                out[at] = byte
            elif kind == "remove" and out:
                del out[at]
            elif kind == "insert":
                out.insert(at, byte)
            else:
                del out[at:]
        return bytes(out)
    return strategy()


@pytest.fixture(scope="module")
def built_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuzz")
    assert build([str(JEFFERSON)], BuildOptions(out, pdf=True), pool=FakePdfs())[0].ok
    return out / J_ID


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_manifest_is_read_or_refused_never_a_crash(built_folder: Path, data) -> None:
    original = (built_folder / "manifest.json").read_bytes()
    bad = data.draw(mutated(original))
    folder = built_folder.parent / "mutated"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(built_folder, folder)
    (folder / "manifest.json").write_bytes(bad)
    manifest = read_manifest(folder)
    if manifest is not None:
        mine = manifest.owned(folder)
        assert all((folder / name).is_file() for name in mine)
        pdfs_needed(folder, manifest)
        manifest.to_bytes()


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_journal_removes_only_docgens_hidden_files(tmp_path_factory, data) -> None:
    folder = tmp_path_factory.mktemp("journal")
    (folder / "notices").mkdir()
    kept = [folder / "mou.docx", folder / ".notes.txt", folder / "notices/.mine"]
    for path in kept:
        path.write_text("the user's")
    leftover = folder / ".mou.docx.0a1b2c3d.tmp"
    leftover.write_text("half")
    journal = (json.dumps({"made": ".mou.docx.0a1b2c3d.tmp"}) + "\n" + json.dumps(
        {"move": [[".mou.docx.0a1b2c3d.tmp", "mou.docx", "0" * 64]]}) + "\n").encode()
    (folder / output.JOURNAL).write_bytes(data.draw(mutated(journal)))
    output.Journal(folder).recover()
    for path in kept:
        assert path.read_text() == "the user's"
    assert not (folder / output.JOURNAL).exists()


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_review_summary_is_read_never_a_crash(tmp_path_factory, data) -> None:
    folder = tmp_path_factory.mktemp("summary")
    (folder / "summary.md").write_text("# summary")
    summary = json.dumps({"kind": "docgen review", "files": [
        {"path": "summary.md", "sha256": output.sha256(b"# summary"), "bytes": 9}]}).encode()
    (folder / "summary.json").write_bytes(data.draw(mutated(summary)))
    assert set(previous_files(folder)) <= {"summary.json", "summary.md"}


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_spec_is_read_or_refused_in_located_lines(tmp_path_factory, data) -> None:
    spec = tmp_path_factory.mktemp("spec") / "spec.json"
    spec.write_bytes(data.draw(mutated(JEFFERSON.read_bytes())))
    try:
        problems = check_spec(read_spec(spec))
    except DocgenError as e:
        problems = e.problems
    assert all(p.file == str(spec) and p.message for p in problems)


# --- writers of single files: renew, redline, the catalogs ----------------------------------


def test_a_renew_killed_while_writing_is_cleaned_by_the_next_keeping_a_users_file(
        tmp_path: Path) -> None:
    mine = tmp_path / ".renewed.json.0a1b2c3d.tmp"  # the user's, named like docgen's
    mine.write_text("my notes")
    args = ("renew", LINCOLN, "--school-year", "2027-2028", "-o", "renewed.json")
    killed = docgen(*args, cwd=tmp_path, stop_at="written:renewed.json")
    assert killed.returncode == 137
    assert output.JOURNAL in hidden(tmp_path) and not (tmp_path / "renewed.json").exists()
    assert len([h for h in hidden(tmp_path) if h.startswith(".renewed.json.")]) == 2
    again = docgen(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "renewed.json").read_text())["school_year"] == "2027-2028"
    assert mine.read_text() == "my notes"
    assert [h for h in hidden(tmp_path) if not h.startswith(".renewed.json.locales")] == [
        mine.name]


def test_a_renew_killed_as_it_renames_is_completed_by_the_next(tmp_path: Path) -> None:
    args = ("renew", LINCOLN, "--school-year", "2027-2028", "-o", "renewed.json")
    killed = docgen(*args, cwd=tmp_path, stop_at="staged")
    assert killed.returncode == 137 and not (tmp_path / "renewed.json").exists()
    again = docgen(*args, cwd=tmp_path)
    # the killed run's renewal, written in full, was put in place first: not overwritten
    assert again.returncode == 1
    assert again.stderr == (f"Error: renewed.json: already exists; pass --force to replace "
                            "it\n")
    assert json.loads((tmp_path / "renewed.json").read_text())["school_year"] == "2027-2028"
    assert [h for h in hidden(tmp_path) if not h.startswith(".renewed.json.locales")] == []


def test_a_redline_killed_between_its_two_files_is_completed_by_the_next(
        tmp_path: Path) -> None:
    assert build([str(LINCOLN)], BuildOptions(tmp_path / "out"))[0].error is None
    mou = tmp_path / "out" / L_ID / "mou.docx"
    mine = tmp_path / ".redline.docx.0a1b2c3d.tmp"
    mine.write_text("my notes")
    args = ("redline", mou, mou, "-o", "redline.docx", "--summary", "summary.md")
    killed = docgen(*args, cwd=tmp_path, stop_at="placed:redline.docx")
    assert killed.returncode == 137
    assert (tmp_path / "redline.docx").exists() and not (tmp_path / "summary.md").exists()
    again = docgen(*args, "--force", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "summary.md").exists()
    assert hidden(tmp_path) == [mine.name]


@contextlib.contextmanager
def held_elsewhere(folder: Path) -> Iterator[None]:
    """Hold ``folder`` as another docgen run would, from a process of its own."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from docgen import output; "
         "h = output.Hold(Path(sys.argv[1])); h.acquire(); print('held', flush=True); "
         "sys.stdin.read(); h.release()", str(folder)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize("command", ["renew", "redline", "catalog"])
def test_a_single_file_writer_into_a_folder_being_written_is_refused(
        tmp_path: Path, command: str) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    if command == "redline":
        assert build([str(LINCOLN)], BuildOptions(tmp_path / "out"))[0].error is None
        mou = tmp_path / "out" / L_ID / "mou.docx"
        args: tuple[str | Path, ...] = ("redline", mou, mou, "-o", folder / "r.docx")
    elif command == "renew":
        args = ("renew", LINCOLN, "--school-year", "2027-2028", "-o", folder / "r.json")
    else:
        shutil.copytree(ROOT / "locales", tmp_path / "locales")
        folder = tmp_path / "locales" / "es" / "LC_MESSAGES"
        args = ("i18n", "update", "--dir", tmp_path / "locales")
    with held_elsewhere(folder):  # another run writing there
        result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr == (f"Error: {folder}: another docgen run is writing into this "
                             "folder; wait until it has finished, then run again (or write "
                             "into another folder)\n")
    assert hidden(folder) == [] and list(folder.glob("r.*")) == []


def test_a_conversion_input_is_never_written_through_a_link(tmp_path: Path) -> None:
    # review writes each redline's conversion input beside it under a new hidden name
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    part = output.part_beside(tmp_path / "redline-mou.docx", ".docx")
    part.symlink_to(outside)
    with pytest.raises(OSError):
        output.write_new(part, b"docx")
    assert outside.read_text() == "mine" and part.is_symlink()
    part.unlink()
    output.write_new(part, b"docx")
    assert part.read_bytes() == b"docx"


@contextlib.contextmanager
def small_disk(folder: Path, size: int) -> Iterator[Path]:
    """A file system of ``size`` bytes (tmpfs) mounted on ``folder``."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        if in_ci():
            pytest.fail(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); CI must "
                        "run where it can (as root, with CAP_SYS_ADMIN)")
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_build_onto_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    assert build([str(JEFFERSON)], BuildOptions(tmp_path / "full"))[0].error is None
    needed = sum(p.stat().st_size for p in (tmp_path / "full").rglob("*") if p.is_file())
    with small_disk(tmp_path / "disk", needed // 2) as disk:
        result = invoke("build", JEFFERSON, "-o", disk / "out", "--no-pdf")
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {disk / 'out' / J_ID}"), lines
        assert lines[0].endswith("no space left on the disk; make room, then run docgen "
                                 "again"), lines
        assert list(disk.rglob("*")) == []


def test_a_forced_rebuild_onto_a_full_disk_changes_nothing(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert build([str(JEFFERSON)], BuildOptions(tmp_path / "full"))[0].error is None
    needed = sum(p.stat().st_size for p in (tmp_path / "full").rglob("*") if p.is_file())
    with small_disk(tmp_path / "disk", needed + needed // 3) as disk:
        assert invoke("build", JEFFERSON, "-o", disk, "--no-pdf").exit_code == 0
        before = {p: p.read_bytes() if p.is_file() else None for p in disk.rglob("*")}
        changed = json.loads(JEFFERSON.read_text(encoding="utf-8"))
        changed["purpose"] = changed["purpose"] + " Families are welcome."
        spec = tmp_path / JEFFERSON.name
        spec.write_text(json.dumps(changed), encoding="utf-8")
        translate_beside(spec, tmp_path_factory)
        result = invoke("build", spec, "-o", disk, "--no-pdf", "--force")
        assert result.exit_code == 1, result.output
        assert result.stderr.endswith("no space left on the disk; make room, then run docgen "
                                      "again\n"), result.stderr
        assert {p: p.read_bytes() if p.is_file() else None for p in disk.rglob("*")} == before
