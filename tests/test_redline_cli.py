"""`docgen redline` as a user meets it: its messages, exit codes, and refusing bad or hostile
files without writing anything."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from redline_docs import make_docx

DATE = ["--date", "2027-06-01"]


def encrypted_flag(data: bytes) -> bytes:
    """Mark every member of a zip as encrypted, as a password-protected zip is."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at != -1:
            out[at + offset] |= 0x1
            at = out.find(signature, at + 4)
    return bytes(out)


def replace_part(data: bytes, part: str, body: bytes | None) -> bytes:
    """``data`` with ``part`` replaced by ``body``, or left out when ``body`` is None."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != part:
                z.writestr(info, src.read(info))
        if body is not None:
            new = zipfile.ZipInfo(part)
            new.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(new, body)
    return out.getvalue()


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(make_docx("The partner provides tutoring.", "Term: one year."))
    Path("new.docx").write_bytes(make_docx("The partner provides tutoring and meals.",
                                           "Term: one year."))
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, ["redline", *args])


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_the_redline_and_says_what_it_found(pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--summary", "changes.json", *DATE,
                 "--author", "Legal review")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Wrote out.docx: 1 changed place, 1 tracked revision; "
                             "summary in changes.json\n")
    summary = json.loads(Path("changes.json").read_text())
    assert summary["author"] == "Legal review"
    assert summary["date"] == "2027-06-01T00:00:00Z"
    assert summary["revisions"] == 1
    assert summary["changes"] == [{
        "story": "body", "where": "paragraph 1", "kind": "changed",
        "old": "The partner provides tutoring.",
        "new": "The partner provides tutoring and meals.",
        "context": "The partner provides tutoring and meals.",
        "what": "text", "place": "body, paragraph 1", "detail": "",
        "excerpts": [{"before": "The partner provides", "removed": "tutoring.",
                      "added": "tutoring and meals.", "after": "", "leading": False,
                      "trailing": False,
                      "text": "The partner provides [-tutoring.-] {+tutoring and meals.+}"}]}]
    xml = zipfile.ZipFile("out.docx").read("word/document.xml").decode()
    assert 'w:author="Legal review"' in xml and 'w:date="2027-06-01T00:00:00Z"' in xml
    settings = zipfile.ZipFile("out.docx").read("word/settings.xml").decode()
    assert "<w:trackRevisions/>" in settings


def test_markdown_summary_reads_as_sentences(pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--summary", "changes.md", *DATE)
    assert result.exit_code == 0, result.output
    text = Path("changes.md").read_text()
    assert text.splitlines()[0] == "# Changes from old.docx to new.docx"
    assert ("- **body, paragraph 1**: “The partner provides ~~tutoring.~~ "
            "**tutoring and meals.**”") in text


def test_identical_documents_give_no_revisions(pair: Path) -> None:
    result = run("old.docx", "old.docx", "-o", "out.docx", *DATE)
    assert result.stdout == "Wrote out.docx: 0 changed places, 0 tracked revisions\n"


def test_same_inputs_give_the_same_bytes(pair: Path) -> None:
    run("old.docx", "new.docx", "-o", "a.docx", *DATE)
    run("old.docx", "new.docx", "-o", "b.docx", *DATE)
    assert Path("a.docx").read_bytes() == Path("b.docx").read_bytes()


def test_never_overwrites_without_force(pair: Path) -> None:
    Path("out.docx").write_text("my notes")
    result = run("old.docx", "new.docx", "-o", "out.docx", *DATE)
    assert result.exit_code == 1
    assert result.stderr == ("out.docx: already exists; docgen does not overwrite it "
                             "(use --force to replace it)\n")
    assert Path("out.docx").read_text() == "my notes"
    assert run("old.docx", "new.docx", "-o", "out.docx", "--force", *DATE).exit_code == 0
    assert zipfile.is_zipfile("out.docx")


def test_never_writes_over_an_input_even_with_force(pair: Path) -> None:
    before = Path("new.docx").read_bytes()
    result = run("old.docx", "new.docx", "-o", "new.docx", "--force", *DATE)
    assert result.exit_code == 1
    assert result.stderr == ("new.docx: is one of the documents being compared; choose another "
                             "output name\n")
    assert Path("new.docx").read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["--summary", "changes.txt"],
     "Error: --summary changes.txt: name a .json, .md or .html file\n"),
    (["--author", " "], "Error: --author must not be empty\n"),
    (["--author", "Minh\x0bNguyen"], "Error: --author 'Minh\\x0bNguyen' contains a control "
                                      "character (U+000B); type the name on one line\n"),
    (["--summary", "out.docx"], "Error: --summary out.docx: name a .json, .md or .html file\n"),
    (["--summary", "./out.json", "-o", "out.json"],
     "Error: -o out.json: a redline is a Word document; give it a .docx name\n"),
    (["-o", ""], "Error: -o must name a file or folder, not be empty\n"),
])
def test_usage_errors_exit_2(pair: Path, args: list[str], message: str) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", *DATE, *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert listing(pair) == ["new.docx", "old.docx"]


def test_the_redline_and_its_summary_must_differ(pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--summary", "out.json", *DATE)
    assert result.exit_code == 0
    result = run("old.docx", "new.docx", "-o", "same.docx", "--summary", "./same.docx", *DATE)
    assert result.exit_code == 2
    assert not Path("same.docx").exists()


def test_markdown_summary_escapes_document_text(pair: Path) -> None:
    Path("old.docx").write_bytes(make_docx("Pay $100 to [the partner](http://x) <b>now</b>."))
    Path("new.docx").write_bytes(make_docx("Pay **$200** to [the partner](http://x) <b>now</b>."))
    assert run("old.docx", "new.docx", "-o", "o.docx", "--summary", "o.md", *DATE).exit_code == 0
    line = Path("o.md").read_text().splitlines()[-1]
    assert line == ("- **body, paragraph 1**: “Pay ~~$100~~ **\\*\\*$200\\*\\*** to "
                    "\\[the partner\\](http://x) \\<b\\>now\\</b\\>.”")


def test_problems_of_both_files_are_reported_together(pair: Path) -> None:
    result = run("gone.docx", "missing.docx", "-o", "out.docx", *DATE)
    assert result.exit_code == 1
    assert result.stderr == "Error: gone.docx: no such file\nError: missing.docx: no such file\n"


@pytest.mark.parametrize("value, message", [
    ("June 1", "Error: --date: 'June 1' is not a date; write it as YYYY-MM-DD or "
               "YYYY-MM-DDTHH:MM:SSZ, e.g. 2027-05-14\n"),
    ("0001-01-01T00:00:00+05:00", "Error: --date: '0001-01-01T00:00:00+05:00' is out of range; "
                                  "give a date between 1900 and 9999\n"),
    ("9999-12-31T23:59:59-05:00", "Error: --date: '9999-12-31T23:59:59-05:00' is out of range; "
                                  "give a date between 1900 and 9999\n"),
])
def test_a_bad_date_is_a_usage_error(pair: Path, value: str, message: str) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--date", value)
    assert result.exit_code == 2
    assert result.stderr == message


XXE = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       b'<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
          b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          b'<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (64 * 1024 * 1024 + 1))
    return out.getvalue()


def other_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "hello")
    return out.getvalue()


BAD = {
    "not-a-zip": (lambda: b"Dear partner,\nplease sign.\n",
                  "is not a Word document (.docx files are zip archives, and this is not one)"),
    "empty": (lambda: b"", "is empty, not a Word document"),
    "encrypted": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
                  "is password-protected or an old binary Word file (.doc); save it in Word as "
                  "an unprotected .docx and try again"),
    "zip-password": (lambda: encrypted_flag(make_docx("x")),
                     "is password-protected; save an unprotected copy and try again"),
    "other-zip": (other_zip, "is a zip archive but not a Word document "
                             "(it has no word/document.xml)"),
    "bomb": (bomb, "part word/document.xml unpacks to more than docgen's limit (32 MB a part, "
                   "128 MB in all); refusing it as a possible zip bomb"),
    "xxe": (lambda: replace_part(make_docx("x"), "word/document.xml", XXE),
            "part word/document.xml declares XML entities (a DOCTYPE), which Word never "
            "writes; refusing it as unsafe"),
    "billion-laughs": (lambda: replace_part(make_docx("x"), "word/document.xml", LAUGHS),
                       "part word/document.xml declares XML entities (a DOCTYPE), which Word "
                       "never writes; refusing it as unsafe"),
    "malformed": (lambda: replace_part(make_docx("x"), "word/document.xml", b"<w:document>"),
                  "part word/document.xml is not well-formed XML (line 1: "),
    "no-content-types": (lambda: replace_part(make_docx("x"), "[Content_Types].xml", None),
                         "is not a complete Word document (it has no [Content_Types].xml); open "
                         "it in Word or LibreOffice and save it again"),
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("side", ["old", "new"])
def test_bad_input_is_one_line_and_writes_nothing(pair: Path, name: str, side: str) -> None:
    make, message = BAD[name]
    Path(f"{name}.docx").write_bytes(make())
    args = [f"{name}.docx", "new.docx"] if side == "old" else ["old.docx", f"{name}.docx"]
    before = listing(pair)
    result = run(*args, "-o", "out.docx", "--summary", "out.json", *DATE)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {name}.docx: {message}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert listing(pair) == before


def test_missing_file_and_folder(pair: Path) -> None:
    result = run("gone.docx", "new.docx", "-o", "out.docx", *DATE)
    assert (result.exit_code, result.stderr) == (1, "Error: gone.docx: no such file\n")
    Path("folder.docx").mkdir()
    result = run("old.docx", "folder.docx", "-o", "out.docx", *DATE)
    assert (result.exit_code, result.stderr) == (
        1, "Error: folder.docx: is a folder, not a Word document\n")
    assert not Path("out.docx").exists()


def test_the_library_never_resolves_entities_even_if_asked_to_parse(tmp_path: Path) -> None:
    """Belt and braces: the parser itself resolves nothing, whatever slips past the check."""
    from lxml import etree

    from docgen.ooxml import package as ooxml

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = (f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]><d>&x;</d>').encode()
    root = etree.fromstring(xml, ooxml._PARSER)
    assert "TOP SECRET" not in etree.tostring(root).decode()


# --- Word Compare's options ---------------------------------------------------------------------

@pytest.fixture
def formatted_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two versions of a sentence: a word's bold became italic, and the amount changed."""
    from redline_docs import from_xml, para, run as text_run

    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(from_xml(para("Keep ", text_run("records", "<w:b/>"),
                                               " for $1,000 days.")))
    Path("new.docx").write_bytes(from_xml(para("Keep ", text_run("records", "<w:i/>"),
                                               " for $2,000 days.")))
    return tmp_path


