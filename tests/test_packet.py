"""The signing packet as an archival, accessible, checked file (issue #15): PDF/A-3b with its
spec as an associated file, one valid structure tree across its documents, and claims of PDF/A
and PDF/UA only where the offline checker passes them.

These tests run LibreOffice (slow); they skip only where soffice is absent, never in CI.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from click.testing import CliRunner
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from conftest import ROOT, require
from docgen.build.pdfs import signatories
from docgen.build.run import BuildOptions, build
from docgen.cli import cli
from docgen.pdf.checks import PDFA, PDFUA, check, honest_pdf
from docgen.pdf.packet import (assemble_packet, assemble_packet_and_texts, page_text_hashes,
                               page_texts)
from signing import edit_page_text, identity, pkcs12_bytes, sign, signer

LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"
JEFFERSON = ROOT / "samples/jefferson-elementary-public-library.json"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    require("soffice")
    out = tmp_path_factory.mktemp("packet")
    results = build([str(JEFFERSON)], BuildOptions(out, pdf=True, pdf_workers=2))
    assert results[0].ok, results[0].error or results[0].pdf_errors
    return results[0].folder


def manifest(folder: Path) -> dict[str, Any]:
    return {f["path"]: f for f in json.loads((folder / "manifest.json").read_text())["files"]}


def marked_ids(page: pikepdf.Page) -> set[int]:
    """The MCIDs the page's content marks (BDC or BMC with an /MCID)."""
    found = set()
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and len(operands) == 2:
            props = operands[1]
            if isinstance(props, pikepdf.Name):
                props = page.obj.Resources.Properties[props]
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                found.add(int(props.MCID))
    return found


def element_page(elem: pikepdf.Dictionary) -> Any:
    while isinstance(elem, pikepdf.Dictionary):
        if "/Pg" in elem:
            return elem.Pg
        elem = elem.get("/P")
    return None


def holds_mcid(elem: pikepdf.Dictionary, mcid: int, page: pikepdf.Page) -> bool:
    """Whether the structure element ``elem`` holds the marked content ``mcid`` of ``page``."""
    kids = elem.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in kids:
        if isinstance(kid, int) and int(kid) == mcid:
            pg = element_page(elem)
            if pg is not None and pg.objgen == page.obj.objgen:
                return True
        if (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR
                and int(kid.MCID) == mcid):
            pg = kid.get("/Pg") or element_page(elem)
            if pg is not None and pg.objgen == page.obj.objgen:
                return True
    return False


@pytest.mark.slow
def test_every_page_s_marked_content_resolves_through_one_parent_tree(folder: Path) -> None:
    pdf = pikepdf.open(folder / "packet.pdf")
    root = pdf.Root.StructTreeRoot
    tree = dict(pikepdf.NumberTree(root.ParentTree).items())
    keys = [int(page.obj.StructParents) for page in pdf.pages]
    assert len(set(keys)) == len(keys), "two pages share a /StructParents key"
    assert int(root.ParentTreeNextKey) > max(keys)
    checked = 0
    for number, page in enumerate(pdf.pages, 1):
        entry = tree[keys[number - 1]]
        for mcid in marked_ids(page):
            elem = entry[mcid]
            assert holds_mcid(elem, mcid, page), f"page {number} MCID {mcid}"
            checked += 1
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                elem = tree[int(annot.StructParent)]
                objr = [k for k in (elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K])
                        if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                assert any(k.Obj.objgen == annot.objgen for k in objr), f"page {number}"
    assert checked > 100
    # one root /Document, a /Part per document, each element's parents lead to the root
    (document,) = list(root.K)
    assert document.S == "/Document"
    parts = list(document.K)
    assert [str(p.T) for p in parts] == [str(i.title) for i in pdf.open_outline().root]
    assert [str(p.T) for p in parts][:2] == ["Memorandum of Understanding", "Role Chart"]
    assert all(p.S == "/Part" and p.P.objgen == document.objgen for p in parts)
    langs = [str(p.Lang) for p in parts]
    assert langs[0] == "en-US" and len(set(langs)) > 2  # each notice in its own language
    for value in tree.values():
        elems = list(value) if isinstance(value, pikepdf.Array) else [value]
        for elem in elems:
            if elem is None:
                continue
            for _ in range(200):
                if elem.get("/Type") == "/StructTreeRoot":
                    break
                elem = elem.P
            assert elem.objgen == root.objgen


