"""Hostile files: nothing outside a document reaches it, no input hangs docgen or fills memory.

Templates (``--templates``) and redline inputs that link to content outside themselves are
refused in the one OOXML reader, with one line naming the file and the part; so is a DTD in
any part, a part docgen only copies included. Inputs that are not regular files are refused
without blocking.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from docgen.cli import cli
from docgen.errors import TemplateError
from docgen.render import compile_template
from hostile_docs import (DOC_RELS, HOSTILE, add_body, add_rel, field, members, packed)
from redline_docs import make_docx

JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"
SECRET = "file:///tmp/docgen-secret/secret.svg"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def templates_with(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    (folder / name).write_bytes(data)
    return folder


def _words(words: str) -> str:
    return words.format(target=SECRET)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_template_that_links_outside_itself_is_refused_naming_the_part(
        tmp_path: Path, case: str) -> None:
    change, part, words = HOSTILE[case]
    folder = templates_with(tmp_path, "mou.docx",
                            change((ROOT / "templates/mou.docx").read_bytes(), SECRET))
    result = invoke("build", str(JEFFERSON), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--templates", str(folder))
    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {folder / 'mou.docx'}: {part}: {_words(words)}"), first
    assert "docgen does not build from a template that links to content outside it" in first
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "jefferson-es-public-library-2026-27").exists()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_redline_input_that_links_outside_itself_is_refused_naming_the_part(
        tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    change, part, words = HOSTILE[case]
    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(make_docx("One clause."))
    Path("new.docx").write_bytes(change(make_docx("One clause, changed."), SECRET))
    result = invoke("redline", "old.docx", "new.docx", "-o", "out.docx")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: new.docx: part {part} {_words(words)}; docgen does not "
                             "read documents that link to content outside them, which could "
                             "bring another file or a web page in: embed it instead (in Word: "
                             "File > Info > Edit Links to Files > Break Link) and save again\n")
    assert not Path("out.docx").exists()


def test_a_dtd_in_a_part_docgen_only_copies_is_refused(tmp_path: Path) -> None:
    parts = members((ROOT / "templates/mou.docx").read_bytes())
    settings = parts["word/settings.xml"]
    end = settings.index(b"?>") + 2
    parts["word/settings.xml"] = (settings[:end] + b'<!DOCTYPE w:settings [<!ENTITY x SYSTEM '
                                  b'"file:///etc/hostname">]>' + settings[end:])
    path = tmp_path / "mou.docx"
    path.write_bytes(packed(parts))
    with pytest.raises(TemplateError) as info:
        compile_template(path)
    assert info.value.message == (f"{path}: word/settings.xml: contains a DOCTYPE or entity "
                                  "declaration, which a Word document never has; refusing to "
                                  "read it")


def test_hyperlinks_may_point_outside(tmp_path: Path) -> None:
    parts = members((ROOT / "templates/mou.docx").read_bytes())
    add_rel(parts, "rIdLink", "hyperlink", "https://example.org/partnership")
    add_body(parts, '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>Our site</w:t></w:r>'
                    '</w:hyperlink></w:p>')
    folder = templates_with(tmp_path, "mou.docx", packed(parts))
    result = invoke("build", str(JEFFERSON), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--templates", str(folder))
    assert result.exit_code == 0, result.output


def test_an_attached_template_is_dropped_not_refused(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    parts = members(make_docx("One clause, changed."))
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom", b'<w:attachedTemplate xmlns:r="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships" r:id="rIdT"/><w:zoom', 1)
    parts["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="file:///C:/Firm/Letter.dotm" '
        b'TargetMode="External"/></Relationships>')
    assert b"attachedTemplate" in parts["word/settings.xml"]
    Path("old.docx").write_bytes(make_docx("One clause."))
    Path("new.docx").write_bytes(packed(parts))
    result = invoke("redline", "old.docx", "new.docx", "-o", "out.docx", "--date", "2027-06-01")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile("out.docx") as z:
        assert all(b"attachedTemplate" not in z.read(n) and b"Letter.dotm" not in z.read(n)
                   for n in z.namelist())


def test_a_field_made_by_the_template_is_refused_after_rendering(tmp_path: Path) -> None:
    parts = members((ROOT / "templates/mou.docx").read_bytes())
    add_body(parts, field(['{{ "INCLUDE" }}TEXT "/etc/hostname" ']))
    path = tmp_path / "mou.docx"
    path.write_bytes(packed(parts))
    folder = templates_with(tmp_path, "mou.docx", path.read_bytes())
    result = invoke("build", str(JEFFERSON), "-o", str(tmp_path / "out"), "--no-pdf",
                    "--templates", str(folder))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {folder / 'mou.docx'}: word/document.xml after rendering: has a field that "
        "reads another file (INCLUDETEXT); docgen does not build from a template")


def test_a_docx_that_links_outside_never_reaches_the_converter(tmp_path: Path) -> None:
    """The last gate, before LibreOffice: whatever made the DOCX, a linked picture stops it."""
    import datetime as dt

    from docgen.pdf.convert import PdfRequest, PdfSettings, convert_pdfs

    change = HOSTILE["linked-picture"][0]
    src = tmp_path / "linked.docx"
    src.write_bytes(change(make_docx("Hello."), SECRET))
    seen: list[object] = []

    class Pool:
        def convert(self, jobs):
            seen.extend(jobs)
            return []

    got: list = []
    when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    error = convert_pdfs([0], [PdfRequest(src, tmp_path / "linked.pdf", "linked.docx", 0, when)],
                         PdfSettings(pool=Pool()), lambda g, c: got.extend(c))
    assert error is None and seen == []
    assert [c.problem.message for c in got] == [
        f"PDF not written: part {DOC_RELS} has a picture linked to {SECRET} (outside the "
        "document); docgen does not read documents that link to content outside them, which "
        "could bring another file or a web page in: embed it instead (in Word: File > Info > "
        "Edit Links to Files > Break Link) and save again"]


# --- inputs that are not regular files ----------------------------------------------------------


def _special(tmp_path: Path, kind: str, name: str) -> str:
    if kind == "dev-zero":
        return "/dev/zero"
    path = tmp_path / name
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_redline_refuses_an_input_that_is_not_a_regular_file(tmp_path: Path, kind: str,
                                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(make_docx("One clause."))
    special = _special(tmp_path, kind, "new.docx")
    result = invoke("redline", "old.docx", special, "-o", "out.docx")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {special}: is not a regular file (a pipe or a device?); "
                             "give docgen a file\n")


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_spec_from_pdf_refuses_an_input_that_is_not_a_regular_file(tmp_path: Path,
                                                                    kind: str) -> None:
    special = _special(tmp_path, kind, "packet.pdf")
    result = invoke("spec-from-pdf", special)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {special}: is not a regular file (a pipe or a device?); "
                             "give docgen a file\n")


@pytest.mark.parametrize("command", ["build", "validate"])
@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_build_and_validate_refuse_a_spec_that_is_not_a_regular_file(
        tmp_path: Path, kind: str, command: str) -> None:
    special = _special(tmp_path, kind, "spec.json")
    args = [command, special] + (["-o", str(tmp_path / "out"), "--no-pdf"]
                                 if command == "build" else [])
    result = invoke(*args)
    assert result.exit_code == 1
    assert (f"{special}: is not a regular file (a pipe or a device?); give docgen a file"
            in result.stderr)


def test_a_template_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    (folder / "mou.docx").unlink()
    os.mkfifo(folder / "mou.docx")
    with pytest.raises(TemplateError) as info:
        compile_template(folder / "mou.docx")
    assert info.value.message == (f"{folder / 'mou.docx'}: is not a regular file (a pipe or a "
                                  "device?); give docgen a file")


def test_build_refuses_a_spec_over_validates_limit(tmp_path: Path) -> None:
    spec = tmp_path / "big.json"
    data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
    data["padding"] = "x" * (5 * 1024 * 1024)
    spec.write_text(json.dumps(data), encoding="utf-8")
    for command in (["build", str(spec), "-o", str(tmp_path / "out"), "--no-pdf"],
                    ["validate", str(spec)]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert f"{spec}: is larger than 5 MB; a spec is a few kilobytes" in result.stderr


def test_a_glob_over_a_symlink_loop_finishes(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    shutil.copy(JEFFERSON, tmp_path / "specs" / "a.json")
    (tmp_path / "specs" / "loop").symlink_to(tmp_path / "specs")
    (tmp_path / "specs" / "loop2").symlink_to(tmp_path / "specs" / "loop")
    from docgen.build.run import spec_files_from

    for argument in (str(tmp_path / "specs" / "**" / "*.json"), str(tmp_path / "specs")):
        files = spec_files_from([argument])
        assert [os.path.realpath(f) for f in files] == [str(tmp_path / "specs" / "a.json")]


# --- rendering budget ---------------------------------------------------------------------------


def _template(tmp_path: Path, *paragraphs: str) -> Path:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / "loop.docx"
    doc.save(path)
    return path


def _render(path: Path) -> str:
    import datetime as dt

    from docgen.render import render

    with pytest.raises(TemplateError) as info:
        render(compile_template(path), {}, source_date=dt.datetime(2026, 1, 1,
                                                                   tzinfo=dt.timezone.utc))
    return info.value.message


def test_loops_inside_loops_stop_at_the_time_budget(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("docgen.budget.RENDER_SECONDS", 1.0)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    path = _template(tmp_path, "Dear families,", loop)
    assert _render(path) == (f"{path}: paragraph 2 (“" "{% for i in range(100000) %}{% for j "
                             "in range(100000) %}{…”): the template was stopped: it ran "
                             "for more than 1 seconds (a loop that never ends, or loops inside "
                             "loops?); make its loops shorter")


def test_a_loop_over_a_billion_numbers_is_refused_where_it_is(tmp_path: Path) -> None:
    path = _template(tmp_path, "Dear families,", "{% for i in range(10**9) %}x{% endfor %}")
    assert _render(path) == (f"{path}: paragraph 2 (“" "{% for i in range(10**9) %}x{% endfor "
                             "%}”): the template failed: OverflowError: Range too big. The "
                             "sandbox blocks ranges larger than MAX_RANGE (100000).")


def test_a_template_that_writes_too_much_stops_at_the_output_budget(tmp_path: Path) -> None:
    path = _template(tmp_path, "Dear families,",
                     "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")
    message = _render(path)
    assert message.startswith(f"{path}: paragraph 2 (")
    assert message.endswith("the template was stopped: it writes more than 32 MB (a loop that "
                            "never ends, or loops inside loops?); make its loops shorter")


@pytest.mark.parametrize("expression, words", [
    ("'x' * 10**9", "repeating str 1000000000 times makes more than 1,000,000 characters or "
                    "items"),
    ("9 ** 999999", "9 ** 999999 is a number too large to write"),
])
def test_huge_values_are_refused_before_they_are_made(tmp_path: Path, expression: str,
                                                      words: str) -> None:
    path = _template(tmp_path, "Dear families,", f"{{{{ {expression} }}}}")
    assert _render(path) == (f"{path}: paragraph 2 (“{{{{ {expression} }}}}”): not allowed in a "
                             f"template: {words}")


_NESTED = ("{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}"
           "{% endfor %}")


def test_loops_inside_loops_stop_at_the_time_budget_in_a_worker_thread(
        tmp_path: Path, monkeypatch) -> None:
    # no timer signal reaches a thread: the template's own loops look at the clock
    import threading

    monkeypatch.setattr("docgen.budget.RENDER_SECONDS", 1.0)
    path = _template(tmp_path, "Dear families,", _NESTED)
    messages: list[str] = []
    thread = threading.Thread(target=lambda: messages.append(_render(path)), daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the render in a thread ran on past its budget"
    assert messages == [f"{path}: paragraph 2 (“{_NESTED[:57]}…”): the template was stopped: "
                        "it ran for more than 1 seconds (a loop that never ends, or loops "
                        "inside loops?); make its loops shorter"]


def test_calls_inside_loops_stop_at_the_time_budget_in_a_worker_thread(
        tmp_path: Path, monkeypatch) -> None:
    import threading

    monkeypatch.setattr("docgen.budget.RENDER_SECONDS", 1.0)
    macro = ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
             "{{ f(60) }}")
    path = _template(tmp_path, "Dear families,", macro)
    messages: list[str] = []
    thread = threading.Thread(target=lambda: messages.append(_render(path)), daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert len(messages) == 1 and messages[0].startswith(f"{path}: paragraph 2 (")
    assert "the template was stopped: it ran for more than 1 seconds" in messages[0]


def test_loops_keep_their_length_and_last_item_under_the_budget(tmp_path: Path) -> None:
    import datetime as dt

    from docgen.render import render
    from docxtext import plain_text

    path = _template(tmp_path, "{% for x in ['a', 'b', 'c'] %}{{ x }}{{ loop.index }}/"
                     "{{ loop.length }}{% if loop.last %}.{% else %}, {% endif %}{% endfor %}")
    data = render(compile_template(path), {}, source_date=dt.datetime(
        2026, 1, 1, tzinfo=dt.timezone.utc))
    assert "a1/3, b2/3, c3/3." in plain_text(data).splitlines()


def test_a_batch_with_parallel_workers_stops_each_endless_template(
        tmp_path: Path, monkeypatch, tmp_path_factory) -> None:
    from docx import Document

    from conftest import translate_beside

    monkeypatch.setattr("docgen.budget.RENDER_SECONDS", 1.0)  # the forked workers inherit it
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    doc = Document(str(folder / "mou.docx"))
    doc.add_paragraph(_NESTED)
    doc.add_paragraph("{% for i in range(10**9) %}x{% endfor %}")
    doc.save(str(folder / "mou.docx"))
    specs = []
    for name in ("a", "b", "c"):
        data = json.loads(JEFFERSON.read_text(encoding="utf-8"))
        data["id"] = f"jefferson-{name}"
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        translate_beside(tmp_path / f"{name}.json", tmp_path_factory)
        specs.append(str(tmp_path / f"{name}.json"))
    result = CliRunner().invoke(cli, ["build", *specs, "-o", str(tmp_path / "out"), "--no-pdf",
                                      "--jobs", "2", "--templates", str(folder)])
    assert result.exit_code == 1, result.output
    stopped = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert stopped == [f"Error: {folder / 'mou.docx'}: paragraph 423 (“{_NESTED[:57]}…”): the "
                       "template was stopped: it ran for more than 1 seconds (a loop that never "
                       "ends, or loops inside loops?); make its loops shorter"] * 3, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "jefferson-a" / "mou.docx").exists()


def test_the_same_hostile_part_in_both_documents_is_refused_in_both(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the new document is not looked at again where it has the old one's parts, byte for
    # byte: those were looked at in the old one, which is refused for them
    change, part, words = HOSTILE["vml"]
    monkeypatch.chdir(tmp_path)
    hostile = change(make_docx("One clause."), SECRET)
    Path("old.docx").write_bytes(hostile)
    Path("new.docx").write_bytes(hostile)
    result = invoke("redline", "old.docx", "new.docx", "-o", "out.docx")
    assert result.exit_code == 1
    assert f"old.docx: part {part} {_words(words)}" in result.stderr
    assert f"new.docx: part {part} {_words(words)}" in result.stderr
    assert not Path("out.docx").exists()


def test_a_part_is_looked_at_again_unless_it_has_the_bytes_already_looked_at() -> None:
    from docgen.ooxml.links import outside_references
    clean = members(make_docx("One clause."))
    for case in ("vml", "includetext", "subdoc"):
        change, part, _ = HOSTILE[case]
        hostile = members(change(make_docx("One clause."), SECRET))
        assert hostile[part] != clean[part]
        # the clean package's parts of the same names were looked at: the hostile ones differ
        found = outside_references(list(hostile.items()), checked=clean)
        assert found is not None and found[0] == part
        assert outside_references(list(clean.items()), checked=clean) is None
