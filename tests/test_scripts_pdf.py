"""Right-to-left and complex scripts as LibreOffice renders them (issue 12, §3 and §4): the
PDF's text layer, its lines and its structure tree, for every shipped right-to-left notice and
a test notice in each script (catalogs made with docgen i18n init, tests/script_catalogs.py).
These run LibreOffice and are marked slow."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import ROOT, require, translate_beside
from docgen.build.run import BuildOptions, build
from docgen.context import build_context
from docgen.doctor import docx_text
from docgen.formatting import WEEKDAYS, Formatter
from docgen.i18n.scripts import script_of
from docgen.ooxml.direction import latin_pieces
from docgen.resources import Resources
from script_catalogs import make_catalog, spec_in

SAMPLES = sorted((ROOT / "samples").glob("*.json"))
TEST_TAGS = ["fa", "ur", "he", "prs", "ko", "zh-Hant", "am", "my", "bn"]
RTL_TAGS = ["ar", "fa", "ur", "he", "prs"]
#: The marks that order text: invisible, so no boundary (the isolates FSI … PDI too), except
#: the embeddings pdftotext puts around each run it reorders, a boundary; no-break spaces.
_MARKS = {**dict.fromkeys([0x200E, 0x200F, 0x2060, *range(0x2066, 0x206A)], None),
          **dict.fromkeys(range(0x202A, 0x202F), " ")}
_SPACES = {0x00A0: " ", 0x202F: " "}
#: What a DOCX holds to keep a value on one line, read as the PDF's text has it: a
#: left-to-right document's non-breaking hyphens (U+2011), which LibreOffice writes into the
#: PDF's text as hyphen-minus (right-to-left ones hold a hyphen-minus by word joiners). Not
#: applied to the PDF's text itself: a U+2011 there is what a screen reader would read.
_DOCX_LAYOUT = {**_SPACES, 0x2011: "-"}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list[tuple[str, dict[str, Any], Path]]:
    """(locale, spec data, notice PDF) for every notice of the samples and the test spec."""
    require("soffice")
    folder = tmp_path_factory.mktemp("scripts-pdf")
    base = folder / "locales"
    for tag in TEST_TAGS:
        make_catalog(tag, base)
    test_spec = spec_in(TEST_TAGS, folder)
    translate_beside(Path(test_spec), tmp_path_factory)  # the catalogs of the spec's own text
    out = []
    for name, specs, resources in (
            ("samples", [str(s) for s in SAMPLES], Resources.shipped()),
            ("test", [str(test_spec)], Resources.shipped().using(locales=base))):
        for result in build(specs, BuildOptions(folder / name, pdf=True, pdf_workers=1,
                                                resources=resources)):
            assert result.ok, result.error or result.pdf_errors
            data = json.loads(Path(result.spec_file).read_text())
            for tag in data["family_notices"]["languages"]:
                out.append((tag, data, result.folder / f"notices/notice-{tag}.pdf"))
    return out


def pdf_lines(path: Path) -> list[str]:
    """The PDF's text lines as pdftotext gives them (what copy-paste and screen readers get),
    with the direction marks left out and no-break spaces as spaces."""
    raw = subprocess.run([require("pdftotext"), "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [re.sub(r" +", " ", line.translate(_MARKS).translate(_SPACES)).strip()
            for line in raw.splitlines()]


def _plain(text: str) -> str:
    return re.sub(r" +", " ", text.translate(_MARKS).translate(_DOCX_LAYOUT)).strip()


@pytest.mark.slow
def test_no_right_to_left_notice_has_control_characters_in_its_text(pdfs) -> None:
    """Letter spacing on Arabic runs made LibreOffice write U+0002 between the letters."""
    for tag, _, path in pdfs:
        raw = subprocess.run([require("pdftotext"), "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        controls = {f"U+{ord(c):04X}" for c in raw
                    if unicodedata.category(c) == "Cc" and c not in "\n\f\t"}
        assert not controls, (path, controls)


@pytest.mark.slow
def test_every_time_date_phone_and_e_mail_of_a_notice_stays_on_one_line(pdfs) -> None:
    """In every notice, shipped or in a test script: "6:00" broke at its colon and dates lost
    their year to the next line in the Arabic notice."""
    checked: dict[str, int] = {}
    for tag, data, path in pdfs:
        ctx = build_context(data, locale=tag)
        values = [s["schedule"][k] for s in ctx["services"] for k in
                  ("start_time", "end_time") if s["schedule"][k]]
        values += [d for d in (ctx["family_notices"]["enroll_by"],
                               *(s["schedule"][k] for s in ctx["services"]
                                 for k in ("first_day", "last_day"))) if d]
        values += [c[k] for c in data["contacts"] for k in ("phone", "email") if c.get(k)]
        east_asian = script_of(tag).slot == "eastAsia"
        lines = pdf_lines(path)
        if east_asian:  # LibreOffice spaces Han and Hangul from digits: "2026 年 8 月"
            lines = [line.replace(" ", "") for line in lines]
        printed = _plain(docx_text((path.with_suffix(".docx")).read_bytes()))
        for value in map(_plain, values):
            if value in printed:  # the notice prints it
                # every piece of it on one line (pdftotext reorders mixed-direction text,
                # moving spaces and periods beside numbers, so not always side by side)
                # (and the Arabic comma after Urdu's month: "28 اگست، 2026")
                pieces = [p for p in re.split(r"[\s،,]+", value) if p]
                if east_asian:
                    pieces = ["".join(pieces)]
                assert any(all(p in line for p in pieces) for line in lines), (path, value)
                checked[tag] = checked.get(tag, 0) + 1
    assert all(checked.get(t, 0) >= 4 for t in TEST_TAGS + ["ar", "zh-Hans", "es"]), checked


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> list[tuple[str, dict[str, Any], Path]]:
    """(locale, spec data, notice PDF) for a spec whose services' names grow a letter at a
    time, so that their schedule lines end at every point of the times that follow them: a
    time not made unbreakable breaks in one of them."""
    require("soffice")
    folder = tmp_path_factory.mktemp("swept")
    base = folder / "locales"
    for tag in ("fa", "ur"):
        make_catalog(tag, base)
    shutil.copytree(ROOT / "locales" / "ar", base / "ar")  # the shipped Arabic
    data: dict[str, Any] = json.loads((ROOT / "samples" /
                                       "lincoln-elementary-bright-futures.json").read_text())
    data.pop("$schema", None)
    first = data["services"][0]
    data["services"] = [
        {**first, "name": "Program " + "A" * (i + 1), "description": "Tutoring.",
         "schedule": {k: v for k, v in first["schedule"].items() if k != "notes"}}
        for i in range(26)]
    data["family_notices"]["languages"] = ["ar", "fa", "ur"]
    spec_file = folder / "swept.json"
    spec_file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    translate_beside(spec_file, tmp_path_factory)
    out = []
    for result in build([str(spec_file)], BuildOptions(
            folder / "out", pdf=True, pdf_workers=1,
            resources=Resources.shipped().using(locales=base))):
        assert result.ok, result.error or result.pdf_errors
        for tag in data["family_notices"]["languages"]:
            out.append((tag, data, result.folder / f"notices/notice-{tag}.pdf"))
    return out


@pytest.mark.slow
def test_no_time_breaks_wherever_its_line_ends(swept) -> None:
    """The schedule line of each service ends a letter further on than the last one's: the
    start and end times ("2:45 م", "6:00 م", "2:45 PM") never break, at any point of the line."""
    for tag, data, path in swept:
        ctx = build_context(data, locale=tag)
        times = {_plain(s["schedule"][k]) for s in ctx["services"]
                 for k in ("start_time", "end_time")}
        lines = pdf_lines(path)
        counts = {t: sum(all(p in line for p in t.split()) for line in lines) for t in times}
        # each time on one line as often as the letter gives it (once per service)
        assert all(n >= len(data["services"]) for n in counts.values()), (path.name, counts)


@pytest.mark.slow
def test_the_words_of_each_list_are_separated(pdfs) -> None:
    """"الاثنينوالثلاثاء": weekday lists ran together in the Arabic notice."""
    checked = 0
    for tag, data, path in pdfs:
        if tag not in RTL_TAGS:
            continue
        names = Formatter(tag, "USD").day_names
        days = {str(names[WEEKDAYS.index(d)]) for s in data["services"]
                for d in s["schedule"]["days"]}
        # pdftotext may join a Latin word and the Arabic one beside it: split there too
        text = re.sub(r"(?<=[A-Za-z0-9])(?=[\u0590-\u06ff])|(?<=[\u0590-\u06ff])(?=[A-Za-z0-9])",
                      " ", " ".join(pdf_lines(path)))
        words = re.split(r"[\s،,.:؛]+", text)
        for word in words:
            assert sum(day in word for day in days) <= 1 or word in days, (path, word)
        for day in days:
            if " " in day:  # Hebrew: "יום חמישי"
                assert day in text, (path, day)
            else:
                assert any(w == day or w == "و" + day for w in words), (path, day)
            checked += 1
    assert checked >= 10


def _marked_texts(reader: PdfReader) -> dict[int, dict[int, str]]:
    """The text each marked-content sequence (by MCID) of each page (by object number) shows,
    as pypdf's text extraction reads it (LibreOffice marks whole BT … ET blocks, so the text
    pypdf hands over at each ET belongs to the innermost sequence with an MCID open)."""
    out: dict[int, dict[int, str]] = {}
    for page in reader.pages:
        found: dict[int, str] = {}
        open_ids: list[int | None] = []

        def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
            if op == b"BDC":
                props = args[1].get_object() if len(args) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                open_ids.append(int(mcid) if mcid is not None else None)
            elif op == b"BMC":
                open_ids.append(None)
            elif op == b"EMC" and open_ids:
                open_ids.pop()

        def text(t: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            mcid = next((m for m in reversed(open_ids) if m is not None), None)
            if mcid is not None and t:
                found[mcid] = found.get(mcid, "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        assert page.indirect_reference is not None
        out[page.indirect_reference.idnum] = found
    return out


def _structure_paragraphs(path: Path) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each element of the PDF's structure tree that holds text directly: (its whole text,
    [(the text of each child span, its /Lang)]), read in process: the StructTreeRoot (the
    elements, their /Lang and the marked content they hold) and each page's marked content's
    text (:func:`_marked_texts`; each run of white space one space, right-to-left text in its
    logical order). ``pdfinfo -struct-text`` gives the same elements with the same letters
    in each, but takes 20-60 s a notice (it reads the page again for every element)."""
    reader = PdfReader(str(path))
    texts = _marked_texts(reader)
    nodes: list[dict[str, Any]] = []  # own text, children, /Lang, in tree order

    def content(page: Any, mcid: int) -> dict[str, Any]:
        text = re.sub(r"[ \t\r\n]+", " ", texts.get(page.idnum, {}).get(mcid, "")) if page else ""
        return {"text": text, "kids": [], "lang": "inherited"}

    def walk(node: Any, parent: dict[str, Any] | None, page: Any) -> None:
        obj = node.get_object()
        if not isinstance(obj, dict):
            return
        if "/Pg" in obj:
            page = obj.raw_get("/Pg")
        if obj.get("/Type") == "/MCR":
            if parent is not None:
                parent["kids"].append(content(page, int(obj["/MCID"])))
            return
        if obj.get("/Type") == "/OBJR":
            return
        me = parent
        if "/S" in obj:
            me = {"text": "", "kids": [],
                  "lang": str(obj["/Lang"]) if "/Lang" in obj else None}
            if parent is not None:
                parent["kids"].append(me)
            nodes.append(me)
        kids = obj.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int) and me is not None:
                me["kids"].append(content(page, int(kid)))
            elif not isinstance(kid, int):
                walk(kid, me, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None, None)

    def whole(node: dict[str, Any]) -> str:
        return node["text"] if node["lang"] == "inherited" else "".join(
            whole(k) for k in node["kids"])

    def leaf(node: dict[str, Any]) -> bool:  # text, or a span of text only
        return node["lang"] == "inherited" or all(k["lang"] == "inherited"
                                                  for k in node["kids"])

    return [(whole(n), [(whole(k), k["lang"]) for k in n["kids"] if k["lang"] != "inherited"])
            for n in nodes if not leaf(n) and any(leaf(k) for k in n["kids"])]


