"""Word is stricter than LibreOffice: docgen adds no openxml-audit finding to its templates'."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from docgen.build.run import BuildOptions, render_documents
from docgen.spec.schema import load_spec

pytestmark = pytest.mark.slow  # openxml-audit takes seconds a document

AUDIT = Path(sys.executable).parent / "openxml-audit"


def findings(path: Path) -> set[str]:
    out = subprocess.run([str(AUDIT), "-f", "microsoft365", "-o", "json", "-m", "0", str(path)],
                         capture_output=True, text=True, check=False)
    report = json.loads(out.stdout)[0]
    return {f"{e['part_uri']}: {e['description']}" for e in report["errors"]}


@pytest.fixture(scope="module")
def template_findings() -> dict[str, set[str]]:
    return {p.name: findings(p) for p in (ROOT / "templates").glob("*.docx")}


def test_the_shipped_templates_open_cleanly_in_word(template_findings) -> None:
    assert template_findings == {name: set() for name in template_findings}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_rendering_adds_no_finding(sample: Path, tmp_path: Path, template_findings) -> None:
    for kind, template, data in render_documents(load_spec(sample), BuildOptions(tmp_path)):
        out = tmp_path / kind.output
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        assert findings(out) <= template_findings[template.name], kind.kind
