"""Pinning by located bytes (docgen.pdf.pin): the same bytes the whole-file pypdf reading gave.

The fixtures are PDFs as LibreOffice 7.4 wrote them (tests/data/pdf/lo-*.pdf: an English
notice, and a Chinese one whose Noto CJK subsets are Type 1 programs with a per-process
/UniqueID); tests/pin_reference.py is the pinning as it was before (pypdf reads every object).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st
from pypdf import PdfReader

import pin_reference
from conftest import examples
from docgen.pdf import pin
from docgen.pdf.pin import pin_pdf

DATA = Path(__file__).parent / "data" / "pdf"
FIXTURES = {p.name: p.read_bytes() for p in sorted(DATA.glob("lo-*.pdf"))}
WHEN = dt.datetime(2026, 8, 10, 12, 59, 59, tzinfo=dt.timezone.utc)

moments = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31),
                       timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(
                           hours=-7)), dt.timezone(dt.timedelta(hours=5, minutes=30))]))


def test_the_fixtures_are_libreoffices_with_what_changes() -> None:
    for name, data in FIXTURES.items():
        assert b"/Producer<FEFF004C0069006200720065004F0066006600690063006500200037" in data, name
        offsets, changes = pin._located_changes(data, WHEN)  # the plain form: no fallback
        assert len(offsets) > 100
        profile = [n for n, c in changes.items() if c[36:40] == b"acsp"]
        assert len(profile) == 1, name
    _, changes = pin._located_changes(FIXTURES["lo-notice-zh-Hans.pdf"], WHEN)
    fonts = [c for c in changes.values() if c.startswith(b"%!FontType1")]
    assert len(fonts) >= 2  # the CJK subsets, each with its /UniqueID made constant


@settings(max_examples=examples(40), deadline=None)
@given(when=moments, name=st.sampled_from(sorted(FIXTURES)))
@example(when=WHEN, name="lo-notice-zh-Hans.pdf")
@example(when=dt.datetime(1000, 1, 1, tzinfo=dt.timezone.utc), name="lo-notice-en.pdf")
def test_located_pinning_gives_the_bytes_the_whole_file_reading_gave(when: dt.datetime,
                                                                     name: str) -> None:
    data = FIXTURES[name]
    pinned = pin_pdf(data, when)
    assert pinned == pin_reference.pin_pdf(data, when)
    assert pin_pdf(pinned, when) == pinned
    reader = PdfReader(io.BytesIO(pinned), strict=True)
    profile = reader.trailer["/Root"]["/OutputIntents"][0].get_object()[
        "/DestOutputProfile"].get_object().get_data()
    utc = when.astimezone(dt.timezone.utc)
    assert profile[24:36] == struct.pack(">6H", utc.year, utc.month, utc.day, utc.hour,
                                         utc.minute, utc.second)


@settings(max_examples=examples(15), deadline=None)
@given(when=moments)
def test_a_font_program_is_encrypted_again_only_when_its_id_changes(when: dt.datetime) -> None:
    # pinning what is pinned changes no font: the cipher is kept, and the bytes too
    pinned = pin_pdf(FIXTURES["lo-notice-zh-Hans.pdf"], when)
    _, changes = pin._located_changes(pinned, when)
    assert not [c for c in changes.values() if c.startswith(b"%!FontType1")]
    assert pin_pdf(pinned, when) == pinned


def _mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with bytes changed where the located reading looks: the cross-reference
    table, the trailer, the catalog, the output intent and the font dictionaries."""
    spots = [m.start() for m in re.finditer(rb"/Length2|/DestOutputProfile|/OutputIntents|"
                                            rb"\nxref|trailer|startxref|/FlateDecode", data)]

    @st.composite
    def strategy(draw: st.DrawFn) -> bytes:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.sampled_from(spots)) + draw(st.integers(-40, 40))
            at = min(max(at, 0), len(out) - 1)
            byte = draw(st.sampled_from(list(b" \n\r/<>[]()0123456789R#%") + [0x41, 0]))
            kind = draw(st.sampled_from(["replace", "remove", "insert"]))
            if kind == "replace":
                out[at] = byte
            elif kind == "remove":
                del out[at]
            else:
                out.insert(at, byte)
        return bytes(out)
    return strategy()


@settings(max_examples=examples(60), deadline=None)
@given(data=_mutated(FIXTURES["lo-notice-en.pdf"]))
def test_a_file_not_in_libreoffices_plain_form_is_pinned_as_before(data: bytes) -> None:
    # whatever the located reading cannot be sure of, the whole-file reading decides
    got = pin._stable_streams(data, WHEN)
    if _pypdf_reads_every_object(data):
        assert got == pin_reference._stable_streams(data, WHEN)
    else:
        # pypdf gives up on such a file, and the previous pinning left it as it was; the
        # located reading may still pin the streams it found, and it changes nothing else
        assert _skeleton(got) == _skeleton(data)
        assert pin._stable_streams(got, WHEN) == got