def _letters_script(text: str) -> set[str]:
    """The first word of the Unicode name of each letter of ``text`` (LATIN, HANGUL, …)."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


_SCRIPT_NAMES = {"Kore": {"HANGUL", "CJK"}, "Hans": {"CJK"}, "Hant": {"CJK"},
                 "Arab": {"ARABIC"}, "Hebr": {"HEBREW"}, "Beng": {"BENGALI"},
                 "Ethi": {"ETHIOPIC"}, "Mymr": {"MYANMAR"}}


def _in_script_of(tag: str, text: str) -> bool:
    return bool(_letters_script(text) & _SCRIPT_NAMES[script_of(tag).script])


def _other_script(tag: str, text: str) -> bool:
    return bool(_letters_script(text) - _SCRIPT_NAMES[script_of(tag).script] - {"LATIN"})


def _english_in_own_lines(tag: str, path: Path) -> list[tuple[str, str]]:
    """The spans tagged en-US in the notice's own-script lines that hold no Latin word (a digit
    or punctuation mark a screen reader would read in English), with their lines."""
    own_lines = [p for p in _structure_paragraphs(path)
                 if _in_script_of(tag, p[0]) and not _other_script(tag, p[0])]
    assert own_lines, (path, "no line in the notice's script")
    # (digits inside a Latin code word, "CSUEB-IRB-2026-117", are part of it; the hyphen
    # of a phone number or a school year is no exception: right-to-left notices write a
    # hyphen-minus, tagged as its run is, not U+2011)
    latin = [piece for line, _ in own_lines
             for piece, is_latin in latin_pieces(line) if is_latin]
    return [(text, line) for line, spans in own_lines for text, lang in spans
            if lang == "en-US" and not re.search("[A-Za-z]", text)
            and not any(text.strip() in piece for piece in latin)]


@pytest.mark.slow
def test_a_digit_tagged_english_in_a_notice_s_own_line_is_found(pdfs, tmp_path: Path) -> None:
    # the structure-tree test above reads the tree in process: it still sees the spans
    # LibreOffice tagged en-US ("2026", "：" in a Chinese line) before issue #12 was fixed
    (path,) = [p for tag, data, p in pdfs if tag == "zh-Hans"
               and data["parties"]["school"]["legal_name"].startswith("Lincoln")]
    assert not _english_in_own_lines("zh-Hans", path)
    pdf = pikepdf.open(path)
    document = pdf.Root.StructTreeRoot.K
    document = document[0] if isinstance(document, pikepdf.Array) else document
    assert document.S == "/Document"
    # the first span of the notice's own language (no /Lang: the document's), tagged en-US
    span = next(kid for elem in document.K if isinstance(elem.get("/K"), pikepdf.Array)
                for kid in elem.K if isinstance(kid, pikepdf.Dictionary)
                and kid.get("/S") == "/Span" and "/Lang" not in kid)
    span.Lang = pikepdf.String("en-US")
    changed = tmp_path / "changed.pdf"
    pdf.save(changed)
    found = _english_in_own_lines("zh-Hans", changed)
    assert found and all(not re.search("[A-Za-z]", text) for text, _ in found), found


@pytest.mark.slow
def test_the_structure_tree_carries_each_notices_language(pdfs) -> None:
    """Every notice, shipped or in a test script: the document's language is its own (a US
    partnership's Spanish is es-US, as it is formatted), and every element tagged otherwise is
    in one of the letter's languages (the Other languages block, Latin names as en-US): never
    the template's zh-CN or ar-SA for Korean, Persian, Urdu, Bengali, Myanmar or Amharic."""
    tested = set()
    for tag, data, path in pdfs:
        languages = {script_of(t).word_tag for t in data["family_notices"]["languages"]}
        languages |= {"es-US"}  # a US partnership's Spanish
        root = PdfReader(str(path)).trailer["/Root"]
        own = script_of(tag).word_tag
        assert root["/Lang"] in (own, f"{script_of(tag).language}-US"), (path, root["/Lang"])
        langs: set[str] = set()

        def walk(node: Any) -> None:
            node = node.get_object()
            if isinstance(node, dict):
                if "/Lang" in node:
                    langs.add(str(node["/Lang"]))
                kids = node.get("/K")
                if kids is not None:
                    kids = kids.get_object()
                    for kid in kids if isinstance(kids, list) else [kids]:
                        walk(kid)

        walk(root["/StructTreeRoot"])
        assert langs <= languages | {"en-US"}, (tag, langs - languages)
        if script_of(tag).slot != "val":
            # LibreOffice tagged each digit and punctuation mark of a Korean, Chinese, Bengali
            # or Arabic-script letter en-US (w:val), so a screen reader read "2026", "8",
            # "2:45~" in English: only Latin words keep en-US in the notice's own lines
            assert not _english_in_own_lines(tag, path), path
            # what a screen reader reads: hyphens, not the non-breaking hyphen
            assert not [line for line, _ in _structure_paragraphs(path)
                        if _in_script_of(tag, line) and not _other_script(tag, line)
                        and "\u2011" in line], path
        # the Other languages line in the notice's own language is tagged as the notice is
        assert not {f"{script_of(tag).language}-{r}" for r in ("ES", "US")} - {
            root["/Lang"]} & langs, (tag, langs)
        tested.add(tag)
    assert set(TEST_TAGS) | {"en", "es", "vi", "ar", "zh-Hans"} <= tested


