"""Translators' tools that agree with theirs (issue #12, section 5): references a translator can
find, placeholders explained, the pybabel route, catalogs gettext's tools leave unchanged,
msgfmt-clean headers, and a check that catches what changes what a family reads."""

from __future__ import annotations

import io
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from translate.storage import pypo

from conftest import ROOT, examples
from docgen.cli import cli
from docgen.i18n.catalogs import read_catalog, write_catalog
from docgen.i18n.extract import extract_catalog
from docgen.i18n.translate import placeholders

NOTICE = ROOT / "templates/notice.docx"
CATALOGS = ROOT / "locales"
LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
SHIPPED_PO = sorted(CATALOGS.glob("*/LC_MESSAGES/docgen.po"))
SPEC_PO = sorted(ROOT.glob("samples/*.locales/*.po"))
MSGCAT, MSGFMT = shutil.which("msgcat"), shutil.which("msgfmt")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(CATALOGS, copy)
    return copy


def _with_document(template: Path, out: Path, edit) -> Path:
    """Write a copy of ``template`` whose document.xml is ``edit(xml)``."""
    with zipfile.ZipFile(template) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)
    return out


def _messages(catalog: Catalog) -> dict[tuple[str | None, object], object]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog
            if m.id}


def _gettext_tool(name: str | None) -> str:
    if name is None:  # CI installs gettext (.ci/run); never skip there
        pytest.fail("gettext's tools (msgcat, msgfmt) are not installed: apt-get install gettext")
    return name


# 1. references and comments ------------------------------------------------------------------


def test_references_name_the_template_and_do_not_move_when_a_paragraph_is_added(
        tmp_path: Path) -> None:
    before = extract_catalog([NOTICE], root=ROOT)
    edited = _with_document(NOTICE, tmp_path / "templates/notice.docx", lambda xml: xml.replace(
        "<w:body>", "<w:body><w:p><w:r><w:t>Lincoln Elementary, Room 4</w:t></w:r></w:p>", 1))
    after = extract_catalog([edited], root=tmp_path)
    refs = {loc for m in before if m.id for loc in m.locations}
    assert refs == {("templates/notice.docx", None), ("docgen/i18n/words.py", None)}
    assert [(m.id, m.locations, m.auto_comments) for m in before] == \
        [(m.id, m.locations, m.auto_comments) for m in after]


def test_every_placeholder_of_every_message_is_explained_in_a_comment() -> None:
    unexplained = []
    for message in extract_catalog([NOTICE], root=ROOT):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        comments = " ".join(message.auto_comments)
        for name in sorted({p for text in ids for p in placeholders(text)}):
            if "{" + name + "}" not in comments:
                unexplained.append((ids[0], name))
    assert unexplained == []


@pytest.mark.parametrize(("msgid", "where"), [
    ("{partner} at {school}", "Where: the title of the letter, at the top of the first page"),
    ("What is it?", "Where: a heading of the letter"),
    ("{program}: {days}, {start} to {end}. Place: {place}.",
     "Where: in the letter, under the heading “What is it?”, a bulleted line"),
    ("Other languages", "Where: a heading of the letter, within “Questions?”"),
    ("If you need this letter in {language}, call {phone}.",
     "Where: in the letter, under the headings “Questions?”, then “Other languages”"),
    ("No, I do not allow it.",
     "Where: in the letter, under the heading “Permission to share school records”"),
], ids=["title", "heading", "bullet", "sub-heading", "tagline", "consent form"])
def test_each_message_says_where_the_letter_shows_it(msgid: str, where: str) -> None:
    pot = read_catalog(CATALOGS / "docgen.pot")  # as a translator gets it, lines wrapped
    assert where in " ".join(pot.get(msgid).auto_comments)


def test_a_message_used_in_two_places_names_both() -> None:
    message = read_catalog(CATALOGS / "docgen.pot").get("{record}: {purpose}.")
    comments = " ".join(message.auto_comments)
    assert re.findall(r"Where: .*?line", comments) == [
        "Where: in the letter, under the heading “Your child's information”, a bulleted line",
        "Where: in the letter, under the heading “Permission to share school records”, a "
        "bulleted line"]


def test_the_schema_words_explain_where_they_appear() -> None:
    monday = read_catalog(CATALOGS / "docgen.pot").get("Monday", context="weekday")
    assert monday.locations == [("docgen/i18n/words.py", None)]
    assert monday.auto_comments == [
        "a day a program meets, in the list of days under “What is it?”"]


