"""Rendering is safe by default: escaped, strict, sandboxed, and located when it fails."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from docx import Document

from conftest import ROOT, examples
from docgen.context import build_context
from docgen.errors import TemplateError
from docgen.render import compile_template, render
from docxtext import plain_text, stories

WHEN = dt.datetime(2026, 8, 10, tzinfo=dt.timezone.utc)


def spec(**changes) -> dict:
    data = json.loads((ROOT / "samples/jefferson-elementary-public-library.json").read_text())
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for name in parents:
            node = node[name]
        node[last] = value
    return data


def make_template(tmp_path: Path, *paragraphs: str, name: str = "t.docx") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(path)
    return path


def render_text(template: Path, data: dict) -> str:
    return plain_text(render(compile_template(template), build_context(data), source_date=WHEN))


def test_markup_in_a_value_appears_exactly_as_typed(tmp_path: Path) -> None:
    t = make_template(tmp_path, "Partner: {{ partner.legal_name }}.")
    text = render_text(t, spec(parties__partner__legal_name="Smith & Sons <LLC> \"Best\" 'Ever'"))
    assert "Partner: Smith & Sons <LLC> \"Best\" 'Ever'." in text


def test_template_code_in_a_value_is_never_run(tmp_path: Path) -> None:
    t = make_template(tmp_path, "Purpose: {{ purpose }}")
    text = render_text(t, spec(purpose="{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {_{ }_}"))
    assert "Purpose: {{ 7*7 }} {% for x in range(3) %}x{% endfor %} {_{ }_}" in text


def test_a_blank_line_in_a_value_starts_a_new_paragraph(tmp_path: Path) -> None:
    t = make_template(tmp_path, "{{ purpose }}")
    lines = stories(render(compile_template(t), build_context(
        spec(purpose="First paragraph.\n\nSecond paragraph.\nSame paragraph, new line.")),
        source_date=WHEN))["document"]
    assert lines == ["First paragraph.", "Second paragraph.\nSame paragraph, new line."]


def test_an_undefined_name_is_an_error_naming_template_paragraph_and_variable(tmp_path) -> None:
    t = make_template(tmp_path, "Intro.", "Second.", "The partner is {{ partner.nme }}.")
    with pytest.raises(TemplateError) as info:
        render_text(t, spec())
    assert info.value.message == (
        f"{t}: paragraph 3 (“The partner is {{{{ partner.nme }}}}.”): 'partner.nme' is "
        "undefined; the template uses a value the context does not have (see `docgen context`)")


def test_an_undefined_top_level_name_is_named_too(tmp_path: Path) -> None:
    t = make_template(tmp_path, "{%p if insurence %}", "Insured.", "{%p endif %}")
    with pytest.raises(TemplateError) as info:
        render_text(t, spec())
    assert "paragraph 1" in info.value.message
    assert "'insurence' is undefined" in info.value.message


def test_a_missing_endif_is_a_located_syntax_error(tmp_path: Path) -> None:
    t = make_template(tmp_path, "Intro.", "{%p if insurance %}", "Insured.")
    with pytest.raises(TemplateError) as info:
        compile_template(t)
    assert info.value.message.startswith(f"{t}:")
    assert "'{% if %}' is never closed" in info.value.message


def test_an_unmatched_endfor_is_located(tmp_path: Path) -> None:
    t = make_template(tmp_path, "Intro.", "Text.", "{%p endfor %}")
    with pytest.raises(TemplateError) as info:
        compile_template(t)
    assert info.value.message == (f"{t}: paragraph 3 (“{{%p endfor %}}”): '{{% endfor %}}' has "
                                  "no matching opening tag")


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    t = make_template(tmp_path, "{{ purpose.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as info:
        render_text(t, spec())
    assert "paragraph 1" in info.value.message


def test_the_context_fills_every_optional_field(tmp_path: Path) -> None:
    t = make_template(tmp_path,
                      "{% if insurance %}insured{% else %}no insurance{% endif %}",
                      "{{ term.renewal_notice_days }} days; {{ goals|length }} goals; "
                      "renews: {{ term.auto_renew }}")
    # a commitment (the notice period) has no default from schema 1.2: the spec did not make it
    assert render_text(t, spec()).splitlines() == ["no insurance",
                                                   "None days; 0 goals; renews: False"]
    assert render_text(t, spec(schema_version="1.1")).splitlines() == [
        "no insurance", "30 days; 0 goals; renews: False"]  # 1.1's default, as before


@pytest.mark.parametrize("payload, message", [
    (b"not a zip at all", "is not a DOCX file (it is not a zip package)"),
    (None, "is a zip file but not a Word document (no word/document.xml)"),
], ids=["not-a-zip", "zip-without-document"])
def test_a_broken_template_is_one_clear_error(tmp_path: Path, payload, message) -> None:
    path = tmp_path / "broken.docx"
    if payload is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "hi")
    else:
        path.write_bytes(payload)
    with pytest.raises(TemplateError) as info:
        compile_template(path)
    assert info.value.message == f"{path}: {message}"


def with_document_xml(tmp_path: Path, name: str, old: bytes, new: bytes) -> Path:
    """Return a copy of a small template whose word/document.xml has ``old`` replaced."""
    good = make_template(tmp_path, "{{ purpose }}")
    out = tmp_path / name
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(old, new, 1)
            dst.writestr(info, data)
    return out


def test_a_template_with_an_entity_declaration_is_refused(tmp_path: Path) -> None:
    evil = with_document_xml(tmp_path, "evil.docx", b"?>",
                             b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(TemplateError) as info:
        compile_template(evil)
    assert "DOCTYPE or entity declaration" in info.value.message


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    good = make_template(tmp_path, "{{ purpose }}")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("word/media/huge.bin", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(TemplateError) as info:
        compile_template(bomb)
    assert "zip bomb" in info.value.message


def test_rendering_twice_gives_identical_bytes(tmp_path: Path) -> None:
    template = compile_template(ROOT / "templates" / "mou.docx")
    ctx = build_context(spec())
    assert render(template, ctx, source_date=WHEN) == render(template, ctx, source_date=WHEN)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, 60000), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_damaged_template_is_an_error_never_a_crash(tmp_path: Path, cuts) -> None:
    data = bytearray((ROOT / "templates" / "role-chart.docx").read_bytes())
    for offset, byte in cuts:
        data[offset % len(data)] = byte
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    try:
        template = compile_template(path)
        render(template, build_context(spec()), source_date=WHEN)
    except TemplateError as e:
        assert e.message.startswith(str(path))


def test_malformed_xml_in_a_template_names_the_file_and_part(tmp_path: Path) -> None:
    bad = with_document_xml(tmp_path, "bad.docx", b"</w:body>", b"")
    with pytest.raises(TemplateError) as info:
        compile_template(bad)
    assert info.value.message.startswith(f"{bad}: word/document.xml: the XML is not well formed")


def test_a_doctype_deep_inside_a_template_part_is_refused_too(tmp_path: Path) -> None:
    late = b"<!-- " + b"padding " * 1024 + b"--><!DOCTYPE d></w:body>"
    evil = with_document_xml(tmp_path, "late.docx", b"</w:body>", late)
    with pytest.raises(TemplateError) as info:
        compile_template(evil)
    assert info.value.message == (f"{evil}: word/document.xml: contains a DOCTYPE or entity "
                                  "declaration, which a Word document never has; refusing to "
                                  "read it")


def test_a_template_is_refused_for_the_same_reasons_as_a_document_to_compare(
        tmp_path: Path) -> None:
    from docgen.errors import DocxError
    from docgen.ooxml.package import Package

    evil = with_document_xml(tmp_path, "evil.docx", b"?>",
                             b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(TemplateError, match="DOCTYPE or entity declaration"):
        compile_template(evil)
    with pytest.raises(DocxError, match=r"declares XML entities \(a DOCTYPE\)"):
        Package.open(evil.read_bytes(), "evil.docx").xml("word/document.xml")


def test_a_template_with_more_parts_than_docgen_reads_is_refused(tmp_path: Path) -> None:
    from docgen.ooxml.limits import MAX_PARTS

    good = make_template(tmp_path, "{{ purpose }}")
    crowded = tmp_path / "crowded.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(crowded, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for n in range(MAX_PARTS + 1 - len(src.infolist())):
            dst.writestr(f"extra/part{n}.xml", b"<a/>")
    with pytest.raises(TemplateError) as info:
        compile_template(crowded)
    assert info.value.message == f"{crowded}: has {MAX_PARTS + 1} parts; a document has far fewer"


def test_a_damaged_part_names_the_template(tmp_path: Path) -> None:
    good = make_template(tmp_path, "{{ purpose }}")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("word/document.xml")
    # flip a byte of the part's compressed data: its checksum no longer matches
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(bytes(data))
    with pytest.raises(TemplateError) as raised:
        compile_template(damaged)
    assert raised.value.message.startswith(f"{damaged}: the DOCX package is damaged (")


# --- the listing pass, on the paragraphs that need it only (issue #16) -----------------------

_PIECES = st.sampled_from([
    "<w:p>", '<w:p w:rsidR="00A1">', "<w:p/>", '<w:p w14:paraId="1"/>', "</w:p>",
    "<w:pPr><w:jc w:val=\"center\"/></w:pPr>", "<w:r>", "<w:r w:rsidR=\"2\">", "</w:r>",
    "<w:rPr><w:b/></w:rPr>", "<w:t>", '<w:t xml:space="preserve">', "</w:t>",
    "<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>", "<w:txbxContent>", "</w:txbxContent>",
    "\n", "\a", "\t", "\f", "text", " a&amp;b ", "<w:pStyle w:val=\"x\"/>", "<w:br/>",
])


@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60))
def test_the_listing_pass_on_the_paragraphs_that_need_it_writes_what_docxtpls_writes(pieces):
    # docxtpl's resolve_listing rewrites every run of every paragraph; docgen's runs it on the
    # paragraphs holding a line feed, BEL, tab or form feed only: the part must come out the
    # same, character for character, whatever the markup (nested, empty, unclosed paragraphs)
    from docgen.render import _DOCXTPL, resolve_listing

    xml = "".join(pieces)
    assert resolve_listing(xml) == _DOCXTPL.resolve_listing(xml)


def test_a_value_with_a_blank_line_and_a_tab_splits_only_its_own_paragraph(tmp_path: Path) -> None:
    import io

    path = make_template(tmp_path, "Before {{ a }}", "{{ b }}", "After")
    out = render(compile_template(path), {"a": "one\ttwo", "b": "first\n\nsecond\nthird"},
                 source_date=WHEN)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        body = zf.read("word/document.xml").decode().split("<w:body>")[1]
    paragraphs = re.findall(r"<w:p>(.*?)</w:p>", body)
    assert paragraphs == [
        '<w:r><w:t xml:space="preserve">Before one</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:t xml:space="preserve">two</w:t></w:r>',
        '<w:r><w:t xml:space="preserve">first</w:t></w:r>',
        '<w:r><w:t xml:space="preserve">second</w:t><w:br/>'
        '<w:t xml:space="preserve">third</w:t></w:r>',
        # the paragraph without a listing character is left as the template has it
        "<w:r><w:t>After</w:t></w:r>",
    ]


def test_a_template_changed_on_disk_is_compiled_again(tmp_path: Path) -> None:
    # compiled templates are kept by file (size, modification time): a template a user saves
    # again, even one of the same size, must render its new text, never the old
    import os

    path = make_template(tmp_path, "Hello {{ a }}")
    first = compile_template(path)
    assert compile_template(path) is first  # unchanged: not read again
    other = make_template(tmp_path, "Howdy {{ a }}", name="other.docx")
    path.write_bytes(other.read_bytes())
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    out = render(compile_template(path), {"a": "there"}, source_date=WHEN)
    assert "Howdy there" in plain_text(out) and "Hello" not in plain_text(out)


def test_a_template_with_empty_table_cells_renders_and_locates_its_errors(tmp_path: Path) -> None:
    # python-docx writes a new table's empty cells as <w:p/>: they are paragraphs like any other
    doc = Document()
    doc.add_paragraph("Intro {{ partner.legal_name }}")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "{{ partner.legal_name }}"
    doc.add_paragraph("{{ no_such_value }} after the table")
    path = tmp_path / "cells.docx"
    doc.save(path)
    assert b"<w:p/>" in zipfile.ZipFile(path).read("word/document.xml")
    with pytest.raises(TemplateError) as raised:
        render_text(path, spec())
    # the intro, the two cells (the second one empty), then the paragraph with the error
    assert str(raised.value).startswith(f"{path}: paragraph 4 (“{{{{ no_such_value }}}} after "
                                        "the table”): 'no_such_value' is undefined")
    doc.paragraphs[-1].text = "After the table."
    doc.save(path)
    text = render_text(path, spec(parties__partner__legal_name="Bright Futures"))
    assert "Intro Bright Futures" in text and "After the table." in text
    # a block tag's paragraph right after the empty cell is counted too
    doc.paragraphs[-1].text = "{%p if no_such_value %}"
    doc.add_paragraph("inside")
    doc.add_paragraph("{%p endif %}")
    doc.save(path)
    with pytest.raises(TemplateError) as raised:
        render_text(path, spec())
    assert str(raised.value).startswith(f"{path}: paragraph 4 (“{{%p if no_such_value %}}”)")


def test_a_documents_properties_name_docgen_and_the_source_date_and_no_printing(
        tmp_path: Path) -> None:
    # the author's last save and print are no part of a generated document: its dates are the
    # source date, whoever saved the template last
    path = make_template(tmp_path, "Hello {{ a }}")
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<cp:lastModifiedBy/>|<cp:lastModifiedBy>.*?</cp:lastModifiedBy>"
                              rb"|<cp:revision>.*?</cp:revision>"
                              rb"|<dcterms:modified[^>]*>.*?</dcterms:modified>", b"", data)
                data = data.replace(b"</cp:coreProperties>",
                                    b"<cp:lastModifiedBy>A. Author</cp:lastModifiedBy>"
                                    b"<cp:lastPrinted>2020-01-01T00:00:00Z</cp:lastPrinted>"
                                    b"<cp:lastPrinted>2021-01-01T00:00:00Z</cp:lastPrinted>"
                                    b"</cp:coreProperties>")
            z.writestr(info, data)
    out = render(compile_template(path), {"a": "there"}, source_date=WHEN)
    core = zipfile.ZipFile(io.BytesIO(out)).read("docProps/core.xml").decode()
    stamp = WHEN.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f">{stamp}</dcterms:created>" in core and f">{stamp}</dcterms:modified>" in core
    assert "<cp:lastModifiedBy>docgen</cp:lastModifiedBy>" in core and "A. Author" not in core
    assert "<cp:revision>1</cp:revision>" in core and "lastPrinted" not in core


def test_a_template_link_pointed_at_another_template_renders_the_other(tmp_path: Path) -> None:
    # the compiled templates are kept by the file a path reaches (its inode), not by the path
    hello = make_template(tmp_path, "Hello {{ a }}")
    howdy = make_template(tmp_path, "Howdy {{ a }}", name="other.docx")
    link = tmp_path / "current.docx"
    link.symlink_to(hello)
    assert "Hello there" in plain_text(render(compile_template(link), {"a": "there"},
                                              source_date=WHEN))
    link.unlink()
    link.symlink_to(howdy)
    out = plain_text(render(compile_template(link), {"a": "there"}, source_date=WHEN))
    assert "Howdy there" in out and "Hello" not in out


class _RightToLeft:
    """A translator of a right-to-left language, as a notice's context holds one."""

    rtl = True

    def gettext(self, message: str, **values: object) -> str:
        return message


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(), st.text(alphabet="ab @&<>'\"\n\t0123456789-().شא\u202b"),
                       st.integers(), st.none()),
       rtl=st.booleans())
def test_a_value_is_written_exactly_as_jinjas_escape_of_the_finalized_value(value, rtl) -> None:
    """The print environment writes a value in one call (``write_value``); what it writes is
    what Jinja's own ``escape(finalize(value))`` writes, for any value, in a loop, a filter,
    a macro and an ``{% autoescape %}`` block alike."""
    from jinja2 import StrictUndefined

    from docgen.budget import BoundedSandbox
    from docgen.render import _finalize, make_environment

    source = ("{{ v }}|{{ v|string|upper }}|{% for x in [v, v] %}{{ x }}{% endfor %}|"
              "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(v) }}|"
              "{% autoescape false %}{{ v }}{% endautoescape %}")
    jinjas = BoundedSandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                            keep_trailing_newline=True)
    context = {"v": value}
    if rtl:
        context["_translator"] = _RightToLeft()
    ours = make_environment().from_string(source).render(context)
    assert ours == jinjas.from_string(source).render(context)
    assert "write_value" in make_environment().compile(source, raw=True)