@pytest.mark.slow
def test_latin_words_and_e_mail_addresses_do_not_break_in_korean_or_chinese(pdfs) -> None:
    for tag, data, path in pdfs:
        if tag not in ("ko", "zh-Hant"):
            continue
        lines = pdf_lines(path)
        emails = [c["email"] for c in data["contacts"] if c["email"] in " ".join(lines)]
        assert emails
        for email in emails:
            assert any(email in line for line in lines), (path, email)


def _words_by_page(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as pdftotext -bbox-layout places them: (x0, y0, x1, y1, text)."""
    xml = subprocess.run([require("pdftotext"), "-bbox-layout", "-enc", "UTF-8", str(path),
                          "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      r'yMax="([\d.]+)">([^<]*)</word>')
    return [[(float(a), float(b), float(c), float(d), html.unescape(t))
             for a, b, c, d, t in word.findall(page)]
            for page in re.findall(r"<page .*?</page>", xml, re.S)]


def _marks_only(text: str) -> bool:
    """A "word" pdftotext makes of a vowel sign or shadda alone, or of punctuation."""
    return all(unicodedata.category(c)[0] in "MP" or unicodedata.category(c) == "Cf"
               for c in text)


@pytest.mark.slow
def test_no_two_words_of_a_right_to_left_line_are_drawn_over_each_other(pdfs) -> None:
    """A value embedded right to left (RLE … PDF) that ended in a Latin word was drawn over
    the word before it: "مدرسةLincoln" in the Arabic notice, "عنC", "الجبر1" (and LibreOffice
    left a gap of several spaces after such a value's first word)."""
    checked = 0
    for tag, _, path in pdfs:
        if tag not in RTL_TAGS:
            continue
        for number, page in enumerate(_words_by_page(path), 1):
            words = [w for w in page if not _marks_only(w[4])]
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    height = min(a[3] - a[1], b[3] - b[1])
                    same_line = min(a[3], b[3]) - max(a[1], b[1]) > 0.6 * height
                    overlap = min(a[2], b[2]) - max(a[0], b[0])
                    assert not (same_line and overlap > 1), (path.name, number, a[4], b[4])
            checked += len(words)
    assert checked > 2000


#: Arabic vowel signs, shadda and tanwin (combining marks), and lam-alef ligatures.
_PDFTOTEXT_SPLITS = re.compile("[\u064b-\u065f\u0670]|\u0644[\u0627\u0622\u0623\u0625]")


def _rtl_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w\u064b-\u065f\u0670]+", text)
            if w and not w.isdigit() and all(0x590 <= ord(c) <= 0x6FF for c in w)]