def revisions_in(path: str) -> list[tuple[str, str]]:
    """The revision marks of a redline's body, each with the text it holds."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    return [(kind, "".join(re.findall(r"<w:(?:t|delText)[^>]*>([^<]*)<", inner)))
            for kind, inner in re.findall(r"<w:(ins|del|rPrChange|pPrChange) .*?>(.*?)</w:\1>",
                                          xml)]


def test_by_default_words_numbers_and_formatting_are_tracked(formatted_pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", *DATE)
    assert (result.exit_code, result.stdout) == (
        0, "Wrote out.docx: 1 changed place, 3 tracked revisions\n")
    assert revisions_in("out.docx") == [("rPrChange", ""), ("del", "$1,000"), ("ins", "$2,000")]


def test_ignore_formatting_tracks_only_the_words(formatted_pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--ignore-formatting", *DATE)
    assert (result.exit_code, result.stdout) == (
        0, "Wrote out.docx: 1 changed place, 2 tracked revisions\n")
    assert revisions_in("out.docx") == [("del", "$1,000"), ("ins", "$2,000")]


def test_character_granularity_marks_only_the_changed_characters(formatted_pair: Path) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", "--granularity", "character",
                 "--ignore-formatting", *DATE)
    assert (result.exit_code, result.stdout) == (
        0, "Wrote out.docx: 1 changed place, 2 tracked revisions\n")
    assert revisions_in("out.docx") == [("del", "1"), ("ins", "2")]


@pytest.mark.parametrize("args, message", [
    (["--granularity", "sentence"], "Error: --granularity sentence: choose word (a changed word "
                                    "or number is marked whole) or character (only the "
                                    "characters that changed)\n"),
    (["--granularity", "Word"], "Error: --granularity Word: choose word (a changed word or "
                                "number is marked whole) or character (only the characters "
                                "that changed)\n"),
])
def test_a_bad_granularity_is_a_usage_error(formatted_pair: Path, args: list[str],
                                            message: str) -> None:
    result = run("old.docx", "new.docx", "-o", "out.docx", *DATE, *args)
    assert (result.exit_code, result.stderr) == (2, message)
    assert listing(formatted_pair) == ["new.docx", "old.docx"]


def test_old_comments_are_kept_unless_asked_not_to(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from test_redline_engine import commented

    monkeypatch.chdir(tmp_path)
    Path("old.docx").write_bytes(commented(["Keep records.", "Report monthly."], {1: "Why?"}))
    Path("new.docx").write_bytes(commented(["Keep all records.", "Report monthly."], {}))
    result = run("old.docx", "new.docx", "-o", "kept.docx", *DATE)
    assert (result.exit_code, result.stdout) == (
        0, "Wrote kept.docx: 1 changed place, 1 tracked revision\n")
    assert b"Why?" in zipfile.ZipFile("kept.docx").read("word/comments.xml")
    result = run("old.docx", "new.docx", "-o", "dropped.docx", "--no-old-comments",
                 "--summary", "dropped.md", *DATE)
    # the comment NEW does not have is left out, and the summary says so (no tracked revision)
    assert (result.exit_code, result.stdout) == (
        0, "Wrote dropped.docx: 2 changed places, 1 tracked revision; summary in dropped.md\n")
    assert "comment removed: “Counsel: Why?”" in Path("dropped.md").read_text()
    assert "word/comments.xml" not in zipfile.ZipFile("dropped.docx").namelist()