@pytest.mark.slow
def test_the_packet_is_tagged_pdf_a_3b_with_its_title_shown(folder: Path) -> None:
    info = subprocess.run(["pdfinfo", str(folder / "packet.pdf")], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Metadata Stream:\s+yes$", info, re.M)
    title = "Signing packet: Jefferson Elementary School and Oakland Public Library, 2026-2027"
    assert re.search(rf"^Title:\s+{title}$", info, re.M)
    pdf = pikepdf.open(folder / "packet.pdf")
    assert pdf.pdf_version == "1.7"
    assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en-US"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    xmp = pdf.Root.Metadata.read_bytes().decode()
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp
    assert [str(i.title) for i in pdf.open_outline().root][:2] == [
        "Memorandum of Understanding", "Role Chart"]
    labels = pdf.Root.PageLabels.Nums
    assert str(labels[1].P) == "MOU-" and str(labels[3].P) == "Roles-"
    # the checker finds nothing in the packet that its parts do not have (the parts pass:
    # tests/test_pdfa_notices.py)
    files = manifest(folder)
    for standard in (PDFA, PDFUA):
        found = {f.rule for f in check((folder / "packet.pdf").read_bytes(), standard)}
        if standard not in files["packet.pdf"]["checks"]["claims"]:  # taken away: no id
            found -= {r for r in found if "-ID-" in r}
        parts = {f["rule"] for name in files["packet.pdf"]["sources"]
                 for f in files[name]["checks"]["results"][standard]["failures"]}
        assert found <= parts, standard


@pytest.mark.slow
def test_a_packet_of_conforming_parts_is_pdf_a_3b_and_pdf_ua_1(folder: Path) -> None:
    parts = [(title, prefix, (folder / name).read_bytes()) for title, prefix, name in (
        ("Memorandum of Understanding", "MOU-", "mou.pdf"),
        ("Role Chart", "Roles-", "role-chart.pdf"))]
    when = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    blob = assemble_packet(parts, title="Signing packet", subject="s", keywords="k",
                           spec_bytes=JEFFERSON.read_bytes(), when=when)
    assert check(blob, PDFA) == [] and check(blob, PDFUA) == []
    out, checks = honest_pdf(blob)
    assert checks.claims == (PDFA, PDFUA) and out == blob
    with pikepdf.open(io.BytesIO(out)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert assemble_packet(parts, title="Signing packet", subject="s", keywords="k",
                           spec_bytes=JEFFERSON.read_bytes(), when=when) == blob


@pytest.mark.slow
def test_spec_json_is_the_packet_s_associated_source_file(folder: Path) -> None:
    pdf = pikepdf.open(folder / "packet.pdf")
    (spec,) = list(pdf.Root.AF)
    assert spec.AFRelationship == "/Source" and str(spec.UF) == "spec.json"
    assert spec.EF.F.read_bytes() == JEFFERSON.read_bytes()
    assert spec.EF.F.Subtype == "/application/json"
    names = list(pdf.Root.Names.EmbeddedFiles.Names)
    assert str(names[0]) == "spec.json" and names[1].objgen == spec.objgen


@pytest.mark.slow
def test_the_manifest_records_the_checker_s_result_per_pdf(folder: Path) -> None:
    files = manifest(folder)
    for name in ("mou.pdf", "role-chart.pdf"):
        checks = files[name]["checks"]
        assert checks["checker"].startswith("page-validation ")
        assert checks["claims"] == ["PDF/A-3b", "PDF/UA-1"], name
        assert checks["results"] == {"PDF/A-3b": {"passed": True, "failures": []},
                                     "PDF/UA-1": {"passed": True, "failures": []}}, name
        with pikepdf.open(folder / name) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    notice = files["notices/notice-zh-Hans.pdf"]["checks"]
    if not notice["results"]["PDF/UA-1"]["passed"]:  # the claim goes with a failure, listed
        assert "PDF/UA-1" not in notice["claims"]
        assert notice["results"]["PDF/UA-1"]["failures"][0]["rule"].startswith("PDFUA1-")
        with pikepdf.open(folder / "notices/notice-zh-Hans.pdf") as pdf:
            assert "pdfuaid" not in pdf.Root.Metadata.read_bytes().decode()
    assert files["packet.pdf"]["checks"]["page_text_sha256"] == page_text_hashes(
        (folder / "packet.pdf").read_bytes())


@pytest.mark.slow
def test_a_pdf_that_fails_pdf_ua_loses_its_claim_and_lists_why(folder: Path) -> None:
    pdf = pikepdf.open(folder / "mou.pdf")
    del pdf.Root.Lang  # no language: PDF/UA-1 7.2 fails
    del pdf.Root.ViewerPreferences
    buf = io.BytesIO()
    pdf.save(buf)
    out, checks = honest_pdf(buf.getvalue())
    assert checks.claims == ("PDF/A-3b",)
    rules = {f.rule for f in checks.results[PDFUA]}
    assert {"PDFUA1-TEXT-LANGUAGE-001", "PDFUA1-VIEWER-PREFERENCES-001"} <= rules
    with pikepdf.open(io.BytesIO(out)) as edited:
        xmp = edited.Root.Metadata.read_bytes().decode()
    assert "pdfuaid" not in xmp and "<pdfaid:part>3</pdfaid:part>" in xmp
    assert check(out, PDFA) == []


@pytest.mark.slow
def test_the_packet_is_byte_reproducible(folder: Path, tmp_path: Path) -> None:
    results = build([str(JEFFERSON)], BuildOptions(tmp_path, pdf=True, pdf_workers=1))
    again = results[0].folder
    for name in ("packet.pdf", "mou.pdf", "manifest.json"):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name


def signature_fields(path: Path) -> list[tuple[int, pikepdf.Dictionary]]:
    pdf = pikepdf.open(path)
    return [(number, annot) for number, page in enumerate(pdf.pages, 1)
            for annot in page.obj.get("/Annots", []) if annot.get("/FT") == "/Sig"]


@pytest.mark.slow
def test_each_signatory_has_a_named_tagged_field_on_their_signature_block(
        folder: Path) -> None:
    pdf = pikepdf.open(folder / "packet.pdf")
    fields = [(number, annot) for number, page in enumerate(pdf.pages, 1)
              for annot in page.obj.get("/Annots", []) if annot.get("/FT") == "/Sig"]
    assert [str(a.T) for _, a in fields] == ["MOU-school-Jordan Lee",
                                             "MOU-partner-Carmen Díaz"]
    assert [str(a.TU) for _, a in fields] == [
        "Signature of Jordan Lee, Principal, for Jefferson Elementary School "
        "(Memorandum of Understanding)",
        "Signature of Carmen Díaz, Supervising Librarian, for Oakland Public Library "
        "(Memorandum of Understanding)"]
    assert {str(f.T) for f in pdf.Root.AcroForm.Fields} == {str(a.T) for _, a in fields}
    reader = pypdf.PdfReader(folder / "packet.pdf")
    tree = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    for number, annot in fields:
        page = pdf.pages[number - 1]
        assert page.obj.Tabs == "/S" and annot.F == 4 and "/AP" in annot
        form = tree[int(annot.StructParent)]
        assert form.S == "/Form" and form.K.Type == "/OBJR"
        assert form.K.Obj.objgen == annot.objgen
        assert form.P.S == "/Part" and str(form.P.T) == "Memorandum of Understanding"
        # the field lies over the rule of "Signature:" just above "Name: <the signatory>"
        x0, y0, x1, y1 = (float(v) for v in annot.Rect)
        runs: list[tuple[float, float, str]] = []
        reader.pages[number - 1].extract_text(visitor_text=lambda t, cm, tm, f, s: runs.append(
            (tm[4], tm[5], t)) if t.strip() else None)
        name = str(annot.TU).split(",")[0].removeprefix("Signature of ")
        (name_y,) = [y for _, y, t in runs if t.strip() == f"Name: {name}"]
        (sig_x, sig_y) = [(x, y) for x, y, t in runs if t.startswith("Signature:")
                          and 0 < y - name_y < 40][-1:][0]
        assert y0 < sig_y < y1 and y1 < name_y + 50
        # from the end of "Signature: " (48 pt in 11 pt Liberation Serif) over the 32
        # underscores of the rule (5.5 pt each)
        assert 44 < x0 - sig_x < 52 and 170 < x1 - x0 < 182
    assert check((folder / "packet.pdf").read_bytes(), PDFUA) == [] or "PDF/UA-1" not in \
        manifest(folder)["packet.pdf"]["checks"]["claims"]


@pytest.mark.slow
def test_a_packet_with_fields_is_still_pdf_a_3b_and_pdf_ua_1(folder: Path) -> None:
    parts = [("Memorandum of Understanding", "MOU-", (folder / "mou.pdf").read_bytes())]
    when = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    blob = assemble_packet(parts, title="Signing packet", subject="s", keywords="k",
                           spec_bytes=JEFFERSON.read_bytes(), when=when,
                           signatories=signatories(json.loads(JEFFERSON.read_text())))
    assert len(signature_fields_of(blob)) == 2
    assert check(blob, PDFA) == [] and check(blob, PDFUA) == []


@pytest.mark.slow
def test_the_text_read_while_finding_signature_blocks_is_the_finished_packet_s(
        folder: Path) -> None:
    # one text extraction a page serves the signature search and the page-text hashes: the
    # text read before the fields were added is the text of the packet as it is finished
    # (fields added and tagged, checked, claims edited), which docgen verify reads again
    parts = [(title, prefix, (folder / name).read_bytes()) for title, prefix, name in (
        ("Memorandum of Understanding", "MOU-", "mou.pdf"),
        ("Role Chart", "Roles-", "role-chart.pdf"),
        ("Family notice: Chinese", "Notice-zh-Hans-", "notices/notice-zh-Hans.pdf"))]
    blob, texts = assemble_packet_and_texts(
        parts, title="Signing packet", subject="s", keywords="k",
        spec_bytes=JEFFERSON.read_bytes(), when=dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc),
        signatories=signatories(json.loads(JEFFERSON.read_text())),
        signed_parts=["Memorandum of Understanding"])
    assert len(signature_fields_of(blob)) == 2
    finished, _ = honest_pdf(blob)
    assert texts == page_texts(pypdf.PdfReader(io.BytesIO(finished)))
    assert any("Name: Jordan Lee" in text for text in texts)
    assert any("\u5bb6" in text or "\u5b66" in text for text in texts)  # the notice's Chinese


def signature_fields_of(blob: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        return [str(f.T) for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"]


@pytest.mark.slow
def test_pyhanko_signs_a_field_with_a_throwaway_certificate(folder: Path) -> None:
    cert, key = identity()
    signed = sign((folder / "packet.pdf").read_bytes(), "MOU-school-Jordan Lee",
                  signer(cert, key))
    reader = PdfFileReader(io.BytesIO(signed))
    (sig,) = reader.embedded_signatures
    assert sig.field_name == "MOU-school-Jordan Lee"
    status = validate_pdf_signature(sig, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def verify(*args: Any) -> Any:
    return CliRunner().invoke(cli, ["verify", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def signed(folder: Path, tmp_path_factory) -> Path:
    cert, key = identity("Jordan Lee")
    path = tmp_path_factory.mktemp("signed") / "packet.pdf"
    path.write_bytes(sign((folder / "packet.pdf").read_bytes(), "MOU-school-Jordan Lee",
                          signer(cert, key)))
    return path


@pytest.mark.slow
def test_a_signed_packet_verifies_against_its_build(folder: Path, signed: Path) -> None:
    pages = len(pikepdf.open(folder / "packet.pdf").pages)
    result = verify(signed, "--against", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "spec: ok: spec.json is the spec the build recorded "
        "(jefferson-elementary-public-library.json)",
        f"text: ok: the text of all {pages} pages is the text docgen built",
        "signatures: ok: 1 intact, nothing changed after signing: MOU-school-Jordan Lee by "
        "Jordan Lee (certificates not checked against a trust list)"]
    assert result.stderr == ""


@pytest.mark.slow
def test_an_unsigned_packet_in_its_build_folder_verifies_without_against(folder: Path) -> None:
    result = verify(folder / "packet.pdf")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2] == "signatures: ok: none yet"


@pytest.mark.slow
def test_text_changed_after_signing_fails_and_names_the_page(folder: Path, signed: Path,
                                                             tmp_path: Path) -> None:
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(edit_page_text(signed.read_bytes(), 1))
    result = verify(edited, "--against", folder)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1] == "text: DIFFERS: the text of page 2 (MOU-2) is not the text docgen built"
    assert lines[2] == ("signatures: DIFFERS: MOU-school-Jordan Lee: changed after signing "
                        "(page 2 (MOU-2): its text changed)")
    assert result.stderr == ""


@pytest.mark.slow
def test_a_byte_changed_inside_the_signed_bytes_breaks_the_signature(
        folder: Path, signed: Path, tmp_path: Path) -> None:
    data = bytearray(signed.read_bytes())
    at = data.index(b"/Title (Signing packet") + len(b"/Title (S")
    data[at] = ord("Z")  # the document info, which no page shows
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(bytes(data))
    result = verify(edited, "--against", folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2] == ("signatures: DIFFERS: MOU-school-Jordan Lee: not "
                                             "intact: the signed bytes changed")


@pytest.mark.slow
def test_a_scanned_copy_is_said_to_have_no_text_layer(folder: Path, tmp_path: Path) -> None:
    pdf = pikepdf.open(folder / "packet.pdf")
    count = len(pdf.pages)
    scan = pikepdf.new()
    for page in pdf.pages:  # an image of each page would be the same: no text
        blank = scan.add_blank_page(page_size=(612, 792))
        blank.obj.Contents = scan.make_stream(b"0.9 g 0 0 612 792 re f")
    scan.save(tmp_path / "scan.pdf")
    result = verify(tmp_path / "scan.pdf", "--against", folder)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "spec: ok: no spec.json attached (a scanned copy has none); not compared",
        f"text: ok: no text layer (printed and scanned?): compared the page count only: "
        f"{count} pages, docgen built {count}",
        "signatures: ok: none yet"]
    del scan.pages[-1]
    scan.save(tmp_path / "short.pdf")
    assert verify(tmp_path / "short.pdf", "--against", folder).exit_code == 1


@pytest.mark.slow
def test_docgen_sign_certifies_and_the_signatories_can_still_sign(folder: Path,
                                                                  tmp_path: Path) -> None:
    cert, key = identity("Fruitvale Unified School District")
    p12 = tmp_path / "district.p12"
    p12.write_bytes(pkcs12_bytes(cert, key, b"s3cret"))
    out = tmp_path / "certified.pdf"
    args = ["sign", str(folder / "packet.pdf"), "--pkcs12", str(p12), "-o", str(out)]
    wrong = CliRunner().invoke(cli, args, env={"DOCGEN_PKCS12_PASSWORD": "nope"})
    assert wrong.exit_code == 1 and not out.exists()
    assert wrong.stderr == (f"Error: {p12}: cannot be opened as a PKCS#12 key and certificate "
                            "with that password (check the password, or export the key again "
                            "as .p12/.pfx)\n")
    result = CliRunner().invoke(cli, args, env={"DOCGEN_PKCS12_PASSWORD": "s3cret"})
    assert result.exit_code == 0, result.output
    reader = PdfFileReader(io.BytesIO(out.read_bytes()))
    (sig,) = reader.embedded_signatures
    assert sig.field_name == "Certification" and sig.docmdp_level.name == "FILL_FORMS"
    for standard in (PDFA, PDFUA):  # the certification adds no finding to the packet's
        before = {f.rule for f in check((folder / "packet.pdf").read_bytes(), standard)}
        assert {f.rule for f in check(out.read_bytes(), standard)} <= before, standard
    with pikepdf.open(out) as pdf:
        (widget,) = [a for a in pdf.pages[0].obj.Annots if str(a.get("/T")) == "Certification"]
        form = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())[
            int(widget.StructParent)]
        assert form.S == "/Form" and form.K.Obj.objgen == widget.objgen
        assert str(widget.TU) == "Certification signature of Fruitvale Unified School District"
    assert verify(out, "--against", folder).exit_code == 0
    # a signatory signs their field after it: allowed; the certification still holds
    cosigned = tmp_path / "cosigned.pdf"
    cert2, key2 = identity("Jordan Lee")
    cosigned.write_bytes(sign(out.read_bytes(), "MOU-school-Jordan Lee", signer(cert2, key2)))
    result = verify(cosigned, "--against", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].startswith(
        "signatures: ok: 2 intact, nothing changed after signing: Certification by Fruitvale "
        "Unified School District; MOU-school-Jordan Lee by Jordan Lee")
    # certifying again, after someone signed, is refused
    again = CliRunner().invoke(cli, ["sign", str(cosigned), "--pkcs12", str(p12), "-o",
                                     str(tmp_path / "x.pdf")],
                               env={"DOCGEN_PKCS12_PASSWORD": "s3cret"})
    assert again.exit_code == 1
    assert again.stderr == (f"Error: {cosigned}: is already signed (Certification); a "
                            "certification signature must come first: certify the packet "
                            "docgen built, before anyone signs it\n")


def test_a_content_stream_ending_in_a_carriage_return_gets_a_line_end() -> None:
    import zlib

    from docgen.pdf.checks import _no_trailing_cr

    content = next(c for k in range(512)  # "y" is odd: its sums cover every final byte
                   if zlib.compress(c := b"BT ET %" + b"y" * k, 9).endswith(b"\r"))
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(zlib.compress(content, 9), Filter=pikepdf.Name.FlateDecode)
    _no_trailing_cr(pdf)
    stream = pdf.pages[0].obj.Contents
    assert not stream.read_raw_bytes().endswith(b"\r")
    assert stream.read_bytes().rstrip(b"\n") == content


@pytest.mark.slow
def test_a_build_that_recorded_no_page_text_is_said_so(folder: Path, tmp_path: Path) -> None:
    data = json.loads((folder / "manifest.json").read_text())
    for entry in data["files"]:
        entry.pop("checks", None)
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    result = verify(folder / "packet.pdf", "--against", tmp_path)
    pages = len(pikepdf.open(folder / "packet.pdf").pages)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        f"text: ok: {pages} pages; not compared: its build recorded no page text (built by an "
        "older docgen; build it again to compare)")
    missing = verify(folder / "packet.pdf", "--against", tmp_path / "nowhere")
    assert missing.exit_code == 1
    assert missing.stderr == (f"Error: {tmp_path / 'nowhere'}: has no manifest.json naming a "
                              "packet.pdf; give the folder docgen built the packet in "
                              "(OUT/<id>)\n")