@pytest.mark.slow
def test_every_right_to_left_word_of_a_notice_is_whole_in_its_pdf_text(pdfs) -> None:
    """What a screen reader reads aloud and copy-paste gets: each Arabic, Persian, Urdu and
    Hebrew word of the letter, whole. Noto Nastaliq Urdu broke it (LibreOffice 7.4 writes that
    face as separate dots and strokes on shifted baselines: پیر came out as "پ ی ر", جمعرات
    lost its ج to another word), so Urdu is set in Noto Naskh Arabic.

    The exact state, as LibreOffice 7.4 and poppler leave it: a word with an Arabic vowel
    sign, shadda or tanwin (معًا, يسجّل), or with a lam-alef ligature (لا, إلا), is written
    right in the PDF's content (pypdf reads it whole) but placed glyph by glyph, and
    pdftotext (poppler) then puts the mark or the lam beside or below its word. Every other
    word must come out whole, as often as the letter has it."""
    import collections

    checked = 0
    for tag, _, path in pdfs:
        if tag not in RTL_TAGS:
            continue
        with zipfile.ZipFile(path.with_suffix(".docx")) as package:
            xml = package.read("word/document.xml").decode()
        letter = "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
                           for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S))
        wanted = collections.Counter(w for w in _rtl_words(letter)
                                     if not _PDFTOTEXT_SPLITS.search(w))
        got = collections.Counter(_rtl_words("\n".join(pdf_lines(path))))
        lost = {w: n - got[w] for w, n in wanted.items() if got[w] < n}
        assert not lost, (path.name, lost)
        checked += sum(wanted.values())
    assert checked > 1000


