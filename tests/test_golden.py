"""The normalised text of each sample's documents matches its reviewed golden file.

Run ``pytest --update-golden`` after an intended change and review the diff of tests/golden/.
"""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from docgen.build.run import BuildOptions, render_documents
from docgen.spec.schema import load_spec
from docxtext import normalised

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_documents_match_their_golden_text(sample: Path, tmp_path: Path,
                                           update_golden: bool) -> None:
    spec = load_spec(sample)
    documents = render_documents(spec, BuildOptions(tmp_path))
    assert documents, "every spec produces at least the MOU and the role chart"
    for kind, _, data in documents:
        golden = GOLDEN / spec.id / f"{kind.kind}{'-' + kind.locale if kind.locale else ''}.txt"
        text = normalised(data)
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"no golden file {golden}; run pytest --update-golden"
        assert text == golden.read_text(encoding="utf-8")


def test_no_golden_file_is_orphaned() -> None:
    expected = set()
    for sample in SAMPLES:
        spec = load_spec(sample)
        for kind, _, _ in render_documents(spec, BuildOptions(Path("unused"))):
            expected.add(GOLDEN / spec.id / f"{kind.kind}{'-' + kind.locale if kind.locale else ''}.txt")
    assert set(GOLDEN.rglob("*.txt")) == expected


BYTES = GOLDEN / "docx.sha256"


def test_every_sample_document_has_the_bytes_it_had(update_golden: bool) -> None:
    # Speed work (issue #16) must not change what docgen writes: the SHA-256 of every DOCX
    # the samples build, at their own source date, is recorded; a change to a template or to
    # how documents are written updates it (pytest --update-golden) and shows in the diff
    lines = []
    for sample in SAMPLES:
        spec = load_spec(sample)
        for kind, _, data in render_documents(spec, BuildOptions(Path("unused"))):
            lines.append(f"{spec.id}/{kind.output} {sha256(data).hexdigest()}")
    text = "\n".join(lines) + "\n"
    if update_golden:
        BYTES.write_text(text, encoding="utf-8")
    assert BYTES.exists(), f"no golden file {BYTES}; run pytest --update-golden"
    assert text.splitlines() == BYTES.read_text(encoding="utf-8").splitlines()
