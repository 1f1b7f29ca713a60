"""Inputs that would fill the memory are refused while they are read, within a bound checked by
``resource`` limits in a subprocess; and fuzzed DOCX files and specs give a located error or
work, never another exception.
"""

from __future__ import annotations

import io
import random
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, examples
from docgen.errors import DocgenError
from hostile_docs import members, packed
from redline_docs import make_docx

DOCGEN = [sys.executable, "-m", "docgen"]
LINCOLN = ROOT / "samples/lincoln-elementary-bright-futures.json"


def limited(megabytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def run_limited(args: list[str], megabytes: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run docgen with at most ``megabytes`` of address space."""
    return subprocess.run(DOCGEN + args, preexec_fn=limited(megabytes), capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def one_paragraph_of_runs(word: str, n: int) -> bytes:
    runs = "".join(f'<w:r>{"<w:rPr><w:b/></w:rPr>" if i % 2 else ""}<w:t xml:space="preserve">'
                   f"{word}{i % 97} </w:t></w:r>" for i in range(n))
    parts = members(make_docx("PLACEHOLDER"))
    doc = parts["word/document.xml"].decode()
    doc = re.sub(r"<w:p>(?:(?!</w:p>).)*PLACEHOLDER.*?</w:p>", lambda m: f"<w:p>{runs}</w:p>",
                 doc, flags=re.S)
    parts["word/document.xml"] = doc.encode()
    return packed(parts)


REFUSED_TEXT = ("has more text than docgen compares (at most 50,000 runs of text and 1,000,000 "
                "characters; a 100-page agreement has a few thousand runs); compare it in "
                "smaller documents")


@pytest.mark.slow
def test_a_paragraph_of_150000_runs_is_refused_within_bounded_memory(tmp_path: Path) -> None:
    (tmp_path / "old.docx").write_bytes(one_paragraph_of_runs("alpha", 150_000))
    (tmp_path / "new.docx").write_bytes(one_paragraph_of_runs("beta", 150_000))
    result = run_limited(["redline", "old.docx", "new.docx", "-o", "out.docx"], 400, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"Error: old.docx: {REFUSED_TEXT}\n"
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.slow
def test_a_two_megabyte_pair_in_one_paragraph_is_refused_within_bounded_memory(
        tmp_path: Path) -> None:
    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 9)))
             for _ in range(3000)]
    text = " ".join(rng.choice(words) for _ in range(330_000))  # some 2 MB
    for name, body in (("old.docx", text), ("new.docx", text.replace(" a", " b", 50))):
        (tmp_path / name).write_bytes(make_docx(body))
    result = run_limited(["redline", "old.docx", "new.docx", "-o", "out.docx"], 400, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"Error: old.docx: {REFUSED_TEXT}\n"


def test_a_document_just_over_the_run_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    from docgen.redline.compare import redline
    from docgen.errors import DocxError
    import datetime as dt

    monkeypatch.setattr("docgen.redline.compare.MAX_RUNS", 100)
    small, big = one_paragraph_of_runs("a", 100), one_paragraph_of_runs("b", 101)
    when = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    redline(small, small, date=when)
    with pytest.raises(DocxError) as info:
        redline(small, big, date=when, new_name="big.docx")
    assert info.value.message == ("big.docx: has more text than docgen compares (at most 100 "
                                  "runs of text and 1,000,000 characters; a 100-page agreement "
                                  "has a few thousand runs); compare it in smaller documents")


def _template_bomb(path: Path, parts: int, megabytes: int) -> None:
    """notice.docx with ``parts`` pictures of ``megabytes`` of zeros each: 650 KB on disk."""
    with zipfile.ZipFile(ROOT / "templates/notice.docx") as original, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for name in original.namelist():
            bomb.writestr(name, original.read(name))
        chunk = b"\0" * (1 << 20)
        for k in range(parts):
            with bomb.open(f"word/media/image{k}.png", "w") as member:
                for _ in range(megabytes):
                    member.write(chunk)


@pytest.mark.slow
def test_a_template_that_inflates_to_640_mb_is_refused_within_bounded_memory(
        tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    _template_bomb(folder / "notice.docx", 20, 32)
    assert (folder / "notice.docx").stat().st_size < 4 << 20
    result = run_limited(["build", str(LINCOLN), "-o", "out", "--no-pdf", "--templates",
                          str(folder)], 350, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"Error: {folder / 'notice.docx'}: inflates to more than a "
                                    "document can hold (a zip bomb?); refusing to read it")


# --- fuzzing ------------------------------------------------------------------------------------


def _mutations() -> st.SearchStrategy:
    return st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 255),
                              st.sampled_from(["flip", "cut", "insert"])), min_size=1,
                    max_size=8)


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for where, value, kind in edits:
        if not out:
            break
        i = where % len(out)
        if kind == "flip":
            out[i] = value
        elif kind == "cut":
            del out[i:i + value]
        else:
            out[i:i] = bytes([value]) * (value % 7 + 1)
    return bytes(out)


def _mutate_part(data: bytes, part_choice: int, edits) -> bytes:
    """Mutate one XML part inside the zip, so the damage reaches the XML readers too."""
    parts = members(data)
    names = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    name = names[part_choice % len(names)]
    parts[name] = _mutate(parts[name], edits)
    return packed(parts)


DOCX_FILES = sorted((ROOT / "templates").glob("*.docx"))


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(DOCX_FILES), st.booleans(), st.integers(0, 100), _mutations())
def test_a_mutated_docx_is_a_located_error_or_reads(tmp_path: Path, source: Path,
                                                    inside: bool, part: int, edits) -> None:
    from docgen.ooxml.package import Package
    from docgen.render import compile_template

    data = source.read_bytes()
    data = _mutate_part(data, part, edits) if inside else _mutate(data, edits)
    for read in (lambda: Package.open(data, "fuzzed.docx").xml("word/document.xml"),
                 lambda: _compile(tmp_path, data, compile_template)):
        try:
            read()
        except DocgenError as e:
            assert e.problems and str(e.problems[0]).startswith(
                ("fuzzed.docx", str(tmp_path))), e.lines()
        except KeyError as e:  # a package without the part: Package.xml's caller checks
            assert "word/document.xml" in str(e)


def _compile(tmp_path: Path, data: bytes, compile_template) -> None:
    path = tmp_path / "fuzzed-template.docx"
    path.write_bytes(data)
    compile_template(path)


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SAMPLES), _mutations())
def test_a_mutated_spec_is_a_located_error_or_reads(tmp_path: Path, source: Path,
                                                    edits) -> None:
    from docgen.spec.schema import check_spec, read_spec

    path = tmp_path / "fuzzed.json"
    path.write_bytes(_mutate(source.read_bytes(), edits))
    try:
        check_spec(read_spec(path))
    except DocgenError as e:
        assert e.problems and all(str(p).startswith(str(path)) for p in e.problems), e.lines()


def test_build_refuses_a_3_gb_spec_without_reading_it(tmp_path: Path) -> None:
    spec = tmp_path / "huge.json"
    with spec.open("wb") as f:
        f.write(b'{"id": "huge", "padding": "')
        f.truncate(3 << 30)  # sparse: 3 GB to read, nothing on disk
    result = run_limited(["build", str(spec), "-o", "out", "--no-pdf"], 400, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"{spec}: is larger than 5 MB; a spec is a few kilobytes\n"
