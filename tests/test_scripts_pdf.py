"""Right-to-left and complex scripts as LibreOffice renders them (issue 12, §3 and §4): the
PDF's text layer, its lines and its structure tree, for every shipped right-to-left notice and
a test notice in each script (catalogs made with docgen i18n init, tests/script_catalogs.py).
These run LibreOffice and are marked slow."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import ROOT, require, translate_beside
from docgen.build.run import BuildOptions, build
from docgen.context import build_context
from docgen.doctor import docx_text
from docgen.formatting import WEEKDAYS, Formatter
from docgen.i18n.scripts import script_of
from docgen.resources import Resources
from script_catalogs import make_catalog, spec_in

SAMPLES = sorted((ROOT / "samples").glob("*.json"))
TEST_TAGS = ["fa", "ur", "he", "prs", "ko", "zh-Hant", "am", "my", "bn"]
RTL_TAGS = ["ar", "fa", "he", "prs"]
#: The marks that order text: invisible, so no boundary (the isolates FSI … PDI too), except
#: the embeddings pdftotext puts around each run it reorders, a boundary; no-break spaces.
_MARKS = {**dict.fromkeys([0x200E, 0x200F, 0x2060, *range(0x2066, 0x206A)], None),
          **dict.fromkeys(range(0x202A, 0x202F), " ")}
_SPACES = {0x00A0: " ", 0x202F: " ", 0x2011: "-"}


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
    return re.sub(r" +", " ", text.translate(_MARKS).translate(_SPACES)).strip()


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
def test_every_time_and_date_of_a_right_to_left_notice_stays_on_one_line(pdfs) -> None:
    checked = 0
    for tag, data, path in pdfs:
        if tag not in RTL_TAGS:
            continue
        ctx = build_context(data, locale=tag)
        values = [s["schedule"][k] for s in ctx["services"] for k in
                  ("start_time", "end_time") if s["schedule"][k]]
        values += [d for d in (ctx["family_notices"]["enroll_by"],
                               *(s["schedule"][k] for s in ctx["services"]
                                 for k in ("first_day", "last_day"))) if d]
        lines = pdf_lines(path)
        text = " ".join(lines)
        printed = _plain(docx_text((path.with_suffix(".docx")).read_bytes()))
        for value in map(_plain, values):
            if value in printed:  # the notice prints it
                # every piece of it on one line (pdftotext reorders mixed-direction text,
                # moving spaces and periods beside numbers, so not always side by side)
                pieces = value.split()
                assert any(all(p in line for p in pieces) for line in lines), (path, value)
                checked += 1
    assert checked >= 20


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


@pytest.mark.slow
def test_the_structure_tree_carries_each_notices_language(pdfs) -> None:
    wanted = {t: script_of(t).word_tag for t in TEST_TAGS}
    for tag, data, path in pdfs:
        if tag not in TEST_TAGS:
            continue
        root = PdfReader(str(path)).trailer["/Root"]
        assert root["/Lang"] == wanted[tag], path
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
        # every element in one of the letter's languages (its English names are en-US):
        # never the template's zh-CN or ar-SA
        assert langs <= set(wanted.values()) | {"en-US"}, (tag, langs)


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