@pytest.mark.slow
def test_the_urdu_notices_pdf_text_holds_its_words(pdfs) -> None:
    """The Urdu weekday names (CLDR's, as the test catalog's translator writes them), each
    whole, on the line of the schedule (Nastaliq gave "پ ی ر", "من گل", "معرات")."""
    ur = [path for tag, _, path in pdfs if tag == "ur"]
    assert ur
    days = ["پیر", "منگل", "بدھ", "جمعرات", "جمعہ"]
    assert any(all(d in _rtl_words(line) for d in days) for line in pdf_lines(ur[0]))


#: Letters of each script and the face docgen sets them in (the PDF's font names; LibreOffice
#: names every face of the Noto Sans CJK collection after its first, "NotoSansCJKjp", though it
#: draws the Korean, Simplified or Traditional glyphs asked for).
_SCRIPT_FONTS = [((0x0590, 0x05FF), "NotoSansHebrew"), ((0x0600, 0x06FF), "NotoNaskhArabic"),
                 ((0x0980, 0x09FF), "NotoSansBengali"), ((0x1000, 0x109F), "NotoSansMyanmar"),
                 ((0x1200, 0x139F), "NotoSansEthiopic"), ((0xAC00, 0xD7AF), "NotoSansCJK"),
                 ((0x4E00, 0x9FFF), "NotoSansCJK")]