def _pypdf_reads_every_object(data: bytes) -> bool:
    try:
        reader = PdfReader(io.BytesIO(data))
        for number in dict(reader.xref[0]):
            reader.get_object(number)
        reader.root_object.get("/OutputIntents")
    except Exception:  # noqa: BLE001 - any reason pypdf has to give up
        return False
    return True


def _skeleton(data: bytes) -> bytes:
    """``data`` without what pinning may change: stream data, /Length values (direct or in
    their own objects), the cross-reference rows and the startxref offset."""
    data = re.sub(rb"stream(\r\n|\n).*?endstream", b"stream endstream", data, flags=re.S)
    data = re.sub(rb"/Length(\s+)\d+(?!\s+\d+\s+R)", rb"/Length\1N", data)
    data = re.sub(rb"(\d+ 0 obj\s*)\d+(\s*endobj)", rb"\1N\2", data)
    data = re.sub(rb"\d{10} \d{5} [nf]", b"ROW", data)
    return re.sub(rb"startxref\s+\d+", b"startxref N", data)


def _length_one_short(data: bytes) -> bytes:
    """The colour profile's /Length one byte short of its ``endstream``."""
    m = re.search(rb"/DestOutputProfile (\d+) 0 R", data)
    assert m
    at = data.index(b"%s 0 obj" % m.group(1))
    length = re.compile(rb"/Length (\d+)").search(data, at)
    assert length
    return data[:length.start(1)] + b"%d" % (int(length.group(1)) - 1) + data[length.end(1):]


def _length_naming_a_dictionary(data: bytes) -> bytes:
    """The first page's contents with a /Length that refers to a dictionary (found by
    hypothesis: pypdf gave up on such a file, and left it as it was, while the located reading,
    which never looked at that page, pinned). The number has as many digits as the one it
    replaces, so that no offset moves."""
    m = re.search(rb"/Contents (\d+) 0 R", data)
    assert m
    at = data.index(b"\n%s 0 obj" % m.group(1))
    length = re.compile(rb"/Length (\d+) 0 R").search(data, at)
    assert length
    width = len(length.group(1))
    number: bytes = next(n for n in re.findall(rb"\n(\d+) 0 obj\n<<", data) if len(n) == width)
    return data[:length.start(1)] + number + data[length.end(1):]


@pytest.mark.parametrize("broken", [_length_one_short, _length_naming_a_dictionary])
def test_a_stream_whose_length_does_not_end_it_is_left_to_the_whole_file_reading(
        broken: Callable[[bytes], bytes]) -> None:
    data = broken(FIXTURES["lo-notice-en.pdf"])
    with pytest.raises(pin._Unsure):
        pin._located_changes(data, WHEN)
    assert pin._stable_streams(data, WHEN) == pin_reference._stable_streams(data, WHEN)


def test_eexec_round_trips() -> None:
    plain = zlib.compress(b"/UniqueID 1234567 def" * 50)
    assert pin._eexec(pin._eexec(plain, decrypt=False), decrypt=True) == plain
    assert pin._eexec(plain, decrypt=False) == pin_reference._eexec(plain, decrypt=False)
    assert pin._eexec(plain, decrypt=True) == pin_reference._eexec(plain, decrypt=True)


@pytest.mark.slow
def test_every_pdf_libreoffice_writes_for_a_sample_is_pinned_as_before(tmp_path: Path) -> None:
    """LibreOffice as installed, every document of two samples (MOU, data-sharing agreement,
    role chart, notices in English, Spanish, Vietnamese, Arabic and Chinese): the located
    pinning gives the bytes the previous pinning gave, without falling back."""
    from conftest import ROOT, require
    from docgen.build.run import BuildOptions, build
    from docgen.pdf.pool import PdfJob, PdfPool, find_converter

    require("soffice")
    samples = [str(ROOT / "samples" / f"{name}.json") for name in
               ("lincoln-elementary-bright-futures", "jefferson-elementary-public-library")]
    assert all(r.ok for r in build(samples, BuildOptions(tmp_path / "docx", pdf=False)))
    docx = sorted(p for p in (tmp_path / "docx").rglob("*.docx")
                  if p.parent.name != "built-from")
    assert len(docx) >= 14
    jobs = [PdfJob(p, tmp_path / f"{i}.pdf", p.name) for i, p in enumerate(docx)]
    assert all(r.ok for r in PdfPool(find_converter(), workers=2).convert(jobs))
    for job in jobs:
        data = job.dst.read_bytes()
        pin._located_changes(data, WHEN)  # LibreOffice's plain form: read without pypdf
        assert pin_pdf(data, WHEN) == pin_reference.pin_pdf(data, WHEN), job.label