# 2. the pybabel route ------------------------------------------------------------------------


def _readme_pybabel_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [re.sub(r"\s*\\\n\s*", " ", block) for block in re.findall(
        r"^pybabel (?:[^\n]*\\\n)*[^\n]*$", text, re.M)]
    return [shlex.split(line) for line in lines]


def test_the_readmes_pybabel_route_gives_docgens_messages_and_keeps_every_translation(
        catalogs: Path) -> None:
    commands = _readme_pybabel_commands()
    assert [c[:2] for c in commands] == [["pybabel", "extract"], ["pybabel", "update"]]
    ko = catalogs / "ko/LC_MESSAGES/docgen.po"
    ko.write_text(ko.read_text(encoding="utf-8").replace(
        '"X-Reviewed: no; note=docgen draft, not reviewed by a translator\\n"',
        '"X-Reviewed: yes; by=Ana Ruiz; date=2026-11-30\\n"'),
        encoding="utf-8")
    assert "reviewed by Ana Ruiz" in invoke("i18n", "check", "--dir", str(catalogs),
                                            "ko").stdout
    pybabel = str(Path(sys.executable).parent / "pybabel")
    for command in commands:
        args = [a.replace("locales", str(catalogs)) if a.startswith("locales") else a
                for a in command[1:]]
        done = subprocess.run([pybabel, *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    theirs = _messages(read_catalog(catalogs / "docgen.pot"))
    ours = _messages(read_catalog(CATALOGS / "docgen.pot"))
    assert theirs.keys() == ours.keys()
    for key, message in ours.items():
        assert " ".join(theirs[key].auto_comments).split() == \
            " ".join(message.auto_comments).split(), key
        assert theirs[key].locations == message.locations, key
    # no tagline (or any message) became obsolete, fuzzy or untranslated
    result = invoke("i18n", "check", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    assert "81 translated, 0 fuzzy, 0 untranslated, 0 obsolete" in result.stdout
    # as the README warns, pybabel dropped the recorded review with the header lines it
    # does not know, and says so
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = "not reviewed by a person (no X-Reviewed header)"
    assert f"`{said}`" in readme and "`X-Reviewed` among them" in readme
    assert f"ko: 81 translated, 0 fuzzy, 0 untranslated, 0 obsolete; {said}" in result.stdout


# 3. catalogs as gettext writes them ----------------------------------------------------------

ALL_WRITTEN = SHIPPED_PO + [CATALOGS / "docgen.pot"] + SPEC_PO + sorted(
    ROOT.glob("samples/*.locales/*.pot"))


@pytest.mark.parametrize("path", ALL_WRITTEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgcat_leaves_every_shipped_catalog_unchanged(path: Path) -> None:
    done = subprocess.run([_gettext_tool(MSGCAT), str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ALL_WRITTEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_docgen_writes_back_a_catalog_as_gettext_saved_it(path: Path, tmp_path: Path) -> None:
    saved = tmp_path / f"saved{path.suffix}"  # as msgcat (and Poedit, Weblate) write it
    done = subprocess.run([_gettext_tool(MSGCAT), "-o", str(saved), str(path)],
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    out = tmp_path / path.name
    catalog = read_catalog(saved) if path.suffix == ".po" else read_po(saved.open("rb"))
    write_catalog(catalog, out)
    assert out.read_text(encoding="utf-8") == saved.read_text(encoding="utf-8")


WORDS = {
    "en": "the school shares records with partner program families don't e-mail child's "
          "(grades 2 to 5) “What is it?” {program} {phone} $25 50% 2026-2027 https://x.org/a/b",
    "vi": "nhà trường sẽ không chia sẻ hồ sơ của con quý vị với nữa {recipient}",
    "ru": "школа передаёт сведения о вашем ребёнке программе бесплатно «да» {name}",
    "ar": "المدرسة تشارك سجلات طفلك مع البرنامج مجانا الاثنين، والثلاثاء {phone}",
    "am": "ትምህርት ቤቱ የልጅዎን መዝገቦች ያጋራል። {school}",
    "ko": "학교는 자녀의 기록을 공유합니다 프로그램 {partner}",
}


@st.composite
def _texts(draw) -> str:
    if draw(st.booleans()):
        words = WORDS[draw(st.sampled_from(sorted(WORDS)))].split()
        text = " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=40)))
    else:  # Chinese: no spaces, full-width punctuation
        text = "".join(draw(st.lists(st.sampled_from(
            list("学校会与合作伙伴分享您孩子的部分记录") + ["，", "。", "：", "（{program}）"]),
            min_size=1, max_size=90)))
    if draw(st.booleans()):
        text = text.replace(" ", "\n", 1)
    return text


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(_texts(), min_size=1, max_size=8))
@example(["50% school {program}"])  # both format flags: msgcat writes python-format first
def test_msgcat_leaves_a_catalog_docgen_writes_unchanged(tmp_path_factory, texts) -> None:
    catalog = Catalog(locale="es", domain="docgen", project="docgen", version="0.1.0")
    for i, text in enumerate(texts):
        catalog.add(text, text[::-1], [("templates/notice.docx", None)], context=str(i),
                    auto_comments=[f"{{program}} is a name; {text[:30]}"])
    out = tmp_path_factory.mktemp("po") / "x.po"
    write_catalog(catalog, out)
    done = subprocess.run([_gettext_tool(MSGCAT), str(out)], capture_output=True)
    assert done.stdout.decode("utf-8") == out.read_text(encoding="utf-8")


POEDIT_HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: docgen 0.1.0\\n"
"Report-Msgid-Bugs-To: \\n"
"POT-Creation-Date: 2026-01-01 00:00+0000\\n"
"PO-Revision-Date: 2026-11-30 14:05-0800\\n"
"Last-Translator: Ana Ruiz <ana@district.example>\\n"
"Language-Team: Spanish <es@district.example>\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Generator: Poedit 3.4.2\\n"
"X-Reviewed: Ana Ruiz, 2026-11-30\\n"
"""


def test_update_leaves_a_catalog_a_translators_tool_saved_as_it_is(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    text = es.read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    comment = head[:head.index('msgid ""')]
    es.write_text(comment + POEDIT_HEADER + "\n" + body, encoding="utf-8")
    saved = es.read_bytes()
    result = invoke("i18n", "update", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    assert es.read_bytes() == saved  # its header's order, its tool's and reviewer's fields


_FIELD = re.compile(r'^((?:#~\|? |#\| )?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)) "')


def _fields(block: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split one entry of a .po file into its comment lines and its strings, each string as
    its keyword and its quoted lines (the text between the quotes)."""
    comments: list[str] = []
    fields: list[tuple[str, list[str]]] = []
    for line in block.split("\n"):
        start = _FIELD.match(line)
        if start:
            fields.append((start.group(1), [line[start.end():-1]]))
        elif fields and re.match(r'^(?:#~\|? |#\| )?"', line):
            fields[-1][1].append(line[line.index('"') + 1:-1])
        else:
            comments.append(line)
    return comments, fields


def _columns(text: str) -> list[int]:
    """gettext's display width of each character (wcwidth): 2 for a wide (Han, Hangul,
    full-width) one, 0 for a combining mark."""
    return [0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else
            2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text]


def _why_polib_wraps_it_otherwise(keyword: str, lines: list[str]) -> str | None:
    """The documented exception (README, "Catalogs as gettext writes them"): why polib, at
    width 79, would wrap this string (as docgen and gettext wrote it, ``lines``) otherwise,
    or None if it has no reason to. gettext's choice is the file's; polib's own rules differ
    in exactly four cases:

    - "multi-line": a string with a line break inside (the header, a spec's paragraphs) whose
      line is wider than 79 columns: polib writes each of its lines whole, unwrapped;
    - "columns": a string with a character gettext does not count as one column (a wide Han,
      Hangul or full-width one counts 2, a combining mark such as a Bangla or Arabic vowel
      sign 0): polib counts every character as one, and breaks only at spaces and hyphens
      (never between ideographs);
    - "inside a word": a line of gettext's that ends inside a word, after a slash
      ("دیتا/دیتی") or a hyphen: polib (Python's textwrap) breaks only at spaces and after
      some hyphens;
    - "space": a line of gettext's that ends in a space where its last word, without the
      space, would have ended at column 78 (with its opening quote): gettext keeps a space on
      the line it ends and so moves the word down; polib keeps the word and starts the next
      line with the space.
    """
    text = "".join(lines)
    logical = [part for part in re.split(r"(?<=\\n)", text) if part]
    if len(logical) > 1 and any(len(part) + 2 > 79 for part in logical):
        return "multi-line"
    if any(width != 1 for width in _columns(text)):
        return "columns"
    for line, after in zip(lines[1:], lines[2:]):
        if not line.endswith((" ", "\\n")):
            return "inside a word"
        word = after.split(" ", 1)[0]
        if line.endswith(" ") and len(line) + len(word) == 77:
            return "space"
    return None


@pytest.mark.parametrize("path", ALL_WRITTEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_polib_leaves_every_shipped_catalog_unchanged_but_where_it_wraps_otherwise(
        path: Path, tmp_path: Path) -> None:
    """A translator's polib script (``polib.pofile(path, wrapwidth=79).save()``) gives every
    catalog back as it was: its header in the same order (gettext's, which polib imposes),
    every comment, every string's text. The one exception is where a string's lines break,
    for the strings :func:`_why_polib_wraps_it_otherwise` names: there the file keeps
    gettext's lines (msgcat, Poedit and Weblate's, see the tests above and below), and polib
    would rewrap them its own way."""
    assert _rewrapped_by_polib(path, tmp_path / path.name, reason=None) == []


def _rewrapped_by_polib(path: Path, saved: Path, reason: str | None) -> list[tuple[str, str]]:
    """Load and save ``path`` with polib at width 79 (to ``saved``); assert that it gives back
    the same header (in the same order), comments and strings' text, and return the strings
    whose lines polib breaks otherwise for ``reason`` (None: for no documented reason), each
    as its keyword and its text."""
    polib.pofile(str(path), wrapwidth=79).save(str(saved))
    ours = path.read_text(encoding="utf-8").split("\n\n")
    theirs = saved.read_text(encoding="utf-8").split("\n\n")
    assert len(theirs) == len(ours)
    rewrapped = []
    for block, back in zip(ours, theirs):
        if block == back:
            continue
        (comments, fields), (comments_back, fields_back) = _fields(block), _fields(back)
        assert comments_back == comments
        assert [k for k, _ in fields_back] == [k for k, _ in fields]
        for (keyword, lines), (_, lines_back) in zip(fields, fields_back):
            assert "".join(lines_back) == "".join(lines), (keyword, lines)  # the same text
            if lines_back != lines and _why_polib_wraps_it_otherwise(keyword, lines) == reason:
                rewrapped.append((keyword, "".join(lines)))
    return rewrapped


def test_polib_rewraps_the_shipped_catalogs_only_where_gettext_and_polib_cannot_agree(
        tmp_path: Path) -> None:
    """Each documented case is one the shipped catalogs have (the exception is not wider than
    what they need), and the English template has only the one about a space."""
    found = {reason: sum(len(_rewrapped_by_polib(path, tmp_path / "saved", reason))
                         for path in ALL_WRITTEN)
             for reason in ("multi-line", "columns", "inside a word", "space")}
    assert all(found.values()), found
    pot = _rewrapped_by_polib(CATALOGS / "docgen.pot", tmp_path / "saved.pot", "space")
    assert ("msgid", "The school does not ask you first. The law allows this because {partner} "
            "does this work for the school, under the school's control: {service}.") in pot
    for reason in ("multi-line", "columns", "inside a word"):
        assert _rewrapped_by_polib(CATALOGS / "docgen.pot", tmp_path / "saved.pot", reason) == []


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(_texts(), min_size=1, max_size=8))
def test_polib_leaves_a_catalog_docgen_writes_unchanged_but_where_it_wraps_otherwise(
        tmp_path_factory, texts) -> None:
    catalog = Catalog(locale="es", domain="docgen", project="docgen", version="0.1.0")
    for i, text in enumerate(texts):
        catalog.add(text, text[::-1], [("templates/notice.docx", None)], context=str(i),
                    auto_comments=[f"{{program}} is a name; {text[:30]}"])
    folder = tmp_path_factory.mktemp("po")
    write_catalog(catalog, folder / "x.po")
    assert _rewrapped_by_polib(folder / "x.po", folder / "saved.po", reason=None) == []


def test_update_writes_a_header_in_babels_order_in_gettexts_keeping_its_own_fields(
        catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    text = es.read_text(encoding="utf-8")
    babel = text.replace('"Language-Team: none (docgen draft, not reviewed by a translator)\\n"\n'
                         '"Language: es\\n"\n',
                         '"Language: es\\n"\n'
                         '"Language-Team: none (docgen draft, not reviewed by a translator)\\n"\n'
                         ).replace('"Generated-By', '"X-Generator: Poedit 3.4.2\\n"\n"Generated-By')
    assert babel != text
    es.write_text(babel, encoding="utf-8")
    result = invoke("i18n", "update", "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    assert es.read_text(encoding="utf-8") == text.replace(
        '"X-Reviewed', '"X-Generator: Poedit 3.4.2\\n"\n"X-Reviewed')


@pytest.mark.parametrize("path", ALL_WRITTEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_weblates_po_writer_leaves_every_shipped_catalog_unchanged(path: Path) -> None:
    """Weblate reads and writes catalogs with translate-toolkit, which wraps as gettext does
    (display columns, UAX #14 breaks) and keeps the header's order: no exception."""
    store = pypo.pofile.parsefile(str(path))
    assert bytes(store).decode("utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("tag", ["fr", "ar"])
def test_init_writes_a_header_polib_and_msgcat_keep_as_it_is(tmp_path: Path, tag: str) -> None:
    result = invoke("i18n", "init", tag, "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = next(tmp_path.glob("*/LC_MESSAGES/docgen.po"))
    header = path.read_text(encoding="utf-8").split("\n\n")[0]
    polib.pofile(str(path), wrapwidth=79).save(str(tmp_path / "polib.po"))
    done = subprocess.run([_gettext_tool(MSGCAT), str(path)], capture_output=True)
    assert done.stdout.decode("utf-8").split("\n\n")[0] == header
    names = re.findall(r'^"([A-Za-z-]+): ', header, re.M)
    assert names == ["Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                     "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                     "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms",
                     "Generated-By", "X-Reviewed"]
    back = (tmp_path / "polib.po").read_text(encoding="utf-8").split("\n\n")[0]
    if tag == "fr":
        assert back == header
    else:  # Arabic's Plural-Forms is wider than a line: gettext wraps it, polib does not
        assert back.replace('"\n"', "") == header.replace('"\n"', "")
        assert len(back.splitlines()) == len(header.splitlines()) - 1


@pytest.mark.parametrize("path", SHIPPED_PO + SPEC_PO, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_check_passes_every_shipped_catalog(path: Path) -> None:
    done = subprocess.run([_gettext_tool(MSGFMT), "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("tag", ["fr", "zh-Hant", "ar", "hmn"])
def test_init_writes_a_header_msgfmt_accepts_with_no_gettext_placeholders(
        tmp_path: Path, tag: str) -> None:
    result = invoke("i18n", "init", tag, "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = next(tmp_path.glob("*/LC_MESSAGES/docgen.po"))
    text = path.read_text(encoding="utf-8")
    for placeholder in ("FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "LL@li.org", "FIRST AUTHOR",
                        "ORGANIZATION"):
        assert placeholder not in text
    assert f'"Language: {tag}\\n"' in text
    assert '"Last-Translator: \\n"' in text and '"Language-Team: \\n"' in text
    assert "# Last-Translator and Language-Team are left empty: Poedit and Weblate fill" in text
    done = subprocess.run([_gettext_tool(MSGFMT), "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_every_catalog_names_its_language_as_a_bcp47_tag() -> None:
    for path in SHIPPED_PO + SPEC_PO:
        language = re.search(r'"Language: ([^\\]*)\\n"', path.read_text(encoding="utf-8"))
        assert language is not None and "_" not in language.group(1), path
    assert '"Language: zh-Hans\\n"' in (CATALOGS / "zh_Hans/LC_MESSAGES/docgen.po").read_text(
        encoding="utf-8")


def test_check_refuses_an_obsolete_copy_of_a_message_as_msgfmt_does(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    text = es.read_text(encoding="utf-8")
    first = text[:text.index('msgid "What is it?"')].count("\n") + 1
    es.write_text(text + '\n#~ msgid "What is it?"\n#~ msgstr "¿Qué es esto?"\n',
                  encoding="utf-8")
    obsolete = text.count("\n") + 2
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{es}:{obsolete}: this obsolete message (#~) 'What is it?' is also in the catalog at "
        f"line {first}; gettext's msgfmt refuses a catalog with a message twice: delete the #~ "
        "lines of the obsolete one"]
    done = subprocess.run([_gettext_tool(MSGFMT), "--check", "-o", "/dev/null", str(es)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "duplicate message definition" in done.stderr


# 4. what a family reads ----------------------------------------------------------------------


def _line_of(path: Path, msgid_line: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[:text.index(msgid_line)].count("\n") + 1


def _retranslate(path: Path, msgid_line: str, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    at = text.index("msgstr", text.index(msgid_line))  # the translation, not the source
    end = text.index("\n\n", at)
    entry = text[at:end]
    assert old in entry, entry
    path.write_text(text[:at] + entry.replace(old, new, 1) + text[end:], encoding="utf-8")
    return _line_of(path, msgid_line)


BIDI = ("the translation contains U+202C (pop directional formatting), U+202E (right-to-left "
        "override), invisible characters that reorder the text around them (a phone number or "
        "a date can read backwards); delete them (in Poedit, retype the text around them): "
        "docgen keeps each value in its own order itself")


def test_check_and_build_refuse_a_bidi_override_that_would_print_a_number_backwards(
        catalogs: Path, tmp_path: Path) -> None:
    ar = catalogs / "ar/LC_MESSAGES/docgen.po"
    line = _retranslate(ar, 'msgid "Call or write to {name}: {phone}, {email}."', "{phone}",
                        "\u202e{phone}\u202c")
    result = invoke("i18n", "check", "ar", "--dir", str(catalogs))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{ar}:{line}: {BIDI}"]
    built = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o",
                   str(tmp_path / "out"), "--no-pdf")
    assert built.exit_code == 1
    assert (f"{ar}:{line}: the translation of 'Call or write to {{name}}: {{phone}}, {{email}}.' "
            "is broken; run `docgen i18n check`") in built.stderr.splitlines()
    # a draft falls back to the English for that line: no override reaches the letter
    draft = invoke("build", "--locales", str(catalogs), str(LINCOLN), "-o",
                   str(tmp_path / "draft"), "--no-pdf", "--allow-incomplete")
    assert draft.exit_code == 0, draft.output
    (notice,) = (tmp_path / "draft").glob("*/notices/notice-ar.docx")
    with zipfile.ZipFile(notice) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "\u202e" not in xml and "Call or write to" in xml


@pytest.mark.parametrize("written", ["{{program}}", "\uff5bprogram\uff5d"],
                         ids=["doubled braces", "full-width braces"])
def test_check_refuses_braces_the_letter_would_print(catalogs: Path, written: str) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    line = _retranslate(es, 'msgid "What is it?"', '"¿Qué es?"', f'"¿Qué es {written}?"')
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 1
    shown = "{program}" if written.startswith("{{") else written
    assert result.stderr.splitlines() == [
        f"{es}:{line}: the letter would show {shown!r} as it is written, not a value: write "
        "each placeholder with one pair of plain braces, exactly as in the source (doubled "
        "braces {{…}} print as the name itself)"]


def test_a_translation_far_longer_than_its_source_is_a_warning_only(catalogs: Path) -> None:
    es = catalogs / "es/LC_MESSAGES/docgen.po"
    line = _retranslate(es, 'msgid "Your rights"', '"Sus derechos"',
                        '"Sus derechos. " "' + "Sus derechos son muchos y variados. " * 3 + '"')
    result = invoke("i18n", "check", "es", "--dir", str(catalogs))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{es}:{line}: warning: the translation is 11 times as long as its source (125 "
        "characters, against 11): check that nothing was pasted twice or left in by mistake; "
        "a long text can push the letter onto another page"]


def test_check_reports_every_problem_of_a_catalog_at_once(catalogs: Path) -> None:
    ar = catalogs / "ar/LC_MESSAGES/docgen.po"
    bidi = _retranslate(ar, 'msgid "Call or write to {name}: {phone}, {email}."', "{phone}",
                        "\u202e{phone}\u202c")
    braces = _retranslate(ar, 'msgid "Questions?"', 'msgstr "', 'msgstr "{{name}} ')
    result = invoke("i18n", "check", "ar", "--dir", str(catalogs))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{ar}:{braces}", f"{ar}:{bidi}"]


@pytest.mark.own_spec_catalogs
def test_check_spec_refuses_a_bidi_override_in_the_specs_text(tmp_path: Path) -> None:
    spec = tmp_path / LINCOLN.name
    shutil.copy(LINCOLN, spec)
    shutil.copytree(LINCOLN.with_suffix(".locales"), tmp_path / f"{LINCOLN.stem}.locales")
    es = tmp_path / f"{LINCOLN.stem}.locales/es.po"
    line = _retranslate(es, 'msgctxt "/services/0/location"', '"Cafetería',
                        '"\u202eCafetería')
    result = invoke("i18n", "check", "--spec", str(spec), "es")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{es}:{line + 1}: /services/0/location: reordered: 'Cafeteria, library and rooms 14 "
        "to 16'; the translation contains an invisible character that reorders the text around "
        "it (U+202A to U+202E, U+2066 to U+2069); delete it (in Poedit, retype the text around "
        "it)"]


# 5. a district's own templates ---------------------------------------------------------------


def test_extract_update_and_check_read_a_districts_own_template(tmp_path: Path,
                                                                catalogs: Path) -> None:
    district = tmp_path / "district"
    _with_document(NOTICE, district / "notice.docx", lambda xml: xml.replace(
        "{{ _('What is it?') }}",
        "{# TRANSLATORS: the district's own heading #}{{ _('What is the program?') }}"))
    result = invoke("i18n", "extract", "--templates", str(district), "--dir", str(catalogs))
    assert result.exit_code == 0, result.output
    pot = read_catalog(catalogs / "docgen.pot")
    added = pot.get("What is the program?")
    assert added.locations == [((district / "notice.docx").as_posix(), None)]
    assert added.auto_comments == ["the district's own heading",
                                   "Where: a heading of the letter"]
    assert pot.get("What is it?") is None
    checked = invoke("i18n", "check", "es", "--templates", str(district), "--dir",
                     str(catalogs))
    assert checked.exit_code == 1
    assert f"{catalogs}/es/LC_MESSAGES/docgen.po: not in the catalog: 'What is the program?'; " \
           "run `docgen i18n update`" in checked.stderr.splitlines()
    updated = invoke("i18n", "update", "--templates", str(district), "--dir", str(catalogs))
    assert updated.exit_code == 0, updated.output
    es = read_catalog(catalogs / "es/LC_MESSAGES/docgen.po")
    assert es.get("What is the program?").fuzzy  # its old translation, for review


@pytest.mark.own_spec_catalogs
def test_the_spec_commands_know_a_language_added_in_the_catalog_folder_given(
        tmp_path: Path) -> None:
    # README, step by step: `docgen i18n init hmn --dir DIR`, add "hmn" to the spec, then
    # start the spec's own catalog; the spec was checked against docgen's shipped languages
    # only, and every --spec command refused it ("'hmn' is not a supported language yet")
    import json

    from script_catalogs import make_catalog

    folder = tmp_path / "district-locales"
    shutil.copytree(ROOT / "locales", folder)
    make_catalog("hmn", folder)
    data = json.loads((ROOT / "samples/jefferson-elementary-public-library.json")
                      .read_text(encoding="utf-8"))
    data["family_notices"]["languages"] = ["en", "hmn"]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data, indent=2), encoding="utf-8")

    def run(*args: str):
        return CliRunner().invoke(cli, ["i18n", *args, "--spec", str(spec)],
                                  catch_exceptions=False)

    refused = run("init", "hmn")  # without --dir, docgen's own languages: hmn is not one
    assert refused.exit_code == 1
    assert "'hmn' is not a supported language yet" in refused.stderr
    made = run("init", "hmn", "--dir", str(folder))
    assert made.exit_code == 0, made.output
    assert made.stdout == (f"wrote {tmp_path}/spec.locales/hmn.po; translate it, then run "
                           f"docgen i18n check --spec {spec}\n")
    assert run("extract", "--dir", str(folder)).exit_code == 0
    assert run("update", "--dir", str(folder)).exit_code == 0
    checked = run("check", "--dir", str(folder))
    assert checked.exit_code == 1  # nothing translated yet: each string named, nothing else
    assert checked.stdout.startswith("hmn: 0 of ")
    assert "not a supported language" not in checked.stderr


@pytest.mark.parametrize(("tag", "name"), [("hmn", "Hmong"), ("prs", "Dari"),
                                           ("mh", "Marshallese"), ("chk", "Chuukese"),
                                           ("ko", "Korean")])
def test_init_names_the_language_in_the_catalogs_first_line(tag: str, name: str,
                                                            tmp_path: Path) -> None:
    # a language CLDR has no locale data for was named by its code: "# hmn (hmn) translations"
    result = invoke("i18n", "init", tag, "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    first = (tmp_path / tag / "LC_MESSAGES/docgen.po").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# {name} ({tag}) translations of docgen's family notice."