@pytest.mark.slow
def test_every_letter_is_drawn_in_its_scripts_face(pdfs) -> None:
    """Each line of the Other languages block is set in its own script's face, not in what
    LibreOffice falls back to when the document's face lacks it (the Hebrew line of every
    other notice came out in DejaVu Sans, the Urdu, Persian and Arabic lines of the Hebrew
    notice in Noto Kufi Arabic or DejaVu Sans); Urdu is in Noto Naskh Arabic."""
    checked = 0
    for tag, _, path in pdfs:
        wrong: dict[str, set[str]] = {}
        drawn: list[int] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            name = str(font.get("/BaseFont", "")).split("+")[-1] if font is not None else "?"
            for c in text:
                for (low, high), face in _SCRIPT_FONTS:
                    if low <= ord(c) <= high:
                        drawn.append(1)
                        if not name.startswith(face):
                            wrong.setdefault(name, set()).add(unicodedata.name(c, "?"))

        for page in PdfReader(str(path)).pages:
            page.extract_text(visitor_text=visit)
        assert not wrong, (path.name, {k: sorted(v)[:3] for k, v in wrong.items()})
        checked += len(drawn)
    assert checked > 5000


@pytest.mark.slow
def test_no_notice_page_in_any_script_holds_only_a_line_or_two(pdfs) -> None:
    """As for the shipped notices (tests/test_pages.py), for the notices in every test script,
    which run longer: the last page carries a whole paragraph at least."""
    for tag, _, path in pdfs:
        out = subprocess.run([require("pdftotext"), "-layout", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        for number, page in enumerate(out.split("\f")[:-1], 1):
            body = [line for line in page.splitlines() if line.strip()][1:-1]  # no header, footer
            assert len(body) >= 3, (path.name, number, body)


@pytest.fixture(scope="module")
def ranges(tmp_path_factory) -> list[tuple[str, Path]]:
    """(locale, notice PDF) for notices whose own text (not a value) has a school year and a
    phone number right after a right-to-left word: the shipped Arabic translation of the
    Lincoln scope ("…للعام الدراسي 2026-2027."), and Persian, Urdu and Hebrew ones written so."""
    from docgen.i18n.catalogs import read_catalog, write_catalog
    from script_catalogs import MARKERS

    require("soffice")
    folder = tmp_path_factory.mktemp("ranges")
    base = folder / "locales"
    tags = ["ar", "fa", "ur", "he"]
    shutil.copytree(ROOT / "locales" / "ar", base / "ar")
    for tag in tags[1:]:
        make_catalog(tag, base)
    spec_file = spec_in(tags, folder)
    catalogs = translate_beside(spec_file, tmp_path_factory)
    for tag in tags[1:]:
        path = catalogs / f"{tag}.po"
        catalog = read_catalog(path)
        scope = [m for m in catalog if m.id and "2026-2027 school year" in str(m.id)]
        assert scope, tag
        word = MARKERS[tag]
        for message in scope:
            message.string = f"{word} 2026-2027 {word}: (510) 555-0199 {word}"
        write_catalog(catalog, path)
    out = []
    for result in build([str(spec_file)], BuildOptions(
            folder / "out", pdf=True, pdf_workers=1,
            resources=Resources.shipped().using(locales=base))):
        assert result.ok, result.error or result.pdf_errors
        out += [(tag, result.folder / f"notices/notice-{tag}.pdf") for tag in tags]
    return out


@pytest.mark.slow
def test_a_school_year_in_right_to_left_text_reads_in_its_order_on_one_line(ranges) -> None:
    """"للعام الدراسي 2026-2027." was drawn, and read by pdftotext, as "2027-2026": after an
    Arabic letter the bidi algorithm takes the two years for Arabic numbers, and does not join
    them across a hyphen (a non-breaking hyphen, a neutral, reverses them in Hebrew too)."""
    from docgen.i18n.scripts import localise_digits

    for tag, path in ranges:
        lines = pdf_lines(path)
        text = "\n".join(lines)
        # in the notice's digits (Persian ۲۰۲۶-۲۰۲۷)
        year, backwards = (localise_digits(y, tag) for y in ("2026-2027", "2027-2026"))
        assert backwards not in text and backwards.replace("-", " -") not in text, (tag, path)
        assert sum(year in line for line in lines) >= 2, (tag, path)  # and the header's
        if tag != "ar":
            # the phone number: "555-0199" in order, to the right of "(510)" on its line
            # (pdftotext's own reordering moves the parenthesis of a number between
            # right-to-left words away from it, so the words' places are checked)
            words = [w for page in _words_by_page(path) for w in page]
            areas = [w for w in words if w[4] == "(510)"]
            numbers = [w for w in words if w[4] == "555-0199"]
            assert numbers and "0199-555" not in text, (tag, path)
            assert any(a[2] < n[0] and abs(a[1] - n[1]) < 2 for a in areas for n in numbers), \
                (tag, path)


@pytest.mark.slow
def test_a_latin_name_in_the_arabic_notice_reads_in_its_order(ranges) -> None:
    """Latin words in an Arabic sentence, now runs of their own that are not right-to-left:
    "Samir Haddad" and "Bright Futures" read in their order in the text and on the page
    ("Samir" drawn to the left of "Haddad" on its line), not "Haddad Samir"."""
    path = next(p for tag, p in ranges if tag == "ar")
    text = "\n".join(pdf_lines(path))
    for name in ("Samir Haddad", "Bright Futures", "Lincoln Elementary"):
        assert name in text and " ".join(reversed(name.split())) not in text, name
    words = [w for page in _words_by_page(path) for w in page]
    pairs = [(a, b) for a in words if a[4] == "Samir" for b in words
             if b[4].startswith("Haddad") and abs(a[1] - b[1]) < 2]
    assert pairs and all(a[2] < b[0] for a, b in pairs), pairs


#: Urdu weekday names, Monday to Friday.
_URDU_DAYS = ["پیر", "منگل", "بدھ", "جمعرات", "جمعہ"]


def _urdu_paragraph_pdf(face: str, folder: Path) -> Path:
    """Write a right-to-left Urdu paragraph of the weekday names set in ``face``, and return
    the PDF LibreOffice makes of it."""
    import docx
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    run = paragraph.add_run("، ".join(_URDU_DAYS))
    rpr = run._r.get_or_add_rPr()
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), face)
    rpr.append(fonts)
    rpr.append(OxmlElement("w:rtl"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:bidi"), "ur-PK")
    rpr.append(lang)
    source = folder / f"{face.replace(' ', '-')}.docx"
    document.save(str(source))
    subprocess.run([require("soffice"), "--headless",
                    f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True,
                   timeout=180)
    return source.with_suffix(".pdf")


@pytest.mark.slow
def test_urdu_is_set_in_naskh_because_libreoffice_writes_nastaliq_text_apart(
        tmp_path: Path) -> None:
    """docgen sets Urdu in Noto Naskh Arabic, not in Noto Nastaliq Urdu, the face Urdu is
    printed in, because LibreOffice writes Nastaliq into a PDF's text glyph by glyph (پیر came
    out as "پ ی ر"), which is what screen readers and copy-paste get
    (docgen/i18n/scripts.py, LANGUAGE_FACES). This test asserts that it still does: when it
    FAILS, LibreOffice writes Nastaliq's text whole, and Urdu should be set in Noto Nastaliq
    Urdu (LANGUAGE_FACES["ur"]), its tests changed to match."""
    if not shutil.which("fc-list") or "Noto Nastaliq Urdu" not in subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True).stdout:
        pytest.fail("Noto Nastaliq Urdu is not installed: apt-get install fonts-noto-core")
    naskh = _rtl_words(" ".join(pdf_lines(_urdu_paragraph_pdf("Noto Naskh Arabic", tmp_path))))
    assert all(day in naskh for day in _URDU_DAYS), naskh  # the check itself works
    pdf = _urdu_paragraph_pdf("Noto Nastaliq Urdu", tmp_path)
    fonts = subprocess.run([require("pdffonts"), str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "NotoNastaliqUrdu" in fonts, fonts  # drawn in Nastaliq, not a fallback face
    nastaliq = _rtl_words(" ".join(pdf_lines(pdf)))
    assert nastaliq, "no Urdu text at all in the Nastaliq PDF"
    whole = [day for day in _URDU_DAYS if day in nastaliq]
    assert whole != _URDU_DAYS, ("LibreOffice now writes Noto Nastaliq Urdu's text whole: set "
                                 "Urdu in it (docgen/i18n/scripts.py, LANGUAGE_FACES)", nastaliq)
