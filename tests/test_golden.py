"""The normalised text of each sample's documents matches its reviewed golden file.

Run ``pytest --update-golden`` after an intended change and review the diff of tests/golden/.
"""

from __future__ import annotations

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
